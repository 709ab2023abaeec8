#!/usr/bin/env bash
# Regenerate samples/: a synthetic before/after pair of the same skin with a
# simulated microneedling-like treatment and a camera moved between sessions.
# The ground truth of both photos is samples/truth.json.
set -euo pipefail
cd "$(dirname "$0")/.."
SKD=${SKD:-build/skindiff}
$SKD synth samples/before.jpg --after samples/after.jpg --truth samples/truth.json \
    --width 1200 --height 900 --px-per-mm 20 --seed 2026 \
    --keep-pores 0.6 --relief-scale 0.7 --delta-a -3 --red-scale 0.7 \
    --red-patches 30 --red-radius 0.6 --red-patch-delta 9 \
    --after-seed 7 --shift 24,-15 --rotate 3 --scale 1.02 --quality 92
