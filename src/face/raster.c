/* Polygon fill by scanlines: a pixel is inside when its centre (x, y) -
 * pixel centres at integer coordinates, as landmarks are given - is inside
 * by the even-odd rule. An edge counts on a row when one end is at or
 * below the row and the other above it, so a vertex on a row is counted
 * once. */
#include <math.h>

#include "face.h"

/* Crossings of the row y with the polygon's edges, sorted. */
static size_t crossings(const skd_zone_polygon *poly, double y, double *xs)
{
    size_t n = 0;
    for (size_t i = 0; i < poly->n; i++) {
        const skd_point *a = &poly->v[i], *b = &poly->v[(i + 1) % poly->n];
        if ((a->y <= y) == (b->y <= y))
            continue;
        xs[n++] = a->x + (y - a->y) * (b->x - a->x) / (b->y - a->y);
    }
    for (size_t i = 1; i < n; i++) /* insertion sort: a few crossings */
        for (size_t j = i; j > 0 && xs[j - 1] > xs[j]; j--) {
            double t = xs[j];
            xs[j] = xs[j - 1];
            xs[j - 1] = t;
        }
    return n;
}

void skd_fill_polygon(uint8_t *label, size_t w, size_t h,
                      const skd_zone_polygon *poly, uint8_t value)
{
    double xs[SKD_ZONE_MAX_VERTICES];
    double ylo = INFINITY, yhi = -INFINITY;
    if (poly->n < 3)
        return;
    for (size_t i = 0; i < poly->n; i++) {
        ylo = fmin(ylo, poly->v[i].y);
        yhi = fmax(yhi, poly->v[i].y);
    }
    if (!(yhi >= 0) || !(ylo < (double)h))
        return;
    for (size_t y = ylo > 0 ? (size_t)ceil(ylo) : 0;
         y < h && (double)y <= yhi; y++) {
        size_t n = crossings(poly, (double)y, xs);
        for (size_t i = 0; i + 1 < n; i += 2) {
            double a = ceil(xs[i]), b = ceil(xs[i + 1]);
            size_t x0 = a > 0 ? (size_t)a : 0;
            size_t x1 = b > (double)w ? w : (b > 0 ? (size_t)b : 0);
            for (size_t x = x0; x < x1; x++)
                label[y * w + x] = value;
        }
    }
}
