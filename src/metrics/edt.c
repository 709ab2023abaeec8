/* Growing the excluded set by an exact Euclidean distance, for radii
 * beyond the row compares of grow.c (and their reference in the tests).
 * Column pass: the
 * distance to the nearest excluded pixel in the same column, by two sweeps
 * in row order. Row pass: the lower envelope of parabolas of
 * Felzenszwalb & Huttenlocher ("Distance transforms of sampled functions",
 * 2012), O(w h) in total. Column distances saturate at a value above the
 * radius, which cannot change any comparison with the radius. */
#include <math.h>
#include <string.h>

#include "metrics.h"

#define FAR 1e30

static void column_sweeps(const uint8_t *restrict excluded, size_t w, size_t h,
                          uint16_t cap, uint16_t *restrict g)
{
    for (size_t x = 0; x < w; x++)
        g[x] = excluded[x] ? 0 : cap;
    for (size_t y = 1; y < h; y++) {
        const uint16_t *up = g + (y - 1) * w;
        uint16_t *row = g + y * w;
        const uint8_t *ex = excluded + y * w;
        for (size_t x = 0; x < w; x++)
            row[x] = ex[x] ? 0 : (up[x] < cap ? (uint16_t)(up[x] + 1) : cap);
    }
    for (size_t y = h - 1; y-- > 0;) {
        const uint16_t *down = g + (y + 1) * w;
        uint16_t *row = g + y * w;
        for (size_t x = 0; x < w; x++)
            if (down[x] < cap && down[x] + 1 < row[x])
                row[x] = (uint16_t)(down[x] + 1);
    }
}

/* Squared distance transform of f (length n) into d; v and z are scratch
 * of n and n + 1 entries. */
static void dt_1d(const double *restrict f, size_t n, double *restrict d,
                  size_t *restrict v, double *restrict z)
{
    size_t k = 0;
    v[0] = 0;
    z[0] = -HUGE_VAL;
    z[1] = HUGE_VAL;
    for (size_t q = 1; q < n; q++) {
        double dq = (double)q, s;
        /* z[0] = -inf ends the loop at k = 0 at the latest. */
        for (;;) {
            double dv = (double)v[k];
            s = ((f[q] + dq * dq) - (f[v[k]] + dv * dv)) / (2.0 * (dq - dv));
            if (s > z[k])
                break;
            k--;
        }
        k++;
        v[k] = q;
        z[k] = s;
        z[k + 1] = HUGE_VAL;
    }
    k = 0;
    for (size_t q = 0; q < n; q++) {
        while (z[k + 1] < (double)q)
            k++;
        double dd = (double)q - (double)v[k];
        d[q] = dd * dd + f[v[k]];
    }
}

int skd_grow_exclusion_edt(skd_ctx *ctx, uint8_t *excluded, size_t w,
                           size_t h, double radius_px)
{
    double r2 = radius_px * radius_px;
    double capd = ceil(radius_px) + 1.0;
    uint16_t cap = capd >= 65535.0 ? 65535 : (uint16_t)capd;
    uint16_t *g = skd_malloc_array(ctx, w * h, sizeof *g);
    double *f = skd_malloc_array(ctx, w, sizeof *f);
    double *d = skd_malloc_array(ctx, w, sizeof *d);
    double *z = skd_malloc_array(ctx, w + 1, sizeof *z);
    size_t *v = skd_malloc_array(ctx, w, sizeof *v);
    int st = SKD_OK;

    if (!g || !f || !d || !z || !v) {
        st = SKD_E_NOMEM;
        goto done;
    }
    if (memchr(excluded, 1, w * h) == NULL)
        goto done; /* nothing excluded, nothing to grow */
    column_sweeps(excluded, w, h, cap, g);
    for (size_t y = 0; y < h; y++) {
        const uint16_t *row = g + y * w;
        uint8_t *ex = excluded + y * w;
        for (size_t x = 0; x < w; x++)
            f[x] = row[x] >= cap ? FAR : (double)row[x] * row[x];
        dt_1d(f, w, d, v, z);
        for (size_t x = 0; x < w; x++)
            ex[x] = d[x] <= r2;
    }
done:
    skd_dealloc(ctx, g);
    skd_dealloc(ctx, f);
    skd_dealloc(ctx, d);
    skd_dealloc(ctx, z);
    skd_dealloc(ctx, v);
    return st;
}
