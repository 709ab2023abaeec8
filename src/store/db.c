/* The results database: one connection per run, prepared statements with
 * bound parameters only, one transaction per item.
 *
 * WAL with synchronous=NORMAL: a commit is not fsync()ed, only the WAL is at
 * checkpoints. A killed process loses nothing that was committed (the data
 * is in the OS cache); a power cut may lose the last few commits but never
 * corrupts the database, and those items are simply redone by the resume.
 * FULL would add one fsync per item for no gain in correctness here. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

/* Rows that failed for a reason of the run, not of the input (out of memory,
 * internal error), do not count as finished: the next run retries them. */
#define RETRIED " AND (status = 'ok' OR error_code NOT IN (1, 12))"
_Static_assert(SKD_E_NOMEM == 1 && SKD_E_INTERNAL == 12,
               "RETRIED lists SKD_E_NOMEM and SKD_E_INTERNAL by number");

static int prepare(skd_ctx *ctx, skd_db *db, const char *path,
                   const char *sql, sqlite3_stmt **out)
{
    if (sqlite3_prepare_v3(db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out,
                           NULL) != SQLITE_OK)
        return skd_db_fail(ctx, db->db, path, "cannot prepare a statement");
    return SKD_OK;
}

/* INSERT OR REPLACE INTO comparisons (...) VALUES (?, ...): the fixed
 * columns, eight per metric, param_set, the acquisition check and two per
 * metric (schema 5), one per metric (schema 6), in the order
 * skd_db_put_cmp binds them. */
static int put_cmp_sql(char *buf, size_t cap)
{
    size_t n;
    int cols = 22 + 8 * SKD_METRIC_COUNT + SKD_DB_ACQ_COLS + 3 * SKD_METRIC_COUNT;
    int w = snprintf(buf, cap,
                     "INSERT OR REPLACE INTO comparisons (patient, view,"
                     " session_before, session_after, kind, before_key,"
                     " after_key, params_hash, comparison_key, status,"
                     " error_code, error_name, error_message, dx, dy,"
                     " rotation_deg, scale, confidence, common_area_cm2,"
                     " px_per_mm, tiles_used");
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        const char *c = skd_db_metric_cols[m];
        if (w < 0 || (size_t)w >= cap)
            return 0;
        n = (size_t)w;
        w = (int)n + snprintf(buf + n, cap - n,
                              ", %s_before, %s_after, %s_change, %s_change_pct,"
                              " %s_ci_low, %s_ci_high, %s_noise_floor,"
                              " %s_verdict",
                              c, c, c, c, c, c, c, c);
    }
    if (w < 0 || (size_t)w >= cap)
        return 0;
    n = (size_t)w;
    w = (int)n + snprintf(buf + n, cap - n, ", param_set");
    for (int i = 0; i < SKD_DB_ACQ_COLS && w > 0 && (size_t)w < cap; i++) {
        n = (size_t)w;
        w = (int)n + snprintf(buf + n, cap - n, ", %s", skd_db_acq_cols[i].name);
    }
    for (int m = 0; m < SKD_METRIC_COUNT && w > 0 && (size_t)w < cap; m++) {
        n = (size_t)w;
        w = (int)n + snprintf(buf + n, cap - n, ", %s_floor_source, %s_reason",
                              skd_db_metric_cols[m], skd_db_metric_cols[m]);
    }
    for (int m = 0; m < SKD_METRIC_COUNT && w > 0 && (size_t)w < cap; m++) {
        n = (size_t)w;
        w = (int)n + snprintf(buf + n, cap - n, ", %s_df", skd_db_metric_cols[m]);
    }
    for (int i = 0; i < cols; i++) {
        if (w < 0 || (size_t)w >= cap)
            return 0;
        n = (size_t)w;
        w = (int)n + snprintf(buf + n, cap - n, "%s?", i ? ", " : ") VALUES (");
    }
    if (w < 0 || (size_t)w >= cap)
        return 0;
    n = (size_t)w;
    w = (int)n + snprintf(buf + n, cap - n, ")");
    return w > 0 && (size_t)w < cap;
}

