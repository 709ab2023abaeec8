/* The complex inverse made only over a band of columns
 * (skd_fft_c2c_inverse_band, which the pore bank uses for a tile's core
 * and the pixel around it) against the whole 2-D inverse
 * (skd_fft_c2c_inverse) on the tile sizes the bank uses at 20 px/mm
 * (320, and the last column's and row's 60 and 196), odd sizes, odd band
 * starts and a band reaching the last column. FFTW's estimated 2-D plan
 * is the rows' pass then the columns' with the same codelets, so the band
 * is the same bits (measured: 0 of every band's values differ with FFTW
 * 3.3.10); the tolerance allows for another FFTW that orders the passes
 * otherwise: float rounding of a transform of this size. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "fft/fft.h"

static unsigned long long rng = 0x2545f4914f6cdd1dull;
static float uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (float)((rng >> 11) * (1.0 / 9007199254740992.0));
}

static void test_band(skd_ctx *ctx, size_t pw, size_t ph, size_t c0, size_t nc)
{
    size_t rs = skd_fft_c2c_row(pw), n = rs * ph, differ = 0;
    fftwf_complex *in = skd_fft_alloc(ctx, n * sizeof *in);
    fftwf_complex *in2 = skd_fft_alloc(ctx, n * sizeof *in2);
    fftwf_complex *ref = skd_fft_alloc(ctx, n * sizeof *ref);
    fftwf_complex *out = skd_fft_alloc(ctx, n * sizeof *out);
    double worst = 0, vmax = 0;

    CHECK(in && in2 && ref && out);
    if (!in || !in2 || !ref || !out)
        goto done;
    for (size_t i = 0; i < n; i++) {
        in[i][0] = 100.0f * uniform() - 50.0f;
        in[i][1] = 100.0f * uniform() - 50.0f;
    }
    memcpy(in2, in, n * sizeof *in);
    CHECK_STATUS(skd_fft_prepare_c2c_band(ctx, pw, ph, c0, nc), SKD_OK);
    CHECK_STATUS(skd_fft_c2c_inverse(ctx, pw, ph, in, ref), SKD_OK);
    CHECK_STATUS(skd_fft_c2c_inverse_band(ctx, pw, ph, c0, nc, in2, out),
                 SKD_OK);
    for (size_t y = 0; y < ph; y++)
        for (size_t x = c0; x < c0 + nc; x++)
            for (int c = 0; c < 2; c++) {
                double a = ref[y * rs + x][c], b = out[y * rs + x][c];
                differ += memcmp(&ref[y * rs + x][c], &out[y * rs + x][c],
                                 sizeof(float)) != 0;
                if (fabs(a - b) > worst)
                    worst = fabs(a - b);
                if (fabs(a) > vmax)
                    vmax = fabs(a);
            }
    REPORT("%zu x %zu, columns %zu..%zu: %zu values differ in their bits, "
           "max |diff| %.3g of max |value| %.3g", pw, ph, c0, c0 + nc, differ,
           worst, vmax);
    /* a few times 2^-24 log2(pw ph) of the sum's scale, 50 sqrt(pw ph) */
    CHECK(worst <= 8 * ldexp(1.0, -24) * log2((double)pw * ph) * 50 *
                       sqrt((double)pw * ph));
    CHECK(vmax > 1);
done:
    skd_fft_dealloc(ctx, in);
    skd_fft_dealloc(ctx, in2);
    skd_fft_dealloc(ctx, ref);
    skd_fft_dealloc(ctx, out);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    const size_t cases[][4] = {{320, 320, 17, 286}, {60, 320, 17, 26},
                               {320, 196, 17, 286}, {60, 196, 17, 26},
                               {45, 75, 16, 29},    {81, 64, 3, 78},
                               {128, 128, 0, 128}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        test_band(ctx, cases[i][0], cases[i][1], cases[i][2], cases[i][3]);
    /* a band outside the row is refused */
    CHECK_STATUS(skd_fft_prepare_c2c_band(ctx, 60, 60, 40, 21), SKD_E_INTERNAL);
    skd_ctx_free(ctx);
    return check_done("test_fft_band");
}
