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

/* Rows go through blocks of BLOCK pixels: a scalar loop gathers the table
 * values into arrays, then loops without lookups do the arithmetic, and
 * those the compiler vectorises. */
#define BLOCK 256

typedef struct linear_block {
    float r[BLOCK], g[BLOCK], b[BLOCK];
} linear_block;

static void gather_linear(const uint16_t *restrict rgb, size_t n,
                          const float *restrict lin, linear_block *restrict lb)
{
    for (size_t i = 0; i < n; i++) {
        lb->r[i] = lin[rgb[3 * i]];
        lb->g[i] = lin[rgb[3 * i + 1]];
        lb->b[i] = lin[rgb[3 * i + 2]];
    }
}

/* The same, with the erythema values: log10_linear is NaN at 0. */
static void gather_linear_erythema(const uint16_t *restrict rgb, size_t n,
                                   const skd_colour_lut *restrict lut,
                                   linear_block *restrict lb,
                                   float *restrict e)
{
    const float *lin = lut->linear, *lg = lut->log10_linear;
    for (size_t i = 0; i < n; i++) {
        uint16_t r16 = rgb[3 * i], g16 = rgb[3 * i + 1];
        lb->r[i] = lin[r16];
        lb->g[i] = lin[g16];
        lb->b[i] = lin[rgb[3 * i + 2]];
        e[i] = lg[r16] - lg[g16];
    }
}

/* Near-white (every channel at or above high) has the lamp's colour: a
 * specular highlight. One or two clipped channels are coloured skin
 * (flushed fair skin clips red first): only flagged. */
static inline uint8_t highlight_flags(const uint16_t *restrict px, uint16_t high)
{
    unsigned hr = px[0] >= high, hg = px[1] >= high, hb = px[2] >= high;
    unsigned all = hr & hg & hb, any = hr | hg | hb;
    return (uint8_t)(all * SKD_CLIP_HIGHLIGHT | (any & !all) * SKD_CLIP_PARTIAL);
}

/* The same, with the clip flags; Y only where green does not settle it. */
static void gather_linear_clipped(const uint16_t *restrict rgb, size_t n,
                                  const float *restrict lin,
                                  const skd_clip_rule *restrict rule,
                                  linear_block *restrict lb,
                                  uint8_t *restrict clipped)
{
    for (size_t i = 0; i < n; i++) {
        uint16_t r16 = rgb[3 * i], g16 = rgb[3 * i + 1], b16 = rgb[3 * i + 2];
        float r = lin[r16], g = lin[g16], b = lin[b16];
        uint8_t c = highlight_flags(rgb + 3 * i, rule->high);
        if (g16 < rule->green_clear)
            c |= (uint8_t)((skd_luminance(r, g, b) < rule->min_y) * SKD_CLIP_DARK);
        lb->r[i] = r;
        lb->g[i] = g;
        lb->b[i] = b;
        clipped[i] = c;
    }
}

/* The vector loops are written once, as inline bodies, and compiled twice
 * on x86-64: for the baseline (SSE2, 4 floats) and for AVX2 (8 floats),
 * chosen at run time (skd_colour_lut.wide). The AVX2 copy is the same C:
 * no FMA (GCC keeps -ffp-contract off in ISO C mode, and the avx2 target
 * does not include FMA), so each lane does the same IEEE operations in the
 * same order and both give the same bits; test_colour compares them. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define WIDE_LOOPS 1
#define BODY static inline __attribute__((always_inline))
#else
#define WIDE_LOOPS 0
#define BODY static inline
#endif

BODY void log_luminance_body(const linear_block *restrict lb, size_t n,
                             float *restrict l)
{
    const float y_floor = (float)SKD_Y_FLOOR;
    for (size_t i = 0; i < n; i++) {
        float y = (float)SKD_LUMA_R * lb->r[i] + (float)SKD_LUMA_G * lb->g[i] +
                  (float)SKD_LUMA_B * lb->b[i];
        y = skd_select_float(skd_greater_float(y, y_floor), y, y_floor);
        l[i] = 100.0f * skd_ln_fast(y);
    }
}

/* X/Xn - Y as K_R (r - g) + K_B (b - g) + K_S g: r - g and b - g are exact
 * for skin colours, so the difference keeps float precision. */
#define K_R ((float)(0.4124564 / SKD_WHITE_X - 0.2126729))
#define K_G (0.3575761 / SKD_WHITE_X - 0.7151522)
#define K_B ((float)(0.1804375 / SKD_WHITE_X - 0.0721750))
#define K_S ((float)(0.4124564 / SKD_WHITE_X - 0.2126729 + K_G + \
                     0.1804375 / SKD_WHITE_X - 0.0721750))