static int open_conn(skd_ctx *ctx, const char *path, int flags, skd_db *db)
{
    memset(db, 0, sizeof *db);
    db->lock_fd = -1;
    if (sqlite3_open_v2(path, &db->db, flags | SQLITE_OPEN_FULLMUTEX, NULL) !=
        SQLITE_OK) {
        int st = skd_db_fail(ctx, db->db, path, "cannot open the database");
        sqlite3_close(db->db);
        db->db = NULL;
        return st;
    }
    sqlite3_busy_timeout(db->db, 30000);
    sqlite3_extended_result_codes(db->db, 1);
    return SKD_OK;
}

int skd_db_open(skd_ctx *ctx, const char *path, skd_db *db)
{
    char sql[8192];
    int st = open_conn(ctx, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, db);
    if (st != SKD_OK)
        return st;
    if (sqlite3_exec(db->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     " PRAGMA foreign_keys=OFF",
                     NULL, NULL, NULL) != SQLITE_OK)
        st = skd_db_fail(ctx, db->db, path, "cannot set WAL mode");
    if (st == SKD_OK)
        st = skd_db_schema(ctx, db->db, path);
    if (st == SKD_OK)
        st = prepare(ctx, db, path,
                     "SELECT status, error_code, error_message, session_index"
                     " FROM images"
                     " WHERE patient = ? AND session = ? AND view = ?"
                     " AND image_key = ? AND image_set = ?" RETRIED,
                     &db->find_image);
    if (st == SKD_OK)
        st = prepare(ctx, db, path,
                     "INSERT OR REPLACE INTO images (patient, session, view,"
                     " path, content_sha256, params_hash, image_key, status,"
                     " error_code, error_name, error_message, width, height,"
                     " px_per_mm, scale_source, sa, sq, ssk, sku, pore_count,"
                     " pore_density_per_cm2, pore_mean_diameter_mm,"
                     " pore_area_fraction, a_mean, a_median, erythema_index,"
                     " red_area_fraction, area_cm2, image_set, session_index,"
                     " region_fraction, skin_fraction, clipped_fraction,"
                     " excluded_not_skin, excluded_highlight,"
                     " excluded_too_dark, excluded_outside_roi_mask,"
                     " excluded_margin)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                     " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                     " ?, ?, ?, ?, ?, ?, ?, ?)",
                     &db->put_image);
    if (st == SKD_OK)
        st = prepare(ctx, db, path,
                     "UPDATE images SET session_index = ? WHERE patient = ?"
                     " AND session = ? AND view = ? AND image_set = ?",
                     &db->set_index);
    if (st == SKD_OK)
        st = prepare(ctx, db, path,
                     "SELECT status FROM comparisons WHERE patient = ? AND"
                     " view = ? AND session_before = ? AND session_after = ?"
                     " AND kind = ? AND comparison_key = ? AND param_set = ?"
                     RETRIED,
                     &db->find_cmp);
    if (st == SKD_OK && !put_cmp_sql(sql, sizeof sql))
        st = skd_fail(ctx, SKD_E_INTERNAL, "comparison insert too long");
    if (st == SKD_OK)
        st = prepare(ctx, db, path, sql, &db->put_cmp);
    if (st != SKD_OK)
        skd_db_close(db);
    return st;
}

