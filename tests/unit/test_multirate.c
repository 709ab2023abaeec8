/* Multi-rate filtering (docs/performance.md, src/fft/multirate.c): the
 * texture's 1 mm Gaussian and the fill's values (G*(l M))/(G*M) run on a
 * grid decimated by 2^k unless SKD_OPT_EXACT is set. Checked here against
 * the single-rate path:
 *  - the filtered plane itself, on planes whose sizes 2^k does and does
 *    not divide, for every shift the chooser picks (sigma 12, 20, 40 px);
 *  - the fill: R identical (its test G*M >= 0.9 stays at full rate), the
 *    filled values close, pixels of M untouched;
 *  - every figure of skd_analyze on the samples (samples/before.jpg,
 *    after.jpg), synthetic photos at 12, 20 and 40 px/mm and the shared
 *    photos when present: Sa and Sq within 0.2%, pore count within 0.5%,
 *    a*, erythema index, red-area fraction and R identical (they use no
 *    multi-rate filter: R's G*M and the red area's 2 mm background stay
 *    at full rate).
 * The measured differences are printed; the plane tolerance is a small
 * multiple of them (stated beside it). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fft/fft.h"
#include "metrics/metrics.h"

/* check_fill: measured at most 1.2e-5 of the plane's SD (sigma 12, shift
 * 1), 1.0e-5 (20, shift 2), 6.6e-6 (40, shift 3) */
#define FILL_TOLERANCE 5e-5

static double plane_value(size_t x, size_t y, uint32_t *state)
{
    /* lighting-like gradients and waves plus white noise, l-like scale */
    *state = *state * 1664525u + 1013904223u;
    return -60.0 + 0.004 * (double)x - 0.003 * (double)y +
           12.0 * sin(0.011 * (double)x + 0.4) * cos(0.007 * (double)y) +
           4.0 * sin(0.05 * (double)x + 0.09 * (double)y) +
           3.0 * ((double)(*state >> 8) / 16777216.0 - 0.5);
}

/* Multi-rate against single rate on one w x h plane at sigma: the
 * largest difference over the plane, as a fraction of the single-rate
 * result's standard deviation. */
static double plane_error(skd_ctx *ctx, size_t w, size_t h, double sigma,
                          unsigned *shift)
{
    float *src = malloc(w * h * sizeof *src);
    float *a = malloc(w * h * sizeof *a), *b = malloc(w * h * sizeof *b);
    double worst = 0, sum = 0, sum2 = 0, sd;
    uint32_t state = 7;
    *shift = 0;
    if (!src || !a || !b) {
        CHECK(!"out of memory");
        free(src), free(a), free(b);
        return INFINITY;
    }
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++)
            src[y * w + x] = (float)plane_value(x, y, &state);
    *shift = skd_multirate_shift(sigma, w, h);
    skd_ctx_set(ctx, SKD_OPT_EXACT, 1);
    CHECK_STATUS(skd_texture_coarse(ctx, src, w, h, sigma, a), SKD_OK);
    skd_ctx_set(ctx, SKD_OPT_EXACT, 0);
    CHECK_STATUS(skd_texture_coarse(ctx, src, w, h, sigma, b), SKD_OK);
    for (size_t i = 0; i < w * h; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        worst = d > worst ? d : worst;
        sum += a[i];
        sum2 += (double)a[i] * a[i];
    }
    sd = sqrt(sum2 / (double)(w * h) - (sum / (double)(w * h)) *
                                           (sum / (double)(w * h)));
    free(src), free(a), free(b);
    return worst / sd;
}

