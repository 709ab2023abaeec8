#!/usr/bin/env bash
# skindiff analyze against the numpy/scipy reference implementation of
# docs/measurements.md (scripts/reference/skindiff_ref.py): the same figures,
# within tolerances derived from where the two may legitimately differ.
# Usage: test_reference.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
#
# Skips (exit 77: ctest SKIP) when /usr/bin/python3 lacks numpy, scipy or PIL,
# or libjpeg-turbo's cjpeg/djpeg are missing (scripts/setup.sh installs them).
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"
REF=$ROOT/scripts/reference
need_python numpy scipy.ndimage scipy.fft PIL
if ! command -v cjpeg >/dev/null || ! command -v djpeg >/dev/null; then
    skip_test "cjpeg/djpeg (libjpeg-turbo-progs) not available"
fi

# Three photos: highlights, a dark band, creases and red patches in each;
# PNG and JPEG; three scales; default and non-default parameters.
"$PY" "$REF/make_skin.py" 1000 750 skin1.png --px-per-mm 20 --seed 3
"$PY" "$REF/make_skin.py" 900 700 skin2.ppm --px-per-mm 25 --seed 7
cjpeg -quality 90 -outfile skin2.jpg skin2.ppm
"$PY" "$REF/make_skin.py" 800 600 skin3.png --px-per-mm 12 --seed 11

# name | image | options (same for both programs) | reference method
cases=(
    "png20|skin1.png|--px-per-mm 20|spatial"
    "png20fft|skin1.png|--px-per-mm 20|fft"
    "jpeg25roi|skin2.jpg|--px-per-mm 25 --roi 100,80,600,500|spatial"
    "png12|skin3.png|--px-per-mm 12 --pore-threshold 8 --red-delta 4|spatial"
)

for c in "${cases[@]}"; do
    IFS='|' read -r name img opts method <<<"$c"
    # shellcheck disable=SC2086
    # the reference has no skin map: both measure the whole frame
    "$BIN" analyze "$img" $opts --skin off --json -o "$name.c.json"
    # shellcheck disable=SC2086
    "$PY" "$REF/skindiff_ref.py" "$img" $opts --method "$method" >"$name.ref.json"
    "$PY" - "$name" "$name.c.json" "$name.ref.json" "$method" <<'PY' && ok || bad "$name: skindiff and the reference disagree (above)"
import json, math, sys
name, cpath, rpath, method = sys.argv[1:]
c = json.load(open(cpath))["images"][0]
r = json.load(open(rpath))["images"][0]

# Tolerances. The C library filters in single precision (FFT rounding about
# 1e-6 of the plane's magnitude; l is about -140); the reference in double,
# and with the spatial method through kernels cut at max(6 sigma + 2, 32)
# taps. Pixels whose G*M sits within that error of 0.9 can change sides of
# the region edge: a few in a million. Everything below follows from that.
#   kind "rel": |c - r| <= tol * |r|;  "abs": |c - r| <= tol.
TOL = {
    # region edge: a few pixels per million change sides
    ("region", "pixels"): ("rel", 1e-4),
    ("region", "area_cm2"): ("rel", 1e-4),
    # a mean over ~1e6 pixels: 1e-4 of them at |t| up to ~10 Sa moves Sa by
    # ~1e-3 relative; float rounding of T (~1e-5 % contrast) is far below
    ("texture", "sa"): ("rel", 2e-3),
    ("texture", "sq"): ("rel", 2e-3),
    # third and fourth moments weight the edge pixels' large |t| by t^3, t^4
    ("texture", "ssk"): ("rel", 1e-2),
    ("texture", "sku"): ("rel", 1e-2),
    # detection is discrete: a candidate whose D is within rounding of tau,
    # a tie between neighbours, a Hessian ratio at 0.5, and each flip can
    # cascade through suppression. 3 % is generous for the spatial method
    # (truncated kernel tails), 0.5 % for the FFT method (same arithmetic)
    ("pores", "count"): ("rel", 0.03),
    ("pores", "density_per_cm2"): ("rel", 0.03),
    # a few pores in a thousand of a different size move the mean by < 1 %
    ("pores", "mean_diameter_mm"): ("rel", 0.02),
    ("pores", "area_fraction"): ("rel", 0.04),
    # a* per pixel agrees to ~1e-5 (float lookup table); the region edge
    # moves the mean by at most 1e-4 * 20 units
    ("redness", "a_mean"): ("abs", 0.01),
    ("redness", "a_median"): ("abs", 0.01),
    # same argument; log10(R/G) of skin spans ~50 units
    ("redness", "erythema_index"): ("abs", 0.02),
    # pixels with a* - median within 1e-5 of delta, plus the edge pixels
    ("redness", "red_area_fraction"): ("abs", 2e-3),
}
if method == "fft":
    TOL[("pores", "count")] = TOL[("pores", "density_per_cm2")] = ("rel", 0.005)

bad = 0
for (group, key), (kind, tol) in TOL.items():
    cv, rv = c[group][key], r[group][key]
    diff = abs(cv - rv)
    lim = tol * abs(rv) if kind == "rel" else tol
    ok = diff <= lim and math.isfinite(cv)
    rel = diff / abs(rv) if rv else float("inf")
    print(f"REPORT {name:10s} {group}.{key:18s} C {cv:<12.6g} ref {rv:<12.6g} "
          f"|diff| {diff:.3g} (rel {rel:.2g}, {kind} tol {tol:g}) {'ok' if ok else 'FAIL'}")
    bad += not ok
if c["pores"]["count"] < 50:
    print(f"FAIL {name}: only {c['pores']['count']} pores: the image tests too little")
    bad += 1
sys.exit(1 if bad else 0)
PY
done

finish
