#!/usr/bin/env bash
# compare over the registration range (docs/comparing.md) through the CLI:
# synthetic pairs zoomed 0.7 and 1.4 and turned +-30 degrees are accepted
# with the camera's transform; --align-roi on the top quarter of the before
# photo gives the same transform; a refused pair's hint names --align-roi,
# then --min-confidence, and only then --assume-aligned.
# Tolerances: about 3x the worst error measured on these pairs (0.004 px,
# 0.0018 degrees, 0.002%; aligned on a quarter of the photo 0.015 px,
# 0.0032 degrees, 0.0043%); the unit test test_compare_range has more.
# Usage: test_compare_align.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"

transform_near() { # transform_near DX DY DEG SCALE [PX DEG PCT]: out.txt's transform
    if python3 - "$@" <<'PY'
import json, sys
t = json.load(open("out.txt"))["transform"]
dx, dy, deg, s = map(float, sys.argv[1:5])
tol = list(map(float, sys.argv[5:8])) if len(sys.argv) > 5 else [0.015, 0.004, 0.006]
err = (abs(t["dx"] - dx), abs(t["dy"] - dy), abs(t["rotation_deg"] - deg),
       100 * abs(t["scale"] / s - 1))
ok = err[0] <= tol[0] and err[1] <= tol[0] and err[2] <= tol[1] and err[3] <= tol[2]
print("  transform %s: error %.4f, %.4f px, %.5f deg, %.4f%%" % (sys.argv[1:5], *err),
      file=sys.stderr)
sys.exit(0 if ok else 1)
PY
    then ok; else bad "transform not within tolerance of $*"; fi
}

for cam in "12,-8 -30 1.4" "-9,6 30 0.7" "-6,-10 -30 0.7" "7,5 30 1.4"; do
    set -- $cam
    "$BIN" synth -q before.png --after after.png --width 600 --height 450 --seed 5 \
        --shift "$1" --rotate "$2" --scale "$3"
    expect_rc 0 "$BIN" compare before.png after.png --px-per-mm 20 --json
    transform_near "${1%,*}" "${1#*,}" "$2" "$3"
done

# the last pair (the after photo sees all of the before's skin), aligned
# on the top quarter of the before photo only
expect_rc 0 "$BIN" compare before.png after.png --px-per-mm 20 --json \
    --align-roi 0,0,600,112
transform_near 7 5 30 1.4 0.05 0.01 0.015 # measured 0.015 px, 0.0032 deg, 0.0043%

# the hint of a refused pair, in the order the brief asks for
"$BIN" synth -q other.png --width 600 --height 450 --seed 6
expect_rc 4 "$BIN" compare before.png other.png --px-per-mm 20
has err.txt "cannot align"
if python3 - <<'PY'
import sys
e = open("err.txt").read()
i = [e.find(k) for k in ("--align-roi", "--min-confidence", "--assume-aligned")]
sys.exit(0 if -1 not in i and i == sorted(i) else 1)
PY
then ok; else bad "the hint does not name --align-roi, --min-confidence, --assume-aligned in order"; cat err.txt >&2; fi

finish
