#!/usr/bin/env bash
# skindiff analyze with facial zones: the landmarks file and label image
# routes (every build), --zones-out read back, outputs per zone, usage
# errors; --face on a synthetic close-up (no face, no error) with dlib.
# Usage: test_zones.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"

"$BIN" synth skin.png --width 400 --height 400 --seed 3 -q

# A hand-drawn frontal face of 68 points (the layout of test_zones_routes).
/usr/bin/python3 "$HERE/hand_face.py" face.json

# --skin off: with landmarks the skin map leaves the face's features (eye,
# lip, brow and nostril polygons) out, which a label image does not carry,
# and on this 10 mm "face" the 1 mm support of R then empties the nose;
# the skin map with a face is tested on real faces (test_skin_photos).
expect_rc 0 "$BIN" analyze skin.png --px-per-mm 20 --skin off --landmarks face.json --json \
    -o a.json --zones-out z.png --overlay ov.png
has a.json '"zone_source": "landmarks"'
for z in whole forehead nose left_cheek right_cheek chin; do has a.json "\"$z\": {\"status\": \"ok\""; done
[ -s z.png ] && ok || bad "no --zones-out file"
[ -s ov.png ] && ok || bad "no overlay"

# The label image read back gives the same zone figures.
expect_rc 0 "$BIN" analyze skin.png --px-per-mm 20 --skin off --zones z.png --json -o b.json
has b.json '"zone_source": "labels"'
/usr/bin/python3 - <<'PY' && ok || bad "zone figures differ between --landmarks and --zones"
import json, sys
a = json.load(open("a.json"))["images"][0]["zones"]
b = json.load(open("b.json"))["images"][0]["zones"]
sys.exit(0 if a == b else 1)
PY

# CSV: a zone column, a row per zone.
expect_rc 0 "$BIN" analyze skin.png --px-per-mm 20 --landmarks face.json --csv
has out.txt "file,zone,status"
[ "$(grep -c '^skin.png,' out.txt)" -eq 6 ] && ok || bad "CSV: want 6 zone rows"
has out.txt "skin.png,left_cheek,ok"

# Text: a zone table.
expect_rc 0 "$BIN" analyze skin.png --px-per-mm 20 --landmarks face.json
has out.txt "Zones (landmarks)"
has out.txt "right_cheek"

# Without zones the outputs are as before.
expect_rc 0 "$BIN" analyze skin.png --px-per-mm 20 --csv
has out.txt "file,status"
lacks out.txt "zone"

# Usage and input errors.
expect_rc 2 "$BIN" analyze skin.png --landmarks face.json --zones z.png
expect_rc 2 "$BIN" analyze skin.png skin.png --landmarks face.json
expect_rc 2 "$BIN" analyze skin.png --zones-out x.png
echo '{"landmarks": {"p0": [1, 2]}}' > short.json
expect_rc 3 "$BIN" analyze skin.png --landmarks short.json
has err.txt 'p1'
"$BIN" synth small.png --width 200 --height 200 -q
# Like a --mask of another size: a bad argument (exit 2).
expect_rc 2 "$BIN" analyze small.png --zones z.png
has err.txt "400x400"

# compare: the before photo's zones mapped onto the after photo through the
# alignment, each with its own interval and verdict. Synthetic skin whose
# relief is 30% lower after, seen by a camera shifted and turned: every zone
# improves in Sa; untreated skin gives no zone verdict.
"$BIN" synth b.png --width 400 --height 400 --seed 7 --after a.png \
    --relief-scale 0.7 --shift 12,-8 --rotate 2 -q
"$BIN" synth b0.png --width 400 --height 400 --seed 7 --after a0.png \
    --shift 12,-8 --rotate 2 -q
# --skin off as for analyze above: compare gives the landmarks to the before
# photo's skin map too, and on this 10 mm "face" the features' polygons and
# the 1 mm support of R empty the nose (test_compare_face_skin: real faces).
expect_rc 0 "$BIN" compare b.png a.png --px-per-mm 20 --tile-mm 1 --skin off \
    --landmarks face.json --json -o c.json
expect_rc 0 "$BIN" compare b0.png a0.png --px-per-mm 20 --tile-mm 1 --skin off \
    --landmarks face.json --json -o c0.json
