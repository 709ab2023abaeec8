"""skindiff.read_store on the zone tables (schema 6): a zone under
SKD_ZONE_MIN_AREA_CM2 reads as status "too_small" with its area only, as
skindiff.analyze gives it, and comparison_zones carries n_before, n_after,
M_df and note. The hand-drawn face of tests/cli/hand_face.py at 40 px/mm:
forehead 0.053 cm², nose 0.015, cheeks 0.028, chin 0.025, so every zone
but the forehead is too small."""
import sqlite3
import subprocess
import sys

import pytest

import skindiff
from conftest import ROOT

SMALL = {"nose", "left_cheek", "right_cheek", "chin"}


@pytest.fixture(scope="module")
def zone_store(cli, scratch):
    d = scratch / "zone_status"
    subprocess.run(["rm", "-rf", str(d)], check=True)
    d.mkdir(parents=True)
    subprocess.run([str(cli), "synth", str(d / "s1.png"), "--after",
                    str(d / "s2.png"), "--width", "400", "--height", "400",
                    "--seed", "3", "--relief-scale", "0.7", "-q"], check=True)
    face = d / "face.json"
    subprocess.run([sys.executable, str(ROOT / "tests/cli/hand_face.py"),
                    str(face)], check=True)
    (d / "m.csv").write_text("patient,session,view,path,landmarks\n"
                             "P1,s1,front,s1.png,face.json\n"
                             "P1,s2,front,s2.png,face.json\n")
    db = d / "z.db"
    subprocess.run([str(cli), "batch", "--manifest", str(d / "m.csv"),
                    "--face", "--px-per-mm", "40", "--skin", "off", "--db",
                    str(db), "-j", "1", "-q"], check=True)
    return d, db


def test_image_zones_too_small(zone_store):
    d, db = zone_store
    rows = skindiff.read_store(db, table="image_zones", as_frame=False)
    rec = skindiff.analyze(d / "s1.png", px_per_mm=40, skin=0,
                           landmarks=d / "face.json")
    zones = rec["zones"]
    got = {r["zone"]: r for r in rows if r["session"] == "s1"}
    assert sorted(got) == sorted(zones)
    for name, want in zones.items():
        r = got[name]
        assert r["status"] == want["status"], (name, r["status"])
        if name == "whole":
            continue
        assert r["status"] == ("too_small" if name in SMALL else "ok"), name
        if r["status"] == "too_small":
            assert r["area_cm2"] == pytest.approx(want["area_cm2"], rel=1e-9)
            assert r["sa"] is None and r["pore_count"] is None, r
        else:
            assert r["sa"] == pytest.approx(want["texture"]["sa"], rel=1e-9)


def test_comparison_zones_columns(zone_store):
    _, db = zone_store
    rows = skindiff.read_store(db, table="comparison_zones", as_frame=False)
    assert [r["zone"] for r in rows] == ["whole", "forehead", "nose",
                                         "left_cheek", "right_cheek", "chin"]
    for r in rows:
        # one photo per session: 1, 1 and no degree of freedom
        assert (r["n_before"], r["n_after"], r["sa_df"], r["red_area_df"]) == (
            1, 1, 0, 0), r
    # 5 mm tiles on 5 mm² zones: none gets an interval
    for r in rows[1:]:
        assert r["note"].startswith("too small for an interval"), r


def test_older_schema(cli, zone_store):
    """A schema-5 database (this one without the schema-6 columns): read
    only, read_store says to upgrade it; after skindiff's first writable
    open it reads, its rows kept and the new cells empty."""
    d, db = zone_store
    old = d / "old.db"
    old.unlink(missing_ok=True)
    con = sqlite3.connect(old)
    sqlite3.connect(db).backup(con)
    con.execute("ALTER TABLE comparison_zones DROP COLUMN n_before")
    con.execute("ALTER TABLE comparison_zones DROP COLUMN n_after")
    for t in ("comparisons", "comparison_zones"):
        for m in ("sa", "sq", "pore_density", "pore_diameter", "pore_area",
                  "a_mean", "a_median", "erythema", "red_area"):
            con.execute(f"ALTER TABLE {t} DROP COLUMN {m}_df")
    con.execute("PRAGMA user_version = 5")
    con.commit()
    con.close()
    with pytest.raises(skindiff.DatabaseError, match="schema 5.*upgrade"):
        skindiff.read_store(old, table="comparison_zones")
    subprocess.run([str(cli), "export", "--db", str(old), "--table",
                    "comparison_zones", "-o", str(d / "old.csv")], check=True)
    rows = skindiff.read_store(old, table="comparison_zones", as_frame=False)
    new = skindiff.read_store(db, table="comparison_zones", as_frame=False)
    assert [r["zone"] for r in rows] == [r["zone"] for r in new]
    assert [r["sa_change"] for r in rows] == [r["sa_change"] for r in new]
    assert all(r["n_before"] is None for r in rows[1:]), rows
