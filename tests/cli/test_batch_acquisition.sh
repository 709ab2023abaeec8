#!/usr/bin/env bash
# batch keeps what compare says about a pair besides the change (issue 13,
# schema 5): the acquisition check (exposure, skin and white-reference
# colour differences, sharpness, shares compared, residual, tone), per
# metric the floor that judged it and why a verdict is inconclusive, and
# whether the colour was calibrated; export shows them in the wide table
# (CSV, NDJSON), in --long with units, and merge copies them. A schema-4
# database is upgraded in place and its rows keep NULL there.
# Truth: `skindiff compare --json` of the same two photos with the same
# settings (the batch runs the same library calls on the same pixels),
# checked by batch_vs_compare.py: figures to a relative 1e-5 (both print
# %.6g; measured: equal), every text (verdict, reason, floor source, limits)
# exactly.
# Pairs (synthetic skin, 480x360 at 20 px/mm, same seed before and after):
#   P1 after photo exposed x0.75 with a 6% warmer white balance (red x1.06,
#      blue x0.94): the texture and pore verdicts inconclusive ("darker");
#   P2 the same skin with sensor noise 2: no inconclusive verdict;
#   P3 a much warmer light (red x1.12, blue x0.80), no white references:
#      a* and EI inconclusive ("warmer").
# Usage: test_batch_acquisition.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"
need_python sqlite3

SZ=(--width 480 --height 360)
mkdir -p arch/P1/s1 arch/P1/s2 arch/P2/s1 arch/P2/s2 arch/P3/s1 arch/P3/s2
"$BIN" synth arch/P1/s1/front.png "${SZ[@]}" --seed 5 -q &&
"$BIN" synth arch/P1/s2/front.png "${SZ[@]}" --seed 5 --exposure 0.75 \
    --white-balance 1.06,0.94 -q &&
"$BIN" synth arch/P2/s1/front.png "${SZ[@]}" --seed 7 -q &&
"$BIN" synth arch/P2/s2/front.png "${SZ[@]}" --seed 7 --noise 2 -q &&
"$BIN" synth arch/P3/s1/front.png "${SZ[@]}" --seed 9 -q &&
"$BIN" synth arch/P3/s2/front.png "${SZ[@]}" --seed 9 \
    --white-balance 1.12,0.80 -q || exit 1

expect_rc 0 "$BIN" batch arch --db t.db --px-per-mm 20 -j 2 -q
expect_rc 0 "$BIN" export --db t.db --table comparisons -o wide.csv
expect_rc 0 "$BIN" export --db t.db --table comparisons --ndjson -o wide.ndjson
expect_rc 0 "$BIN" export --db t.db --table comparisons --long -o long.csv
for p in P1 P2 P3; do
    expect_rc 0 "$BIN" compare arch/$p/s1/front.png arch/$p/s2/front.png \
        --px-per-mm 20 --json -o $p.json
done

HERE=$HERE $PY - <<'PY' && ok || bad "wide export against compare --json"
import csv, json, os, sys
sys.path.insert(0, os.environ["HERE"])
from batch_vs_compare import check_wide, same, METRICS
w = {r["patient"]: r for r in csv.DictReader(open("wide.csv"))}
assert sorted(w) == ["P1", "P2", "P3"], sorted(w)
cmp = {p: json.load(open(p + ".json")) for p in w}
for p in w:
    check_wide(w[p], cmp[p], p)
# The premises: each pair shows what it was made for.
assert w["P1"]["sa_verdict"] == "inconclusive" and "darker" in w["P1"]["sa_reason"], w["P1"]
assert w["P1"]["limits_exceeded"].split(",")[0] == "exposure", w["P1"]["limits_exceeded"]
assert all(w["P2"][m + "_verdict"] != "inconclusive" and w["P2"][m + "_reason"] == ""
           for m in METRICS), w["P2"]
assert w["P3"]["a_mean_verdict"] == "inconclusive" and "warmer" in w["P3"]["a_mean_reason"]
assert w["P3"]["erythema_floor_source"] == "uncalibrated colour", w["P3"]
assert all(w[p]["colour_calibrated"] == "0" for p in w)
# NDJSON: the same texts and numbers.
n = {r["patient"]: r for r in map(json.loads, open("wide.ndjson"))}
for p in w:
    for m in METRICS:
        assert n[p][m + "_reason"] == w[p][m + "_reason"], (p, m)
        assert n[p][m + "_floor_source"] == w[p][m + "_floor_source"], (p, m)
    same(str(n[p]["exposure_pct"]), float(w[p]["exposure_pct"]), p)
    assert n[p]["white_ref_dL"] is None and n[p]["colour_calibrated"] == 0, n[p]
PY

