/* Wide low-pass filters by a pruned cosine transform. A plane extended by
 * mirror reflection ("dcba|abcd|dcba") is periodic with period 2w, and its
 * discrete Fourier transform is the cosine transform (DCT-II) of the plane:
 * filtering the extended plane with an even filter is a product of cosine
 * coefficients, with no margin and no wrap-around. A Gaussian of sigma
 * 20 px passes nothing above 0.053 cycles/px that float arithmetic could
 * see, so of each row's coefficients only the lowest tenth goes on to the
 * column transforms, the product and the way back.
 *
 * Each cosine transform is computed by one real FFT of the same length
 * (Makhoul 1980): v = (x0, x2, x4, ..., x5, x3, x1), V = FFT(v), then
 * C[k] = 2 Re(exp(-i pi k / 2n) V[k]), and back the same way. Lengths that
 * FFTW handles slowly (odd, or with a prime factor above 7) are first
 * mirror padded at their end by at least the margin; that far end then
 * carries the usual truncation of the filter's weight beyond the margin.
 *
 * Three phases, their items handed out one at a time to the threads: rows
 * forward into a plane of kept coefficients (column-major), columns through
 * the filter, wanted rows back. Every row is loaded before any is stored,
 * so a caller may write results over its input (the fill does). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fft.h"

/* Coefficients whose transfer is below this fraction of the peak are
 * dropped. By Parseval the dropped part changes the result by at most
 * 2^-32 of the input's RMS, far below float resolution (2^-24). */
#define NEGLIGIBLE (1.0 / 4294967296.0)

/* Pruning pays while at most this fraction of each row's coefficients is
 * kept: beyond it the coefficient planes grow towards a plane each and the
 * tiled 2-D path is as fast. */
#define MAX_KEPT_FRACTION 0.4

struct skd_lowpass {
    size_t w, h;
    size_t nx, ny;         /* cosine transform lengths (w, h or padded) */
    size_t kx, ky;         /* coefficients kept along x and y */
    size_t ld;             /* floats between coefficient columns */
    int terms;
    float *ax[2], *by[2];  /* transfer at k/(2 nx) and k/(2 ny), 1/(nx ny) in ax */
    float *twx, *twy;      /* cos, sin of pi k / (2 n), interleaved, k < n */
    size_t *xsrc;          /* nx: plane column at each position of v */
};

/* Where sample i of a length-n sequence sits in Makhoul's reordering. */
static size_t makhoul_pos(size_t i, size_t n)
{
    return i % 2 == 0 ? i / 2 : n - 1 - (i - 1) / 2;
}

/* FFTW is fast on even lengths with prime factors 2, 3, 5 and 7 only (odd
 * lengths and larger primes cost 3-7 times more per sample). */
static int fft_friendly(size_t n)
{
    return n <= 16 || (n % 2 == 0 && skd_fft_good_size(n) == n);
}

static size_t cosine_length(size_t n, size_t margin)
{
    size_t m;
    if (fft_friendly(n))
        return n;
    m = skd_fft_good_size(n + margin);
    while (m % 8)
        m = skd_fft_good_size(m + 1);
    return m;
}

/* C[k], k < kept, of the sequence whose reordering v has the FFT V
 * (n/2+1 bins). */
static void cosine_from_fft(const fftwf_complex *restrict V, size_t n,
                            size_t kept, const float *restrict tw,
                            float *restrict c)
{
    size_t half = n / 2, top = kept < half + 1 ? kept : half + 1;
    for (size_t k = 0; k < top; k++)
        c[k] = 2.0f * (V[k][0] * tw[2 * k] + V[k][1] * tw[2 * k + 1]);
    for (size_t k = top; k < kept; k++) /* V[k] = conj(V[n - k]) */
        c[k] = 2.0f * (V[n - k][0] * tw[2 * k] - V[n - k][1] * tw[2 * k + 1]);
}

