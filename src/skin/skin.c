/* The skin map of the photo: cells, model, colour test, shape, then each
 * pixel of the part asked for takes its cell's answer. S is decided on the
 * whole photo whatever the part (docs/measurements.md: S, then the ROI and the user
 * mask narrow it), so an ROI changes no pixel of S. */
#include <string.h>

#include "skin.h"

int skd_skin_map(skd_ctx *ctx, const skd_image *img,
                 const skd_colour_lut *lut, const size_t part[4],
                 uint8_t *out, size_t stride, uint64_t *kept)
{
    size_t whole[4] = {0, 0, img->width, img->height};
    skd_skin_grid g = {0};
    skd_skin_model m;
    uint8_t *s = NULL;
    uint64_t count = 0;
    int st = skd_skin_grid_make(ctx, img, lut, whole, &g);
    if (st == SKD_OK)
        st = skd_skin_model_fit(ctx, &g, &m);
    if (st == SKD_OK && !(s = skd_malloc(ctx, g.gw * g.gh)))
        st = SKD_E_NOMEM;
    if (st == SKD_OK) {
        skd_skin_classify(&g, &m, s);
        st = skd_skin_shape(ctx, s, g.gw, g.gh);
    }
    if (st == SKD_OK) {
        /* S of the whole frame, in pixels (the last row and column of
         * cells may be partial) */
        for (size_t gy = 0; gy < g.gh; gy++)
            for (size_t gx = 0; gx < g.gw; gx++) {
                size_t w = img->width - gx * g.cell, h = img->height - gy * g.cell;
                w = w < g.cell ? w : g.cell;
                h = h < g.cell ? h : g.cell;
                count += s[gy * g.gw + gx] * (uint64_t)(w * h);
            }
        for (size_t j = 0; j < part[3]; j++) {
            const uint8_t *cells = s + ((part[1] + j) / g.cell) * g.gw;
            uint8_t *row = out + j * stride;
            size_t x = part[0], end = part[0] + part[2];
            while (x < end) {
                size_t next = (x / g.cell + 1) * g.cell;
                next = next < end ? next : end;
                memset(row + (x - part[0]), cells[x / g.cell], next - x);
                x = next;
            }
        }
    }
    skd_dealloc(ctx, s);
    skd_skin_grid_free(ctx, &g);
    if (kept)
        *kept = count;
    return st;
}
