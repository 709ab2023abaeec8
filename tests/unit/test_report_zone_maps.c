/* Zone outlines on the report's change maps (docs/zones.md): a label image
 * of 200 x 100 pixels with one zone, the left cheek, in x 40-119, y 20-79,
 * drawn on a map shown at half size. A display pixel takes the zone of the
 * before pixel nearest its centre, 2 x + 1 here, so the zone covers display
 * x 20-59, y 10-39, and exactly its border ring of 2 * 40 + 2 * 30 - 4 =
 * 136 pixels is drawn, in the left cheek's green; nothing else changes. A
 * photo without zones gets no line. */
#include <string.h>

#include "check.h"
#include "face/face.h"
#include "report/report.h"

static int is_border(uint32_t x, uint32_t y)
{
    int in = x >= 20 && x <= 59 && y >= 10 && y <= 39;
    return in && (x == 20 || x == 59 || y == 10 || y == 39);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_image *labels = NULL;
    skd_zones *z = NULL;
    skd_rgb8 map = {0};
    const uint8_t *green = skd_zone_colour(SKD_ZONE_LEFT_CHEEK);
    size_t drawn = 0, wrong = 0;

    CHECK_STATUS(skd_image_create(ctx, 200, 100, &labels), SKD_OK);
    if (!labels)
        return check_done("report_zone_maps");
    memset(labels->rgb, 0, (size_t)200 * 100 * 3 * sizeof *labels->rgb);
    for (int y = 20; y < 80; y++)
        for (int x = 40; x < 120; x++)
            labels->rgb[3 * (y * 200 + x)] = 3 * 257; /* left_cheek */
    CHECK_STATUS(skd_zones_from_labels(ctx, labels, &z), SKD_OK);
    CHECK_STATUS(skd_rgb8_alloc(ctx, 100, 50, &map), SKD_OK);
    if (!z || !map.px)
        goto done;
    memset(map.px, 128, (size_t)100 * 50 * 3);
    CHECK_STATUS(skd_map_zone_outlines(ctx, &map, z), SKD_OK);
    for (uint32_t y = 0; y < 50; y++)
        for (uint32_t x = 0; x < 100; x++) {
            const uint8_t *p = map.px + 3 * ((size_t)y * 100 + x);
            int is_green = !memcmp(p, green, 3);
            int grey = p[0] == 128 && p[1] == 128 && p[2] == 128;
            drawn += is_green;
            wrong += is_border(x, y) ? !is_green : !grey;
        }
    REPORT("%zu outline pixels drawn (136 expected), %zu misplaced", drawn,
           wrong);
    CHECK(drawn == 136);
    CHECK(wrong == 0);

    /* No face: no labels, nothing drawn. */
    skd_zones_free(z);
    z = NULL;
    memset(labels->rgb, 0, (size_t)200 * 100 * 3 * sizeof *labels->rgb);
    CHECK_STATUS(skd_zones_from_labels(ctx, labels, &z), SKD_OK);
    memset(map.px, 128, (size_t)100 * 50 * 3);
    if (z)
        CHECK_STATUS(skd_map_zone_outlines(ctx, &map, z), SKD_OK);
    for (size_t i = 0; i < (size_t)100 * 50 * 3; i++)
        wrong += map.px[i] != 128;
    CHECK(wrong == 0);
done:
    skd_rgb8_free(ctx, &map);
    skd_zones_free(z);
    skd_image_free(labels);
    skd_ctx_free(ctx);
    return check_done("report_zone_maps");
}
