"""Finding the library, the version, and installing the package with pip
offline (the in-tree build backend needs nothing from an index)."""
import os
import shutil
import subprocess
import sys

import pytest

import skindiff
from skindiff import _lib
from conftest import ROOT


def python(code, env=None, cwd=None):
    return subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, env=env, cwd=cwd)


def test_version_is_the_library_version():
    assert skindiff.__version__ == skindiff.library_version()


def test_library_from_the_environment_first():
    env = dict(os.environ, SKINDIFF_LIBRARY="/nonexistent/libskindiff.so",
               PYTHONPATH=str(ROOT / "python"))
    r = python("import skindiff", env=env)
    assert r.returncode != 0
    assert "SKINDIFF_LIBRARY" in r.stderr and "/nonexistent" in r.stderr


def test_library_from_the_build_tree(tmp_path):
    # A checkout whose build/ holds the library: found without any setting.
    lib = os.environ.get("SKINDIFF_LIBRARY") or str(ROOT / "build/libskindiff.so")
    (tmp_path / "build").mkdir()
    shutil.copy(lib, tmp_path / "build/libskindiff.so")
    shutil.copytree(ROOT / "python/skindiff", tmp_path / "python/skindiff")
    env = {k: v for k, v in os.environ.items() if k != "SKINDIFF_LIBRARY"}
    env["PYTHONPATH"] = str(tmp_path / "python")
    r = python("import skindiff; print(skindiff._LIB.path)", env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(tmp_path / "build/libskindiff.so")


def test_pip_installs_offline(tmp_path, samples):
    target = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-index",
                        "--no-cache-dir", "--target", str(target),
                        str(ROOT / "python")], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (target / "skindiff/__init__.py").exists()
    env = dict(os.environ, PYTHONPATH=str(target))
    env.setdefault("SKINDIFF_LIBRARY", str(ROOT / "build/libskindiff.so"))
    r = python("import skindiff; print(skindiff.__file__); "
               f"print(skindiff.analyze({str(samples / 'before.jpg')!r}, "
               "px_per_mm=25)['pores']['count'])", env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    where, count = r.stdout.split()
    assert where.startswith(str(target))
    assert int(count) == skindiff.analyze(samples / "before.jpg",
                                          px_per_mm=25)["pores"]["count"]
