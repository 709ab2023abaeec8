/* Capture dates for the report: EXIF DateTimeOriginal from a JPEG's APP1
 * and a PNG's eXIf chunk (both byte orders), and no date from malformed or
 * truncated EXIF (offsets past the end, a date of zeros, IFD loops). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "skindiff.h"

/* TIFF EXIF: IFD0 with one entry (0x8769 -> Exif IFD at 26), Exif IFD with
 * one entry (0x9003 ASCII[20] at 44), then the date. */
static size_t tiff(unsigned char *t, int be, const char *date, uint32_t date_off)
{
#define P16(o, v) (be ? (t[o] = (v) >> 8, t[(o) + 1] = (v) & 255) \
                      : (t[o] = (v) & 255, t[(o) + 1] = (v) >> 8))
#define P32(o, v) (be ? (P16(o, (v) >> 16), P16((o) + 2, (v) & 0xFFFF)) \
                      : (P16(o, (v) & 0xFFFF), P16((o) + 2, (v) >> 16)))
    memset(t, 0, 64);
    t[0] = t[1] = be ? 'M' : 'I';
    P16(2, 42);
    P32(4, 8);
    P16(8, 1);                 /* IFD0: one entry */
    P16(10, 0x8769);
    P16(12, 4);
    P32(14, 1);
    P32(18, 26);               /* Exif IFD */
    P16(26, 1);
    P16(28, 0x9003);
    P16(30, 2);
    P32(32, 20);
    P32(36, date_off);
    memcpy(t + 44, date, 20);
    return 64;
#undef P16
#undef P32
}

static int write_jpeg(const char *path, const unsigned char *t, size_t n)
{
    unsigned char head[] = {0xFF, 0xD8, 0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
    unsigned char tail[] = {0xFF, 0xDA, 0, 2, 0xFF, 0xD9};
    FILE *f = fopen(path, "wb");
    size_t len = n + 8;
    if (!f)
        return 0;
    head[4] = (unsigned char)(len >> 8);
    head[5] = (unsigned char)len;
    fwrite(head, 1, sizeof head, f);
    fwrite(t, 1, n, f);
    fwrite(tail, 1, sizeof tail, f);
    return fclose(f) == 0;
}

static int write_png(const char *path, const unsigned char *t, size_t n)
{
    static const unsigned char sig[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    unsigned char len[4] = {0, 0, 0, (unsigned char)n}, crc[4] = {0};
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(sig, 1, 8, f);
    fwrite(len, 1, 4, f);
    fwrite("eXIf", 1, 4, f);
    fwrite(t, 1, n, f);
    fwrite(crc, 1, 4, f);
    return fclose(f) == 0;
}

static void expect(skd_ctx *ctx, const char *path, const char *want)
{
    char out[32];
    int st = skd_capture_date(ctx, path, out, sizeof out);
    if (want) {
        CHECK_STATUS(st, SKD_OK);
        CHECK(!strcmp(out, want));
        REPORT("%s: %s", path, out);
    } else {
        CHECK(st == SKD_E_FORMAT);
        REPORT("%s: %s", path, skd_ctx_message(ctx));
    }
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    unsigned char t[64];
    char path[512];
    size_t n;
    for (int be = 0; be < 2; be++) {
        n = tiff(t, be, "2024:03:18 10:22:05", 44);
        snprintf(path, sizeof path, "%s/date%d.jpg", check_tmpdir(), be);
        CHECK(write_jpeg(path, t, n));
        expect(ctx, path, "2024-03-18 10:22");
        snprintf(path, sizeof path, "%s/date%d.png", check_tmpdir(), be);
        CHECK(write_png(path, t, n));
        expect(ctx, path, "2024-03-18 10:22");
    }
    n = tiff(t, 0, "0000:00:00 00:00:00", 44); /* a camera without a clock */
    snprintf(path, sizeof path, "%s/zeros.jpg", check_tmpdir());
    CHECK(write_jpeg(path, t, n));
    expect(ctx, path, NULL);
    n = tiff(t, 1, "2024:03:18 10:22:05", 60); /* date runs past the end */
    snprintf(path, sizeof path, "%s/past.jpg", check_tmpdir());
    CHECK(write_jpeg(path, t, n));
    expect(ctx, path, NULL);
    n = tiff(t, 0, "2024-03-18T10:22:05", 44); /* not EXIF's form */
    snprintf(path, sizeof path, "%s/form.jpg", check_tmpdir());
    CHECK(write_jpeg(path, t, n));
    expect(ctx, path, NULL);
    n = tiff(t, 0, "2024:03:18 10:22:05", 44);
    t[18] = 8; /* the Exif IFD pointer points back at IFD0: no date, no loop */
    t[19] = t[20] = t[21] = 0;
    snprintf(path, sizeof path, "%s/loop.jpg", check_tmpdir());
    CHECK(write_jpeg(path, t, n));
    expect(ctx, path, NULL);
    skd_ctx_free(ctx);
    return check_done("test_capture_date");
}
