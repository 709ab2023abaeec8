#!/usr/bin/env bash
# One CLI: every command's options come from the one table of
# src/cli/options.c. For every command: --help lists every option it takes
# (and nothing else under "Options:"), has an example; an option has the
# same kind, range and unit in every command that takes it; library options'
# ranges lie inside the library's; a value outside the range is refused
# naming the flag, the range and the unit; --json with --csv is refused.
# Usage: test_cli_options.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"

cmds=$("$BIN" --help | awk '/^Commands:/ {on = 1; next} /^$/ {on = 0} on && /^  [a-z]/ {print $1}')
[ -n "$cmds" ] && ok || bad "no commands listed by skindiff --help"
expect_rc 0 "$BIN" --help
has out.txt "Example"
for c in $cmds analyse; do
    expect_rc 0 "$BIN" "$c" --help
    cp out.txt "help-$c.txt"
    has "help-$c.txt" "Example"
    expect_rc 0 "$BIN" "$c" --help-options
    cp out.txt "table-$c.tsv"
    # the options section of --help: from "Options:" to "-h, --help"
    awk '/^Options:/ {on = 1; next} /^  -h, --help/ {on = 0} on' "help-$c.txt" > "opts-$c.txt"
done

python3 - "$BIN" $cmds <<'PY' || bad "option table checks (above)"
import re, subprocess, sys
binary, cmds = sys.argv[1], sys.argv[2:]
fails = 0
def fail(msg):
    global fails
    fails += 1
    print('FAIL: ' + msg, file=sys.stderr)

seen = {}
for c in cmds:
    rows = [l.split('\t') for l in open('table-%s.tsv' % c).read().splitlines()]
    names = {r[0] for r in rows}
    # the option that starts each line of the options section
    listed = set(re.findall(r'^  (?:-\w, )?(--[a-zA-Z][\w-]*)', open('opts-%s.txt' % c).read(), flags=re.M))
    for r in rows:
        name, alias, old, kind, lo, hi, whole, unit, dest, lib = r
        if name not in listed:
            fail('%s --help does not list %s' % (c, name))
        if lib == 'library-refuses':
            fail('%s %s: the library refuses the ends of %s..%s' % (c, name, lo, hi))
        key = tuple(r[:8])
        if name in seen and seen[name][1] != key:
            fail('%s differs between %s %s and %s %s' % (name, seen[name][0], seen[name][1], c, key))
        seen.setdefault(name, (c, key))
        if kind in ('number', 'u32', 'u64') and float(lo) < float(hi):
            big = float(hi) * 2 + 1
            v = '%d' % big if whole == '1' else '%g' % big
            p = subprocess.run([binary, c, name, v], capture_output=True, text=True)
            want = '%s: %s is outside %s..%s%s' % (name, v, lo, hi, '' if unit == '-' else ' ' + unit)
            if p.returncode != 2 or want not in p.stderr:
                fail('%s %s %s -> exit %d, %r; want %r' % (c, name, v, p.returncode, p.stderr.strip(), want))
    for extra in sorted(listed - names):
        fail('%s --help lists %s, which it does not take' % (c, extra))
print('checked %d commands, %d distinct options' % (len(cmds), len(seen)))
sys.exit(1 if fails else 0)
PY

# the spellings that differed between commands are one name now, the old
# ones still accepted
"$BIN" synth a.png --width 120 --height 100 -q && ok || bad "synth"
for o in --floor-a-mean --floor-a --floor-erythema --floor-ei; do
    expect_rc 0 "$BIN" compare a.png a.png --assume-aligned --px-per-mm 20 --bootstrap 100 --json $o 0.7 -o "cmp$o.json"
done
has cmp--floor-a.json '"a": 0.7'
cmp -s cmp--floor-a.json cmp--floor-a-mean.json && ok || bad "--floor-a is not --floor-a-mean"
cmp -s cmp--floor-ei.json cmp--floor-erythema.json && ok || bad "--floor-ei is not --floor-erythema"
expect_rc 2 "$BIN" compare a.png a.png --json --csv
has err.txt "--json and --csv cannot be used together"
expect_rc 2 "$BIN" analyze a.png --csv --json
has err.txt "--csv and --json cannot be used together"
expect_rc 2 "$BIN" export --db x.db --csv --ndjson
has err.txt "--csv and --ndjson cannot be used together"
expect_rc 2 "$BIN" analyze a.png --px-per-mm 5000
has err.txt "--px-per-mm: 5000 is outside 1..1000 px/mm"
expect_rc 0 "$BIN" analyse a.png --px-per-mm 20 --json -o analyse.json
expect_rc 0 "$BIN" analyze a.png --px-per-mm 20 --json -o analyze.json
cmp -s analyse.json analyze.json && ok || bad "analyse differs from analyze"

# info -r: every photo under a folder, sorted, hidden ones skipped
mkdir -p arch/P1/s1 arch/P1/s2 arch/.hidden
cp a.png arch/P1/s1/cheek.png; cp a.png arch/P1/s2/cheek.png
cp a.png arch/.hidden/x.png; echo text > arch/P1/notes.txt
expect_rc 0 "$BIN" info -r arch
cut -d: -f1 out.txt > got.txt
printf 'arch/P1/s1/cheek.png\narch/P1/s2/cheek.png\n' > want.txt
cmp -s got.txt want.txt && ok || { bad "info -r listing"; diff got.txt want.txt >&2; }

# --overlay-dir: two sessions' cheek.png get their own overlays; the
# overlay's format follows its extension; a folder missing is refused first
mkdir -p od
expect_rc 0 "$BIN" analyze arch/P1/s1/cheek.png arch/P1/s2/cheek.png --px-per-mm 20 --overlay-dir od
[ -s od/P1_s1_cheek.png.overlay.png ] && [ -s od/P1_s2_cheek.png.overlay.png ] && ok || bad "overlay names: $(ls od)"
expect_rc 0 "$BIN" analyze a.png --px-per-mm 20 --overlay ov.jpg
[ "$(head -c 3 ov.jpg | od -An -tx1 | tr -d ' ')" = ffd8ff ] && ok || bad "ov.jpg is not a JPEG"
expect_rc 2 "$BIN" analyze a.png --overlay ov.tif
has err.txt "--overlay ov.tif: the name must end in .png, .jpg or .jpeg"
expect_rc 5 "$BIN" analyze a.png --overlay-dir no-such-folder
has err.txt "--overlay-dir no-such-folder: no such folder"
lacks err.txt "assuming 20 px/mm"
finish
