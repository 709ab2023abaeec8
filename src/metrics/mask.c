/* The analysis mask M: which pixels can be measured at all; over the
 * whole photo, or with an ROI or a user mask over the colour rectangle,
 * the only part of the photo M depends on. */
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

/* The mask's growth reaches floor(r) pixels along a row or a column, r =
 * SKD_MASK_GROW_MM * px_per_mm the radius skd_grow_mask is given: it sets
 * a pixel when an excluded pixel centre lies within Euclidean distance r,
 * so |dx| and |dy| are at most r, whole numbers, so at most floor(r) (the
 * row compares take R = (int)r, the distance transform tests d^2 <= r^2 on
 * whole-pixel offsets). SIZE_MAX (everything) when r is not a finite
 * non-negative number. */
size_t skd_mask_grow_reach(double px_per_mm)
{
    double r = SKD_MASK_GROW_MM * px_per_mm;
    if (!(r >= 0) || r >= 1e15)
        return SIZE_MAX;
    return (size_t)r;
}

/* r narrowed to the bounding box of the user mask's included pixels
 * within it; 0 when it holds none. */
static int narrow_to_mask_box(const skd_image *mask, rect *r)
{
    size_t w = mask->width, x0 = r->x1, x1 = r->x0, y0 = r->y1, y1 = r->y0;
    for (size_t y = r->y0; y < r->y1; y++) {
        const uint16_t *row = mask->rgb + 3 * (y * w);
        for (size_t x = r->x0; x < r->x1; x++)
            if (row[3 * x] | row[3 * x + 1] | row[3 * x + 2]) {
                x0 = x < x0 ? x : x0;
                x1 = x + 1 > x1 ? x + 1 : x1;
                y0 = y < y0 ? y : y0;
                y1 = y + 1;
            }
    }
    if (x0 >= x1)
        return 0;
    *r = (rect){x0, y0, x1, y1};
    return 1;
}

skd_window skd_mask_colour_rect(const skd_image *img,
                                const skd_region_spec *spec, double px_per_mm)
{
    size_t w = img->width, h = img->height;
    skd_window win = {0, 0, w, h};
    rect r = {0, 0, w, h};
    if (!roi_given(spec) && !(spec && spec->mask))
        return win;
    if (roi_given(spec))
        r = clip_roi(img, &spec->roi);
    /* M is 0 outside the user mask too; an empty one gets the whole photo,
     * whose path reports the empty region */
    if (spec->mask && !narrow_to_mask_box(spec->mask, &r))
        return win;
    return skd_window_around(r.x0, r.y0, r.x1, r.y1,
                             skd_mask_grow_reach(px_per_mm), w, h);
}

/* A pixel's cause from its clip bits c and whether S left it out, as
 * selects the compiler turns into vector blends (S first, then highlight,
 * then dark). */
static inline uint8_t cause_of(unsigned c, unsigned not_skin)
{
    unsigned why = c & SKD_CLIP_DARK ? SKD_CAUSE_TOO_DARK : SKD_CAUSE_NONE;
    why = c & SKD_CLIP_HIGHLIGHT ? SKD_CAUSE_HIGHLIGHT : why;
    why = not_skin ? SKD_CAUSE_NOT_SKIN : why;
    return (uint8_t)(why | (c & SKD_CLIP_PARTIAL ? SKD_CAUSE_CLIPPED : 0));
}

static inline uint8_t excluded(unsigned c, unsigned not_skin)
{
    return (uint8_t)(((c & SKD_CLIP_EXCLUDED) != 0) | not_skin);
}

/* The clip bits of the colour pass (SKD_CLIP_*) in m become the
 * exclusions (1 = excluded) M is grown from: highlights, dark pixels and,
 * when skin is given, pixels the skin map S left out. cause (may be NULL)
 * gets each pixel's SKD_CAUSE_* so far, with SKD_CAUSE_CLIPPED added for
 * the partly clipped ones; S takes precedence over the clip bits (a pixel
 * that is not skin is reported as not skin whatever its colour). */
static void exclusions_row(const uint8_t *skin, size_t n, uint8_t *restrict m,
                           uint8_t *cause)
{
    /* Loops without a pointer that may overlap another, so that they
     * vectorise: skin may be cause itself (the skin map written where its
     * causes go), and then each pixel's S is read from cause and its cause
     * written back in place. */
    if (!cause && !skin) {
        for (size_t i = 0; i < n; i++)
            m[i] = excluded(m[i], 0);
    } else if (!cause) {
        for (size_t i = 0; i < n; i++)
            m[i] = excluded(m[i], skin[i] == 0);
    } else if (!skin) {
        for (size_t i = 0; i < n; i++) {
            unsigned c = m[i];
            cause[i] = cause_of(c, 0);
            m[i] = excluded(c, 0);
        }
    } else if (skin == cause) {
        uint8_t *restrict sc = cause;
        for (size_t i = 0; i < n; i++) {
            unsigned c = m[i], not_skin = sc[i] == 0;
            sc[i] = cause_of(c, not_skin);
            m[i] = excluded(c, not_skin);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            unsigned c = m[i], not_skin = skin[i] == 0;
            cause[i] = cause_of(c, not_skin);
            m[i] = excluded(c, not_skin);
        }
    }
}

/* Pixels the user mask or the ROI took out of the rectangle: cause
 * outside (they were set to 0 in m after the growth). */
