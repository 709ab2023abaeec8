/* The database layout. Changing a table means a new SKD_DB_SCHEMA_VERSION
 * (merge refuses to mix versions). */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

const char *const skd_db_metric_cols[SKD_METRIC_COUNT] = {
    [SKD_METRIC_SA] = "sa",
    [SKD_METRIC_SQ] = "sq",
    [SKD_METRIC_PORE_DENSITY] = "pore_density",
    [SKD_METRIC_PORE_DIAMETER] = "pore_diameter",
    [SKD_METRIC_PORE_AREA] = "pore_area",
    [SKD_METRIC_A_MEAN] = "a_mean",
    [SKD_METRIC_A_MEDIAN] = "a_median",
    [SKD_METRIC_ERYTHEMA] = "erythema",
    [SKD_METRIC_RED_AREA] = "red_area",
};

/* Schema 4 stored "no significant change" for an inconclusive verdict;
 * schema 5 stores it as compare writes it. */
const char *skd_db_verdict_name(int v)
{
    switch (v) {
    case SKD_IMPROVED: return "improved";
    case SKD_WORSENED: return "worsened";
    case SKD_INCONCLUSIVE: return "inconclusive";
    default: return "no significant change";
    }
}

/* Schema 5: the acquisition check of a comparison (as compare reports it)
 * and its photos per session, appended to comparisons after param_set. */
const skd_db_col skd_db_acq_cols[SKD_DB_ACQ_COLS] = {
    {"colour_calibrated", "INTEGER"},   {"exposure_pct", "REAL"},
    {"skin_dL", "REAL"},                {"skin_da", "REAL"},
    {"skin_db", "REAL"},                {"white_ref_dL", "REAL"},
    {"white_ref_da", "REAL"},           {"white_ref_db", "REAL"},
    {"sharpness_before", "REAL"},       {"sharpness_after", "REAL"},
    {"sharpness_ratio", "REAL"},        {"region_share_before", "REAL"},
    {"region_share_after", "REAL"},     {"residual_median_px", "REAL"},
    {"residual_max_px", "REAL"},        {"residual_tiles_measured", "INTEGER"},
    {"residual_tiles_dropped", "INTEGER"}, {"tone_slope", "REAL"},
    {"tone_spread", "REAL"},            {"resolution_ratio", "REAL"},
    {"pores_unresolved", "REAL"},       {"limits_exceeded", "TEXT"},
    {"replicates_before", "INTEGER"},   {"replicates_after", "INTEGER"},
};

static const char runs_sql[] =
    "CREATE TABLE IF NOT EXISTS runs ("
    "run_id TEXT PRIMARY KEY, started_utc TEXT, finished_utc TEXT,"
    "skindiff_version TEXT, source TEXT, shard TEXT, jobs INTEGER,"
    "settings TEXT, images_total INTEGER, images_done INTEGER,"
    "images_skipped INTEGER, images_failed INTEGER,"
    "comparisons_total INTEGER, comparisons_done INTEGER,"
    "comparisons_skipped INTEGER, comparisons_failed INTEGER,"
    "image_set TEXT, param_set TEXT)";

/* The images table of schema 2 and 3; schema 4 appends the shares
 * (add_shares), in a new database as in an upgraded one, so both have the
 * same columns in the same order (merge copies rows column by column). */
static const char images_sql[] =
    "CREATE TABLE IF NOT EXISTS images ("
    "patient TEXT NOT NULL, session TEXT NOT NULL, view TEXT NOT NULL,"
    "path TEXT NOT NULL, content_sha256 TEXT NOT NULL,"
    "params_hash TEXT NOT NULL, image_key TEXT NOT NULL,"
    "status TEXT NOT NULL CHECK (status IN ('ok', 'error')),"
    "error_code INTEGER, error_name TEXT, error_message TEXT,"
    "width INTEGER, height INTEGER, px_per_mm REAL, scale_source TEXT,"
    "sa REAL, sq REAL, ssk REAL, sku REAL, pore_count INTEGER,"
    "pore_density_per_cm2 REAL, pore_mean_diameter_mm REAL,"
    "pore_area_fraction REAL, a_mean REAL, a_median REAL,"
    "erythema_index REAL, red_area_fraction REAL, area_cm2 REAL,"
    "image_set TEXT NOT NULL DEFAULT '', session_index INTEGER,"
    "UNIQUE (patient, session, view, image_set))";

