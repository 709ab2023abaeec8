/* Helpers shared by the decode tests (test_decode*.c). */
#ifndef TEST_DECODE_UTIL_H
#define TEST_DECODE_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "check.h"
#include "skindiff.h"

/* Whole file into a malloc'd buffer; NULL on failure. */
static inline uint8_t *tu_read_file(const char *path, size_t *size)
{
    return (uint8_t *)check_slurp(path, size);
}

static inline int tu_write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    int ok;
    if (!f)
        return 0;
    ok = fwrite(data, 1, n, f) == n;
    return (fclose(f) == 0) && ok;
}

/* Peak resident set size so far, in KiB. */
static inline long tu_max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* A smooth, asymmetric 8-bit-valued test picture: gradients plus a gentle
 * wave, every sample a multiple of 257 (as a decoded 8-bit file would be). */
static inline uint8_t tu_smooth_value(uint32_t x, uint32_t y, int c,
                                      uint32_t w, uint32_t h)
{
    double v;
    if (c == 0)
        v = 30 + 190.0 * x / (w - 1);
    else if (c == 1)
        v = 40 + 170.0 * y / (h - 1);
    else
        v = 128 + 60 * sin(x * 0.07) * cos(y * 0.05);
    return (uint8_t)(v + 0.5);
}

static inline skd_image *tu_smooth_image(skd_ctx *ctx, uint32_t w, uint32_t h)
{
    skd_image *img = NULL;
    if (skd_image_create(ctx, w, h, &img) != SKD_OK)
        return NULL;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            for (int c = 0; c < 3; c++)
                img->rgb[((size_t)y * w + x) * 3 + c] =
                    (uint16_t)(tu_smooth_value(x, y, c, w, h) * 257u);
    return img;
}

/* skd_image_decode of data with allocation k + 1 failing, for k = 0, 1, ...
 * up to max - 1: every failure must be SKD_E_NOMEM, give no image and leak
 * nothing. Returns the first k at which the decode succeeds (the image's
 * width in *width when width is not NULL), or -1. */
static inline int tu_decode_alloc_sweep(const uint8_t *data, size_t n,
                                        long max, uint32_t *width)
{
    for (long k = 0; k < max; k++) {
        check_alloc a = {k + 1, 0, 0, 0};
        skd_allocator al = check_allocator(&a);
        skd_ctx *c = skd_ctx_create_with_allocator(&al);
        skd_image *out = NULL;
        int st;
        if (!c)
            continue; /* the context itself was the failed allocation */
        st = skd_image_decode(c, data, n, &out);
        if (st == SKD_OK) {
            if (width)
                *width = out->width;
            skd_image_free(out);
            skd_ctx_free(c);
            CHECK(a.live == 0);
            return (int)k;
        }
        CHECK_STATUS(st, SKD_E_NOMEM);
        CHECK(out == NULL);
        skd_ctx_free(c);
        CHECK(a.live == 0);
    }
    return -1;
}

#endif
