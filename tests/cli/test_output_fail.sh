#!/usr/bin/env bash
# Output failures: a full disk, a file-size limit, a read-only directory,
# /dev/full as standard output, a directory or missing folder as the
# destination, for every writer: analyze -o (JSON, CSV), --overlay,
# --overlay-dir, info -o, synth (photos, truth), compare -o and --report
# (export and batch: test_output_fail_batch.sh). Every writer must report
# the file and the reason, exit 5,
# leave no partial output and no temporary file, and leave a previous file
# at the destination untouched. Devices and FIFOs as destinations are
# written in place (never replaced by a regular file).
# Full and read-only file systems are small tmpfs mounts (root only); the
# file-size limit (ulimit -f) and /dev/full work for anyone.
# Usage: test_output_fail.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"
. "$HERE/mounts.sh"
. "$HERE/output_checks.sh"

# fill DIR: write zeros until the file system is full.
fill() { dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null || true; }

# A 96x80 skin-like photo (the fuzz seed without its 6 parameter bytes).
tail -c +7 "$HERE/../fuzz/corpus/fuzz_analyze/png_20pxmm" >skin.png
A=("$BIN" analyze --px-per-mm 20)
S=("$BIN" synth -q --width 200 --height 150)
# A before/after pair for compare.
have_compare=1
"${S[@]}" --width 300 --height 240 cb.jpg --after ca.jpg --keep-pores 0.7 --shift 4,-3
C=("$BIN" compare --px-per-mm 20 cb.jpg ca.jpg)
rc=0
"${A[@]}" --json skin.png --overlay ov-ref.png >ref.json 2>err.txt || rc=$?
if [ "$rc" -ne 0 ] || [ ! -s ov-ref.png ]; then
    bad "analyze skin.png -> exit $rc: $(cat err.txt)"
fi
printf 'previous results\n' >prev.txt
echo "  overlay PNG is $(wc -c <ov-ref.png) bytes, JSON $(wc -c <ref.json) bytes" >&2

# --- full disk -------------------------------------------------------------
if tmpfs full size=64k; then
    cp prev.txt full/out.json
    cp prev.txt full/ov.png
    cp prev.txt full/report.html
    fill full
    expect_out_fail 5 "No space left" full/out.json "${A[@]}" --json -o full/out.json skin.png
    same full/out.json prev.txt
    expect_out_fail 5 "No space left" full/out.csv "${A[@]}" --csv -o full/out.csv skin.png
    absent full/out.csv
    expect_out_fail 5 "No space left" full/ov.png "${A[@]}" --overlay full/ov.png skin.png
    same full/ov.png prev.txt
    expect_out_fail 5 "No space left" full/skin.png.overlay.png "${A[@]}" --overlay-dir full skin.png
    absent full/skin.png.overlay.png
    expect_out_fail 5 "No space left" full/list.csv "$BIN" info --csv -o full/list.csv skin.png
    absent full/list.csv
    expect_out_fail 5 "No space left" full/s.png "${S[@]}" full/s.png
    absent full/s.png
    expect_out_fail 5 "No space left" full/s.jpg "${S[@]}" full/s.jpg
    absent full/s.jpg
    if [ "$have_compare" -eq 1 ]; then
        expect_out_fail 5 "No space left" full/report.html "${C[@]}" --report full/report.html
        same full/report.html prev.txt
        expect_out_fail 5 "No space left" full/cmp.json "${C[@]}" --json -o full/cmp.json
        absent full/cmp.json
    fi
    no_temp full
else
    skip "full disk (tmpfs): not root or mount not permitted"
fi

# Nearly full: 8 KiB free, so the overlay is cut off part way.
if tmpfs part size=64k; then
    cp prev.txt part/ov.png
    dd if=/dev/zero of=part/reserve bs=8k count=1 2>/dev/null
    fill part
    rm part/reserve
    expect_out_fail 5 "No space left" part/ov.png "${A[@]}" --overlay part/ov.png skin.png
    same part/ov.png prev.txt
    # synth: the photo fits, the truth does not, or the other way round.
    expect_out_fail 5 "No space left" part/ "${S[@]}" part/s.png --truth part/t.json
    for f in part/s.png part/t.json; do
        [ ! -e "$f" ] || [ -s "$f" ] && ok || bad "$f is empty (partial)"
    done
    [ -e part/s.png ] && [ -e part/t.json ] && bad "synth wrote both, yet failed" || ok
    no_temp part
else
    skip "nearly full disk (tmpfs): not root or mount not permitted"
fi

# --- file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored) ------------------------
mkdir -p fsize
cp prev.txt fsize/ov.png
expect_out_fail 5 "File too large" fsize/ov.png \
    bash -c 'ulimit -f 4; trap "" XFSZ; exec "$@"' - "${A[@]}" --overlay fsize/ov.png skin.png
same fsize/ov.png prev.txt
cp prev.txt fsize/out.json
expect_out_fail 5 "File too large" fsize/out.json \
    bash -c 'ulimit -f 1; trap "" XFSZ; exec "$@"' - "${A[@]}" --json -o fsize/out.json skin.png skin.png skin.png
same fsize/out.json prev.txt
cp prev.txt fsize/s.png
expect_out_fail 5 "File too large" fsize/s.png \
    bash -c 'ulimit -f 8; trap "" XFSZ; exec "$@"' - "${S[@]}" fsize/s.png
same fsize/s.png prev.txt
if [ "$have_compare" -eq 1 ]; then
    cp prev.txt fsize/report.html
    expect_out_fail 5 "File too large" fsize/report.html \
        bash -c 'ulimit -f 16; trap "" XFSZ; exec "$@"' - "${C[@]}" --report fsize/report.html
    same fsize/report.html prev.txt
