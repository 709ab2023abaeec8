/* Phase correlation and sub-pixel peak location. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "../fft/fft.h"
#include "register.h"

static double freq(size_t k, size_t n) /* cycles per pixel, signed */
{
    return (k <= n / 2 ? (double)k : (double)k - (double)n) / (double)n;
}

static double gauss_f(double f, double s)
{
    return exp(-2.0 * M_PI * M_PI * s * s * f * f);
}

/* Band weight tables: w(fx, fy) = gx gy (1 - lx ly). */
typedef struct band {
    double *gx, *lx, *gy, *ly;
} band;

static void band_free(skd_ctx *ctx, band *b)
{
    skd_dealloc(ctx, b->gx);
    skd_dealloc(ctx, b->lx);
    skd_dealloc(ctx, b->gy);
    skd_dealloc(ctx, b->ly);
    b->gx = b->lx = b->gy = b->ly = NULL;
}

static int band_make(skd_ctx *ctx, size_t pw, size_t ph, double sigma,
                     double sigma_lo, band *b, double *norm)
{
    size_t nx = pw / 2 + 1;
    double sum_x0 = 0, sum_x1 = 0, sum_y0 = 0, sum_y1 = 0;
    b->gx = skd_malloc_array(ctx, nx, sizeof(double));
    b->lx = skd_malloc_array(ctx, nx, sizeof(double));
    b->gy = skd_malloc_array(ctx, ph, sizeof(double));
    b->ly = skd_malloc_array(ctx, ph, sizeof(double));
    if (!b->gx || !b->lx || !b->gy || !b->ly) {
        band_free(ctx, b);
        return SKD_E_NOMEM;
    }
    for (size_t k = 0; k < nx; k++) {
        double f = freq(k, pw);
        b->gx[k] = gauss_f(f, sigma);
        b->lx[k] = gauss_f(f, sigma_lo);
    }
    /* The full grid has every kx once: sum over 0..pw-1 directly. */
    for (size_t k = 0; k < pw; k++) {
        double f = freq(k, pw);
        sum_x0 += gauss_f(f, sigma);
        sum_x1 += gauss_f(f, sigma) * gauss_f(f, sigma_lo);
    }
    for (size_t k = 0; k < ph; k++) {
        double f = freq(k, ph);
        b->gy[k] = gauss_f(f, sigma);
        b->ly[k] = gauss_f(f, sigma_lo);
        sum_y0 += b->gy[k];
        sum_y1 += b->gy[k] * b->ly[k];
    }
    *norm = sum_x0 * sum_y0 - sum_x1 * sum_y1;
    return SKD_OK;
}

static void whiten(fftwf_complex *restrict fa, const fftwf_complex *restrict fb,
                   size_t nx, size_t ph, const band *b)
{
    for (size_t ky = 0; ky < ph; ky++) {
        fftwf_complex *ra = fa + ky * nx;
        const fftwf_complex *rb = fb + ky * nx;
        double gy = b->gy[ky], ly = b->ly[ky];
        for (size_t kx = 0; kx < nx; kx++) {
            double re = (double)ra[kx][0] * rb[kx][0] + (double)ra[kx][1] * rb[kx][1];
            double im = (double)ra[kx][1] * rb[kx][0] - (double)ra[kx][0] * rb[kx][1];
            double m = sqrt(re * re + im * im);
            double w = b->gx[kx] * gy * (1.0 - b->lx[kx] * ly);
            if (m > 1e-30) {
                ra[kx][0] = (float)(re * w / m);
                ra[kx][1] = (float)(im * w / m);
            } else {
                ra[kx][0] = ra[kx][1] = 0.0f;
            }
        }
    }
}

