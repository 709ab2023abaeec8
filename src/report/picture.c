/* 8-bit display pictures: area-average reduction. */
#include <string.h>

#include "report.h"

/* Each output pixel averages the source pixels whose centres fall in its
 * footprint (box filter), which is enough for a display copy. */
int skd_rgb8_from_image(skd_ctx *ctx, const skd_image *img, uint32_t max_w,
                        skd_rgb8 *out)
{
    uint32_t w = img->width, h = img->height, ow = w, oh = h;
    double *acc;
    uint32_t *cnt;
    int st;

    if (w == 0 || h == 0 || !img->rgb)
        return skd_fail(ctx, SKD_E_INVALID, "empty photo");
    if (max_w && w > max_w) {
        ow = max_w;
        oh = (uint32_t)((double)h * max_w / w + 0.5);
        if (oh == 0)
            oh = 1;
    }
    st = skd_rgb8_alloc(ctx, ow, oh, out);
    if (st != SKD_OK)
        return st;
    acc = skd_calloc(ctx, (size_t)ow * 3, sizeof *acc);
    cnt = skd_calloc(ctx, ow, sizeof *cnt);
    if (!acc || !cnt) {
        skd_dealloc(ctx, acc);
        skd_dealloc(ctx, cnt);
        skd_rgb8_free(ctx, out);
        return SKD_E_NOMEM;
    }
    for (uint32_t oy = 0, y = 0; oy < oh; oy++) {
        uint32_t y_end = (uint32_t)(((uint64_t)(oy + 1) * h + oh - 1) / oh);
        uint8_t *dst = out->px + (size_t)oy * ow * 3;
        if (y_end > h)
            y_end = h;
        memset(acc, 0, (size_t)ow * 3 * sizeof *acc);
        memset(cnt, 0, (size_t)ow * sizeof *cnt);
        for (; y < y_end; y++) {
            const uint16_t *row = img->rgb + (size_t)y * w * 3;
            for (uint32_t x = 0; x < w; x++) {
                uint32_t ox = (uint32_t)((uint64_t)x * ow / w);
                acc[ox * 3] += row[x * 3];
                acc[ox * 3 + 1] += row[x * 3 + 1];
                acc[ox * 3 + 2] += row[x * 3 + 2];
                cnt[ox]++;
            }
        }
        for (uint32_t ox = 0; ox < ow; ox++)
            for (int k = 0; k < 3; k++) {
                double v = cnt[ox] ? acc[ox * 3 + k] / cnt[ox] / 257.0 : 0;
                dst[ox * 3 + k] = (uint8_t)(v + 0.5 > 255 ? 255 : v + 0.5);
            }
    }
    skd_dealloc(ctx, acc);
    skd_dealloc(ctx, cnt);
    return SKD_OK;
}
