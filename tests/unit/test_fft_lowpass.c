/* The pruned cosine-transform low-pass engine (src/fft/lowpass.c) against
 * direct convolution of the mirror-extended plane in double precision, and
 * against the padded whole-plane FFT path; on FFT-friendly and awkward
 * sizes, planes smaller than the kernel, 1-pixel-wide planes, at sigma 5,
 * 10, 20 and 40 px; thread independence and the row callbacks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fft/fft.h"

static size_t reflect(long i, size_t n)
{
    long period = 2 * (long)n, r = i % period;
    if (r < 0)
        r += period;
    return (size_t)(r < (long)n ? r : period - 1 - r);
}

/* 1-D kernels sampled from the continuous ones (for sigma >= 5 px the
 * sampling aliases less than 1e-30 of the transfer function). */
static double k_gauss(double x, double s)
{
    return exp(-x * x / (2 * s * s)) / (sqrt(2 * M_PI) * s);
}

static double k_d2(double x, double s)
{
    return k_gauss(x, s) * (x * x / (s * s * s * s) - 1 / (s * s));
}

typedef double (*kernel_fn)(double x, double s);

/* out = plane convolved along x with kx and along y with ky, mirror
 * boundaries, support 12 sigma: the ideal the engine approximates. */
static void direct(const float *in, size_t w, size_t h, double s, kernel_fn kx,
                   kernel_fn ky, double *out)
{
    long rad = (long)ceil(12 * s);
    double *tmp = malloc(w * h * sizeof *tmp);
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            double acc = 0;
            for (long d = -rad; d <= rad; d++)
                acc += kx((double)d, s) * in[y * w + reflect((long)x - d, w)];
            tmp[y * w + x] = acc;
        }
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            double acc = 0;
            for (long d = -rad; d <= rad; d++)
                acc += ky((double)d, s) * tmp[reflect((long)y - d, h) * w + x];
            out[y * w + x] = acc;
        }
    free(tmp);
}

static unsigned long long rng = 0x9e3779b97f4a7c15ull;
static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

/* l-like values: about -160, smooth structure, an edge and pixel noise. */
static float *test_plane(size_t w, size_t h)
{
    float *p = malloc(w * h * sizeof *p);
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++)
            p[y * w + x] = (float)(-160 + 15 * sin(0.05 * x) * cos(0.031 * y) +
                                   (x > w / 3 ? 25 : 0) + 8 * uniform());
    return p;
}

static double max_abs_diff(const float *a, const double *b, size_t n)
{
    double e = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(a[i] - b[i]) > e)
            e = fabs(a[i] - b[i]);
    return e;
}

/* Float resolution at values near 200 is 1.5e-5 (one ulp); the row and
 * column transforms and the reorderings add some tens of ulps at worst. */
#define FLOAT_TOL 2e-4

/* Engine (through skd_fft_filter_planes) vs the direct sum. The margin is
 * 8 sigma so that awkward sizes, which are padded by it, carry no
 * measurable truncation either. */
static void test_against_direct(void)
{
    static const size_t sizes[][2] = {{200, 130}, {128, 96}, {333, 250},
                                      {1, 77},    {77, 1},   {9, 13},
                                      {64, 64}};
    static const double sigmas[] = {5, 10, 20, 40};
    skd_ctx *ctx = skd_ctx_create();
    double worst = 0;
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t w = sizes[si][0], h = sizes[si][1], n = w * h;
        float *in = test_plane(w, h), *out = malloc(n * sizeof *out);
        double *want = malloc(n * sizeof *want);
        for (size_t k = 0; k < sizeof sigmas / sizeof sigmas[0]; k++) {
            double s = sigmas[k];
            skd_filter g = {SKD_FILTER_GAUSS, s, 0};
            size_t margin = (size_t)ceil(8 * s) + 2;
            const float *src = in;
            CHECK_STATUS(skd_fft_filter_planes(ctx, &src, &out, 1, w, h, margin, &g),
                         SKD_OK);
            direct(in, w, h, s, k_gauss, k_gauss, want);
            double e = max_abs_diff(out, want, n);
            if (e > FLOAT_TOL)
                REPORT("%zux%zu sigma %.0f: max |engine - direct| %.3g", w, h, s, e);
            CHECK(e <= FLOAT_TOL);
            worst = e > worst ? e : worst;
        }
        free(in);
        free(out);
        free(want);
    }
    REPORT("Gaussian, 7 sizes x sigma 5/10/20/40: max |engine - direct| %.3g "
           "(values about -160)", worst);
    skd_ctx_free(ctx);
}

