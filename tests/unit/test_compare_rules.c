/* The rules of "Same skin, different day" (docs/comparing.md) at the
 * default options, each pinned from both sides with numbers written here:
 * the acquisition check's limits (exposure 20%, skin b* 1.5 without white
 * references, white references 0.5, sharpness +-25% at the same scale,
 * median residual under 1 px) and which verdicts each makes inconclusive;
 * a pore verdict needs at least 30 pores in each photo; the pore density
 * interval carries the counts' Poisson uncertainty; without white
 * references a* and EI are judged against the uncalibrated floors 2.0 and
 * 3.0. The expected values come from the definitions, not the library. */
#include <string.h>

#include "check.h"
#include "compare/compare.h"

/* A pair that differs in nothing. */
static skd_acquisition same(void)
{
    skd_acquisition q;
    memset(&q, 0, sizeof q);
    q.neutral_dL = q.neutral_da = q.neutral_db = NAN;
    q.sharpness_before = q.sharpness_after = q.sharpness_ratio = 1;
    q.residual_median_px = q.residual_max_px = 0;
    q.scale = 1;
    return q;
}

static unsigned flags_of(const skd_ctx *ctx, skd_acquisition q)
{
    skd_acquisition_flags(ctx, &q);
    return q.flags;
}

static void test_limits(const skd_ctx *ctx)
{
    skd_acquisition q = same();
    CHECK(flags_of(ctx, q) == 0);
    /* exposure: |100 (Y_after / Y_before - 1)| > 20 */
    q = same();
    q.exposure_pct = -19.9;
    CHECK(flags_of(ctx, q) == 0);
    q.exposure_pct = 19.9;
    CHECK(flags_of(ctx, q) == 0);
    q.exposure_pct = -20.1;
    CHECK(flags_of(ctx, q) == SKD_ACQ_EXPOSURE);
    q.exposure_pct = 20.1;
    CHECK(flags_of(ctx, q) == SKD_ACQ_EXPOSURE);
    /* the light, without white references: |skin b* change| > 1.5 */
    q = same();
    q.db = 1.49;
    CHECK(flags_of(ctx, q) == 0);
    q.db = -1.49;
    CHECK(flags_of(ctx, q) == 0);
    q.db = 1.51;
    CHECK(flags_of(ctx, q) == SKD_ACQ_LIGHT);
    q.db = -1.51;
    CHECK(flags_of(ctx, q) == SKD_ACQ_LIGHT);
    /* ... with them: |a*| or |b*| of the corrected references > 0.5, and
     * the skin's own b* is not judged (a treatment may move it) */
    q = same();
    q.colour_calibrated = 1;
    q.neutral_dL = 3;
    q.neutral_da = q.neutral_db = 0;
    q.db = 4;
    CHECK(flags_of(ctx, q) == 0);
    q.neutral_da = 0.49;
    q.neutral_db = -0.49;
    CHECK(flags_of(ctx, q) == 0);
    q.neutral_da = 0.51;
    CHECK(flags_of(ctx, q) == SKD_ACQ_LIGHT);
    q.neutral_da = 0;
    q.neutral_db = -0.51;
    CHECK(flags_of(ctx, q) == SKD_ACQ_LIGHT);
    /* sharpness: |ratio - 1| > 0.25, when the scales agree within 5% */
    q = same();
    q.sharpness_ratio = 0.76;
    CHECK(flags_of(ctx, q) == 0);
    q.sharpness_ratio = 1.24;
    CHECK(flags_of(ctx, q) == 0);
    q.sharpness_ratio = 0.74;
    CHECK(flags_of(ctx, q) == SKD_ACQ_SHARPNESS);
    q.sharpness_ratio = 1.26;
    CHECK(flags_of(ctx, q) == SKD_ACQ_SHARPNESS);
    q.scale = 1.06; /* a zoomed photo reads sharper by its scale alone */
    CHECK(flags_of(ctx, q) == 0);
    /* the skin moved: the median residual must be under 1 px */
    q = same();
    q.residual_median_px = 0.99;
    CHECK(flags_of(ctx, q) == 0);
    q.residual_median_px = 1.0;
    CHECK(flags_of(ctx, q) == SKD_ACQ_MOVED);
    q.residual_median_px = NAN; /* not measured: not judged */
    CHECK(flags_of(ctx, q) == 0);
}

