/* Figures per zone, and the zones' outlines on a picture. */
#include <math.h>

#include "../metrics/metrics.h"
#include "face.h"

static int check_zones(skd_ctx *ctx, const skd_analysis *a,
                       const skd_zones *z)
{
    if (z->width != a->width || z->height != a->height)
        return skd_fail(ctx, SKD_E_INVALID,
                        "zones are %ux%u but the analysis is %ux%u",
                        (unsigned)z->width, (unsigned)z->height,
                        (unsigned)a->width, (unsigned)a->height);
    return SKD_OK;
}

/* All zones in one scan (skd_label_figures: one colour table, each
 * labelled pixel read once); the figures are those of
 * skd_metrics_in_region over each zone, bit for bit. */
int skd_zones_metrics(skd_ctx *ctx, const skd_analysis *a,
                      const skd_image *img, const skd_zones *z,
                      skd_metrics *out, int *status)
{
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if (!a || !z || !out || !status)
        return skd_fail(ctx, SKD_E_INVALID, "zone metrics: bad arguments");
    if ((st = check_zones(ctx, a, z)) != SKD_OK)
        return st;
    out[SKD_ZONE_WHOLE] = a->metrics;
    status[SKD_ZONE_WHOLE] = SKD_OK;
    st = skd_label_figures(ctx, a, img, z->labels, SKD_ZONE_COUNT, out, status);
    if (st != SKD_OK)
        return st;
    /* the message names the last empty zone */
    for (int i = SKD_ZONE_COUNT - 1; i > SKD_ZONE_WHOLE; i--)
        if (status[i] == SKD_E_NO_REGION) {
            skd_fail(ctx, SKD_E_NO_REGION, "zone %s: no measured pixel in it",
                     skd_zone_name((skd_zone)i));
            break;
        }
    return SKD_OK;
}

int skd_zone_too_small(const skd_metrics *m)
{
    return !m || !(m->area_cm2 >= SKD_ZONE_MIN_AREA_CM2);
}

int skd_zone_metrics(skd_ctx *ctx, const skd_analysis *a, const skd_image *img,
                     const skd_zones *z, skd_zone zone, skd_metrics *out)
{
    skd_metrics m[SKD_ZONE_COUNT];
    int status[SKD_ZONE_COUNT];
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if (!a || !z || !out || (unsigned)zone >= SKD_ZONE_COUNT)
        return skd_fail(ctx, SKD_E_INVALID, "zone metrics: bad arguments");
    if ((st = check_zones(ctx, a, z)) != SKD_OK)
        return st;
    if (zone == SKD_ZONE_WHOLE) {
        *out = a->metrics;
        return SKD_OK;
    }
    if ((st = skd_zones_metrics(ctx, a, img, z, m, status)) != SKD_OK)
        return st;
    *out = m[zone];
    if (status[zone] == SKD_E_NO_REGION)
        return skd_fail(ctx, SKD_E_NO_REGION, "zone %s: no measured pixel in it",
                        skd_zone_name(zone));
    return status[zone];
}

/* Outline colours, 8-bit sRGB, none of them skin's or the overlay's own
 * (red tint, cyan rings), nor the change maps' green-grey-red. */
static const uint8_t outline_rgb[SKD_ZONE_COUNT][3] = {
    {0, 0, 0},       /* whole: no outline */
    {255, 220, 0},   /* forehead: yellow */
    {255, 0, 255},   /* nose: magenta */
    {0, 230, 0},     /* left cheek: green */
    {40, 120, 255},  /* right cheek: blue */
    {255, 140, 0}};  /* chin: orange */

const uint8_t *skd_zone_colour(skd_zone z)
{
    return outline_rgb[(unsigned)z < SKD_ZONE_COUNT ? z : 0];
}

static int on_edge(const uint8_t *lab, size_t w, size_t h, size_t x, size_t y)
{
    uint8_t v = lab[y * w + x];
    return (x > 0 && lab[y * w + x - 1] != v) ||
           (x + 1 < w && lab[y * w + x + 1] != v) ||
           (y > 0 && lab[(y - 1) * w + x] != v) ||
           (y + 1 < h && lab[(y + 1) * w + x] != v);
}

/* A square of side 2 r + 1 at (x, y) over the pixels of the same zone, so
 * two zones that meet both show. */
static void stamp(skd_image *pic, const uint8_t *lab, size_t x, size_t y,
                  size_t r)
{
    size_t w = pic->width, h = pic->height;
    uint8_t v = lab[y * w + x];
    size_t x0 = x > r ? x - r : 0, y0 = y > r ? y - r : 0;
    size_t x1 = x + r < w ? x + r : w - 1, y1 = y + r < h ? y + r : h - 1;
    for (size_t j = y0; j <= y1; j++)
        for (size_t i = x0; i <= x1; i++) {
            uint16_t *p = pic->rgb + 3 * (j * w + i);
            if (lab[j * w + i] != v)
                continue;
            for (int c = 0; c < 3; c++)
                p[c] = (uint16_t)(outline_rgb[v][c] * 257u);
        }
}

int skd_draw_zone_outlines(skd_ctx *ctx, skd_image *picture, const skd_zones *z)
{
    size_t w, h, r;
    if (!ctx)
        return SKD_E_INVALID;
    if (!picture || !picture->rgb || !z)
        return skd_fail(ctx, SKD_E_INVALID, "zone outlines: bad arguments");
    if (picture->width != z->width || picture->height != z->height)
        return skd_fail(ctx, SKD_E_INVALID,
                        "zones are %ux%u but the picture is %ux%u",
                        (unsigned)z->width, (unsigned)z->height,
                        (unsigned)picture->width, (unsigned)picture->height);
    if (!z->labels)
        return SKD_OK;
    w = z->width;
    h = z->height;
    /* Lines about 1/500 of the picture's smaller side across. */
    r = (w < h ? w : h) / 1000;
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++)
            if (z->labels[y * w + x] && on_edge(z->labels, w, h, x, y))
                stamp(picture, z->labels, x, y, r);
    return SKD_OK;
}
