"""The ctypes Structures of python/skindiff/_lib.py against the C header:
every size and every field offset as the compiler lays them out (the
program tests/python/layout.c), so a header change breaks this test instead
of being misread."""
import ctypes
import os
import subprocess
from pathlib import Path

from skindiff import _lib

ROOT = Path(__file__).resolve().parent.parent.parent


def c_layout():
    exe = os.environ.get("SKD_LAYOUT") or ROOT / "build/tests/python_layout"
    out = subprocess.run([str(exe)], check=True, capture_output=True,
                         text=True).stdout
    layout = {}
    for line in out.splitlines():
        struct, field, value = line.split()
        layout.setdefault(struct, {})[field] = int(value)
    return layout


def test_every_struct_matches_the_header():
    c = c_layout()
    problems = []
    for name, cls in _lib.STRUCTS.items():
        fields = c.pop(name, None)
        if fields is None:
            problems.append(f"{name}: not in tests/python/layout.c")
            continue
        size = fields.pop("sizeof")
        if size != ctypes.sizeof(cls):
            problems.append(f"{name}: sizeof is {size} in C, "
                            f"{ctypes.sizeof(cls)} in _lib.py")
        py = {f[0]: getattr(cls, f[0]).offset for f in cls._fields_}
        for f in sorted(set(fields) | set(py)):
            if fields.get(f) != py.get(f):
                problems.append(f"{name}.{f}: offset {fields.get(f)} in C, "
                                f"{py.get(f)} in _lib.py")
    c.pop("skd_metric_count", None)
    c.pop("skd_db_schema_version", None)
    problems += [f"{name}: in layout.c, not bound in _lib.py" for name in c]
    assert not problems, (
        "python/skindiff/_lib.py no longer matches include/skindiff.h: "
        "update its Structures (and tests/python/layout.c):\n  "
        + "\n  ".join(problems))


def test_metric_count():
    assert c_layout()["skd_metric_count"]["value"] == _lib.SKD_METRIC_COUNT


def test_db_schema_version():
    """read_store names a database's schema against this one."""
    assert (c_layout()["skd_db_schema_version"]["value"]
            == _lib.SKD_DB_SCHEMA_VERSION)
