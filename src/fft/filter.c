/* Filters as products in the frequency domain. Every transfer function used
 * is a sum of at most two separable terms a(fx) b(fy), so each filter costs
 * two small 1-D tables and one multiply-add per frequency bin. */
#include <math.h>
#include <string.h>

#include "fft.h"

#define MAX_TERMS 2

typedef struct separable {
    int terms;
    float *ax[MAX_TERMS]; /* pw/2+1 entries */
    float *by[MAX_TERMS]; /* ph entries */
} separable;

static double freq(size_t k, size_t n) /* cycles per pixel, signed */
{
    return (k <= n / 2 ? (double)k : (double)k - (double)n) / (double)n;
}

typedef double (*factor_fn)(double f, double sigma);

static double gauss_f(double f, double s) { return exp(-2.0 * M_PI * M_PI * s * s * f * f); }
static double d2_f(double f, double s) { return -4.0 * M_PI * M_PI * f * f * gauss_f(f, s); }
static double d1_f(double f, double s) { return 2.0 * M_PI * f * gauss_f(f, s); }

static void fill_table(float *t, size_t count, size_t n, factor_fn fn,
                       double sigma, double scale)
{
    for (size_t k = 0; k < count; k++)
        t[k] = (float)(scale * fn(freq(k, n), sigma));
}

/* Tables for one filter; scale folds in the 1/(pw ph) of the inverse FFT. */
static void build_separable(const skd_filter *f, size_t pw, size_t ph,
                            separable *sp)
{
    size_t nx = pw / 2 + 1;
    double norm = 1.0 / ((double)pw * (double)ph);
    double s = f->s1;
    switch (f->kind) {
    case SKD_FILTER_GAUSS:
        sp->terms = 1;
        fill_table(sp->ax[0], nx, pw, gauss_f, s, norm);
        fill_table(sp->by[0], ph, ph, gauss_f, s, 1.0);
        break;
    case SKD_FILTER_DOG:
        sp->terms = 2;
        fill_table(sp->ax[0], nx, pw, gauss_f, s, norm);
        fill_table(sp->by[0], ph, ph, gauss_f, s, 1.0);
        fill_table(sp->ax[1], nx, pw, gauss_f, f->s2, -norm);
        fill_table(sp->by[1], ph, ph, gauss_f, f->s2, 1.0);
        break;
    case SKD_FILTER_LOGN:
        sp->terms = 2;
        fill_table(sp->ax[0], nx, pw, d2_f, s, norm * s * s);
        fill_table(sp->by[0], ph, ph, gauss_f, s, 1.0);
        fill_table(sp->ax[1], nx, pw, gauss_f, s, norm * s * s);
        fill_table(sp->by[1], ph, ph, d2_f, s, 1.0);
        break;
    case SKD_FILTER_DXX:
        sp->terms = 1;
        fill_table(sp->ax[0], nx, pw, d2_f, s, norm);
        fill_table(sp->by[0], ph, ph, gauss_f, s, 1.0);
        break;
    case SKD_FILTER_DYY:
        sp->terms = 1;
        fill_table(sp->ax[0], nx, pw, gauss_f, s, norm);
        fill_table(sp->by[0], ph, ph, d2_f, s, 1.0);
        break;
    case SKD_FILTER_DXY:
        /* (i 2pi fx)(i 2pi fy) = -(2pi fx)(2pi fy) */
        sp->terms = 1;
        fill_table(sp->ax[0], nx, pw, d1_f, s, -norm);
        fill_table(sp->by[0], ph, ph, d1_f, s, 1.0);
        break;
    }
}

/* Transfer function of row ky at column kx. */
static inline float transfer(const separable *sp, size_t kx, size_t ky)
{
    float g = sp->ax[0][kx] * sp->by[0][ky];
    if (sp->terms == 2)
        g += sp->ax[1][kx] * sp->by[1][ky];
    return g;
}

static void multiply_row(const fftwf_complex *restrict src,
                         fftwf_complex *restrict dst, size_t nx,
                         const separable *sp, size_t ky)
{
    const float *a0 = sp->ax[0], *a1 = sp->ax[1];
    float b0 = sp->by[0][ky];
    if (sp->terms == 1) {
        for (size_t kx = 0; kx < nx; kx++) {
            float g = a0[kx] * b0;
            dst[kx][0] = src[kx][0] * g;
            dst[kx][1] = src[kx][1] * g;
        }
    } else {
        float b1 = sp->by[1][ky];
        for (size_t kx = 0; kx < nx; kx++) {
            float g = a0[kx] * b0 + a1[kx] * b1;
            dst[kx][0] = src[kx][0] * g;
            dst[kx][1] = src[kx][1] * g;
        }
    }
}

