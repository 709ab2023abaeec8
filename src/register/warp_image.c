/* skd_warp_to_before: the public wrapper around skd_reg_warp_rgb (kept in
 * its own file so the resampler links without the image module). */
#include <math.h>

#include "register.h"

int skd_warp_to_before(skd_ctx *ctx, const skd_image *after,
                       const skd_transform *t, uint32_t width,
                       uint32_t height, skd_image **out)
{
    skd_image *img;
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if (!out)
        return skd_fail(ctx, SKD_E_INVALID, "warp: no output pointer");
    *out = NULL;
    if (!after || !after->rgb || !after->width || !after->height || !t)
        return skd_fail(ctx, SKD_E_INVALID, "warp: empty image or no transform");
    if (!(t->scale > 0) || !isfinite(t->scale) || !isfinite(t->dx) ||
        !isfinite(t->dy) || !isfinite(t->rotation_deg))
        return skd_fail(ctx, SKD_E_INVALID, "warp: invalid transform");
    st = skd_image_create(ctx, width, height, &img);
    if (st != SKD_OK)
        return st;
    skd_reg_warp_rgb(after, t, width, height, img->rgb);
    *out = img;
    return SKD_OK;
}