static void check_planes(skd_ctx *ctx)
{
    static const struct {
        size_t w, h;
        double sigma;
        unsigned shift;
    } cases[] = {
        {1024, 768, 20, 2}, {1013, 767, 20, 2}, {640, 480, 12, 1},
        {643, 481, 12, 1},  {1600, 1200, 40, 3}, {1601, 1197, 40, 3},
        {300, 200, 6, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        unsigned shift;
        double e = plane_error(ctx, cases[i].w, cases[i].h, cases[i].sigma,
                               &shift);
        REPORT("plane %zux%zu sigma %.0f: shift %u, max |multi - single| = "
               "%.2e of the result's SD", cases[i].w, cases[i].h,
               cases[i].sigma, shift, e);
        CHECK(shift == cases[i].shift);
        /* measured at most 1.5e-3 (shift 3), 1.0e-3 (shift 2) and 1.9e-4
         * (shift 1) of the SD, on a plane with white noise whose aliases
         * the prefilter leaves (figures below: Sa within 1e-4) */
        CHECK(e <= 3e-3);
    }
}

/* The fill both ways on a w x h plane with excluded discs, a band, a
 * corner and scattered pixels; R and the pixels of M must be identical.
 * The filled values themselves may differ a lot deep inside a large hole,
 * where G*M falls to the 1e-3 below which the fill takes the global mean
 * (either path may cross it first) and the ratio of two tiny numbers is
 * ill-conditioned; there no figure looks, because R keeps 0.9 of its
 * weight on M. What the figures see is the filled plane filtered, so
 * returned is the largest difference, over R, of the filled planes
 * through G_sigma (single rate), as a fraction of the plane's SD. */
static double fill_error(skd_ctx *ctx, size_t w, size_t h, double sigma)
{
    size_t n = w * h;
    float *l[2] = {malloc(n * sizeof(float)), malloc(n * sizeof(float))};
    uint8_t *m[2] = {malloc(n), malloc(n)}, *m0 = malloc(n);
    double worst = 0, sum = 0, sum2 = 0, sd;
    uint32_t state = 11;
    uint64_t region[2];
    if (!l[0] || !l[1] || !m[0] || !m[1] || !m0) {
        CHECK(!"out of memory");
        worst = INFINITY;
        goto done;
    }
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            double dx = (double)x - 0.3 * (double)w, dy = (double)y - 0.4 * (double)h;
            double ex = (double)x - 0.75 * (double)w, ey = (double)y - 0.7 * (double)h;
            int out = dx * dx + dy * dy < 0.01 * (double)(w * w) ||
                      ex * ex + ey * ey < 9.0 * sigma * sigma ||
                      (y > h / 8 && y < h / 8 + 3) || (x < w / 10 && y < h / 10) ||
                      (x * 7919 + y * 104729) % 997 == 0;
            size_t i = y * w + x;
            l[0][i] = (float)plane_value(x, y, &state);
            m0[i] = (uint8_t)!out;
            sum += l[0][i];
            sum2 += (double)l[0][i] * l[0][i];
        }
    sd = sqrt(sum2 / (double)n - (sum / (double)n) * (sum / (double)n));
    memcpy(l[1], l[0], n * sizeof(float));
    for (int k = 0; k < 2; k++) {
        memcpy(m[k], m0, n);
        skd_ctx_set(ctx, SKD_OPT_EXACT, k == 0);
        CHECK_STATUS(skd_fill_masked(ctx, l[k], m[k], w, h, sigma, &region[k]),
                     SKD_OK);
    }
    skd_ctx_set(ctx, SKD_OPT_EXACT, 0);
    CHECK(region[0] == region[1]);
    CHECK(memcmp(m[0], m[1], n) == 0);
    for (size_t i = 0; i < n; i++)
        if (m0[i] && l[0][i] != l[1][i]) {
            CHECK(!"a pixel of M changed");
            break;
        }
    {
        skd_filter g = {SKD_FILTER_GAUSS, sigma, 0};
        const float *src[2] = {l[0], l[1]};
        float *dst[2] = {malloc(n * sizeof(float)), malloc(n * sizeof(float))};
        if (dst[0] && dst[1]) {
            CHECK_STATUS(skd_fft_filter_planes(ctx, src, dst, 2, w, h,
                                               skd_fft_margin(sigma), &g),
                         SKD_OK);
            for (size_t i = 0; i < n; i++) {
                double d = fabs((double)dst[0][i] - (double)dst[1][i]);
                if (m[0][i] && d > worst)
                    worst = d;
            }
        } else {
            CHECK(!"out of memory");
        }
        free(dst[0]), free(dst[1]);
    }
    worst /= sd;
done:
    free(l[0]), free(l[1]), free(m[0]), free(m[1]), free(m0);
    return worst;
}

static void check_fill(skd_ctx *ctx)
{
    static const struct {
        size_t w, h;
        double sigma;
    } cases[] = {{1024, 768, 20}, {1013, 767, 20}, {643, 481, 12}, {1601, 1197, 40}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double e = fill_error(ctx, cases[i].w, cases[i].h, cases[i].sigma);
        REPORT("fill %zux%zu sigma %.0f: shift %u, max over R of |G * (multi "
               "- single filled plane)| = %.2e of the plane's SD", cases[i].w, cases[i].h,
               cases[i].sigma,
               skd_multirate_shift(cases[i].sigma, cases[i].w, cases[i].h), e);
        CHECK(e <= FILL_TOLERANCE);
    }
}

