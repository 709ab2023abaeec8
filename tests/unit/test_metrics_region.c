/* Figures over sub-regions (what compare uses), the overlay picture, bad
 * arguments and allocation failures. */
#include <stdlib.h>

#include "metrics/metrics.h"
#include "metrics_test_util.h"

#define W 260
#define H 200
#define S 20.0

static tu_dip dips[200];
static skd_colour_lut *lut; /* the table of the erythema values */

static skd_image *make_skin(skd_ctx *ctx)
{
    skd_image *img = tu_image(ctx, W, H);
    tu_skin skin = {.l0 = -100, .wave_amp = 1.0, .n_waves = 20,
                    .wave_min_px = 0.15 * S, .wave_max_px = S, .seed = 4,
                    .dips = dips, .exposure = 1};
    tu_skin_colour(skin.rgb);
    skin.n_dips = tu_random_dips(dips, 200, W, H, 12, 0.8, 3.5, 25, 45, 9);
    tu_render(img, &skin, 0, 0);
    /* A redder patch, so the red area is not empty. */
    for (size_t y = 20; y < 60; y++)
        for (size_t x = 30; x < 90; x++) {
            uint16_t *p = img->rgb + (y * W + x) * 3;
            p[0] = (uint16_t)fmin(65535, p[0] * 1.12);
            p[1] = (uint16_t)(p[1] * 0.93);
        }
    /* And a specular spot, so R has a hole. */
    for (size_t y = 150; y < 156; y++)
        for (size_t x = 200; x < 206; x++)
            memset(img->rgb + (y * W + x) * 3, 0xff, 6);
    return img;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The figures recomputed the slow, obvious way; the erythema value of a
 * pixel is the difference of its R and G table entries, in float; red is
 * the analysis' red-area plane (a property of the pixel, against its local
 * background: red_area.c, tested in test_red_area_local). */
static void brute_metrics(const skd_analysis *a, const skd_image *img,
                          const uint8_t *inc, double median_ref, double delta,
                          skd_metrics *m)
{
    size_t n = (size_t)a->width * a->height, c = 0, ne = 0, red = 0;
    float *v = malloc(n * sizeof *v);
    double st = 0, sa = 0, se = 0, mean, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < n; i++)
        if (a->region[i] && (!inc || inc[i])) {
            v[c++] = a->a_star[i];
            st += a->texture[i];
            sa += a->a_star[i];
            const uint16_t *p = img->rgb + 3 * i;
            float e = lut->log10_linear[p[0]] - lut->log10_linear[p[1]];
            if (!isnan(e)) {
                se += e;
                ne++;
            }
        }
    mean = st / c;
    for (size_t i = 0; i < n; i++)
        if (a->region[i] && (!inc || inc[i])) {
            double t = a->texture[i] - mean;
            s1 += fabs(t);
            s2 += t * t;
            s3 += t * t * t;
            s4 += t * t * t * t;
        }
    qsort(v, c, sizeof *v, cmp_float);
    m->region_pixels = c;
    m->area_cm2 = c / (S * S) / 100;
    m->sa = s1 / c;
    m->sq = sqrt(s2 / c);
    m->ssk = s3 / c / pow(m->sq, 3);
    m->sku = s4 / c / pow(m->sq, 4);
    m->a_mean = sa / c;
    m->a_median = c % 2 ? v[c / 2] : ((double)v[c / 2 - 1] + v[c / 2]) / 2;
    m->erythema_index = se / ne;
    (void)median_ref;
    (void)delta;
    for (size_t i = 0; i < n; i++)
        red += a->region[i] && (!inc || inc[i]) && a->red_area && a->red_area[i];
    m->red_area_fraction = a->red_area ? (double)red / c : NAN;
    double sum_d = 0, sum_area = 0;
    for (size_t p = 0; p < a->n_pores; p++) {
        size_t i = (size_t)a->pores[p].y * a->width + (size_t)a->pores[p].x;
        if (inc && !inc[i])
            continue;
        m->pore_count++;
        sum_d += 2 * a->pores[p].radius / S;
        sum_area += M_PI * a->pores[p].radius * a->pores[p].radius;
    }
    m->pore_density_per_cm2 = m->pore_count / m->area_cm2;
    m->pore_mean_diameter_mm = m->pore_count ? sum_d / m->pore_count : 0;
    m->pore_area_fraction = sum_area / c;
    free(v);
}

