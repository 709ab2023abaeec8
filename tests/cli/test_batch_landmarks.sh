#!/usr/bin/env bash
# batch --face with a manifest's landmarks column: each photo's zones come
# from its own landmarks file, and its zone rows equal what analyze
# --landmarks FILE.json gives the same photo; the comparison's zones are
# stored; export's wide zone tables (image_zones, comparison_zones) hold
# the whole region's row and the zones' rows; a changed landmarks file is
# measured again (it is part of the photo's key); a landmarks file without
# --face is refused before any work.
# Runs in every build (no dlib needed: every photo has its file).
# Usage: test_batch_landmarks.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"

# The same synthetic skin in two sessions (the after photo with 30% less
# relief, seen by a camera moved 3 px), and the hand-drawn face of
# test_zones.sh; the second session's face file is the same face 2 px to
# the right. --skin off as in test_zones.sh: on this 10 mm "face" the
# skin map's feature polygons and the 1 mm support of R empty the nose.
"$BIN" synth s1.png --after s2.png --width 400 --height 400 --seed 3 \
    --relief-scale 0.7 --shift 3,0 -q || exit 1
/usr/bin/python3 "$HERE/hand_face.py" face1.json
/usr/bin/python3 "$HERE/hand_face.py" face2.json 2
printf 'patient,session,view,path,landmarks\nP1,s1,front,s1.png,face1.json\nP1,s2,front,s2.png,face2.json\n' > m.csv
expect_rc 0 "$BIN" batch --manifest m.csv --face --px-per-mm 20 --skin off --db z.db -j 1 -q
for s in 1 2; do
    expect_rc 0 "$BIN" analyze s$s.png --px-per-mm 20 --skin off --landmarks face$s.json --json -o a$s.json
done

check() { # check PYTHON: runs with db (sqlite3 connection) and a (analyze JSONs by session)
    /usr/bin/python3 - "$1" <<'PY' >check.txt 2>&1 && ok || { bad "$(cat check.txt)"; }
import json, sqlite3, sys
db = sqlite3.connect("z.db")
a = {s: json.load(open("a%s.json" % s[1]))["images"][0] for s in ("s1", "s2")}
exec(sys.argv[1])
PY
}

# Truth: analyze --landmarks of the same photo (its JSON has 6 significant
# digits, so 1e-5 relative; counts exactly).
check '
zones = ["forehead", "nose", "left_cheek", "right_cheek", "chin"]
rows = db.execute("SELECT session, zone, zone_source, status, sa, sq, pore_count,"
                  " a_mean, erythema_index, red_area_fraction, area_cm2"
                  " FROM image_zones ORDER BY session, rowid").fetchall()
assert [(r[0], r[1]) for r in rows] == [(s, z) for s in ("s1", "s2") for z in zones], rows
for s, z, source, status, sa, sq, pores, am, ei, red, area in rows:
    want = a[s]["zones"][z]
    assert source == "landmarks" and status == "ok", (s, z, source, status)
    for got, w in ((sa, want["texture"]["sa"]), (sq, want["texture"]["sq"]),
                   (am, want["redness"]["a_mean"]),
                   (ei, want["redness"]["erythema_index"]),
                   (red, want["redness"]["red_area_fraction"]),
                   (area, want["region"]["area_cm2"])):
        assert abs(got - w) <= 1e-5 * abs(w) + 1e-12, (s, z, got, w)
    assert pores == want["pores"]["count"], (s, z, pores)
'
check '
rows = db.execute("SELECT zone, zone_source, status, sa_change, sa_verdict"
                  " FROM comparison_zones ORDER BY rowid").fetchall()
assert [r[0] for r in rows] == ["forehead", "nose", "left_cheek", "right_cheek", "chin"], rows
for z, source, status, sa_change, verdict in rows:
    assert source == "landmarks" and status == "ok", (z, source, status)
    assert sa_change < 0, (z, sa_change)
'

# A re-run finds everything stored; a changed face file is measured again.
expect_rc 0 "$BIN" batch --manifest m.csv --face --px-per-mm 20 --skin off --db z.db -j 1 -q
check '
assert db.execute("SELECT count(*) FROM images").fetchone()[0] == 2
assert db.execute("SELECT count(*) FROM image_zones").fetchone()[0] == 10
'
key_before=$(/usr/bin/python3 -c 'import sqlite3; print(sqlite3.connect("z.db").execute("SELECT image_key FROM images WHERE session = ?", ("s2",)).fetchone()[0])')
/usr/bin/python3 "$HERE/hand_face.py" face2.json 4
expect_rc 0 "$BIN" analyze s2.png --px-per-mm 20 --skin off --landmarks face2.json --json -o a2.json
expect_rc 0 "$BIN" batch --manifest m.csv --face --px-per-mm 20 --skin off --db z.db -j 1 -q
check "
key = db.execute('SELECT image_key FROM images WHERE session = ?', ('s2',)).fetchone()[0]
assert key != '$key_before', key
sa = db.execute('SELECT sa FROM image_zones WHERE session = ? AND zone = ?'
                ' AND image_key = ?', ('s2', 'nose', key)).fetchone()[0]
want = a['s2']['zones']['nose']['texture']['sa']
assert abs(sa - want) <= 1e-5 * want, (sa, want)
"

# The wide zone tables: per photo (and per comparison) its whole region
# first, as in images (comparisons), then each zone, with the figures
# stored for it.
expect_rc 0 "$BIN" export --db z.db --table image_zones -o iz.csv
expect_rc 0 "$BIN" export --db z.db --table images -o im.csv
expect_rc 0 "$BIN" export --db z.db --table comparison_zones --ndjson -o cz.ndjson
expect_rc 0 "$BIN" export --db z.db --table comparisons --ndjson -o cm.ndjson
check '
import csv
order = ["whole", "forehead", "nose", "left_cheek", "right_cheek", "chin"]
rows = list(csv.DictReader(open("iz.csv")))
assert [(r["session"], r["zone"]) for r in rows] == [(s, z) for s in ("s1", "s2") for z in order], rows
images = {r["session"]: r for r in csv.DictReader(open("im.csv"))}
for r in rows:
    if r["zone"] == "whole":
        w = images[r["session"]]
        assert all(r[k] == w[k] for k in ("sa", "pore_count", "a_mean", "area_cm2", "image_key")), (r, w)
        continue
    want = a[r["session"]]["zones"][r["zone"]]
    assert r["zone_source"] == "landmarks" and r["status"] == "ok", r
    assert abs(float(r["sa"]) - want["texture"]["sa"]) <= 1e-5 * want["texture"]["sa"], (r, want)
    assert int(r["pore_count"]) == want["pores"]["count"], (r, want)
cz = [json.loads(l) for l in open("cz.ndjson")]
assert [r["zone"] for r in cz] == order, cz
whole = json.loads(open("cm.ndjson").readline())
assert all(cz[0][k] == whole[k] for k in whole if k in cz[0] and k != "status"), (cz[0], whole)
stored = dict(db.execute("SELECT zone, sa_change FROM comparison_zones").fetchall())
for r in cz[1:]:
    assert r["sa_change"] == float("%.6g" % stored[r["zone"]]), (r["zone"], r["sa_change"], stored)
'
expect_rc 2 "$BIN" export --db z.db --table image_zones --long

# A landmarks file serves facial zones only: without --face, refused
# before any work.
expect_rc 2 "$BIN" batch --manifest m.csv --px-per-mm 20 --db y.db -q
has err.txt "add --face"
[ ! -e y.db ] && ok || bad "refused run made a database"

finish
