#!/usr/bin/env bash
# batch stores what each photo left out, as shares of the frame (issue 12:
# not skin, highlight, too dark, outside ROI/mask, margin; the region, the
# skin fraction and clipped_fraction), and export gives them in the wide
# table (CSV and NDJSON) and in --long with their unit; merge copies them;
# a schema-3 database is upgraded in place and its rows keep NULL there.
# Truth: a synthetic photo (no pixel of it >= 240 in every channel, none
# near black) with a white 100x60 px rectangle (highlight: 6000 of 120000
# px = 0.05) and a black 80x50 one (too dark: 4000 px = 0.033333), measured
# with --skin off (skin_fraction 1, not_skin 0) and no ROI/mask (0). The
# painted areas are counted exactly (error 0 measured); tolerance 1e-6, the
# rounding of the %.6g export. The rest must equal analyze --csv of the
# same photo and settings, to the same 6 digits.
# Usage: test_batch_shares.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"
need_python numpy PIL

mkdir -p arch/P1/s1
"$BIN" synth arch/P1/s1/front.png --width 400 --height 300 -q || exit 1
$PY - <<'PY' || exit 1
import numpy as np
from PIL import Image
a = np.array(Image.open("arch/P1/s1/front.png").convert("RGB"))
# The painted truth holds only if the photo has no highlight or dark pixel.
assert (a.min(axis=2) < 240).all() and a.max() > 20
a[40:100, 40:140] = 255   # highlight: 100 x 60 px
a[200:250, 250:330] = 0   # too dark: 80 x 50 px
Image.fromarray(a).save("arch/P1/s1/front.png")
PY

SET=(--skin off --px-per-mm 20)
expect_rc 0 "$BIN" batch arch --db s.db "${SET[@]}" -q
expect_rc 0 "$BIN" export --db s.db --table images -o wide.csv
expect_rc 0 "$BIN" export --db s.db --table images --ndjson -o wide.ndjson
expect_rc 0 "$BIN" export --db s.db --table images --long -o long.csv
expect_rc 0 "$BIN" analyze arch/P1/s1/front.png "${SET[@]}" --csv -o analyze.csv
expect_rc 0 "$BIN" merge merged.db s.db
expect_rc 0 "$BIN" export --db merged.db --table images -o merged.csv

$PY - <<'PY' && ok || bad "shares of the frame in the exports"
import csv, json
SH = ["region_fraction", "skin_fraction", "clipped_fraction", "excluded_not_skin",
      "excluded_highlight", "excluded_too_dark", "excluded_outside_roi_mask",
      "excluded_margin"]
w = list(csv.DictReader(open("wide.csv")))
assert len(w) == 1, w
r = {k: float(w[0][k]) for k in SH}
truth = {"excluded_highlight": 6000 / 120000, "excluded_too_dark": 4000 / 120000,
         "skin_fraction": 1.0, "excluded_not_skin": 0.0,
         "excluded_outside_roi_mask": 0.0, "clipped_fraction": 0.0}
for k, v in truth.items():
    assert abs(r[k] - v) <= 1e-6, (k, r[k], v)
# R and the causes share the frame.
parts = ["region_fraction", "excluded_not_skin", "excluded_highlight",
         "excluded_too_dark", "excluded_outside_roi_mask", "excluded_margin"]
assert abs(sum(r[k] for k in parts) - 1) <= 1e-5, r
assert r["excluded_margin"] > 0 and r["region_fraction"] < 1 - 0.05 - 0.0333
# The same numbers as analyze writes for the same photo and settings.
a = list(csv.DictReader(open("analyze.csv")))[0]
for k in SH:
    assert w[0][k] == a[k], (k, w[0][k], a[k])
# The wide columns sit after area_cm2, before the hashes.
cols = list(w[0].keys())
assert cols[cols.index("area_cm2") + 1: cols.index("area_cm2") + 9] == SH, cols
# NDJSON: the same keys and values.
n = [json.loads(line) for line in open("wide.ndjson")]
for k in SH:
    assert abs(n[0][k] - r[k]) <= 1e-6, (k, n[0][k], r[k])
# --long: one row per share on the whole region, with its unit.
rows = {x["metric"]: x for x in csv.DictReader(open("long.csv"))}
for k in SH:
    unit = "fraction of region" if k == "clipped_fraction" else "fraction of frame"
    assert rows[k]["unit"] == unit and rows[k]["zone"] == "whole", rows[k]
    assert rows[k]["value"] == w[0][k], (k, rows[k]["value"], w[0][k])
# merge copies them.
m = list(csv.DictReader(open("merged.csv")))
assert [m[0][k] for k in SH] == [w[0][k] for k in SH], m
PY

# A schema-3 database (before the shares): upgraded in place when a run or
# a writable export opens it; its rows keep NULL shares (empty cells).
$PY - <<'PY' || exit 1
import sqlite3
db = sqlite3.connect("old.db")
sqlite3.connect("s.db").backup(db)  # with what is still in s.db-wal
for c in ["region_fraction", "skin_fraction", "clipped_fraction", "excluded_not_skin",
          "excluded_highlight", "excluded_too_dark", "excluded_outside_roi_mask",
          "excluded_margin"]:
    db.execute("ALTER TABLE images DROP COLUMN " + c)
# and schema 5's acquisition check, appended after param_set
for t in ["comparisons", "comparison_zones"]:
    cols = [r[1] for r in db.execute("PRAGMA table_info(%s)" % t)]
    first = cols.index("param_set") + 1 if t == "comparisons" else cols.index("sa_floor_source")
    for c in cols[first:]:
        db.execute("ALTER TABLE %s DROP COLUMN %s" % (t, c))
db.execute("PRAGMA user_version = 3")
db.commit()
PY
expect_rc 0 "$BIN" export --db old.db --table images -o old.csv
v=$($PY -c 'import sqlite3; print(sqlite3.connect("old.db").execute("pragma user_version").fetchone()[0])')
[ "$v" = 6 ] && ok || bad "user_version $v after the upgrade, want 6"
$PY - <<'PY' && ok || bad "a schema-3 row after the upgrade"
import csv
o = list(csv.DictReader(open("old.csv")))
w = list(csv.DictReader(open("wide.csv")))
assert len(o) == 1 and o[0]["sa"] == w[0]["sa"], (o, w)
assert o[0]["excluded_highlight"] == "" and o[0]["region_fraction"] == "", o
PY
# The upgraded database takes new runs: other settings add a set beside it.
expect_rc 0 "$BIN" batch arch --db old.db --skin off --px-per-mm 25 -q
expect_rc 0 "$BIN" export --db old.db --table images -o new.csv
$PY - <<'PY' && ok || bad "a new run on the upgraded database"
import csv
r = list(csv.DictReader(open("new.csv")))[0]
assert abs(float(r["excluded_highlight"]) - 0.05) <= 1e-6, r
PY
finish
