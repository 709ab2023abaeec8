/* Facial zone outlines on the report's change maps (docs/zones.md), drawn
 * at display size so that they stay thin lines on a reduced picture. */
#include <math.h>

#include "../face/face.h"
#include "report.h"

/* The zone of each display pixel: that of the before pixel nearest its
 * centre (the change maps' own sampling). */
static void display_labels(const skd_zones *z, uint32_t w, uint32_t h,
                           uint8_t *lab)
{
    double f = (double)w / z->width; /* display px per before px */
    for (uint32_t y = 0; y < h; y++) {
        long ny = lround((y + 0.5) / f - 0.5);
        if (ny < 0)
            ny = 0;
        if (ny >= (long)z->height)
            ny = (long)z->height - 1;
        for (uint32_t x = 0; x < w; x++) {
            long nx = lround((x + 0.5) / f - 0.5);
            if (nx < 0)
                nx = 0;
            if (nx >= (long)z->width)
                nx = (long)z->width - 1;
            lab[(size_t)y * w + x] = z->labels[(size_t)ny * z->width + (size_t)nx];
        }
    }
}

int skd_map_zone_outlines(skd_ctx *ctx, skd_rgb8 *map, const skd_zones *z)
{
    uint32_t w = map->width, h = map->height;
    uint8_t *lab;
    if (!z->labels || !w || !h)
        return SKD_OK;
    if (!(lab = skd_malloc_array(ctx, w, h)))
        return SKD_E_NOMEM;
    display_labels(z, w, h, lab);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            uint8_t v = lab[i];
            if (!v)
                continue;
            if ((x > 0 && lab[i - 1] != v) || (x + 1 < w && lab[i + 1] != v) ||
                (y > 0 && lab[i - w] != v) || (y + 1 < h && lab[i + w] != v)) {
                const uint8_t *col = skd_zone_colour((skd_zone)v);
                for (int k = 0; k < 3; k++)
                    map->px[3 * i + k] = col[k];
            }
        }
    skd_dealloc(ctx, lab);
    return SKD_OK;
}
