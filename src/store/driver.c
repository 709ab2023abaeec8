/* The batch driver: plan, lock, then the series (a patient's view over its
 * sessions) run by N worker threads, each with its own context; a worker
 * does a series' photos and comparisons in session order, so each photo is
 * analysed once. Results are written under one mutex, one transaction per
 * item, so the database only ever holds finished items: a killed run
 * resumes by skipping what is there. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#define MAX_JOBS 256

static void *worker(void *arg)
{
    skd_batch_state *b = arg;
    skd_ctx *w = skd_ctx_create_with_allocator(&b->main->alloc);
    if (!w) {
        pthread_mutex_lock(&b->lock);
        if (!b->fatal) {
            b->fatal = SKD_E_NOMEM;
            snprintf(b->fatal_msg, sizeof b->fatal_msg,
                     "out of memory creating a worker context");
        }
        pthread_mutex_unlock(&b->lock);
        return NULL;
    }
    memcpy(w->opt, b->main->opt, sizeof w->opt);
    /* dlib's model loads while the worker reads and analyses its first
     * photo; the worker's context keeps it for all its photos. */
    if (skd_opt(w, SKD_OPT_BATCH_ZONES))
        (void)skd_face_preload(w);
    for (;;) {
        size_t i;
        pthread_mutex_lock(&b->lock);
        if (b->fatal || b->next >= b->total) {
            pthread_mutex_unlock(&b->lock);
            break;
        }
        i = b->next++;
        pthread_mutex_unlock(&b->lock);
        skd_batch_series_item(b, w, i);
    }
    skd_ctx_free(w);
    return NULL;
}

/* Where each series starts among the entries and among the pairs (the plan
 * sorts entries by series and lists pairs series by series). */
static int find_series(skd_ctx *ctx, const skd_plan *plan, size_t **series,
                       size_t **pairs, size_t *n_series)
{
    size_t n = 0, p = 0;
    *series = skd_malloc_array(ctx, plan->n + 1, sizeof **series);
    *pairs = skd_malloc_array(ctx, plan->n + 1, sizeof **pairs);
    if (!*series || !*pairs)
        return SKD_E_NOMEM;
    for (size_t i = 0; i < plan->n; i++) {
        const skd_entry *a = &plan->e[i], *z = i ? &plan->e[i - 1] : NULL;
        if (z && !strcmp(a->patient, z->patient) &&
            !strcmp(skd_series_view(a), skd_series_view(z)))
            continue;
        while (p < plan->n_pairs && plan->pairs[p].after < i)
            p++;
        (*series)[n] = i;
        (*pairs)[n++] = p;
    }
    (*series)[n] = plan->n;
    (*pairs)[n] = plan->n_pairs;
    *n_series = n;
    return SKD_OK;
}

