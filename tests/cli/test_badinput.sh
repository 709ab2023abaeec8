#!/usr/bin/env bash
# Hostile input at the CLI: every damaged, odd or enormous file must give a
# clear error naming the file and a non-zero exit, within bounded time and
# memory. Each run is under a 20 s timeout and a 1.5 GB address-space limit;
# its peak RSS and time are measured and bounded. The corpus is generated
# here (nothing committed): truncations and bit flips of valid JPEGs and
# PNGs, zero and huge declared sizes, thousands of progressive scans,
# chunk-length and decompression bombs, malformed EXIF, text named .jpg,
# empty file, directory, FIFO, device, symlink loop, unreadable file,
# sparse 2 GB file, PngSuite's x*.png (when the shared data is there).
# Usage: test_badinput.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"
TIME_LIMIT=20                        # seconds per run
AS_LIMIT=$((1536 * 1024 * 1024))     # address space per run (ulimit -v)
RSS_LIMIT_MB=300                     # peak RSS a bad file may cost

# run CMD...: under the time and memory limits; stdout/stderr in out.txt /
# err.txt, exit status in $rc (124 on timeout, 128 + signal on a crash),
# peak RSS (MB, from GNU time when installed) in $rss, wall time in $secs.
TIMER=()
if [ -x /usr/bin/time ]; then TIMER=(/usr/bin/time -f "%M" -o rss.txt); fi
max_rss=0
max_secs=0
max_what=""
runs=0
# A sanitizer build reserves terabytes of shadow address space and cannot
# start under ulimit -v: then only the measured RSS bounds memory.
AS_KB=$((AS_LIMIT / 1024))
if ! ( ( ulimit -v "$AS_KB"; exec "$BIN" --version ) ) >/dev/null 2>&1; then
    AS_KB=unlimited
    RSS_LIMIT_MB=$((RSS_LIMIT_MB * 3)) # plus ASan's shadow and quarantine
    echo "  $BIN does not start under ulimit -v (sanitizer build?): RSS" \
         "limit ${RSS_LIMIT_MB} MB only" >&2
fi
run() {
    local t0=$EPOCHREALTIME
    rc=0
    echo 0 >rss.txt
    ( ulimit -v "$AS_KB"; ulimit -c 0
      exec "${TIMER[@]}" timeout -s KILL "$TIME_LIMIT" "$@" ) \
        >out.txt 2>err.txt </dev/null || rc=$?
    secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b - a}')
    rss=$(( $(tail -n 1 rss.txt | tr -cd 0-9) / 1024 ))
    runs=$((runs + 1))
    if [ "$rss" -gt "$max_rss" ] && [ "$RSS_LIMIT_MB" -le 1000 ]; then
        max_rss=$rss; max_what="${*:2:4}"
    fi
    if awk "BEGIN{exit !($secs > $max_secs)}"; then max_secs=$secs; fi
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then bad "$* timed out after ${TIME_LIMIT}s"
    elif [ "$rc" -ge 128 ]; then bad "$* died with signal $((rc - 128))"; cat err.txt >&2; fi
    if [ "$rss" -gt "$RSS_LIMIT_MB" ]; then bad "$* peak RSS ${rss} MB > ${RSS_LIMIT_MB} MB"; fi
}
# expect_fail WANT_RC FILE TEXT [CMD]: CMD (default analyze) on FILE exits
# WANT_RC and stderr names FILE and contains TEXT.
expect_fail() {
    local want=$1 file=$2 text=$3 cmd=${4:-analyze} opt=--px-per-mm=20
    [ "$cmd" = analyze ] || opt=--
    run "$BIN" "$cmd" "$opt" "$file"
    if [ "$rc" -ne "$want" ]; then
        bad "$cmd $file -> exit $rc, want $want"
        sed 's/^/  | /' err.txt >&2
    elif ! grep -qF -- "$file" err.txt; then
        bad "$cmd $file: error does not name the file"
        sed 's/^/  | /' err.txt >&2
    elif ! sed "s|$file||g" err.txt | grep -qiF -- "$text"; then
        bad "$cmd $file: error lacks '$text'"
        sed 's/^/  | /' err.txt >&2
    else
        ok
    fi
}
# both: analyze must exit 3, info 1 (it lists the rest), both naming FILE.
both() {
    expect_fail 3 "$1" "$2" analyze
    expect_fail 1 "$1" "$2" info
}

# --- valid sources, then the generated corpus ---------------------------------
python3 - <<'PY'
import math, struct, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
def png(w, h, rows, extra=b"", idat=None):
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    if idat is None:
        idat = zlib.compress(b"".join(b"\0" + r for r in rows))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra +
            chunk(b"IDAT", idat) + chunk(b"IEND", b""))
