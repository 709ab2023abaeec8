/* The work of one item: read, hash, skip if stored, else compute and write
 * the row (one transaction). Runs on worker threads; everything shared is
 * touched under b->lock. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../face/face.h"
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

static const skd_roi *white_ref_of(const skd_entry *e)
{
    return e->white_ref.w && e->white_ref.h ? &e->white_ref : NULL;
}

/* Keep the failure of an item in the plan, for the comparisons. */
static void keep_message(skd_ctx *w, skd_entry *e, const char *msg)
{
    skd_dealloc(w, e->message);
    e->message = skd_strdup(w, msg ? msg : "");
}

/* A photo's landmarks file (manifest column landmarks), read whole, and
 * its sha256 into sha when sha is not NULL; nothing when it has none. */
static int read_landmarks(skd_ctx *w, const skd_entry *e, void **data,
                          size_t *size, char *sha)
{
    int st;
    *data = NULL;
    *size = 0;
    if (!e->landmarks_path)
        return SKD_OK;
    st = skd_store_read_named(w, e->landmarks_path, e->landmarks_path,
                              SKD_LANDMARKS_MAX_BYTES, data, size);
    if (st == SKD_OK && sha)
        skd_sha256_hex(*data, *size, sha);
    return st;
}

/* One photo; its analysis is left in *keep when keep is not NULL and the
 * ops keep one. */
static void image_item(skd_batch_state *b, skd_ctx *w, skd_entry *e,
                       void **keep)
{
    void *data = NULL, *mask = NULL, *lm = NULL;
    size_t size = 0, mask_size = 0, lm_size = 0;
    char mask_sha[SKD_HEX_LEN], lm_sha[SKD_HEX_LEN] = "unreadable";
    char params[SKD_HEX_LEN];
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
    if (st == SKD_OK)
        st = read_landmarks(w, e, &lm, &lm_size, lm_sha);
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
                          e->mask_path ? mask_sha : NULL, &e->white_ref, params);
    /* A photo's own face file is part of its key: a new file, new zones. */
    skd_key_of(e->content, params, e->landmarks_path ? lm_sha : NULL,
               e->image_key);

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
                             NULL, NULL, white_ref_of(e), lm, lm_size};
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
    skd_dealloc(w, lm);
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

/* The analyses a series keeps of one session's photos. */
typedef struct kept_session {
    void *k[SKD_MAX_REPLICATES];
    size_t n;
} kept_session;

/* The photos of one side of a comparison, read again. */
typedef struct side {
    const skd_entry *e; /* n entries */
    size_t n;
    void *data[SKD_MAX_REPLICATES], *mask[SKD_MAX_REPLICATES];
    size_t size[SKD_MAX_REPLICATES], mask_size[SKD_MAX_REPLICATES];
    void *lm[SKD_MAX_REPLICATES]; /* landmarks files, when zones are measured */
    size_t lm_size[SKD_MAX_REPLICATES];
    skd_image_job job[SKD_MAX_REPLICATES];
} side;

static void side_free(skd_ctx *w, side *s)
{
    for (size_t i = 0; i < s->n; i++) {
        skd_dealloc(w, s->data[i]);
        skd_dealloc(w, s->mask[i]);
        skd_dealloc(w, s->lm[i]);
    }
}

/* The key of a comparison: of its two photos' keys and the comparison
 * settings; with replicates, of every photo's key in session order (so the
 * key of a pair without replicates is what it always was). */
static void cmp_key(const side *b, const side *a, const char *params,
                    char out[SKD_HEX_LEN])
{
    char keys[2][SKD_MAX_REPLICATES * SKD_HEX_LEN];
    const side *s[2] = {b, a};
    if (b->n == 1 && a->n == 1) {
        skd_key_of(b->e->image_key, a->e->image_key, params, out);
        return;
    }
    for (int k = 0; k < 2; k++) {
        size_t len = 0;
        for (size_t i = 0; i < s[k]->n; i++) {
            memcpy(keys[k] + len, s[k]->e[i].image_key, SKD_HEX_LEN - 1);
            len += SKD_HEX_LEN - 1;
            keys[k][len++] = i + 1 < s[k]->n ? '+' : '\0';
        }
    }
    skd_key_of(keys[0], keys[1], params, out);
}

/* Why a comparison cannot be made from its photos (a photo failed, or the
 * scales differ), as its error row says; SKD_OK: it can. */
static int check_photos(const side *b, const side *a, char *msg, size_t cap)
{
    const side *s[2] = {b, a};
    const skd_entry *first = b->e;
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < s[k]->n; i++) {
            const skd_entry *e = &s[k]->e[i];
            if (e->status != SKD_OK) {
                snprintf(msg, cap, "%s image failed: %s", k ? "after" : "before",
                         e->message ? e->message : "");
                return e->status;
            }
        }
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < s[k]->n; i++) {
            const skd_entry *e = &s[k]->e[i];
            if (e->scale != first->scale ||
                e->scale_assumed != first->scale_assumed) {
                snprintf(msg, cap,
                         "%s and %s have different scales (%g and %g px/mm); "
                         "a comparison needs one",
                         first->rel_path, e->rel_path, first->scale, e->scale);
                return SKD_E_INVALID;
            }
        }
    return SKD_OK;
}

