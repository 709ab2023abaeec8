/* Colour conversions: sRGB (IEC 61966-2-1) to linear light, CIE XYZ and
 * CIELAB (D65), the log-luminance plane l, a* and the erythema value. Pure
 * functions and caller-owned tables: no global state. */
#ifndef SKD_COLOUR_H
#define SKD_COLOUR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
 * log10_linear = 100 log10(linear) (NaN at 0, so that the difference is
 * NaN too), so the erythema value of a pixel is a difference of two
 * lookups. Built per call, owned by the
 * caller: skd_dealloc. NULL (SKD_E_NOMEM on ctx) on failure. */
typedef struct skd_colour_lut {
    float linear[SKD_SRGB_TABLE_SIZE];
    float log10_linear[SKD_SRGB_TABLE_SIZE];
    int wide; /* use the AVX2 copies of the row loops (same results) */
    /* Colour management (manage.c). managed == 0: the photo is sRGB and
     * the two tables above are the whole conversion (the exact sRGB
     * path). Otherwise a block of pixels becomes linear sRGB by the
     * per-channel tables linear, linear_g, linear_b (a matrix-shaper
     * profile's curves) or by the LittleCMS transform xform (any other
     * profile), then by the 3x3 matrix when has_matrix (the profile's
     * primaries, a white reference's adaptation, or both), and the
     * erythema value and the darkness test are computed from the result. */
    int managed;
    int has_matrix;
    float matrix[3][3];
    void *xform; /* cmsHTRANSFORM: 16-bit samples -> linear sRGB float */
    float linear_g[SKD_SRGB_TABLE_SIZE];
    float linear_b[SKD_SRGB_TABLE_SIZE];
} skd_colour_lut;

/* The plain sRGB tables (managed == 0). */
skd_colour_lut *skd_colour_lut_create(skd_ctx *ctx);

/* The conversion of img's samples to linear sRGB: its profile (img->icc;
 * sRGB without one), then the adaptation adapt (3x3 on linear sRGB; NULL
 * for none). An embedded sRGB profile whose curves and matrix match sRGB
 * within the SKD_SNAP tolerances takes the plain path. *out is freed with
 * skd_colour_lut_free; NULL on failure. */
int skd_colour_lut_for(skd_ctx *ctx, const skd_image *img,
                       const double adapt[3][3], skd_colour_lut **out);
/* The same with the analysis' white-reference adaptation. */
int skd_colour_lut_for_analysis(skd_ctx *ctx, const skd_image *img,
                                const skd_analysis *a, skd_colour_lut **out);
/* Compose adapt after the lut's conversion. */
void skd_colour_lut_adapt(skd_colour_lut *lut, const double adapt[3][3]);
void skd_colour_lut_free(skd_ctx *ctx, skd_colour_lut *lut);

/* Largest differences (linear units, white = 1) at which a profile's
 * curves and matrix count as sRGB's, so that the exact sRGB path is
 * taken. The sRGB profile most cameras embed (HP's "sRGB IEC61966-2.1")
 * differs from the standard by 1.5e-5 in its curves and 2.6e-4 in its
 * matrix (colorants rounded to 16 fraction bits, then adapted to D50
 * and back); a matrix error of 1e-3 moves skin a* by about 0.05. */
#define SKD_SNAP_TABLE_TOLERANCE 1e-4
#define SKD_SNAP_MATRIX_TOLERANCE 1e-3

/* n <= SKD_COLOUR_BLOCK pixels of 16-bit samples to linear sRGB in three
 * planes, by the lut's managed path (or the plain table). */
#define SKD_COLOUR_BLOCK 256
void skd_colour_linear_block(const uint16_t *restrict rgb, size_t n,
                             const skd_colour_lut *restrict lut,
                             float *restrict r, float *restrict g,
                             float *restrict b);

/* The erythema value 100 log10(R/G) of linear values: NaN where R or G is
 * not positive (the managed twin of the table difference). */
void skd_erythema_linear(const float *restrict r, const float *restrict g,
                         size_t n, float *restrict e);

/* ---- white reference (white_ref.c) ------------------------------------ */

/* Patch limits (docs/colour.md): at least 400 px, at most 1% of its
 * pixels with a sample >= 250/255, L* >= 15, Y's coefficient of
 * variation at most SKD_WHITE_REF_MAX_CV and the pixels' RMS distance
 * from the mean in (a*, b*) at most SKD_WHITE_REF_MAX_CHROMA_SD. A grey
 * card with 4% light fall-off and sensor noise (test_white_ref) measured
 * CV 1.5% (q92 JPEG) to 1.9% (PNG) and colour spread 0.5 to 1.4; a patch
 * half card, half skin of about the same lightness passes the CV limit
 * and measured a colour spread of 11.5. */
#define SKD_WHITE_REF_MIN_PIXELS 400
#define SKD_WHITE_REF_CLIP_SAMPLE (250u * 257u)
#define SKD_WHITE_REF_MAX_CLIPPED 0.01
#define SKD_WHITE_REF_MIN_L 15.0
#define SKD_WHITE_REF_MAX_CV 0.10
#define SKD_WHITE_REF_MAX_CHROMA_SD 4.0

