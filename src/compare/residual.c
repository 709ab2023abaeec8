/* Registration residual (docs/comparing.md): per tile, the shift that is
 * left between the two photos once the global similarity is applied. A
 * face is not rigid; where the skin moved, a tile's paired difference
 * compares different skin. The shift is found by phase correlation of the
 * texture planes T (band-passed l: exposure does not change them) over a
 * window of about the tile's size centred on it, the after plane sampled
 * at the mapped positions. Resampling is harmless here: the samples only
 * locate the peak, no figure is computed from them. */
#include <math.h>
#include <string.h>

#include "../fft/fft.h"
#include "../register/register.h"
#include "compare.h"

/* Correlation band in before pixels: noise above, shapes of more than a
 * fifth of the window below (the taper would pull the peak to zero). */
#define HIGH_CUT_PX 1.0
#define LOW_CUT_FRACTION 0.1

typedef struct window {
    size_t n;             /* side, FFT-friendly */
    float *fb, *fa, *surf; /* skd_fft_alloc'd, n*n */
} window;

/* Plane value at a real position (bilinear, 0 outside). */
static float sample(const float *v, size_t w, size_t h, double x, double y)
{
    if (!(x >= 0 && y >= 0 && x <= (double)w - 1 && y <= (double)h - 1))
        return 0.0f;
    return skd_reg_bilinear(v, w, h, x, y);
}

/* One tile: before plane around its centre, after plane at the mapped
 * positions, both tapered; the peak's offset is the local shift. */
static int tile_shift(skd_ctx *ctx, const skd_analysis *b,
                      const skd_analysis *a, const skd_frame_map *b2a,
                      double cx, double cy, window *wdw, double *shift,
                      double *peak)
{
    size_t n = wdw->n;
    double half = (double)(n - 1) / 2.0, taper = skd_reg_taper_width(n);
    double mb = 0, ma = 0;
    skd_reg_peak pk;
    int st;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++) {
            double x = floor(cx - half) + (double)i, y = floor(cy - half) + (double)j;
            double px, py;
            skd_frame_map_apply(b2a, x, y, &px, &py);
            wdw->fb[j * n + i] = sample(b->texture, b->width, b->height, x, y);
            wdw->fa[j * n + i] = sample(a->texture, a->width, a->height, px, py);
            mb += wdw->fb[j * n + i];
            ma += wdw->fa[j * n + i];
        }
    mb /= (double)(n * n);
    ma /= (double)(n * n);
    for (size_t j = 0; j < n; j++) {
        double ty = skd_reg_taper((double)j, (double)n, taper);
        for (size_t i = 0; i < n; i++) {
            double t = ty * skd_reg_taper((double)i, (double)n, taper);
            wdw->fb[j * n + i] = (float)((wdw->fb[j * n + i] - mb) * t);
            wdw->fa[j * n + i] = (float)((wdw->fa[j * n + i] - ma) * t);
        }
    }
    st = skd_reg_phase_correlate(ctx, wdw->fb, wdw->fa, n, n, HIGH_CUT_PX,
                                 LOW_CUT_FRACTION * (double)n, wdw->surf);
    if (st != SKD_OK)
        return st;
    if (skd_reg_find_peaks(wdw->surf, n, n, 1, 1.0, &pk) == 1) {
        *shift = hypot(skd_reg_signed(pk.x, n), skd_reg_signed(pk.y, n));
        *peak = pk.value;
    } else {
        *shift = INFINITY;
        *peak = 0;
    }
    return SKD_OK;
}

int skd_tile_residuals(skd_ctx *ctx, const skd_analysis *b,
                       const skd_analysis *a, const skd_frame_map *a2b,
                       const skd_tile_grid *g, float *residual)
{
    skd_frame_map b2a;
    window wdw;
    size_t bytes;
    int st = SKD_OK;

    for (size_t t = 0; t < g->n_tiles; t++)
        residual[t] = NAN;
    skd_frame_map_invert(a2b, &b2a);
    wdw.n = skd_fft_good_size((size_t)ceil(g->tile_px));
    if (wdw.n < 16)
        wdw.n = 16;
    bytes = wdw.n * wdw.n * sizeof(float);
    wdw.fb = skd_fft_alloc(ctx, bytes);
    wdw.fa = skd_fft_alloc(ctx, bytes);
    wdw.surf = skd_fft_alloc(ctx, bytes);
    if (!wdw.fb || !wdw.fa || !wdw.surf)
        st = SKD_E_NOMEM;
    for (uint32_t ty = 0; ty < g->tiles_y && st == SKD_OK; ty++)
        for (uint32_t tx = 0; tx < g->tiles_x && st == SKD_OK; tx++) {
            size_t t = (size_t)ty * g->tiles_x + tx;
            double shift, peak;
            if (!g->used[t])
                continue;
            st = tile_shift(ctx, b, a, &b2a, ((double)tx + 0.5) * g->tile_px - 0.5,
                            ((double)ty + 0.5) * g->tile_px - 0.5, &wdw, &shift,
                            &peak);
            if (st == SKD_OK)
                residual[t] = (float)shift;
        }
    skd_fft_dealloc(ctx, wdw.fb);
    skd_fft_dealloc(ctx, wdw.fa);
    skd_fft_dealloc(ctx, wdw.surf);
    return st;
}