/* The FFT V (n/2+1 bins) of the reordering of the sequence whose cosine
 * coefficients are c[k], k < kept, and zero beyond:
 * V[k] = exp(i pi k / 2n) (c[k] - i c[n - k]) / 2. */
static void fft_from_cosine(const float *restrict c, size_t n, size_t kept,
                            const float *restrict tw, fftwf_complex *restrict V)
{
    size_t half = n / 2, top = kept < half + 1 ? kept : half + 1;
    for (size_t k = 0; k < top; k++) {
        V[k][0] = 0.5f * tw[2 * k] * c[k];
        V[k][1] = 0.5f * tw[2 * k + 1] * c[k];
    }
    memset(V + top, 0, (half + 1 - top) * sizeof *V);
    for (size_t k = n - kept + 1; k <= half; k++) { /* only when kept > n/2 */
        float b = c[n - k];
        V[k][0] += 0.5f * tw[2 * k + 1] * b;
        V[k][1] -= 0.5f * tw[2 * k] * b;
    }
}

static double table_peak(const float *t, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs((double)t[i]) > m)
            m = fabs((double)t[i]);
    return m;
}

/* Kept coefficients: up to the last one where some term's transfer is
 * above NEGLIGIBLE of the filter's peak. */
static void find_cutoffs(skd_lowpass *lp)
{
    double amax[2] = {0, 0}, bmax[2] = {0, 0}, peak = 0;
    lp->kx = 1;
    lp->ky = 1;
    for (int t = 0; t < lp->terms; t++) {
        amax[t] = table_peak(lp->ax[t], lp->nx);
        bmax[t] = table_peak(lp->by[t], lp->ny);
        if (amax[t] * bmax[t] > peak)
            peak = amax[t] * bmax[t];
    }
    for (int t = 0; t < lp->terms; t++) {
        for (size_t k = 0; k < lp->nx; k++)
            if (fabs((double)lp->ax[t][k]) * bmax[t] > NEGLIGIBLE * peak &&
                k + 1 > lp->kx)
                lp->kx = k + 1;
        for (size_t k = 0; k < lp->ny; k++)
            if (fabs((double)lp->by[t][k]) * amax[t] > NEGLIGIBLE * peak &&
                k + 1 > lp->ky)
                lp->ky = k + 1;
    }
}

static float *twiddles(skd_ctx *ctx, size_t n)
{
    float *tw = skd_malloc_array(ctx, n, 2 * sizeof *tw);
    for (size_t k = 0; tw && k < n; k++) {
        double a = M_PI * (double)k / (2.0 * (double)n);
        tw[2 * k] = (float)cos(a);
        tw[2 * k + 1] = (float)sin(a);
    }
    return tw;
}

void skd_lowpass_free(skd_ctx *ctx, skd_lowpass *lp)
{
    if (!lp)
        return;
    for (int t = 0; t < 2; t++) {
        skd_dealloc(ctx, lp->ax[t]);
        skd_dealloc(ctx, lp->by[t]);
    }
    skd_dealloc(ctx, lp->twx);
    skd_dealloc(ctx, lp->twy);
    skd_dealloc(ctx, lp->xsrc);
    skd_dealloc(ctx, lp);
}

/* Transfer tables on the doubled (mirror-extended) periods: entry k is at
 * k / (2 nx) cycles per pixel. The round trip of the cosine transforms
 * gains nx ny, so that is the normalisation (the tables carry 1/(4 nx ny)). */
static int make_tables(skd_ctx *ctx, skd_lowpass *lp, const skd_filter *f)
{
    for (int t = 0; t < 2; t++) {
        lp->ax[t] = skd_malloc_array(ctx, lp->nx + 1, sizeof(float));
        lp->by[t] = skd_malloc_array(ctx, 2 * lp->ny, sizeof(float));
        if (!lp->ax[t] || !lp->by[t])
            return SKD_E_NOMEM;
    }
    lp->terms = skd_filter_tables(f, 2 * lp->nx, 2 * lp->ny, lp->ax, lp->by);
    for (int t = 0; t < lp->terms; t++)
        for (size_t k = 0; k <= lp->nx; k++)
            lp->ax[t][k] *= 4.0f;
    return SKD_OK;
}

