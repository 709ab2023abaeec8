/* The roundness test's exact Hessian straight from l (roundness.c)
 * against the FFT it replaces: L_k's second derivatives made by a tile's
 * transform with the continuous derivative transfer functions
 * (-4 pi^2 fx^2, -4 pi^2 fy^2, -4 pi^2 fx fy times the Gaussian's), at
 * every pixel of tile cores in the middle, at the edges and at the corners
 * of an image, at the smallest pore scale (sigma 0.71 px, whose
 * band-limited kernel has the longest tails) and the largest (3.54 px),
 * on a non-square tile (so the x and y kernels differ). The spatial sum
 * stops at the margin r and the tile's FFT does not, so they differ by
 * the Hessian kernels' weight beyond r times the spread of l, plus float
 * rounding: that bound is computed here and is the tolerance. */
#include "fft/fft.h"
#include "metrics/metrics.h"
#include "metrics_test_util.h"

#define S 20.0 /* px per mm */
#define W 700
#define H 530
#define PW 320 /* the tile */
#define PH 288

/* The periodic kernel and its derivatives in double, written out
 * independently of the library: (1/n) sum over the n DFT frequencies of
 * G(f) (i 2 pi f)^p e^{i 2 pi f i}, real part: p = 0 the kernel g, p = 2
 * its second derivative, p = 1 its first. */
static double kernel_p(double sigma, size_t n, long i, int p)
{
    double sum = 0;
    for (size_t j = 0; j < n; j++) {
        double f = (j <= n / 2 ? (double)j : (double)j - (double)n) / (double)n;
        double g = exp(-2 * M_PI * M_PI * sigma * sigma * f * f), w = 2 * M_PI * f;
        if (2 * j == n && p == 1)
            continue; /* Nyquist: the odd derivative has no real response */
        sum += p == 0   ? g * cos(w * i)
               : p == 2 ? -w * w * g * cos(w * i)
                        : -w * g * sin(w * i);
    }
    return sum / (double)n;
}

static double kernel(double sigma, size_t n, long i)
{
    return kernel_p(sigma, n, i, 0);
}

/* The impulse response of the tile's Gaussian is g(x) g(y): the library's
 * taps against the FFT and against the formula above. */
static void test_kernel_is_the_ffts(skd_ctx *ctx, double sigma, size_t r)
{
    skd_filter f = {SKD_FILTER_GAUSS, sigma, 0};
    skd_filter_set *set;
    size_t nx = PW / 2 + 1, stride = skd_fft_row_floats(PW);
    fftwf_complex *spec = skd_fft_alloc(ctx, nx * PH * sizeof *spec);
    fftwf_complex *buf = skd_fft_alloc(ctx, nx * PH * sizeof *buf);
    float mem[2][3 * 64];
    skd_hessian_kernel kx, ky;
    double worst_fft = 0, worst_formula = 0;
    skd_hessian_kernel_make(sigma, PW, r, mem[0], &kx);
    skd_hessian_kernel_make(sigma, PH, r, mem[1], &ky);
    memset(spec, 0, nx * PH * sizeof *spec);
    ((float *)spec)[(PH / 2) * stride + PW / 2] = 1.0f;
    CHECK_STATUS(skd_filter_set_create(ctx, &f, 1, PW, PH, &set), SKD_OK);
    CHECK_STATUS(skd_fft_r2c_inplace(ctx, PW, PH, (float *)spec), SKD_OK);
    CHECK_STATUS(skd_filter_set_apply(ctx, set, 0, spec, buf), SKD_OK);
    for (long j = -(long)r; j <= (long)r; j++)
        for (long i = -(long)r; i <= (long)r; i++) {
            double want = (double)kx.g[labs(i)] * ky.g[labs(j)];
            double got = ((const float *)buf)[(size_t)(PH / 2 + j) * stride +
                                                (size_t)(PW / 2 + i)];
            double exact = kernel(sigma, PW, i) * kernel(sigma, PH, j);
            if (fabs(got - want) > worst_fft)
                worst_fft = fabs(got - want);
            if (fabs(exact - want) > worst_formula)
                worst_formula = fabs(exact - want);
        }
    for (long i = 0; i <= (long)r; i++) {
        double e2 = fabs(kx.d2[i] - kernel_p(sigma, PW, i, 2));
        double e1 = fabs(kx.d1[i] + 2 * kernel_p(sigma, PW, i, 1));
        worst_formula = fmax(worst_formula, fmax(e1, e2));
    }
    REPORT("sigma %.2f: taps vs the FFT's impulse response %.2g, g, g'' and g' "
           "vs the formula %.2g (g(0)^2 = %.3f)", sigma, worst_fft, worst_formula,
           (double)kx.g[0] * ky.g[0]);
    /* float transfer tables and a float transform; float taps */
    CHECK(worst_fft < 1e-6);
    CHECK(worst_formula < 1e-7);
    skd_filter_set_free(ctx, set);
    skd_fft_dealloc(ctx, spec);
    skd_fft_dealloc(ctx, buf);
}

