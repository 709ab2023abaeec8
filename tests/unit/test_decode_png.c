/* PNG decoding: all of PngSuite against an independent reference decoder
 * (zlib + the PNG filter rules, no libpng), interlaced against
 * non-interlaced twins, corrupt files, truncation, bit flips, dimension
 * bombs, allocation failures, and the PNG writer's round trip. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "skindiff.h"
#include "test_decode_util.h"

#define SUITE SKD_SHARED_DATA "/pngsuite/png"

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Reference decoder for non-interlaced PNG: RGB16 as the library should
 * produce it (grey replicated, palette looked up, alpha ignored, depths
 * below 8 scaled by 65535 / (2^depth - 1), 8-bit by 257). Returns a
 * malloc'd buffer or NULL when the file is not of that kind. */
static uint16_t *reference_png(const uint8_t *f, size_t n, uint32_t *w_out,
                               uint32_t *h_out)
{
    uint32_t w = 0, h = 0;
    int bd = 0, ct = -1, il = 0, ch, bpp;
    uint8_t pal[256 * 3] = {0};
    uint8_t *idat = NULL, *raw = NULL;
    size_t idat_n = 0, pos = 8, stride;
    uLongf raw_n;
    uint16_t *out = NULL;

    while (pos + 12 <= n) {
        uint32_t len = rd32(f + pos);
        const uint8_t *type = f + pos + 4, *d = f + pos + 8;
        if (len > n - pos - 12)
            break;
        if (!memcmp(type, "IHDR", 4)) {
            w = rd32(d);
            h = rd32(d + 4);
            bd = d[8];
            ct = d[9];
            il = d[12];
        } else if (!memcmp(type, "PLTE", 4)) {
            memcpy(pal, d, len < sizeof pal ? len : sizeof pal);
        } else if (!memcmp(type, "IDAT", 4)) {
            uint8_t *t = realloc(idat, idat_n + len + 1);
            if (!t)
                break;
            idat = t;
            memcpy(idat + idat_n, d, len);
            idat_n += len;
        }
        pos += 12 + (size_t)len;
    }
    if (il != 0 || ct < 0 || !w || !h)
        goto out;
    ch = ct == 0 ? 1 : ct == 2 ? 3 : ct == 3 ? 1 : ct == 4 ? 2 : 4;
    stride = ((size_t)w * ch * bd + 7) / 8;
    bpp = (ch * bd + 7) / 8;
    raw_n = (uLongf)(h * (stride + 1));
    raw = malloc(raw_n);
    if (!raw || uncompress(raw, &raw_n, idat, idat_n) != Z_OK ||
        raw_n != h * (stride + 1))
        goto out;
    for (uint32_t y = 0; y < h; y++) {
        uint8_t *row = raw + y * (stride + 1), *cur = row + 1;
        const uint8_t *prev = y ? row - stride : NULL;
        for (size_t i = 0; i < stride; i++) {
            int a = i >= (size_t)bpp ? cur[i - bpp] : 0;
            int b = prev ? prev[i] : 0;
            int c = prev && i >= (size_t)bpp ? prev[i - bpp] : 0;
            int v = cur[i];
            switch (row[0]) {
            case 1: v += a; break;
            case 2: v += b; break;
            case 3: v += (a + b) / 2; break;
            case 4: v += paeth(a, b, c); break;
            }
            cur[i] = (uint8_t)v;
        }
    }
    out = malloc((size_t)w * h * 3 * sizeof *out);
    if (!out)
        goto out;
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *row = raw + y * (stride + 1) + 1;
        for (uint32_t x = 0; x < w; x++) {
            uint32_t s[4];
            for (int c = 0; c < ch; c++) {
                size_t k = (size_t)x * ch + c;
                if (bd == 16)
                    s[c] = (uint32_t)row[2 * k] << 8 | row[2 * k + 1];
                else if (bd == 8)
                    s[c] = row[k];
                else
                    s[c] = (row[k * bd / 8] >> (8 - bd - (k * bd) % 8)) &
                           ((1u << bd) - 1);
            }
            uint16_t *o = out + ((size_t)y * w + x) * 3;
            if (ct == 3) {
                for (int c = 0; c < 3; c++)
                    o[c] = (uint16_t)(pal[s[0] * 3 + c] * 257);
            } else {
                uint32_t scale = bd == 16 ? 1 : 65535u / ((1u << bd) - 1);
                int grey = ct == 0 || ct == 4;
                for (int c = 0; c < 3; c++)
                    o[c] = (uint16_t)(s[grey ? 0 : c] * scale);
            }
        }
    }
    *w_out = w;
    *h_out = h;
