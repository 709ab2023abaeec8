#!/usr/bin/env bash
# Output failures of export, batch and merge: a full disk, a file-size
# limit, a read-only directory and /dev/full (compare: test_output_fail.sh).
# export -o / --out-dir must exit 5 naming the file, leave no partial
# output or temporary file and a previous file untouched. A batch or merge
# whose database hits a full disk must exit 6 with the database intact
# (PRAGMA integrity_check says ok, committed rows complete); once there is
# room again a re-run completes it with nothing lost and nothing doubled.
# Full and read-only file systems are small tmpfs mounts (root only).
# Usage: test_output_fail_batch.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"
need_sqlite3
. "$HERE/mounts.sh"
. "$HERE/output_checks.sh"

fill() { dd if=/dev/zero of="$1/filler" bs=1k 2>/dev/null || true; }

# db_state DB: "images comparisons integrity duplicates"
db_state() {
    sqlite3 -batch "$1" "SELECT count(*) FROM images; SELECT count(*) FROM comparisons;
        PRAGMA integrity_check;
        SELECT (SELECT count(*) - count(DISTINCT patient || '/' || session || '/' || view)
                FROM images) + (SELECT count(*) - count(DISTINCT patient || '/' || view ||
                '/' || session_before || '/' || session_after || '/' || kind)
                FROM comparisons)" 2>&1 | tr '\n' ' ' | sed 's/ $//'
}

# --- an archive of 4 patients x 2 sessions, and a results database ---------------
for p in 1 2 3 4; do
    mkdir -p "ARCH/P$p/2024-01-10" "ARCH/P$p/2024-02-10"
    "$BIN" synth "ARCH/P$p/2024-01-10/cheek.jpg" --after "ARCH/P$p/2024-02-10/cheek.jpg" \
        --width 300 --height 240 --seed "$p" --keep-pores 0.7 -q
done
# half / whole: P3 and P4 out of, or back in, the archive (same paths).
mkdir -p STAGE
half() { mv ARCH/P3 ARCH/P4 STAGE/; }
whole() { mv STAGE/P3 STAGE/P4 ARCH/; }
"$BIN" batch ARCH --db full.db -q -j 2 2>/dev/null
want_full=$(db_state full.db)
[ "$want_full" = "8 4 ok 0" ] && ok || bad "reference database: $want_full, want '8 4 ok 0'"
"$BIN" export --db full.db -o ref.csv
printf 'previous results\n' >prev.txt

# --- export and merge on a full disk ----------------------------------------------------
if tmpfs full size=64k; then
    cp prev.txt full/images.csv
    fill full
    expect_out_fail 5 "No space left" full/new.csv "$BIN" export --db full.db -o full/new.csv
    absent full/new.csv
    expect_out_fail 5 "No space left" full/ "$BIN" export --db full.db --out-dir full
    same full/images.csv prev.txt
    absent full/comparisons.csv
    absent full/series.csv
    no_temp full
    # A merge into a database on the full disk.
    "$BIN" batch ARCH --db shard.db --shard 1/2 -q -j 1 2>/dev/null
    expect_out_fail 6 "" full/merged.db "$BIN" merge full/merged.db shard.db
    rm -f full/filler
    if [ -e full/merged.db ]; then
        s=$(db_state full/merged.db)
        case $s in *" ok "*) ok ;; *) bad "merged.db after a full disk: $s" ;; esac
    else ok; fi
else
    skip "full disk (tmpfs): not root or mount not permitted"
fi

# --- /dev/full (a file-size limit small enough for the export would stop
# SQLite's own 32 KB shared-memory file first) --------------------------------
if [ -w /dev/full ]; then
    expect_out_fail 5 "standard output" "standard output" \
        bash -c 'exec "$@" >/dev/full' - "$BIN" export --db full.db
fi

# --- read-only directory ---------------------------------------------------------------
if tmpfs ro size=64k && cp prev.txt ro/x.csv && mount -o remount,ro ro 2>/dev/null; then
    expect_out_fail 5 "Read-only" ro/x.csv "$BIN" export --db full.db -o ro/x.csv
    same ro/x.csv prev.txt
    expect_out_fail 6 "Read-only" ro/ "$BIN" batch ARCH --db ro/r.db -q
    absent ro/r.db
else
    skip "read-only directory: no tmpfs mounts"
fi

# --- batch on a filling disk: intact database, complete after a re-run ---------------
# Start from the first half of the archive, leave FREE KiB, run the whole.
if tmpfs db size=256k; then
    for free in 0 16 48 96 160; do
        rm -f db/*
        half
        "$BIN" batch ARCH --db db/r.db -q -j 1 2>/dev/null
        whole
        dd if=/dev/zero of=db/reserve bs=1k count=$((free > 0 ? free : 1)) 2>/dev/null
        fill db
        [ "$free" -gt 0 ] && rm db/reserve
        rc=0
        "$BIN" batch ARCH --db db/r.db -q -j 2 >out.txt 2>err.txt || rc=$?
        rm -f db/filler db/reserve
        state=$(db_state db/r.db)
        msg=$(grep -m1 "r.db" err.txt || true)
        if { [ "$rc" -eq 6 ] && [ -n "$msg" ]; } || { [ "$rc" -eq 0 ] && [ "$state" = "$want_full" ]; }; then ok
        else bad "free ${free} KiB: batch -> exit $rc: $(cat err.txt)"; fi
        case $state in *" ok 0") ok ;; *) bad "free ${free} KiB: after the failure: $state" ;; esac
        incomplete=$(sqlite3 -batch db/r.db "SELECT count(*) FROM images WHERE status = 'ok'
                     AND (sa IS NULL OR a_mean IS NULL OR pore_count IS NULL)")
        [ "$incomplete" = 0 ] && ok || bad "free ${free} KiB: $incomplete half-written rows"
        rc2=0
        "$BIN" batch ARCH --db db/r.db -q -j 2 >/dev/null 2>err2.txt || rc2=$?
        state2=$(db_state db/r.db)
        if [ "$rc2" -eq 0 ] && [ "$state2" = "$want_full" ]; then ok
        else bad "free ${free} KiB: re-run -> exit $rc2, $state2, want $want_full"; fi
        "$BIN" export --db db/r.db -o resumed.csv
        if cmp -s resumed.csv ref.csv; then ok
        else bad "free ${free} KiB: exported results differ from an undisturbed run"; fi
        echo "  free ${free} KiB: exit $rc (${msg:-no error}), then [$state];" \
             "re-run exit $rc2 [$state2]" >&2
    done
else
    skip "batch on a full disk (tmpfs): not root or mount not permitted"
fi

finish