/* Second derivatives (one term) and the scale-normalised Laplacian (two
 * terms) go through the same engine when wide. */
static void test_derivatives(void)
{
    enum { W = 150, H = 110 };
    const double s = 8;
    skd_ctx *ctx = skd_ctx_create();
    skd_lowpass *lp;
    float *in = test_plane(W, H), *out = malloc(W * H * sizeof *out);
    double *dxx = malloc(W * H * sizeof *dxx), *dyy = malloc(W * H * sizeof *dyy);
    const float *src = in;
    double e[3] = {0, 0, 0};
    direct(in, W, H, s, k_d2, k_gauss, dxx);
    direct(in, W, H, s, k_gauss, k_d2, dyy);
    const skd_filter f[3] = {{SKD_FILTER_DXX, s, 0}, {SKD_FILTER_DYY, s, 0},
                             {SKD_FILTER_LOGN, s, 0}};
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(skd_lowpass_create(ctx, &f[i], W, H, 4, &lp), SKD_OK);
        CHECK(lp && skd_lowpass_pays(lp));
        skd_lowpass_free(ctx, lp);
        CHECK_STATUS(skd_fft_filter_planes(ctx, &src, &out, 1, W, H,
                                           skd_fft_margin(s), &f[i]), SKD_OK);
        for (size_t p = 0; p < W * H; p++) {
            double want = i == 0 ? dxx[p] : i == 1 ? dyy[p] : s * s * (dxx[p] + dyy[p]);
            if (fabs(out[p] - want) > e[i])
                e[i] = fabs(out[p] - want);
        }
    }
    REPORT("sigma 8: max |engine - direct| DXX %.3g, DYY %.3g, LOGN %.3g", e[0], e[1],
           e[2]);
    /* values: DXX about 0.3, LOGN about 20: float noise of the DC (-160)
     * passes through the cosine transforms */
    CHECK(e[0] < 2e-5 && e[1] < 2e-5 && e[2] < 2e-3);
    free(in);
    free(out);
    free(dxx);
    free(dyy);
    skd_ctx_free(ctx);
}

/* Against the padded whole-plane FFT (skd_spectrum_filter) with the usual
 * margin of 4 sigma + 2: they differ by that path's truncation, at most
 * the Gaussian's weight beyond the margin (one-sided tail Q per axis, so
 * 4 Q in all) times the plane's range. */
static void test_against_spectrum(void)
{
    enum { W = 420, H = 300 };
    skd_ctx *ctx = skd_ctx_create();
    float *in = test_plane(W, H), *a = malloc(W * H * sizeof *a),
          *b = malloc(W * H * sizeof *b);
    float lo = in[0], hi = in[0];
    for (size_t p = 0; p < W * H; p++) {
        lo = in[p] < lo ? in[p] : lo;
        hi = in[p] > hi ? in[p] : hi;
    }
    for (double s = 5; s <= 40; s *= 2) {
        skd_filter g = {SKD_FILTER_GAUSS, s, 0};
        size_t m = skd_fft_margin(s);
        skd_spectrum *spec;
        const float *src = in;
        double e = 0, q = 0.5 * erfc((double)m / s / sqrt(2.0));
        CHECK_STATUS(skd_fft_filter_planes(ctx, &src, &a, 1, W, H, m, &g), SKD_OK);
        CHECK_STATUS(skd_spectrum_forward(ctx, in, W, H, m, &spec), SKD_OK);
        CHECK_STATUS(skd_spectrum_filter(ctx, spec, &g, 1, &b), SKD_OK);
        skd_spectrum_free(ctx, spec);
        for (size_t p = 0; p < W * H; p++)
            e = fabs(a[p] - b[p]) > e ? fabs(a[p] - b[p]) : e;
        REPORT("sigma %.0f: max |engine - padded FFT| %.3g (bound %.3g)", s, e,
               4 * q * (hi - lo) + FLOAT_TOL);
        CHECK(e <= 4 * q * (hi - lo) + FLOAT_TOL);
    }
    free(in);
    free(a);
    free(b);
    skd_ctx_free(ctx);
}

/* Geometry: FFT-friendly sizes are transformed as they are (exact mirror
 * boundary), awkward ones padded by the margin; the cut-off follows the
 * transfer function (0.053 cycles/px at sigma 20), not the image. */
