#!/usr/bin/env bash
# batch without surprises: sessions sort naturally (visit2 < visit10, ISO
# dates in time order) and a manifest's session_order wins, and the order is
# printed; a re-run with other settings keeps both result sets side by side
# and export picks the latest set, names it, and --params chooses the other;
# the default database is ./skindiff.db, not inside the archive; the assumed
# scale is warned about; the summary lists the failed items.
# Usage: test_batch_order.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"

# P1: visit1, visit2, visit10 (byte order would put visit10 second);
# P2: ISO dates across a month boundary and a year.
mkdir -p arch/P1/visit1 arch/P1/visit2 arch/P1/visit10 arch/P2/2023-12-30 arch/P2/2024-01-05
"$BIN" synth arch/P1/visit1/cheek.png --after arch/P1/visit2/cheek.png \
    --width 200 --height 160 --keep-pores 0.7 -q || exit 1
cp arch/P1/visit2/cheek.png arch/P1/visit10/cheek.png
cp arch/P1/visit1/cheek.png arch/P2/2023-12-30/cheek.png
cp arch/P1/visit2/cheek.png arch/P2/2024-01-05/cheek.png
echo "not a photo" > arch/P2/2024-01-05/broken.jpg
chmod -w arch arch/*/* # a read-only archive is fine: nothing goes into it

B=(--assume-aligned --bootstrap 100)
expect_rc 1 "$BIN" batch arch "${B[@]}"
has err.txt "P1 cheek: visit1 < visit2 < visit10"
has err.txt "P2 cheek: 2023-12-30 < 2024-01-05"
has err.txt "no --px-per-mm given: assuming 20 px/mm"
has err.txt "results in skindiff.db"
has err.txt "1 item(s) failed:"
has err.txt "P2/2024-01-05/broken: "
[ -s skindiff.db ] && [ ! -e arch/skindiff.db ] && ok || bad "database not in the current folder"
expect_rc 0 "$BIN" export --table series
has out.txt "P1,cheek,visit10,3,visit1,ok"
has out.txt "P1,cheek,visit2,2,visit1,ok"
awk -F, 'NR > 1 {print $3}' out.txt | tr '\n' ' ' > order.txt
has order.txt "visit1 visit2 visit10 2024-01-05 2023-12-30 2024-01-05"  # P2 broken, then P2 cheek
expect_rc 0 "$BIN" export --table comparisons
[ "$(awk -F, '$1 == "P1" {print $3 ">" $4 ":" $5}' out.txt | tr '\n' ' ')" = \
  "visit1>visit2:baseline+previous visit1>visit10:baseline visit2>visit10:previous " ] \
  && ok || bad "P1 comparisons: $(cut -d, -f1-5 out.txt)"

# The same photos with other settings: a new set beside the first.
expect_rc 1 "$BIN" batch arch "${B[@]}" --px-per-mm 25 --pore-threshold 8 -q
has err.txt "photos 5 analysed"
[ "$(sqlite3 skindiff.db 'select count(distinct image_set) || "," || count(*) from images' 2>/dev/null || \
     python3 -c 'import sqlite3; c = sqlite3.connect("skindiff.db"); print("%d,%d" % c.execute("select count(distinct image_set), count(*) from images").fetchone())')" = "2,12" ] \
  && ok || bad "both result sets kept: $(python3 -c 'import sqlite3; print(sqlite3.connect("skindiff.db").execute("select image_set, count(*) from images group by 1").fetchall())')"
expect_rc 0 "$BIN" export --table images -o latest.csv
has err.txt "the latest; --params chooses another"
grep -q ',25,given,' latest.csv && ok || bad "latest set is not the 25 px/mm one"
lacks latest.csv ",20,assumed,"
old=$(sed -n 's/^    \([0-9a-f]\{12\}\) .*/\1/p' err.txt)
[ -n "$old" ] && ok || bad "the other set is not named: $(cat err.txt)"
expect_rc 0 "$BIN" export --table images --params "$old" -o older.csv
has err.txt "chosen with --params"
grep -q ',20,assumed,' older.csv && ok || bad "--params did not give the first set"
expect_rc 2 "$BIN" export --params 0000zz
has err.txt "--params 0000zz: no parameter set of skindiff.db starts so"
# A re-run of the latest settings does nothing, the first set is untouched.
expect_rc 1 "$BIN" batch arch "${B[@]}" --px-per-mm 25 --pore-threshold 8 -q
has err.txt "photos 0 analysed"
expect_rc 0 "$BIN" export --table images --params "$old" -o older2.csv
cmp -s older.csv older2.csv && ok || bad "the first set changed"

# A manifest's session_order wins over the names.
chmod -R u+w arch
printf 'patient,session,view,path,px_per_mm,session_order\nM,zeta,cheek,arch/P1/visit1/cheek.png,20,1\nM,alpha,cheek,arch/P1/visit2/cheek.png,20,2\n' > m.csv
expect_rc 0 "$BIN" batch --manifest m.csv --db m.db "${B[@]}"
has err.txt "M cheek: zeta < alpha"
expect_rc 0 "$BIN" export --db m.db --table comparisons
has out.txt "M,cheek,zeta,alpha,baseline+previous"
# Without a scale in the manifest: the warning names how many photos.
printf 'patient,session,view,path\nN,s1,cheek,arch/P1/visit1/cheek.png\n' > n.csv
expect_rc 0 "$BIN" batch --manifest n.csv --db n.db -q
has err.txt "1 photo(s) had no scale"
finish
