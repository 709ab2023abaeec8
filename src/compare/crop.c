/* A copy of the part of an analysis inside a box, so a tile's figures come
 * from skd_region_figures on small planes instead of a whole-photo mask
 * per tile; the photo's samples are read in place (a row stride). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

void skd_analysis_crop_free(skd_ctx *ctx, skd_analysis_crop *c)
{
    skd_dealloc(ctx, c->view.region);
    skd_dealloc(ctx, c->view.red_area);
    skd_dealloc(ctx, c->view.texture);
    skd_dealloc(ctx, c->view.a_star);
    skd_dealloc(ctx, c->view.pores);
    skd_dealloc(ctx, c->include);
    skd_dealloc(ctx, c->by_row);
    skd_dealloc(ctx, c->found);
    memset(c, 0, sizeof *c);
}

static int grow_planes(skd_ctx *ctx, skd_analysis_crop *c, size_t px)
{
    skd_analysis *v = &c->view;
    if (px <= c->cap_px)
        return SKD_OK;
    skd_dealloc(ctx, v->region);
    skd_dealloc(ctx, v->red_area);
    skd_dealloc(ctx, v->texture);
    skd_dealloc(ctx, v->a_star);
    skd_dealloc(ctx, c->include);
    v->region = skd_malloc(ctx, px);
    v->red_area = skd_malloc(ctx, px);
    v->texture = skd_malloc_array(ctx, px, sizeof(float));
    v->a_star = skd_malloc_array(ctx, px, sizeof(float));
    c->include = skd_malloc(ctx, px);
    if (!v->region || !v->red_area || !v->texture || !v->a_star ||
        !c->include) {
        c->cap_px = 0;
        return SKD_E_NOMEM;
    }
    c->cap_px = px;
    return SKD_OK;
}

/* Copy rows [y0, y1] x columns [x0, x1] of a plane of elements `size`
 * bytes, or fill with zero when the source plane is absent. */
static void copy_box(void *dst, const void *src, uint32_t src_w,
                     const skd_bbox *b, size_t size)
{
    size_t w = (size_t)(b->x1 - b->x0 + 1), row = w * size;
    for (uint32_t y = b->y0; y <= b->y1; y++) {
        unsigned char *d = (unsigned char *)dst + (size_t)(y - b->y0) * row;
        if (src)
            memcpy(d, (const unsigned char *)src +
                          ((size_t)y * src_w + b->x0) * size, row);
        else
            memset(d, 0, row);
    }
}

/* Pores whose centre pixel lies in the box. skd_metrics_in_region takes
 * the centre pixel as (floor x, floor y), and a shift by whole pixels keeps
 * that pixel the same. */
static int in_box(const skd_pore *p, const skd_bbox *b)
{
    return floorf(p->x) >= (float)b->x0 && floorf(p->x) <= (float)b->x1 &&
           floorf(p->y) >= (float)b->y0 && floorf(p->y) <= (float)b->y1;
}

static long pore_row(const skd_pore *p)
{
    return (long)floorf(p->y);
}

/* Sort keys: qsort has no context, so each carries its pore's row. */
typedef struct row_key {
    long row;
    uint32_t i;
} row_key;

