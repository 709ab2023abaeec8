/* The batch driver and the database with stand-in per-item functions (no
 * real image analysis): skip and resume after kill -9, results independent
 * of -j, shards merged equal one run, error rows, locking, merge refusals,
 * export formats. */
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "store/store.h"

/* ---- stand-in analysis: figures derived from the bytes ----------------- */

typedef struct fake {
    int kill_after; /* raise SIGKILL at this call (analyse or compare) */
    int delay_us;   /* time per item, so a timed kill lands mid-run */
    int oom;        /* fail every analysis with SKD_E_NOMEM */
    int progress;   /* write a byte to progress_fd as each item starts */
    int progress_fd;
    atomic_int calls;
} fake;

static int contains(const void *data, size_t size, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i + n <= size; i++)
        if (!memcmp((const char *)data + i, word, n))
            return 1;
    return 0;
}

static void fake_metrics(const void *data, size_t size, skd_metrics *m)
{
    uint8_t d[32];
    skd_sha256 s;
    skd_sha256_init(&s);
    skd_sha256_update(&s, data, size);
    skd_sha256_final(&s, d);
    memset(m, 0, sizeof *m);
    m->sa = 1 + d[0] / 25.0;
    m->sq = 1.25 * m->sa;
    m->ssk = NAN; /* stored as NULL, exported empty / null */
    m->sku = 3 + d[1] / 100.0;
    m->pore_count = d[2];
    m->pore_density_per_cm2 = d[2] / 3.0;
    m->a_mean = 10 + d[3] / 17.0;
    m->erythema_index = 1e-7 * d[4]; /* %.6g keeps exponents */
    m->area_cm2 = 2.5;
}

static void tick(fake *f)
{
    if (f->kill_after && atomic_fetch_add(&f->calls, 1) + 1 == f->kill_after)
        raise(SIGKILL);
    if (f->progress) {
        char c = 1;
        if (write(f->progress_fd, &c, 1) != 1)
            _exit(3); /* the parent is gone */
    }
    if (f->delay_us)
        usleep((useconds_t)f->delay_us);
}

static int fake_analyze(void *opaque, skd_ctx *ctx, const skd_image_job *job,
                        skd_image_result *out)
{
    int assumed;
    tick(opaque);
    if (((fake *)opaque)->oom)
        return skd_fail(ctx, SKD_E_NOMEM, "out of memory (fake)");
    if (job->size >= 3 && !memcmp(job->data, "BAD", 3))
        return skd_fail(ctx, SKD_E_CORRUPT, "%s: premature end of JPEG data",
                        job->path);
    out->width = 600;
    out->height = 500;
    out->px_per_mm = skd_ctx_scale(ctx, &assumed);
    out->scale_assumed = assumed;
    fake_metrics(job->data, job->size, &out->metrics);
    return SKD_OK;
}

static int fake_compare(void *opaque, skd_ctx *ctx, const skd_image_job *bj,
                        const skd_image_job *aj, skd_comparison *c)
{
    skd_metrics b, a;
    const double *bv = &b.sa, *av = &a.sa;
    tick(opaque);
    if (contains(aj->data, aj->size, "NOALIGN"))
        return skd_fail(ctx, SKD_E_ALIGN, "cannot align: %s (confidence 0.02)",
                        aj->path);
    fake_metrics(bj->data, bj->size, &b);
    fake_metrics(aj->data, aj->size, &a);
    memset(c, 0, sizeof *c);
    c->transform.scale = 1;
    c->transform.confidence = 0.9;
    c->transform.dx = 1.5;
    c->common_area_cm2 = 2;
    c->px_per_mm = skd_ctx_scale(ctx, NULL);
    c->tiles_used = 8;
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        skd_change *ch = &c->change[m];
        ch->before = bv[m % 2];
        ch->after = av[m % 2];
        ch->change = ch->after - ch->before;
        ch->change_pct = 100 * ch->change / ch->before;
        ch->ci_low = ch->change - 0.1;
        ch->ci_high = ch->change + 0.1;
        ch->noise_floor = 0.03 * ch->before;
        ch->verdict = ch->ci_high < 0 && -ch->change >= ch->noise_floor
                          ? SKD_IMPROVED
                      : ch->ci_low > 0 && ch->change >= ch->noise_floor
                          ? SKD_WORSENED
                          : SKD_NO_SIGNIFICANT_CHANGE;
    }
    return SKD_OK;
}

