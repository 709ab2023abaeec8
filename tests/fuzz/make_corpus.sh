#!/usr/bin/env bash
# Regenerate the named seeds in tests/fuzz/corpus/ (committed; run this only
# to change them). Needs python3, cjpeg, a C compiler and libjpeg headers.
# The files named by a hash beside them are inputs fuzzing found that widen
# coverage, added with `fuzz_X -merge=1 tests/fuzz/corpus/fuzz_X NEW_CORPUS`;
# this script leaves them alone. fuzz_manifest's seeds are written by hand.
# fuzz_icc's seeds, and the icc_* files in fuzz_jpeg and fuzz_png, are
# written by make_icc_seeds (tests/fuzz/make_icc_seeds.c, built with the
# tests): build/tests/make_icc_seeds tests/fuzz/corpus. fuzz_heif_tiff's seeds
# were made with heif-enc and libtiff from a 48x32 synth photo, then cut or
# given a forged ispe box by hand.
# Small valid files: every PNG colour type and depth, Adam7, filters,
# ancillary chunks, eXIf; baseline/progressive/arithmetic/grey/CMYK/YCCK
# JPEGs with restarts, sampling variants and EXIF; for fuzz_analyze small
# skin-like photos behind the 6 parameter bytes the target reads first.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/corpus
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"/fuzz_png "$OUT"/fuzz_jpeg "$OUT"/fuzz_analyze
cd "$WORK"

python3 - "$OUT" <<'PY'
import math, random, struct, sys, zlib
out = sys.argv[1]
rnd = random.Random(7)

def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

def pack_row(samples, depth):
    if depth == 8:
        return bytes(samples)
    if depth == 16:
        return b"".join(struct.pack(">H", v) for v in samples)
    per = 8 // depth
    row = bytearray()
    for i in range(0, len(samples), per):
        b = 0
        for j in range(per):
            v = samples[i + j] if i + j < len(samples) else 0
            b |= v << (8 - depth * (j + 1))
        row.append(b)
    return bytes(row)

def filt(row, prev, bpp, ftype):
    out = bytearray()
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i] if prev else 0
        c = prev[i - bpp] if prev and i >= bpp else 0
        if ftype == 0: p = 0
        elif ftype == 1: p = a
        elif ftype == 2: p = b
        elif ftype == 3: p = (a + b) // 2
        else:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        out.append((x - p) & 255)
    return bytes([ftype]) + bytes(out)

CH = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4),
         (1, 0, 2, 2), (0, 1, 1, 2)]

def image_data(w, h, ct, depth, px, interlace):
    bpp = max(1, CH[ct] * depth // 8)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    raw = bytearray()
    k = 0
    for x0, y0, dx, dy in passes:
        xs = range(x0, w, dx)
        prev = None
        for y in range(y0, h, dy):
            if not xs:
                continue
            samples = [s for x in xs for s in px(x, y)]
            row = pack_row(samples, depth)
            raw += filt(row, prev, bpp, k % 5)
            prev = row
            k += 1
    return zlib.compress(bytes(raw), 9)

def png(name, w, h, ct, depth, px, interlace=0, extra=b"", after=b""):
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ct, 0, 0, interlace)
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra +
            chunk(b"IDAT", image_data(w, h, ct, depth, px, interlace)) + after +
            chunk(b"IEND", b""))
    open("%s/fuzz_png/%s.png" % (out, name), "wb").write(data)

def wave(x, y, m):
    return int((0.5 + 0.5 * math.sin(x * 0.7 + y * 0.3)) * m + 0.5)

for d in (1, 2, 4, 8, 16):
    m = (1 << d) - 1
    png("grey%d" % d, 13, 7, 0, d, lambda x, y, m=m: [wave(x, y, m)])
