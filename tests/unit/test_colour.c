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
    skd_colour_row(rgb, 5, t, l, a, e);
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

int main(void)
{
    test_reference_colours();
    test_transfer();
    test_table();
    test_lab_round_trip();
    test_row();
    return check_done("test_colour");
}
