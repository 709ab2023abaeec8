/* JPEG decoding: every coding and colour space the design lists, encoded
 * here with libjpeg and compared with the source pixels; EXIF orientation
 * 1..8 by corner colours; malformed EXIF; truncation, bit flips, dimension
 * bombs, the scan limit, allocation failures; the JPEG writer. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>
#include <jpeglib.h>

#include "check.h"
#include "decode/decode.h"
#include "skindiff.h"
#include "test_decode_util.h"

enum mode { BASELINE, PROGRESSIVE, ARITH, ARITH_PROG, EXTENDED, GREY, RGB444,
            CMYK, YCCK, N_MODES };
static const char *mode_name[N_MODES] = {"baseline", "progressive",
    "arithmetic", "arithmetic-prog", "extended", "grey", "rgb", "cmyk",
    "ycck"};

/* Source value of (x, y, c) in 8-bit units for a mode, as RGB. */
static double source_rgb(enum mode m, uint32_t x, uint32_t y, int c,
                         uint32_t w, uint32_t h)
{
    if (m == GREY)
        return tu_smooth_value(x, y, 1, w, h);
    if (m == CMYK || m == YCCK) {
        double k = 255 - 55.0 * y / (h - 1);
        return tu_smooth_value(x, y, c, w, h) * k / 255.0;
    }
    return tu_smooth_value(x, y, c, w, h);
}

static void quiet(j_common_ptr cinfo, int level)
{
    (void)cinfo;
    (void)level;
}

/* Encode the smooth test picture with libjpeg into a malloc'd buffer.
 * CMYK is written the Photoshop way: inverted samples, Adobe marker. */