fi
no_temp fsize

# --- standard output on a full device -----------------------------------------
if [ -w /dev/full ]; then
    rc=0
    "${A[@]}" --json skin.png >/dev/full 2>err.txt || rc=$?
    if [ "$rc" -eq 5 ] && grep -q "standard output: No space left" err.txt; then ok
    else bad "--json >/dev/full -> exit $rc: $(cat err.txt)"; fi
    rc=0
    "$BIN" info skin.png >/dev/full 2>err.txt || rc=$?
    if [ "$rc" -eq 5 ] && grep -q "standard output: No space left" err.txt; then ok
    else bad "info >/dev/full -> exit $rc: $(cat err.txt)"; fi
    rc=0
    "${S[@]}" s-devfull.png --truth - >/dev/full 2>err.txt || rc=$?
    if [ "$rc" -eq 5 ] && grep -qi "standard output" err.txt; then ok
    else bad "synth --truth - >/dev/full -> exit $rc: $(cat err.txt)"; fi
    if [ "$have_compare" -eq 1 ]; then
        rc=0
        "${C[@]}" --json >/dev/full 2>err.txt || rc=$?
        if [ "$rc" -eq 5 ] && grep -qi "standard output" err.txt; then ok
        else bad "compare --json >/dev/full -> exit $rc: $(cat err.txt)"; fi
    fi
else
    skip "/dev/full: not available"
fi

# --- read-only directory -------------------------------------------------------
ro_ok=0
if tmpfs ro size=64k; then
    cp prev.txt ro/out.json
    cp prev.txt ro/ov.png
    if mount -o remount,ro ro 2>/dev/null; then ro_ok=1; ro_text="Read-only file system"; fi
fi
if [ "$ro_ok" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
    mkdir -p ro
    cp prev.txt ro/out.json
    cp prev.txt ro/ov.png
    chmod 555 ro
    ro_ok=1
    ro_text="Permission denied"
fi
if [ "$ro_ok" -eq 1 ]; then
    expect_out_fail 5 "$ro_text" ro/out.json "${A[@]}" --json -o ro/out.json skin.png
    same ro/out.json prev.txt
    expect_out_fail 5 "$ro_text" ro/ov.png "${A[@]}" --overlay ro/ov.png skin.png
    same ro/ov.png prev.txt
    expect_out_fail 5 "$ro_text" ro/new.png "${A[@]}" --overlay ro/new.png skin.png
    absent ro/new.png
    expect_out_fail 5 "$ro_text" ro/s.png "${S[@]}" ro/s.png --after ro/a.jpg --truth ro/t.json
    absent ro/s.png
    absent ro/a.jpg
    absent ro/t.json
    if [ "$have_compare" -eq 1 ]; then
        expect_out_fail 5 "$ro_text" ro/report.html "${C[@]}" --report ro/report.html
        absent ro/report.html
    fi
    no_temp ro
    chmod 755 ro 2>/dev/null || true
else
    skip "read-only directory: root without tmpfs mounts (chmod does not stop root)"
fi

# --- destinations that are not files ----------------------------------------------
mkdir -p adir
expect_out_fail 5 "is a directory" adir "${A[@]}" --json -o adir skin.png
[ -d adir ] && [ -z "$(ls -A adir)" ] && ok || bad "adir changed"
# (an overlay's name must say its format: a folder named like a PNG)
mkdir -p adir.png
expect_out_fail 5 "is a directory" adir.png "${A[@]}" --overlay adir.png skin.png
expect_out_fail 5 "No such file or directory" nodir/out.json "${A[@]}" --json -o nodir/out.json skin.png
absent nodir
no_temp .

# A FIFO is written in place (a reader gets the document).
mkfifo out.fifo
cat out.fifo >fifo.txt &
reader=$!
rc=0
"${A[@]}" --json -o out.fifo skin.png 2>err.txt || rc=$?
wait "$reader" || true
if [ "$rc" -eq 0 ] && [ -p out.fifo ] && cmp -s fifo.txt ref.json; then ok
else bad "-o FIFO -> exit $rc, still a FIFO: $([ -p out.fifo ] && echo yes || echo no)"; fi
# A character device (our own /dev/null twin, never the real one): as root
# a rename would have replaced it with a regular file.
if mknod null-dev c 1 3 2>/dev/null; then
    rc=0
    "${A[@]}" --json -o null-dev --overlay null-dev skin.png 2>err.txt || rc=$?
    if [ "$rc" -eq 0 ] && [ -c null-dev ]; then ok
    else bad "-o character device -> exit $rc, still a device: $([ -c null-dev ] && echo yes || echo no)"; fi
    rm -f null-dev
else
    skip "character device destination: mknod not permitted"
fi

# Success still works and replaces the previous file, keeping its mode; a
# new file gets 0666 less the umask (not mkstemp's 0600).
cp prev.txt done.json
chmod 640 done.json
rc=0
"${A[@]}" --json -o done.json skin.png 2>err.txt || rc=$?
if [ "$rc" -eq 0 ] && cmp -s done.json ref.json; then ok; else bad "-o done.json -> exit $rc"; fi
[ "$(stat -c %a done.json)" = 640 ] && ok || bad "replaced file mode $(stat -c %a done.json), want 640"
(umask 027; "${A[@]}" --json -o new.json skin.png 2>/dev/null) || true
[ "$(stat -c %a new.json)" = 640 ] && ok || bad "new file mode $(stat -c %a new.json) under umask 027, want 640"
no_temp .

finish
