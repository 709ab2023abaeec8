/* The tile grid of the before frame, and which pixels of each photo fall in
 * which tile. */
#include <math.h>
#include <string.h>

#include "compare.h"

int32_t skd_tile_index(double pos, double tile_px, uint32_t n_tiles)
{
    double t = floor((pos + 0.5) / tile_px);
    if (!(t >= 0 && t < n_tiles))
        return -1;
    return (int32_t)t;
}

static void bbox_reset(skd_bbox *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        b[i].x0 = b[i].y0 = UINT32_MAX;
        b[i].x1 = b[i].y1 = 0;
    }
}

static void bbox_add(skd_bbox *b, uint32_t x, uint32_t y)
{
    if (x < b->x0)
        b->x0 = x;
    if (x > b->x1)
        b->x1 = x;
    if (y < b->y0)
        b->y0 = y;
    if (y > b->y1)
        b->y1 = y;
}

void skd_tile_grid_free(skd_ctx *ctx, skd_tile_grid *g)
{
    skd_dealloc(ctx, g->count_b);
    skd_dealloc(ctx, g->count_a);
    skd_dealloc(ctx, g->bbox_b);
    skd_dealloc(ctx, g->bbox_a);
    skd_dealloc(ctx, g->after_tile);
    skd_dealloc(ctx, g->used);
    memset(g, 0, sizeof *g);
}

static int grid_alloc(skd_ctx *ctx, skd_tile_grid *g, size_t after_px)
{
    size_t n = g->n_tiles;
    g->count_b = skd_calloc(ctx, n, sizeof *g->count_b);
    g->count_a = skd_calloc(ctx, n, sizeof *g->count_a);
    g->bbox_b = skd_malloc_array(ctx, n, sizeof *g->bbox_b);
    g->bbox_a = skd_malloc_array(ctx, n, sizeof *g->bbox_a);
    g->used = skd_calloc(ctx, n, 1);
    g->after_tile = skd_malloc_array(ctx, after_px, sizeof *g->after_tile);
    if (!g->count_b || !g->count_a || !g->bbox_b || !g->bbox_a || !g->used ||
        !g->after_tile)
        return SKD_E_NOMEM;
    bbox_reset(g->bbox_b, n);
    bbox_reset(g->bbox_a, n);
    return SKD_OK;
}

static void assign_before(skd_tile_grid *g, const uint8_t *cb, uint32_t w,
                          uint32_t h)
{
    for (uint32_t y = 0; y < h; y++) {
        int32_t ty = skd_tile_index(y, g->tile_px, g->tiles_y);
        const uint8_t *row = cb + (size_t)y * w;
        for (uint32_t x = 0; x < w; x++) {
            int32_t tx = skd_tile_index(x, g->tile_px, g->tiles_x);
            size_t t;
            if (!row[x] || ty < 0 || tx < 0)
                continue;
            t = (size_t)ty * g->tiles_x + (size_t)tx;
            g->count_b[t]++;
            bbox_add(&g->bbox_b[t], x, y);
        }
    }
}

static void assign_after(skd_tile_grid *g, const uint8_t *ca, uint32_t w,
                         uint32_t h, const skd_frame_map *a2b)
{
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *row = ca + (size_t)y * w;
        int32_t *tile = g->after_tile + (size_t)y * w;
        for (uint32_t x = 0; x < w; x++) {
            double bx, by;
            int32_t tx, ty;
            size_t t;
            tile[x] = -1;
            if (!row[x])
                continue;
            skd_frame_map_apply(a2b, x, y, &bx, &by);
            tx = skd_tile_index(bx, g->tile_px, g->tiles_x);
            ty = skd_tile_index(by, g->tile_px, g->tiles_y);
            if (tx < 0 || ty < 0)
                continue;
            t = (size_t)ty * g->tiles_x + (size_t)tx;
            tile[x] = (int32_t)t;
            g->count_a[t]++;
            bbox_add(&g->bbox_a[t], x, y);
        }
    }
}

int skd_tile_grid_build(skd_ctx *ctx, double tile_px, const uint8_t *cb,
                        uint32_t before_w, uint32_t before_h,
                        const uint8_t *ca, uint32_t after_w, uint32_t after_h,
                        const skd_frame_map *after_to_before, double scale,
                        skd_tile_grid *g)
{
    double need, ntx, nty;
    int st;

    memset(g, 0, sizeof *g);
    if (!(tile_px >= 1) || !(scale > 0))
        return skd_fail(ctx, SKD_E_INVALID,
                        "tile side %.3g px or scale %.3g out of range",
                        tile_px, scale);
    /* the last pixel centre, w - 1, lies in tile floor((w - 0.5) / tile) */
    ntx = floor((before_w - 0.5) / tile_px) + 1;
    nty = floor((before_h - 0.5) / tile_px) + 1;
    if (ntx * nty > 1e9)
        return skd_fail(ctx, SKD_E_LIMIT, "%.0f x %.0f tiles is too many",
                        ntx, nty);
    g->tile_px = tile_px;
    g->tiles_x = (uint32_t)ntx;
    g->tiles_y = (uint32_t)nty;
    g->n_tiles = g->tiles_x * g->tiles_y;
    st = grid_alloc(ctx, g, (size_t)after_w * after_h);
    if (st != SKD_OK) {
        skd_tile_grid_free(ctx, g);
        return st;
    }
    assign_before(g, cb, before_w, before_h);
    assign_after(g, ca, after_w, after_h, after_to_before);

    need = SKD_TILE_MIN_COVER * tile_px * tile_px;
    for (uint32_t t = 0; t < g->n_tiles; t++) {
        double cover_b = (double)g->count_b[t];
        double cover_a = (double)g->count_a[t] * scale * scale;
        g->used[t] = cover_b >= need && cover_a >= need;
        g->n_used += g->used[t];
    }
    return SKD_OK;
}
