/* The roundness test of a pore candidate: the exact Hessian of L_k =
 * G_sigma_k * l (the derivatives of the continuous transfer functions, as
 * docs/measurements.md asks), from the filled luminance itself. It needs no L_k plane
 * and no inverse transform: the derivatives of L_k are separable sums over
 * the mirror-padded l with the 1-D kernel that a tile's FFT applies and
 * its exact first and second derivatives, a few thousand multiply-adds at
 * each of the few candidates instead of three transforms of every pixel.
 * (Central differences of L_k, as before 0.3, read an elongated spot of
 * eigenvalue ratio 0.52 at sigma 0.7 px as 0.69.) */
#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "metrics.h"

/* The Gaussian's transfer function G(f) = exp(-2 pi^2 sigma^2 f^2) times
 * (2 pi f)^p sampled on the N-point DFT grid and transformed back: the
 * kernel g(i) = (1/N) sum_j G(f_j) cos(2 pi f_j i) (p = 0), its second
 * derivative g''(i) = -(1/N) sum_j 4 pi^2 f_j^2 G(f_j) cos(2 pi f_j i)
 * (p = 2) and its first g'(i) = -(1/N) sum_j 2 pi f_j G(f_j)
 * sin(2 pi f_j i) (p = 1), f_j = j/N for j <= N/2 and (j - N)/N above:
 * the derivatives of the continuous transfer functions, exactly what the
 * tile's FFT does for D_k, so that sigma^2 (Lxx + Lyy) = D_k (docs/measurements.md:
 * the roundness test takes the exact Hessian). The sums fold onto
 * 0 <= j <= N/2, the Nyquist bin (even N) counted once (it adds nothing
 * to the sine). */
static double periodic_gauss(double sigma, size_t n, size_t i, int p)
{
    double sum = p == 0 ? 1.0 : 0.0; /* j = 0 */
    for (size_t j = 1; 2 * j <= n; j++) {
        double f = (double)j / (double)n, w = 2.0 * M_PI * f;
        double gf = exp(-2.0 * M_PI * M_PI * sigma * sigma * f * f);
        double fold = 2 * j == n ? 1.0 : 2.0;
        if (gf < 1e-30)
            break; /* the rest adds nothing a double can hold */
        if (p == 0)
            sum += fold * gf * cos(w * (double)i);
        else if (p == 2)
            sum -= fold * w * w * gf * cos(w * (double)i);
        else
            sum -= fold * w * gf * sin(w * (double)i);
    }
    return sum / (double)n;
}

/* Taps 0..r of g, g'' and -2 g' (the factor 2 and the sign keep the
 * layout of central differences, d1(i) = g(i-1) - g(i+1), which the sums
 * below and the division of Lxy by 4 expect); the tap r + 1 is zero. */
void skd_hessian_kernel_make(double sigma, size_t n, size_t r, float *mem,
                             skd_hessian_kernel *k)
{
    float *g = mem, *d2 = mem + r + 2, *d1 = mem + 2 * (r + 2);
    for (size_t i = 0; i <= r + 1; i++) {
        int in = i <= r;
        g[i] = in ? (float)periodic_gauss(sigma, n, i, 0) : 0.0f;
        d2[i] = in ? (float)periodic_gauss(sigma, n, i, 2) : 0.0f;
        d1[i] = in ? (float)(-2.0 * periodic_gauss(sigma, n, i, 1)) : 0.0f;
    }
    k->g = g;
    k->d2 = d2;
    k->d1 = d1;
}

int skd_hessian_round(double lxx, double lyy, double lxy)
{
    double mean = (lxx + lyy) / 2.0;
    double half_diff = (lxx - lyy) / 2.0;
    double disc = sqrt(half_diff * half_diff + lxy * lxy);
    double lmax = mean + disc, lmin = mean - disc;
    return lmin > 0 && lmin >= SKD_PORE_MIN_ROUNDNESS * lmax;
}

/* Row j of the pixels a test at (x, y) reaches (columns left .. left + n
 * - 1): a pointer into the window, or the mirrored pixels copied to row. */
static const float *row_at(const skd_round_src *s, long long left,
                           long long top, int in_win, size_t n, size_t j)
{
    if (in_win)
        return s->win + (size_t)(top - s->wy + (long long)j) * s->wstride +
               (size_t)(left - s->wx);
    const float *src = s->l + skd_fft_reflect(top + (long long)j, s->h) * s->w;
    for (size_t i = 0; i < n; i++)
        s->row[i] = src[skd_fft_reflect(left + (long long)i, s->w)];
    return s->row;
}

/* The kernel, its second and first difference along x around c, on l - c0
 * (the sums are differences, and smaller numbers keep float sums good to
 * about 1e-6 of the pore's contrast). Four running sums per kernel, taps
 * i, i+1, i+2, i+3 side by side: the compiler vectorises the lane loop. */
#if defined(__SSE2__)
/* The lanes as one SSE vector each (GCC leaves the loop scalar because of
 * the mirrored loads): the same operations in the same order per lane. */
