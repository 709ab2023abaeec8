/* Export a results table as CSV or NDJSON. Fixed row order (patient, view,
 * session, kind), numbers as %.6g, no timestamps: the same database always
 * gives the same bytes, whatever the -j or the order the work was done in.
 * Identifying columns come first and hashes last; text cells go through
 * skd_csv_cell, so a spreadsheet never evaluates a patient's name. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "../io/io.h"
#include "store.h"

/* Every table shows one parameter set: by default the latest run's (these
 * subqueries; a database without runs: the last row's), or the one asked
 * for, whose hash then replaces them (skd_export_write_set). */
#define LATEST_IMAGE_SET                                                       \
    "COALESCE((SELECT image_set FROM runs WHERE image_set IS NOT NULL"         \
    " ORDER BY started_utc DESC, rowid DESC LIMIT 1),"                         \
    " (SELECT image_set FROM images ORDER BY rowid DESC LIMIT 1))"
#define LATEST_PARAM_SET                                                       \
    "COALESCE((SELECT param_set FROM runs WHERE param_set IS NOT NULL"         \
    " ORDER BY started_utc DESC, rowid DESC LIMIT 1),"                         \
    " (SELECT param_set FROM comparisons ORDER BY rowid DESC LIMIT 1))"
/* A comparison's place: that of its after photo in the series. */
#define AFTER_INDEX(c)                                                         \
    "COALESCE((SELECT x.session_index FROM images x WHERE x.patient = " c    \
    ".patient AND x.view = " c ".view AND x.session = " c ".session_after"    \
    " AND x.image_set = " LATEST_IMAGE_SET "), 0)"

/* What each photo left out, as shares of the frame (clipped_fraction: of
 * the region R), as analyze --csv writes them; NULL in rows of schema 3. */
#define SHARES(t)                                                              \
    " " t "region_fraction, " t "skin_fraction, " t "clipped_fraction, " t     \
    "excluded_not_skin, " t "excluded_highlight, " t "excluded_too_dark, " t   \
    "excluded_outside_roi_mask, " t "excluded_margin,"
#define NO_SHARES " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"

/* Identifying columns first, then status and figures, hashes last. */
static const char images_query[] =
    "SELECT patient, session, view, path, status, error_code, error_name,"
    " error_message, width, height, px_per_mm, scale_source, sa, sq, ssk, sku,"
    " pore_count, pore_density_per_cm2, pore_mean_diameter_mm,"
    " pore_area_fraction, a_mean, a_median, erythema_index,"
    " red_area_fraction, area_cm2," SHARES("") " content_sha256, params_hash,"
    " image_key, image_set FROM images WHERE image_set = " LATEST_IMAGE_SET
    " ORDER BY patient, view, COALESCE(session_index, 0), session";

#define CMP_METRIC(m)                                                          \
    " " m "_before, " m "_after, " m "_change, " m "_change_pct, " m          \
    "_ci_low, " m "_ci_high, " m "_noise_floor, " m "_verdict, " m            \
    "_floor_source, " m "_reason,"
/* The acquisition check (schema 5; NULL in rows of schema 4), as compare
 * reports it: skin and white-reference differences after - before. */
#define CMP_ACQ                                                                \
    " colour_calibrated, exposure_pct, skin_dL, skin_da, skin_db,"            \
    " white_ref_dL, white_ref_da, white_ref_db, sharpness_before,"            \
    " sharpness_after, sharpness_ratio, region_share_before,"                 \
    " region_share_after, residual_median_px, residual_max_px,"               \
    " residual_tiles_measured, residual_tiles_dropped, tone_slope,"           \
    " tone_spread, resolution_ratio, pores_unresolved, limits_exceeded,"     \
    " replicates_before, replicates_after,"

/* Schema 6: per metric the degrees of freedom of the replicates' spread
 * (0 without replicates; NULL in rows of schema 5), appended last to the
 * zone and tidy tables (comparisons keeps its hashes last). */
#define CMP_DFS(t)                                                             \
    " " t "sa_df, " t "sq_df, " t "pore_density_df, " t "pore_diameter_df, " t \
    "pore_area_df, " t "a_mean_df, " t "a_median_df, " t "erythema_df, " t    \
    "red_area_df"

static const char comparisons_query[] =
    "SELECT patient, view, session_before, session_after, kind, status,"
    " error_code, error_name, error_message, dx, dy, rotation_deg, scale,"
    " confidence, common_area_cm2, px_per_mm, tiles_used," CMP_METRIC("sa")
    CMP_METRIC("sq") CMP_METRIC("pore_density") CMP_METRIC("pore_diameter")
    CMP_METRIC("pore_area") CMP_METRIC("a_mean") CMP_METRIC("a_median")
    CMP_METRIC("erythema") CMP_METRIC("red_area") CMP_ACQ
    " before_key, after_key, params_hash, comparison_key, param_set"
    " FROM comparisons c WHERE param_set = " LATEST_PARAM_SET
    " ORDER BY patient, view, " AFTER_INDEX("c") ", session_after, kind,"
    " session_before";