static void compare_metrics(const char *what, const skd_metrics *got,
                            const skd_metrics *want)
{
    REPORT("%-12s %llu px: Sa %.5f/%.5f Ssk %.4f/%.4f pores %u/%u a* %.5f/%.5f "
           "median %.5f/%.5f EI %.5f/%.5f red %.5f/%.5f", what,
           (unsigned long long)got->region_pixels, got->sa, want->sa, got->ssk,
           want->ssk, got->pore_count, want->pore_count, got->a_mean,
           want->a_mean, got->a_median, want->a_median, got->erythema_index,
           want->erythema_index, got->red_area_fraction, want->red_area_fraction);
    CHECK(got->region_pixels == want->region_pixels);
    CHECK_NEAR(got->area_cm2, want->area_cm2, 1e-12);
    CHECK_REL(got->sa, want->sa, 1e-9);
    CHECK_REL(got->sq, want->sq, 1e-9);
    CHECK_NEAR(got->ssk, want->ssk, 1e-8);
    CHECK_NEAR(got->sku, want->sku, 1e-8);
    CHECK(got->pore_count == want->pore_count);
    CHECK_REL(got->pore_density_per_cm2, want->pore_density_per_cm2, 1e-12);
    CHECK_NEAR(got->pore_mean_diameter_mm, want->pore_mean_diameter_mm, 1e-9);
    CHECK_NEAR(got->pore_area_fraction, want->pore_area_fraction, 1e-12);
    CHECK_NEAR(got->a_mean, want->a_mean, 1e-9);
    CHECK(got->a_median == want->a_median);
    CHECK_NEAR(got->erythema_index, want->erythema_index, 1e-9);
    CHECK(got->red_area_fraction == want->red_area_fraction ||
          (isnan(got->red_area_fraction) && isnan(want->red_area_fraction)));
}

static void test_sub_regions(skd_ctx *ctx, const skd_image *img,
                             const skd_analysis *a)
{
    uint8_t *inc = calloc(W * H, 1);
    skd_metrics got, want, left, right;
    uint64_t seed = 77;
    double delta = 5.0;

    brute_metrics(a, img, NULL, NAN, delta, &want);
    compare_metrics("whole", &a->metrics, &want);
    CHECK_STATUS(skd_metrics_in_region(ctx, a, img, NULL, NAN, &got), SKD_OK);
    CHECK(memcmp(&got, &a->metrics, sizeof got) == 0);
    memset(inc, 1, W * H);
    CHECK_STATUS(skd_metrics_in_region(ctx, a, img, inc, NAN, &got), SKD_OK);
    CHECK(memcmp(&got, &a->metrics, sizeof got) == 0);

    /* Two halves split the pores and the pixels between them. */
    for (size_t i = 0; i < W * H; i++)
        inc[i] = i % W < 117;
    CHECK_STATUS(skd_metrics_in_region(ctx, a, img, inc, NAN, &left), SKD_OK);
    brute_metrics(a, img, inc, NAN, delta, &want);
    compare_metrics("left", &left, &want);
    for (size_t i = 0; i < W * H; i++)
        inc[i] = !inc[i];
    CHECK_STATUS(skd_metrics_in_region(ctx, a, img, inc, a->metrics.a_median, &right), SKD_OK);
    brute_metrics(a, img, inc, a->metrics.a_median, delta, &want);
    compare_metrics("right (ref)", &right, &want);
    CHECK(left.pore_count + right.pore_count == a->metrics.pore_count);
    CHECK(left.region_pixels + right.region_pixels == a->metrics.region_pixels);

    /* A tile, and a scattered selection (values above 1 count as set). */
    memset(inc, 0, W * H);
    for (size_t y = 100; y < 150; y++)
        memset(inc + y * W + 150, 7, 50);
    CHECK_STATUS(skd_metrics_in_region(ctx, a, img, inc, NAN, &got), SKD_OK);
    brute_metrics(a, img, inc, NAN, delta, &want);
    compare_metrics("tile", &got, &want);
    for (size_t i = 0; i < W * H; i++)
        inc[i] = tu_uniform(&seed) < 0.3;
    CHECK_STATUS(skd_metrics_in_region(ctx, a, img, inc, NAN, &got), SKD_OK);
    brute_metrics(a, img, inc, NAN, delta, &want);
    compare_metrics("scattered", &got, &want);

    /* Nothing selected: a clear error, figures NaN. */
    memset(inc, 0, W * H);
    inc[155 * W + 203] = 1; /* inside the specular hole, not in R */
    CHECK_STATUS(skd_metrics_in_region(ctx, a, img, inc, NAN, &got), SKD_E_NO_REGION);
    CHECK(got.region_pixels == 0 && isnan(got.sa) && isnan(got.a_mean));
    REPORT("empty selection: %s", skd_ctx_message(ctx));
    free(inc);
}

