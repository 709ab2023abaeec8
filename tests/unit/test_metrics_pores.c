/* Pores: the scale-normalised LoG response, detection at the right scale,
 * roundness, plateau tie-break and non-maximum suppression. */
#include "metrics/metrics.h"
#include "fft/fft.h"
#include "metrics_test_util.h"

#define S 20.0 /* px per mm */
#define K 7    /* docs/measurements.md: 7 radii from 0.05 to 0.25 mm, geometric */

/* The definition's radii, written here rather than taken from the library so
 * a wrong constant cannot move its own expectation: r_k = 0.05 * 5^(k/6) mm
 * = 0.05, 0.0654, 0.0855, 0.1118, 0.1462, 0.1912, 0.25 mm. */
static double radius_mm(int k) { return 0.05 * pow(0.25 / 0.05, k / 6.0); }
static double sigma_k(int k) { return radius_mm(k) * S / sqrt(2.0); }

/* A Gaussian dip of depth A and sigma s gives D = A/2 at sigma s. */
static void test_log_response(void)
{
    skd_ctx *ctx = skd_ctx_create();
    const size_t w = 128, h = 128;
    float *plane = malloc(w * h * sizeof *plane), *out = malloc(w * h * sizeof *out);
    for (int k = 0; k < K; k++) {
        double s0 = sigma_k(k), A = 30.0, best = -1;
        int best_j = -1;
        for (size_t y = 0; y < h; y++)
            for (size_t x = 0; x < w; x++) {
                double r2 = (x - 64.0) * (x - 64.0) + (y - 64.0) * (y - 64.0);
                plane[y * w + x] = (float)(-160.0 - A * exp(-r2 / (2 * s0 * s0)));
            }
        skd_spectrum *spec;
        CHECK_STATUS(skd_spectrum_forward(ctx, plane, w, h, skd_fft_margin(10), &spec), SKD_OK);
        for (int j = 0; j < K; j++) {
            skd_filter f = {SKD_FILTER_LOGN, sigma_k(j), 0};
            CHECK_STATUS(skd_spectrum_filter(ctx, spec, &f, 1, &out), SKD_OK);
            double d = out[64 * w + 64];
            if (d > best) {
                best = d;
                best_j = j;
            }
            if (j == k) {
                REPORT("k=%d sigma %.3f px: D at centre %.4f (A/2 = %.4f)", k, s0, d, A / 2);
                /* Sampling a Gaussian narrower than ~1 px aliases a little:
                 * measured +2.8% at k = 0, at most +0.19% above it. */
                CHECK_REL(d, A / 2, k == 0 ? 0.05 : 0.005);
            }
        }
        CHECK(best_j == k);
        skd_spectrum_free(ctx, spec);
    }
    free(plane);
    free(out);
    skd_ctx_free(ctx);
}

static skd_analysis *analyze(skd_ctx *ctx, const skd_image *img)
{
    skd_analysis *a = NULL;
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &a), SKD_OK);
    if (!a) {
        fprintf(stderr, "analyze failed: %s\n", skd_ctx_message(ctx));
        exit(1);
    }
    return a;
}

static const skd_pore *pore_near(const skd_analysis *a, double x, double y,
                                 double within)
{
    for (size_t i = 0; i < a->n_pores; i++)
        if (hypot(a->pores[i].x - x, a->pores[i].y - y) <= within)
            return &a->pores[i];
    return NULL;
}

/* One dip per scale on flat skin: each is found once, at its own scale,
 * with strength A/2, and nothing else is found. */
static void test_detection_scales(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_image *img = tu_image(ctx, 360, 120);
    tu_dip dips[K];
    tu_skin skin = {.l0 = -120, .dips = dips, .n_dips = K,
                    .exposure = 1};
    const double A = 30.0;
    tu_skin_colour(skin.rgb);
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, S);
    for (int k = 0; k < K; k++)
        dips[k] = (tu_dip){30.0 + 50 * k, 60.0, sigma_k(k), A, 1, 0};
    tu_render(img, &skin, 0, 0);
    skd_analysis *a = analyze(ctx, img);
    REPORT("flat skin with 7 dips: %zu pores", a->n_pores);
    CHECK(a->n_pores == K);
    for (int k = 0; k < K; k++) {
        const skd_pore *p = pore_near(a, dips[k].x, dips[k].y, 0.5);
        CHECK(p != NULL);
        if (!p)
            continue;
        REPORT("dip k=%d: found r %.3f px (r_k %.3f), D %.3f", k, p->radius,
               radius_mm(k) * S, p->strength);
        CHECK_NEAR(p->radius, radius_mm(k) * S, 1e-4);
        /* measured: +2.8% at k = 0, at most 0.18% above it */
        CHECK_REL(p->strength, A / 2, k == 0 ? 0.05 : 0.005);
    }
    double mean_d = 0;
    for (int k = 0; k < K; k++)
        mean_d += 2 * radius_mm(k) / K;
    REPORT("mean diameter %.5f mm (want %.5f)", a->metrics.pore_mean_diameter_mm, mean_d);
    CHECK_NEAR(a->metrics.pore_mean_diameter_mm, mean_d, 1e-6);
    CHECK(a->metrics.pore_count == K);
    /* 360 x 120 px at 20 px/mm, all of it in R: 1.08 cm2. */
    CHECK(a->metrics.region_pixels == 360 * 120);
    CHECK_REL(a->metrics.area_cm2, 1.08, 1e-12);
    CHECK_REL(a->metrics.pore_density_per_cm2, K / 1.08, 1e-12);
    skd_analysis_free(a);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

