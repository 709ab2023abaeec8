#!/usr/bin/env bash
# Per-zone n/df/note in the CSV outputs: compare --csv appends n_before,
# n_after, df and note to every row, batch stores them (schema 6) and export
# gives them in comparison_zones (n_before, n_after, M_df, note, appended)
# and in comparisons --long (n_before, n_after, df, note, appended); each
# equal to compare --json's zones.Z.replicates (n_before, n_after,
# metrics.M.df) and zones.Z.note (1, 1 and 0 where the JSON has no
# replicates). Earlier columns keep their places.
# Shots: zone_replicate_shots.py (as test_compare_zone_replicates.sh), three
# per session, the third before shot without the right cheek: truth
# n_before 2, n_after 3, df 2 + 3 - 2 = 3 for the right cheek and its note
# "... 2 of 3 before and 3 of 3 after photos ..."; 3, 3 and df 4 for the
# whole region.
# Usage: test_compare_zone_columns.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"
need_python PIL

$PY "$HERE/zone_replicate_shots.py" "$BIN" "$HERE" || exit 1
O=(--landmarks face.json --px-per-mm 20 --skin off --tile-mm 2)
P=(--before b1.png --before b2.png --before b3c.png --after a1.png
   --after a2.png --after a3.png)
expect_rc 0 "$BIN" compare "${P[@]}" "${O[@]}" --json -o c.json
expect_rc 0 "$BIN" compare "${P[@]}" "${O[@]}" --csv -o c.csv
{
    echo "patient,session,view,path,replicate,landmarks"
    echo "P1,s1,front,b1.png,1,face.json"
    echo "P1,s1,front,b2.png,2,face.json"
    echo "P1,s1,front,b3c.png,3,face.json"
    for r in 1 2 3; do echo "P1,s2,front,a$r.png,$r,face.json"; done
} > m.csv
expect_rc 0 "$BIN" batch --manifest m.csv --face --px-per-mm 20 --skin off \
    --tile-mm 2 --db z.db -q
expect_rc 0 "$BIN" export --db z.db --table comparison_zones -o cz.csv
expect_rc 0 "$BIN" export --db z.db --table comparisons --long -o long.csv

$PY - <<'PY' >check.txt 2>&1 && ok || bad "$(cat check.txt)"
import csv, json
c = json.load(open("c.json"))
z = c["zones"]
METRICS = list(z["whole"]["metrics"])

def want(zone, m):
    """(n_before, n_after, df, note) of compare --json."""
    e = z[zone]
    if zone == "whole":
        r = c["replicates"]
        nb, na = len(r["before"]), len(r["after"])
        df = r["metrics"][m]["df"]
    elif e.get("replicates"):
        r = e["replicates"]
        nb, na, df = r["n_before"], r["n_after"], r["metrics"][m]["df"]
    else:
        nb, na, df = 1, 1, 0
    return nb, na, df, e["note"] or ""

# the known truth of these shots
assert want("whole", "sa")[:3] == (3, 3, 4), want("whole", "sa")
rc = want("right_cheek", "a_mean")
assert rc[:3] == (2, 3, 3) and "2 of 3 before and 3 of 3 after" in rc[3], rc
assert want("left_cheek", "a_mean")[:3] == (3, 3, 4)

# compare --csv: the new columns last, the old ones where they were
head = next(csv.reader(open("c.csv")))
assert head == ["before_file", "after_file", "zone", "metric", "label", "unit",
                "before", "after", "change", "change_pct", "ci_low", "ci_high",
                "noise_floor", "verdict", "common_area_cm2", "tiles_used",
                "floor_source", "reason", "n_before", "n_after", "df",
                "note"], head
rows = list(csv.DictReader(open("c.csv")))
assert {r["zone"] for r in rows} == set(z), {r["zone"] for r in rows}
for r in rows:
    got = (int(r["n_before"]), int(r["n_after"]), int(r["df"]), r["note"])
    assert got == want(r["zone"], r["metric"]), ("csv", r["zone"], r["metric"], got)

# export comparison_zones (batch's stored rows): the same per zone
rows = list(csv.DictReader(open("cz.csv")))
head = next(csv.reader(open("cz.csv")))
assert head[-13:] == ["comparison_key", "n_before", "n_after"] + [
    m + "_df" for m in METRICS] + ["note"], head
assert sorted(r["zone"] for r in rows) == sorted(z), rows
for r in rows:
    for m in METRICS:
        nb, na, df, note = want(r["zone"], m)
        got = (int(r["n_before"]), int(r["n_after"]), int(r[m + "_df"]))
        assert got == (nb, na, df), ("export", r["zone"], m, got)
    if r["zone"] != "whole":
        assert r["note"] == want(r["zone"], "sa")[3], ("export", r["zone"], r["note"])

# export comparisons --long: per zone and metric
head = next(csv.reader(open("long.csv")))
assert head[-5:] == ["comparison_key", "n_before", "n_after", "df", "note"], head
n = 0
for r in csv.DictReader(open("long.csv")):
    if r["metric"] not in METRICS:
        assert r["df"] == r["n_before"] == "", r  # acquisition rows
        continue
    nb, na, df, note = want(r["zone"], r["metric"])
    got = (int(r["n_before"]), int(r["n_after"]), int(r["df"]))
    assert got == (nb, na, df), ("long", r["zone"], r["metric"], got)
    if r["zone"] != "whole":
        assert r["note"] == note, ("long", r["zone"], r["note"])
    n += 1
assert n == len(z) * len(METRICS), n
print("right cheek: n %d/%d, df %d, note %r" % rc)
PY
cat check.txt
finish
