/* The skin map on synthetic close-ups (skd_synth: every pixel is skin):
 * it keeps at least 95% of the frame (docs/skin-map.md) for skin tones from very
 * fair to very dark (L* 30-75) and under a 10% white-balance shift; red
 * patches of +15 a* stay in S; --skin off keeps everything; the skin map
 * changes no figure of a close-up it keeps whole. */
#include "metrics/metrics.h"
#include "check.h"

typedef struct tone {
    double L, a, b, wb_red, wb_blue;
} tone;

static skd_image *render(skd_ctx *ctx, const tone *t, uint32_t patches,
                         uint64_t seed)
{
    skd_synth_params p;
    skd_image *img = NULL;
    char *truth = NULL;
    skd_synth_defaults(&p, 600, 450, 20);
    p.seed = seed;
    p.L = t->L;
    p.a = t->a;
    p.b = t->b;
    p.wb_red = t->wb_red;
    p.wb_blue = t->wb_blue;
    p.red_patches = patches;
    p.red_patch_delta_a = 15;
    CHECK_STATUS(skd_synth(ctx, &p, &img, NULL, &truth), SKD_OK);
    skd_free(ctx, truth);
    return img;
}

/* The share of the frame in S (every cause but not-skin). */
static double kept(skd_ctx *ctx, const skd_image *img, skd_analysis **out)
{
    skd_analysis *a = NULL;
    double s = 0;
    CHECK_STATUS(skd_analyze_region(ctx, img, NULL, &a), SKD_OK);
    if (a)
        s = a->exclusion.skin;
    *out = a;
    return s;
}

static void test_tones(void)
{
    /* Fitzpatrick I to VI as CIELAB (about L* 75 down to 30; darker skin
     * is yellower and, relative to its lightness, redder) and each under
     * a camera 10% warmer and 10% cooler. */
    static const tone tones[] = {
        {75, 8, 14, 1, 1},  {68, 11, 16, 1, 1}, {62, 14, 16, 1, 1},
        {52, 15, 20, 1, 1}, {42, 14, 20, 1, 1}, {30, 11, 15, 1, 1},
    };
    static const double wb[][2] = {{1, 1}, {1.1, 0.9}, {0.9, 1.1}};
    skd_ctx *ctx = skd_ctx_create();
    double worst = 1;
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);
    for (size_t i = 0; i < sizeof tones / sizeof tones[0]; i++)
        for (size_t j = 0; j < 3; j++) {
            tone t = tones[i];
            skd_analysis *a;
            t.wb_red = wb[j][0];
            t.wb_blue = wb[j][1];
            skd_image *img = render(ctx, &t, 0, 3 + i);
            double s = kept(ctx, img, &a);
            REPORT("L* %.0f a* %.0f b* %.0f, white balance %.1f/%.1f: S keeps "
                   "%.2f%% of the frame, R %.2f%%", t.L, t.a, t.b, t.wb_red,
                   t.wb_blue, 100 * s, a ? 100 * a->exclusion.region : 0);
            worst = s < worst ? s : worst;
            CHECK(s >= 0.95);
            skd_analysis_free(a);
            skd_image_free(img);
        }
    REPORT("close-ups: the skin map keeps at least %.2f%% (required 95%%)",
           100 * worst);
    skd_ctx_free(ctx);
}

/* Red patches of +15 a* (Gaussian blobs of radius 2 mm): every pixel whose
 * a* is raised by 5-17 (the patch, up to its centre and the sensor noise)
 * is in S. Where two patches overlap a* adds up beyond +15: pixels within
 * a skin-map cell (2 px here) of such a pixel are not counted. */
static int near_redder(const float *a_star, size_t w, size_t h, size_t x,
                       size_t y, double limit)
{
    for (size_t v = y > 2 ? y - 2 : 0; v <= y + 2 && v < h; v++)
        for (size_t u = x > 2 ? x - 2 : 0; u <= x + 2 && u < w; u++)
            if (a_star[v * w + u] > limit)
                return 1;
    return 0;
}

static void test_red_patches(void)
{
    skd_ctx *ctx = skd_ctx_create();
    tone t = {62, 14, 16, 1, 1};
    size_t red = 0, red_kept = 0;
    skd_analysis *a = NULL;
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        skd_image *img = render(ctx, &t, 6, seed);
        CHECK_STATUS(skd_analyze(ctx, img, NULL, &a), SKD_OK);
        if (a)
            for (size_t i = 0; i < (size_t)img->width * img->height; i++) {
                double da = a->a_star[i] - t.a;
                if (da >= 5 && da <= 17 &&
                    !near_redder(a->a_star, img->width, img->height,
                                 i % img->width, i / img->width, t.a + 17)) {
                    red++;
                    red_kept += a->cause[i] != SKD_CAUSE_NOT_SKIN;
                }
            }
        skd_analysis_free(a);
        skd_image_free(img);
    }
    REPORT("red patches (+15 a*): %zu of %zu reddened pixels in S", red_kept, red);
    CHECK(red > 10000 && red_kept == red);
    skd_ctx_free(ctx);
}

/* A close-up kept whole gives the figures of --skin off, bit for bit:
 * S adds nothing to M when it keeps everything. */
static void test_off_is_same(void)
{
    skd_ctx *ctx = skd_ctx_create();
    tone t = {62, 14, 16, 1, 1};
    skd_image *img;
    skd_analysis *on = NULL, *off = NULL;
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);
    img = render(ctx, &t, 2, 9);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &on), SKD_OK);
    skd_ctx_set(ctx, SKD_OPT_SKIN, 0);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &off), SKD_OK);
    if (on && off) {
        REPORT("skin auto: S %.4f, Sa %.6f, %u pores; off: S %.4f, Sa %.6f, "
               "%u pores", on->exclusion.skin, on->metrics.sa,
               on->metrics.pore_count, off->exclusion.skin, off->metrics.sa,
               off->metrics.pore_count);
        CHECK(on->exclusion.skin_map == 1 && off->exclusion.skin_map == 0);
        CHECK(off->exclusion.skin == 1.0 && off->exclusion.not_skin == 0);
        if (on->exclusion.skin == 1.0) {
            CHECK(on->metrics.sa == off->metrics.sa);
            CHECK(on->metrics.pore_count == off->metrics.pore_count);
            CHECK(on->metrics.a_mean == off->metrics.a_mean);
        }
    }
    skd_analysis_free(on);
    skd_analysis_free(off);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

int main(void)
{
    test_tones();
    test_red_patches();
    test_off_is_same();
    return check_done("test_skin_synth");
}