/* Shallow dips (D < tau) are not pores; the threshold is an option. D is
 * exact to 1e-4 at k = 3, so depths 19.6 and 20.4 (D 9.8 and 10.2) pin the
 * default tau = 10 within 2%. */
static void test_threshold(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_image *img = tu_image(ctx, 160, 80);
    tu_dip dips[2] = {{40, 40, sigma_k(3), 19.6, 1, 0}, {120, 40, sigma_k(3), 20.4, 1, 0}};
    tu_skin skin = {.l0 = -120, .dips = dips, .n_dips = 2, .exposure = 1};
    tu_skin_colour(skin.rgb);
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, S);
    tu_render(img, &skin, 0, 0);
    skd_analysis *a = analyze(ctx, img);
    REPORT("depth 19.6 (D 9.8) and 20.4 (D 10.2), tau 10: %zu pore(s)", a->n_pores);
    CHECK(a->n_pores == 1 && pore_near(a, 120, 40, 0.5));
    skd_analysis_free(a);
    skd_ctx_set(ctx, SKD_OPT_PORE_THRESHOLD, 8.0);
    a = analyze(ctx, img);
    CHECK(a->n_pores == 2);
    skd_analysis_free(a);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

/* A crease (dip 8x longer than wide) is not round and is not counted; a
 * round dip of the same width and depth next to it is. */
static void test_crease_rejected(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_image *img = tu_image(ctx, 240, 160);
    tu_dip dips[3] = {{70, 80, sigma_k(2), 40.0, 8.0, 0.0},
                      {190, 40, sigma_k(2), 40.0, 1.0, 0.0},
                      {190, 120, sigma_k(2), 40.0, 8.0, M_PI / 3}};
    tu_skin skin = {.l0 = -120, .dips = dips, .n_dips = 3, .exposure = 1};
    tu_skin_colour(skin.rgb);
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, S);
    tu_render(img, &skin, 0, 0);
    skd_analysis *a = analyze(ctx, img);
    REPORT("two creases and one round dip: %zu pore(s)", a->n_pores);
    CHECK(a->n_pores == 1 && pore_near(a, 190, 40, 0.5));
    skd_analysis_free(a);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

/* Hessian test on exact quadratic surfaces. */
static void test_roundness(void)
{
    const size_t w = 9, h = 9;
    float L[81];
    double ratios[] = {1.0, 0.6, 0.5, 0.45, 0.1, -1.0};
    int want[] = {1, 1, 1, 0, 0, 0};
    for (int t = 0; t < 6; t++) {
        double c = cos(0.3), s = sin(0.3);
        for (size_t y = 0; y < h; y++)
            for (size_t x = 0; x < w; x++) {
                double dx = x - 4.0, dy = y - 4.0;
                double u = c * dx + s * dy, v = -s * dx + c * dy;
                L[y * w + x] = (float)(u * u + ratios[t] * v * v);
            }
        skd_scale_window v = skd_whole_window(NULL, L, NULL, L, w, h);
        CHECK(skd_is_round(&v, 4, 4) == want[t]);
    }
}

