#!/usr/bin/env bash
# batch --face: every photo's facial zones are stored one row per zone
# (image_zones) with the figures analyze --face gives the same photo, every
# comparison's zones one row per zone (comparison_zones), export --long
# lists them after the whole region's rows, a re-run adds nothing, a run
# without --face is a parameter set of its own, merge copies the zone rows,
# and a schema-2 database is upgraded in place. Without dlib batch --face is
# refused before any work.
# Usage: test_batch_zones.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"

if ! "$BIN" --version | grep -q "landmarks: dlib"; then
    mkdir -p arch/P1/s1
    "$BIN" synth arch/P1/s1/front.png --width 160 --height 120 -q || exit 1
    "$BIN" batch arch --face --db z.db -q >out.txt 2>err.txt
    [ $? -ne 0 ] && ok || bad "batch --face without dlib succeeded"
    has err.txt "dlib"
    [ ! -e z.db ] && ok || bad "batch --face without dlib made a database"
    finish
    exit $?
fi
need_shared_data "$DATA" photos/portrait-room.jpg "zones in a batch" || {
    finish
    exit $?
}

# The same portrait in two sessions: the comparison is of a photo with
# itself, so every zone's change is 0 and no verdict is given. At 5 px/mm
# (its face is about 300 px across): at 20 px/mm the face would be 15 mm
# wide, and the skin map's feature polygons with the 1 mm support of R
# leave its chin and left cheek empty.
mkdir -p arch/P1/s1 arch/P1/s2
cp "$DATA/photos/portrait-room.jpg" arch/P1/s1/front.jpg
cp "$DATA/photos/portrait-room.jpg" arch/P1/s2/front.jpg
expect_rc 0 "$BIN" batch arch --face --px-per-mm 5 --db z.db -j 1 -q
expect_rc 0 "$BIN" analyze arch/P1/s1/front.jpg --face --px-per-mm 5 --json -o a.json

check() { # check PYTHON: runs with db (sqlite3 connection) and j (a.json)
    /usr/bin/python3 - "$1" <<'PY' >check.txt 2>&1 && ok || { bad "$(cat check.txt)"; }
import json, sqlite3, sys
db = sqlite3.connect("z.db")
j = json.load(open("a.json"))["images"][0]
exec(sys.argv[1])
PY
}

# Truth: analyze --face of the same photo (its JSON has 6 significant
# digits, so 1e-5 relative).
check '
zones = ["forehead", "nose", "left_cheek", "right_cheek", "chin"]
rows = db.execute("SELECT session, zone, status, sa, pore_count, a_mean,"
                  " erythema_index, area_cm2 FROM image_zones"
                  " ORDER BY session, rowid").fetchall()
assert [(r[0], r[1]) for r in rows] == [(s, z) for s in ("s1", "s2") for z in zones], rows
for s, z, status, sa, pores, a, ei, area in rows:
    want = j["zones"][z]
    assert status == "ok", (z, status)
    for got, w in ((sa, want["texture"]["sa"]), (a, want["redness"]["a_mean"]),
                   (ei, want["redness"]["erythema_index"]),
                   (area, want["region"]["area_cm2"])):
        assert abs(got - w) <= 1e-5 * abs(w), (z, got, w)
    assert pores == want["pores"]["count"], (z, pores)
'
check '
rows = db.execute("SELECT zone, status, sa_change, sa_verdict, a_mean_verdict,"
                  " erythema_verdict, landmark_residual_mm FROM comparison_zones"
                  " ORDER BY rowid").fetchall()
assert len(rows) == 5, rows
for z, status, sa_change, *verdicts, residual in rows:
    assert status == "ok" and sa_change == 0, (z, status, sa_change)
    assert set(verdicts) == {"no significant change"}, (z, verdicts)
    assert residual == 0, (z, residual)
'

