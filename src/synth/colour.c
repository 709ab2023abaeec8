/* CIELAB (D65) <-> XYZ <-> linear sRGB, and the sRGB transfer curve.
 * RGB -> XYZ uses the IEC 61966-2-1 matrix; XYZ -> RGB is its exact
 * inverse (not the rounded published one), so a rendered pixel's
 * 0.2126 R + 0.7152 G + 0.0722 B is the Y it was rendered from. */
#include <math.h>

#include "synth.h"

static const double rgb_to_xyz[3][3] = {
    {0.4124, 0.3576, 0.1805},
    {0.2126, 0.7152, 0.0722},
    {0.0193, 0.1192, 0.9505},
};

#define DELTA (6.0 / 29.0)

double skd_synth_lab_f(double t)
{
    return t > DELTA * DELTA * DELTA ? cbrt(t)
                                     : t / (3.0 * DELTA * DELTA) + 4.0 / 29.0;
}

double skd_synth_lab_finv(double t)
{
    return t > DELTA ? t * t * t : 3.0 * DELTA * DELTA * (t - 4.0 / 29.0);
}

void skd_synth_rgb_to_xyz(const double rgb[3], double xyz[3])
{
    for (int i = 0; i < 3; i++)
        xyz[i] = rgb_to_xyz[i][0] * rgb[0] + rgb_to_xyz[i][1] * rgb[1] +
                 rgb_to_xyz[i][2] * rgb[2];
}

void skd_synth_rgb_to_xyz_matrix(double out[3][3])
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            out[i][j] = rgb_to_xyz[i][j];
}

/* Adjugate over determinant: the cyclic cofactors carry their signs. */
void skd_synth_xyz_to_rgb_matrix(double inv[3][3])
{
    const double(*m)[3] = rgb_to_xyz;
    double det;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            int r0 = (j + 1) % 3, r1 = (j + 2) % 3;
            int c0 = (i + 1) % 3, c1 = (i + 2) % 3;
            inv[i][j] = m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
        }
    det = m[0][0] * inv[0][0] + m[0][1] * inv[1][0] + m[0][2] * inv[2][0];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            inv[i][j] /= det;
}

void skd_synth_xyz_to_rgb(const double xyz[3], double rgb[3])
{
    double inv[3][3];
    skd_synth_xyz_to_rgb_matrix(inv);
    for (int i = 0; i < 3; i++)
        rgb[i] = inv[i][0] * xyz[0] + inv[i][1] * xyz[1] + inv[i][2] * xyz[2];
}

void skd_synth_xyz_to_lab(const double xyz[3], double lab[3])
{
    double fx = skd_synth_lab_f(xyz[0] / SKD_SYNTH_XN);
    double fy = skd_synth_lab_f(xyz[1] / SKD_SYNTH_YN);
    double fz = skd_synth_lab_f(xyz[2] / SKD_SYNTH_ZN);
    lab[0] = 116.0 * fy - 16.0;
    lab[1] = 500.0 * (fx - fy);
    lab[2] = 200.0 * (fy - fz);
}

double skd_synth_srgb_encode(double c)
{
    return c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1.0 / 2.4) - 0.055;
}
