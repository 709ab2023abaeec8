/* The acquisition check's resolution item (src/compare/resolution.c): the
 * share of the sharper photo's pores that the other photo's larger pixels
 * would lose, against hand-computed truths, and the flag it raises at the
 * pore density floor (pore verdicts only). */
#include <string.h>

#include "check.h"
#include "compare/compare.h"

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

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    test_share(ctx);
    test_flag(ctx);
    skd_ctx_free(ctx);
    return check_done("compare_resolution");
}
