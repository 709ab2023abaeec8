/* FFT filter engine on fftw3f: mirror padding, cached plans, a forward
 * spectrum that serves many filters. Sigmas are in pixels here. */
#ifndef SKD_FFT_H
#define SKD_FFT_H

#include <fftw3.h>
#include <stddef.h>

#include "../core/core.h"

/* Filters, defined by their continuous transfer functions evaluated on the
 * DFT grid (f in cycles per pixel): Gaussian g(f) = exp(-2 pi^2 s^2 |f|^2). */
typedef enum skd_filter_kind {
    SKD_FILTER_GAUSS = 0, /* G_s1 */
    SKD_FILTER_DOG = 1,   /* G_s1 - G_s2 */
    SKD_FILTER_LOGN = 2,  /* s1^2 * laplacian(G_s1): dark blob -> positive
                             after the sign flip below */
    SKD_FILTER_DXX = 3,   /* d2/dx2 (G_s1) */
    SKD_FILTER_DYY = 4,   /* d2/dy2 (G_s1) */
    SKD_FILTER_DXY = 5    /* d2/dxdy (G_s1) */
} skd_filter_kind;

/* Note on LOGN: docs/measurements.md defines D = s^2 lap(G * l), which is positive at
 * a dark blob (a minimum of l has positive curvature). No flip is applied. */
typedef struct skd_filter {
    skd_filter_kind kind;
    double s1, s2;
} skd_filter;

/* The forward transform of one mirror-padded plane. */
typedef struct skd_spectrum {
    size_t w, h;    /* plane size */
    size_t pw, ph;  /* padded size, FFT-friendly */
    size_t ox, oy;  /* where the plane sits inside the padded one */
    fftwf_complex *data; /* ph rows of pw/2+1 bins */
} skd_spectrum;

/* Smallest n' >= n whose prime factors are 2, 3, 5 and 7 only. */
size_t skd_fft_good_size(size_t n);

/* Mirror-pad plane (w x h) by at least `margin` pixels on each side (more
 * to reach an FFT-friendly size), then transform. The padding reflects
 * about the edge pixel centre's outer half ("dcba|abcd|dcba"), so a filter
 * whose support fits in the margin never sees wrap-around. */
int skd_spectrum_forward(skd_ctx *ctx, const float *plane, size_t w, size_t h,
                         size_t margin, skd_spectrum **out);
void skd_spectrum_free(skd_ctx *ctx, skd_spectrum *s);

/* Apply n filters to one spectrum; out[i] receives the w x h result of
 * filter i. Runs on up to SKD_OPT_THREADS threads, one filter per thread at
 * a time, so results do not depend on the thread count. */
int skd_spectrum_filter(skd_ctx *ctx, const skd_spectrum *s,
                        const skd_filter *filters, size_t n, float *const *out);

/* n independent w x h planes, each through the same filter f, mirror
 * padded as skd_spectrum_forward(margin) pads: dst[i] = f * src[i], dst[i]
 * not src[i]. Wide low-pass filters (skd_lowpass_pays: a Gaussian or its
 * second derivatives of sigma above about 5 px) go through the pruned
 * cosine transform (skd_lowpass_run), which filters the whole mirror-
 * extended plane. The others are computed tile by tile (tiles of a few
 * hundred pixels plus the margin on each side), so the result equals the
 * whole-plane one up to the filter's weight beyond the margin. Either way
 * on up to SKD_OPT_THREADS threads, which do not change any result. */
int skd_fft_filter_planes(skd_ctx *ctx, const float *const *src,
                          float *const *dst, size_t n, size_t w, size_t h,
                          size_t margin, const skd_filter *f);

/* The 1-D transfer tables of f on a pw x ph grid, as the products use them
 * (the 1/(pw ph) of the inverse transforms folded into ax): the transfer at
 * (kx, ky) is sum over t < terms of ax[t][kx] * by[t][ky]. ax[t] holds
 * pw/2+1 entries, by[t] ph; both pairs must be allocated. Returns terms. */
int skd_filter_tables(const skd_filter *f, size_t pw, size_t ph,
                      float *const ax[2], float *const by[2]);

