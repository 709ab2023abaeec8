/* Colour management: a photo's samples to linear sRGB through its ICC
 * profile (docs/colour.md), relative colorimetric, with LittleCMS.
 *
 * A matrix-shaper profile (nearly every camera and phone profile) is a
 * tone curve per channel and a 3x3 matrix, so it becomes three 16-bit
 * tables and a matrix, and the row loops stay lookups plus a few
 * multiply-adds. The curves are the profile's own, evaluated by
 * LittleCMS; the matrix is solved from LittleCMS' own transform of the
 * three primaries, so chromatic adaptation to D65 is LittleCMS' too; and
 * the pair is checked against the transform on test colours, falling back
 * to the transform itself when they disagree. Any other profile (LUT
 * based) runs through cmsDoTransform, a block of pixels at a time, with
 * float output that is not clipped. Transforms are made with
 * cmsFLAGS_NOCACHE, so the threads of one analysis can share them. */
#include <math.h>
#include <string.h>

#include <lcms2.h>

#include "colour.h"

/* Agreement needed between tables + matrix and LittleCMS' transform,
 * in linear units (white = 1): far below what a* can see (~1e-3). */
#define MATCH_TOLERANCE 1e-4

static void mat_identity(float m[3][3])
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            m[i][j] = i == j ? 1.0f : 0.0f;
}

static int invert3(const double a[3][3], double inv[3][3])
{
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
                 a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
                 a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    if (!(fabs(det) > 1e-12))
        return 0;
    inv[0][0] = (a[1][1] * a[2][2] - a[1][2] * a[2][1]) / det;
    inv[0][1] = (a[0][2] * a[2][1] - a[0][1] * a[2][2]) / det;
    inv[0][2] = (a[0][1] * a[1][2] - a[0][2] * a[1][1]) / det;
    inv[1][0] = (a[1][2] * a[2][0] - a[1][0] * a[2][2]) / det;
    inv[1][1] = (a[0][0] * a[2][2] - a[0][2] * a[2][0]) / det;
    inv[1][2] = (a[0][2] * a[1][0] - a[0][0] * a[1][2]) / det;
    inv[2][0] = (a[1][0] * a[2][1] - a[1][1] * a[2][0]) / det;
    inv[2][1] = (a[0][1] * a[2][0] - a[0][0] * a[2][1]) / det;
    inv[2][2] = (a[0][0] * a[1][1] - a[0][1] * a[1][0]) / det;
    return 1;
}

/* The three curves of the profile into the lut's tables (grey: one
 * curve thrice). 0 when a curve is missing. */
static int read_curves(cmsHPROFILE h, int grey, skd_colour_lut *t)
{
    static const cmsTagSignature rgb_tags[3] = {
        cmsSigRedTRCTag, cmsSigGreenTRCTag, cmsSigBlueTRCTag};
    float *tables[3] = {t->linear, t->linear_g, t->linear_b};
    for (int c = 0; c < 3; c++) {
        const cmsToneCurve *curve =
            cmsReadTag(h, grey ? cmsSigGrayTRCTag : rgb_tags[c]);
        if (!curve)
            return 0;
        for (size_t i = 0; i < SKD_SRGB_TABLE_SIZE; i++)
            tables[c][i] = cmsEvalToneCurveFloat(curve, (float)i / 65535.0f);
    }
    return 1;
}

static void transform_pixels(cmsHTRANSFORM x, const uint16_t *in, float *out,
                             size_t n)
{
    cmsDoTransform(x, in, out, (cmsUInt32Number)n);
}

/* The matrix M with out = M * curves(sample), from the transform of the
 * three primaries at full scale, then checked on test colours. */
static int solve_matrix(cmsHTRANSFORM x, skd_colour_lut *t)
{
    static const uint16_t prim[9] = {65535, 0, 0, 0, 65535, 0, 0, 0, 65535};
    const float *tables[3] = {t->linear, t->linear_g, t->linear_b};
    double f[3][3], finv[3][3], m[3][3];
    float out[9], got[3 * 64];
    uint16_t test[3 * 64];
    uint32_t seed = 12345;

    transform_pixels(x, prim, out, 3);
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < 3; k++)
            f[c][k] = tables[c][prim[3 * k + c]];
    if (!invert3(f, finv))
        return 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            m[i][j] = 0;
            for (int k = 0; k < 3; k++)
                m[i][j] += (double)out[3 * k + i] * finv[k][j];
            t->matrix[i][j] = (float)m[i][j];
        }
    for (int i = 0; i < 64; i++)
        for (int c = 0; c < 3; c++) {
            seed = seed * 1664525u + 1013904223u;
            test[3 * i + c] = (uint16_t)(seed >> 16);
        }
    transform_pixels(x, test, got, 64);
    for (int i = 0; i < 64; i++)
        for (int r = 0; r < 3; r++) {
            double v = 0;
            for (int c = 0; c < 3; c++)
                v += m[r][c] * tables[c][test[3 * i + c]];
            if (!(fabs(v - got[3 * i + r]) <= MATCH_TOLERANCE))
                return 0;
        }
    return 1;
}

