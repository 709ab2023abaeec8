/* Shared by the fuzz targets: a context with small limits and the
 * invariants every decode must keep. A broken invariant aborts, so the
 * fuzzer (or the replay driver under ctest) reports it like a crash. */
#ifndef SKD_FUZZ_COMMON_H
#define SKD_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skindiff.h"
#include "decode/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                      \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", __FILE__,    \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

static inline skd_ctx *fuzz_ctx(double max_pixels)
{
    skd_ctx *ctx = skd_ctx_create();
    FUZZ_ASSERT(ctx != NULL);
    FUZZ_ASSERT(skd_ctx_set(ctx, SKD_OPT_MAX_PIXELS, max_pixels) == SKD_OK);
    return ctx;
}

/* A failure caused by the data must say so: no INVALID (that blames the
 * caller), no INTERNAL (a bug), and a message. */
static inline void fuzz_check_failure(const skd_ctx *ctx, int st)
{
    const char *msg = skd_ctx_message(ctx);
    if (!(st == SKD_E_NOMEM || st == SKD_E_FORMAT || st == SKD_E_CORRUPT ||
          st == SKD_E_UNSUPPORTED || st == SKD_E_LIMIT))
        fprintf(stderr, "status %d (%s): %s\n", st, skd_strerror(st), msg);
    FUZZ_ASSERT(st == SKD_E_NOMEM || st == SKD_E_FORMAT ||
                st == SKD_E_CORRUPT || st == SKD_E_UNSUPPORTED ||
                st == SKD_E_LIMIT);
    FUZZ_ASSERT(msg != NULL && msg[0] != '\0');
}

/* Headers only, as skd_probe_file reads them. */
static inline int fuzz_probe(skd_ctx *ctx, const uint8_t *data, size_t size,
                             skd_image_info *info)
{
    int hit_end = 0;
    return skd_decode_any(ctx, data, size, info, NULL, &hit_end);
}

/* Decode data and check the result against the context's limit and
 * against a headers-only read of the same bytes. Returns the image (caller
 * frees) or NULL. */
static inline skd_image *fuzz_decode(skd_ctx *ctx, const uint8_t *data,
                                     size_t size)
{
    skd_image_info probed;
    skd_image *img = (skd_image *)(uintptr_t)1; /* must be reset */
    double limit = 0;
    int pst = fuzz_probe(ctx, data, size, &probed);
    int st;

    if (pst != SKD_OK)
        fuzz_check_failure(ctx, pst);
    st = skd_image_decode(ctx, data, size, &img);
    if (st != SKD_OK) {
        FUZZ_ASSERT(img == NULL);
        fuzz_check_failure(ctx, st);
        return NULL;
    }
    FUZZ_ASSERT(skd_ctx_get(ctx, SKD_OPT_MAX_PIXELS, &limit) == SKD_OK);
    FUZZ_ASSERT(img != NULL && img->rgb != NULL);
    FUZZ_ASSERT(img->width > 0 && img->height > 0);
    FUZZ_ASSERT((double)img->width * img->height <= limit);
    FUZZ_ASSERT(img->info.width == img->width &&
                img->info.height == img->height);
    FUZZ_ASSERT(img->info.format == skd_detect_format(data, size));
    /* What the headers promise, the decode delivers. */
    FUZZ_ASSERT(pst == SKD_OK);
    FUZZ_ASSERT(probed.width == img->info.width &&
                probed.height == img->info.height &&
                probed.exif_orientation == img->info.exif_orientation &&
                probed.format == img->info.format);
    {
        /* Touch every sample so out-of-bounds buffers show up under ASan. */
        uint64_t sum = 0;
        size_t n = (size_t)img->width * img->height * 3;
        for (size_t i = 0; i < n; i++)
            sum += img->rgb[i];
        FUZZ_ASSERT(sum <= (uint64_t)n * 65535u);
    }
    return img;
}

#endif
