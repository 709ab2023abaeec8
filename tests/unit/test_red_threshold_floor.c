/* The red area's threshold floor (docs/comparing.md, "Red area: the
 * threshold's floor"), on skin whose a* excess over its 2 mm background is
 * known pixel by pixel.
 * 1. The near plane: 2x2 px cells cycling through four excess levels of
 *    zero mean; exactly the cells at 4.95 and 5.05 lie in the band
 *    [5 / 1.03, 5 x 1.03), so half the region is near and a quarter red.
 * 2. compare, on a flat skin whose excess is uniform in [-6, 6] (the
 *    threshold in the bulk, 8.3% red): half the band's share is
 *    50 x (5.15 - 4.854) / 12 = 1.23 points.
 *    - The same skin with its colour contrast 2% higher (less than the Sa
 *      floor's 3%) moves the red area by about +0.8 points, past the booth
 *      floor of 0.5: the threshold floor keeps it "no significant change".
 *    - The same skin with its red contrast halved (a treatment that fades
 *      the redness; no excess reaches 5 any more) is a real change of
 *      -8.3 points: still "improved". (Adding red to some cells of this
 *      skin is not a change of the figure: with a uniform excess, the
 *      background rises by the added mean and the red share stays 1/12.)
 *      Back the other way the floor is the after photo's.
 *    - With a floors file the clinic's measured floor stands: the contrast
 *      change reads "worsened" against it, as it would have before.
 * 3. Skin whose threshold sits in the tail (excess in [-3.7, 2.3] and red
 *    spots at +8.3): no pixel near it, the booth floor stays. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lab_paint.h"
#include "metrics/metrics.h"
#include "metrics_test_util.h"

#define W 640
#define H 480
#define PX 20.0
#define A_BASE 14.0
#define RED_DELTA 5.0
#define CONTRAST 0.03 /* the Sa floor, 3% */

static void check_near_plane(skd_ctx *ctx)
{
    static const float level[4] = {-7.5f, -2.5f, 4.95f, 5.05f};
    size_t n = (size_t)W * H;
    float *a = malloc(n * sizeof *a);
    uint8_t *m = malloc(n), *red = malloc(n), *near = malloc(n);
    skd_red_rule rule = {2.0 * PX, RED_DELTA, CONTRAST};
    uint64_t n_red = 0, n_near = 0;
    if (!a || !m || !red || !near) {
        CHECK(0);
        goto done;
    }
    for (size_t y = 0; y < H; y++)
        for (size_t x = 0; x < W; x++)
            a[y * W + x] = (float)A_BASE + level[((y / 2) * 2 + x / 2) % 4];
    memset(m, 1, n);
    CHECK_STATUS(skd_red_area_local(ctx, a, m, m, W, H, &rule, red, near,
                                    &n_red),
                 SKD_OK);
    for (size_t i = 0; i < n; i++) {
        n_near += near[i];
        CHECK(!near[i] || fabsf(a[i] - (float)A_BASE - 5.0f) < 0.06f);
    }
    REPORT("near plane: %.4f red, %.4f near (truth 0.25, 0.5)",
           (double)n_red / (double)n, (double)n_near / (double)n);
    /* the 4 px pattern's ripple through the 40 px Gaussian is < 1e-30 */
    CHECK(n_red * 4 == n);
    CHECK(n_near * 2 == n);
done:
    free(a);
    free(m);
    free(red);
    free(near);
}

/* Excess of 2x2 cell (cx, cy): uniform in [lo, hi) from a fixed sequence;
 * with spot_share > 0 that share of the cells is a red spot of +spot. */
typedef struct skin_rule {
    double lo, hi, gain, spot_share, spot;
    double add, add_share; /* a real change: +add on add_share of cells */
} skin_rule;

static double cell_excess(const skin_rule *r, uint32_t cx, uint32_t cy)
{
    uint32_t s = cx * 7919u + cy * 104729u + 17u;
    double u, v, w, e;
    for (int i = 0; i < 3; i++)
        tu_lcg(&s);
    u = tu_lcg(&s) / 16777216.0;
    v = tu_lcg(&s) / 16777216.0;
    w = tu_lcg(&s) / 16777216.0;
    e = v < r->spot_share ? r->spot : r->lo + (r->hi - r->lo) * u;
    e *= r->gain;
    if (w < r->add_share)
        e += r->add;
    return e;
}

/* Lightness texture, the same in every photo (6x6 px blocks of 59-65), so
 * the tiles' residual shifts can be measured. */
static double lightness(uint32_t x, uint32_t y)
{
    uint32_t s = (x / 6) * 48271u + (y / 6) * 69621u + 5u;
    tu_lcg(&s);
    return 59.0 + 6.0 * (tu_lcg(&s) / 16777216.0);
}

static skd_image *paint(skd_ctx *ctx, const skin_rule *r)
{
    skd_image *img = NULL;
    if (skd_image_create(ctx, W, H, &img) != SKD_OK)
        return NULL;
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) {
            test_lab c = {lightness(x, y), A_BASE + cell_excess(r, x / 2, y / 2),
                          16.0};
            test_lab_to_rgb16(c, img->rgb + ((size_t)y * W + x) * 3);
        }
    return img;
}