int skd_lowpass_create(skd_ctx *ctx, const skd_filter *f, size_t w, size_t h,
                       size_t margin, skd_lowpass **out)
{
    skd_lowpass *lp;
    int st;
    *out = NULL;
    if (w == 0 || h == 0)
        return skd_fail(ctx, SKD_E_INVALID, "empty plane");
    if (w > SIZE_MAX / 8 - margin || h > SIZE_MAX / 8 - margin)
        return skd_fail(ctx, SKD_E_LIMIT, "plane too large for FFT");
    if (f->kind == SKD_FILTER_DXY) /* odd along x and y: no cosine product */
        return skd_fail(ctx, SKD_E_INTERNAL, "low-pass engine: odd filter");
    lp = skd_calloc(ctx, 1, sizeof *lp);
    if (!lp)
        return SKD_E_NOMEM;
    lp->w = w;
    lp->h = h;
    lp->nx = cosine_length(w, margin);
    lp->ny = cosine_length(h, margin);
    lp->ld = (lp->ny + 15) / 16 * 16; /* blocks of rows fill whole lines */
    if ((st = make_tables(ctx, lp, f)) != SKD_OK)
        goto fail;
    find_cutoffs(lp);
    lp->twx = twiddles(ctx, lp->nx);
    lp->twy = twiddles(ctx, lp->ny);
    lp->xsrc = skd_malloc_array(ctx, lp->nx, sizeof *lp->xsrc);
    if (!lp->twx || !lp->twy || !lp->xsrc) {
        st = SKD_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < lp->nx; i++)
        lp->xsrc[makhoul_pos(i, lp->nx)] = skd_fft_reflect((long long)i, w);
    *out = lp;
    return SKD_OK;
fail:
    skd_lowpass_free(ctx, lp);
    return st;
}

int skd_lowpass_pays(const skd_lowpass *lp)
{
    return (double)lp->kx <= MAX_KEPT_FRACTION * (double)lp->nx;
}

void skd_lowpass_geometry(const skd_lowpass *lp, size_t *nx, size_t *ny,
                          size_t *kx, size_t *ky)
{
    *nx = lp->nx;
    *ny = lp->ny;
    *kx = lp->kx;
    *ky = lp->ky;
}

enum { PHASE_ROWS, PHASE_COLUMNS, PHASE_BACK };

/* Rows go through the coefficient planes in blocks of BLOCK: a block's
 * coefficients are gathered in one buffer and moved a cache line per
 * column, where row by row every coefficient would be a miss. */
#define BLOCK 16

/* A block's line of each coefficient column is a page apart from the
 * next, which no hardware prefetcher follows: it is asked for PREFETCH
 * columns ahead. */
#define PREFETCH 8
#if defined(__GNUC__)
#define PREFETCH_LINE(p, write) __builtin_prefetch((p), (write))
#else
#define PREFETCH_LINE(p, write) ((void)(p), (void)(write))
#endif

/* One thread's buffers. */
typedef struct lp_worker {
    const skd_lowpass *lp;
    const skd_lowpass_io *io;
    skd_fft_plans_1d px, py;      /* along x (length nx) and y (ny) */
    float *const *coef;           /* per plane: kx columns of ld floats */
    float *row;                   /* w: one input row */
    float *v;                     /* max(nx, ny): a reordered sequence */
    fftwf_complex *spec;          /* max(nx, ny)/2 + 1 */
    float *c;                     /* max(kx, ky): cosine coefficients */
    float *block;                 /* BLOCK rows of kx coefficients */
    float *out[SKD_LOWPASS_MAX_PLANES]; /* w: filtered rows */
} lp_worker;

