/* See icc_files.h. Linked into every unit test, used by the colour ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "icc_files.h"

static cmsHPROFILE rgb_profile(double wx, double wy, const double p[6],
                               cmsToneCurve *curve)
{
    cmsCIExyY white = {wx, wy, 1.0};
    cmsCIExyYTRIPLE prim = {{p[0], p[1], 1.0}, {p[2], p[3], 1.0},
                            {p[4], p[5], 1.0}};
    cmsToneCurve *three[3] = {curve, curve, curve};
    cmsHPROFILE h = cmsCreateRGBProfile(&white, &prim, three);
    cmsFreeToneCurve(curve);
    return h;
}

static cmsHPROFILE described(cmsHPROFILE h, const char *text)
{
    cmsMLU *d = cmsMLUalloc(NULL, 1);
    cmsMLUsetASCII(d, "en", "US", text);
    cmsWriteTag(h, cmsSigProfileDescriptionTag, d);
    cmsMLUfree(d);
    return h;
}

cmsHPROFILE icc_adobe_rgb(void)
{
    static const double p[6] = {0.64, 0.33, 0.21, 0.71, 0.15, 0.06};
    return described(rgb_profile(0.3127, 0.3290, p,
                                 cmsBuildGamma(NULL, 563.0 / 256)),
                     "Adobe RGB (1998) test");
}

cmsHPROFILE icc_prophoto_rgb(void)
{
    static const double p[6] = {0.7347, 0.2653, 0.1596, 0.8404, 0.0366, 0.0001};
    return described(rgb_profile(0.3457, 0.3585, p, cmsBuildGamma(NULL, 1.8)),
                     "ProPhoto RGB test");
}

cmsHPROFILE icc_lut_based_srgb(int grid)
{
    /* sRGB -> Lab as a device link's CLUT pipeline, put in the A2B0 tag
     * of an input profile: a profile that is not a matrix-shaper. */
    cmsHPROFILE srgb = cmsCreate_sRGBProfile();
    cmsHPROFILE lab = cmsCreateLab4Profile(NULL);
    cmsUInt32Number flags = grid ? cmsFLAGS_GRIDPOINTS(grid) : 0;
    cmsHTRANSFORM x = cmsCreateTransform(srgb, TYPE_RGB_16, lab, TYPE_Lab_16,
                                         INTENT_RELATIVE_COLORIMETRIC, flags);
    cmsHPROFILE out = NULL;
    if (x) {
        cmsHPROFILE link = cmsTransform2DeviceLink(x, 4.3, flags);
        cmsPipeline *p = link ? cmsReadTag(link, cmsSigAToB0Tag) : NULL;
        out = cmsCreateProfilePlaceholder(NULL);
        if (p && out) {
            cmsSetProfileVersion(out, 4.3);
            cmsSetDeviceClass(out, cmsSigInputClass);
            cmsSetColorSpace(out, cmsSigRgbData);
            cmsSetPCS(out, cmsSigLabData);
            cmsWriteTag(out, cmsSigMediaWhitePointTag, cmsD50_XYZ());
            cmsWriteTag(out, cmsSigAToB0Tag, p);
        }
        if (link)
            cmsCloseProfile(link);
        cmsDeleteTransform(x);
    }
    cmsCloseProfile(srgb);
    cmsCloseProfile(lab);
    return out;
}

uint16_t *icc_convert(const skd_image *img, cmsHPROFILE to)
{
    size_t n = (size_t)img->width * img->height;
    uint16_t *out = malloc(n * 3 * sizeof *out);
    cmsHPROFILE srgb = cmsCreate_sRGBProfile();
    cmsHTRANSFORM x = cmsCreateTransform(srgb, TYPE_RGB_16, to, TYPE_RGB_16,
                                         INTENT_RELATIVE_COLORIMETRIC, 0);
    if (out && x)
        cmsDoTransform(x, img->rgb, out, (cmsUInt32Number)n);
    if (x)
        cmsDeleteTransform(x);
    cmsCloseProfile(srgb);
    if (!x) {
        free(out);
        return NULL;
    }
    return out;
}

static uint8_t *profile_bytes(cmsHPROFILE h, cmsUInt32Number *n)
{
    uint8_t *b;
    *n = 0;
    if (!h || !cmsSaveProfileToMem(h, NULL, n) || !*n)
        return NULL;
    b = malloc(*n);
    if (b && !cmsSaveProfileToMem(h, b, n)) {
        free(b);
        return NULL;
    }
    return b;
}

/* Everything libpng can longjmp out of; no local lives across the jump. */
typedef struct png_tags {
    double gamma;
    const double *chrm;
    int srgb_intent;
} png_tags;