/* Measure the patch roi of img through lut (no adaptation yet) and fill
 * info's white-reference members with the Bradford adaptation that makes
 * its mean neutral D65 at the same Y. SKD_E_WHITE_REF (with the reason)
 * for a patch the limits refuse or one outside the photo. */
int skd_white_ref_measure(skd_ctx *ctx, const skd_image *img,
                          const skd_colour_lut *lut, const skd_roi *roi,
                          skd_colour_info *info);

/* The conversion for an analysis: img's profile, then, when white_ref is
 * given (w, h > 0), the patch's adaptation. info receives the colour
 * source and the white reference's figures. *out: skd_colour_lut_free. */
int skd_colour_for_spec(skd_ctx *ctx, const skd_image *img,
                        const skd_roi *white_ref, skd_colour_info *info,
                        skd_colour_lut **out);

/* The luminance of the patch that its colour correction keeps (Bradford:
 * CIE Y; per-channel gains: Y as l reads it), from info's patch_lab: the
 * patch reads it after the correction unless SKD_OPT_WHITE_REF_Y asks for
 * another. */
double skd_white_ref_kept_y(const skd_colour_info *info);

/* The Bradford adaptation (linear sRGB -> linear sRGB) taking the colour
 * rgb to neutral D65 of the same luminance. */
void skd_bradford_to_neutral(const double rgb[3], double out[3][3]);

/* Whether this CPU runs the AVX2 copies of the row loops (x86-64 built
 * with GCC or clang); skd_colour_lut_create sets wide from it. */
int skd_colour_wide_available(void);

/* Relative luminance of linear sRGB as docs/measurements.md defines it for l:
 * 0.2126 R + 0.7152 G + 0.0722 B. */
#define SKD_LUMA_R 0.2126
#define SKD_LUMA_G 0.7152
#define SKD_LUMA_B 0.0722