/* v = x in Makhoul's order (x0, x2, x4, ..., x5, x3, x1). */
static void reorder(const float *restrict x, size_t n, float *restrict v)
{
    for (size_t i = 0; i < n / 2; i++) {
        v[i] = x[2 * i];
        v[n - 1 - i] = x[2 * i + 1];
    }
    if (n % 2)
        v[n / 2] = x[n - 1];
}

/* The first w samples of the sequence whose reordering (length n) is v. */
static void unorder(const float *restrict v, size_t n, size_t w,
                    float *restrict x)
{
    for (size_t i = 0; i < w / 2; i++) {
        x[2 * i] = v[i];
        x[2 * i + 1] = v[n - 1 - i];
    }
    if (w % 2)
        x[w - 1] = v[(w - 1) / 2];
}

/* The kept cosine coefficients of padded row j of plane p. */
static void forward_row(lp_worker *wk, size_t p, size_t j, float *c)
{
    const skd_lowpass *lp = wk->lp;
    const float *x = wk->io->load(wk->io->user, p,
                                  skd_fft_reflect((long long)j, lp->h), wk->row);
    if (!x) {
        memset(c, 0, lp->kx * sizeof *c);
        c[0] = 2.0f * (float)lp->nx * wk->row[0];
        return;
    }
    if (lp->nx == lp->w) {
        reorder(x, lp->nx, wk->v);
    } else {
        for (size_t i = 0; i < lp->nx; i++)
            wk->v[i] = x[lp->xsrc[i]];
    }
    fftwf_execute_dft_r2c(wk->px.r2c, wk->v, wk->spec);
    cosine_from_fft(wk->spec, lp->nx, lp->kx, lp->twx, c);
}

/* Padded rows [j0, j1) of plane p into the coefficient plane. */
static void forward_block(lp_worker *wk, size_t p, size_t j0, size_t j1)
{
    const skd_lowpass *lp = wk->lp;
    float *coef = wk->coef[p];
    for (size_t j = j0; j < j1; j++)
        forward_row(wk, p, j, wk->block + (j - j0) * lp->kx);
    for (size_t k = 0; k < lp->kx; k++) {
        if (k + PREFETCH < lp->kx)
            PREFETCH_LINE(coef + (k + PREFETCH) * lp->ld + j0, 1);
        for (size_t j = j0; j < j1; j++)
            coef[k * lp->ld + j] = wk->block[(j - j0) * lp->kx + k];
    }
}

/* Column k of plane p: along y to cosine coefficients, times the transfer,
 * and back, in place. */
static void filter_column(lp_worker *wk, size_t p, size_t k)
{
    const skd_lowpass *lp = wk->lp;
    float *col = wk->coef[p] + k * lp->ld;
    float a0 = lp->ax[0][k], a1 = lp->terms == 2 ? lp->ax[1][k] : 0.0f;
    reorder(col, lp->ny, wk->v);
    fftwf_execute_dft_r2c(wk->py.r2c, wk->v, wk->spec);
    cosine_from_fft(wk->spec, lp->ny, lp->ky, lp->twy, wk->c);
    for (size_t j = 0; j < lp->ky; j++) {
        float g = a0 * lp->by[0][j];
        if (lp->terms == 2)
            g += a1 * lp->by[1][j];
        wk->c[j] *= g;
    }
    fft_from_cosine(wk->c, lp->ny, lp->ky, lp->twy, wk->spec);
    fftwf_execute_dft_c2r(wk->py.c2r, wk->spec, wk->v);
    unorder(wk->v, lp->ny, lp->h, col);
}

/* Rows [y0, y1) of every plane back to pixels, the wanted ones handed to
 * dest and store. */
