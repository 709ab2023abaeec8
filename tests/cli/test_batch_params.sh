#!/usr/bin/env bash
# batch's result keys: a re-run with any setting that changes a stored figure
# redoes that work, and only that work; a re-run with the same settings (or a
# different thread count, which changes no figure) does none. Each key
# ingredient of src/store/params.c is changed on its own, starting each time
# from a copy of the same finished database. The redone figures must also
# differ where the setting changes them (pore count for the pore threshold,
# red area for the red delta, density for the scale...).
# Usage: test_batch_params.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"
need_sqlite3

# One patient, one view, two sessions: 400x320 px at 20 px/mm, some pores
# closed and a shift in the second.
mkdir -p arch/P1/s1 arch/P1/s2
"$BIN" synth -q arch/P1/s1/front.png --after arch/P1/s2/front.png --width 400 --height 320 \
    --keep-pores 0.7 --shift 4,-3
# A mask for the manifest runs: the left 300 columns (python3 stdlib PNG).
python3 - <<'PY'
import struct, zlib
w, h = 400, 320
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
raw = b"".join(b"\0" + bytes(255 if x < 300 else 0 for x in range(w)) for _ in range(h))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open("mask.png", "wb").write(png)
PY
printf 'patient,session,view,path,px_per_mm,mask\nP1,s1,front,arch/P1/s1/front.png,20,\nP1,s2,front,arch/P1/s2/front.png,20,\n' > plain.csv
printf 'patient,session,view,path,px_per_mm,mask\nP1,s1,front,arch/P1/s1/front.png,20,mask.png\nP1,s2,front,arch/P1/s2/front.png,20,mask.png\n' > masked.csv

expect_rc 0 "$BIN" batch arch --db base.db -j 1 -q --px-per-mm 20
has err.txt "photos 2 analysed"
has err.txt "comparisons 1 done"
expect_rc 0 "$BIN" batch --manifest plain.csv --db man.db -j 1 -q
has err.txt "photos 2 analysed"
# A scale from the manifest's own px_per_mm column is part of each photo's
# key (the parameter set holds only the command line's settings): a changed
# column redoes both photos and their comparison.
sed 's/,20,/,25,/' plain.csv > scaled.csv
cp man.db scaled.db
expect_rc 0 "$BIN" batch --manifest scaled.csv --db scaled.db -j 1 -q
has err.txt "photos 2 analysed"
has err.txt "comparisons 1 done"

q() { sqlite3 "$1" "$2"; }
# rerun NAME PHOTOS COMPARISONS BATCH-ARGS...: on a copy of base.db, the
# re-run analyses PHOTOS photos and does COMPARISONS comparisons.
rerun() {
    local name=$1 photos=$2 cmps=$3 db
    shift 3
    db=$name.db
    cp base.db "$db"
    expect_rc 0 "$BIN" batch arch --db "$db" -q "$@"
    if grep -q "photos $photos analysed" err.txt && grep -q "comparisons $cmps done" err.txt; then ok
    else bad "$name ($*): want $photos photos analysed, $cmps comparisons done; got: $(cat err.txt)"; fi
}
# The latest run's row (results of other settings are kept beside it).
img() { q "$1.db" "select $2 from images where session='s1' order by rowid desc limit 1"; }

# Nothing changed, or only the thread count: no work.
rerun same 0 0 -j 1 --px-per-mm 20
rerun threads 0 0 -j 2 --px-per-mm 20
# Analysis settings: both photos again, and the comparison that uses them.
rerun pore_threshold 2 1 -j 1 --px-per-mm 20 --pore-threshold 8
rerun red_delta 2 1 -j 1 --px-per-mm 20 --red-delta 4
rerun px_per_mm 2 1 -j 1 --px-per-mm 25
rerun assumed_scale 2 1 -j 1
# Comparison settings: the comparison only.
rerun tile 0 1 -j 1 --px-per-mm 20 --tile-mm 4
rerun seed 0 1 -j 1 --px-per-mm 20 --seed 2
rerun bootstrap 0 1 -j 1 --px-per-mm 20 --bootstrap 500
rerun floor_sa 0 1 -j 1 --px-per-mm 20 --floor-sa 2
rerun floor_pores 0 1 -j 1 --px-per-mm 20 --floor-pores 4
rerun floor_a 0 1 -j 1 --px-per-mm 20 --floor-a-mean 0.4
rerun floor_ei 0 1 -j 1 --px-per-mm 20 --floor-erythema 0.8
rerun floor_red 0 1 -j 1 --px-per-mm 20 --floor-red-area 0.4
rerun confidence 0 1 -j 1 --px-per-mm 20 --min-confidence 0.1
rerun aligned 0 1 -j 1 --px-per-mm 20 --assume-aligned

# Rules of this version that change results without an option are in the
# keys' settings, so results a database holds from before them are redone,
# not kept: the skin map's highlights on skin (only with the skin map), the
# red area's threshold floor and the replicates' white references.
settings=$(q base.db "select settings from runs")
case $settings in *"skin=1; highlight=near-white; exact=0; skin_highlight=dichromatic"*) ok ;;
    *) bad "analysis settings without the skin map's highlight rule: $settings" ;; esac
case $settings in *"red_floor=threshold; replicate_white_ref=both_or_neither"*) ok ;;
    *) bad "comparison settings without the 0.3 rules: $settings" ;; esac
expect_rc 0 "$BIN" batch arch --db skinoff.db -q -j 1 --px-per-mm 20 --skin off
case $(q skinoff.db "select settings from runs") in *skin_highlight*) bad "skin off: a highlight rule in the key" ;; *) ok ;; esac

# The redone figures follow the setting (so the work was really redone with it).
[ "$(img pore_threshold pore_count)" -gt "$(img base pore_count)" ] && ok \
    || bad "pore threshold 8: pore count $(img pore_threshold pore_count), base $(img base pore_count)"
[ "$(img red_delta red_area_fraction)" != "$(img base red_area_fraction)" ] && ok \
    || bad "red delta 4: red area $(img red_delta red_area_fraction) = base"
[ "$(img px_per_mm px_per_mm)" = 25.0 ] && ok || bad "px/mm 25 stored as $(img px_per_mm px_per_mm)"
[ "$(img assumed_scale scale_source)" = assumed ] && ok || bad "scale source $(img assumed_scale scale_source)"
# Both settings' comparisons are kept, side by side, and the photos once.
[ "$(q tile.db 'select count(*) from comparisons')" = 2 ] && ok || bad "tile: comparisons rows"
[ "$(q tile.db 'select count(*) from images')" = 2 ] && ok || bad "tile: photo rows"

# The mask (a manifest column) is a key ingredient too.
cp man.db masked.db
expect_rc 0 "$BIN" batch --manifest masked.csv --db masked.db -j 1 -q
has err.txt "photos 2 analysed"
a_plain=$(q man.db "select area_cm2 from images where session='s1'")
a_mask=$(q masked.db "select area_cm2 from images where session='s1'")
python3 -c "import sys; sys.exit(0 if float('$a_mask') < 0.8 * float('$a_plain') else 1)" && ok \
    || bad "masked area $a_mask cm2, unmasked $a_plain cm2"
cp man.db man2.db
expect_rc 0 "$BIN" batch --manifest plain.csv --db man2.db -j 1 -q
has err.txt "photos 0 analysed"

finish
