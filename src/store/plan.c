/* The plan of a batch: the photos, sorted, and the comparisons between
 * their sessions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

const char *skd_cmp_kind_name(skd_cmp_kind k)
{
    switch (k) {
    case SKD_CMP_BASELINE_PREVIOUS: return "baseline+previous";
    case SKD_CMP_BASELINE: return "baseline";
    case SKD_CMP_PREVIOUS: return "previous";
    }
    return "?";
}

static void entry_free(skd_ctx *ctx, skd_entry *e)
{
    skd_dealloc(ctx, e->patient);
    skd_dealloc(ctx, e->session);
    skd_dealloc(ctx, e->view);
    skd_dealloc(ctx, e->path);
    skd_dealloc(ctx, e->rel_path);
    skd_dealloc(ctx, e->mask_path);
    skd_dealloc(ctx, e->landmarks_path);
    skd_dealloc(ctx, e->preset_error);
    skd_dealloc(ctx, e->message);
    skd_dealloc(ctx, e->series_view);
    memset(e, 0, sizeof *e);
}

void skd_plan_free(skd_ctx *ctx, skd_plan *plan)
{
    for (size_t i = 0; i < plan->n; i++)
        entry_free(ctx, &plan->e[i]);
    skd_dealloc(ctx, plan->e);
    skd_dealloc(ctx, plan->pairs);
    memset(plan, 0, sizeof *plan);
}

int skd_plan_add(skd_ctx *ctx, skd_plan *plan, const char *patient,
                 const char *session, const char *view, const char *path,
                 const char *rel_path, const char *mask_path, double px_per_mm)
{
    skd_entry *e;
    if (plan->n == plan->cap) {
        skd_entry *ne = skd_array_grow(ctx, plan->e, plan->n, &plan->cap,
                                       sizeof *ne, 64);
        if (!ne)
            return SKD_E_NOMEM;
        plan->e = ne;
    }
    e = &plan->e[plan->n];
    memset(e, 0, sizeof *e);
    e->patient = skd_strdup(ctx, patient);
    e->session = skd_strdup(ctx, session);
    e->view = skd_strdup(ctx, view);
    e->path = skd_strdup(ctx, path);
    e->rel_path = skd_strdup(ctx, rel_path);
    e->mask_path = mask_path ? skd_strdup(ctx, mask_path) : NULL;
    e->px_per_mm = px_per_mm;
    if (!e->patient || !e->session || !e->view || !e->path || !e->rel_path ||
        (mask_path && !e->mask_path)) {
        entry_free(ctx, e);
        return SKD_E_NOMEM;
    }
    plan->n++;
    return SKD_OK;
}

int skd_plan_set_replicate(skd_ctx *ctx, skd_entry *e, const char *series_view,
                           unsigned replicate)
{
    char *s = skd_strdup(ctx, series_view);
    if (!s)
        return SKD_E_NOMEM;
    skd_dealloc(ctx, e->series_view);
    e->series_view = s;
    e->replicate = replicate;
    return SKD_OK;
}

/* A replicate's name, <view>_<n> (n of 1 to 6 digits, not 0): n, with
 * *base_len the length of <view>; 0 for any other name. */
static unsigned replicate_of(const char *view, size_t *base_len)
{
    const char *us = strrchr(view, '_');
    unsigned long n;
    size_t digits;
    if (!us || us == view)
        return 0;
    digits = strlen(us + 1);
    if (digits < 1 || digits > 6 || strspn(us + 1, "0123456789") != digits)
        return 0;
    n = strtoul(us + 1, NULL, 10);
    *base_len = (size_t)(us - view);
    return (unsigned)n;
}

int skd_plan_mark_replicate(skd_ctx *ctx, skd_entry *e)
{
    size_t len = 0;
    unsigned n = replicate_of(e->view, &len);
    char base[1024];
    if (!n || len >= sizeof base)
        return SKD_OK;
    memcpy(base, e->view, len);
    base[len] = '\0';
    return skd_plan_set_replicate(ctx, e, base, n);
}

int skd_plan_wants(const skd_plan *plan, const char *patient)
{
    return plan->shard_n == 0 ||
           skd_batch_shard_of(patient, plan->shard_n) == plan->shard_k;
}

