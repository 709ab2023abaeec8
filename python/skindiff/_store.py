"""read_store: a results database (skindiff batch) as a table.

The rows and columns are those of `skindiff export`: the library hands out
the SELECT it runs (skd_export_sql), and Python's sqlite3 runs it, so the
numbers keep their full precision (the CSV export writes 6 digits).
"""
import sqlite3
from pathlib import Path

from . import _errors, _lib

_TABLES = {"images": 1, "comparisons": 2, "series": 3, "image_zones": 6,
           "comparison_zones": 7}


def read_store(db, table="images", *, as_frame=True):
    """Rows of a results database table: "images" (one per photo),
    "comparisons" (one per comparison), "series" (each photo with its
    change from the baseline session), "image_zones" or "comparison_zones"
    (one per photo or comparison and facial zone, "whole" first; a zone's
    status is "ok", "empty" or "too_small", and comparison_zones ends with
    n_before, n_after, M_df and note, docs/outputs.md). A pandas DataFrame when pandas is
    installed and as_frame is true, else a list of dicts. The database is
    opened read-only, so a running batch is not disturbed."""
    from . import _LIB
    if table not in _TABLES:
        raise _errors.InvalidArgumentError(
            2, "invalid argument",
            f"table {table!r}: use one of {', '.join(_TABLES)}")
    sql = _LIB.skd_export_sql(_TABLES[table]).decode()
    path = Path(db)
    if not path.is_file():
        raise _errors.FileError(3, "input/output error",
                                f"{db}: no such results database")
    try:
        con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise _errors.DatabaseError(10, "database error", f"{db}: {e}") from None
    try:
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as e:
            raise _errors.DatabaseError(
                10, "database error",
                f"{db}: not a skindiff results database ({e})") from None
        if version != _lib.SKD_DB_SCHEMA_VERSION:
            # checked before reading: a table of another schema may still
            # run the SELECT and give rows the export would not
            raise _errors.DatabaseError(10, "database error",
                                        f"{db}: {_schema_problem(db, version)}")
        try:
            cur = con.execute(sql)
            columns = [d[0] for d in cur.description]
            rows = cur.fetchall()
        except sqlite3.Error as e:
            raise _errors.DatabaseError(10, "database error",
                                        f"{db}: {e}") from None
    finally:
        con.close()
    if as_frame:
        try:
            import pandas
        except ImportError:
            pandas = None
        if pandas is not None:
            return pandas.DataFrame.from_records(rows, columns=columns)
    return [dict(zip(columns, r)) for r in rows]


def _schema_problem(db, version):
    """What to do with a database whose PRAGMA user_version is not this
    package's schema: an older one is upgraded in place by skindiff's first
    writable open (one way: skd_db_schema migrates up, and a build of the
    older schema then refuses it); a newer one needs a newer skindiff."""
    want = _lib.SKD_DB_SCHEMA_VERSION
    if version < 1:
        return "not a skindiff results database"
    if version < want:
        return (f"results database of schema {version}, older than the "
                f"schema {want} this skindiff reads: run `skindiff export "
                f"--db {db}` once to upgrade it in place; the upgrade is "
                f"one-way: a skindiff of schema {version} refuses the "
                "upgraded database")
    return (f"results database of schema {version}, newer than the schema "
            f"{want} this skindiff reads: read it with a skindiff of schema "
            f"{version} or later (a database is never downgraded)")
