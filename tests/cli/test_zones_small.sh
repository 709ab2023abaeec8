#!/usr/bin/env bash
# A zone under SKD_ZONE_MIN_AREA_CM2 (a disc of radius 1 mm, 0.0314 cm²)
# says "too small" in analyze's text, JSON and CSV instead of figures of a
# few pixels; larger zones keep their figures. The hand-drawn face of
# test_zones.sh at 40 px/mm: forehead 0.053 cm², nose 0.015, cheeks 0.028,
# chin 0.025 (a quarter of their areas at 20 px/mm).
# Usage: test_zones_small.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"

"$BIN" synth skin.png --width 400 --height 400 --seed 3 -q
/usr/bin/python3 "$HERE/hand_face.py" face.json

expect_rc 0 "$BIN" analyze skin.png --px-per-mm 40 --skin off --landmarks face.json --json -o a.json
has a.json '"forehead": {"status": "ok"'
has a.json '"nose": {"status": "too_small", "area_cm2": '
has a.json 'too small: under 0.0314 cm2 of measured skin'
/usr/bin/python3 - a.json <<'PY' && ok || bad "JSON zone areas"
import json, sys
z = json.load(open(sys.argv[1]))["images"][0]["zones"]
# too_small exactly below pi mm^2; its area is still given
for name, v in z.items():
    if name == "whole":
        assert v["status"] == "ok", v
        continue
    area = v["area_cm2"] if v["status"] == "too_small" else v["region"]["area_cm2"]
    assert (v["status"] == "too_small") == (area < 0.031415926535897934), (name, v)
assert z["nose"]["status"] == "too_small" and z["forehead"]["status"] == "ok", z
PY
expect_rc 0 "$BIN" analyze skin.png --px-per-mm 40 --skin off --landmarks face.json
has out.txt 'too small (under 0.0314 cm²)'
expect_rc 0 "$BIN" analyze skin.png --px-per-mm 40 --skin off --landmarks face.json --csv
has out.txt 'skin.png,nose,too_small,400,400,40,given,'
has out.txt 'skin.png,forehead,ok,'
/usr/bin/python3 - out.txt <<'PY' && ok || bad "CSV rows have as many fields as the header"
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
assert all(len(r) == len(rows[0]) for r in rows), [len(r) for r in rows]
PY
# At 20 px/mm every zone of this face is above the minimum.
expect_rc 0 "$BIN" analyze skin.png --px-per-mm 20 --skin off --landmarks face.json
lacks out.txt 'too small'
finish
