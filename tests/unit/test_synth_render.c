/* Rendering ground truth: colour, relief contrast, pore depth, red patches
 * and determinism of skd_synth, read back from the 16-bit pixels. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fft/fft.h"
#include "synth/synth.h"
#include "synth_util.h"

/* A flat render decodes back to the requested CIELAB within 8-bit
 * quantisation (0.5). */
static void test_flat_colour(skd_ctx *ctx)
{
    static const double colours[][3] = {
        {62, 14, 16}, {40, 20, 25}, {75, 8, 12}, {50, 0, 0}, {30, 25, 20}};
    for (size_t i = 0; i < sizeof colours / sizeof colours[0]; i++) {
        skd_synth_params p;
        skd_synth_run run;
        double lab[3];
        util_quiet(&p, 32, 24, 20);
        p.L = colours[i][0];
        p.a = colours[i][1];
        p.b = colours[i][2];
        CHECK_STATUS(skd_synth_run_make(ctx, &p, 0, &run), SKD_OK);
        if (!run.image[0])
            continue;
        util_lab(run.image[0], 5, 7, lab);
        REPORT("flat L*a*b* %g %g %g -> %.3f %.3f %.3f", p.L, p.a, p.b, lab[0],
               lab[1], lab[2]);
        CHECK_NEAR(lab[0], p.L, 0.5);
        CHECK_NEAR(lab[1], p.a, 0.5);
        CHECK_NEAR(lab[2], p.b, 0.5);
        CHECK(run.session[0].clipped_pixels == 0);
        CHECK_NEAR(run.session[0].a_mean, p.a, 1e-5);
        CHECK_NEAR(run.session[0].a_image_mean, p.a, 0.05);
        skd_synth_run_free(ctx, &run);
    }
}

/* std of l = 100 ln Y on a noiseless render of relief alone is the
 * requested RMS (5%: a finite frame), and, once the variance 8-bit
 * rounding adds is taken out, the truth's RMS over the frame (1%). */
static void test_relief_rms(skd_ctx *ctx)
{
    static const double rms[] = {4, 2, 8};
    for (size_t k = 0; k < sizeof rms / sizeof rms[0]; k++) {
        skd_synth_params p;
        skd_synth_run run;
        double sum = 0, sq = 0, n, mean, sd, q, sd_model;
        util_quiet(&p, 400, 300, 20);
        p.relief_rms = rms[k];
        p.seed = 11 + k;
        CHECK_STATUS(skd_synth_run_make(ctx, &p, 0, &run), SKD_OK);
        if (!run.image[0])
            continue;
        for (uint32_t y = 0; y < p.height; y++)
            for (uint32_t x = 0; x < p.width; x++) {
                double l = util_l(run.image[0], x, y);
                sum += l;
                sq += l * l;
            }
        n = (double)p.width * p.height;
        mean = sum / n;
        sd = sqrt(sq / n - mean * mean);
        q = util_l_rounding_sd(run.image[0], 0, 0);
        sd_model = sqrt(sd * sd - q * q);
        REPORT("relief %g: std of l %.4f (%.4f without rounding sd %.3f), "
               "truth frame RMS %.4f", rms[k], sd, sd_model, q,
               run.session[0].relief_std);
        CHECK_REL(sd, rms[k], 0.05);
        CHECK_REL(sd_model, run.session[0].relief_std, 0.01);
        skd_synth_run_free(ctx, &run);
    }
}

/* The pixel nearest each pore centre is darker by the model's amount,
 * 1 - exp(-A g / 100) with g = exp(-d^2 / (2 sigma^2)) at its offset d
 * (the requested depth at d = 0), up to 8-bit rounding, which alone can
 * move a darkness of 0.3 by 3%: the check allows exactly that rounding. */
