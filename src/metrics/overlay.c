/* A picture of what was measured: outside R darkened (what the skin map
 * left out darkened to grey-blue), red areas tinted, pores circled in cyan
 * (a colour skin never has). */
#include <math.h>

#include "metrics.h"

#define OUTSIDE_GAIN 0.35 /* darkening of pixels outside R */
#define RED_BLEND 0.4     /* weight of pure red in the tint */
#define RING_GAP 1.0      /* ring radius = r_k + this, pixels */
#define RING_HALF_WIDTH 0.75

/* Not skin: darkened and turned grey-blue (a colour skin never has), so
 * it reads apart from highlights and dark pixels, which are only
 * darkened. */
#define NOT_SKIN_GAIN 0.25
#define NOT_SKIN_BLUE (0.22 * 65535)

static void shade_row(const uint16_t *restrict src, const uint8_t *restrict region,
                      const uint8_t *restrict red, const uint8_t *restrict cause,
                      size_t n, uint16_t *restrict dst)
{
    for (size_t i = 0; i < n; i++) {
        const uint16_t *s = src + 3 * i;
        uint16_t *d = dst + 3 * i;
        if (!region[i] && cause && cause[i] == SKD_CAUSE_NOT_SKIN) {
            uint16_t grey = (uint16_t)((s[0] + s[1] + s[2]) / 3.0 * NOT_SKIN_GAIN);
            d[0] = grey;
            d[1] = grey;
            d[2] = (uint16_t)(grey + NOT_SKIN_BLUE);
        } else if (!region[i]) {
            for (int c = 0; c < 3; c++)
                d[c] = (uint16_t)(s[c] * OUTSIDE_GAIN + 0.5);
        } else if (red && red[i]) {
            d[0] = (uint16_t)(s[0] * (1 - RED_BLEND) + 65535 * RED_BLEND + 0.5);
            d[1] = (uint16_t)(s[1] * (1 - RED_BLEND) + 0.5);
            d[2] = (uint16_t)(s[2] * (1 - RED_BLEND) + 0.5);
        } else {
            d[0] = s[0];
            d[1] = s[1];
            d[2] = s[2];
        }
    }
}

static void draw_ring(skd_image *img, double cx, double cy, double radius)
{
    double reach = radius + RING_HALF_WIDTH + 1;
    long x0 = (long)floor(cx - reach), x1 = (long)ceil(cx + reach);
    long y0 = (long)floor(cy - reach), y1 = (long)ceil(cy + reach);
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 >= (long)img->width) x1 = (long)img->width - 1;
    if (y1 >= (long)img->height) y1 = (long)img->height - 1;
    for (long y = y0; y <= y1; y++)
        for (long x = x0; x <= x1; x++) {
            double d = hypot((double)x - cx, (double)y - cy);
            if (fabs(d - radius) > RING_HALF_WIDTH)
                continue;
            uint16_t *p = img->rgb + ((size_t)y * img->width + (size_t)x) * 3;
            p[0] = 0;
            p[1] = 65535;
            p[2] = 65535;
        }
}

int skd_render_overlay(skd_ctx *ctx, const skd_image *img,
                       const skd_analysis *a, skd_image **out)
{
    skd_image *o;
    size_t w;
    int st;

    if (!ctx)
        return SKD_E_INVALID;
    if (!out)
        return skd_fail(ctx, SKD_E_INVALID, "overlay: no output pointer");
    *out = NULL;
    if (!img || !img->rgb || !a || !a->region)
        return skd_fail(ctx, SKD_E_INVALID, "overlay: missing photo or analysis");
    if (img->width != a->width || img->height != a->height)
        return skd_fail(ctx, SKD_E_INVALID,
                        "overlay: photo is %ux%u but the analysis is %ux%u",
                        (unsigned)img->width, (unsigned)img->height,
                        (unsigned)a->width, (unsigned)a->height);
    st = skd_image_create(ctx, img->width, img->height, &o);
    if (st != SKD_OK)
        return st;
    w = img->width;
    for (size_t y = 0; y < img->height; y++)
        shade_row(img->rgb + y * w * 3, a->region + y * w,
                  a->red_area ? a->red_area + y * w : NULL,
                  a->cause ? a->cause + y * w : NULL, w, o->rgb + y * w * 3);
    for (size_t p = 0; p < a->n_pores; p++)
        draw_ring(o, a->pores[p].x, a->pores[p].y, a->pores[p].radius + RING_GAP);
    *out = o;
    return SKD_OK;
}
