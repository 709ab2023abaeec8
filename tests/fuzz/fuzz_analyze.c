/* Fuzz the whole measurement: decode (limit 256x256 worth of pixels), then
 * skd_analyze, sub-region figures and the overlay. The first two bytes
 * choose the parameters and the rest is the image file:
 *   byte 0: scale, 4 + (b % 64) / 2 px/mm (4 to 35.5)
 *   byte 1: bit 0 ROI from bytes 2-5 (x, y, w, h as fractions of the size
 *           in 1/64, may fall outside), bit 1 the photo is its own mask,
 *           bits 2-3 pore threshold 10/2/40/0.5, bits 4-5 red delta
 *           5/1/20/0.05.
 * Analysis failures must be data failures (NO_REGION, INVALID for a ROI
 * outside the photo, NOMEM); anything else is a bug. */
#include <math.h>

#include "fuzz_common.h"

#define PARAM_BYTES 6

static void check_metrics(const skd_analysis *a)
{
    const skd_metrics *m = &a->metrics;
    FUZZ_ASSERT(m->region_pixels > 0 &&
                m->region_pixels <= (uint64_t)a->width * a->height);
    FUZZ_ASSERT(isfinite(m->sa) && m->sa >= 0);
    FUZZ_ASSERT(isfinite(m->sq) && m->sq >= m->sa * (1 - 1e-6));
    FUZZ_ASSERT(isfinite(m->area_cm2) && m->area_cm2 > 0);
    FUZZ_ASSERT(m->pore_count == a->n_pores);
    FUZZ_ASSERT(isfinite(m->pore_density_per_cm2) &&
                m->pore_density_per_cm2 >= 0);
    FUZZ_ASSERT(m->pore_area_fraction >= 0);
    FUZZ_ASSERT(m->red_area_fraction >= 0 && m->red_area_fraction <= 1);
    FUZZ_ASSERT(isfinite(m->a_mean) && isfinite(m->a_median));
    for (size_t i = 0; i < a->n_pores; i++) {
        const skd_pore *p = &a->pores[i];
        FUZZ_ASSERT(p->x >= 0 && p->x < a->width && p->y >= 0 &&
                    p->y < a->height);
        FUZZ_ASSERT(p->radius > 0 && isfinite(p->strength));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double tau[4] = {10, 2, 40, 0.5};
    static const double delta[4] = {5, 1, 20, 0.05};
    skd_ctx *ctx;
    skd_image *img, *ov = NULL;
    skd_analysis *a = NULL;
    skd_region_spec spec;
    uint8_t flags;
    int st;

    if (size < PARAM_BYTES)
        return 0;
    flags = data[1];
    ctx = fuzz_ctx(256.0 * 256.0);
    FUZZ_ASSERT(skd_ctx_set(ctx, SKD_OPT_PX_PER_MM,
                            4 + (data[0] % 64) / 2.0) == SKD_OK);
    FUZZ_ASSERT(skd_ctx_set(ctx, SKD_OPT_PORE_THRESHOLD,
                            tau[(flags >> 2) & 3]) == SKD_OK);
    FUZZ_ASSERT(skd_ctx_set(ctx, SKD_OPT_RED_DELTA,
                            delta[(flags >> 4) & 3]) == SKD_OK);
    img = fuzz_decode(ctx, data + PARAM_BYTES, size - PARAM_BYTES);
    if (!img) {
        skd_ctx_free(ctx);
        return 0;
    }
    memset(&spec, 0, sizeof spec);
    if (flags & 1) {
        spec.roi.x = (uint32_t)((uint64_t)img->width * data[2] / 64);
        spec.roi.y = (uint32_t)((uint64_t)img->height * data[3] / 64);
        spec.roi.w = (uint32_t)((uint64_t)img->width * data[4] / 64);
        spec.roi.h = (uint32_t)((uint64_t)img->height * data[5] / 64);
    }
    if (flags & 2)
        spec.mask = img;
    st = skd_analyze(ctx, img, &spec, &a);
    if (st != SKD_OK) {
        FUZZ_ASSERT(a == NULL);
        FUZZ_ASSERT(skd_ctx_message(ctx)[0] != '\0');
        if (st != SKD_E_NO_REGION && st != SKD_E_NOMEM && st != SKD_E_INVALID)
            fprintf(stderr, "analyze: status %d: %s\n", st,
                    skd_ctx_message(ctx));
        FUZZ_ASSERT(st == SKD_E_NO_REGION || st == SKD_E_NOMEM ||
                    (st == SKD_E_INVALID && (flags & 1)));
    } else {
        skd_metrics sub;
        FUZZ_ASSERT(a && a->width == img->width && a->height == img->height);
        check_metrics(a);
        /* Over the red area only: a subset of R, so never more pixels. */
        st = skd_metrics_in_region(ctx, a, img, a->red_area, NAN, &sub);
        if (st == SKD_OK)
            FUZZ_ASSERT(sub.region_pixels <= a->metrics.region_pixels);
        else
            FUZZ_ASSERT(st == SKD_E_NO_REGION || st == SKD_E_NOMEM);
        st = skd_render_overlay(ctx, img, a, &ov);
        FUZZ_ASSERT(st == SKD_OK || st == SKD_E_NOMEM);
        if (ov)
            FUZZ_ASSERT(ov->width == img->width && ov->height == img->height);
    }
    skd_image_free(ov);
    skd_analysis_free(a);
    skd_image_free(img);
    skd_ctx_free(ctx);
    return 0;
}
