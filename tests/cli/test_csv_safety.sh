#!/usr/bin/env bash
# CSV for spreadsheets: patient and session names a spreadsheet would
# evaluate (=HYPERLINK(...), +1, @SUM, -cmd, a leading tab, a leading
# apostrophe) go through batch and export (wide and --long), analyze --csv
# and compare --csv with a leading apostrophe, and Python's csv module reads
# them back to the same strings minus that apostrophe; negative numbers stay
# numbers; --excel starts with a UTF-8 byte order mark; NDJSON keeps the
# names as they are. Identifying columns come first, hashes last.
# Usage: test_csv_safety.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"

P1='=HYPERLINK("evil.example","click me")'
P2=$'\t+1,2'
P3="@SUM(A1:A2)"
S1="-2+3+cmd|' calc'!A0"
S2="'quoted"
for p in "$P1" "$P2" "$P3"; do
    mkdir -p "arch/$p/$S1" "arch/$p/$S2"
done
"$BIN" synth "arch/$P1/$S1/cheek.png" --after "arch/$P1/$S2/cheek.png" \
    --width 160 --height 120 --keep-pores 0.7 -q || exit 1
for p in "$P2" "$P3"; do
    cp "arch/$P1/$S1/cheek.png" "arch/$p/$S1/cheek.png"
    cp "arch/$P1/$S2/cheek.png" "arch/$p/$S2/cheek.png"
done
cp "arch/$P1/$S1/cheek.png" ./=a.png
cp "arch/$P1/$S2/cheek.png" ./-b.png

expect_rc 0 "$BIN" batch arch --db r.db --px-per-mm 20 --assume-aligned --bootstrap 100 -q
for t in images comparisons series; do
    expect_rc 0 "$BIN" export --db r.db --csv --table $t -o $t.csv
done
expect_rc 0 "$BIN" export --db r.db --table images --long -o images_long.csv
expect_rc 0 "$BIN" export --db r.db --table comparisons --long -o comparisons_long.csv
expect_rc 0 "$BIN" export --db r.db --table images --csv --excel -o excel.csv
expect_rc 0 "$BIN" export --db r.db --table images --ndjson -o images.ndjson
expect_rc 0 "$BIN" analyze --px-per-mm 20 --csv -o analyze.csv -- ./=a.png -b.png
expect_rc 0 "$BIN" analyze --px-per-mm 20 --csv --excel -o analyze-excel.csv -- ./=a.png
expect_rc 0 "$BIN" compare --px-per-mm 20 --assume-aligned --bootstrap 100 --csv -o compare.csv -- -b.png ./=a.png

P1="$P1" P2="$P2" P3="$P3" S1="$S1" S2="$S2" /usr/bin/python3 - <<'PY' || bad "CSV checks (above)"
import csv, json, os, sys
P = [os.environ['P1'], os.environ['P2'], os.environ['P3']]
S = [os.environ['S1'], os.environ['S2']]
fails = 0
def check(cond, msg):
    global fails
    if not cond:
        fails += 1
        print('FAIL: ' + msg, file=sys.stderr)

def read(name, bom=False):
    raw = open(name, 'rb').read()
    check(raw.startswith(b'\xef\xbb\xbf') == bom, '%s: byte order mark %s' % (name, 'missing' if bom else 'unexpected'))
    text = raw.decode('utf-8-sig')
    return list(csv.DictReader(text.splitlines(keepends=True)))

def unescape(cell, name, col):
    # every text cell a spreadsheet would evaluate starts with the apostrophe
    if cell[:1] in ('=', '+', '@', '\t', '\r') or (cell[:1] == '-' and not cell[1:2].isdigit()):
        check(False, '%s: %s cell %r would be evaluated' % (name, col, cell))
    return cell[1:] if cell.startswith("'") else cell

