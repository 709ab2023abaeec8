#!/usr/bin/env bash
# The report for a patient: --title, --patient, --site and the capture
# dates (said where they come from) in the page; one card per question;
# in headless Chromium the whole page fits 390 px (a phone) without
# sideways scrolling, and 1400 px; the screenshot covers the full page.
# Usage: test_report_phone.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"

"$BIN" synth before.png --after after.png --width 480 --height 360 \
    --keep-pores 0.6 --relief-scale 0.8 --shift 6,-4 -q || exit 1
touch -d '2024-03-18 10:22' before.png
touch -d '2024-04-20 09:05' after.png
expect_rc 0 "$BIN" compare before.png after.png --px-per-mm 20 --bootstrap 200 \
    --report r.html --title 'Peel <series>' --patient 'P-0042' --site 'left cheek'
has r.html '<h1>Peel &lt;series&gt;</h1>'
has r.html 'P-0042'
has r.html 'left cheek'
has r.html '2024-03-18 10:22'
has r.html '2024-04-20 09:05 (file dates: the photos carry no EXIF date)'
[ "$(grep -o '<div class="card ' r.html | wc -l)" -eq 3 ] && ok || bad "not three cards"
has r.html 'percentage points'
expect_rc 2 "$BIN" compare before.png after.png --patient x
has err.txt "go with --report FILE.html"

for w in 390 1400; do
    rc=0
    bash "$ROOT/scripts/screenshot-report.sh" r.html "shot-$w.png" "$w" >out.txt 2>err.txt || rc=$?
    if [ "$rc" -eq 77 ]; then
        skip "no chromium: the page width is not checked (scripts/setup.sh installs it)"
        continue
    fi
    [ "$rc" -eq 0 ] && ok || { bad "screenshot at $w px: exit $rc"; cat out.txt err.txt >&2; }
    has out.txt "content $w px wide"
    # the full page: much taller than a window, and the phone's taller still
    h=$(sed -n 's/.*: [0-9]*x\([0-9]*\),.*/\1/p' out.txt)
    echo "  $w px: page $h px tall" >&2
    [ "${h:-0}" -gt 2400 ] && ok || bad "screenshot at $w px is ${h:-?} px tall: not the full page"
done
finish