/* Of a plateau, the first point in (k, y, x) order is the candidate. */
static void test_plateau(void)
{
    skd_ctx *ctx = skd_ctx_create();
    const size_t w = 12, h = 10;
    float d[120] = {0}, L[120];
    uint8_t region[120];
    skd_cand_list list = {NULL, 0, 0};
    memset(region, 1, sizeof region);
    for (size_t i = 0; i < 120; i++) {
        double dx = (double)(i % w) - 5.5, dy = (double)(i / w) - 4.0;
        L[i] = (float)(dx * dx + dy * dy);
    }
    d[4 * w + 5] = d[4 * w + 6] = 20.0f; /* two equal maxima side by side */
    d[8 * w + 2] = 30.0f;
    skd_scale_window v = skd_whole_window(NULL, d, NULL, L, w, h);
    CHECK_STATUS(skd_scale_candidates(ctx, &v, 3, 10.0, region, &list), SKD_OK);
    CHECK(list.n == 2);
    if (list.n == 2) {
        CHECK(list.v[0].x == 5 && list.v[0].y == 4 && list.v[0].k == 3);
        CHECK(list.v[1].x == 2 && list.v[1].y == 8);
    }
    /* An equal value at the scale below comes earlier and wins. */
    skd_cand_list_free(ctx, &list);
    float up[120] = {0};
    up[4 * w + 5] = 20.0f;
    v.d[0] = up;
    CHECK_STATUS(skd_scale_candidates(ctx, &v, 3, 10.0, region, &list), SKD_OK);
    CHECK(list.n == 1 && list.v[0].x == 2);
    skd_cand_list_free(ctx, &list);
    skd_ctx_free(ctx);
}

static void test_suppression(void)
{
    skd_ctx *ctx = skd_ctx_create();
    double radius[K];
    skd_pore_cand c[] = {
        {10, 10, 3, 20.0f}, /* kept: strongest */
        {12, 10, 1, 15.0f}, /* 2 px away < r_3 = 2.24 px: dropped */
        {13, 10, 1, 15.0f}, /* 3 px away: > r_3, < 1.5 r_3 = 3.35 px: kept */
        {30, 30, 2, 12.0f}, /* tie with the next: (k, y, x) order decides */
        {31, 30, 2, 12.0f},
    };
    skd_cand_list list = {NULL, 0, 0};
    skd_pore *p;
    size_t n;
    for (int k = 0; k < K; k++)
        radius[k] = radius_mm(k) * S;
    list.v = skd_malloc_array(ctx, 5, sizeof *list.v);
    memcpy(list.v, c, sizeof c);
    list.n = list.cap = 5;
    CHECK_STATUS(skd_suppress_pores(ctx, &list, radius, 64, 64, &p, &n), SKD_OK);
    CHECK(n == 3);
    if (n == 3) {
        CHECK(p[0].x == 10 && p[0].y == 10);
        CHECK(p[1].x == 13 && p[1].strength == 15.0f);
        CHECK(p[2].x == 30 && p[2].y == 30);
    }
    skd_dealloc(ctx, p);
    skd_cand_list_free(ctx, &list);
    skd_ctx_free(ctx);
}

/* The search masks against a plain scalar threshold, on rows whose
 * lengths hit every tail of the vector loop (and a second word), with
 * values at, just under and just over tau. */
static void test_above_masks(void)
{
    const double tau = 10.0;
    const float t = 10.0f, below = nextafterf(t, 0);
    const size_t lens[] = {1, 3, 4, 5, 63, 64, 65, 127, 130};
    float plane[3][2 * 130];
    uint64_t re[3 * 3], im[3 * 3];
    size_t wrong = 0, set = 0;
    unsigned long long seed = 12345;
    for (size_t y = 0; y < 3; y++)
        for (size_t i = 0; i < 2 * 130; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            unsigned pick = (unsigned)(seed >> 60);
            plane[y][i] = pick < 4 ? t : pick < 8 ? below : pick < 12 ? 10.5f : -3.0f;
        }
    for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
        size_t n = lens[l], words = 3;
        memset(re, 0xa5, sizeof re);
        memset(im, 0xa5, sizeof im);
        skd_above_masks(plane[0], 2 * 130, n, 3, tau, re, im, words);
        for (size_t y = 0; y < 3; y++)
            for (size_t i = 0; i < n; i++) {
                int want_re = plane[y][2 * i] >= t, want_im = plane[y][2 * i + 1] >= t;
                int got_re = (int)(re[y * words + i / 64] >> (i % 64) & 1);
                int got_im = (int)(im[y * words + i / 64] >> (i % 64) & 1);
                wrong += (got_re != want_re) + (got_im != want_im);
                set += (size_t)want_re + (size_t)want_im;
            }
        /* bits past n in the last word stay clear */
        for (size_t y = 0; y < 3; y++)
            if (n % 64) {
                uint64_t past = ~0ull << (n % 64);
                wrong += (re[y * words + n / 64] & past) != 0;
                wrong += (im[y * words + n / 64] & past) != 0;
            }
    }
    REPORT("search masks: %zu bits wrong of %zu set", wrong, set);
    CHECK(wrong == 0);
    CHECK(set > 100);
}

int main(void)
{
    test_above_masks();
    test_log_response();
    test_detection_scales();
    test_threshold();
    test_crease_rejected();
    test_roundness();
    test_plateau();
    test_suppression();
    return check_done("test_metrics_pores");
}