static void test_geometry(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_lowpass *lp;
    skd_filter g20 = {SKD_FILTER_GAUSS, 20, 0}, g1 = {SKD_FILTER_GAUSS, 1, 0};
    size_t nx, ny, kx, ky;
    CHECK_STATUS(skd_lowpass_create(ctx, &g20, 4000, 3000, 82, &lp), SKD_OK);
    skd_lowpass_geometry(lp, &nx, &ny, &kx, &ky);
    REPORT("4000x3000 sigma 20: lengths %zu x %zu, kept %zu x %zu coefficients "
           "(%.4f and %.4f cycles/px)", nx, ny, kx, ky, kx / (2.0 * nx), ky / (2.0 * ny));
    CHECK(nx == 4000 && ny == 3000);
    CHECK(kx / (2.0 * nx) > 0.05 && kx / (2.0 * nx) < 0.056);
    CHECK(ky / (2.0 * ny) > 0.05 && ky / (2.0 * ny) < 0.056);
    CHECK(skd_lowpass_pays(lp));
    skd_lowpass_free(ctx, lp);

    CHECK_STATUS(skd_lowpass_create(ctx, &g20, 4001, 2999, 82, &lp), SKD_OK);
    skd_lowpass_geometry(lp, &nx, &ny, &kx, &ky);
    REPORT("4001x2999: padded to %zu x %zu", nx, ny);
    CHECK(nx >= 4001 + 82 && ny >= 2999 + 82 && nx % 8 == 0 && ny % 8 == 0);
    CHECK(skd_fft_good_size(nx) == nx && skd_fft_good_size(ny) == ny);
    skd_lowpass_free(ctx, lp);

    CHECK_STATUS(skd_lowpass_create(ctx, &g1, 4000, 3000, 6, &lp), SKD_OK);
    CHECK(!skd_lowpass_pays(lp)); /* sigma 1: the tiled path */
    skd_lowpass_free(ctx, lp);
    skd_filter dxy = {SKD_FILTER_DXY, 20, 0}; /* odd: not a cosine product */
    CHECK_STATUS(skd_lowpass_create(ctx, &dxy, 100, 100, 82, &lp), SKD_E_INTERNAL);
    CHECK(lp == NULL);
    CHECK_STATUS(skd_lowpass_create(ctx, &g20, 0, 100, 82, &lp), SKD_E_INVALID);
    skd_ctx_free(ctx);
}

/* Same bits on 1, 2 and 3 threads, on two sizes. */
static void test_threads(void)
{
    static const size_t sizes[][2] = {{523, 389}, {1200, 700}};
    for (int si = 0; si < 2; si++) {
        size_t w = sizes[si][0], h = sizes[si][1], n = w * h;
        float *in = test_plane(w, h), *out[3];
        skd_filter g = {SKD_FILTER_GAUSS, 20, 0};
        for (int t = 0; t < 3; t++) {
            skd_ctx *ctx = skd_ctx_create();
            const float *src = in;
            out[t] = malloc(n * sizeof *out[t]);
            CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_THREADS, t + 1), SKD_OK);
            CHECK_STATUS(skd_fft_filter_planes(ctx, &src, &out[t], 1, w, h, 82, &g),
                         SKD_OK);
            skd_ctx_free(ctx);
        }
        CHECK(memcmp(out[0], out[1], n * sizeof *out[0]) == 0);
        CHECK(memcmp(out[0], out[2], n * sizeof *out[0]) == 0);
        for (int t = 0; t < 3; t++)
            free(out[t]);
        free(in);
    }
}

/* The callbacks: two planes at once, constant rows given as one value,
 * only wanted rows stored. */
typedef struct cb_state {
    const float *plane;
    size_t w, h, stored;
    float *out[2];
    int use_constant;
} cb_state;

static const float *cb_load(void *user, size_t p, size_t y, float *scratch)
{
    cb_state *s = user;
    if (p == 0 && s->use_constant) {
        scratch[0] = 3.5f; /* plane 0 is constant */
        return NULL;
    }
    if (p == 0) {
        for (size_t x = 0; x < s->w; x++)
            scratch[x] = 3.5f;
        return scratch;
    }
    return s->plane + y * s->w;
}

