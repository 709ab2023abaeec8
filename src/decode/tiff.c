/* TIFF through libtiff (optional, SKD_HAVE_TIFF, libtiff >= 4.5): the
 * first image, 8 or 16 bits, grey or RGB (an alpha channel is dropped),
 * stripped or tiled, uncompressed, LZW, Deflate or PackBits; out as RGB
 * 16-bit (16-bit samples kept as they are), with its ICC profile tag and
 * its orientation tag (applied like EXIF's). libtiff's warnings and
 * errors go to handlers of this handle (TIFFOpenOptions), never to
 * stderr, and the size is checked before any pixel buffer exists. */
#include "decode.h"

#if defined(SKD_HAVE_TIFF)
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <tiffio.h>

/* Largest single allocation libtiff may make for us (strip, tile, tag). */
#define TIFF_MAX_ALLOC ((tmsize_t)256 << 20)

typedef struct tiff_state {
    const uint8_t *data;
    size_t size, pos;
    int past_end;       /* libtiff asked for bytes beyond the buffer */
    char msg[256];      /* the first error */
    TIFF *tif;
    uint8_t *buf;       /* one strip row or tile (ctx allocator) */
} tiff_state;

static int on_error(TIFF *tif, void *user, const char *module,
                    const char *fmt, va_list ap)
{
    tiff_state *s = user;
    (void)tif;
    (void)module;
    if (!s->msg[0])
        vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    return 1; /* handled: nothing printed */
}

static int on_warning(TIFF *tif, void *user, const char *module,
                      const char *fmt, va_list ap)
{
    (void)tif; (void)user; (void)module; (void)fmt; (void)ap;
    return 1; /* unknown tags and the like: not worth a message */
}

static tmsize_t mem_read(thandle_t h, void *buf, tmsize_t n)
{
    tiff_state *s = h;
    size_t want = n > 0 ? (size_t)n : 0, left = s->size - s->pos;
    if (want > left) {
        s->past_end = 1;
        want = left;
    }
    memcpy(buf, s->data + s->pos, want);
    s->pos += want;
    return (tmsize_t)want;
}

static tmsize_t mem_write(thandle_t h, void *buf, tmsize_t n)
{
    (void)h; (void)buf; (void)n;
    return -1;
}

static toff_t mem_seek(thandle_t h, toff_t off, int whence)
{
    tiff_state *s = h;
    uint64_t base = whence == SEEK_CUR ? s->pos : whence == SEEK_END ? s->size : 0;
    uint64_t to = base + off;
    if (to > s->size) { /* past the end: reads there fail */
        s->past_end = 1;
        to = s->size;
    }
    s->pos = (size_t)to;
    return to;
}

static int mem_close(thandle_t h) { (void)h; return 0; }
static toff_t mem_size(thandle_t h) { return ((tiff_state *)h)->size; }

static int fail_tiff(skd_ctx *ctx, const tiff_state *s, const char *what)
{
    if (s->past_end)
        return skd_fail(ctx, SKD_E_CORRUPT, "truncated TIFF data: %s%s%s",
                        what, s->msg[0] ? ": " : "", s->msg);
    return skd_fail(ctx, SKD_E_CORRUPT, "corrupt TIFF data: %s%s%s", what,
                    s->msg[0] ? ": " : "", s->msg);
}

typedef struct tiff_layout {
    uint32_t w, h;
    uint16_t bits, spp, photometric, planar, compression, orientation;
    uint16_t sample_format;
    int tiled;
    uint32_t tile_w, tile_h;
} tiff_layout;

static const char *compression_name(int c)
{
    switch (c) {
    case COMPRESSION_NONE: return "none";
    case COMPRESSION_LZW: return "lzw";
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE: return "deflate";
    case COMPRESSION_PACKBITS: return "packbits";
    default: return NULL;
    }
}

