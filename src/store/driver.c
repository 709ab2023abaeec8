/* The batch driver: plan, lock, then two phases (photos, comparisons) run by
 * N worker threads, each with its own context. Results are written under one
 * mutex, one transaction per item, so the database only ever holds finished
 * items: a killed run resumes by skipping what is there. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#define MAX_FILE_BYTES ((size_t)1 << 30)
#define MAX_JOBS 256

typedef struct batch {
    skd_ctx *main;
    const skd_batch_options *opt;
    const skd_batch_ops *ops;
    skd_plan *plan;
    skd_db db;
    char cmp_params[SKD_HEX_LEN];
    pthread_mutex_t lock; /* guards everything below and the database */
    size_t next, total;
    skd_batch_phase phase;
    skd_batch_counts *counts;
    double t0;
    int fatal; /* a database error: stop */
    char fatal_msg[1024];
} batch;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Record what a worker did and tell the caller. Lock held. */
static void count_item(batch *b, int skipped, int failed, int skipped_failed)
{
    skd_batch_counts *c = b->counts;
    if (skipped) {
        c->skipped++;
        c->skipped_failed += skipped_failed != 0;
    } else {
        c->done++;
        c->failed += failed != 0;
    }
    if (b->opt->progress) {
        skd_batch_progress p;
        p.phase = b->phase;
        p.total = c->total;
        p.done = c->done + c->skipped;
        p.skipped = c->skipped;
        p.failed = c->failed;
        p.elapsed_s = now_s() - b->t0;
        b->opt->progress(b->opt->progress_opaque, &p);
    }
}

static void set_fatal(batch *b, skd_ctx *w)
{
    if (!b->fatal) {
        b->fatal = SKD_E_DB;
        snprintf(b->fatal_msg, sizeof b->fatal_msg, "%s", skd_ctx_message(w));
    }
}

static double effective_scale(const batch *b, const skd_entry *e,
                              const char **source)
{
    double s = skd_opt(b->main, SKD_OPT_PX_PER_MM);
    if (e->px_per_mm > 0) {
        *source = "manifest";
        return e->px_per_mm;
    }
    if (s > 0) {
        *source = "given";
        return s;
    }
    *source = "assumed";
    return SKD_DEFAULT_PX_PER_MM;
}

/* Keep the failure of an item in the plan, for the comparisons. */
static void keep_message(skd_ctx *w, skd_entry *e, const char *msg)
{
    skd_dealloc(w, e->message);
    e->message = skd_strdup(w, msg ? msg : "");
}

static void image_item(batch *b, skd_ctx *w, skd_entry *e)
{
    void *data = NULL, *mask = NULL;
    size_t size = 0, mask_size = 0;
    char mask_sha[SKD_HEX_LEN], params[SKD_HEX_LEN];
    const char *source;
    int st = SKD_OK, found = 0, stored = SKD_OK, stop;
    char *stored_msg = NULL;
    char msg[1024] = "";
    skd_image_row row;
    skd_image_result res;

    memset(&row, 0, sizeof row);
    memset(&res, 0, sizeof res);
    e->scale = effective_scale(b, e, &source);
    e->scale_assumed = !strcmp(source, "assumed");
    if (e->mask_path) {
        st = skd_store_read_named(w, e->mask_path, e->mask_path, MAX_FILE_BYTES,
                                 &mask, &mask_size);
        if (st == SKD_OK)
            skd_sha256_hex(mask, mask_size, mask_sha);
        else
            strcpy(mask_sha, "unreadable");
    }
    if (st == SKD_OK) {
        st = skd_store_read_named(w, e->path, e->rel_path, MAX_FILE_BYTES, &data,
                                 &size);
        if (st == SKD_OK)
            skd_sha256_hex(data, size, e->content);
    }
    if (!data)
        strcpy(e->content, "unreadable");
    if (st != SKD_OK)
        snprintf(msg, sizeof msg, "%s", skd_ctx_message(w));
    skd_image_params_hash(b->main, e->scale, e->scale_assumed,
                          e->mask_path ? mask_sha : NULL, params);
    skd_key_of(e->content, params, NULL, e->image_key);

    pthread_mutex_lock(&b->lock);
    if (!b->fatal &&
        skd_db_find_image(w, &b->db, e, e->image_key, &found, &stored,
                          &stored_msg) != SKD_OK)
        set_fatal(b, w);
    if (found && !b->fatal) {
        e->status = stored;
        if (stored != SKD_OK)
            keep_message(w, e, stored_msg);
        count_item(b, 1, 0, stored != SKD_OK);
    }
    stop = found || b->fatal;
    pthread_mutex_unlock(&b->lock);
    skd_dealloc(w, stored_msg);
    if (stop)
        goto done;

    if (st == SKD_OK && e->preset_error) {
        st = SKD_E_INVALID;
        snprintf(msg, sizeof msg, "%s", e->preset_error);
    }
    if (st == SKD_OK) {
        skd_image_job job = {e->rel_path, data, size, mask, mask_size};
        skd_ctx_set(w, SKD_OPT_PX_PER_MM, e->scale_assumed ? 0 : e->scale);
        w->message[0] = '\0';
        st = b->ops->analyze(b->ops->opaque, w, &job, &res);
        if (st != SKD_OK)
            snprintf(msg, sizeof msg, "%s", skd_ctx_message(w));
    }
    e->status = st;
    if (st != SKD_OK)
        keep_message(w, e, msg);
    row.entry = e;
    row.content_sha256 = e->content;
    row.params_hash = params;
    row.status = st;
    row.message = msg;
    row.scale_source = source;
    row.px_per_mm = e->scale;
    if (st == SKD_OK) {
        row.width = res.width;
        row.height = res.height;
        row.metrics = res.metrics;
        if (res.px_per_mm > 0)
            row.px_per_mm = res.px_per_mm;
    }
    pthread_mutex_lock(&b->lock);
    if (!b->fatal && skd_db_put_image(w, &b->db, &row) != SKD_OK)
        set_fatal(b, w);
    if (!b->fatal)
        count_item(b, 0, st != SKD_OK, 0);
    pthread_mutex_unlock(&b->lock);
done:
    skd_dealloc(w, data);
    skd_dealloc(w, mask);
}