/* A box of the analysis as compare measures a tile: the planes copied,
 * the photo's samples read in place (a row stride of the whole photo, and
 * blocks of the statistics that span rows). Its figures are those of the
 * box selected in the whole analysis; a photo of another size is refused. */
static void test_crop_samples(skd_ctx *ctx, const skd_image *img,
                              const skd_analysis *a)
{
    const uint32_t x0 = 37, y0 = 10, bw = 201, bh = 180;
    uint8_t *inc = calloc(W * H, 1);
    skd_analysis v = *a;
    skd_photo_samples photo = {img->rgb + 3 * ((size_t)y0 * W + x0), W,
                               lut->log10_linear, NULL};
    skd_image *small = tu_image(ctx, W - 1, H);
    skd_metrics got, want;
    v.width = bw;
    v.height = bh;
    v.n_pores = 0;
    v.pores = NULL;
    v.region = malloc((size_t)bw * bh);
    v.texture = malloc((size_t)bw * bh * sizeof(float));
    v.a_star = malloc((size_t)bw * bh * sizeof(float));
    v.red_area = NULL;
    for (uint32_t y = 0; y < bh; y++) {
        size_t s = (size_t)(y + y0) * W + x0, d = (size_t)y * bw;
        memcpy(v.region + d, a->region + s, bw);
        memcpy(v.texture + d, a->texture + s, bw * sizeof(float));
        memcpy(v.a_star + d, a->a_star + s, bw * sizeof(float));
        memset(inc + s, 1, bw);
    }
    CHECK_STATUS(skd_region_figures(ctx, &v, &photo, NULL, NAN, &got, NULL), SKD_OK);
    brute_metrics(a, img, inc, NAN, 5.0, &want);
    REPORT("box %ux%u at (%u, %u): %llu px, EI %.9f (want %.9f), a* %.9f (%.9f)",
           bw, bh, x0, y0, (unsigned long long)got.region_pixels,
           got.erythema_index, want.erythema_index, got.a_mean, want.a_mean);
    CHECK(got.region_pixels == want.region_pixels);
    CHECK_NEAR(got.erythema_index, want.erythema_index, 1e-9);
    CHECK_NEAR(got.a_mean, want.a_mean, 1e-9);
    CHECK(got.a_median == want.a_median);
    CHECK_STATUS(skd_metrics_in_region(ctx, a, small, NULL, NAN, &got), SKD_E_INVALID);
    CHECK(isnan(got.erythema_index));
    REPORT("wrong photo: %s", skd_ctx_message(ctx));
    free(v.region);
    free(v.texture);
    free(v.a_star);
    free(inc);
    skd_image_free(small);
}

/* A hand-made analysis bigger than one chunk of the statistics (65536
 * pixels), so the median comes from the histograms; planes of lw x lh. */
typedef struct large_planes {
    skd_analysis a;
    skd_image img; /* random R and G samples, G = 0 at every 17th pixel */
    skd_photo_samples photo;
    uint8_t *inc;
} large_planes;

static void large_make(large_planes *p, uint32_t lw, uint32_t lh, uint64_t seed)
{
    size_t n = (size_t)lw * lh;
    memset(&p->a, 0, sizeof p->a);
    memset(&p->img, 0, sizeof p->img);
    p->img.width = lw;
    p->img.height = lh;
    p->img.rgb = malloc(3 * n * sizeof *p->img.rgb);
    p->photo = (skd_photo_samples){p->img.rgb, lw, lut->log10_linear, NULL};
    p->a.width = lw;
    p->a.height = lh;
    p->a.px_per_mm = S;
    p->a.region = malloc(n);
    p->a.texture = malloc(n * sizeof(float));
    p->a.a_star = malloc(n * sizeof(float));
    p->a.red_area = malloc(n);
    p->inc = malloc(n);
    for (size_t i = 0; i < n; i++) {
        double u = tu_uniform(&seed);
        p->a.region[i] = u < 0.7;
        p->inc[i] = tu_uniform(&seed) < 0.5 ? 3 : 0;
        p->a.red_area[i] = u < 0.2;
        p->a.texture[i] = (float)(4 * (tu_uniform(&seed) - 0.3));
        /* a* on a grid of 1/64 (many ties), negative to positive, with
         * zeros of both signs */
        p->a.a_star[i] = (float)floor(64 * 30 * (tu_uniform(&seed) - 0.2)) / 64;
        if (i % 1001 == 0)
            p->a.a_star[i] = i % 2002 ? 0.0f : -0.0f;
        p->img.rgb[3 * i] = (uint16_t)(30000 + 35535 * tu_uniform(&seed));
        p->img.rgb[3 * i + 1] = i % 17 ? (uint16_t)(1 + 40000 * tu_uniform(&seed)) : 0;
        p->img.rgb[3 * i + 2] = 1000;
    }
}

