"""skindiff.compare against `skindiff compare --json`: the same record, the
same verdicts; a pair that cannot be aligned raises AlignError."""
import subprocess

import pytest

import skindiff
from conftest import run_json
from test_analyze import same_record


@pytest.mark.parametrize("args,kwargs", [
    (["--px-per-mm", "25", "--bootstrap", "500"],
     {"px_per_mm": 25, "bootstrap": 500}),
    (["--bootstrap", "300", "--seed", "9", "--floor-sa", "20", "--floor-a",
      "2", "--tile-mm", "4", "--roi", "100,100,900,700"],
     {"bootstrap_n": 300, "seed": 9, "floor_sa": 20, "floor_a": 2,
      "tile_mm": 4, "roi": (100, 100, 900, 700)}),
])
def test_compare_equals_cli(cli, samples, args, kwargs):
    before, after = samples / "before.jpg", samples / "after.jpg"
    doc = run_json([cli, "compare", before, after, "--json"] + args)
    rec = skindiff.compare(before, after, **kwargs)
    same_record(dict(rec), doc)
    verdicts = {k: m["verdict"] for k, m in rec["metrics"].items()}
    assert verdicts == {k: m["verdict"] for k, m in doc["metrics"].items()}
    # The bundled pair is treated skin: the primary figures improved.
    if "floor_sa" not in kwargs:
        assert verdicts["sa"] == "improved"
        assert verdicts["a_mean"] == "improved"


def test_unalignable_pair_raises(cli, scratch, small_photo):
    other = scratch / "other.jpg"
    subprocess.run([str(cli), "synth", str(other), "--width", "240",
                    "--height", "200", "--seed", "99", "-q"], check=True)
    with pytest.raises(skindiff.AlignError) as e:
        skindiff.compare(small_photo, other, min_confidence=0.99)
    assert e.value.status == 9 and e.value.message
    r = subprocess.run([str(cli), "compare", str(small_photo), str(other),
                        "--min-confidence", "0.99"], capture_output=True,
                       text=True)
    assert r.returncode == 4
    assert e.value.message in r.stderr
