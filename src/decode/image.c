/* skd_image lifetime and the public entry points: load a file, decode a
 * buffer, probe headers. The format adapters do the actual decoding. */
#include <string.h>

#include "decode.h"

#define PROBE_MAX_BYTES ((size_t)32 << 20)

/* The image keeps the allocator it was made with, so freeing needs no
 * context. The public struct comes first: an skd_image * is a block *. */
typedef struct image_block {
    skd_image pub;
    skd_allocator alloc;
} image_block;

uint16_t *skd_rgb_alloc(skd_ctx *ctx, uint32_t width, uint32_t height)
{
    size_t bytes;
    if (!skd_mul3_size(width, height, 3 * sizeof(uint16_t), &bytes)) {
        skd_fail(ctx, SKD_E_NOMEM, "image %ux%u: size overflows",
                 (unsigned)width, (unsigned)height);
        return NULL;
    }
    return skd_malloc(ctx, bytes);
}

int skd_image_new(skd_ctx *ctx, uint32_t width, uint32_t height, int zero,
                  skd_image **out)
{
    image_block *b;
    *out = NULL;
    if (width == 0 || height == 0)
        return skd_fail(ctx, SKD_E_INVALID, "image size %ux%u: must not be 0",
                        (unsigned)width, (unsigned)height);
    b = skd_malloc(ctx, sizeof *b);
    if (!b)
        return SKD_E_NOMEM;
    memset(b, 0, sizeof *b);
    b->alloc = ctx->alloc;
    b->pub.rgb = skd_rgb_alloc(ctx, width, height);
    if (!b->pub.rgb) {
        skd_dealloc(ctx, b);
        return SKD_E_NOMEM;
    }
    if (zero)
        memset(b->pub.rgb, 0, (size_t)width * height * 3 * sizeof(uint16_t));
    b->pub.width = width;
    b->pub.height = height;
    b->pub.info.stored_width = b->pub.info.width = width;
    b->pub.info.stored_height = b->pub.info.height = height;
    b->pub.info.bit_depth = 16;
    b->pub.info.channels = 3;
    strcpy(b->pub.info.colour_type, "rgb");
    strcpy(b->pub.info.colour_source, "assumed sRGB");
    *out = &b->pub;
    return SKD_OK;
}

void skd_image_replace_pixels(skd_image *img, uint16_t *rgb, uint32_t new_w,
                              uint32_t new_h)
{
    image_block *b = (image_block *)img;
    if (img->rgb)
        b->alloc.free_fn(b->alloc.opaque, img->rgb);
    img->rgb = rgb;
    img->width = new_w;
    img->height = new_h;
}

int skd_image_create(skd_ctx *ctx, uint32_t width, uint32_t height,
                     skd_image **out)
{
    if (!ctx)
        return SKD_E_INVALID;
    if (!out)
        return skd_fail(ctx, SKD_E_INVALID, "skd_image_create: out is NULL");
    return skd_image_new(ctx, width, height, 1, out);
}

void skd_image_free(skd_image *img)
{
    image_block *b = (image_block *)img;
    skd_allocator a;
    if (!img)
        return;
    a = b->alloc;
    if (img->rgb)
        a.free_fn(a.opaque, img->rgb);
    if (img->icc)
        a.free_fn(a.opaque, img->icc);
    a.free_fn(a.opaque, b);
}

int skd_image_hand_over(int st, skd_image *img, skd_image **out)
{
    if (st == SKD_OK && out)
        *out = img;
    else
        skd_image_free(img);
    return st;
}

int skd_check_pixel_limit(skd_ctx *ctx, const char *what, uint32_t width,
                          uint32_t height)
{
    double limit = skd_opt(ctx, SKD_OPT_MAX_PIXELS);
    double px = (double)width * (double)height; /* exact below 2^53 */
    if (width == 0 || height == 0)
        return skd_fail(ctx, SKD_E_CORRUPT, "%s header declares a %ux%u image",
                        what, (unsigned)width, (unsigned)height);
    if (px > limit)
        return skd_fail(ctx, SKD_E_LIMIT,
                        "%s image is %ux%u = %.1f Mpx, above the limit of "
                        "%.1f Mpx (SKD_OPT_MAX_PIXELS)",
                        what, (unsigned)width, (unsigned)height, px / 1e6,
                        limit / 1e6);
    return SKD_OK;
}

/* The adapter for the signature. */
static int read_format(skd_ctx *ctx, const uint8_t *data, size_t size,
                       skd_image_info *info, skd_image **out, int *hit_end,
                       skd_colour_tags *tags)
{
    switch (skd_detect_format(data, size)) {
    case SKD_FORMAT_PNG:
        return skd_png_read(ctx, data, size, info, out, hit_end, tags);
    case SKD_FORMAT_JPEG:
        return skd_jpeg_read(ctx, data, size, info, out, hit_end, tags);
    case SKD_FORMAT_HEIF:
        return skd_heif_read(ctx, data, size, info, out, hit_end, tags);
    case SKD_FORMAT_TIFF:
        return skd_tiff_read(ctx, data, size, info, out, hit_end, tags);
    default:
        return skd_fail_unknown_format(ctx, data, size);
    }
}

