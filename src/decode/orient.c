/* EXIF orientation: the stored pixels are turned into the picture as the
 * camera meant it to be seen. Each orientation is one walk over the stored
 * buffer with a start and two strides, so all eight share one loop. */
#include <stddef.h>

#include "decode.h"

void skd_oriented_size(int orientation, uint32_t w, uint32_t h, uint32_t *ow,
                       uint32_t *oh)
{
    int swap = orientation >= 5 && orientation <= 8;
    *ow = swap ? h : w;
    *oh = swap ? w : h;
}

/* Displayed pixel (x, y) is stored pixel base + x * dx + y * dy (indices in
 * pixels of the stored image, W x H). */
static void orient_strides(int o, ptrdiff_t W, ptrdiff_t H, ptrdiff_t *base,
                           ptrdiff_t *dx, ptrdiff_t *dy)
{
    switch (o) {
    case 2: *base = W - 1;               *dx = -1; *dy = W;  break; /* mirror */
    case 3: *base = (H - 1) * W + W - 1; *dx = -1; *dy = -W; break; /* 180 */
    case 4: *base = (H - 1) * W;         *dx = 1;  *dy = -W; break; /* flip */
    case 5: *base = 0;                   *dx = W;  *dy = 1;  break; /* transpose */
    case 6: *base = (H - 1) * W;         *dx = -W; *dy = 1;  break; /* 90 cw */
    case 7: *base = (H - 1) * W + W - 1; *dx = -W; *dy = -1; break; /* transverse */
    case 8: *base = W - 1;               *dx = W;  *dy = -1; break; /* 90 ccw */
    default: *base = 0;                  *dx = 1;  *dy = W;  break;
    }
}

int skd_orient_apply(skd_ctx *ctx, skd_image *img, int orientation)
{
    ptrdiff_t base, dx, dy;
    uint32_t ow, oh;
    uint16_t *dst;
    const uint16_t *src = img->rgb;

    if (orientation < 2 || orientation > 8)
        return SKD_OK;
    skd_oriented_size(orientation, img->width, img->height, &ow, &oh);
    dst = skd_rgb_alloc(ctx, ow, oh);
    if (!dst)
        return SKD_E_NOMEM;
    orient_strides(orientation, img->width, img->height, &base, &dx, &dy);
    for (uint32_t y = 0; y < oh; y++) {
        uint16_t *restrict d = dst + (size_t)y * ow * 3;
        ptrdiff_t s = base + (ptrdiff_t)y * dy;
        for (uint32_t x = 0; x < ow; x++, s += dx) {
            const uint16_t *p = src + s * 3;
            d[3 * x] = p[0];
            d[3 * x + 1] = p[1];
            d[3 * x + 2] = p[2];
        }
    }
    skd_image_replace_pixels(img, dst, ow, oh);
    return SKD_OK;
}