int skd_reg_phase_correlate(skd_ctx *ctx, float *a, float *b, size_t pw,
                            size_t ph, double sigma, double sigma_lo,
                            float *surface)
{
    size_t nx = pw / 2 + 1, n = pw * ph;
    fftwf_complex *fa = skd_fft_alloc(ctx, nx * ph * sizeof *fa);
    fftwf_complex *fb = skd_fft_alloc(ctx, nx * ph * sizeof *fb);
    band bw = {0};
    double norm = 1.0;
    int st = (fa && fb) ? SKD_OK : SKD_E_NOMEM;
    if (st == SKD_OK)
        st = band_make(ctx, pw, ph, sigma, sigma_lo, &bw, &norm);
    if (st == SKD_OK)
        st = skd_fft_r2c(ctx, pw, ph, a, fa);
    if (st == SKD_OK)
        st = skd_fft_r2c(ctx, pw, ph, b, fb);
    if (st == SKD_OK) {
        whiten(fa, fb, nx, ph, &bw);
        st = skd_fft_c2r(ctx, pw, ph, fa, surface);
    }
    if (st == SKD_OK) {
        float inv = (float)(1.0 / norm);
        for (size_t i = 0; i < n; i++)
            surface[i] *= inv;
    }
    band_free(ctx, &bw);
    skd_fft_dealloc(ctx, fa);
    skd_fft_dealloc(ctx, fb);
    return st;
}

static float at(const float *s, size_t pw, size_t ph, ptrdiff_t x, ptrdiff_t y)
{
    ptrdiff_t w = (ptrdiff_t)pw, h = (ptrdiff_t)ph;
    x = ((x % w) + w) % w;
    y = ((y % h) + h) % h;
    return s[(size_t)y * pw + (size_t)x];
}

/* Offset of the top of a peak sampled at -1, 0, +1: log-parabola (exact for
 * a Gaussian peak) when all three are positive, else a parabola. */
static double vertex(float m, float c, float p)
{
    double d;
    if (m <= -FLT_MAX || p <= -FLT_MAX)
        return 0.0;
    if (m > 0 && c > 0 && p > 0) {
        double lm = log(m), lc = log(c), lp = log(p);
        double den = lm - 2.0 * lc + lp;
        d = den < 0 ? 0.5 * (lm - lp) / den : 0.0;
    } else {
        double den = (double)m - 2.0 * c + p;
        d = den < 0 ? 0.5 * ((double)m - p) / den : 0.0;
    }
    return d > 0.5 ? 0.5 : (d < -0.5 ? -0.5 : d);
}

static double wrap_dist(double a, double b, size_t n)
{
    double d = fabs(a - b);
    return d > (double)n / 2.0 ? (double)n - d : d;
}

static int is_local_max(const float *s, size_t pw, size_t ph, size_t x,
                        size_t y)
{
    float c = s[y * pw + x];
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
            if ((dx || dy) && at(s, pw, ph, (ptrdiff_t)x + dx,
                                 (ptrdiff_t)y + dy) > c)
                return 0;
    return 1;
}

size_t skd_reg_find_peaks(const float *s, size_t pw, size_t ph,
                          size_t max_peaks, double min_sep, skd_reg_peak *out)
{
    size_t found = 0;
    while (found < max_peaks) {
        size_t bx = 0, by = 0;
        float best = -FLT_MAX;
        for (size_t y = 0; y < ph; y++)
            for (size_t x = 0; x < pw; x++) {
                float v = s[y * pw + x];
                int near = 0;
                if (!(v > best))
                    continue;
                for (size_t k = 0; k < found && !near; k++)
                    near = hypot(wrap_dist((double)x, out[k].x, pw),
                                 wrap_dist((double)y, out[k].y, ph)) < min_sep;
                if (!near && is_local_max(s, pw, ph, x, y)) {
                    best = v;
                    bx = x;
                    by = y;
                }
            }
        if (best <= -FLT_MAX)
            break;
        {
            ptrdiff_t ix = (ptrdiff_t)bx, iy = (ptrdiff_t)by;
            double ox = vertex(at(s, pw, ph, ix - 1, iy), best,
                               at(s, pw, ph, ix + 1, iy));
            double oy = vertex(at(s, pw, ph, ix, iy - 1), best,
                               at(s, pw, ph, ix, iy + 1));
            double x = (double)bx + ox, y = (double)by + oy;
            out[found].x = x < 0 ? x + (double)pw : x;
            out[found].y = y < 0 ? y + (double)ph : y;
            out[found].value = best;
        }
        found++;
    }
    return found;
}
