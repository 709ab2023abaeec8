/* Redness: a*, its median, the erythema index and the red area, on patches
 * of known colour. */
#include <stdlib.h>

#include "metrics/metrics.h"
#include "metrics_test_util.h"

static void lab_of_16(const uint16_t *p, double lab[3])
{
    double lin[3], xyz[3];
    for (int c = 0; c < 3; c++)
        lin[c] = skd_srgb_decode(p[c] / 65535.0);
    skd_linear_to_xyz(lin, xyz);
    skd_xyz_to_lab(xyz, lab);
}

static double ei_of_16(const uint16_t *p)
{
    return 100 * log10(skd_srgb_decode(p[0] / 65535.0) / skd_srgb_decode(p[1] / 65535.0));
}

static void fill_rect(skd_image *img, size_t x0, size_t x1, size_t y0,
                      size_t y1, const uint16_t c[3])
{
    for (size_t y = y0; y < y1; y++)
        for (size_t x = x0; x < x1; x++)
            memcpy(img->rgb + (y * img->width + x) * 3, c, 3 * sizeof *c);
}

/* A flat patch: a* and EI are the patch's own values, exactly. */
static void test_flat_patch(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_image *img = tu_image(ctx, 96, 80);
    const uint16_t skin[3] = {200 * 257, 150 * 257, 130 * 257};
    double lab[3];
    skd_analysis *a = NULL;
    fill_rect(img, 0, 96, 0, 80, skin);
    lab_of_16(skin, lab);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &a), SKD_OK);
    if (a) {
        const skd_metrics *m = &a->metrics;
        REPORT("flat (200,150,130): a* mean %.5f median %.5f (want %.5f), EI %.5f "
               "(want %.5f), red %.3f, Sa %.6f, pores %u, area %.4f cm2 at %.0f px/mm%s",
               m->a_mean, m->a_median, lab[1], m->erythema_index, ei_of_16(skin),
               m->red_area_fraction, m->sa, m->pore_count, m->area_cm2,
               a->px_per_mm, a->scale_assumed ? " (assumed)" : "");
        CHECK_NEAR(m->a_mean, lab[1], 1e-4);
        CHECK_NEAR(m->a_median, lab[1], 1e-4);
        CHECK_NEAR(m->erythema_index, ei_of_16(skin), 1e-4);
        CHECK(m->red_area_fraction == 0);
        CHECK(m->sa < 1e-3 && m->pore_count == 0);
        CHECK(m->ssk == 0 || fabs(m->ssk) < 10); /* defined, not NaN */
        CHECK(m->region_pixels == 96 * 80);
        CHECK_NEAR(m->area_cm2, 96.0 * 80 / (20.0 * 20) / 100, 1e-12);
        CHECK(a->scale_assumed && (a->warnings & SKD_WARN_SCALE_ASSUMED));
        CHECK(!(a->warnings & SKD_WARN_LOW_RESOLUTION));
    }
    skd_analysis_free(a);
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 8);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &a), SKD_OK);
    if (a)
        CHECK(a->warnings == SKD_WARN_LOW_RESOLUTION && !a->scale_assumed);
    skd_analysis_free(a);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

/* A 0.5 mm square redder by more than 5 a* units: the median is the base
 * colour, the mean the weighted mean; the square is red against its local
 * background (2 mm Gaussian: the square raises it by about 1% of its
 * excess). Pixels with G = 0 count for a* but not for the erythema index. */
