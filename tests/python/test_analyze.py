"""skindiff.analyze against `skindiff analyze --json`, its planes against
its figures, and its errors against the CLI's messages."""
import math
import subprocess
import threading
import time

import numpy as np
import pytest

import skindiff
from conftest import ROOT, run_json

# The CLI writes numbers with %.6g: at most 5e-6 relative rounding. Both run
# the same library code on the same pixels, so nothing else differs.
REL = 1e-5


def same_record(py, cli, where="record"):
    """Same keys at every level, same strings, numbers within REL."""
    if isinstance(cli, dict):
        assert isinstance(py, dict), where
        assert sorted(py) == sorted(cli), f"{where}: keys differ"
        for k in cli:
            same_record(py[k], cli[k], f"{where}.{k}")
    elif isinstance(cli, list):
        assert len(py) == len(cli), where
        for i, (a, b) in enumerate(zip(py, cli)):
            same_record(a, b, f"{where}[{i}]")
    elif isinstance(cli, bool) or cli is None or isinstance(cli, str):
        assert py == cli, f"{where}: {py!r} != {cli!r}"
    else:
        assert py == pytest.approx(cli, rel=REL, abs=1e-300), where


@pytest.mark.parametrize("args,kwargs", [
    (["--px-per-mm", "25"], {"px_per_mm": 25}),
    (["--px-per-mm", "25", "--pore-threshold", "8", "--red-delta", "4",
      "--roi", "100,50,700,600"],
     {"px_per_mm": 25, "pore_threshold": 8, "red_delta": 4,
      "roi": (100, 50, 700, 600)}),
])
def test_analyze_equals_cli(cli, samples, args, kwargs):
    photo = samples / "before.jpg"
    doc = run_json([cli, "analyze", photo, "--json"] + args)
    rec = skindiff.analyze(str(photo), **kwargs)
    same_record(dict(rec), doc["images"][0])
    assert rec.texture["sa"] == rec["texture"]["sa"]


def test_assumed_scale_equals_cli(cli, small_photo):
    doc = run_json([cli, "analyze", small_photo, "--json"])
    rec = skindiff.analyze(small_photo)
    same_record(dict(rec), doc["images"][0])
    assert rec["scale_source"] == "assumed"
    assert rec["warnings"] == ["scale_assumed"]


def test_planes_shape_dtype_and_figures(samples):
    rec = skindiff.analyze(samples / "before.jpg", px_per_mm=25, planes=True)
    shape = (rec["height"], rec["width"])
    assert shape == (900, 1200)
    assert rec.texture_plane.shape == shape
    assert rec.texture_plane.dtype == np.float32
    assert rec.a_star_plane.shape == shape
    assert rec.a_star_plane.dtype == np.float32
    assert rec.region_mask.shape == shape and rec.region_mask.dtype == bool
    assert rec.red_area_mask.shape == shape
    assert int(rec.region_mask.sum()) == rec["region"]["pixels"]
    # The figures recomputed from the planes (DESIGN section 3): Sa over R
    # of t = T - mean(T); a* mean over R; the red area share of R. The same
    # float32 values summed in float64 in another order: measured
    # differences 2e-13 relative, tolerance 1e-9.
    t = rec.texture_plane[rec.region_mask].astype(np.float64)
    t -= t.mean()
    assert np.abs(t).mean() == pytest.approx(rec["texture"]["sa"], rel=1e-9)
    assert np.sqrt((t * t).mean()) == pytest.approx(rec["texture"]["sq"],
                                                    rel=1e-9)
    a = rec.a_star_plane[rec.region_mask].astype(np.float64)
    assert a.mean() == pytest.approx(rec["redness"]["a_mean"], rel=1e-9)
    assert rec.red_area_mask[rec.region_mask].mean() == pytest.approx(
        rec["redness"]["red_area_fraction"], rel=1e-9)
    # Pores: every pore of the list, with its centre inside R (the count).
    p = rec.pore_list
    assert p.dtype.names == ("x", "y", "radius", "strength")
    inside = rec.region_mask[p["y"].round().astype(int),
                             p["x"].round().astype(int)]
    assert int(inside.sum()) == rec["pores"]["count"]
    assert (p["strength"] >= 10).all()  # tau, the default threshold
    d_mm = 2 * p["radius"][inside].astype(np.float64) / 25
    assert d_mm.mean() == pytest.approx(rec["pores"]["mean_diameter_mm"],
                                        rel=1e-9)


def test_no_planes_by_default(small_photo):
    rec = skindiff.analyze(small_photo)
    assert not hasattr(rec, "texture_plane")


def cli_stderr(cli, *args):
    r = subprocess.run([str(a) for a in [cli, *args]], capture_output=True,
                       text=True)
    return r.returncode, r.stderr