static uint8_t *encode(enum mode m, uint32_t w, uint32_t h, int quality,
                       size_t *size)
{
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr err;
    unsigned char *out = NULL;
    unsigned long n = 0;
    int comps = m == GREY ? 1 : (m == CMYK || m == YCCK) ? 4 : 3;
    JSAMPLE *row = malloc((size_t)w * comps);

    ci.err = jpeg_std_error(&err);
    err.emit_message = quiet; /* "tables too coarse for baseline" */
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, &out, &n);
    ci.image_width = w;
    ci.image_height = h;
    ci.input_components = comps;
    ci.in_color_space = comps == 1 ? JCS_GRAYSCALE : comps == 4 ? JCS_CMYK
                                                                : JCS_RGB;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, quality, m != EXTENDED);
    if (m == RGB444)
        jpeg_set_colorspace(&ci, JCS_RGB);
    if (m == YCCK)
        jpeg_set_colorspace(&ci, JCS_YCCK);
    if (m == PROGRESSIVE || m == ARITH_PROG)
        jpeg_simple_progression(&ci);
    if (m == ARITH || m == ARITH_PROG)
        ci.arith_code = TRUE;
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < h) {
        uint32_t y = ci.next_scanline;
        for (uint32_t x = 0; x < w; x++) {
            if (comps == 1) {
                row[x] = tu_smooth_value(x, y, 1, w, h);
            } else if (comps == 3) {
                for (int c = 0; c < 3; c++)
                    row[3 * x + c] = tu_smooth_value(x, y, c, w, h);
            } else {
                for (int c = 0; c < 3; c++)
                    row[4 * x + c] = tu_smooth_value(x, y, c, w, h);
                row[4 * x + 3] = (JSAMPLE)(255 - 55.0 * y / (h - 1) + 0.5);
            }
        }
        jpeg_write_scanlines(&ci, &row, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    free(row);
    *size = n;
    return out;
}

/* Mean absolute error in 8-bit levels against the source. */
static double mean_abs_error(const skd_image *img, enum mode m)
{
    double sum = 0;
    uint32_t w = img->width, h = img->height;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            for (int c = 0; c < 3; c++)
                sum += fabs(img->rgb[((size_t)y * w + x) * 3 + c] / 257.0 -
                            source_rgb(m, x, y, c, w, h));
    return sum / ((double)w * h * 3);
}

static void test_variants(skd_ctx *ctx)
{
    static const char *want_ct[N_MODES] = {"ycbcr", "ycbcr", "ycbcr",
        "ycbcr", "ycbcr", "grey", "rgb", "cmyk", "ycck"};
    for (int m = 0; m < N_MODES; m++) {
        size_t n;
        int q = m == EXTENDED ? 1 : 95;
        uint8_t *jpg = encode((enum mode)m, 160, 120, q, &n);
        skd_image *img = NULL;
        CHECK_STATUS(skd_image_decode(ctx, jpg, n, &img), SKD_OK);
        if (img) {
            double mae = mean_abs_error(img, (enum mode)m);
            REPORT("%-15s q%-3d %6zu bytes  coding %-15s colour %-6s "
                   "mean abs error %.2f levels", mode_name[m], q, n,
                   img->info.coding, img->info.colour_type, mae);
            CHECK(img->width == 160 && img->height == 120);
            CHECK(img->info.format == SKD_FORMAT_JPEG);
            CHECK(img->info.bit_depth == 8);
            CHECK(!strcmp(img->info.colour_type, want_ct[m]));
            CHECK(img->info.channels == (m == GREY ? 1 : m >= CMYK ? 4 : 3));
            if (m <= EXTENDED)
                CHECK(!strcmp(img->info.coding, mode_name[m]));
            else
                CHECK(!strcmp(img->info.coding, "baseline"));
            CHECK(img->info.exif_orientation == 0);
            if (m == EXTENDED)
                CHECK(mae < 40); /* quality 1: only "recognisable" */
            else
                CHECK(mae < 3);
            if (m < CMYK) { /* 8-bit samples arrive as v * 257 exactly */
                int mult = 1;
                for (size_t i = 0; i < (size_t)160 * 120 * 3; i++)
                    mult &= img->rgb[i] % 257 == 0;
                CHECK(mult);
            }
            if (m == GREY) {
                int grey = 1;
                for (size_t i = 0; i < (size_t)160 * 120; i++)
                    grey &= img->rgb[3 * i] == img->rgb[3 * i + 1] &&
                            img->rgb[3 * i] == img->rgb[3 * i + 2];
                CHECK(grey);
            }
        }
        skd_image_free(img);
        free(jpg);
    }
    /* A bigger progressive photo: the decoder memory cap must admit it. */
    {
        size_t n;
        uint8_t *jpg = encode(PROGRESSIVE, 1500, 1100, 90, &n);
        skd_image *img = NULL;
        CHECK_STATUS(skd_image_decode(ctx, jpg, n, &img), SKD_OK);
        if (img)
            REPORT("progressive 1500x1100: mean abs error %.2f",
                   mean_abs_error(img, PROGRESSIVE));
        skd_image_free(img);
        free(jpg);
    }
}

/* ---- EXIF ------------------------------------------------------------- */

/* TIFF data of an EXIF block holding one orientation entry. */
static size_t make_tiff(uint8_t *t, int big_endian, int orientation)
{
    static const uint8_t le[] = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0,
                                 0x12, 1, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0,
                                 0, 0, 0, 0};
    static const uint8_t be[] = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1,
                                 1, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0,
                                 0, 0, 0, 0};
    memcpy(t, big_endian ? be : le, sizeof le);
    t[big_endian ? 19 : 18] = (uint8_t)orientation;
    return sizeof le;
}

/* jpg with an APP1 segment (payload p, n bytes) inserted after SOI. */
static uint8_t *with_app1(const uint8_t *jpg, size_t size, const uint8_t *p,
                          size_t n, size_t *out_size)
{
    uint8_t *o = malloc(size + n + 4);
    o[0] = 0xFF;
    o[1] = 0xD8;
    o[2] = 0xFF;
    o[3] = 0xE1;
    o[4] = (uint8_t)((n + 2) >> 8);
    o[5] = (uint8_t)(n + 2);
    memcpy(o + 6, p, n);
    memcpy(o + 6 + n, jpg + 2, size - 2);
    *out_size = size + n + 4;
    return o;
}