/* ---- helpers ------------------------------------------------------------ */

static char root[512], archive[600];

static void path_of(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", root, name);
}

static void write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(content, f);
        fclose(f);
    }
}

static const char *const patients[] = {"P001", "P002", "P003"};
static const char *const sessions[] = {"2024-01-10", "2024-02-14", "2024-03-20"};
static const char *const views[] = {"front", "left"};

/* 3 patients x 3 sessions x 2 views, one corrupt file, a broken symlink, a
 * FIFO named like a photo, one photo that cannot be aligned. */
static void make_archive(void)
{
    char p[1024], cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", root, archive);
    CHECK(system(cmd) == 0);
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", archive, patients[i]);
        mkdir(p, 0777);
        for (int s = 0; s < 3; s++) {
            snprintf(p, sizeof p, "%s/%s/%s", archive, patients[i], sessions[s]);
            mkdir(p, 0777);
            for (int v = 0; v < 2; v++) {
                char content[128];
                snprintf(p, sizeof p, "%s/%s/%s/%s.jpg", archive, patients[i],
                         sessions[s], views[v]);
                snprintf(content, sizeof content, "photo %s %s %s", patients[i],
                         sessions[s], views[v]);
                if (i == 1 && s == 1 && v == 1)
                    strcpy(content, "BAD: truncated");
                if (i == 0 && s == 2 && v == 1)
                    strcat(content, " NOALIGN");
                if (i == 2 && s == 2 && v == 0) {
                    CHECK(symlink("gone.jpg", p) == 0);
                    continue;
                }
                if (i == 2 && s == 0 && v == 1) {
                    snprintf(p, sizeof p, "%s/%s/%s/%s.png", archive,
                             patients[i], sessions[s], views[v]);
                    CHECK(mkfifo(p, 0666) == 0);
                    continue;
                }
                write_file(p, content);
            }
        }
    }
}

static const skd_batch_ops *ops_for(fake *f)
{
    static skd_batch_ops ops;
    ops.analyze = fake_analyze;
    ops.compare = fake_compare;
    ops.opaque = f;
    return &ops;
}

static int run(skd_ctx *ctx, const char *db, unsigned jobs, unsigned k,
               unsigned n, skd_batch_summary *sum)
{
    fake f;
    skd_batch_options o;
    memset(&f, 0, sizeof f);
    memset(&o, 0, sizeof o);
    o.archive = archive;
    o.db_path = db;
    o.jobs = jobs;
    o.shard_k = k;
    o.shard_n = n;
    return skd_batch_run_ops(ctx, &o, ops_for(&f), sum);
}

typedef struct buf {
    char *d;
    size_t n, cap;
} buf;

static int buf_write(void *opaque, const void *data, size_t size)
{
    buf *b = opaque;
    if (b->n + size + 1 > b->cap) {
        b->cap = (b->n + size + 1) * 2;
        b->d = realloc(b->d, b->cap);
    }
    memcpy(b->d + b->n, data, size);
    b->n += size;
    b->d[b->n] = '\0';
    return 0;
}

