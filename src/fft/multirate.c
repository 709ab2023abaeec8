/* Multi-rate Gaussians (docs/performance.md, "Multi-rate filtering"):
 * G_sigma * plane for a wide sigma computed on a grid decimated by
 * D = 2^shift and interpolated back.
 *
 * Decimation: coarse sample (i, j) sits at the centre of the D x D block
 * of fine pixels (D i + (D-1)/2, D j + (D-1)/2), and is the block's
 * neighbourhood through the separable kernel of `shift` cascaded binomial
 * [1 3 3 1]/8 steps (each one halves the rate; taps 3 (D - 1) + 1). The
 * fine plane's mirror line at -1/2 is the coarse plane's mirror line at
 * -1/2, so the coarse cosine low-pass (lowpass.c) sees the same mirror
 * extension at the top and left edges. At the bottom and right edges the
 * same holds when D divides the size; otherwise the coarse plane runs on
 * over the fine plane's mirror image by at least the filter's margin, so
 * its own (misplaced) mirror line is as far away as a tile's padding is.
 *
 * Interpolation back: bilinear between the four coarse samples around a
 * fine pixel (mirrored at the edges like the samples themselves).
 *
 * The prefilter and the interpolation smooth too. Near zero frequency both
 * act as Gaussians of known variance (binomial [1 3 3 1]/8: 0.75 px^2 of
 * its own grid; the bilinear tent of D fine pixels: D^2/6), so the coarse
 * Gaussian gets sigma^2 minus both: the result's transfer matches G_sigma
 * to the fourth order in frequency. What remains is aliasing and the
 * interpolation's images of the coarse spectrum; test_fft_multirate and
 * test_multirate_figures measure both against the single-rate filter. */
#include <math.h>
#include <string.h>

#include "fft.h"

/* The kernel of `shift` cascaded [1 3 3 1]/8 halvings, on the fine grid:
 * taps 3 (D - 1) + 1, sum 1. */
static size_t cascade_kernel(unsigned shift, double *k)
{
    static const double b[4] = {1.0 / 8, 3.0 / 8, 3.0 / 8, 1.0 / 8};
    double tmp[3 * (SKD_MULTIRATE_MAX_FACTOR - 1) + 1];
    size_t n = 1;
    k[0] = 1.0;
    for (unsigned s = 0; s < shift; s++) {
        size_t step = (size_t)1 << s, m = n + 3 * step;
        for (size_t i = 0; i < m; i++)
            tmp[i] = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t t = 0; t < 4; t++)
                tmp[i + t * step] += k[i] * b[t];
        memcpy(k, tmp, m * sizeof *k);
        n = m;
    }
    return n;
}

unsigned skd_multirate_shift(double sigma_px, size_t w, size_t h)
{
    unsigned shift = 0;
    while (shift < SKD_MULTIRATE_MAX_SHIFT &&
           sigma_px / (double)(2u << shift) >= SKD_MULTIRATE_MIN_SIGMA &&
           w >= (size_t)SKD_MULTIRATE_MIN_COARSE << (shift + 1) &&
           h >= (size_t)SKD_MULTIRATE_MIN_COARSE << (shift + 1))
        shift++;
    return shift;
}

/* Sigma on the coarse grid (in its pixels) that makes prefilter, coarse
 * Gaussian and interpolation together a Gaussian of sigma_px to second
 * order: variances add. */
static double coarse_sigma(double sigma_px, unsigned shift)
{
    double d = (double)(1u << shift);
    double pre = 0.25 * (d * d - 1.0); /* sum of 0.75 * 4^s, s < shift */
    double interp = d * d / 6.0;
    double v = sigma_px * sigma_px - pre - interp;
    return v > 0 ? sqrt(v) / d : 0.0;
}

static size_t coarse_length(size_t n, unsigned shift, size_t margin)
{
    size_t d = (size_t)1 << shift;
    if (n % d == 0)
        return n / d;
    return (n + margin + d - 1) / d;
}

void skd_coarse_free(skd_ctx *ctx, skd_coarse *c)
{
    if (!c)
        return;
    skd_dealloc(ctx, c->v);
    skd_dealloc(ctx, c->xi);
    skd_dealloc(ctx, c->xt);
    memset(c, 0, sizeof *c);
}

/* Where fine column x falls between coarse columns: xi[x] - 1 and xi[x]
 * (indices of the coarse row padded by one sample at each end), with
 * weight xt[x] on the right one. */
static void interp_table(size_t w, unsigned shift, uint32_t *xi, float *xt)
{
    double d = (double)(1u << shift);
    for (size_t x = 0; x < w; x++) {
        double u = ((double)x - 0.5 * (d - 1.0)) / d;
        double f = floor(u);
        xi[x] = (uint32_t)(f + 1.0); /* padded index of floor(u) */
        xt[x] = (float)(u - f);
    }
}