static uint8_t *with_exif(const uint8_t *jpg, size_t size, const uint8_t *tiff,
                          size_t n, size_t *out_size)
{
    uint8_t seg[70000];
    memcpy(seg, "Exif\0\0", 6);
    memcpy(seg + 6, tiff, n);
    return with_app1(jpg, size, seg, n + 6, out_size);
}

/* A 64x32 JPEG in four flat quadrants: red, green / blue, white. */
static const uint8_t quad_colour[4][3] = {{220, 20, 20}, {20, 200, 20},
                                          {20, 20, 220}, {240, 240, 240}};
enum { TL, TR, BL, BR };

static uint8_t *quadrant_jpeg(size_t *size)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_image *img = NULL;
    char path[1024];
    uint8_t *f;
    skd_image_create(ctx, 64, 32, &img);
    for (uint32_t y = 0; y < 32; y++)
        for (uint32_t x = 0; x < 64; x++)
            for (int c = 0; c < 3; c++)
                img->rgb[(y * 64 + x) * 3 + c] =
                    (uint16_t)(quad_colour[(y >= 16) * 2 + (x >= 32)][c] * 257);
    snprintf(path, sizeof path, "%s/quadrants.jpg", check_tmpdir());
    CHECK_STATUS(skd_image_write_jpeg(ctx, img, path, 95), SKD_OK);
    skd_image_free(img);
    skd_ctx_free(ctx);
    f = tu_read_file(path, size);
    return f;
}

/* Which stored quadrant colour is nearest to pixel (x, y). */
static int quadrant_at(const skd_image *img, uint32_t x, uint32_t y)
{
    int best = -1;
    double bd = 1e30;
    for (int q = 0; q < 4; q++) {
        double d = 0;
        for (int c = 0; c < 3; c++) {
            double v = img->rgb[((size_t)y * img->width + x) * 3 + c] / 257.0 -
                       quad_colour[q][c];
            d += v * v;
        }
        if (d < bd) {
            bd = d;
            best = q;
        }
    }
    return best;
}

static void test_orientation(skd_ctx *ctx)
{
    /* Displayed corners TL, TR, BL, BR as stored quadrants, from the EXIF
     * (TIFF 6.0) definition of tag 0x0112. */
    static const int expect[9][4] = {
        {TL, TR, BL, BR},
        {TL, TR, BL, BR}, /* 1: as stored */
        {TR, TL, BR, BL}, /* 2: mirrored left-right */
        {BR, BL, TR, TL}, /* 3: rotated 180 */
        {BL, BR, TL, TR}, /* 4: mirrored top-bottom */
        {TL, BL, TR, BR}, /* 5: transposed */
        {BL, TL, BR, TR}, /* 6: rotate 90 clockwise to view */
        {BR, TR, BL, TL}, /* 7: transverse */
        {TR, BR, TL, BL}, /* 8: rotate 90 counter-clockwise to view */
    };
    size_t n;
    uint8_t *jpg = quadrant_jpeg(&n);
    CHECK(jpg != NULL);
    if (!jpg)
        return;
    for (int o = 0; o <= 8; o++) {
        uint8_t tiff[64];
        size_t tn = make_tiff(tiff, o % 2, o), en;
        uint8_t *e = o ? with_exif(jpg, n, tiff, tn, &en) : NULL;
        skd_image *img = NULL;
        skd_image_info info;
        char path[1024];
        CHECK_STATUS(skd_image_decode(ctx, o ? e : jpg, o ? en : n, &img),
                     SKD_OK);
        if (img) {
            uint32_t W = img->width, H = img->height;
            int got[4] = {quadrant_at(img, 2, 2), quadrant_at(img, W - 3, 2),
                          quadrant_at(img, 2, H - 3),
                          quadrant_at(img, W - 3, H - 3)};
            CHECK(img->info.exif_orientation == o);
            CHECK(o >= 5 ? (W == 32 && H == 64) : (W == 64 && H == 32));
            CHECK(img->info.stored_width == 64 && img->info.stored_height == 32);
            CHECK(img->info.width == W && img->info.height == H);
            for (int k = 0; k < 4; k++)
                if (got[k] != expect[o][k]) {
                    fprintf(stderr, "  orientation %d corner %d: quadrant %d, "
                            "want %d\n", o, k, got[k], expect[o][k]);
                    CHECK(0);
                }
        }
        skd_image_free(img);
        if (o) {
            snprintf(path, sizeof path, "%s/orient%d.jpg", check_tmpdir(), o);
            CHECK(tu_write_file(path, e, en));
            CHECK_STATUS(skd_probe_file(ctx, path, &info), SKD_OK);
            CHECK(info.exif_orientation == o);
            CHECK(o >= 5 ? (info.width == 32 && info.height == 64)
                         : (info.width == 64 && info.height == 32));
        }
        free(e);
    }
    REPORT("EXIF orientations 1..8 (%s) put every corner where the "
           "definition says", "little- and big-endian TIFF");
    free(jpg);
}

