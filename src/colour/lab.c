/* CIE XYZ and CIELAB (D65). The matrix is the sRGB primaries with D65 white
 * to seven digits, so sRGB white maps to the D65 white exactly; its middle
 * row rounds to the luminance weights used for l. */
#include <math.h>

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

/* a* needs only X and Y; the row loop below inlines that part. */
void skd_colour_row(const uint16_t *restrict rgb, size_t n,
                    const float *restrict lut, float *restrict l,
                    float *restrict a_star, float *restrict erythema)
{
    for (size_t i = 0; i < n; i++) {
        double r = lut[rgb[3 * i]];
        double g = lut[rgb[3 * i + 1]];
        double b = lut[rgb[3 * i + 2]];
        double x = rgb_to_xyz[0][0] * r + rgb_to_xyz[0][1] * g + rgb_to_xyz[0][2] * b;
        double y = rgb_to_xyz[1][0] * r + rgb_to_xyz[1][1] * g + rgb_to_xyz[1][2] * b;
        l[i] = (float)skd_log_luminance(skd_luminance(r, g, b));
        a_star[i] = (float)(500.0 * (lab_f(x / SKD_WHITE_X) - lab_f(y / SKD_WHITE_Y)));
        erythema[i] = (r > 0 && g > 0) ? (float)(100.0 * log10(r / g)) : NAN;
    }
}
