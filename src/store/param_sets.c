/* The parameter sets of a results database: each run records the hashes of
 * its settings, and rows are stored per set, so results of other settings
 * stay side by side. Listed latest first, the order the export's default
 * (the latest run's set) follows. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

static const char sets_query[] =
    "SELECT param_set, image_set, MAX(started_utc), settings,"
    " (SELECT count(*) FROM images i WHERE i.image_set = r.image_set),"
    " (SELECT count(*) FROM comparisons c WHERE c.param_set = r.param_set)"
    " FROM runs r WHERE param_set IS NOT NULL GROUP BY param_set"
    " ORDER BY MAX(started_utc) DESC, MAX(rowid) DESC";

static void copy_col(sqlite3_stmt *s, int i, char *dst, size_t cap)
{
    const char *v = (const char *)sqlite3_column_text(s, i);
    snprintf(dst, cap, "%s", v ? v : "");
}

int skd_param_sets(skd_ctx *ctx, const char *db_path, skd_param_set **out,
                   size_t *n)
{
    sqlite3_stmt *s = NULL;
    skd_param_set *v = NULL;
    size_t cap = 0;
    skd_db db;
    int st, rc;
    if (!ctx || !db_path || !out || !n)
        return ctx ? skd_fail(ctx, SKD_E_INVALID, "param sets: bad arguments")
                   : SKD_E_INVALID;
    *out = NULL;
    *n = 0;
    if ((st = skd_db_open_readonly(ctx, db_path, &db)) != SKD_OK)
        return st;
    if (sqlite3_prepare_v2(db.db, sets_query, -1, &s, NULL) != SQLITE_OK)
        st = skd_db_fail(ctx, db.db, db_path, "cannot read the runs");
    while (st == SKD_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        skd_param_set *p;
        if (*n == cap) {
            skd_param_set *grown =
                skd_array_grow(ctx, v, *n, &cap, sizeof *grown, 4);
            if (!grown) {
                st = SKD_E_NOMEM;
                break;
            }
            v = grown;
        }
        p = &v[(*n)++];
        memset(p, 0, sizeof *p);
        copy_col(s, 0, p->param_set, sizeof p->param_set);
        copy_col(s, 1, p->image_set, sizeof p->image_set);
        copy_col(s, 2, p->last_run_utc, sizeof p->last_run_utc);
        copy_col(s, 3, p->settings, sizeof p->settings);
        p->images = (uint64_t)sqlite3_column_int64(s, 4);
        p->comparisons = (uint64_t)sqlite3_column_int64(s, 5);
    }
    if (st == SKD_OK && rc != SQLITE_DONE)
        st = skd_db_fail(ctx, db.db, db_path, "cannot read the runs");
    sqlite3_finalize(s);
    skd_db_close(&db);
    if (st != SKD_OK) {
        skd_dealloc(ctx, v);
        *n = 0;
        return st;
    }
    *out = v;
    return SKD_OK;
}