/* Tidy ("long") tables for R and pandas: one figure per row, with its
 * unit. zone is "whole" (all of the measured region R), then, for a photo
 * measured with facial zones (batch --face), each zone of its face in the
 * order forehead, nose, left_cheek, right_cheek, chin (docs/zones.md). */
#define ZONE_ORD(z)                                                            \
    " CASE " z " WHEN 'forehead' THEN 1 WHEN 'nose' THEN 2"                   \
    " WHEN 'left_cheek' THEN 3 WHEN 'right_cheek' THEN 4 WHEN 'chin' THEN 5"  \
    " ELSE 6 END"
#define IMG_FIGURES(t)                                                         \
    " " t ".sa, " t ".sq, " t ".ssk, " t ".sku, " t ".pore_count, " t         \
    ".pore_density_per_cm2, " t ".pore_mean_diameter_mm, " t                  \
    ".pore_area_fraction, " t ".a_mean, " t ".a_median, " t                   \
    ".erythema_index, " t ".red_area_fraction, " t ".area_cm2,"
#define IMG_METRIC(col, unit, ord) " SELECT '" col "', '" unit "', " #ord
static const char images_long_query[] =
    "WITH m(metric, unit, ord) AS (" IMG_METRIC("sa", "% contrast", 1)
    " UNION ALL" IMG_METRIC("sq", "% contrast", 2)
    " UNION ALL" IMG_METRIC("ssk", "1", 3)
    " UNION ALL" IMG_METRIC("sku", "1", 4)
    " UNION ALL" IMG_METRIC("pore_count", "count", 5)
    " UNION ALL" IMG_METRIC("pore_density_per_cm2", "pores/cm²", 6)
    " UNION ALL" IMG_METRIC("pore_mean_diameter_mm", "mm", 7)
    " UNION ALL" IMG_METRIC("pore_area_fraction", "fraction", 8)
    " UNION ALL" IMG_METRIC("a_mean", "a*", 9)
    " UNION ALL" IMG_METRIC("a_median", "a*", 10)
    " UNION ALL" IMG_METRIC("erythema_index", "EI", 11)
    " UNION ALL" IMG_METRIC("red_area_fraction", "fraction", 12)
    " UNION ALL" IMG_METRIC("area_cm2", "cm²", 13)
    " UNION ALL" IMG_METRIC("region_fraction", "fraction of frame", 14)
    " UNION ALL" IMG_METRIC("skin_fraction", "fraction of frame", 15)
    " UNION ALL" IMG_METRIC("clipped_fraction", "fraction of region", 16)
    " UNION ALL" IMG_METRIC("excluded_not_skin", "fraction of frame", 17)
    " UNION ALL" IMG_METRIC("excluded_highlight", "fraction of frame", 18)
    " UNION ALL" IMG_METRIC("excluded_too_dark", "fraction of frame", 19)
    " UNION ALL"
    IMG_METRIC("excluded_outside_roi_mask", "fraction of frame", 20)
    " UNION ALL" IMG_METRIC("excluded_margin", "fraction of frame", 21) "),"
    " r AS (SELECT i.patient, i.session, i.view, 'whole' AS zone,"
    " 0 AS zone_ord," IMG_FIGURES("i") SHARES("i.")
    " i.px_per_mm, i.scale_source, i.path,"
    " i.params_hash, i.image_key, i.session_index, 'ok' AS status"
    " FROM images i"
    " WHERE i.status = 'ok' AND i.image_set = " LATEST_IMAGE_SET
    " UNION ALL SELECT i.patient, i.session, i.view, z.zone,"
    ZONE_ORD("z.zone") "," IMG_FIGURES("z") NO_SHARES
    " i.px_per_mm, i.scale_source,"
    " i.path, i.params_hash, i.image_key, i.session_index, z.status"
    " FROM image_zones z JOIN images i ON i.patient = z.patient"
    " AND i.session = z.session AND i.view = z.view"
    " AND i.image_set = z.image_set AND i.image_key = z.image_key"
    " WHERE i.status = 'ok' AND z.status IN ('ok', 'too_small')"
    " AND i.image_set = " LATEST_IMAGE_SET ")"
    " SELECT i.patient, i.session, i.view, i.zone, m.metric,"
    " CASE m.metric WHEN 'sa' THEN i.sa WHEN 'sq' THEN i.sq"
    " WHEN 'ssk' THEN i.ssk WHEN 'sku' THEN i.sku"
    " WHEN 'pore_count' THEN i.pore_count"
    " WHEN 'pore_density_per_cm2' THEN i.pore_density_per_cm2"
    " WHEN 'pore_mean_diameter_mm' THEN i.pore_mean_diameter_mm"
    " WHEN 'pore_area_fraction' THEN i.pore_area_fraction"
    " WHEN 'a_mean' THEN i.a_mean WHEN 'a_median' THEN i.a_median"
    " WHEN 'erythema_index' THEN i.erythema_index"
    " WHEN 'red_area_fraction' THEN i.red_area_fraction"
    " WHEN 'area_cm2' THEN i.area_cm2"
    " WHEN 'region_fraction' THEN i.region_fraction"
    " WHEN 'skin_fraction' THEN i.skin_fraction"
    " WHEN 'clipped_fraction' THEN i.clipped_fraction"
    " WHEN 'excluded_not_skin' THEN i.excluded_not_skin"
    " WHEN 'excluded_highlight' THEN i.excluded_highlight"
    " WHEN 'excluded_too_dark' THEN i.excluded_too_dark"
    " WHEN 'excluded_outside_roi_mask' THEN i.excluded_outside_roi_mask"
    " WHEN 'excluded_margin' THEN i.excluded_margin"
    " END AS value, m.unit, i.px_per_mm,"
    " i.scale_source, i.path, i.params_hash, i.image_key, i.status"
    " FROM r i CROSS JOIN m"
    /* The shares are the whole frame's, not a zone's; a zone too small
     * (schema 6) has its area only. */
    " WHERE (i.zone_ord = 0 OR m.ord <= 13)"
    " AND (i.status = 'ok' OR m.ord = 13)"
    " ORDER BY i.patient, i.view, COALESCE(i.session_index, 0), i.session,"
    " i.zone_ord, m.ord";