/* What the first IFD says, checked against what this adapter reads. */
static int read_layout(skd_ctx *ctx, tiff_state *s, tiff_layout *l,
                       skd_image_info *info)
{
    TIFF *t = s->tif;
    uint32_t subfile = 0;
    const char *comp;
    int grey;

    memset(l, 0, sizeof *l);
    if (!TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &l->w) ||
        !TIFFGetField(t, TIFFTAG_IMAGELENGTH, &l->h))
        return fail_tiff(ctx, s, "no image size");
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &l->bits);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &l->spp);
    TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &l->planar);
    TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &l->compression);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLEFORMAT, &l->sample_format);
    if (!TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &l->photometric))
        l->photometric = l->spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
    if (!TIFFGetField(t, TIFFTAG_ORIENTATION, &l->orientation))
        l->orientation = 0;
    TIFFGetField(t, TIFFTAG_SUBFILETYPE, &subfile);
    l->tiled = TIFFIsTiled(t);
    if (l->tiled) {
        TIFFGetField(t, TIFFTAG_TILEWIDTH, &l->tile_w);
        TIFFGetField(t, TIFFTAG_TILELENGTH, &l->tile_h);
    }
    grey = l->photometric == PHOTOMETRIC_MINISBLACK;
    comp = compression_name(l->compression);

    info->format = SKD_FORMAT_TIFF;
    info->stored_width = l->w;
    info->stored_height = l->h;
    info->bit_depth = l->bits;
    info->channels = l->spp;
    snprintf(info->colour_type, sizeof info->colour_type, "%s%s",
             grey ? "grey" : l->photometric == PHOTOMETRIC_RGB ? "rgb" : "other",
             l->spp == (grey ? 2 : 4) ? "+alpha" : "");
    snprintf(info->coding, sizeof info->coding, "%s%s", comp ? comp : "other",
             l->tiled ? ", tiled" : "");
    info->exif_orientation = l->orientation <= 8 ? l->orientation : 0;
    skd_oriented_size(info->exif_orientation, l->w, l->h, &info->width,
                      &info->height);

    if (subfile & FILETYPE_REDUCEDIMAGE)
        return skd_fail(ctx, SKD_E_UNSUPPORTED,
                        "TIFF's first image is a reduced-size preview (a "
                        "camera raw file?): not read");
    if (!(grey || l->photometric == PHOTOMETRIC_RGB))
        return skd_fail(ctx, SKD_E_UNSUPPORTED,
                        "TIFF photometric interpretation %d is not read "
                        "(grey and RGB are)", l->photometric);
    if (l->spp < (grey ? 1 : 3) || l->spp > (grey ? 2 : 4))
        return skd_fail(ctx, SKD_E_UNSUPPORTED,
                        "TIFF with %d samples per pixel is not read", l->spp);
    if ((l->bits != 8 && l->bits != 16) ||
        l->sample_format != SAMPLEFORMAT_UINT)
        return skd_fail(ctx, SKD_E_UNSUPPORTED,
                        "TIFF of %d-bit %s samples is not read (8 and 16-bit "
                        "unsigned are)", l->bits,
                        l->sample_format == SAMPLEFORMAT_IEEEFP ? "float"
                                                                : "non-integer");
    if (!comp)
        return skd_fail(ctx, SKD_E_UNSUPPORTED,
                        "TIFF compression %d is not read (none, LZW, Deflate "
                        "and PackBits are)", l->compression);
    if (l->planar != PLANARCONFIG_CONTIG)
        return skd_fail(ctx, SKD_E_UNSUPPORTED,
                        "TIFF with separate colour planes is not read");
    if (l->tiled && (l->tile_w == 0 || l->tile_h == 0 || l->tile_w > 65536 ||
                     l->tile_h > 65536))
        return fail_tiff(ctx, s, "bad tile size");
    return skd_check_pixel_limit(ctx, "TIFF", l->w, l->h);
}

/* n pixels of spp samples at depth bits to RGB 16-bit. */
static void to_rgb16(const uint8_t *in, const tiff_layout *l, size_t n,
                     uint16_t *out)
{
    int grey = l->photometric == PHOTOMETRIC_MINISBLACK;
    for (size_t i = 0; i < n; i++) {
        for (int c = 0; c < 3; c++) {
            size_t k = i * l->spp + (grey ? 0 : (size_t)c);
            uint16_t v;
            if (l->bits == 16)
                memcpy(&v, in + 2 * k, 2); /* libtiff gives host order */
            else
                v = (uint16_t)(in[k] * 257u);
            out[3 * i + c] = v;
        }
    }
}

static int read_strips(skd_ctx *ctx, tiff_state *s, const tiff_layout *l,
                       skd_image *img)
{
    tmsize_t line = TIFFScanlineSize(s->tif);
    size_t need = (size_t)l->w * l->spp * (l->bits / 8);
    if (line <= 0 || (size_t)line < need)
        return fail_tiff(ctx, s, "bad scanline size");
    s->buf = skd_malloc(ctx, (size_t)line);
    if (!s->buf)
        return SKD_E_NOMEM;
    for (uint32_t y = 0; y < l->h; y++) {
        if (TIFFReadScanline(s->tif, s->buf, y, 0) < 0)
            return fail_tiff(ctx, s, "cannot read the image data");
        to_rgb16(s->buf, l, l->w, img->rgb + (size_t)y * l->w * 3);
    }
    return SKD_OK;
}

