#!/usr/bin/env bash
# skindiff synth: outputs, determinism, the truth document, colour read back
# from the PNG, treatment and camera options, errors and exit codes.
# Usage: test_synth.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"
py() { # py SCRIPT ARGS...: python3 check, its stdout appended to the log
    if python3 - "$@" >py.txt 2>&1; then ok; cat py.txt; else bad "python check: $(cat py.txt)"; fi
}

# --- help ----------------------------------------------------------------------
expect_rc 0 "$BIN" synth --help
for word in --after --truth --px-per-mm --relief --pore-density --pore-depth \
    --pore-diameter --red-patches --noise --exposure --keep-pores --shift \
    --rotate --scale "% contrast" "CIELAB"; do
    has out.txt "$word"
done

# --- one photo and its truth ------------------------------------------------------
SMALL="--width 320 --height 240"
expect_rc 0 "$BIN" synth skin.png --truth skin.json $SMALL
has out.txt "skin.png: 320x240 px at 20 px/mm (16.0 x 12.0 mm)"
[ -s skin.png ] && [ -s skin.json ] && ok || bad "outputs missing"
expect_rc 0 "$BIN" info skin.png
has out.txt "skin.png: PNG 320x240, 8-bit rgb"

py skin.json <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1]))
assert d["schema_version"] == 1
p = d["params"]
assert (p["width"], p["height"], p["px_per_mm"], p["seed"]) == (320, 240, 20, 1)
assert len(d["sessions"]) == 1
s = d["sessions"][0]
assert s["name"] == "before"
pores = s["pores"]
inside = [q for q in pores["list"] if q["in_frame"]]
assert len(inside) == pores["count_in_frame"]
for q in inside:
    assert -0.5 <= q["x"] < 319.5 and -0.5 <= q["y"] < 239.5
    assert 0.12 <= q["diameter_mm"] <= 0.4 and 0.28 <= q["depth"] <= 0.45
    assert abs(q["A"] + 100 * math.log(1 - q["depth"])) < 1e-6
    assert abs(q["strength"] - q["A"] / 2) < 1e-6
area = 320 * 240 / 20**2 / 100
assert abs(s["frame_area_cm2"] - area) < 1e-9
expect = 60 * area
assert abs(pores["count_in_frame"] - expect) <= 4 * math.sqrt(expect), pores["count_in_frame"]
assert abs(pores["density_per_cm2"] - pores["count_in_frame"] / area) < 1e-6
assert abs(s["relief"]["rms_nominal"] - 4) < 1e-12
assert s["clipped_pixels"] == 0
print("  truth: %d pores in %.2f cm^2 (expected %.1f), Sa %.3f, a* mean %.3f"
      % (pores["count_in_frame"], area, expect, s["texture"]["sa"], s["colour"]["a_mean"]))
PY

# --- determinism ---------------------------------------------------------------------
expect_rc 0 "$BIN" synth again.png --truth again.json $SMALL
cmp -s skin.png again.png && ok || bad "same seed, different PNG"
cmp -s skin.json again.json && ok || bad "same seed, different truth"
expect_rc 0 "$BIN" synth other.png $SMALL --seed 2 -q
cmp -s skin.png other.png && bad "seed 2 gives the same PNG" || ok
[ ! -s out.txt ] && ok || bad "--quiet printed something"

# --- a flat render decodes back to the requested CIELAB ------------------------------
expect_rc 0 "$BIN" synth flat.png --width 16 --height 12 --relief 0 --pore-density 0 \
    --red-patches 0 --noise 0 --L 55 --a 18 --b 21
py flat.png <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
pos, idat, w, h = 8, b"", 0, 0
while pos < len(data):
    n, t = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if t == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype == 2 and body[12] == 0
    elif t == b"IDAT":
        idat += body
    pos += 12 + n
raw, stride, prev, rows = zlib.decompress(idat), 3 * w, bytearray(3 * w), []
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - 3] if i >= 3 else 0
        b, c = prev[i], (prev[i - 3] if i >= 3 else 0)
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line)
    prev = line
px = rows[5][3 * 7:3 * 7 + 3]
assert all(r == rows[0] for r in rows) and all(rows[0][i] == rows[0][i % 3] for i in range(stride))
lin = [v / 255 / 12.92 if v / 255 <= 0.04045 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in px]
M = [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
     [0.0193339, 0.1191920, 0.9503041]]
X, Y, Z = (sum(M[i][j] * lin[j] for j in range(3)) for i in range(3))
f = lambda t: t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29
L, a, b = 116 * f(Y) - 16, 500 * (f(X / 0.95047) - f(Y)), 200 * (f(Y) - f(Z / 1.08883))
print("  flat PNG: rgb %s -> L*a*b* %.3f %.3f %.3f (asked 55 18 21)" % (list(px), L, a, b))
assert abs(L - 55) <= 0.5 and abs(a - 18) <= 0.5 and abs(b - 21) <= 0.5
PY

