/* Helpers for the synth tests: read rendered pixels back the way an
 * analysis would (sRGB decode, linear RGB -> XYZ -> CIELAB D65, l = 100 ln
 * Y), written independently of the generator's own conversions. */
#ifndef SKD_SYNTH_UTIL_H
#define SKD_SYNTH_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skindiff.h"

static inline double util_srgb_decode(double v)
{
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

/* Linear RGB of pixel (x, y). */
static inline void util_linear(const skd_image *img, uint32_t x, uint32_t y,
                               double rgb[3])
{
    const uint16_t *px = img->rgb + ((size_t)y * img->width + x) * 3;
    for (int c = 0; c < 3; c++)
        rgb[c] = util_srgb_decode(px[c] / 65535.0);
}

static inline double util_Y(const skd_image *img, uint32_t x, uint32_t y)
{
    double rgb[3];
    util_linear(img, x, y, rgb);
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}

/* Largest error in Y that rounding each channel to 8 bits can cause at
 * pixel (x, y): half a level up or down in every channel. */
static inline double util_Y_bound(const skd_image *img, uint32_t x, uint32_t y)
{
    static const double w[3] = {0.2126, 0.7152, 0.0722};
    const uint16_t *px = img->rgb + ((size_t)y * img->width + x) * 3;
    double bound = 0;
    for (int c = 0; c < 3; c++) {
        double v = px[c] / 257.0;
        double hi = util_srgb_decode(fmin(v + 0.5, 255) / 255.0);
        double lo = util_srgb_decode(fmax(v - 0.5, 0) / 255.0);
        double mid = util_srgb_decode(v / 255.0);
        bound += w[c] * fmax(hi - mid, mid - lo);
    }
    return bound;
}

/* Standard deviation that rounding to 8 bits adds to l at a pixel of this
 * colour: each channel gets an independent uniform error of one level. */
static inline double util_l_rounding_sd(const skd_image *img, uint32_t x,
                                        uint32_t y)
{
    static const double w[3] = {0.2126, 0.7152, 0.0722};
    const uint16_t *px = img->rgb + ((size_t)y * img->width + x) * 3;
    double var = 0, Y = 0;
    for (int c = 0; c < 3; c++) {
        double v = px[c] / 257.0;
        double step = util_srgb_decode((v + 0.5) / 255.0) -
                      util_srgb_decode((v - 0.5) / 255.0);
        var += w[c] * w[c] * step * step / 12.0;
        Y += w[c] * util_srgb_decode(v / 255.0);
    }
    return 100.0 * sqrt(var) / Y;
}

static inline double util_l(const skd_image *img, uint32_t x, uint32_t y)
{
    return 100.0 * log(util_Y(img, x, y));
}

static inline double util_f(double t)
{
    const double d = 6.0 / 29.0;
    return t > d * d * d ? cbrt(t) : t / (3 * d * d) + 4.0 / 29.0;
}

static inline void util_lab(const skd_image *img, uint32_t x, uint32_t y,
                            double lab[3])
{
    double c[3], X, Y, Z;
    util_linear(img, x, y, c);
    X = 0.4124564 * c[0] + 0.3575761 * c[1] + 0.1804375 * c[2];
    Y = 0.2126729 * c[0] + 0.7151522 * c[1] + 0.0721750 * c[2];
    Z = 0.0193339 * c[0] + 0.1191920 * c[1] + 0.9503041 * c[2];
    lab[0] = 116 * util_f(Y) - 16;
    lab[1] = 500 * (util_f(X / 0.95047) - util_f(Y));
    lab[2] = 200 * (util_f(Y) - util_f(Z / 1.08883));
}

/* Defaults with every feature off: flat colour, no noise. */
static inline void util_quiet(skd_synth_params *p, uint32_t w, uint32_t h,
                              double px_per_mm)
{
    skd_synth_defaults(p, w, h, px_per_mm);
    p->relief_rms = 0;
    p->pore_density_per_cm2 = 0;
    p->red_patches = 0;
    p->noise_sigma = 0;
}

/* A number of skd_synth's truth JSON: "key" within the photo named name
 * ("before" or "after"); NaN when absent. */
static inline double util_truth_num(const char *json, const char *name,
                                    const char *key)
{
    char pat[80];
    const char *p;
    snprintf(pat, sizeof pat, "\"name\": \"%s\"", name);
    p = strstr(json, pat);
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    p = p ? strstr(p, pat) : NULL;
    return p ? strtod(p + strlen(pat), NULL) : NAN;
}

#endif