static void test_red_area(void)
{
    skd_ctx *ctx = skd_ctx_create();
    const size_t w = 200, h = 100;
    const double SQ = 100; /* pixels of the square */
    skd_image *img = tu_image(ctx, w, h);
    const uint16_t base[3] = {190 * 257, 140 * 257, 125 * 257};
    const uint16_t red[3] = {205 * 257, 130 * 257, 120 * 257};
    const uint16_t nog[3] = {150 * 257, 0, 120 * 257};
    double lb[3], lr[3], ln[3];
    skd_analysis *a = NULL;
    fill_rect(img, 0, w, 0, h, base);
    fill_rect(img, 95, 105, 45, 55, red);
    fill_rect(img, 150, 151, 50, 51, nog);
    lab_of_16(base, lb);
    lab_of_16(red, lr);
    lab_of_16(nog, ln);
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &a), SKD_OK);
    if (a) {
        const skd_metrics *m = &a->metrics;
        double n = (double)w * h;
        double mean = (SQ * lr[1] + (n - SQ - 1) * lb[1] + ln[1]) / n;
        double ei = (SQ * ei_of_16(red) + (n - SQ - 1) * ei_of_16(base)) / (n - 1);
        size_t plane_red = 0;
        for (size_t i = 0; i < w * h; i++)
            plane_red += a->red_area[i];
        REPORT("red strip: a* base %.3f red %.3f; mean %.5f (want %.5f) median %.5f, "
               "EI %.5f (want %.5f), red area %.5f (plane %zu px)", lb[1], lr[1],
               m->a_mean, mean, m->a_median, m->erythema_index, ei,
               m->red_area_fraction, plane_red);
        CHECK(lr[1] - lb[1] >= 5.0);
        CHECK(m->region_pixels == w * h);
        CHECK_NEAR(m->a_mean, mean, 1e-4);
        CHECK_NEAR(m->a_median, lb[1], 1e-4);
        CHECK_NEAR(m->erythema_index, ei, 1e-4);
        /* The square and the G = 0 pixel are red. */
        CHECK(ln[1] - lb[1] > 20);
        CHECK_NEAR(m->red_area_fraction, (SQ + 1) / n, 1e-12);
        CHECK(plane_red == SQ + 1 && a->red_area[50 * w + 100] && !a->red_area[0]);
        /* The G = 0 pixel alone: counted, but no erythema value. */
        {
            uint8_t *one = calloc(w * h, 1);
            skd_metrics m1;
            one[50 * w + 150] = 1;
            CHECK_STATUS(skd_metrics_in_region(ctx, a, img, one, NAN, &m1), SKD_OK);
            CHECK(m1.region_pixels == 1 && isnan(m1.erythema_index));
            one[50 * w + 150] = 0;
            one[50 * w + 100] = 1;
            CHECK_STATUS(skd_metrics_in_region(ctx, a, img, one, NAN, &m1), SKD_OK);
            CHECK_NEAR(m1.erythema_index, ei_of_16(red), 1e-4);
            free(one);
        }
    }
    skd_analysis_free(a);
    /* A larger delta leaves only the G = 0 pixel. */
    skd_ctx_set(ctx, SKD_OPT_RED_DELTA, lr[1] - lb[1] + 0.1);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &a), SKD_OK);
    if (a)
        CHECK_NEAR(a->metrics.red_area_fraction, 1.0 / (w * h), 1e-15);
    skd_analysis_free(a);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static void test_median(void)
{
    uint64_t seed = 1;
    size_t sizes[] = {1, 2, 3, 4, 5, 10, 101, 1000, 4097};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        for (int dup = 0; dup < 2; dup++) {
            size_t n = sizes[t];
            float *v = malloc(n * sizeof *v), *s = malloc(n * sizeof *s);
            double want, got;
            for (size_t i = 0; i < n; i++)
                v[i] = dup ? (float)(tu_rand(&seed) % 7) : (float)(tu_uniform(&seed) * 40 - 20);
            memcpy(s, v, n * sizeof *v);
            qsort(s, n, sizeof *s, cmp_float);
            want = n % 2 ? s[n / 2] : ((double)s[n / 2 - 1] + s[n / 2]) / 2;
            got = skd_median_float(v, n);
            CHECK(got == want);
            free(v);
            free(s);
        }
    }
    float sorted[6] = {1, 2, 3, 4, 5, 6}, rev[5] = {5, 4, 3, 2, 1};
    CHECK(skd_median_float(sorted, 6) == 3.5);
    CHECK(skd_median_float(rev, 5) == 3);
}

int main(void)
{
    test_flat_patch();
    test_red_area();
    test_median();
    return check_done("test_metrics_redness");
}
