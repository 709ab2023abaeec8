#!/usr/bin/env bash
# skindiff analyze: text, JSON and CSV outputs, overlays, ROI/mask, usage
# errors, broken inputs among good ones, exit codes.
# Usage: test_analyze.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"
num() { # num FILE KEY: first number after "KEY":
    sed -n "s/.*\"$2\": \(-\{0,1\}[0-9.e+-]*\).*/\1/p" "$1" | head -1
}

# Synthetic skin with known truth: 60 pores/cm2 at 20 px/mm, a* 14.
"$BIN" synth skin.png --width 500 --height 400 --seed 5 --truth truth.json -q
"$BIN" synth skin2.jpg --width 500 --height 400 --seed 6 -q

# Text on the terminal path, with the scale warning once.
expect_rc 0 "$BIN" analyze skin.png
has out.txt "Texture"
has out.txt "Pores"
has out.txt "Redness"
has err.txt "assuming 20 px/mm"
[ "$(grep -c 'assuming' err.txt)" -eq 1 ] && ok || bad "scale warning not printed once"

# JSON: schema, parameters, figures near the truth.
expect_rc 0 "$BIN" analyze skin.png --px-per-mm 20 --json -o a.json
has a.json '"schema_version": 1'
has a.json '"scale_source": "given"'
has a.json '"pore_threshold": 10'
lacks err.txt "assuming"
a=$(num a.json a_mean)
want_a=$(sed -n 's/.*"a_mean": \([0-9.]*\).*/\1/p' truth.json | head -1)
# measured error 0.0006 (PNG: the photo holds the truth to 16-bit rounding)
/usr/bin/python3 -c "import sys; a,w=float('$a'),float('$want_a'); sys.exit(0 if abs(a-w)<0.002 else 1)" \
    && ok || bad "a* mean $a vs truth $want_a"

# CSV: header + one row per image, JPEG too.
expect_rc 0 "$BIN" analyze skin.png skin2.jpg --csv --px-per-mm 20
[ "$(wc -l < out.txt)" -eq 3 ] && ok || bad "csv rows: $(wc -l < out.txt)"
has out.txt "file,status,width,height"

# Overlay PNG is written and is a PNG of the photo's size.
expect_rc 0 "$BIN" analyze skin.png --px-per-mm 20 --overlay ov.png
"$BIN" info ov.png > info.txt
has info.txt "PNG 500x400"
mkdir od
expect_rc 0 "$BIN" analyze skin.png skin2.jpg --px-per-mm 20 --overlay-dir od
[ -f od/skin.png.overlay.png ] && [ -f od/skin2.jpg.overlay.png ] && ok || bad "overlay-dir outputs"

# ROI narrows the region; a ROI outside the image is an input error.
expect_rc 0 "$BIN" analyze skin.png --px-per-mm 20 --roi 100,100,200,150 --json -o roi.json
# R is the pixels of M (the ROI) where G_1mm * M >= 0.9: for a rectangle well
# inside the photo G * M is a product of two differences of the normal CDF,
# so the region's area follows from the definition alone (0.3503 cm2).
full=$(num a.json area_cm2); part=$(num roi.json area_cm2)
[ "$full" = 5 ] && ok || bad "whole 500x400 photo at 20 px/mm: area $full cm2, want 5"
/usr/bin/python3 - "$part" <<'PY' && ok || bad "roi area $part cm2"
import sys
from math import erf, sqrt
phi = lambda z: 0.5 * (1 + erf(z / sqrt(2)))
s = 20.0                      # sigma of 1 mm in px
x0, x1, y0, y1 = 100, 300, 100, 250
fx = {x: phi((x1 - x - 0.5) / s) - phi((x0 - x - 0.5) / s) for x in range(x0, x1)}
fy = {y: phi((y1 - y - 0.5) / s) - phi((y0 - y - 0.5) / s) for y in range(y0, y1)}
n = sum(1 for x in fx for y in fy if fx[x] * fy[y] >= 0.9)
want = n / (s * s) / 100
got = float(sys.argv[1])
print("  ROI region: %.6g cm2, definition %d px = %.6g cm2" % (got, n, want), file=sys.stderr)
sys.exit(0 if abs(got - want) <= 5e-5 else 1)   # the JSON's 6 digits
PY
expect_rc 2 "$BIN" analyze skin.png --roi 900,900,10,10
has err.txt "outside"

# Broken input among good ones: exit 1, the good one still reported, the
# message names the file and the problem.
head -c 3000 skin2.jpg > cut.jpg
expect_rc 1 "$BIN" analyze skin.png cut.jpg --json --px-per-mm 20
has err.txt "cut.jpg"
has out.txt '"status": "error"'
has out.txt '"status": "ok"'
expect_rc 3 "$BIN" analyze cut.jpg
printf 'Patient notes\n' > notes.jpg
expect_rc 3 "$BIN" analyze notes.jpg
has err.txt "notes.jpg"
expect_rc 3 "$BIN" analyze missing.png
has err.txt "missing.png"

# Usage errors.
expect_rc 2 "$BIN" analyze
expect_rc 2 "$BIN" analyze skin.png --px-per-mm -3
expect_rc 2 "$BIN" analyze skin.png --roi 1,2,3
expect_rc 2 "$BIN" analyze skin.png --bogus
expect_rc 2 "$BIN" analyze skin.png skin2.jpg --overlay x.png
expect_rc 0 "$BIN" analyze --help
has out.txt "Exit status"

# Output errors leave nothing behind.
expect_rc 5 "$BIN" analyze skin.png --json -o /nonexistent-dir/a.json
ls ./*.tmp.* >/dev/null 2>&1 && bad "temporary file left" || ok

finish