/* One axis's kernels over a whole period (offsets -n/2 .. n/2 - 1, as the
 * tile's FFT applies them): g, g'' and -2 g' (the library's layout), in
 * full (full) and as the spatial sum has them (cut at r). */
static void axis_kernels(double sigma, size_t n, size_t r, double *full,
                         double *cut)
{
    for (long i = -(long)n / 2; i < (long)n / 2; i++) {
        size_t at = (size_t)(i + (long)n / 2);
        int in = labs(i) <= (long)r;
        full[3 * at] = kernel_p(sigma, n, i, 0);
        full[3 * at + 1] = kernel_p(sigma, n, i, 2);
        full[3 * at + 2] = -2 * kernel_p(sigma, n, i, 1);
        for (int c = 0; c < 3; c++)
            cut[3 * at + c] = in ? full[3 * at + c] : 0;
    }
}

/* The largest of sum |K_full - K_cut| over the three Hessian kernels
 * (d2 x g, g x d2, d1 x d1 / 4). The full ones sum to zero and the
 * spatial sum works on l minus the centre pixel, so the error at a pixel
 * is at most that times the spread of l. */
static double cut_weight(double sigma, size_t r)
{
    double (*fx)[3] = malloc(PW * sizeof *fx), (*cx)[3] = malloc(PW * sizeof *cx);
    double (*fy)[3] = malloc(PH * sizeof *fy), (*cy)[3] = malloc(PH * sizeof *cy);
    const int kx[3] = {1, 0, 2}, ky[3] = {0, 1, 2};
    const double scale[3] = {1, 1, 0.25};
    double worst = 0;
    axis_kernels(sigma, PW, r, &fx[0][0], &cx[0][0]);
    axis_kernels(sigma, PH, r, &fy[0][0], &cy[0][0]);
    for (int c = 0; c < 3; c++) {
        double sum = 0;
        for (size_t j = 0; j < PH; j++)
            for (size_t i = 0; i < PW; i++)
                sum += fabs(fx[i][kx[c]] * fy[j][ky[c]] - cx[i][kx[c]] * cy[j][ky[c]]);
        if (scale[c] * sum > worst)
            worst = scale[c] * sum;
    }
    free(fx);
    free(cx);
    free(fy);
    free(cy);
    return worst;
}

/* FFT minus spatial Hessian at tile pixel (tx, ty), predicted: the full
 * kernels less the cut ones, applied circularly to the tile's input less
 * its centre pixel (what the spatial sum reads), as the tile's FFT applies
 * them. */
static void predicted_gap(const float *win, size_t stride, size_t tx, size_t ty,
                          double (*fx)[3], double (*cx)[3], double (*fy)[3],
                          double (*cy)[3], double gap[3])
{
    const int kx[3] = {1, 0, 2}, ky[3] = {0, 1, 2};
    const double scale[3] = {1, 1, 0.25};
    const double c0 = win[ty * stride + tx];
    for (int c = 0; c < 3; c++) {
        double sum = 0;
        for (size_t v = 0; v < PH; v++) {
            /* offset v - ty wrapped to -PH/2 .. PH/2 - 1, as an index */
            size_t j = (v + PH + PH / 2 - ty) % PH;
            double rowsum = 0;
            for (size_t u = 0; u < PW; u++) {
                size_t i = (u + PW + PW / 2 - tx) % PW;
                rowsum += (fx[i][kx[c]] * fy[j][ky[c]] - cx[i][kx[c]] * cy[j][ky[c]]) *
                          (win[v * stride + u] - c0);
            }
            sum += rowsum;
        }
        gap[c] = scale[c] * sum;
    }
}

/* smaller over larger eigenvalue */
static double ratio_of(double lxx, double lyy, double lxy)
{
    double m = (lxx + lyy) / 2, d = sqrt((lxx - lyy) * (lxx - lyy) / 4 + lxy * lxy);
    return (m - d) / (m + d);
}

