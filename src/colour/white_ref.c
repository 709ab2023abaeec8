/* The white reference: a neutral patch in the photo (grey card, white
 * balance card) whose mean colour, after the profile, is adapted to
 * neutral D65 at its own luminance by a Bradford transform (or, on
 * request, at the luminance SKD_OPT_WHITE_REF_Y), folded into the 3x3
 * matrix of the conversion, so every plane sees the corrected colour. A
 * patch that cannot tell the colour of the light is refused. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "colour.h"

/* Bradford cone response matrix (Lam 1985, as in ICC v4 and LittleCMS). */
static const double bradford[3][3] = {
    {0.8951, 0.2664, -0.1614},
    {-0.7502, 1.7135, 0.0367},
    {0.0389, -0.0685, 1.0296},
};

static const double bradford_inv[3][3] = {
    {0.9869929, -0.1470543, 0.1599627},
    {0.4323053, 0.5183603, 0.0492912},
    {-0.0085287, 0.0400428, 0.9684867},
};

static void mul3v(const double m[3][3], const double v[3], double out[3])
{
    for (int i = 0; i < 3; i++)
        out[i] = m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2];
}

void skd_bradford_to_neutral(const double rgb[3], double out[3][3])
{
    static const double d65[3] = {SKD_WHITE_X, SKD_WHITE_Y, SKD_WHITE_Z};
    double xyz[3], cone_src[3], cone_dst[3], scale[3];
    mul3v(bradford, d65, cone_dst);
    skd_linear_to_xyz(rgb, xyz);
    mul3v(bradford, xyz, cone_src);
    /* the patch goes to D65 * Y: same luminance, neutral */
    for (int i = 0; i < 3; i++)
        scale[i] = cone_dst[i] * xyz[1] / cone_src[i];
    /* column k: linear sRGB e_k through XYZ, cones, scale, back */
    for (int k = 0; k < 3; k++) {
        double e[3] = {k == 0, k == 1, k == 2}, v[3], w[3];
        skd_linear_to_xyz(e, v);
        mul3v(bradford, v, w);
        for (int i = 0; i < 3; i++)
            w[i] *= scale[i];
        mul3v(bradford_inv, w, v);
        skd_xyz_to_linear(v, w);
        for (int i = 0; i < 3; i++)
            out[i][k] = w[i];
    }
}

typedef struct patch_sums {
    double r, g, b, y, yy;
    double a, aa, bb, b2; /* a* and b* of the pixels, sums and squares */
    uint64_t clipped;
} patch_sums;

static void sum_patch(const skd_image *img, const skd_colour_lut *lut,
                      const skd_roi *roi, patch_sums *s)
{
    float r[SKD_COLOUR_BLOCK], g[SKD_COLOUR_BLOCK], b[SKD_COLOUR_BLOCK];
    memset(s, 0, sizeof *s);
    for (uint32_t y = roi->y; y < roi->y + roi->h; y++) {
        const uint16_t *row = img->rgb + 3 * ((size_t)y * img->width + roi->x);
        for (uint32_t i = 0; i < roi->w; i += SKD_COLOUR_BLOCK) {
            size_t m = roi->w - i < SKD_COLOUR_BLOCK ? roi->w - i
                                                     : SKD_COLOUR_BLOCK;
            const uint16_t *p = row + 3 * (size_t)i;
            skd_colour_linear_block(p, m, lut, r, g, b);
            for (size_t j = 0; j < m; j++) {
                double yv = skd_luminance(r[j], g[j], b[j]);
                double px[3] = {r[j], g[j], b[j]}, xyz[3], lab[3];
                skd_linear_to_xyz(px, xyz);
                skd_xyz_to_lab(xyz, lab);
                s->a += lab[1];
                s->aa += lab[1] * lab[1];
                s->bb += lab[2];
                s->b2 += lab[2] * lab[2];
                s->r += r[j];
                s->g += g[j];
                s->b += b[j];
                s->y += yv;
                s->yy += yv * yv;
                s->clipped += p[3 * j] >= SKD_WHITE_REF_CLIP_SAMPLE ||
                              p[3 * j + 1] >= SKD_WHITE_REF_CLIP_SAMPLE ||
                              p[3 * j + 2] >= SKD_WHITE_REF_CLIP_SAMPLE;
            }
        }
    }
}