static int read_tiles(skd_ctx *ctx, tiff_state *s, const tiff_layout *l,
                      skd_image *img)
{
    tmsize_t tsize = TIFFTileSize(s->tif);
    size_t px = (size_t)l->spp * (l->bits / 8);
    if (tsize <= 0 || (size_t)tsize < (size_t)l->tile_w * l->tile_h * px)
        return fail_tiff(ctx, s, "bad tile size");
    s->buf = skd_malloc(ctx, (size_t)tsize);
    if (!s->buf)
        return SKD_E_NOMEM;
    for (uint32_t ty = 0; ty < l->h; ty += l->tile_h)
        for (uint32_t tx = 0; tx < l->w; tx += l->tile_w) {
            uint32_t cw = l->w - tx < l->tile_w ? l->w - tx : l->tile_w;
            uint32_t ch = l->h - ty < l->tile_h ? l->h - ty : l->tile_h;
            if (TIFFReadTile(s->tif, s->buf, tx, ty, 0, 0) < 0)
                return fail_tiff(ctx, s, "cannot read the image data");
            for (uint32_t j = 0; j < ch; j++)
                to_rgb16(s->buf + (size_t)j * l->tile_w * px, l, cw,
                         img->rgb + ((size_t)(ty + j) * l->w + tx) * 3);
        }
    return SKD_OK;
}

static int read_tiff(skd_ctx *ctx, tiff_state *s, skd_image_info *info,
                     skd_image **out, skd_colour_tags *tags)
{
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    tiff_layout l;
    uint32_t icc_n = 0;
    void *icc = NULL;
    int st;

    if (!opts)
        return skd_fail(ctx, SKD_E_NOMEM, "cannot create the TIFF decoder");
    TIFFOpenOptionsSetErrorHandlerExtR(opts, on_error, s);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, on_warning, s);
    TIFFOpenOptionsSetMaxSingleMemAlloc(opts, TIFF_MAX_ALLOC);
    /* "m": no memory mapping (the callbacks are the only way in) */
    s->tif = TIFFClientOpenExt("TIFF", "rm", (thandle_t)s, mem_read, mem_write,
                               mem_seek, mem_close, mem_size, NULL, NULL, opts);
    TIFFOpenOptionsFree(opts);
    if (!s->tif)
        return fail_tiff(ctx, s, "cannot open");
    st = read_layout(ctx, s, &l, info);
    if (st != SKD_OK)
        return st;
    if (tags) {
        tags->data = l.photometric == PHOTOMETRIC_MINISBLACK ? SKD_DATA_GREY
                                                             : SKD_DATA_RGB;
        if (TIFFGetField(s->tif, TIFFTAG_ICCPROFILE, &icc_n, &icc) && icc &&
            icc_n) {
            tags->icc = skd_malloc(ctx, icc_n);
            if (!tags->icc)
                return SKD_E_NOMEM;
            memcpy(tags->icc, icc, icc_n);
            tags->icc_size = icc_n;
        }
    }
    if (!out)
        return SKD_OK;
    st = skd_image_new(ctx, l.w, l.h, 0, out);
    if (st == SKD_OK)
        st = l.tiled ? read_tiles(ctx, s, &l, *out) : read_strips(ctx, s, &l, *out);
    return st;
}

int skd_tiff_read(skd_ctx *ctx, const uint8_t *data, size_t size,
                  skd_image_info *info, skd_image **out, int *hit_end,
                  skd_colour_tags *tags)
{
    tiff_state s;
    skd_image *img = NULL;
    int st;

    memset(&s, 0, sizeof s);
    s.data = data;
    s.size = size;
    if (out)
        *out = NULL;
    st = read_tiff(ctx, &s, info, out ? &img : NULL, tags);
    if (s.tif)
        TIFFClose(s.tif);
    skd_dealloc(ctx, s.buf);
    *hit_end = s.past_end;
    return skd_image_hand_over(st, img, out);
}

#else
int skd_tiff_read(skd_ctx *ctx, const uint8_t *data, size_t size,
                  skd_image_info *info, skd_image **out, int *hit_end,
                  skd_colour_tags *tags)
{
    (void)data; (void)size; (void)info; (void)out; (void)tags;
    *hit_end = 0;
    return skd_fail_not_built(ctx, "a TIFF image", "libtiff", "libtiff-dev");
}
#endif
