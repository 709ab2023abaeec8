/* HEIC/HEIF through libheif (optional, SKD_HAVE_HEIF): the primary image,
 * 8 to 10 bits (more is refused), out as RGB 16-bit, with its colour
 * profile (ICC, or nclx primaries and transfer) for the colour module.
 * Rotation and mirroring (irot, imir) are applied by libheif, once: the
 * EXIF orientation a HEIF file may also carry describes the same turn and
 * is ignored (HEIF says the transformation properties rule). The size is
 * checked against SKD_OPT_MAX_PIXELS before anything is decoded. */
#include "decode.h"

#if defined(SKD_HAVE_HEIF)
#include <stdio.h>
#include <string.h>

#include <libheif/heif.h>

typedef struct heif_state {
    struct heif_context *hc;
    struct heif_image_handle *handle;
    struct heif_image *image;
    struct heif_color_profile_nclx *nclx;
} heif_state;

static int heif_failed(skd_ctx *ctx, struct heif_error e, const char *what)
{
    int st = e.code == heif_error_Memory_allocation_error ? SKD_E_NOMEM
             : e.code == heif_error_Unsupported_feature ||
                       e.code == heif_error_Unsupported_filetype
                 ? SKD_E_UNSUPPORTED
                 : SKD_E_CORRUPT;
    const char *m = e.message ? e.message : "unknown error";
    size_t n = strlen(m);
    while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
        n--; /* libheif ends some messages with a line break */
    return skd_fail(ctx, st, "HEIF %s: %.*s", what, (int)n, m);
}

/* nclx transfer characteristics (ITU-T H.273) as a curve, 0 if unknown. */
static int nclx_transfer(int tc, skd_colour_tags *t, const char **name)
{
    switch (tc) {
    case 2:  /* unspecified: the sRGB of every phone */
    case 13: t->trc = SKD_TRC_SRGB; *name = "sRGB transfer"; return 1;
    case 1: case 6: case 14: case 15:
        t->trc = SKD_TRC_BT709; *name = "BT.709 transfer"; return 1;
    case 4: t->trc = SKD_TRC_GAMMA; t->gamma = 2.2; *name = "gamma 2.2"; return 1;
    case 5: t->trc = SKD_TRC_GAMMA; t->gamma = 2.8; *name = "gamma 2.8"; return 1;
    case 8: t->trc = SKD_TRC_LINEAR; *name = "linear"; return 1;
    default: return 0;
    }
}

static const char *nclx_primaries_name(int cp)
{
    switch (cp) {
    case 1: case 2: return "BT.709/sRGB primaries";
    case 9: return "BT.2020 primaries";
    case 11: return "DCI-P3 primaries";
    case 12: return "Display P3 primaries";
    default: return "other primaries";
    }
}

/* The image's colour description into tags: the ICC bytes, or the nclx
 * primaries (libheif gives their chromaticities) and curve. */
