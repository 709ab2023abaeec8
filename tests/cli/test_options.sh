#!/usr/bin/env bash
# Option parsing of every command (src/cli/options.c): --name=value and
# --name value give the same result and the value takes effect; a missing
# value, an unknown option and a bad number are usage errors (exit 2) that
# name the option and what it takes; "--" ends the options; options may
# follow the positional arguments.
# Usage: test_options.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"

same() { if cmp -s "$1" "$2"; then ok; else bad "$1 and $2 differ"; fi; }
differ() { if cmp -s "$1" "$2"; then bad "$1 and $2 are the same: the option did nothing"; else ok; fi; }
# usage CMD... @ TEXT: exit 2, nothing on stdout, TEXT and the --help hint on stderr
usage() {
    local args=()
    while [ "$1" != "@" ]; do args+=("$1"); shift; done
    expect_rc 2 "$BIN" "${args[@]}"
    has err.txt "$2"
    has err.txt "Try 'skindiff ${args[0]} --help'."
    [ ! -s out.txt ] && ok || bad "${args[*]}: a usage error wrote to stdout"
}

"$BIN" synth a.png --after b.png --width 240 --height 200 --seed 3 --keep-pores 0.8 -q || exit 1
cp a.png ./-dash.png

# --- analyze ---------------------------------------------------------------------
"$BIN" analyze a.png --px-per-mm 20 --json > an-default.json 2>/dev/null
expect_rc 0 "$BIN" analyze a.png --px-per-mm=20 --pore-threshold=8 --json -o=an-eq.json
expect_rc 0 "$BIN" analyze --px-per-mm 20 --pore-threshold 8 --json --output an-sp.json a.png
expect_rc 0 "$BIN" analyze a.png --px-per-mm 20 --pore-threshold 8 --json -oan-att.json
same an-eq.json an-sp.json
same an-eq.json an-att.json
differ an-eq.json an-default.json
has an-eq.json '"pore_threshold": 8'
expect_rc 0 "$BIN" analyze --px-per-mm 20 --json -- -dash.png
has out.txt '"file": "-dash.png"'
usage analyze a.png --px-per-mm @ "--px-per-mm needs a number 1..1000 px/mm"
usage analyze a.png --mask= @ "--mask: '' is not a file name"
usage analyze a.png --bogus @ "unknown option '--bogus'"
usage analyze a.png --threads x @ "--threads: 'x' is not a whole number 1..256 threads"
usage analyze a.png --pore-threshold=0 @ "--pore-threshold: 0 is outside 0.01..1000 % contrast"
usage analyze a.png --roi 1,2,3 @ "--roi: '1,2,3' is not X,Y,W,H in pixels with W,H > 0"
usage analyze a.png --json=1 @ "unknown option '--json=1'"
expect_rc 0 "$BIN" analyze a.png --help
has out.txt "Usage: skindiff analyze"

# --- compare ---------------------------------------------------------------------
base=(--px-per-mm 20 --assume-aligned --bootstrap 200 --json)
"$BIN" compare a.png b.png "${base[@]}" > cmp-default.json 2>/dev/null
expect_rc 0 "$BIN" compare a.png b.png "${base[@]}" --tile-mm=4 --seed=7 -o=cmp-eq.json
expect_rc 0 "$BIN" compare "${base[@]}" --tile-mm 4 a.png --seed 7 b.png -o cmp-sp.json
same cmp-eq.json cmp-sp.json
differ cmp-eq.json cmp-default.json
has cmp-eq.json '"tile_mm": 4'
has cmp-eq.json '"seed": 7'
has cmp-eq.json '"assume_aligned": true'
expect_rc 0 "$BIN" compare "${base[@]}" -- a.png -dash.png
usage compare a.png b.png --tile-mm @ "--tile-mm needs a number 0.5..100 mm"
usage compare a.png b.png --frobnicate @ "unknown option '--frobnicate'"
usage compare a.png b.png --bootstrap 12.5 @ "--bootstrap: '12.5' is not a whole number 100..1000000 resamples"
usage compare a.png b.png --tile-mm=0.1 @ "--tile-mm: 0.1 is outside 0.5..100 mm"
usage compare a.png b.png --px-per-mm 0 @ "--px-per-mm: 0 is outside 1..1000 px/mm"
usage compare a.png b.png --seed abc @ "--seed: 'abc' is not a whole number"
usage compare a.png b.png --px-per-mm=2000 @ "--px-per-mm: 2000 is outside 1..1000 px/mm"
usage compare a.png @ "need two photos: BEFORE AFTER"
usage compare a.png b.png a.png @ "too many files: 'a.png'"