int skd_db_change_table_sql(char *buf, size_t cap, const char *head,
                            const char *tail)
{
    size_t n = 0;
    int w = snprintf(buf, cap, "%s", head);
    for (int m = 0; m < SKD_METRIC_COUNT && w > 0 && (size_t)w < cap - n; m++) {
        const char *c = skd_db_metric_cols[m];
        n += (size_t)w;
        w = snprintf(buf + n, cap - n,
                     ", %s_before REAL, %s_after REAL, %s_change REAL,"
                     " %s_change_pct REAL, %s_ci_low REAL, %s_ci_high REAL,"
                     " %s_noise_floor REAL, %s_verdict TEXT",
                     c, c, c, c, c, c, c, c);
    }
    if (w > 0 && (size_t)w < cap - n) {
        n += (size_t)w;
        w = snprintf(buf + n, cap - n, "%s", tail);
    }
    return w > 0 && (size_t)w < cap - n;
}

/* CREATE TABLE comparisons: the fixed columns, then eight per metric. */
static int comparisons_sql(char *buf, size_t cap)
{
    return skd_db_change_table_sql(
        buf, cap,
        "CREATE TABLE IF NOT EXISTS comparisons ("
        "patient TEXT NOT NULL, view TEXT NOT NULL,"
        "session_before TEXT NOT NULL, session_after TEXT NOT NULL,"
        "kind TEXT NOT NULL CHECK (kind IN ('baseline+previous', 'baseline',"
        " 'previous')), before_key TEXT NOT NULL, after_key TEXT NOT NULL,"
        "params_hash TEXT NOT NULL, comparison_key TEXT NOT NULL,"
        "status TEXT NOT NULL CHECK (status IN ('ok', 'error')),"
        "error_code INTEGER, error_name TEXT, error_message TEXT,"
        "dx REAL, dy REAL, rotation_deg REAL, scale REAL, confidence REAL,"
        "common_area_cm2 REAL, px_per_mm REAL, tiles_used INTEGER",
        ", param_set TEXT NOT NULL DEFAULT '',"
        " UNIQUE (patient, view, session_before, session_after,"
        " kind, param_set))");
}

int skd_db_fail(skd_ctx *ctx, sqlite3 *db, const char *path, const char *what)
{
    int code = db ? sqlite3_errcode(db) : SQLITE_ERROR;
    int st = (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED
                 ? SKD_E_BUSY
                 : SKD_E_DB;
    return skd_fail(ctx, st, "%s: %s: %s", path, what,
                    db ? sqlite3_errmsg(db) : "cannot open");
}

static int exec(skd_ctx *ctx, sqlite3 *db, const char *path, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return skd_db_fail(ctx, db, path, "cannot set up the tables");
    return SKD_OK;
}

static int user_version(skd_ctx *ctx, sqlite3 *db, const char *path,
                        int *version, int *n_objects)
{
    sqlite3_stmt *s = NULL;
    int st = SKD_OK;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK ||
        sqlite3_step(s) != SQLITE_ROW)
        st = skd_db_fail(ctx, db, path, "not a readable SQLite database");
    else
        *version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    s = NULL;
    if (st == SKD_OK &&
        (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &s,
                            NULL) != SQLITE_OK ||
         sqlite3_step(s) != SQLITE_ROW))
        st = skd_db_fail(ctx, db, path, "not a readable SQLite database");
    else if (st == SKD_OK)
        *n_objects = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return st;
}

/* Schema 1 kept one result per photo position: a re-run with other
 * settings replaced it. Schema 2 keys rows by parameter set too, so results
 * of other settings stay side by side. The old rows become the set
 * "schema1". */