for name in ('images.csv', 'series.csv', 'images_long.csv'):
    rows = read(name)
    got = {(unescape(r['patient'], name, 'patient'), unescape(r['session'], name, 'session')) for r in rows}
    want = {(p, s) for p in P for s in S}
    check(got == want, '%s: names %r, want %r' % (name, sorted(got), sorted(want)))
    check(all(r['patient'].startswith("'") for r in rows), name + ': a patient name without its apostrophe')
for name in ('comparisons.csv', 'comparisons_long.csv'):
    rows = read(name)
    got = {(unescape(r['patient'], name, 'patient'), frozenset((unescape(r['session_before'], name, 's'), unescape(r['session_after'], name, 's')))) for r in rows}
    check(got == {(p, frozenset(S)) for p in P}, '%s: names %r' % (name, sorted(got)))

rows = read('excel.csv', bom=True)
check(len(rows) == 6, 'excel.csv: %d rows' % len(rows))
img = read('images.csv')
cols = list(img[0].keys())
check(cols[:4] == ['patient', 'session', 'view', 'path'], 'images.csv: identifying columns first: %r' % cols[:4])
check(cols[-4:] == ['content_sha256', 'params_hash', 'image_key', 'image_set'], 'images.csv: hashes last: %r' % cols[-4:])
cols = list(read('comparisons.csv')[0].keys())
check(cols[:5] == ['patient', 'view', 'session_before', 'session_after', 'kind'], 'comparisons.csv first columns %r' % cols[:5])
check(cols[-5:] == ['before_key', 'after_key', 'params_hash', 'comparison_key', 'param_set'], 'comparisons.csv last columns %r' % cols[-5:])

long_rows = read('images_long.csv')
check(list(long_rows[0].keys())[:7] == ['patient', 'session', 'view', 'zone', 'metric', 'value', 'unit'], 'images_long columns %r' % list(long_rows[0].keys()))
# 13 figures and the 8 shares of the frame (schema 4) per photo
check(len(long_rows) == 6 * 21, 'images_long: %d rows, want 126' % len(long_rows))
wide = {(r['patient'], r['session']): r for r in img}
for r in long_rows:
    w = wide[(r['patient'], r['session'])]
    check(r['value'] == w[r['metric']], 'images_long %s %s: %s, wide %s' % (r['patient'], r['metric'], r['value'], w[r['metric']]))
units = {r['metric']: r['unit'] for r in long_rows}
check(units['sa'] == '% contrast' and units['pore_density_per_cm2'] == 'pores/cm²' and units['red_area_fraction'] == 'fraction', 'units %r' % units)
cl = read('comparisons_long.csv')
# nine metrics and 16 rows of the acquisition check per comparison
check(len(cl) == 3 * (9 + 16), 'comparisons_long: %d rows' % len(cl))
check({r['change_unit'] for r in cl if r['metric'] == 'red_area'} == {'percentage points'}, 'red_area change unit')
check(all(r['zone'] == 'whole' for r in cl), 'zone')

nd = [json.loads(l) for l in open('images.ndjson', encoding='utf-8')]
check({(r['patient'], r['session']) for r in nd} == {(p, s) for p in P for s in S}, 'NDJSON names changed')

an = read('analyze.csv')
check([unescape(r['file'], 'analyze.csv', 'file') for r in an] == ['./=a.png', '-b.png'], 'analyze.csv files %r' % [r['file'] for r in an])
check(an[1]['file'] == "'-b.png", 'analyze.csv: -b.png not escaped: %r' % an[1]['file'])
read('analyze-excel.csv', bom=True)
cp = read('compare.csv')
check(all(r['before_file'] == "'-b.png" and r['after_file'] == './=a.png' for r in cp), 'compare.csv files %r' % [(r['before_file'], r['after_file']) for r in cp[:1]])
neg = [r['change'] for r in cp if r['change'].startswith('-')]
check(neg and all(not c.startswith("'") for c in neg), 'negative numbers must stay numbers: %r' % neg)
print('csv safety: %d problems' % fails)
sys.exit(1 if fails else 0)
PY
finish