/usr/bin/python3 - <<'PY' && ok || bad "compare zones"
import json, sys
c = json.load(open("c.json"))
c0 = json.load(open("c0.json"))
ok = c["zone_source"] == "landmarks" and c["landmark_residual"] is None
for name in ["whole", "forehead", "nose", "left_cheek", "right_cheek", "chin"]:
    z, z0 = c["zones"][name], c0["zones"][name]
    sa, sa0 = z["metrics"]["sa"], z0["metrics"]["sa"]
    print("  %-11s %5.2f cm2 %3d tiles  Sa %+6.1f%% %s | untreated %+5.1f%% %s" % (
        name, z["area_cm2"], z["tiles_used"], sa["change_pct"], sa["verdict"],
        sa0["change_pct"], sa0["verdict"]), file=sys.stderr)
    ok &= z["tiles_used"] >= 2 and sa["verdict"] == "improved"
    # relief 0.7x: Sa falls, by less than 30% since the pores and the
    # sensor noise in the band are unchanged (measured: 8-20% per zone,
    # 14% over the whole)
    ok &= -30 <= sa["change_pct"] < 0
    # Pore verdicts are left out: a zone of 0.1 cm2 holds about 7 pores, and
    # the rule that a pore verdict needs 30 pores (docs/comparing.md) is
    # compare's, not yet in (untreated: left_cheek pore diameter -5%).
    ok &= all(m["verdict"] == "no significant change"
              for k, m in z0["metrics"].items() if not k.startswith("pore"))
sys.exit(0 if ok else 1)
PY
# The landmark check without dlib: the same points given for the after
# photo, which the camera moved, lie where the alignment maps them from
# (|T(p) - p| over the 68 points, from the transform in the output).
expect_rc 0 "$BIN" compare b.png a.png --px-per-mm 20 --tile-mm 1 \
    --landmarks face.json --landmarks-after face.json --json -o r.json
/usr/bin/python3 - <<'PY' && ok || bad "landmark residual"
import json, math, sys
c = json.load(open("r.json"))
pts = list(json.load(open("face.json"))["landmarks"].values())
t = c["transform"]
s, th = t["scale"], math.radians(t["rotation_deg"])
cx = cy = (400 - 1) / 2
d2 = 0
for x, y in pts:
    u, v = x - cx, y - cy
    bx = s * (math.cos(th) * u - math.sin(th) * v) + cx + t["dx"]
    by = s * (math.sin(th) * u + math.cos(th) * v) + cy + t["dy"]
    d2 += (bx - x) ** 2 + (by - y) ** 2
want = math.sqrt(d2 / len(pts))
r = c["landmark_residual"]
print("  residual %.3f px (%.3f mm), from the transform %.3f px" % (r["px"], r["mm"], want),
      file=sys.stderr)
sys.exit(0 if abs(r["px"] - want) < 1e-6 * max(1, want) and not r["large"] else 1)
PY
expect_rc 2 "$BIN" compare b.png a.png --landmarks-after face.json
expect_rc 0 "$BIN" compare b.png a.png --px-per-mm 20 --tile-mm 1 --landmarks face.json --csv
has out.txt "before_file,after_file,zone,metric,"
has out.txt ",left_cheek,sa,"
expect_rc 0 "$BIN" compare b.png a.png --px-per-mm 20 --tile-mm 1 --landmarks face.json \
    --report r.html
has out.txt "Zones: change and verdict per zone"
has r.html "By facial zone"
has r.html "Left cheek"
expect_rc 0 "$BIN" compare b.png a.png --px-per-mm 20 --tile-mm 1 --report r0.html
lacks r0.html "By facial zone"

# --face: a close-up of skin has no face; that is no error.
if "$BIN" --version | grep -q "landmarks: dlib"; then
    expect_rc 0 "$BIN" analyze skin.png --px-per-mm 20 --face --json -o f.json
    has f.json '"zone_source": "none"'
    has f.json '"no_face"'
    has err.txt "no face found"
    lacks f.json '"forehead"'
else
    expect_rc 3 "$BIN" analyze skin.png --face
    has err.txt "no face landmarks"
    skip "--face on a close-up: this build has no dlib"
fi
finish
