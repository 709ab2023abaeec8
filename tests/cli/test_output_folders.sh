#!/usr/bin/env bash
# Output folders are checked before any work: an output file (-o, --report,
# --overlay, --region-out, --zones-out, synth's --after and --truth) in a
# folder that does not exist is refused with exit status 5 and a message
# naming the flag and the folder, and nothing is written; "-" and devices
# pass.
# Usage: test_output_folders.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"

"$BIN" synth a.png --width 200 --height 160 -q || exit 1
expect_rc 5 "$BIN" compare a.png a.png --px-per-mm 20 --report nodir/r.html
has err.txt "--report nodir/r.html: cannot write in nodir: No such file or directory"
expect_rc 5 "$BIN" analyze a.png --px-per-mm 20 --json -o nodir/a.json
has err.txt "--output nodir/a.json: cannot write in nodir: No such file or directory"
expect_rc 5 "$BIN" analyze a.png --px-per-mm 20 --overlay nodir/o.png
has err.txt "--overlay nodir/o.png: cannot write in nodir: No such file or directory"
expect_rc 5 "$BIN" analyze a.png --px-per-mm 20 --region-out nodir/r.png
has err.txt "--region-out nodir/r.png: cannot write in nodir: No such file or directory"
expect_rc 5 "$BIN" synth b.png --after nodir/c.png -q
has err.txt "--after nodir/c.png: cannot write in nodir: No such file or directory"
[ ! -e b.png ] && ok || bad "synth wrote b.png although --after's folder is missing"
# a usage error still comes first
expect_rc 2 "$BIN" analyze a.png --px-per-mm 5000 -o nodir/a.json
# standard output and devices are written in place
expect_rc 0 "$BIN" analyze a.png --px-per-mm 20 --json -o -
expect_rc 0 "$BIN" analyze a.png --px-per-mm 20 --json -o /dev/null
expect_rc 0 "$BIN" analyze a.png --px-per-mm 20 --json -o a.json
[ -s a.json ] && ok || bad "a.json not written"
finish
