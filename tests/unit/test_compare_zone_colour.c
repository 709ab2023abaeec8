/* A zone's colour figures are read through the same colour pipeline as the
 * whole region's: the photo's profile and its white reference. A pair of
 * synthetic skin whose after photo was taken under a 6% warmer light, with
 * a painted grey card and white references in both photos, and one zone
 * (forehead) that covers the whole frame: the zone is then the whole
 * common region, so its a*, a* median and erythema index, before and
 * after, must be the whole region's (to 1e-6 of a unit: the same pixels,
 * the same definitions). Before the fix the zones read EI through plain
 * sRGB tables, without the white reference: the warm light's EI shift
 * (about +2.5, 100 log10(1.03 / 1)) stayed in the zone's after figure. */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "camera_check.h"

#define W 640
#define H 480
#define PX 20.0

static const skd_roi card = {10, 10, 80, 80};     /* painted grey card */
static const skd_roi ref = {20, 20, 60, 60};      /* white reference on it */
static const skd_roi skin = {100, 0, W - 100, H}; /* measured: not the card */

int main(void)
{
    static const skd_metric_id colour[] = {SKD_METRIC_A_MEAN,
                                           SKD_METRIC_A_MEDIAN,
                                           SKD_METRIC_ERYTHEMA};
    static const double warm[3] = {1.03, 1.0, 0.97};
    skd_ctx *ctx = skd_ctx_create();
    skd_synth_params p;
    skd_image *b = NULL, *a = NULL;
    skd_comparison *c = NULL;
    skd_zones *z = NULL;
    skd_zone_comparison zc;
    skd_region_spec sb = {NULL, skin, ref, NULL},
                    sa = {NULL, {0, 0, 0, 0}, ref, NULL};

    CHECK(ctx != NULL);
    if (!ctx)
        return check_done("test_compare_zone_colour");
    skd_synth_defaults(&p, W, H, PX);
    p.seed = 41;
    CHECK_STATUS(skd_synth(ctx, &p, &b, &a, NULL), SKD_OK);
    if (!b || !a) {
        skd_image_free(b);
        skd_image_free(a);
        skd_ctx_free(ctx);
        return check_done("test_compare_zone_colour");
    }
    camera_paint_grey(b, card, 0.2);
    camera_paint_grey(a, card, 0.2);
    camera_relight(a, 1.0, warm, 1.0); /* a warmer light */
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, PX);
    CHECK_STATUS(skd_compare(ctx, b, &sb, a, &sa, &c), SKD_OK);
    if (!c)
        fprintf(stderr, "  %s\n", skd_ctx_message(ctx));
    z = check_zone_halves(ctx, W, H, SKD_ZONE_FOREHEAD, SKD_ZONE_FOREHEAD);
    if (c && z) {
        CHECK(c->acquisition.colour_calibrated);
        CHECK_STATUS(skd_compare_zones(ctx, c, b, a, z, NULL, &zc), SKD_OK);
        CHECK(zc.zone[SKD_ZONE_FOREHEAD].measured);
        for (size_t i = 0; i < sizeof colour / sizeof colour[0]; i++) {
            const skd_change *whole = &c->change[colour[i]];
            const skd_change *zone = &zc.zone[SKD_ZONE_FOREHEAD].change[colour[i]];
            printf("%-16s whole %.6f -> %.6f, zone %.6f -> %.6f\n",
                   skd_metric_key(colour[i]), whole->before, whole->after,
                   zone->before, zone->after);
            CHECK_NEAR(zone->before, whole->before, 1e-6);
            CHECK_NEAR(zone->after, whole->after, 1e-6);
        }
    }
    skd_zones_free(z);
    skd_comparison_free(c);
    skd_image_free(b);
    skd_image_free(a);
    skd_ctx_free(ctx);
    return check_done("test_compare_zone_colour");
}