static void multiply_spectrum(const fftwf_complex *restrict in,
                              fftwf_complex *restrict out, size_t nx,
                              size_t ph, const separable *sp)
{
    for (size_t ky = 0; ky < ph; ky++)
        multiply_row(in + ky * nx, out + ky * nx, nx, sp, ky);
}

/* Same products, in place (the one-shot filters need no second buffer). */
static void multiply_in_place(fftwf_complex *data, size_t nx, size_t ph,
                              const separable *sp)
{
    for (size_t ky = 0; ky < ph; ky++) {
        fftwf_complex *row = data + ky * nx;
        for (size_t kx = 0; kx < nx; kx++) {
            float g = transfer(sp, kx, ky);
            row[kx][0] *= g;
            row[kx][1] *= g;
        }
    }
}

/* The w x h result out of an in-place inverse transform, whose rows are
 * skd_fft_row_floats(pw) floats apart. */
static void crop(const float *restrict real, const skd_spectrum *s,
                 float *restrict out)
{
    size_t stride = skd_fft_row_floats(s->pw);
    for (size_t y = 0; y < s->h; y++)
        memcpy(out + y * s->w, real + (y + s->oy) * stride + s->ox,
               s->w * sizeof *out);
}

/* One thread's buffers: a spectrum-sized scratch that the inverse transform
 * overwrites in place, and the filter's 1-D tables. */
typedef struct worker {
    skd_ctx *ctx; /* used only for executing plans made beforehand */
    const skd_spectrum *s;
    const skd_filter *filters;
    float *const *out;
    size_t n, first, step;
    fftwf_complex *scratch;
    separable sp;
    int status;
} worker;

#define MAX_THREADS SKD_MAX_THREADS

typedef struct filter_ws {
    size_t pw, ph, nthreads;
    worker wk[MAX_THREADS];
} filter_ws;

static void *run_worker(void *arg)
{
    worker *wk = arg;
    const skd_spectrum *s = wk->s;
    for (size_t i = wk->first; i < wk->n; i += wk->step) {
        build_separable(&wk->filters[i], s->pw, s->ph, &wk->sp);
        multiply_spectrum(s->data, wk->scratch, s->pw / 2 + 1, s->ph, &wk->sp);
        wk->status = skd_fft_c2r_inplace(wk->ctx, s->pw, s->ph, wk->scratch);
        if (wk->status != SKD_OK)
            break;
        crop((const float *)wk->scratch, s, wk->out[i]);
    }
    return NULL;
}

static void worker_free(skd_ctx *ctx, worker *wk)
{
    skd_fft_dealloc(ctx, wk->scratch);
    for (int t = 0; t < MAX_TERMS; t++) {
        skd_dealloc(ctx, wk->sp.ax[t]);
        skd_dealloc(ctx, wk->sp.by[t]);
    }
}

static int worker_alloc(skd_ctx *ctx, size_t pw, size_t ph, worker *wk)
{
    size_t nx = pw / 2 + 1;
    wk->scratch = skd_fft_alloc(ctx, nx * ph * sizeof(fftwf_complex));
    if (!wk->scratch)
        return SKD_E_NOMEM;
    for (int t = 0; t < MAX_TERMS; t++) {
        wk->sp.ax[t] = skd_malloc_array(ctx, nx, sizeof(float));
        wk->sp.by[t] = skd_malloc_array(ctx, ph, sizeof(float));
        if (!wk->sp.ax[t] || !wk->sp.by[t])
            return SKD_E_NOMEM;
    }
    return SKD_OK;
}

static void filter_ws_free(skd_ctx *ctx, filter_ws *ws)
{
    if (!ws)
        return;
    for (size_t t = 0; t < ws->nthreads; t++)
        worker_free(ctx, &ws->wk[t]);
    skd_dealloc(ctx, ws);
}