static size_t lane_sums(const float *restrict c, float c0, const float *kg,
                        const float *kd2, const float *kd1, size_t t,
                        float g[4], float d2[4], float d1[4])
{
    __m128 vg = _mm_setzero_ps(), vd2 = vg, vd1 = vg, v0 = _mm_set1_ps(c0);
    size_t i = 1;
    for (; i + 3 <= t; i += 4) {
        __m128 hi = _mm_sub_ps(_mm_loadu_ps(c + i), v0);
        __m128 lo = _mm_loadu_ps(c - (ptrdiff_t)(i + 3));
        lo = _mm_sub_ps(_mm_shuffle_ps(lo, lo, _MM_SHUFFLE(0, 1, 2, 3)), v0);
        __m128 sum = _mm_add_ps(hi, lo), diff = _mm_sub_ps(hi, lo);
        vg = _mm_add_ps(vg, _mm_mul_ps(_mm_loadu_ps(kg + i), sum));
        vd2 = _mm_add_ps(vd2, _mm_mul_ps(_mm_loadu_ps(kd2 + i), sum));
        vd1 = _mm_add_ps(vd1, _mm_mul_ps(_mm_loadu_ps(kd1 + i), diff));
    }
    _mm_storeu_ps(g, vg);
    _mm_storeu_ps(d2, vd2);
    _mm_storeu_ps(d1, vd1);
    return i;
}
#else
static size_t lane_sums(const float *restrict c, float c0, const float *kg,
                        const float *kd2, const float *kd1, size_t t,
                        float g[4], float d2[4], float d1[4])
{
    size_t i = 1;
    for (size_t q = 0; q < 4; q++)
        g[q] = d2[q] = d1[q] = 0;
    for (; i + 3 <= t; i += 4)
        for (size_t q = 0; q < 4; q++) {
            float hi = c[i + q] - c0, lo = c[-(ptrdiff_t)(i + q)] - c0;
            float sum = hi + lo, diff = hi - lo;
            g[q] += kg[i + q] * sum;
            d2[q] += kd2[i + q] * sum;
            d1[q] += kd1[i + q] * diff;
        }
    return i;
}
#endif

static void row_sums(const float *restrict c, float c0,
                     const skd_hessian_kernel *k, size_t t, double out[3])
{
    const float *restrict kg = k->g, *restrict kd2 = k->d2, *restrict kd1 = k->d1;
    float g[4], d2[4], d1[4];
    float sg, sd2, sd1 = 0;
    size_t i = lane_sums(c, c0, kg, kd2, kd1, t, g, d2, d1);
    sg = kg[0] * (c[0] - c0) + (g[0] + g[1]) + (g[2] + g[3]);
    sd2 = kd2[0] * (c[0] - c0) + (d2[0] + d2[1]) + (d2[2] + d2[3]);
    sd1 = (d1[0] + d1[1]) + (d1[2] + d1[3]);
    for (; i <= t; i++) {
        float hi = c[i] - c0, lo = c[-(ptrdiff_t)i] - c0;
        sg += kg[i] * (hi + lo);
        sd2 += kd2[i] * (hi + lo);
        sd1 += kd1[i] * (hi - lo);
    }
    out[0] = sg;
    out[1] = sd2;
    out[2] = sd1;
}

/* sum k(j) h[j] over -t..t for an even (sign 1) or odd (-1) kernel. */
static double column_sum(const double *h, const float *k, size_t t, double sign)
{
    double s = sign > 0 ? k[0] * h[0] : 0;
    for (size_t j = 1; j <= t; j++)
        s += k[j] * (h[j] + sign * h[-(ptrdiff_t)j]);
    return s;
}

/* Rows y - r - 1 .. y + r + 1 of l, each summed along x with the kernel,
 * its second and its first difference around x; then the columns of those
 * sums along y. Mirrored pixels make the differences at the image border
 * those of skd_is_round, which clamps (L(-1) = L(0) under the mirror). */
void skd_hessian_at(const skd_round_src *s, size_t x, size_t y, double *lxx,
                    double *lyy, double *lxy)
{
    const size_t r = s->r, n = 2 * r + 3, t = r + 1;
    const long long left = (long long)x - (long long)t;
    const long long top = (long long)y - (long long)t;
    const int in_win = s->win && left >= s->wx && top >= s->wy &&
                       left + (long long)n <= s->wx + (long long)s->wcols &&
                       top + (long long)n <= s->wy + (long long)s->wrows;
    const float c0 = in_win ? s->win[(size_t)((long long)y - s->wy) * s->wstride +
                                     (size_t)((long long)x - s->wx)]
                            : s->l[y * s->w + x];
    double *hg = s->hsum, *hd2 = hg + n, *hd1 = hd2 + n;

#if defined(__GNUC__)
    /* The window has mostly left the cache by the time of the search: ask
     * for all the rows at once rather than wait for each in turn. */
    if (in_win)
        for (size_t j = 0; j < n; j++) {
            const float *p = row_at(s, left, top, 1, n, j);
            for (size_t i = 0; i < n + 15; i += 16)
                __builtin_prefetch(p + (i < n ? i : n - 1));
        }
#endif
    for (size_t j = 0; j < n; j++) {
        double sums[3];
        row_sums(row_at(s, left, top, in_win, n, j) + t, c0, &s->kx, t, sums);
        hg[j] = sums[0];
        hd2[j] = sums[1];
        hd1[j] = sums[2];
    }
    *lxx = column_sum(hd2 + t, s->ky.g, r, 1);
    *lyy = column_sum(hg + t, s->ky.d2, t, 1);
    *lxy = column_sum(hd1 + t, s->ky.d1, t, -1) / 4.0;
}

int skd_is_round_at(const skd_round_src *s, size_t x, size_t y)
{
    double lxx, lyy, lxy;
    skd_hessian_at(s, x, y, &lxx, &lyy, &lxy);
    return skd_hessian_round(lxx, lyy, lxy);
}