static void back_block(lp_worker *wk, size_t y0, size_t y1)
{
    const skd_lowpass *lp = wk->lp;
    const skd_lowpass_io *io = wk->io;
    float *rows[SKD_LOWPASS_MAX_PLANES];
    unsigned all = (1u << io->nplanes) - 1, wanted[BLOCK], any = 0;
    for (size_t y = y0; y < y1; y++)
        any |= wanted[y - y0] = io->wanted ? io->wanted(io->user, y) & all : all;
    for (size_t p = 0; p < io->nplanes; p++) {
        float *block = wk->block + p * BLOCK * lp->kx;
        if (!(any >> p & 1))
            continue;
        for (size_t k = 0; k < lp->kx; k++) {
            if (k + PREFETCH < lp->kx)
                PREFETCH_LINE(wk->coef[p] + (k + PREFETCH) * lp->ld + y0, 0);
            for (size_t y = y0; y < y1; y++)
                block[(y - y0) * lp->kx + k] = wk->coef[p][k * lp->ld + y];
        }
    }
    for (size_t y = y0; y < y1; y++) {
        if (!wanted[y - y0])
            continue;
        for (size_t p = 0; p < io->nplanes; p++) {
            rows[p] = NULL;
            if (!(wanted[y - y0] >> p & 1))
                continue;
            rows[p] = io->dest ? io->dest(io->user, p, y) : NULL;
            if (!rows[p])
                rows[p] = wk->out[p];
            fft_from_cosine(wk->block + (p * BLOCK + y - y0) * lp->kx, lp->nx,
                            lp->kx, lp->twx, wk->spec);
            fftwf_execute_dft_c2r(wk->px.c2r, wk->spec, wk->v);
            unorder(wk->v, lp->nx, lp->w, rows[p]);
        }
        if (io->store)
            io->store(io->user, y, rows);
    }
}

/* The phase's items (blocks of rows, or columns of a plane), handed out
 * one at a time to whichever thread is free: rows differ in cost (rows
 * skipped, planes not wanted) and a fixed split left one thread idle.
 * Each value is computed the same way whichever thread does it. */
typedef struct lp_phase {
    lp_worker *wk;
    int phase;
    size_t per;   /* items per plane */
    size_t rows;  /* rows of the phase */
    size_t group; /* blocks per item on the way back */
} lp_phase;

/* Blocks of rows per item on the way back: enough for 2 MB of a plane's
 * rows (each thread then first-touches long stretches of a fresh
 * destination rather than alternating pages with the other), while
 * leaving at least 8 items per thread to share out. */
static size_t back_group(const skd_lowpass *lp, size_t blocks, size_t nthreads)
{
    size_t row_bytes = lp->w * sizeof(float);
    size_t g = ((size_t)2 << 20) / (row_bytes * BLOCK) + 1;
    size_t most = blocks / (8 * nthreads);
    if (g > most)
        g = most;
    return g < 1 ? 1 : g;
}

static void run_item(void *arg, size_t i, size_t thread)
{
    const lp_phase *ph = arg;
    lp_worker *wk = &ph->wk[thread];
    size_t b = (i % ph->per) * BLOCK;
    size_t e = b + BLOCK < ph->rows ? b + BLOCK : ph->rows;
    if (ph->phase == PHASE_ROWS) {
        forward_block(wk, i / ph->per, b, e);
    } else if (ph->phase == PHASE_COLUMNS) {
        filter_column(wk, i / ph->per, i % ph->per);
    } else {
        for (b = i * ph->group * BLOCK; b < (i + 1) * ph->group * BLOCK &&
                                        b < ph->rows; b += BLOCK)
            back_block(wk, b, b + BLOCK < ph->rows ? b + BLOCK : ph->rows);
    }
}

static void worker_free(skd_ctx *ctx, lp_worker *wk)
{
    skd_dealloc(ctx, wk->row);
    skd_fft_dealloc(ctx, wk->v);
    skd_fft_dealloc(ctx, wk->spec);
    skd_dealloc(ctx, wk->c);
    skd_dealloc(ctx, wk->block);
    for (size_t p = 0; p < SKD_LOWPASS_MAX_PLANES; p++)
        skd_dealloc(ctx, wk->out[p]);
}

