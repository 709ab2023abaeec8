/* Facial zones in the results database (schema 3): one row per zone of a
 * photo in image_zones and per zone of a comparison in comparison_zones,
 * beside the photo's and the comparison's own rows (which are the whole
 * region). Written in the same transaction as those rows, after removing
 * the rows an earlier result of the same place left, so a re-run never
 * mixes zones of two results. A photo without a face has no zone rows. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

const char skd_db_image_zones_sql[] =
    "CREATE TABLE IF NOT EXISTS image_zones ("
    "patient TEXT NOT NULL, session TEXT NOT NULL, view TEXT NOT NULL,"
    "image_set TEXT NOT NULL, image_key TEXT NOT NULL, zone TEXT NOT NULL,"
    "zone_source TEXT NOT NULL, faces_found INTEGER,"
    "status TEXT NOT NULL CHECK (status IN ('ok', 'empty', 'too_small')),"
    "sa REAL, sq REAL, ssk REAL, sku REAL, pore_count INTEGER,"
    "pore_density_per_cm2 REAL, pore_mean_diameter_mm REAL,"
    "pore_area_fraction REAL, a_mean REAL, a_median REAL,"
    "erythema_index REAL, red_area_fraction REAL, area_cm2 REAL,"
    "UNIQUE (patient, session, view, image_set, zone))";

/* The fixed columns, then eight per metric as in comparisons. */
int skd_db_cmp_zones_sql(char *buf, size_t cap)
{
    return skd_db_change_table_sql(
        buf, cap,
        "CREATE TABLE IF NOT EXISTS comparison_zones ("
        "patient TEXT NOT NULL, view TEXT NOT NULL,"
        "session_before TEXT NOT NULL, session_after TEXT NOT NULL,"
        "kind TEXT NOT NULL, param_set TEXT NOT NULL,"
        "comparison_key TEXT NOT NULL, zone TEXT NOT NULL,"
        "zone_source TEXT NOT NULL,"
        "status TEXT NOT NULL CHECK (status IN ('ok', 'empty')), note TEXT,"
        "area_cm2 REAL, tiles_used INTEGER, landmark_residual_mm REAL",
        ", UNIQUE (patient, view, session_before, session_after,"
        " kind, param_set, zone))");
}

