/* The white reference's refusal limits (docs/colour.md), each pinned from
 * both sides with patches painted here: at least 400 pixels; at most 1%
 * of the patch with a channel at 250/255 or above; L* at least 15; its
 * luminance's coefficient of variation at most 10%; the RMS distance of
 * its pixels' (a*, b*) from their mean at most 4. A patch just inside a
 * limit is applied, one just outside is refused with SKD_E_WHITE_REF and
 * a message naming the cause. */
#include <string.h>

#include "check.h"
#include "lab_paint.h"

#define W 320
#define H 240

static void fill(skd_image *img, uint32_t x0, uint32_t y0, uint32_t w, uint32_t h,
                 const uint16_t v[3])
{
    for (uint32_t y = y0; y < y0 + h; y++)
        for (uint32_t x = x0; x < x0 + w; x++)
            memcpy(img->rgb + 3 * ((size_t)y * W + x), v, 3 * sizeof *v);
}

static void grey16(double lin, uint16_t v[3])
{
    v[0] = v[1] = v[2] = (uint16_t)lround(65535 * test_srgb_encode(lin));
}

static void lab16(double L, double a, double b, uint16_t v[3])
{
    test_lab c = {L, a, b};
    test_lab_to_rgb16(c, v);
}

/* Analyse with the white reference at roi: want SKD_OK, or a refusal whose
 * message contains `why`. */
static void expect(skd_ctx *ctx, const skd_image *img, skd_roi roi,
                   const char *what, const char *why)
{
    skd_region_spec spec;
    skd_analysis *a = NULL;
    int st;
    memset(&spec, 0, sizeof spec);
    spec.white_ref = roi;
    st = skd_analyze(ctx, img, &spec, &a);
    REPORT("%-46s %s", what, st == SKD_OK ? "applied" : skd_ctx_message(ctx));
    if (!why) {
        CHECK_STATUS(st, SKD_OK);
        CHECK(a && a->colour.white_ref == 1);
    } else {
        CHECK_STATUS(st, SKD_E_WHITE_REF);
        CHECK(a == NULL);
        CHECK(strstr(skd_ctx_message(ctx), why) != NULL);
    }
    skd_analysis_free(a);
}

/* Coefficient of variation of Y over two equal halves of linear greys. */
static double two_level_cv(const uint16_t lo[3], const uint16_t hi[3])
{
    double y1 = test_srgb_decode(lo[0] / 65535.0), y2 = test_srgb_decode(hi[0] / 65535.0);
    return fabs(y2 - y1) / (y1 + y2);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_synth_params sp;
    skd_image *img = NULL;
    uint16_t v[3], lo[3], hi[3], white[3] = {65535, 65535, 65535};
    double cv_in, cv_out;
    skd_synth_defaults(&sp, W, H, 20);
    CHECK_STATUS(skd_synth(ctx, &sp, &img, NULL, NULL), SKD_OK);
    if (!img)
        return check_done("test_white_ref_limits");
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);

    /* size: 20 x 20 = 400 px, 19 x 21 = 399 px of a uniform grey */
    grey16(0.3, v);
    fill(img, 0, 0, 40, 40, v);
    expect(ctx, img, (skd_roi){0, 0, 20, 20}, "400 px", NULL);
    expect(ctx, img, (skd_roi){0, 0, 19, 21}, "399 px", "too small");

    /* clipped: a grey of 220/255 with 15 of 1600 px white (0.94%), or 18
     * (1.125%) */
    v[0] = v[1] = v[2] = 220 * 257;
    fill(img, 40, 0, 40, 40, v);
    fill(img, 80, 0, 40, 40, v);
    fill(img, 40, 0, 15, 1, white);
    fill(img, 80, 0, 18, 1, white);
    expect(ctx, img, (skd_roi){40, 0, 40, 40}, "0.94% clipped", NULL);
    expect(ctx, img, (skd_roi){80, 0, 40, 40}, "1.125% clipped", "clipped");

    /* dark: L* 15.5 and 14.5, neutral */
    lab16(15.5, 0, 0, v);
    fill(img, 120, 0, 40, 40, v);
    lab16(14.5, 0, 0, v);
    fill(img, 160, 0, 40, 40, v);
    expect(ctx, img, (skd_roi){120, 0, 40, 40}, "L* 15.5", NULL);
    expect(ctx, img, (skd_roi){160, 0, 40, 40}, "L* 14.5", "too dark");

    /* luminance: halves of linear 0.3 (1 -+ c), coefficient of variation
     * c = 0.09 and 0.11 (as the 16-bit samples decode) */
    grey16(0.3 * 0.91, lo);
    grey16(0.3 * 1.09, hi);
    cv_in = two_level_cv(lo, hi);
    fill(img, 0, 60, 20, 40, lo);
    fill(img, 20, 60, 20, 40, hi);
    grey16(0.3 * 0.89, lo);
    grey16(0.3 * 1.11, hi);
    cv_out = two_level_cv(lo, hi);
    fill(img, 40, 60, 20, 40, lo);
    fill(img, 60, 60, 20, 40, hi);
    REPORT("two-level greys: coefficient of variation %.5f and %.5f", cv_in, cv_out);
    CHECK(fabs(cv_in - 0.09) < 1e-4 && fabs(cv_out - 0.11) < 1e-4);
    expect(ctx, img, (skd_roi){0, 60, 40, 40}, "luminance varies by 9%", NULL);
    expect(ctx, img, (skd_roi){40, 60, 40, 40}, "luminance varies by 11%", "not uniform");

    /* colour: halves of a* +3.8 and -3.8 at L* 65 (RMS distance from the
     * mean 3.8), and +-4.2 */
    lab16(65, 3.8, 0, lo);
    lab16(65, -3.8, 0, hi);
    fill(img, 100, 60, 20, 40, lo);
    fill(img, 120, 60, 20, 40, hi);
    lab16(65, 4.2, 0, lo);
    lab16(65, -4.2, 0, hi);
    fill(img, 140, 60, 20, 40, lo);
    fill(img, 160, 60, 20, 40, hi);
    expect(ctx, img, (skd_roi){100, 60, 40, 40}, "colour varies by 3.8", NULL);
    expect(ctx, img, (skd_roi){140, 60, 40, 40}, "colour varies by 4.2", "colour varies");

    skd_image_free(img);
    skd_ctx_free(ctx);
    return check_done("test_white_ref_limits");
}
