/* Bootstrap interval, generator, noise floors and verdict rules on
 * hand-built numbers. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "compare/compare.h"

/* Standard normal from the module's own generator (Box-Muller). */
static double normal(skd_rng *r)
{
    double u1 = ((skd_rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
    double u2 = ((skd_rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
    return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

static double mean_of(const double *d, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += d[i];
    return s / (double)n;
}

static void test_rng(void)
{
    skd_rng a, b;
    uint64_t counts[7] = {0};
    double chi2 = 0;
    int same = 1;

    skd_rng_seed(&a, 42);
    skd_rng_seed(&b, 42);
    for (int i = 0; i < 100; i++)
        same &= skd_rng_next(&a) == skd_rng_next(&b);
    CHECK(same);
    skd_rng_seed(&b, 43);
    CHECK(skd_rng_next(&a) != skd_rng_next(&b));

    /* uniformity of skd_rng_below over 7 values: chi-square, 6 dof; the
     * 99.9% point is 22.5 */
    skd_rng_seed(&a, 7);
    for (int i = 0; i < 70000; i++)
        counts[skd_rng_below(&a, 7)]++;
    for (int k = 0; k < 7; k++)
        chi2 += (counts[k] - 10000.0) * (counts[k] - 10000.0) / 10000.0;
    REPORT("rng_below(7) chi-square over 70000 draws: %.2f (6 dof)", chi2);
    CHECK(chi2 < 22.5);
    CHECK(skd_rng_below(&a, 1) == 0);
}

static void test_two_values(skd_ctx *ctx)
{
    /* d = {0, 1}: resampled means are 0, 0.5, 1 with probability 1/4, 1/2,
     * 1/4, so the 2.5 and 97.5 percentiles are exactly 0 and 1 and the
     * interval is change + [0 - 0.5, 1 - 0.5]. */
    double d[2] = {0, 1}, lo, hi;
    CHECK_STATUS(skd_bootstrap_interval(ctx, d, 2, 1, 3.0, 2000, 1, &lo, &hi),
                 SKD_OK);
    CHECK_NEAR(lo, 2.5, 1e-12);
    CHECK_NEAR(hi, 3.5, 1e-12);
}

static void test_degenerate(skd_ctx *ctx)
{
    double d[4] = {1.5, 1.5, 1.5, 1.5}, one[1] = {2}, lo, hi;
    double nan_d[3] = {NAN, 1, NAN};

    /* constant differences: no spread, interval collapses on the change */
    CHECK_STATUS(skd_bootstrap_interval(ctx, d, 4, 1, 1.5, 500, 9, &lo, &hi),
                 SKD_OK);
    CHECK_NEAR(lo, 1.5, 1e-12);
    CHECK_NEAR(hi, 1.5, 1e-12);
    /* fewer than 2 tiles (after dropping NaN): no interval */
    CHECK_STATUS(skd_bootstrap_interval(ctx, one, 1, 1, 2, 500, 9, &lo, &hi),
                 SKD_OK);
    CHECK(isnan(lo) && isnan(hi));
    CHECK_STATUS(skd_bootstrap_interval(ctx, nan_d, 3, 1, 1, 500, 9, &lo, &hi),
                 SKD_OK);
    CHECK(isnan(lo) && isnan(hi));
    CHECK_STATUS(skd_bootstrap_interval(ctx, one, 0, 1, 2, 500, 9, &lo, &hi),
                 SKD_OK);
    CHECK(isnan(lo) && isnan(hi));
}

/* 40 tiles with differences N(-2, 1): the interval contains the true shift,
 * is about 2 * 1.96 / sqrt(40) wide, is the same for the same seed, moves
 * with the centring change, and skips NaN entries read with a stride. */
static void test_known_shift(skd_ctx *ctx)
{
    enum { N = 40 };
    double d[N], strided[2 * N], lo, hi, lo2, hi2, lo3, hi3, m, sd = 0;
    skd_rng r;

    skd_rng_seed(&r, 2024);
    for (int i = 0; i < N; i++)
        d[i] = -2 + normal(&r);
    m = mean_of(d, N);
    for (int i = 0; i < N; i++)
        sd += (d[i] - m) * (d[i] - m);
    sd = sqrt(sd / (N - 1));
    CHECK_STATUS(skd_bootstrap_interval(ctx, d, N, 1, m, 2000, 1, &lo, &hi),
                 SKD_OK);
    REPORT("mean %.4f sd %.4f: interval [%.4f, %.4f], width %.4f (normal "
           "theory %.4f)", m, sd, lo, hi, hi - lo, 2 * 1.96 * sd / sqrt(N));
    CHECK(lo < -2 && hi > -2);
    CHECK(lo < m && hi > m);
    /* measured -2.8% (a 90% interval would be 16% narrower) */
    CHECK_REL(hi - lo, 2 * 1.96 * sd / sqrt(N), 0.06);
    /* Reproducible from the seed alone, in every process: the numbers this
     * seed gave when the test was written (a seed mixed with anything else,
     * an address or the time, would move them). */
    CHECK_NEAR(lo, -2.2607, 1e-4);
    CHECK_NEAR(hi, -1.7097, 1e-4);

    CHECK_STATUS(skd_bootstrap_interval(ctx, d, N, 1, m, 2000, 1, &lo2, &hi2),
                 SKD_OK);
    CHECK(lo2 == lo && hi2 == hi);
    CHECK_STATUS(skd_bootstrap_interval(ctx, d, N, 1, m, 2000, 2, &lo3, &hi3),
                 SKD_OK);
    CHECK(lo3 != lo || hi3 != hi);
    CHECK_NEAR(lo3, lo, 0.05);

    /* re-centring: the same resamples, shifted by the centring change */
    CHECK_STATUS(skd_bootstrap_interval(ctx, d, N, 1, m + 5, 2000, 1, &lo2,
                                        &hi2), SKD_OK);
    CHECK_NEAR(lo2, lo + 5, 1e-9);
    CHECK_NEAR(hi2, hi + 5, 1e-9);

    for (int i = 0; i < N; i++) {
        strided[2 * i] = d[i];
        strided[2 * i + 1] = NAN;
    }
    CHECK_STATUS(skd_bootstrap_interval(ctx, strided, N, 2, m, 2000, 1, &lo2,
                                        &hi2), SKD_OK);
    CHECK(lo2 == lo && hi2 == hi);
}

/* Coverage: over many data sets the 95% interval centred on the sample mean
 * should contain the true shift about 95% of the time (the percentile
 * bootstrap of a mean of 30 runs a little narrow, ~93-94%). */
static void test_coverage(skd_ctx *ctx)
{
    enum { N = 30, REPS = 400 };
    double d[N], lo, hi;
    int covered = 0;
    skd_rng r;

    skd_rng_seed(&r, 99);
    for (int rep = 0; rep < REPS; rep++) {
        for (int i = 0; i < N; i++)
            d[i] = 0.7 + 0.3 * normal(&r);
        CHECK_STATUS(skd_bootstrap_interval(ctx, d, N, 1, mean_of(d, N), 1000,
                                            (uint64_t)rep, &lo, &hi), SKD_OK);
        covered += lo <= 0.7 && hi >= 0.7;
    }
    REPORT("coverage of the true shift: %d / %d = %.1f%%", covered, REPS,
           100.0 * covered / REPS);
    /* measured 94.8% (a 90% interval: about 90%); fixed seeds, so the
     * count is exact, and the band is +-3 standard errors of a 95% rate */
    CHECK(covered >= 0.917 * REPS && covered <= 0.983 * REPS);
}

static void test_floors(skd_ctx *ctx)
{
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_SA, 10, 1, NULL), 0.3, 1e-12);
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_SQ, -10, 1, NULL), 0.3, 1e-12);
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_PORE_DENSITY, 40, 1, NULL), 2.0, 1e-12);
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_PORE_DIAMETER, 0.2, 1, NULL), 0.01, 1e-12);
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_PORE_AREA, 3, 1, NULL), 0.15, 1e-12);
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_A_MEAN, 12, 1, NULL), 0.5, 1e-12);
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_A_MEDIAN, 12, 1, NULL), 0.5, 1e-12);
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_ERYTHEMA, 30, 1, NULL), 1.0, 1e-12);
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_RED_AREA, 4, 1, NULL), 0.5, 1e-12);

    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_FLOOR_SA, 4), SKD_OK);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_FLOOR_PORES, 10), SKD_OK);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_FLOOR_A_MEAN, 0.25), SKD_OK);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_FLOOR_ERYTHEMA, 2), SKD_OK);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_FLOOR_RED_AREA, 1.5), SKD_OK);
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_SA, 10, 1, NULL), 0.4, 1e-12);
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_PORE_AREA, 3, 1, NULL), 0.3, 1e-12);
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_A_MEAN, 12, 1, NULL), 0.25, 1e-12);
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_ERYTHEMA, 30, 1, NULL), 2.0, 1e-12);
    CHECK_NEAR(skd_noise_floor(ctx, SKD_METRIC_RED_AREA, 4, 1, NULL), 1.5, 1e-12);
}