@pytest.mark.parametrize("make,exc,status", [
    (lambda d: d / "missing.jpg", skindiff.FileError, 3),
    (lambda d: write(d / "text.jpg", b"this is not a photo\n" * 10),
     skindiff.FormatError, 4),
    (lambda d: truncated(d), skindiff.CorruptError, 5),
])
def test_bad_files_raise_with_message(cli, scratch, make, exc, status):
    path = make(scratch)
    with pytest.raises(exc) as e:
        skindiff.analyze(path, px_per_mm=20)
    err = e.value
    assert isinstance(err, skindiff.Error)
    assert err.status == status
    assert str(path) in err.message
    # The CLI reports the same library message.
    code, stderr = cli_stderr(cli, "analyze", path, "--px-per-mm", "20")
    assert code == 3
    # one sentence: the status name is not repeated after the message
    assert err.message in stderr


def write(path, data):
    path.write_bytes(data)
    return path


def truncated(d):
    data = (ROOT / "samples" / "before.jpg").read_bytes()
    return write(d / "truncated.jpg", data[:len(data) // 3])


def test_bad_options(small_photo):
    with pytest.raises(skindiff.InvalidArgumentError) as e:
        skindiff.analyze(small_photo, px_per_mm=5000)
    assert e.value.status == 2 and isinstance(e.value, ValueError)
    assert e.value.message
    with pytest.raises(TypeError, match="unknown option"):
        skindiff.analyze(small_photo, pore_treshold=8)


def test_threads_give_the_same_records_and_release_the_gil(small_photo,
                                                          samples):
    want = dict(skindiff.analyze(small_photo))
    got = [None] * 4

    def work(i):
        got[i] = dict(skindiff.analyze(small_photo))

    ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert got == [want] * 4
    # While one thread is inside the library, this one keeps running Python:
    # the call does not hold the GIL. This thread asks to wake every 2 ms;
    # with the GIL held it could not wake at all between t0 and t1 (20 ms
    # inside the call). On a loaded machine it wakes less often (32 of an
    # ideal 170 seen), so only a few wakes are asked for.
    photo = samples / "before.jpg"
    span = []
    done = threading.Event()

    def long_call():
        t0 = time.monotonic()
        skindiff.analyze(photo, px_per_mm=25)
        span.extend((t0, time.monotonic()))
        done.set()

    stamps = []
    t = threading.Thread(target=long_call)
    t.start()
    while not done.is_set():
        stamps.append(time.monotonic())
        time.sleep(0.002)
    t.join()
    t0, t1 = span[0] + 0.02, span[1] - 0.02
    awake = sum(t0 < s < t1 for s in stamps)
    assert awake >= 3, (awake, t1 - t0)


FACE = [(100, 150), (102, 175), (106, 200), (112, 225), (122, 250), (138, 272),
        (158, 288), (178, 297), (200, 300), (222, 297), (242, 288), (262, 272),
        (278, 250), (288, 225), (294, 200), (298, 175), (300, 150), (120, 125),
        (135, 118), (150, 116), (165, 118), (180, 122), (220, 122), (235, 118),
        (250, 116), (265, 118), (280, 125), (200, 150), (200, 165), (200, 180),
        (200, 195), (185, 205), (192, 208), (200, 210), (208, 208), (215, 205),
        (140, 150), (150, 144), (162, 144), (172, 150), (162, 155), (150, 155),
        (228, 150), (238, 144), (250, 144), (260, 150), (250, 155), (238, 155),
        (172, 240), (182, 233), (192, 230), (200, 232), (208, 230), (218, 233),
        (228, 240), (218, 248), (208, 251), (200, 252), (192, 251), (182, 248),
        (176, 240), (192, 237), (200, 238), (208, 237), (224, 240), (208, 243),
        (200, 244), (192, 243)]


def test_zones_equal_cli(cli, scratch):
    # The hand-drawn frontal face of tests/cli/test_zones.sh on a synthetic
    # 400x400 skin: the landmarks route (no dlib needed), and the label
    # image it writes read back through the labels route.
    import json
    skin = scratch / "zones-skin.png"
    subprocess.run([str(cli), "synth", str(skin), "--width", "400",
                    "--height", "400", "--seed", "3", "-q"], check=True)
    face = scratch / "face.json"
    face.write_text(json.dumps({"tool": "hand", "landmarks": {
        f"p{i}": list(p) for i, p in enumerate(FACE)}}))
    labels = scratch / "zones.png"
    doc = run_json([cli, "analyze", skin, "--px-per-mm", "20", "--landmarks",
                    face, "--zones-out", labels, "--json"])
    rec = skindiff.analyze(skin, px_per_mm=20, landmarks=face, planes=True)
    same_record(dict(rec), doc["images"][0])
    assert rec["zone_source"] == "landmarks"
    assert set(rec["zones"]) == {"whole", "forehead", "nose", "left_cheek",
                                 "right_cheek", "chin"}
    assert rec.zone_labels.shape == (400, 400)
    assert rec.zone_labels.dtype == np.uint8
    doc = run_json([cli, "analyze", skin, "--px-per-mm", "20", "--zones",
                    labels, "--json"])
    rec = skindiff.analyze(skin, px_per_mm=20, zones=labels)
    same_record(dict(rec), doc["images"][0])
    with pytest.raises(skindiff.InvalidArgumentError):
        skindiff.analyze(skin, landmarks=face, zones=labels)
