/* Merge shard databases: copy every row with INSERT OR IGNORE on the unique
 * keys, all shards in one transaction on the output. Rows are copied through
 * prepared statements (not ATTACH), so the number of shards is not limited
 * and nothing is attached inside the transaction. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

static const char *const tables[] = {"runs", "images", "comparisons",
                                     "image_zones", "comparison_zones"};

/* Column lists must match exactly (same version implies it; a hand-edited
 * database might not). */
static int same_columns(skd_ctx *ctx, sqlite3 *out, sqlite3 *in,
                        const char *table, const char *in_path)
{
    char sql[128];
    sqlite3_stmt *a = NULL, *b = NULL;
    int st = SKD_OK;
    snprintf(sql, sizeof sql, "SELECT * FROM %s LIMIT 0", table);
    if (sqlite3_prepare_v2(out, sql, -1, &a, NULL) != SQLITE_OK)
        st = skd_db_fail(ctx, out, "output", "cannot read a table");
    else if (sqlite3_prepare_v2(in, sql, -1, &b, NULL) != SQLITE_OK)
        st = skd_db_fail(ctx, in, in_path, "cannot read a table");
    else if (sqlite3_column_count(a) != sqlite3_column_count(b))
        st = skd_fail(ctx, SKD_E_DB, "%s: table %s has %d columns, expected %d",
                      in_path, table, sqlite3_column_count(b),
                      sqlite3_column_count(a));
    for (int i = 0; st == SKD_OK && i < sqlite3_column_count(a); i++)
        if (strcmp(sqlite3_column_name(a, i), sqlite3_column_name(b, i)))
            st = skd_fail(ctx, SKD_E_DB, "%s: table %s column %d is %s, "
                          "expected %s", in_path, table, i + 1,
                          sqlite3_column_name(b, i), sqlite3_column_name(a, i));
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    return st;
}