static void test_exif_parser(void)
{
    uint8_t t[64], m[64];
    size_t n = make_tiff(t, 0, 6);
    int bad = 0;
    unsigned seed = 99;

    CHECK(skd_exif_orientation(t, n) == 6);
    make_tiff(m, 1, 6);
    CHECK(skd_exif_orientation(m, n) == 6);
    CHECK(skd_exif_orientation(NULL, 0) == 0);
    /* Every truncation: 0 until the entry is whole, then 6. */
    for (size_t k = 0; k < n; k++) {
        int o = skd_exif_orientation(t, k);
        bad += !(o == 0 || (o == 6 && k >= 22));
        bad += k < 22 && o != 0;
    }
    CHECK(bad == 0);
    /* Huge entry count with one real entry: the entry is still found;
     * without it, the scan ends at the data's end. */
    memcpy(m, t, n);
    m[8] = 0xFF;
    m[9] = 0xFF;
    CHECK(skd_exif_orientation(m, n) == 6);
    m[10] = 0x13; /* not the orientation tag */
    CHECK(skd_exif_orientation(m, n) == 0);
    /* IFD offset past the end, at the end, pointing at itself. */
    memcpy(m, t, n);
    m[4] = 0xF0; m[5] = 0xFF; m[6] = 0xFF; m[7] = 0xFF;
    CHECK(skd_exif_orientation(m, n) == 0);
    m[4] = (uint8_t)n; m[5] = m[6] = m[7] = 0;
    CHECK(skd_exif_orientation(m, n) == 0);
    m[4] = 0; /* IFD at the header: count 0x4949, scan ends at the end */
    CHECK(skd_exif_orientation(m, n) == 0);
    /* Out-of-range value, wrong type, wrong count, bad magic, bad order. */
    memcpy(m, t, n); m[18] = 9;
    CHECK(skd_exif_orientation(m, n) == 0);
    memcpy(m, t, n); m[12] = 7;
    CHECK(skd_exif_orientation(m, n) == 0);
    memcpy(m, t, n); m[14] = 2;
    CHECK(skd_exif_orientation(m, n) == 0);
    memcpy(m, t, n); m[2] = 43;
    CHECK(skd_exif_orientation(m, n) == 0);
    memcpy(m, t, n); m[0] = 'X';
    CHECK(skd_exif_orientation(m, n) == 0);
    /* LONG instead of SHORT is tolerated. */
    memcpy(m, t, n); m[12] = 4;
    CHECK(skd_exif_orientation(m, n) == 6);
    /* Random garbage and random damage: any answer in 0..8, no crash. */
    for (int i = 0; i < 200000; i++) {
        uint8_t r[40];
        size_t len;
        int o;
        seed = seed * 1664525u + 1013904223u;
        len = seed % sizeof r;
        memcpy(r, t, n < sizeof r ? n : sizeof r);
        for (size_t k = 0; k < 4; k++) {
            seed = seed * 1664525u + 1013904223u;
            r[(seed >> 8) % sizeof r] = (uint8_t)(seed >> 20);
        }
        o = skd_exif_orientation(r, len);
        bad += o < 0 || o > 8;
    }
    CHECK(bad == 0);
    REPORT("EXIF parser: %d bad answers over truncations and 200000 "
           "damaged blocks", bad);
}