out:
    free(idat);
    free(raw);
    return out;
}

static int same_pixels(const skd_image *a, const skd_image *b)
{
    return a->width == b->width && a->height == b->height &&
           !memcmp(a->rgb, b->rgb, (size_t)a->width * a->height * 6);
}

static void test_pngsuite(skd_ctx *ctx)
{
    DIR *d;
    struct dirent *e;
    int valid = 0, corrupt = 0, refchecked = 0, twins = 0;

    if (!check_shared_data("pngsuite/png", "PngSuite decode"))
        return;
    if (!(d = opendir(SUITE))) {
        fprintf(stderr, "FAIL: cannot open %s\n", SUITE);
        check_failures++;
        return;
    }
    while ((e = readdir(d))) {
        char path[1024];
        size_t len = strlen(e->d_name);
        skd_image *img = NULL;
        int st;
        if (len < 5 || strcmp(e->d_name + len - 4, ".png"))
            continue;
        snprintf(path, sizeof path, "%s/%s", SUITE, e->d_name);
        st = skd_image_load(ctx, path, &img);
        if (e->d_name[0] == 'x') {
            corrupt++;
            if (st == SKD_OK)
                fprintf(stderr, "  corrupt %s decoded\n", e->d_name);
            CHECK(st != SKD_OK);
            CHECK(img == NULL);
            CHECK(strstr(skd_ctx_message(ctx), e->d_name) != NULL);
            REPORT("%s: %s (%s)", e->d_name, skd_ctx_message(ctx),
                   skd_strerror(st));
            continue;
        }
        valid++;
        if (st != SKD_OK)
            fprintf(stderr, "  %s: %s\n", e->d_name, skd_ctx_message(ctx));
        CHECK_STATUS(st, SKD_OK);
        if (st != SKD_OK)
            continue;
        CHECK(img->info.format == SKD_FORMAT_PNG);
        CHECK(img->width == img->info.width && img->height == img->info.height);
        {
            size_t n;
            uint8_t *f = tu_read_file(path, &n);
            uint32_t rw, rh;
            uint16_t *ref = f ? reference_png(f, n, &rw, &rh) : NULL;
            if (ref && img->info.exif_orientation <= 1) {
                refchecked++;
                CHECK(rw == img->width && rh == img->height);
                if (rw == img->width && rh == img->height &&
                    memcmp(ref, img->rgb, (size_t)rw * rh * 6)) {
                    fprintf(stderr, "  %s differs from the reference\n",
                            e->d_name);
                    CHECK(0);
                }
            }
            free(ref);
            free(f);
        }
        /* Interlaced files must equal their non-interlaced twin. */
        if (e->d_name[3] == 'i' && (e->d_name[0] == 'b' || e->d_name[0] == 's')) {
            char twin[1024];
            skd_image *t = NULL;
            snprintf(twin, sizeof twin, "%s/%s", SUITE, e->d_name);
            twin[strlen(SUITE) + 1 + 3] = 'n';
            if (skd_image_load(ctx, twin, &t) == SKD_OK) {
                twins++;
                CHECK(!strcmp(img->info.coding, "adam7"));
                CHECK(!strcmp(t->info.coding, "non-interlaced"));
                if (!same_pixels(img, t)) {
                    fprintf(stderr, "  %s != its twin\n", e->d_name);
                    CHECK(0);
                }
            }
            skd_image_free(t);
        }
        skd_image_free(img);
    }
    closedir(d);
    REPORT("PngSuite: %d valid decoded, %d checked against the reference "
           "decoder, %d interlaced twins identical, %d corrupt refused",
           valid, refchecked, twins, corrupt);
    CHECK(valid >= 150);
    CHECK(corrupt == 14);
    CHECK(refchecked >= 100);
    CHECK(twins >= 30);
}

