/* The roundness test of a pore candidate: the Hessian of L_k = G_sigma_k * l
 * by central differences, either on an L_k plane or from the filled
 * luminance itself. The second way needs no L_k plane and no inverse
 * transform: the differences of L_k are separable sums over the
 * mirror-padded l with differences of the 1-D kernel that a tile's FFT
 * applies, a few thousand multiply-adds at each of the few candidates
 * instead of a transform of every pixel. */
#include <math.h>

#include "metrics.h"

/* The Gaussian's transfer function sampled on the N-point DFT grid and
 * transformed back: g(i) = (1/N) sum_j G(f_j) cos(2 pi f_j i), f_j = j/N for
 * j <= N/2 and (j - N)/N above. G is even, so the sum folds onto
 * 0 <= j <= N/2, the Nyquist bin (even N) counted once. */
static double periodic_gauss(double sigma, size_t n, size_t i)
{
    double sum = 1.0; /* j = 0 */
    for (size_t j = 1; 2 * j <= n; j++) {
        double f = (double)j / (double)n;
        double gf = exp(-2.0 * M_PI * M_PI * sigma * sigma * f * f);
        if (gf < 1e-30)
            break; /* the rest adds nothing a double can hold */
        sum += (2 * j == n ? 1.0 : 2.0) * gf * cos(2.0 * M_PI * f * (double)i);
    }
    return sum / (double)n;
}

void skd_hessian_kernel_make(double sigma, size_t n, size_t r, double *mem,
                             skd_hessian_kernel *k)
{
    double *g = mem, *d2 = mem + r + 2, *d1 = mem + 2 * (r + 2);
    for (size_t i = 0; i <= r; i++)
        g[i] = periodic_gauss(sigma, n, i);
    g[r + 1] = 0; /* L is truncated at r, so its differences at r + 1 */
    for (size_t i = 0; i <= r + 1; i++) {
        double prev = g[i > 0 ? i - 1 : 1]; /* g(-1) = g(1) */
        double next = i <= r ? g[i + 1] : 0;
        d2[i] = prev - 2.0 * g[i] + next;
        d1[i] = prev - next;
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

/* Index of i in a plane of n pixels mirrored as skd_fft_pad_window mirrors
 * ("dcba|abcd|dcba"). */
static size_t mirror(long long i, size_t n)
{
    long long period = 2 * (long long)n;
    long long q = i % period;
    if (q < 0)
        q += period;
    return (size_t)(q < (long long)n ? q : period - 1 - q);
}

/* An even kernel (taps 0..t) and an odd one around c: sum k(i) c[i] over
 * -t..t, folded, two running sums each so the adds do not wait. */
static double even_sum(const double *restrict c, const double *restrict k,
                       size_t t)
{
    double s0 = k[0] * c[0], s1 = 0;
    size_t i = 1;
    for (; i + 1 <= t; i += 2) {
        s0 += k[i] * (c[i] + c[-(ptrdiff_t)i]);
        s1 += k[i + 1] * (c[i + 1] + c[-(ptrdiff_t)i - 1]);
    }
    if (i <= t)
        s0 += k[i] * (c[i] + c[-(ptrdiff_t)i]);
    return s0 + s1;
}

static double odd_sum(const double *restrict c, const double *restrict k,
                      size_t t)
{
    double s0 = 0, s1 = 0;
    size_t i = 1;
    for (; i + 1 <= t; i += 2) {
        s0 += k[i] * (c[i] - c[-(ptrdiff_t)i]);
        s1 += k[i + 1] * (c[i + 1] - c[-(ptrdiff_t)i - 1]);
    }
    if (i <= t)
        s0 += k[i] * (c[i] - c[-(ptrdiff_t)i]);
    return s0 + s1;
}

/* Row j of the pixels a test at (x, y) reaches, x - r - 1 .. x + r + 1,
 * into a as doubles. */
static void load_row(const skd_round_src *s, long long left, long long top,
                     int in_win, size_t n, size_t j, double *restrict a)
{
    if (in_win) {
        const float *src = s->win + (size_t)(top - s->wy + (long long)j) * s->wstride +
                           (size_t)(left - s->wx);
        for (size_t i = 0; i < n; i++)
            a[i] = src[i];
        return;
    }
    const float *src = s->l + mirror(top + (long long)j, s->h) * s->w;
    if (left >= 0 && left + (long long)n <= (long long)s->w)
        for (size_t i = 0; i < n; i++)
            a[i] = src[(size_t)left + i];
    else
        for (size_t i = 0; i < n; i++)
            a[i] = src[mirror(left + (long long)i, s->w)];
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
    double *a = s->row, *hg = s->hsum, *hd2 = hg + n, *hd1 = hd2 + n;

    for (size_t j = 0; j < n; j++) {
        load_row(s, left, top, in_win, n, j, a);
        hg[j] = even_sum(a + t, s->kx.g, r);
        hd2[j] = even_sum(a + t, s->kx.d2, t);
        hd1[j] = odd_sum(a + t, s->kx.d1, t);
    }
    *lxx = even_sum(hd2 + t, s->ky.g, r);
    *lyy = even_sum(hg + t, s->ky.d2, t);
    *lxy = odd_sum(hd1 + t, s->ky.d1, t) / 4.0;
}

int skd_is_round_at(const skd_round_src *s, size_t x, size_t y)
{
    double lxx, lyy, lxy;
    skd_hessian_at(s, x, y, &lxx, &lyy, &lxy);
    return skd_hessian_round(lxx, lyy, lxy);
}
