/* The after photo resampled into the before frame, for display only. */
#include <math.h>

#include "register.h"

/* Clamped sample index. */
static size_t clampi(ptrdiff_t i, size_t n)
{
    return i < 0 ? 0 : ((size_t)i >= n ? n - 1 : (size_t)i);
}

static uint16_t to_u16(float v)
{
    return v <= 0.0f ? 0 : (v >= 65535.0f ? 65535 : (uint16_t)(v + 0.5f));
}

/* Bicubic sample of all three channels at (x, y), inside the photo. */
static void sample_rgb(const skd_image *img, double x, double y, uint16_t *dst)
{
    double fx = floor(x), fy = floor(y);
    ptrdiff_t ix = (ptrdiff_t)fx, iy = (ptrdiff_t)fy;
    float wx[4], wy[4], acc[3] = {0, 0, 0};
    size_t xs[4];
    skd_reg_cubic_weights((float)(x - fx), wx);
    skd_reg_cubic_weights((float)(y - fy), wy);
    for (int k = 0; k < 4; k++)
        xs[k] = clampi(ix + k - 1, img->width) * 3;
    for (int j = 0; j < 4; j++) {
        const uint16_t *row = img->rgb +
            clampi(iy + j - 1, img->height) * (size_t)img->width * 3;
        for (int k = 0; k < 4; k++) {
            float w = wy[j] * wx[k];
            const uint16_t *px = row + xs[k];
            acc[0] += w * px[0];
            acc[1] += w * px[1];
            acc[2] += w * px[2];
        }
    }
    for (int c = 0; c < 3; c++)
        dst[c] = to_u16(acc[c]);
}

void skd_reg_warp_rgb(const skd_image *after, const skd_transform *t,
                      uint32_t width, uint32_t height, uint16_t *rgb)
{
    skd_sim s = skd_sim_from_transform(t, width, height, after->width,
                                       after->height);
    skd_sim inv = skd_sim_inverse(&s);
    double xmax = (double)after->width - 0.5, ymax = (double)after->height - 0.5;
    for (uint32_t y = 0; y < height; y++) {
        uint16_t *dst = rgb + (size_t)y * width * 3;
        for (uint32_t x = 0; x < width; x++, dst += 3) {
            double px, py;
            skd_sim_apply(&inv, x, y, &px, &py);
            if (px >= -0.5 && px < xmax && py >= -0.5 && py < ymax) {
                sample_rgb(after, px, py, dst);
            } else {
                dst[0] = dst[1] = dst[2] = 0;
            }
        }
    }
}