typedef struct reduce_job {
    skd_coarse *c;
    skd_coarse_load load;
    void *user;
    const float *k; /* taps */
    size_t taps, off;
    size_t rows_per_chunk;
    float *scratch; /* per thread: scratch_floats */
    size_t scratch_floats;
    size_t wide; /* fine columns the coarse row covers: cw D + taps */
} reduce_job;

/* Decimate one vertically reduced row acc (w floats) along x into out:
 * ext is acc with its mirror images, ext[t] = column t - off. */
static void reduce_x(const reduce_job *j, const float *acc, float *ext,
                     float *out)
{
    const skd_coarse *c = j->c;
    size_t d = (size_t)1 << c->shift;
    size_t inside = j->off + c->w < j->wide ? c->w : j->wide - j->off;
    for (size_t t = 0; t < j->off; t++)
        ext[t] = acc[skd_fft_reflect((long long)t - (long long)j->off, c->w)];
    memcpy(ext + j->off, acc, inside * sizeof *ext);
    for (size_t t = j->off + inside; t < j->wide; t++)
        ext[t] = acc[skd_fft_reflect((long long)t - (long long)j->off, c->w)];
    for (size_t i = 0; i < c->cw; i++) {
        const float *p = ext + i * d;
        float s = 0.0f;
        for (size_t t = 0; t < j->taps; t++)
            s += j->k[t] * p[t];
        out[i] = s;
    }
}

/* Coarse rows of one chunk: the fine rows through the kernel along y
 * (whole rows, which vectorise), then along x. The last taps fine rows
 * are kept in a ring (their loads' scratch, or the plane's own rows). */
static void reduce_chunk(void *arg, size_t chunk, size_t thread)
{
    const reduce_job *j = arg;
    skd_coarse *c = j->c;
    size_t d = (size_t)1 << c->shift, w = c->w;
    float *base = j->scratch + thread * j->scratch_floats;
    float *acc = base, *ext = acc + w, *slots = ext + j->wide;
    const float *ring[3 * (SKD_MULTIRATE_MAX_FACTOR - 1) + 1];
    size_t i0 = chunk * j->rows_per_chunk;
    size_t i1 = i0 + j->rows_per_chunk < c->ch ? i0 + j->rows_per_chunk : c->ch;
    long long next = (long long)(i0 * d) - (long long)j->off;
    for (size_t i = i0; i < i1; i++) {
        long long y0 = (long long)(i * d) - (long long)j->off;
        for (; next < y0 + (long long)j->taps; next++) {
            size_t slot = (size_t)(next + (long long)(j->taps * d)) % j->taps;
            ring[slot] = j->load(j->user, skd_fft_reflect(next, c->h),
                                 slots + slot * w);
        }
        for (size_t t = 0; t < j->taps; t++) {
            size_t slot =
                (size_t)(y0 + (long long)(t + j->taps * d)) % j->taps;
            const float *restrict r = ring[slot];
            float kt = j->k[t];
            if (t == 0)
                for (size_t x = 0; x < w; x++)
                    acc[x] = kt * r[x];
            else
                for (size_t x = 0; x < w; x++)
                    acc[x] += kt * r[x];
        }
        reduce_x(j, acc, ext, c->v + i * c->cw);
    }
}

#define REDUCE_ROWS 16

int skd_coarse_reduce(skd_ctx *ctx, size_t w, size_t h, unsigned shift,
                      size_t margin, skd_coarse_load load, void *user,
                      skd_coarse *c)
{
    double kd[3 * (SKD_MULTIRATE_MAX_FACTOR - 1) + 1];
    float k[3 * (SKD_MULTIRATE_MAX_FACTOR - 1) + 1];
    reduce_job j;
    size_t d, chunks, threads, cn;
    memset(c, 0, sizeof *c);
    if (shift < 1 || shift > SKD_MULTIRATE_MAX_SHIFT || w == 0 || h == 0)
        return skd_fail(ctx, SKD_E_INTERNAL, "multi-rate: bad decimation");
    d = (size_t)1 << shift;
    c->w = w;
    c->h = h;
    c->shift = shift;
    c->cw = coarse_length(w, shift, margin);
    c->ch = coarse_length(h, shift, margin);
    if (!skd_mul3_size(c->cw, c->ch, sizeof(float), &cn))
        return skd_fail(ctx, SKD_E_LIMIT, "multi-rate: plane too large");
    memset(&j, 0, sizeof j);
    j.taps = cascade_kernel(shift, kd);
    for (size_t t = 0; t < j.taps; t++)
        k[t] = (float)kd[t];
    j.k = k;
    j.off = (j.taps - d) / 2;
    j.c = c;
    j.load = load;
    j.user = user;
    j.rows_per_chunk = REDUCE_ROWS;
    j.wide = c->cw * d + j.taps;
    j.scratch_floats = w + j.wide + j.taps * w;
    chunks = (c->ch + REDUCE_ROWS - 1) / REDUCE_ROWS;
    threads = skd_parallel_threads(ctx, chunks);
    c->v = skd_malloc_array(ctx, cn, sizeof *c->v);
    c->xi = skd_malloc_array(ctx, w, sizeof *c->xi);
    c->xt = skd_malloc_array(ctx, w, sizeof *c->xt);
    j.scratch =
        skd_malloc_array(ctx, threads, j.scratch_floats * sizeof(float));
    if (!c->v || !c->xi || !c->xt || !j.scratch) {
        skd_dealloc(ctx, j.scratch);
        skd_coarse_free(ctx, c);
        return SKD_E_NOMEM;
    }
    interp_table(w, shift, c->xi, c->xt);
    skd_parallel_chunks(ctx, chunks, reduce_chunk, &j);
    skd_dealloc(ctx, j.scratch);
    return SKD_OK;
}

