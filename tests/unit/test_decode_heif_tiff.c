/* HEIC/HEIF and TIFF (docs/colour.md): copies of a PNG read like the PNG.
 * TIFF files are written here with libtiff; 16-bit TIFF of a 16-bit PNG
 * (strips + LZW, tiles + Deflate, an orientation tag, the ICC profile in
 * its tag) gives identical figures. HEIC files are made with heif-enc
 * (libheif-examples) from the PNG: lossy, so a* within 0.3 and Sa within
 * 3% (the bounds). An EXIF orientation inside a HEIF is not
 * applied (irot/imir rule and libheif applies them). Bad files (cut
 * short, dimension bombs, damaged profiles) fail with a clear status.
 * Parts whose library or tool is missing are skipped; the whole test
 * exits 77 when neither format is built in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "icc_files.h"
#include "test_decode_util.h"

#if defined(SKD_TEST_HAVE_TIFF)
#include <tiffio.h>
#endif

#define W 400
#define H 300

static const char *tmp(const char *name)
{
    static char buf[4][600];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", check_tmpdir(), name);
    return buf[k];
}

static int measure(skd_ctx *ctx, const char *path, skd_metrics *m,
                   skd_image_info *info)
{
    skd_image *img = NULL;
    skd_analysis *a = NULL;
    int st = skd_image_load(ctx, path, &img);
    if (st == SKD_OK)
        st = skd_analyze(ctx, img, NULL, &a);
    if (st == SKD_OK) {
        *m = a->metrics;
        if (info)
            *info = img->info;
    } else {
        fprintf(stderr, "  %s: %s\n", path, skd_ctx_message(ctx));
    }
    skd_analysis_free(a);
    skd_image_free(img);
    return st;
}


static void expect_fail(skd_ctx *ctx, const char *path, int want)
{
    skd_image *img = NULL;
    skd_image_info info;
    CHECK_STATUS(skd_image_load(ctx, path, &img), want);
    CHECK(img == NULL);
    REPORT("%s", skd_ctx_message(ctx));
    CHECK_STATUS(skd_probe_file(ctx, path, &info), want);
}

#if defined(SKD_TEST_HAVE_TIFF)
static void same_figures(const char *what, const skd_metrics *a,
                         const skd_metrics *b)
{
    REPORT("%-28s a* %.4f EI %.4f Sa %.5f pores %u", what, a->a_mean,
           a->erythema_index, a->sa, a->pore_count);
    CHECK(a->a_mean == b->a_mean && a->erythema_index == b->erythema_index);
    CHECK(a->sa == b->sa && a->sq == b->sq && a->pore_count == b->pore_count);
    CHECK(a->red_area_fraction == b->red_area_fraction);
}

/* rgb (w x h, 16-bit) as a TIFF: bits 8 or 16, channels 1 (first
 * channel) or 3, tiled or stripped, orientation tag (0: none; the pixels
 * are then stored so that the tag turns them back: 3 only), ICC bytes. */