static void test_malformed_exif_in_jpeg(skd_ctx *ctx)
{
    size_t n, en;
    uint8_t *jpg = quadrant_jpeg(&n), *e;
    uint8_t tiff[64];
    skd_image *img = NULL;
    size_t tn = make_tiff(tiff, 0, 6);

    /* Huge count, IFD truncated to half an entry. */
    tiff[8] = 0xFF;
    tiff[9] = 0xFF;
    e = with_exif(jpg, n, tiff, 14, &en);
    CHECK_STATUS(skd_image_decode(ctx, e, en, &img), SKD_OK);
    CHECK(img && img->info.exif_orientation == 0 && img->width == 64);
    skd_image_free(img);
    img = NULL;
    free(e);
    /* Empty EXIF payload, and "Exif" without its TIFF header. */
    e = with_exif(jpg, n, tiff, 0, &en);
    CHECK_STATUS(skd_image_decode(ctx, e, en, &img), SKD_OK);
    CHECK(img && img->info.exif_orientation == 0);
    skd_image_free(img);
    img = NULL;
    free(e);
    /* An APP1 whose length runs past the end of the file: an error. */
    (void)tn;
    e = with_exif(jpg, n, tiff, 26, &en);
    e[4] = 0xFF;
    e[5] = 0xF0;
    CHECK(skd_image_decode(ctx, e, en, &img) != SKD_OK);
    CHECK(img == NULL);
    REPORT("APP1 longer than the file: %s", skd_ctx_message(ctx));
    free(e);
    free(jpg);
}

/* ---- damage and limits -------------------------------------------------- */

static void test_truncation_and_flips(skd_ctx *ctx)
{
    for (int m = BASELINE; m <= PROGRESSIVE; m++) {
        size_t n;
        uint8_t *jpg = encode((enum mode)m, 48, 40, 90, &n), *buf = malloc(n);
        int refused = 0, flips_failed = 0, flips_ok = 0;
        unsigned seed = 777;
        for (size_t len = 0; len < n; len++) {
            skd_image *img = NULL;
            int st = skd_image_decode(ctx, jpg, len, &img);
            refused += st != SKD_OK;
            if (st == SKD_OK)
                fprintf(stderr, "  %s truncated at %zu/%zu decoded\n",
                        mode_name[m], len, n);
            skd_image_free(img);
        }
        REPORT("%s JPEG of %zu bytes: %d of %zu truncations refused (last "
               "message: %s)", mode_name[m], n, refused, n,
               skd_ctx_message(ctx));
        CHECK(refused == (int)n);
        for (int i = 0; i < 3000; i++) {
            skd_image *img = NULL;
            int st;
            memcpy(buf, jpg, n);
            seed = seed * 1103515245u + 12345u;
            buf[(seed >> 8) % n] ^= (uint8_t)(1u << ((seed >> 4) & 7));
            st = skd_image_decode(ctx, buf, n, &img);
            if (st == SKD_OK) {
                flips_ok++;
                CHECK(img && img->width && img->height);
            } else {
                flips_failed++;
                CHECK(img == NULL && skd_ctx_message(ctx)[0]);
            }
            skd_image_free(img);
        }
        REPORT("%s: 3000 single-bit flips: %d refused, %d decoded "
               "(flips in DCT data can be harmless)", mode_name[m],
               flips_failed, flips_ok);
        free(buf);
        free(jpg);
    }
}

