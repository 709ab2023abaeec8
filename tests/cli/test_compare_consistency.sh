#!/usr/bin/env bash
# The same pair gives the same figures however it is run: compare with 1, 2
# and 3 threads (byte-identical JSON apart from the thread count), analyze with
# 1 and 2 threads, and batch's comparison row equal to compare's figures for
# the same pair and settings (every metric's before, after, change, change %,
# interval, floor and verdict, and the transform).
# Usage: test_compare_consistency.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"

mkdir -p arch/P1/s1 arch/P1/s2
"$BIN" synth -q arch/P1/s1/front.png --after arch/P1/s2/front.png --width 500 --height 400 \
    --seed 5 --keep-pores 0.7 --relief-scale 0.8 --shift 7,-5 --rotate 2
B=arch/P1/s1/front.png
A=arch/P1/s2/front.png
set -- --px-per-mm 20 --tile-mm 4 --seed 3 --pore-threshold 9 --red-delta 4

for n in 1 2 3; do
    expect_rc 0 "$BIN" compare "$B" "$A" "$@" --threads "$n" --json -o "cmp$n.json"
    sed 's/"threads": [0-9]*/"threads": N/' "cmp$n.json" > "cmp$n.norm"
done
cmp -s cmp1.norm cmp2.norm && ok || { bad "compare: 1 and 2 threads differ"; diff cmp1.norm cmp2.norm | head >&2; }
cmp -s cmp1.norm cmp3.norm && ok || { bad "compare: 1 and 3 threads differ"; diff cmp1.norm cmp3.norm | head >&2; }
for n in 1 2; do
    expect_rc 0 "$BIN" analyze "$B" --px-per-mm 20 --threads "$n" --json -o "an$n.json"
    sed 's/"threads": [0-9]*/"threads": N/' "an$n.json" > "an$n.norm"
done
cmp -s an1.norm an2.norm && ok || { bad "analyze: 1 and 2 threads differ"; diff an1.norm an2.norm | head >&2; }

# batch on the same pair, same settings (its own option names).
expect_rc 0 "$BIN" batch arch --db b.db -j 2 -q --px-per-mm 20 --tile-mm 4 --seed 3 \
    --pore-threshold 9 --red-delta 4
expect_rc 0 "$BIN" export --db b.db --table comparisons -o cmp.csv
python3 - cmp1.json cmp.csv <<'PY' && ok || bad "batch and compare disagree (above)"
import csv, json, sys
c = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == 1, "want one comparison row, got %d" % len(rows)
r = rows[0]
bad, n = [], 0
for name, m in c["metrics"].items():
    for field in ("before", "after", "change", "change_pct", "ci_low", "ci_high",
                  "noise_floor", "verdict"):
        col = "%s_%s" % (name, field)
        if col not in r:
            bad.append("no column " + col)
            continue
        want, got = m[field], r[col]
        # both print %.6g: equal figures print equal numbers
        same = got == want if field == "verdict" else (got != "" and float(got) == float(want))
        n += 1
        if not same:
            bad.append("%s: compare %r, batch %r" % (col, want, got))
for f in ("dx", "dy", "rotation_deg", "scale", "confidence"):
    n += 1
    if float(r[f]) != float(c["transform"][f]):
        bad.append("%s: compare %r, batch %r" % (f, c["transform"][f], r[f]))
n += 1
if float(r["common_area_cm2"]) != float(c["common_area_cm2"]):
    bad.append("common area: compare %r, batch %r" % (c["common_area_cm2"], r["common_area_cm2"]))
for b in bad:
    print("  " + b, file=sys.stderr)
print("  batch vs compare: %d figures, %d differ" % (n, len(bad)), file=sys.stderr)
sys.exit(1 if bad else 0)
PY

finish
