"""A stored comparison against `skindiff compare --json` of the same photos
(the truth of the batch tests of issue 13): every figure of the wide export's
row within a relative 1e-5 (both print %.6g: the rounding of two prints of
one double), every text exactly (verdict, reason, floor source, limits).

As a module: check_wide(row, compare_json, where). As a script:
batch_vs_compare.py WIDE.csv PATIENT=COMPARE.json ... (exit 1 on a
difference, naming it)."""
import csv
import json
import math
import sys

METRICS = ["sa", "sq", "pore_density", "pore_diameter", "pore_area", "a_mean",
           "a_median", "erythema", "red_area"]
# wide column <- compare --json acquisition key
ACQ = {"exposure_pct": "exposure_pct", "skin_dL": "dL", "skin_da": "da",
       "skin_db": "db", "white_ref_dL": "neutral_dL",
       "white_ref_da": "neutral_da", "white_ref_db": "neutral_db",
       "sharpness_before": "sharpness_before",
       "sharpness_after": "sharpness_after",
       "sharpness_ratio": "sharpness_ratio",
       "region_share_before": "region_share_before",
       "region_share_after": "region_share_after",
       "residual_median_px": "residual_median_px",
       "residual_max_px": "residual_max_px", "tone_slope": "tone_slope",
       "tone_spread": "tone_spread", "resolution_ratio": "resolution_ratio",
       "pores_unresolved": "pores_unresolved",
       "residual_tiles_measured": "tiles_measured",
       "residual_tiles_dropped": "tiles_dropped"}


def same(cell, want, where):
    if want is None:
        assert cell in ("", None), (where, cell)
        return
    got = float(cell)
    assert math.isclose(got, want, rel_tol=1e-5, abs_tol=1e-9), (where, got, want)


def check_wide(row, c, where):
    for m in METRICS:
        j = c["metrics"][m]
        for f in ["before", "after", "change", "change_pct", "ci_low",
                  "ci_high", "noise_floor"]:
            same(row[m + "_" + f], j[f], (where, m, f))
        for f in ["verdict", "reason", "floor_source"]:
            assert row[m + "_" + f] == j[f], (where, m, f, row[m + "_" + f], j[f])
    q = c["acquisition"]
    for col, key in ACQ.items():
        same(row[col], q[key], (where, col))
    assert int(row["colour_calibrated"]) == int(q["colour_calibrated"]), where
    assert row["limits_exceeded"] == ",".join(q["limits_exceeded"]), (
        where, row["limits_exceeded"], q["limits_exceeded"])
    r = c["replicates"]
    assert (int(row["replicates_before"]), int(row["replicates_after"])) == (
        len(r["before"]), len(r["after"])), where


if __name__ == "__main__":
    rows = {r["patient"]: r for r in csv.DictReader(open(sys.argv[1]))}
    for arg in sys.argv[2:]:
        patient, path = arg.split("=", 1)
        try:
            check_wide(rows[patient], json.load(open(path)), patient)
        except (AssertionError, KeyError) as e:
            print("batch_vs_compare: %s: %r" % (patient, e), file=sys.stderr)
            sys.exit(1)
