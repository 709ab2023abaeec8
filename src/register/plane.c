/* Working planes for registration: block-averaged linear luminance, taken
 * to l = 100 ln Y (docs/measurements.md), band-passed and soft-clipped. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "../fft/fft.h"
#include "register.h"

/* Floor on Y before the logarithm: black pixels would otherwise give -inf. */
#define Y_FLOOR 1e-4
/* Values beyond CLIP_SPREADS robust spreads are compressed (tanh). */
#define CLIP_SPREADS 3.0
#define SPREAD_SAMPLES 65536

/* 16-bit sRGB sample -> linear light, one entry per code value. */
static float *linear_table(skd_ctx *ctx)
{
    float *lut = skd_malloc_array(ctx, 65536, sizeof *lut);
    if (!lut)
        return NULL;
    for (unsigned i = 0; i < 65536; i++) {
        double c = i / 65535.0;
        lut[i] = (float)(c <= 0.04045 ? c / 12.92
                                      : pow((c + 0.055) / 1.055, 2.4));
    }
    return lut;
}

/* l of each f x f block; partial blocks at the right and bottom are dropped
 * so that every plane pixel has the same support. */
static int block_luminance(skd_ctx *ctx, const skd_image *img, unsigned f,
                           float *restrict l, size_t w, size_t h)
{
    float *lut = linear_table(ctx);
    double *acc = skd_malloc_array(ctx, w, sizeof *acc);
    double inv = 1.0 / ((double)f * (double)f);
    if (!lut || !acc) {
        skd_dealloc(ctx, lut);
        skd_dealloc(ctx, acc);
        return SKD_E_NOMEM;
    }
    for (size_t by = 0; by < h; by++) {
        memset(acc, 0, w * sizeof *acc);
        for (size_t y = by * f; y < (by + 1) * f; y++) {
            const uint16_t *row = img->rgb + y * (size_t)img->width * 3;
            for (size_t bx = 0; bx < w; bx++) {
                const uint16_t *px = row + bx * f * 3;
                float sum = 0.0f;
                for (unsigned k = 0; k < f; k++, px += 3)
                    sum += 0.2126f * lut[px[0]] + 0.7152f * lut[px[1]] +
                           0.0722f * lut[px[2]];
                acc[bx] += sum;
            }
        }
        for (size_t bx = 0; bx < w; bx++) {
            double y = acc[bx] * inv;
            l[by * w + bx] = (float)(100.0 * log(y > Y_FLOOR ? y : Y_FLOOR));
        }
    }
    skd_dealloc(ctx, lut);
    skd_dealloc(ctx, acc);
    return SKD_OK;
}

/* 1.4826 median |v| over a regular subsample: the standard deviation for
 * Gaussian data, not inflated by a few strong edges. */
static int robust_spread(skd_ctx *ctx, const float *v, size_t n, double *out)
{
    size_t step = n / SPREAD_SAMPLES + 1, m = 0;
    float *s = skd_malloc_array(ctx, n / step + 1, sizeof *s);
    if (!s)
        return SKD_E_NOMEM;
    for (size_t i = 0; i < n; i += step)
        s[m++] = fabsf(v[i]);
    *out = 1.4826 * skd_select_kth(s, m, m / 2);
    skd_dealloc(ctx, s);
    return SKD_OK;
}

static void soft_clip(float *v, size_t n, double spread)
{
    float c = (float)(CLIP_SPREADS * spread), inv;
    if (!(c > 0.0f))
        return;
    inv = 1.0f / c;
    for (size_t i = 0; i < n; i++)
        v[i] = c * tanhf(v[i] * inv);
}

static int band_pass(skd_ctx *ctx, float *plane, size_t w, size_t h,
                     double s1, double s2)
{
    skd_spectrum *spec;
    skd_filter dog = {SKD_FILTER_DOG, s1, s2};
    float *const out[1] = {plane};
    int st = skd_spectrum_forward(ctx, plane, w, h, skd_fft_margin(s2), &spec);
    if (st != SKD_OK)
        return st;
    st = skd_spectrum_filter(ctx, spec, &dog, 1, out);
    skd_spectrum_free(ctx, spec);
    return st;
}

int skd_reg_plane_build(skd_ctx *ctx, const skd_image *img, unsigned f,
                        double s1, double s2, skd_reg_plane *out)
{
    size_t w = img->width / f, h = img->height / f;
    int st;
    memset(out, 0, sizeof *out);
    out->v = skd_malloc_array(ctx, w * h, sizeof *out->v);
    if (!out->v)
        return SKD_E_NOMEM;
    out->w = w;
    out->h = h;
    out->factor = f;
    st = block_luminance(ctx, img, f, out->v, w, h);
    if (st == SKD_OK)
        st = band_pass(ctx, out->v, w, h, s1, s2);
    if (st == SKD_OK)
        st = robust_spread(ctx, out->v, w * h, &out->spread);
    if (st != SKD_OK) {
        skd_reg_plane_free(ctx, out);
        return st;
    }
    soft_clip(out->v, w * h, out->spread);
    return SKD_OK;
}

void skd_reg_plane_free(skd_ctx *ctx, skd_reg_plane *p)
{
    if (!p)
        return;
    skd_dealloc(ctx, p->v);
    p->v = NULL;
}
