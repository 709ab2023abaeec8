/* Paired per-tile figures: each tile measured on the before photo's own
 * pixels and on the after pixels that map into it. */
#include <math.h>
#include <string.h>

#include "../metrics/metrics.h"
#include "compare.h"

static void include_from_mask(skd_analysis_crop *c, const uint8_t *mask,
                              uint32_t w, const skd_bbox *b)
{
    uint32_t cw = c->view.width;
    for (uint32_t y = b->y0; y <= b->y1; y++) {
        const uint8_t *s = mask + (size_t)y * w + b->x0;
        uint8_t *d = c->include + (size_t)(y - b->y0) * cw;
        for (uint32_t x = 0; x < cw; x++)
            d[x] = s[x] != 0;
    }
}

static void include_from_tile(skd_analysis_crop *c, const int32_t *tile_of,
                              uint32_t w, const skd_bbox *b, int32_t t)
{
    uint32_t cw = c->view.width;
    for (uint32_t y = b->y0; y <= b->y1; y++) {
        const int32_t *s = tile_of + (size_t)y * w + b->x0;
        uint8_t *d = c->include + (size_t)(y - b->y0) * cw;
        for (uint32_t x = 0; x < cw; x++)
            d[x] = s[x] == t;
    }
}

static void tile_difference(const skd_metrics *mb, const skd_metrics *ma,
                            double *d)
{
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        d[m] = skd_metric_value(ma, (skd_metric_id)m) -
               skd_metric_value(mb, (skd_metric_id)m);
    /* a tile without pores has no mean diameter (the figure reads 0) */
    if (mb->pore_count == 0 || ma->pore_count == 0)
        d[SKD_METRIC_PORE_DIAMETER] = NAN;
}

int skd_tile_differences(skd_ctx *ctx, const skd_analysis *before,
                         const skd_photo_samples *pb,
                         const skd_analysis *after,
                         const skd_photo_samples *pa, const uint8_t *cb,
                         const skd_tile_grid *g, double *diff,
                         float *tile_change)
{
    skd_analysis_crop cbf, caf;
    size_t k = 0, nt = g->n_tiles;
    int st = SKD_OK;

    memset(&cbf, 0, sizeof cbf);
    memset(&caf, 0, sizeof caf);
    if (tile_change)
        for (size_t i = 0; i < (size_t)SKD_METRIC_COUNT * nt; i++)
            tile_change[i] = NAN;
    for (uint32_t t = 0; t < g->n_tiles && st == SKD_OK; t++) {
        skd_metrics mb, ma;
        double *d;
        if (!g->used[t])
            continue;
        st = skd_analysis_crop_set(ctx, before, pb, &g->bbox_b[t], &cbf);
        if (st != SKD_OK)
            break;
        include_from_mask(&cbf, cb, before->width, &g->bbox_b[t]);
        st = skd_region_figures(ctx, &cbf.view, &cbf.photo, cbf.include,
                                NAN, &mb, NULL);
        if (st != SKD_OK)
            break;
        st = skd_analysis_crop_set(ctx, after, pa, &g->bbox_a[t], &caf);
        if (st != SKD_OK)
            break;
        include_from_tile(&caf, g->after_tile, after->width, &g->bbox_a[t],
                          (int32_t)t);
        st = skd_region_figures(ctx, &caf.view, &caf.photo, caf.include,
                                NAN, &ma, NULL);
        if (st != SKD_OK)
            break;
        d = diff + k * SKD_METRIC_COUNT;
        tile_difference(&mb, &ma, d);
        if (tile_change)
            for (int m = 0; m < SKD_METRIC_COUNT; m++)
                tile_change[(size_t)m * nt + t] = (float)d[m];
        k++;
    }
    skd_analysis_crop_free(ctx, &cbf);
    skd_analysis_crop_free(ctx, &caf);
    if (st != SKD_OK)
        skd_message_prefix(ctx, "tile figures");
    return st;
}