static const skd_change *red_change(skd_ctx *ctx, const skin_rule *before,
                                    const skin_rule *after,
                                    skd_comparison **c)
{
    skd_image *b = paint(ctx, before), *a = paint(ctx, after);
    *c = NULL;
    if (b && a)
        CHECK_STATUS(skd_compare(ctx, b, NULL, a, NULL, c), SKD_OK);
    skd_image_free(b);
    skd_image_free(a);
    return *c ? &(*c)->change[SKD_METRIC_RED_AREA] : NULL;
}

static void report(const char *what, const skd_change *ch)
{
    REPORT("%-34s red area %.2f -> %.2f (%+.2f points, [%+.2f, %+.2f]), "
           "floor %.3f (%s): %s %s", what, ch->before, ch->after, ch->change,
           ch->ci_low, ch->ci_high, ch->noise_floor, ch->floor_source,
           skd_verdict_name(ch->verdict), ch->reason);
}

static void check_compare(skd_ctx *ctx)
{
    const skin_rule bulk = {-6, 6, 1, 0, 0, 0, 0};
    const skin_rule contrast = {-6, 6, 1.02, 0, 0, 0, 0};
    const skin_rule faded = {-6, 6, 0.5, 0, 0, 0, 0};
    const skin_rule tail = {-3.7, 2.3, 1, 0.08, 8.3, 0, 0};
    const skin_rule tail_spots = {-3.7, 2.3, 1, 0.08, 8.3, 11, 0.05};
    /* half the band's share of a uniform excess in [-6, 6), in points */
    double want = 50.0 * (RED_DELTA * (1 + CONTRAST) -
                          RED_DELTA / (1 + CONTRAST)) / 12.0;
    skd_comparison *c = NULL;
    const skd_change *ch;

    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, PX);
    skd_ctx_set(ctx, SKD_OPT_SKIN, 0);
    /* the photos are the same scene, pixel for pixel */
    skd_ctx_set(ctx, SKD_OPT_ASSUME_ALIGNED, 1);

    if ((ch = red_change(ctx, &bulk, &contrast, &c))) {
        report("bulk, contrast +2%", ch);
        /* the sequence's share of the band: 2.4% of 76800 cells, about
         * 1900, so +-2.3% of sampling (1 sd) around the uniform's share;
         * 7% is 3 sd */
        CHECK_REL(ch->noise_floor, want, 0.07);
        CHECK(!strcmp(ch->floor_source, "red threshold"));
        /* truth of the change: 100 (6.12 - 5) / 12.24 - 100 / 12 = +0.82 */
        /* the ~630 cells between 5 / 1.02 and 5 move: 1 sd of their
         * count is 0.035 points; 0.12 is 3 sd plus the background's
         * ripple (measured +0.86) */
        CHECK_NEAR(ch->change, 0.82, 0.12);
        CHECK(ch->ci_low > 0); /* consistent in every tile ... */
        CHECK(ch->verdict == SKD_NO_SIGNIFICANT_CHANGE); /* ... yet no change */
    }
    skd_comparison_free(c);

    if ((ch = red_change(ctx, &bulk, &faded, &c))) {
        report("bulk, red contrast halved", ch);
        /* truth: 100 / 12 = 8.33 points to none */
        /* the cells' red share against the uniform's 1/12: 1 sd is 0.1
         * points for 76800 cells; 3 sd (measured -8.31) */
        CHECK_NEAR(ch->change, -100.0 / 12, 0.3);
        CHECK_NEAR(ch->after, 0, 1e-12);
        CHECK(ch->verdict == SKD_IMPROVED);
    }
    skd_comparison_free(c);

    if ((ch = red_change(ctx, &faded, &bulk, &c))) {
        report("faded, then red again", ch);
        /* the before photo has no pixel near the threshold: the floor is
         * the after photo's */
        CHECK_REL(ch->noise_floor, want, 0.07);
        CHECK(!strcmp(ch->floor_source, "red threshold"));
        CHECK_NEAR(ch->change, 100.0 / 12, 0.3); /* as above */
        CHECK(ch->verdict == SKD_WORSENED);
    }
    skd_comparison_free(c);

    skd_ctx_set(ctx, SKD_OPT_FLOOR_SOURCE, 1); /* as --floors FILE sets it */
    if ((ch = red_change(ctx, &bulk, &contrast, &c))) {
        report("bulk, contrast +2%, floors file", ch);
        CHECK_NEAR(ch->noise_floor, 0.5, 1e-12);
        CHECK(!strcmp(ch->floor_source, "floors file"));
        CHECK(ch->verdict == SKD_WORSENED);
    }
    skd_comparison_free(c);
    skd_ctx_set(ctx, SKD_OPT_FLOOR_SOURCE, 0);

    if ((ch = red_change(ctx, &tail, &tail_spots, &c))) {
        report("tail, red spots on 5% of cells", ch);
        CHECK_NEAR(ch->noise_floor, 0.5, 1e-12);
        CHECK(!strcmp(ch->floor_source, "booth defaults"));
        /* truth: 0.92 x 0.05 of the cells become red: +4.6 points */
        /* 1 sd of the spots' share is 0.08 points; 3 sd (measured 4.60) */
        CHECK_NEAR(ch->change, 4.6, 0.25);
        CHECK(ch->verdict == SKD_WORSENED);
    }
    skd_comparison_free(c);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    CHECK(ctx != NULL);
    if (ctx) {
        check_near_plane(ctx);
        check_compare(ctx);
    }
    skd_ctx_free(ctx);
    return check_done("red_threshold_floor");
}
