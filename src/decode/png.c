/* PNG through libpng: every colour type and bit depth, Adam7, out as
 * RGB 16-bit. libpng's errors come back here by longjmp; this file is the
 * only place that sees it, and one cleanup path follows the decode. */
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"

typedef struct png_state {
    jmp_buf jb;
    const uint8_t *data;
    size_t size, pos;
    int hit_end;   /* the decoder wanted bytes past the end */
    int limit_hit; /* libpng refused the size for our user limits */
    char msg[200];
    char warning[200]; /* the last warning: explains "Invalid IHDR data" */
    png_structp png;
    png_infop info;
    skd_image *img; /* being decoded; freed by the caller on failure */
} png_state;

static void on_error(png_structp png, png_const_charp msg)
{
    png_state *s = png_get_error_ptr(png);
    snprintf(s->msg, sizeof s->msg, "%s", msg ? msg : "unknown error");
    longjmp(s->jb, 1);
}

/* Warnings are about metadata libpng has already dropped (bad text, odd
 * ICC profiles); only the size refusal matters, to report it as a limit. */
static void on_warning(png_structp png, png_const_charp msg)
{
    png_state *s = png_get_error_ptr(png);
    if (msg && strstr(msg, "exceeds user limit"))
        s->limit_hit = 1;
    snprintf(s->warning, sizeof s->warning, "%s", msg ? msg : "");
}

