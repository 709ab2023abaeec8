#!/usr/bin/env bash
# Hostile input in a batch archive: every damaged, odd or enormous photo is
# one error row (a data status, never "internal"), the rest of the archive
# is measured and compared, the run exits 1, the database passes SQLite's
# integrity check, and a re-run redoes nothing and still reports the
# failures. Runs under a time limit and (when the binary allows it) a
# 1.5 GB address-space limit, so a bomb ends as a clean error row.
# Skips until the batch, compare and synth commands are in the binary.
# Usage: test_badinput_batch.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"
need_sqlite3
q() { sqlite3 -batch results.db "$1"; }

AS_KB=$((1536 * 1024))
if ! ( ( ulimit -v "$AS_KB"; exec "$BIN" --version ) ) >/dev/null 2>&1; then
    AS_KB=unlimited # sanitizer build: shadow memory needs the address space
fi
# run_batch: the batch under a 120 s limit; exit status in $rc.
run_batch() {
    rc=0
    ( ulimit -v "$AS_KB"; ulimit -c 0
      exec timeout -s KILL 120 "$BIN" batch ARCH --db results.db -j 2 -q "$@" ) \
        >out.txt 2>err.txt </dev/null || rc=$?
}

# --- the archive: one good patient, one of bad photos (two sessions) ----------
mkdir -p ARCH/GOOD/2024-01-10 ARCH/GOOD/2024-02-10
"$BIN" synth ARCH/GOOD/2024-01-10/cheek.jpg --after ARCH/GOOD/2024-02-10/cheek.jpg \
    --width 400 --height 300 --seed 3 --keep-pores 0.7 -q
