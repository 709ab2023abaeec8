#!/usr/bin/env bash
# The report's cards when the photos differ in more than the skin: the same
# skin with the after photo at 0.6 of the light (synth --exposure 0.6, so
# 40% darker) makes every card "Cannot tell" with the reason, never a
# verdict; the acquisition table is in the page.
# Usage: test_report_cards.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"

"$BIN" synth a.png --width 600 --height 480 -q || exit 1
"$BIN" synth c.png --width 600 --height 480 --exposure 0.6 -q || exit 1
expect_rc 0 "$BIN" compare a.png c.png --px-per-mm 20 --bootstrap 200 --report r.html
n=$(grep -o '<div class="card unsure">' r.html | wc -l)
[ "$n" -eq 3 ] && ok || bad "$n of 3 cards say 'Cannot tell'"
has r.html 'the after photo is 40% darker'
has r.html 'How the two photos were taken'
has r.html 'the colour is not calibrated'
lacks r.html '<div class="say">Smoother'
lacks r.html '<div class="say">Rougher'
finish