/* Rows 1, 4, 7, ... of both planes, and rows 2, 5, 8, ... of plane 1. */
static unsigned cb_wanted(void *user, size_t y)
{
    (void)user;
    return y % 3 == 1 ? 3u : y % 3 == 2 ? 2u : 0u;
}

static void cb_store(void *user, size_t y, float *const *rows)
{
    cb_state *s = user;
    for (int p = 0; p < 2; p++) {
        if (rows[p])
            memcpy(s->out[p] + y * s->w, rows[p], s->w * sizeof *rows[p]);
        s->stored += rows[p] != NULL; /* one thread in this test */
    }
}

static void test_callbacks(void)
{
    enum { W = 240, H = 180 };
    skd_ctx *ctx = skd_ctx_create();
    skd_filter g = {SKD_FILTER_GAUSS, 10, 0};
    skd_lowpass *lp;
    float *in = test_plane(W, H), *single = malloc(W * H * sizeof *single);
    cb_state st[2];
    const float *src = in;
    double cerr = 0;
    size_t unwanted_touched = 0;
    CHECK_STATUS(skd_fft_filter_planes(ctx, &src, &single, 1, W, H, 42, &g), SKD_OK);
    CHECK_STATUS(skd_lowpass_create(ctx, &g, W, H, 42, &lp), SKD_OK);
    for (int c = 0; c < 2; c++) {
        st[c] = (cb_state){in, W, H, 0, {malloc(W * H * sizeof(float)),
                                         malloc(W * H * sizeof(float))}, c};
        for (int p = 0; p < 2; p++)
            for (size_t i = 0; i < W * H; i++)
                st[c].out[p][i] = -1.0f;
        skd_lowpass_io io = {2, cb_load, cb_wanted, NULL, cb_store, &st[c]};
        CHECK_STATUS(skd_lowpass_run(ctx, lp, &io), SKD_OK);
        CHECK(st[c].stored == 3 * (H / 3));
    }
    for (size_t y = 0; y < H; y++)
        for (size_t x = 0; x < W; x++) {
            size_t i = y * W + x;
            if (y % 3 != 1) {
                unwanted_touched += st[0].out[0][i] != -1.0f;
                unwanted_touched += (y % 3 == 0) && st[0].out[1][i] != -1.0f;
                if (y % 3 == 2)
                    CHECK(st[0].out[1][i] == single[i]);
                continue;
            }
            /* plane 1 as a second plane: the same bits as alone */
            CHECK(st[0].out[1][i] == single[i] && st[1].out[1][i] == single[i]);
            /* a constant stays constant; given as one value or as a row */
            cerr = fmax(cerr, fabs(st[0].out[0][i] - 3.5));
            cerr = fmax(cerr, fabs(st[1].out[0][i] - 3.5));
        }
    REPORT("constant 3.5 plane: max error %.3g (as rows and as single values)", cerr);
    CHECK(cerr < 5e-6);
    CHECK(unwanted_touched == 0);
    skd_lowpass_free(ctx, lp);
    for (int c = 0; c < 2; c++) {
        free(st[c].out[0]);
        free(st[c].out[1]);
    }
    free(in);
    free(single);
    skd_ctx_free(ctx);
}

/* A destination never touched before gets the same bits as one already
 * written (rows come back in items of 2 MB whatever the memory held). */
static void test_fresh_destination(void)
{
    enum { W = 1500, H = 900 };
    float *in = test_plane(W, H), *fresh = malloc(W * H * sizeof *fresh);
    float *used = malloc(W * H * sizeof *used);
    const float *src = in;
    skd_filter g = {SKD_FILTER_GAUSS, 20, 0};
    skd_ctx *ctx = skd_ctx_create();
    for (size_t i = 0; i < W * H; i++)
        used[i] = -1.0f;
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_THREADS, 2), SKD_OK);
    CHECK_STATUS(skd_fft_filter_planes(ctx, &src, &fresh, 1, W, H, 82, &g),
                 SKD_OK);
    CHECK_STATUS(skd_fft_filter_planes(ctx, &src, &used, 1, W, H, 82, &g),
                 SKD_OK);
    CHECK(memcmp(fresh, used, W * H * sizeof *fresh) == 0);
    skd_ctx_free(ctx);
    free(in);
    free(fresh);
    free(used);
}

int main(void)
{
    test_against_direct();
    test_derivatives();
    test_against_spectrum();
    test_geometry();
    test_threads();
    test_callbacks();
    test_fresh_destination();
    return check_done("test_fft_lowpass");
}