static void on_read(png_structp png, png_bytep out, size_t n)
{
    png_state *s = png_get_io_ptr(png);
    if (n > s->size - s->pos) {
        s->hit_end = 1;
        png_error(png, "unexpected end of data");
    }
    memcpy(out, s->data + s->pos, n);
    s->pos += n;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static const char *colour_type_name(int ct)
{
    switch (ct) {
    case PNG_COLOR_TYPE_GRAY: return "grey";
    case PNG_COLOR_TYPE_GRAY_ALPHA: return "grey+alpha";
    case PNG_COLOR_TYPE_RGB: return "rgb";
    case PNG_COLOR_TYPE_RGB_ALPHA: return "rgba";
    case PNG_COLOR_TYPE_PALETTE: return "palette";
    default: return "unknown";
    }
}

static int host_is_little_endian(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

static int fail_from_libpng(skd_ctx *ctx, const png_state *s)
{
    if (s->limit_hit)
        return skd_fail(ctx, SKD_E_LIMIT,
                        "PNG image size exceeds the pixel limit "
                        "(SKD_OPT_MAX_PIXELS)");
    if (s->hit_end)
        return skd_fail(ctx, SKD_E_CORRUPT,
                        "truncated PNG data: unexpected end of file");
    if (strstr(s->msg, "memory") || strstr(s->msg, "Memory"))
        return skd_fail(ctx, SKD_E_NOMEM, "PNG decoder: %s", s->msg);
    if (!strcmp(s->msg, "Invalid IHDR data") && s->warning[0])
        return skd_fail(ctx, SKD_E_CORRUPT, "corrupt PNG data: %s",
                        s->warning);
    return skd_fail(ctx, SKD_E_CORRUPT, "corrupt PNG data: %s", s->msg);
}

/* Fill info from the header chunks libpng has read. */
static void read_header_info(png_structp png, png_infop pinfo,
                             skd_image_info *info)
{
    png_uint_32 w = png_get_image_width(png, pinfo);
    png_uint_32 h = png_get_image_height(png, pinfo);
    png_bytep exif = NULL;
    png_uint_32 exif_size = 0;

    info->format = SKD_FORMAT_PNG;
    info->stored_width = w;
    info->stored_height = h;
    info->bit_depth = png_get_bit_depth(png, pinfo);
    info->channels = png_get_channels(png, pinfo);
    snprintf(info->colour_type, sizeof info->colour_type, "%s",
             colour_type_name(png_get_color_type(png, pinfo)));
    snprintf(info->coding, sizeof info->coding, "%s",
             png_get_interlace_type(png, pinfo) == PNG_INTERLACE_ADAM7
                 ? "adam7" : "non-interlaced");
    info->has_icc = png_get_valid(png, pinfo, PNG_INFO_iCCP) != 0;
    if (png_get_eXIf_1(png, pinfo, &exif_size, &exif) && exif)
        info->exif_orientation = skd_exif_orientation(exif, exif_size);
    skd_oriented_size(info->exif_orientation, w, h, &info->width,
                      &info->height);
}

/* Every colour type to RGB, every depth to 16 bits in host order, alpha
 * and tRNS dropped (not composited), so a row is exactly width * 6 bytes
 * and libpng can write straight into the image. */
static int set_transforms(png_structp png, png_infop pinfo)
{
    int passes;
    png_set_palette_to_rgb(png);
    png_set_expand_gray_1_2_4_to_8(png);
    png_set_expand_16(png);
    png_set_gray_to_rgb(png);
    png_set_strip_alpha(png);
    if (host_is_little_endian())
        png_set_swap(png);
    passes = png_set_interlace_handling(png);
    png_read_update_info(png, pinfo);
    return passes;
}

/* Everything libpng can longjmp out of. The state lives in *s, not in
 * locals of this function, so nothing is indeterminate after the jump. */
static int decode_guarded(skd_ctx *ctx, png_state *s, skd_image_info *info,
                          int want_pixels)
{
    double max_px = skd_opt(ctx, SKD_OPT_MAX_PIXELS);
    png_uint_32 dim_limit = max_px < 0x7fffffff ? (png_uint_32)max_px
                                                : 0x7fffffff;
    uint32_t w, h;
    int passes, st;

    if (setjmp(s->jb))
        return fail_from_libpng(ctx, s);
    png_set_read_fn(s->png, s, on_read);
    /* A bad CRC is damage, in ancillary chunks too. */
    png_set_crc_action(s->png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
    png_set_user_limits(s->png, dim_limit, dim_limit);
    png_read_info(s->png, s->info);
    read_header_info(s->png, s->info, info);
    w = info->stored_width;
    h = info->stored_height;
    st = skd_check_pixel_limit(ctx, "PNG", w, h);
    if (st != SKD_OK || !want_pixels)
        return st;

    passes = set_transforms(s->png, s->info);
    if (png_get_rowbytes(s->png, s->info) != (size_t)w * 6)
        return skd_fail(ctx, SKD_E_INTERNAL,
                        "PNG decoder: unexpected row size %zu for width %u",
                        (size_t)png_get_rowbytes(s->png, s->info),
                        (unsigned)w);
    st = skd_image_new(ctx, w, h, 0, &s->img);
    if (st != SKD_OK)
        return st;
    for (int pass = 0; pass < passes; pass++)
        for (uint32_t y = 0; y < h; y++)
            png_read_row(s->png, (png_bytep)(s->img->rgb + (size_t)y * w * 3),
                         NULL);
    /* Read to IEND so that truncation or damage after the pixels counts. */
    png_read_end(s->png, NULL);
    return SKD_OK;
}

/* libpng allocates a known ancillary chunk (tEXt, iTXt, sPLT...) whole,
 * at the length the file declares, before reading it: a 2 GB length in a
 * 300-byte file costs a 2 GB allocation. The bytes are all here, so a
 * chunk that runs past them is truncation, found before libpng sees it.
 * Headers only (a probe of a file prefix): chunks up to the first IDAT, and
 * running out means "read more" (hit_end). */
static int check_chunk_lengths(skd_ctx *ctx, const uint8_t *data, size_t size,
                               int headers_only, int *hit_end)
{
    size_t pos = 8;
    while (size - pos >= 8) {
        uint32_t len = be32(data + pos);
        const uint8_t *type = data + pos + 4;
        if (len > 0x7fffffff)
            return SKD_OK; /* libpng reports it in its own words */
        if (headers_only && !memcmp(type, "IDAT", 4))
            return SKD_OK;
        if ((size_t)len + 12 > size - pos) {
            char name[5];
            for (int i = 0; i < 4; i++)
                name[i] = type[i] >= 0x20 && type[i] < 0x7f ? (char)type[i] : '?';
            name[4] = '\0';
            *hit_end = 1;
            return skd_fail(ctx, SKD_E_CORRUPT,
                            "truncated PNG data: chunk '%s' declares %lu "
                            "bytes, only %zu remain", name, (unsigned long)len,
                            size - pos - 8);
        }
        if (!memcmp(type, "IEND", 4))
            return SKD_OK;
        pos += (size_t)len + 12;
    }
    return SKD_OK;
}

/* Whether a chunk of this type comes before the first IDAT. */
static int has_chunk_before_idat(const uint8_t *data, size_t size,
                                 const char *type)
{
    size_t pos = 8;
    while (size >= pos + 8) {
        uint32_t len = be32(data + pos);
        if (!memcmp(data + pos + 4, "IDAT", 4))
            return 0;
        if (!memcmp(data + pos + 4, type, 4))
            return 1;
        if (len > size - pos - 8)
            return 0;
        pos += (size_t)len + 12;
        if (pos < (size_t)len) /* wrapped */
            return 0;
    }
    return 0;
}

/* What the header chunks say about colour; libpng has checked them (it
 * drops an iCCP whose header is inconsistent, which must not pass for a
 * photo without a profile). */
static int colour_tags(skd_ctx *ctx, png_state *s, const uint8_t *data,
                       size_t size, skd_colour_tags *t)
{
    png_structp png = s->png;
    png_infop pinfo = s->info;
    png_charp name = NULL;
    int comp = 0, intent = 0, ct = png_get_color_type(png, pinfo);
    png_bytep prof = NULL;
    png_uint_32 plen = 0, exif_size = 0;
    png_bytep exif = NULL;
    double g = 0;

    t->data = (ct & PNG_COLOR_MASK_COLOR) ? SKD_DATA_RGB : SKD_DATA_GREY;
    if (png_get_iCCP(png, pinfo, &name, &comp, &prof, &plen) && prof && plen) {
        t->icc = skd_malloc(ctx, plen);
        if (!t->icc)
            return SKD_E_NOMEM;
        memcpy(t->icc, prof, plen);
        t->icc_size = plen;
    } else if (has_chunk_before_idat(data, size, "iCCP")) {
        t->icc_problem = "libpng rejected the iCCP chunk";
    }
    if (png_get_sRGB(png, pinfo, &intent))
        t->srgb_chunk = 1;
    if (png_get_valid(png, pinfo, PNG_INFO_gAMA) &&
        png_get_gAMA(png, pinfo, &g) && g > 0) {
        t->has_gamma = 1;
        t->trc = SKD_TRC_GAMMA;
        t->gamma = 1.0 / g;
    }
    if (png_get_valid(png, pinfo, PNG_INFO_cHRM) &&
        png_get_cHRM(png, pinfo, &t->chrm[0], &t->chrm[1], &t->chrm[2],
                     &t->chrm[3], &t->chrm[4], &t->chrm[5], &t->chrm[6],
                     &t->chrm[7]))
        t->has_chrm = 1;
    if (png_get_eXIf_1(png, pinfo, &exif_size, &exif) && exif)
        skd_exif_colour(exif, exif_size, &t->exif_space, &t->exif_r03);
    return SKD_OK;
}

int skd_png_read(skd_ctx *ctx, const uint8_t *data, size_t size,
                 skd_image_info *info, skd_image **out, int *hit_end,
                 skd_colour_tags *tags)
{
    png_state s;
    int st;

    if (out)
        *out = NULL;
    *hit_end = 0;
    /* IHDR is the first chunk: refuse a dimension bomb before libpng. */
    if (size >= 24 && !memcmp(data + 12, "IHDR", 4)) {
        uint32_t w = be32(data + 16), h = be32(data + 20);
        if (w && h && w <= 0x7fffffff && h <= 0x7fffffff) {
            st = skd_check_pixel_limit(ctx, "PNG", w, h);
            if (st != SKD_OK)
                return st;
        }
    }
    if (size >= 8) {
        st = check_chunk_lengths(ctx, data, size, out == NULL, hit_end);
        if (st != SKD_OK)
            return st;
    }
    memset(&s, 0, sizeof s);
    s.data = data;
    s.size = size;
    s.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &s, on_error,
                                   on_warning);
    if (s.png)
        s.info = png_create_info_struct(s.png);
    if (!s.png || !s.info) {
        png_destroy_read_struct(s.png ? &s.png : NULL, NULL, NULL);
        return skd_fail(ctx, SKD_E_NOMEM, "cannot create the PNG decoder");
    }
    st = decode_guarded(ctx, &s, info, out != NULL);
    if (st == SKD_OK && tags)
        st = colour_tags(ctx, &s, data, size, tags);
    png_destroy_read_struct(&s.png, &s.info, NULL);
    *hit_end = s.hit_end;
    return skd_image_hand_over(st, s.img, out);
}