#define CMP_CASE(stat)                                                         \
    " CASE m.metric WHEN 'sa' THEN c.sa_" stat " WHEN 'sq' THEN c.sq_" stat     \
    " WHEN 'pore_density' THEN c.pore_density_" stat                          \
    " WHEN 'pore_diameter' THEN c.pore_diameter_" stat                        \
    " WHEN 'pore_area' THEN c.pore_area_" stat                                \
    " WHEN 'a_mean' THEN c.a_mean_" stat " WHEN 'a_median' THEN c.a_median_"   \
    stat " WHEN 'erythema' THEN c.erythema_" stat                             \
    " WHEN 'red_area' THEN c.red_area_" stat " END AS " stat
#define CMP_METRIC_OF(t, m)                                                    \
    " " t "." m "_before, " t "." m "_after, " t "." m "_change, " t "." m    \
    "_change_pct, " t "." m "_ci_low, " t "." m "_ci_high, " t "." m          \
    "_noise_floor, " t "." m "_verdict, " t "." m "_floor_source, " t "." m   \
    "_reason,"
#define CMP_FIGURES(t)                                                         \
    CMP_METRIC_OF(t, "sa") CMP_METRIC_OF(t, "sq")                              \
    CMP_METRIC_OF(t, "pore_density") CMP_METRIC_OF(t, "pore_diameter")        \
    CMP_METRIC_OF(t, "pore_area") CMP_METRIC_OF(t, "a_mean")                   \
    CMP_METRIC_OF(t, "a_median") CMP_METRIC_OF(t, "erythema")                  \
    CMP_METRIC_OF(t, "red_area")
/* The acquisition check's rows (zone "whole", after the nine metrics):
 * a figure of each photo in before/after (sharpness, region_share), a
 * figure of the pair (after against before) in change. */
#define ACQ_ROW(name, unit, change_unit, ord)                                  \
    " UNION ALL SELECT '" name "', '" unit "', " change_unit ", " #ord