static void test_pore_depth(skd_ctx *ctx)
{
    skd_synth_params p;
    skd_synth_run run;
    double Y0, worst = 0, worst_depth = 0, worst_bound = 0;
    int tested = 0;
    util_quiet(&p, 300, 240, 20);
    p.pore_density_per_cm2 = 40;
    p.pore_diameter_min_mm = 0.2;
    p.pore_diameter_max_mm = 0.4;
    p.pore_depth_min = 0.25;
    p.pore_depth_max = 0.45;
    CHECK_STATUS(skd_synth_run_make(ctx, &p, 0, &run), SKD_OK);
    if (!run.image[0])
        return;
    Y0 = pow((p.L + 16) / 116, 3);
    for (size_t i = 0; i < run.session[0].n_pores; i++) {
        const skd_synth_seen_pore *q = &run.session[0].pores[i];
        double rx = round(q->x), ry = round(q->y), d2, want, got, bound;
        if (!q->in_frame)
            continue;
        CHECK(q->depth >= p.pore_depth_min && q->depth <= p.pore_depth_max);
        CHECK(q->diameter_mm >= p.pore_diameter_min_mm &&
              q->diameter_mm <= p.pore_diameter_max_mm);
        CHECK_NEAR(q->A, -100 * log(1 - q->depth), 1e-9);
        if (rx < 0 || ry < 0 || rx >= p.width || ry >= p.height)
            continue;
        d2 = (rx - q->x) * (rx - q->x) + (ry - q->y) * (ry - q->y);
        want = 1 - exp(-q->A / 100 * exp(-d2 / (2 * q->sigma_px * q->sigma_px)));
        got = 1 - util_Y(run.image[0], (uint32_t)rx, (uint32_t)ry) / Y0;
        bound = util_Y_bound(run.image[0], (uint32_t)rx, (uint32_t)ry) / Y0;
        worst = fmax(worst, fabs(got / want - 1));
        worst_bound = fmax(worst_bound, fabs(got - want) / bound);
        worst_depth = fmax(worst_depth, fabs(want / q->depth - 1));
        CHECK_NEAR(got, want, bound);
        tested++;
    }
    REPORT("pores: %d centre pixels, worst darkness error %.2f%%, at most "
           "%.2f of the 8-bit rounding bound (offset from the centre costs "
           "up to %.2f%% of the depth)",
           tested, 100 * worst, worst_bound, 100 * worst_depth);
    CHECK(tested > 10);
    skd_synth_run_free(ctx, &run);
}

/* Red patches: decoded a* at each patch centre is the base plus every
 * patch's Gaussian there; decoded mean a* is the truth's a_mean. */
static void test_red_patches(skd_ctx *ctx)
{
    skd_synth_params p;
    skd_synth_run run;
    double sum = 0, lab[3];
    util_quiet(&p, 320, 240, 20);
    p.red_patches = 4;
    p.red_patch_delta_a = 6;
    p.red_patch_radius_mm = 1.5;
    CHECK_STATUS(skd_synth_run_make(ctx, &p, 0, &run), SKD_OK);
    if (!run.image[0])
        return;
    for (size_t i = 0; i < run.world.n_patches; i++) {
        double x, y, want = p.a;
        skd_affine_apply(&run.session[0].to_px, run.world.patches[i].u,
                         run.world.patches[i].v, &x, &y);
        CHECK(x >= -0.5 && x < p.width - 0.5 && y >= -0.5 && y < p.height - 0.5);
        x = fmin(fmax(round(x), 0), p.width - 1);
        y = fmin(fmax(round(y), 0), p.height - 1);
        for (size_t j = 0; j < run.world.n_patches; j++) {
            double u, v, s = p.red_patch_radius_mm * p.px_per_mm;
            skd_affine_apply(&run.session[0].to_px, run.world.patches[j].u,
                             run.world.patches[j].v, &u, &v);
            want += p.red_patch_delta_a *
                    exp(-((x - u) * (x - u) + (y - v) * (y - v)) / (2 * s * s));
        }
        util_lab(run.image[0], (uint32_t)x, (uint32_t)y, lab);
        REPORT("patch %zu: a* %.3f, model %.3f", i, lab[1], want);
        CHECK_NEAR(lab[1], want, 0.5);
    }
    for (uint32_t y = 0; y < p.height; y++)
        for (uint32_t x = 0; x < p.width; x++) {
            util_lab(run.image[0], x, y, lab);
            sum += lab[1];
        }
    sum /= (double)p.width * p.height;
    REPORT("mean a*: decoded %.4f, truth a_mean %.4f, a_mean_image %.4f, "
           "median %.4f, red area %.4f",
           sum, run.session[0].a_mean, run.session[0].a_image_mean,
           run.session[0].a_median, run.session[0].red_area_fraction);
    CHECK_NEAR(sum, run.session[0].a_mean, 0.1);
    CHECK_NEAR(sum, run.session[0].a_image_mean, 0.1);
    CHECK(run.session[0].a_mean > p.a);
    /* the default patches (sigma 2.5 mm, +6) rise only about
     * 6 * 4 / (6.25 + 4) = 2.3 above their 2 mm background: not red */
    CHECK(run.session[0].red_area_fraction == 0);
    skd_synth_run_free(ctx, &run);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The Gaussian mean at sigma (px) of plane v (w x h), mirror padded
 * ("dcba|abcd"), separable, out to 6 sigma, in double. */
static void gauss_mirror(const double *v, size_t w, size_t h, double sigma,
                         double *out)
{
    long r = (long)ceil(6 * sigma);
    double *k = malloc((size_t)(2 * r + 1) * sizeof *k), *tmp = malloc(w * h * sizeof *tmp);
    double ks = 0;
    for (long i = -r; i <= r; i++)
        ks += k[i + r] = exp(-(double)(i * i) / (2 * sigma * sigma));
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            double s = 0;
            for (long i = -r; i <= r; i++)
                s += k[i + r] * v[y * w + skd_fft_reflect((long long)x + i, w)];
            tmp[y * w + x] = s / ks;
        }
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            double s = 0;
            for (long i = -r; i <= r; i++)
                s += k[i + r] * tmp[skd_fft_reflect((long long)y + i, h) * w + x];
            out[y * w + x] = s / ks;
        }
    free(k);
    free(tmp);
}

