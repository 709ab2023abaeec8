/* Private decode module: PNG and JPEG in, RGB 16-bit out (docs/robustness.md).
 *
 * setjmp/longjmp lives only in the libpng/libjpeg adapters (png.c, jpeg.c
 * and the writers src/io/png_write.c, src/io/jpeg_write.c). In each, one
 * small "guarded" function calls setjmp and keeps all its state in a
 * struct owned by the caller, so no local lives across the jump, and the
 * caller has the one cleanup path. Everything else here works on bytes in
 * memory with explicit bounds, so malformed input can only give an error. */
#ifndef SKD_DECODE_H
#define SKD_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"

/* ---- images (image.c) ---------------------------------------------------
 * An skd_image remembers the allocator of the context that made it, so
 * skd_image_free() needs no context. img->rgb must always be a buffer from
 * that allocator (use skd_image_replace_pixels() to swap it). */

/* width x height image; pixels zeroed when zero != 0. Checks sizes for
 * overflow but not the pixel limit (see skd_check_pixel_limit). */
int skd_image_new(skd_ctx *ctx, uint32_t width, uint32_t height, int zero,
                  skd_image **out);
/* Give img a new pixel buffer (from ctx's allocator) of new_w x new_h,
 * freeing the old one. */
void skd_image_replace_pixels(skd_image *img, uint16_t *rgb, uint32_t new_w,
                              uint32_t new_h);
/* Allocate a width*height*3 sample buffer (overflow-checked). */
uint16_t *skd_rgb_alloc(skd_ctx *ctx, uint32_t width, uint32_t height);

/* SKD_E_LIMIT unless 0 < width, 0 < height and width * height <= the
 * context's SKD_OPT_MAX_PIXELS. what names the format ("PNG"). */
int skd_check_pixel_limit(skd_ctx *ctx, const char *what, uint32_t width,
                          uint32_t height);

/* ---- files (file.c) ----------------------------------------------------- */

/* Read the start of the regular file path (FIFOs, devices and directories
 * are refused without blocking): *data (ctx allocator) receives
 * min(file size, max_bytes) bytes and *file_size the whole size. With
 * whole != 0 a file larger than max_bytes is SKD_E_LIMIT, unread. An empty
 * file is SKD_E_IO. Messages do not name the file: callers prefix it. */
int skd_read_file(skd_ctx *ctx, const char *path, size_t max_bytes, int whole,
                  uint8_t **data, size_t *size, uint64_t *file_size);
/* The same checks as a whole read (regular, not empty, at most max_bytes)
 * without reading anything. */
int skd_check_file_size(skd_ctx *ctx, const char *path, size_t max_bytes);

/* Largest file skd_image_load() accepts for the context's pixel limit. */
uint64_t skd_max_file_bytes(const skd_ctx *ctx);

/* ---- format detection (detect.c) ---------------------------------------- */

/* PNG or JPEG by signature; otherwise SKD_FORMAT_UNKNOWN. */
skd_format skd_detect_format(const uint8_t *data, size_t size);
/* SKD_E_FORMAT with a message saying what the data looks like instead. */
int skd_fail_unknown_format(skd_ctx *ctx, const uint8_t *data, size_t size);

/* ---- adapters (png.c, jpeg.c) ------------------------------------------
 * Decode data[0..size). With out == NULL only the headers are read and
 * info filled (the probe). *hit_end is set when the decoder wanted bytes
 * beyond size: for a probe of a file prefix that means "read more". The
 * pixel limit is enforced in both modes. */
int skd_png_read(skd_ctx *ctx, const uint8_t *data, size_t size,
                 skd_image_info *info, skd_image **out, int *hit_end);
int skd_jpeg_read(skd_ctx *ctx, const uint8_t *data, size_t size,
                  skd_image_info *info, skd_image **out, int *hit_end);

/* ---- JPEG markers (jpeg_markers.c) --------------------------------------- */

/* What a bounds-checked walk over the JPEG marker segments before the
 * first scan finds. Pointers point into the walked buffer. */
typedef struct skd_jpeg_markers {
    int sof;             /* SOFn marker code (0xC0..0xCF), 0 if none seen */
    uint32_t width, height;
    int precision, components;
    const uint8_t *exif; /* TIFF data of the first APP1 "Exif" segment */
    size_t exif_size;
    int has_icc;         /* an APP2 "ICC_PROFILE" segment */
    int complete;        /* the walk reached SOS inside the buffer */
} skd_jpeg_markers;

void skd_jpeg_scan_markers(const uint8_t *data, size_t size,
                           skd_jpeg_markers *m);
/* "baseline", "extended", "progressive", ... for a SOFn code. */
const char *skd_jpeg_coding_name(int sof);

/* ---- EXIF and orientation (exif.c, orient.c) ---------------------------- */

/* Orientation tag (0x0112) of IFD0 in TIFF-structured EXIF data: 1..8, or
 * 0 when absent, malformed or out of range. Never reads outside tiff. */
int skd_exif_orientation(const uint8_t *tiff, size_t size);

/* Displayed size for stored size and orientation (5..8 swap). */
void skd_oriented_size(int orientation, uint32_t w, uint32_t h,
                       uint32_t *ow, uint32_t *oh);

/* Turn a decoded image (stored orientation) into the displayed one. */
int skd_orient_apply(skd_ctx *ctx, skd_image *img, int orientation);

/* ---- writers (src/io/png_write.c, src/io/jpeg_write.c) use this too ---- */

/* 16-bit sample to 8 bits, rounded (exact inverse of * 257). */
static inline uint8_t skd_sample_to_8(uint16_t v)
{
    return (uint8_t)(((uint32_t)v * 255u + 32767u) / 65535u);
}

#endif
