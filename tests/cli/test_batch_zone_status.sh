#!/usr/bin/env bash
# Schema 6: a batch zone row under SKD_ZONE_MIN_AREA_CM2 (a disc of radius
# 1 mm, 0.0314 cm²) is stored and exported with status too_small and its
# area only, as analyze says it; a comparison's zone rows carry compare's
# note word for word (too small for an interval); a schema-5 database is
# upgraded in place (image_zones rebuilt with the new CHECK, its rows kept;
# the replicate columns appended) and merges with a new one.
# Truth: analyze --landmarks --json and compare --json of the same photos.
# The hand-drawn face of test_zones_small.sh at 40 px/mm: forehead
# 0.053 cm², nose 0.015, cheeks 0.028, chin 0.025, so every zone but the
# forehead is too small. Runs in every build (landmarks files, no dlib).
# Usage: test_batch_zone_status.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"
PY=/usr/bin/python3

"$BIN" synth s1.png --after s2.png --width 400 --height 400 --seed 3 \
    --relief-scale 0.7 --shift 3,0 -q || exit 1
$PY "$HERE/hand_face.py" face1.json
$PY "$HERE/hand_face.py" face2.json 2
printf 'patient,session,view,path,landmarks\nP1,s1,front,s1.png,face1.json\nP1,s2,front,s2.png,face2.json\n' > m.csv
# 1 mm tiles: the forehead (5.3 mm²) gets an interval, the smaller zones not
O=(--px-per-mm 40 --skin off)
expect_rc 0 "$BIN" batch --manifest m.csv --face "${O[@]}" --tile-mm 1 --db z.db -j 1 -q
for s in 1 2; do
    expect_rc 0 "$BIN" analyze s$s.png "${O[@]}" --landmarks face$s.json --json -o a$s.json
done
expect_rc 0 "$BIN" compare s1.png s2.png "${O[@]}" --tile-mm 1 --landmarks face1.json \
    --landmarks-after face2.json --json -o c.json
expect_rc 0 "$BIN" export --db z.db --table image_zones -o iz.csv
expect_rc 0 "$BIN" export --db z.db --table image_zones --ndjson -o iz.ndjson
expect_rc 0 "$BIN" export --db z.db --table images --long -o long.csv

check() { # check PYTHON: with db (z.db), a (analyze JSONs by session), c (compare JSON)
    $PY - "$1" <<'PY' >check.txt 2>&1 && ok || { bad "$(cat check.txt)"; }
import csv, json, sqlite3, sys
db = sqlite3.connect("z.db")
a = {s: json.load(open("a%s.json" % s[1]))["images"][0] for s in ("s1", "s2")}
c = json.load(open("c.json"))
SMALL = {"nose", "left_cheek", "right_cheek", "chin"}
MIN = 0.031415926535897934
exec(sys.argv[1])
PY
}

# The stored rows say what analyze says: status, and the area (its JSON
# has 6 significant digits, so 1e-5 relative); no figures of a few pixels.
check '
rows = db.execute("SELECT session, zone, status, area_cm2, sa, pore_count,"
                  " a_mean FROM image_zones ORDER BY session, rowid").fetchall()
assert len(rows) == 10, rows
for s, z, status, area, sa, pores, am in rows:
    want = a[s]["zones"][z]
    assert status == want["status"], (s, z, status, want)
    assert status == ("too_small" if z in SMALL else "ok"), (s, z, status)
    w = want["area_cm2"] if status == "too_small" else want["region"]["area_cm2"]
    assert abs(area - w) <= 1e-5 * w, (s, z, area, w)
    assert (area < MIN) == (status == "too_small"), (s, z, area)
    if status == "too_small":
        assert (sa, pores, am) == (None, None, None), (s, z, sa, pores, am)
    else:
        assert abs(sa - want["texture"]["sa"]) <= 1e-5 * want["texture"]["sa"]
'
# Every export carries it: the wide zone table (CSV and NDJSON) and the
# tidy table, where a zone too small has its area row only.
check '
rows = list(csv.DictReader(open("iz.csv")))
nd = [json.loads(l) for l in open("iz.ndjson")]
assert [r["zone"] for r in rows] == [r["zone"] for r in nd] and len(rows) == 12
for r, n in zip(rows, nd):
    if r["zone"] == "whole":
        continue
    assert r["status"] == n["status"] == a[r["session"]]["zones"][r["zone"]]["status"], r
    if r["status"] == "too_small":
        assert r["sa"] == "" and n["sa"] is None, r
        assert abs(float(r["area_cm2"]) - n["area_cm2"]) <= 1e-5 * n["area_cm2"]
long = list(csv.DictReader(open("long.csv")))
for s in ("s1", "s2"):
    for z in ("forehead",) + tuple(sorted(SMALL)):
        got = [(r["metric"], r["status"]) for r in long
               if r["session"] == s and r["zone"] == z]
        if z in SMALL:
            assert got == [("area_cm2", "too_small")], (s, z, got)
        else:
            assert len(got) == 13 and all(st == "ok" for _, st in got), (s, z, got)
assert all(r["status"] == "ok" for r in long if r["zone"] == "whole")
'
# The comparison's zone rows say what compare says, in its words.
check '
rows = db.execute("SELECT zone, status, note, tiles_used, n_before, n_after,"
                  " sa_df FROM comparison_zones ORDER BY rowid").fetchall()
assert [r[0] for r in rows] == ["forehead", "nose", "left_cheek",
                                "right_cheek", "chin"], rows