static int worker_alloc(skd_ctx *ctx, const skd_lowpass *lp, size_t nplanes,
                        lp_worker *wk)
{
    size_t n = lp->nx > lp->ny ? lp->nx : lp->ny;
    size_t k = lp->kx > lp->ky ? lp->kx : lp->ky;
    wk->row = skd_malloc_array(ctx, lp->w, sizeof(float));
    wk->v = skd_fft_alloc(ctx, n * sizeof(float));
    wk->spec = skd_fft_alloc(ctx, (n / 2 + 1) * sizeof(fftwf_complex));
    wk->c = skd_malloc_array(ctx, k, sizeof(float));
    wk->block = skd_malloc_array(ctx, nplanes * BLOCK, lp->kx * sizeof(float));
    if (!wk->row || !wk->v || !wk->spec || !wk->c || !wk->block)
        return SKD_E_NOMEM;
    for (size_t p = 0; p < nplanes; p++)
        if (!(wk->out[p] = skd_malloc_array(ctx, lp->w, sizeof(float))))
            return SKD_E_NOMEM;
    return SKD_OK;
}

int skd_lowpass_run(skd_ctx *ctx, const skd_lowpass *lp,
                    const skd_lowpass_io *io)
{
    lp_worker wk[SKD_MAX_THREADS];
    float *coef[SKD_LOWPASS_MAX_PLANES] = {NULL};
    size_t per_row = (lp->ny + BLOCK - 1) / BLOCK;
    size_t per_back = (lp->h + BLOCK - 1) / BLOCK, nthreads;
    skd_fft_plans_1d px, py;
    size_t bytes;
    int st = SKD_OK;
    if (io->nplanes == 0 || io->nplanes > SKD_LOWPASS_MAX_PLANES)
        return skd_fail(ctx, SKD_E_INTERNAL, "low-pass of %zu planes at once",
                        io->nplanes);
    if (!skd_mul3_size(lp->kx, lp->ld, sizeof(float), &bytes))
        return skd_fail(ctx, SKD_E_LIMIT, "plane too large for FFT");
    /* Plan here, on this thread: workers only execute. */
    if ((st = skd_fft_prepare_1d(ctx, lp->nx, &px)) != SKD_OK ||
        (st = skd_fft_prepare_1d(ctx, lp->ny, &py)) != SKD_OK)
        return st;
    for (size_t p = 0; p < io->nplanes && st == SKD_OK; p++)
        if (!(coef[p] = skd_fft_alloc(ctx, bytes)))
            st = SKD_E_NOMEM;
    /* Threads for the largest phase; the others use no more. */
    nthreads = skd_parallel_threads(
        ctx, io->nplanes * (per_row > lp->kx ? per_row : lp->kx));
    memset(wk, 0, sizeof wk);
    for (size_t t = 0; t < nthreads && st == SKD_OK; t++) {
        wk[t] = (lp_worker){lp, io, px, py, coef, NULL, NULL, NULL, NULL, NULL,
                            {NULL}};
        st = worker_alloc(ctx, lp, io->nplanes, &wk[t]);
    }
    if (st == SKD_OK) {
        size_t g = back_group(lp, per_back, nthreads);
        lp_phase rows = {wk, PHASE_ROWS, per_row, lp->ny, 1};
        lp_phase columns = {wk, PHASE_COLUMNS, lp->kx, 0, 1};
        lp_phase back = {wk, PHASE_BACK, per_back, lp->h, g};
        skd_parallel_chunks(ctx, io->nplanes * per_row, run_item, &rows);
        skd_parallel_chunks(ctx, io->nplanes * lp->kx, run_item, &columns);
        skd_parallel_chunks(ctx, (per_back + g - 1) / g, run_item, &back);
    }
    for (size_t t = 0; t < nthreads; t++)
        worker_free(ctx, &wk[t]);
    for (size_t p = 0; p < io->nplanes; p++)
        skd_fft_dealloc(ctx, coef[p]);
    return st;
}