#define ACQ_CASE(col, body) " CASE q.metric" body " END AS " col
static const char comparisons_long_query[] =
    "WITH m(metric, unit, change_unit, ord) AS ("
    " SELECT 'sa', '% contrast', '% contrast', 1"
    " UNION ALL SELECT 'sq', '% contrast', '% contrast', 2"
    " UNION ALL SELECT 'pore_density', 'pores/cm²', 'pores/cm²', 3"
    " UNION ALL SELECT 'pore_diameter', 'mm', 'mm', 4"
    " UNION ALL SELECT 'pore_area', '% of area', 'percentage points', 5"
    " UNION ALL SELECT 'a_mean', 'a*', 'a*', 6"
    " UNION ALL SELECT 'a_median', 'a*', 'a*', 7"
    " UNION ALL SELECT 'erythema', 'EI', 'EI', 8"
    " UNION ALL SELECT 'red_area', '% of area', 'percentage points', 9),"
    " q(metric, unit, change_unit, ord) AS ("
    " SELECT 'exposure', '% linear luminance', '% linear luminance', 10"
    ACQ_ROW("skin_L", "L*", "'L*'", 11) ACQ_ROW("skin_a", "a*", "'a*'", 12)
    ACQ_ROW("skin_b", "b*", "'b*'", 13)
    ACQ_ROW("white_ref_L", "L*", "'L*'", 14)
    ACQ_ROW("white_ref_a", "a*", "'a*'", 15)
    ACQ_ROW("white_ref_b", "b*", "'b*'", 16)
    ACQ_ROW("sharpness", "high/mid band power", "'ratio after/before'", 17)
    ACQ_ROW("region_share", "fraction of frame", "NULL", 18)
    ACQ_ROW("residual_median", "px", "'px'", 19)
    ACQ_ROW("residual_max", "px", "'px'", 20)
    ACQ_ROW("tiles_left_out", "tiles", "'tiles'", 21)
    ACQ_ROW("tone_slope", "1", "'after on before'", 22)
    ACQ_ROW("resolution_ratio", "px/mm after / before", "'after / before'", 23)
    ACQ_ROW("pores_unresolved", "fraction of pores", "'fraction of pores'", 24)
    ACQ_ROW("colour_calibrated", "1: white refs in both",
            "'1: white refs in both'", 25)
    "),"
    " r AS (SELECT c.patient, c.view, c.session_before, c.session_after,"
    " c.kind, 'whole' AS zone, 0 AS zone_ord," CMP_FIGURES("c")
    " c.common_area_cm2, c.tiles_used, c.params_hash, c.comparison_key,"
    " c.replicates_before AS n_before, c.replicates_after AS n_after,"
    " NULL AS note," CMP_DFS("c.")
    " FROM comparisons c WHERE c.status = 'ok'"
    " AND c.param_set = " LATEST_PARAM_SET
    " UNION ALL SELECT c.patient, c.view, c.session_before, c.session_after,"
    " c.kind, z.zone," ZONE_ORD("z.zone") "," CMP_FIGURES("z")
    " z.area_cm2, z.tiles_used, c.params_hash, c.comparison_key,"
    " z.n_before, z.n_after, z.note," CMP_DFS("z.")
    " FROM comparison_zones z JOIN comparisons c ON c.patient = z.patient"
    " AND c.view = z.view AND c.session_before = z.session_before"
    " AND c.session_after = z.session_after AND c.kind = z.kind"
    " AND c.param_set = z.param_set AND c.comparison_key = z.comparison_key"
    " WHERE c.status = 'ok' AND z.status = 'ok'"
    " AND c.param_set = " LATEST_PARAM_SET "),"
    " rows AS (SELECT c.patient, c.view, c.session_before, c.session_after,"
    " c.kind, c.zone, m.metric, m.unit," CMP_CASE("before") ","
    CMP_CASE("after") "," CMP_CASE("change") ", m.change_unit,"
    CMP_CASE("change_pct") "," CMP_CASE("ci_low") "," CMP_CASE("ci_high") ","
    CMP_CASE("noise_floor") "," CMP_CASE("verdict") ","
    CMP_CASE("floor_source") "," CMP_CASE("reason") ","
    " c.common_area_cm2, c.tiles_used, c.params_hash, c.comparison_key,"
    " c.zone_ord, m.ord, c.n_before, c.n_after," CMP_CASE("df") ", c.note"
    " FROM r c CROSS JOIN m"
    " UNION ALL SELECT c.patient, c.view, c.session_before, c.session_after,"
    " c.kind, 'whole', q.metric, q.unit,"
    ACQ_CASE("before", " WHEN 'sharpness' THEN c.sharpness_before"
             " WHEN 'region_share' THEN c.region_share_before") ","
    ACQ_CASE("after", " WHEN 'sharpness' THEN c.sharpness_after"
             " WHEN 'region_share' THEN c.region_share_after") ","
    ACQ_CASE("change", " WHEN 'exposure' THEN c.exposure_pct"
             " WHEN 'skin_L' THEN c.skin_dL WHEN 'skin_a' THEN c.skin_da"
             " WHEN 'skin_b' THEN c.skin_db"
             " WHEN 'white_ref_L' THEN c.white_ref_dL"
             " WHEN 'white_ref_a' THEN c.white_ref_da"
             " WHEN 'white_ref_b' THEN c.white_ref_db"
             " WHEN 'sharpness' THEN c.sharpness_ratio"
             " WHEN 'residual_median' THEN c.residual_median_px"
             " WHEN 'residual_max' THEN c.residual_max_px"
             " WHEN 'tiles_left_out' THEN c.residual_tiles_dropped"
             " WHEN 'tone_slope' THEN c.tone_slope"
             " WHEN 'resolution_ratio' THEN c.resolution_ratio"
             " WHEN 'pores_unresolved' THEN c.pores_unresolved"
             " WHEN 'colour_calibrated' THEN c.colour_calibrated") ","
    " q.change_unit, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
    " c.common_area_cm2, c.tiles_used, c.params_hash, c.comparison_key,"
    " 0, q.ord, NULL, NULL, NULL, NULL"
    " FROM comparisons c CROSS JOIN q WHERE c.status = 'ok'"
    " AND c.param_set = " LATEST_PARAM_SET
    /* rows of schema 4 have no acquisition check */
    " AND c.colour_calibrated IS NOT NULL)"
    " SELECT patient, view, session_before, session_after, kind, zone, metric,"
    " unit, before, after, change, change_unit, change_pct, ci_low, ci_high,"
    " noise_floor, verdict, floor_source, reason, common_area_cm2,"
    " tiles_used, params_hash, comparison_key, n_before, n_after, df, note"
    " FROM rows c"
    " ORDER BY c.patient, c.view, " AFTER_INDEX("c") ", c.session_after,"
    " c.kind, c.session_before, c.zone_ord, c.ord";