/* Both paths on one photo: Sa, Sq within 0.2 %, pores within 0.5 %, the
 * rest identical. */
static void check_photo(skd_ctx *ctx, const char *name, const skd_image *img,
                        double px_per_mm)
{
    skd_analysis *ex = NULL, *mr = NULL;
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, px_per_mm);
    skd_ctx_set(ctx, SKD_OPT_EXACT, 1);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &ex), SKD_OK);
    skd_ctx_set(ctx, SKD_OPT_EXACT, 0);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &mr), SKD_OK);
    if (ex && mr) {
        const skd_metrics *e = &ex->metrics, *m = &mr->metrics;
        REPORT("%s at %.0f px/mm: Sa %.6f / %.6f (%+.2e), Sq %.6f / %.6f "
               "(%+.2e), pores %llu / %llu", name, px_per_mm, e->sa, m->sa,
               m->sa / e->sa - 1, e->sq, m->sq, m->sq / e->sq - 1,
               (unsigned long long)e->pore_count,
               (unsigned long long)m->pore_count);
        CHECK_REL(m->sa, e->sa, 0.002);
        CHECK_REL(m->sq, e->sq, 0.002);
        CHECK(fabs((double)m->pore_count - (double)e->pore_count) <=
              0.005 * (double)e->pore_count);
        CHECK(m->region_pixels == e->region_pixels);
        CHECK(m->a_mean == e->a_mean);
        CHECK(m->a_median == e->a_median);
        CHECK(m->erythema_index == e->erythema_index);
        CHECK(m->red_area_fraction == e->red_area_fraction);
        CHECK(memcmp(mr->region, ex->region,
                     (size_t)img->width * img->height) == 0);
    }
    skd_analysis_free(ex);
    skd_analysis_free(mr);
}

static void check_file(skd_ctx *ctx, const char *path, double px_per_mm)
{
    skd_image *img = NULL;
    if (skd_image_load(ctx, path, &img) != SKD_OK) {
        fprintf(stderr, "cannot read %s: %s\n", path, skd_ctx_message(ctx));
        check_failures++;
        return;
    }
    check_photo(ctx, strrchr(path, '/') + 1, img, px_per_mm);
    skd_image_free(img);
}

static void check_synth(skd_ctx *ctx, uint32_t w, uint32_t h, double s,
                        uint64_t seed)
{
    skd_synth_params p;
    skd_image *img = NULL;
    char *truth = NULL, name[64];
    skd_synth_defaults(&p, w, h, s);
    p.seed = seed;
    CHECK_STATUS(skd_synth(ctx, &p, &img, NULL, &truth), SKD_OK);
    snprintf(name, sizeof name, "synth %ux%u seed %llu", (unsigned)w,
             (unsigned)h, (unsigned long long)seed);
    if (img)
        check_photo(ctx, name, img, s);
    skd_image_free(img);
    skd_free(ctx, truth);
}

int main(void)
{
    static const char *const shared[] = {"portrait-podium.jpg",
                                         "portrait-room.jpg",
                                         "portrait-standing.jpg"};
    skd_ctx *ctx = skd_ctx_create();
    char root[1024], path[1200];
    const char *end = strstr(__FILE__, "tests/unit/");
    size_t n = end ? (size_t)(end - __FILE__) : 0;
    if (n >= sizeof root)
        n = 0;
    memcpy(root, __FILE__, n);
    root[n] = '\0';

    check_planes(ctx);
    check_fill(ctx);
    snprintf(path, sizeof path, "%ssamples/before.jpg", root);
    check_file(ctx, path, 20);
    snprintf(path, sizeof path, "%ssamples/after.jpg", root);
    check_file(ctx, path, 20);
    check_synth(ctx, 1200, 900, 20, 1);
    check_synth(ctx, 1001, 777, 20, 2);
    check_synth(ctx, 800, 600, 12, 3);
    check_synth(ctx, 1600, 1200, 40, 4);
    for (size_t i = 0; i < sizeof shared / sizeof *shared; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "photos/%s", shared[i]);
        if (!check_shared_data(rel, "multi-rate figures on a real photo"))
            continue;
        snprintf(path, sizeof path, "%s/%s", SKD_SHARED_DATA, rel);
        check_file(ctx, path, 20);
    }
    skd_ctx_free(ctx);
    return check_done("test_multirate");
}