static void large_free(large_planes *p)
{
    free(p->a.region);
    free(p->a.texture);
    free(p->a.a_star);
    free(p->a.red_area);
    free(p->img.rgb);
    free(p->inc);
}

/* Figures of large planes against brute force, on 1, 2 and 3 threads (the
 * same bytes), with odd and even counts, a median between two values far
 * apart, the red-area plane, and allocation failures. */
static void test_large_planes(skd_ctx *ctx)
{
    large_planes p;
    const uint32_t lw = 517, lh = 389; /* 4 chunks */
    size_t n = (size_t)lw * lh;
    uint8_t *red = malloc(n);
    skd_metrics got[3], want;
    size_t plane_ok = 1;
    large_make(&p, lw, lh, 99);
    for (int odd = 0; odd < 2; odd++) {
        const uint8_t *inc = odd ? p.inc : NULL;
        uint64_t count = 0;
        for (size_t i = 0; i < n; i++)
            count += p.a.region[i] && (!inc || inc[i]);
        if (count % 2 != (unsigned)odd) /* make the count odd, then even */
            for (size_t i = 0; i < n; i++)
                if (!p.a.region[i] && (!inc || inc[i])) {
                    p.a.region[i] = 1;
                    break;
                }
        for (int t = 0; t < 3; t++) {
            skd_ctx_set(ctx, SKD_OPT_THREADS, t + 1);
            CHECK_STATUS(skd_region_figures(ctx, &p.a, &p.photo, inc, NAN, &got[t], red), SKD_OK);
        }
        skd_ctx_set(ctx, SKD_OPT_THREADS, 1);
        brute_metrics(&p.a, &p.img, inc, NAN, 5.0, &want);
        compare_metrics(odd ? "large, odd" : "large, even", &got[0], &want);
        CHECK(got[0].region_pixels % 2 == (unsigned)odd);
        CHECK(memcmp(&got[0], &got[1], sizeof got[0]) == 0);
        CHECK(memcmp(&got[0], &got[2], sizeof got[0]) == 0);
        for (size_t i = 0; i < n; i++)
            plane_ok &= red[i] == (p.a.region[i] && (!inc || inc[i]) &&
                                   p.a.red_area[i]);
    }
    CHECK(plane_ok);
    /* Half the values 1, half 3: the middle two lie in different top-bit
     * buckets, the median is 2; the red area is the plane's whatever the
     * reference passed (no longer used). */
    memset(p.a.region, 1, n);
    for (size_t i = 0; i < n; i++) {
        p.a.a_star[i] = i < n / 2 ? 1.0f : 3.0f;
        p.a.red_area[i] = i >= n / 2;
    }
    if (n % 2)
        p.a.region[n - 1] = 0;
    CHECK_STATUS(skd_metrics_in_region(ctx, &p.a, &p.img, NULL, -2.5, &got[0]), SKD_OK);
    REPORT("two values: median %.3f, red area %.4f", got[0].a_median,
           got[0].red_area_fraction);
    CHECK(got[0].a_median == 2.0);
    CHECK_NEAR(got[0].red_area_fraction, (double)(n - n / 2 - n % 2) / (n - n % 2), 1e-12);
    /* Allocation failures in the statistics alone (the table, the sums,
     * the histograms). */
    for (long fail = 1; fail <= 3; fail++) {
        check_alloc c = {fail + 1, 0, 0, 0}; /* allocation 1 is the context */
        skd_allocator al = check_allocator(&c);
        skd_ctx *fctx = skd_ctx_create_with_allocator(&al);
        skd_ctx_set(fctx, SKD_OPT_THREADS, 2);
        CHECK_STATUS(skd_metrics_in_region(fctx, &p.a, &p.img, NULL, NAN, &got[0]), SKD_E_NOMEM);
        CHECK(isnan(got[0].a_median) && got[0].region_pixels == 0);
        skd_ctx_free(fctx);
        CHECK(c.live == 0);
    }
    large_free(&p);
    free(red);
}

