#!/usr/bin/env bash
# skindiff analyze --fft-wisdom: the file is made on the first run, loaded
# on the next (same figures), replaced atomically, and a damaged one only
# costs a warning. --fft-patient alone is a usage error. batch
# --fft-wisdom: the file is made, and results of measured plans are kept
# apart from those of estimated ones (the planning is part of the keys).
# Usage: test_wisdom.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"

expect_rc 0 "$BIN" synth skin.png --width 400 --height 300 --px-per-mm 20
expect_rc 0 "$BIN" analyze --help
has out.txt "--fft-wisdom FILE"

mkdir wis
A=(analyze skin.png --px-per-mm 20 --json --fft-wisdom wis/fft.wisdom)
expect_rc 0 "$BIN" "${A[@]}" -o first.json
has wis/fft.wisdom "fftwf_wisdom"
if [ "$(ls -A wis)" = "fft.wisdom" ]; then ok; else bad "wis/ holds $(ls -A wis)"; fi
cp wis/fft.wisdom saved.wisdom

# Loaded: the same plans, so the same figures; the file stays valid.
expect_rc 0 "$BIN" "${A[@]}" -o second.json
if cmp -s first.json second.json; then ok; else bad "figures differ with loaded wisdom"; fi
has wis/fft.wisdom "fftwf_wisdom"

# A damaged file: a warning, the analysis, and a good file again.
echo "not wisdom" > wis/fft.wisdom
expect_rc 0 "$BIN" "${A[@]}" -o third.json
has err.txt "wisdom"
has wis/fft.wisdom "fftwf_wisdom"
has third.json "pores" # not compared: fresh FFTW_MEASURE plans may round differently

# An unwritable place: a warning, the figures still out, exit 0.
expect_rc 0 "$BIN" analyze skin.png --px-per-mm 20 --json --fft-wisdom nodir/x.wisdom -o fourth.json
has err.txt "FFT wisdom not saved"
has fourth.json "pores"

# Patient planning takes a minute per size: never without a file to keep it.
expect_rc 2 "$BIN" analyze skin.png --fft-patient
has err.txt "--fft-patient needs --fft-wisdom FILE"
expect_rc 2 "$BIN" batch --manifest m.csv --fft-patient
has err.txt "--fft-patient needs --fft-wisdom FILE"

# batch: wisdom made; a run without it does not take the measured results
# for its own (the planning effort is part of the result keys).
printf 'patient,session,view,path\np1,2026-01-01,face,skin.png\n' > m.csv
expect_rc 0 "$BIN" batch --manifest m.csv --db b.db -q --px-per-mm 20 --fft-wisdom batch.wisdom
has batch.wisdom "fftwf_wisdom"
has err.txt "photos 1 analysed, 0 skipped"
expect_rc 0 "$BIN" batch --manifest m.csv --db b.db -q --px-per-mm 20 --fft-wisdom batch.wisdom
has err.txt "photos 0 analysed, 1 skipped"
expect_rc 0 "$BIN" batch --manifest m.csv --db b.db -q --px-per-mm 20
has err.txt "photos 1 analysed, 0 skipped"

finish