void skd_plan_shard(skd_ctx *ctx, skd_plan *plan, unsigned k, unsigned n)
{
    size_t w = 0;
    if (n == 0)
        return;
    for (size_t i = 0; i < plan->n; i++) {
        if (skd_batch_shard_of(plan->e[i].patient, n) == k)
            plan->e[w++] = plan->e[i];
        else
            entry_free(ctx, &plan->e[i]);
    }
    plan->n = w;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Natural order: runs of digits compare as numbers (any length: leading
 * zeros skipped, then the longer run is larger, then digit by digit), the
 * rest byte by byte. Equal under it ("01" and "1"): 0. */
static int natural_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (is_digit(*a) && is_digit(*b)) {
            const char *ea = a, *eb = b;
            size_t na, nb;
            while (*a == '0' && is_digit(a[1]))
                a++;
            while (*b == '0' && is_digit(b[1]))
                b++;
            for (ea = a; is_digit(*ea); ea++)
                ;
            for (eb = b; is_digit(*eb); eb++)
                ;
            na = (size_t)(ea - a);
            nb = (size_t)(eb - b);
            if (na != nb)
                return na < nb ? -1 : 1;
            for (; a < ea; a++, b++)
                if (*a != *b)
                    return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++, b++;
    }
    return *a ? 1 : *b ? -1 : 0;
}

int skd_session_cmp(const skd_entry *a, const skd_entry *b)
{
    int c;
    if (a->has_order && b->has_order && a->session_order != b->session_order)
        return a->session_order < b->session_order ? -1 : 1;
    c = natural_cmp(a->session, b->session);
    return c ? c : strcmp(a->session, b->session);
}

static int entry_cmp(const void *pa, const void *pb)
{
    const skd_entry *a = pa, *b = pb;
    int c = strcmp(a->patient, b->patient);
    if (!c)
        c = strcmp(skd_series_view(a), skd_series_view(b));
    if (!c)
        c = skd_session_cmp(a, b);
    if (!c && a->replicate != b->replicate)
        c = a->replicate < b->replicate ? -1 : 1;
    if (!c)
        c = strcmp(a->rel_path, b->rel_path);
    return c;
}

static int same_series(const skd_entry *a, const skd_entry *b)
{
    return !strcmp(a->patient, b->patient) &&
           !strcmp(skd_series_view(a), skd_series_view(b));
}

/* Entries from i on of one session (its replicates): how many. */
static size_t session_photos(const skd_plan *plan, size_t i, size_t end)
{
    size_t j = i + 1;
    while (j < end && !strcmp(plan->e[j].session, plan->e[i].session))
        j++;
    return j - i;
}

/* Photos past SKD_MAX_REPLICATES in a session are error rows. */
static int refuse_extra(skd_ctx *ctx, skd_entry *e)
{
    char msg[512];
    if (e->preset_error)
        return SKD_OK;
    snprintf(msg, sizeof msg,
             "%s: more than %d photos of view '%s' in session '%s' "
             "(replicates); the first %d are used",
             e->rel_path, SKD_MAX_REPLICATES, skd_series_view(e), e->session,
             SKD_MAX_REPLICATES);
    return (e->preset_error = skd_strdup(ctx, msg)) ? SKD_OK : SKD_E_NOMEM;
}

int skd_plan_finish(skd_ctx *ctx, skd_plan *plan)
{
    size_t np = 0, i, j;
    if (plan->n > 1)
        qsort(plan->e, plan->n, sizeof *plan->e, entry_cmp);
    /* At most two comparisons per photo. */
    skd_dealloc(ctx, plan->pairs);
    plan->pairs = NULL;
    plan->n_pairs = 0;
    if (plan->n == 0)
        return SKD_OK;
    plan->pairs = skd_malloc_array(ctx, plan->n, 2 * sizeof *plan->pairs);
    if (!plan->pairs)
        return SKD_E_NOMEM;
    for (i = 0; i < plan->n; i = j) {
        size_t base = i, nbase, prev = i, nprev, g, k;
        unsigned index = 1;
        for (j = i + 1; j < plan->n && same_series(&plan->e[i], &plan->e[j]); j++)
            ;
        /* The sessions of the series [i, j), each with its photos [g, k). */
        nbase = nprev = session_photos(plan, i, j);
        for (g = i; g < j; g = k, index++) {
            size_t n = session_photos(plan, g, j);
            k = g + n;
            for (size_t r = g; r < k; r++) {
                plan->e[r].session_index = index;
                if (r - g >= SKD_MAX_REPLICATES && refuse_extra(ctx, &plan->e[r]))
                    return SKD_E_NOMEM;
            }
            if (n > SKD_MAX_REPLICATES)
                n = SKD_MAX_REPLICATES;
            if (g == i) {
                nbase = nprev = n;
                continue;
            }
            plan->pairs[np++] = (skd_pair){base, g, index == 2
                                                        ? SKD_CMP_BASELINE_PREVIOUS
                                                        : SKD_CMP_BASELINE,
                                           nbase, n};
            if (index > 2)
                plan->pairs[np++] =
                    (skd_pair){prev, g, SKD_CMP_PREVIOUS, nprev, n};
            prev = g;
            nprev = n;
        }
    }
    plan->n_pairs = np;
    return SKD_OK;
}