w, h = 96, 80
rows = [bytes(v for x in range(w) for v in
              (int(200 + 20 * math.sin(x * .5)), int(150 + 15 * math.cos(y * .4)), 130))
        for y in range(h)]
open("src.ppm", "wb").write(b"P6 %d %d 255\n" % (w, h) + b"".join(rows))
open("good.png", "wb").write(png(w, h, rows))
# Declared sizes: 0x0, 0x10 and 100000x100000, CRCs correct.
hdr_only = lambda W, H: (b"\x89PNG\r\n\x1a\n" +
    chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0)) +
    chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b""))
open("zero-0x0.png", "wb").write(hdr_only(0, 0))
open("zero-0x10.png", "wb").write(hdr_only(0, 10))
open("bomb-100000x100000.png", "wb").write(hdr_only(100000, 100000))
open("bomb-2000x2000-tiny-idat.png", "wb").write(hdr_only(2000, 2000))
# A tEXt chunk declaring 2 GB in a small file (found by fuzz_png).
g = open("good.png", "rb").read()
open("text-2gb-length.png", "wb").write(
    g[:33] + struct.pack(">I", 0x7F000000) + b"tEXt" + b"Comment\0" + g[33:])
# Decompression bombs: zTXt and IDAT of 64 MB of zeros (about 64 KB each).
def deflate_zeros(n):
    c = zlib.compressobj(9)
    block = b"\0" * (1 << 20)
    return b"".join(c.compress(block) for _ in range(n >> 20)) + c.flush()
z = deflate_zeros(64 << 20)
open("ztxt-bomb.png", "wb").write(png(w, h, rows, extra=chunk(b"zTXt", b"Comment\0\0" + z)))
open("idat-bomb.png", "wb").write(png(64, 64, None, idat=z))
# An IHDR with a bad CRC, and a PNG whose IEND never comes.
b = bytearray(g); b[29] ^= 0xFF
open("bad-crc.png", "wb").write(bytes(b))
open("no-iend.png", "wb").write(g[:-12])
PY
cjpeg -quality 90 src.ppm >good.jpg
cjpeg -quality 90 -progressive src.ppm >prog.jpg
cjpeg -quality 90 -arithmetic src.ppm >arith.jpg

python3 - <<'PY'
import struct
jpg = open("good.jpg", "rb").read()
def sof_at(d):
    i = 2
    while i < len(d):
        if d[i] == 0xFF and d[i + 1] in (0xC0, 0xC1, 0xC2, 0xC9, 0xCA):
            return i + 5
        i += 2 + struct.unpack(">H", d[i + 2:i + 4])[0]
    raise SystemExit("no SOF")
k = sof_at(jpg)
big = jpg[:k] + struct.pack(">HH", 65000, 65000) + jpg[k + 4:]
open("bomb-65000x65000.jpg", "wb").write(big)
open("zero-height.jpg", "wb").write(jpg[:k] + struct.pack(">HH", 0, 96) + jpg[k + 4:])
# 3000x3000 declared, the 96x80 image's data: runs out of data.
open("short-3000x3000.jpg", "wb").write(jpg[:k] + struct.pack(">HH", 3000, 3000) + jpg[k + 4:])
# Arithmetic coding may legally end a scan early (zeros follow), so the
# 96x80 data under a 10000x10000 frame is a valid 100 Mpx image from a few
# hundred bytes: a decompression bomb exactly at the default pixel limit.
a = open("arith.jpg", "rb").read()
ka = sof_at(a)
open("arith-bomb-100mpx.jpg", "wb").write(a[:ka] + struct.pack(">HH", 10000, 10000) + a[ka + 4:])
def app1(payload):
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
# Malformed EXIF that must be ignored (orientation 0, image fine): IFD
# offset far outside, huge entry count, wrong type, orientation 99.
evil = [
    b"Exif\0\0MM\0\x2a\xff\xff\xff\xf0",
    b"Exif\0\0II\x2a\0\x08\0\0\0\xff\xff" + b"\x12\x01\x03\0\x01\0\0\0\x06\0" * 3,
    b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x07\0\0\0\x01\0\x06\0\0\0\0\0\0",
    b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x63\0\0\0\0\0\0",
    b"Exif\0\0",
]
for i, e in enumerate(evil):
    open("exif-odd-%d.jpg" % i, "wb").write(jpg[:2] + app1(e) + jpg[2:])