/* The truth's redness figures against the a* field recomputed here from
 * the patch list (Gaussians cut at +-5 sigma): mean, median (mean of the
 * two middle values), fraction where a* exceeds its local background (the
 * 2 mm Gaussian mean) by >= 5. */
static void test_redness_truth(skd_ctx *ctx)
{
    skd_synth_params p;
    skd_synth_run run;
    size_t n, red = 0;
    double *a, *bg, sum = 0, med;
    skd_synth_defaults(&p, 300, 200, 20);
    p.red_patches = 5;
    p.red_patch_radius_mm = 0.8;
    p.red_patch_delta_a = 9;
    CHECK_STATUS(skd_synth_run_make(ctx, &p, 0, &run), SKD_OK);
    n = (size_t)p.width * p.height;
    a = malloc(n * sizeof *a);
    if (!a || !run.image[0]) {
        free(a);
        skd_synth_run_free(ctx, &run);
        return;
    }
    for (uint32_t y = 0; y < p.height; y++)
        for (uint32_t x = 0; x < p.width; x++) {
            double v = p.a, s = p.red_patch_radius_mm * p.px_per_mm;
            for (size_t j = 0; j < run.world.n_patches; j++) {
                double u, w;
                skd_affine_apply(&run.session[0].to_px, run.world.patches[j].u,
                                 run.world.patches[j].v, &u, &w);
                if (fabs(x - u) <= 5 * s && fabs(y - w) <= 5 * s)
                    v += p.red_patch_delta_a *
                         exp(-((x - u) * (x - u) + (y - w) * (y - w)) / (2 * s * s));
            }
            a[(size_t)y * p.width + x] = v;
            sum += v;
        }
    bg = malloc(n * sizeof *bg);
    gauss_mirror(a, p.width, p.height, 2.0 * p.px_per_mm, bg);
    for (size_t i = 0; i < n; i++)
        red += a[i] - bg[i] >= 5;
    free(bg);
    qsort(a, n, sizeof *a, cmp_double);
    med = n % 2 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
    REPORT("redness truth: mean %.5f (recomputed %.5f), median %.5f (%.5f), "
           "red area %.5f (%.5f)", run.session[0].a_mean, sum / n,
           run.session[0].a_median, med, run.session[0].red_area_fraction,
           (double)red / n);
    CHECK_NEAR(run.session[0].a_mean, sum / n, 1e-4);
    CHECK_NEAR(run.session[0].a_median, med, 1e-4);
    CHECK_NEAR(run.session[0].red_area_fraction, (double)red / n, 2.0 / n);
    CHECK(red > 0);
    free(a);
    skd_synth_run_free(ctx, &run);
}

static int same_image(const skd_image *a, const skd_image *b)
{
    return a && b && a->width == b->width && a->height == b->height &&
           !memcmp(a->rgb, b->rgb, (size_t)a->width * a->height * 6);
}

/* Same parameters, same bytes; another seed, another skin; the before photo
 * does not depend on anything about the after session. */
static void test_determinism(skd_ctx *ctx)
{
    skd_synth_params p;
    skd_image *b1 = NULL, *b2 = NULL, *b3 = NULL, *a1 = NULL, *a2 = NULL;
    skd_image *a3 = NULL;
    char *t1 = NULL, *t2 = NULL;
    skd_synth_defaults(&p, 200, 150, 20);
    CHECK_STATUS(skd_synth(ctx, &p, &b1, &a1, &t1), SKD_OK);
    CHECK_STATUS(skd_synth(ctx, &p, &b2, &a2, &t2), SKD_OK);
    CHECK(same_image(b1, b2));
    CHECK(same_image(a1, a2));
    CHECK(t1 && t2 && !strcmp(t1, t2));
    /* noise differs between sessions, so before != after */
    CHECK(!same_image(b1, a1));
    skd_image_free(b2);
    skd_image_free(a2);
    b2 = a2 = NULL;

    p.seed = 2;
    CHECK_STATUS(skd_synth(ctx, &p, &b2, NULL, NULL), SKD_OK);
    CHECK(b2 && !same_image(b1, b2));

    p.seed = 1;
    p.after_noise_seed = 99;
    p.keep_pores = 0.5;
    p.camera.dx = 13;
    p.camera.rotation_deg = 3;
    p.relief_scale = 0.7;
    CHECK_STATUS(skd_synth(ctx, &p, &b3, &a3, NULL), SKD_OK);
    CHECK(same_image(b1, b3));
    CHECK(a3 && !same_image(a1, a3));
    skd_image_free(b1);
    skd_image_free(b2);
    skd_image_free(b3);
    skd_image_free(a1);
    skd_image_free(a3);
    skd_free(ctx, t1);
    skd_free(ctx, t2);
}