/* Wide tables with a zone column ("image_zones", "comparison_zones"): per
 * photo or comparison its whole region ("whole", the row of images or
 * comparisons), then, when it was measured with facial zones, one row per
 * zone in the order forehead, nose, left_cheek, right_cheek, chin; a zone
 * without measurable skin has status "empty" and no figures. */
static const char image_zones_query[] =
    "WITH r AS (SELECT i.patient, i.session, i.view, 'whole' AS zone,"
    " 0 AS zone_ord, NULL AS zone_source, i.status," IMG_FIGURES("i")
    " i.px_per_mm, i.scale_source, i.path, i.params_hash, i.image_key,"
    " i.session_index FROM images i"
    " WHERE i.status = 'ok' AND i.image_set = " LATEST_IMAGE_SET
    " UNION ALL SELECT i.patient, i.session, i.view, z.zone,"
    ZONE_ORD("z.zone") ", z.zone_source, z.status," IMG_FIGURES("z")
    " i.px_per_mm, i.scale_source, i.path, i.params_hash, i.image_key,"
    " i.session_index FROM image_zones z JOIN images i"
    " ON i.patient = z.patient AND i.session = z.session"
    " AND i.view = z.view AND i.image_set = z.image_set"
    " AND i.image_key = z.image_key"
    " WHERE i.status = 'ok' AND i.image_set = " LATEST_IMAGE_SET ")"
    " SELECT patient, session, view, zone, zone_source, status, sa, sq, ssk,"
    " sku, pore_count, pore_density_per_cm2, pore_mean_diameter_mm,"
    " pore_area_fraction, a_mean, a_median, erythema_index,"
    " red_area_fraction, area_cm2, px_per_mm, scale_source, path,"
    " params_hash, image_key FROM r"
    " ORDER BY patient, view, COALESCE(session_index, 0), session, zone_ord";

static const char comparison_zones_query[] =
    "WITH r AS (SELECT c.patient, c.view, c.session_before, c.session_after,"
    " c.kind, 'whole' AS zone, 0 AS zone_ord, NULL AS zone_source, c.status,"
    " c.common_area_cm2 AS area_cm2, c.tiles_used," CMP_FIGURES("c")
    " NULL AS landmark_residual_mm, c.params_hash, c.comparison_key,"
    " c.replicates_before AS n_before, c.replicates_after AS n_after,"
    CMP_DFS("c.") ", NULL AS note"
    " FROM comparisons c WHERE c.status = 'ok'"
    " AND c.param_set = " LATEST_PARAM_SET
    " UNION ALL SELECT c.patient, c.view, c.session_before, c.session_after,"
    " c.kind, z.zone," ZONE_ORD("z.zone") ", z.zone_source, z.status,"
    " z.area_cm2, z.tiles_used," CMP_FIGURES("z") " z.landmark_residual_mm,"
    " c.params_hash, c.comparison_key, z.n_before, z.n_after," CMP_DFS("z.")
    ", z.note FROM comparison_zones z JOIN comparisons c ON c.patient = z.patient"
    " AND c.view = z.view AND c.session_before = z.session_before"
    " AND c.session_after = z.session_after AND c.kind = z.kind"
    " AND c.param_set = z.param_set AND c.comparison_key = z.comparison_key"
    " WHERE c.status = 'ok' AND c.param_set = " LATEST_PARAM_SET ")"
    " SELECT patient, view, session_before, session_after, kind, zone,"
    " zone_source, status, area_cm2, tiles_used," CMP_METRIC("sa")
    CMP_METRIC("sq") CMP_METRIC("pore_density") CMP_METRIC("pore_diameter")
    CMP_METRIC("pore_area") CMP_METRIC("a_mean") CMP_METRIC("a_median")
    CMP_METRIC("erythema") CMP_METRIC("red_area")
    " landmark_residual_mm, params_hash, comparison_key, n_before, n_after,"
    CMP_DFS("") ", note FROM r c"
    " ORDER BY c.patient, c.view, " AFTER_INDEX("c") ", c.session_after,"
    " c.kind, c.session_before, c.zone_ord";

