/* skd_image to an 8-bit RGB PNG, written atomically. libpng's errors come
 * back by longjmp into write_guarded(); the temporary file is removed on
 * every failure, so no partial PNG ever appears. */
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <string.h>

#include "io.h"
#include "../decode/decode.h"

typedef struct png_writer {
    jmp_buf jb;
    FILE *fp;
    int write_errno;
    char msg[200];
    png_structp png;
    png_infop info;
    uint8_t *row; /* ctx allocator */
} png_writer;

static void on_error(png_structp png, png_const_charp msg)
{
    png_writer *w = png_get_error_ptr(png);
    snprintf(w->msg, sizeof w->msg, "%s", msg ? msg : "unknown error");
    longjmp(w->jb, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void on_write(png_structp png, png_bytep data, size_t n)
{
    png_writer *w = png_get_io_ptr(png);
    if (fwrite(data, 1, n, w->fp) != n) {
        w->write_errno = errno ? errno : EIO;
        png_error(png, "write failed");
    }
}

static void on_flush(png_structp png) { (void)png; }

static int write_guarded(skd_ctx *ctx, png_writer *w, const skd_image *img,
                         const char *path)
{
    uint32_t width = img->width, height = img->height;
    if (setjmp(w->jb)) {
        if (w->write_errno)
            return skd_fail(ctx, SKD_E_IO, "%s: cannot write output: %s",
                            path, strerror(w->write_errno));
        return skd_fail(ctx, SKD_E_INTERNAL, "%s: PNG encoder: %s", path,
                        w->msg);
    }
    png_set_write_fn(w->png, w, on_write, on_flush);
    png_set_IHDR(w->png, w->info, width, height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_set_sRGB(w->png, w->info, PNG_sRGB_INTENT_PERCEPTUAL);
    png_write_info(w->png, w->info);
    for (uint32_t y = 0; y < height; y++) {
        const uint16_t *src = img->rgb + (size_t)y * width * 3;
        for (size_t i = 0; i < (size_t)width * 3; i++)
            w->row[i] = skd_sample_to_8(src[i]);
        png_write_row(w->png, w->row);
    }
    png_write_end(w->png, NULL);
    return SKD_OK;
}

int skd_image_write_png(skd_ctx *ctx, const skd_image *img, const char *path)
{
    skd_atomic_file af;
    png_writer w;
    int st;

    if (!ctx)
        return SKD_E_INVALID;
    if (!img || !img->rgb || !img->width || !img->height || !path)
        return skd_fail(ctx, SKD_E_INVALID, "skd_image_write_png: no image");
    if (img->width > 0x7fffffff || img->height > 0x7fffffff)
        return skd_fail(ctx, SKD_E_INVALID, "%s: image too large for PNG",
                        path);
    memset(&w, 0, sizeof w);
    w.row = skd_malloc_array(ctx, img->width, 3);
    if (!w.row)
        return SKD_E_NOMEM;
    st = skd_atomic_open(ctx, path, &af);
    if (st != SKD_OK) {
        skd_dealloc(ctx, w.row);
        return st;
    }
    w.fp = af.fp;
    w.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &w, on_error,
                                    on_warning);
    if (w.png)
        w.info = png_create_info_struct(w.png);
    if (!w.png || !w.info)
        st = skd_fail(ctx, SKD_E_NOMEM, "cannot create the PNG encoder");
    else
        st = write_guarded(ctx, &w, img, path);
    png_destroy_write_struct(w.png ? &w.png : NULL, w.info ? &w.info : NULL);
    skd_dealloc(ctx, w.row);
    if (st != SKD_OK) {
        skd_atomic_abort(ctx, &af);
        return st;
    }
    return skd_atomic_commit(ctx, &af);
}
