/* skd_image to PNG or JPEG files: encode in memory, then write atomically,
 * so a failure anywhere leaves no partial file and the old file intact. */
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>

#include "io.h"
#include "../decode/decode.h"

int skd_rgb8_alloc(skd_ctx *ctx, uint32_t w, uint32_t h, skd_rgb8 *out)
{
    size_t n;
    memset(out, 0, sizeof *out);
    if (!skd_mul3_size(w, h, 3, &n) || n == 0)
        return skd_fail(ctx, SKD_E_INVALID, "picture size %ux%u", w, h);
    out->px = skd_malloc(ctx, n);
    if (!out->px)
        return SKD_E_NOMEM;
    out->width = w;
    out->height = h;
    return SKD_OK;
}

void skd_rgb8_free(skd_ctx *ctx, skd_rgb8 *p)
{
    skd_dealloc(ctx, p->px);
    memset(p, 0, sizeof *p);
}

int skd_rgb8_from_samples(skd_ctx *ctx, const skd_image *img, skd_rgb8 *out)
{
    int st = skd_rgb8_alloc(ctx, img->width, img->height, out);
    if (st != SKD_OK)
        return st;
    size_t n = (size_t)img->width * img->height * 3;
    for (size_t i = 0; i < n; i++)
        out->px[i] = skd_sample_to_8(img->rgb[i]);
    return SKD_OK;
}

typedef enum file_kind { FILE_PNG, FILE_JPEG } file_kind;

static int write_image(skd_ctx *ctx, const skd_image *img, const char *path,
                       file_kind kind, int quality)
{
    skd_rgb8 pic;
    skd_buf enc;
    int st = skd_rgb8_from_samples(ctx, img, &pic);
    if (st != SKD_OK)
        return st;
    skd_buf_init(&enc, ctx);
    st = kind == FILE_PNG ? skd_png_encode_memory(ctx, &pic, &enc)
                          : skd_jpeg_encode_memory(ctx, &pic, quality, &enc);
    skd_rgb8_free(ctx, &pic);
    if (st == SKD_OK)
        st = skd_write_file_atomic(ctx, path, enc.data, enc.len);
    else
        skd_message_prefix(ctx, path);
    skd_buf_free(&enc);
    return st;
}

static int check_image(skd_ctx *ctx, const skd_image *img, const char *path,
                       const char *fn)
{
    if (!ctx)
        return SKD_E_INVALID;
    if (!img || !img->rgb || !img->width || !img->height || !path)
        return skd_fail(ctx, SKD_E_INVALID, "%s: no image", fn);
    return SKD_OK;
}

int skd_image_write_png(skd_ctx *ctx, const skd_image *img, const char *path)
{
    int st = check_image(ctx, img, path, "skd_image_write_png");
    if (st != SKD_OK)
        return st;
    if (img->width > 0x7fffffff || img->height > 0x7fffffff)
        return skd_fail(ctx, SKD_E_INVALID, "%s: image too large for PNG", path);
    return write_image(ctx, img, path, FILE_PNG, 0);
}

int skd_image_write_jpeg(skd_ctx *ctx, const skd_image *img, const char *path,
                         int quality)
{
    int st = check_image(ctx, img, path, "skd_image_write_jpeg");
    if (st != SKD_OK)
        return st;
    if (quality < 1 || quality > 100)
        return skd_fail(ctx, SKD_E_INVALID,
                        "%s: JPEG quality %d outside 1..100", path, quality);
    if (img->width > JPEG_MAX_DIMENSION || img->height > JPEG_MAX_DIMENSION)
        return skd_fail(ctx, SKD_E_INVALID,
                        "%s: %ux%u is too large for JPEG (max %d a side)",
                        path, (unsigned)img->width, (unsigned)img->height,
                        (int)JPEG_MAX_DIMENSION);
    return write_image(ctx, img, path, FILE_JPEG, quality);
}
