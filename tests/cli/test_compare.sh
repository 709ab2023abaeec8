#!/usr/bin/env bash
# skindiff compare: table, JSON and CSV outputs, the HTML report (and its
# rendering in headless Chromium when available), usage errors, exit codes.
# Usage: test_compare.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"
SHOT="$ROOT/scripts/screenshot-report.sh"

# --- a before/after pair of skin-like photos (python3 stdlib) -------------
# 600 x 450 at 20 px/mm: fine noise, dark pores on a lattice, red spots
# (0.6 mm, every 4 mm: red against their 2 mm background) that fade in the
# after photo; plus an unrelated picture for the alignment
# failure.
python3 - <<'PY'
import math, random, struct, zlib
def png(name, w, h, pix):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    raw = b"".join(b"\0" + bytes(pix[y * w * 3:(y + 1) * w * 3]) for y in range(h))
    open(name, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
def skin(name, seed, red, pores):
    w, h = 600, 450
    rnd = random.Random(seed)
    pix = bytearray(w * h * 3)
    for y in range(h):
        for x in range(w):
            n = rnd.uniform(-0.03, 0.03)
            d2 = (x % 80 - 40) ** 2 + (y % 80 - 40) ** 2
            r = red * math.exp(-d2 / (2 * 12.0 ** 2))
            k = 0.75 if (x % 24 < 3 and y % 24 < 3 and (x // 24 + y // 24) % pores == 0) else 1.0
            v = ((0.78 + n + r) * k, (0.58 + n - r / 2) * k, (0.50 + n) * k)
            i = (y * w + x) * 3
            pix[i:i + 3] = bytes(max(0, min(255, int(c * 255 + 0.5))) for c in v)
    png(name, w, h, pix)
skin("before.png", 1, 0.12, 1)
skin("after.png", 2, 0.04, 2)
rnd = random.Random(9)
png("other.png", 600, 450, bytearray(rnd.randrange(256) for _ in range(600 * 450 * 3)))
PY

# --- help and usage --------------------------------------------------------
expect_rc 0 "$BIN" compare --help
has out.txt "noise floor"
has out.txt "--assume-aligned"
has out.txt "95% interval"
expect_rc 2 "$BIN" compare before.png
has err.txt "BEFORE AFTER"
expect_rc 2 "$BIN" compare before.png after.png --frobnicate
expect_rc 2 "$BIN" compare before.png after.png --tile-mm 0.1
expect_rc 2 "$BIN" compare before.png after.png --bootstrap 12.5
expect_rc 2 "$BIN" compare before.png after.png --roi 1,2,3
expect_rc 2 "$BIN" compare before.png after.png third.png
expect_rc 3 "$BIN" compare before.png missing.png --assume-aligned
has err.txt "missing.png"

# --- JSON ------------------------------------------------------------------
common=(--assume-aligned --px-per-mm 20)
expect_rc 0 "$BIN" compare before.png after.png "${common[@]}" --json -o cmp.json
if [ -s out.txt ]; then bad "-o: stdout not empty"; else ok; fi
if grep -q "assumed" err.txt; then bad "scale given, yet a warning"; else ok; fi
python3 - cmp.json before.png after.png <<'PY' && ok || bad "JSON fields"
import json, math, os, sys
j = json.load(open(sys.argv[1]))
def need(c, what):
    if not c:
        print("JSON check failed:", what, file=sys.stderr)
        sys.exit(1)
need(j["schema_version"] == 1 and j["tool"] == "skindiff" and j["version"], "header")
p = j["parameters"]
need(p["px_per_mm"] == 20 and p["scale_source"] == "given" and p["assume_aligned"] is True, "scale")
need(p["tile_mm"] == 5 and p["bootstrap_n"] == 2000 and p["seed"] == 1, "bootstrap parameters")
need(p["floors"] == {"sa_pct": 3, "pores_pct": 5, "a": 0.5, "erythema": 1, "red_area_points": 0.5,
                     "a_uncalibrated": 2, "erythema_uncalibrated": 3,
                     "source": "booth defaults; a* and EI uncalibrated colour"}, "floors")
for side, path in (("before", sys.argv[2]), ("after", sys.argv[3])):
    f = j[side]
    need(f["path"] == path and f["file_bytes"] == os.path.getsize(path), side + " file")
    need(f["width"] == 600 and f["height"] == 450 and f["scale_source"] == "given" and f["warnings"] == [], side + " size")
t = j["transform"]
need(t["dx"] == 0 and t["dy"] == 0 and t["rotation_deg"] == 0 and t["scale"] == 1 and t["confidence"] == 1, "transform")
need(t["assumed_aligned"] is True, "assumed_aligned")
need(0 < j["common_area_cm2"] <= 600 * 450 / 400 / 100 + 1e-9, "common area")
need(j["tiles"]["x"] == 6 and j["tiles"]["y"] == 5 and j["tiles"]["tile_px"] == 100, "tiles grid")
need(2 <= j["tiles"]["used"] <= 30, "tiles used")
keys = ["sa", "sq", "pore_density", "pore_diameter", "pore_area", "a_mean", "a_median", "erythema", "red_area"]
need(list(j["metrics"].keys()) == keys, "metric keys")
for k, m in j["metrics"].items():
    need(set(m) == {"label", "unit", "before", "after", "change", "change_pct", "ci_low", "ci_high", "noise_floor", "verdict", "reason", "floor_source"}, k + " fields")
    need(m["verdict"] in ("improved", "worsened", "no significant change", "inconclusive"), k + " verdict")
    need(abs(m["after"] - m["before"] - m["change"]) <= 1e-5 * max(1, abs(m["before"])), k + " change")
    if m["ci_low"] is not None:
        need(m["ci_low"] <= m["change"] <= m["ci_high"] or m["ci_low"] == m["ci_high"], k + " interval")
need(j["metrics"]["red_area"]["unit"] == "% of area" and j["metrics"]["sa"]["unit"] == "% contrast", "units")
a = j["metrics"]["a_mean"]
need(a["change"] < 0 and a["noise_floor"] == 2 and a["floor_source"] == "uncalibrated colour", "a* fell")
need(j["acquisition"]["colour_calibrated"] is False and j["acquisition"]["tiles_dropped"] == 0, "acquisition")
need(j["metrics"]["red_area"]["verdict"] == "improved", "red area improved")
print("JSON: %d tiles, a* %.2f -> %.2f (%s), red area %.2f -> %.2f %% (%s)" % (
    j["tiles"]["used"], a["before"], a["after"], a["verdict"],
    j["metrics"]["red_area"]["before"], j["metrics"]["red_area"]["after"], j["metrics"]["red_area"]["verdict"]))
PY

# same seed, same bytes; another seed, another interval
expect_rc 0 "$BIN" compare before.png after.png "${common[@]}" --json -o again.json
if cmp -s cmp.json again.json; then ok; else bad "same seed gave different output"; fi
expect_rc 0 "$BIN" compare before.png after.png "${common[@]}" --json --seed 7 -o seed7.json
if cmp -s cmp.json seed7.json; then bad "--seed changed nothing"; else ok; fi
has seed7.json '"seed": 7'

# --- CSV and table ---------------------------------------------------------
expect_rc 0 "$BIN" compare before.png after.png "${common[@]}" --csv
python3 - out.txt <<'PY' && ok || bad "CSV shape"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
assert rows[0][:5] == ["before_file", "after_file", "metric", "label", "unit"], rows[0]
assert len(rows) == 10 and all(len(r) == len(rows[0]) for r in rows), len(rows)
assert [r[2] for r in rows[1:]][0] == "sa" and rows[-1][2] == "red_area"
PY
expect_rc 0 "$BIN" compare before.png after.png "${common[@]}"
has out.txt "Texture Sa"
has out.txt "% contrast"
has out.txt "95% interval"
has out.txt "Red area fraction"

# no scale: one warning
expect_rc 0 "$BIN" compare before.png after.png --assume-aligned --json
n=$(grep -c "assumed" err.txt || true)
if [ "$n" -eq 1 ]; then ok; else bad "scale warning printed $n times"; fi
has out.txt '"scale_source": "assumed"'

# 20 mm tiles: only the top-left 400 px tile fits: no interval, no verdict
expect_rc 0 "$BIN" compare before.png after.png "${common[@]}" --tile-mm 20 --json
has err.txt "no 95% interval"
has out.txt '"used": 1'
if grep -q '"verdict": "improved"' out.txt; then bad "a verdict without interval"; else ok; fi

# --- alignment failure -----------------------------------------------------
expect_rc 4 "$BIN" compare before.png other.png --px-per-mm 20 --min-confidence 0.99
has err.txt "cannot align"
has err.txt "--assume-aligned"

# --- HTML report -----------------------------------------------------------
expect_rc 0 "$BIN" compare before.png after.png "${common[@]}" --report report.html
if [ -s report.html ]; then ok; else bad "no report"; fi
if grep -Eq "https?://" report.html; then bad "report refers to the network"; else ok; fi
if grep -q "<script" report.html; then bad "report has scripts"; else ok; fi
has report.html "before.png"
has report.html "Texture Sa"
# The rendering: a blank page has a grey standard deviation near 0 (PIL, not
# ImageMagick: /usr/local/bin/convert may be something else).
rc=0
"$SHOT" report.html shot.png 1400x2400 || rc=$?
if [ "$rc" -eq 77 ]; then
    skip "report screenshot: no chromium (scripts/setup.sh installs it)"
elif [ "$rc" -ne 0 ]; then
    bad "screenshot failed"
elif ! /usr/bin/python3 -c "import PIL" 2>/dev/null; then
    skip "report screenshot: no python3-pil to read it (scripts/setup.sh installs it)"
else
    sd=$(/usr/bin/python3 -c "
from PIL import Image, ImageStat
print(ImageStat.Stat(Image.open('shot.png').convert('L')).stddev[0] / 255)")
    echo "screenshot: $(wc -c <shot.png) bytes, grey standard deviation $sd"
    if python3 -c "import sys; sys.exit(0 if float('$sd') > 0.05 else 1)"; then ok; else bad "blank screenshot"; fi
fi

finish
