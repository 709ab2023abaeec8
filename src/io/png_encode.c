/* PNG encoding into memory (files are then written atomically). setjmp stays in
 * this file; the buffer is owned by the caller and survives a longjmp. */
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "io.h"

typedef struct png_sink {
    skd_buf *out;
    skd_ctx *ctx;
    int nomem; /* an allocation failed, in libpng or in the buffer */
    char message[200];
} png_sink;

static void sink_write(png_structp png, png_bytep data, png_size_t n)
{
    png_sink *s = png_get_io_ptr(png);
    skd_buf_append(s->out, data, n);
    if (s->out->failed)
        png_error(png, "out of memory");
}

static void sink_flush(png_structp png) { (void)png; }

static void sink_error(png_structp png, png_const_charp msg)
{
    png_sink *s = png_get_error_ptr(png);
    snprintf(s->message, sizeof s->message, "%s", msg);
    png_longjmp(png, 1);
}

static void sink_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static png_voidp sink_malloc(png_structp png, png_alloc_size_t n)
{
    png_sink *s = png_get_mem_ptr(png);
    void *p = s->ctx->alloc.malloc_fn(s->ctx->alloc.opaque, n ? n : 1);
    if (!p)
        s->nomem = 1;
    return p;
}

static void sink_free(png_structp png, png_voidp p)
{
    png_sink *s = png_get_mem_ptr(png);
    if (p)
        s->ctx->alloc.free_fn(s->ctx->alloc.opaque, p);
}

/* Everything libpng touches lives in *s (on the heap), so nothing local
 * changes between setjmp and a longjmp. */
static int encode(skd_ctx *ctx, png_sink *s, const skd_rgb8 *p)
{
    png_structp png;
    png_infop info;
    size_t start = s->out->len;

    png = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, s, sink_error,
                                    sink_warning, s, sink_malloc, sink_free);
    if (!png)
        return s->nomem ? skd_fail(ctx, SKD_E_NOMEM, "cannot start the PNG "
                                   "encoder: out of memory")
                        : skd_fail(ctx, SKD_E_INTERNAL,
                                   "cannot start the PNG encoder");
    info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return skd_fail(ctx, SKD_E_NOMEM,
                        "cannot start the PNG encoder: out of memory");
    }
    if (setjmp(png_jmpbuf(png))) {
        int nomem = s->out->failed || s->nomem;
        png_destroy_write_struct(&png, &info);
        s->out->len = start;
        if (s->out->data)
            s->out->data[start] = 0;
        return skd_fail(ctx, nomem ? SKD_E_NOMEM : SKD_E_INTERNAL,
                        "PNG encoding failed: %s", s->message);
    }
    png_set_write_fn(png, s, sink_write, sink_flush);
    png_set_IHDR(png, info, p->width, p->height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    png_write_info(png, info);
    for (uint32_t y = 0; y < p->height; y++)
        png_write_row(png, p->px + (size_t)y * p->width * 3);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return s->out->failed ? skd_fail(ctx, SKD_E_NOMEM, "out of memory")
                          : SKD_OK;
}

int skd_png_encode_memory(skd_ctx *ctx, const skd_rgb8 *p, skd_buf *out)
{
    png_sink *s = skd_calloc(ctx, 1, sizeof *s);
    int st;
    if (!s)
        return SKD_E_NOMEM;
    s->out = out;
    s->ctx = ctx;
    st = encode(ctx, s, p);
    skd_dealloc(ctx, s);
    return st;
}