# An APP1 whose length runs past the end of the file.
seg = app1(b"Exif\0\0MM\0\x2a\0\0\0\x08")
seg = seg[:2] + b"\xff\xf0" + seg[4:]
open("exif-past-eof.jpg", "wb").write(jpg[:2] + seg + jpg[2:])
PY
# 2090 scans (every AC coefficient of each component refined bit by bit):
# legal, but a CPU bomb for progressive decoders. cjpeg's -scans takes at
# most 100, so a few lines of C against libjpeg write it.
cat >many_scans.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>
int main(void)
{
    static jpeg_scan_info s[3000];
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr err;
    JSAMPLE row[64 * 3];
    int k = 0;
    for (int al = 10; al >= 0; al--, k++) {
        s[k].comps_in_scan = 3;
        for (int c = 0; c < 3; c++)
            s[k].component_index[c] = c;
        s[k].Ah = al == 10 ? 0 : al + 1;
        s[k].Al = al;
    }
    for (int c = 0; c < 3; c++)
        for (int coef = 1; coef < 64; coef++)
            for (int al = 10; al >= 0; al--, k++) {
                s[k].comps_in_scan = 1;
                s[k].component_index[0] = c;
                s[k].Ss = s[k].Se = coef;
                s[k].Ah = al == 10 ? 0 : al + 1;
                s[k].Al = al;
            }
    ci.err = jpeg_std_error(&err);
    jpeg_create_compress(&ci);
    jpeg_stdio_dest(&ci, stdout);
    ci.image_width = ci.image_height = 64;
    ci.input_components = 3;
    ci.in_color_space = JCS_RGB;
    jpeg_set_defaults(&ci);
    ci.scan_info = s;
    ci.num_scans = k;
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < 64) {
        JSAMPROW r = row;
        for (int i = 0; i < 64 * 3; i++)
            row[i] = (JSAMPLE)(ci.next_scanline * 3 + i);
        jpeg_write_scanlines(&ci, &r, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    fprintf(stderr, "%d scans\n", k);
    return 0;
}
C
have_scans=0
if cc -std=c99 -o many_scans many_scans.c -ljpeg 2>cc.txt && ./many_scans >many-scans.jpg 2>/dev/null; then
    have_scans=1
else
    skip "many-scans JPEG: cannot compile against libjpeg ($(head -1 cc.txt))"
fi

# Truncations at 24 offsets spread over each file, and 40 bit flips each.
python3 - <<'PY'
import random
r = random.Random(5)
for name in ("good.jpg", "prog.jpg", "arith.jpg", "good.png"):
    d = open(name, "rb").read()
    stem, ext = name.split(".")
    cuts = sorted(set([1, 2, 3, 8, 20, len(d) // 2, len(d) - 2, len(d) - 1] +
                      [r.randrange(4, len(d) - 1) for _ in range(16)]))
    for n in cuts:
        open("cut-%s-%05d.%s" % (stem, n, ext), "wb").write(d[:n])
    for i in range(40):
        b = bytearray(d)
        b[r.randrange(len(b))] ^= 1 << r.randrange(8)
        open("flip-%s-%02d.%s" % (stem, i, ext), "wb").write(bytes(b))
PY
printf 'Patient 17, left cheek, week 4\n' >notes.jpg
: >empty.jpg
mkdir folder.png
mkfifo pipe.jpg
ln -s loop-b.jpg loop-a.jpg
ln -s loop-a.jpg loop-b.jpg
printf '\xff\xd8\xff' >sparse-2gb.jpg
truncate -s 2G sparse-2gb.jpg
printf 'GIF89a' >big-junk.jpg # not a photo, but as large as one could be
truncate -s 200M big-junk.jpg

# --- sanity: the sources are fine -----------------------------------------------
for f in good.png good.jpg prog.jpg arith.jpg; do
    run "$BIN" info "$f"
    [ "$rc" -eq 0 ] && ok || { bad "info $f -> exit $rc"; cat err.txt >&2; }
done
run "$BIN" analyze --px-per-mm 20 good.jpg
[ "$rc" -eq 0 ] && ok || { bad "analyze good.jpg -> exit $rc"; cat err.txt >&2; }

# --- one file at a time, exact expectations --------------------------------------
both empty.jpg "empty file"
both notes.jpg "looks like text"
both folder.png "directory"
both pipe.jpg "FIFO"
both missing.jpg "No such file"
both loop-a.jpg "symbolic links"
both /dev/zero "character device"
expect_fail 3 sparse-2gb.jpg "bytes allowed" analyze
expect_fail 1 sparse-2gb.jpg "no complete image header" info
# refused from its first bytes, not after reading 200 MB (0 when no GNU time)
expect_fail 3 big-junk.jpg "GIF" analyze
[ "$rss" -lt 150 ] && ok || bad "analyze big-junk.jpg: peak RSS ${rss} MB, read whole?"
both zero-0x0.png "is zero"
both zero-0x10.png "is zero"
both bomb-100000x100000.png "above the limit"
both bomb-65000x65000.jpg "above the limit"
both zero-height.jpg "JPEG"
expect_fail 3 bomb-2000x2000-tiny-idat.png "corrupt"
expect_fail 3 short-3000x3000.jpg "truncated"
both text-2gb-length.png "truncated"
both bad-crc.png "CRC"
expect_fail 3 no-iend.png "truncated"
both exif-past-eof.jpg "JPEG"
scan_secs=-
if [ "$have_scans" -eq 1 ]; then
    expect_fail 3 many-scans.jpg "scans: refused"
    scan_secs=$secs
fi
# The 100 Mpx arithmetic bomb: headers are instant; a lower pixel limit
# refuses it at once; analysing it is analysing a 100 Mpx photo, which
# under the 1.5 GB address-space limit must end cleanly: an out-of-memory
# error (exit 7), or, where the analysis fits, its answer (exit 3: the
# 96x80 picture leaves no measurable skin). Without the limit (sanitizer
# builds) it is skipped: it would take a minute and several GB.
run "$BIN" info arith-bomb-100mpx.jpg
[ "$rc" -eq 0 ] && grep -q "JPEG 10000x10000" out.txt && ok || bad "info arith-bomb -> exit $rc"
run "$BIN" analyze --px-per-mm=20 --max-pixels=12e6 arith-bomb-100mpx.jpg
if [ "$rc" -eq 3 ] && grep -q "arith-bomb-100mpx.jpg: .*above the limit of 12.0 Mpx" err.txt; then ok
else bad "analyze --max-pixels 12e6 arith-bomb -> exit $rc: $(cat err.txt)"; fi
bomb_note="skipped (no ulimit -v)"
if [ "$AS_KB" != unlimited ]; then
    RSS_LIMIT_MB=1536 run "$BIN" analyze --px-per-mm=20 arith-bomb-100mpx.jpg
    if [ "$rc" -eq 7 ] && grep -q "arith-bomb-100mpx.jpg: .*out of memory" err.txt; then
        ok; bomb_note="clean out-of-memory in ${secs}s, ${rss} MB"
    elif [ "$rc" -eq 3 ] && grep -q "arith-bomb-100mpx.jpg: no measurable skin" err.txt; then
        ok; bomb_note="analysed (no measurable skin) in ${secs}s, ${rss} MB"
    else
        bad "analyze arith-bomb-100mpx.jpg -> exit $rc: $(cat err.txt)"
    fi
fi
echo "  100 Mpx arithmetic JPEG of $(wc -c <arith-bomb-100mpx.jpg) bytes: $bomb_note" >&2

# Decompression bombs: libpng stops inflating IDAT at the end of the image
# and drops a zTXt beyond its 8 MB limit; the (black) image decodes, and
# time and memory stay small.
run "$BIN" analyze --json --px-per-mm=20 idat-bomb.png
if [ "$rc" -eq 3 ] && grep -q "no measurable skin" err.txt; then ok
else bad "analyze idat-bomb.png -> exit $rc: $(cat err.txt)"; fi
idat_secs=$secs; idat_rss=$rss
run "$BIN" analyze --px-per-mm=20 ztxt-bomb.png
[ "$rc" -eq 0 ] && ok || { bad "analyze ztxt-bomb.png -> exit $rc"; cat err.txt >&2; }
ztxt_rss=$rss
# Malformed EXIF is ignored (whatever orientation can be read safely).
for f in exif-odd-*.jpg; do
    run "$BIN" info "$f"
    if [ "$rc" -eq 0 ] && grep -q "^$f: JPEG .*, 8-bit ycbcr, baseline" out.txt; then ok
    else bad "info $f -> exit $rc: $(cat out.txt err.txt)"; fi
done
echo "  many-scans.jpg (2090 scans) refused in ${scan_secs}s; IDAT bomb" \
     "${idat_secs}s, ${idat_rss} MB; zTXt bomb ${ztxt_rss} MB" >&2

# Unreadable: root reads mode-000 files, so run as nobody when possible.
cp good.jpg locked.jpg
chmod 000 locked.jpg
if [ "$(id -u)" -ne 0 ]; then
    both locked.jpg "Permission denied"
elif command -v setpriv >/dev/null && chmod o+rx . &&
     setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" --version >/dev/null 2>&1; then
    run setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" analyze locked.jpg
    if [ "$rc" -eq 3 ] && grep -q "locked.jpg: cannot open: Permission denied" err.txt; then ok
    else bad "unreadable file as nobody -> exit $rc: $(cat err.txt)"; fi
else
    skip "unreadable file: root without setpriv (or nobody cannot run $BIN)"
fi
chmod 644 locked.jpg

# --- compare: a bad photo on either side ------------------------------------------
if true; then
    n=0
    for f in empty.jpg notes.jpg pipe.jpg cut-good-00020.jpg bomb-65000x65000.jpg \
             text-2gb-length.png zero-0x0.png; do
        for order in before after; do
            if [ $order = before ]; then set -- "$f" good.jpg; else set -- good.jpg "$f"; fi
            run "$BIN" compare --px-per-mm=20 "$@"
            if [ "$rc" -eq 3 ] && grep -qF "$f" err.txt; then ok
            else bad "compare $* -> exit $rc: $(cat err.txt)"; fi
            n=$((n + 1))
        done
    done
    echo "  compare: $n runs with a bad photo before or after, each exit 3 naming it" >&2
fi

# --- many files in one run: one error each, the run goes on ----------------------
# All truncations must fail; bit flips may decode (DCT data), never crash.
check_group() { # check_group JSONFILE N_FILES WANT_ALL_FAILED
    python3 - "$@" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
n, all_failed = int(sys.argv[2]), sys.argv[3] == "1"
imgs = doc["images"]
assert len(imgs) == n, (len(imgs), n)
bad = [i for i in imgs if i["status"] == "error" and
       (not i["message"] or i["file"] not in i["message"] or i["error_code"] == 12)]
assert not bad, bad[:3]
failed = sum(i["status"] == "error" for i in imgs)
assert not all_failed or failed == n, (failed, n)
print(failed)
PY
}
for kind in cut-good cut-prog cut-arith cut-good-png; do
    case $kind in cut-good-png) set -- cut-good-*.png ;; *) set -- "$kind"-*.jpg ;; esac
    n=$#
    run "$BIN" analyze --px-per-mm 20 --json "$@"
    errs=$(grep -c "error:" err.txt || true)
    if [ "$rc" -eq 3 ] && [ "$errs" -eq "$n" ] && failed=$(check_group out.txt "$n" 1 2>&1); then ok
    else bad "$kind: $n truncated files -> exit $rc, $errs error lines, $failed"; fi