static int filter_ws_create(skd_ctx *ctx, const skd_spectrum *s,
                            size_t max_filters, filter_ws **out)
{
    filter_ws *ws;
    int st;
    *out = NULL;
    /* Plan now, on this thread: workers only look plans up and execute. */
    if ((st = skd_fft_prepare_inplace(ctx, s->pw, s->ph)) != SKD_OK)
        return st;
    ws = skd_calloc(ctx, 1, sizeof *ws);
    if (!ws)
        return SKD_E_NOMEM;
    ws->pw = s->pw;
    ws->ph = s->ph;
    ws->nthreads = skd_thread_count(ctx, max_filters);
    for (size_t t = 0; t < ws->nthreads; t++)
        if ((st = worker_alloc(ctx, s->pw, s->ph, &ws->wk[t])) != SKD_OK) {
            filter_ws_free(ctx, ws);
            return st;
        }
    *out = ws;
    return SKD_OK;
}

static int spectrum_filter_ws(skd_ctx *ctx, const skd_spectrum *s,
                              filter_ws *ws, const skd_filter *filters,
                              size_t n, float *const *out)
{
    size_t nthreads = ws->nthreads < n ? ws->nthreads : n;
    int st = SKD_OK;
    if (n == 0)
        return SKD_OK;
    if (ws->pw != s->pw || ws->ph != s->ph)
        return skd_fail(ctx, SKD_E_INTERNAL, "filter workspace of another size");
    for (size_t t = 0; t < nthreads; t++) {
        worker *wk = &ws->wk[t];
        wk->ctx = ctx;
        wk->s = s;
        wk->filters = filters;
        wk->out = out;
        wk->n = n;
        wk->first = t;
        wk->step = nthreads;
        wk->status = SKD_OK;
    }
    skd_run_parallel(run_worker, ws->wk, sizeof ws->wk[0], nthreads);
    for (size_t t = 0; t < nthreads; t++)
        if (ws->wk[t].status != SKD_OK && st == SKD_OK)
            st = ws->wk[t].status;
    return st;
}

int skd_spectrum_filter(skd_ctx *ctx, const skd_spectrum *s,
                        const skd_filter *filters, size_t n, float *const *out)
{
    filter_ws *ws;
    int st;
    if (n == 0)
        return SKD_OK;
    st = filter_ws_create(ctx, s, n, &ws);
    if (st == SKD_OK)
        st = spectrum_filter_ws(ctx, s, ws, filters, n, out);
    filter_ws_free(ctx, ws);
    return st;
}

/* Planes filtered tile by tile: a whole-plane transform of a photo runs
 * out of cache (30 ns a pixel at 12 MP against 6-7 at 512-768 px), so even
 * with the margins transformed again tiles cost half. Each tile is padded
 * from the plane with the same mirror rule, and each writes only its core
 * of dst, so threads change nothing. */
typedef struct tile_job {
    skd_ctx *ctx;
    const float *const *src;
    float *const *dst;
    const separable *sp;
    size_t w, h, m, pw, ph, tw, th, ntx, ntiles, njobs, first, step;
    fftwf_complex *buf;
    int status;
} tile_job;

static void *run_tile_job(void *arg)
{
    tile_job *j = arg;
    size_t stride = skd_fft_row_floats(j->pw);
    for (size_t t = j->first; t < j->njobs; t += j->step) {
        size_t plane = t / j->ntiles, tile = t % j->ntiles;
        size_t x0 = tile % j->ntx * j->tw, y0 = tile / j->ntx * j->th;
        size_t cw = x0 + j->tw < j->w ? j->tw : j->w - x0;
        size_t ch = y0 + j->th < j->h ? j->th : j->h - y0;
        skd_fft_pad_window(j->src[plane], j->w, j->h,
                           (long long)x0 - (long long)j->m,
                           (long long)y0 - (long long)j->m, j->pw, j->ph,
                           (float *)j->buf);
        j->status = skd_fft_r2c_inplace(j->ctx, j->pw, j->ph, (float *)j->buf);
        if (j->status != SKD_OK)
            return NULL;
        multiply_in_place(j->buf, j->pw / 2 + 1, j->ph, j->sp);
        j->status = skd_fft_c2r_inplace(j->ctx, j->pw, j->ph, j->buf);
        if (j->status != SKD_OK)
            return NULL;
        for (size_t y = 0; y < ch; y++)
            memcpy(j->dst[plane] + (y0 + y) * j->w + x0,
                   (const float *)j->buf + (j->m + y) * stride + j->m,
                   cw * sizeof(float));
    }
    return NULL;
}