int skd_db_open_readonly(skd_ctx *ctx, const char *path, skd_db *db)
{
    int version = -1, st;
    sqlite3_stmt *s = NULL;
    /* Read-write (nothing is written) when allowed: a read-only connection
     * to a WAL database leaves its -wal and -shm files behind, while the
     * last read-write connection removes them on close. */
    st = open_conn(ctx, path, SQLITE_OPEN_READWRITE, db);
    if (st != SKD_OK)
        st = open_conn(ctx, path, SQLITE_OPEN_READONLY, db);
    if (st != SKD_OK)
        return st;
    if (sqlite3_prepare_v2(db->db, "PRAGMA user_version", -1, &s, NULL) !=
            SQLITE_OK ||
        sqlite3_step(s) != SQLITE_ROW)
        st = skd_db_fail(ctx, db->db, path, "not a readable SQLite database");
    else
        version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (st == SKD_OK && version >= 1 && version < SKD_DB_SCHEMA_VERSION)
        /* upgraded in place when writable */
        st = skd_db_schema(ctx, db->db, path);
    else if (st == SKD_OK && version != SKD_DB_SCHEMA_VERSION)
        st = skd_fail(ctx, SKD_E_DB,
                      "%s: database schema version %d, this skindiff reads %d",
                      path, version, SKD_DB_SCHEMA_VERSION);
    if (st != SKD_OK)
        skd_db_close(db);
    return st;
}

void skd_db_close(skd_db *db)
{
    sqlite3_finalize(db->find_image);
    sqlite3_finalize(db->put_image);
    sqlite3_finalize(db->find_cmp);
    sqlite3_finalize(db->put_cmp);
    sqlite3_finalize(db->set_index);
    sqlite3_finalize(db->del_image_zones);
    sqlite3_finalize(db->put_image_zone);
    sqlite3_finalize(db->del_cmp_zones);
    sqlite3_finalize(db->put_cmp_zone);
    sqlite3_close(db->db);
    skd_db_unlock(db->lock_fd);
    memset(db, 0, sizeof *db);
    db->lock_fd = -1;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* Numbers that are not finite are stored as NULL. */
static void bind_real(sqlite3_stmt *s, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

void skd_db_bind_changes(sqlite3_stmt *s, int first, const skd_change *change)
{
    for (int m = 0, i = first; m < SKD_METRIC_COUNT; m++, i += 8) {
        const skd_change *ch = &change[m];
        bind_real(s, i, ch->before);
        bind_real(s, i + 1, ch->after);
        bind_real(s, i + 2, ch->change);
        bind_real(s, i + 3, ch->change_pct);
        bind_real(s, i + 4, ch->ci_low);
        bind_real(s, i + 5, ch->ci_high);
        bind_real(s, i + 6, ch->noise_floor);
        bind_text(s, i + 7, skd_db_verdict_name(ch->verdict));
    }
}

void skd_db_bind_reasons(sqlite3_stmt *s, int first, const skd_change *change)
{
    for (int m = 0, i = first; m < SKD_METRIC_COUNT; m++, i += 2) {
        bind_text(s, i, change[m].floor_source);
        bind_text(s, i + 1, change[m].reason);
    }
}

/* The limits the acquisition check found exceeded, as compare --json
 * names them ("exposure,light"; "" for none). */
static void limits_text(unsigned flags, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned k = 0; k < 32; k++)
        if ((flags & (1u << k)) && skd_acquisition_limit_name(1u << k)) {
            int w = snprintf(buf + n, cap - n, "%s%s", n ? "," : "",
                             skd_acquisition_limit_name(1u << k));
            if (w < 0 || (size_t)w >= cap - n)
                break;
            n += (size_t)w;
        }
}

void skd_db_bind_acquisition(sqlite3_stmt *s, int first,
                             const skd_comparison *c)
{
    const skd_acquisition *q = &c->acquisition;
    const double v[] = {q->exposure_pct,        q->dL,
                        q->da,                  q->db,
                        q->neutral_dL,          q->neutral_da,
                        q->neutral_db,          q->sharpness_before,
                        q->sharpness_after,     q->sharpness_ratio,
                        q->region_share_before, q->region_share_after,
                        q->residual_median_px,  q->residual_max_px};
    const int nv = (int)(sizeof v / sizeof *v);
    char limits[64];
    sqlite3_bind_int(s, first, q->colour_calibrated != 0);
    for (int i = 0; i < nv; i++)
        bind_real(s, first + 1 + i, v[i]);
    sqlite3_bind_int64(s, first + nv + 1, q->tiles_measured);
    sqlite3_bind_int64(s, first + nv + 2, q->tiles_dropped);
    bind_real(s, first + nv + 3, q->tone_slope);
    bind_real(s, first + nv + 4, q->tone_spread);
    bind_real(s, first + nv + 5, q->resolution_ratio);
    bind_real(s, first + nv + 6, q->pores_unresolved);
    limits_text(q->flags, limits, sizeof limits);
    bind_text(s, first + nv + 7, limits);
    sqlite3_bind_int64(s, first + nv + 8, c->replicates.n_before);
    sqlite3_bind_int64(s, first + nv + 9, c->replicates.n_after);
}
_Static_assert(SKD_DB_ACQ_COLS == 1 + 14 + 9, "skd_db_bind_acquisition binds "
               "every column of skd_db_acq_cols");

static int step_done(skd_ctx *ctx, sqlite3 *db, sqlite3_stmt *s,
                     const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE)
        return skd_db_fail(ctx, db, sqlite3_db_filename(db, "main"), what);
    return SKD_OK;
}

