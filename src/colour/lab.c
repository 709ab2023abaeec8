/* CIE XYZ and CIELAB (D65). The matrix is the sRGB primaries with D65 white
 * to seven digits, so sRGB white maps to the D65 white exactly; its middle
 * row rounds to the luminance weights used for l. */
#include <math.h>
#include <string.h>

#include "colour.h"

static const double rgb_to_xyz[3][3] = {
    {0.4124564, 0.3575761, 0.1804375},
    {0.2126729, 0.7151522, 0.0721750},
    {0.0193339, 0.1191920, 0.9503041},
};

static const double xyz_to_rgb[3][3] = {
    {3.2404542, -1.5371385, -0.4985314},
    {-0.9692660, 1.8760108, 0.0415560},
    {0.0556434, -0.2040259, 1.0572252},
};

/* CIE 1976 constants as exact fractions. */
#define LAB_EPSILON (216.0 / 24389.0)
#define LAB_KAPPA (24389.0 / 27.0)

static void mat3(const double m[3][3], const double in[3], double out[3])
{
    for (int i = 0; i < 3; i++)
        out[i] = m[i][0] * in[0] + m[i][1] * in[1] + m[i][2] * in[2];
}

void skd_linear_to_xyz(const double rgb[3], double xyz[3])
{
    mat3(rgb_to_xyz, rgb, xyz);
}

void skd_xyz_to_linear(const double xyz[3], double rgb[3])
{
    mat3(xyz_to_rgb, xyz, rgb);
}

static double lab_f(double t)
{
    return t > LAB_EPSILON ? cbrt(t) : (LAB_KAPPA * t + 16.0) / 116.0;
}

static double lab_f_inv(double f)
{
    double t = f * f * f;
    return t > LAB_EPSILON ? t : (116.0 * f - 16.0) / LAB_KAPPA;
}

void skd_xyz_to_lab(const double xyz[3], double lab[3])
{
    double fx = lab_f(xyz[0] / SKD_WHITE_X);
    double fy = lab_f(xyz[1] / SKD_WHITE_Y);
    double fz = lab_f(xyz[2] / SKD_WHITE_Z);
    lab[0] = 116.0 * fy - 16.0;
    lab[1] = 500.0 * (fx - fy);
    lab[2] = 200.0 * (fy - fz);
}

void skd_lab_to_xyz(const double lab[3], double xyz[3])
{
    double fy = (lab[0] + 16.0) / 116.0;
    double fx = fy + lab[1] / 500.0;
    double fz = fy - lab[2] / 200.0;
    xyz[0] = SKD_WHITE_X * lab_f_inv(fx);
    xyz[1] = SKD_WHITE_Y * lab_f_inv(fy);
    xyz[2] = SKD_WHITE_Z * lab_f_inv(fz);
}

void skd_srgb8_to_lab(const uint8_t rgb[3], double lab[3])
{
    double lin[3], xyz[3];
    for (int c = 0; c < 3; c++)
        lin[c] = skd_srgb_decode(rgb[c] / 255.0);
    skd_linear_to_xyz(lin, xyz);
    skd_xyz_to_lab(xyz, lab);
}

void skd_lab_to_linear(const double lab[3], double rgb[3])
{
    double xyz[3];
    skd_lab_to_xyz(lab, xyz);
    skd_xyz_to_linear(xyz, rgb);
}

/* Cube root for the row loop: a bit-level first guess (within ~5%) and two
 * Halley steps (cubic convergence: ~1e-4, then ~1e-12), no libm call. */
static double fast_cbrt(double t)
{
    uint64_t bits;
    double y, y3;
    memcpy(&bits, &t, sizeof bits);
    bits = bits / 3 + UINT64_C(0x2a9f7893782da1ce);
    memcpy(&y, &bits, sizeof y);
    for (int i = 0; i < 2; i++) {
        y3 = y * y * y;
        y *= (y3 + 2.0 * t) / (2.0 * y3 + t);
    }
    return y;
}

static double lab_f_fast(double t)
{
    return t > LAB_EPSILON ? fast_cbrt(t) : (LAB_KAPPA * t + 16.0) / 116.0;
}

void skd_log_luminance_row(const uint16_t *restrict rgb, size_t n,
                           const skd_colour_lut *restrict lut,
                           float *restrict l)
{
    const float *lin = lut->linear;
    for (size_t i = 0; i < n; i++) {
        double y = skd_luminance(lin[rgb[3 * i]], lin[rgb[3 * i + 1]],
                                 lin[rgb[3 * i + 2]]);
        l[i] = 100.0f * logf((float)(y > SKD_Y_FLOOR ? y : SKD_Y_FLOOR));
    }
}

/* a* needs only X and Y. */
void skd_redness_row(const uint16_t *restrict rgb, size_t n,
                     const skd_colour_lut *restrict lut,
                     float *restrict a_star, float *restrict erythema)
{
    const float *lin = lut->linear, *lg = lut->log10_linear;
    for (size_t i = 0; i < n; i++) {
        uint16_t r16 = rgb[3 * i], g16 = rgb[3 * i + 1], b16 = rgb[3 * i + 2];
        double r = lin[r16], g = lin[g16], b = lin[b16];
        double x = rgb_to_xyz[0][0] * r + rgb_to_xyz[0][1] * g + rgb_to_xyz[0][2] * b;
        double y = rgb_to_xyz[1][0] * r + rgb_to_xyz[1][1] * g + rgb_to_xyz[1][2] * b;
        a_star[i] = (float)(500.0 * (lab_f_fast(x / SKD_WHITE_X) -
                                     lab_f_fast(y / SKD_WHITE_Y)));
        erythema[i] = (r16 && g16) ? (float)((double)lg[r16] - lg[g16]) : NAN;
    }
}
