/* The tone-curve check of the acquisition check (docs/comparing.md, "Tone
 * curve"): the same synthetic skin (skd_synth, 600 x 450 at 20 px/mm, no
 * treatment, camera still) lit by a smooth light and shade (linear light
 * times exp(0.4 sin(2 pi x / 330 px) + 0.3 cos(2 pi y / 270 px)), the
 * same in both photos), the after photo through a power g on linear light: l
 * becomes g l, so the truth of the slope is g.
 *  - g = 0.92: tone_slope within 0.01 of 0.92, SKD_ACQ_TONE, Sa, Sq and
 *    pore density inconclusive with the reason; a* still judged;
 *  - g = 1 with the exposure x 0.8: slope within 0.01 of 1, no flag;
 *  - without the light and shade (the skin alone): spread under 1, the
 *    slope not judged (Sa then reads -7.8% "improved": what the check
 *    cannot see on skin without large-scale light and shade). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

#define W 600
#define H 450

/* Measured: slope error 0.0007 (g 0.92), under 0.0001 (exposure): the
 * tiles' sensor noise and 16-bit rounding; the tolerance is about 10x. */
#define TOL_SLOPE 0.01

static double decode(double v)
{
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static double encode(double v)
{
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    return v <= 0.0031308 ? v * 12.92 : 1.055 * pow(v, 1 / 2.4) - 0.055;
}

/* Light and shade times exposure, then the power g, on linear light. */
static void relight(skd_image *img, double exposure, double g, int shade)
{
    for (uint32_t y = 0; y < img->height; y++)
        for (uint32_t x = 0; x < img->width; x++) {
            double f = shade ? exp(0.4 * sin(2 * M_PI * x / 330.0) +
                                   0.3 * cos(2 * M_PI * y / 270.0))
                             : 1.0;
            for (int c = 0; c < 3; c++) {
                uint16_t *p = img->rgb + 3 * ((size_t)y * img->width + x) + c;
                double lin = decode(*p / 65535.0) * f * exposure;
                *p = (uint16_t)lround(65535.0 * encode(pow(lin, g)));
            }
        }
}

static void run(skd_ctx *ctx, double exposure, double g, int shade,
                const char *what, skd_comparison **out)
{
    skd_synth_params p;
    skd_image *b = NULL, *a = NULL;
    skd_synth_defaults(&p, W, H, 20);
    p.seed = 31;
    p.after_noise_seed = 32;
    p.L = 55; /* room for the light without clipping */
    *out = NULL;
    CHECK_STATUS(skd_synth(ctx, &p, &b, &a, NULL), SKD_OK);
    if (b && a) {
        relight(b, 1.0, 1.0, shade);
        relight(a, exposure, g, shade);
        CHECK_STATUS(skd_compare(ctx, b, NULL, a, NULL, out), SKD_OK);
    }
    if (*out) {
        const skd_acquisition *q = &(*out)->acquisition;
        const skd_change *sa = &(*out)->change[SKD_METRIC_SA];
        REPORT("%s: %u tiles, tone slope %.4f (spread %.2f), exposure %+.1f%%, Sa "
               "%+.2f%% %s%s%s", what, (*out)->tiles_used, q->tone_slope, q->tone_spread,
               q->exposure_pct, sa->change_pct, skd_verdict_name(sa->verdict),
               *sa->reason ? ": " : "", sa->reason);
    }
    skd_image_free(b);
    skd_image_free(a);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_comparison *c;
    CHECK(ctx != NULL);
    if (!ctx)
        return check_done("test_compare_tone");
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);
    /* the whole frame: the light and shade would move skin-map borders */
    skd_ctx_set(ctx, SKD_OPT_SKIN, 0);

    run(ctx, 1.0, 0.92, 1, "power 0.92", &c);
    if (c) {
        const skd_acquisition *q = &c->acquisition;
        CHECK_NEAR(q->tone_slope, 0.92, TOL_SLOPE);
        CHECK(q->tone_spread >= 1.0);
        CHECK(q->flags & SKD_ACQ_TONE);
        CHECK(c->change[SKD_METRIC_SA].verdict == SKD_INCONCLUSIVE);
        CHECK(c->change[SKD_METRIC_SQ].verdict == SKD_INCONCLUSIVE);
        CHECK(c->change[SKD_METRIC_PORE_DENSITY].verdict == SKD_INCONCLUSIVE);
        CHECK(strstr(c->change[SKD_METRIC_SA].reason, "tone curves differ"));
        CHECK(!strstr(c->change[SKD_METRIC_A_MEAN].reason, "tone"));
    }
    skd_comparison_free(c);

    run(ctx, 0.8, 1.0, 1, "exposure x0.8", &c);
    if (c) {
        CHECK_NEAR(c->acquisition.tone_slope, 1.0, TOL_SLOPE);
        CHECK(!(c->acquisition.flags & SKD_ACQ_TONE));
    }
    skd_comparison_free(c);

    run(ctx, 1.0, 0.92, 0, "power 0.92, no light and shade", &c);
    if (c) {
        CHECK(c->acquisition.tone_spread < 1.0);
        CHECK(!(c->acquisition.flags & SKD_ACQ_TONE));
    }
    skd_comparison_free(c);
    skd_ctx_free(ctx);
    return check_done("test_compare_tone");
}