/* Each photo with its change from the baseline (first) session of its
 * patient+view; the comparison counts only if it was made from the photos
 * now stored (keys match). */
static const char series_query[] =
    "WITH img AS (SELECT *,"
    " DENSE_RANK() OVER w AS series_index,"
    " FIRST_VALUE(session) OVER w AS baseline_session,"
    " FIRST_VALUE(image_key) OVER w AS baseline_key"
    " FROM images WHERE image_set = " LATEST_IMAGE_SET
    " WINDOW w AS (PARTITION BY patient, view"
    " ORDER BY COALESCE(session_index, 0), session"
    " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))"
    " SELECT i.patient, i.view, i.session, i.series_index AS session_index,"
    " i.baseline_session, i.status AS image_status,"
    " i.error_message AS image_error, i.px_per_mm, i.sa,"
    " i.pore_density_per_cm2, i.pore_mean_diameter_mm, i.a_mean,"
    " i.erythema_index, i.red_area_fraction, i.area_cm2,"
    " c.kind AS comparison_kind, c.status AS comparison_status,"
    " c.error_message AS comparison_error, c.common_area_cm2, c.tiles_used,"
    " c.sa_change, c.sa_change_pct, c.sa_ci_low, c.sa_ci_high, c.sa_verdict,"
    " c.pore_density_change, c.pore_density_change_pct,"
    " c.pore_density_ci_low, c.pore_density_ci_high, c.pore_density_verdict,"
    " c.a_mean_change, c.a_mean_change_pct, c.a_mean_ci_low,"
    " c.a_mean_ci_high, c.a_mean_verdict,"
    " c.erythema_change, c.erythema_change_pct, c.erythema_ci_low,"
    " c.erythema_ci_high, c.erythema_verdict,"
    " c.red_area_change, c.red_area_change_pct, c.red_area_ci_low,"
    " c.red_area_ci_high, c.red_area_verdict"
    " FROM img i LEFT JOIN comparisons c ON c.patient = i.patient"
    " AND c.view = i.view AND c.session_before = i.baseline_session"
    " AND c.session_after = i.session"
    " AND c.kind IN ('baseline', 'baseline+previous')"
    " AND c.before_key = i.baseline_key AND c.after_key = i.image_key"
    " AND c.param_set = " LATEST_PARAM_SET
    " ORDER BY i.patient, i.view, i.series_index, i.session";

const char *skd_export_sql(skd_export_table t)
{
    switch (t) {
    case SKD_TABLE_IMAGES: return images_query;
    case SKD_TABLE_COMPARISONS: return comparisons_query;
    case SKD_TABLE_SERIES: return series_query;
    case SKD_TABLE_IMAGES_LONG: return images_long_query;
    case SKD_TABLE_COMPARISONS_LONG: return comparisons_long_query;
    case SKD_TABLE_IMAGE_ZONES: return image_zones_query;
    case SKD_TABLE_COMPARISON_ZONES: return comparison_zones_query;
    }
    return NULL;
}

const char *skd_export_table_name(skd_export_table t)
{
    switch (t) {
    case SKD_TABLE_IMAGES: return "images";
    case SKD_TABLE_COMPARISONS: return "comparisons";
    case SKD_TABLE_SERIES: return "series";
    case SKD_TABLE_IMAGES_LONG: return "images_long";
    case SKD_TABLE_COMPARISONS_LONG: return "comparisons_long";
    case SKD_TABLE_IMAGE_ZONES: return "image_zones";
    case SKD_TABLE_COMPARISON_ZONES: return "comparison_zones";
    }
    return NULL;
}

