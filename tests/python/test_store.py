"""skindiff.read_store against `skindiff export --ndjson` of a batch run:
one row per item, the export's columns in its order, the same values."""
import json
import math
import subprocess

import pytest

import skindiff
from conftest import ROOT

TABLES = ("images", "comparisons", "series")


@pytest.fixture(scope="module")
def store(cli, scratch):
    """A batch over a 3 patient x 2 view x 3 session archive
    (tests/cli/batch_archive.sh) with a truncated photo, a broken link and
    a FIFO among the photos."""
    arch = scratch / "arch"
    db = scratch / "store.db"
    subprocess.run(["rm", "-rf", str(arch), str(db)], check=True)
    helpers = ROOT / "tests/cli/batch_archive.sh"
    subprocess.run(["bash", "-c", f'. "{helpers}" && make_archive "$1" "$2" '
                    f'320x256 && break_archive "$2"', "-", str(cli),
                    str(arch)], check=True)
    r = subprocess.run([str(cli), "batch", str(arch), "--db", str(db), "-j",
                        "2", "-q"], capture_output=True, text=True)
    assert r.returncode in (0, 1), r.stderr  # 1: the broken photos failed
    return db


def export(cli, db, table):
    out = subprocess.run([str(cli), "export", "--db", str(db), "--ndjson",
                          "--table", table], check=True, capture_output=True,
                         text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def same_value(py, ex, where):
    if ex is None:
        assert py is None or (isinstance(py, float) and math.isnan(py)), where
    elif isinstance(ex, str):
        assert py == ex, where
    else:  # the export writes %.6g
        assert py == pytest.approx(ex, rel=1e-5, abs=1e-300), where


@pytest.mark.parametrize("table", TABLES)
def test_dataframe_equals_export(cli, store, table):
    df = skindiff.read_store(store, table=table)
    rows = export(cli, store, table)
    assert len(df) == len(rows) > 0
    assert list(df.columns) == list(rows[0])
    for i, row in enumerate(rows):
        for k, v in row.items():
            same_value(df.iloc[i][k], v, f"{table}[{i}].{k}")


def test_one_row_per_item(store):
    images = skindiff.read_store(store, table="images")
    assert len(images) == 18  # 3 patients x 2 views x 3 sessions
    assert not images.duplicated(["patient", "session", "view"]).any()
    # The broken link and the FIFO are error rows with their message (the
    # "truncated" photo is whole at this size: under 20000 bytes).
    errors = images[images["status"] == "error"]
    assert set(zip(errors["patient"], errors["session"], errors["view"])) == {
        ("P003", "2024-03-13", "front"), ("P003", "2024-01-11", "left")}
    assert errors["error_message"].str.len().min() > 0
    comps = skindiff.read_store(store, table="comparisons")
    keys = ["patient", "view", "session_before", "session_after", "kind"]
    assert not comps.duplicated(keys).any()
    series = skindiff.read_store(store, table="series")
    assert len(series) == len(images)


def test_list_of_dicts_without_pandas(cli, store):
    rows = skindiff.read_store(store, table="images", as_frame=False)
    assert isinstance(rows, list) and isinstance(rows[0], dict)
    assert [r["path"] for r in rows] == [r["path"] for r in
                                         export(cli, store, "images")]


def test_store_errors(scratch, small_photo):
    with pytest.raises(skindiff.FileError, match="no such results database"):
        skindiff.read_store(scratch / "missing.db")
    with pytest.raises(skindiff.DatabaseError, match="not a skindiff"):
        skindiff.read_store(small_photo)
    with pytest.raises(skindiff.InvalidArgumentError):
        skindiff.read_store(scratch / "x.db", table="pores")