static const char *source_name(skd_zone_source s)
{
    switch (s) {
    case SKD_ZONES_DLIB: return "dlib";
    case SKD_ZONES_LANDMARKS: return "landmarks";
    case SKD_ZONES_LABELS: return "labels";
    default: return "none";
    }
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

static void bind_real(sqlite3_stmt *s, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

static int prepared(skd_ctx *ctx, skd_db *db, sqlite3_stmt **s,
                    const char *sql)
{
    if (*s || sqlite3_prepare_v3(db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, s,
                                 NULL) == SQLITE_OK)
        return SKD_OK;
    return skd_db_fail(ctx, db->db, sqlite3_db_filename(db->db, "main"),
                       "cannot prepare a statement");
}

static int step(skd_ctx *ctx, skd_db *db, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE)
        return skd_db_fail(ctx, db->db, sqlite3_db_filename(db->db, "main"),
                           what);
    return SKD_OK;
}

int skd_db_put_image_zones(skd_ctx *ctx, skd_db *db, const skd_image_row *r)
{
    const skd_entry *e = r->entry;
    const skd_image_zones *z = r->zones;
    int st = prepared(ctx, db, &db->del_image_zones,
                      "DELETE FROM image_zones WHERE patient = ? AND"
                      " session = ? AND view = ? AND image_set = ?");
    if (st == SKD_OK)
        st = prepared(ctx, db, &db->put_image_zone,
                      "INSERT INTO image_zones VALUES (?, ?, ?, ?, ?, ?, ?,"
                      " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st != SKD_OK)
        return st;
    bind_text(db->del_image_zones, 1, e->patient);
    bind_text(db->del_image_zones, 2, e->session);
    bind_text(db->del_image_zones, 3, e->view);
    bind_text(db->del_image_zones, 4, db->image_set);
    st = step(ctx, db, db->del_image_zones, "cannot replace a photo's zones");
    if (st != SKD_OK || !z || r->status != SKD_OK ||
        z->source == SKD_ZONES_NO_FACE)
        return st;
    for (int i = 1; i < SKD_ZONE_COUNT && st == SKD_OK; i++) {
        sqlite3_stmt *s = db->put_image_zone;
        const skd_metrics *m = &z->metrics[i];
        bind_text(s, 1, e->patient);
        bind_text(s, 2, e->session);
        bind_text(s, 3, e->view);
        bind_text(s, 4, db->image_set);
        bind_text(s, 5, e->image_key);
        bind_text(s, 6, skd_zone_name((skd_zone)i));
        bind_text(s, 7, source_name(z->source));
        sqlite3_bind_int64(s, 8, z->faces_found);
        /* a zone under SKD_ZONE_MIN_AREA_CM2 keeps its area only, as
         * analyze reports it (schema 6) */
        int small = z->status[i] == SKD_OK && skd_zone_too_small(m);
        bind_text(s, 9, z->status[i] != SKD_OK ? "empty"
                        : small               ? "too_small"
                                              : "ok");
        if (small)
            bind_real(s, 22, m->area_cm2);
        else if (z->status[i] == SKD_OK) {
            bind_real(s, 10, m->sa);
            bind_real(s, 11, m->sq);
            bind_real(s, 12, m->ssk);
            bind_real(s, 13, m->sku);
            sqlite3_bind_int64(s, 14, m->pore_count);
            bind_real(s, 15, m->pore_density_per_cm2);
            bind_real(s, 16, m->pore_mean_diameter_mm);
            bind_real(s, 17, m->pore_area_fraction);
            bind_real(s, 18, m->a_mean);
            bind_real(s, 19, m->a_median);
            bind_real(s, 20, m->erythema_index);
            bind_real(s, 21, m->red_area_fraction);
            bind_real(s, 22, m->area_cm2);
        }
        st = step(ctx, db, s, "cannot store a photo's zones");
    }
    return st;
}

static int put_cmp_zone_sql(char *buf, size_t cap)
{
    size_t n;
    /* schema 5: two more per metric; schema 6: n_before, n_after and one
     * more per metric */
    int cols = 14 + 10 * SKD_METRIC_COUNT + 2 + SKD_METRIC_COUNT;
    int w = snprintf(buf, cap, "INSERT INTO comparison_zones VALUES (");
    for (int i = 0; i < cols && w > 0 && (size_t)w < cap; i++) {
        n = (size_t)w;
        w = (int)n + snprintf(buf + n, cap - n, "%s?", i ? ", " : "");
    }
    if (w <= 0 || (size_t)w >= cap)
        return 0;
    n = (size_t)w;
    w = (int)n + snprintf(buf + n, cap - n, ")");
    return w > 0 && (size_t)w < cap;
}

int skd_db_put_cmp_zones(skd_ctx *ctx, skd_db *db, const skd_cmp_row *r)
{
    const skd_zone_comparison *zc = r->zones;
    char sql[2048];
    int st = prepared(ctx, db, &db->del_cmp_zones,
                      "DELETE FROM comparison_zones WHERE patient = ? AND"
                      " view = ? AND session_before = ? AND session_after = ?"
                      " AND kind = ? AND param_set = ?");
    if (st == SKD_OK && !db->put_cmp_zone && !put_cmp_zone_sql(sql, sizeof sql))
        st = skd_fail(ctx, SKD_E_INTERNAL, "zone insert too long");
    if (st == SKD_OK)
        st = prepared(ctx, db, &db->put_cmp_zone, sql);
    if (st != SKD_OK)
        return st;
    bind_text(db->del_cmp_zones, 1, r->before->patient);
    bind_text(db->del_cmp_zones, 2, skd_series_view(r->before));
    bind_text(db->del_cmp_zones, 3, r->before->session);
    bind_text(db->del_cmp_zones, 4, r->after->session);
    bind_text(db->del_cmp_zones, 5, skd_cmp_kind_name(r->kind));
    bind_text(db->del_cmp_zones, 6, db->param_set);
    st = step(ctx, db, db->del_cmp_zones, "cannot replace a comparison's zones");
    if (st != SKD_OK || !zc || r->status != SKD_OK ||
        zc->source == SKD_ZONES_NO_FACE)
        return st;
    for (int i = 1; i < SKD_ZONE_COUNT && st == SKD_OK; i++) {
        sqlite3_stmt *s = db->put_cmp_zone;
        const skd_zone_change *z = &zc->zone[i];
        const skd_replicates *rep = &zc->replicates[i];
        char buf[160];
        const char *note = skd_zone_change_note(zc, (skd_zone)i, buf,
                                                sizeof buf);
        bind_text(s, 1, r->before->patient);
        bind_text(s, 2, skd_series_view(r->before));
        bind_text(s, 3, r->before->session);
        bind_text(s, 4, r->after->session);
        bind_text(s, 5, skd_cmp_kind_name(r->kind));
        bind_text(s, 6, db->param_set);
        bind_text(s, 7, r->cmp_key);
        bind_text(s, 8, skd_zone_name((skd_zone)i));
        bind_text(s, 9, source_name(zc->source));
        bind_text(s, 10, z->measured ? "ok" : "empty");
        if (note)
            bind_text(s, 11, note);
        bind_real(s, 12, z->area_cm2);
        sqlite3_bind_int64(s, 13, z->tiles_used);
        if (zc->has_residual)
            bind_real(s, 14, zc->landmark_residual_mm);
        if (z->measured) {
            int n = 15 + 10 * SKD_METRIC_COUNT;
            skd_db_bind_changes(s, 15, z->change);
            skd_db_bind_reasons(s, 15 + 8 * SKD_METRIC_COUNT, z->change);
            /* n 0: a zone without replicates' means, the first photos' */
            sqlite3_bind_int64(s, n, rep->n_before ? rep->n_before : 1);
            sqlite3_bind_int64(s, n + 1, rep->n_after ? rep->n_after : 1);
            for (int m = 0; m < SKD_METRIC_COUNT; m++)
                sqlite3_bind_int64(s, n + 2 + m, rep->df[m]);
        }
        st = step(ctx, db, s, "cannot store a comparison's zones");
    }
    return st;
}
