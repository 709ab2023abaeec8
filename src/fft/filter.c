/* Filters as products in the frequency domain. Every transfer function used
 * is a sum of at most two separable terms a(fx) b(fy), so each filter costs
 * two small 1-D tables and one multiply-add per frequency bin. */
#include <math.h>
#include <pthread.h>
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

static void multiply_spectrum(const fftwf_complex *restrict in,
                              fftwf_complex *restrict out, size_t nx,
                              size_t ph, const separable *sp)
{
    for (size_t ky = 0; ky < ph; ky++) {
        const fftwf_complex *src = in + ky * nx;
        fftwf_complex *dst = out + ky * nx;
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
}

typedef struct worker {
    skd_ctx *ctx; /* used only for executing plans made beforehand */
    const skd_spectrum *s;
    const skd_filter *filters;
    float *const *out;
    size_t n, first, step;
    fftwf_complex *scratch;
    float *real;
    separable sp;
    int status;
} worker;

static void crop(const float *restrict real, const skd_spectrum *s,
                 float *restrict out)
{
    for (size_t y = 0; y < s->h; y++)
        memcpy(out + y * s->w, real + (y + s->oy) * s->pw + s->ox,
               s->w * sizeof *out);
}

static void *run_worker(void *arg)
{
    worker *wk = arg;
    const skd_spectrum *s = wk->s;
    for (size_t i = wk->first; i < wk->n; i += wk->step) {
        build_separable(&wk->filters[i], s->pw, s->ph, &wk->sp);
        multiply_spectrum(s->data, wk->scratch, s->pw / 2 + 1, s->ph, &wk->sp);
        wk->status = skd_fft_c2r(wk->ctx, s->pw, s->ph, wk->scratch, wk->real);
        if (wk->status != SKD_OK)
            break;
        crop(wk->real, s, wk->out[i]);
    }
    return NULL;
}

static void worker_free(skd_ctx *ctx, worker *wk)
{
    skd_fft_dealloc(ctx, wk->scratch);
    skd_fft_dealloc(ctx, wk->real);
    for (int t = 0; t < MAX_TERMS; t++) {
        skd_dealloc(ctx, wk->sp.ax[t]);
        skd_dealloc(ctx, wk->sp.by[t]);
    }
}

static int worker_alloc(skd_ctx *ctx, const skd_spectrum *s, worker *wk)
{
    size_t nx = s->pw / 2 + 1;
    wk->scratch = skd_fft_alloc(ctx, nx * s->ph * sizeof(fftwf_complex));
    wk->real = skd_fft_alloc(ctx, s->pw * s->ph * sizeof(float));
    if (!wk->scratch || !wk->real)
        return SKD_E_NOMEM;
    for (int t = 0; t < MAX_TERMS; t++) {
        wk->sp.ax[t] = skd_malloc_array(ctx, nx, sizeof(float));
        wk->sp.by[t] = skd_malloc_array(ctx, s->ph, sizeof(float));
        if (!wk->sp.ax[t] || !wk->sp.by[t])
            return SKD_E_NOMEM;
    }
    return SKD_OK;
}

#define MAX_THREADS 64

int skd_spectrum_filter(skd_ctx *ctx, const skd_spectrum *s,
                        const skd_filter *filters, size_t n, float *const *out)
{
    worker wk[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    size_t nthreads = (size_t)skd_opt(ctx, SKD_OPT_THREADS);
    int st = SKD_OK;

    if (n == 0)
        return SKD_OK;
    if (nthreads > n)
        nthreads = n;
    if (nthreads > MAX_THREADS)
        nthreads = MAX_THREADS;
    if (nthreads < 1)
        nthreads = 1;
    /* Plan now, on this thread: workers only look plans up and execute. */
    st = skd_fft_prepare(ctx, s->pw, s->ph);

    memset(wk, 0, sizeof wk);
    for (size_t t = 0; t < nthreads && st == SKD_OK; t++) {
        wk[t] = (worker){.ctx = ctx, .s = s, .filters = filters, .out = out,
                         .n = n, .first = t, .step = nthreads};
        st = worker_alloc(ctx, s, &wk[t]);
    }
    if (st == SKD_OK) {
        size_t started = 1;
        for (size_t t = 1; t < nthreads; t++) {
            if (pthread_create(&tid[t], NULL, run_worker, &wk[t]) != 0)
                break;
            started++;
        }
        /* Filters of threads that could not start run here, in order. */
        for (size_t t = started; t < nthreads; t++)
            run_worker(&wk[t]);
        run_worker(&wk[0]);
        for (size_t t = 1; t < started; t++)
            pthread_join(tid[t], NULL);
        for (size_t t = 0; t < nthreads; t++)
            if (wk[t].status != SKD_OK && st == SKD_OK)
                st = wk[t].status;
    }
    for (size_t t = 0; t < nthreads; t++)
        worker_free(ctx, &wk[t]);
    return st;
}
