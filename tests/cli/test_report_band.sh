#!/usr/bin/env bash
# Photos of different px/mm are both measured in their common band
# (docs/comparing.md, "Different resolutions"); the HTML report says so in
# its acquisition table, with the figures of compare --json's common_band,
# and a pair at one scale has no such row. Synthetic skin at 20 px/mm
# against a second camera at zoom 1.333 (15 px/mm).
# Usage: test_report_band.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"

"$BIN" synth b.png --after a.png --width 640 --height 480 --px-per-mm 20 \
    --scale 1.3333 --seed 5 -q
"$BIN" synth b1.png --after a1.png --width 640 --height 480 --px-per-mm 20 \
    --seed 5 -q

expect_rc 0 "$BIN" compare b.png a.png --px-per-mm 20 --json -o c.json --report r.html
/usr/bin/python3 - c.json r.html <<'PY' && ok || bad "report band row against the JSON"
import json, re, sys
band = json.load(open(sys.argv[1]))["common_band"]
html = open(sys.argv[2], encoding="utf-8").read()
# the coarser photo's scale: 20 / 1.3333 px/mm, as registered (within 1%)
assert abs(band["px_per_mm"] - 15.0) < 0.15, band
row = re.search(r"<tr><td>Common band</td><td>(.*?)</td></tr>", html)
assert row, "no Common band row"
want = "(%.2f px/mm): texture from %.3f mm, pores from a radius of %.3f mm" % (
    band["px_per_mm"], band["texture_fine_mm"], band["pore_radius_min_mm"])
assert want in row.group(1), (row.group(1), want)
PY
expect_rc 0 "$BIN" compare b1.png a1.png --px-per-mm 20 --json -o c1.json --report r1.html
has c1.json '"common_band": null'
lacks r1.html 'Common band'
finish