static int run_series(skd_batch_state *b, size_t total, unsigned jobs)
{
    pthread_t tid[MAX_JOBS];
    unsigned started = 0;
    b->next = 0;
    b->total = total;
    b->t0 = skd_monotonic_s();
    if (total == 0)
        return SKD_OK;
    if (jobs > total)
        jobs = (unsigned)total;
    for (; started < jobs; started++)
        if (pthread_create(&tid[started], NULL, worker, b) != 0)
            break;
    if (started == 0)
        worker(b); /* no thread could start: do the work here */
    for (unsigned i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    if (b->fatal)
        return skd_fail(b->main, b->fatal, "%s", b->fatal_msg);
    return SKD_OK;
}

/* In the current folder, never inside the archive: an archive is often
 * read-only, shared, or copied elsewhere without its results. */
int skd_batch_default_db(skd_ctx *ctx, const skd_batch_options *opt,
                         char **out)
{
    char name[96] = "skindiff.db";
    *out = NULL;
    if (opt->db_path)
        return (*out = skd_strdup(ctx, opt->db_path)) ? SKD_OK : SKD_E_NOMEM;
    if (!opt->archive && !opt->manifest)
        return skd_fail(ctx, SKD_E_INVALID, "no archive or manifest given");
    if (opt->shard_n)
        snprintf(name, sizeof name, "skindiff.shard-%u-of-%u.db", opt->shard_k,
                 opt->shard_n);
    return (*out = skd_strdup(ctx, name)) ? SKD_OK : SKD_E_NOMEM;
}

/* Tell the caller each patient+view's sessions in the order used. */
static int report_order(skd_ctx *ctx, const skd_batch_options *opt,
                        const skd_plan *plan)
{
    const char **names;
    size_t i, j;
    if (!opt->session_order || plan->n == 0)
        return SKD_OK;
    if (!(names = skd_malloc_array(ctx, plan->n, sizeof *names)))
        return SKD_E_NOMEM;
    for (i = 0; i < plan->n; i = j) {
        const skd_entry *e = &plan->e[i];
        size_t n = 0;
        for (j = i; j < plan->n && !strcmp(plan->e[j].patient, e->patient) &&
                    !strcmp(skd_series_view(&plan->e[j]), skd_series_view(e));
             j++)
            if (!n || strcmp(names[n - 1], plan->e[j].session)) /* replicates */
                names[n++] = plan->e[j].session;
        opt->session_order(opt->progress_opaque, e->patient,
                           skd_series_view(e), names, n);
    }
    skd_dealloc(ctx, names);
    return SKD_OK;
}

static int check_options(skd_ctx *ctx, const skd_batch_options *opt)
{
    if (!opt || (!opt->archive == !opt->manifest))
        return skd_fail(ctx, SKD_E_INVALID,
                        "give either an archive folder or a manifest");
    if (opt->shard_n && (opt->shard_k < 1 || opt->shard_k > opt->shard_n))
        return skd_fail(ctx, SKD_E_INVALID,
                        "shard %u/%u: K must be between 1 and N", opt->shard_k,
                        opt->shard_n);
    if (opt->jobs > MAX_JOBS)
        return skd_fail(ctx, SKD_E_INVALID, "at most %d jobs", MAX_JOBS);
    return SKD_OK;
}

/* Where each photo's face comes from, said once before any work, not as
 * an error row for every photo: a landmarks file (manifest column
 * landmarks) or dlib. Files are given for runs that measure zones. */
static int check_faces(skd_ctx *ctx, const skd_plan *plan)
{
    int zones = skd_opt(ctx, SKD_OPT_BATCH_ZONES) != 0;
    for (size_t i = 0; i < plan->n; i++) {
        const skd_entry *e = &plan->e[i];
        if (e->landmarks_path && !zones)
            return skd_fail(ctx, SKD_E_INVALID,
                            "line %zu: a landmarks file is the face for "
                            "facial zones: add --face to measure them",
                            e->line);
        if (zones && !e->landmarks_path && !skd_landmarks_backend())
            return skd_fail(ctx, SKD_E_UNSUPPORTED,
                            "facial zones need face landmarks (dlib), which "
                            "this build does not have: give every photo a "
                            "landmarks file (manifest column landmarks)");
    }
    return SKD_OK;
}

static void utc_now(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void make_run_id(char out[33])
{
    unsigned char r[16];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(r, 1, sizeof r, f) : 0;
    uint64_t t = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    if (f)
        fclose(f);
    for (size_t i = got; i < sizeof r; i++) /* no urandom: time and pid */
        r[i] = (unsigned char)(t >> (8 * (i % 8)));
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", r[i]);
}

/* The run's parameter sets: the image set covers what changes a photo's
 * figures (analysis settings and the scale given for photos without their
 * own), the full set adds the comparison settings. Results are stored per
 * set, so a run with other settings adds rows beside the earlier ones.
 * settings holds the comparison settings and receives all of them. */
static void param_sets(const skd_ctx *ctx, char *settings, size_t cap,
                       skd_db *db)
{
    size_t n = strlen(settings);
    double s = skd_opt(ctx, SKD_OPT_PX_PER_MM);
    char image[1024];
    size_t k;
    skd_image_settings(ctx, image, sizeof image);
    k = strlen(image);
    if (s > 0)
        snprintf(image + k, sizeof image - k, "; px_per_mm=%.17g", s);
    else
        snprintf(image + k, sizeof image - k, "; px_per_mm assumed");
    skd_sha256_hex(image, strlen(image), db->image_set);
    snprintf(settings + n, cap - n, "\n%s", image);
    skd_sha256_hex(settings, strlen(settings), db->param_set);
}

int skd_batch_run_ops(skd_ctx *ctx, const skd_batch_options *opt,
                      const skd_batch_ops *ops, skd_batch_summary *sum)
{
    skd_batch_state b;
    skd_plan plan;
    char *db_path = NULL, run_id[33], started[32], finished[32];
    char settings[2048], source[4200];
    unsigned jobs;
    double t0 = skd_monotonic_s();
    size_t *series = NULL, *series_pairs = NULL, n_series = 0;
    int st;

    if (!ctx || !sum || !ops)
        return SKD_E_INVALID;
    memset(sum, 0, sizeof *sum);
    memset(&plan, 0, sizeof plan);
    memset(&b, 0, sizeof b);
    b.db.lock_fd = -1;
    if ((st = check_options(ctx, opt)) != SKD_OK)
        return st;
    jobs = opt->jobs;
    if (jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (unsigned)n;
    }
    /* Input problems are found before any work or any database file. Only
     * this shard's patients are kept while reading (a shard of a million
     * photo manifest held every row: 413 MB per task, now 34 MB). */
    plan.shard_k = opt->shard_k;
    plan.shard_n = opt->shard_n;
    st = opt->manifest ? skd_read_manifest(ctx, opt->manifest, &plan)
                       : skd_walk_archive(ctx, opt->archive, &plan);
    if (st == SKD_OK)
        st = check_faces(ctx, &plan);
    if (st == SKD_OK)
        st = skd_plan_finish(ctx, &plan);
    if (st == SKD_OK)
        st = report_order(ctx, opt, &plan);
    if (st == SKD_OK)
        st = skd_batch_default_db(ctx, opt, &db_path);
    if (st == SKD_OK) {
        snprintf(sum->db_path, sizeof sum->db_path, "%s", db_path);
        st = skd_db_lock(ctx, db_path, &b.db.lock_fd);
    }
    if (st == SKD_OK) {
        int fd = b.db.lock_fd;
        st = skd_db_open(ctx, db_path, &b.db);
        b.db.lock_fd = fd; /* skd_db_close releases it */
        if (st != SKD_OK)
            skd_db_unlock(fd);
    }
    if (st != SKD_OK) {
        skd_plan_free(ctx, &plan);
        skd_dealloc(ctx, db_path);
        return st;
    }

    b.main = ctx;
    b.opt = opt;
    b.ops = ops;
    b.plan = &plan;
    skd_cmp_settings(ctx, settings, sizeof settings);
    skd_sha256_hex(settings, strlen(settings), b.cmp_params);
    param_sets(ctx, settings, sizeof settings, &b.db);
    snprintf(source, sizeof source, "%s%s", opt->manifest ? "manifest " : "",
             opt->manifest ? opt->manifest : opt->archive);
    make_run_id(run_id);
    utc_now(started, sizeof started);
    st = skd_db_put_run(ctx, &b.db, run_id, started, NULL, source, settings,
                        opt, NULL);
    if (st == SKD_OK)
        st = find_series(ctx, &plan, &series, &series_pairs, &n_series);
    if (st == SKD_OK && pthread_mutex_init(&b.lock, NULL) != 0)
        st = skd_fail(ctx, SKD_E_INTERNAL, "cannot create a mutex");
    if (st == SKD_OK) {
        b.series = series;
        b.series_pairs = series_pairs;
        b.images = &sum->images;
        b.comparisons = &sum->comparisons;
        sum->images.total = plan.n;
        sum->comparisons.total = plan.n_pairs;
        st = run_series(&b, n_series, jobs);
        pthread_mutex_destroy(&b.lock);
    }
    sum->elapsed_s = skd_monotonic_s() - t0;
    for (size_t i = 0; i < plan.n; i++)
        sum->scale_assumed += plan.e[i].scale_assumed != 0;
    if (st == SKD_OK) {
        skd_batch_options o = *opt;
        o.jobs = jobs;
        utc_now(finished, sizeof finished);
        st = skd_db_put_run(ctx, &b.db, run_id, started, finished, source,
                            settings, &o, sum);
    }
    skd_db_close(&b.db); /* also releases DB.lock */
    skd_dealloc(ctx, series);
    skd_dealloc(ctx, series_pairs);
    skd_plan_free(ctx, &plan);
    skd_dealloc(ctx, db_path);
    return st;
}