/* Padded tile side: 6 margins (a core of 4) and at least 768 px (measured
 * fastest for the 1 mm filters at 20 px/mm among 512, 640, 768 and 1024);
 * no more than the whole plane needs. */
static size_t tile_side(size_t n, size_t m)
{
    size_t side = skd_fft_good_size(6 * m > 768 ? 6 * m : 768);
    size_t whole = skd_fft_good_size(n + 2 * m);
    return whole < side ? whole : side;
}

/* Wide low-pass filters go through the pruned cosine transform of
 * lowpass.c, which reads src and writes dst rows in place. */
typedef struct plane_io {
    const float *src;
    float *dst;
    size_t w;
} plane_io;

static const float *load_plane_row(void *user, size_t p, size_t y,
                                   float *scratch)
{
    const plane_io *io = user;
    (void)p;
    (void)scratch;
    return io->src + y * io->w;
}

static float *plane_dest(void *user, size_t p, size_t y)
{
    plane_io *io = user;
    (void)p;
    return io->dst + y * io->w;
}

static int lowpass_planes(skd_ctx *ctx, const skd_lowpass *lp,
                          const float *const *src, float *const *dst,
                          size_t n, size_t w)
{
    int st = SKD_OK;
    for (size_t i = 0; i < n && st == SKD_OK; i++) {
        plane_io pio = {src[i], dst[i], w};
        skd_lowpass_io io = {1, load_plane_row, NULL, plane_dest, NULL, &pio};
        st = skd_lowpass_run(ctx, lp, &io);
    }
    return st;
}

int skd_fft_filter_planes(skd_ctx *ctx, const float *const *src,
                          float *const *dst, size_t n, size_t w, size_t h,
                          size_t margin, const skd_filter *f)
{
    tile_job jobs[MAX_THREADS];
    skd_lowpass *lp;
    separable sp;
    size_t pw, ph, nx, nthreads, ntiles;
    int st;

    if (w == 0 || h == 0 || n == 0)
        return w && h ? SKD_OK : skd_fail(ctx, SKD_E_INVALID, "empty plane");
    if (w > SIZE_MAX / 4 - 2 * margin || h > SIZE_MAX / 4 - 2 * margin)
        return skd_fail(ctx, SKD_E_LIMIT, "plane too large for FFT");
    if (f->kind != SKD_FILTER_DXY) {
        int pays;
        if ((st = skd_lowpass_create(ctx, f, w, h, margin, &lp)) != SKD_OK)
            return st;
        pays = skd_lowpass_pays(lp);
        if (pays)
            st = lowpass_planes(ctx, lp, src, dst, n, w);
        skd_lowpass_free(ctx, lp);
        if (pays)
            return st;
    }
    pw = tile_side(w, margin);
    ph = tile_side(h, margin);
    nx = pw / 2 + 1;
    ntiles = ((w + pw - 2 * margin - 1) / (pw - 2 * margin)) *
             ((h + ph - 2 * margin - 1) / (ph - 2 * margin));
    nthreads = skd_thread_count(ctx, n * ntiles);
    if ((st = skd_fft_prepare_inplace(ctx, pw, ph)) != SKD_OK)
        return st;
    memset(&sp, 0, sizeof sp);
    memset(jobs, 0, sizeof jobs);
    for (int k = 0; k < MAX_TERMS && st == SKD_OK; k++) {
        sp.ax[k] = skd_malloc_array(ctx, nx, sizeof(float));
        sp.by[k] = skd_malloc_array(ctx, ph, sizeof(float));
        if (!sp.ax[k] || !sp.by[k])
            st = SKD_E_NOMEM;
    }
    if (st == SKD_OK)
        build_separable(f, pw, ph, &sp);
    for (size_t t = 0; t < nthreads && st == SKD_OK; t++) {
        tile_job *j = &jobs[t];
        *j = (tile_job){ctx, src, dst, &sp, w, h, margin, pw, ph,
                        pw - 2 * margin, ph - 2 * margin,
                        (w + pw - 2 * margin - 1) / (pw - 2 * margin), ntiles,
                        n * ntiles, t, nthreads, NULL, SKD_OK};
        j->buf = skd_fft_alloc(ctx, nx * ph * sizeof(fftwf_complex));
        if (!j->buf)
            st = SKD_E_NOMEM;
    }
    if (st == SKD_OK)
        skd_run_parallel(run_tile_job, jobs, sizeof jobs[0], nthreads);
    for (size_t t = 0; t < nthreads; t++) {
        if (st == SKD_OK && jobs[t].status != SKD_OK)
            st = jobs[t].status;
        skd_fft_dealloc(ctx, jobs[t].buf);
    }
    for (int k = 0; k < MAX_TERMS; k++) {
        skd_dealloc(ctx, sp.ax[k]);
        skd_dealloc(ctx, sp.by[k]);
    }
    return st;
}