static void test_hessian(skd_ctx *ctx, const float *l, double sigma)
{
    size_t m = skd_fft_margin(skd_pore_radius_mm(SKD_PORE_SCALES - 1) * S / sqrt(2.0)) + 1;
    size_t r = skd_hessian_radius(sigma, m - 1), tw = PW - 2 * m, th = PH - 2 * m;
    size_t nx = PW / 2 + 1, stride = skd_fft_row_floats(PW);
    const long long org[][2] = {{0, 0}, {300, 200}, {W - 50, 0}, {0, H - 30},
                                {W - 70, H - 70}, {250, H - 10}};
    skd_filter f[3] = {{SKD_FILTER_DXX, sigma, 0}, {SKD_FILTER_DYY, sigma, 0},
                       {SKD_FILTER_DXY, sigma, 0}};
    skd_filter_set *set;
    fftwf_complex *spec = skd_fft_alloc(ctx, nx * PH * sizeof *spec);
    fftwf_complex *buf[3] = {skd_fft_alloc(ctx, nx * PH * sizeof *spec),
                             skd_fft_alloc(ctx, nx * PH * sizeof *spec),
                             skd_fft_alloc(ctx, nx * PH * sizeof *spec)};
    float *win = skd_fft_alloc(ctx, nx * PH * sizeof *spec);
    float mem[2][3 * 64], rows[128];
    double hsum[3 * 128], worst = 0, worst_win = 0, hmax = 0, lmin = 1e9, lmax = -1e9;
    double worst_gap = 0, worst_ratio = 0;
    size_t points = 0, flips = 0, sampled = 0, strong = 0, strong_flips = 0;
    double (*fx)[3] = malloc(PW * sizeof *fx), (*cx)[3] = malloc(PW * sizeof *cx);
    double (*fy)[3] = malloc(PH * sizeof *fy), (*cy)[3] = malloc(PH * sizeof *cy);
    skd_round_src src = {l, W, H, r, NULL, 0, 0, 0, 0, 0, {0}, {0}, rows, hsum};
    skd_hessian_kernel_make(sigma, PW, r, mem[0], &src.kx);
    skd_hessian_kernel_make(sigma, PH, r, mem[1], &src.ky);
    axis_kernels(sigma, PW, r, &fx[0][0], &cx[0][0]);
    axis_kernels(sigma, PH, r, &fy[0][0], &cy[0][0]);
    CHECK_STATUS(skd_filter_set_create(ctx, f, 3, PW, PH, &set), SKD_OK);
    for (size_t o = 0; o < sizeof org / sizeof org[0]; o++) {
        long long bx = org[o][0] - (long long)m, by = org[o][1] - (long long)m;
        skd_round_src in_win = src;
        skd_fft_pad_window(l, W, H, bx, by, PW, PH, win);
        memcpy(spec, win, nx * PH * sizeof *spec);
        in_win.win = win;
        in_win.wx = (ptrdiff_t)bx;
        in_win.wy = (ptrdiff_t)by;
        in_win.wcols = PW;
        in_win.wrows = PH;
        in_win.wstride = stride;
        for (size_t yy = 0; yy < PH; yy++)
            for (size_t xx = 0; xx < PW; xx++) {
                if (win[yy * stride + xx] < lmin)
                    lmin = win[yy * stride + xx];
                if (win[yy * stride + xx] > lmax)
                    lmax = win[yy * stride + xx];
            }
        CHECK_STATUS(skd_fft_r2c_inplace(ctx, PW, PH, (float *)spec), SKD_OK);
        for (int k = 0; k < 2; k++)
            CHECK_STATUS(skd_filter_set_apply(ctx, set, (size_t)k, spec, buf[k]),
                         SKD_OK);
        /* An odd transfer function has no real response at the Nyquist
         * frequency (the sine vanishes at whole pixels), which the FFT
         * engine's DXY table does not drop: drop it from the spectrum. */
        for (size_t ky = 0, cs = stride / 2; ky < PH; ky++) {
            spec[ky * cs + nx - 1][0] = spec[ky * cs + nx - 1][1] = 0;
            if (ky == PH / 2)
                for (size_t kx = 0; kx < nx; kx++)
                    spec[ky * cs + kx][0] = spec[ky * cs + kx][1] = 0;
        }
        CHECK_STATUS(skd_filter_set_apply(ctx, set, 2, spec, buf[2]), SKD_OK);
        for (long long y = org[o][1]; y < org[o][1] + (long long)th && y < H; y++)
            for (long long x = org[o][0]; x < org[o][0] + (long long)tw && x < W; x++) {
                /* the FFT's exact derivatives of L_k at the pixel */
                size_t at = (size_t)(y - by) * stride + (size_t)(x - bx);
                double fxx = ((const float *)buf[0])[at];
                double fyy = ((const float *)buf[1])[at];
                double fxy = ((const float *)buf[2])[at];
                double h[2][3];
                skd_hessian_at(&src, (size_t)x, (size_t)y, &h[0][0], &h[0][1], &h[0][2]);
                skd_hessian_at(&in_win, (size_t)x, (size_t)y, &h[1][0], &h[1][1], &h[1][2]);
                double want[3] = {fxx, fyy, fxy};
                for (int k = 0; k < 3; k++) {
                    if (fabs(h[0][k] - want[k]) > worst)
                        worst = fabs(h[0][k] - want[k]);
                    if (fabs(h[1][k] - h[0][k]) > worst_win)
                        worst_win = fabs(h[1][k] - h[0][k]);
                    if (fabs(want[k]) > hmax)
                        hmax = fabs(want[k]);
                }
                /* where the candidate threshold could pass (D = s^2
                 * trace >= 10), the eigenvalue ratio the test decides on */
                if (sigma * sigma * (fxx + fyy) >= 10.0) {
                    double rf = ratio_of(fxx, fyy, fxy);
                    double rs = ratio_of(h[0][0], h[0][1], h[0][2]);
                    strong++;
                    if (fabs(rf - rs) > worst_ratio)
                        worst_ratio = fabs(rf - rs);
                    strong_flips += skd_hessian_round(fxx, fyy, fxy) !=
                                    skd_hessian_round(h[0][0], h[0][1], h[0][2]);
                }
                flips += skd_hessian_round(fxx, fyy, fxy) !=
                         skd_hessian_round(h[0][0], h[0][1], h[0][2]);
                /* the gap is exactly the cut part, for every 997th
                 * pixel */
                if (points++ % 997 == 0) {
                    double gap[3];
                    predicted_gap(win, stride, (size_t)(x - bx), (size_t)(y - by),
                                  fx, cx, fy, cy, gap);
                    for (int k = 0; k < 3; k++)
                        if (fabs(want[k] - h[0][k] - gap[k]) > worst_gap)
                            worst_gap = fabs(want[k] - h[0][k] - gap[k]);
                    sampled++;
                }
            }
    }
    /* the cut kernels' weight times half the spread of l, and rounding: the
     * float FFT's L is good to about 2^-24 log2(PW PH) of |l| (each of the
     * four values of a difference), the float sums to 1e-6 of the spread */
    double tail = cut_weight(sigma, r) * (lmax - lmin);
    double fft = 4 * ldexp(1.0, -24) * log2((double)PW * PH) * fmax(fabs(lmin), fabs(lmax));
    double tol = tail + fft + 1e-6 * (lmax - lmin);
    REPORT("sigma %.2f px, r %zu, tile %dx%d: %zu points, max |dH| %.3g "
           "(bound %.3g: cut kernels %.3g, rounding %.3g), window vs plane "
           "%.3g, max |H| %.1f, roundness decisions that differ: %zu", sigma, r,
           PW, PH, points, worst, tol, tail, tol - tail, worst_win, hmax, flips);
    REPORT("  %zu pixels: FFT - spatial - (cut part) at most %.3g (rounding %.3g)",
           sampled, worst_gap, tol - tail);
    REPORT("  %zu pixels with D >= 10: eigenvalue ratio differs by at most %.4f, "
           "%zu roundness decisions differ", strong, worst_ratio, strong_flips);
    /* docs/measurements.md: within 1% of the eigenvalue ratio where it matters */
    CHECK(worst_ratio < 0.01);
    CHECK(points > 100000 && sampled > 100);
    CHECK(worst <= tol);
    /* the prediction holds where the sum reads only the tile's window
     * (r < m); the narrow scales read further, where the tile's circular
     * transform and the image differ */
    CHECK(r >= m || worst_gap <= tol - tail);
    CHECK(worst_win <= 1e-4); /* the same numbers, read from the window */
    skd_filter_set_free(ctx, set);
    skd_fft_dealloc(ctx, spec);
    for (int k = 0; k < 3; k++)
        skd_fft_dealloc(ctx, buf[k]);
    skd_fft_dealloc(ctx, win);
    free(fx);
    free(cx);
    free(fy);
    free(cy);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    float *l = tu_synthetic_l(W, H, 777);
    double smin = skd_pore_radius_mm(0) * S / sqrt(2.0);
    double smax = skd_pore_radius_mm(SKD_PORE_SCALES - 1) * S / sqrt(2.0);
    test_kernel_is_the_ffts(ctx, smin, 17);
    test_kernel_is_the_ffts(ctx, smax, 17);
    test_hessian(ctx, l, smin);
    test_hessian(ctx, l, smax);
    free(l);
    skd_ctx_free(ctx);
    return check_done("test_metrics_roundness");
}