$PY - <<'PY' && ok || bad "long export: reasons, floor sources and the acquisition rows with units"
import csv
w = {r["patient"]: r for r in csv.DictReader(open("wide.csv"))}
rows = list(csv.DictReader(open("long.csv")))
assert rows and "reason" in rows[0] and "floor_source" in rows[0], rows[:1]
by = {(r["patient"], r["metric"]): r for r in rows if r["zone"] == "whole"}
for p in w:
    for m in ["sa", "sq", "pore_density", "pore_diameter", "pore_area", "a_mean",
              "a_median", "erythema", "red_area"]:
        r = by[(p, m)]
        assert r["verdict"] == w[p][m + "_verdict"], (p, m)
        assert r["reason"] == w[p][m + "_reason"], (p, m)
        assert r["floor_source"] == w[p][m + "_floor_source"], (p, m)
    # name: (wide column in change, unit)
    single = {"exposure": ("exposure_pct", "% linear luminance"),
              "skin_L": ("skin_dL", "L*"), "skin_a": ("skin_da", "a*"),
              "skin_b": ("skin_db", "b*"), "white_ref_L": ("white_ref_dL", "L*"),
              "residual_median": ("residual_median_px", "px"),
              "residual_max": ("residual_max_px", "px"),
              "tiles_left_out": ("residual_tiles_dropped", "tiles"),
              "tone_slope": ("tone_slope", "1"),
              "resolution_ratio": ("resolution_ratio", "px/mm after / before"),
              "pores_unresolved": ("pores_unresolved", "fraction of pores"),
              "colour_calibrated": ("colour_calibrated", "1: white refs in both")}
    for name, (col, unit) in single.items():
        r = by[(p, name)]
        assert r["change"] == w[p][col] and r["unit"] == unit, (p, name, r, w[p][col])
        assert r["verdict"] == "" and r["before"] == "" and r["after"] == "", r
    s = by[(p, "sharpness")]
    assert (s["before"], s["after"], s["change"], s["change_unit"]) == (
        w[p]["sharpness_before"], w[p]["sharpness_after"],
        w[p]["sharpness_ratio"], "ratio after/before"), s
    g = by[(p, "region_share")]
    assert (g["before"], g["after"], g["unit"]) == (
        w[p]["region_share_before"], w[p]["region_share_after"],
        "fraction of frame"), g
# The acquisition rows follow the nine metrics of their comparison.
order = [r["metric"] for r in rows if r["patient"] == "P1"]
assert order.index("exposure") == 9 and len(order) == 9 + 16, order
PY

# merge copies the new columns: the merged export is the same bytes.
expect_rc 0 "$BIN" merge merged.db t.db
expect_rc 0 "$BIN" export --db merged.db --table comparisons -o merged.csv
if cmp -s merged.csv wide.csv; then ok; else bad "merge lost schema-5 columns"; fi

# A schema-4 database (before the acquisition columns): upgraded in place
# by a writable export; its rows keep their figures and NULL acquisition
# cells, and --long gives them no acquisition rows.
$PY - <<'PY' || exit 1
import sqlite3
db = sqlite3.connect("old.db")
sqlite3.connect("t.db").backup(db)
acq = ["colour_calibrated", "exposure_pct", "skin_dL", "skin_da", "skin_db",
       "white_ref_dL", "white_ref_da", "white_ref_db", "sharpness_before",
       "sharpness_after", "sharpness_ratio", "region_share_before",
       "region_share_after", "residual_median_px", "residual_max_px",
       "residual_tiles_measured", "residual_tiles_dropped", "tone_slope",
       "tone_spread", "resolution_ratio", "pores_unresolved", "limits_exceeded",
       "replicates_before", "replicates_after"]
for c in acq:
    db.execute("ALTER TABLE comparisons DROP COLUMN " + c)
for t in ["comparisons", "comparison_zones"]:
    for m in ["sa", "sq", "pore_density", "pore_diameter", "pore_area", "a_mean",
              "a_median", "erythema", "red_area"]:
        db.execute("ALTER TABLE %s DROP COLUMN %s_floor_source" % (t, m))
        db.execute("ALTER TABLE %s DROP COLUMN %s_reason" % (t, m))
        db.execute("ALTER TABLE %s DROP COLUMN %s_df" % (t, m))  # schema 6
db.execute("ALTER TABLE comparison_zones DROP COLUMN n_before")
db.execute("ALTER TABLE comparison_zones DROP COLUMN n_after")
db.execute("PRAGMA user_version = 4")
db.commit()
PY
expect_rc 0 "$BIN" export --db old.db --table comparisons -o old.csv
expect_rc 0 "$BIN" export --db old.db --table comparisons --long -o oldlong.csv
v=$($PY -c 'import sqlite3; print(sqlite3.connect("old.db").execute("pragma user_version").fetchone()[0])')
[ "$v" = 6 ] && ok || bad "user_version $v after the upgrade, want 6"
$PY - <<'PY' && ok || bad "a schema-4 database after the upgrade"
import csv, sqlite3
# The same columns in the same order as a new database (merge needs it).
for t in ["comparisons", "comparison_zones"]:
    cols = [sqlite3.connect(f).execute("PRAGMA table_info(%s)" % t).fetchall()
            for f in ("old.db", "t.db")]
    assert [c[1:3] for c in cols[0]] == [c[1:3] for c in cols[1]], t
o = {r["patient"]: r for r in csv.DictReader(open("old.csv"))}
w = {r["patient"]: r for r in csv.DictReader(open("wide.csv"))}
assert sorted(o) == sorted(w)
for p in o:
    assert o[p]["sa_change"] == w[p]["sa_change"], p
    assert o[p]["exposure_pct"] == "" and o[p]["sa_reason"] == "", o[p]
    assert o[p]["colour_calibrated"] == "" and o[p]["limits_exceeded"] == "", o[p]
long = list(csv.DictReader(open("oldlong.csv")))
assert len(long) == 3 * 9 and not [r for r in long if r["metric"] == "exposure"]
PY
# A new run with another bootstrap seed adds its set, checked against compare.
expect_rc 0 "$BIN" batch arch --db old.db --px-per-mm 20 --seed 2 -q
expect_rc 0 "$BIN" export --db old.db --table comparisons -o new.csv
for p in P1 P2 P3; do
    expect_rc 0 "$BIN" compare arch/$p/s1/front.png arch/$p/s2/front.png \
        --px-per-mm 20 --seed 2 --json -o $p.seed2.json
done
if $PY "$HERE/batch_vs_compare.py" new.csv P1=P1.seed2.json \
    P2=P2.seed2.json P3=P3.seed2.json; then ok
else bad "a new run on the upgraded database against compare --json"; fi
finish
