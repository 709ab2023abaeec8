#!/usr/bin/env bash
# A results database of skindiff 0.2 (schema 1: one row per photo position)
# is upgraded in place: its rows become the parameter set "schema1", export
# still shows them (--params schema1), and a new run adds its own set
# beside them instead of replacing them.
# Usage: test_batch_migrate.sh SKINDIFF_BINARY SCRATCH_DIR
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"

mkdir -p arch/P1/s1
"$BIN" synth arch/P1/s1/front.png --width 160 --height 120 -q || exit 1
# The schema-1 layout, as skindiff 0.2 created it, with one stored photo.
/usr/bin/python3 - <<'PY' || exit 1
import sqlite3
metrics = ["sa", "sq", "pore_density", "pore_diameter", "pore_area", "a_mean",
           "a_median", "erythema", "red_area"]
per = ", ".join("%s_before REAL, %s_after REAL, %s_change REAL, %s_change_pct REAL, "
                "%s_ci_low REAL, %s_ci_high REAL, %s_noise_floor REAL, %s_verdict TEXT"
                % ((m,) * 8) for m in metrics)
db = sqlite3.connect("old.db")
db.executescript("""
CREATE TABLE runs (run_id TEXT PRIMARY KEY, started_utc TEXT, finished_utc TEXT,
  skindiff_version TEXT, source TEXT, shard TEXT, jobs INTEGER, settings TEXT,
  images_total INTEGER, images_done INTEGER, images_skipped INTEGER, images_failed INTEGER,
  comparisons_total INTEGER, comparisons_done INTEGER, comparisons_skipped INTEGER,
  comparisons_failed INTEGER);
CREATE TABLE images (patient TEXT NOT NULL, session TEXT NOT NULL, view TEXT NOT NULL,
  path TEXT NOT NULL, content_sha256 TEXT NOT NULL, params_hash TEXT NOT NULL,
  image_key TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
  error_code INTEGER, error_name TEXT, error_message TEXT,
  width INTEGER, height INTEGER, px_per_mm REAL, scale_source TEXT,
  sa REAL, sq REAL, ssk REAL, sku REAL, pore_count INTEGER, pore_density_per_cm2 REAL,
  pore_mean_diameter_mm REAL, pore_area_fraction REAL, a_mean REAL, a_median REAL,
  erythema_index REAL, red_area_fraction REAL, area_cm2 REAL,
  UNIQUE (patient, session, view));
CREATE TABLE comparisons (patient TEXT NOT NULL, view TEXT NOT NULL,
  session_before TEXT NOT NULL, session_after TEXT NOT NULL,
  kind TEXT NOT NULL, before_key TEXT NOT NULL, after_key TEXT NOT NULL,
  params_hash TEXT NOT NULL, comparison_key TEXT NOT NULL, status TEXT NOT NULL,
  error_code INTEGER, error_name TEXT, error_message TEXT,
  dx REAL, dy REAL, rotation_deg REAL, scale REAL, confidence REAL,
  common_area_cm2 REAL, px_per_mm REAL, tiles_used INTEGER, %s,
  UNIQUE (patient, view, session_before, session_after, kind));
INSERT INTO runs (run_id, started_utc, settings) VALUES ('r1', '2025-01-01T00:00:00Z', 'old');
INSERT INTO images (patient, session, view, path, content_sha256, params_hash, image_key,
  status, px_per_mm, scale_source, sa) VALUES ('P1', 's1', 'front', 'P1/s1/front.png',
  'x', 'y', 'z', 'ok', 20, 'given', 9.99);
PRAGMA user_version = 1;
""" % per)
db.commit()
PY
expect_rc 0 "$BIN" export --db old.db --table images
has out.txt "P1,s1,front,P1/s1/front.png,ok,,,,,,20,given,9.99"
has err.txt "parameter set schema1"
expect_rc 0 "$BIN" batch arch --db old.db --px-per-mm 20 -q
has err.txt "photos 1 analysed"
expect_rc 0 "$BIN" export --db old.db --table images
lacks out.txt ",9.99,"
expect_rc 0 "$BIN" export --db old.db --table images --params schema1
has out.txt ",9.99,"
v=$(/usr/bin/python3 -c 'import sqlite3; print(sqlite3.connect("old.db").execute("pragma user_version").fetchone()[0])')
[ "$v" = 6 ] && ok || bad "user_version $v after the upgrade (1 -> 2 -> 3 -> 4 -> 5 -> 6)"
finish
