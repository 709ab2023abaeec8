#!/usr/bin/env bash
# Colour on the command line (docs/colour.md): --version lists what the
# build reads, info and analyze report the colour source, --white-ref is
# parsed like --roi, applied and reported, and unusable patches are
# refused with exit 3 and the reason; HEIC/TIFF files are listed by info.
# Usage: test_colour.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"

expect_rc 0 "$BIN" --version
has out.txt "reads: PNG JPEG"
has out.txt "LittleCMS"

# synth's PNG has an sRGB chunk, its JPEG no colour information
expect_rc 0 "$BIN" synth skin.png --width 320 --height 240
expect_rc 0 "$BIN" synth skin.jpg --width 320 --height 240
expect_rc 0 "$BIN" info skin.png skin.jpg
has out.txt "skin.png: PNG 320x240, 8-bit rgb, non-interlaced, colour sRGB chunk"
has out.txt "skin.jpg: JPEG 320x240, 8-bit ycbcr, baseline, colour assumed sRGB"
expect_rc 0 "$BIN" info --json skin.jpg
has out.txt '"colour_source": "assumed sRGB"'

# analyze: the colour source in every output; no white reference
expect_rc 0 "$BIN" analyze --px-per-mm 20 skin.jpg
has out.txt "Colour    assumed sRGB"
expect_rc 0 "$BIN" analyze --px-per-mm 20 --json skin.png
has out.txt '"colour": {"colour_source": "sRGB chunk", "white_ref": null}'
expect_rc 0 "$BIN" analyze --px-per-mm 20 --csv skin.jpg
if python3 - <<'PY'
import csv
r = list(csv.DictReader(open("out.txt")))[0]
assert r["colour_source"] == "assumed sRGB" and r["white_ref_gain_r"] == "", r
assert r["error"] == "", r
PY
then ok; else bad "analyze --csv colour columns"; fi

# a painted grey card (L* ~ 60, uniform): applied and reported
if python3 - <<'PY'
import struct, zlib
w, h = 320, 240
rows = []
for y in range(h):
    row = bytearray([0])
    for x in range(w):
        if 250 <= x < 310 and 20 <= y < 80:
            row += bytes((150, 146, 140))  # a slightly warm grey card
        else:
            row += bytes((205, 150, 130))
    rows.append(bytes(row))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")
open("card.png", "wb").write(png)
PY
then ok; else bad "card.png not written"; fi
expect_rc 0 "$BIN" analyze --px-per-mm 20 --roi 0,0,240,240 --white-ref 255,25,50,50 --json card.png
if python3 - <<'PY'
import json
c = json.load(open("out.txt"))["images"][0]["colour"]
w = c["white_ref"]
assert w["roi"] == [255, 25, 50, 50], w
# the card's linear R/G/B are 150:146:140 in sRGB; gains make them equal
assert w["gains_rgb"][0] < w["gains_rgb"][1] < w["gains_rgb"][2], w
assert abs(w["patch_lab"][0] - 60.6) < 0.5 and w["patch_cv"] < 1e-6, w
PY
then ok; else bad "white_ref in JSON: $(cat out.txt)"; fi
expect_rc 0 "$BIN" analyze --px-per-mm 20 --roi 0,0,240,240 --white-ref 255,25,50,50 card.png
has out.txt "white reference L* 60."
expect_rc 0 "$BIN" analyze --px-per-mm 20 --roi 0,0,240,240 --white-ref 255,25,50,50 --white-ref-gains --csv card.png
if python3 - <<'PY'
import csv
r = list(csv.DictReader(open("out.txt")))[0]
assert float(r["white_ref_gain_r"]) < 1 < float(r["white_ref_gain_b"]), r
PY
then ok; else bad "white_ref in CSV"; fi

# refusals: exit 3, the reason named
expect_rc 3 "$BIN" analyze --px-per-mm 20 --white-ref 255,25,10,10 card.png
has err.txt "white reference too small"
expect_rc 3 "$BIN" analyze --px-per-mm 20 --white-ref 200,25,100,50 card.png
has err.txt "white reference not uniform"
expect_rc 3 "$BIN" analyze --px-per-mm 20 --white-ref 300,200,50,50 card.png
has err.txt "outside"
expect_rc 2 "$BIN" analyze --px-per-mm 20 --white-ref 1,2,3 card.png

# info knows HEIC and TIFF by their content, built in or not
printf '\0\0\0\030ftypheic\0\0\0\0mif1heic' > phone.heic
printf 'II*\0\010\0\0\0\0\0' > scan.tif
expect_rc 1 "$BIN" info phone.heic scan.tif skin.png
has err.txt "phone.heic: error:"
has err.txt "HEIF"
has err.txt "scan.tif: error:"
has err.txt "TIFF"

finish
