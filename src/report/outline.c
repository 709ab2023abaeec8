/* The outline of a region on a display copy of its photo: the skin
 * compared, drawn on both photos of the report (docs/skin-map.md). */
#include <string.h>

#include "report.h"

/* Whether display pixel (ox, oy) lies in the region: the mask at the
 * photo pixel under the display pixel's centre (display only). */
static int inside(const uint8_t *mask, uint32_t w, uint32_t h, uint32_t ow,
                  uint32_t oh, int64_t ox, int64_t oy)
{
    uint64_t x, y;
    if (ox < 0 || oy < 0 || ox >= ow || oy >= oh)
        return 0;
    x = ((uint64_t)ox * 2 + 1) * w / (2 * (uint64_t)ow);
    y = ((uint64_t)oy * 2 + 1) * h / (2 * (uint64_t)oh);
    return mask[y * w + x] != 0;
}

int skd_rgb8_outline(skd_ctx *ctx, const uint8_t *mask, uint32_t w,
                     uint32_t h, skd_rgb8 *pic, const uint8_t rgb[3])
{
    uint32_t ow = pic->width, oh = pic->height;
    uint8_t *in;
    if (!mask || w == 0 || h == 0 || ow == 0 || oh == 0)
        return skd_fail(ctx, SKD_E_INVALID, "outline: empty region or picture");
    if (!(in = skd_malloc_array(ctx, ow, oh)))
        return SKD_E_NOMEM;
    for (uint32_t oy = 0; oy < oh; oy++)
        for (uint32_t ox = 0; ox < ow; ox++)
            in[(size_t)oy * ow + ox] = (uint8_t)inside(mask, w, h, ow, oh, ox, oy);
    /* the region's own pixels next to one outside it (4-neighbours, the
     * picture's edge counting as outside), and the outside pixel beside
     * them: a line two pixels wide, on the boundary itself */
    for (uint32_t oy = 0; oy < oh; oy++)
        for (uint32_t ox = 0; ox < ow; ox++) {
            size_t i = (size_t)oy * ow + ox;
            int me = in[i];
            int edge = (ox == 0 ? me : in[i - 1] != me) ||
                       (ox + 1 == ow ? me : in[i + 1] != me) ||
                       (oy == 0 ? me : in[i - ow] != me) ||
                       (oy + 1 == oh ? me : in[i + ow] != me);
            if (edge)
                memcpy(pic->px + 3 * i, rgb, 3);
        }
    skd_dealloc(ctx, in);
    return SKD_OK;
}
