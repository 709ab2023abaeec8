# Sourced by the command-line tests: counters, checks that count, and the
# summary. Commands run in the test's scratch folder; out.txt and err.txt
# hold the last command's output.
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
skip() { echo "  SKIP $*" >&2; }
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
finish() { # the summary line; the status is the verdict
    echo "$(basename "$0" .sh): $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
