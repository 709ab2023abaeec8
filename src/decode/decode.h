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

/* An adapter's last step: with st == SKD_OK and out, *out receives img;
 * otherwise img (NULL allowed) is freed. Returns st. */
int skd_image_hand_over(int st, skd_image *img, skd_image **out);

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

/* ---- colour description (colour_tags.c) ---------------------------------
 * What a file says about its colour, gathered by the adapters; the
 * precedence, the checks and the profile are decided in one place,
 * skd_colour_resolve (docs/colour.md). */
typedef enum skd_trc {
    SKD_TRC_NONE = 0,
    SKD_TRC_GAMMA,  /* linear = v^gamma */
    SKD_TRC_SRGB,   /* IEC 61966-2-1 */
    SKD_TRC_BT709,  /* ITU-R BT.709 / BT.2020 camera curve */
    SKD_TRC_LINEAR
} skd_trc;

typedef enum skd_data_space {
    SKD_DATA_RGB = 0, /* RGB or YCbCr samples */
    SKD_DATA_GREY,    /* grey expanded to R = G = B */
    SKD_DATA_CMYK     /* CMYK converted without a profile */
} skd_data_space;

typedef struct skd_colour_tags {
    uint8_t *icc;            /* embedded profile (ctx allocator, owned) */
    size_t icc_size;
    const char *icc_problem; /* static text: the profile's container is
                                damaged (JPEG segments, PNG iCCP) */
    skd_data_space data;
    int srgb_chunk;          /* PNG sRGB */
    int has_gamma;           /* PNG gAMA, or nclx/EXIF transfer below */
    skd_trc trc;
    double gamma;            /* SKD_TRC_GAMMA: decoding exponent */
    int has_chrm;            /* chromaticities: white, red, green, blue */
    double chrm[8];          /* x, y of each */
    char nclx[80];           /* HEIF nclx description, "" when none */
    int nclx_srgb;           /* nclx says exactly sRGB */
    int exif_space;          /* EXIF ColorSpace: 1, 0xFFFF, 0 when absent */
    int exif_r03;            /* EXIF interoperability index "R03" */
} skd_colour_tags;

void skd_colour_tags_free(skd_ctx *ctx, skd_colour_tags *t);

/* Decide the photo's colour description from t, in the order of
 * precedence, check an embedded profile (LittleCMS must open it, it must
 * describe the samples, and a conversion to linear sRGB must exist) and
 * fill info->colour_kind, colour_source and has_icc. When icc is not NULL
 * *icc receives the profile the samples are converted with (ctx
 * allocator; NULL for sRGB): the embedded one or one built from the tags.
 * A damaged or unusable embedded profile is an error (SKD_E_CORRUPT or
 * SKD_E_UNSUPPORTED), never a silent sRGB. */
int skd_colour_resolve(skd_ctx *ctx, const skd_colour_tags *t,
                       skd_image_info *info, uint8_t **icc, size_t *icc_size);

/* The description of a profile (ASCII, at most n - 1 bytes) or "" */
void skd_icc_description(skd_ctx *ctx, const uint8_t *icc, size_t size,
                         char *out, size_t n);

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
                 skd_image_info *info, skd_image **out, int *hit_end,
                 skd_colour_tags *tags);
int skd_jpeg_read(skd_ctx *ctx, const uint8_t *data, size_t size,
                  skd_image_info *info, skd_image **out, int *hit_end,
                  skd_colour_tags *tags);
/* HEIF and TIFF adapters (heif.c, tiff.c), same contract; without their
 * library they fail with SKD_E_UNSUPPORTED naming it. */
int skd_heif_read(skd_ctx *ctx, const uint8_t *data, size_t size,
                  skd_image_info *info, skd_image **out, int *hit_end,
                  skd_colour_tags *tags);
int skd_tiff_read(skd_ctx *ctx, const uint8_t *data, size_t size,
                  skd_image_info *info, skd_image **out, int *hit_end,
                  skd_colour_tags *tags);

/* SKD_E_FORMAT: "<what>: this build cannot read it (it needs <lib>:
 * install <package> and rebuild)", for the adapters left out. */
int skd_fail_not_built(skd_ctx *ctx, const char *what, const char *lib,
                       const char *package);

/* Any format: the adapter for the signature, then the colour description
 * (skd_colour_resolve), so a probe and a decode see the same; a decoded
 * image gets its profile and EXIF orientation. out == NULL: headers only. */
int skd_decode_any(skd_ctx *ctx, const uint8_t *data, size_t size,
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
    /* APP2 ICC_PROFILE chunks by sequence number (1..255): data after the
     * 14-byte header; icc_total is the count the first one declares. */
    const uint8_t *icc_chunk[256];
    size_t icc_len[256];
    int icc_total;
    const char *icc_problem; /* static text when the chunks disagree */
} skd_jpeg_markers;

/* The profile of the APP2 chunks in sequence order (ctx allocator), after
 * checking that they are all there exactly once. *icc NULL without any;
 * a damaged set sets *problem and gives no profile. */
int skd_jpeg_icc_assemble(skd_ctx *ctx, const skd_jpeg_markers *m,
                          uint8_t **icc, size_t *size, const char **problem);

void skd_jpeg_scan_markers(const uint8_t *data, size_t size,
                           skd_jpeg_markers *m);
/* "baseline", "extended", "progressive", ... for a SOFn code. */
const char *skd_jpeg_coding_name(int sof);

/* ---- EXIF and orientation (exif.c, orient.c) ---------------------------- */

/* Orientation tag (0x0112) of IFD0 in TIFF-structured EXIF data: 1..8, or
 * 0 when absent, malformed or out of range. Never reads outside tiff. */
int skd_exif_orientation(const uint8_t *tiff, size_t size);

/* EXIF ColorSpace (0xA001 in the Exif IFD: 1 sRGB, 0xFFFF uncalibrated,
 * 0 when absent) and whether the interoperability index is "R03" (Adobe
 * RGB). One pointer of each kind is followed, bounds-checked. */
void skd_exif_colour(const uint8_t *tiff, size_t size, int *space, int *r03);

/* EXIF DateTimeOriginal of TIFF-structured EXIF data as "YYYY-MM-DD HH:MM"
 * into out (cap >= 17): 1 when found and well formed, else 0. Follows only
 * the IFD0 -> Exif IFD offset; never reads outside tiff. */
int skd_exif_date_original(const uint8_t *tiff, size_t size, char *out,
                           size_t cap);

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
