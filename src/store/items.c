/* The work of one item: read, hash, skip if stored, else compute and write
 * the row (one transaction). Runs on worker threads; everything shared is
 * touched under b->lock. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store.h"

#define MAX_FILE_BYTES ((size_t)1 << 30)


double skd_monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Record what a worker did and tell the caller. Lock held. */
static void count_item(skd_batch_state *b, skd_batch_phase phase, int skipped,
                       int failed, int skipped_failed)
{
    skd_batch_counts *c =
        phase == SKD_PHASE_IMAGES ? b->images : b->comparisons;
    if (skipped) {
        c->skipped++;
        c->skipped_failed += skipped_failed != 0;
    } else {
        c->done++;
        c->failed += failed != 0;
    }
    if (b->opt->progress) {
        skd_batch_progress p;
        p.phase = phase;
        p.total = c->total;
        p.done = c->done + c->skipped;
        p.skipped = c->skipped;
        p.failed = c->failed;
        p.elapsed_s = skd_monotonic_s() - b->t0;
        b->opt->progress(b->opt->progress_opaque, &p);
    }
}

/* Tell the caller about an error row of this run. Lock held. */
static void report_failed(skd_batch_state *b, skd_batch_phase phase,
                          const char *item, const char *message)
{
    if (b->opt->failed)
        b->opt->failed(b->opt->progress_opaque, phase, item,
                       message && *message ? message : "failed");
}

static void image_item_name(const skd_entry *e, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s/%s", e->patient, e->session, e->view);
}

static void set_fatal(skd_batch_state *b, skd_ctx *w)
{
    if (!b->fatal) {
        b->fatal = SKD_E_DB;
        snprintf(b->fatal_msg, sizeof b->fatal_msg, "%s", skd_ctx_message(w));
    }
}

static double effective_scale(const skd_batch_state *b, const skd_entry *e,
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

/* One photo; its analysis is left in *keep when keep is not NULL and the
 * ops keep one. */
static void image_item(skd_batch_state *b, skd_ctx *w, skd_entry *e,
                       void **keep)
{
    void *data = NULL, *mask = NULL;
    size_t size = 0, mask_size = 0;
    char mask_sha[SKD_HEX_LEN], params[SKD_HEX_LEN];
    const char *source;
    int st = SKD_OK, found = 0, stored = SKD_OK, stop;
    unsigned stored_index = 0;
    char *stored_msg = NULL;
    char msg[1024] = "", name[1024];
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
                          &stored_msg, &stored_index) != SKD_OK)
        set_fatal(b, w);
    if (found && !b->fatal && stored_index != e->session_index &&
        skd_db_set_index(w, &b->db, e) != SKD_OK)
        set_fatal(b, w);
    if (found && !b->fatal) {
        e->status = stored;
        if (stored != SKD_OK) {
            keep_message(w, e, stored_msg);
            image_item_name(e, name, sizeof name);
            report_failed(b, SKD_PHASE_IMAGES, name, stored_msg);
        }
        count_item(b, SKD_PHASE_IMAGES, 1, 0, stored != SKD_OK);
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
        skd_image_job job = {e->rel_path, data, size, mask, mask_size, keep,
                             NULL, NULL};
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
        if (res.has_exclusion)
            row.exclusion = &res.exclusion;
        if (skd_opt(b->main, SKD_OPT_BATCH_ZONES))
            row.zones = &res.zones;
        if (res.px_per_mm > 0)
            row.px_per_mm = res.px_per_mm;
    }
    pthread_mutex_lock(&b->lock);
    if (!b->fatal && skd_db_put_image(w, &b->db, &row) != SKD_OK)
        set_fatal(b, w);
    if (!b->fatal && st != SKD_OK) {
        image_item_name(e, name, sizeof name);
        report_failed(b, SKD_PHASE_IMAGES, name, msg);
    }
    if (!b->fatal)
        count_item(b, SKD_PHASE_IMAGES, 0, st != SKD_OK, 0);
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