static int by_row_then_index(const void *a, const void *b)
{
    const row_key *p = a, *q = b;
    if (p->row != q->row)
        return p->row < q->row ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

static int by_index(const void *a, const void *b)
{
    uint32_t p = *(const uint32_t *)a, q = *(const uint32_t *)b;
    return p < q ? -1 : p > q;
}

static int index_pores(skd_ctx *ctx, skd_analysis_crop *c,
                       const skd_analysis *src)
{
    size_t n = src->n_pores;
    row_key *keys;
    if (c->indexed == src)
        return SKD_OK;
    if (n > UINT32_MAX)
        return skd_fail(ctx, SKD_E_LIMIT, "too many pores to index");
    skd_dealloc(ctx, c->by_row);
    skd_dealloc(ctx, c->found);
    c->indexed = NULL;
    c->by_row = skd_malloc_array(ctx, n ? n : 1, sizeof *c->by_row);
    c->found = skd_malloc_array(ctx, n ? n : 1, sizeof *c->found);
    keys = skd_malloc_array(ctx, n ? n : 1, sizeof *keys);
    if (!c->by_row || !c->found || !keys) {
        skd_dealloc(ctx, keys);
        return SKD_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        keys[i] = (row_key){pore_row(&src->pores[i]), (uint32_t)i};
    qsort(keys, n, sizeof *keys, by_row_then_index);
    for (size_t i = 0; i < n; i++)
        c->by_row[i] = keys[i].i;
    skd_dealloc(ctx, keys);
    c->indexed = src;
    return SKD_OK;
}

/* The pores in the box, in the source's order (sums over them are then
 * the same numbers as over a scan of all pores). */
static int copy_pores(skd_ctx *ctx, skd_analysis_crop *c,
                      const skd_analysis *src, const skd_bbox *b)
{
    size_t lo = 0, hi = src->n_pores, n = 0;
    int st = index_pores(ctx, c, src);
    if (st != SKD_OK)
        return st;
    while (lo < hi) { /* first pore on row y0 or below it */
        size_t mid = lo + (hi - lo) / 2;
        if (pore_row(&src->pores[c->by_row[mid]]) < (long)b->y0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < src->n_pores; k++) {
        uint32_t i = c->by_row[k];
        if (pore_row(&src->pores[i]) > (long)b->y1)
            break;
        if (in_box(&src->pores[i], b))
            c->found[n++] = i;
    }
    qsort(c->found, n, sizeof *c->found, by_index);
    if (n > c->cap_pores) {
        skd_dealloc(ctx, c->view.pores);
        c->view.pores = skd_malloc_array(ctx, n, sizeof *c->view.pores);
        if (!c->view.pores) {
            c->cap_pores = 0;
            return SKD_E_NOMEM;
        }
        c->cap_pores = n;
    }
    for (size_t k = 0; k < n; k++) {
        skd_pore p = src->pores[c->found[k]];
        p.x -= (float)b->x0;
        p.y -= (float)b->y0;
        c->view.pores[k] = p;
    }
    c->view.n_pores = n;
    return SKD_OK;
}

int skd_analysis_crop_set(skd_ctx *ctx, const skd_analysis *src,
                          const skd_photo_samples *src_photo,
                          const skd_bbox *b, skd_analysis_crop *c)
{
    skd_analysis *v = &c->view;
    size_t px;
    int st;

    if (b->x0 > b->x1 || b->y0 > b->y1 || b->x1 >= src->width ||
        b->y1 >= src->height)
        return skd_fail(ctx, SKD_E_INTERNAL, "tile box outside the photo");
    px = (size_t)(b->x1 - b->x0 + 1) * (size_t)(b->y1 - b->y0 + 1);
    st = grow_planes(ctx, c, px);
    if (st == SKD_OK)
        st = copy_pores(ctx, c, src, b);
    if (st != SKD_OK)
        return st;
    v->width = b->x1 - b->x0 + 1;
    v->height = b->y1 - b->y0 + 1;
    v->px_per_mm = src->px_per_mm;
    v->scale_assumed = src->scale_assumed;
    v->warnings = src->warnings;
    memset(&v->metrics, 0, sizeof v->metrics);
    copy_box(v->region, src->region, src->width, b, 1);
    copy_box(v->red_area, src->red_area, src->width, b, 1);
    copy_box(v->texture, src->texture, src->width, b, sizeof(float));
    copy_box(v->a_star, src->a_star, src->width, b, sizeof(float));
    c->photo = *src_photo;
    c->photo.rgb += 3 * ((size_t)b->y0 * src_photo->stride + b->x0);
    return SKD_OK;
}
