#!/usr/bin/env bash
# skindiff repeatability --manifest FILE.csv (path,group[,px_per_mm]):
# groups of repeat shots with KNOWN per-shot noise -> SEM and MDC95 within
# stated tolerances of the truth; the floors file is taken by
# compare --floors, whose output names the source "floors file".
# Shots: skindiff synth, 400 x 300 at 20 px/mm, PNG; 4 groups (4 skins) of
# 4 shots. Each shot is its group's skin with relief RMS 4 x (1 + 0.05 z)
# and base a* 14 + 0.4 z (z standard normal, fixed seed), seen from a
# camera moved by up to 0.3 mm. The truth's SEM is the pooled within-group
# SD of the truth JSON's own figures (Sa in percent of the group mean, as
# repeatability takes it).
# Usage: test_repeatability_manifest.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"
mkdir shots

# the shots' parameters (group, shot, relief, a*, offset) from a fixed seed
python3 - >params.txt <<'PY'
import random
r = random.Random(13)
for g in range(4):
    for k in range(4):
        print(g + 1, k + 1, 4 * (1 + 0.05 * r.gauss(0, 1)),
              14 + 0.4 * r.gauss(0, 1), 0.3 * r.random(), 0.3 * r.random())
PY
echo "path,group,px_per_mm" >shots/manifest.csv
while read -r g k relief a ox oy; do
    "$BIN" synth "shots/g$g-$k.png" --width 400 --height 300 --seed "$g" \
        --relief "$relief" --a "$a" --offset "$ox,$oy" --truth "shots/g$g-$k.json" -q
    # the scale from the manifest for the odd groups, from --px-per-mm else
    echo "g$g-$k.png,skin $g,$([ $((g % 2)) = 1 ] && echo 20)" >>shots/manifest.csv
done <params.txt

expect_rc 0 "$BIN" repeatability --manifest shots/manifest.csv --px-per-mm 20 -o floors.json
python3 - floors.json shots <<'PY' && ok || bad "SEM and MDC95 against the truth"
import glob, json, math, sys
f = json.load(open(sys.argv[1]))
assert f["groups"] == 4 and f["photos"] == 16, f
def truth(path, key):
    s = [s for s in json.load(open(path))["sessions"] if s["name"] == "before"][0]
    return s["texture"]["sa"] if key == "sa" else s["colour"]["a_mean"]
ss = {"sa_pct": 0.0, "a": 0.0}
df = 0
for g in range(1, 5):
    sa = [truth("%s/g%d-%d.json" % (sys.argv[2], g, k), "sa") for k in range(1, 5)]
    a = [truth("%s/g%d-%d.json" % (sys.argv[2], g, k), "a_mean") for k in range(1, 5)]
    msa, ma = sum(sa) / 4, sum(a) / 4
    ss["sa_pct"] += sum((100 * (x - msa) / msa) ** 2 for x in sa)
    ss["a"] += sum((x - ma) ** 2 for x in a)
    df += 3
for k, tol in (("sa_pct", 0.015), ("a", 0.005)):
    want = math.sqrt(ss[k] / df)
    sem, mdc = f["sem"][k], f["floors"][k]
    print("  %s: SEM %.4f, truth %.4f (%+.2f%%); MDC95 %.4f, truth %.4f" % (
        k, sem, want, 100 * (sem / want - 1), mdc, 1.96 * math.sqrt(2) * want),
        file=sys.stderr)
    # measured: Sa 0.28% under the truth, a* 0.03% over: tolerances
    # 1.5% and 0.5% (about 5x and 15x: a* is read almost exactly)
    assert abs(sem / want - 1) <= tol, (k, sem, want)
    assert abs(mdc - 1.96 * math.sqrt(2) * sem) <= 2e-5 * mdc, (k, mdc, sem)
PY

# compare takes the floors file, and every figure says it was judged by it
"$BIN" synth before.png --after after.png --width 400 --height 300 --seed 1 \
    --relief-scale 0.8 -q
expect_rc 0 "$BIN" compare before.png after.png --px-per-mm 20 --floors floors.json --json -o cmp.json
python3 - cmp.json floors.json <<'PY' && ok || bad "compare --floors with the manifest's floors"
import json, sys
c, f = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert c["parameters"]["floors"]["source"] == "floors file", c["parameters"]["floors"]
assert all(m["floor_source"] == "floors file" for m in c["metrics"].values())
assert abs(c["metrics"]["a_mean"]["noise_floor"] - f["floors"]["a"]) < 1e-9
sa = c["metrics"]["sa"]
assert abs(sa["noise_floor"] - f["floors"]["sa_pct"] / 100 * sa["before"]) < 1e-6 * sa["before"]
PY

# bad manifests exit 2 (as batch's), the message names the line
printf 'path,grp\nx.png,1\n' >shots/bad1.csv
expect_rc 2 "$BIN" repeatability --manifest shots/bad1.csv
has err.txt "bad1.csv:1: unknown column 'grp'"
printf 'path,group,px_per_mm\ng1-1.png,a,-2\n' >shots/bad2.csv
expect_rc 2 "$BIN" repeatability --manifest shots/bad2.csv
has err.txt "bad2.csv:2: px_per_mm '-2' is not a positive number"
printf 'path,group\n"g1-1.png,a\n' >shots/bad3.csv
expect_rc 2 "$BIN" repeatability --manifest shots/bad3.csv
has err.txt "bad3.csv:2: quoted field not closed"
printf 'path,group\ng1-1.png,a\ng2-1.png,b\n' >shots/single.csv
expect_rc 3 "$BIN" repeatability --manifest shots/single.csv --px-per-mm 20
has err.txt "no group with two or more readable photos"
expect_rc 2 "$BIN" repeatability --manifest shots/manifest.csv shots
finish