static int write_tiff(const char *path, const uint16_t *rgb, int bits,
                      int channels, int tiled, int compression,
                      int orientation, const uint8_t *icc, uint32_t icc_n)
{
    TIFF *t = TIFFOpen(path, "w");
    size_t px = (size_t)channels * (bits / 8);
    uint8_t *buf;
    if (!t)
        return -1;
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, W);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, H);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, bits);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, channels);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC,
                 channels == 1 ? PHOTOMETRIC_MINISBLACK : PHOTOMETRIC_RGB);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, compression);
    if (orientation)
        TIFFSetField(t, TIFFTAG_ORIENTATION, orientation);
    if (icc)
        TIFFSetField(t, TIFFTAG_ICCPROFILE, icc_n, icc);
    if (tiled) {
        TIFFSetField(t, TIFFTAG_TILEWIDTH, 64);
        TIFFSetField(t, TIFFTAG_TILELENGTH, 48);
    } else {
        TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 7);
    }
    buf = calloc((size_t)W * H, px);
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++)
            for (int c = 0; c < channels; c++) {
                /* orientation 3: stored turned by 180 degrees */
                uint32_t sx = orientation == 3 ? W - 1 - x : x;
                uint32_t sy = orientation == 3 ? H - 1 - y : y;
                uint16_t v = rgb[3 * ((size_t)sy * W + sx) + c];
                uint8_t *d = buf + ((size_t)y * W + x) * px + (size_t)c * (bits / 8);
                if (bits == 16)
                    memcpy(d, &v, 2);
                else
                    *d = (uint8_t)((v * 255u + 32767u) / 65535u);
            }
    if (tiled) {
        uint8_t *tile = malloc((size_t)64 * 48 * px);
        for (uint32_t ty = 0; ty < H; ty += 48)
            for (uint32_t tx = 0; tx < W; tx += 64) {
                memset(tile, 0, (size_t)64 * 48 * px);
                for (uint32_t j = 0; j < 48 && ty + j < H; j++)
                    memcpy(tile + (size_t)j * 64 * px,
                           buf + ((size_t)(ty + j) * W + tx) * px,
                           (W - tx < 64 ? W - tx : 64) * px);
                TIFFWriteTile(t, tile, tx, ty, 0, 0);
            }
        free(tile);
    } else {
        for (uint32_t y = 0; y < H; y++)
            TIFFWriteScanline(t, buf + (size_t)y * W * px, y, 0);
    }
    TIFFClose(t);
    free(buf);
    return 0;
}

static void test_tiff(skd_ctx *ctx, const uint16_t *rgb16, const uint8_t *icc,
                      uint32_t icc_n, const skd_metrics *png16,
                      const uint16_t *rgb8, const skd_metrics *png8)
{
    skd_metrics m;
    skd_image_info info;
    skd_image *img = NULL;
    uint8_t *b;
    size_t n;

    CHECK(write_tiff(tmp("lzw16.tif"), rgb16, 16, 3, 0, COMPRESSION_LZW, 0,
                     icc, icc_n) == 0);
    CHECK_STATUS(measure(ctx, tmp("lzw16.tif"), &m, &info), SKD_OK);
    CHECK(info.format == SKD_FORMAT_TIFF && info.bit_depth == 16);
    CHECK(info.colour_kind == SKD_COLOUR_ICC);
    same_figures("16-bit TIFF, strips, LZW", &m, png16);
    CHECK(write_tiff(tmp("tiles16.tif"), rgb16, 16, 3, 1,
                     COMPRESSION_ADOBE_DEFLATE, 0, icc, icc_n) == 0);
    CHECK_STATUS(measure(ctx, tmp("tiles16.tif"), &m, NULL), SKD_OK);
    same_figures("16-bit TIFF, tiles, Deflate", &m, png16);
    CHECK(write_tiff(tmp("rot16.tif"), rgb16, 16, 3, 0, COMPRESSION_NONE, 3,
                     icc, icc_n) == 0);
    CHECK_STATUS(measure(ctx, tmp("rot16.tif"), &m, &info), SKD_OK);
    CHECK(info.exif_orientation == 3);
    same_figures("16-bit TIFF, orientation 3", &m, png16);
    CHECK(write_tiff(tmp("none8.tif"), rgb8, 8, 3, 0, COMPRESSION_NONE, 0,
                     NULL, 0) == 0);
    CHECK_STATUS(measure(ctx, tmp("none8.tif"), &m, NULL), SKD_OK);
    same_figures("8-bit TIFF, uncompressed", &m, png8);

    /* grey: R = G = B */
    CHECK(write_tiff(tmp("grey16.tif"), rgb16, 16, 1, 0, COMPRESSION_LZW, 0,
                     NULL, 0) == 0);
    CHECK_STATUS(skd_image_load(ctx, tmp("grey16.tif"), &img), SKD_OK);
    if (img) {
        CHECK(img->rgb[3 * 1000] == rgb16[3 * 1000] &&
              img->rgb[3 * 1000 + 1] == rgb16[3 * 1000] &&
              img->rgb[3 * 1000 + 2] == rgb16[3 * 1000]);
        CHECK(!strcmp(img->info.colour_type, "grey"));
    }
    skd_image_free(img);

    /* bad files */
    b = tu_read_file(tmp("lzw16.tif"), &n);
    CHECK(b != NULL);
    if (!b)
        return;
    CHECK(tu_write_file(tmp("cut.tif"), b, n / 2));
    /* the IFD is at the end (libtiff writes it last): cut, no header */
    expect_fail(ctx, tmp("cut.tif"), SKD_E_CORRUPT);
    free(b);
    {
        /* a dimension bomb: 100000 x 100000 declared, 6 bytes of data */
        TIFF *t = TIFFOpen(tmp("bomb.tif"), "w");
        uint8_t row[6] = {0};
        TIFFSetField(t, TIFFTAG_IMAGEWIDTH, 100000);
        TIFFSetField(t, TIFFTAG_IMAGELENGTH, 100000);
        TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
        TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 3);
        TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
        TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
        TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 100000);
        TIFFWriteRawStrip(t, 0, row, sizeof row);
        TIFFClose(t);
        expect_fail(ctx, tmp("bomb.tif"), SKD_E_LIMIT);
    }
    {
        uint8_t junk[200];
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (uint8_t)(i * 37);
        CHECK(write_tiff(tmp("badicc.tif"), rgb16, 8, 3, 0, COMPRESSION_NONE,
                         0, junk, sizeof junk) == 0);
        expect_fail(ctx, tmp("badicc.tif"), SKD_E_CORRUPT);
        CHECK(strstr(skd_ctx_message(ctx), "ICC") != NULL);
    }
}
#endif

