/* The texture's coarse half, G_1mm * l, at full rate (--exact) or on a
 * decimated grid (docs/performance.md, "Multi-rate filtering": a Gaussian
 * of sigma >= 2 px may run on a grid decimated by 2^k, low-passed first).
 * At 20 px/mm sigma is 20 px; decimated by 4 the cosine low-pass runs on a
 * sixteenth of the pixels and the plane is read once and written once. */
#include "metrics.h"

typedef struct plane_rows {
    const float *p;
    size_t w;
    float *out;
    const skd_coarse *c;
    float *tmp; /* per thread: cw + 2 */
    size_t tmp_floats;
} plane_rows;

static const float *plane_row(void *user, size_t y, float *scratch)
{
    const plane_rows *r = user;
    (void)scratch;
    return r->p + y * r->w;
}

#define EXPAND_ROWS 32

static void expand_chunk(void *arg, size_t chunk, size_t thread)
{
    const plane_rows *r = arg;
    size_t y0 = chunk * EXPAND_ROWS;
    size_t y1 = y0 + EXPAND_ROWS < r->c->h ? y0 + EXPAND_ROWS : r->c->h;
    float *tmp = r->tmp + thread * r->tmp_floats;
    for (size_t y = y0; y < y1; y++)
        skd_coarse_row(r->c, y, tmp, r->out + y * r->w);
}

int skd_texture_coarse(skd_ctx *ctx, const float *l, size_t w, size_t h,
                       double sigma_px, float *out)
{
    skd_filter g = {SKD_FILTER_GAUSS, sigma_px, 0};
    size_t margin = skd_fft_margin(sigma_px), chunks;
    unsigned shift = skd_opt(ctx, SKD_OPT_EXACT) != 0
                         ? 0
                         : skd_multirate_shift(sigma_px, w, h);
    plane_rows r = {l, w, out, NULL, NULL, 0};
    skd_coarse c;
    int st;
    if (shift == 0)
        return skd_fft_filter_planes(ctx, &l, &out, 1, w, h, margin, &g);
    st = skd_coarse_reduce(ctx, w, h, shift, margin, plane_row, &r, &c);
    if (st == SKD_OK)
        st = skd_coarse_gauss(ctx, &c, sigma_px);
    if (st == SKD_OK) {
        chunks = (h + EXPAND_ROWS - 1) / EXPAND_ROWS;
        r.c = &c;
        r.tmp_floats = c.cw + 2;
        r.tmp = skd_malloc_array(ctx, skd_parallel_threads(ctx, chunks),
                                 r.tmp_floats * sizeof *r.tmp);
        if (!r.tmp)
            st = SKD_E_NOMEM;
        else
            skd_parallel_chunks(ctx, chunks, expand_chunk, &r);
        skd_dealloc(ctx, r.tmp);
    }
    skd_coarse_free(ctx, &c);
    return st;
}
