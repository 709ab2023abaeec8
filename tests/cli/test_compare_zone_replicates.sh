#!/usr/bin/env bash
# Facial zones with replicates (compare --before A --before B ... --after
# ... --landmarks FILE; batch with a manifest's replicate and landmarks
# columns): each zone's change is the sessions' means of the zone, its
# interval and floor the zone's own spread; text, JSON, CSV, the HTML
# report's zone table and batch's stored zone rows agree.
# Shots (zone_replicate_shots.py): three per session of one synthetic skin,
# 640 x 480 at 20 px/mm, each with its own a* offset (0.3 z, in
# truth.json), relief x (1 + 0.03 z), camera and noise; the after shots
# treated on the image's left half only (the subject's right cheek): 40%
# fewer pores, a* - 2.5. Zones from a hand-drawn face (--skin off, 2 mm
# tiles: the face is 20 mm across).
# Truth: a*, the painted base colour, so a zone inside one half changes by
# its painted change plus the mean of the after shots' offsets minus the
# before shots': right cheek within 0.05 of it, left cheek (untouched)
# likewise, and no significant change there (measured errors 0.011, 0.015;
# 0.017 for the right cheek with a before shot that does not show it, whose
# means then use 2 before shots and say so). Batch == compare --json for every
# zone and metric (1e-5 relative, texts exact), as batch_vs_compare.py
# does for the whole region.
# Usage: test_compare_zone_replicates.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"
need_python PIL

$PY "$HERE/zone_replicate_shots.py" "$BIN" "$HERE" || exit 1
O=(--landmarks face.json --px-per-mm 20 --skin off --tile-mm 2)
run() { # run NAME THIRD_BEFORE: compare in every output, and batch
    local n=$1 b3=$2
    local P=(--before b1.png --before b2.png --before "$b3" --after a1.png
             --after a2.png --after a3.png)
    expect_rc 0 "$BIN" compare "${P[@]}" "${O[@]}" --json -o "$n.json"
    expect_rc 0 "$BIN" compare "${P[@]}" "${O[@]}" --csv -o "$n.csv"
    expect_rc 0 "$BIN" compare "${P[@]}" "${O[@]}" -o "$n.txt" --report "$n.html"
    {
        echo "patient,session,view,path,replicate,landmarks"
        for r in 1 2 3; do
            f=b$r.png; [ $r = 3 ] && f=$b3
            echo "P1,s1,front,$f,$r,face.json"
        done
        for r in 1 2 3; do echo "P1,s2,front,a$r.png,$r,face.json"; done
    } > "$n.m.csv"
    expect_rc 0 "$BIN" batch --manifest "$n.m.csv" --face --px-per-mm 20 \
        --skin off --tile-mm 2 --db "$n.db" -q
    expect_rc 0 "$BIN" export --db "$n.db" --table comparison_zones -o "$n.z.csv"
}
run full b3.png
run cut b3c.png