S1=ARCH/BAD/2024-01-10
S2=ARCH/BAD/2024-02-10
mkdir -p "$S1" "$S2"
cp ARCH/GOOD/2024-01-10/cheek.jpg good.jpg
python3 - "$S1" "$S2" <<'PY'
import struct, sys, zlib
s1, s2 = sys.argv[1], sys.argv[2]
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
def png(w, h, idat=None, extra=b""):
    if idat is None:
        idat = zlib.compress(b"".join(b"\0" + bytes(3 * w) for _ in range(h)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            extra + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
jpg = open("good.jpg", "rb").read()
i = 2
while not (jpg[i] == 0xFF and jpg[i + 1] in (0xC0, 0xC1, 0xC2)):
    i += 2 + struct.unpack(">H", jpg[i + 2:i + 4])[0]
sof = i + 5
files = {
    "empty.jpg": b"",
    "notes.jpg": b"Patient 17, left cheek, week 4\n",
    "cut-header.jpg": jpg[:2],
    "cut-half.jpg": jpg[:len(jpg) // 2],
    "cut-tail.jpg": jpg[:-3],
    "zero-png.png": png(0, 0, idat=zlib.compress(b"\0" * 16)),
    "bomb-png.png": png(100000, 100000, idat=zlib.compress(b"\0" * 16)),
    "bomb-jpg.jpg": jpg[:sof] + struct.pack(">HH", 65000, 65000) + jpg[sof + 4:],
    "cut-png.png": png(64, 64)[:60],
    "text-2gb.png": png(8, 8)[:33] + struct.pack(">I", 0x7F000000) + b"tEXt" + b"x\0y",
    "gif.jpg": b"GIF89a\x01\x00\x01\x00\x00\x00\x00",
}
for name, data in files.items():
    for d in (s1, s2):
        open("%s/%s" % (d, name), "wb").write(data)
# Byte flips in the entropy-coded data often still decode; flips in the
# headers must not. One of each kind per session.
b = bytearray(jpg); b[sof - 3] ^= 0xFF  # the SOF length
open(s1 + "/flip-sof.jpg", "wb").write(bytes(b)); open(s2 + "/flip-sof.jpg", "wb").write(bytes(b))
PY
for d in "$S1" "$S2"; do
    mkfifo "$d/pipe.jpg"
    ln -s loop-b.jpg "$d/loop-a.jpg"
    ln -s loop-a.jpg "$d/loop-b.jpg"
    ln -s does-not-exist.jpg "$d/dangling.jpg"
done
n_bad=$(( $(find "$S1" -maxdepth 1 \( -type f -o -type p -o -type l \) | wc -l) * 2 ))
n_px=""
if need_shared_data "$DATA" pngsuite/png "PngSuite x*.png in a batch"; then
    mkdir -p ARCH/PNGSUITE/2024-01-10
    for f in "$DATA"/pngsuite/png/x*.png; do cp "$f" ARCH/PNGSUITE/2024-01-10/; done
    n_px=$(ls ARCH/PNGSUITE/2024-01-10 | wc -l)
    n_bad=$((n_bad + n_px))
fi

# --- first run ------------------------------------------------------------------
t0=$SECONDS
run_batch
secs=$((SECONDS - t0))
[ "$rc" -eq 1 ] && ok || { bad "batch -> exit $rc, want 1"; sed 's/^/  | /' err.txt >&2; }
[ "$(q "PRAGMA integrity_check")" = ok ] && ok || bad "integrity_check: $(q 'PRAGMA integrity_check')"
good=$(q "SELECT count(*) FROM images WHERE patient='GOOD' AND status='ok'")
[ "$good" -eq 2 ] && ok || bad "good photos measured: $good, want 2"
cmp_ok=$(q "SELECT count(*) FROM comparisons WHERE patient='GOOD' AND status='ok'")
[ "$cmp_ok" -ge 1 ] && ok || bad "good comparison: $cmp_ok ok rows"
errors=$(q "SELECT count(*) FROM images WHERE status='error'")
[ "$errors" -eq "$n_bad" ] && ok || bad "$errors error rows, want $n_bad (one per bad photo)"
rows=$(q "SELECT count(*) FROM images")
[ "$rows" -eq $((n_bad + 2)) ] && ok || bad "$rows image rows, want $((n_bad + 2))"
# Error rows: a data status (not internal, not a crash), a message.
odd=$(q "SELECT path || ': ' || coalesce(error_name, '?') || ': ' || coalesce(error_message, '')
         FROM images WHERE status='error' AND (error_code IS NULL OR error_code = 12
         OR error_code = 0 OR coalesce(error_message, '') = '')")
[ -z "$odd" ] && ok || bad "error rows without a data status or message: $odd"
# Each kind of damage gets its own words.
check_msg() { # VIEW TEXT... : the message (less the path) has one TEXT
    local m view=$1 t
    shift
    m=$(q "SELECT replace(error_message, path, '') FROM images
           WHERE patient='BAD' AND view='$view' LIMIT 1")
    for t in "$@"; do
        case $m in *"$t"*) ok; return ;; esac
    done
    bad "$view: message '$m' lacks '$*'"
}
check_msg empty "empty" "0 bytes"
check_msg notes "looks like text"
check_msg cut-header "truncated"
check_msg cut-half "truncated"
check_msg bomb-png "above the limit"
check_msg bomb-jpg "above the limit"
check_msg zero-png "is zero" "0x0"
check_msg cut-png "truncated"
check_msg text-2gb "truncated"
check_msg gif "GIF"
check_msg pipe "FIFO" "not a regular file"
check_msg loop-a "symbolic links"
check_msg dangling "No such file"
echo "  first run: exit $rc in ${secs}s; $errors error rows for $n_bad bad photos" \
     "(${n_px:-no} PngSuite x*.png), $good good photos, $cmp_ok good comparison(s)" >&2
q "SELECT view, error_name, error_message FROM images WHERE patient='BAD' AND session='2024-01-10'
   ORDER BY view" | sed 's/^/    /' >&2

# --- a re-run redoes nothing and still reports the failures --------------------------
before=$(q "SELECT count(*) FROM images; SELECT count(*) FROM comparisons" | tr '\n' ' ')
run_batch
[ "$rc" -eq 1 ] && ok || { bad "re-run -> exit $rc, want 1"; sed 's/^/  | /' err.txt >&2; }
after=$(q "SELECT count(*) FROM images; SELECT count(*) FROM comparisons" | tr '\n' ' ')
[ "$before" = "$after" ] && ok || bad "re-run changed the row counts: $before -> $after"
done_again=$(q "SELECT images_done FROM runs ORDER BY rowid DESC LIMIT 1")
[ "${done_again:-x}" = 0 ] && ok || bad "re-run analysed $done_again photos again"
[ "$(q "PRAGMA integrity_check")" = ok ] && ok || bad "integrity_check after re-run"

# --- bad manifests: exit 2 (content, with the line) or 3 (unreadable), and
# no database is created ------------------------------------------------------
printf 'patient,session,view,path\nP1,s1,v,"a.jpg\n' >unclosed.csv
printf 'patient,session,path\nP1,s1,a.jpg\n' >no-view.csv
: >empty.csv
mkfifo pipe.csv
manifest_case() { # WANT_RC TEXT MANIFEST
    local rc=0
    timeout -s KILL 20 "$BIN" batch --manifest "$3" --db m.db -q >out.txt 2>err.txt || rc=$?
    if [ "$rc" -eq "$1" ] && grep -qF -- "$2" err.txt && [ ! -e m.db ]; then ok
    else bad "manifest $3 -> exit $rc: $(cat err.txt)"; fi
}
manifest_case 2 "good.jpg:1: NUL byte" good.jpg
manifest_case 2 "unclosed.csv:2: quoted field not closed" unclosed.csv
manifest_case 2 "no-view.csv" no-view.csv
manifest_case 2 "empty.csv: empty manifest" empty.csv
manifest_case 3 "pipe.csv" pipe.csv
manifest_case 3 "missing.csv: cannot open" missing.csv

finish
