#!/usr/bin/env bash
# skindiff info: fields, formats (text, JSON, CSV), errors and exit codes.
# Usage: test_info.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"

# --- test images, made with python3 (stdlib only) and cjpeg ----------------
python3 - <<'PY'
import struct, zlib
w, h = 40, 30
rgb = bytearray()
for y in range(h):
    for x in range(w):
        rgb += bytes((30 + 5 * x, 40 + 6 * y, 128))
open("colour.ppm", "wb").write(b"P6 %d %d 255\n" % (w, h) + rgb)
open("grey.pgm", "wb").write(b"P5 %d %d 255\n" % (w, h) + bytes(rgb[1::3]))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
raw = b"".join(b"\0" + bytes(rgb[y * w * 3:(y + 1) * w * 3]) for y in range(h))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
open("plain.png", "wb").write(png)
PY
cjpeg -quality 90 colour.ppm >base.jpg
cjpeg -quality 90 -progressive colour.ppm >prog.jpg
cjpeg -quality 90 -arithmetic colour.ppm >arith.jpg
cjpeg -quality 90 grey.pgm >grey.jpg
python3 - <<'PY'
# base.jpg with an APP1 Exif segment saying orientation 6 (big-endian TIFF).
import struct
jpg = open("base.jpg", "rb").read()
tiff = b"MM\0\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1) \
     + struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0) + struct.pack(">I", 0)
seg = b"Exif\0\0" + tiff
open("rotated.jpg", "wb").write(jpg[:2] + b"\xff\xe1" + struct.pack(">H", len(seg) + 2) + seg + jpg[2:])
PY
printf 'Patient 17, left cheek\n' >notes.jpg
: >empty.png

# --- text output --------------------------------------------------------------
expect_rc 0 "$BIN" info base.jpg
has out.txt "base.jpg: JPEG 40x30, 8-bit ycbcr, baseline"
expect_rc 0 "$BIN" info prog.jpg arith.jpg grey.jpg plain.png rotated.jpg
has out.txt "prog.jpg: JPEG 40x30, 8-bit ycbcr, progressive"
has out.txt "arith.jpg: JPEG 40x30, 8-bit ycbcr, arithmetic"
has out.txt "grey.jpg: JPEG 40x30, 8-bit grey, baseline"
has out.txt "plain.png: PNG 40x30, 8-bit rgb, non-interlaced"
has out.txt "rotated.jpg: JPEG 30x40 (stored 40x30), 8-bit ycbcr, baseline, EXIF orientation 6"
[ "$(wc -l <out.txt)" -eq 5 ] && ok || bad "5 files, $(wc -l <out.txt) lines"

# --- errors: named on stderr, the rest still listed, exit 1 ---------------------
expect_rc 1 "$BIN" info base.jpg notes.jpg empty.png missing.jpg
has out.txt "base.jpg: JPEG 40x30"
has err.txt "notes.jpg: error: not a PNG or JPEG image"
has err.txt "empty.png: error: empty file"
has err.txt "missing.jpg: error: cannot open"
[ "$(wc -l <out.txt)" -eq 1 ] && ok || bad "only the good file on stdout"
expect_rc 1 "$BIN" info notes.jpg
expect_rc 1 "$BIN" info --max-pixels 1000 base.jpg
has err.txt "above the limit"
expect_rc 1 "$BIN" info .
has err.txt ".: error: cannot read: is a directory"

# --- usage ---------------------------------------------------------------------
expect_rc 2 "$BIN" info
has err.txt "no image files"
expect_rc 2 "$BIN" info --frobnicate base.jpg
has err.txt "unknown option"
expect_rc 2 "$BIN" info --max-pixels=abc base.jpg
expect_rc 0 "$BIN" info --help
has out.txt "Usage: skindiff info"
has out.txt "Exit status"
expect_rc 0 "$BIN" info -- base.jpg
expect_rc 0 "$BIN" info base.jpg --json
has out.txt '"format": "JPEG"'

# --- JSON ----------------------------------------------------------------------
expect_rc 1 "$BIN" info --json rotated.jpg plain.png notes.jpg
python3 - <<'PY' && ok || bad "JSON content"
import json
a = json.load(open("out.txt"))
assert len(a) == 3, a
r, p, n = a
assert r["ok"] and r["format"] == "JPEG" and (r["width"], r["height"]) == (30, 40), r
assert (r["stored_width"], r["stored_height"]) == (40, 30) and r["exif_orientation"] == 6, r
assert r["colour_type"] == "ycbcr" and r["coding"] == "baseline" and r["bit_depth"] == 8, r
assert r["channels"] == 3 and r["icc_profile"] is False, r
assert p["format"] == "PNG" and p["coding"] == "non-interlaced" and p["exif_orientation"] == 0, p
assert n["ok"] is False and "not a PNG or JPEG" in n["error"] and n["file"] == "notes.jpg", n
PY

# --- CSV, written atomically to a file --------------------------------------------
expect_rc 0 "$BIN" info --csv -o inventory.csv grey.jpg "plain.png" prog.jpg
[ ! -s out.txt ] && ok || bad "-o: stdout should be empty"
python3 - <<'PY' && ok || bad "CSV content"
import csv
rows = list(csv.DictReader(open("inventory.csv")))
assert [r["file"] for r in rows] == ["grey.jpg", "plain.png", "prog.jpg"], rows
g, p, q = rows
assert g["colour_type"] == "grey" and g["channels"] == "1" and g["error"] == "", g
assert p["format"] == "PNG" and p["width"] == "40" and p["height"] == "30", p
assert q["coding"] == "progressive" and q["icc_profile"] == "0", q
PY
ls ./*.tmp.* >/dev/null 2>&1 && bad "temporary file left behind" || ok
cp notes.jpg 'odd, "name".jpg'
expect_rc 1 "$BIN" info --csv 'odd, "name".jpg'
python3 -c '
import csv
r = list(csv.DictReader(open("out.txt")))
assert r[0]["file"] == "odd, \"name\".jpg" and "not a PNG" in r[0]["error"], r' && ok || bad "CSV quoting"

# --- PngSuite (optional) -------------------------------------------------------
if need_shared_data "$DATA" pngsuite/png "PngSuite checks"; then
    S=$DATA/pngsuite/png
    expect_rc 0 "$BIN" info "$S/basi0g01.png" "$S/basn3p04.png" "$S/basn6a16.png"
    has out.txt "basi0g01.png: PNG 32x32, 1-bit grey, adam7"
    has out.txt "basn3p04.png: PNG 32x32, 4-bit palette, non-interlaced"
    has out.txt "basn6a16.png: PNG 32x32, 16-bit rgba, non-interlaced"
    expect_rc 1 "$BIN" info "$S/xc1n0g08.png"
    has err.txt "xc1n0g08.png: error: corrupt PNG data"
fi

finish