# --- batch and export (a one-patient archive) ------------------------------------
mkdir -p arch/P1/2024-01-01 arch/P1/2024-02-01
cp a.png arch/P1/2024-01-01/front.png
cp b.png arch/P1/2024-02-01/front.png
expect_rc 0 "$BIN" batch arch --db default.db -q
expect_rc 0 "$BIN" batch arch --db=eq.db --pore-threshold=8 --jobs=1 -q
expect_rc 0 "$BIN" batch --db sp.db --pore-threshold 8 -j 1 arch --quiet
expect_rc 0 "$BIN" batch --db att.db --pore-threshold 8 -j1 -q -- arch
for db in default eq sp att; do
    "$BIN" export --db "$db.db" --table images > "$db.csv"
done
same eq.csv sp.csv
same eq.csv att.csv
differ eq.csv default.csv
usage batch arch --db x.db --jobs @ "--jobs needs a whole number 1..256 threads"
usage batch arch --db x.db -j0 @ "-j: 0 is outside 1..256 threads"
usage batch arch --db x.db --bogus @ "unknown option '--bogus'"
usage batch arch --db x.db --tile-mm abc @ "--tile-mm: 'abc' is not a number"
usage batch arch --db x.db --tile-mm=0.1 @ "--tile-mm: 0.1 is outside 0.5..100 mm"
usage batch arch --shard=3/2 @ "--shard: '3/2' is not K/N with 1 <= K <= N"
[ ! -e x.db ] && ok || bad "a usage error created a database"

expect_rc 0 "$BIN" export --db=eq.db --table=comparisons --ndjson -o=ex-eq.ndjson
expect_rc 0 "$BIN" export --ndjson --db eq.db --table comparisons --output ex-sp.ndjson
expect_rc 0 "$BIN" export --db eq.db --ndjson -o ex-images.ndjson
same ex-eq.ndjson ex-sp.ndjson
differ ex-eq.ndjson ex-images.ndjson
usage export --db eq.db --table @ "--table needs images, comparisons, series, image_zones or comparison_zones"
usage export --db eq.db --table=foo @ "--table: 'foo' is not images, comparisons, series, image_zones or comparison_zones"
usage export --db eq.db --bogus @ "unknown option '--bogus'"
usage export --db eq.db stray @ "unexpected argument 'stray'"
usage export --db eq.db -- stray @ "unexpected argument 'stray'"

# --- merge (no options of its own) -------------------------------------------------
expect_rc 0 "$BIN" merge -- merged.db eq.db
[ -s merged.db ] && ok || bad "merge -- OUT SHARD wrote nothing"
usage merge merged.db --bogus eq.db @ "unknown option '--bogus'"
usage merge merged.db @ "give OUT.db and at least one shard"

# --- info ------------------------------------------------------------------------
expect_rc 0 "$BIN" info a.png --csv -o=info-eq.csv
expect_rc 0 "$BIN" info --csv --output info-sp.csv a.png
same info-eq.csv info-sp.csv
expect_rc 1 "$BIN" info --max-pixels=1000 a.png
has err.txt "above the limit"
expect_rc 1 "$BIN" info a.png --max-pixels 1000
has err.txt "above the limit"
expect_rc 0 "$BIN" info -- -dash.png
has out.txt "-dash.png: PNG 240x200"
usage info a.png --output @ "--output needs a file name"
usage info --frobnicate a.png @ "unknown option '--frobnicate'"
usage info --max-pixels=abc a.png @ "--max-pixels: 'abc' is not a whole number"
usage info --max-pixels 0.5 a.png @ "--max-pixels: '0.5' is not a whole number 1..1000000000000 pixels"

# --- synth -----------------------------------------------------------------------
expect_rc 0 "$BIN" synth s-eq.png --width=60 --height=40 --seed=9 --shift=2,1 --after=s-eq-after.png -q
expect_rc 0 "$BIN" synth --width 60 --height 40 --seed 9 s-sp.png --shift 2,1 --after s-sp-after.png --quiet
expect_rc 0 "$BIN" synth s-default.png --width 60 --height 40 -q
same s-eq.png s-sp.png
same s-eq-after.png s-sp-after.png
differ s-eq.png s-default.png
expect_rc 0 "$BIN" synth --width 20 --height 20 -q -- -dash-synth.png
[ -s ./-dash-synth.png ] && ok || bad "synth -- -dash-synth.png wrote nothing"
usage synth x.png --width @ "--width needs a whole number 1..1000000 px"
usage synth x.png --frobnicate @ "unknown option '--frobnicate'"
usage synth x.png --width=0 @ "--width: 0 is outside 1..1000000 px"
usage synth x.png --relief lots @ "--relief: 'lots' is not a number"
usage synth x.png --quality 101 @ "--quality: 101 is outside 1..100"
usage synth x.png --seed=-1 @ "--seed: '-1' is not a whole number"
usage synth x.png --pore-depth 0.3 @ "--pore-depth: '0.3' is not two numbers A,B"
[ ! -e x.png ] && ok || bad "x.png written despite the errors"

finish
