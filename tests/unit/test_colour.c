/* Colour conversions against published reference values. */
#include "metrics_test_util.h"

static void check_lab(uint8_t r, uint8_t g, uint8_t b, double L, double A,
                      double B, double tol)
{
    uint8_t rgb[3] = {r, g, b};
    double lab[3];
    skd_srgb8_to_lab(rgb, lab);
    REPORT("sRGB (%3u,%3u,%3u) -> Lab (%.4f, %.4f, %.4f)", r, g, b, lab[0],
           lab[1], lab[2]);
    CHECK_NEAR(lab[0], L, tol);
    CHECK_NEAR(lab[1], A, tol);
    CHECK_NEAR(lab[2], B, tol);
}

static void test_reference_colours(void)
{
    check_lab(255, 255, 255, 100.0, 0.0, 0.0, 0.01);
    check_lab(0, 0, 0, 0.0, 0.0, 0.0, 0.01);
    check_lab(255, 0, 0, 53.24, 80.09, 67.20, 0.01);
    check_lab(0, 255, 0, 87.73, -86.18, 83.18, 0.01);
    check_lab(0, 0, 255, 32.30, 79.19, -107.86, 0.01);
    /* Mid grey: sRGB 119 is L* 50.03. */
    check_lab(119, 119, 119, 50.0, 0.0, 0.0, 0.05);
}

static void test_transfer(void)
{
    /* The two branches meet at 0.04045 / 0.0031308. */
    CHECK_NEAR(skd_srgb_decode(0.04045), 0.04045 / 12.92, 1e-12);
    CHECK_NEAR(skd_srgb_decode(0.5), 0.21404114, 1e-7);
    CHECK_NEAR(skd_srgb_decode(1.0), 1.0, 1e-12);
    for (int i = 0; i <= 1000; i++) {
        double v = i / 1000.0;
        CHECK_NEAR(skd_srgb_encode(skd_srgb_decode(v)), v, 1e-12);
    }
}

static void test_table(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_colour_lut *t = skd_colour_lut_create(ctx);
    CHECK(t != NULL);
    if (t) {
        double worst = 0, worst_log = 0;
        for (int i = 1; i < SKD_SRGB_TABLE_SIZE; i += 97) {
            double want = skd_srgb_decode(i / 65535.0);
            double err = fabs(t->linear[i] - want) / want;
            if (err > worst)
                worst = err;
            err = fabs(t->log10_linear[i] - 100 * log10(want));
            if (err > worst_log)
                worst_log = err;
        }
        REPORT("decode table: worst relative error %.3g, log table %.3g", worst, worst_log);
        CHECK(worst < 1e-6 && worst_log < 1e-4);
        CHECK(t->linear[0] == 0.0f && t->linear[65535] == 1.0f);
        CHECK(t->log10_linear[65535] == 0.0f && isnan(t->log10_linear[0]));
    }
    skd_dealloc(ctx, t);
    skd_ctx_free(ctx);
}

static void test_lab_round_trip(void)
{
    uint64_t seed = 7;
    double worst = 0;
    for (int i = 0; i < 1000; i++) {
        double rgb[3], xyz[3], lab[3], back[3];
        for (int c = 0; c < 3; c++)
            rgb[c] = tu_uniform(&seed);
        skd_linear_to_xyz(rgb, xyz);
        skd_xyz_to_lab(xyz, lab);
        skd_lab_to_linear(lab, back);
        for (int c = 0; c < 3; c++)
            if (fabs(back[c] - rgb[c]) > worst)
                worst = fabs(back[c] - rgb[c]);
    }
    REPORT("linear -> Lab -> linear: worst error %.3g", worst);
    CHECK(worst < 1e-6);
}

/* The row conversion: l = 100 ln Y, a*, 100 log10(R/G), NaN at zero. */
static void test_row(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_colour_lut *t = skd_colour_lut_create(ctx);
    uint16_t rgb[5 * 3] = {200 * 257, 150 * 257, 130 * 257, 65535, 65535,
                           65535, 0, 100 * 257, 50 * 257, 30 * 257, 0, 0,
                           0, 0, 0};
    float l[5], a[5], e[5];
    uint8_t skin[3] = {200, 150, 130};
    double lab[3], r = skd_srgb_decode(200 / 255.0),
                   g = skd_srgb_decode(150 / 255.0),
                   b = skd_srgb_decode(130 / 255.0);
    skd_luminance_row(rgb, 5, t, NULL, l, NULL);
    skd_a_star_row(rgb, 5, t, a, e);
    skd_srgb8_to_lab(skin, lab);
    REPORT("skin (200,150,130): l %.4f a* %.4f EI %.4f", l[0], a[0], e[0]);
    CHECK_NEAR(l[0], 100 * log(0.2126 * r + 0.7152 * g + 0.0722 * b), 1e-3);
    CHECK_NEAR(a[0], lab[1], 1e-3);
    CHECK_NEAR(e[0], 100 * log10(r / g), 1e-3);
    CHECK_NEAR(l[1], 0.0, 1e-4);
    CHECK_NEAR(a[1], 0.0, 1e-3);
    CHECK_NEAR(e[1], 0.0, 1e-4);
    CHECK(isnan(e[2]) && isnan(e[3]));
    /* Black: Y clamped to the floor, l finite. */
    CHECK_NEAR(l[4], 100 * log(SKD_Y_FLOOR), 1e-3);
    skd_dealloc(ctx, t);
    skd_ctx_free(ctx);
}

