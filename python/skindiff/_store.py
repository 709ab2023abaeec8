"""read_store: a results database (skindiff batch) as a table.

The rows and columns are those of `skindiff export`: the library hands out
the SELECT it runs (skd_export_sql), and Python's sqlite3 runs it, so the
numbers keep their full precision (the CSV export writes 6 digits).
"""
import sqlite3
from pathlib import Path

from . import _errors

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
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
    except sqlite3.Error as e:
        # A database of an older schema lacks the newer columns; opened
        # read-only here, it is upgraded by skindiff's first writable open.
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error:
            version = 0
        what = (f"results database of schema {version}, older than this "
                f"skindiff reads: run `skindiff export --db {db}` once to "
                f"upgrade it" if version >= 1 else
                "not a skindiff results database")
        raise _errors.DatabaseError(10, "database error",
                                    f"{db}: {what} ({e})") from None
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
