/* CIELAB D65 to 16-bit sRGB for tests that paint colours, written from
 * the standards (CIE 1976 formulas, the IEC 61966-2-1 matrix and transfer
 * curve), independently of the library's own conversion. */
#ifndef SKD_TEST_LAB_PAINT_H
#define SKD_TEST_LAB_PAINT_H

#include <math.h>
#include <stdint.h>

typedef struct test_lab {
    double L, a, b;
} test_lab;

static inline double test_srgb_encode(double v)
{
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    return v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
}

static inline double test_srgb_decode(double v)
{
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

/* Linear sRGB (D65 white = 1, 1, 1) of a CIELAB colour. */
static inline void test_lab_to_linear(test_lab c, double rgb[3])
{
    const double w[3] = {0.95047, 1.0, 1.08883};
    double fy = (c.L + 16) / 116, f[3] = {fy + c.a / 500, fy, fy - c.b / 200};
    double xyz[3];
    for (int i = 0; i < 3; i++)
        xyz[i] = w[i] * (f[i] > 6.0 / 29 ? f[i] * f[i] * f[i]
                                          : 3 * (6.0 / 29) * (6.0 / 29) * (f[i] - 4.0 / 29));
    rgb[0] = 3.2404542 * xyz[0] - 1.5371385 * xyz[1] - 0.4985314 * xyz[2];
    rgb[1] = -0.9692660 * xyz[0] + 1.8760108 * xyz[1] + 0.0415560 * xyz[2];
    rgb[2] = 0.0556434 * xyz[0] - 0.2040259 * xyz[1] + 1.0572252 * xyz[2];
}

/* 16-bit sRGB of a linear colour (clipped to 0..1). */
static inline void test_linear_to_rgb16(const double rgb[3], uint16_t out[3])
{
    for (int i = 0; i < 3; i++)
        out[i] = (uint16_t)lround(65535 * test_srgb_encode(rgb[i]));
}

static inline void test_lab_to_rgb16(test_lab c, uint16_t out[3])
{
    double rgb[3];
    test_lab_to_linear(c, rgb);
    test_linear_to_rgb16(rgb, out);
}

#endif