/* Offset of the SOF segment's height field, or 0. */
static size_t sof_offset(const uint8_t *jpg, size_t n)
{
    for (size_t i = 2; i + 9 < n; i++)
        if (jpg[i] == 0xFF && (jpg[i + 1] == 0xC0 || jpg[i + 1] == 0xC2))
            return i + 5;
    return 0;
}

static void test_bombs(skd_ctx *ctx)
{
    size_t n;
    uint8_t *jpg = encode(BASELINE, 32, 32, 90, &n);
    size_t at = sof_offset(jpg, n);
    skd_image *img = NULL;
    long rss0 = tu_max_rss_kb();

    CHECK(at != 0);
    jpg[at] = 0xFD; /* height 65000 */
    jpg[at + 1] = 0xE8;
    jpg[at + 2] = 0xFD; /* width 65000 */
    jpg[at + 3] = 0xE8;
    CHECK_STATUS(skd_image_decode(ctx, jpg, n, &img), SKD_E_LIMIT);
    REPORT("65000x65000 JPEG: %s; peak RSS grew by %ld KiB",
           skd_ctx_message(ctx), tu_max_rss_kb() - rss0);
    CHECK(tu_max_rss_kb() - rss0 < 20 * 1024);
    jpg[at] = jpg[at + 1] = 0; /* height 0 */
    CHECK(skd_image_decode(ctx, jpg, n, &img) != SKD_OK);
    CHECK(img == NULL);
    REPORT("height 0 JPEG: %s", skd_ctx_message(ctx));
    jpg[at + 1] = 32;
    jpg[at + 2] = jpg[at + 3] = 0; /* width 0 */
    CHECK(skd_image_decode(ctx, jpg, n, &img) != SKD_OK);
    jpg[at + 3] = 32;
    jpg[at - 1] = 12; /* 12-bit samples: valid JPEG, not supported here */
    CHECK_STATUS(skd_image_decode(ctx, jpg, n, &img), SKD_E_UNSUPPORTED);
    REPORT("12-bit JPEG: %s", skd_ctx_message(ctx));
    jpg[at - 1] = 8;
    jpg[at - 4] = 0xC3; /* SOF3: lossless */
    CHECK_STATUS(skd_image_decode(ctx, jpg, n, &img), SKD_E_UNSUPPORTED);
    CHECK(strstr(skd_ctx_message(ctx), "lossless") != NULL);
    REPORT("lossless JPEG: %s", skd_ctx_message(ctx));
    jpg[at - 4] = 0xC0;
    CHECK_STATUS(skd_image_decode(ctx, jpg, n, &img), SKD_OK);
    skd_image_free(img);
    free(jpg);
}

/* A progressive JPEG with a legal but long scan script: successive
 * approximation to Al = 10 of every coefficient on its own. */
