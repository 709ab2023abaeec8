/* The outline of the skin compared in the report (skd_rgb8_outline): on a
 * display copy at half size, a rectangle of the photo is outlined by a
 * line two pixels wide on its boundary, one pixel each side; nothing else
 * is drawn. Integer geometry: exact. */
#include <string.h>

#include "check.h"
#include "report/report.h"

enum { W = 400, H = 300, OW = 200, OH = 150 };

static int drawn(const skd_rgb8 *p, int64_t x, int64_t y)
{
    const uint8_t *px = p->px + 3 * ((size_t)y * p->width + x);
    return px[0] == 0 && px[1] == 255 && px[2] == 255;
}

/* Display pixel (x, y) in the box [bx0, bx1) x [by0, by1) and in the
 * picture (outside it counts as outside the region). */
static int in_box(int64_t x, int64_t y, int64_t bx0, int64_t by0, int64_t bx1,
                  int64_t by1)
{
    return x >= 0 && y >= 0 && x < OW && y < OH && x >= bx0 && x < bx1 &&
           y >= by0 && y < by1;
}

/* The rectangle [x0, x1) x [y0, y1) of the photo covers display pixels
 * [x0 / 2, x1 / 2) x [y0 / 2, y1 / 2) (their centres fall in it): the line
 * is on the display pixels just inside and just outside that. */
static void test_rectangle(skd_ctx *ctx, uint32_t x0, uint32_t y0,
                           uint32_t x1, uint32_t y1)
{
    static const uint8_t cyan[3] = {0, 255, 255};
    static uint8_t mask[W * H];
    skd_rgb8 pic = {0};
    uint32_t bx0 = x0 / 2, by0 = y0 / 2, bx1 = x1 / 2, by1 = y1 / 2;
    size_t wrong = 0, lines = 0;
    memset(mask, 0, sizeof mask);
    for (uint32_t y = y0; y < y1; y++)
        memset(mask + (size_t)y * W + x0, 1, x1 - x0);
    CHECK_STATUS(skd_rgb8_alloc(ctx, OW, OH, &pic), SKD_OK);
    if (!pic.px)
        return;
    memset(pic.px, 128, (size_t)OW * OH * 3);
    CHECK_STATUS(skd_rgb8_outline(ctx, mask, W, H, &pic, cyan), SKD_OK);
    for (int64_t y = 0; y < OH; y++)
        for (int64_t x = 0; x < OW; x++) {
            int me = in_box(x, y, bx0, by0, bx1, by1);
            int expect = in_box(x - 1, y, bx0, by0, bx1, by1) != me ||
                         in_box(x + 1, y, bx0, by0, bx1, by1) != me ||
                         in_box(x, y - 1, bx0, by0, bx1, by1) != me ||
                         in_box(x, y + 1, bx0, by0, bx1, by1) != me;
            lines += drawn(&pic, x, y);
            wrong += drawn(&pic, x, y) != expect;
        }
    REPORT("rectangle [%u, %u) x [%u, %u): %zu line pixels, %zu wrong", x0,
           x1, y0, y1, lines, wrong);
    CHECK(wrong == 0);
    CHECK(lines > 0);
    skd_rgb8_free(ctx, &pic);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    static const uint8_t cyan[3] = {0, 255, 255};
    uint8_t one = 1;
    skd_rgb8 pic = {0};
    test_rectangle(ctx, 100, 50, 300, 250); /* inside the frame */
    test_rectangle(ctx, 0, 0, 200, 300);    /* touching three edges */
    CHECK_STATUS(skd_rgb8_alloc(ctx, 1, 1, &pic), SKD_OK);
    CHECK_STATUS(skd_rgb8_outline(ctx, NULL, W, H, &pic, cyan), SKD_E_INVALID);
    CHECK_STATUS(skd_rgb8_outline(ctx, &one, 1, 1, &pic, cyan), SKD_OK);
    skd_rgb8_free(ctx, &pic);
    skd_ctx_free(ctx);
    return check_done("test_report_outline");
}
