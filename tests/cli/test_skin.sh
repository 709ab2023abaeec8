#!/usr/bin/env bash
# The skin map from the command line: --skin auto|off, --region-out, the
# shares of the frame by cause in text, JSON and CSV, an empty region that
# says why and still writes its overlay, and the real portraits' shares
# when the shared test data is there.
# Usage: test_skin.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"
need_python
py() { # py SCRIPT ARGS...: a python check
    if "$PY" - "$@" >py.txt 2>&1; then ok; sed 's/^/  /' py.txt >&2; else bad "python check: $(cat py.txt)"; fi
}

# --- options in every command's help ----------------------------------------------
for cmd in analyze compare batch; do
    expect_rc 0 "$BIN" "$cmd" --help
    has out.txt "--skin"
done
expect_rc 0 "$BIN" analyze --help
has out.txt "--region-out"
expect_rc 2 "$BIN" analyze --skin maybe x.png
has err.txt "auto or off"

# --- a close-up: all of it is skin ---------------------------------------------------
expect_rc 0 "$BIN" synth closeup.png --width 400 --height 300 --red-patches 3 -q
expect_rc 0 "$BIN" analyze closeup.png --px-per-mm 20 --json -o closeup.json \
    --region-out closeup.R.png --overlay closeup.ov.png
[ -s closeup.R.png ] && [ -s closeup.ov.png ] && ok || bad "region or overlay not written"
expect_rc 0 "$BIN" info closeup.R.png
has out.txt "400x300"
py closeup.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["images"][0]["region"]
e = r["excluded"]
total = r["fraction"] + sum(e.values())
print("close-up: R %.4f, S %.4f, clipped %.4f, excluded %s, sum %.6f"
      % (r["fraction"], r["skin_fraction"], r["clipped_fraction"], e, total))
assert r["skin_map"] == "auto"
assert r["skin_fraction"] >= 0.95            # docs/skin-map.md: a close-up keeps >= 95%
assert abs(total - 1) < 1e-9                 # the shares cover the frame
assert r["clipped_fraction"] == 0            # nothing clips at the default exposure
PY
expect_rc 0 "$BIN" analyze closeup.png --px-per-mm 20
has out.txt "Measured"
has out.txt "not skin"
expect_rc 0 "$BIN" analyze closeup.png --px-per-mm 20 --csv -o closeup.csv
has closeup.csv "skin_map,region_fraction,skin_fraction,clipped_fraction,excluded_not_skin"
has closeup.csv ",auto,"

# --- over-exposed: red clips on flushed fair skin, the skin stays and is counted ---
expect_rc 0 "$BIN" synth bright.png --width 300 --height 200 --L 80 --a 20 --exposure 1.25 -q
expect_rc 0 "$BIN" analyze bright.png --px-per-mm 20 --json -o bright.json
has err.txt "over-exposed"
py bright.json <<'PY'
import json, sys
im = json.load(open(sys.argv[1]))["images"][0]
r = im["region"]
print("red clipped: R %.4f, clipped %.4f, highlight %.4f" % (r["fraction"], r["clipped_fraction"], r["excluded"]["highlight"]))
assert r["clipped_fraction"] > 0.02 and "overexposed" in im["warnings"]
assert r["excluded"]["highlight"] == 0       # one clipped channel is not a highlight
assert r["fraction"] > 0.9
PY

# --- nothing is skin: a blue picture -----------------------------------------------
expect_rc 0 "$BIN" synth blue.png --width 200 --height 150 --L 50 --a -5 --b -30 -q
expect_rc 3 "$BIN" analyze blue.png --px-per-mm 20 --overlay blue.ov.png --region-out blue.R.png
has err.txt "region empty"
has err.txt "not skin"
[ -s blue.ov.png ] && [ -s blue.R.png ] && ok || bad "empty region: overlay or region file missing"
expect_rc 0 "$BIN" analyze blue.png --px-per-mm 20 --skin off --json -o blue.json
py blue.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["images"][0]["region"]
print("--skin off: R %.4f, S %.4f" % (r["fraction"], r["skin_fraction"]))
assert r["skin_map"] == "off" and r["skin_fraction"] == 1 and r["fraction"] == 1
PY

# --- batch: the skin setting is part of the results' key ---------------------------
mkdir -p arch/P1/s1 arch/P1/s2
expect_rc 0 "$BIN" synth -q arch/P1/s1/front.png --after arch/P1/s2/front.png \
    --width 300 --height 240
expect_rc 0 "$BIN" batch arch --db skin.db -j 1 -q --px-per-mm 20
has err.txt "photos 2 analysed"
expect_rc 0 "$BIN" batch arch --db skin.db -j 1 -q --px-per-mm 20
has err.txt "photos 0 analysed"
expect_rc 0 "$BIN" batch arch --db skin.db -j 1 -q --px-per-mm 20 --skin off
has err.txt "photos 2 analysed"

# --- the real portraits (test data, never committed) ------------------------------
if need_shared_data "$DATA" photos/portrait-podium.jpg "real portrait"; then
    expect_rc 0 "$BIN" analyze "$DATA/photos/portrait-podium.jpg" --px-per-mm 1 --json -o podium.json
    py podium.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["images"][0]["region"]
print("portrait-podium: R %.3f, S %.3f, not skin %.3f" % (r["fraction"], r["skin_fraction"], r["excluded"]["not_skin"]))
# the face and ears are about 15% of this frame (measured 15.3%): the rest
# is suit, flag, podium
assert 0.08 < r["skin_fraction"] < 0.25 and r["excluded"]["not_skin"] > 0.7
PY
fi

finish