static void judged(skd_change *ch)
{
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        memset(&ch[m], 0, sizeof ch[m]);
        ch[m].before = 10;
        ch[m].noise_floor = 100; /* no a* cube-root reason */
        ch[m].verdict = SKD_IMPROVED;
    }
}

/* Which verdicts each cause makes inconclusive. */
static void test_affected(const skd_ctx *ctx)
{
    static const struct {
        unsigned flag;
        const char *why;
        int hit[SKD_METRIC_COUNT]; /* Sa Sq density diam area a* med EI red */
    } cases[] = {
        /* tone curve and focus change texture and pore contrast */
        {SKD_ACQ_EXPOSURE, "darker", {1, 1, 1, 1, 1, 0, 0, 0, 0}},
        {SKD_ACQ_SHARPNESS, "blurrier", {1, 1, 1, 1, 1, 0, 0, 0, 0}},
        /* the light's colour moves a* and EI (red area is against the
         * local background, which moves with it) */
        {SKD_ACQ_LIGHT, "the light was", {0, 0, 0, 0, 0, 1, 1, 1, 0}},
        /* skin that moved: everything */
        {SKD_ACQ_MOVED, "moved", {1, 1, 1, 1, 1, 1, 1, 1, 1}},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        skd_acquisition q = same();
        skd_change ch[SKD_METRIC_COUNT];
        judged(ch);
        q.flags = cases[k].flag;
        q.exposure_pct = -30;
        q.sharpness_ratio = 0.5;
        q.residual_median_px = 3;
        skd_acquisition_apply(ctx, &q, ch);
        for (int m = 0; m < SKD_METRIC_COUNT; m++) {
            int hit = ch[m].verdict == SKD_INCONCLUSIVE;
            if (hit != cases[k].hit[m])
                fprintf(stderr, "  flag %u, metric %d: inconclusive %d, want %d\n",
                        cases[k].flag, m, hit, cases[k].hit[m]);
            CHECK(hit == cases[k].hit[m]);
            CHECK(!hit || strstr(ch[m].reason, cases[k].why) != NULL);
        }
    }
}

static void test_pore_counts(const skd_ctx *ctx)
{
    static const uint32_t counts[][3] = {
        /* before, after, judged */
        {29, 200, 0}, {200, 29, 0}, {30, 30, 1}, {31, 500, 1}, {0, 0, 0}};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        skd_metrics mb, ma;
        skd_change ch[SKD_METRIC_COUNT];
        memset(&mb, 0, sizeof mb);
        memset(&ma, 0, sizeof ma);
        mb.pore_count = counts[k][0];
        ma.pore_count = counts[k][1];
        judged(ch);
        skd_pore_count_judge(ctx, ch, &mb, &ma);
        for (int m = 0; m < SKD_METRIC_COUNT; m++) {
            int pore = m == SKD_METRIC_PORE_DENSITY || m == SKD_METRIC_PORE_DIAMETER ||
                       m == SKD_METRIC_PORE_AREA;
            int want = pore && !counts[k][2] ? SKD_INCONCLUSIVE : SKD_IMPROVED;
            CHECK(ch[m].verdict == (skd_verdict)want);
            if (want == SKD_INCONCLUSIVE)
                CHECK(strstr(ch[m].reason, "too few pores") != NULL);
        }
    }
}

/* The pore density interval: the tile interval's half-widths combined in
 * quadrature with 1.96 sqrt(Nb / Ab^2 + Na / Aa^2). 100 pores in 2 cm^2
 * before, 64 in 2 cm^2 after: sd sqrt(25 + 16) = 6.4031242, half-width
 * 12.550123; tile interval [-21, -14] around -18 (3 below, 4 above):
 * -18 - sqrt(9 + 12.550123^2) = -30.903705,
 * -18 + sqrt(16 + 12.550123^2) = -4.827848. */
