/* A copy of the part of an analysis inside a box, so a tile's figures come
 * from skd_metrics_in_region on a small plane instead of a whole-photo
 * mask per tile. */
#include <math.h>
#include <string.h>

#include "compare.h"

void skd_analysis_crop_free(skd_ctx *ctx, skd_analysis_crop *c)
{
    skd_dealloc(ctx, c->view.region);
    skd_dealloc(ctx, c->view.red_area);
    skd_dealloc(ctx, c->view.texture);
    skd_dealloc(ctx, c->view.a_star);
    skd_dealloc(ctx, c->view.erythema);
    skd_dealloc(ctx, c->view.pores);
    skd_dealloc(ctx, c->include);
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
    skd_dealloc(ctx, v->erythema);
    skd_dealloc(ctx, c->include);
    v->region = skd_malloc(ctx, px);
    v->red_area = skd_malloc(ctx, px);
    v->texture = skd_malloc_array(ctx, px, sizeof(float));
    v->a_star = skd_malloc_array(ctx, px, sizeof(float));
    v->erythema = skd_malloc_array(ctx, px, sizeof(float));
    c->include = skd_malloc(ctx, px);
    if (!v->region || !v->red_area || !v->texture || !v->a_star ||
        !v->erythema || !c->include) {
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

static int copy_pores(skd_ctx *ctx, skd_analysis_crop *c,
                      const skd_analysis *src, const skd_bbox *b)
{
    size_t n = 0;
    for (size_t i = 0; i < src->n_pores; i++) {
        const skd_pore *p = &src->pores[i];
        if (in_box(p, b))
            n++;
    }
    if (n > c->cap_pores) {
        skd_dealloc(ctx, c->view.pores);
        c->view.pores = skd_malloc_array(ctx, n, sizeof *c->view.pores);
        if (!c->view.pores) {
            c->cap_pores = 0;
            return SKD_E_NOMEM;
        }
        c->cap_pores = n;
    }
    n = 0;
    for (size_t i = 0; i < src->n_pores; i++) {
        skd_pore p = src->pores[i];
        if (in_box(&p, b)) {
            p.x -= (float)b->x0;
            p.y -= (float)b->y0;
            c->view.pores[n++] = p;
        }
    }
    c->view.n_pores = n;
    return SKD_OK;
}

int skd_analysis_crop_set(skd_ctx *ctx, const skd_analysis *src,
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
    copy_box(v->erythema, src->erythema, src->width, b, sizeof(float));
    return SKD_OK;
}