/* Error of a float result in units of the last place of the correctly
 * rounded value. */
static double ulps(float got, double want)
{
    float w = fabsf((float)want);
    return fabs(got - want) / (nextafterf(w, INFINITY) - w);
}

/* The vectorisable approximations against libm in double, on every 61st
 * float of [1e-6, 1.1] (l needs Y from the 1e-6 floor to 1; a* needs cube
 * roots up to X/Xn, just above 1). */
static void test_fast_math(void)
{
    double worst_ln = 0, worst_cbrt = 0;
    uint32_t lo = skd_bits_from_float(1e-6f), hi = skd_bits_from_float(1.1f);
    for (uint32_t u = lo; u <= hi; u += 61) {
        float x = skd_float_from_bits(u);
        double e_ln = ulps(skd_ln_fast(x), log(x));
        double e_cbrt = ulps(skd_cbrt_fast(x), cbrt(x));
        if (e_ln > worst_ln)
            worst_ln = e_ln;
        if (e_cbrt > worst_cbrt)
            worst_cbrt = e_cbrt;
    }
    REPORT("skd_ln_fast worst %.3f ulp, skd_cbrt_fast worst %.3f ulp", worst_ln,
           worst_cbrt);
    CHECK(worst_ln <= 1.0 && worst_cbrt <= 1.0);
}

/* The row conversion on random 16-bit pixels against the same formulas in
 * double from the same table values. l: Y summed in float (a relative
 * error of a few 2^-24, times 100) and the logarithm within an ulp; a*: a
 * difference of numbers up to 500 in float; the erythema value is the
 * difference of two table entries, so its error is theirs (an ulp of
 * each). Errors are in units of 2^-23 times the size of the numbers
 * involved. */
static void test_row_precision(void)
{
    enum { N = 20000 };
    skd_ctx *ctx = skd_ctx_create();
    skd_colour_lut *t = skd_colour_lut_create(ctx);
    uint16_t *rgb = malloc(N * 3 * sizeof *rgb);
    float *l = malloc(N * sizeof *l), *a = malloc(N * sizeof *a),
          *e = malloc(N * sizeof *e);
    uint64_t seed = 11;
    double worst_l = 0, worst_a = 0, worst_a_skin = 0, worst_e = 0;
    for (size_t i = 0; i < 3 * N; i++)
        rgb[i] = (uint16_t)(tu_uniform(&seed) * 65536);
    /* the second half skin-like: red above green above blue */
    for (size_t i = N / 2; i < N; i++) {
        rgb[3 * i] = (uint16_t)(30000 + 35535 * tu_uniform(&seed));
        rgb[3 * i + 1] = (uint16_t)(rgb[3 * i] * (0.55 + 0.4 * tu_uniform(&seed)));
        rgb[3 * i + 2] = (uint16_t)(rgb[3 * i + 1] * (0.6 + 0.4 * tu_uniform(&seed)));
    }
    skd_luminance_row(rgb, N, t, NULL, l, NULL);
    skd_a_star_row(rgb, N, t, a, e);
    /* the statistics' own lookups give the same values */
    {
        float *e2 = malloc(N * sizeof *e2);
        skd_erythema_row(rgb, N, t->log10_linear, e2);
        CHECK(memcmp(e, e2, N * sizeof *e) == 0);
        free(e2);
    }
    for (size_t i = 0; i < N; i++) {
        const uint16_t *p = rgb + 3 * i;
        double lin[3] = {t->linear[p[0]], t->linear[p[1]], t->linear[p[2]]};
        double xyz[3], lab[3], y = skd_luminance(lin[0], lin[1], lin[2]);
        double err;
        skd_linear_to_xyz(lin, xyz);
        skd_xyz_to_lab(xyz, lab);
        err = fabs(l[i] - skd_log_luminance(y)) / ((fabs(l[i]) + 100) * 0x1p-23);
        if (err > worst_l)
            worst_l = err;
        err = fabs(a[i] - lab[1]) / (500 * 0x1p-23);
        if (err > worst_a)
            worst_a = err;
        if (i >= N / 2 && err > worst_a_skin)
            worst_a_skin = err;
        if (p[0] && p[1]) {
            float lr = t->log10_linear[p[0]], lg = t->log10_linear[p[1]];
            CHECK(e[i] == lr - lg);
            err = fabs(e[i] - 100.0 * log10(skd_srgb_decode(p[0] / 65535.0) /
                                            skd_srgb_decode(p[1] / 65535.0))) /
                  ((fabsf(lr) + fabsf(lg)) * 0x1p-23);
            if (err > worst_e)
                worst_e = err;
        } else {
            CHECK(isnan(e[i]));
        }
    }
    REPORT("row vs double, in 2^-23 of the magnitudes: l %.2f, a* %.2f (skin-like "
           "%.2f, %.2g absolute), EI %.2f", worst_l, worst_a, worst_a_skin,
           worst_a_skin * 500 * 0x1p-23, worst_e);
    CHECK(worst_l < 3 && worst_a < 2 && worst_a_skin < 1 && worst_e <= 1.5);
    free(rgb);
    free(l);
    free(a);
    free(e);
    skd_dealloc(ctx, t);
    skd_ctx_free(ctx);
}