/* Exposure multiplies linear RGB: Y doubles (l moves by 100 ln 2), each
 * photo's Y being the model's up to 8-bit rounding. */
static void test_exposure(skd_ctx *ctx)
{
    skd_synth_params p;
    skd_synth_run r1, r2;
    util_quiet(&p, 16, 16, 20);
    p.L = 45;
    CHECK_STATUS(skd_synth_run_make(ctx, &p, 0, &r1), SKD_OK);
    p.exposure = 2;
    CHECK_STATUS(skd_synth_run_make(ctx, &p, 0, &r2), SKD_OK);
    if (r1.image[0] && r2.image[0]) {
        double Y0 = pow((p.L + 16) / 116, 3);
        double y1 = util_Y(r1.image[0], 3, 3), y2 = util_Y(r2.image[0], 3, 3);
        REPORT("exposure x2: l moves by %.3f (100 ln 2 = %.3f)",
               100 * log(y2 / y1), 100 * log(2.0));
        CHECK_NEAR(y1, Y0, util_Y_bound(r1.image[0], 3, 3));
        CHECK_NEAR(y2, 2 * Y0, util_Y_bound(r2.image[0], 3, 3));
        CHECK(r2.session[0].clipped_pixels == 0);
    }
    skd_synth_run_free(ctx, &r1);
    skd_synth_run_free(ctx, &r2);
    /* Overexposed: every pixel clips and the truth counts them. */
    p.exposure = 5;
    CHECK_STATUS(skd_synth_run_make(ctx, &p, 0, &r1), SKD_OK);
    CHECK(r1.session[0].clipped_pixels == 16 * 16);
    skd_synth_run_free(ctx, &r1);
}

static void test_bad_params(skd_ctx *ctx)
{
    skd_synth_params p;
    skd_image *img = (skd_image *)&p; /* must be reset to NULL */
    skd_synth_defaults(&p, 64, 64, 20);
    p.px_per_mm = 0;
    CHECK_STATUS(skd_synth(ctx, &p, &img, NULL, NULL), SKD_E_INVALID);
    CHECK(img == NULL);
    CHECK(strstr(skd_ctx_message(ctx), "px_per_mm") != NULL);
    skd_synth_defaults(&p, 64, 64, 20);
    p.pore_depth_max = 1.0;
    CHECK_STATUS(skd_synth(ctx, &p, &img, NULL, NULL), SKD_E_INVALID);
    skd_synth_defaults(&p, 64, 64, 20);
    p.pore_diameter_min_mm = 0.5; /* min > max */
    CHECK_STATUS(skd_synth(ctx, &p, &img, NULL, NULL), SKD_E_INVALID);
    skd_synth_defaults(&p, 64, 64, 20);
    p.pore_density_per_cm2 = 5000;
    CHECK_STATUS(skd_synth(ctx, &p, &img, NULL, NULL), SKD_E_INVALID);
    REPORT("too dense: %s", skd_ctx_message(ctx));
    skd_synth_defaults(&p, 64, 64, 20);
    p.noise_sigma = NAN;
    CHECK_STATUS(skd_synth(ctx, &p, &img, NULL, NULL), SKD_E_INVALID);
    skd_synth_defaults(&p, 0, 64, 20);
    CHECK_STATUS(skd_synth(ctx, &p, &img, NULL, NULL), SKD_E_INVALID);
    skd_synth_defaults(&p, 20000, 20000, 20);
    CHECK_STATUS(skd_synth(ctx, &p, &img, NULL, NULL), SKD_E_LIMIT);
    CHECK_STATUS(skd_synth(ctx, NULL, &img, NULL, NULL), SKD_E_INVALID);
    CHECK_STATUS(skd_synth(ctx, &p, NULL, NULL, NULL), SKD_E_INVALID);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    if (!ctx)
        return 1;
    test_flat_colour(ctx);
    test_relief_rms(ctx);
    test_pore_depth(ctx);
    test_red_patches(ctx);
    test_redness_truth(ctx);
    test_determinism(ctx);
    test_exposure(ctx);
    test_bad_params(ctx);
    skd_ctx_free(ctx);
    return check_done("test_synth_render");
}
