/* Private output helpers: atomic replacement of a file, image encoders. */
#ifndef SKD_IO_H
#define SKD_IO_H

#include <stdint.h>
#include <stdio.h>

#include "../core/buf.h"
#include "../core/core.h"

/* An output being written: a temporary file beside the destination. */
typedef struct skd_atomic_file {
    FILE *fp;
    char *tmp_path;  /* owned */
    char *dest_path; /* owned */
} skd_atomic_file;

/* Open a temporary file in the destination's directory. */
int skd_atomic_open(skd_ctx *ctx, const char *path, skd_atomic_file *af);
/* Flush, fsync and rename over the destination; on any error the temporary
 * file is removed and the destination is untouched. Always releases af. */
int skd_atomic_commit(skd_ctx *ctx, skd_atomic_file *af);
/* Remove the temporary file without touching the destination. */
void skd_atomic_abort(skd_ctx *ctx, skd_atomic_file *af);

/* 8-bit sRGB picture, the input of the encoders. */
typedef struct skd_rgb8 {
    uint32_t width, height;
    uint8_t *px; /* width * height * 3 */
} skd_rgb8;

int skd_rgb8_alloc(skd_ctx *ctx, uint32_t w, uint32_t h, skd_rgb8 *out);
void skd_rgb8_free(skd_ctx *ctx, skd_rgb8 *p);
/* The image's 16-bit samples rounded to 8 bits, same size. */
int skd_rgb8_from_samples(skd_ctx *ctx, const skd_image *img, skd_rgb8 *out);

/* PNG (8-bit RGB, sRGB chunk) / JPEG (4:2:0, optimised Huffman tables,
 * quality 1..100) encoded into memory, appended to out. setjmp stays in
 * these two encoders. */
int skd_png_encode_memory(skd_ctx *ctx, const skd_rgb8 *p, skd_buf *out);
int skd_jpeg_encode_memory(skd_ctx *ctx, const skd_rgb8 *p, int quality,
                           skd_buf *out);

#endif