/* Wide low-pass filters (a Gaussian of many pixels) by a pruned transform
 * (lowpass.c). A mirror-extended plane is periodic, so the filter is a
 * product on its cosine transform: every row is transformed, only the
 * coefficients where the transfer function is not negligible go on to the
 * column transforms and the products, and only wanted rows are transformed
 * back. The result is the whole mirror-extended plane filtered (no tile or
 * margin truncation) when w and h are FFT-friendly; otherwise the rows or
 * columns are mirror padded at their end by at least `margin` first. */
typedef struct skd_lowpass skd_lowpass;

/* Where the rows come from and go to. Called on worker threads: load may
 * run for any row at any time before the first dest or store; dest and
 * store once for each wanted row, after every load. */
typedef struct skd_lowpass_io {
    size_t nplanes; /* 1 .. SKD_LOWPASS_MAX_PLANES */
    /* Row y (< h) of input plane p: w floats that stay unchanged during
     * the run, either scratch filled or the plane's own row; or NULL when
     * every pixel of the row has the value written to scratch[0]. */
    const float *(*load)(void *user, size_t p, size_t y, float *scratch);
    /* Which planes' row y is needed: bit p for plane p, 0 for none; NULL:
     * every row of every plane. */
    unsigned (*wanted)(void *user, size_t y);
    /* Where row y of filtered plane p is written (w floats); NULL, or a
     * NULL result: a scratch row. */
    float *(*dest)(void *user, size_t p, size_t y);
    /* Then rows[p] = row y of filtered plane p (may be changed), NULL for
     * the planes not wanted; NULL: no call. */
    void (*store)(void *user, size_t y, float *const *rows);
    void *user;
} skd_lowpass_io;
#define SKD_LOWPASS_MAX_PLANES 4

/* Set up an even filter f (every kind but DXY) for w x h planes; margin:
 * the padding where a size is not FFT-friendly. Plans are made by
 * skd_lowpass_run. */
int skd_lowpass_create(skd_ctx *ctx, const skd_filter *f, size_t w, size_t h,
                       size_t margin, skd_lowpass **out);
/* Whether pruning pays: f keeps few enough coefficients (else the tiled
 * path is as fast and needs less memory). */
int skd_lowpass_pays(const skd_lowpass *lp);
void skd_lowpass_free(skd_ctx *ctx, skd_lowpass *lp);
/* The whole plane, on up to SKD_OPT_THREADS threads. Every value is
 * computed the same way whatever thread computes it, so results do not
 * depend on the thread count. */
int skd_lowpass_run(skd_ctx *ctx, const skd_lowpass *lp,
                    const skd_lowpass_io *io);
/* Geometry, for tests and benchmarks: transform lengths along x and y and
 * the coefficients kept along each. */
void skd_lowpass_geometry(const skd_lowpass *lp, size_t *nx, size_t *ny,
                          size_t *kx, size_t *ky);

/* Index into a plane of length n for any integer i, reflecting about the
 * outer edges of the end pixels ("dcba|abcd|dcba"): the mirror padding of
 * every filter path. */
static inline size_t skd_fft_reflect(long long i, size_t n)
{
    long long period = 2 * (long long)n;
    long long r = i % period;
    if (r < 0)
        r += period;
    return (size_t)(r < (long long)n ? r : period - 1 - r);
}

/* Padded geometry of a w x h plane with margin (s->data untouched), the
 * floats per row of an in-place transform's buffer (2 (pw/2 + 1)), and the
 * mirror padding written into such a buffer. */
int skd_fft_geometry(skd_ctx *ctx, size_t w, size_t h, size_t margin,
                     skd_spectrum *s);
size_t skd_fft_row_floats(size_t pw);
void skd_fft_pad(const float *plane, const skd_spectrum *s, float *padded);
/* A pw x ph window of the plane (w x h) whose element (0, 0) is pixel
 * (x0, y0), which may lie outside: pixels outside the plane are mirrored
 * as in skd_fft_pad, so a window of the padded plane is the same numbers. */
void skd_fft_pad_window(const float *plane, size_t w, size_t h, long long x0,
                        long long y0, size_t pw, size_t ph, float *padded);

/* Transfer tables of n filters on one padded size, made once and then
 * read-only, so threads can share them (the in-place plans of that size
 * are made too). */