static int colour_profile(skd_ctx *ctx, heif_state *s, skd_colour_tags *t)
{
    enum heif_color_profile_type type =
        heif_image_handle_get_color_profile_type(s->handle);
    struct heif_error e;
    const char *trc_name = "";
    int cp;

    if (type == heif_color_profile_type_rICC ||
        type == heif_color_profile_type_prof) {
        size_t n = heif_image_handle_get_raw_color_profile_size(s->handle);
        if (n == 0)
            return SKD_OK;
        t->icc = skd_malloc(ctx, n);
        if (!t->icc)
            return SKD_E_NOMEM;
        e = heif_image_handle_get_raw_color_profile(s->handle, t->icc);
        if (e.code != heif_error_Ok)
            return heif_failed(ctx, e, "colour profile");
        t->icc_size = n;
        return SKD_OK;
    }
    if (type != heif_color_profile_type_nclx)
        return SKD_OK;
    e = heif_image_handle_get_nclx_color_profile(s->handle, &s->nclx);
    if (e.code != heif_error_Ok)
        return heif_failed(ctx, e, "nclx colour profile");
    if (!nclx_transfer(s->nclx->transfer_characteristics, t, &trc_name))
        return skd_fail(ctx, SKD_E_UNSUPPORTED,
                        "HEIF nclx transfer characteristics %d (HDR or "
                        "unknown) are not supported",
                        (int)s->nclx->transfer_characteristics);
    t->has_chrm = 1;
    t->chrm[0] = s->nclx->color_primary_white_x;
    t->chrm[1] = s->nclx->color_primary_white_y;
    t->chrm[2] = s->nclx->color_primary_red_x;
    t->chrm[3] = s->nclx->color_primary_red_y;
    t->chrm[4] = s->nclx->color_primary_green_x;
    t->chrm[5] = s->nclx->color_primary_green_y;
    t->chrm[6] = s->nclx->color_primary_blue_x;
    t->chrm[7] = s->nclx->color_primary_blue_y;
    cp = s->nclx->color_primaries;
    t->nclx_srgb = (cp == 1 || cp == 2) && t->trc == SKD_TRC_SRGB;
    if (t->nclx_srgb)
        snprintf(t->nclx, sizeof t->nclx, "sRGB");
    else if (cp == 12 && t->trc == SKD_TRC_SRGB)
        snprintf(t->nclx, sizeof t->nclx, "Display P3");
    else
        snprintf(t->nclx, sizeof t->nclx, "%s, %s", nclx_primaries_name(cp),
                 trc_name);
    return SKD_OK;
}

static void fill_info(const heif_state *s, int bits, skd_image_info *info)
{
    info->format = SKD_FORMAT_HEIF;
    info->stored_width = (uint32_t)heif_image_handle_get_ispe_width(s->handle);
    info->stored_height = (uint32_t)heif_image_handle_get_ispe_height(s->handle);
    info->width = (uint32_t)heif_image_handle_get_width(s->handle);
    info->height = (uint32_t)heif_image_handle_get_height(s->handle);
    info->bit_depth = bits;
    info->channels = heif_image_handle_has_alpha_channel(s->handle) ? 4 : 3;
    snprintf(info->colour_type, sizeof info->colour_type, "%s",
             info->channels == 4 ? "rgba" : "rgb");
    snprintf(info->coding, sizeof info->coding, "heif");
    info->exif_orientation = 0; /* irot/imir rule, applied by libheif */
}

/* The decoded planes into a new image, scaled to 16 bits. */
static int copy_pixels(skd_ctx *ctx, const heif_state *s, int bits,
                       skd_image **out)
{
    int stride = 0, w = heif_image_get_width(s->image, heif_channel_interleaved),
        h = heif_image_get_height(s->image, heif_channel_interleaved);
    const uint8_t *p =
        heif_image_get_plane_readonly(s->image, heif_channel_interleaved, &stride);
    uint32_t max = (1u << bits) - 1;
    int st;
    if (!p || w <= 0 || h <= 0 || stride <= 0)
        return skd_fail(ctx, SKD_E_CORRUPT, "HEIF decoder returned no pixels");
    st = skd_image_new(ctx, (uint32_t)w, (uint32_t)h, 0, out);
    if (st != SKD_OK)
        return st;
    for (int y = 0; y < h; y++) {
        const uint8_t *row = p + (size_t)y * (size_t)stride;
        uint16_t *dst = (*out)->rgb + (size_t)y * (size_t)w * 3;
        for (size_t i = 0; i < (size_t)w * 3; i++) {
            uint32_t v = bits > 8 ? (uint32_t)row[2 * i] | (uint32_t)row[2 * i + 1] << 8
                                  : row[i];
            if (v > max)
                v = max;
            dst[i] = (uint16_t)((v * 65535u + max / 2) / max);
        }
    }
    return SKD_OK;
}

