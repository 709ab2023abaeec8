#!/usr/bin/env bash
# compare --before A --before B --after C --after D: the replicates' spread
# replaces the assumed floors, and the output says so. Synthetic sessions
# (skindiff synth, 500x400 at 20 px/mm, the same skin):
#  - replicates that differ by sensor noise and a small camera move only:
#    the relief x 0.8 treatment reads improved for Sa, floor_source
#    "replicates", df 2 for Sa in the JSON;
#  - after replicates whose relief differs (x 0.8 and x 0.9): the Sa SD is
#    |d|/2 with d the change compare reads between them (pooled over df 2;
#    the before pair's SD, 0.002%, adds nothing), within 0.01 points, and
#    Sa is no longer judged improved;
#  - mixing BEFORE AFTER with --before, or one session missing: usage error.
# Usage: test_compare_replicates.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"

shot() { # shot BEFORE.png AFTER.png NOISE_SEED SHIFT RELIEF
    "$BIN" synth -q "$1" --after "$2" --truth "$2.json" --width 500 --height 400 \
        --seed 5 --noise 0.3 --after-seed "$3" --shift "$4" --relief-scale "$5"
}
shot b1.png a1.png 11 2,1 0.8
shot b2.png a2.png 12 -3,2 0.8
# the before session's second photo: the skin as rendered by a moved camera
shot x.png b2.png 13 3,-2 1.0
shot y.png a3.png 14 -2,-3 0.9

json_check() { # json_check PYTHON_EXPR...: each must hold on out.txt
    if python3 - "$@" <<'PY'
import json, sys
j = json.load(open("out.txt"))
m, r = j["metrics"], j["replicates"]["metrics"]
bad = [e for e in sys.argv[1:] if not eval(e)]
for e in bad:
    print("  does not hold:", e, file=sys.stderr)
print("  Sa %+.2f%% floor %.4f (%s), replicates sd %.3f%% df %d" % (
    m["sa"]["change_pct"], m["sa"]["noise_floor"], m["sa"]["floor_source"],
    r["sa"]["sd"], r["sa"]["df"]), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
    then ok; else bad "JSON checks"; fi
}

expect_rc 0 "$BIN" compare --before b1.png --before b2.png --after a1.png \
    --after a2.png --px-per-mm 20 --json
json_check 'm["sa"]["verdict"] == "improved"' \
    'm["sa"]["floor_source"] == "replicates"' \
    'r["sa"]["df"] == 2' 'r["sa"]["sd"] < 0.5' \
    'j["replicates"]["before"] == ["b1.png", "b2.png"]' \
    'm["a_mean"]["floor_source"] == "uncalibrated colour"' \
    'j["parameters"]["floors"]["source"].startswith("replicates")'

# the after replicates' own change, compare a1.png a3.png: with the
# before pair's spread ~0 the pooled SD is |d| / 2 (df 2). (The synth
# truth's Sa change between relief x0.8 and x0.9 is 5.66%; compare reads
# 4.9% over the common region: test_compare_replicates has the truth.)
expect_rc 0 "$BIN" compare a1.png a3.png --px-per-mm 20 --json
sd=$(python3 -c '
import json
print(abs(json.load(open("out.txt"))["metrics"]["sa"]["change_pct"]) / 2)' 2>/dev/null || echo nan)
expect_rc 0 "$BIN" compare --before b1.png --before b2.png --after a1.png \
    --after a3.png --px-per-mm 20 --json
json_check "abs(r['sa']['sd'] - $sd) <= 0.01" \
    'm["sa"]["verdict"] != "improved"' 'm["sa"]["floor_source"] == "replicates"'

expect_rc 0 "$BIN" compare --before b1.png --before b2.png --after a1.png \
    --after a2.png --px-per-mm 20 --report r.html
has out.txt "Replicates (2 before, 2 after)"
has out.txt "change above are the sessions'"
has out.txt "Floors: replicates"
# the report says the figures are the sessions' means
has r.html "Several photos per session</b> (2 before, 2 after)"

# the JSON's change is the means' (first photos' change beside it), its
# interval symmetric about it (JSON numbers carry 6 significant digits)
expect_rc 0 "$BIN" compare --before b1.png --before b2.png --after a1.png \
    --after a2.png --px-per-mm 20 --json
json_check 'abs(m["sa"]["change"] - (m["sa"]["after"] - m["sa"]["before"])) < 2e-5' \
    'r["sa"]["pair_change"] is not None' \
    'abs(m["sa"]["ci_high"] - m["sa"]["change"] - (m["sa"]["change"] - m["sa"]["ci_low"])) < 2e-5'

expect_rc 2 "$BIN" compare b1.png --before b2.png --after a1.png
expect_rc 2 "$BIN" compare --before b1.png --before b2.png
finish