png("rgb8", 16, 12, 2, 8, lambda x, y: [x * 15, y * 20, wave(x, y, 255)])
png("rgb16", 9, 9, 2, 16, lambda x, y: [x * 7000, y * 7000, wave(x, y, 65535)])
png("grey_alpha8", 11, 5, 4, 8, lambda x, y: [wave(x, y, 255), x * 20])
png("rgba16", 7, 6, 6, 16, lambda x, y: [x * 9000, 300, y * 9000, 40000])
for d in (1, 2, 4, 8):
    n = 1 << d
    plte = b"".join(bytes((i * 255 // (n - 1), 255 - i * 255 // (n - 1), 90)) for i in range(n))
    trns = bytes(range(255, 255 - n, -1))[:n]
    png("palette%d" % d, 10, 6, 3, d, lambda x, y, n=n: [(x + y) % n],
        extra=chunk(b"PLTE", plte) + chunk(b"tRNS", trns))
png("adam7_rgb8", 21, 17, 2, 8, lambda x, y: [x * 12, y * 15, 77], interlace=1)
png("adam7_grey2", 9, 10, 0, 2, lambda x, y: [(x ^ y) & 3], interlace=1)
png("adam7_tiny", 1, 3, 6, 8, lambda x, y: [1, 2, 3, 4], interlace=1)
tiff = (b"MM\0\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1) +
        struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0) + struct.pack(">I", 0))
png("exif_orient6", 12, 5, 2, 8, lambda x, y: [x * 20, y * 50, 0],
    extra=chunk(b"eXIf", tiff))
anc = (chunk(b"gAMA", struct.pack(">I", 45455)) + chunk(b"sRGB", b"\0") +
       chunk(b"pHYs", struct.pack(">IIB", 20000, 20000, 1)) +
       chunk(b"tEXt", b"Comment\0left cheek") +
       chunk(b"iCCP", b"x\0\0" + zlib.compress(b"\0" * 128)))
png("ancillary", 8, 8, 2, 8, lambda x, y: [x * 30, y * 30, 128], extra=anc,
    after=chunk(b"zTXt", b"Note\0\0" + zlib.compress(b"after image data")))
# Two IDAT chunks.
raw = b"".join(b"\0" + bytes([x * 16 for x in range(16)]) for y in range(16))
z = zlib.compress(raw)
data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 0, 0, 0, 0)) +
        chunk(b"IDAT", z[:20]) + chunk(b"IDAT", z[20:]) + chunk(b"IEND", b""))
open("%s/fuzz_png/split_idat.png" % out, "wb").write(data)

