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

/* The smallest 16-bit green sample whose own share of Y reaches the dark
 * limit: Y, a sum of non-negative terms rounded monotonically, is then at
 * least that share, so the pixel is not dark whatever red and blue are.
 * The table is non-decreasing, so a bisection finds it. */
static uint32_t green_clearing_dark(const float *linear)
{
    uint32_t lo = 0, hi = 65536; /* the answer lies in [lo, hi] */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (SKD_LUMA_G * (double)linear[mid] >= SKD_MASK_MIN_Y)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

typedef struct exclusion_job {
    const skd_image *img;
    const float *linear;
    uint8_t *ex;
    uint32_t green_bright;
    size_t band_rows;
} exclusion_job;

/* 1 where a pixel is a specular highlight or too dark to measure; Y only
 * where the green sample alone does not settle it. */
static void exclusion_row(const uint16_t *restrict rgb, size_t n,
                          const float *restrict linear, uint32_t green_bright,
                          uint8_t *restrict ex)
{
    for (size_t i = 0; i < n; i++) {
        uint16_t r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
        uint8_t e = r >= SKD_MASK_HIGH_SAMPLE || g >= SKD_MASK_HIGH_SAMPLE ||
                    b >= SKD_MASK_HIGH_SAMPLE;
        if (g < green_bright)
            e |= skd_luminance(linear[r], linear[g], linear[b]) < SKD_MASK_MIN_Y;
        ex[i] = e;
    }
}

static void exclusion_band(void *arg, size_t chunk, size_t thread)
{
    const exclusion_job *job = arg;
    size_t w = job->img->width, y0 = chunk * job->band_rows;
    size_t y1 = y0 + job->band_rows < job->img->height ? y0 + job->band_rows
                                                       : job->img->height;
    (void)thread;
    for (size_t y = y0; y < y1; y++)
        exclusion_row(job->img->rgb + y * w * 3, w, job->linear,
                      job->green_bright, job->ex + y * w);
}

/* A user-mask pixel includes when any of its samples is non-zero. */
static void narrow_by_mask_row(const uint16_t *restrict mask, size_t n,
                               uint8_t *restrict m)
{
    for (size_t i = 0; i < n; i++)
        if (!(mask[3 * i] | mask[3 * i + 1] | mask[3 * i + 2]))
            m[i] = 0;
}

int skd_build_mask(skd_ctx *ctx, const skd_image *img,
                   const skd_region_spec *spec, double px_per_mm,
                   const float *linear, uint8_t *m)
{
    size_t w = img->width, h = img->height;
    exclusion_job job = {img, linear, m, green_clearing_dark(linear), 1};
    int st = skd_check_region_spec(ctx, img, spec);
    if (st != SKD_OK)
        return st;
    if (w < 262144)
        job.band_rows = 262144 / w;
    skd_parallel_chunks(ctx, (h + job.band_rows - 1) / job.band_rows,
                        exclusion_band, &job);
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