/* Read a photo again for its comparison and check it is the same file. */
static int reread(skd_ctx *w, const skd_entry *e, void **data, size_t *size,
                  void **mask, size_t *mask_size)
{
    char sha[SKD_HEX_LEN];
    int st = skd_store_read_named(w, e->path, e->rel_path, MAX_FILE_BYTES, data,
                                 size);
    if (st != SKD_OK)
        return st;
    skd_sha256_hex(*data, *size, sha);
    if (strcmp(sha, e->content) != 0)
        return skd_fail(w, SKD_E_IO, "%s: file changed during the run",
                        e->rel_path);
    if (e->mask_path)
        return skd_store_read_named(w, e->mask_path, e->mask_path,
                                   MAX_FILE_BYTES, mask, mask_size);
    return SKD_OK;
}

static void compare_item(batch *b, skd_ctx *w, const skd_pair *p)
{
    const skd_entry *be = &b->plan->e[p->before], *ae = &b->plan->e[p->after];
    char key[SKD_HEX_LEN], msg[1024] = "";
    void *bd = NULL, *ad = NULL, *bm = NULL, *am = NULL;
    size_t bs = 0, as = 0, bms = 0, ams = 0;
    int st = SKD_OK, found = 0, stored = SKD_OK, stop;
    skd_cmp_row row;

    memset(&row, 0, sizeof row);
    skd_key_of(be->image_key, ae->image_key, b->cmp_params, key);
    pthread_mutex_lock(&b->lock);
    if (!b->fatal && skd_db_find_cmp(w, &b->db, be, ae, p->kind, key, &found,
                                     &stored) != SKD_OK)
        set_fatal(b, w);
    if (found && !b->fatal)
        count_item(b, 1, 0, stored != SKD_OK);
    stop = found || b->fatal;
    pthread_mutex_unlock(&b->lock);
    if (stop)
        return;

    if (be->status != SKD_OK) {
        st = be->status;
        snprintf(msg, sizeof msg, "before image failed: %s",
                 be->message ? be->message : "");
    } else if (ae->status != SKD_OK) {
        st = ae->status;
        snprintf(msg, sizeof msg, "after image failed: %s",
                 ae->message ? ae->message : "");
    } else if (be->scale != ae->scale || be->scale_assumed != ae->scale_assumed) {
        st = SKD_E_INVALID;
        snprintf(msg, sizeof msg,
                 "%s and %s have different scales (%g and %g px/mm); a "
                 "comparison needs one",
                 be->rel_path, ae->rel_path, be->scale, ae->scale);
    } else {
        st = reread(w, be, &bd, &bs, &bm, &bms);
        if (st == SKD_OK)
            st = reread(w, ae, &ad, &as, &am, &ams);
        if (st == SKD_OK) {
            skd_image_job bj = {be->rel_path, bd, bs, bm, bms};
            skd_image_job aj = {ae->rel_path, ad, as, am, ams};
            skd_ctx_set(w, SKD_OPT_PX_PER_MM, be->scale_assumed ? 0 : be->scale);
            w->message[0] = '\0';
            st = b->ops->compare(b->ops->opaque, w, &bj, &aj, &row.c);
        }
        if (st != SKD_OK)
            snprintf(msg, sizeof msg, "%s", skd_ctx_message(w));
    }
    row.before = be;
    row.after = ae;
    row.kind = p->kind;
    row.params_hash = b->cmp_params;
    row.cmp_key = key;
    row.status = st;
    row.message = msg;
    pthread_mutex_lock(&b->lock);
    if (!b->fatal && skd_db_put_cmp(w, &b->db, &row) != SKD_OK)
        set_fatal(b, w);
    if (!b->fatal)
        count_item(b, 0, st != SKD_OK, 0);
    pthread_mutex_unlock(&b->lock);
    skd_dealloc(w, bd);
    skd_dealloc(w, ad);
    skd_dealloc(w, bm);
    skd_dealloc(w, am);
}