static int migrate_from_1(skd_ctx *ctx, sqlite3 *db, const char *path,
                          const char *cmp_sql)
{
    int st = exec(ctx, db, path, "BEGIN IMMEDIATE");
    if (st == SKD_OK)
        st = exec(ctx, db, path,
                  "ALTER TABLE images RENAME TO images_v1;"
                  " ALTER TABLE comparisons RENAME TO comparisons_v1;"
                  " ALTER TABLE runs ADD COLUMN image_set TEXT;"
                  " ALTER TABLE runs ADD COLUMN param_set TEXT;"
                  " UPDATE runs SET image_set = 'schema1',"
                  " param_set = 'schema1'");
    if (st == SKD_OK)
        st = exec(ctx, db, path, images_sql);
    if (st == SKD_OK)
        st = exec(ctx, db, path, cmp_sql);
    if (st == SKD_OK)
        st = exec(ctx, db, path,
                  "INSERT INTO images SELECT *, 'schema1', NULL"
                  " FROM images_v1;"
                  " INSERT INTO comparisons SELECT *, 'schema1'"
                  " FROM comparisons_v1;"
                  " DROP TABLE images_v1; DROP TABLE comparisons_v1;"
                  " PRAGMA user_version = 2");
    if (st == SKD_OK)
        st = exec(ctx, db, path, "COMMIT");
    if (st != SKD_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

/* Schema 4 adds what each photo left out, as shares of the frame, beside
 * its figures (issue 12), after session_index. Rows of schema 3 keep NULL
 * there: what they left out was not recorded. Inside the caller's
 * transaction. */
static int add_shares(skd_ctx *ctx, sqlite3 *db, const char *path)
{
    static const char *const cols[] = {
        "region_fraction", "skin_fraction", "clipped_fraction",
        "excluded_not_skin", "excluded_highlight", "excluded_too_dark",
        "excluded_outside_roi_mask", "excluded_margin"};
    char sql[128];
    int st = SKD_OK;
    for (size_t i = 0; st == SKD_OK && i < sizeof cols / sizeof *cols; i++) {
        snprintf(sql, sizeof sql, "ALTER TABLE images ADD COLUMN %s REAL",
                 cols[i]);
        st = exec(ctx, db, path, sql);
    }
    return st;
}

/* Schema 5 (issue 13): comparisons keep the acquisition check
 * (skd_db_acq_cols), and comparisons and comparison_zones keep, per
 * metric, which floor judged it (M_floor_source) and why it is
 * inconclusive (M_reason, "" otherwise), appended with ALTER TABLE in a
 * new database as in an upgraded one (merge copies rows column by column).
 * Rows of schema 4 keep NULL there. Inside the caller's transaction. */
static int add_acquisition(skd_ctx *ctx, sqlite3 *db, const char *path)
{
    static const char *const tables[] = {"comparisons", "comparison_zones"};
    char sql[160];
    int st = SKD_OK;
    for (int i = 0; st == SKD_OK && i < SKD_DB_ACQ_COLS; i++) {
        snprintf(sql, sizeof sql, "ALTER TABLE comparisons ADD COLUMN %s %s",
                 skd_db_acq_cols[i].name, skd_db_acq_cols[i].type);
        st = exec(ctx, db, path, sql);
    }
    for (int t = 0; t < 2; t++)
        for (int m = 0; st == SKD_OK && m < SKD_METRIC_COUNT; m++) {
            snprintf(sql, sizeof sql,
                     "ALTER TABLE %s ADD COLUMN %s_floor_source TEXT;"
                     " ALTER TABLE %s ADD COLUMN %s_reason TEXT",
                     tables[t], skd_db_metric_cols[m], tables[t],
                     skd_db_metric_cols[m]);
            st = exec(ctx, db, path, sql);
        }
    return st;
}

/* Schema 6 (issue 15): comparisons keep, per metric, the degrees of
 * freedom of the replicates' spread (M_df; 0 without replicates), and
 * comparison_zones the photos per session each zone's means are over
 * (n_before, n_after) and M_df, appended with ALTER TABLE in a new
 * database as in an upgraded one. Rows of schema 5 keep NULL there.
 * Inside the caller's transaction. */
static int add_replicate_counts(skd_ctx *ctx, sqlite3 *db, const char *path)
{
    static const char *const tables[] = {"comparisons", "comparison_zones"};
    char sql[96];
    int st = exec(ctx, db, path,
                  "ALTER TABLE comparison_zones ADD COLUMN n_before INTEGER;"
                  " ALTER TABLE comparison_zones ADD COLUMN n_after INTEGER");
    for (int t = 0; t < 2; t++)
        for (int m = 0; st == SKD_OK && m < SKD_METRIC_COUNT; m++) {
            snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN %s_df INTEGER",
                     tables[t], skd_db_metric_cols[m]);
            st = exec(ctx, db, path, sql);
        }
    return st;
}

/* Schema 6 lets a zone row of image_zones say `too_small` (less measured
 * skin than SKD_ZONE_MIN_AREA_CM2, as analyze says it). SQLite cannot
 * change a CHECK constraint, so the table is built again with the new
 * one (skd_db_image_zones_sql) and its rows copied, columns in the same
 * order. The old table is renamed the legacy way, which leaves the
 * references of a user's views alone: they name image_zones, the new
 * table, afterwards (the modern rename would point them at the dropped
 * copy). Then the rows schema 5 stored as `ok` for a zone that small say
 * `too_small` with its area only, as schema 6 writes them: the stored
 * area is the very number skd_zone_too_small tests, so results of both
 * schemas agree, and merge keeps the same rows whichever comes first.
 * Inside the caller's transaction. */
static int rebuild_image_zones(skd_ctx *ctx, sqlite3 *db, const char *path)
{
    char sql[512];
    int st = exec(ctx, db, path, "PRAGMA legacy_alter_table = ON");
    if (st == SKD_OK)
        st = exec(ctx, db, path,
                  "ALTER TABLE image_zones RENAME TO image_zones_v5");
    sqlite3_exec(db, "PRAGMA legacy_alter_table = OFF", NULL, NULL, NULL);
    if (st == SKD_OK)
        st = exec(ctx, db, path, skd_db_image_zones_sql);
    if (st == SKD_OK)
        st = exec(ctx, db, path,
                  "INSERT INTO image_zones SELECT * FROM image_zones_v5;"
                  " DROP TABLE image_zones_v5");
    snprintf(sql, sizeof sql,
             "UPDATE image_zones SET status = 'too_small', sa = NULL,"
             " sq = NULL, ssk = NULL, sku = NULL, pore_count = NULL,"
             " pore_density_per_cm2 = NULL, pore_mean_diameter_mm = NULL,"
             " pore_area_fraction = NULL, a_mean = NULL, a_median = NULL,"
             " erythema_index = NULL, red_area_fraction = NULL"
             " WHERE status = 'ok' AND NOT (area_cm2 >= %.17g)",
             SKD_ZONE_MIN_AREA_CM2);
    if (st == SKD_OK)
        st = exec(ctx, db, path, sql);
    return st;
}

/* One upgrade step to version `to`, in its own transaction. Schema 3 adds
 * the facial zones' tables (image_zones, comparison_zones): the rows of
 * schema 2 stay as they are (they have no zones). Schema 4 adds the shares
 * (add_shares), schema 5 the acquisition check (add_acquisition), schema 6
 * the too_small zone status (rebuild_image_zones) and the replicate counts
 * (add_replicate_counts). */
static int migrate_to(skd_ctx *ctx, sqlite3 *db, const char *path,
                      const char *zones_sql, int to)
{
    char sql[64];
    int st = exec(ctx, db, path, "BEGIN IMMEDIATE");
    if (st == SKD_OK && to == 3)
        st = exec(ctx, db, path, skd_db_image_zones_sql);
    if (st == SKD_OK && to == 3)
        st = exec(ctx, db, path, zones_sql);
    if (st == SKD_OK && to == 4)
        st = add_shares(ctx, db, path);
    if (st == SKD_OK && to == 5)
        st = add_acquisition(ctx, db, path);
    if (st == SKD_OK && to == 6)
        st = rebuild_image_zones(ctx, db, path);
    if (st == SKD_OK && to == 6)
        st = add_replicate_counts(ctx, db, path);
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", to);
    if (st == SKD_OK)
        st = exec(ctx, db, path, sql);
    if (st == SKD_OK)
        st = exec(ctx, db, path, "COMMIT");
    if (st != SKD_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

int skd_db_schema(skd_ctx *ctx, sqlite3 *db, const char *path)
{
    char sql[4096], zones_sql[4096];
    int version = 0, objects = 0;
    int st = user_version(ctx, db, path, &version, &objects);
    if (st != SKD_OK)
        return st;
    if (version == SKD_DB_SCHEMA_VERSION)
        return SKD_OK;
    if (!comparisons_sql(sql, sizeof sql) ||
        !skd_db_cmp_zones_sql(zones_sql, sizeof zones_sql))
        return skd_fail(ctx, SKD_E_INTERNAL, "comparisons schema too long");
    /* Upgrades in steps: 1 -> 2 (migrate_from_1) -> 3 -> 4 -> 5 -> 6
     * (migrate_to). */
    if (version >= 1 && version < SKD_DB_SCHEMA_VERSION) {
        if (version == 1)
            st = migrate_from_1(ctx, db, path, sql);
        for (int to = version < 2 ? 3 : version + 1;
             st == SKD_OK && to <= SKD_DB_SCHEMA_VERSION; to++)
            st = migrate_to(ctx, db, path, zones_sql, to);
        return st;
    }
    if (version != 0 || objects != 0)
        return skd_fail(ctx, SKD_E_DB,
                        "%s: database schema version %d, this skindiff uses "
                        "%d (%s)",
                        path, version, SKD_DB_SCHEMA_VERSION,
                        version == 0 ? "not a skindiff results database"
                                     : "use a skindiff of that version");
    if ((st = exec(ctx, db, path, "BEGIN IMMEDIATE")) != SKD_OK)
        return st;
    if ((st = exec(ctx, db, path, runs_sql)) == SKD_OK &&
        (st = exec(ctx, db, path, images_sql)) == SKD_OK &&
        (st = add_shares(ctx, db, path)) == SKD_OK &&
        (st = exec(ctx, db, path, sql)) == SKD_OK &&
        (st = exec(ctx, db, path, skd_db_image_zones_sql)) == SKD_OK &&
        (st = exec(ctx, db, path, zones_sql)) == SKD_OK &&
        (st = add_acquisition(ctx, db, path)) == SKD_OK &&
        (st = add_replicate_counts(ctx, db, path)) == SKD_OK &&
        (st = exec(ctx, db, path,
                   "PRAGMA user_version = " SKD_STRINGIFY(
                       SKD_DB_SCHEMA_VERSION))) == SKD_OK)
        st = exec(ctx, db, path, "COMMIT");
    if (st != SKD_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}
