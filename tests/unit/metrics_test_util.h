/* Generated test images for the colour and metrics tests: planes of l or
 * colours written straight into 16-bit sRGB samples. */
#ifndef SKD_METRICS_TEST_UTIL_H
#define SKD_METRICS_TEST_UTIL_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "colour/colour.h"
#include "skindiff.h"

/* Until the decode module (which owns skd_image_create) is merged: weak
 * stand-ins, replaced by the library's definitions when it has them. */
__attribute__((weak)) int skd_image_create(skd_ctx *ctx, uint32_t width,
                                           uint32_t height, skd_image **out)
{
    skd_image *img = calloc(1, sizeof *img);
    (void)ctx;
    if (!img)
        return SKD_E_NOMEM;
    img->width = width;
    img->height = height;
    img->rgb = calloc((size_t)width * height * 3, sizeof *img->rgb);
    if (!img->rgb) {
        free(img);
        return SKD_E_NOMEM;
    }
    *out = img;
    return SKD_OK;
}

__attribute__((weak)) void skd_image_free(skd_image *img)
{
    if (img)
        free(img->rgb);
    free(img);
}

static inline uint16_t tu_encode16(double linear)
{
    double v = skd_srgb_encode(linear < 0 ? 0 : linear > 1 ? 1 : linear);
    return (uint16_t)lround(v * 65535.0);
}

/* Pixel (x, y) from linear RGB. */
static inline void tu_set_linear(skd_image *img, size_t x, size_t y, double r,
                                 double g, double b)
{
    uint16_t *p = img->rgb + (y * img->width + x) * 3;
    p[0] = tu_encode16(r);
    p[1] = tu_encode16(g);
    p[2] = tu_encode16(b);
}

/* Pixel (x, y) with the colour (r, g, b) of linear RGB scaled so that its
 * luminance is exp(l / 100): l moves, chromaticity stays. */
static inline void tu_set_l(skd_image *img, size_t x, size_t y, double l,
                            const double rgb[3])
{
    double k = exp(l / 100.0) / skd_luminance(rgb[0], rgb[1], rgb[2]);
    tu_set_linear(img, x, y, k * rgb[0], k * rgb[1], k * rgb[2]);
}

/* A skin-like colour in linear RGB (sRGB about (200, 150, 130)). */
static inline void tu_skin(double rgb[3])
{
    rgb[0] = skd_srgb_decode(200 / 255.0);
    rgb[1] = skd_srgb_decode(150 / 255.0);
    rgb[2] = skd_srgb_decode(130 / 255.0);
}

static inline skd_image *tu_image(skd_ctx *ctx, uint32_t w, uint32_t h)
{
    skd_image *img = NULL;
    if (skd_image_create(ctx, w, h, &img) != SKD_OK) {
        fprintf(stderr, "cannot create a %ux%u image\n", w, h);
        exit(1);
    }
    return img;
}

/* Fill an image with l(x, y) = fn(x, y, arg) in the given colour. */
typedef double (*tu_l_fn)(double x, double y, const void *arg);

static inline void tu_paint(skd_image *img, tu_l_fn fn, const void *arg,
                            const double rgb[3])
{
    for (size_t y = 0; y < img->height; y++)
        for (size_t x = 0; x < img->width; x++)
            tu_set_l(img, x, y, fn((double)x, (double)y, arg), rgb);
}

/* A small deterministic random generator (splitmix64) for test content. */
static inline uint64_t tu_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline double tu_uniform(uint64_t *state)
{
    return (double)(tu_rand(state) >> 11) / 9007199254740992.0;
}

#endif
