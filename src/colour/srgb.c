/* The sRGB transfer function and its 16-bit lookup table. */
#include <math.h>

#include "colour.h"

double skd_srgb_decode(double v)
{
    if (v <= 0.04045)
        return v / 12.92;
    return pow((v + 0.055) / 1.055, 2.4);
}

double skd_srgb_encode(double v)
{
    if (v <= 0.0031308)
        return v * 12.92;
    return 1.055 * pow(v, 1.0 / 2.4) - 0.055;
}

skd_colour_lut *skd_colour_lut_create(skd_ctx *ctx)
{
    skd_colour_lut *t = skd_malloc(ctx, sizeof *t);
    if (!t)
        return NULL;
    for (size_t i = 0; i < SKD_SRGB_TABLE_SIZE; i++) {
        double v = skd_srgb_decode((double)i / 65535.0);
        t->linear[i] = (float)v;
        t->log10_linear[i] = i ? (float)(100.0 * log10(v)) : NAN;
    }
    t->wide = skd_colour_wide_available();
    t->managed = 0;
    t->has_matrix = 0;
    t->xform = NULL;
    return t;
}

double skd_log_luminance(double y)
{
    return 100.0 * log(y > SKD_Y_FLOOR ? y : SKD_Y_FLOOR);
}

skd_clip_rule skd_clip_rule_make(const skd_colour_lut *lut, uint16_t high,
                                 double min_y)
{
    /* The table is non-decreasing, so a bisection finds the first green
     * sample whose share of Y (as skd_luminance rounds it) reaches min_y. */
    skd_clip_rule rule = {high, min_y, 0};
    uint32_t lo = 0, hi = SKD_SRGB_TABLE_SIZE; /* the answer is in [lo, hi] */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (SKD_LUMA_G * (double)lut->linear[mid] >= min_y)
            hi = mid;
        else
            lo = mid + 1;
    }
    rule.green_clear = lo;
    return rule;
}