static int png_rows(png_structp png, png_infop info, FILE *f, const uint16_t *rgb,
                    uint32_t w, uint32_t h, int bits, const uint8_t *icc,
                    cmsUInt32Number n, uint8_t *row, const png_tags *tags)
{
    if (setjmp(png_jmpbuf(png)))
        return 0;
    png_init_io(png, f);
    png_set_IHDR(png, info, w, h, bits, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (icc)
        png_set_iCCP(png, info, "test", 0, icc, n);
    if (tags && tags->gamma > 0)
        png_set_gAMA(png, info, tags->gamma);
    if (tags && tags->chrm)
        png_set_cHRM(png, info, tags->chrm[0], tags->chrm[1], tags->chrm[2],
                     tags->chrm[3], tags->chrm[4], tags->chrm[5], tags->chrm[6],
                     tags->chrm[7]);
    if (tags && tags->srgb_intent >= 0)
        png_set_sRGB(png, info, tags->srgb_intent);
    png_write_info(png, info);
    for (uint32_t y = 0; y < h; y++) {
        const uint16_t *s = rgb + (size_t)y * w * 3;
        for (size_t i = 0; i < (size_t)w * 3; i++) {
            if (bits == 16) {
                row[2 * i] = (uint8_t)(s[i] >> 8);
                row[2 * i + 1] = (uint8_t)s[i];
            } else {
                row[i] = (uint8_t)((s[i] * 255u + 32767u) / 65535u);
            }
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    return 1;
}

static int write_png(const char *path, const uint16_t *rgb, uint32_t w,
                     uint32_t h, int bits, cmsHPROFILE profile,
                     const png_tags *tags)
{
    FILE *f = fopen(path, "wb");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
                                              NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    cmsUInt32Number n = 0;
    uint8_t *icc = profile ? profile_bytes(profile, &n) : NULL;
    uint8_t *row = malloc((size_t)w * 3 * (bits == 16 ? 2 : 1));
    int ok = f && png && info && row && (!profile || icc);
    if (ok)
        ok = png_rows(png, info, f, rgb, w, h, bits, icc, n, row, tags);
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    free(row);
    free(icc);
    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

int icc_write_png(const char *path, const uint16_t *rgb, uint32_t w,
                  uint32_t h, int bits, cmsHPROFILE profile)
{
    return write_png(path, rgb, w, h, bits, profile, NULL);
}

int icc_write_png_tags(const char *path, const uint16_t *rgb, uint32_t w,
                       uint32_t h, int bits, double gamma, const double *chrm,
                       int srgb_intent)
{
    png_tags t = {gamma, chrm, srgb_intent};
    return write_png(path, rgb, w, h, bits, NULL, &t);
}

int icc_write_jpeg(const char *path, const uint16_t *rgb, uint32_t w,
                   uint32_t h, int quality, cmsHPROFILE profile)
{
    return icc_write_jpeg_sampled(path, rgb, w, h, quality, profile, 2);
}

static int write_jpeg(const char *path, const uint16_t *rgb, uint32_t w,
                      uint32_t h, int quality, cmsHPROFILE profile, int chroma,
                      const uint8_t *exif, size_t exif_n);

int icc_write_jpeg_sampled(const char *path, const uint16_t *rgb, uint32_t w,
                           uint32_t h, int quality, cmsHPROFILE profile,
                           int chroma)
{
    return write_jpeg(path, rgb, w, h, quality, profile, chroma, NULL, 0);
}

int icc_write_jpeg_exif(const char *path, const uint16_t *rgb, uint32_t w,
                        uint32_t h, int quality, int colour_space, int r03)
{
    /* "Exif\0\0", big-endian TIFF: IFD0 with the Exif IFD pointer; the
     * Exif IFD with ColorSpace and the interop pointer; the interop IFD
     * with InteroperabilityIndex "R03". */
    static uint8_t e[128];
    size_t k = 0;
#define B2(v) (e[k++] = (uint8_t)((v) >> 8), e[k++] = (uint8_t)(v))
#define B4(v) (B2((v) >> 16), B2((v) & 0xffff))
    memcpy(e, "Exif\0\0MM\0\x2a", 10);
    k = 10;
    B4(8);                                  /* IFD0 at 8 */
    B2(1); B2(0x8769); B2(4); B4(1); B4(26); B4(0); /* -> Exif IFD at 26 */
    B2(2); B2(0xA001); B2(3); B4(1); B2(colour_space); B2(0);
    B2(0xA005); B2(4); B4(1); B4(56); B4(0); /* -> interop IFD at 56 */
    B2(1); B2(0x0001); B2(2); B4(4);
    memcpy(e + k, r03 ? "R03" : "R98", 4);
    k += 4;
    B4(0);
#undef B2
#undef B4
    return write_jpeg(path, rgb, w, h, quality, NULL, 2, e, k);
}

static int write_jpeg(const char *path, const uint16_t *rgb, uint32_t w,
                      uint32_t h, int quality, cmsHPROFILE profile, int chroma,
                      const uint8_t *exif, size_t exif_n)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    FILE *f = fopen(path, "wb");
    cmsUInt32Number n = 0;
    uint8_t *icc = profile ? profile_bytes(profile, &n) : NULL;
    uint8_t *row = malloc((size_t)w * 3);
    if (!f || !row || (profile && !icc)) {
        if (f)
            fclose(f);
        free(row);
        free(icc);
        return -1;
    }
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = w;
    c.image_height = h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    c.comp_info[0].h_samp_factor = c.comp_info[0].v_samp_factor = chroma;
    jpeg_start_compress(&c, TRUE);
    if (exif)
        jpeg_write_marker(&c, JPEG_APP0 + 1, exif, (unsigned)exif_n);
    if (icc)
        jpeg_write_icc_profile(&c, icc, n);
    while (c.next_scanline < h) {
        const uint16_t *s = rgb + (size_t)c.next_scanline * w * 3;
        JSAMPROW r = row;
        for (size_t i = 0; i < (size_t)w * 3; i++)
            row[i] = (uint8_t)((s[i] * 255u + 32767u) / 65535u);
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    free(icc);
    return fclose(f) == 0 ? 0 : -1;
}