/* Output buffered in 64 KiB pieces. */
typedef struct out {
    skd_ctx *ctx;
    skd_write_fn write;
    void *opaque;
    char buf[65536];
    size_t len;
    int failed;
} out;

static void flush(out *o)
{
    if (o->len && !o->failed && o->write(o->opaque, o->buf, o->len) != 0)
        o->failed = 1;
    o->len = 0;
}

static void put(out *o, const char *s, size_t n)
{
    while (n) {
        size_t take = sizeof o->buf - o->len < n ? sizeof o->buf - o->len : n;
        memcpy(o->buf + o->len, s, take);
        o->len += take, s += take, n -= take;
        if (o->len == sizeof o->buf)
            flush(o);
    }
}

static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

static void put_number(out *o, sqlite3_stmt *s, int i)
{
    char num[64];
    if (sqlite3_column_type(s, i) == SQLITE_INTEGER)
        snprintf(num, sizeof num, "%lld", (long long)sqlite3_column_int64(s, i));
    else
        snprintf(num, sizeof num, "%.6g", sqlite3_column_double(s, i));
    puts_(o, num);
}

/* Text cells through skd_csv_cell, like every CSV skindiff writes
 * (quoting, and the apostrophe that keeps spreadsheets from evaluating). */
static void csv_text(out *o, const char *t)
{
    char small[1024], *cell = small;
    size_t n = skd_csv_cell(t, NULL, 0);
    if (n >= sizeof small && !(cell = skd_malloc(o->ctx, n + 1))) {
        o->failed = 1;
        return;
    }
    skd_csv_cell(t, cell, n + 1);
    put(o, cell, n);
    if (cell != small)
        skd_dealloc(o->ctx, cell);
}

static void json_text(out *o, const char *t)
{
    put(o, "\"", 1);
    for (; *t; t++) {
        unsigned char c = (unsigned char)*t;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\', esc[1] = (char)c;
            put(o, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            puts_(o, esc);
        } else {
            put(o, t, 1);
        }
    }
    put(o, "\"", 1);
}

static void row_csv(out *o, sqlite3_stmt *s, int header)
{
    int n = sqlite3_column_count(s);
    for (int i = 0; i < n; i++) {
        if (i)
            put(o, ",", 1);
        if (header)
            csv_text(o, sqlite3_column_name(s, i));
        else if (sqlite3_column_type(s, i) == SQLITE_TEXT)
            csv_text(o, (const char *)sqlite3_column_text(s, i));
        else if (sqlite3_column_type(s, i) != SQLITE_NULL)
            put_number(o, s, i);
    }
    put(o, "\n", 1);
}

static void row_json(out *o, sqlite3_stmt *s)
{
    int n = sqlite3_column_count(s);
    put(o, "{", 1);
    for (int i = 0; i < n; i++) {
        if (i)
            put(o, ",", 1);
        json_text(o, sqlite3_column_name(s, i));
        put(o, ":", 1);
        switch (sqlite3_column_type(s, i)) {
        case SQLITE_NULL: puts_(o, "null"); break;
        case SQLITE_TEXT: json_text(o, (const char *)sqlite3_column_text(s, i)); break;
        default: put_number(o, s, i); break;
        }
    }
    puts_(o, "}\n");
}

/* sql with every "from" replaced by "to" (ctx-allocated). */
static char *replace_all(skd_ctx *ctx, const char *sql, const char *from,
                         const char *to)
{
    size_t nf = strlen(from), nt = strlen(to), count = 0, n;
    const char *p;
    char *res, *w;
    for (p = sql; (p = strstr(p, from)) != NULL; p += nf)
        count++;
    n = strlen(sql) + count * nt + 1; /* bounded: small static queries */
    if (!(res = skd_malloc(ctx, n)))
        return NULL;
    for (w = res, p = sql;;) {
        const char *hit = strstr(p, from);
        size_t k = hit ? (size_t)(hit - p) : strlen(p);
        memcpy(w, p, k);
        w += k;
        if (!hit)
            break;
        memcpy(w, to, nt);
        w += nt;
        p = hit + nf;
    }
    *w = '\0';
    return res;
}