static void test_judge(void)
{
    /* values chosen exactly representable: floor 0.5 */
    CHECK(skd_judge(-0.5, -0.75, -0.25, 0.5) == SKD_IMPROVED); /* at floor */
    CHECK(skd_judge(-0.4375, -0.75, -0.25, 0.5) == SKD_NO_SIGNIFICANT_CHANGE);
    CHECK(skd_judge(-1, -2, 0, 0.5) == SKD_NO_SIGNIFICANT_CHANGE); /* hi = 0 */
    CHECK(skd_judge(-1, -2, -0.0078125, 0.5) == SKD_IMPROVED);
    CHECK(skd_judge(0.5, 0.25, 0.75, 0.5) == SKD_WORSENED); /* at floor */
    CHECK(skd_judge(0.4375, 0.25, 0.75, 0.5) == SKD_NO_SIGNIFICANT_CHANGE);
    CHECK(skd_judge(1, 0, 2, 0.5) == SKD_NO_SIGNIFICANT_CHANGE); /* lo = 0 */
    CHECK(skd_judge(-3, -4, 1, 0.5) == SKD_NO_SIGNIFICANT_CHANGE);
    CHECK(skd_judge(-3, NAN, NAN, 0.5) == SKD_NO_SIGNIFICANT_CHANGE);
    CHECK(skd_judge(NAN, -1, -0.5, 0.5) == SKD_NO_SIGNIFICANT_CHANGE);
    CHECK(skd_judge(-0.125, -0.25, -0.0625, 0) == SKD_IMPROVED);
}

