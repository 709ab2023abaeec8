/* Red area against the local background (docs/measurements.md), on known
 * red patches over a background whose a* rises by about 18 units across
 * the frame: exactly the strong patches are red, the faint ones and the
 * red side of the background are not. The global-median rule of 0.2 would
 * have counted the background's red side (printed for comparison). */
#include <stdlib.h>

#include "metrics/metrics.h"
#include "metrics_test_util.h"

#define W 400
#define H 240
#define S 20.0
#define PATCH_R 8.0 /* px: 0.4 mm */

/* Linear RGB of the background at column x: the red channel rises and
 * the green falls across the frame (a* from about 7 to 26). */
static void background(size_t x, double rgb[3])
{
    double t = (double)x / (W - 1);
    tu_skin_colour(rgb);
    rgb[0] *= 0.84 + 0.36 * t;
    rgb[1] *= 1.08 - 0.16 * t;
}

static void lab_of(const double lin[3], double lab[3])
{
    double xyz[3];
    skd_linear_to_xyz(lin, xyz);
    skd_xyz_to_lab(xyz, lab);
}

typedef struct patch {
    double cx, cy, red_gain; /* red_gain multiplies R; G gets 1/sqrt(gain) */
} patch;

/* Strong patches (+11 a* and more) and faint ones (+2 a*), at both ends
 * of the background ramp. */
static const patch patches[] = {
    {40, 40, 1.25, }, {140, 120, 1.25}, {260, 60, 1.25}, {360, 190, 1.25},
    {80, 190, 1.04}, {200, 200, 1.04}, {330, 50, 1.04},
};
#define N_PATCHES (sizeof patches / sizeof patches[0])

static int in_patch(const patch *p, size_t x, size_t y)
{
    double dx = (double)x - p->cx, dy = (double)y - p->cy;
    return dx * dx + dy * dy <= PATCH_R * PATCH_R;
}

static int test_local(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_image *img = tu_image(ctx, W, H);
    uint8_t *truth = calloc((size_t)W * H, 1);
    skd_analysis *a = NULL;
    size_t n_truth = 0, n_faint = 0, wrong = 0, global = 0;
    double min_strong = 1e9, max_faint = -1e9;

    for (size_t y = 0; y < H; y++)
        for (size_t x = 0; x < W; x++) {
            double rgb[3], lab0[3], lab1[3];
            background(x, rgb);
            lab_of(rgb, lab0);
            for (size_t k = 0; k < N_PATCHES; k++)
                if (in_patch(&patches[k], x, y)) {
                    rgb[0] *= patches[k].red_gain;
                    rgb[1] /= sqrt(patches[k].red_gain);
                    lab_of(rgb, lab1);
                    if (patches[k].red_gain > 1.2) {
                        truth[y * W + x] = 1;
                        n_truth++;
                        min_strong = fmin(min_strong, lab1[1] - lab0[1]);
                    } else {
                        n_faint++;
                        max_faint = fmax(max_faint, lab1[1] - lab0[1]);
                    }
                }
            tu_set_linear(img, x, y, rgb[0], rgb[1], rgb[2]);
        }
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, S);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &a), SKD_OK);
    if (a) {
        const skd_metrics *m = &a->metrics;
        for (size_t i = 0; i < (size_t)W * H; i++) {
            wrong += a->region[i] && a->red_area[i] != truth[i];
            global += a->region[i] && a->a_star[i] - m->a_median >= 5.0;
        }
        REPORT("a* excess: strong patches >= %.2f, faint <= %.2f; background "
               "a* %.2f .. %.2f", min_strong, max_faint, a->a_star[H / 2 * W],
               a->a_star[H / 2 * W + W - 1]);
        REPORT("red area %.5f (truth %zu px = %.5f), %zu px wrong; the global "
               "median rule: %.4f", m->red_area_fraction, n_truth,
               (double)n_truth / m->region_pixels, wrong,
               (double)global / m->region_pixels);
        /* the construction: strong excess far above delta, faint below,
         * background ramp more than delta over the frame */
        CHECK(min_strong >= 9.0 && max_faint <= 3.0 && n_faint > 0);
        CHECK(a->a_star[H / 2 * W + W - 1] - a->a_star[H / 2 * W] >= 10.0);
        CHECK(m->region_pixels == (uint64_t)W * H);
        /* exact: the patch raises its own background by about
         * excess * r^2 / (2 sigma^2) = 0.2, far from the 5.0 line */
        CHECK(wrong == 0);
        CHECK_NEAR(m->red_area_fraction, (double)n_truth / m->region_pixels,
                   1e-12);
        CHECK((double)global / m->region_pixels > 0.1);
    }
    /* a sub-region counts the same pixels (red is a property of the pixel) */
    if (a) {
        uint8_t *left = calloc((size_t)W * H, 1);
        skd_metrics ml;
        size_t want = 0, px = 0;
        for (size_t y = 0; y < H; y++)
            for (size_t x = 0; x < W / 2; x++) {
                left[y * W + x] = 1;
                want += truth[y * W + x];
                px++;
            }
        CHECK_STATUS(skd_metrics_in_region(ctx, a, img, left, NAN, &ml), SKD_OK);
        CHECK_NEAR(ml.red_area_fraction, (double)want / px, 1e-12);
        free(left);
    }
    skd_analysis_free(a);
    skd_image_free(img);
    free(truth);
    skd_ctx_free(ctx);
    return 0;
}

int main(void)
{
    test_local();
    return check_done("test_red_area_local");
}
