/* skd_image to a JFIF JPEG (8-bit YCbCr 4:2:0, optimised Huffman tables),
 * written atomically. libjpeg's errors come back by longjmp into
 * write_guarded(); the temporary file is removed on every failure. */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "io.h"
#include "../decode/decode.h"

typedef struct jpeg_writer {
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr err;
    jmp_buf jb;
    char msg[JMSG_LENGTH_MAX];
    int msg_code;
    JSAMPLE *row; /* ctx allocator */
} jpeg_writer;

static void on_error_exit(j_common_ptr cinfo)
{
    jpeg_writer *w = cinfo->client_data;
    w->msg_code = cinfo->err->msg_code;
    (*cinfo->err->format_message)(cinfo, w->msg);
    longjmp(w->jb, 1);
}

static void on_emit_message(j_common_ptr cinfo, int level)
{
    (void)cinfo;
    (void)level;
}

static int write_guarded(skd_ctx *ctx, jpeg_writer *w, const skd_image *img,
                         FILE *fp, int quality, const char *path)
{
    struct jpeg_compress_struct *cinfo = &w->cinfo;
    uint32_t width = img->width;

    if (setjmp(w->jb)) {
        if (w->msg_code == JERR_FILE_WRITE)
            return skd_fail(ctx, SKD_E_IO, "%s: cannot write output: %s",
                            path, strerror(errno ? errno : EIO));
        return skd_fail(ctx, SKD_E_INTERNAL, "%s: JPEG encoder: %s", path,
                        w->msg);
    }
    jpeg_create_compress(cinfo);
    jpeg_stdio_dest(cinfo, fp);
    cinfo->image_width = img->width;
    cinfo->image_height = img->height;
    cinfo->input_components = 3;
    cinfo->in_color_space = JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, quality, TRUE);
    cinfo->optimize_coding = TRUE;
    jpeg_start_compress(cinfo, TRUE);
    while (cinfo->next_scanline < cinfo->image_height) {
        const uint16_t *src =
            img->rgb + (size_t)cinfo->next_scanline * width * 3;
        JSAMPROW rows[1] = {w->row};
        for (size_t i = 0; i < (size_t)width * 3; i++)
            w->row[i] = skd_sample_to_8(src[i]);
        jpeg_write_scanlines(cinfo, rows, 1);
    }
    jpeg_finish_compress(cinfo);
    return SKD_OK;
}

int skd_image_write_jpeg(skd_ctx *ctx, const skd_image *img, const char *path,
                         int quality)
{
    skd_atomic_file af;
    jpeg_writer w;
    int st;

    if (!ctx)
        return SKD_E_INVALID;
    if (!img || !img->rgb || !img->width || !img->height || !path)
        return skd_fail(ctx, SKD_E_INVALID, "skd_image_write_jpeg: no image");
    if (quality < 1 || quality > 100)
        return skd_fail(ctx, SKD_E_INVALID,
                        "%s: JPEG quality %d outside 1..100", path, quality);
    if (img->width > JPEG_MAX_DIMENSION || img->height > JPEG_MAX_DIMENSION)
        return skd_fail(ctx, SKD_E_INVALID,
                        "%s: %ux%u is too large for JPEG (max %d a side)",
                        path, (unsigned)img->width, (unsigned)img->height,
                        (int)JPEG_MAX_DIMENSION);
    memset(&w, 0, sizeof w);
    w.row = skd_malloc_array(ctx, img->width, 3);
    if (!w.row)
        return SKD_E_NOMEM;
    st = skd_atomic_open(ctx, path, &af);
    if (st != SKD_OK) {
        skd_dealloc(ctx, w.row);
        return st;
    }
    w.cinfo.err = jpeg_std_error(&w.err);
    w.err.error_exit = on_error_exit;
    w.err.emit_message = on_emit_message;
    w.cinfo.client_data = &w;
    st = write_guarded(ctx, &w, img, af.fp, quality, path);
    jpeg_destroy_compress(&w.cinfo); /* safe if never created */
    skd_dealloc(ctx, w.row);
    if (st != SKD_OK) {
        skd_atomic_abort(ctx, &af);
        return st;
    }
    return skd_atomic_commit(ctx, &af);
}