/* Known facts about particular PngSuite files. */
static void test_pngsuite_info(skd_ctx *ctx)
{
    static const struct {
        const char *name;
        int bd, ch;
        const char *ct, *coding;
        uint32_t w, h;
    } cases[] = {
        {"basn0g01.png", 1, 1, "grey", "non-interlaced", 32, 32},
        {"basn0g16.png", 16, 1, "grey", "non-interlaced", 32, 32},
        {"basn2c08.png", 8, 3, "rgb", "non-interlaced", 32, 32},
        {"basn3p04.png", 4, 1, "palette", "non-interlaced", 32, 32},
        {"basi4a16.png", 16, 2, "grey+alpha", "adam7", 32, 32},
        {"basi6a08.png", 8, 4, "rgba", "adam7", 32, 32},
        {"s01n3p01.png", 1, 1, "palette", "non-interlaced", 1, 1},
        {"s35i3p04.png", 4, 1, "palette", "adam7", 35, 35},
    };
    if (!check_shared_data("pngsuite/png", "PngSuite probe"))
        return;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[1024];
        skd_image_info info;
        snprintf(path, sizeof path, "%s/%s", SUITE, cases[i].name);
        CHECK_STATUS(skd_probe_file(ctx, path, &info), SKD_OK);
        CHECK(info.bit_depth == cases[i].bd);
        CHECK(info.channels == cases[i].ch);
        CHECK(!strcmp(info.colour_type, cases[i].ct));
        CHECK(!strcmp(info.coding, cases[i].coding));
        CHECK(info.width == cases[i].w && info.height == cases[i].h);
    }
    /* basn2c08 has plain 8-bit values: every sample must be a multiple of
     * 257 and grey images must have R == G == B. */
    {
        skd_image *img = NULL;
        int ok = 1;
        CHECK_STATUS(skd_image_load(ctx, SUITE "/basn2c08.png", &img), SKD_OK);
        for (size_t i = 0; img && i < (size_t)img->width * img->height * 3; i++)
            ok &= img->rgb[i] % 257 == 0;
        CHECK(ok);
        skd_image_free(img);
        img = NULL;
        ok = 1;
        CHECK_STATUS(skd_image_load(ctx, SUITE "/basn0g16.png", &img), SKD_OK);
        for (size_t i = 0; img && i < (size_t)img->width * img->height; i++)
            ok &= img->rgb[3 * i] == img->rgb[3 * i + 1] &&
                  img->rgb[3 * i] == img->rgb[3 * i + 2];
        CHECK(ok);
        skd_image_free(img);
    }
}

/* A chunk with its CRC at p; returns the bytes written. */
static size_t put_chunk(uint8_t *p, const char *type, const uint8_t *data,
                        uint32_t len)
{
    uLong crc;
    wr32(p, len);
    memcpy(p + 4, type, 4);
    if (len)
        memcpy(p + 8, data, len);
    crc = crc32(0, p + 4, 4 + len);
    wr32(p + 8 + len, (uint32_t)crc);
    return 12 + (size_t)len;
}

static size_t header_only_png(uint8_t *buf, uint32_t w, uint32_t h)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    uint8_t ihdr[13] = {0};
    uint8_t idat[64];
    uLongf idat_n = sizeof idat;
    uint8_t zeros[16] = {0};
    size_t n = 8;
    memcpy(buf, sig, 8);
    wr32(ihdr, w);
    wr32(ihdr + 4, h);
    ihdr[8] = 8;
    ihdr[9] = 2;
    n += put_chunk(buf + n, "IHDR", ihdr, 13);
    compress(idat, &idat_n, zeros, sizeof zeros);
    n += put_chunk(buf + n, "IDAT", idat, (uint32_t)idat_n);
    n += put_chunk(buf + n, "IEND", NULL, 0);
    return n;
}

