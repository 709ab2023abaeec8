"""skindiff.read_store on a results database of another schema: an older
one is named older, with the command that upgrades it and the warning that
the upgrade is one-way; a newer one is named newer (not "older", not an
upgrade). The databases are a batch's, their PRAGMA user_version set one
below and one above this package's (as tests/python/test_store_zone_status.py
makes its schema-5 database)."""
import re
import shutil
import sqlite3
import subprocess

import pytest

import skindiff
from skindiff import _lib

WANT = _lib.SKD_DB_SCHEMA_VERSION


@pytest.fixture(scope="module")
def store(cli, scratch):
    d = scratch / "store_schema"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    subprocess.run([str(cli), "synth", str(d / "s1.png"), "--after",
                    str(d / "s2.png"), "--width", "240", "--height", "200",
                    "--seed", "3", "-q"], check=True)
    (d / "m.csv").write_text("patient,session,view,path\n"
                             "P1,s1,front,s1.png\nP1,s2,front,s2.png\n")
    db = d / "s.db"
    subprocess.run([str(cli), "batch", "--manifest", str(d / "m.csv"),
                    "--px-per-mm", "20", "--db", str(db), "-j", "1", "-q"],
                   check=True)
    return d, db


def with_version(db, out, version):
    shutil.copyfile(db, out)
    con = sqlite3.connect(out)
    con.execute(f"PRAGMA user_version = {version}")
    con.commit()
    con.close()
    return out


def test_current_schema_reads(store):
    _, db = store
    assert len(skindiff.read_store(db, table="comparisons",
                                   as_frame=False)) == 1


def test_older_schema_message(store):
    d, db = store
    old = with_version(db, d / "older.db", WANT - 1)
    with pytest.raises(skindiff.DatabaseError) as e:
        skindiff.read_store(old, as_frame=False)
    msg = e.value.message
    assert f"schema {WANT - 1}, older than the schema {WANT}" in msg, msg
    assert f"`skindiff export --db {old}`" in msg, msg
    assert re.search(f"one-way: a skindiff of schema {WANT - 1} refuses the "
                     "upgraded database", msg), msg
    assert "newer" not in msg, msg


def test_newer_schema_message(cli, store):
    d, db = store
    new = with_version(db, d / "newer.db", WANT + 1)
    with pytest.raises(skindiff.DatabaseError) as e:
        skindiff.read_store(new, as_frame=False)
    msg = e.value.message
    assert f"schema {WANT + 1}, newer than the schema {WANT}" in msg, msg
    assert "older" not in msg and "upgrade" not in msg, msg
    # the CLI refuses it too, and leaves it as it was
    r = subprocess.run([str(cli), "export", "--db", str(new)],
                       capture_output=True, text=True)
    assert r.returncode != 0 and f"version {WANT + 1}" in r.stderr, r.stderr
    con = sqlite3.connect(new)
    assert con.execute("PRAGMA user_version").fetchone()[0] == WANT + 1
    con.close()