int skd_decode_any(skd_ctx *ctx, const uint8_t *data, size_t size,
                   skd_image_info *info, skd_image **out, int *hit_end)
{
    skd_colour_tags tags;
    skd_image *img = NULL;
    uint8_t *icc = NULL;
    size_t icc_size = 0;
    int st;

    memset(info, 0, sizeof *info);
    memset(&tags, 0, sizeof tags);
    *hit_end = 0;
    if (out)
        *out = NULL;
    st = read_format(ctx, data, size, info, out ? &img : NULL, hit_end, &tags);
    if (st == SKD_OK)
        st = skd_colour_resolve(ctx, &tags, info, out ? &icc : NULL,
                                &icc_size);
    skd_colour_tags_free(ctx, &tags);
    if (st == SKD_OK && out)
        st = skd_orient_apply(ctx, img, info->exif_orientation);
    if (st != SKD_OK) {
        skd_dealloc(ctx, icc);
        skd_image_free(img);
        return st;
    }
    if (out) {
        img->info = *info;
        img->icc = icc;
        img->icc_size = icc_size;
        *out = img;
    }
    return SKD_OK;
}

int skd_image_decode(skd_ctx *ctx, const void *data, size_t size,
                     skd_image **out)
{
    skd_image_info info;
    int hit_end;

    if (!ctx)
        return SKD_E_INVALID;
    if (!out || (!data && size))
        return skd_fail(ctx, SKD_E_INVALID, "skd_image_decode: NULL argument");
    *out = NULL;
    if (size == 0)
        return skd_fail(ctx, SKD_E_FORMAT, "no image data (0 bytes)");
    return skd_decode_any(ctx, data, size, &info, out, &hit_end);
}

int skd_image_load(skd_ctx *ctx, const char *path, skd_image **out)
{
    skd_image_info info;
    uint8_t *data = NULL;
    size_t size = 0;
    uint64_t file_size = 0;
    int st;

    if (!ctx)
        return SKD_E_INVALID;
    if (!path || !out)
        return skd_fail(ctx, SKD_E_INVALID, "skd_image_load: NULL argument");
    *out = NULL;
    /* Size and headers first: a file too large for the pixel limit, one
     * that is no image, or one whose pixels would pass the limit is refused
     * after reading a few KiB instead of the whole file. */
    st = skd_check_file_size(ctx, path, (size_t)skd_max_file_bytes(ctx));
    if (st != SKD_OK) {
        skd_message_prefix(ctx, path);
        return st;
    }
    st = skd_probe_file(ctx, path, &info);
    if (st != SKD_OK)
        return st; /* the message names the file already */
    st = skd_read_file(ctx, path, (size_t)skd_max_file_bytes(ctx), 1, &data,
                       &size, &file_size);
    if (st == SKD_OK)
        st = skd_image_decode(ctx, data, size, out);
    skd_dealloc(ctx, data);
    if (st != SKD_OK)
        skd_message_prefix(ctx, path);
    return st;
}

int skd_probe_file(skd_ctx *ctx, const char *path, skd_image_info *info)
{
    /* Headers are usually in the first few KiB; EXIF and ICC profiles can
     * push them further, so grow the prefix while the decoder asks, up to
     * PROBE_MAX_BYTES: a large file of junk after a JPEG signature would
     * otherwise be read whole, just to find no header. */
    size_t prefix = 64 * 1024, max = (size_t)skd_max_file_bytes(ctx);
    skd_image_info tmp;
    int st;

    if (!ctx)
        return SKD_E_INVALID;
    if (!path || !info)
        return skd_fail(ctx, SKD_E_INVALID, "skd_probe_file: NULL argument");
    size_t cap = (size_t)skd_max_file_bytes(ctx);
    if (max > PROBE_MAX_BYTES)
        max = PROBE_MAX_BYTES;
    memset(info, 0, sizeof *info);
    for (;;) {
        uint8_t *data = NULL;
        size_t size = 0;
        uint64_t file_size = 0;
        int hit_end = 0;
        st = skd_read_file(ctx, path, prefix, 0, &data, &size, &file_size);
        /* TIFF and HEIF may keep their headers anywhere in the file (a
         * TIFF's IFD often comes after the pixels): those are read whole,
         * within the file size limit, when the start is not enough. */
        if (st == SKD_OK && max < cap &&
            (skd_detect_format(data, size) == SKD_FORMAT_TIFF ||
             skd_detect_format(data, size) == SKD_FORMAT_HEIF))
            max = cap;
        if (st == SKD_OK)
            st = skd_decode_any(ctx, data, size, &tmp, NULL, &hit_end);
        skd_dealloc(ctx, data);
        if (st == SKD_OK || !hit_end || (uint64_t)size >= file_size)
            break;
        if (prefix >= max) {
            st = skd_fail(ctx, SKD_E_CORRUPT,
                          "no complete image header in the first %zu KiB "
                          "of a %llu-byte file", max >> 10,
                          (unsigned long long)file_size);
            break;
        }
        prefix = prefix > max / 8 ? max : prefix * 8;
    }
    if (st != SKD_OK) {
        skd_message_prefix(ctx, path);
        return st;
    }
    *info = tmp;
    return SKD_OK;
}