int skd_filter_tables(const skd_filter *f, size_t pw, size_t ph,
                      float *const ax[2], float *const by[2])
{
    separable sp;
    for (int t = 0; t < MAX_TERMS; t++) {
        sp.ax[t] = ax[t];
        sp.by[t] = by[t];
    }
    build_separable(f, pw, ph, &sp);
    return sp.terms;
}

struct skd_filter_set {
    size_t pw, ph, n;
    separable *sp;         /* n filters' tables */
    unsigned char *odd;    /* filter i odd in x and y (DXY): no pairs */
    unsigned char *even_y; /* filter i's y tables the same floats at ky and
                              -ky, as they should be */
    int pairs;             /* the complex inverse plan is made */
    size_t c0, nc;         /* the columns the pairs' inverse makes (nc = 0:
                              all) */
};

void skd_filter_set_free(skd_ctx *ctx, skd_filter_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; set->sp && i < set->n; i++)
        for (int t = 0; t < MAX_TERMS; t++) {
            skd_dealloc(ctx, set->sp[i].ax[t]);
            skd_dealloc(ctx, set->sp[i].by[t]);
        }
    skd_dealloc(ctx, set->sp);
    skd_dealloc(ctx, set->odd);
    skd_dealloc(ctx, set->even_y);
    skd_dealloc(ctx, set);
}

static int even_in_y(const separable *sp, size_t ph)
{
    for (int t = 0; t < sp->terms; t++)
        for (size_t ky = 1; ky < ph; ky++)
            if (memcmp(&sp->by[t][ky], &sp->by[t][ph - ky], sizeof(float)))
                return 0;
    return 1;
}

int skd_filter_set_create(skd_ctx *ctx, const skd_filter *filters, size_t n,
                          size_t pw, size_t ph, skd_filter_set **out)
{
    skd_filter_set *set;
    int st;
    *out = NULL;
    if ((st = skd_fft_prepare_inplace(ctx, pw, ph)) != SKD_OK)
        return st;
    set = skd_calloc(ctx, 1, sizeof *set);
    if (!set)
        return SKD_E_NOMEM;
    set->pw = pw;
    set->ph = ph;
    set->n = n;
    set->sp = skd_calloc(ctx, n ? n : 1, sizeof *set->sp);
    set->odd = skd_calloc(ctx, n ? n : 1, 1);
    set->even_y = skd_calloc(ctx, n ? n : 1, 1);
    if (!set->sp || !set->odd || !set->even_y) {
        skd_filter_set_free(ctx, set);
        return SKD_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        for (int t = 0; t < MAX_TERMS; t++) {
            set->sp[i].ax[t] = skd_malloc_array(ctx, pw / 2 + 1, sizeof(float));
            set->sp[i].by[t] = skd_malloc_array(ctx, ph, sizeof(float));
            if (!set->sp[i].ax[t] || !set->sp[i].by[t]) {
                skd_filter_set_free(ctx, set);
                return SKD_E_NOMEM;
            }
        }
        build_separable(&filters[i], pw, ph, &set->sp[i]);
        set->odd[i] = filters[i].kind == SKD_FILTER_DXY;
        set->even_y[i] = even_in_y(&set->sp[i], ph);
    }
    *out = set;
    return SKD_OK;
}

int skd_filter_set_create_pairs(skd_ctx *ctx, const skd_filter *filters,
                                size_t n, size_t pw, size_t ph,
                                skd_filter_set **out)
{
    int st = skd_fft_prepare_c2c(ctx, pw, ph);
    if (st == SKD_OK)
        st = skd_filter_set_create(ctx, filters, n, pw, ph, out);
    if (st == SKD_OK)
        (*out)->pairs = 1;
    return st;
}

int skd_filter_set_band(skd_ctx *ctx, skd_filter_set *set, size_t c0,
                        size_t nc)
{
    int st = skd_fft_prepare_c2c_band(ctx, set->pw, set->ph, c0, nc);
    if (st == SKD_OK) {
        set->c0 = c0;
        set->nc = nc;
    }
    return st;
}

