/* A zone's figures are over the zone intersected with the region R
 * (docs/zones.md: "each zone a polygon ... intersected with M", and R is
 * what statistics use), never over the whole zone: a zone that reaches
 * out of R (an ROI here cuts through the subject's left cheek, which lies
 * on the image's right) counts only its pixels in R. The expected pixel
 * count, area and mean a* are computed here from the labels and R. */
#include <string.h>

#include "check.h"

#define S 400
#define PX 20.0

/* A label image (docs/zones.md: zones as a label PNG): rectangles, the
 * subject's left cheek at x 200-299 cut by the ROI at x = 240. */
static const struct {
    int zone;
    uint32_t x0, y0, x1, y1;
} rects[] = {
    {SKD_ZONE_FOREHEAD, 100, 40, 230, 100},
    {SKD_ZONE_NOSE, 170, 120, 210, 200},
    {SKD_ZONE_LEFT_CHEEK, 200, 210, 300, 300},
    {SKD_ZONE_RIGHT_CHEEK, 60, 210, 160, 300},
    {SKD_ZONE_CHIN, 120, 320, 220, 380},
};

static skd_image *labels(skd_ctx *ctx)
{
    skd_image *lab = NULL;
    CHECK_STATUS(skd_image_create(ctx, S, S, &lab), SKD_OK);
    if (!lab)
        return NULL;
    memset(lab->rgb, 0, 3 * sizeof *lab->rgb * S * S);
    for (size_t k = 0; k < sizeof rects / sizeof rects[0]; k++)
        for (uint32_t y = rects[k].y0; y < rects[k].y1; y++)
            for (uint32_t x = rects[k].x0; x < rects[k].x1; x++)
                for (int c = 0; c < 3; c++)
                    lab->rgb[3 * ((size_t)y * S + x) + c] = (uint16_t)(rects[k].zone * 257);
    return lab;
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_synth_params sp;
    skd_image *img = NULL, *lab;
    skd_analysis *an = NULL;
    skd_zones *z = NULL;
    skd_region_spec spec;
    skd_synth_defaults(&sp, S, S, PX);
    CHECK_STATUS(skd_synth(ctx, &sp, &img, NULL, NULL), SKD_OK);
    memset(&spec, 0, sizeof spec);
    spec.roi = (skd_roi){0, 0, 240, S}; /* cuts the left cheek */
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, PX);
    if (img)
        CHECK_STATUS(skd_analyze(ctx, img, &spec, &an), SKD_OK);
    lab = labels(ctx);
    if (lab)
        CHECK_STATUS(skd_zones_from_labels(ctx, lab, &z), SKD_OK);
    skd_image_free(lab);
    for (int zone = 1; an && z && zone < SKD_ZONE_COUNT; zone++) {
        skd_metrics m;
        uint64_t in_zone = 0, in_both = 0;
        double sum_a = 0;
        for (size_t i = 0; i < (size_t)S * S; i++) {
            if (z->labels[i] != zone)
                continue;
            in_zone++;
            if (an->region[i]) {
                in_both++;
                sum_a += an->a_star[i];
            }
        }
        CHECK_STATUS(skd_zone_metrics(ctx, an, img, z, (skd_zone)zone, &m), SKD_OK);
        REPORT("%-11s polygon %6llu px, in R %6llu px; figures over %llu px, "
               "%.5f cm2, a* %.5f (expected %.5f)", skd_zone_name((skd_zone)zone),
               (unsigned long long)in_zone, (unsigned long long)in_both,
               (unsigned long long)m.region_pixels, m.area_cm2, m.a_mean,
               in_both ? sum_a / (double)in_both : NAN);
        CHECK(m.region_pixels == in_both);
        CHECK_NEAR(m.area_cm2, (double)in_both / (PX * PX) / 100.0, 1e-12);
        /* measured 0: both sum in double (another summation order would
         * move it by about 1e-13) */
        if (in_both)
            CHECK_NEAR(m.a_mean, sum_a / (double)in_both, 1e-9);
        /* the test means something: R (the ROI less its edge, where
         * G_1mm * M < 0.9) leaves out more than half of the left cheek */
        if (zone == SKD_ZONE_LEFT_CHEEK)
            CHECK(in_both > 0 && in_both < in_zone / 2);
        else
            CHECK(in_both > 0);
    }
    skd_zones_free(z);
    skd_analysis_free(an);
    skd_image_free(img);
    skd_ctx_free(ctx);
    return check_done("test_zones_region");
}