typedef struct skd_filter_set skd_filter_set;
int skd_filter_set_create(skd_ctx *ctx, const skd_filter *filters, size_t n,
                          size_t pw, size_t ph, skd_filter_set **out);
void skd_filter_set_free(skd_ctx *ctx, skd_filter_set *set);
/* buf = filter i times spectrum (ph rows of pw/2+1 bins), then the inverse
 * transform in place: buf holds the filtered real plane, rows
 * skd_fft_row_floats(pw) floats apart. Safe on several threads at once. */
int skd_filter_set_apply(skd_ctx *ctx, const skd_filter_set *set, size_t i,
                         const fftwf_complex *spectrum, fftwf_complex *buf);
/* Filters i and j (both even: not DXY) in one complex inverse
 * transform, which costs less than two real ones: the real parts of out
 * (ph rows of skd_fft_c2c_row(pw) complex) get filter i times spectrum,
 * the imaginary parts filter j; scratch (the same size) holds the
 * products on the way. The set must have been made with
 * skd_filter_set_create_pairs. Safe on several threads at once. */
int skd_filter_set_apply_pair(skd_ctx *ctx, const skd_filter_set *set,
                              size_t i, size_t j,
                              const fftwf_complex *spectrum,
                              fftwf_complex *scratch, fftwf_complex *out);
/* skd_filter_set_create, and the complex inverse plan of that size. */
int skd_filter_set_create_pairs(skd_ctx *ctx, const skd_filter *filters,
                                size_t n, size_t pw, size_t ph,
                                skd_filter_set **out);
/* From here skd_filter_set_apply_pair makes only columns [c0, c0 + nc) of
 * out (the others hold intermediate values): skd_fft_c2c_inverse_band. */
int skd_filter_set_band(skd_ctx *ctx, skd_filter_set *set, size_t c0,
                        size_t nc);


/* Margin (pixels) a filter with largest sigma s needs: ceil(4 s) + 2. */
size_t skd_fft_margin(double sigma);

/* Raw access for registration: cached plans on padded sizes, buffers from
 * skd_fft_alloc (FFTW-aligned, NULL + SKD_E_NOMEM on failure). */
void *skd_fft_alloc(skd_ctx *ctx, size_t bytes);
void skd_fft_dealloc(skd_ctx *ctx, void *p);
/* Out-of-place transforms on pw x ph; plans are made (under the planner
 * lock) on first use of a size. */
int skd_fft_r2c(skd_ctx *ctx, size_t pw, size_t ph, float *in,
                fftwf_complex *out);
int skd_fft_c2r(skd_ctx *ctx, size_t pw, size_t ph, fftwf_complex *in,
                float *out); /* unnormalised: divide by pw*ph; destroys in */

/* In-place transforms on one buffer of ph rows of pw/2+1 complex (the real
 * plane has rows of skd_fft_row_floats(pw) floats). Plans are cached like
 * the out-of-place ones; prepare before starting threads. */
int skd_fft_prepare_inplace(skd_ctx *ctx, size_t pw, size_t ph);
int skd_fft_r2c_inplace(skd_ctx *ctx, size_t pw, size_t ph, float *buf);
int skd_fft_c2r_inplace(skd_ctx *ctx, size_t pw, size_t ph, fftwf_complex *buf);

/* Out-of-place complex inverse (backward, unnormalised) transform of ph
 * rows of pw complex, rows skd_fft_c2c_row(pw) complex apart (a few more
 * than pw: see plan_cache.c) in both buffers; in is destroyed. Cached like
 * the others; prepare before threads. */
size_t skd_fft_c2c_row(size_t pw);
int skd_fft_prepare_c2c(skd_ctx *ctx, size_t pw, size_t ph);
int skd_fft_c2c_inverse(skd_ctx *ctx, size_t pw, size_t ph, fftwf_complex *in,
                        fftwf_complex *out);
/* The same inverse where only columns [c0, c0 + nc) of out are wanted:
 * those equal skd_fft_c2c_inverse's (bit for bit with estimated plans:
 * test_fft_band); the other columns of out hold intermediate values.
 * Prepare each band before threads execute it. */
int skd_fft_prepare_c2c_band(skd_ctx *ctx, size_t pw, size_t ph, size_t c0,
                             size_t nc);