/* One comparison, given what the series kept of its photos (or NULL). */
static void compare_item(skd_batch_state *b, skd_ctx *w, const skd_pair *p,
                         void *before_kept, void *after_kept)
{
    const skd_entry *be = &b->plan->e[p->before], *ae = &b->plan->e[p->after];
    char key[SKD_HEX_LEN], msg[1024] = "", name[1024];
    void *bd = NULL, *ad = NULL, *bm = NULL, *am = NULL;
    size_t bs = 0, as = 0, bms = 0, ams = 0;
    int st = SKD_OK, found = 0, stored = SKD_OK, stop;
    int zones = skd_opt(b->main, SKD_OPT_BATCH_ZONES) != 0;
    skd_zone_comparison zc;
    skd_cmp_row row;

    memset(&row, 0, sizeof row);
    memset(&zc, 0, sizeof zc);
    skd_key_of(be->image_key, ae->image_key, b->cmp_params, key);
    snprintf(name, sizeof name, "%s/%s %s -> %s", be->patient, be->view,
             be->session, ae->session);
    pthread_mutex_lock(&b->lock);
    if (!b->fatal && skd_db_find_cmp(w, &b->db, be, ae, p->kind, key, &found,
                                     &stored) != SKD_OK)
        set_fatal(b, w);
    if (found && !b->fatal && stored != SKD_OK)
        report_failed(b, SKD_PHASE_COMPARISONS, name,
                      "failed in an earlier run");
    if (found && !b->fatal)
        count_item(b, SKD_PHASE_COMPARISONS, 1, 0, stored != SKD_OK);
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
            skd_image_job bj = {be->rel_path, bd, bs, bm, bms, NULL,
                                before_kept, NULL};
            skd_image_job aj = {ae->rel_path, ad, as, am, ams, NULL,
                                after_kept, zones ? &zc : NULL};
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
    if (zones && st == SKD_OK)
        row.zones = &zc;
    pthread_mutex_lock(&b->lock);
    if (!b->fatal && skd_db_put_cmp(w, &b->db, &row) != SKD_OK)
        set_fatal(b, w);
    if (!b->fatal && st != SKD_OK)
        report_failed(b, SKD_PHASE_COMPARISONS, name, msg);
    if (!b->fatal)
        count_item(b, SKD_PHASE_COMPARISONS, 0, st != SKD_OK, 0);
    pthread_mutex_unlock(&b->lock);
    skd_dealloc(w, bd);
    skd_dealloc(w, ad);
    skd_dealloc(w, bm);
    skd_dealloc(w, am);
}

static void release(skd_batch_state *b, skd_ctx *w, void **kept)
{
    if (*kept && b->ops->release)
        b->ops->release(b->ops->opaque, w, *kept);
    *kept = NULL;
}

/* Entries first..last-1 in session order; a photo's comparisons (against
 * the baseline, first, and the previous one) follow it, so each photo is
 * analysed once: the baseline's analysis is kept for the whole series,
 * every other one until the next photo's comparisons are done. A photo
 * already stored keeps nothing; its comparisons, if not stored either,
 * then analyse it themselves (a resumed run). */
void skd_batch_series_item(skd_batch_state *b, skd_ctx *w, size_t series)
{
    size_t first = b->series[series], last = b->series[series + 1];
    size_t pair = b->series_pairs[series], pair_end = b->series_pairs[series + 1];
    void *base = NULL, *prev = NULL, *cur = NULL;
    for (size_t j = first; j < last && !b->fatal; j++) {
        image_item(b, w, &b->plan->e[j], last - first > 1 ? &cur : NULL);
        for (; pair < pair_end && b->plan->pairs[pair].after == j; pair++) {
            const skd_pair *p = &b->plan->pairs[pair];
            compare_item(b, w, p, p->before == first ? base : prev, cur);
        }
        if (j == first) {
            base = cur;
        } else {
            if (j - 1 != first)
                release(b, w, &prev);
            prev = cur;
        }
        cur = NULL;
    }
    if (prev != base)
        release(b, w, &prev);
    release(b, w, &base);
}