static void test_bombs(skd_ctx *ctx)
{
    uint8_t buf[256];
    skd_image *img = NULL;
    skd_image_info info;
    long rss0 = tu_max_rss_kb();
    size_t n = header_only_png(buf, 100000, 100000);
    char path[1024];

    CHECK_STATUS(skd_image_decode(ctx, buf, n, &img), SKD_E_LIMIT);
    CHECK(img == NULL);
    REPORT("100000x100000 PNG: %s", skd_ctx_message(ctx));
    snprintf(path, sizeof path, "%s/bomb.png", check_tmpdir());
    CHECK(tu_write_file(path, buf, n));
    CHECK_STATUS(skd_probe_file(ctx, path, &info), SKD_E_LIMIT);
    CHECK(strstr(skd_ctx_message(ctx), "bomb.png") != NULL);
    REPORT("peak RSS grew by %ld KiB", tu_max_rss_kb() - rss0);
    CHECK(tu_max_rss_kb() - rss0 < 20 * 1024);

    /* A lower limit refuses a modest image too, and a raised one admits. */
    n = header_only_png(buf, 2000, 1000);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_MAX_PIXELS, 1e6), SKD_OK);
    CHECK_STATUS(skd_image_decode(ctx, buf, n, &img), SKD_E_LIMIT);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_MAX_PIXELS, 100e6), SKD_OK);
    /* 2000x1000 header with 16 bytes of image data: truncated, not OK. */
    CHECK(skd_image_decode(ctx, buf, n, &img) == SKD_E_CORRUPT);
    CHECK(img == NULL);

    n = header_only_png(buf, 0, 10);
    CHECK_STATUS(skd_image_decode(ctx, buf, n, &img), SKD_E_CORRUPT);
    REPORT("0x10 PNG: %s", skd_ctx_message(ctx));
    n = header_only_png(buf, 10, 0);
    CHECK_STATUS(skd_image_decode(ctx, buf, n, &img), SKD_E_CORRUPT);
}

/* A valid PNG with a tEXt chunk inserted after IHDR; bad_crc damages the
 * chunk's CRC. */
static void test_ancillary_crc(skd_ctx *ctx)
{
    char path[1024];
    skd_image *img = tu_smooth_image(ctx, 20, 10), *out = NULL;
    uint8_t *file, *buf;
    size_t n, k;
    static const uint8_t text[] = "Comment\0left cheek, week 4";

    snprintf(path, sizeof path, "%s/text.png", check_tmpdir());
    CHECK_STATUS(skd_image_write_png(ctx, img, path), SKD_OK);
    skd_image_free(img);
    file = tu_read_file(path, &n);
    if (!file)
        return;
    buf = malloc(n + 64);
    memcpy(buf, file, 33); /* signature + IHDR */
    k = 33 + put_chunk(buf + 33, "tEXt", text, sizeof text - 1);
    memcpy(buf + k, file + 33, n - 33);
    CHECK_STATUS(skd_image_decode(ctx, buf, n + k - 33, &out), SKD_OK);
    skd_image_free(out);
    out = NULL;
    buf[k - 1] ^= 0x01; /* last CRC byte of tEXt */
    CHECK_STATUS(skd_image_decode(ctx, buf, n + k - 33, &out), SKD_E_CORRUPT);
    CHECK(out == NULL);
    REPORT("tEXt chunk with a bad CRC: %s", skd_ctx_message(ctx));
    free(buf);
    free(file);
}

static void test_writer_roundtrip(skd_ctx *ctx)
{
    char path[1024], dir[1024];
    skd_image *img = tu_smooth_image(ctx, 97, 61), *back = NULL;
    skd_image_info info;

    snprintf(path, sizeof path, "%s/roundtrip.png", check_tmpdir());
    CHECK_STATUS(skd_image_write_png(ctx, img, path), SKD_OK);
    CHECK_STATUS(skd_image_load(ctx, path, &back), SKD_OK);
    CHECK(back && same_pixels(img, back));
    CHECK_STATUS(skd_probe_file(ctx, path, &info), SKD_OK);
    CHECK(info.format == SKD_FORMAT_PNG && info.bit_depth == 8 &&
          info.channels == 3 && !strcmp(info.colour_type, "rgb"));
    skd_image_free(back);

    /* Non-8-bit values are rounded to the nearest 8-bit level. */
    img->rgb[0] = 128;   /* 0.498 -> 0 */
    img->rgb[1] = 129;   /* 0.502 -> 1 */
    img->rgb[2] = 65535; /* 255 */
    CHECK_STATUS(skd_image_write_png(ctx, img, path), SKD_OK);
    back = NULL;
    CHECK_STATUS(skd_image_load(ctx, path, &back), SKD_OK);
    if (back) {
        CHECK(back->rgb[0] == 0);
        CHECK(back->rgb[1] == 257);
        CHECK(back->rgb[2] == 65535);
    }
    skd_image_free(back);

    snprintf(path, sizeof path, "%s/no/such/dir/out.png", check_tmpdir());
    CHECK_STATUS(skd_image_write_png(ctx, img, path), SKD_E_IO);
    CHECK(strstr(skd_ctx_message(ctx), "out.png") != NULL);
    REPORT("missing directory: %s", skd_ctx_message(ctx));

    /* Rename onto a directory fails at commit: the temporary file must be
     * gone and the directory untouched. */
    snprintf(dir, sizeof dir, "%s/is_a_dir.png", check_tmpdir());
    mkdir(dir, 0777);
    CHECK(skd_image_write_png(ctx, img, dir) != SKD_OK);
    {
        DIR *d = opendir(check_tmpdir());
        struct dirent *e;
        int leftovers = 0;
        while (d && (e = readdir(d)))
            leftovers += strstr(e->d_name, ".tmp.") != NULL;
        if (d)
            closedir(d);
        CHECK(leftovers == 0);
    }
    CHECK_STATUS(skd_image_write_png(ctx, NULL, path), SKD_E_INVALID);
    skd_image_free(img);
}