static void test_overlay(skd_ctx *ctx, const skd_image *img, const skd_analysis *a)
{
    skd_image *o = NULL, *small = tu_image(ctx, W - 1, H);
    size_t cyan = 0, rings_ok = 0, dark_ok = 1, tint_ok = 1;
    CHECK_STATUS(skd_render_overlay(ctx, img, a, &o), SKD_OK);
    if (!o)
        goto done;
    CHECK(o->width == W && o->height == H);
    for (size_t i = 0; i < (size_t)W * H; i++) {
        const uint16_t *p = o->rgb + 3 * i, *q = img->rgb + 3 * i;
        int is_cyan = p[0] == 0 && p[1] == 65535 && p[2] == 65535;
        cyan += is_cyan;
        if (is_cyan)
            continue;
        if (!a->region[i])
            dark_ok &= p[0] < q[0] || q[0] == 0;
        else if (a->red_area[i])
            tint_ok &= p[0] >= q[0] && p[1] < q[1];
        else
            dark_ok &= p[0] == q[0] && p[1] == q[1] && p[2] == q[2];
    }
    for (size_t k = 0; k < a->n_pores; k++) {
        /* The ring passes r + 1 px right of the centre. */
        long x = lround(a->pores[k].x + a->pores[k].radius + 1), y = lround(a->pores[k].y);
        if (x < W) {
            const uint16_t *p = o->rgb + ((size_t)y * W + (size_t)x) * 3;
            rings_ok += p[0] == 0 && p[1] == 65535;
        } else {
            rings_ok++;
        }
    }
    REPORT("overlay: %zu cyan px, %zu/%zu rings found", cyan, rings_ok, a->n_pores);
    CHECK(rings_ok == a->n_pores && dark_ok && tint_ok);
    skd_image_free(o);
done:
    CHECK_STATUS(skd_render_overlay(ctx, small, a, &o), SKD_E_INVALID);
    CHECK(o == NULL);
    skd_image_free(small);
}

static void test_bad_arguments(skd_ctx *ctx, const skd_image *img)
{
    skd_analysis *a = NULL;
    skd_image empty = {0};
    skd_metrics m;
    CHECK_STATUS(skd_analyze(NULL, img, NULL, &a), SKD_E_INVALID);
    CHECK_STATUS(skd_analyze(ctx, NULL, NULL, &a), SKD_E_INVALID);
    CHECK_STATUS(skd_analyze(ctx, &empty, NULL, &a), SKD_E_INVALID);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, NULL), SKD_E_INVALID);
    CHECK_STATUS(skd_metrics_in_region(ctx, NULL, img, NULL, NAN, &m), SKD_E_INVALID);
    skd_analysis_free(NULL);
}

/* Fail the n-th allocation for every n: a clean error, nothing leaked. */
static void test_allocation_failures(const skd_image *img)
{
    long n, failures = 0, leaks = 0;
    for (n = 2;; n++) {
        check_alloc c = {n, 0, 0, 0};
        skd_allocator al = check_allocator(&c);
        skd_ctx *ctx = skd_ctx_create_with_allocator(&al);
        skd_analysis *a = NULL;
        skd_metrics m;
        int st;
        skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, S);
        st = skd_analyze(ctx, img, NULL, &a);
        if (st == SKD_OK) {
            st = skd_metrics_in_region(ctx, a, img, NULL, NAN, &m);
        }
        skd_analysis_free(a);
        skd_ctx_free(ctx);
        leaks += c.live != 0;
        if (st == SKD_OK && c.calls < n)
            break; /* nothing failed: every allocation has been tried */
        failures += st == SKD_E_NOMEM;
        if (st != SKD_E_NOMEM && st != SKD_OK)
            CHECK_STATUS(st, SKD_E_NOMEM);
    }
    REPORT("allocation failures: %ld allocations tried, %ld clean errors, %ld leaks",
           n - 1, failures, leaks);
    CHECK(leaks == 0 && failures > 5);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_image *img = make_skin(ctx);
    skd_analysis *a = NULL;
    lut = skd_colour_lut_create(ctx);
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, S);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &a), SKD_OK);
    if (a) {
        REPORT("skin: %zu pores, R %llu px, red area %.4f", a->n_pores,
               (unsigned long long)a->metrics.region_pixels, a->metrics.red_area_fraction);
        CHECK(a->n_pores > 50 && a->metrics.red_area_fraction > 0.01);
        test_sub_regions(ctx, img, a);
        test_crop_samples(ctx, img, a);
        test_overlay(ctx, img, a);
        test_large_planes(ctx);
    }
    test_bad_arguments(ctx, img);
    skd_analysis_free(a);
    skd_image_free(img);
    img = make_skin(ctx);
    test_allocation_failures(img);
    skd_image_free(img);
    skd_dealloc(ctx, lut);
    skd_ctx_free(ctx);
    return check_done("test_metrics_region");
}