# Export: the whole region first, then the zones, for every photo and
# comparison (13 figures per photo and zone, and the frame's 8 shares on
# the whole region; 9 per comparison and zone).
expect_rc 0 "$BIN" export --db z.db --long -o long.csv
check '
import csv
rows = list(csv.DictReader(open("long.csv")))
order = ["whole", "forehead", "nose", "left_cheek", "right_cheek", "chin"]
assert [r["zone"] for r in rows] == [z for s in (1, 2) for z in order for m in range(21 if z == "whole" else 13)], len(rows)
nose = [r for r in rows if r["zone"] == "nose" and r["metric"] == "sa"][0]
assert abs(float(nose["value"]) - j["zones"]["nose"]["texture"]["sa"]) <= 1e-5 * j["zones"]["nose"]["texture"]["sa"]
'
expect_rc 0 "$BIN" export --db z.db --long --ndjson --table comparisons -o cmp.ndjson
check '
rows = [json.loads(l) for l in open("cmp.ndjson")]
order = ["whole", "forehead", "nose", "left_cheek", "right_cheek", "chin"]
# whole: the nine metrics and the 16 rows of the acquisition check (schema 5)
assert [r["zone"] for r in rows] == [z for z in order for m in range(9 + 16 if z == "whole" else 9)], len(rows)
assert {r["verdict"] for r in rows if r["verdict"] is not None} == {"no significant change"}
'

# A re-run finds everything stored and adds no row.
expect_rc 0 "$BIN" batch arch --face --px-per-mm 5 --db z.db -j 1 -q
check '
assert db.execute("SELECT count(*) FROM image_zones").fetchone()[0] == 10
assert db.execute("SELECT count(*) FROM comparison_zones").fetchone()[0] == 5
'
cp z.db merged_src.db
# Without --face: a parameter set of its own, shown by default, no zones.
expect_rc 0 "$BIN" batch arch --px-per-mm 5 --db z.db -j 1 -q
has err.txt ""
expect_rc 0 "$BIN" export --db z.db --long -o plain.csv
lacks plain.csv ",forehead,"
check '
assert db.execute("SELECT count(*) FROM image_zones").fetchone()[0] == 10
'

# merge copies the zone rows.
expect_rc 0 "$BIN" merge merged.db merged_src.db
check '
m = sqlite3.connect("merged.db")
assert m.execute("SELECT count(*) FROM image_zones").fetchone()[0] == 10
assert m.execute("SELECT count(*) FROM comparison_zones").fetchone()[0] == 5
'

# A schema-2 database (before zones) is upgraded in place: its rows stay.
/usr/bin/python3 - <<'PY' || exit 1
import sqlite3
db = sqlite3.connect("old.db")
src = sqlite3.connect("z.db")
for (sql,) in src.execute("SELECT sql FROM sqlite_master WHERE type = 'table'"
                          " AND name IN ('runs', 'images', 'comparisons')"):
    db.execute(sql)
# Schema 4 appended the shares of the frame to images, schema 5 the
# acquisition check to comparisons; schema 2 had neither.
for c in ["region_fraction", "skin_fraction", "clipped_fraction",
          "excluded_not_skin", "excluded_highlight", "excluded_too_dark",
          "excluded_outside_roi_mask", "excluded_margin"]:
    db.execute("ALTER TABLE images DROP COLUMN " + c)
new_cols = [r[1] for r in db.execute("PRAGMA table_info(comparisons)")]
for c in new_cols[new_cols.index("param_set") + 1:]:
    db.execute("ALTER TABLE comparisons DROP COLUMN " + c)
db.execute("INSERT INTO images (patient, session, view, path, content_sha256,"
           " params_hash, image_key, status, sa, image_set) VALUES ('P9', 's1',"
           " 'front', 'x.jpg', 'c', 'p', 'k', 'ok', 9.99, 'set2')")
db.execute("PRAGMA user_version = 2")
db.commit()
PY
expect_rc 0 "$BIN" export --db old.db --table images
has out.txt ",9.99,"
v=$(/usr/bin/python3 -c 'import sqlite3; print(sqlite3.connect("old.db").execute("pragma user_version").fetchone()[0])')
[ "$v" = 6 ] && ok || bad "user_version $v after the upgrade, want 6"
finish
