/* Facial zones in a comparison are judged against the same floors as the
 * whole common region, and say which (floor_source per zone):
 *  - replicates (skd_compare_sessions): every zone's floor is the
 *    replicates' t(0.975, df) sqrt(2) SD at the zone's own before figure
 *    (source "replicates"), a* and EI without white references keep the
 *    uncalibrated floor as the whole region does;
 *  - a floors file (SKD_OPT_FLOOR_SOURCE 1 with its floors set): the
 *    zones' floors are the file's (source "floors file").
 * Synthetic skin (skd_synth, 600 x 450 at 20 px/mm); zones from a label
 * image: forehead the left half, nose the right half. Each zone's verdict
 * must be skd_judge of its own change, interval and floor. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "compare/compare.h"

#define W 600
#define H 450
#define PX 20.0

static skd_image *shot(skd_ctx *ctx, double relief, double dx, double dy,
                       uint64_t noise)
{
    skd_synth_params p;
    skd_image *b = NULL, *a = NULL;
    skd_synth_defaults(&p, W, H, PX);
    p.seed = 21;
    p.after_noise_seed = noise;
    p.relief_scale = relief;
    p.camera = (skd_transform){dx, dy, 0, 1, 1};
    if (skd_synth(ctx, &p, &b, &a, NULL) != SKD_OK) {
        skd_image_free(a);
        a = NULL;
    }
    skd_image_free(b);
    return a;
}

/* Every measured zone: the whole region's floor source, the floor
 * `want_floor` gives at the zone's before figure, the verdict of its own
 * figures. Returns the zones checked. */
typedef double (*floor_fn)(skd_ctx *ctx, const skd_comparison *c,
                           skd_metric_id m, double before);

static int check_zones(skd_ctx *ctx, const skd_comparison *c,
                       const skd_zone_comparison *zc, floor_fn want_floor,
                       const char *label)
{
    int zones = 0;
    for (int z = 1; z < SKD_ZONE_COUNT; z++) {
        const skd_zone_change *zn = &zc->zone[z];
        if (!zn->measured)
            continue;
        zones++;
        for (int m = 0; m < SKD_METRIC_COUNT; m++) {
            const skd_change *ch = &zn->change[m], *whole = &c->change[m];
            double want = want_floor(ctx, c, (skd_metric_id)m, ch->before);
            CHECK(ch->floor_source && whole->floor_source &&
                  !strcmp(ch->floor_source, whole->floor_source));
            if (isfinite(want))
                CHECK_NEAR(ch->noise_floor, want, 1e-9 * fabs(want));
            if (ch->verdict != SKD_INCONCLUSIVE)
                CHECK(ch->verdict == skd_judge(ch->change, ch->ci_low,
                                               ch->ci_high, ch->noise_floor));
        }
        REPORT("%s: zone %s Sa %+.2f%% floor %.4f [%s], a* floor %.2f [%s]",
               label, skd_zone_name((skd_zone)z),
               zn->change[SKD_METRIC_SA].change_pct,
               zn->change[SKD_METRIC_SA].noise_floor,
               zn->change[SKD_METRIC_SA].floor_source,
               zn->change[SKD_METRIC_A_MEAN].noise_floor,
               zn->change[SKD_METRIC_A_MEAN].floor_source);
    }
    return zones;
}

/* The replicates' floor, or where they give none the options'. */
static double replicates_floor(skd_ctx *ctx, const skd_comparison *c,
                               skd_metric_id m, double before)
{
    double f = skd_replicates_floor(ctx, c, m, before);
    return isfinite(f) ? f
                       : skd_noise_floor(ctx, m, before,
                                         c->acquisition.colour_calibrated,
                                         NULL);
}

static double options_floor(skd_ctx *ctx, const skd_comparison *c,
                            skd_metric_id m, double before)
{
    return skd_noise_floor(ctx, m, before, c->acquisition.colour_calibrated,
                           NULL);
}

static void test_replicates(skd_ctx *ctx, skd_zones *zb)
{
    skd_image *img[4] = {shot(ctx, 1.0, 0, 0, 1), shot(ctx, 1.03, 2, -1, 2),
                         shot(ctx, 0.8, -2, 1, 3), shot(ctx, 0.82, 1, 2, 4)};
    skd_session_photo s[4];
    skd_comparison *c = NULL;
    skd_zone_comparison zc;
    memset(s, 0, sizeof s);
    for (int i = 0; i < 4; i++) {
        CHECK(img[i] != NULL);
        s[i].image = img[i];
    }
    if (img[0] && img[1] && img[2] && img[3])
        CHECK_STATUS(skd_compare_sessions(ctx, s, 2, s + 2, 2, &c), SKD_OK);
    if (c) {
        CHECK_STATUS(skd_compare_zones(ctx, c, img[0], img[2], zb, NULL, &zc),
                     SKD_OK);
        CHECK(!strcmp(c->change[SKD_METRIC_SA].floor_source, "replicates"));
        CHECK(!strcmp(zc.zone[SKD_ZONE_FOREHEAD].change[SKD_METRIC_SA]
                          .floor_source, "replicates"));
        CHECK(check_zones(ctx, c, &zc, replicates_floor, "replicates") == 2);
    }
    skd_comparison_free(c);
    for (int i = 0; i < 4; i++)
        skd_image_free(img[i]);
}

static void test_floors_file(skd_ctx *ctx, skd_zones *zb)
{
    skd_image *b = shot(ctx, 1.0, 0, 0, 5), *a = shot(ctx, 0.8, -2, 1, 6);
    skd_comparison *c = NULL;
    skd_zone_comparison zc;
    /* what cli_floors_load sets from a floors file */
    skd_ctx_set(ctx, SKD_OPT_FLOOR_SA, 7.0);
    skd_ctx_set(ctx, SKD_OPT_FLOOR_PORES, 9.0);
    skd_ctx_set(ctx, SKD_OPT_FLOOR_A_MEAN, 0.8);
    skd_ctx_set(ctx, SKD_OPT_FLOOR_A_UNCAL, 0.8);
    skd_ctx_set(ctx, SKD_OPT_FLOOR_SOURCE, 1);
    if (b && a)
        CHECK_STATUS(skd_compare(ctx, b, NULL, a, NULL, &c), SKD_OK);
    if (c) {
        CHECK_STATUS(skd_compare_zones(ctx, c, b, a, zb, NULL, &zc), SKD_OK);
        for (int z = 1; z < SKD_ZONE_COUNT; z++)
            if (zc.zone[z].measured) {
                const skd_change *sa = &zc.zone[z].change[SKD_METRIC_SA];
                CHECK(!strcmp(sa->floor_source, "floors file"));
                CHECK_NEAR(sa->noise_floor, 0.07 * fabs(sa->before), 1e-12);
                CHECK_NEAR(zc.zone[z].change[SKD_METRIC_A_MEAN].noise_floor,
                           0.8, 1e-12);
            }
        CHECK(check_zones(ctx, c, &zc, options_floor, "floors file") == 2);
    }
    skd_comparison_free(c);
    skd_image_free(b);
    skd_image_free(a);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_zones *zb = NULL;
    CHECK(ctx != NULL);
    if (!ctx)
        return check_done("test_compare_zone_floors");
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, PX);
    zb = check_zone_halves(ctx, W, H, SKD_ZONE_FOREHEAD, SKD_ZONE_NOSE);
    CHECK(zb != NULL);
    if (zb) {
        test_replicates(ctx, zb);
        test_floors_file(ctx, zb);
    }
    skd_zones_free(zb);
    skd_ctx_free(ctx);
    return check_done("test_compare_zone_floors");
}
