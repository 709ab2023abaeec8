"""skindiff.compare against `skindiff compare --json` where the red area's
floor is the threshold's (docs/comparing.md, "Red area: the threshold's
floor"): the pair of tests/cli/test_compare_red_threshold.sh (painted by
tests/cli/red_threshold_pair.py), whose red_area floor_source is
"red threshold" there. The same record, so the same per-metric
floor_source and floor, and the same floors source in words."""
import subprocess
import sys

import pytest

import skindiff
from conftest import ROOT, run_json
from test_analyze import same_record


@pytest.fixture(scope="module")
def pair(scratch):
    pytest.importorskip("numpy")
    pytest.importorskip("PIL")
    d = scratch / "red_threshold"
    d.mkdir(exist_ok=True)
    subprocess.run([sys.executable, str(ROOT / "tests/cli/red_threshold_pair.py"),
                    str(d)], check=True)
    return d / "before.png", d / "after.png"


@pytest.mark.parametrize("args,kwargs,source", [
    ([], {}, "red threshold"),
    # a larger floor of the option's own stands (the CLI test's last case)
    (["--floor-red-area", "2"], {"floor_red_area": 2}, "booth defaults"),
])
def test_red_threshold_floor_equals_cli(cli, pair, args, kwargs, source):
    before, after = pair
    doc = run_json([cli, "compare", before, after, "--px-per-mm", "20",
                    "--skin", "off", "--assume-aligned", "--json"] + args)
    rec = skindiff.compare(before, after, px_per_mm=20, skin=0,
                           assume_aligned=True, **kwargs)
    red, want = rec["metrics"]["red_area"], doc["metrics"]["red_area"]
    assert want["floor_source"] == source, want
    assert red["floor_source"] == want["floor_source"], red
    # the CLI prints %.6g
    assert red["noise_floor"] == pytest.approx(want["noise_floor"], rel=1e-5)
    assert red["verdict"] == want["verdict"], red
    same_record(dict(rec), doc)
