#!/usr/bin/env bash
# A small run of scripts/store-scale.sh's experiment: shard databases filled
# through the store's batch driver (tests/store_fill), merged and exported.
# Checks the row counts through merge and export, that the resume scan of a
# finished shard does no work, that a repeated merge adds nothing, that a
# killed merge leaves no half-made OUT.db, and that
# export and merge memory does not grow with the rows (peak RSS at 4x the
# rows within 3 MiB of the 1x run: SQLite's page cache and sorter fill up
# to their fixed size, 2 MiB by default; measured +0.6, 0 and +1.6 MiB).
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"
FILL=$(dirname "$BIN")/tests/store_fill
[ -x "$FILL" ] || skip_test "$FILL not built"
command -v sqlite3 >/dev/null || skip_test "sqlite3 not installed"
count() { sqlite3 "$1" "SELECT count(*) FROM $2"; }
peak_kib() { # COMMAND...: its maximum resident set size in KiB
  /usr/bin/time -f %M -o peak.txt "$@" > /dev/null 2> cmd.err || { cat cmd.err; echo 0; return; }
  cat peak.txt
}

declare -A rss
for scale in 1 4; do
  d=s$scale P=$((100 * scale)) S=8 V=2 N=4
  mkdir -p $d
  "$FILL" $d $P $S $V $N 2> $d/fill.log || { bad "store_fill: $(cat $d/fill.log)"; continue; }
  shards=()
  for k in $(seq 1 $N); do shards+=("$d/shard-$k-of-$N.db"); done
  img=0 cmp=0
  for f in "${shards[@]}"; do
    img=$((img + $(count "$f" images))) cmp=$((cmp + $(count "$f" comparisons)))
  done
  [ $img -eq $((P * S * V)) ] && [ $cmp -eq $((P * V * (2 * S - 3))) ] \
    && ok "x$scale: shards hold $img photos and $cmp comparisons" \
    || bad "x$scale: shards hold $img photos and $cmp comparisons"
  "$BIN" batch --manifest $d/all.csv --shard 1/$N --db $d/shard-1-of-$N.db -j 2 -q 2> $d/resume.log
  grep -q "photos 0 analysed.*comparisons 0 done" $d/resume.log \
    && ok "x$scale: resume scan of a finished shard does no work" || bad "x$scale: resume: $(cat $d/resume.log)"
  if [ -x /usr/bin/time ]; then
    rss[merge$scale]=$(peak_kib "$BIN" merge $d/merged.db "${shards[@]}")
    rss[export$scale]=$(peak_kib "$BIN" export --db $d/merged.db --table comparisons --ndjson -o $d/c.ndjson)
    rss[series$scale]=$(peak_kib "$BIN" export --db $d/merged.db --table series --csv -o $d/s.csv)
  else
    "$BIN" merge $d/merged.db "${shards[@]}" && "$BIN" export --db $d/merged.db --table comparisons --ndjson -o $d/c.ndjson \
      && "$BIN" export --db $d/merged.db --table series --csv -o $d/s.csv || bad "merge/export failed"
  fi
  [ "$(count $d/merged.db images)" -eq $img ] && [ "$(count $d/merged.db comparisons)" -eq $cmp ] \
    && [ "$(wc -l < $d/c.ndjson)" -eq $cmp ] && [ "$(wc -l < $d/s.csv)" -eq $((img + 1)) ] \
    && ok "x$scale: merged and exported every row" || bad "x$scale: rows lost in merge or export"
  sum=$(sqlite3 $d/merged.db "SELECT count(*), sum(sa) FROM images")
  "$BIN" merge $d/merged.db "${shards[@]}" || bad "second merge failed"
  [ "$(sqlite3 $d/merged.db "SELECT count(*), sum(sa) FROM images")" = "$sum" ] \
    && ok "x$scale: merging again adds nothing" || bad "x$scale: second merge changed the rows"
done
# A new OUT.db is built as OUT.db.merging and renamed when complete: a merge
# killed on the way leaves no OUT.db, and the next merge makes it whole.
d=s4
shards=("$d"/shard-*-of-4.db)
rm -f $d/killed.db*
"$BIN" merge $d/killed.db "${shards[@]}" 2> /dev/null &
pid=$!
for _ in $(seq 200); do [ -f $d/killed.db.merging ] && break; sleep 0.01; done
if [ -f $d/killed.db.merging ] && kill -9 $pid 2> /dev/null; then
  wait $pid 2> /dev/null
  [ ! -e $d/killed.db ] && ok "a merge killed on the way leaves no OUT.db" || bad "a killed merge left OUT.db"
  "$BIN" merge $d/killed.db "${shards[@]}" 2> /dev/null && [ ! -e $d/killed.db.merging ] \
    && [ "$(sqlite3 $d/killed.db "SELECT count(*), sum(sa) FROM images")" = \
         "$(sqlite3 $d/merged.db "SELECT count(*), sum(sa) FROM images")" ] \
    && ok "the next merge makes it whole" || bad "merge after a killed one"
else
  wait $pid
  echo "note: the merge ended before it could be killed; not checked"
fi
# AddressSanitizer's quarantine holds freed memory, so RSS says nothing there.
if grep -aq __asan_init "$BIN"; then
  skip "an AddressSanitizer build: memory growth not checked"
elif [ -x /usr/bin/time ]; then
  for what in merge export series; do
    a=${rss[${what}1]:-0} b=${rss[${what}4]:-0}
    [ "$a" -gt 0 ] && [ $((b - a)) -lt 3072 ] \
      && ok "$what: peak RSS $a KiB at 1x, $b KiB at 4x the rows" \
      || bad "$what: peak RSS $a KiB at 1x, $b KiB at 4x the rows (grows with the rows)"
  done
else
  skip "/usr/bin/time not installed (Debian time): memory growth not checked"
fi
finish