small = 0
for z, status, note, tiles, nb, na, df in rows:
    want = c["zones"][z]
    assert note == want["note"], (z, note, want["note"])
    assert tiles == want["tiles_used"], (z, tiles, want)
    if status == "ok":
        assert (nb, na, df) == (1, 1, 0), (z, nb, na, df)
    small += tiles < 2
    assert (tiles < 2) == (note or "").startswith("too small for an interval"), (z, note)
assert 0 < small < 5, rows
'

# A schema-5 database: this one taken back to schema 5 (image_zones with
# the old CHECK and, as a run of schema 5 stored them, the small zones
# "ok" with figures; no replicate columns), with a user's view on
# image_zones.
$PY - <<'PY' || exit 1
import sqlite3
old = sqlite3.connect("old.db")
sqlite3.connect("z.db").backup(old)
cols = ", ".join(r[1] for r in old.execute("PRAGMA table_info(image_zones)"))
old.executescript("""
ALTER TABLE image_zones RENAME TO t;
CREATE TABLE image_zones (
  patient TEXT NOT NULL, session TEXT NOT NULL, view TEXT NOT NULL,
  image_set TEXT NOT NULL, image_key TEXT NOT NULL, zone TEXT NOT NULL,
  zone_source TEXT NOT NULL, faces_found INTEGER,
  status TEXT NOT NULL CHECK (status IN ('ok', 'empty')),
  sa REAL, sq REAL, ssk REAL, sku REAL, pore_count INTEGER,
  pore_density_per_cm2 REAL, pore_mean_diameter_mm REAL,
  pore_area_fraction REAL, a_mean REAL, a_median REAL,
  erythema_index REAL, red_area_fraction REAL, area_cm2 REAL,
  UNIQUE (patient, session, view, image_set, zone));
UPDATE t SET status = 'ok', sa = 7.5, pore_count = 0, a_mean = 12.0
 WHERE status = 'too_small';
INSERT INTO image_zones SELECT %s FROM t;
DROP TABLE t;
CREATE VIEW small_zones AS SELECT zone, area_cm2 FROM image_zones
 WHERE area_cm2 < 0.0314;
ALTER TABLE comparison_zones DROP COLUMN n_before;
ALTER TABLE comparison_zones DROP COLUMN n_after;
""" % cols)
for t in ("comparisons", "comparison_zones"):
    for m in ("sa", "sq", "pore_density", "pore_diameter", "pore_area",
              "a_mean", "a_median", "erythema", "red_area"):
        old.execute("ALTER TABLE %s DROP COLUMN %s_df" % (t, m))
old.execute("PRAGMA user_version = 5")
old.commit()
try:  # the schema-5 CHECK refuses the new status
    old.execute("UPDATE image_zones SET status = 'too_small' WHERE zone = 'nose'")
    raise SystemExit("schema 5 took too_small")
except sqlite3.IntegrityError:
    pass
PY
old_rows=$($PY -c 'import sqlite3; print(sqlite3.connect("old.db").execute("SELECT count(*), total(area_cm2), total(sa) FROM image_zones WHERE area_cm2 >= 0.031415926535897934").fetchone())')
expect_rc 0 "$BIN" export --db old.db --table comparison_zones -o old.csv
check "
old = sqlite3.connect('old.db')
assert old.execute('PRAGMA user_version').fetchone()[0] == 6
# the same columns in the same order as a new database (merge needs it)
for t in ('runs', 'images', 'comparisons', 'image_zones', 'comparison_zones'):
    cols = [x.execute('PRAGMA table_info(%s)' % t).fetchall() for x in (old, db)]
    assert [k[1:3] for k in cols[0]] == [k[1:3] for k in cols[1]], t
# the rows kept, the new CHECK in place, the old rows' new cells NULL;
# the zones under a 1 mm disc say too_small with their area only, as
# schema 6 writes them (here: as in z.db), and the others are untouched
assert str(old.execute('SELECT count(*), total(area_cm2), total(sa) FROM image_zones WHERE area_cm2 >= 0.031415926535897934').fetchone()) == '$old_rows'
zones = 'SELECT zone, status, sa, pore_count, a_mean, area_cm2 FROM image_zones ORDER BY session, zone'
assert old.execute(zones).fetchall() == db.execute(zones).fetchall()
assert old.execute(\"SELECT count(*) FROM image_zones WHERE status = 'too_small'\").fetchone()[0] == 8
# the user's view reads the new table
assert old.execute('SELECT count(*) FROM small_zones').fetchone()[0] == 8
old.execute(\"UPDATE image_zones SET status = 'too_small' WHERE zone = 'nose'\")
assert old.execute('SELECT count(*) FROM comparison_zones WHERE n_before IS NULL'
                   ' AND sa_df IS NULL').fetchone()[0] == 5
assert old.execute('SELECT count(*) FROM comparisons WHERE sa_df IS NULL').fetchone()[0] == 1
rows = list(csv.DictReader(open('old.csv')))
assert len(rows) == 6 and all(r['n_before'] == '' for r in rows[1:]), rows
"
# merge keeps the same zone rows whichever database comes first
expect_rc 0 "$BIN" merge merged.db old.db z.db
has err.txt "merged"
expect_rc 0 "$BIN" merge merged2.db z.db old.db
check "
q = 'SELECT patient, session, zone, status, sa, area_cm2 FROM image_zones ORDER BY 1, 2, 3'
a, b = (sqlite3.connect(f).execute(q).fetchall() for f in ('merged.db', 'merged2.db'))
assert a == b and len(a) == 10, (a, b)
"
finish