# Skin-like photos for fuzz_analyze: colour, relief, dark pores, a red
# patch, a specular highlight and a dark corner (both masked out).
def skin(w, h, seed):
    r = random.Random(seed)
    pores = [(r.uniform(0, w), r.uniform(0, h), r.uniform(1.2, 3.5)) for _ in range(w * h // 300)]
    img = []
    for y in range(h):
        row = []
        for x in range(w):
            l = 1.0 + 0.04 * math.sin(x * 0.9) * math.cos(y * 0.7) + r.gauss(0, 0.01)
            for px, py, pr in pores:
                d2 = (x - px) ** 2 + (y - py) ** 2
                if d2 < 16 * pr * pr:
                    l *= 1 - 0.35 * math.exp(-d2 / (2 * pr * pr))
            red = 25 * math.exp(-((x - w * 0.7) ** 2 + (y - h * 0.3) ** 2) / (2 * 36))
            c = [200 * l + red, 150 * l - red * 0.4, 130 * l]
            if (x - w * 0.2) ** 2 + (y - h * 0.8) ** 2 < 9:
                c = [255, 255, 255]
            if x + y < 6:
                c = [2, 2, 2]
            row.append([max(0, min(255, int(v + 0.5))) for v in c])
        img.append(row)
    return img

for name, (w, h, seed) in {"skin96x80": (96, 80, 1), "skin64x64": (64, 64, 2),
                           "skin40x120": (40, 120, 3)}.items():
    img = skin(w, h, seed)
    open("%s.ppm" % name, "wb").write(b"P6 %d %d 255\n" % (w, h) +
                                      bytes(v for row in img for p in row for v in p))
    rawp = b"".join(b"\0" + bytes(v for p in row for v in p) for row in img)
    open("%s.png" % name, "wb").write(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
        chunk(b"IDAT", zlib.compress(rawp, 9)) + chunk(b"IEND", b""))

# Test pictures for the JPEG encoders.
w, h = 24, 16
open("small.ppm", "wb").write(b"P6 %d %d 255\n" % (w, h) + bytes(
    v for y in range(h) for x in range(w) for v in (x * 10, y * 15, wave(x, y, 255))))
open("small.pgm", "wb").write(b"P5 %d %d 255\n" % (w, h) + bytes(
    wave(x, y, 255) for y in range(h) for x in range(w)))
PY

J=$OUT/fuzz_jpeg
cjpeg -quality 85 small.ppm >"$J/baseline.jpg"
cjpeg -quality 85 -progressive small.ppm >"$J/progressive.jpg"
cjpeg -quality 85 -arithmetic small.ppm >"$J/arithmetic.jpg"
cjpeg -quality 85 -arithmetic -progressive small.ppm >"$J/arith_progressive.jpg"
cjpeg -quality 85 small.pgm >"$J/grey.jpg"
cjpeg -quality 85 -progressive small.pgm >"$J/grey_progressive.jpg"
cjpeg -quality 95 -sample 1x1 -optimize small.ppm >"$J/s444_optimized.jpg"
cjpeg -quality 85 -sample 2x1 -restart 1B small.ppm >"$J/s422_restart.jpg"
cjpeg -quality 85 -rgb small.ppm >"$J/rgb_components.jpg"

# CMYK (Adobe, inverted) and YCCK: cjpeg cannot write them.
cat >cmyk.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>
int main(int argc, char **argv)
{
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr err;
    FILE *f = fopen(argv[1], "wb");
    JSAMPLE row[16 * 4];
    ci.err = jpeg_std_error(&err);
    jpeg_create_compress(&ci);
    jpeg_stdio_dest(&ci, f);
    ci.image_width = 16;
    ci.image_height = 8;
    ci.input_components = 4;
    ci.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&ci);
    jpeg_set_colorspace(&ci, atoi(argv[2]) ? JCS_YCCK : JCS_CMYK);
    jpeg_set_quality(&ci, 85, TRUE);
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < 8) {
        JSAMPROW r = row;
        for (int x = 0; x < 16; x++) {
            row[4 * x] = (JSAMPLE)(255 - x * 12);
            row[4 * x + 1] = (JSAMPLE)(255 - ci.next_scanline * 25);
            row[4 * x + 2] = 200;
            row[4 * x + 3] = (JSAMPLE)(230 - x * 3);
        }
        jpeg_write_scanlines(&ci, &r, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    return fclose(f) != 0;
}
C
cc -o cmyk cmyk.c -ljpeg
./cmyk "$J/cmyk_adobe.jpg" 0
./cmyk "$J/ycck.jpg" 1

# EXIF orientation 6 (big-endian TIFF) and 3 (little-endian, two entries).
python3 - "$J" <<'PY'
import struct, sys
J = sys.argv[1]
jpg = open(J + "/baseline.jpg", "rb").read()
def app1(tiff):
    seg = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(seg) + 2) + seg
be = (b"MM\0\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1) +
      struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0) + struct.pack(">I", 0))
le = (b"II\x2a\0" + struct.pack("<I", 8) + struct.pack("<H", 2) +
      struct.pack("<HHII", 0x010F, 2, 4, 0x6E6F6B) +
      struct.pack("<HHIHH", 0x0112, 3, 1, 3, 0) + struct.pack("<I", 0))
open(J + "/exif_orient6.jpg", "wb").write(jpg[:2] + app1(be) + jpg[2:])
prog = open(J + "/progressive.jpg", "rb").read()
open(J + "/exif_orient3_prog.jpg", "wb").write(prog[:2] + app1(le) + prog[2:])
PY

# fuzz_analyze: 6 parameter bytes, then the image.
A=$OUT/fuzz_analyze
for n in skin96x80 skin64x64 skin40x120; do
    cjpeg -quality 92 $n.ppm >$n.jpg
done
put() { # put NAME B0 B1 B2 B3 B4 B5 FILE
    local name=$1 file=$8
    printf "$(printf '\\x%02x' "$2" "$3" "$4" "$5" "$6" "$7")" >"$A/$name"
    cat "$file" >>"$A/$name"
}
put png_20pxmm 32 0 0 0 0 0 skin96x80.png
put jpg_20pxmm 32 0 0 0 0 0 skin96x80.jpg
put jpg_8pxmm_roi 8 1 8 8 48 40 skin64x64.jpg
put png_30pxmm_mask_tau2 52 6 0 0 0 0 skin40x120.png
put jpg_12pxmm_delta1 16 16 0 0 0 0 skin40x120.jpg
put png_roi_outside 32 1 70 70 10 10 skin64x64.png
cp "$J/exif_orient6.jpg" exif.jpg
put jpg_exif_rotated 32 0 0 0 0 0 exif.jpg
du -sh "$OUT"