/* The AVX2 copies of the row loops give the same bits as the SSE2 ones,
 * on random pixels and on skin-like ones (skipped where the CPU has no
 * AVX2). */
static void test_wide_loops(void)
{
    enum { N = 50000 };
    skd_ctx *ctx = skd_ctx_create();
    skd_colour_lut *t = skd_colour_lut_create(ctx);
    uint16_t *rgb = malloc(N * 3 * sizeof *rgb);
    float *out[2][2];
    uint64_t seed = 17;
    if (!skd_colour_wide_available()) {
        REPORT("%s", "no AVX2 here: the wide loops are not used, nothing to compare");
        CHECK(t->wide == 0);
        goto done;
    }
    CHECK(t->wide == 1);
    for (size_t i = 0; i < 3 * (size_t)N; i++)
        rgb[i] = (uint16_t)(tu_uniform(&seed) * 65536);
    for (size_t i = 0; i < 256; i++) /* greys, black and white */
        rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (uint16_t)(i * 257);
    for (int wide = 0; wide < 2; wide++) {
        for (int k = 0; k < 2; k++)
            out[wide][k] = malloc(N * sizeof(float));
        t->wide = wide;
        skd_luminance_row(rgb, N, t, NULL, out[wide][0], NULL);
        skd_a_star_row(rgb, N, t, out[wide][1], NULL);
    }
    for (int k = 0; k < 2; k++)
        CHECK(memcmp(out[0][k], out[1][k], N * sizeof(float)) == 0);
    REPORT("AVX2 and SSE2 row loops: l and a* identical on %d pixels", N);
    for (int wide = 0; wide < 2; wide++)
        for (int k = 0; k < 2; k++)
            free(out[wide][k]);
done:
    free(rgb);
    skd_dealloc(ctx, t);
    skd_ctx_free(ctx);
}

/* The l plane of a photo on 1 and 3 threads: the same bytes; l is the
 * same with the clip flags made beside it, and as the row function gives
 * it. a* of the whole photo in one run (as the statistics make it, in
 * blocks that span rows) is a* row by row. */
static void test_planes_threads(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_colour_lut *t = skd_colour_lut_create(ctx);
    const uint32_t w = 333, h = 1000; /* several bands of rows */
    size_t n = (size_t)w * h;
    skd_image *img = tu_image(ctx, w, h);
    float *p[2], *a_run = malloc(n * sizeof(float)), *a_rows = malloc(n * sizeof(float));
    uint64_t seed = 5;
    for (size_t i = 0; i < 3 * n; i++)
        img->rgb[i] = (uint16_t)(tu_uniform(&seed) * 65536);
    for (int r = 0; r < 2; r++) {
        p[r] = malloc(n * sizeof(float));
        skd_ctx_set(ctx, SKD_OPT_THREADS, r ? 3 : 1);
        if (r) {
            skd_clip_rule rule = skd_clip_rule_make(t, 250 * 257, 0.01);
            uint8_t *clipped = malloc(n);
            skd_luminance_plane(ctx, img, t, &rule, p[r], clipped);
            free(clipped);
        } else {
            skd_luminance_plane(ctx, img, t, NULL, p[r], NULL);
        }
    }
    CHECK(memcmp(p[0], p[1], n * sizeof(float)) == 0);
    {
        float row[333];
        skd_luminance_row(img->rgb + 3 * (size_t)w * 777, w, t, NULL, row, NULL);
        CHECK(memcmp(row, p[0] + (size_t)w * 777, sizeof row) == 0);
    }
    skd_a_star_row(img->rgb, n, t, a_run, NULL);
    for (size_t y = 0; y < h; y++)
        skd_a_star_row(img->rgb + 3 * y * w, w, t, a_rows + y * w, NULL);
    CHECK(memcmp(a_run, a_rows, n * sizeof(float)) == 0);
    REPORT("colour planes %ux%u: l on 1 and 3 threads identical, a* in one run "
           "and by rows identical", w, h);
    for (int r = 0; r < 2; r++)
        free(p[r]);
    free(a_run);
    free(a_rows);
    skd_image_free(img);
    skd_dealloc(ctx, t);
    skd_ctx_free(ctx);
}

int main(void)
{
    test_reference_colours();
    test_transfer();
    test_table();
    test_lab_round_trip();
    test_row();
    test_fast_math();
    test_row_precision();
    test_planes_threads();
    test_wide_loops();
    return check_done("test_colour");
}