/* Tables and matrix within the SKD_SNAP tolerances of plain sRGB. */
static int is_srgb(const skd_colour_lut *t, const float *srgb)
{
    const float *tables[3] = {t->linear, t->linear_g, t->linear_b};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            if (!(fabs(t->matrix[i][j] - (i == j)) <= SKD_SNAP_MATRIX_TOLERANCE))
                return 0;
    for (int c = 0; c < 3; c++)
        for (size_t i = 0; i < SKD_SRGB_TABLE_SIZE; i++)
            if (!(fabs(tables[c][i] - srgb[i]) <= SKD_SNAP_TABLE_TOLERANCE))
                return 0;
    return 1;
}

/* The profile's conversion into t (managed), or t left plain for a
 * profile that is sRGB. */
static int apply_profile(skd_ctx *ctx, const skd_image *img, skd_colour_lut *t,
                         const float *srgb)
{
    cmsContext c = skd_cms(ctx);
    cmsHPROFILE in, out;
    cmsHTRANSFORM x = NULL;
    cmsUInt32Number fmt;
    int grey;

    if (!c)
        return SKD_E_NOMEM;
    ctx->cms_error[0] = '\0';
    in = cmsOpenProfileFromMemTHR(c, img->icc, (cmsUInt32Number)img->icc_size);
    if (!in)
        return skd_fail(ctx, SKD_E_CORRUPT, "the image's ICC profile is "
                        "damaged (LittleCMS: %s)", ctx->cms_error);
    grey = cmsGetColorSpace(in) == cmsSigGrayData;
    /* Grey: the first of every three samples (R = G = B). */
    fmt = grey ? (COLORSPACE_SH(PT_GRAY) | CHANNELS_SH(1) | BYTES_SH(2) |
                  EXTRA_SH(2))
               : TYPE_RGB_16;
    out = skd_cms_linear_srgb(ctx);
    if (out)
        x = cmsCreateTransformTHR(c, in, fmt, out, TYPE_RGB_FLT,
                                  INTENT_RELATIVE_COLORIMETRIC,
                                  cmsFLAGS_NOCACHE);
    if (out)
        cmsCloseProfile(out);
    if (!x) {
        cmsCloseProfile(in);
        return skd_fail(ctx, out ? SKD_E_CORRUPT : SKD_E_NOMEM,
                        "the image's ICC profile cannot convert its colours "
                        "(LittleCMS: %s)", ctx->cms_error);
    }
    t->managed = 1;
    t->has_matrix = 1;
    if (cmsIsMatrixShaper(in) && read_curves(in, grey, t) &&
        solve_matrix(x, t)) {
        cmsDeleteTransform(x);
        if (is_srgb(t, srgb)) { /* back to the exact plain path */
            memcpy(t->linear, srgb, sizeof t->linear);
            t->managed = 0;
            t->has_matrix = 0;
        }
    } else {
        t->xform = x;
        t->has_matrix = 0;
        mat_identity(t->matrix);
    }
    cmsCloseProfile(in);
    return SKD_OK;
}

void skd_colour_lut_adapt(skd_colour_lut *lut, const double adapt[3][3])
{
    float m[3][3];
    if (!lut->managed) { /* plain sRGB becomes three equal tables */
        memcpy(lut->linear_g, lut->linear, sizeof lut->linear);
        memcpy(lut->linear_b, lut->linear, sizeof lut->linear);
        mat_identity(lut->matrix);
        lut->managed = 1;
    }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double v = 0;
            for (int k = 0; k < 3; k++)
                v += adapt[i][k] * (double)lut->matrix[k][j];
            m[i][j] = (float)v;
        }
    memcpy(lut->matrix, m, sizeof m);
    lut->has_matrix = 1;
}

