/* The cells of the skin map: block means of linear RGB, then CIELAB. A
 * mean of linear light is what a lower-resolution camera would have seen,
 * so a cell's colour is the colour of its patch of skin. */
#include <math.h>

#include "skin.h"

void skd_skin_grid_free(skd_ctx *ctx, skd_skin_grid *g)
{
    skd_dealloc(ctx, g->L);
    g->L = g->a = g->b = g->red = g->green = g->blue = NULL;
}

/* Cells of 4 px and more are sampled at every other pixel of every other
 * row: a quarter of the reads for the mean colour of a patch of skin. */
#define SUBSAMPLE_FROM 4

/* Sums of linear R, G, B of every sub-th pixel of one row into the cells
 * they fall in. */
static void sum_row(const uint16_t *restrict rgb, size_t n, size_t cell,
                    size_t sub, const float *restrict lin,
                    double *restrict sums)
{
    for (size_t x0 = 0, c = 0; x0 < n; x0 += cell, c++) {
        size_t x1 = x0 + cell < n ? x0 + cell : n;
        float r = 0, g = 0, b = 0;
        for (size_t x = x0; x < x1; x += sub) {
            r += lin[rgb[3 * x]];
            g += lin[rgb[3 * x + 1]];
            b += lin[rgb[3 * x + 2]];
        }
        sums[3 * c] += r;
        sums[3 * c + 1] += g;
        sums[3 * c + 2] += b;
    }
}

static void cell_lab(const double *sums, double count, float *L, float *a,
                     float *b)
{
    double rgb[3] = {sums[0] / count, sums[1] / count, sums[2] / count};
    double xyz[3], lab[3];
    skd_linear_to_xyz(rgb, xyz);
    skd_xyz_to_lab(xyz, lab);
    *L = (float)lab[0];
    *a = (float)lab[1];
    *b = (float)lab[2];
}

int skd_skin_grid_make(skd_ctx *ctx, const skd_image *img,
                       const skd_colour_lut *lut, const size_t rect[4],
                       skd_skin_grid *g)
{
    size_t cols = rect[2], rows = rect[3], longer = cols > rows ? cols : rows;
    size_t n, sub;
    double *sums;
    g->cell = (longer + SKD_SKIN_GRID_MAX - 1) / SKD_SKIN_GRID_MAX;
    if (g->cell == 0)
        g->cell = 1;
    sub = g->cell >= SUBSAMPLE_FROM ? 2 : 1;
    g->gw = (cols + g->cell - 1) / g->cell;
    g->gh = (rows + g->cell - 1) / g->cell;
    n = g->gw * g->gh;
    g->L = skd_malloc_array(ctx, n, 6 * sizeof(float));
    sums = skd_malloc_array(ctx, g->gw, 3 * sizeof(double));
    if (!g->L || !sums) {
        skd_dealloc(ctx, sums);
        skd_skin_grid_free(ctx, g);
        return SKD_E_NOMEM;
    }
    g->a = g->L + n;
    g->b = g->a + n;
    g->red = g->b + n;
    g->green = g->red + n;
    g->blue = g->green + n;
    for (size_t gy = 0; gy < g->gh; gy++) {
        size_t y0 = gy * g->cell, y1 = y0 + g->cell < rows ? y0 + g->cell : rows;
        for (size_t i = 0; i < 3 * g->gw; i++)
            sums[i] = 0;
        for (size_t y = y0; y < y1; y += sub)
            sum_row(img->rgb + 3 * ((rect[1] + y) * img->width + rect[0]), cols,
                    g->cell, sub, lut->linear, sums);
        for (size_t gx = 0; gx < g->gw; gx++) {
            size_t x0 = gx * g->cell, x1 = x0 + g->cell < cols ? x0 + g->cell : cols;
            size_t i = gy * g->gw + gx;
            double count = (double)(((x1 - x0 + sub - 1) / sub) *
                                    ((y1 - y0 + sub - 1) / sub));
            cell_lab(sums + 3 * gx, count, g->L + i, g->a + i, g->b + i);
            g->red[i] = (float)(sums[3 * gx] / count);
            g->green[i] = (float)(sums[3 * gx + 1] / count);
            g->blue[i] = (float)(sums[3 * gx + 2] / count);
        }
    }
    skd_dealloc(ctx, sums);
    return SKD_OK;
}
