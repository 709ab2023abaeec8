/* Registration on a rectangle of the before photo (SKD_OPT_ALIGN_ROI_*,
 * --align-roi), for faces that move non-rigidly: the user names a part
 * that moved as one piece, and the transform is that part's. */
#include <math.h>
#include <string.h>

#include "compare.h"

typedef struct rect {
    uint32_t x, y, w, h;
} rect;

static int copy_rect(skd_ctx *ctx, const skd_image *src, rect r,
                     skd_image **out)
{
    int st = skd_image_create(ctx, r.w, r.h, out);
    if (st != SKD_OK)
        return st;
    for (uint32_t y = 0; y < r.h; y++)
        memcpy((*out)->rgb + (size_t)y * r.w * 3,
               src->rgb + ((size_t)(r.y + y) * src->width + r.x) * 3,
               (size_t)r.w * 3 * sizeof *src->rgb);
    return SKD_OK;
}

/* [c - grow, c + size + grow) clipped to [0, limit). */
static void grown(uint32_t c, uint32_t size, uint32_t grow, uint32_t limit,
                  uint32_t *o, uint32_t *n)
{
    uint32_t lo = c > grow ? c - grow : 0;
    uint64_t hi = (uint64_t)c + size + grow;
    if (hi > limit)
        hi = limit;
    if (lo >= hi) { /* the rectangle lies outside the after photo */
        *o = 0;
        *n = limit;
        return;
    }
    *o = lo;
    *n = (uint32_t)(hi - lo);
}

/* t maps the pixels of the crop of `part` at (bx, by) of the before photo
 * from those of the crop `ar` of the after photo; rewrite it for the
 * whole photos (the transform is centred on each photo's middle):
 *   p_b = s R (p_a - ar.xy - c_ar) + c_part + d + part.xy
 *       = s R (p_a - c_a) + c_b + d'
 *   d'  = s R (c_a - ar.xy - c_ar) + c_part + part.xy - c_b + d. */
static void to_whole_frames(skd_transform *t, rect part, rect ar,
                            const skd_image *before, const skd_image *after)
{
    double th = t->rotation_deg * M_PI / 180.0;
    double ux = (after->width - 1.0) / 2.0 - ar.x - (ar.w - 1.0) / 2.0;
    double uy = (after->height - 1.0) / 2.0 - ar.y - (ar.h - 1.0) / 2.0;
    t->dx += t->scale * (cos(th) * ux - sin(th) * uy) + part.x +
             (part.w - 1.0) / 2.0 - (before->width - 1.0) / 2.0;
    t->dy += t->scale * (sin(th) * ux + cos(th) * uy) + part.y +
             (part.h - 1.0) / 2.0 - (before->height - 1.0) / 2.0;
}

/* The part of the before photo against the same rectangle of the after
 * photo grown by the rectangle's size on every side (a camera moved by up
 * to that much between the sessions), then, when that does not convince,
 * against the whole after photo: phase correlation does not find a small
 * part far from the after photo's middle (a forehead at the top of the
 * frame), and a crop around it keeps the search local. The more confident
 * of the two answers wins. */
int skd_register_part(skd_ctx *ctx, const skd_image *before,
                      const skd_image *after, skd_transform *t)
{
    rect part = {(uint32_t)skd_opt(ctx, SKD_OPT_ALIGN_ROI_X),
                 (uint32_t)skd_opt(ctx, SKD_OPT_ALIGN_ROI_Y),
                 (uint32_t)skd_opt(ctx, SKD_OPT_ALIGN_ROI_W),
                 (uint32_t)skd_opt(ctx, SKD_OPT_ALIGN_ROI_H)};
    rect ar, whole = {0, 0, after->width, after->height};
    skd_image *pb = NULL, *pa = NULL;
    skd_transform near, far;
    int st, st_far;

    if (part.w == 0 || part.h == 0)
        return skd_register(ctx, before, after, t);
    if (part.x >= before->width || part.y >= before->height ||
        part.w > before->width - part.x || part.h > before->height - part.y)
        return skd_fail(ctx, SKD_E_INVALID, "align ROI %ux%u+%u+%u is not "
                        "inside the %ux%u before photo", part.w, part.h,
                        part.x, part.y, before->width, before->height);
    grown(part.x, part.w, part.w, after->width, &ar.x, &ar.w);
    grown(part.y, part.h, part.h, after->height, &ar.y, &ar.h);
    st = copy_rect(ctx, before, part, &pb);
    if (st == SKD_OK)
        st = copy_rect(ctx, after, ar, &pa);
    if (st == SKD_OK) {
        st = skd_register(ctx, pb, pa, &near);
        if (st == SKD_OK)
            to_whole_frames(&near, part, ar, before, after);
    }
    skd_image_free(pa);
    if (st == SKD_E_NOMEM || st == SKD_E_INVALID ||
        (st == SKD_OK &&
         near.confidence >= skd_opt(ctx, SKD_OPT_MIN_CONFIDENCE))) {
        skd_image_free(pb);
        *t = near;
        return st;
    }
    st_far = pb ? skd_register(ctx, pb, after, &far) : SKD_E_NOMEM;
    skd_image_free(pb);
    if (st_far == SKD_OK)
        to_whole_frames(&far, part, whole, before, after);
    if (st_far == SKD_OK &&
        (st != SKD_OK || far.confidence > near.confidence)) {
        *t = far;
        return SKD_OK;
    }
    *t = near;
    return st;
}