static void test_truncation_and_flips(skd_ctx *ctx)
{
    char path[1024];
    skd_image *img = tu_smooth_image(ctx, 40, 30), *out = NULL;
    uint8_t *file, *buf;
    size_t n;
    int failed_trunc = 0, flips_failed = 0, flips_ok = 0;
    unsigned seed = 12345;

    snprintf(path, sizeof path, "%s/small.png", check_tmpdir());
    CHECK_STATUS(skd_image_write_png(ctx, img, path), SKD_OK);
    file = tu_read_file(path, &n);
    CHECK(file != NULL);
    if (!file)
        return;
    buf = malloc(n);
    for (size_t len = 0; len < n; len++) {
        int st = skd_image_decode(ctx, file, len, &out);
        failed_trunc += st != SKD_OK;
        if (st == SKD_OK) {
            fprintf(stderr, "  truncated at %zu of %zu decoded\n", len, n);
            skd_image_free(out);
            out = NULL;
        }
    }
    REPORT("PNG of %zu bytes: %d of %zu truncations refused", n,
           failed_trunc, n);
    CHECK(failed_trunc == (int)n);
    for (int i = 0; i < 3000; i++) {
        int st;
        memcpy(buf, file, n);
        seed = seed * 1103515245u + 12345u;
        buf[(seed >> 8) % n] ^= (uint8_t)(1u << ((seed >> 4) & 7));
        st = skd_image_decode(ctx, buf, n, &out);
        if (st == SKD_OK) {
            flips_ok++;
            CHECK(out && out->width && out->height);
            skd_image_free(out);
            out = NULL;
        } else {
            flips_failed++;
            CHECK(out == NULL && skd_ctx_message(ctx)[0] != '\0');
        }
    }
    REPORT("3000 single-bit flips: %d refused, %d decoded", flips_failed,
           flips_ok);
    free(buf);
    free(file);
    skd_image_free(img);
}

static void test_alloc_failures(void)
{
    char path[1024];
    size_t n;
    uint8_t *file;
    int ok_at = -1;
    skd_ctx *ctx = skd_ctx_create();
    skd_image *img = tu_smooth_image(ctx, 33, 17);

    snprintf(path, sizeof path, "%s/alloc.png", check_tmpdir());
    CHECK_STATUS(skd_image_write_png(ctx, img, path), SKD_OK);
    skd_image_free(img);
    skd_ctx_free(ctx);
    file = tu_read_file(path, &n);
    if (file)
        ok_at = tu_decode_alloc_sweep(file, n, 50, NULL);
    REPORT("PNG decode succeeds once %d allocations are allowed; every "
           "earlier failure was SKD_E_NOMEM without leaks", ok_at);
    CHECK(ok_at > 0);
    free(file);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    test_pngsuite(ctx);
    test_pngsuite_info(ctx);
    test_bombs(ctx);
    test_ancillary_crc(ctx);
    test_writer_roundtrip(ctx);
    test_truncation_and_flips(ctx);
    test_alloc_failures();
    skd_ctx_free(ctx);
    return check_done("test_decode_png");
}
