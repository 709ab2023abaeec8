/* The FFT filter engine against direct spatial convolution with the same
 * mirror boundary, on small images where the direct sum is cheap. */
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

/* Continuous kernels sampled at integer offsets. */
static double kernel(const skd_filter *f, double x, double y)
{
    double s = f->s1, r2 = x * x + y * y;
    double g = exp(-r2 / (2 * s * s)) / (2 * M_PI * s * s);
    switch (f->kind) {
    case SKD_FILTER_GAUSS: return g;
    case SKD_FILTER_DOG: {
        double s2 = f->s2;
        return g - exp(-r2 / (2 * s2 * s2)) / (2 * M_PI * s2 * s2);
    }
    case SKD_FILTER_LOGN: return s * s * g * (r2 / (s * s * s * s) - 2 / (s * s));
    case SKD_FILTER_DXX: return g * (x * x / (s * s * s * s) - 1 / (s * s));
    case SKD_FILTER_DYY: return g * (y * y / (s * s * s * s) - 1 / (s * s));
    case SKD_FILTER_DXY: return g * x * y / (s * s * s * s);
    }
    return 0;
}

static void direct(const float *img, size_t w, size_t h, const skd_filter *f,
                   double *out)
{
    double smax = f->kind == SKD_FILTER_DOG ? f->s2 : f->s1;
    long rad = (long)ceil(6 * smax);
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            double acc = 0;
            for (long dy = -rad; dy <= rad; dy++)
                for (long dx = -rad; dx <= rad; dx++) {
                    size_t sx = reflect((long)x - dx, w), sy = reflect((long)y - dy, h);
                    acc += img[sy * w + sx] * kernel(f, (double)dx, (double)dy);
                }
            out[y * w + x] = acc;
        }
}

static unsigned long long rng = 88172645463325252ull;
static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

int main(void)
{
    enum { W = 45, H = 31 };
    static float img[W * H];
    static double want[W * H];
    const skd_filter filters[] = {
        {SKD_FILTER_GAUSS, 1.5, 0}, {SKD_FILTER_GAUSS, 4.0, 0},
        {SKD_FILTER_DOG, 1.2, 5.0}, {SKD_FILTER_LOGN, 2.0, 0},
        {SKD_FILTER_DXX, 1.8, 0},   {SKD_FILTER_DYY, 1.8, 0},
        {SKD_FILTER_DXY, 1.8, 0},
    };
    enum { NF = sizeof filters / sizeof filters[0] };
    float *out1[NF], *out2[NF];
    skd_ctx *ctx = skd_ctx_create();
    skd_spectrum *spec = NULL;

    CHECK(skd_fft_good_size(1) == 2);
    CHECK(skd_fft_good_size(97) == 98);   /* 2 * 7 * 7 */
    CHECK(skd_fft_good_size(1009) == 1024);
    CHECK(skd_fft_good_size(121) == 125);

    /* Smooth structure plus pixel noise, so every band is exercised. */
    for (size_t y = 0; y < H; y++)
        for (size_t x = 0; x < W; x++)
            img[y * W + x] = (float)(50 + 20 * sin(0.3 * x) * cos(0.17 * y) +
                                     10 * uniform());

    CHECK_STATUS(skd_spectrum_forward(ctx, img, W, H, skd_fft_margin(6.0), &spec),
                 SKD_OK);
    for (int i = 0; i < NF; i++) {
        out1[i] = malloc(sizeof img);
        out2[i] = malloc(sizeof img);
    }
    CHECK_STATUS(skd_spectrum_filter(ctx, spec, filters, NF, out1), SKD_OK);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_THREADS, 2), SKD_OK);
    CHECK_STATUS(skd_spectrum_filter(ctx, spec, filters, NF, out2), SKD_OK);

    for (int i = 0; i < NF; i++) {
        double maxerr = 0, maxval = 0;
        direct(img, W, H, &filters[i], want);
        for (size_t p = 0; p < W * H; p++) {
            double e = fabs(out1[i][p] - want[p]);
            maxerr = e > maxerr ? e : maxerr;
            maxval = fabs(want[p]) > maxval ? fabs(want[p]) : maxval;
        }
        REPORT("filter %d (kind %d, s1 %.1f): max |fft - direct| = %.2e (max |value| %.2f)",
               i, (int)filters[i].kind, filters[i].s1, maxerr, maxval);
        /* float FFT of values ~80: a few 1e-5 relative is the floor. */
        CHECK(maxerr <= 2e-4 * (maxval > 1 ? maxval : 1) + 1e-4);
        CHECK(memcmp(out1[i], out2[i], sizeof img) == 0); /* thread-independent */
    }

    /* The padding is a mirror: a constant plane stays constant under G. */
    for (size_t p = 0; p < W * H; p++)
        img[p] = 7.0f;
    skd_spectrum_free(ctx, spec);
    CHECK_STATUS(skd_spectrum_forward(ctx, img, W, H, skd_fft_margin(4.0), &spec),
                 SKD_OK);
    CHECK_STATUS(skd_spectrum_filter(ctx, spec, &filters[1], 1, out1), SKD_OK);
    for (size_t p = 0; p < W * H; p++)
        CHECK_NEAR(out1[0][p], 7.0, 1e-4);

    skd_spectrum_free(ctx, spec);
    CHECK_STATUS(skd_spectrum_forward(ctx, img, 0, H, 4, &spec), SKD_E_INVALID);
    CHECK(spec == NULL);
    for (int i = 0; i < NF; i++) {
        free(out1[i]);
        free(out2[i]);
    }
    skd_ctx_free(ctx);
    return check_done("test_fft");
}
