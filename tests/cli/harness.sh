# Sourced by the command-line tests: counters, checks that count, and the
# summary. Commands run in the test's scratch folder; out.txt and err.txt
# hold the last command's output.
# A test that cannot run exits 77 (ctest reports SKIP): skip_test for the whole
# test, skip for one part (finish then reports SKIP unless something failed).
# See docs/testing.md.
pass=0
fail=0
skipped=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
skip() { skipped=$((skipped + 1)); echo "  SKIP part: $*" >&2; }
skip_test() { echo "SKIP: $*"; exit 77; }
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
