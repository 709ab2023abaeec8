#!/usr/bin/env bash
# skindiff repeatability: repeat shots of the same skin -> SEM and MDC95 per
# figure in a floors file; compare --floors uses them and says so.
# Usage: test_repeatability.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"

# Two groups of three shots: the same synthetic skin with new sensor noise
# and a slightly moved camera each time (PNG: no compression noise).
for p in 1 2; do
    mkdir -p "ARCH/p$p/set1"
    for k in 1 2 3; do
        expect_rc 0 "$BIN" synth "ARCH/p$p/set1/shot$k.png" --width 400 --height 300 \
            --seed "$p" --noise 1.5 --offset "0.$k,0" -q
    done
done
mkdir -p ARCH/p3/alone && cp ARCH/p1/set1/shot1.png ARCH/p3/alone/ # one shot: no group

expect_rc 0 "$BIN" repeatability ARCH --px-per-mm 20 -o floors.json
python3 - floors.json <<'PY' && ok || bad "floors file"
import json, math, sys
f = json.load(open(sys.argv[1]))
assert f["kind"] == "skindiff floors" and f["groups"] == 2 and f["photos"] == 6, f
for k in ("sa_pct", "pores_pct", "a", "erythema", "red_area_points"):
    sem, mdc = f["sem"][k], f["floors"][k]
    # MDC95 = 1.96 sqrt(2) SEM (both written with 6 significant digits)
    assert abs(mdc - 1.96 * math.sqrt(2) * sem) <= 2e-5 * max(1e-3, mdc), (k, sem, mdc)
    assert sem >= 0, (k, sem)
# the same skin: sensor noise and a 0.1-0.3 mm move change a* by far less
# than the booth floor of 0.5 (measured SEM about 0.01)
assert f["sem"]["a"] < 0.1, f["sem"]
print("floors:", f["floors"])
PY

expect_rc 0 "$BIN" synth before.png --after after.png --width 400 --height 300 --seed 1 -q
expect_rc 0 "$BIN" compare before.png after.png --px-per-mm 20 --floors floors.json --json -o cmp.json
python3 - cmp.json floors.json <<'PY' && ok || bad "compare --floors"
import json, sys
c, f = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert c["parameters"]["floors"]["source"] == "floors file", c["parameters"]["floors"]
assert all(m["floor_source"] == "floors file" for m in c["metrics"].values())
assert abs(c["metrics"]["a_mean"]["noise_floor"] - f["floors"]["a"]) < 1e-9
PY

echo '{"kind": "something else"}' >bad.json
expect_rc 3 "$BIN" compare before.png after.png --floors bad.json
expect_rc 3 "$BIN" repeatability ARCH/p3
expect_rc 2 "$BIN" repeatability
finish