static inline double skd_luminance(double r, double g, double b)
{
    return SKD_LUMA_R * r + SKD_LUMA_G * g + SKD_LUMA_B * b;
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

/* Float approximations for the row loops, written so that GCC vectorises
 * them: no libm call, no table, and selects on integer compares of the bits
 * (a float compare or a ternary between float operations stays a branch
 * under GCC's default -ftrapping-math, which stops the vectoriser). Both
 * need a positive normal x.
 * skd_ln_fast: ln x from the exponent and 2 atanh(s), s = (m-1)/(m+1) with
 * the mantissa m in [sqrt(1/2), sqrt(2)), five terms (truncation < 2e-9
 * relative), arranged so that the exact m - 1 carries the result.
 * skd_cbrt_fast: a bit-level first guess (within 3.2%) and two Halley
 * steps (cubic convergence: then 4e-5, then below float rounding), each
 * as a small correction. Measured against libm over every float in
 * [1e-6, 1.1]: ln within 0.92 ulp, cube root within 0.96 ulp (glibc's logf
 * and cbrtf: 0.82 and 0.97); test_colour checks a sample of them. */
static inline float skd_float_from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline uint32_t skd_bits_from_float(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* cond (0 or 1) ? a : b, without a branch. */
static inline float skd_select_float(int32_t cond, float a, float b)
{
    uint32_t m = 0u - (uint32_t)cond;
    return skd_float_from_bits((skd_bits_from_float(a) & m) |
                               (skd_bits_from_float(b) & ~m));
}

/* x > y for floats that are not NaN and y >= 0, on the bits. */
static inline int32_t skd_greater_float(float x, float y)
{
    return (int32_t)skd_bits_from_float(x) > (int32_t)skd_bits_from_float(y);
}

#define SKD_LN2_HI 0.693145751953125f     /* ln 2 to 16 bits: e * hi exact */
#define SKD_LN2_LO 1.42860682030941723e-6f /* ln 2 - SKD_LN2_HI */

static inline float skd_ln_fast(float x)
{
    uint32_t u = skd_bits_from_float(x), frac = u & 0x7fffffu;
    int32_t big = frac > 0x3504f3u; /* mantissa above sqrt 2: halve it */
    int32_t e = (int32_t)(u >> 23) - 127 + big;
    float m = skd_float_from_bits((frac | 0x3f800000u) - ((uint32_t)big << 23));
    /* ln m = 2s + s r = f - (f^2/2 - s (f^2/2 + r)), f = m - 1 exact */
    float f = m - 1.0f, s = f / (2.0f + f), z = s * s, hfsq = 0.5f * f * f;
    float r = z * (2.0f / 3 + z * (2.0f / 5 + z * (2.0f / 7 + z * (2.0f / 9))));
    float fe = (float)e;
    return fe * SKD_LN2_HI + ((f - (hfsq - s * (hfsq + r))) + fe * SKD_LN2_LO);
}

static inline float skd_cbrt_fast(float t)
{
    int32_t i = (int32_t)skd_bits_from_float(t);
    float y = skd_float_from_bits((uint32_t)((int32_t)((float)i * (1.0f / 3.0f)) +
                                             0x2a510000));
    for (int k = 0; k < 2; k++) {
        float y3 = y * y * y;
        y += y * (t - y3) / (2.0f * y3 + t); /* y (y^3 + 2t) / (2y^3 + t) */
    }
    return y;
}

/* Pixels too bright or too dark to measure: every sample at or above
 * high (near-white, the colour of the lamp: a specular highlight), or
 * Y = skd_luminance of the table values (in double) below min_y. A pixel
 * with one or two samples at or above high is coloured (flushed fair skin
 * clips red first): it is measured, and only flagged.
 * green_clear is derived: from this green sample on, green's own share of
 * Y reaches min_y (Y is a sum of non-negative terms, rounded
 * monotonically), so Y need not be summed. */
enum {
    SKD_CLIP_HIGHLIGHT = 1, /* every sample >= high */
    SKD_CLIP_DARK = 2,      /* Y < min_y */
    SKD_CLIP_PARTIAL = 4,   /* one or two samples >= high: kept, counted */
    SKD_CLIP_EXCLUDED = SKD_CLIP_HIGHLIGHT | SKD_CLIP_DARK
};

typedef struct skd_clip_rule {
    uint16_t high;
    double min_y;
    uint32_t green_clear;
} skd_clip_rule;

skd_clip_rule skd_clip_rule_make(const skd_colour_lut *lut, uint16_t high,
                                 double min_y);

/* The per-pixel planes of one row of 16-bit sRGB samples (n pixels).
 * skd_luminance_row: l = 100 ln(Y) (Y clamped to SKD_Y_FLOOR; l may be
 * NULL) and, when rule is given, clipped[i] = the SKD_CLIP_* bits of the
 * pixel (0 when none): HIGHLIGHT and DARK exclude it, PARTIAL does not. Y of l is summed in float, its logarithm is
 * skd_ln_fast. skd_a_star_row: a* in float, as
 * 500 (X/Xn - Y) / (fx^2 + fx fy + fy^2) where both f are cube roots,
 * which avoids the cancellation of fx - fy, and when erythema is not NULL
 * the erythema values as skd_erythema_row gives them (the samples are
 * loaded once for both). Two functions, so that the a* plane need not
 * exist while l is being filtered. Any run of pixels gives the same
 * values: a row, a part of one, or rows back to back. */
void skd_luminance_row(const uint16_t *restrict rgb, size_t n,
                       const skd_colour_lut *restrict lut,
                       const skd_clip_rule *rule, float *restrict l,
                       uint8_t *restrict clipped);
void skd_a_star_row(const uint16_t *restrict rgb, size_t n,
                    const skd_colour_lut *restrict lut, float *restrict a_star,
                    float *restrict erythema);

/* The erythema value 100 log10(R/G) of linear RGB of n pixels, a
 * difference of two lookups in log10_linear (skd_colour_lut), NaN when R
 * or G is zero. No plane of it is kept: it depends on the pixel's R and G
 * samples alone, so the statistics read it from the photo. */
static inline void skd_erythema_row(const uint16_t *restrict rgb, size_t n,
                                    const float *restrict log10_linear,
                                    float *restrict e)
{
    for (size_t i = 0; i < n; i++)
        e[i] = log10_linear[rgb[3 * i]] - log10_linear[rgb[3 * i + 1]];
}

/* The erythema values of n pixels by lut: skd_erythema_row on the plain
 * path, else from the managed linear values. */
void skd_erythema_row_lut(const uint16_t *restrict rgb, size_t n,
                          const skd_colour_lut *restrict lut,
                          float *restrict e);

/* The photo's 16-bit samples under an analysis, or under a crop of one:
 * pixel (x, y) of the analysis is rgb[3 * (y * stride + x)]; with the
 * table for skd_erythema_row, or, when lut is set and managed, the lut's
 * conversion (a photo with a profile or a white reference). */
typedef struct skd_photo_samples {
    const uint16_t *rgb;
    size_t stride;
    const float *log10_linear;
    const skd_colour_lut *lut;
} skd_photo_samples;

/* skd_luminance_row over the whole image (w*h planes; NULLs as there), in
 * bands of rows on up to SKD_OPT_THREADS threads. (The a* plane is made by
 * the first pass of the statistics, skd_analysis_figures.) */
void skd_luminance_plane(skd_ctx *ctx, const skd_image *img,
                         const skd_colour_lut *lut, const skd_clip_rule *rule,
                         float *l, uint8_t *clipped);

/* skd_luminance_row over the rectangle rect = {x0, y0, cols, rows} of the
 * image, read in place: its row j goes to l + j * l_stride and clipped +
 * j * clipped_stride (NULLs as there), the same values as the whole plane
 * has there. skd_analyze with an ROI reads only what M can depend on. */
void skd_luminance_rect(skd_ctx *ctx, const skd_image *img,
                        const skd_colour_lut *lut, const skd_clip_rule *rule,
                        const size_t rect[4], float *l, size_t l_stride,
                        uint8_t *clipped, size_t clipped_stride);

#endif
