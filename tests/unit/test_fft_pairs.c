/* Two filters in one complex inverse transform (skd_filter_set_apply_pair)
 * on odd and even sizes: the products bit for bit those of the plain
 * per-bin formula (whatever rows, vectors and tails make them), and the
 * two planes within float rounding of one filter per real transform. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fft/fft.h"

static unsigned long long rng = 0x9e3779b97f4a7c15ull;
static float uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (float)((rng >> 11) * (1.0 / 9007199254740992.0));
}

/* Z of filters a and b from the half spectrum, one bin at a time: row ky
 * up to pw/2 from S(kx, ky), the rest of row -ky from conj S(kx, ky). */
static void reference_z(const fftwf_complex *spec, size_t pw, size_t ph,
                        float *const ta[2], float *const tb[2], int na,
                        int nb, fftwf_complex *z)
{
    size_t nx = pw / 2 + 1, rs = skd_fft_c2c_row(pw);
    for (size_t ky = 0; ky < ph; ky++)
        for (size_t kx = 0; kx < nx; kx++) {
            float re = spec[ky * nx + kx][0], im = spec[ky * nx + kx][1];
            float ga, gb, p1, p2, p3, p4;
            if (na == 2)
                ga = ta[0][kx] * ta[1][ky] + ta[0][nx + kx] * ta[1][ph + ky];
            else
                ga = ta[0][kx] * ta[1][ky] + ta[0][kx] * 0.0f;
            if (nb == 2)
                gb = tb[0][kx] * tb[1][ky] + tb[0][nx + kx] * tb[1][ph + ky];
            else
                gb = tb[0][kx] * tb[1][ky] + tb[0][kx] * 0.0f;
            p1 = re * ga;
            p2 = im * gb;
            p3 = re * gb;
            p4 = im * ga;
            z[ky * rs + kx][0] = p1 - p2;
            z[ky * rs + kx][1] = p3 + p4;
            if (kx > 0 && kx + nx <= pw) {
                size_t row = (ph - ky) % ph;
                z[row * rs + pw - kx][0] = p1 + p2;
                z[row * rs + pw - kx][1] = p3 - p4;
            }
        }
}

static void test_size(skd_ctx *ctx, size_t pw, size_t ph)
{
    const skd_filter f[4] = {{SKD_FILTER_LOGN, 1.3, 0},
                             {SKD_FILTER_GAUSS, 0.9, 0},
                             {SKD_FILTER_DOG, 1.0, 2.5},
                             {SKD_FILTER_LOGN, 2.2, 0}};
    size_t nx = pw / 2 + 1, rs = skd_fft_c2c_row(pw), stride = skd_fft_row_floats(pw);
    fftwf_complex *spec = skd_fft_alloc(ctx, nx * ph * sizeof *spec);
    fftwf_complex *one = skd_fft_alloc(ctx, nx * ph * sizeof *one);
    fftwf_complex *scratch = skd_fft_alloc(ctx, rs * ph * sizeof *scratch);
    fftwf_complex *out = skd_fft_alloc(ctx, rs * ph * sizeof *out);
    fftwf_complex *ref = skd_fft_alloc(ctx, rs * ph * sizeof *ref);
    fftwf_complex *ref_out = skd_fft_alloc(ctx, rs * ph * sizeof *ref_out);
    float *tabs = malloc(4 * 2 * (nx + ph) * sizeof *tabs);
    skd_filter_set *set = NULL;
    size_t bits_differ = 0;
    double worst = 0, vmax = 0;

    CHECK(spec && one && scratch && out && ref && ref_out && tabs);
    if (!spec || !one || !scratch || !out || !ref || !ref_out || !tabs)
        goto done;
    for (size_t y = 0; y < ph; y++)
        for (size_t x = 0; x < pw; x++)
            ((float *)spec)[y * stride + x] = 100.0f * uniform() - 50.0f;
    CHECK_STATUS(skd_fft_r2c_inplace(ctx, pw, ph, (float *)spec), SKD_OK);
    CHECK_STATUS(skd_filter_set_create_pairs(ctx, f, 4, pw, ph, &set), SKD_OK);
    if (!set)
        goto done;
    for (size_t p = 0; p < 2; p++) {
        size_t i = 2 * p, j = 2 * p + 1;
        float *ta[2] = {tabs + 2 * i * (nx + ph), tabs + 2 * i * (nx + ph) + 2 * nx};
        float *tb[2] = {tabs + 2 * j * (nx + ph), tabs + 2 * j * (nx + ph) + 2 * nx};
        float *ax_a[2] = {ta[0], ta[0] + nx}, *by_a[2] = {ta[1], ta[1] + ph};
        float *ax_b[2] = {tb[0], tb[0] + nx}, *by_b[2] = {tb[1], tb[1] + ph};
        int na = skd_filter_tables(&f[i], pw, ph, ax_a, by_a);
        int nb = skd_filter_tables(&f[j], pw, ph, ax_b, by_b);
        memset(ref, 0, rs * ph * sizeof *ref);
        reference_z(spec, pw, ph, ta, tb, na, nb, ref);
        CHECK_STATUS(skd_fft_c2c_inverse(ctx, pw, ph, ref, ref_out), SKD_OK);
        CHECK_STATUS(skd_filter_set_apply_pair(ctx, set, i, j, spec, scratch, out),
                     SKD_OK);
        for (size_t y = 0; y < ph; y++)
            bits_differ += memcmp(out + y * rs, ref_out + y * rs, pw * sizeof *out) != 0;
        /* each half against its filter alone through a real inverse */
        for (size_t h = 0; h < 2; h++) {
            CHECK_STATUS(skd_filter_set_apply(ctx, set, h ? j : i, spec, one), SKD_OK);
            for (size_t y = 0; y < ph; y++)
                for (size_t x = 0; x < pw; x++) {
                    double want = ((const float *)one)[y * stride + x];
                    double got = out[y * rs + x][h];
                    if (fabs(got - want) > worst)
                        worst = fabs(got - want);
                    if (fabs(want) > vmax)
                        vmax = fabs(want);
                }
        }
    }
    REPORT("%zu x %zu: rows differing from the per-bin products: %zu; pair vs "
           "one filter: max |diff| %.3g of max |value| %.3g", pw, ph,
           bits_differ, worst, vmax);
    CHECK(bits_differ == 0);
    /* float transforms: a few times 2^-24 log2(pw ph) of the input's 50 */
    CHECK(worst < 8 * ldexp(1.0, -24) * log2((double)pw * ph) * 50);
    CHECK(vmax > 1);
done:
    skd_filter_set_free(ctx, set);
    skd_fft_dealloc(ctx, spec);
    skd_fft_dealloc(ctx, one);
    skd_fft_dealloc(ctx, scratch);
    skd_fft_dealloc(ctx, out);
    skd_fft_dealloc(ctx, ref);
    skd_fft_dealloc(ctx, ref_out);
    free(tabs);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    const size_t sizes[][2] = {{60, 196}, {63, 75}, {128, 128}, {45, 50}, {320, 60}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        test_size(ctx, sizes[s][0], sizes[s][1]);
    skd_ctx_free(ctx);
    return check_done("test_fft_pairs");
}