static const float *coarse_load(void *user, size_t p, size_t y, float *scratch)
{
    const skd_coarse *c = user;
    (void)p;
    (void)scratch;
    return c->v + y * c->cw;
}

static float *coarse_dest(void *user, size_t p, size_t y)
{
    skd_coarse *c = user;
    (void)p;
    return c->v + y * c->cw;
}

/* In place through the cosine low-pass (it loads every row before it
 * stores one), which needs no margin on the coarse plane's friendly sizes
 * and at sigma of a few px is still much faster than tiles. */
int skd_coarse_gauss(skd_ctx *ctx, skd_coarse *c, double sigma_px)
{
    skd_filter g = {SKD_FILTER_GAUSS, coarse_sigma(sigma_px, c->shift), 0};
    skd_lowpass_io io = {1, coarse_load, NULL, coarse_dest, NULL, c};
    skd_lowpass *lp;
    int st;
    if (!(g.s1 > 0))
        return skd_fail(ctx, SKD_E_INTERNAL, "multi-rate: sigma too small");
    st = skd_lowpass_create(ctx, &g, c->cw, c->ch, skd_fft_margin(g.s1), &lp);
    if (st == SKD_OK)
        st = skd_lowpass_run(ctx, lp, &io);
    skd_lowpass_free(ctx, lp);
    return st;
}

/* Coarse row i, mirrored beyond the plane (the filtered coarse plane is
 * the low-pass of a mirror extension, so it is symmetric about -1/2 and,
 * where D divides the size, about its far edge). */
static const float *coarse_row(const skd_coarse *c, long long i)
{
    return c->v + skd_fft_reflect(i, c->ch) * c->cw;
}

void skd_coarse_line_at(const skd_coarse *c, size_t y, skd_coarse_line *ln)
{
    double d = (double)(1u << c->shift);
    double v = ((double)y - 0.5 * (d - 1.0)) / d;
    double f = floor(v);
    ln->t = (float)(v - f);
    ln->s = 1.0f - ln->t;
    ln->a = coarse_row(c, (long long)f);
    ln->b = coarse_row(c, (long long)f + 1);
}

/* Vertical interpolation for fine row y into tmp (cw + 2: one mirrored
 * sample at each end). */
static void vertical(const skd_coarse *c, size_t y, float *restrict tmp)
{
    skd_coarse_line ln;
    skd_coarse_line_at(c, y, &ln);
    const float *restrict a = ln.a, *restrict b = ln.b;
    float s = ln.s, t = ln.t;
    for (size_t x = 0; x < c->cw; x++)
        tmp[x + 1] = s * a[x] + t * b[x];
    tmp[0] = tmp[1];
    tmp[c->cw + 1] = tmp[c->cw];
}

/* tmp[i] of vertical() at padded index i: coarse column i - 1, the end
 * samples repeated. */
static float vertical_at(const skd_coarse *c, const skd_coarse_line *ln,
                         size_t i)
{
    size_t j = i == 0 ? 0 : i - 1 < c->cw ? i - 1 : c->cw - 1;
    return ln->s * ln->a[j] + ln->t * ln->b[j];
}

float skd_coarse_at(const skd_coarse *c, const skd_coarse_line *ln, size_t x)
{
    float a = vertical_at(c, ln, c->xi[x]);
    float b = vertical_at(c, ln, c->xi[x] + 1);
    return a + c->xt[x] * (b - a);
}

void skd_coarse_row(const skd_coarse *c, size_t y, float *tmp, float *out)
{
    vertical(c, y, tmp);
    for (size_t x = 0; x < c->w; x++) {
        float a = tmp[c->xi[x]], b = tmp[c->xi[x] + 1];
        out[x] = a + c->xt[x] * (b - a);
    }
}
