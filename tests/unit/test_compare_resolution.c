/* The acquisition check's resolution item (src/compare/resolution.c): the
 * share of the sharper photo's pores that the other photo's larger pixels
 * would lose, against hand-computed truths, and the flag it raises at the
 * pore density floor (pore verdicts only). */
#include <string.h>

#include "check.h"
#include "compare/compare.h"
#include "metrics/metrics.h"

/* A pore of radius 1 px at 20 px/mm (r = 0.05 mm, sigma_k^2 = 0.00125
 * mm^2) seen through 15 px/mm pixels: g = ((0.0025 + 1/4800) / (0.0025 +
 * 1/2700))^2 = 0.89032, so strength 11.2 reads 9.97 (lost) and 11.25 reads
 * 10.02 (kept). A pore of radius 5 px (0.25 mm) keeps 99.5%: 10.1 -> 10.05
 * (kept). One pore outside the common region does not count. */
static void test_share(skd_ctx *ctx)
{
    skd_pore pores[4] = {{2, 2, 1, 11.2f}, {5, 5, 1, 11.25f},
                         {8, 8, 5, 10.1f}, {1, 8, 1, 10.5f}};
    uint8_t common[100];
    skd_analysis b, a;
    skd_comparison c;
    skd_acquisition q;
    memset(&b, 0, sizeof b);
    memset(&a, 0, sizeof a);
    memset(&c, 0, sizeof c);
    memset(common, 1, sizeof common);
    common[8 * 10 + 1] = 0;
    b.width = b.height = a.width = a.height = 10;
    b.px_per_mm = 20;
    a.px_per_mm = 15;
    b.pores = pores;
    b.n_pores = 4;
    c.before = &b;
    c.after = &a;
    c.common_before = common;
    c.common_after = common;
    skd_acquisition_resolution(ctx, &c, &q);
    CHECK_NEAR(q.resolution_ratio, 0.75, 1e-12);
    CHECK_NEAR(q.pores_unresolved, 1.0 / 3.0, 1e-12);
    /* The other way round (the after photo sharper): its pores count. */
    a.px_per_mm = 20;
    b.px_per_mm = 15;
    a.pores = pores;
    a.n_pores = 4;
    b.pores = NULL;
    b.n_pores = 0;
    skd_acquisition_resolution(ctx, &c, &q);
    CHECK_NEAR(q.resolution_ratio, 20.0 / 15.0, 1e-12);
    CHECK_NEAR(q.pores_unresolved, 1.0 / 3.0, 1e-12);
    /* The same resolution loses nothing. */
    b.px_per_mm = 20;
    skd_acquisition_resolution(ctx, &c, &q);
    CHECK(q.resolution_ratio == 1 && q.pores_unresolved == 0);
}

static void test_flag(skd_ctx *ctx)
{
    skd_acquisition q;
    skd_change ch[SKD_METRIC_COUNT];
    memset(&q, 0, sizeof q);
    q.neutral_dL = q.neutral_da = q.neutral_db = NAN;
    q.sharpness_ratio = q.scale = q.resolution_ratio = 1;
    /* the pore density floor: 5% by default */
    q.pores_unresolved = 0.0499;
    skd_acquisition_flags(ctx, &q);
    CHECK(q.flags == 0);
    q.pores_unresolved = 0.05;
    q.resolution_ratio = 0.75;
    skd_acquisition_flags(ctx, &q);
    CHECK(q.flags == SKD_ACQ_RESOLUTION);
    memset(ch, 0, sizeof ch);
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        ch[m].noise_floor = 1; /* a* not moved by the exposure rule */
    skd_acquisition_apply(ctx, &q, ch);
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        int pore = m == SKD_METRIC_PORE_DENSITY ||
                   m == SKD_METRIC_PORE_DIAMETER || m == SKD_METRIC_PORE_AREA;
        CHECK((ch[m].verdict == SKD_INCONCLUSIVE) == pore);
    }
    REPORT("reason: %s", ch[SKD_METRIC_PORE_DENSITY].reason);
    CHECK(!strcmp(ch[SKD_METRIC_PORE_DENSITY].reason,
                  "the after photo is coarser (75% of the pixels per mm): 5% "
                  "of the pores are too fine for it"));
    skd_ctx_set(ctx, SKD_OPT_FLOOR_PORES, 10);
    skd_acquisition_flags(ctx, &q);
    CHECK(q.flags == 0);
}

/* The common band (src/metrics/band.c) against truths computed by hand
 * (Python): the texture band's fine edge is the smallest sigma >= 0.05 mm
 * with sqrt((sigma^2 + v_lo) / (sigma^2 + v_hi)) <= 1.01, v = 1/(12 s^2):
 * 0.088618 mm at 20 vs 15 px/mm, 0.175745 at 20 vs 10, 0.05 at 20 vs
 * 19.2; the pore search starts at the first r_k = 0.05 * 5^(k/6) mm whose
 * strength keeps 99% through the coarser pixels, g = ((r^2 + 1/(12
 * hi^2)) / (r^2 + 1/(12 lo^2)))^2:
 *  - 20 vs 15 px/mm: r_4 = 0.1462 mm gives g = 0.98515, r_5 = 0.1912 mm
 *    0.99124: from k = 5;
 *  - 20 vs 19.2 (a zoom of 4%): r_0 = 0.05 mm gives 0.98704, r_1 = 0.06540
 *    mm 0.99214: from k = 1;
 *  - 80 vs 60 px/mm: r_0 gives 0.99199: every scale;
 *  - 20 vs 10 px/mm: r_6 = 0.25 mm gives 0.98036: no scale (7). */
static void test_band(void)
{
    CHECK_NEAR(skd_band_fine_mm(0, 0), 0.05, 1e-15);
    CHECK_NEAR(skd_band_fine_mm(20, 20), 0.05, 1e-15);
    CHECK_NEAR(skd_band_fine_mm(15, 20), 0.0886183, 1e-7);
    CHECK_NEAR(skd_band_fine_mm(10, 20), 0.1757447, 1e-7);
    CHECK_NEAR(skd_band_fine_mm(19.2, 20), 0.05, 1e-15);
    CHECK_NEAR(skd_band_pore_gain(skd_pore_radius_mm(4), 15, 20), 0.98515, 1e-5);
    CHECK_NEAR(skd_band_pore_gain(skd_pore_radius_mm(5), 15, 20), 0.99124, 1e-5);
    CHECK(skd_band_first_scale(15, 20) == 5);
    CHECK_NEAR(skd_band_pore_gain(0.05, 19.2, 20), 0.98704, 1e-5);
    CHECK_NEAR(skd_band_pore_gain(skd_pore_radius_mm(1), 19.2, 20), 0.99214,
               1e-5);
    CHECK(skd_band_first_scale(19.2, 20) == 1);
    CHECK_NEAR(skd_band_pore_gain(0.05, 60, 80), 0.99199, 1e-5);
    CHECK(skd_band_first_scale(60, 80) == 0);
    CHECK_NEAR(skd_band_pore_gain(0.25, 10, 20), 0.98036, 1e-5);
    CHECK(skd_band_first_scale(10, 20) == SKD_PORE_SCALES);
    CHECK(skd_band_first_scale(0, 0) == 0 && skd_band_first_scale(20, 20) == 0);
}

int main(void)
{
    test_band();
    skd_ctx *ctx = skd_ctx_create();
    test_share(ctx);
    test_flag(ctx);
    skd_ctx_free(ctx);
    return check_done("compare_resolution");
}
