/* The analysis mask M: which pixels can be measured at all. */
#include <string.h>

#include "../colour/colour.h"
#include "metrics.h"

/* The ROI clipped to the image, as [x0, x1) x [y0, y1). */
typedef struct rect {
    size_t x0, y0, x1, y1;
} rect;

static int roi_given(const skd_region_spec *spec)
{
    return spec && spec->roi.w > 0 && spec->roi.h > 0;
}

static rect clip_roi(const skd_image *img, const skd_roi *roi)
{
    uint64_t x1 = (uint64_t)roi->x + roi->w, y1 = (uint64_t)roi->y + roi->h;
    rect r = {roi->x, roi->y, x1 < img->width ? x1 : img->width,
              y1 < img->height ? y1 : img->height};
    return r;
}

int skd_check_region_spec(skd_ctx *ctx, const skd_image *img,
                          const skd_region_spec *spec)
{
    if (!spec)
        return SKD_OK;
    if (spec->mask) {
        const skd_image *m = spec->mask;
        if (!m->rgb || m->width != img->width || m->height != img->height)
            return skd_fail(ctx, SKD_E_INVALID,
                            "mask is %ux%u pixels but the photo is %ux%u",
                            (unsigned)m->width, (unsigned)m->height,
                            (unsigned)img->width, (unsigned)img->height);
    }
    if (roi_given(spec)) {
        rect r = clip_roi(img, &spec->roi);
        if (r.x0 >= r.x1 || r.y0 >= r.y1)
            return skd_fail(ctx, SKD_E_INVALID,
                            "ROI %ux%u at (%u, %u) lies outside the %ux%u photo",
                            (unsigned)spec->roi.w, (unsigned)spec->roi.h,
                            (unsigned)spec->roi.x, (unsigned)spec->roi.y,
                            (unsigned)img->width, (unsigned)img->height);
    }
    return SKD_OK;
}

skd_clip_rule skd_mask_clip_rule(const skd_colour_lut *lut)
{
    return skd_clip_rule_make(lut, SKD_MASK_HIGH_SAMPLE, SKD_MASK_MIN_Y);
}

/* A user-mask pixel includes when any of its samples is non-zero. */
static void narrow_by_mask_row(const uint16_t *restrict mask, size_t n,
                               uint8_t *restrict m)
{
    for (size_t i = 0; i < n; i++)
        if (!(mask[3 * i] | mask[3 * i + 1] | mask[3 * i + 2]))
            m[i] = 0;
}

int skd_finish_mask(skd_ctx *ctx, const skd_image *img,
                    const skd_region_spec *spec, double px_per_mm, uint8_t *m)
{
    size_t w = img->width, h = img->height;
    int st = skd_check_region_spec(ctx, img, spec);
    if (st != SKD_OK)
        return st;
    st = skd_grow_mask(ctx, m, w, h, SKD_MASK_GROW_MM * px_per_mm, 1);
    if (st != SKD_OK)
        return st;
    if (spec && spec->mask)
        for (size_t y = 0; y < h; y++)
            narrow_by_mask_row(spec->mask->rgb + y * w * 3, w, m + y * w);
    if (roi_given(spec)) {
        rect r = clip_roi(img, &spec->roi);
        for (size_t y = 0; y < h; y++) {
            uint8_t *row = m + y * w;
            if (y < r.y0 || y >= r.y1) {
                memset(row, 0, w);
                continue;
            }
            memset(row, 0, r.x0);
            memset(row + r.x1, 0, w - r.x1);
        }
    }
    return SKD_OK;
}

int skd_build_mask(skd_ctx *ctx, const skd_image *img,
                   const skd_region_spec *spec, double px_per_mm,
                   const skd_colour_lut *lut, uint8_t *m)
{
    skd_clip_rule rule = skd_mask_clip_rule(lut);
    int st = skd_check_region_spec(ctx, img, spec);
    if (st != SKD_OK)
        return st;
    skd_luminance_plane(ctx, img, lut, &rule, NULL, m);
    return skd_finish_mask(ctx, img, spec, px_per_mm, m);
}