static void test_poisson(const skd_ctx *ctx)
{
    skd_metrics mb, ma;
    skd_change ch;
    memset(&mb, 0, sizeof mb);
    memset(&ma, 0, sizeof ma);
    mb.pore_count = 100;
    mb.area_cm2 = 2;
    mb.pore_density_per_cm2 = 50;
    ma.pore_count = 64;
    ma.area_cm2 = 2;
    ma.pore_density_per_cm2 = 32;
    memset(&ch, 0, sizeof ch);
    skd_change_judge(ctx, &ch, SKD_METRIC_PORE_DENSITY, &mb, &ma, -21, -14, 1);
    REPORT("pore density change %.6f, interval [%.6f, %.6f]", ch.change,
           ch.ci_low, ch.ci_high);
    CHECK_NEAR(ch.change, -18, 1e-12);
    CHECK_NEAR(ch.ci_low, -30.903705, 1e-6);
    CHECK_NEAR(ch.ci_high, -4.827848, 1e-6);
    CHECK(ch.verdict == SKD_IMPROVED);
    /* 9 pores before, 4 after in 2 cm^2 (4.5 -> 2 per cm^2): sd
     * sqrt(9/4 + 4/4) = 1.802776, half-width 3.533441; a tile interval
     * [-2.6, -2.4] becomes [-6.034855, 1.034855]: no longer improved
     * (the figures are written rounded to 1e-6, the tolerance; the code's
     * own error is about 1e-15) */
    mb.pore_count = 9;
    mb.pore_density_per_cm2 = 4.5;
    ma.pore_count = 4;
    ma.pore_density_per_cm2 = 2;
    skd_change_judge(ctx, &ch, SKD_METRIC_PORE_DENSITY, &mb, &ma, -2.6, -2.4, 1);
    CHECK_NEAR(ch.ci_low, -6.034855, 1e-6);
    CHECK_NEAR(ch.ci_high, 1.034855, 1e-6);
    CHECK(ch.verdict == SKD_NO_SIGNIFICANT_CHANGE);
    /* only the density carries the counts' uncertainty */
    mb.sa = 10;
    ma.sa = 8;
    skd_change_judge(ctx, &ch, SKD_METRIC_SA, &mb, &ma, -2.5, -1.5, 1);
    CHECK(ch.ci_low == -2.5 && ch.ci_high == -1.5);
}

static void test_floors(const skd_ctx *ctx)
{
    const char *src = NULL;
    /* without white references in both photos */
    CHECK(skd_noise_floor(ctx, SKD_METRIC_A_MEAN, 14, 0, &src) == 2.0);
    CHECK(src && !strcmp(src, "uncalibrated colour"));
    CHECK(skd_noise_floor(ctx, SKD_METRIC_A_MEDIAN, 14, 0, NULL) == 2.0);
    CHECK(skd_noise_floor(ctx, SKD_METRIC_ERYTHEMA, 20, 0, &src) == 3.0);
    CHECK(src && !strcmp(src, "uncalibrated colour"));
    /* with them, the booth defaults */
    CHECK(skd_noise_floor(ctx, SKD_METRIC_A_MEAN, 14, 1, &src) == 0.5);
    CHECK(src && !strcmp(src, "booth defaults"));
    CHECK(skd_noise_floor(ctx, SKD_METRIC_ERYTHEMA, 20, 1, NULL) == 1.0);
    /* the other metrics do not depend on the colour calibration */
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_SA, 8, 0, NULL), 0.24, 1e-12);
    CHECK(skd_noise_floor(ctx, SKD_METRIC_RED_AREA, 8, 0, NULL) == 0.5);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create(); /* every option at its default */
    CHECK(ctx != NULL);
    if (!ctx)
        return check_done("test_compare_rules");
    test_limits(ctx);
    test_affected(ctx);
    test_pore_counts(ctx);
    test_poisson(ctx);
    test_floors(ctx);
    skd_ctx_free(ctx);
    return check_done("test_compare_rules");
}