int skd_fft_c2c_inverse_band(skd_ctx *ctx, size_t pw, size_t ph, size_t c0,
                             size_t nc, fftwf_complex *in, fftwf_complex *out);

/* 1-D real transforms of length n, out of place (r2c: n floats to n/2+1
 * complex; c2r back, unnormalised, destroying its input). Cached like the
 * others; prepare before starting threads that execute them. The handles
 * stay valid until skd_fft_cache_free. */
typedef struct skd_fft_plans_1d {
    fftwf_plan r2c, c2r;
} skd_fft_plans_1d;
int skd_fft_prepare_1d(skd_ctx *ctx, size_t n, skd_fft_plans_1d *out);

void skd_fft_cache_free(skd_ctx *ctx);

/* Wisdom import/export, serialised with planning. */
int skd_fft_wisdom_load(skd_ctx *ctx, const char *path);
int skd_fft_wisdom_save(skd_ctx *ctx, const char *path);

/* Multi-rate Gaussians (multirate.c; docs/performance.md, "Multi-rate
 * filtering"): G_sigma * plane for sigma >= 2 px on a grid decimated by
 * D = 2^shift (properly low-passed first) and interpolated back, within
 * the tolerances docs/performance.md states (measured by test_multirate).
 * skd_multirate_shift chooses the shift for a sigma and a plane size: the
 * largest with sigma / D >= SKD_MULTIRATE_MIN_SIGMA and a coarse plane of
 * at least SKD_MULTIRATE_MIN_COARSE samples each way, 0 for single rate. */
#define SKD_MULTIRATE_MIN_SIGMA 4.0
#define SKD_MULTIRATE_MIN_COARSE 16
#define SKD_MULTIRATE_MAX_SHIFT 3
#define SKD_MULTIRATE_MAX_FACTOR 8 /* 2^SKD_MULTIRATE_MAX_SHIFT */
unsigned skd_multirate_shift(double sigma_px, size_t w, size_t h);

/* A plane decimated by 2^shift: cw x ch samples v (row-major), sample
 * (i, j) at fine pixel (D i + (D-1)/2, D j + (D-1)/2); xi, xt: the
 * interpolation table along x. */
typedef struct skd_coarse {
    size_t w, h;   /* the fine plane */
    unsigned shift;
    size_t cw, ch;
    float *v;
    uint32_t *xi;
    float *xt;
} skd_coarse;

/* Row y (< h) of the fine plane: w floats, either scratch filled or the
 * plane's own row. Called on worker threads, possibly more than once for
 * a row. */
typedef const float *(*skd_coarse_load)(void *user, size_t y, float *scratch);

/* Decimate the w x h plane that load gives by 2^shift (1..MAX_SHIFT);
 * margin: how far beyond the plane's end the coarse plane must run where
 * 2^shift does not divide a size (the filter's margin, skd_fft_margin).
 * On up to SKD_OPT_THREADS threads; results do not depend on them. */
int skd_coarse_reduce(skd_ctx *ctx, size_t w, size_t h, unsigned shift,
                      size_t margin, skd_coarse_load load, void *user,
                      skd_coarse *c);
/* Filter the coarse plane so that, interpolated back, it is G_sigma_px
 * (sigma in fine pixels) of the fine plane. */
int skd_coarse_gauss(skd_ctx *ctx, skd_coarse *c, double sigma_px);
/* Fine row y interpolated back into out (w floats); tmp: cw + 2 floats of
 * scratch. */
void skd_coarse_row(const skd_coarse *c, size_t y, float *tmp, float *out);
/* The same values at single pixels of fine row y (where only a few of a
 * row's pixels are wanted): skd_coarse_line_at sets up the row, then
 * skd_coarse_at gives pixel x of it, equal to skd_coarse_row's out[x]. */
typedef struct skd_coarse_line {
    const float *a, *b; /* the coarse rows above and below */
    float s, t;         /* their weights */
} skd_coarse_line;
void skd_coarse_line_at(const skd_coarse *c, size_t y, skd_coarse_line *ln);
float skd_coarse_at(const skd_coarse *c, const skd_coarse_line *ln, size_t x);
void skd_coarse_free(skd_ctx *ctx, skd_coarse *c);

#endif