static uint8_t *many_scans(int comps, int *nscans, size_t *size)
{
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr err;
    jpeg_scan_info *s = calloc(3000, sizeof *s);
    unsigned char *out = NULL;
    unsigned long n = 0;
    JSAMPLE row[16 * 3];
    int k = 0;

    for (int al = 10; al >= 0; al--, k++) { /* DC, all components */
        s[k].comps_in_scan = comps;
        for (int c = 0; c < comps; c++)
            s[k].component_index[c] = c;
        s[k].Ah = al == 10 ? 0 : al + 1;
        s[k].Al = al;
    }
    for (int c = 0; c < comps; c++)
        for (int coef = 1; coef < 64; coef++)
            for (int al = 10; al >= 0; al--, k++) {
                s[k].comps_in_scan = 1;
                s[k].component_index[0] = c;
                s[k].Ss = s[k].Se = coef;
                s[k].Ah = al == 10 ? 0 : al + 1;
                s[k].Al = al;
            }
    ci.err = jpeg_std_error(&err);
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, &out, &n);
    ci.image_width = ci.image_height = 16;
    ci.input_components = comps;
    ci.in_color_space = comps == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, 95, TRUE);
    ci.scan_info = s;
    ci.num_scans = k;
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < 16) {
        JSAMPROW r = row;
        for (int i = 0; i < 16 * comps; i++)
            row[i] = (JSAMPLE)(ci.next_scanline * 10 + i * 3);
        jpeg_write_scanlines(&ci, &r, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    free(s);
    *nscans = k;
    *size = n;
    return out;
}

static void test_scan_limit(skd_ctx *ctx)
{
    int ns;
    size_t n;
    uint8_t *jpg = many_scans(1, &ns, &n);
    skd_image *img = NULL;
    CHECK_STATUS(skd_image_decode(ctx, jpg, n, &img), SKD_OK);
    REPORT("grey progressive with %d scans: decoded", ns);
    skd_image_free(img);
    img = NULL;
    free(jpg);
    jpg = many_scans(3, &ns, &n);
    CHECK_STATUS(skd_image_decode(ctx, jpg, n, &img), SKD_E_LIMIT);
    REPORT("colour progressive with %d scans: %s", ns, skd_ctx_message(ctx));
    CHECK(img == NULL);
    free(jpg);
}

static void test_alloc_failures(void)
{
    size_t n;
    uint8_t *jpg = encode(PROGRESSIVE, 40, 24, 90, &n);
    uint8_t tiff[64];
    size_t tn = make_tiff(tiff, 0, 6), en;
    uint8_t *e = with_exif(jpg, n, tiff, tn, &en);
    uint32_t width = 0;
    int ok_at = tu_decode_alloc_sweep(e, en, 50, &width);

    CHECK(ok_at < 0 || width == 24);
    REPORT("rotated JPEG decode succeeds once %d allocations are allowed; "
           "earlier failures were clean", ok_at);
    CHECK(ok_at >= 2);
    free(e);
    free(jpg);
}

static void test_writer(skd_ctx *ctx)
{
    skd_image *img = tu_smooth_image(ctx, 160, 120), *back = NULL;
    char path[1024];
    skd_image_info info;

    snprintf(path, sizeof path, "%s/writer.jpg", check_tmpdir());
    CHECK_STATUS(skd_image_write_jpeg(ctx, img, path, 95), SKD_OK);
    CHECK_STATUS(skd_image_load(ctx, path, &back), SKD_OK);
    if (back) {
        double mae = mean_abs_error(back, BASELINE);
        REPORT("writer q95 round trip: mean abs error %.2f levels", mae);
        CHECK(mae < 3);
    }
    skd_image_free(back);
    CHECK_STATUS(skd_probe_file(ctx, path, &info), SKD_OK);
    CHECK(!strcmp(info.coding, "baseline") &&
          !strcmp(info.colour_type, "ycbcr") && info.channels == 3);
    CHECK_STATUS(skd_image_write_jpeg(ctx, img, path, 0), SKD_E_INVALID);
    CHECK_STATUS(skd_image_write_jpeg(ctx, img, path, 101), SKD_E_INVALID);
    CHECK_STATUS(skd_image_write_jpeg(ctx, img, path, 1), SKD_OK);
    snprintf(path, sizeof path, "%s/missing/dir/w.jpg", check_tmpdir());
    CHECK_STATUS(skd_image_write_jpeg(ctx, img, path, 90), SKD_E_IO);
    CHECK(strstr(skd_ctx_message(ctx), "w.jpg") != NULL);
    skd_image_free(img);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    test_variants(ctx);
    test_orientation(ctx);
    test_exif_parser();
    test_malformed_exif_in_jpeg(ctx);
    test_truncation_and_flips(ctx);
    test_bombs(ctx);
    test_scan_limit(ctx);
    test_alloc_failures();
    test_writer(ctx);
    skd_ctx_free(ctx);
    return check_done("test_decode_jpeg");
}
