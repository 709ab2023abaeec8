/* Colour conversions: sRGB (IEC 61966-2-1) to linear light, CIE XYZ and
 * CIELAB (D65), the log-luminance plane l and the erythema plane. Pure
 * functions and caller-owned tables: no global state. */
#ifndef SKD_COLOUR_H
#define SKD_COLOUR_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"

/* D65 reference white of CIELAB. */
#define SKD_WHITE_X 0.95047
#define SKD_WHITE_Y 1.0
#define SKD_WHITE_Z 1.08883

/* Luminance floor before the logarithm: darker pixels are masked anyway. */
#define SKD_Y_FLOOR 1e-6

/* Entries of the 16-bit decode table. */
#define SKD_SRGB_TABLE_SIZE 65536

/* sRGB transfer function on [0, 1] (exact piecewise formula) and inverse. */
double skd_srgb_decode(double v);
double skd_srgb_encode(double v);

/* Tables for 16-bit samples i: linear = skd_srgb_decode(i / 65535) and
 * log10_linear = 100 log10(linear) (-inf at 0), so the erythema value of a
 * pixel is a difference of two lookups. Built per call, owned by the
 * caller: skd_dealloc. NULL (SKD_E_NOMEM on ctx) on failure. */
typedef struct skd_colour_lut {
    float linear[SKD_SRGB_TABLE_SIZE];
    float log10_linear[SKD_SRGB_TABLE_SIZE];
} skd_colour_lut;

skd_colour_lut *skd_colour_lut_create(skd_ctx *ctx);

/* Relative luminance of linear sRGB as DESIGN.md defines it for l:
 * 0.2126 R + 0.7152 G + 0.0722 B. */
static inline double skd_luminance(double r, double g, double b)
{
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/* l = 100 ln(Y), with Y clamped to SKD_Y_FLOOR. */
double skd_log_luminance(double y);

/* Linear sRGB <-> CIE XYZ (D65), the full-precision sRGB matrix. */
void skd_linear_to_xyz(const double rgb[3], double xyz[3]);
void skd_xyz_to_linear(const double xyz[3], double rgb[3]);

/* CIE XYZ <-> CIELAB 1976 relative to the D65 white above. */
void skd_xyz_to_lab(const double xyz[3], double lab[3]);
void skd_lab_to_xyz(const double lab[3], double xyz[3]);

/* Convenience: 8-bit sRGB to CIELAB and CIELAB to linear sRGB. */
void skd_srgb8_to_lab(const uint8_t rgb[3], double lab[3]);
void skd_lab_to_linear(const double lab[3], double rgb[3]);

/* Per-pixel planes of one row of 16-bit sRGB samples (n pixels): l, and
 * a* with the erythema value 100 log10(R/G) of linear RGB (NaN when R or G
 * is zero). Two functions, so the redness planes need not exist while the
 * luminance is being filtered. */
void skd_log_luminance_row(const uint16_t *restrict rgb, size_t n,
                           const skd_colour_lut *restrict lut,
                           float *restrict l);
void skd_redness_row(const uint16_t *restrict rgb, size_t n,
                     const skd_colour_lut *restrict lut,
                     float *restrict a_star, float *restrict erythema);

#endif