static void test_change_fill(skd_ctx *ctx)
{
    skd_change c;
    /* Sa 8 -> 7.75: -3.125% is just beyond the 3% floor (0.24) */
    skd_change_fill(&c, 8, 7.75, -0.375, -0.125,
                    skd_noise_floor(ctx, SKD_METRIC_SA, 8, 1, NULL) * 0.75);
    CHECK_NEAR(c.change, -0.25, 1e-12);
    CHECK_NEAR(c.change_pct, -3.125, 1e-12);
    CHECK(c.verdict == SKD_IMPROVED);
    skd_change_fill(&c, 0, 0.25, 0.125, 0.375, 0.125);
    CHECK(isnan(c.change_pct));
    CHECK(c.verdict == SKD_WORSENED);
}

static void test_names(void)
{
    CHECK(!strcmp(skd_metric_key(SKD_METRIC_SA), "sa"));
    CHECK(!strcmp(skd_metric_key(SKD_METRIC_RED_AREA), "red_area"));
    CHECK(!strcmp(skd_metric_label(SKD_METRIC_A_MEAN), "Redness a* mean"));
    CHECK(!strcmp(skd_metric_unit(SKD_METRIC_PORE_DIAMETER), "mm"));
    CHECK(!strcmp(skd_metric_unit(SKD_METRIC_RED_AREA), "% of area"));
    CHECK(!strcmp(skd_metric_key(SKD_METRIC_COUNT), "unknown"));
    CHECK(!strcmp(skd_verdict_name(SKD_IMPROVED), "improved"));
    CHECK(!strcmp(skd_verdict_name(SKD_NO_SIGNIFICANT_CHANGE),
                  "no significant change"));
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        for (int k = m + 1; k < SKD_METRIC_COUNT; k++)
            CHECK(strcmp(skd_metric_key((skd_metric_id)m),
                         skd_metric_key((skd_metric_id)k)) != 0);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    test_rng();
    test_two_values(ctx);
    test_degenerate(ctx);
    test_known_shift(ctx);
    test_coverage(ctx);
    test_floors(ctx);
    test_judge();
    test_names();
    skd_ctx_free(ctx);
    ctx = skd_ctx_create();
    test_change_fill(ctx);
    skd_ctx_free(ctx);
    return check_done("test_compare_stats");
}