done
for kind in good prog arith; do
    set -- flip-"$kind"-*.jpg
    run "$BIN" analyze --px-per-mm 20 --json "$@"
    if [ "$rc" -le 3 ] && [ "$rc" -ne 2 ] && failed=$(check_group out.txt $# 0 2>&1); then
        ok; echo "  flip-$kind: $failed of $# bit-flipped files refused" >&2
    else bad "flip-$kind: exit $rc: $failed"; fi
done
set -- flip-good-*.png
run "$BIN" analyze --px-per-mm 20 --json "$@"
if [ "$rc" -le 3 ] && [ "$rc" -ne 2 ] && failed=$(check_group out.txt $# 0 2>&1); then
    ok; echo "  flip-png: $failed of $# bit-flipped files refused" >&2
else bad "flip-png: exit $rc: $failed"; fi
# A good file among bad ones: exit 1, the good one measured.
run "$BIN" analyze --px-per-mm 20 --csv empty.jpg good.jpg notes.jpg pipe.jpg
if [ "$rc" -eq 1 ] && grep -q "^good.jpg,ok," out.txt && [ "$(grep -c ',error,' out.txt)" -eq 3 ]; then ok
else bad "mixed run -> exit $rc"; cat out.txt err.txt >&2; fi

# --- PngSuite's corrupt files ---------------------------------------------------
if need_shared_data "$DATA" pngsuite/png "PngSuite corrupt files"; then
    n=0
    # info reads headers only: damage in the image data (xcsn0g01, bad
    # IDAT CRC) is seen by analyze alone.
    for f in "$DATA"/pngsuite/png/x*.png; do
        expect_fail 3 "$f" "error" analyze
        run "$BIN" info "$f"
        if [ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && grep -qF "$f: error:" err.txt; }; then ok
        else bad "info $f -> exit $rc: $(cat err.txt)"; fi
        n=$((n + 1))
    done
    echo "  PngSuite: $n corrupt x*.png files refused by analyze" >&2
fi

ls ./*.tmp.* >/dev/null 2>&1 && bad "temporary files left behind" || ok
echo "  $runs bounded runs: max RSS ${max_rss} MB ($max_what), max time ${max_secs}s" >&2
finish