static int read_side(skd_ctx *w, side *s, const kept_session *kept,
                     skd_zone_comparison *zones, int zones_run)
{
    int st = SKD_OK;
    for (size_t i = 0; i < s->n && st == SKD_OK; i++) {
        const skd_entry *e = &s->e[i];
        st = reread(w, e, &s->data[i], &s->size[i], &s->mask[i],
                    &s->mask_size[i]);
        if (st == SKD_OK && zones_run)
            st = read_landmarks(w, e, &s->lm[i], &s->lm_size[i], NULL);
        s->job[i] = (skd_image_job){e->rel_path, s->data[i], s->size[i],
                                    s->mask[i], s->mask_size[i], NULL,
                                    kept && i < kept->n ? kept->k[i] : NULL,
                                    i == 0 ? zones : NULL, white_ref_of(e),
                                    s->lm[i], s->lm_size[i]};
    }
    return st;
}

/* One comparison, given what the series kept of its sessions' photos (or
 * NULL). */
static void compare_item(skd_batch_state *b, skd_ctx *w, const skd_pair *p,
                         const kept_session *before_kept,
                         const kept_session *after_kept)
{
    const skd_entry *be = &b->plan->e[p->before], *ae = &b->plan->e[p->after];
    char key[SKD_HEX_LEN], msg[1024] = "", name[1024];
    int st = SKD_OK, found = 0, stored = SKD_OK, stop;
    int zones = skd_opt(b->main, SKD_OPT_BATCH_ZONES) != 0;
    skd_zone_comparison zc;
    skd_cmp_row row;
    side *sb = skd_calloc(w, 1, sizeof *sb), *sa = skd_calloc(w, 1, sizeof *sa);

    memset(&row, 0, sizeof row);
    memset(&zc, 0, sizeof zc);
    snprintf(name, sizeof name, "%s/%s %s -> %s", be->patient,
             skd_series_view(be), be->session, ae->session);
    if (!sb || !sa) {
        st = SKD_E_NOMEM;
        snprintf(msg, sizeof msg, "out of memory");
        skd_key_of(be->image_key, ae->image_key, b->cmp_params, key);
        goto store;
    }
    sb->e = be;
    sb->n = p->n_before;
    sa->e = ae;
    sa->n = p->n_after;
    cmp_key(sb, sa, b->cmp_params, key);
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
        goto done;

    st = check_photos(sb, sa, msg, sizeof msg);
    if (st == SKD_OK) {
        st = read_side(w, sb, before_kept, NULL, zones);
        if (st == SKD_OK)
            st = read_side(w, sa, after_kept, zones ? &zc : NULL, zones);
        if (st == SKD_OK) {
            skd_ctx_set(w, SKD_OPT_PX_PER_MM, be->scale_assumed ? 0 : be->scale);
            w->message[0] = '\0';
            if ((sb->n > 1 || sa->n > 1) && b->ops->compare_sessions)
                st = b->ops->compare_sessions(b->ops->opaque, w, sb->job, sb->n,
                                              sa->job, sa->n, &row.c);
            else
                st = b->ops->compare(b->ops->opaque, w, &sb->job[0],
                                     &sa->job[0], &row.c);
        }
        if (st != SKD_OK)
            snprintf(msg, sizeof msg, "%s", skd_ctx_message(w));
    }
store:
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
done:
    if (sb)
        side_free(w, sb);
    if (sa)
        side_free(w, sa);
    skd_dealloc(w, sb);
    skd_dealloc(w, sa);
}

static void release(skd_batch_state *b, skd_ctx *w, kept_session *kept)
{
    for (size_t i = 0; i < kept->n; i++)
        if (kept->k[i] && b->ops->release)
            b->ops->release(b->ops->opaque, w, kept->k[i]);
    memset(kept, 0, sizeof *kept);
}

/* Entries first..last-1 in session order, a session's replicates
 * together; a session's comparisons (against the baseline, first, and the
 * previous one) follow its last photo, so each photo is analysed once: the
 * baseline session's analyses are kept for the whole series, every other
 * session's until the next session's comparisons are done. A photo already
 * stored keeps nothing; its comparisons, if not stored either, then analyse
 * it themselves (a resumed run). */
void skd_batch_series_item(skd_batch_state *b, skd_ctx *w, size_t series)
{
    size_t first = b->series[series], last = b->series[series + 1];
    size_t pair = b->series_pairs[series], pair_end = b->series_pairs[series + 1];
    const skd_entry *e = b->plan->e;
    kept_session base, prev, cur;
    int keep = last - first > 1, have_base = 0;
    memset(&base, 0, sizeof base);
    memset(&prev, 0, sizeof prev);
    memset(&cur, 0, sizeof cur);
    for (size_t j = first; j < last && !b->fatal; j++) {
        void **slot = keep && cur.n < SKD_MAX_REPLICATES ? &cur.k[cur.n] : NULL;
        image_item(b, w, &b->plan->e[j], slot);
        if (slot)
            cur.n++;
        for (; pair < pair_end && b->plan->pairs[pair].after +
                                          b->plan->pairs[pair].n_after - 1 == j;
             pair++) {
            const skd_pair *p = &b->plan->pairs[pair];
            compare_item(b, w, p, p->before == first ? &base : &prev, &cur);
        }
        if (j + 1 < last && !strcmp(e[j + 1].session, e[j].session))
            continue; /* the session's next replicate */
        if (!have_base) {
            base = cur;
            have_base = 1;
        } else {
            release(b, w, &prev);
            prev = cur;
        }
        memset(&cur, 0, sizeof cur);
    }
    release(b, w, &cur);
    release(b, w, &prev);
    release(b, w, &base);
}
