"""skindiff.compare with facial zones against `skindiff compare --json`
with the same zones: the same record, zone table included (zone_source,
landmark_residual, and per zone area, tiles, note, every figure's change,
interval and verdict). The hand-drawn face of test_analyze on a synthetic
pair (no dlib needed); with dlib, a portrait compared with itself."""
import json
import shutil
import subprocess

import pytest

import skindiff
from conftest import run_json
from test_analyze import FACE, same_record

ZONES = {"whole", "forehead", "nose", "left_cheek", "right_cheek", "chin"}


def same_zones(rec, doc):
    """The zone table and the whole region's figures as the CLI gives them
    (numbers within test_analyze's REL; the rest of the record is
    test_compare's)."""
    for key in ("zone_source", "landmark_residual", "zones", "metrics"):
        assert key in rec, key
        same_record(rec[key], doc[key], key)


@pytest.fixture(scope="module")
def pair(cli, scratch):
    """A 400x400 synthetic before photo and its treated after photo."""
    before, after = scratch / "zpair-before.png", scratch / "zpair-after.png"
    subprocess.run([str(cli), "synth", str(before), "--after", str(after),
                    "--width", "400", "--height", "400", "--seed", "3", "-q"],
                   check=True)
    face = scratch / "zpair-face.json"
    face.write_text(json.dumps({"landmarks": {
        f"p{i}": list(p) for i, p in enumerate(FACE)}}))
    return before, after, face


def test_compare_zones_equal_cli(cli, pair):
    before, after, face = pair
    doc = run_json([cli, "compare", before, after, "--px-per-mm", "20",
                    "--bootstrap", "300", "--landmarks", face,
                    "--landmarks-after", face, "--json"])
    rec = skindiff.compare(before, after, px_per_mm=20, bootstrap=300,
                           landmarks=face, landmarks_after=face)
    same_zones(rec, doc)
    assert rec["zone_source"] == "landmarks"
    assert set(rec["zones"]) == ZONES
    # Every zone that holds tiles has all nine figures with a verdict.
    for name, z in rec["zones"].items():
        if z["tiles_used"] >= 2:
            assert len(z["metrics"]) == 9, name
            assert all(m["verdict"] for m in z["metrics"].values()), name
    # The same landmarks on both photos, which the alignment maps onto each
    # other: the residual is the registration's own error (< 0.5 px).
    assert rec["landmark_residual"]["px"] < 0.5


def test_compare_zones_arguments(pair):
    before, after, face = pair
    with pytest.raises(skindiff.InvalidArgumentError):
        skindiff.compare(before, after, landmarks=face, zones=face)
    with pytest.raises(skindiff.InvalidArgumentError):
        skindiff.compare(before, after, landmarks_after=face)


def test_compare_face_equals_cli(cli, scratch, portrait):
    photo = portrait
    copy = scratch / "zface-after.jpg"
    shutil.copyfile(photo, copy)
    # 5 px/mm (as test_batch_zones): the face, about 300 px across, is then
    # 60 mm; compare gives the landmarks to the skin map, and at 20 px/mm
    # (a 15 mm face) the feature polygons and the 1 mm support of R empty
    # the chin and left cheek.
    doc = run_json([cli, "compare", photo, copy, "--px-per-mm", "5",
                    "--bootstrap", "300", "--face", "--json"])
    rec = skindiff.compare(photo, copy, px_per_mm=5, bootstrap=300,
                           face=True)
    same_zones(rec, doc)
    assert rec["zone_source"] == "dlib" and set(rec["zones"]) == ZONES
    # A photo against itself: every zone unchanged, never improved or
    # worsened (a zone's pore figures may be inconclusive: under 30 pores).
    for name, z in rec["zones"].items():
        for key, m in z["metrics"].items():
            assert m["change"] == 0, (name, key)
            assert m["verdict"] in ("no significant change", "inconclusive"), (
                name, key, m["verdict"])
            if not key.startswith("pore"):
                assert m["verdict"] == "no significant change", (name, key)
    assert rec["landmark_residual"]["px"] == 0
