# shellcheck shell=bash disable=SC2034 # start_test sets the tests' variables
# Sourced by the command-line tests: counters, checks that count, and the
# summary. Commands run in the test's scratch folder; out.txt and err.txt
# hold the last command's output.
# A test that cannot run exits 77 (ctest reports SKIP): skip_test for the whole
# test, skip for one part (finish then reports SKIP unless something failed).
# See docs/testing.md.
# A test starts with
#     set -eu                       (or set -u: whether a failing command ends it)
#     . "$(dirname "$0")/harness.sh"
#     start_test "$@"
# and ends with `finish`.
pass=0
fail=0
skipped=0
# start_test "$@": the arguments tests/CMakeLists.txt gives every CLI test,
# SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR], and a fresh scratch folder.
# Sets
#   BIN   the skindiff binary, as an absolute path (a test fails at once
#         when it is not an executable file);
#   DIR   the scratch folder (tests/tmp/cli_<test> under the build; absolute), emptied
#         and made the current directory; what a killed run left there is
#         gone: tmpfs mounts (mounts.sh) unmounted, read-only folders too;
#   DATA  the shared test data folder (../shared/data), empty when not given;
#   HERE  tests/cli, the helpers' folder (hand_face.py, batch_archive.sh...);
#   ROOT  the source tree (scripts/, samples/).
start_test() {
    if [ $# -lt 2 ] || [ -z "$2" ] || [ "$2" = / ]; then
        echo "usage: $0 SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]" >&2
        exit 2
    fi
    BIN=$1
    DIR=$2
    case $BIN in /*) ;; */*) BIN=$(cd "${BIN%/*}" 2>/dev/null && pwd)/${BIN##*/} || BIN=$1 ;; esac
    # a wrong path is a failure, not a SKIP of a test that asks --version
    [ -f "$BIN" ] && [ -x "$BIN" ] || { echo "FAIL: $BIN is not an executable" >&2; exit 1; }
    DATA=${3:-}
    HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    ROOT=$(cd "$HERE/../.." && pwd)
    local why
    if why=$(scratch_refused "$DIR"); then
        echo "FAIL: refusing the scratch folder $DIR (it would be emptied): $why" >&2
        exit 1
    fi
    if [ -d "$DIR" ]; then
        local m
        awk -v d="$(cd "$DIR" && pwd)/" 'index($2, d) == 1 {print $2}' /proc/mounts 2>/dev/null |
            sort -r | while read -r m; do
                umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
            done
        chmod -R u+rwx "$DIR" 2>/dev/null || true
        rm -rf "$DIR" 2>/dev/null || echo "  (could not empty $DIR entirely)" >&2
    fi
    mkdir -p "$DIR" && cd "$DIR" || { echo "FAIL: cannot make the scratch folder $DIR" >&2; exit 1; }
    DIR=$(pwd)
}
# scratch_refused DIR: 0, printing why, when start_test must not empty DIR:
# a path of fewer than 3 components, $HOME, the source tree ROOT or a folder
# holding either, a folder not under one named tmp (or tests, in a build:
# a folder with CMakeCache.txt above it), or one inside the source tree but
# outside a build folder of it. CMake gives BUILD/tests/tmp/cli_<test>.
scratch_refused() {
    local d p
    d=$(realpath -m -- "$1" 2>/dev/null) || { echo "cannot resolve the path"; return 0; }
    case $d in
        /*/*/*) ;;
        *) echo "$d has fewer than 3 components"; return 0 ;;
    esac
    for p in "$(realpath -m -- "$ROOT")" "$(realpath -m -- "${HOME:-/}")"; do
        case $p/ in
            "$d"/*) echo "it is or holds $p (the source tree or \$HOME)"; return 0 ;;
        esac
    done
    # the nearest folder above d with CMakeCache.txt, if any: d is in a build
    local build=""
    p=$d
    while [ -n "$p" ]; do
        p=${p%/*}
        if [ -f "${p:-/}/CMakeCache.txt" ]; then build=${p:-/}; break; fi
    done
    case $d in
        */tmp/*) ;;
        */tests/*) [ -n "$build" ] || { echo "$d is under a folder named tests outside a build"; return 0; } ;;
        *) echo "$d is not under a folder named tmp or tests"; return 0 ;;
    esac
    p=$(realpath -m -- "$ROOT")
    case $d/ in
        "$p"/*) case $build/ in
                    "$p"/*) ;;
                    *) echo "$d is in the source tree $p outside a build folder"; return 0 ;;
                esac ;;
    esac
    return 1
}
ok() { # ok [WHAT]: one check passed (WHAT, when given, is printed)
    pass=$((pass + 1))
    if [ $# -gt 0 ]; then echo "ok: $*"; fi
}
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
skip() { skipped=$((skipped + 1)); echo "  SKIP part: $*" >&2; }
skip_test() { echo "SKIP: $*"; exit 77; }
# need_python [MODULE...]: PY, the Debian python (/usr/bin/python3, with
# numpy; python3 on PATH may lack it), or the whole test skips when it
# cannot import every MODULE.
need_python() {
    PY=/usr/bin/python3
    [ -x "$PY" ] || PY=python3
    local mods
    mods=$(IFS=,; echo "${*:-sys}")
    "$PY" -c "import $mods" 2>/dev/null || skip_test "needs $PY with ${*:-python}"
}
need_sqlite3() { # the whole test reads databases with the sqlite3 tool
    command -v sqlite3 >/dev/null ||
        skip_test "no sqlite3 command-line tool (scripts/setup.sh installs it)"
}
# need_shared_data DIR PATH WHAT: 0 when DIR/PATH exists; otherwise the part
# WHAT is skipped, or fails when SKD_REQUIRE_SHARED_DATA=1 (scripts/test.sh
# sets it when ../shared/data exists next to the clone).
need_shared_data() {
    if [ -n "$1" ] && [ -e "$1/$2" ]; then return 0; fi
    if [ "${SKD_REQUIRE_SHARED_DATA:-0}" = 1 ]; then
        bad "$3 needs ${1:-<no shared data dir>}/$2 and SKD_REQUIRE_SHARED_DATA=1"
    else
        skip "$3: ${1:-<no shared data dir>}/$2 not found"
    fi
    return 1
}
expect_rc() { # expect_rc WANT CMD...: output in out.txt / err.txt
    local want=$1 rc=0
    shift
    "$@" >out.txt 2>err.txt || rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else bad "$* -> exit $rc, want $want"; cat err.txt >&2; fi
}
has() { # has FILE TEXT
    if grep -qF -- "$2" "$1"; then ok; else bad "$1 lacks '$2'"; sed 's/^/  | /' "$1" | head -20 >&2; fi
}
lacks() { if grep -qF -- "$2" "$1"; then bad "$1 has '$2'"; else ok; fi; }
finish() { # the summary line; the status is the verdict (77: a part skipped)
    echo "$(basename "$0" .sh): $pass passed, $fail failed, $skipped part(s) skipped"
    [ "$fail" -eq 0 ] || return 1
    if [ "$skipped" -gt 0 ]; then
        echo "SKIP: $skipped part(s) could not run here (see above)"
        return 77
    fi
    return 0
}
