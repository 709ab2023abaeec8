# Sourced by the output-failure tests (test_output_fail*.sh) with
# harness.sh: checks on a write that failed.
# expect_out_fail WANT_RC WANT_TEXT NAME CMD...: CMD exits WANT_RC and its
# stderr names NAME and contains WANT_TEXT (any case).
expect_out_fail() {
    local want=$1 text=$2 name=$3 rc=0
    shift 3
    "$@" >out.txt 2>err.txt || rc=$?
    if [ "$rc" -ne "$want" ]; then
        bad "$* -> exit $rc, want $want"
        sed 's/^/  | /' err.txt >&2
    elif ! grep -qF -- "$name" err.txt || ! grep -qiF -- "$text" err.txt; then
        bad "$*: error should name '$name' and say '$text'"
        sed 's/^/  | /' err.txt >&2
    else
        ok
        echo "  $(grep -m1 -F -- "$name" err.txt)" >&2
    fi
}
no_temp() { # no_temp DIR: no temporary file left in DIR
    if ls "$1"/*.tmp.* >/dev/null 2>&1; then bad "temporary file left in $1"; ls -la "$1" >&2
    else ok; fi
}
same() { # same FILE REFERENCE: FILE left untouched
    if cmp -s "$1" "$2"; then ok; else bad "$1 was changed"; fi
}
absent() { # absent FILE: no partial output
    if [ -e "$1" ]; then bad "$1 exists (partial output)"; else ok; fi
}