/* heif-enc in to out with extra arguments; 0 when it ran. */
static int heif_enc(const char *args, const char *in, const char *out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "heif-enc %s -o '%s' '%s' >/dev/null 2>&1", args,
             out, in);
    return system(cmd) == 0 ? 0 : -1;
}

static void near_figures(const char *what, const skd_metrics *m,
                         const skd_metrics *ref)
{
    REPORT("%-28s a* %.3f (err %+.3f)  EI %.3f (err %+.3f)  Sa %.4f (err "
           "%+.2f%%)", what, m->a_mean, m->a_mean - ref->a_mean,
           m->erythema_index, m->erythema_index - ref->erythema_index, m->sa,
           100 * (m->sa / ref->sa - 1));
    CHECK_NEAR(m->a_mean, ref->a_mean, 0.3);
    CHECK_REL(m->sa, ref->sa, 0.03);
}

static void patch_fourcc_after(uint8_t *b, size_t n, const char *fourcc,
                               size_t skip, const uint8_t *with, size_t len)
{
    for (size_t i = 0; i + 4 + skip + len <= n; i++)
        if (!memcmp(b + i, fourcc, 4)) {
            memcpy(b + i + 4 + skip, with, len);
            return;
        }
    CHECK(!"box not found");
}

static void test_heif(skd_ctx *ctx, const skd_metrics *png8,
                      const skd_metrics *png16)
{
    skd_metrics m;
    skd_image_info info;
    uint8_t *b;
    size_t n;
    if (system("command -v heif-enc >/dev/null 2>&1") != 0) {
        fprintf(stderr, "  SKIP HEIF part: heif-enc (libheif-examples) not found\n");
        return;
    }
    CHECK(heif_enc("-q 95", tmp("skin8.png"), tmp("skin8.heic")) == 0);
    CHECK_STATUS(measure(ctx, tmp("skin8.heic"), &m, &info), SKD_OK);
    CHECK(info.format == SKD_FORMAT_HEIF && info.bit_depth == 8);
    near_figures("HEIC q95, 8-bit", &m, png8);
    /* a 16-bit PNG becomes 10-bit HEIC, with the profile */
    CHECK(heif_enc("-q 95", tmp("skin16.png"), tmp("skin10.heic")) == 0);
    CHECK_STATUS(measure(ctx, tmp("skin10.heic"), &m, &info), SKD_OK);
    CHECK(info.bit_depth == 10 && info.colour_kind == SKD_COLOUR_ICC);
    REPORT("10-bit HEIC colour: %s", info.colour_source);
    near_figures("HEIC q95, 10-bit, Adobe RGB", &m, png16);

    b = tu_read_file(tmp("skin10.heic"), &n);
    CHECK(b != NULL);
    if (!b)
        return;
    CHECK(tu_write_file(tmp("cut.heic"), b, n / 2));
    expect_fail(ctx, tmp("cut.heic"), SKD_E_CORRUPT);
    {
        /* ispe: version/flags (4 bytes), then width and height */
        const uint8_t big[8] = {0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60};
        uint8_t *c = malloc(n);
        memcpy(c, b, n);
        patch_fourcc_after(c, n, "ispe", 4, big, sizeof big);
        CHECK(tu_write_file(tmp("bomb.heic"), c, n));
        expect_fail(ctx, tmp("bomb.heic"), SKD_E_LIMIT);
        memcpy(c, b, n);
        /* the profile's 'acsp' signature and header destroyed */
        patch_fourcc_after(c, n, "prof", 0, (const uint8_t *)"garbage!garbage!", 16);
        patch_fourcc_after(c, n, "acsp", 0, (const uint8_t *)"xxxx", 4);
        CHECK(tu_write_file(tmp("badicc.heic"), c, n));
        expect_fail(ctx, tmp("badicc.heic"), SKD_E_CORRUPT);
        free(c);
    }
    free(b);
}