int skd_filter_set_apply(skd_ctx *ctx, const skd_filter_set *set, size_t i,
                         const fftwf_complex *spectrum, fftwf_complex *buf)
{
    if (i >= set->n)
        return skd_fail(ctx, SKD_E_INTERNAL, "filter %zu of a set of %zu", i,
                        set->n);
    multiply_spectrum(spectrum, buf, set->pw / 2 + 1, set->ph, &set->sp[i]);
    return skd_fft_c2r_inplace(ctx, set->pw, set->ph, buf);
}

/* Row ky of Z = S (Ha + i Hb), the complex spectrum whose inverse is
 * (Ha * plane) + i (Hb * plane). S is the half spectrum of a real plane, so
 * Z at (-kx, -ky) is conj S(kx, ky) times the same transfer (both filters
 * are even): columns kx <= pw/2 of row ky come from row ky of S, the
 * others (pw - kx) from row -ky of S, read backwards, with the transfer of
 * that row. Each row of Z is written once, front to back. The tables are
 * even in ky too (f and -f give the same floats), so rows ky and -ky share
 * their transfer values and are made together. */
typedef struct pair_row {
    const float *a0, *a1, *b0, *b1; /* the x tables (a1, b1: a0, b0 when
                                       one term, with a zero y factor) */
    float ya0, ya1, yb0, yb1;       /* the y factors of S's row */
} pair_row;

static void pair_factors(const separable *a, const separable *b, size_t ky,
                         pair_row *r)
{
    r->a0 = a->ax[0];
    r->a1 = a->terms == 2 ? a->ax[1] : a->ax[0];
    r->b0 = b->ax[0];
    r->b1 = b->terms == 2 ? b->ax[1] : b->ax[0];
    r->ya0 = a->by[0][ky];
    r->ya1 = a->terms == 2 ? a->by[1][ky] : 0.0f;
    r->yb0 = b->by[0][ky];
    r->yb1 = b->terms == 2 ? b->by[1][ky] : 0.0f;
}

/* S (ga + i gb) at bin kx of src, or for a mirrored column conj S (ga +
 * i gb) conjugated back: the products in the order every path rounds. */
static inline void pair_bin(const float *restrict src, const pair_row *r,
                            size_t kx, int mirror, float *restrict dst)
{
    float ga = r->a0[kx] * r->ya0 + r->a1[kx] * r->ya1;
    float gb = r->b0[kx] * r->yb0 + r->b1[kx] * r->yb1;
    float re = src[2 * kx], im = src[2 * kx + 1];
    float p1 = re * ga, p2 = im * gb, p3 = re * gb, p4 = im * ga;
    dst[0] = mirror ? p1 + p2 : p1 - p2;
    dst[1] = mirror ? p3 - p4 : p3 + p4;
}

/* Rows ky (out, from S row `row`) and, when other is not NULL, -ky (other,
 * from S row `back`): columns c < nx are bins c, the others bins pw - c of
 * the opposite row, conjugated. */
#if defined(__SSE2__)
#include <emmintrin.h>

static inline void transfer4(const pair_row *r, size_t kx, __m128 *ga,
                             __m128 *gb)
{
    *ga = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(r->a0 + kx), _mm_set1_ps(r->ya0)),
                     _mm_mul_ps(_mm_loadu_ps(r->a1 + kx), _mm_set1_ps(r->ya1)));
    *gb = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(r->b0 + kx), _mm_set1_ps(r->yb0)),
                     _mm_mul_ps(_mm_loadu_ps(r->b1 + kx), _mm_set1_ps(r->yb1)));
}

/* Bins kx .. kx + 3 of src (as 8 floats) times the transfer, stored at
 * dst in that order or (mirror) conjugated and reversed. */