static int read_guarded(skd_ctx *ctx, heif_state *s, const uint8_t *data,
                        size_t size, skd_image_info *info, skd_image **out,
                        skd_colour_tags *tags)
{
    double limit = skd_opt(ctx, SKD_OPT_MAX_PIXELS);
    struct heif_decoding_options *opt;
    struct heif_error e;
    int bits, st;

    s->hc = heif_context_alloc();
    if (!s->hc)
        return skd_fail(ctx, SKD_E_NOMEM, "cannot create the HEIF decoder");
    /* libheif's own guard on a side of the coded image (ispe), beside
     * ours on the area of the displayed one: 65535, or less with a
     * smaller pixel limit */
    heif_context_set_maximum_image_size_limit(
        s->hc, limit < 65535 ? (int)limit : 65535);
    e = heif_context_read_from_memory_without_copy(s->hc, data, size, NULL);
    if (e.code != heif_error_Ok)
        return heif_failed(ctx, e, "file");
    e = heif_context_get_primary_image_handle(s->hc, &s->handle);
    if (e.code != heif_error_Ok)
        return heif_failed(ctx, e, "primary image");
    bits = heif_image_handle_get_luma_bits_per_pixel(s->handle);
    fill_info(s, bits, info);
    st = skd_check_pixel_limit(ctx, "HEIF", info->stored_width,
                               info->stored_height);
    if (st == SKD_OK)
        st = skd_check_pixel_limit(ctx, "HEIF", info->width, info->height);
    if (st != SKD_OK)
        return st;
    if (bits < 1 || bits > 10)
        return skd_fail(ctx, SKD_E_UNSUPPORTED,
                        "HEIF image of %d bits per sample (8 to 10 are read)",
                        bits);
    if (tags && (st = colour_profile(ctx, s, tags)) != SKD_OK)
        return st;
    if (!out)
        return SKD_OK;
    opt = heif_decoding_options_alloc();
    if (!opt)
        return skd_fail(ctx, SKD_E_NOMEM, "cannot create HEIF options");
    opt->ignore_transformations = 0; /* irot, imir: applied here, once */
    e = heif_decode_image(s->handle, &s->image, heif_colorspace_RGB,
                          bits > 8 ? heif_chroma_interleaved_RRGGBB_LE
                                   : heif_chroma_interleaved_RGB,
                          opt);
    heif_decoding_options_free(opt);
    if (e.code != heif_error_Ok)
        return heif_failed(ctx, e, "image data");
    st = copy_pixels(ctx, s, bits > 8 ? bits : 8, out);
    if (st == SKD_OK && ((*out)->width != info->width ||
                         (*out)->height != info->height))
        return skd_fail(ctx, SKD_E_CORRUPT,
                        "HEIF image decoded as %ux%u, its header says %ux%u",
                        (*out)->width, (*out)->height, info->width,
                        info->height);
    return st;
}

int skd_heif_read(skd_ctx *ctx, const uint8_t *data, size_t size,
                  skd_image_info *info, skd_image **out, int *hit_end,
                  skd_colour_tags *tags)
{
    heif_state s;
    skd_image *img = NULL;
    int st;

    memset(&s, 0, sizeof s);
    *hit_end = 0;
    if (out)
        *out = NULL;
    st = read_guarded(ctx, &s, data, size, info, out ? &img : NULL, tags);
    if (s.nclx)
        heif_nclx_color_profile_free(s.nclx);
    if (s.image)
        heif_image_release(s.image);
    if (s.handle)
        heif_image_handle_release(s.handle);
    if (s.hc)
        heif_context_free(s.hc);
    /* boxes may lie beyond a probe's prefix: ask for more */
    *hit_end = out == NULL && st == SKD_E_CORRUPT;
    return skd_image_hand_over(st, img, out);
}

#else
int skd_heif_read(skd_ctx *ctx, const uint8_t *data, size_t size,
                  skd_image_info *info, skd_image **out, int *hit_end,
                  skd_colour_tags *tags)
{
    (void)data; (void)size; (void)info; (void)out; (void)tags;
    *hit_end = 0;
    return skd_fail_not_built(ctx, "a HEIF/HEIC image", "libheif", "libheif-dev");
}
#endif