int main(void)
{
    unsigned formats = skd_build_format_mask();
    skd_ctx *ctx = skd_ctx_create();
    skd_synth_params p;
    skd_image *skin = NULL;
    cmsHPROFILE adobe = icc_adobe_rgb();
    uint16_t *rgb16 = NULL;
    uint8_t *icc = NULL;
    cmsUInt32Number icc_n = 0;
    char *truth = NULL;
    skd_metrics png8, png16;

    if (!(formats & (1u << SKD_FORMAT_HEIF)) &&
        !(formats & (1u << SKD_FORMAT_TIFF))) {
        printf("SKIP: this build reads neither HEIF nor TIFF\n");
        skd_ctx_free(ctx);
        return 77;
    }
    skd_synth_defaults(&p, W, H, 20);
    CHECK_STATUS(skd_synth(ctx, &p, &skin, NULL, &truth), SKD_OK);
    CHECK(skin != NULL);
    if (skin) {
        /* 8-bit sRGB PNG, and a 16-bit Adobe RGB PNG with its profile */
        CHECK_STATUS(skd_image_write_png(ctx, skin, tmp("skin8.png")), SKD_OK);
        rgb16 = icc_convert(skin, adobe);
        CHECK(rgb16 && icc_write_png(tmp("skin16.png"), rgb16, W, H, 16, adobe) == 0);
        cmsSaveProfileToMem(adobe, NULL, &icc_n);
        icc = malloc(icc_n);
        cmsSaveProfileToMem(adobe, icc, &icc_n);
        CHECK_STATUS(measure(ctx, tmp("skin8.png"), &png8, NULL), SKD_OK);
        CHECK_STATUS(measure(ctx, tmp("skin16.png"), &png16, NULL), SKD_OK);
        REPORT("PNG 8-bit sRGB: a* %.3f Sa %.4f; PNG 16-bit Adobe RGB: a* %.3f "
               "Sa %.4f", png8.a_mean, png8.sa, png16.a_mean, png16.sa);
#if defined(SKD_TEST_HAVE_TIFF)
        if (formats & (1u << SKD_FORMAT_TIFF))
            test_tiff(ctx, rgb16, icc, icc_n, &png16, skin->rgb, &png8);
#endif
        if (formats & (1u << SKD_FORMAT_HEIF))
            test_heif(ctx, &png8, &png16);
        else
            fprintf(stderr, "  SKIP HEIF part: this build has no libheif\n");
    }
    free(icc);
    free(rgb16);
    cmsCloseProfile(adobe);
    skd_free(ctx, truth);
    skd_image_free(skin);
    skd_ctx_free(ctx);
    return check_done("decode_heif_tiff");
}
