/* Tone slope (docs/comparing.md, "Same skin, different day"): how the
 * after photo's tone curve scales the contrast of l = 100 ln Y against the
 * before photo's. Photos of the same skin through different tone curves
 * (a phone's adaptive tone mapping; the highlights a curve compresses as
 * the exposure changes) show every contrast scaled alike, and texture Sa
 * with it: on the repeat shots Sa moved by about 100 (slope - 1) percent.
 * It is read from the 5 mm tiles' mean l, where a treatment (finer relief,
 * fewer pores: sub-millimetre detail) leaves little trace, as the
 * least-squares slope of the after tiles' means on the before tiles',
 * with the white references' mean l as one more point when both photos
 * have one. */
#include <math.h>

#include "compare.h"

/* Tile sums of l over the selected pixels; tile_of(x, y) gives a pixel's
 * tile or -1. */
static int tile_sums(skd_ctx *ctx, const skd_image *img,
                     const skd_colour_lut *lut, const uint8_t *sel,
                     const skd_tile_grid *g, const int32_t *after_tile,
                     double *sum, uint64_t *n)
{
    float *l = skd_malloc_array(ctx, img->width, sizeof *l);
    if (!l)
        return SKD_E_NOMEM;
    for (uint32_t y = 0; y < img->height; y++) {
        const size_t row = (size_t)y * img->width;
        int32_t ty = after_tile ? 0 : skd_tile_index(y, g->tile_px, g->tiles_y);
        skd_luminance_row(img->rgb + 3 * row, img->width, lut, NULL, l, NULL);
        for (uint32_t x = 0; x < img->width; x++) {
            int32_t t;
            if (!sel[row + x] || !isfinite(l[x]))
                continue;
            if (after_tile) {
                t = after_tile[row + x];
            } else {
                int32_t tx = skd_tile_index(x, g->tile_px, g->tiles_x);
                t = tx < 0 || ty < 0 ? -1 : ty * (int32_t)g->tiles_x + tx;
            }
            if (t < 0 || !g->used[t])
                continue;
            sum[t] += l[x];
            n[t]++;
        }
    }
    skd_dealloc(ctx, l);
    return SKD_OK;
}

/* Mean l over the rectangle r (a white reference), through lut. */
static int patch_mean_l(skd_ctx *ctx, const skd_image *img,
                        const skd_colour_lut *lut, const skd_roi *r,
                        double *mean)
{
    float *l = skd_malloc_array(ctx, r->w, sizeof *l);
    double sum = 0;
    uint64_t n = 0;
    if (!l)
        return SKD_E_NOMEM;
    for (uint32_t y = r->y; y < r->y + r->h && y < img->height; y++) {
        const size_t row = (size_t)y * img->width + r->x;
        skd_luminance_row(img->rgb + 3 * row, r->w, lut, NULL, l, NULL);
        for (uint32_t x = 0; x < r->w; x++)
            if (isfinite(l[x])) {
                sum += l[x];
                n++;
            }
    }
    skd_dealloc(ctx, l);
    *mean = n ? sum / (double)n : NAN;
    return SKD_OK;
}

static int roi_set(const skd_roi *r)
{
    return r && r->w > 0 && r->h > 0;
}

int skd_tone_slope(skd_ctx *ctx, const skd_tile_grid *g,
                   const skd_image *before, const skd_colour_lut *lut_b,
                   const uint8_t *cb, const skd_roi *ref_b,
                   const skd_image *after, const skd_colour_lut *lut_a,
                   const uint8_t *ca, const skd_roi *ref_a, double *slope,
                   double *spread)
{
    /* points: the used tiles, then (slot n_tiles) the white references */
    size_t nt = g->n_tiles + 1;
    double *sum = skd_calloc(ctx, 2 * nt, sizeof *sum);
    uint64_t *n = skd_calloc(ctx, 2 * nt, sizeof *n);
    double mb = 0, ma = 0, sbb = 0, sab = 0;
    size_t k = 0;
    int st = sum && n ? SKD_OK : SKD_E_NOMEM;
    *slope = *spread = NAN;
    if (st == SKD_OK)
        st = tile_sums(ctx, before, lut_b, cb, g, NULL, sum, n);
    if (st == SKD_OK)
        st = tile_sums(ctx, after, lut_a, ca, g, g->after_tile, sum + nt,
                       n + nt);
    for (size_t t = 0; t < g->n_tiles && st == SKD_OK; t++)
        if (g->used[t] && n[t] && n[nt + t]) {
            sum[t] /= (double)n[t];
            sum[nt + t] /= (double)n[nt + t];
            mb += sum[t];
            ma += sum[nt + t];
            k++;
        } else {
            n[t] = 0;
        }
    /* A white reference in both photos is one more point of the tone
     * curve, far from the skin's luminance: on flat skin, whose tiles all
     * sit at one point, it is what gives the slope a lever. */
    if (st == SKD_OK && k >= 3 && roi_set(ref_b) && roi_set(ref_a)) {
        size_t t = g->n_tiles;
        st = patch_mean_l(ctx, before, lut_b, ref_b, &sum[t]);
        if (st == SKD_OK)
            st = patch_mean_l(ctx, after, lut_a, ref_a, &sum[nt + t]);
        if (st == SKD_OK && isfinite(sum[t]) && isfinite(sum[nt + t])) {
            n[t] = 1;
            mb += sum[t];
            ma += sum[nt + t];
            k++;
        }
    }
    if (st == SKD_OK && k >= 3) {
        mb /= (double)k;
        ma /= (double)k;
        for (size_t t = 0; t < nt; t++)
            if (n[t]) {
                double db = sum[t] - mb;
                sbb += db * db;
                sab += db * (sum[nt + t] - ma);
            }
        *spread = sqrt(sbb / (double)(k - 1));
        *slope = sbb > 0 ? sab / sbb : NAN;
    }
    skd_dealloc(ctx, sum);
    skd_dealloc(ctx, n);
    return st;
}
