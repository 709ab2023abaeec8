/* Test helpers that change how a synthetic photo was taken: a painted grey
 * card, and another exposure, white balance and tone curve applied to its
 * linear light (the camera changes of docs/comparing.md's tests). */
#ifndef SKD_CAMERA_CHECK_H
#define SKD_CAMERA_CHECK_H

#include <math.h>
#include <stdint.h>

#include "colour/colour.h"
#include "skindiff.h"

/* A neutral card of linear reflectance `reflectance` over roi. */
static inline void camera_paint_grey(skd_image *img, skd_roi roi,
                                     double reflectance)
{
    uint16_t v = (uint16_t)lround(65535 * skd_srgb_encode(reflectance));
    for (uint32_t y = roi.y; y < roi.y + roi.h; y++)
        for (uint32_t x = roi.x; x < roi.x + roi.w; x++)
            for (int c = 0; c < 3; c++)
                img->rgb[3 * ((size_t)y * img->width + x) + c] = v;
}

/* Linear RGB times exposure * gain[channel], clipped at 1, then raised to
 * `power` (1: the same tone curve). */
static inline void camera_relight(skd_image *img, double exposure,
                                  const double gain[3], double power)
{
    size_t n = (size_t)img->width * img->height;
    for (size_t i = 0; i < 3 * n; i++) {
        double lin = skd_srgb_decode(img->rgb[i] / 65535.0) * exposure *
                     gain[i % 3];
        lin = pow(lin > 1 ? 1 : lin, power);
        img->rgb[i] = (uint16_t)lround(65535 * skd_srgb_encode(lin));
    }
}

#endif
