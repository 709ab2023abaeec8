/* Highlights on skin in the skin map (docs/skin-map.md, step 4): light
 * reflected at the skin's surface adds the lamp's white to the skin's own
 * colour, so a brightly lit fair cheek is lighter and less chromatic than
 * the skin's model. A cell lighter than the skin's median L* is skin when,
 * after white of up to 50% of its luminance is taken away, what is left is
 * a core colour of the model (squared Mahalanobis distance <= -2 ln 0.3 =
 * 2.41). Painted here in linear light as skin + white, with the share of
 * white in the block's luminance written in its name, on a flat skin
 * L* 58, a* 18, b* 24 (the model's spread at its floor of 2.5, so the
 * plain colour test passes within 7.5 units; the skin's median L* is 58).
 * Each block 80 x 80 (3.7% of the frame: a block left out stays out as a
 * hole, too large to be filled). Every block fails the plain colour test
 * (squared distances beside the names, computed from the same formulas),
 * so what keeps the first two is the rule.
 * A block's share in S is measured on its inside (2 px in from its
 * edges), >= 95% kept or <= 5%. */
#include <string.h>

#include "check.h"
#include "lab_paint.h"
#include "skin_blocks.h"

#define W 480
#define H 360

typedef struct block {
    const char *name;
    uint32_t x0, y0;
    test_lab diffuse; /* the surface's own colour */
    double white;     /* share of the block's luminance added as white */
    int in_s;         /* what the rule says */
} block;

#define SIDE 80

static const test_lab skin = {58, 18, 24};

/* Paint a SIDE x SIDE block at (x0, y0): diffuse colour c plus white of
 * `white` of the sum's luminance (linear sRGB, white = 1, 1, 1 of Y 1). */
static void paint(skd_image *img, uint32_t x0, uint32_t y0, uint32_t side,
                  test_lab c, double white)
{
    double rgb[3];
    uint16_t v[3];
    test_lab_to_linear(c, rgb);
    double y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    double s = white / (1 - white) * y;
    for (int i = 0; i < 3; i++)
        rgb[i] += s;
    test_linear_to_rgb16(rgb, v);
    for (uint32_t j = y0; j < y0 + side && j < H; j++)
        for (uint32_t i = x0; i < x0 + side && i < W; i++)
            memcpy(img->rgb + 3 * ((size_t)j * W + i), v, sizeof v);
}

int main(void)
{
    static const block bl[] = {
        {"skin + 40% white (L* 71.7, plain d2 15.1)", 20, 40, {58, 18, 24}, 0.40, 1},
        {"skin + 45% white (L* 74.3, plain d2 19.2)", 140, 40, {58, 18, 24}, 0.45, 1},
        {"skin + 60% white (more white than skin light)", 260, 40, {58, 18, 24}, 0.60, 0},
        {"grey a* 1 b* 2 + 30% white", 380, 40, {58, 1, 2}, 0.30, 0},
        {"yellow a* 2 b* 26 + 30% white", 20, 200, {58, 2, 26}, 0.30, 0},
        {"skin's edge a* 14 b* 30 (d2 8.3) + 40% white", 140, 200, {58, 14, 30}, 0.40, 0},
        {"pale skin darker than the median (L* 50 a* 10 b* 13)", 260, 200, {50, 10, 13}, 0, 0},
    };
    skd_ctx *ctx = skd_ctx_create();
    skd_image *img = NULL;
    skd_analysis *a = NULL;
    CHECK_STATUS(skd_image_create(ctx, W, H, &img), SKD_OK);
    if (img) {
        paint(img, 0, 0, W > H ? W : H, skin, 0);
        for (size_t k = 0; k < sizeof bl / sizeof bl[0]; k++)
            paint(img, bl[k].x0, bl[k].y0, SIDE, bl[k].diffuse, bl[k].white);
        CHECK_STATUS(skd_analyze_region(ctx, img, NULL, &a), SKD_OK);
    }
    if (a) {
        REPORT("S %.1f%% of the frame, highlight %.2f%%, clipped %.2f%% of R",
               100 * a->exclusion.skin, 100 * a->exclusion.highlight,
               100 * a->exclusion.clipped);
        for (size_t k = 0; k < sizeof bl / sizeof bl[0]; k++) {
            double s = test_skin_kept(a, bl[k].x0, bl[k].y0, bl[k].x0 + SIDE,
                                      bl[k].y0 + SIDE);
            REPORT("  %-54s %5.1f%% in S (rule: %s)", bl[k].name, 100 * s,
                   bl[k].in_s ? "skin" : "not skin");
            test_skin_check_block(s, bl[k].in_s);
        }
    }
    skd_analysis_free(a);
    skd_image_free(img);
    skd_ctx_free(ctx);
    return check_done("test_skin_highlight");
}
