#!/usr/bin/env bash
# start_test (harness.sh) empties its scratch folder: it must refuse folders
# whose loss would hurt ($HOME, the source tree, short paths, source
# folders) and fail the test with a reason, and still take the build's
# tests/tmp/cli_<test>. Checked on a copy of harness.sh in a fake source
# tree inside this test's own scratch folder, with HOME pointed there too,
# so a broken guard can only empty this test's scratch folder.
# Usage: test_harness_scratch.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"

mkdir -p src/tests/cli src/build/tests/tmp/cli_x src/samples home
cp "$HERE/harness.sh" src/tests/cli/
: > src/build/CMakeCache.txt
for f in src/samples/keep src/tests/cli/keep home/keep src/keep; do : > "$f"; done

# try DIR WANT_RC [TEXT]: start_test from the fake tree on DIR, in a
# subshell with HOME=$DIR_OF_TEST/home; exit WANT_RC and err.txt has TEXT
try() {
    local rc=0
    (HOME="$DIR/home"; . "$DIR/src/tests/cli/harness.sh"; start_test "$BIN" "$1") \
        >out.txt 2>err.txt || rc=$?
    if [ "$rc" -eq "$2" ]; then ok; else bad "start_test on $1 -> exit $rc, want $2"; cat err.txt >&2; fi
    if [ $# -gt 2 ]; then has err.txt "$3"; fi
}
try "$DIR/src" 1 "the source tree or \$HOME"
try "$DIR/home" 1 "the source tree or \$HOME"
try "$DIR" 1 "the source tree or \$HOME"          # holds both
try "$DIR/src/tests/cli" 1 "in the source tree $DIR/src outside a build folder"
try "$DIR/src/samples" 1 "in the source tree $DIR/src outside a build folder"
# (this scratch folder is itself under tmp: folders elsewhere are in /proc,
# where nothing can be removed or made)
try /proc/skd 1 "fewer than 3 components"
try /proc/1/skd-none 1 "not under a folder named tmp or tests"
try /proc/1/tests/skd-none 1 "under a folder named tests outside a build"
for f in src/samples/keep src/tests/cli/keep home/keep src/keep; do
    [ -e "$f" ] && ok || bad "a refused start_test removed $f"
done
# the build's scratch folder is emptied and entered
: > src/build/tests/tmp/cli_x/old
try "$DIR/src/build/tests/tmp/cli_x" 0
[ ! -e src/build/tests/tmp/cli_x/old ] && ok || bad "the build's scratch folder was not emptied"
# and a relative path, from the current folder
mkdir -p src/build/tests/tmp/cli_y && : > src/build/tests/tmp/cli_y/old
try src/build/tests/tmp/cli_y 0
[ ! -e src/build/tests/tmp/cli_y/old ] && ok || bad "a relative scratch folder was not emptied"
finish