int skd_white_ref_measure(skd_ctx *ctx, const skd_image *img,
                          const skd_colour_lut *lut, const skd_roi *roi,
                          skd_colour_info *info)
{
    uint64_t n = (uint64_t)roi->w * roi->h;
    double mean[3], xyz[3], lab[3], my, var;
    patch_sums s;

    if (roi->x >= img->width || roi->y >= img->height ||
        roi->w > img->width - roi->x || roi->h > img->height - roi->y)
        return skd_fail(ctx, SKD_E_WHITE_REF,
                        "white reference %u,%u,%u,%u lies outside the %ux%u "
                        "photo", roi->x, roi->y, roi->w, roi->h,
                        img->width, img->height);
    if (n < SKD_WHITE_REF_MIN_PIXELS)
        return skd_fail(ctx, SKD_E_WHITE_REF,
                        "white reference too small: %llu px, at least %d "
                        "needed", (unsigned long long)n,
                        SKD_WHITE_REF_MIN_PIXELS);
    sum_patch(img, lut, roi, &s);
    if ((double)s.clipped > SKD_WHITE_REF_MAX_CLIPPED * (double)n)
        return skd_fail(ctx, SKD_E_WHITE_REF,
                        "white reference clipped: %.1f%% of the patch has a "
                        "channel at 250/255 or above (at most %.0f%%); use a "
                        "grey card or a darker exposure",
                        100.0 * (double)s.clipped / (double)n,
                        100 * SKD_WHITE_REF_MAX_CLIPPED);
    mean[0] = s.r / (double)n;
    mean[1] = s.g / (double)n;
    mean[2] = s.b / (double)n;
    my = s.y / (double)n;
    skd_linear_to_xyz(mean, xyz);
    skd_xyz_to_lab(xyz, lab);
    if (!(lab[0] >= SKD_WHITE_REF_MIN_L) || !(mean[0] > 0 && mean[1] > 0 &&
                                              mean[2] > 0))
        return skd_fail(ctx, SKD_E_WHITE_REF,
                        "white reference too dark: L* %.1f (at least %.0f)",
                        lab[0], SKD_WHITE_REF_MIN_L);
    var = s.yy / (double)n - my * my;
    info->patch_cv = var > 0 ? sqrt(var) / my : 0;
    if (info->patch_cv > SKD_WHITE_REF_MAX_CV)
        return skd_fail(ctx, SKD_E_WHITE_REF,
                        "white reference not uniform: its luminance varies "
                        "by %.1f%% (coefficient of variation; at most %.0f%%)",
                        100 * info->patch_cv, 100 * SKD_WHITE_REF_MAX_CV);
    {
        double ma = s.a / (double)n, mb = s.bb / (double)n;
        double v = s.aa / (double)n - ma * ma + s.b2 / (double)n - mb * mb;
        info->patch_chroma_sd = v > 0 ? sqrt(v) : 0;
    }
    if (info->patch_chroma_sd > SKD_WHITE_REF_MAX_CHROMA_SD)
        return skd_fail(ctx, SKD_E_WHITE_REF,
                        "white reference not uniform: its colour varies by "
                        "%.1f CIELAB units (RMS distance in a*, b*; at most "
                        "%.0f): is it all card?", info->patch_chroma_sd,
                        SKD_WHITE_REF_MAX_CHROMA_SD);
    info->white_ref_method = skd_opt(ctx, SKD_OPT_WHITE_REF_METHOD) > 0.5;
    for (int c = 0; c < 3; c++) {
        info->gains[c] = my / mean[c];
        info->patch_lab[c] = lab[c];
    }
    if (info->white_ref_method == 0)
        skd_bradford_to_neutral(mean, info->adaptation);
    else
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                info->adaptation[i][j] = i == j ? info->gains[i] : 0;
    {
        /* the patch keeps its Y (Bradford: XYZ Y; gains: Y as l reads it)
         * unless a level is asked for; scaling all light is exact */
        double level = skd_opt(ctx, SKD_OPT_WHITE_REF_Y);
        double k = level > 0 ? level / (info->white_ref_method ? my : xyz[1])
                             : 1.0;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                info->adaptation[i][j] *= k;
    }
    info->white_ref = 1;
    info->white_ref_roi = *roi;
    return SKD_OK;
}

int skd_colour_for_spec(skd_ctx *ctx, const skd_image *img,
                        const skd_roi *white_ref, skd_colour_info *info,
                        skd_colour_lut **out)
{
    int st;
    memset(info, 0, sizeof *info);
    snprintf(info->source, sizeof info->source, "%s",
             img->info.colour_source[0] ? img->info.colour_source
                                        : "assumed sRGB");
    for (int i = 0; i < 3; i++)
        info->adaptation[i][i] = 1;
    st = skd_colour_lut_for(ctx, img, NULL, out);
    if (st != SKD_OK || !white_ref || white_ref->w == 0 || white_ref->h == 0)
        return st;
    st = skd_white_ref_measure(ctx, img, *out, white_ref, info);
    if (st == SKD_OK) {
        skd_colour_lut_adapt(*out, info->adaptation);
        return SKD_OK;
    }
    skd_colour_lut_free(ctx, *out);
    *out = NULL;
    return st;
}

double skd_white_ref_kept_y(const skd_colour_info *info)
{
    double xyz[3], rgb[3];
    skd_lab_to_xyz(info->patch_lab, xyz);
    if (!info->white_ref_method)
        return xyz[1];
    skd_xyz_to_linear(xyz, rgb);
    return skd_luminance(rgb[0], rgb[1], rgb[2]);
}