static inline void products4(const float *restrict src, __m128 ga, __m128 gb,
                             int mirror, float *restrict dst)
{
    __m128 v0 = _mm_loadu_ps(src), v1 = _mm_loadu_ps(src + 4);
    __m128 re = _mm_shuffle_ps(v0, v1, _MM_SHUFFLE(2, 0, 2, 0));
    __m128 im = _mm_shuffle_ps(v0, v1, _MM_SHUFFLE(3, 1, 3, 1));
    __m128 p1 = _mm_mul_ps(re, ga), p2 = _mm_mul_ps(im, gb);
    __m128 p3 = _mm_mul_ps(re, gb), p4 = _mm_mul_ps(im, ga);
    __m128 zr = mirror ? _mm_add_ps(p1, p2) : _mm_sub_ps(p1, p2);
    __m128 zi = mirror ? _mm_sub_ps(p3, p4) : _mm_add_ps(p3, p4);
    if (mirror) {
        zr = _mm_shuffle_ps(zr, zr, _MM_SHUFFLE(0, 1, 2, 3));
        zi = _mm_shuffle_ps(zi, zi, _MM_SHUFFLE(0, 1, 2, 3));
    }
    _mm_storeu_ps(dst, _mm_unpacklo_ps(zr, zi));
    _mm_storeu_ps(dst + 4, _mm_unpackhi_ps(zr, zi));
}

static void pair_z_rows(const float *restrict row, const float *restrict back,
                        float *restrict out, float *restrict other, size_t pw,
                        const pair_row *f, const pair_row *fb)
{
    size_t nx = pw / 2 + 1, kx = 0, c = nx;
    __m128 ga, gb;
    for (; kx + 4 <= nx; kx += 4) {
        transfer4(f, kx, &ga, &gb);
        products4(row + 2 * kx, ga, gb, 0, out + 2 * kx);
        if (other)
            products4(back + 2 * kx, ga, gb, 0, other + 2 * kx);
    }
    for (; kx < nx; kx++) {
        pair_bin(row, f, kx, 0, out + 2 * kx);
        if (other)
            pair_bin(back, f, kx, 0, other + 2 * kx);
    }
    /* columns c .. c + 3 are bins pw - c .. pw - c - 3 */
    for (; c + 4 <= pw; c += 4) {
        transfer4(fb, pw - c - 3, &ga, &gb);
        products4(back + 2 * (pw - c - 3), ga, gb, 1, out + 2 * c);
        if (other)
            products4(row + 2 * (pw - c - 3), ga, gb, 1, other + 2 * c);
    }
    for (; c < pw; c++) {
        pair_bin(back, fb, pw - c, 1, out + 2 * c);
        if (other)
            pair_bin(row, fb, pw - c, 1, other + 2 * c);
    }
}
#else
static void pair_z_rows(const float *restrict row, const float *restrict back,
                        float *restrict out, float *restrict other, size_t pw,
                        const pair_row *f, const pair_row *fb)
{
    size_t nx = pw / 2 + 1;
    for (size_t kx = 0; kx < nx; kx++) {
        pair_bin(row, f, kx, 0, out + 2 * kx);
        if (other)
            pair_bin(back, f, kx, 0, other + 2 * kx);
    }
    for (size_t c = nx; c < pw; c++) {
        pair_bin(back, fb, pw - c, 1, out + 2 * c);
        if (other)
            pair_bin(row, fb, pw - c, 1, other + 2 * c);
    }
}
#endif

int skd_filter_set_apply_pair(skd_ctx *ctx, const skd_filter_set *set,
                              size_t i, size_t j,
                              const fftwf_complex *spectrum,
                              fftwf_complex *scratch, fftwf_complex *out)
{
    size_t nx = set->pw / 2 + 1, rs = skd_fft_c2c_row(set->pw);
    if (i >= set->n || j >= set->n || !set->pairs || set->odd[i] ||
        set->odd[j])
        return skd_fail(ctx, SKD_E_INTERNAL, "filters %zu and %zu of a set of "
                        "%zu cannot be paired", i, j, set->n);
    int even = set->even_y[i] && set->even_y[j];
    for (size_t ky = 0; ky < set->ph; ky++) {
        size_t back = (set->ph - ky) % set->ph;
        pair_row f, fb;
        if (even && back < ky)
            continue; /* made with row back */
        pair_factors(&set->sp[i], &set->sp[j], ky, &f);
        pair_factors(&set->sp[i], &set->sp[j], back, &fb);
        pair_z_rows((const float *)(spectrum + ky * nx),
                    (const float *)(spectrum + back * nx),
                    (float *)(scratch + ky * rs),
                    even && back != ky ? (float *)(scratch + back * rs) : NULL,
                    set->pw, &f, &fb);
    }
    if (set->nc)
        return skd_fft_c2c_inverse_band(ctx, set->pw, set->ph, set->c0,
                                        set->nc, scratch, out);
    return skd_fft_c2c_inverse(ctx, set->pw, set->ph, scratch, out);
}
