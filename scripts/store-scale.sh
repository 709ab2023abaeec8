#!/usr/bin/env bash
# The results store at a hospital's scale: fill shard databases through the
# store's own batch driver (build/tests/store_fill: the real plan, keys and
# transactions, stand-in figures instead of decoding photos), then time what
# a cluster run does with them: the resume scan of a finished shard, merge,
# export. Reports wall time, peak memory (maximum resident set size, from
# /usr/bin/time -v) and file sizes as a Markdown table.
#
#   scripts/store-scale.sh [-b BUILD] [-w WORK] [-p PATIENTS] [-s SESSIONS]
#                          [-v VIEWS] [-n SHARDS] [-k]
#
#   -b BUILD     CMake build with skindiff and tests/store_fill (default build)
#   -w WORK      scratch folder, emptied first (default /tmp/skindiff-scale);
#                the default size needs about 12 GB
#   -p, -s, -v   patients, sessions per patient, views per session
#                (default 15625 x 32 x 2: 1,000,000 photos and
#                15625 x 2 x (2 x 32 - 3) = 1,906,250 comparisons)
#   -n SHARDS    shard databases (default 64)
#   -k           keep WORK afterwards (default: removed)
#
# Takes about half an hour at the default size on 2 cores; it is not part of
# the test suite (tests/cli/test_store_scale.sh runs a small version).
set -euo pipefail

BUILD=build WORK=/tmp/skindiff-scale P=15625 S=32 V=2 N=64 KEEP=0
while getopts "b:w:p:s:v:n:kh" opt; do
  case $opt in
    b) BUILD=$OPTARG ;; w) WORK=$OPTARG ;; p) P=$OPTARG ;; s) S=$OPTARG ;;
    v) V=$OPTARG ;; n) N=$OPTARG ;; k) KEEP=1 ;;
    *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
BIN=$(cd "$BUILD" && pwd)/skindiff
FILL=$(cd "$BUILD" && pwd)/tests/store_fill
[ -x "$BIN" ] && [ -x "$FILL" ] || { echo "store-scale: build $BUILD first (skindiff, tests/store_fill)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "store-scale: needs GNU time (apt-get install time)" >&2; exit 2; }
rm -rf "$WORK" && mkdir -p "$WORK"
[ $KEEP -eq 1 ] || trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

REPORT=$WORK/report.md
rows() { sqlite3 "$1" "SELECT (SELECT count(*) FROM images) || ' ' || (SELECT count(*) FROM comparisons)"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
size_of() { local t=0 f; for f in "$@"; do t=$((t + $(stat -c %s "$f"))); done; echo "$t"; }
# measure NAME OUTPUT-FILES... -- COMMAND...: one row of the table.
measure() {
  local name=$1 files=() wall rss bytes=0
  shift
  while [ "$1" != "--" ]; do files+=("$1"); shift; done
  shift
  /usr/bin/time -v -o time.txt "$@" > out.txt 2> err.txt || { cat err.txt >&2; exit 1; }
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' time.txt)
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' time.txt)
  [ ${#files[@]} -gt 0 ] && bytes=$(size_of "${files[@]}")
  printf '| %s | %s | %s | %s |\n' "$name" "$wall" "$(mib $((rss * 1024)))" \
    "$([ "$bytes" -gt 0 ] && mib "$bytes" || echo -)" | tee -a "$REPORT"
}

{
  echo "store-scale: $P patients x $S sessions x $V views in $N shards, $(date -u +%Y-%m-%d)"
  echo "skindiff $("$BIN" --version | head -1), $(nproc) cores, $(sqlite3 --version | cut -d' ' -f1)"
  echo
  echo "| step | wall (m:ss) | peak RSS (MiB) | output (MiB) |"
  echo "|---|---|---|---|"
} | tee "$REPORT"

measure "fill $N shards (store_fill, one transaction per item)" -- "$FILL" . "$P" "$S" "$V" "$N"
shards=()
for k in $(seq 1 "$N"); do shards+=("shard-$k-of-$N.db"); done
measure "(size of the $N shard databases)" "${shards[@]}" -- true
measure "resume scan of shard 1 (its own manifest)" -- \
  "$BIN" batch --manifest shard-1.csv --db "shard-1-of-$N.db" -j 2 -q
grep -q "photos 0 analysed" err.txt || { echo "store-scale: the resume scan did work: $(cat err.txt)" >&2; exit 1; }
measure "resume scan of shard 1 (all.csv, --shard 1/$N)" -- \
  "$BIN" batch --manifest all.csv --shard "1/$N" --db "shard-1-of-$N.db" -j 2 -q
grep -q "photos 0 analysed" err.txt || { echo "store-scale: the resume scan did work: $(cat err.txt)" >&2; exit 1; }
measure "merge $N shards" merged.db -- "$BIN" merge merged.db "${shards[@]}"
read -r n_img n_cmp <<< "$(rows merged.db)"
measure "merge again (every row already there)" merged.db -- "$BIN" merge merged.db "${shards[@]}"
long=
"$BIN" export --help | grep -q -- "--long" && long=1
for t in images comparisons series; do
  measure "export $t CSV" "$t.csv" -- "$BIN" export --db merged.db --table "$t" --csv -o "$t.csv"
  measure "export $t NDJSON" "$t.ndjson" -- "$BIN" export --db merged.db --table "$t" --ndjson -o "$t.ndjson"
  if [ -n "$long" ] && [ "$t" != series ]; then
    measure "export $t CSV --long" "$t-long.csv" -- "$BIN" export --db merged.db --table "$t" --csv --long -o "$t-long.csv"
  fi
done
{
  echo
  echo "merged.db: $n_img image rows, $n_cmp comparison rows;" \
    "images.csv $(($(wc -l < images.csv) - 1)) rows, comparisons.csv $(($(wc -l < comparisons.csv) - 1)) rows"
} | tee -a "$REPORT"
echo "store-scale: report in $REPORT" >&2