int skd_colour_lut_for(skd_ctx *ctx, const skd_image *img,
                       const double adapt[3][3], skd_colour_lut **out)
{
    skd_colour_lut *t = skd_colour_lut_create(ctx);
    float *srgb;
    int st = SKD_OK;
    *out = NULL;
    if (!t)
        return SKD_E_NOMEM;
    if (img && img->icc && img->icc_size) {
        /* the plain table is kept aside for the sRGB comparison */
        srgb = skd_malloc_array(ctx, SKD_SRGB_TABLE_SIZE, sizeof *srgb);
        if (!srgb)
            st = SKD_E_NOMEM;
        else {
            memcpy(srgb, t->linear, sizeof t->linear);
            st = apply_profile(ctx, img, t, srgb);
            skd_dealloc(ctx, srgb);
        }
    }
    if (st != SKD_OK) {
        skd_colour_lut_free(ctx, t);
        return st;
    }
    if (adapt)
        skd_colour_lut_adapt(t, adapt);
    *out = t;
    return SKD_OK;
}

int skd_colour_lut_for_analysis(skd_ctx *ctx, const skd_image *img,
                                const skd_analysis *a, skd_colour_lut **out)
{
    return skd_colour_lut_for(ctx, img,
                              a && a->colour.white_ref ? a->colour.adaptation
                                                       : NULL,
                              out);
}

void skd_colour_lut_free(skd_ctx *ctx, skd_colour_lut *lut)
{
    if (!lut)
        return;
    if (lut->xform)
        cmsDeleteTransform(lut->xform);
    skd_dealloc(ctx, lut);
}

void skd_colour_linear_block(const uint16_t *restrict rgb, size_t n,
                             const skd_colour_lut *restrict lut,
                             float *restrict r, float *restrict g,
                             float *restrict b)
{
    if (lut->xform) {
        float buf[3 * SKD_COLOUR_BLOCK];
        transform_pixels(lut->xform, rgb, buf, n);
        for (size_t i = 0; i < n; i++) {
            r[i] = buf[3 * i];
            g[i] = buf[3 * i + 1];
            b[i] = buf[3 * i + 2];
        }
    } else {
        const float *lr = lut->linear;
        const float *lg = lut->managed ? lut->linear_g : lut->linear;
        const float *lb = lut->managed ? lut->linear_b : lut->linear;
        for (size_t i = 0; i < n; i++) {
            r[i] = lr[rgb[3 * i]];
            g[i] = lg[rgb[3 * i + 1]];
            b[i] = lb[rgb[3 * i + 2]];
        }
    }
    if (lut->has_matrix) {
        const float(*m)[3] = lut->matrix;
        for (size_t i = 0; i < n; i++) {
            float x = r[i], y = g[i], z = b[i];
            r[i] = m[0][0] * x + m[0][1] * y + m[0][2] * z;
            g[i] = m[1][0] * x + m[1][1] * y + m[1][2] * z;
            b[i] = m[2][0] * x + m[2][1] * y + m[2][2] * z;
        }
    }
}

void skd_erythema_linear(const float *restrict r, const float *restrict g,
                         size_t n, float *restrict e)
{
    /* 100 log10(r/g) = (100 / ln 10) (ln r - ln g); below a tiny floor
     * (or negative: outside sRGB's gamut) the value is undefined. */
    const float k = (float)(100.0 / 2.302585092994046), tiny = 1e-20f;
    for (size_t i = 0; i < n; i++) {
        int32_t ok = skd_greater_float(r[i], tiny) & skd_greater_float(g[i], tiny);
        float lr = skd_ln_fast(skd_select_float(ok, r[i], 1.0f));
        float lg = skd_ln_fast(skd_select_float(ok, g[i], 1.0f));
        e[i] = skd_select_float(ok, k * (lr - lg), NAN);
    }
}

void skd_erythema_row_lut(const uint16_t *restrict rgb, size_t n,
                          const skd_colour_lut *restrict lut,
                          float *restrict e)
{
    float r[SKD_COLOUR_BLOCK], g[SKD_COLOUR_BLOCK], b[SKD_COLOUR_BLOCK];
    if (!lut->managed) {
        skd_erythema_row(rgb, n, lut->log10_linear, e);
        return;
    }
    for (size_t i = 0; i < n; i += SKD_COLOUR_BLOCK) {
        size_t m = n - i < SKD_COLOUR_BLOCK ? n - i : SKD_COLOUR_BLOCK;
        skd_colour_linear_block(rgb + 3 * i, m, lut, r, g, b);
        skd_erythema_linear(r, g, m, e + i);
    }
}
