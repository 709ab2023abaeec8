#!/usr/bin/env bash
# The main job on the bundled samples: analyse the before/after pair, compare
# them and write the HTML report a clinician would show a patient.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >/dev/null
SKD=build/skindiff
OUT=build/demo
mkdir -p "$OUT"

echo "== skindiff analyze (before) =="
$SKD analyze samples/before.jpg --px-per-mm 20 --overlay "$OUT/before-overlay.png"
echo
echo "== skindiff compare =="
$SKD compare samples/before.jpg samples/after.jpg --px-per-mm 20 \
    --report "$OUT/report.html"
$SKD compare samples/before.jpg samples/after.jpg --px-per-mm 20 --json -o "$OUT/compare.json"
echo
echo "Ground truth of the simulated treatment: samples/truth.json"
echo "Report: $OUT/report.html   JSON: $OUT/compare.json   Overlay: $OUT/before-overlay.png"
