/* The similarity transform as an affine map, and the common region. */
#include <math.h>

#include "compare.h"

void skd_frame_map_from_transform(const skd_transform *t, uint32_t after_w,
                               uint32_t after_h, uint32_t before_w,
                               uint32_t before_h, skd_frame_map *a)
{
    double th = t->rotation_deg * (M_PI / 180.0);
    double c = t->scale * cos(th), s = t->scale * sin(th);
    double cax = (after_w - 1.0) / 2, cay = (after_h - 1.0) / 2;
    double cbx = (before_w - 1.0) / 2, cby = (before_h - 1.0) / 2;

    a->m[0] = c;
    a->m[1] = -s;
    a->m[2] = s;
    a->m[3] = c;
    a->tx = cbx + t->dx - (c * cax - s * cay);
    a->ty = cby + t->dy - (s * cax + c * cay);
}

void skd_frame_map_invert(const skd_frame_map *a, skd_frame_map *inv)
{
    double det = a->m[0] * a->m[3] - a->m[1] * a->m[2];
    double i0 = a->m[3] / det, i1 = -a->m[1] / det;
    double i2 = -a->m[2] / det, i3 = a->m[0] / det;

    inv->m[0] = i0;
    inv->m[1] = i1;
    inv->m[2] = i2;
    inv->m[3] = i3;
    inv->tx = -(i0 * a->tx + i1 * a->ty);
    inv->ty = -(i2 * a->tx + i3 * a->ty);
}

/* 1 when the pixel nearest to (x, y) exists and is set in mask. */
static int nearest_set(const uint8_t *mask, uint32_t w, uint32_t h, double x,
                       double y)
{
    double fx = floor(x + 0.5), fy = floor(y + 0.5);
    if (!(fx >= 0 && fy >= 0 && fx < w && fy < h))
        return 0;
    return mask[(size_t)fy * w + (size_t)fx] != 0;
}

/* dst = src AND (nearest pixel of map(p) set in other); returns the count. */
static uint64_t mask_through_map(const uint8_t *src, uint32_t w, uint32_t h,
                                 const uint8_t *other, uint32_t ow,
                                 uint32_t oh, const skd_frame_map *map,
                                 uint8_t *dst)
{
    uint64_t n = 0;
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *s = src + (size_t)y * w;
        uint8_t *d = dst + (size_t)y * w;
        for (uint32_t x = 0; x < w; x++) {
            double mx, my;
            d[x] = 0;
            if (!s[x])
                continue;
            skd_frame_map_apply(map, x, y, &mx, &my);
            if (nearest_set(other, ow, oh, mx, my)) {
                d[x] = 1;
                n++;
            }
        }
    }
    return n;
}

void skd_common_masks(const uint8_t *rb, uint32_t before_w, uint32_t before_h,
                      const uint8_t *ra, uint32_t after_w, uint32_t after_h,
                      const skd_frame_map *after_to_before, uint8_t *cb,
                      uint8_t *ca, uint64_t *count_b, uint64_t *count_a)
{
    skd_frame_map before_to_after;
    uint64_t nb, na;

    skd_frame_map_invert(after_to_before, &before_to_after);
    nb = mask_through_map(rb, before_w, before_h, ra, after_w, after_h,
                          &before_to_after, cb);
    na = mask_through_map(ra, after_w, after_h, rb, before_w, before_h,
                          after_to_before, ca);
    if (count_b)
        *count_b = nb;
    if (count_a)
        *count_a = na;
}