/* All three tables in both formats, concatenated. */
static char *export_all(skd_ctx *ctx, const char *db)
{
    buf b = {NULL, 0, 0};
    for (int t = SKD_TABLE_IMAGES; t <= SKD_TABLE_SERIES; t++)
        for (int f = SKD_EXPORT_CSV; f <= SKD_EXPORT_NDJSON; f++) {
            buf_write(&b, "=====\n", 6);
            CHECK_STATUS(skd_export_write(ctx, db, (skd_export_table)t,
                                          (skd_export_format)f, buf_write, &b),
                         SKD_OK);
        }
    return b.d;
}

static int count_rows(const char *db, const char *table)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    char sql[128];
    int n = -1;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW)
            n = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    sqlite3_close(h);
    return n;
}

static int file_exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

static void sql_exec(const char *db, const char *sql)
{
    sqlite3 *h;
    CHECK(sqlite3_open(db, &h) == SQLITE_OK);
    CHECK(sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(h);
}

/* ---- the tests ---------------------------------------------------------- */

static char *reference; /* exports of one uninterrupted -j 1 run */

static void test_full_run(skd_ctx *ctx)
{
    char db[700];
    skd_batch_summary s;
    char *again;
    path_of(db, sizeof db, "ref.db");
    CHECK_STATUS(run(ctx, db, 1, 0, 0, &s), SKD_OK);
    REPORT("first run: photos %llu done %llu failed; comparisons %llu done %llu failed",
           (unsigned long long)s.images.done, (unsigned long long)s.images.failed,
           (unsigned long long)s.comparisons.done,
           (unsigned long long)s.comparisons.failed);
    CHECK(s.images.total == 18 && s.images.done == 18 && s.images.skipped == 0);
    CHECK(s.images.failed == 3); /* corrupt, broken symlink, FIFO */
    CHECK(s.comparisons.total == 18 && s.comparisons.done == 18);
    CHECK(s.comparisons.failed == 8); /* 6 from failed photos, 2 cannot align */
    CHECK(!strcmp(s.db_path, db));
    reference = export_all(ctx, db);

    /* The content of the error rows. */
    CHECK(strstr(reference, "P002,2024-02-14,left,P002/2024-02-14/left.jpg,") != NULL);
    CHECK(strstr(reference, ",error,5,corrupt or truncated image data,"
                            "P002/2024-02-14/left.jpg: premature end of JPEG data,") != NULL);
    CHECK(strstr(reference, "P003/2024-03-20/front.jpg: cannot open: No such file or directory") != NULL);
    CHECK(strstr(reference, "P003/2024-01-10/left.png: not a regular file") != NULL);
    CHECK(strstr(reference, "after image failed: P002/2024-02-14/left.jpg: premature end") != NULL);
    CHECK(strstr(reference, "before image failed: P002/2024-02-14/left.jpg: premature end") != NULL);
    CHECK(strstr(reference, ",error,9,cannot align the photos,cannot align: "
                            "P001/2024-03-20/left.jpg (confidence 0.02)") != NULL);
    CHECK(strstr(reference, "\"ssk\":null") != NULL);
    CHECK(strstr(reference, "e-05,") != NULL || strstr(reference, "e-06,") != NULL);
    CHECK(strstr(reference, ",baseline+previous,") != NULL);
    CHECK(strstr(reference, "\"scale_source\":\"assumed\"") != NULL);
    CHECK(count_rows(db, "images") == 18 && count_rows(db, "comparisons") == 18);
    CHECK(count_rows(db, "runs") == 1);

    /* A second run does nothing and changes nothing. */
    CHECK_STATUS(run(ctx, db, 2, 0, 0, &s), SKD_OK);
    REPORT("second run: photos %llu done, %llu skipped (%llu failed earlier)",
           (unsigned long long)s.images.done, (unsigned long long)s.images.skipped,
           (unsigned long long)s.images.skipped_failed);
    CHECK(s.images.done == 0 && s.images.skipped == 18 && s.images.skipped_failed == 3);
    CHECK(s.comparisons.done == 0 && s.comparisons.skipped == 18 &&
          s.comparisons.skipped_failed == 8);
    again = export_all(ctx, db);
    CHECK(again && !strcmp(again, reference));
    free(again);
    CHECK(count_rows(db, "runs") == 2);
}

static void test_jobs(skd_ctx *ctx)
{
    char db[700];
    skd_batch_summary s;
    char *e;
    path_of(db, sizeof db, "j4.db");
    CHECK_STATUS(run(ctx, db, 4, 0, 0, &s), SKD_OK);
    e = export_all(ctx, db);
    CHECK(e && !strcmp(e, reference));
    free(e);
}

/* Run a batch in a child process and kill it: with kill_after > 0 the
 * child kills itself when it starts that item; otherwise the parent sends
 * SIGKILL delay_us after the child has started `items` more items (counted
 * through a pipe, so the kill lands mid-run however loaded the machine is).
 * Returns 1 when the child died of SIGKILL. */
static int killed_run(const char *db, int kill_after, int items, int delay_us)
{
    int status, fds[2] = {-1, -1};
    pid_t pid;
    if (!kill_after && pipe(fds) != 0)
        return 0;
    pid = fork();
    if (pid == 0) {
        fake f;
        skd_batch_options o;
        skd_batch_summary s;
        skd_ctx *c = skd_ctx_create();
        memset(&f, 0, sizeof f);
        memset(&o, 0, sizeof o);
        f.kill_after = kill_after;
        f.delay_us = kill_after ? 0 : 1000;
        if (!kill_after) {
            close(fds[0]);
            f.progress = 1;
            f.progress_fd = fds[1];
        }
        o.archive = archive;
        o.db_path = db;
        /* kills at item boundaries run one job, so where they land (and how
         * many rows each run stores) does not depend on the machine's load;
         * timed kills keep two jobs to land inside concurrent work */
        o.jobs = kill_after ? 1 : 2;
        _exit(skd_batch_run_ops(c, &o, ops_for(&f), &s) == SKD_OK ? 0 : 1);
    }
    if (!kill_after)
        close(fds[1]);
    if (pid < 0) {
        if (!kill_after)
            close(fds[0]);
        return 0;
    }
    if (!kill_after) {
        char c;
        int seen = 0; /* fewer when the child finishes first (EOF) */
        while (seen < items && read(fds[0], &c, 1) == 1)
            seen++;
        usleep((useconds_t)delay_us);
        kill(pid, SIGKILL);
        close(fds[0]);
    }
    if (waitpid(pid, &status, 0) != pid)
        return 0;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        return 1;
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return 0;
}

static void resume_and_compare(skd_ctx *ctx, const char *db, const char *what)
{
    skd_batch_summary s;
    char *e;
    CHECK_STATUS(run(ctx, db, 2, 0, 0, &s), SKD_OK);
    REPORT("%s resume: photos %llu done %llu skipped; comparisons %llu done "
           "%llu skipped", what,
           (unsigned long long)s.images.done, (unsigned long long)s.images.skipped,
           (unsigned long long)s.comparisons.done,
           (unsigned long long)s.comparisons.skipped);
    e = export_all(ctx, db);
    CHECK(e && !strcmp(e, reference));
    free(e);
    CHECK(count_rows(db, "images") == 18 && count_rows(db, "comparisons") == 18);
    CHECK_STATUS(run(ctx, db, 2, 0, 0, &s), SKD_OK);
    CHECK(s.images.done == 0 && s.comparisons.done == 0);
}

/* kill -9 at item boundaries, then a plain run: the exports equal the
 * uninterrupted run's, nothing doubled, and the resume did only the rest.
 * The kill points leave room: rows are also stored by items that never call
 * the analysis (failures; comparisons reusing stored analyses), so a run can
 * store more than it started; with kill points summing to 29 the sixth run
 * once found less than its 3 items left and finished (CI, 36 of 36 rows).
 * With two jobs these (sum 21) stored 13-17 rows and, at load 10-11 in
 * session 7, twice left runs unkilled; with one job they store 15 rows every
 * time (3 runs, session 7). */
static void test_kill_resume(skd_ctx *ctx)
{
    static const int kill_at[] = {4, 5, 3, 4, 3, 2};
    char db[700];
    int killed = 0, before;
    path_of(db, sizeof db, "kill.db");
    for (size_t r = 0; r < sizeof kill_at / sizeof *kill_at; r++)
        killed += killed_run(db, kill_at[r], 0, 0);
    before = count_rows(db, "images") + count_rows(db, "comparisons");
    REPORT("item kills: %d of %zu runs killed, %d of 36 rows stored", killed,
           sizeof kill_at / sizeof *kill_at, before);
    CHECK(killed == 6);
    CHECK(count_rows(db, "comparisons") > 0); /* kills in both phases */
    CHECK(before > 5 && before < 36);
    resume_and_compare(ctx, db, "item kills:");
}

/* kill -9 at random times (fixed seed), landing anywhere: inside SQLite
 * commits, between phases, during the walk. */
static void test_timed_kills(skd_ctx *ctx)
{
    char db[700];
    unsigned seed = 12345;
    int killed = 0, rounds = 8, rows;
    path_of(db, sizeof db, "timed.db");
    for (int r = 0; r < rounds; r++) {
        seed = seed * 1103515245u + 12345u;
        killed += killed_run(db, 0, 1 + (int)(seed >> 16) % 6,
                             (int)(seed >> 8) % 1500);
    }
    rows = count_rows(db, "images") + count_rows(db, "comparisons");
    REPORT("timed kills: %d of %d runs killed, %d of 36 rows stored", killed,
           rounds, rows);
    CHECK(killed >= rounds / 2);
    resume_and_compare(ctx, db, "timed kills:");
}

static void test_shards_merge(skd_ctx *ctx)
{
    char s1[700], s2[700], m[700];
    const char *shards[2] = {s1, s2};
    skd_batch_summary s;
    char *e;
    path_of(s1, sizeof s1, "s1.db");
    path_of(s2, sizeof s2, "s2.db");
    path_of(m, sizeof m, "merged.db");
    CHECK_STATUS(run(ctx, s1, 2, 1, 2, &s), SKD_OK);
    REPORT("shard 1/2: %llu photos", (unsigned long long)s.images.total);
    CHECK(s.images.total == 12); /* P002, P003 */
    CHECK_STATUS(run(ctx, s2, 2, 2, 2, &s), SKD_OK);
    CHECK(s.images.total == 6); /* P001 */
    CHECK_STATUS(skd_merge(ctx, m, shards, 2), SKD_OK);
    e = export_all(ctx, m);
    CHECK(e && !strcmp(e, reference));
    free(e);
    /* Merging again adds nothing. */
    CHECK_STATUS(skd_merge(ctx, m, shards, 1), SKD_OK);
    e = export_all(ctx, m);
    CHECK(e && !strcmp(e, reference));
    free(e);
    CHECK(count_rows(m, "runs") == 2);
}

static void test_merge_refusals(skd_ctx *ctx)
{
    char m[700], bad[700], odd[700], s1[700], fresh[700];
    const char *shards[2] = {s1, NULL};
    char *before, *after;
    size_t nb, na;
    path_of(m, sizeof m, "merged.db");
    path_of(s1, sizeof s1, "s1.db");
    path_of(bad, sizeof bad, "v99.db");
    path_of(odd, sizeof odd, "odd.db");
    path_of(fresh, sizeof fresh, "fresh.db");
    unlink(bad);
    unlink(odd);
    unlink(fresh);
    sql_exec(bad, "CREATE TABLE images (x); PRAGMA user_version = 99");
    /* Right version, wrong columns: fails in the middle of the copy. */
    sql_exec(odd, "CREATE TABLE runs (a); CREATE TABLE images (a);"
                  " CREATE TABLE comparisons (a); PRAGMA user_version = 1");
    before = check_slurp(m, &nb);

    shards[1] = bad;
    CHECK_STATUS(skd_merge(ctx, m, shards, 2), SKD_E_DB);
    REPORT("refused: %s", skd_ctx_message(ctx));
    CHECK(strstr(skd_ctx_message(ctx), "schema version 99") != NULL);
    shards[1] = odd;
    CHECK_STATUS(skd_merge(ctx, m, shards, 2), SKD_E_DB);
    REPORT("refused: %s", skd_ctx_message(ctx));
    after = check_slurp(m, &na);
    CHECK(before && after && nb == na && !memcmp(before, after, nb));
    free(before);
    free(after);
    /* A new output that fails is not left behind. */
    CHECK_STATUS(skd_merge(ctx, fresh, shards, 2), SKD_E_DB);
    CHECK(!file_exists(fresh));
    shards[0] = m;
    CHECK_STATUS(skd_merge(ctx, m, shards, 1), SKD_E_INVALID);
}

static void test_busy(skd_ctx *ctx)
{
    char db[700], lock[720];
    skd_batch_summary s;
    int fd;
    path_of(db, sizeof db, "ref.db");
    snprintf(lock, sizeof lock, "%s.lock", db);
    fd = open(lock, O_RDWR | O_CREAT, 0666);
    CHECK(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0);
    CHECK_STATUS(run(ctx, db, 1, 0, 0, &s), SKD_E_BUSY);
    REPORT("busy: %s", skd_ctx_message(ctx));
    CHECK(strstr(skd_ctx_message(ctx), "in use by another skindiff run") != NULL);
    CHECK_STATUS(skd_merge(ctx, db, (const char *const[]){"x"}, 0), SKD_E_BUSY);
    close(fd);
    CHECK_STATUS(run(ctx, db, 1, 0, 0, &s), SKD_OK);
}

static void test_manifest_runs(skd_ctx *ctx)
{
    char man[700], db[700], bad[700];
    skd_batch_options o;
    skd_batch_summary s;
    fake f;
    char *e;
    path_of(man, sizeof man, "manifest.csv");
    path_of(bad, sizeof bad, "bad.csv");
    path_of(db, sizeof db, "skindiff.db");
    unlink(db);
    write_file(man, "patient,session,view,path,px_per_mm\n"
                    "A,2024-01,front,archive/P001/2024-01-10/front.jpg,25\n"
                    "A,2024-02,front,archive/P001/2024-02-14/front.jpg,25\n"
                    "A,2024-03,front,archive/P001/2024-03-20/front.jpg,30\n"
                    "B,s1,front,archive/P002/2024-01-10/front.jpg,\n");
    write_file(bad, "patient,session,view,path,px_per_mm\n"
                    "A,2024-01,front,archive/P001/2024-01-10/front.jpg,25\n"
                    "A,2024-02,front,archive/P001/2024-02-14/front.jpg,abc\n");
    memset(&o, 0, sizeof o);
    memset(&f, 0, sizeof f);
    o.manifest = bad;
    o.db_path = db;
    CHECK_STATUS(skd_batch_run_ops(ctx, &o, ops_for(&f), &s), SKD_E_INVALID);
    REPORT("bad manifest: %s", skd_ctx_message(ctx));
    CHECK(strstr(skd_ctx_message(ctx), "bad.csv:3: px_per_mm 'abc'") != NULL);
    CHECK(!file_exists(db)); /* refused before any work */

    o.manifest = man;
    CHECK_STATUS(skd_batch_run_ops(ctx, &o, ops_for(&f), &s), SKD_OK);
    CHECK(!strcmp(s.db_path, db));
    CHECK(s.images.total == 4 && s.images.failed == 0);
    /* 2024-03 is at another scale: its two comparisons are error rows. */
    CHECK(s.comparisons.total == 3 && s.comparisons.failed == 2);
    e = export_all(ctx, db);
    CHECK(strstr(e, "\"px_per_mm\":25,\"scale_source\":\"manifest\"") != NULL);
    CHECK(strstr(e, "different scales (25 and 30 px/mm)") != NULL);
    CHECK(strstr(e, "B,s1,front,archive/P002/2024-01-10/front.jpg,") != NULL);
    free(e);
}

/* Failures of the run (out of memory) are stored but retried next time;
 * failures of the input are final. */
static void test_retry(skd_ctx *ctx)
{
    char db[700];
    skd_batch_options o;
    skd_batch_summary s;
    fake f;
    char *e;
    path_of(db, sizeof db, "retry.db");
    memset(&o, 0, sizeof o);
    memset(&f, 0, sizeof f);
    o.archive = archive;
    o.db_path = db;
    o.jobs = 2;
    f.oom = 1;
    CHECK_STATUS(skd_batch_run_ops(ctx, &o, ops_for(&f), &s), SKD_OK);
    CHECK(s.images.failed == 18 && s.comparisons.failed == 18);
    f.oom = 0;
    CHECK_STATUS(skd_batch_run_ops(ctx, &o, ops_for(&f), &s), SKD_OK);
    REPORT("after an out-of-memory run: photos %llu done %llu skipped, "
           "comparisons %llu done %llu skipped",
           (unsigned long long)s.images.done, (unsigned long long)s.images.skipped,
           (unsigned long long)s.comparisons.done,
           (unsigned long long)s.comparisons.skipped);
    /* The broken symlink and the FIFO failed on reading (final); the 16
     * others are redone. A comparison takes the code of its failed photo,
     * the before photo first: only the two with the FIFO as before photo
     * carry a final code. */
    CHECK(s.images.done == 16 && s.images.skipped == 2);
    CHECK(s.comparisons.done == 16 && s.comparisons.skipped == 2);
    e = export_all(ctx, db);
    CHECK(e && !strcmp(e, reference));
    free(e);
}

static void test_default_db(skd_ctx *ctx)
{
    skd_batch_options o;
    char *p;
    memset(&o, 0, sizeof o);
    /* In the current folder, never inside the archive. */
    o.archive = "/data/clinic/";
    CHECK_STATUS(skd_batch_default_db(ctx, &o, &p), SKD_OK);
    CHECK(!strcmp(p, "skindiff.db"));
    skd_free(ctx, p);
    o.shard_k = 2;
    o.shard_n = 4;
    CHECK_STATUS(skd_batch_default_db(ctx, &o, &p), SKD_OK);
    CHECK(!strcmp(p, "skindiff.shard-2-of-4.db"));
    skd_free(ctx, p);
    o.shard_n = 0;
    o.archive = NULL;
    o.manifest = "lists/m.csv";
    CHECK_STATUS(skd_batch_default_db(ctx, &o, &p), SKD_OK);
    CHECK(!strcmp(p, "skindiff.db"));
    skd_free(ctx, p);
    o.manifest = "m.csv";
    CHECK_STATUS(skd_batch_default_db(ctx, &o, &p), SKD_OK);
    CHECK(!strcmp(p, "skindiff.db"));
    skd_free(ctx, p);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    snprintf(root, sizeof root, "%s/store_batch", check_tmpdir());
    snprintf(archive, sizeof archive, "%s/archive", root);
    make_archive();
    test_default_db(ctx);
    test_full_run(ctx);
    test_jobs(ctx);
    test_kill_resume(ctx);
    test_timed_kills(ctx);
    test_shards_merge(ctx);
    test_merge_refusals(ctx);
    test_busy(ctx);
    test_retry(ctx);
    if (chdir(root) == 0)
        test_manifest_runs(ctx);
    free(reference);
    skd_ctx_free(ctx);
    return check_done("test_store_batch");
}
