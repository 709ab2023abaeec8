/* The roundness test of a pore candidate: the Hessian of L_k = G_sigma_k * l
 * by central differences, either on an L_k plane or from the filled
 * luminance itself. The second way evaluates the 3 x 3 values of L_k around
 * the candidate as separable sums over the mirror-padded l with the 1-D
 * kernel that a tile's FFT applies, so the pore bank needs no L_k plane and
 * no inverse transform for it: a few thousand multiply-adds at each of the
 * few candidates instead of a transform of every pixel. */
#include <math.h>

#include "metrics.h"

/* The Gaussian's transfer function sampled on the N-point DFT grid and
 * transformed back: g(i) = (1/N) sum_j G(f_j) cos(2 pi f_j i), f_j = j/N for
 * j <= N/2 and (j - N)/N above. G is even, so the sum folds onto
 * 0 <= j <= N/2, the Nyquist bin (even N) counted once. */
void skd_periodic_gauss(double sigma, size_t n, size_t r, double *g)
{
    for (size_t i = 0; i <= r; i++) {
        double sum = 1.0; /* j = 0 */
        for (size_t j = 1; 2 * j <= n; j++) {
            double f = (double)j / (double)n;
            double gf = exp(-2.0 * M_PI * M_PI * sigma * sigma * f * f);
            if (gf < 1e-30)
                break; /* the rest adds nothing a double can hold */
            sum += (2 * j == n ? 1.0 : 2.0) * gf * cos(2.0 * M_PI * f * (double)i);
        }
        g[r + i] = g[r - i] = sum / (double)n;
    }
}

int skd_hessian_is_round(const double v[3][3])
{
    double lxx = v[1][2] - 2.0 * v[1][1] + v[1][0];
    double lyy = v[2][1] - 2.0 * v[1][1] + v[0][1];
    double lxy = (v[2][2] - v[0][2] - v[2][0] + v[0][0]) / 4.0;
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

/* Sums of g times a at three offsets: six running sums, so the adds do not
 * wait on each other. */
static void dot3(const float *restrict a, const size_t off[3],
                 const double *restrict g, size_t n, double out[3])
{
    const float *p0 = a + off[0], *p1 = a + off[1], *p2 = a + off[2];
    double s0 = 0, s1 = 0, s2 = 0, t0 = 0, t1 = 0, t2 = 0;
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        s0 += g[i] * (double)p0[i];
        s1 += g[i] * (double)p1[i];
        s2 += g[i] * (double)p2[i];
        t0 += g[i + 1] * (double)p0[i + 1];
        t1 += g[i + 1] * (double)p1[i + 1];
        t2 += g[i + 1] * (double)p2[i + 1];
    }
    if (i < n) {
        s0 += g[i] * (double)p0[i];
        s1 += g[i] * (double)p1[i];
        s2 += g[i] * (double)p2[i];
    }
    out[0] = s0 + t0;
    out[1] = s1 + t1;
    out[2] = s2 + t2;
}

static double dot_d(const double *restrict a, const double *restrict g, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += g[i] * a[i];
        s1 += g[i + 1] * a[i + 1];
        s2 += g[i + 2] * a[i + 2];
        s3 += g[i + 3] * a[i + 3];
    }
    for (; i < n; i++)
        s0 += g[i] * a[i];
    return (s0 + s1) + (s2 + s3);
}

/* L at the nine pixels (x + dx, y + dy), dx, dy in {-1, 0, 1}, each
 * coordinate clamped to the image as skd_is_round clamps it: the horizontal
 * sums of rows y - 1 - r .. y + 1 + r at the three columns, then the
 * vertical ones. */
void skd_gauss_3x3(const skd_round_src *s, size_t x, size_t y, double v[3][3])
{
    const size_t r = s->r, span = 2 * r + 1;
    const long long w = (long long)s->w, h = (long long)s->h;
    long long cx[3] = {x > 0 ? (long long)x - 1 : 0, (long long)x,
                       x + 1 < s->w ? (long long)x + 1 : (long long)x};
    long long cy[3] = {y > 0 ? (long long)y - 1 : 0, (long long)y,
                       y + 1 < s->h ? (long long)y + 1 : (long long)y};
    long long left = cx[0] - (long long)r, top = cy[0] - (long long)r;
    size_t cols = (size_t)(cx[2] - cx[0]) + span;
    size_t rows = (size_t)(cy[2] - cy[0]) + span;
    float *seg = s->seg;
    double *hsum[3] = {s->hsum, s->hsum + span + 2, s->hsum + 2 * (span + 2)};
    size_t off[3] = {0, (size_t)(cx[1] - cx[0]), (size_t)(cx[2] - cx[0])};
    int inside = left >= 0 && left + (long long)cols <= w;

    for (size_t j = 0; j < rows; j++) {
        const float *row = s->l + mirror(top + (long long)j, (size_t)h) * (size_t)w;
        const float *p = row + (inside ? left : 0);
        if (!inside) {
            for (size_t i = 0; i < cols; i++)
                seg[i] = row[mirror(left + (long long)i, (size_t)w)];
            p = seg;
        }
        double h3[3];
        dot3(p, off, s->gx, span, h3);
        hsum[0][j] = h3[0];
        hsum[1][j] = h3[1];
        hsum[2][j] = h3[2];
    }
    for (int a = 0; a < 3; a++)
        for (int c = 0; c < 3; c++)
            v[a][c] = dot_d(hsum[c] + (cy[a] - cy[0]), s->gy, span);
}

int skd_is_round_at(const skd_round_src *s, size_t x, size_t y)
{
    double v[3][3];
    skd_gauss_3x3(s, x, y, v);
    return skd_hessian_is_round(v);
}
