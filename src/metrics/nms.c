/* Non-maximum suppression across scales: of two pores whose centres are
 * closer than the larger radius, the weaker is dropped. Strongest first
 * (ties by (k, y, x)), kept pores in a grid of cells no smaller than the
 * largest radius, so each test looks at 3 x 3 cells. */
#include <math.h>
#include <stdlib.h>

#include "metrics.h"

static int by_strength(const void *pa, const void *pb)
{
    const skd_pore_cand *a = pa, *b = pb;
    if (a->d != b->d)
        return a->d > b->d ? -1 : 1;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    return (a->x > b->x) - (a->x < b->x);
}

typedef struct grid {
    size_t cell, gw, gh;
    size_t *head; /* gw*gh: first kept pore in the cell, SIZE_MAX if none */
    size_t *next; /* per kept pore */
} grid;

static int too_close(const grid *g, const skd_pore *kept, const skd_pore *p)
{
    size_t cx = (size_t)p->x / g->cell, cy = (size_t)p->y / g->cell;
    for (size_t yy = cy > 0 ? cy - 1 : 0; yy <= cy + 1 && yy < g->gh; yy++)
        for (size_t xx = cx > 0 ? cx - 1 : 0; xx <= cx + 1 && xx < g->gw; xx++)
            for (size_t j = g->head[yy * g->gw + xx]; j != SIZE_MAX; j = g->next[j]) {
                double dx = (double)kept[j].x - p->x;
                double dy = (double)kept[j].y - p->y;
                double r = kept[j].radius > p->radius ? kept[j].radius : p->radius;
                if (dx * dx + dy * dy < r * r)
                    return 1;
            }
    return 0;
}

int skd_suppress_pores(skd_ctx *ctx, skd_cand_list *c,
                       const double *radius_px, size_t w, size_t h,
                       skd_pore **out, size_t *n_out)
{
    grid g = {0};
    skd_pore *kept = NULL;
    size_t n = 0;
    int st = SKD_OK;

    *out = NULL;
    *n_out = 0;
    if (c->n == 0)
        return SKD_OK;
    qsort(c->v, c->n, sizeof *c->v, by_strength);
    g.cell = (size_t)ceil(radius_px[SKD_PORE_SCALES - 1]);
    if (g.cell < 1)
        g.cell = 1;
    g.gw = (w + g.cell - 1) / g.cell;
    g.gh = (h + g.cell - 1) / g.cell;
    g.head = skd_malloc_array(ctx, g.gw * g.gh, sizeof *g.head);
    g.next = skd_malloc_array(ctx, c->n, sizeof *g.next);
    kept = skd_malloc_array(ctx, c->n, sizeof *kept);
    if (!g.head || !g.next || !kept) {
        st = SKD_E_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < g.gw * g.gh; i++)
        g.head[i] = SIZE_MAX;
    for (size_t i = 0; i < c->n; i++) {
        const skd_pore_cand *q = &c->v[i];
        skd_pore p = {(float)q->x, (float)q->y, (float)radius_px[q->k], q->d};
        if (too_close(&g, kept, &p))
            continue;
        size_t cell = (q->y / g.cell) * g.gw + q->x / g.cell;
        kept[n] = p;
        g.next[n] = g.head[cell];
        g.head[cell] = n;
        n++;
    }
    if (n > 0) {
        *out = kept;
        *n_out = n;
        kept = NULL;
    }
done:
    skd_dealloc(ctx, kept);
    skd_dealloc(ctx, g.head);
    skd_dealloc(ctx, g.next);
    return st;
}