static void *worker(void *arg)
{
    batch *b = arg;
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
    for (;;) {
        size_t i;
        pthread_mutex_lock(&b->lock);
        if (b->fatal || b->next >= b->total) {
            pthread_mutex_unlock(&b->lock);
            break;
        }
        i = b->next++;
        pthread_mutex_unlock(&b->lock);
        if (b->phase == SKD_PHASE_IMAGES)
            image_item(b, w, &b->plan->e[i]);
        else
            compare_item(b, w, &b->plan->pairs[i]);
    }
    skd_ctx_free(w);
    return NULL;
}

static int run_phase(batch *b, skd_batch_phase phase, size_t total,
                     skd_batch_counts *counts, unsigned jobs)
{
    pthread_t tid[MAX_JOBS];
    unsigned started = 0;
    b->phase = phase;
    b->next = 0;
    b->total = total;
    b->counts = counts;
    counts->total = total;
    b->t0 = now_s();
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

int skd_batch_default_db(skd_ctx *ctx, const skd_batch_options *opt,
                         char **out)
{
    char name[96] = "skindiff.db";
    const char *base = opt->archive;
    size_t dir_len;
    *out = NULL;
    if (opt->db_path)
        return (*out = skd_strdup(ctx, opt->db_path)) ? SKD_OK : SKD_E_NOMEM;
    if (opt->shard_n)
        snprintf(name, sizeof name, "skindiff.shard-%u-of-%u.db", opt->shard_k,
                 opt->shard_n);
    if (opt->manifest) {
        const char *slash = strrchr(opt->manifest, '/');
        base = opt->manifest;
        dir_len = slash ? (size_t)(slash - base) + (slash == base) : 0;
    } else if (base) {
        dir_len = strlen(base);
        while (dir_len > 1 && base[dir_len - 1] == '/')
            dir_len--;
    } else {
        return skd_fail(ctx, SKD_E_INVALID, "no archive or manifest given");
    }
    if (!(*out = skd_malloc(ctx, dir_len + strlen(name) + 2)))
        return SKD_E_NOMEM;
    if (dir_len == 0) {
        strcpy(*out, name);
    } else {
        memcpy(*out, base, dir_len);
        (*out)[dir_len] = '\0';
        if ((*out)[dir_len - 1] != '/')
            strcat(*out, "/");
        strcat(*out, name);
    }
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

int skd_batch_run_ops(skd_ctx *ctx, const skd_batch_options *opt,
                      const skd_batch_ops *ops, skd_batch_summary *sum)
{
    batch b;
    skd_plan plan;
    char *db_path = NULL, run_id[33], started[32], finished[32];
    char settings[2048], source[4200];
    unsigned jobs;
    double t0 = now_s();
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
    /* Input problems are found before any work or any database file. */
    st = opt->manifest ? skd_read_manifest(ctx, opt->manifest, &plan)
                       : skd_walk_archive(ctx, opt->archive, &plan);
    if (st == SKD_OK) {
        skd_plan_shard(ctx, &plan, opt->shard_k, opt->shard_n);
        st = skd_plan_finish(ctx, &plan);
    }
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
    {
        size_t n = strlen(settings);
        snprintf(settings + n, sizeof settings - n, "\n");
        n = strlen(settings);
        skd_image_settings(ctx, settings + n, sizeof settings - n);
    }
    snprintf(source, sizeof source, "%s%s", opt->manifest ? "manifest " : "",
             opt->manifest ? opt->manifest : opt->archive);
    make_run_id(run_id);
    utc_now(started, sizeof started);
    st = skd_db_put_run(ctx, &b.db, run_id, started, NULL, source, settings,
                        opt, NULL);
    if (st == SKD_OK && pthread_mutex_init(&b.lock, NULL) != 0)
        st = skd_fail(ctx, SKD_E_INTERNAL, "cannot create a mutex");
    if (st == SKD_OK) {
        st = run_phase(&b, SKD_PHASE_IMAGES, plan.n, &sum->images, jobs);
        if (st == SKD_OK)
            st = run_phase(&b, SKD_PHASE_COMPARISONS, plan.n_pairs,
                           &sum->comparisons, jobs);
        pthread_mutex_destroy(&b.lock);
    }
    sum->elapsed_s = now_s() - t0;
    if (st == SKD_OK) {
        skd_batch_options o = *opt;
        o.jobs = jobs;
        utc_now(finished, sizeof finished);
        st = skd_db_put_run(ctx, &b.db, run_id, started, finished, source,
                            settings, &o, sum);
    }
    skd_db_close(&b.db); /* also releases DB.lock */
    skd_plan_free(ctx, &plan);
    skd_dealloc(ctx, db_path);
    return st;
}
