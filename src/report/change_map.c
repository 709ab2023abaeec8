/* Per-tile change maps drawn over the before photo. */
#include <math.h>
#include <string.h>

#include "../compare/compare.h"
#include "report.h"

/* Diverging scale, ColorBrewer RdYlGn-like ends around a light neutral. */
static const uint8_t stops[5][3] = {
    {26, 152, 80},   /* -limit: lower, better */
    {145, 207, 96},
    {247, 247, 247}, /* no change */
    {252, 141, 89},
    {215, 48, 39},   /* +limit: higher, worse */
};

void skd_change_colour(double v, double limit, uint8_t rgb[3])
{
    double t = limit > 0 ? v / limit : 0, pos, f;
    int i;
    if (!isfinite(t))
        t = 0;
    if (t < -1)
        t = -1;
    if (t > 1)
        t = 1;
    pos = (t + 1) * 2; /* 0..4 */
    i = (int)floor(pos);
    if (i > 3)
        i = 3;
    f = pos - i;
    for (int k = 0; k < 3; k++)
        rgb[k] = (uint8_t)(stops[i][k] + f * (stops[i + 1][k] - stops[i][k]) +
                           0.5);
}

/* Smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k) at or
 * above v. */
static double nice_ceil(double v)
{
    static const double steps[] = {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};
    double p;
    if (!(v > 0) || !isfinite(v))
        return 1;
    p = pow(10, floor(log10(v)));
    for (int i = 0; i < 10; i++)
        if (steps[i] * p >= v * (1 - 1e-12))
            return steps[i] * p;
    return 10 * p;
}

double skd_change_limit(const skd_comparison *c, skd_metric_id m,
                        double floor)
{
    size_t nt = (size_t)c->tiles_x * c->tiles_y;
    double mx = 0;
    for (size_t k = 0; c->tile_change && k < nt; k++) {
        float v = c->tile_change[(size_t)m * nt + k];
        if (isfinite(v) && fabs(v) > mx)
            mx = fabs(v);
    }
    if (isfinite(floor) && floor > mx)
        mx = floor;
    return nice_ceil(mx);
}

static void blend(uint8_t *px, const uint8_t col[3], double alpha)
{
    for (int k = 0; k < 3; k++)
        px[k] = (uint8_t)(px[k] + alpha * (col[k] - px[k]) + 0.5);
}

/* Light grey version of the photo, so the colours read clearly. */
static void background(uint8_t *dst, const uint8_t *src)
{
    double g = 0.2126 * src[0] + 0.7152 * src[1] + 0.0722 * src[2];
    uint8_t v = (uint8_t)(100 + 0.6 * g + 0.5);
    dst[0] = dst[1] = dst[2] = v;
}

int skd_change_map(skd_ctx *ctx, const skd_comparison *c, skd_metric_id m,
                   const skd_rgb8 *photo, double limit, skd_rgb8 *out)
{
    static const uint8_t unused_col[3] = {120, 120, 120};
    static const uint8_t white[3] = {255, 255, 255};
    const skd_analysis *b = c->before;
    size_t nt = (size_t)c->tiles_x * c->tiles_y;
    double f = (double)photo->width / b->width; /* display px per before px */
    int st = skd_rgb8_alloc(ctx, photo->width, photo->height, out);
    if (st != SKD_OK)
        return st;
    for (uint32_t y = 0; y < out->height; y++) {
        double by = (y + 0.5) / f - 0.5;
        int32_t ty = skd_tile_index(by, c->tile_px, c->tiles_y);
        int edge_y = ty != skd_tile_index(by - 1 / f, c->tile_px, c->tiles_y);
        long ny = lround(by);
        if (ny >= (long)b->height)
            ny = (long)b->height - 1;
        for (uint32_t x = 0; x < out->width; x++) {
            double bx = (x + 0.5) / f - 0.5;
            int32_t tx = skd_tile_index(bx, c->tile_px, c->tiles_x);
            int edge = edge_y ||
                       tx != skd_tile_index(bx - 1 / f, c->tile_px, c->tiles_x);
            long nx = lround(bx);
            size_t o = ((size_t)y * out->width + x) * 3;
            uint8_t *px = out->px + o;
            int common;
            if (nx >= (long)b->width)
                nx = (long)b->width - 1;
            background(px, photo->px + o);
            common = nx >= 0 && ny >= 0 &&
                     c->common_before[(size_t)ny * b->width + (size_t)nx];
            if (!common || tx < 0 || ty < 0) {
                for (int k = 0; k < 3; k++)
                    px[k] = (uint8_t)(px[k] * 0.5);
                continue;
            }
            {
                float v = c->tile_change[(size_t)m * nt +
                                         (size_t)ty * c->tiles_x + (size_t)tx];
                if (isfinite(v)) {
                    uint8_t col[3];
                    skd_change_colour(v, limit, col);
                    blend(px, col, 0.78);
                } else {
                    /* not used: grey with a light diagonal hatch */
                    blend(px, unused_col, ((x + y) % 8 < 2) ? 0.35 : 0.6);
                }
            }
            if (edge)
                blend(px, white, 0.55);
        }
    }
    return SKD_OK;
}
