/* The red area's local background is the mask-normalised mean of a* at
 * 2 mm, (G*(a* M))/(G*M) (docs/measurements.md): on skin of one flat
 * colour every pixel equals its background, so no pixel is red however
 * much of the frame the mask leaves out. A background that is not
 * normalised (G*(a* M) alone) falls towards 0 near the mask's edge and
 * would call flushed skin (a* 30) red there. Checked with the ROI leaving
 * out the right half, and with a user mask leaving out a disc inside the
 * skin. */
#include <string.h>

#include "check.h"
#include "lab_paint.h"

#define W 320
#define H 240

static void check_no_red(skd_ctx *ctx, const skd_image *img,
                         const skd_region_spec *spec, const char *what)
{
    skd_analysis *a = NULL;
    CHECK_STATUS(skd_analyze(ctx, img, spec, &a), SKD_OK);
    if (!a)
        return;
    REPORT("%s: R %.1f%% of the frame, a* mean %.5f, red area %.4f%%", what,
           100 * a->exclusion.region, a->metrics.a_mean,
           100 * a->metrics.red_area_fraction);
    CHECK(a->exclusion.region > 0.2);
    CHECK_NEAR(a->metrics.a_mean, 30, 0.0015); /* measured 0.00044 (16-bit samples) */
    CHECK(a->metrics.red_area_fraction == 0);
    skd_analysis_free(a);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_image *img = NULL, *mask = NULL;
    skd_region_spec spec;
    test_lab flushed = {55, 30, 16};
    uint16_t v[3];
    test_lab_to_rgb16(flushed, v);
    CHECK_STATUS(skd_image_create(ctx, W, H, &img), SKD_OK);
    CHECK_STATUS(skd_image_create(ctx, W, H, &mask), SKD_OK);
    if (!img || !mask)
        return check_done("test_red_area_mask");
    for (size_t i = 0; i < (size_t)W * H; i++) {
        double dx = (double)(i % W) - 100, dy = (double)(i / W) - 120;
        memcpy(img->rgb + 3 * i, v, sizeof v);
        for (int c = 0; c < 3; c++) /* a disc of radius 40 px left out */
            mask->rgb[3 * i + c] = dx * dx + dy * dy <= 40 * 40 ? 0 : 65535;
    }
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);
    skd_ctx_set(ctx, SKD_OPT_SKIN, 0); /* one flat colour: measure it all */
    memset(&spec, 0, sizeof spec);
    spec.roi = (skd_roi){0, 0, W / 2, H};
    check_no_red(ctx, img, &spec, "ROI, left half");
    memset(&spec, 0, sizeof spec);
    spec.mask = mask;
    check_no_red(ctx, img, &spec, "mask with a hole of 2 mm radius");
    skd_image_free(img);
    skd_image_free(mask);
    skd_ctx_free(ctx);
    return check_done("test_red_area_mask");
}