int skd_db_find_image(skd_ctx *ctx, skd_db *db, const skd_entry *e,
                      const char *key, int *found, int *status,
                      char **message, unsigned *index)
{
    sqlite3_stmt *s = db->find_image;
    int rc;
    *found = 0;
    *index = 0;
    *status = SKD_OK;
    *message = NULL;
    bind_text(s, 1, e->patient);
    bind_text(s, 2, e->session);
    bind_text(s, 3, e->view);
    bind_text(s, 4, key);
    bind_text(s, 5, db->image_set);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *msg = (const char *)sqlite3_column_text(s, 2);
        *found = 1;
        *index = (unsigned)sqlite3_column_int64(s, 3);
        if (strcmp((const char *)sqlite3_column_text(s, 0), "ok") != 0) {
            *status = sqlite3_column_int(s, 1);
            if (*status == SKD_OK)
                *status = SKD_E_INTERNAL;
            *message = skd_strdup(ctx, msg ? msg : "");
        }
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return skd_db_fail(ctx, db->db, sqlite3_db_filename(db->db, "main"),
                           "cannot look up a photo");
    if (*found && *status != SKD_OK && !*message)
        return SKD_E_NOMEM;
    return SKD_OK;
}

static int begin(skd_ctx *ctx, skd_db *db)
{
    if (sqlite3_exec(db->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return skd_db_fail(ctx, db->db, sqlite3_db_filename(db->db, "main"),
                           "cannot begin a transaction");
    return SKD_OK;
}

static int end(skd_ctx *ctx, skd_db *db, int st)
{
    if (st == SKD_OK &&
        sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        st = skd_db_fail(ctx, db->db, sqlite3_db_filename(db->db, "main"),
                         "cannot commit");
    if (st != SKD_OK)
        sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

int skd_db_put_image(skd_ctx *ctx, skd_db *db, const skd_image_row *r)
{
    sqlite3_stmt *s = db->put_image;
    const skd_entry *e = r->entry;
    const skd_metrics *m = &r->metrics;
    int ok = r->status == SKD_OK, st;
    if ((st = begin(ctx, db)) != SKD_OK)
        return st;
    bind_text(s, 1, e->patient);
    bind_text(s, 2, e->session);
    bind_text(s, 3, e->view);
    bind_text(s, 4, e->rel_path);
    bind_text(s, 5, r->content_sha256);
    bind_text(s, 6, r->params_hash);
    bind_text(s, 7, e->image_key);
    bind_text(s, 8, ok ? "ok" : "error");
    if (!ok) {
        sqlite3_bind_int(s, 9, r->status);
        bind_text(s, 10, skd_strerror(r->status));
        bind_text(s, 11, r->message ? r->message : "");
    }
    if (r->width) {
        sqlite3_bind_int64(s, 12, r->width);
        sqlite3_bind_int64(s, 13, r->height);
    }
    if (r->px_per_mm > 0)
        bind_real(s, 14, r->px_per_mm);
    bind_text(s, 15, r->scale_source);
    if (ok) {
        bind_real(s, 16, m->sa);
        bind_real(s, 17, m->sq);
        bind_real(s, 18, m->ssk);
        bind_real(s, 19, m->sku);
        sqlite3_bind_int64(s, 20, m->pore_count);
        bind_real(s, 21, m->pore_density_per_cm2);
        bind_real(s, 22, m->pore_mean_diameter_mm);
        bind_real(s, 23, m->pore_area_fraction);
        bind_real(s, 24, m->a_mean);
        bind_real(s, 25, m->a_median);
        bind_real(s, 26, m->erythema_index);
        bind_real(s, 27, m->red_area_fraction);
        bind_real(s, 28, m->area_cm2);
    }
    bind_text(s, 29, db->image_set);
    sqlite3_bind_int64(s, 30, e->session_index);
    if (ok && r->exclusion) {
        const skd_exclusion *x = r->exclusion;
        const double v[] = {x->region,    x->skin,     x->clipped,
                            x->not_skin,  x->highlight, x->too_dark,
                            x->outside_roi_mask, x->margin};
        for (int i = 0; i < (int)(sizeof v / sizeof *v); i++)
            bind_real(s, 31 + i, v[i]);
    }
    st = step_done(ctx, db->db, s, "cannot store a photo's results");
    if (st == SKD_OK)
        st = skd_db_put_image_zones(ctx, db, r);
    return end(ctx, db, st);
}

/* A stored photo whose place in its series changed (a session was added
 * before it): the new place, so the export's order stays right. */
int skd_db_set_index(skd_ctx *ctx, skd_db *db, const skd_entry *e)
{
    sqlite3_stmt *s = db->set_index;
    int st;
    if ((st = begin(ctx, db)) != SKD_OK)
        return st;
    sqlite3_bind_int64(s, 1, e->session_index);
    bind_text(s, 2, e->patient);
    bind_text(s, 3, e->session);
    bind_text(s, 4, e->view);
    bind_text(s, 5, db->image_set);
    st = step_done(ctx, db->db, s, "cannot store a session's place");
    return end(ctx, db, st);
}

static void bind_pair(sqlite3_stmt *s, const skd_entry *before,
                      const skd_entry *after, skd_cmp_kind kind)
{
    bind_text(s, 1, before->patient);
    bind_text(s, 2, skd_series_view(before));
    bind_text(s, 3, before->session);
    bind_text(s, 4, after->session);
    bind_text(s, 5, skd_cmp_kind_name(kind));
}

int skd_db_find_cmp(skd_ctx *ctx, skd_db *db, const skd_entry *before,
                    const skd_entry *after, skd_cmp_kind kind,
                    const char *key, int *found, int *status)
{
    sqlite3_stmt *s = db->find_cmp;
    int rc;
    *found = 0;
    *status = SKD_OK;
    bind_pair(s, before, after, kind);
    bind_text(s, 6, key);
    bind_text(s, 7, db->param_set);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *found = 1;
        if (strcmp((const char *)sqlite3_column_text(s, 0), "ok") != 0)
            *status = SKD_E_INTERNAL; /* only "failed or not" is needed */
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return skd_db_fail(ctx, db->db, sqlite3_db_filename(db->db, "main"),
                           "cannot look up a comparison");
    return SKD_OK;
}

int skd_db_put_cmp(skd_ctx *ctx, skd_db *db, const skd_cmp_row *r)
{
    sqlite3_stmt *s = db->put_cmp;
    const skd_comparison *c = &r->c;
    int ok = r->status == SKD_OK, st;
    if ((st = begin(ctx, db)) != SKD_OK)
        return st;
    bind_pair(s, r->before, r->after, r->kind);
    bind_text(s, 6, r->before->image_key);
    bind_text(s, 7, r->after->image_key);
    bind_text(s, 8, r->params_hash);
    bind_text(s, 9, r->cmp_key);
    bind_text(s, 10, ok ? "ok" : "error");
    if (!ok) {
        sqlite3_bind_int(s, 11, r->status);
        bind_text(s, 12, skd_strerror(r->status));
        bind_text(s, 13, r->message ? r->message : "");
    } else {
        bind_real(s, 14, c->transform.dx);
        bind_real(s, 15, c->transform.dy);
        bind_real(s, 16, c->transform.rotation_deg);
        bind_real(s, 17, c->transform.scale);
        bind_real(s, 18, c->transform.confidence);
        bind_real(s, 19, c->common_area_cm2);
        bind_real(s, 20, c->px_per_mm);
        sqlite3_bind_int64(s, 21, c->tiles_used);
        skd_db_bind_changes(s, 22, c->change);
        skd_db_bind_acquisition(s, 23 + 8 * SKD_METRIC_COUNT, c);
        skd_db_bind_reasons(s, 23 + 8 * SKD_METRIC_COUNT + SKD_DB_ACQ_COLS,
                            c->change);
        for (int m = 0; m < SKD_METRIC_COUNT; m++)
            sqlite3_bind_int64(s, 23 + 10 * SKD_METRIC_COUNT + SKD_DB_ACQ_COLS + m,
                               c->replicates.df[m]);
    }
    bind_text(s, 22 + 8 * SKD_METRIC_COUNT, db->param_set);
    st = step_done(ctx, db->db, s, "cannot store a comparison");
    if (st == SKD_OK)
        st = skd_db_put_cmp_zones(ctx, db, r);
    return end(ctx, db, st);
}

int skd_db_put_run(skd_ctx *ctx, skd_db *db, const char *run_id,
                   const char *started, const char *finished,
                   const char *source, const char *settings,
                   const skd_batch_options *opt, const skd_batch_summary *sum)
{
    sqlite3_stmt *s = NULL;
    char shard[64] = "";
    int st;
    if (sqlite3_prepare_v2(db->db,
                           "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?,"
                           " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &s, NULL) != SQLITE_OK)
        return skd_db_fail(ctx, db->db, sqlite3_db_filename(db->db, "main"),
                           "cannot record the run");
    if (opt->shard_n)
        snprintf(shard, sizeof shard, "%u/%u", opt->shard_k, opt->shard_n);
    bind_text(s, 1, run_id);
    bind_text(s, 2, started);
    bind_text(s, 3, finished);
    bind_text(s, 4, skd_version_string());
    bind_text(s, 5, source);
    bind_text(s, 6, shard[0] ? shard : NULL);
    sqlite3_bind_int(s, 7, (int)opt->jobs);
    bind_text(s, 8, settings);
    if (sum) {
        sqlite3_bind_int64(s, 9, (sqlite3_int64)sum->images.total);
        sqlite3_bind_int64(s, 10, (sqlite3_int64)sum->images.done);
        sqlite3_bind_int64(s, 11, (sqlite3_int64)sum->images.skipped);
        sqlite3_bind_int64(s, 12, (sqlite3_int64)sum->images.failed);
        sqlite3_bind_int64(s, 13, (sqlite3_int64)sum->comparisons.total);
        sqlite3_bind_int64(s, 14, (sqlite3_int64)sum->comparisons.done);
        sqlite3_bind_int64(s, 15, (sqlite3_int64)sum->comparisons.skipped);
        sqlite3_bind_int64(s, 16, (sqlite3_int64)sum->comparisons.failed);
    }
    bind_text(s, 17, db->image_set);
    bind_text(s, 18, db->param_set);
    st = sqlite3_step(s) == SQLITE_DONE
             ? SKD_OK
             : skd_db_fail(ctx, db->db, sqlite3_db_filename(db->db, "main"),
                           "cannot record the run");
    sqlite3_finalize(s);
    return st;
}