static int copy_table(skd_ctx *ctx, sqlite3 *out, sqlite3 *in,
                      const char *table, const char *in_path,
                      const char *out_path)
{
    char sql[4096];
    sqlite3_stmt *r = NULL, *w = NULL;
    int st = SKD_OK, rc, n;
    size_t len;
    snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
    if (sqlite3_prepare_v2(in, sql, -1, &r, NULL) != SQLITE_OK)
        return skd_db_fail(ctx, in, in_path, "cannot read a table");
    n = sqlite3_column_count(r);
    len = (size_t)snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO %s VALUES (",
                           table);
    for (int i = 0; i < n && len + 4 < sizeof sql; i++)
        len += (size_t)snprintf(sql + len, sizeof sql - len, "%s?", i ? "," : "");
    if (len + 2 >= sizeof sql) {
        sqlite3_finalize(r);
        return skd_fail(ctx, SKD_E_INTERNAL, "merge: too many columns");
    }
    strcat(sql, ")");
    if (sqlite3_prepare_v2(out, sql, -1, &w, NULL) != SQLITE_OK)
        st = skd_db_fail(ctx, out, out_path, "cannot prepare the copy");
    while (st == SKD_OK && (rc = sqlite3_step(r)) == SQLITE_ROW) {
        for (int i = 0; i < n; i++)
            sqlite3_bind_value(w, i + 1, sqlite3_column_value(r, i));
        if (sqlite3_step(w) != SQLITE_DONE)
            st = skd_db_fail(ctx, out, out_path, "cannot copy a row");
        sqlite3_reset(w);
    }
    if (st == SKD_OK && rc != SQLITE_DONE)
        st = skd_db_fail(ctx, in, in_path, "cannot read a row");
    sqlite3_finalize(r);
    sqlite3_finalize(w);
    return st;
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static void remove_db(const char *path)
{
    char p[4200];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static int merge_one(skd_ctx *ctx, skd_db *out, const char *out_path,
                     const char *shard)
{
    skd_db in;
    int st = skd_db_open_readonly(ctx, shard, &in);
    for (size_t t = 0; st == SKD_OK && t < sizeof tables / sizeof *tables; t++)
        st = same_columns(ctx, out->db, in.db, tables[t], shard);
    for (size_t t = 0; st == SKD_OK && t < sizeof tables / sizeof *tables; t++)
        st = copy_table(ctx, out->db, in.db, tables[t], shard, out_path);
    if (in.db)
        skd_db_close(&in);
    return st;
}

/* Every shard before the output is touched: it exists, no run is still
 * writing it (its lock is taken and held in held[i] until the merge is
 * done, so none can start), and it opens as a skindiff database. */
static int check_shards(skd_ctx *ctx, const char *out_path,
                        const char *const *shards, size_t n_shards, int *held)
{
    struct stat sb;
    int st;
    for (size_t i = 0; i < n_shards; i++) {
        skd_db in;
        int again = 0;
        if (same_file(shards[i], out_path))
            return skd_fail(ctx, SKD_E_INVALID,
                            "%s: cannot merge a database into itself",
                            shards[i]);
        if (stat(shards[i], &sb) != 0)
            return skd_fail(ctx, SKD_E_IO, "%s: %s", shards[i],
                            strerror(errno));
        for (size_t j = 0; j < i && !again; j++)
            again = same_file(shards[i], shards[j]); /* locked already */
        if (!again && (st = skd_db_lock_existing(ctx, shards[i], &held[i])) != SKD_OK)
            return st;
        if ((st = skd_db_open_readonly(ctx, shards[i], &in)) != SKD_OK)
            return st;
        skd_db_close(&in);
    }
    return SKD_OK;
}

/* A new output is built under a temporary name without a journal and
 * renamed into place when complete: the merge writes every page once (in
 * WAL mode a merge is one transaction, so the WAL grows to the size of the
 * whole output and every page is written twice: 3 GB of WAL for 3 million
 * rows), and OUT.db never exists half-made, even if the process is killed.
 * Merging into an existing OUT.db is one WAL transaction, as before. */
static int merge_into(skd_ctx *ctx, const char *path, int fresh,
                      const char *const *shards, size_t n_shards)
{
    skd_db out;
    int st = skd_db_open(ctx, path, &out);
    if (st != SKD_OK)
        return st;
    if (fresh && sqlite3_exec(out.db, "PRAGMA journal_mode=OFF;"
                              " PRAGMA synchronous=OFF", NULL, NULL,
                              NULL) != SQLITE_OK)
        st = skd_db_fail(ctx, out.db, path, "cannot set up the output");
    if (st == SKD_OK &&
        sqlite3_exec(out.db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        st = skd_db_fail(ctx, out.db, path, "cannot begin a transaction");
    for (size_t i = 0; st == SKD_OK && i < n_shards; i++)
        st = merge_one(ctx, &out, path, shards[i]);
    if (st == SKD_OK && sqlite3_exec(out.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        st = skd_db_fail(ctx, out.db, path, "cannot commit");
    if (st != SKD_OK && !fresh)
        sqlite3_exec(out.db, "ROLLBACK", NULL, NULL, NULL);
    /* Back to WAL, as batch leaves a database (and it is persistent). */
    if (st == SKD_OK && fresh &&
        sqlite3_exec(out.db, "PRAGMA synchronous=NORMAL;"
                     " PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK)
        st = skd_db_fail(ctx, out.db, path, "cannot finish the output");
    skd_db_close(&out);
    return st;
}

static int merge_checked(skd_ctx *ctx, const char *out_path,
                         const char *const *shards, size_t n_shards)
{
    int st, fd = -1;
    struct stat sb;
    char *tmp;
    if ((st = skd_db_lock(ctx, out_path, &fd)) != SKD_OK)
        return st;
    if (stat(out_path, &sb) == 0) {
        st = merge_into(ctx, out_path, 0, shards, n_shards);
        skd_db_unlock(fd);
        return st;
    }
    /* The temporary name is guarded by OUT.db.lock, held here: one left by
     * a killed merge is simply replaced. */
    if (!(tmp = skd_malloc(ctx, strlen(out_path) + sizeof ".merging"))) {
        skd_db_unlock(fd);
        return SKD_E_NOMEM;
    }
    strcpy(tmp, out_path);
    strcat(tmp, ".merging");
    remove_db(tmp);
    st = merge_into(ctx, tmp, 1, shards, n_shards);
    if (st == SKD_OK && rename(tmp, out_path) != 0)
        st = skd_fail(ctx, SKD_E_IO, "%s: cannot rename %s into place: %s",
                      out_path, tmp, strerror(errno));
    if (st != SKD_OK)
        remove_db(tmp);
    skd_dealloc(ctx, tmp);
    skd_db_unlock(fd);
    return st;
}

int skd_merge(skd_ctx *ctx, const char *out_path, const char *const *shards,
              size_t n_shards)
{
    int *held, st;
    if (!ctx || !out_path || (!shards && n_shards))
        return ctx ? skd_fail(ctx, SKD_E_INVALID, "merge: bad arguments")
                   : SKD_E_INVALID;
    held = skd_malloc_array(ctx, n_shards ? n_shards : 1, sizeof *held);
    if (!held)
        return SKD_E_NOMEM;
    for (size_t i = 0; i < n_shards; i++)
        held[i] = -1;
    st = check_shards(ctx, out_path, shards, n_shards, held);
    if (st == SKD_OK)
        st = merge_checked(ctx, out_path, shards, n_shards);
    for (size_t i = 0; i < n_shards; i++)
        skd_db_unlock(held[i]);
    skd_dealloc(ctx, held);
    return st;
}
