#!/usr/bin/env bash
# The bundled sample pair (samples/before.jpg, samples/after.jpg, the table in
# README.md): compare's figures against the generator's truth in
# samples/truth.json, each within a tolerance 2-3x the error measured on it
# (written beside it), the transform against the camera, and the verdicts.
# The samples' red patches are papule-sized (sigma 0.6 mm, a* +9), so the
# red-area fraction against its 2 mm local background moves with the
# simulated treatment (patches at 0.7 of their strength).
# Usage: test_samples.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"
SAMPLES=$ROOT/samples

expect_rc 0 "$BIN" compare "$SAMPLES/before.jpg" "$SAMPLES/after.jpg" --px-per-mm 20 --json -o c.json
python3 - c.json "$SAMPLES/truth.json" <<'PY' && ok || bad "sample figures off their truth (above)"
import json, sys
c = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))
b, a = t["sessions"]
truth = {
    "sa": (b["texture"]["sa"], a["texture"]["sa"]),
    "sq": (b["texture"]["sq"], a["texture"]["sq"]),
    "pore_density": (b["pores"]["density_per_cm2"], a["pores"]["density_per_cm2"]),
    "pore_diameter": (b["pores"]["mean_diameter_mm"], a["pores"]["mean_diameter_mm"]),
    "pore_area": (100 * b["pores"]["area_fraction"], 100 * a["pores"]["area_fraction"]),
    "a_mean": (b["colour"]["a_mean"], a["colour"]["a_mean"]),
    "a_median": (b["colour"]["a_median"], a["colour"]["a_median"]),
    "erythema": (b["colour"]["erythema_index_image"], a["colour"]["erythema_index_image"]),
    "red_area": (100 * b["colour"]["red_area_fraction"], 100 * a["colour"]["red_area_fraction"]),
}
# (kind, tolerance before, tolerance after): the errors measured (JPEG q92
# smooths texture; the truth's texture is the whole frame less 3 mm, the
# figures are the common region's) are in the comments.
tol = {
    "sa": ("rel", 0.015, 0.065),         # +0.61%, +2.61%
    "sq": ("rel", 0.002, 0.018),         # -0.07%, +0.73%
    "pore_density": ("rel", 0.013, 0.009),  # +0.52%, +0.36%
    "pore_diameter": ("rel", 0.035, 0.06),  # +1.38%, +2.36%
    "pore_area": ("rel", 0.08, 0.115),   # +3.15%, +4.59%
    "a_mean": ("abs", 0.04, 0.45),       # -0.012, +0.189
    "a_median": ("abs", 0.15, 0.5),      # -0.063, +0.197
    "erythema": ("abs", 0.4, 0.25),      # -0.169, +0.101
    "red_area": ("abs", 0.03, 0.2),      # -0.009, -0.075 (percentage points)
}
verdict = {"sa": "improved", "sq": "improved", "pore_density": "improved",
           "pore_diameter": "no significant change", "pore_area": "improved",
           "a_mean": "improved", "a_median": "improved", "erythema": "improved",
           "red_area": "improved"}
bad = []
for k, (kind, tb, ta) in tol.items():
    m = c["metrics"][k]
    for side, want, tl in (("before", truth[k][0], tb), ("after", truth[k][1], ta)):
        got = m[side]
        err = (got / want - 1) if kind == "rel" else got - want
        print("  %-13s %-6s %.5g truth %.5g: %s %+.4g (tolerance %g)"
              % (k, side, got, want, "rel" if kind == "rel" else "abs", err, tl), file=sys.stderr)
        if abs(err) > tl:
            bad.append("%s %s %.5g vs truth %.5g" % (k, side, got, want))
    if m["verdict"] != verdict[k]:
        bad.append("%s verdict %s, want %s" % (k, m["verdict"], verdict[k]))
cam, tr = t["params"]["camera"], c["transform"]
# measured: dx -0.0013 px, dy +0.0025 px, rotation -0.00065 deg, scale 1.02 (to 6 digits)
for f, tl in (("dx", 0.004), ("dy", 0.007), ("rotation_deg", 0.0015), ("scale", 1e-4)):
    if abs(tr[f] - cam[f]) > tl:
        bad.append("transform %s %.6g vs camera %.6g" % (f, tr[f], cam[f]))
for x in bad:
    print("  " + x, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# The samples' skin is flat but for sub-millimetre relief (tiles' mean l
# spread 0.3, JSON tone_spread): the report says the tone curve is not
# judged rather than printing a meaningless slope as a contrast change.
expect_rc 0 "$BIN" compare "$SAMPLES/before.jpg" "$SAMPLES/after.jpg" --px-per-mm 20 --report r.html
has r.html "Tone curve</td><td>not judged"
expect_rc 0 "$BIN" compare "$SAMPLES/before.jpg" "$SAMPLES/after.jpg" --px-per-mm 20
has out.txt "not judged, too little light and shade"

finish