check() { # check NAME N_BEFORE_OF_THE_RIGHT_CHEEK
    $PY - "$1" "$2" <<'PY' >check.txt 2>&1 && ok || bad "$1: $(cat check.txt)"
import csv, html, json, math, re, sqlite3, sys
name, nb_right = sys.argv[1], int(sys.argv[2])
c = json.load(open(name + ".json"))
z = c["zones"]
truth = json.load(open("truth.json"))
shots_b = truth["b"] if nb_right == 3 else truth["b"][:2]
offset_b = sum(truth["b"]) / 3
offset_a = sum(truth["a"]) / 3
want = {"right_cheek": -2.5 + offset_a - sum(shots_b) / len(shots_b),
        "left_cheek": offset_a - offset_b}
for zone, w in want.items():
    a = z[zone]["metrics"]["a_mean"]
    print("%s: %s a* %+.3f (truth %+.3f) [%+.3f, %+.3f] %s" % (
        name, zone, a["change"], w, a["ci_low"], a["ci_high"], a["verdict"]))
    assert abs(a["change"] - w) <= 0.05, (zone, a["change"], w)
left = z["left_cheek"]["metrics"]
for m in ("sa", "pore_density", "a_mean"):
    assert left[m]["verdict"] == "no significant change", (m, left[m])
assert z["right_cheek"]["metrics"]["a_mean"]["verdict"] == "improved"

# Every zone with at least 2 tiles: the sessions' means, a symmetric
# interval about the change, the zone's own replicates.
for zone, e in z.items():
    if zone == "whole" or e["tiles_used"] < 2:
        continue
    r = e["replicates"]
    nb = nb_right if zone == "right_cheek" else 3
    assert (r["n_before"], r["n_after"]) == (nb, 3), (zone, r["n_before"])
    for m, ch in e["metrics"].items():
        rm = r["metrics"][m]
        if rm["df"] == 0 or ch["ci_low"] is None:
            continue
        assert rm["df"] == nb + 3 - 2, (zone, m, rm["df"])
        assert math.isclose(ch["ci_high"] - ch["change"], ch["change"] - ch["ci_low"],
                            rel_tol=1e-4, abs_tol=1e-9), (zone, m)
        if ch["floor_source"] == "replicates":
            assert math.isclose(ch["noise_floor"], rm["floor"], rel_tol=1e-5,
                                abs_tol=1e-9), (zone, m, ch, rm)
    note = e["note"]
    if nb < 3:
        assert note and "2 of 3 before" in note, (zone, note)
    else:
        assert note is None, (zone, note)
# the means moved the right cheek's a* off the first photos' own change
rc = z["right_cheek"]
assert abs(rc["metrics"]["a_mean"]["change"] -
           rc["replicates"]["metrics"]["a_mean"]["pair_change"]) > 1e-3

def same(got, want, where):
    if want is None:
        assert got in ("", None), (where, got)
        return
    assert math.isclose(float(got), want, rel_tol=1e-5, abs_tol=1e-9), (where, got, want)

FIELDS = ["before", "after", "change", "change_pct", "ci_low", "ci_high",
          "noise_floor"]
# CSV: one row per zone and metric, the JSON's figures and texts.
rows = [r for r in csv.DictReader(open(name + ".csv")) if r["zone"] != "whole"]
assert rows, "no zone rows in the CSV"
for r in rows:
    j = z[r["zone"]]["metrics"][r["metric"]]
    for f in FIELDS:
        same(r[f], j[f], ("csv", r["zone"], r["metric"], f))
    for f in ("verdict", "floor_source", "reason"):
        assert r[f] == j[f], ("csv", r["zone"], r["metric"], f, r[f], j[f])
# Batch's stored zones (the wide export) == compare --json.
rows = list(csv.DictReader(open(name + ".z.csv")))
assert sorted(r["zone"] for r in rows) == sorted(z), rows
for r in rows:
    j = z[r["zone"]]
    if "metrics" not in j:
        continue
    for m, ch in j["metrics"].items():
        for f in FIELDS:
            same(r[m + "_" + f], ch[f], ("batch", r["zone"], m, f))
        for f in ("verdict", "floor_source", "reason"):
            assert r[m + "_" + f] == ch[f], ("batch", r["zone"], m, f)
# ... and the note stored with each zone row says what compare says.
db = sqlite3.connect(name + ".db")
notes = dict(db.execute("SELECT zone, note FROM comparison_zones"))
assert ("2 of 3 before" in (notes["right_cheek"] or "")) == (nb_right == 2), notes
# Text table and report: each zone's a* change as the JSON has it.
txt = open(name + ".txt").read()
rep = html.unescape(re.sub(r"<[^>]+>", " ", open(name + ".html").read()))
words = {"left_cheek": "Left cheek", "right_cheek": "Right cheek"}
for zone, word in words.items():
    v = "%+.2f" % z[zone]["metrics"]["a_mean"]["change"]
    line = [l for l in txt.splitlines() if l.strip().startswith(zone)][0]
    assert "a_mean %s (%s)" % (v, z[zone]["metrics"]["a_mean"]["verdict"]) in line, line
    row = rep[rep.index(word + " ", rep.index("By facial zone")):][:400]
    assert v in row, (word, v, row)
assert "sessions' means" in txt and "sessions' mean figures" in rep
if nb_right == 2:
    assert "Right cheek: 2 of 3 before" in rep
PY
    cat check.txt
}
check full 3
check cut 2
finish