static int is_hex64(const char *s)
{
    size_t i;
    for (i = 0; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == 64;
}

/* The query of table for the set param_set: its image set is looked up in
 * the runs, both hashes go in as literals (hex digits only, checked). */
static int query_for_set(skd_ctx *ctx, const char *sql, const char *param,
                         char **query)
{
    char lit_p[80], lit_i[200], *a;
    if (!is_hex64(param) && strcmp(param, "schema1") != 0)
        return skd_fail(ctx, SKD_E_INVALID,
                        "export: '%s' is not a parameter set", param);
    snprintf(lit_p, sizeof lit_p, "'%s'", param);
    snprintf(lit_i, sizeof lit_i,
             "(SELECT image_set FROM runs WHERE param_set = '%s' LIMIT 1)",
             param);
    if (!(a = replace_all(ctx, sql, LATEST_PARAM_SET, lit_p)))
        return SKD_E_NOMEM;
    *query = replace_all(ctx, a, LATEST_IMAGE_SET, lit_i);
    skd_dealloc(ctx, a);
    return *query ? SKD_OK : SKD_E_NOMEM;
}

int skd_export_write(skd_ctx *ctx, const char *db_path, skd_export_table table,
                     skd_export_format fmt, skd_write_fn write, void *opaque)
{
    return skd_export_write_set(ctx, db_path, table, fmt, NULL, write, opaque);
}

int skd_export_write_set(skd_ctx *ctx, const char *db_path,
                         skd_export_table table, skd_export_format fmt,
                         const char *param_set, skd_write_fn write,
                         void *opaque)
{
    const char *sql = skd_export_sql(table);
    char *chosen = NULL;
    int csv = fmt == SKD_EXPORT_CSV || fmt == SKD_EXPORT_CSV_EXCEL;
    sqlite3_stmt *s = NULL;
    skd_db db;
    out *o;
    int st, rc, first = 1;
    if (!ctx || !db_path || !write || !sql ||
        (!csv && fmt != SKD_EXPORT_NDJSON))
        return ctx ? skd_fail(ctx, SKD_E_INVALID, "export: bad arguments")
                   : SKD_E_INVALID;
    if (param_set && sql) {
        if ((st = query_for_set(ctx, sql, param_set, &chosen)) != SKD_OK)
            return st;
        sql = chosen;
    }
    if ((st = skd_db_open_readonly(ctx, db_path, &db)) != SKD_OK) {
        skd_dealloc(ctx, chosen);
        return st;
    }
    if (!(o = skd_malloc(ctx, sizeof *o))) {
        skd_db_close(&db);
        skd_dealloc(ctx, chosen);
        return SKD_E_NOMEM;
    }
    o->ctx = ctx;
    o->write = write;
    o->opaque = opaque;
    o->len = 0;
    o->failed = 0;
    if (fmt == SKD_EXPORT_CSV_EXCEL)
        puts_(o, "\xEF\xBB\xBF"); /* UTF-8 byte order mark, for Excel */
    if (sqlite3_prepare_v2(db.db, sql, -1, &s, NULL) != SQLITE_OK)
        st = skd_db_fail(ctx, db.db, db_path, "cannot read the results");
    while (st == SKD_OK && !o->failed && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (csv) {
            if (first)
                row_csv(o, s, 1);
            row_csv(o, s, 0);
        } else {
            row_json(o, s);
        }
        first = 0;
    }
    if (st == SKD_OK && !o->failed && rc != SQLITE_DONE)
        st = skd_db_fail(ctx, db.db, db_path, "cannot read the results");
    if (st == SKD_OK && first && csv)
        row_csv(o, s, 1); /* an empty table still has its header */
    if (st == SKD_OK)
        flush(o);
    if (st == SKD_OK && o->failed)
        st = skd_fail(ctx, SKD_E_IO, "export: cannot write output");
    sqlite3_finalize(s);
    skd_db_close(&db);
    skd_dealloc(ctx, o);
    skd_dealloc(ctx, chosen);
    return st;
}

typedef struct file_sink {
    FILE *fp;
} file_sink;

static int file_write(void *opaque, const void *data, size_t size)
{
    file_sink *f = opaque;
    return fwrite(data, 1, size, f->fp) == size ? 0 : -1;
}

int skd_export_file(skd_ctx *ctx, const char *db_path, skd_export_table table,
                    skd_export_format fmt, const char *path)
{
    return skd_export_file_set(ctx, db_path, table, fmt, NULL, path);
}

int skd_export_file_set(skd_ctx *ctx, const char *db_path,
                        skd_export_table table, skd_export_format fmt,
                        const char *param_set, const char *path)
{
    skd_atomic_file af;
    file_sink sink;
    int st;
    if (!ctx || !path)
        return SKD_E_INVALID;
    if ((st = skd_atomic_open(ctx, path, &af)) != SKD_OK)
        return st;
    sink.fp = af.fp;
    st = skd_export_write_set(ctx, db_path, table, fmt, param_set, file_write,
                              &sink);
    if (st != SKD_OK) {
        if (st == SKD_E_IO)
            skd_fail(ctx, SKD_E_IO, "%s: cannot write output", path);
        skd_atomic_abort(ctx, &af);
        return st;
    }
    return skd_atomic_commit(ctx, &af);
}