static void mark_outside_row(const uint16_t *restrict mask, size_t n,
                             uint8_t *restrict cause)
{
    for (size_t i = 0; i < n; i++)
        if (!(mask[3 * i] | mask[3 * i + 1] | mask[3 * i + 2]))
            cause[i] = SKD_CAUSE_OUTSIDE;
}

/* The rest of M after the clip bits of the rectangle `part` of the photo
 * are in m, compact (rows of part->w bytes): exclusions (with the skin map
 * skin, compact too, when not NULL), growth, user mask, ROI; cause (may be
 * NULL) in the same layout gets the cause of each exclusion before the
 * growth. Within the ROI the result is the whole photo's whenever part
 * holds the ROI grown by the growth's reach (skd_mask_colour_rect). */
static int finish_part(skd_ctx *ctx, const skd_image *img,
                       const skd_region_spec *spec, double px_per_mm,
                       const skd_window *part, const uint8_t *skin,
                       uint8_t *m, uint8_t *cause)
{
    size_t w = img->width, pw = part->w;
    int st;
    for (size_t j = 0; j < part->h; j++)
        exclusions_row(skin ? skin + j * pw : NULL, pw, m + j * pw,
                       cause ? cause + j * pw : NULL);
    st = skd_grow_mask(ctx, m, pw, part->h, SKD_MASK_GROW_MM * px_per_mm, 1);
    if (st != SKD_OK)
        return st;
    if (spec && spec->mask)
        for (size_t j = 0; j < part->h; j++) {
            const uint16_t *mrow =
                spec->mask->rgb + 3 * ((part->y0 + j) * w + part->x0);
            narrow_by_mask_row(mrow, pw, m + j * pw);
            if (cause)
                mark_outside_row(mrow, pw, cause + j * pw);
        }
    if (roi_given(spec)) {
        rect r = clip_roi(img, &spec->roi);
        /* the ROI's columns in part's, clamped to it */
        size_t left = r.x0 > part->x0 ? r.x0 - part->x0 : 0;
        size_t right = r.x1 > part->x0 ? r.x1 - part->x0 : 0;
        left = left < pw ? left : pw;
        right = right < pw ? right : pw;
        right = right > left ? right : left;
        for (size_t j = 0; j < part->h; j++) {
            size_t y = part->y0 + j;
            uint8_t *row = m + j * pw;
            uint8_t *crow = cause ? cause + j * pw : NULL;
            if (y < r.y0 || y >= r.y1) {
                memset(row, 0, pw);
                if (crow)
                    memset(crow, SKD_CAUSE_OUTSIDE, pw);
                continue;
            }
            memset(row, 0, left);
            memset(row + right, 0, pw - right);
            if (crow) {
                memset(crow, SKD_CAUSE_OUTSIDE, left);
                memset(crow + right, SKD_CAUSE_OUTSIDE, pw - right);
            }
        }
    }
    return SKD_OK;
}

/* skd_window_scatter of the cause plane, with outside (not 0) outside
 * the rectangle: every pixel there is outside the ROI or the user mask. */
static void scatter_causes(uint8_t *cause, size_t w, size_t h,
                           const skd_window *part)
{
    skd_window_scatter(cause, w, h, 1, part, 0);
    for (size_t y = 0; y < h; y++) {
        uint8_t *row = cause + y * w;
        if (y < part->y0 || y >= part->y0 + part->h) {
            memset(row, SKD_CAUSE_OUTSIDE, w);
            continue;
        }
        memset(row, SKD_CAUSE_OUTSIDE, part->x0);
        memset(row + part->x0 + part->w, SKD_CAUSE_OUTSIDE,
               w - part->x0 - part->w);
    }
}

int skd_finish_mask(skd_ctx *ctx, const skd_image *img,
                    const skd_region_spec *spec, double px_per_mm, uint8_t *m)
{
    skd_window whole = {0, 0, img->width, img->height};
    int st = skd_check_region_spec(ctx, img, spec);
    if (st != SKD_OK)
        return st;
    return finish_part(ctx, img, spec, px_per_mm, &whole, NULL, m, NULL);
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

int skd_mask_in_rect(skd_ctx *ctx, const skd_image *img,
                     const skd_region_spec *spec, double px_per_mm,
                     const skd_colour_lut *lut, const skd_window *part,
                     float *l, uint8_t *m)
{
    return skd_mask_in_rect_skin(ctx, img, spec, px_per_mm, lut, part, NULL,
                                 l, m, NULL);
}

int skd_mask_in_rect_skin(skd_ctx *ctx, const skd_image *img,
                          const skd_region_spec *spec, double px_per_mm,
                          const skd_colour_lut *lut, const skd_window *part,
                          const uint8_t *skin, float *l, uint8_t *m,
                          uint8_t *cause)
{
    skd_clip_rule rule = skd_mask_clip_rule(lut);
    size_t w = img->width, box[4] = {part->x0, part->y0, part->w, part->h};
    /* the excluded pixels in part's compact layout from its first row,
     * where skd_window_scatter expects it */
    uint8_t *compact = m + part->y0 * w;
    int st = skd_check_region_spec(ctx, img, spec);
    if (st != SKD_OK)
        return st;
    skd_luminance_rect(ctx, img, lut, &rule, box,
                       l ? l + part->y0 * w + part->x0 : NULL, w, compact,
                       part->w);
    st = finish_part(ctx, img, spec, px_per_mm, part, skin, compact,
                     cause ? cause + part->y0 * w : NULL);
    if (st == SKD_OK) {
        skd_window_scatter(m, w, img->height, 1, part, 0);
        if (cause)
            scatter_causes(cause, w, img->height, part);
    }
    return st;
}
