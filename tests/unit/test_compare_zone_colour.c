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
#include "colour/colour.h"

#define W 640
#define H 480
#define PX 20.0

static const skd_roi card = {10, 10, 80, 80};     /* painted grey card */
static const skd_roi ref = {20, 20, 60, 60};      /* white reference on it */
static const skd_roi skin = {100, 0, W - 100, H}; /* measured: not the card */

static void paint_card(skd_image *img)
{
    uint16_t v = (uint16_t)lround(65535 * skd_srgb_encode(0.2));
    for (uint32_t y = card.y; y < card.y + card.h; y++)
        for (uint32_t x = card.x; x < card.x + card.w; x++)
            for (int c = 0; c < 3; c++)
                img->rgb[3 * ((size_t)y * img->width + x) + c] = v;
}

/* a warmer light: linear red up 3%, blue down 3% */
static void warm_light(skd_image *img)
{
    static const double gain[3] = {1.03, 1.0, 0.97};
    size_t n = 3 * (size_t)img->width * img->height;
    for (size_t i = 0; i < n; i++) {
        double lin = skd_srgb_decode(img->rgb[i] / 65535.0) * gain[i % 3];
        img->rgb[i] = (uint16_t)lround(65535 * skd_srgb_encode(lin > 1 ? 1 : lin));
    }
}

int main(void)
{
    static const skd_metric_id colour[] = {SKD_METRIC_A_MEAN,
                                           SKD_METRIC_A_MEDIAN,
                                           SKD_METRIC_ERYTHEMA};
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
    paint_card(b);
    paint_card(a);
    warm_light(a);
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
