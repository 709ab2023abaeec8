#!/usr/bin/env bash
# compare --face gives each photo's own landmarks to its skin map, as
# analyze --face does: on portrait-podium.jpg against a shifted crop of
# itself, the before and after photos' regions in compare equal analyze
# --face's for the same files, so the person behind at the right edge
# (left out by analyze --face, kept without a face) is left out of the
# comparison too; replicates each get their own face.
# Usage: test_compare_face_skin.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"

"$BIN" --version | grep -q "landmarks: dlib" || skip_test "this build has no dlib"
if ! need_shared_data "$DATA" photos/portrait-podium.jpg "compare --face skin map"; then
    finish
    exit $?
fi
P=$DATA/photos/portrait-podium.jpg

# The after photo: the same portrait shifted by cropping 24 px left, 16 px top.
/usr/bin/python3 - "$P" <<'PY'
import sys
from PIL import Image
im = Image.open(sys.argv[1])
w, h = im.size
im.crop((24, 16, w, h)).save("after.png")
PY

# 5 px/mm: the face is about 200 px across (finer scales empty small zones,
# see test_batch_zones); the figures compared do not depend on the scale.
S="--px-per-mm 5"
expect_rc 0 "$BIN" analyze "$P" $S --face --json -o an_b.json --region-out rb.png
expect_rc 0 "$BIN" analyze after.png $S --face --json -o an_a.json
expect_rc 0 "$BIN" analyze "$P" $S --json -o an_nf.json --region-out rnf.png
expect_rc 0 "$BIN" compare --before "$P" --after after.png $S --face --json -o c.json
expect_rc 0 "$BIN" compare --before "$P" --after after.png $S --json -o c_nf.json
# Replicates: every photo its own face (before and after swapped in as the
# second photo of each session); the first photos' regions as above.
expect_rc 0 "$BIN" compare --before "$P" --before after.png --after after.png \
    --after "$P" $S --face --json -o c_rep.json

/usr/bin/python3 - <<'PY' && ok || bad "compare --face's skin maps differ from analyze --face's"
import json, sys
import numpy as np
from PIL import Image

def img(f): return json.load(open(f))["images"][0]
ab, aa, anf = img("an_b.json"), img("an_a.json"), img("an_nf.json")
c, cnf, crep = (json.load(open(f)) for f in ("c.json", "c_nf.json", "c_rep.json"))
fail = []
def near(what, got, want, tol):
    print("%-44s %12.6g %12.6g" % (what, got, want))
    if abs(got - want) > tol:
        fail.append(what)

# The box at the right edge is the person behind: many region pixels
# without a face, none with it (seen on the overlays).
rb = np.asarray(Image.open("rb.png").convert("L"))[400:650, 560:]
rnf = np.asarray(Image.open("rnf.png").convert("L"))[400:650, 560:]
print("person box: region px without face %d, with face %d" %
      ((rnf > 0).sum(), (rb > 0).sum()))
if (rnf > 0).sum() < 5000 or (rb > 0).sum() != 0:
    fail.append("person box")

# The same skin map: area to the JSON's 6 significant digits (1e-4 cm² at
# 25 cm²; measured equal), exclusion fractions (1e-6), pores found (exact).
for cj, name in ((c, "c"), (crep, "c_rep")):
    for side, an in (("before", ab), ("after", aa)):
        near("%s %s region_cm2" % (name, side), cj[side]["region_cm2"],
             an["region"]["area_cm2"], 1e-4)
        for k in ("fraction", "skin_fraction", "clipped_fraction"):
            near("%s %s %s" % (name, side, k), cj[side]["region"][k],
                 an["region"][k], 1e-6)
        near("%s %s pores_found" % (name, side), cj[side]["pores_found"],
             an["pores"]["count"], 0)
# Without --face compare keeps the person (as analyze without a face):
# the face makes the difference, more than 10 cm² here (36.9 vs 25.9).
near("no face: before region_cm2", cnf["before"]["region_cm2"],
     anf["region"]["area_cm2"], 1e-4)
if cnf["before"]["region_cm2"] - c["before"]["region_cm2"] < 10:
    fail.append("face makes no difference")
# The common region lies within the before photo's region.
if not c["common_area_cm2"] <= c["before"]["region_cm2"] + 1e-4:
    fail.append("common area")
print("common_area_cm2 with face %g, without %g" %
      (c["common_area_cm2"], cnf["common_area_cm2"]))
if fail:
    print("FAILED:", fail)
sys.exit(1 if fail else 0)
PY
finish
