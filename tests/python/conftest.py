"""Fixtures for the Python package's tests. ctest (tests/CMakeLists.txt)
sets SKINDIFF_LIBRARY, SKD_CLI, SKD_LAYOUT and SKD_TEST_TMP; run by hand
from the repository root they default to the build/ tree."""
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def _path(env, default):
    return Path(os.environ.get(env) or ROOT / default)


@pytest.fixture(scope="session")
def cli():
    p = _path("SKD_CLI", "build/skindiff")
    assert p.exists(), f"{p}: build skindiff first"
    return p


@pytest.fixture(scope="session")
def samples():
    return ROOT / "samples"


@pytest.fixture(scope="session")
def scratch(tmp_path_factory):
    base = os.environ.get("SKD_TEST_TMP")
    if base:
        d = Path(base)
        d.mkdir(parents=True, exist_ok=True)
        return d
    return tmp_path_factory.mktemp("skindiff")


def run_json(cmd):
    out = subprocess.run([str(c) for c in cmd], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


@pytest.fixture(scope="session")
def small_photo(cli, scratch):
    """A 240x200 synthetic skin photo (quick to analyse many times)."""
    p = scratch / "small.jpg"
    subprocess.run([str(cli), "synth", str(p), "--width", "240", "--height",
                    "200", "--seed", "7", "-q"], check=True)
    return p


@pytest.fixture(scope="session")
def portrait(cli):
    """The shared portrait photo, for tests that find its face with dlib:
    skips when the build has no dlib or the shared photos are not here."""
    version = subprocess.run([str(cli), "--version"], capture_output=True,
                             text=True).stdout
    if "landmarks: dlib" not in version:
        pytest.skip("this build has no face landmarks (dlib)")
    data = os.environ.get("SKD_SHARED_DATA") or ROOT.parent / "shared" / "data"
    p = Path(data) / "photos" / "portrait-room.jpg"
    if not p.exists():
        pytest.skip("no shared portrait photos")
    return str(p)