# --- before/after with treatment and camera ------------------------------------------
expect_rc 0 "$BIN" synth before.jpg --after after.jpg --truth pair.json $SMALL --quality 95 \
    --keep-pores 0.6 --pore-depth-scale 0.8 --relief-scale 0.7 --delta-a -2 --red-scale 0.5 \
    --shift 12,-5 --rotate 2.5 --scale 1.03 --after-seed 7
has out.txt "before.jpg: 320x240 px at 20 px/mm"
has out.txt "after.jpg: 320x240 px at 19.4175 px/mm"
expect_rc 0 "$BIN" info before.jpg after.jpg
has out.txt "before.jpg: JPEG 320x240"
has out.txt "after.jpg: JPEG 320x240"
py pair.json <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1]))
b, a = d["sessions"]
t, cam = d["params"]["treatment"], d["params"]["camera"]
assert (t["keep_pores"], t["pore_depth_scale"], t["relief_scale"], t["delta_a"],
        t["red_patch_scale"], t["after_noise_seed"]) == (0.6, 0.8, 0.7, -2, 0.5, 7)
assert (cam["dx"], cam["dy"], cam["rotation_deg"], cam["scale"]) == (12, -5, 2.5, 1.03)
assert b["name"] == "before" and a["name"] == "after"
assert abs(a["px_per_mm"] - 20 / 1.03) < 1e-9
assert abs(a["relief"]["rms_nominal"] - 0.7 * 4) < 1e-12
assert a["colour"]["a_base"] == 12
# every after pore maps through the camera onto its before position
th, c = math.radians(2.5), (159.5, 119.5)
before = {q["id"]: q for q in b["pores"]["list"]}
matched = 0
for q in a["pores"]["list"]:
    ux, uy = q["x"] - c[0], q["y"] - c[1]
    bx = 1.03 * (math.cos(th) * ux - math.sin(th) * uy) + c[0] + 12
    by = 1.03 * (math.sin(th) * ux + math.cos(th) * uy) + c[1] - 5
    if q["id"] in before:
        assert abs(before[q["id"]]["x"] - bx) < 1e-5 and abs(before[q["id"]]["y"] - by) < 1e-5
        assert abs(q["A"] - 0.8 * before[q["id"]]["A"]) < 1e-6
        matched += 1
kept = a["pores"]["count_in_frame"] / b["pores"]["count_in_frame"]
print("  pair: %d/%d pores matched through the camera, %.2f kept (asked 0.6), "
      "Sa %.3f -> %.3f, a* %.3f -> %.3f" % (matched, len(a["pores"]["list"]), kept,
      b["texture"]["sa"], a["texture"]["sa"], b["colour"]["a_mean"], a["colour"]["a_mean"]))
assert matched > 10 and 0.4 < kept < 0.8
assert a["texture"]["sa"] < b["texture"]["sa"] and a["colour"]["a_mean"] < b["colour"]["a_mean"]
PY

# --- truth on stdout -------------------------------------------------------------------
expect_rc 0 "$BIN" synth tiny.png --width 40 --height 30 --truth -
py out.txt <<'PY'
import json, sys
assert json.load(open(sys.argv[1]))["params"]["width"] == 40
PY

# --- errors ------------------------------------------------------------------------------
expect_rc 2 "$BIN" synth
has err.txt "no output image given"
expect_rc 2 "$BIN" synth skin.tif
has err.txt "must end in .png, .jpg or .jpeg"
expect_rc 2 "$BIN" synth x.png --after after.gif
expect_rc 2 "$BIN" synth x.png --frobnicate
has err.txt "unknown option '--frobnicate'"
expect_rc 2 "$BIN" synth x.png --width 0
expect_rc 2 "$BIN" synth x.png --pore-depth 0.3
has err.txt "not two numbers"
expect_rc 2 "$BIN" synth x.png --relief lots
expect_rc 2 "$BIN" synth x.png --quality 101
expect_rc 2 "$BIN" synth x.png --pore-depth 0.5,0.3
has err.txt "pore_depth_max"
expect_rc 2 "$BIN" synth x.png --px-per-mm 0
has err.txt "--px-per-mm: 0 is outside 1..1000 px/mm"
expect_rc 2 "$BIN" synth x.png --pore-density 5000
has err.txt "too high"
expect_rc 2 "$BIN" synth a.png b.png
has err.txt "more than one output image"
[ ! -e x.png ] && ok || bad "x.png written despite errors"
expect_rc 0 "$BIN" synth w.png --width 20 --height 20 --rotate 5
has err.txt "no --after given"
mkdir -p ro
chmod 555 ro
if [ ! -w ro ]; then
    expect_rc 5 "$BIN" synth ro/x.png --width 20 --height 20
    [ -z "$(ls ro)" ] && ok || bad "partial output left in ro/"
elif command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    # root writes anywhere: the unprivileged user nobody does not.
    expect_rc 5 setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" synth "$PWD/ro/x.png" --width 20 --height 20
    [ -z "$(ls ro)" ] && ok || bad "partial output left in ro/"
else
    skip "read-only folder: running as a user who can write anywhere, without setpriv"
fi
expect_rc 5 "$BIN" synth missing-dir/x.png --width 20 --height 20
ls ./*.tmp.* >/dev/null 2>&1 && bad "temporary files left behind" || ok
chmod 755 ro

finish
