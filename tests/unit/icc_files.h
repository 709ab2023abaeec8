/* Test helper: write a photo's samples converted into another colour
 * space, with that profile embedded (PNG iCCP, JPEG APP2), and the
 * profiles the colour tests use, built with LittleCMS from their
 * published primaries, white and curve. */
#ifndef SKD_ICC_FILES_H
#define SKD_ICC_FILES_H

#include <stddef.h>
#include <stdint.h>

#include <lcms2.h>

#include "skindiff.h"

/* Adobe RGB (1998): D65, gamma 563/256. ProPhoto (ROMM) RGB: D50, gamma
 * 1.8. sRGB as a CLUT of grid points per side (0: LittleCMS' default), a
 * LUT-based profile: the transform path. Caller closes them. */
cmsHPROFILE icc_adobe_rgb(void);
cmsHPROFILE icc_prophoto_rgb(void);
cmsHPROFILE icc_lut_based_srgb(int grid);

/* img's samples (sRGB) converted to profile `to` (relative colorimetric)
 * into a new 16-bit sample buffer (caller frees). */
uint16_t *icc_convert(const skd_image *img, cmsHPROFILE to);

/* Write w x h 16-bit RGB samples as a 16-bit PNG (or 8-bit when bits is
 * 8), and as a baseline JPEG of the given quality, each with the profile
 * embedded (profile NULL: none). 0 on success. */
int icc_write_png(const char *path, const uint16_t *rgb, uint32_t w,
                  uint32_t h, int bits, cmsHPROFILE profile);
int icc_write_jpeg(const char *path, const uint16_t *rgb, uint32_t w,
                   uint32_t h, int quality, cmsHPROFILE profile);
/* The same with luma sampling factor chroma (2: 4:2:0, 1: 4:4:4). */
int icc_write_jpeg_sampled(const char *path, const uint16_t *rgb, uint32_t w,
                           uint32_t h, int quality, cmsHPROFILE profile,
                           int chroma);

/* PNG with colour chunks instead of a profile: gAMA (file gamma, 0 for
 * none), cHRM (white, red, green, blue x, y; NULL for none), sRGB (intent,
 * -1 for none). */
int icc_write_png_tags(const char *path, const uint16_t *rgb, uint32_t w,
                       uint32_t h, int bits, double gamma, const double *chrm,
                       int srgb_intent);
/* JPEG with an APP1 Exif segment saying ColorSpace (1 or 0xFFFF) and, when
 * r03, the interoperability index "R03" (Adobe RGB); no profile. */
int icc_write_jpeg_exif(const char *path, const uint16_t *rgb, uint32_t w,
                        uint32_t h, int quality, int colour_space, int r03);

#endif