static inline float lab_f_float(float t, float cbrt_t)
{
    float linear = (float)(LAB_KAPPA / 116.0) * t + (float)(16.0 / 116.0);
    return skd_select_float(skd_greater_float(t, (float)LAB_EPSILON), cbrt_t,
                            linear);
}

/* a* of the block. fx - fy is d / (fx^2 + fx fy + fy^2) when both are cube
 * roots, else the plain difference (dark pixels, never in R). */
BODY void a_star_body(const linear_block *restrict lb, size_t n,
                      float *restrict a)
{
    const float eps = (float)LAB_EPSILON;
    for (size_t i = 0; i < n; i++) {
        float r = lb->r[i], g = lb->g[i], b = lb->b[i];
        float d = K_R * (r - g) + K_B * (b - g) + K_S * g;
        float y = (float)rgb_to_xyz[1][0] * r + (float)rgb_to_xyz[1][1] * g +
                  (float)rgb_to_xyz[1][2] * b;
        float xn = y + d;
        float fy = skd_cbrt_fast(y), fx = skd_cbrt_fast(xn);
        float cubic = d / (fx * fx + fx * fy + fy * fy);
        float plain = lab_f_float(xn, fx) - lab_f_float(y, fy);
        int32_t both = skd_greater_float(xn, eps) & skd_greater_float(y, eps);
        a[i] = 500.0f * skd_select_float(both, cubic, plain);
    }
}

static void log_luminance_block(const linear_block *restrict lb, size_t n,
                                float *restrict l)
{
    log_luminance_body(lb, n, l);
}

static void a_star_block(const linear_block *restrict lb, size_t n,
                         float *restrict a)
{
    a_star_body(lb, n, a);
}

#if WIDE_LOOPS
__attribute__((target("avx2"))) static void
log_luminance_block_wide(const linear_block *restrict lb, size_t n,
                         float *restrict l)
{
    log_luminance_body(lb, n, l);
}

__attribute__((target("avx2"))) static void
a_star_block_wide(const linear_block *restrict lb, size_t n, float *restrict a)
{
    a_star_body(lb, n, a);
}

int skd_colour_wide_available(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
}
#else
#define log_luminance_block_wide log_luminance_block
#define a_star_block_wide a_star_block

int skd_colour_wide_available(void)
{
    return 0;
}
#endif

/* The clip flags of the managed path: the samples for highlights, Y of
 * the converted colour for darkness. */
static void managed_clipped(const uint16_t *restrict rgb, size_t n,
                            const skd_clip_rule *restrict rule,
                            const linear_block *restrict lb,
                            uint8_t *restrict clipped)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = highlight_flags(rgb + 3 * i, rule->high);
        if (skd_luminance(lb->r[i], lb->g[i], lb->b[i]) < rule->min_y)
            c |= SKD_CLIP_DARK;
        clipped[i] = c;
    }
}

void skd_luminance_row(const uint16_t *restrict rgb, size_t n,
                       const skd_colour_lut *restrict lut,
                       const skd_clip_rule *rule, float *restrict l,
                       uint8_t *restrict clipped)
{
    linear_block lb;
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t m = n - i < BLOCK ? n - i : BLOCK;
        if (lut->managed) {
            skd_colour_linear_block(rgb + 3 * i, m, lut, lb.r, lb.g, lb.b);
            if (rule)
                managed_clipped(rgb + 3 * i, m, rule, &lb, clipped + i);
        } else if (rule)
            gather_linear_clipped(rgb + 3 * i, m, lut->linear, rule, &lb,
                                  clipped + i);
        else
            gather_linear(rgb + 3 * i, m, lut->linear, &lb);
        if (l && lut->wide)
            log_luminance_block_wide(&lb, m, l + i);
        else if (l)
            log_luminance_block(&lb, m, l + i);
    }
}

void skd_a_star_row(const uint16_t *restrict rgb, size_t n,
                    const skd_colour_lut *restrict lut, float *restrict a_star,
                    float *restrict erythema)
{
    linear_block lb;
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t m = n - i < BLOCK ? n - i : BLOCK;
        if (lut->managed) {
            skd_colour_linear_block(rgb + 3 * i, m, lut, lb.r, lb.g, lb.b);
            if (erythema)
                skd_erythema_linear(lb.r, lb.g, m, erythema + i);
        } else if (erythema)
            gather_linear_erythema(rgb + 3 * i, m, lut, &lb, erythema + i);
        else
            gather_linear(rgb + 3 * i, m, lut->linear, &lb);
        if (lut->wide)
            a_star_block_wide(&lb, m, a_star + i);
        else
            a_star_block(&lb, m, a_star + i);
    }
}
