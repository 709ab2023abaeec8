#!/usr/bin/env bash
# skindiff batch end to end on a generated archive (3 patients x 3 sessions x
# 2 views, 600x500 px, treatment per session) with a truncated JPEG, a broken
# symlink and a FIFO named like photos: error rows and exit status 1;
# kill -9 at random points then a re-run equals an uninterrupted run byte for
# byte; a third run does no work; -j 1 and -j 2 give identical exports;
# throughput -j 1 vs -j 2; a held database is refused (exit 6); a bad
# manifest row is a usage error before any work (exit 2).
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"
. "$HERE/batch_archive.sh"

now() { date +%s.%N; }

make_archive "$BIN" arch || { echo "FAIL: cannot generate the archive"; exit 1; }
break_archive arch

# 1. Uninterrupted reference, -j 1.
t0=$(now)
"$BIN" batch arch --db ref.db -j 1 2> ref.log
rc=$?
t1=$(now)
cat ref.log
[ $rc -eq 1 ] && ok "exit status 1 with failed items" || bad "exit status $rc, want 1"
grep -q "photos 15 analysed" ref.log && grep -q ", 3 failed; comparisons" ref.log \
  && ok "15 photos analysed, 3 failed" || bad "summary: $(cat ref.log)"
export_all ref.db ref || bad "export failed"
grep -q '^P002,2024-02-12,left,.*,error,5,corrupt or truncated image data,' ref/images.csv \
  && ok "truncated JPEG is an error row (code 5)" || bad "no error row for the truncated JPEG"
grep -q '^P003,2024-03-13,front,.*,error,3,.*cannot open' ref/images.csv \
  && ok "broken symlink is an error row" || bad "no error row for the broken symlink"
grep -q '^P003,2024-01-11,left,.*not a regular file' ref/images.csv \
  && ok "FIFO is an error row (read without blocking)" || bad "no error row for the FIFO"
grep -q 'after image failed: P002/2024-02-12/left.jpg' ref/comparisons.csv \
  && ok "comparison with a failed photo is an error row" || bad "no 'after image failed' row"
n_ok=$(grep -c ',ok,' ref/comparisons.csv)
[ "$n_ok" -eq 12 ] && ok "12 comparisons ok" || bad "$n_ok comparisons ok, want 12"
grep -q '"kind":"baseline+previous"' ref/comparisons.ndjson && ok "kinds recorded" || bad "no kinds"

# 2. -j 2 gives the same exports.
t2=$(now)
"$BIN" batch arch --db j2.db -j 2 -q 2> j2.log
t3=$(now)
export_all j2.db j2
same_exports ref j2 && ok "-j 1 and -j 2 exports identical" || bad "-j 1 and -j 2 exports differ"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
  printf "  throughput (18 photos + 18 comparisons): -j 1 %.2f s = %.2f img/s, -j 2 %.2f s = %.2f img/s, ratio %.2f\n",
    b - a, 18 / (b - a), d - c, 18 / (d - c), (b - a) / (d - c) }'

# 3. kill -9 at random points, several rounds, then a plain run.
RANDOM=20241121
killed=0
for round in 1 2 3 4 5 6; do
  "$BIN" batch arch --db kill.db -j 2 -q 2>/dev/null &
  pid=$!
  # Kill after 2-15% of an uninterrupted -j 2 run, so six rounds together
  # never finish the work, however fast or loaded the machine is.
  sleep "$(awk -v r=$RANDOM -v d="$t2" -v e="$t3" 'BEGIN { printf "%.2f", (e - d) * (0.02 + (r % 100) / 100 * 0.13) }')"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null
done
echo "  $killed of 6 runs killed"
[ $killed -ge 3 ] || bad "only $killed runs were killed"
"$BIN" batch arch --db kill.db -j 2 2> resume.log
rc=$?
cat resume.log
[ $rc -eq 1 ] || bad "resume exit $rc, want 1"
grep -q "photos 15 analysed" resume.log && bad "resume redid every photo" || ok "resume kept the killed runs' work"
export_all kill.db kill
same_exports ref kill && ok "killed + resumed exports identical to uninterrupted run" \
  || bad "killed + resumed exports differ"

# 4. A third run does no work.
"$BIN" batch arch --db kill.db -j 2 2> third.log
rc=$?
cat third.log
grep -q "photos 0 analysed, 18 skipped" third.log && grep -q "comparisons 0 done, 18 skipped" third.log \
  && ok "third run did no work" || bad "third run: $(cat third.log)"
[ $rc -eq 1 ] && ok "third run still exits 1 (stored failures)" || bad "third run exit $rc"

# Progress line only on a terminal (script(1) provides one).
if command -v script >/dev/null; then
  script -qc "'$BIN' batch arch --db kill.db -j 2" /dev/null > tty.log 2>&1
  tr '\r' '\n' < tty.log | grep -q 'photos \[18/18\] comparisons \[18/18\] [0-9.]* img/s, ETA [^,]*, 0 failed' \
    && ok "progress line on a terminal" || bad "no progress line: $(tr '\r' '\n' < tty.log | head -3)"
  grep -q 'img/s' third.log && bad "progress line written to a non-terminal" || ok "no progress line when not a terminal"
fi

# 5. A database in use is refused.
if command -v flock >/dev/null; then
  flock -n ref.db.lock sleep 3 &
  holder=$!
  sleep 0.3
  "$BIN" batch arch --db ref.db -q 2> busy.log
  rc=$?
  [ $rc -eq 6 ] && grep -q "in use by another skindiff run" busy.log \
    && ok "busy database refused (exit 6)" || bad "busy: exit $rc, $(cat busy.log)"
  kill "$holder" 2>/dev/null
  wait "$holder" 2>/dev/null
fi

# 6. A bad manifest row: usage error with the line, before any work.
mkdir -p man
printf 'patient,session,view,path,px_per_mm\nP1,s1,front,../arch/P001/2024-01-11/front.jpg,20\nP1,s2,front,../arch/P001/2024-02-12/front.jpg,abc\n' > man/list.csv
"$BIN" batch --manifest man/list.csv 2> man.log
rc=$?
[ $rc -eq 2 ] && grep -q "list.csv:3: px_per_mm 'abc'" man.log && [ ! -e skindiff.db ] \
  && ok "bad manifest row: exit 2 with line number, no database" || bad "manifest: exit $rc, $(cat man.log)"
printf 'patient,session,view,path\nP1,s1,front,../arch/P001/2024-01-11/front.jpg\nP1,s2,front,"../arch/P001/2024-02-12/front.jpg"\n' > man/list.csv
"$BIN" batch --manifest man/list.csv -q 2> man.log
rc=$?
[ $rc -eq 0 ] && [ -e skindiff.db ] && [ ! -e man/skindiff.db ] \
  && ok "manifest run, database in the current folder" \
  || bad "manifest run: exit $rc, $(cat man.log)"

finish
