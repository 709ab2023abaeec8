/* The photo's colour description: what the file says (an embedded ICC
 * profile, PNG sRGB/gAMA/cHRM, a HEIF nclx box, the EXIF colour space)
 * in the order of precedence, checked with LittleCMS. Where the file
 * gives chromaticities and a curve instead of a profile, a profile is
 * built from them, so the colour module has one way in: ICC bytes, or
 * none for sRGB. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lcms2.h>

#include "decode.h"

/* sRGB primaries and D65 white; Adobe RGB (1998): the same white and red,
 * other green and blue, gamma 563/256. */
static const double srgb_chrm[8] = {0.3127, 0.3290, 0.64, 0.33,
                                    0.30,   0.60,   0.15, 0.06};
static const double adobe_chrm[8] = {0.3127, 0.3290, 0.64, 0.33,
                                     0.21,   0.71,   0.15, 0.06};
#define ADOBE_GAMMA (563.0 / 256.0)

void skd_colour_tags_free(skd_ctx *ctx, skd_colour_tags *t)
{
    skd_dealloc(ctx, t->icc);
    t->icc = NULL;
}

/* Printable ASCII only: the text goes into JSON, CSV and terminals. */
static void ascii_copy(char *out, size_t n, const char *in)
{
    size_t k = 0;
    for (; *in && k + 1 < n; in++)
        out[k++] = (*in >= 0x20 && *in < 0x7f && *in != '"' && *in != '\\')
                       ? *in : '?';
    while (k > 0 && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
}

static void describe(cmsHPROFILE h, char *out, size_t n)
{
    char raw[256];
    raw[0] = '\0';
    if (cmsGetProfileInfoASCII(h, cmsInfoDescription, "en", "US", raw,
                               sizeof raw) == 0)
        raw[0] = '\0';
    raw[sizeof raw - 1] = '\0';
    ascii_copy(out, n, raw);
}

void skd_icc_description(skd_ctx *ctx, const uint8_t *icc, size_t size,
                         char *out, size_t n)
{
    cmsContext c = skd_cms(ctx);
    cmsHPROFILE h = c ? cmsOpenProfileFromMemTHR(c, icc, (cmsUInt32Number)size)
                      : NULL;
    out[0] = '\0';
    if (h) {
        describe(h, out, n);
        cmsCloseProfile(h);
    }
}

static int cms_fail(skd_ctx *ctx, int status, const char *what)
{
    if (!ctx->cms_error[0])
        return skd_fail(ctx, status, "%s", what);
    return skd_fail(ctx, status, "%s (LittleCMS: %s)", what, ctx->cms_error);
}

/* A profile that converts samples of space data to linear sRGB. */
static int check_profile(skd_ctx *ctx, cmsHPROFILE h, skd_data_space data)
{
    cmsContext c = skd_cms(ctx);
    cmsProfileClassSignature cls = cmsGetDeviceClass(h);
    cmsColorSpaceSignature cs = cmsGetColorSpace(h);
    cmsUInt32Number fmt;
    cmsHPROFILE out;
    cmsHTRANSFORM x;

    if (cls == cmsSigLinkClass || cls == cmsSigAbstractClass ||
        cls == cmsSigNamedColorClass)
        return skd_fail(ctx, SKD_E_UNSUPPORTED,
                        "embedded ICC profile is a device link, abstract or "
                        "named-colour profile, not an image's profile");
    if (cs == cmsSigRgbData)
        fmt = TYPE_RGB_16;
    else if (cs == cmsSigGrayData && data == SKD_DATA_GREY)
        fmt = TYPE_GRAY_16;
    else
        return skd_fail(ctx, SKD_E_UNSUPPORTED,
                        "embedded ICC profile is for %s data, the image is %s",
                        cs == cmsSigGrayData ? "grey"
                        : cs == cmsSigCmykData ? "CMYK" : "other (not RGB)",
                        data == SKD_DATA_GREY ? "grey" : "RGB");
    out = skd_cms_linear_srgb(ctx);
    if (!out)
        return SKD_E_NOMEM;
    ctx->cms_error[0] = '\0';
    x = cmsCreateTransformTHR(c, h, fmt, out, TYPE_RGB_FLT,
                              INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE);
    cmsCloseProfile(out);
    if (!x)
        return cms_fail(ctx, SKD_E_CORRUPT,
                        "embedded ICC profile cannot convert the image's "
                        "colours");
    cmsDeleteTransform(x);
    return SKD_OK;
}

/* The embedded profile: checked, described, copied when wanted. */
static int resolve_icc(skd_ctx *ctx, const skd_colour_tags *t,
                       skd_image_info *info, uint8_t **icc, size_t *icc_size)
{
    cmsContext c = skd_cms(ctx);
    cmsHPROFILE h;
    char desc[96];
    int st;

    if (!c)
        return SKD_E_NOMEM;
    if (t->icc_size > 0xffffffffu)
        return skd_fail(ctx, SKD_E_CORRUPT, "embedded ICC profile too large");
    ctx->cms_error[0] = '\0';
    h = cmsOpenProfileFromMemTHR(c, t->icc, (cmsUInt32Number)t->icc_size);
    if (!h)
        return cms_fail(ctx, SKD_E_CORRUPT,
                        "embedded ICC profile is damaged");
    describe(h, desc, sizeof desc);
    if (t->data == SKD_DATA_CMYK && cmsGetColorSpace(h) == cmsSigCmykData) {
        /* The decoder has turned CMYK into RGB without a profile already;
         * say so instead of pretending the profile was used. */
        cmsCloseProfile(h);
        info->colour_kind = SKD_COLOUR_NOT_APPLIED;
        snprintf(info->colour_source, sizeof info->colour_source,
                 "cmyk: ICC profile not applied (%s)", desc[0] ? desc : "?");
        return SKD_OK;
    }
    st = check_profile(ctx, h, t->data);
    cmsCloseProfile(h);
    if (st != SKD_OK)
        return st;
    info->colour_kind = SKD_COLOUR_ICC;
    snprintf(info->colour_source, sizeof info->colour_source, "icc: %s",
             desc[0] ? desc : "(no description)");
    if (!icc)
        return SKD_OK;
    *icc = skd_malloc(ctx, t->icc_size);
    if (!*icc)
        return SKD_E_NOMEM;
    memcpy(*icc, t->icc, t->icc_size);
    *icc_size = t->icc_size;
    return SKD_OK;
}

static cmsToneCurve *build_curve(cmsContext c, skd_trc trc, double gamma)
{
    /* Type 4: Y = (aX + b)^g for X >= d, else cX. */
    static const double srgb[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92,
                                   0.04045};
    static const double bt709[5] = {1 / 0.45, 1 / 1.099, 0.099 / 1.099,
                                    1 / 4.5, 0.081};
    switch (trc) {
    case SKD_TRC_SRGB: return cmsBuildParametricToneCurve(c, 4, srgb);
    case SKD_TRC_BT709: return cmsBuildParametricToneCurve(c, 4, bt709);
    case SKD_TRC_GAMMA: return cmsBuildGamma(c, gamma);
    default: return cmsBuildGamma(c, 1.0);
    }
}

/* An RGB profile from chromaticities and a curve, saved as ICC bytes. */
static int build_profile(skd_ctx *ctx, const double chrm[8], skd_trc trc,
                         double gamma, uint8_t **icc, size_t *icc_size)
{
    cmsContext c = skd_cms(ctx);
    cmsCIExyY white = {chrm[0], chrm[1], 1.0};
    cmsCIExyYTRIPLE prim = {{chrm[2], chrm[3], 1.0},
                            {chrm[4], chrm[5], 1.0},
                            {chrm[6], chrm[7], 1.0}};
    cmsToneCurve *curve;
    cmsHPROFILE h = NULL;
    cmsUInt32Number n = 0;
    int st = SKD_OK;

    if (!c)
        return SKD_E_NOMEM;
    ctx->cms_error[0] = '\0';
    curve = build_curve(c, trc, gamma);
    if (curve) {
        cmsToneCurve *three[3] = {curve, curve, curve};
        h = cmsCreateRGBProfileTHR(c, &white, &prim, three);
        cmsFreeToneCurve(curve);
    }
    if (!h)
        return cms_fail(ctx, SKD_E_CORRUPT,
                        "the file's chromaticities or gamma describe no "
                        "usable colour space");
    if (!cmsSaveProfileToMem(h, NULL, &n) || n == 0)
        st = cms_fail(ctx, SKD_E_INTERNAL, "cannot save a built profile");
    if (st == SKD_OK && !(*icc = skd_malloc(ctx, n)))
        st = SKD_E_NOMEM;
    if (st == SKD_OK && !cmsSaveProfileToMem(h, *icc, &n)) {
        skd_dealloc(ctx, *icc);
        *icc = NULL;
        st = cms_fail(ctx, SKD_E_INTERNAL, "cannot save a built profile");
    }
    if (st == SKD_OK)
        *icc_size = n;
    cmsCloseProfile(h);
    return st;
}

static int valid_chrm(const double c[8])
{
    for (int i = 0; i < 8; i += 2)
        if (!(c[i] > 0 && c[i] < 1 && c[i + 1] > 0 && c[i + 1] < 1 &&
              c[i] + c[i + 1] <= 1))
            return 0;
    return 1;
}

static int near_srgb_chrm(const double c[8])
{
    for (int i = 0; i < 8; i++)
        if (fabs(c[i] - srgb_chrm[i]) > 0.01)
            return 0;
    return 1;
}

/* PNG gAMA (and cHRM). A file gamma of 1/2.2 with sRGB or no primaries
 * is what most writers put beside sRGB data, and libpng's simplified API
 * reads it as sRGB; so does this. */
static int resolve_gamma(skd_ctx *ctx, const skd_colour_tags *t,
                         skd_image_info *info, uint8_t **icc, size_t *icc_size)
{
    const double *chrm = t->has_chrm ? t->chrm : srgb_chrm;
    info->colour_kind = SKD_COLOUR_GAMA_CHRM;
    snprintf(info->colour_source, sizeof info->colour_source, "%s",
             t->has_chrm ? "gAMA+cHRM" : "gAMA");
    if (!(t->gamma > 0.2 && t->gamma < 5) || !valid_chrm(chrm))
        return skd_fail(ctx, SKD_E_CORRUPT,
                        "PNG gAMA %g or cHRM values describe no usable "
                        "colour space", t->gamma > 0 ? 1 / t->gamma : 0.0);
    if (fabs(t->gamma * 0.45455 - 1) < 0.01 && near_srgb_chrm(chrm)) {
        snprintf(info->colour_source, sizeof info->colour_source,
                 "%s (sRGB values)", t->has_chrm ? "gAMA+cHRM" : "gAMA");
        return SKD_OK;
    }
    return icc ? build_profile(ctx, chrm, SKD_TRC_GAMMA, t->gamma, icc,
                               icc_size)
               : SKD_OK;
}

static int resolve_nclx(skd_ctx *ctx, const skd_colour_tags *t,
                        skd_image_info *info, uint8_t **icc, size_t *icc_size)
{
    info->colour_kind = SKD_COLOUR_NCLX;
    snprintf(info->colour_source, sizeof info->colour_source, "nclx: %s",
             t->nclx);
    if (t->nclx_srgb || !icc)
        return SKD_OK;
    if (!valid_chrm(t->chrm))
        return skd_fail(ctx, SKD_E_CORRUPT,
                        "HEIF nclx primaries describe no usable colour space");
    return build_profile(ctx, t->chrm, t->trc, t->gamma, icc, icc_size);
}

int skd_colour_resolve(skd_ctx *ctx, const skd_colour_tags *t,
                       skd_image_info *info, uint8_t **icc, size_t *icc_size)
{
    if (icc) {
        *icc = NULL;
        *icc_size = 0;
    }
    info->has_icc = t->icc != NULL || t->icc_problem != NULL;
    info->colour_kind = SKD_COLOUR_ASSUMED_SRGB;
    snprintf(info->colour_source, sizeof info->colour_source, "assumed sRGB");
    if (t->icc_problem)
        return skd_fail(ctx, SKD_E_CORRUPT,
                        "embedded ICC profile is damaged: %s", t->icc_problem);
    if (t->icc)
        return resolve_icc(ctx, t, info, icc, icc_size);
    if (t->srgb_chunk) {
        info->colour_kind = SKD_COLOUR_SRGB_CHUNK;
        snprintf(info->colour_source, sizeof info->colour_source,
                 "sRGB chunk");
        return SKD_OK;
    }
    if (t->nclx[0])
        return resolve_nclx(ctx, t, info, icc, icc_size);
    if (t->has_gamma)
        return resolve_gamma(ctx, t, info, icc, icc_size);
    if (t->exif_space == 1) {
        info->colour_kind = SKD_COLOUR_EXIF_SRGB;
        snprintf(info->colour_source, sizeof info->colour_source,
                 "exif: sRGB");
        return SKD_OK;
    }
    if (t->exif_space == 0xFFFF && t->exif_r03) {
        info->colour_kind = SKD_COLOUR_EXIF_ADOBE;
        snprintf(info->colour_source, sizeof info->colour_source,
                 "exif: Adobe RGB");
        return icc ? build_profile(ctx, adobe_chrm, SKD_TRC_GAMMA,
                                   ADOBE_GAMMA, icc, icc_size)
                   : SKD_OK;
    }
    if (t->exif_space == 0xFFFF)
        snprintf(info->colour_source, sizeof info->colour_source,
                 "assumed sRGB (EXIF: uncalibrated)");
    return SKD_OK;
}
