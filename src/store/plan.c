/* The plan of a batch: the photos, sorted, and the comparisons between
 * their sessions. */
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
    skd_dealloc(ctx, e->preset_error);
    skd_dealloc(ctx, e->message);
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
        c = strcmp(a->view, b->view);
    if (!c)
        c = skd_session_cmp(a, b);
    if (!c)
        c = strcmp(a->rel_path, b->rel_path);
    return c;
}

static int same_series(const skd_entry *a, const skd_entry *b)
{
    return !strcmp(a->patient, b->patient) && !strcmp(a->view, b->view);
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
        plan->e[i].session_index = 1;
        for (j = i + 1; j < plan->n && same_series(&plan->e[i], &plan->e[j]); j++) {
            plan->e[j].session_index = (unsigned)(j - i + 1);
            skd_pair *p = &plan->pairs[np++];
            p->before = i;
            p->after = j;
            p->kind = j == i + 1 ? SKD_CMP_BASELINE_PREVIOUS : SKD_CMP_BASELINE;
            if (j > i + 1) {
                p = &plan->pairs[np++];
                p->before = j - 1;
                p->after = j;
                p->kind = SKD_CMP_PREVIOUS;
            }
        }
    }
    plan->n_pairs = np;
    return SKD_OK;
}
