#!/usr/bin/env bash
# Replicates in batch (issue 13): several photos of one view in a session,
# named <view>_1, <view>_2 in an archive or given a manifest `replicate`
# column, are each analysed and stored as their own photo row, and the
# comparison of the view uses them all (skd_compare_sessions, as compare
# --before A --before B --after C --after D): the replicates' spread is the
# floor (floor source `replicates`), the counts are stored.
# Shots (skindiff synth, 500x400 at 20 px/mm, the same skin, seed 5, noise
# 0.3, each a camera move of its own, as test_compare_replicates.sh):
#   s1: front_1, front_2 the skin as it is (relief x 1.0, two moves)
#   s2: front_1 relief x 0.8, front_2 relief x 0.9 (a known spread)
#   s3: front_1, front_2 relief x 0.8 (two moves)
# Truth: compare --json of the same photos (batch_vs_compare.py: figures to
# a relative 1e-5, texts exactly), and for the spread itself: the s1 -> s2
# Sa floor is t(0.975, 2) sqrt(2) SD with SD = |d|/2 (pooled over the two
# sessions' 1 + 1 degrees of freedom; the s1 pair's own spread is ~0.002%),
# d the Sa change (% of the figure) compare reads from s2/front_1 to
# s2/front_2, in Sa units at the before figure: within 2% of it (measured
# 0.3%, the s1 pair's spread).
# Usage: test_batch_replicates.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"
need_python csv
CHECK=$HERE/batch_vs_compare.py

shot() { # shot BEFORE.png AFTER.png NOISE_SEED SHIFT RELIEF
    "$BIN" synth -q "$1" --after "$2" --width 500 --height 400 --seed 5 \
        --noise 0.3 --after-seed "$3" --shift "$4" --relief-scale "$5"
}
A=arch/P1
mkdir -p $A/s1 $A/s2 $A/s3
shot $A/s1/front_1.png $A/s2/front_1.png 11 2,1 0.8 &&
shot x1.png $A/s1/front_2.png 13 3,-2 1.0 &&
shot x2.png $A/s2/front_2.png 14 -2,-3 0.9 &&
shot x3.png $A/s3/front_1.png 15 1,2 0.8 &&
shot x4.png $A/s3/front_2.png 16 -1,3 0.8 || exit 1

expect_rc 0 "$BIN" batch arch --db r.db --px-per-mm 20 -q
expect_rc 0 "$BIN" export --db r.db --table comparisons -o wide.csv
expect_rc 0 "$BIN" export --db r.db --table images -o images.csv
# The same files through a manifest's replicate column, as view "cheek".
{
    echo "patient,session,view,path,replicate"
    for s in s1 s2 s3; do for r in 1 2; do
        echo "P2,$s,cheek,$A/$s/front_$r.png,$r"
    done; done
} > m.csv
expect_rc 0 "$BIN" batch --manifest m.csv --db m.db --px-per-mm 20 -q
expect_rc 0 "$BIN" export --db m.db --table comparisons -o mwide.csv
expect_rc 0 "$BIN" export --db m.db --table images -o mimages.csv

C=(--px-per-mm 20 --json)
expect_rc 0 "$BIN" compare --before $A/s1/front_1.png --before $A/s1/front_2.png \
    --after $A/s2/front_1.png --after $A/s2/front_2.png "${C[@]}" -o s12.json
expect_rc 0 "$BIN" compare --before $A/s1/front_1.png --before $A/s1/front_2.png \
    --after $A/s3/front_1.png --after $A/s3/front_2.png "${C[@]}" -o s13.json
expect_rc 0 "$BIN" compare --before $A/s2/front_1.png --before $A/s2/front_2.png \
    --after $A/s3/front_1.png --after $A/s3/front_2.png "${C[@]}" -o s23.json
expect_rc 0 "$BIN" compare $A/s2/front_1.png $A/s2/front_2.png "${C[@]}" -o d.json

# One row per comparison, keyed for batch_vs_compare.py by its sessions.
$PY - <<'PY' || exit 1
import csv
for src, dst in (("wide.csv", "w.csv"), ("mwide.csv", "mw.csv")):
    rows = list(csv.DictReader(open(src)))
    with open(dst, "w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]))
        out.writeheader()
        for r in rows:
            r["patient"] = r["session_before"] + r["session_after"]
            out.writerow(r)
PY
if $PY "$CHECK" w.csv s1s2=s12.json s1s3=s13.json s2s3=s23.json; then ok
else bad "archive replicates against compare --before A --before B --after C --after D"; fi
if $PY "$CHECK" mw.csv s1s2=s12.json s1s3=s13.json s2s3=s23.json; then ok
else bad "manifest replicates against compare"; fi

$PY - <<'PY' && ok || bad "replicate rows, floors and the known spread"
import csv, json, math
w = list(csv.DictReader(open("wide.csv")))
# s2: baseline+previous; s3: baseline and previous; all of view front.
assert sorted((r["session_before"], r["session_after"], r["kind"]) for r in w) == [
    ("s1", "s2", "baseline+previous"), ("s1", "s3", "baseline"),
    ("s2", "s3", "previous")], w
for r in w:
    assert r["view"] == "front" and r["status"] == "ok", r
    assert (r["replicates_before"], r["replicates_after"]) == ("2", "2"), r
    assert r["sa_floor_source"] == "replicates", r
    # a* and EI keep at least the uncalibrated floors (no white references)
    assert float(r["a_mean_noise_floor"]) >= 2.0, r
# Each photo its own row: six, views front_1 and front_2, one session index
# per session.
img = list(csv.DictReader(open("images.csv")))
assert sorted((r["session"], r["view"]) for r in img) == [
    (s, v) for s in ("s1", "s2", "s3") for v in ("front_1", "front_2")], img
assert all(r["status"] == "ok" for r in img)
m = list(csv.DictReader(open("mimages.csv")))
assert sorted(r["view"] for r in m) == sorted(["cheek_1", "cheek_2"] * 3), m
by = {(r["session"], r["view"][-1]): r["sa"] for r in img}
assert all(by[(r["session"], r["view"][-1])] == r["sa"] for r in m), "manifest photos differ"
# The known spread: SD = |d|/2 of the s2 pair, floor t(0.975,2) sqrt(2) SD.
d = json.load(open("d.json"))["metrics"]["sa"]["change_pct"]
s12 = [r for r in w if r["session_after"] == "s2"][0]
want = 4.302652729911275 * math.sqrt(2) * abs(d) / 2 / 100 * float(s12["sa_before"])
got = float(s12["sa_noise_floor"])
print("  Sa floor %.5f, from the s2 pair's change %.3f%%: %.5f" % (got, d, want))
assert abs(got - want) <= 0.001 * want, (got, want)
PY

# A replicate that cannot be aligned with its session's first photo fails
# the comparison (an error row that says so), as compare does.
mkdir -p arch2/P1/s1 arch2/P1/s2
cp $A/s1/front_1.png arch2/P1/s1/front_1.png
cp $A/s2/front_1.png arch2/P1/s2/front_1.png
"$BIN" synth arch2/P1/s2/front_2.png --width 500 --height 400 --seed 99 -q || exit 1
expect_rc 1 "$BIN" batch arch2 --db e.db --px-per-mm 20 -q
has err.txt "after session, photo 2 against photo 1"
finish
