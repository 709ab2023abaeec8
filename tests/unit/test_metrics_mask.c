/* Analysis mask M, its 0.25 mm growth, ROI and user mask, the fill, and
 * the empty-region error. */
#include "metrics/metrics.h"
#include "metrics_test_util.h"

/* Brute force: excluded when within radius of any originally excluded
 * pixel centre. */
static void grow_brute(const uint8_t *ex, size_t w, size_t h, double r,
                       uint8_t *out)
{
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            int hit = 0;
            for (size_t v = 0; v < h && !hit; v++)
                for (size_t u = 0; u < w && !hit; u++)
                    hit = ex[v * w + u] &&
                          ((double)u - x) * ((double)u - x) + ((double)v - y) * ((double)v - y) <= r * r;
            out[y * w + x] = (uint8_t)hit;
        }
}

static void test_distance_transform(void)
{
    skd_ctx *ctx = skd_ctx_create();
    const size_t w = 61, h = 47;
    uint8_t ex[61 * 47], got[61 * 47], want[61 * 47];
    double radii[] = {0.0, 1.0, 2.5, 3.7, 5.0, 9.9};
    uint64_t seed = 3;
    for (int t = 0; t < 6; t++) {
        size_t diff = 0;
        for (size_t i = 0; i < w * h; i++)
            ex[i] = tu_uniform(&seed) < (t % 2 ? 0.01 : 0.003);
        ex[0] = 1;            /* a corner */
        ex[w * h - 1] = t & 1; /* and the opposite one sometimes */
        memcpy(got, ex, sizeof ex);
        grow_brute(ex, w, h, radii[t], want);
        CHECK_STATUS(skd_grow_exclusion(ctx, got, w, h, radii[t]), SKD_OK);
        for (size_t i = 0; i < w * h; i++)
            diff += got[i] != want[i];
        REPORT("grow by %.1f px: %zu pixel(s) differ from brute force", radii[t], diff);
        CHECK(diff == 0);
    }
    memset(ex, 0, sizeof ex);
    memcpy(got, ex, sizeof ex);
    CHECK_STATUS(skd_grow_exclusion(ctx, got, w, h, 5.0), SKD_OK);
    CHECK(memchr(got, 1, sizeof got) == NULL);
    skd_ctx_free(ctx);
}

/* The row-compare growth (grow.c) against the distance transform on larger
 * random masks: sparse dots, dense noise, long runs and blocks, at radii
 * around integers and squares, on 1 and 3 threads (the same bytes); and
 * the invert mode writes the complement. */
static void test_growth_methods(void)
{
    skd_ctx *ctx = skd_ctx_create();
    const size_t w = 517, h = 389, n = w * h;
    uint8_t *ex = malloc(n), *want = malloc(n), *got = malloc(n);
    const double radii[] = {0.0, 0.5, 1.0, 1.5, 2.0, 2.2361, 3.0, 4.5, 5.0,
                            5.0001, 7.07, 12.0, 31.9, 32.0, 32.99, 33.0, 40.0};
    uint64_t seed = 21;
    size_t cases = 0, differ = 0;
    for (int pattern = 0; pattern < 4; pattern++) {
        for (size_t i = 0; i < n; i++) {
            double u = tu_uniform(&seed);
            ex[i] = pattern == 0 ? u < 0.0005 : pattern == 1 ? u < 0.2 : 0;
        }
        if (pattern == 2) /* runs along rows, some touching the borders */
            for (int k = 0; k < 60; k++) {
                size_t y = (size_t)(tu_uniform(&seed) * h), x0 = (size_t)(tu_uniform(&seed) * w);
                size_t len = (size_t)(tu_uniform(&seed) * 200);
                for (size_t x = x0; x < w && x < x0 + len; x++)
                    ex[y * w + x] = 1;
            }
        if (pattern == 3) /* blocks and the image corners */
            for (size_t y = 0; y < h; y++)
                for (size_t x = 0; x < w; x++)
                    ex[y * w + x] = (x / 40 + y / 30) % 5 == 0 ||
                                    (x < 3 && y < 3) || (x + 1 == w && y + 1 == h);
        for (size_t r = 0; r < sizeof radii / sizeof radii[0]; r++) {
            memcpy(want, ex, n);
            CHECK_STATUS(skd_grow_exclusion_edt(ctx, want, w, h, radii[r]), SKD_OK);
            for (int threads = 1; threads <= 3; threads += 2) {
                size_t d = 0;
                skd_ctx_set(ctx, SKD_OPT_THREADS, threads);
                memcpy(got, ex, n);
                CHECK_STATUS(skd_grow_exclusion(ctx, got, w, h, radii[r]), SKD_OK);
                for (size_t i = 0; i < n; i++)
                    d += got[i] != want[i];
                memcpy(got, ex, n);
                CHECK_STATUS(skd_grow_mask(ctx, got, w, h, radii[r], 1), SKD_OK);
                for (size_t i = 0; i < n; i++)
                    d += got[i] != !want[i];
                differ += d;
                cases++;
            }
        }
    }
    REPORT("growth: %zu cases (4 patterns, 17 radii, 1 and 3 threads), %zu pixels "
           "differ from the distance transform", cases, differ);
    CHECK(differ == 0);
    free(ex);
    free(want);
    free(got);
    skd_ctx_free(ctx);
}

/* The exclusion test takes a shortcut on the green sample; on pixels
 * crowded around Y = 0.01 and the 240/255 limit it must agree with the
 * definition (radius 0.25 px: no growth, so M is its complement). */
static void test_exclusion_rule(void)
{
    skd_ctx *ctx = skd_ctx_create();
    const size_t w = 400, h = 300, n = w * h;
    skd_image *img = tu_image(ctx, w, h);
    skd_colour_lut *lut = skd_colour_lut_create(ctx);
    uint8_t *m = malloc(n);
    size_t differ = 0, dark = 0, high = 0;
    uint64_t seed = 8;
    /* Y = 0.01 at sRGB about 0.0998 (grey); green alone clears it from
     * about 0.125 */
    for (size_t i = 0; i < 3 * n; i++) {
        double u = tu_uniform(&seed);
        img->rgb[i] = (uint16_t)(u < 0.8 ? 5000 + 5000 * tu_uniform(&seed)
                                         : 64000 + 1535 * tu_uniform(&seed));
    }
    CHECK_STATUS(skd_build_mask(ctx, img, NULL, 1.0, lut, m), SKD_OK);
    for (size_t i = 0; i < n; i++) {
        const uint16_t *p = img->rgb + 3 * i;
        /* specular is near-white: every channel >= 240/255 */
        int is_high = p[0] >= 240 * 257 && p[1] >= 240 * 257 && p[2] >= 240 * 257;
        int is_dark = skd_luminance(lut->linear[p[0]], lut->linear[p[1]],
                                    lut->linear[p[2]]) < 0.01;
        dark += is_dark && !is_high;
        high += is_high;
        differ += m[i] != !(is_high || is_dark);
    }
    REPORT("exclusion rule: %zu dark, %zu specular of %zu, %zu differ", dark, high, n, differ);
    CHECK(differ == 0 && dark > n / 10 && dark < n / 2);
    free(m);
    skd_dealloc(ctx, lut);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

/* A specular disc (255) and a dark disc (black) on grey skin: M is exactly
 * the complement of the discs grown by 0.25 mm. */
static void test_blobs(double s)
{
    skd_ctx *ctx = skd_ctx_create();
    const size_t w = 120, h = 90;
    skd_image *img = tu_image(ctx, w, h);
    uint8_t *m = malloc(w * h), *ex = malloc(w * h), *want = malloc(w * h);
    skd_colour_lut *lut = skd_colour_lut_create(ctx);
    size_t diff = 0, excluded = 0;
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            double d1 = hypot(x - 30.0, y - 40.0), d2 = hypot(x - 85.0, y - 50.0);
            uint16_t v = 150 * 257;
            ex[y * w + x] = d1 <= 6 || d2 <= 4;
            if (d1 <= 6)
                v = 65535;
            else if (d2 <= 4)
                v = 0;
            uint16_t *p = img->rgb + (y * w + x) * 3;
            p[0] = p[1] = p[2] = v;
        }
    /* Exactly at the thresholds: 240/255 in every channel excluded, 239
     * in one of them not, one or two channels at 255 not (coloured, only
     * counted as clipped); Y just below 0.01 excluded (sRGB 25/255 is Y
     * 0.0097). */
    for (int c = 0; c < 3; c++) {
        img->rgb[(5 * w + 5) * 3 + c] = 240 * 257;
        img->rgb[(5 * w + 100) * 3 + c] = (uint16_t)(c == 2 ? 239 * 257 : 65535);
        img->rgb[(60 * w + 100) * 3 + c] = (uint16_t)(c == 1 ? 150 * 257 : 65535);
    }
    img->rgb[(70 * w + 100) * 3] = 65535;
    for (int c = 0; c < 3; c++)
        img->rgb[(80 * w + 10) * 3 + c] = 25 * 257;
    ex[5 * w + 5] = 1;
    ex[80 * w + 10] = 1;
    grow_brute(ex, w, h, 0.25 * s, want);
    CHECK_STATUS(skd_build_mask(ctx, img, NULL, s, lut, m), SKD_OK);
    for (size_t i = 0; i < w * h; i++) {
        diff += m[i] != !want[i];
        excluded += !m[i];
    }
    REPORT("%.0f px/mm: %zu pixels excluded, %zu differ from the expected mask", s, excluded, diff);
    CHECK(diff == 0);
    CHECK(m[40 * w + 30 + 6 + (size_t)(0.25 * s)] == 0);
    CHECK(m[40 * w + 30 + 6 + (size_t)(0.25 * s) + 1] == 1);
    skd_dealloc(ctx, lut);
    free(m);
    free(ex);
    free(want);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

static skd_image *flat_skin(skd_ctx *ctx, size_t w, size_t h)
{
    skd_image *img = tu_image(ctx, w, h);
    tu_skin skin = {.l0 = -110, .exposure = 1};
    tu_skin_colour(skin.rgb);
    tu_render(img, &skin, 0, 0);
    return img;
}

/* R lies inside the ROI; R keeps pixels 2 mm inside it (G*M >= 0.955 even
 * at a corner) and drops those within 1.2 mm of its edge (G*M <= 0.885). */
static void test_roi(void)
{
    skd_ctx *ctx = skd_ctx_create();
    const size_t w = 200, h = 160;
    const double s = 20;
    skd_image *img = flat_skin(ctx, w, h);
    skd_region_spec spec = {.roi = {50, 30, 120, 100}};
    skd_analysis *a = NULL;
    size_t outside = 0, inner_missing = 0, rim_present = 0;
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, s);
    CHECK_STATUS(skd_analyze(ctx, img, &spec, &a), SKD_OK);
    if (!a)
        goto done;
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            int in = a->region[y * w + x];
            double dx = fmin((double)x - 50, 169.0 - x), dy = fmin((double)y - 30, 129.0 - y);
            double inset = fmin(dx, dy); /* pixels inside the ROI edge */
            if (inset < 0)
                outside += in;
            else if (inset >= 2 * s)
                inner_missing += !in;
            else if (inset < 1.2 * s - 1)
                rim_present += in;
        }
    REPORT("ROI: region %llu px, outside %zu, inner missing %zu, rim %zu",
           (unsigned long long)a->metrics.region_pixels, outside, inner_missing, rim_present);
    CHECK(outside == 0 && inner_missing == 0 && rim_present == 0);
    skd_analysis_free(a);
    /* An ROI hanging over the edge is clipped; one outside is an error. */
    spec.roi = (skd_roi){150, 100, 1000, 1000};
    CHECK_STATUS(skd_analyze(ctx, img, &spec, &a), SKD_OK);
    skd_analysis_free(a);
    spec.roi = (skd_roi){200, 0, 10, 10};
    CHECK_STATUS(skd_analyze(ctx, img, &spec, &a), SKD_E_INVALID);
    REPORT("message: %s", skd_ctx_message(ctx));
    CHECK(a == NULL);
done:
    skd_image_free(img);
    skd_ctx_free(ctx);
}

static void test_user_mask(void)
{
    skd_ctx *ctx = skd_ctx_create();
    const size_t w = 160, h = 100;
    skd_image *img = flat_skin(ctx, w, h);
    skd_image *mask = tu_image(ctx, w, h), *small = tu_image(ctx, w - 1, h);
    skd_region_spec spec = {.mask = mask};
    skd_analysis *a = NULL;
    size_t left = 0, right = 0;
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);
    for (size_t y = 0; y < h; y++)
        for (size_t x = 80; x < w; x++)
            mask->rgb[(y * w + x) * 3 + 2] = 1; /* any non-zero sample */
    CHECK_STATUS(skd_analyze(ctx, img, &spec, &a), SKD_OK);
    if (a) {
        /* The mask edge is at x = 79.5; G*M >= 0.9 from 1.2816 sigma =
         * 25.6 px inside it, so R starts at x = 106. */
        for (size_t y = 0; y < h; y++)
            for (size_t x = 0; x < w; x++) {
                left += x < 106 && a->region[y * w + x];
                right += x >= 106 && !a->region[y * w + x];
            }
        REPORT("user mask: %zu px in R left of x = 106, %zu missing right of it", left, right);
        CHECK(left == 0 && right == 0);
    }
    skd_analysis_free(a);
    spec.mask = small;
    CHECK_STATUS(skd_analyze(ctx, img, &spec, &a), SKD_E_INVALID);
    REPORT("message: %s", skd_ctx_message(ctx));
    CHECK(strstr(skd_ctx_message(ctx), "159x100") && strstr(skd_ctx_message(ctx), "160x100"));
    skd_image_free(mask);
    skd_image_free(small);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

/* Masked features make no edges: a black blob on flat skin leaves the
 * texture of R flat. */
static void test_fill(void)
{
    skd_ctx *ctx = skd_ctx_create();
    const size_t w = 160, h = 120;
    skd_image *img = flat_skin(ctx, w, h);
    skd_analysis *a = NULL;
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);
    for (size_t y = 40; y < 80; y++)
        for (size_t x = 60; x < 110; x++)
            memset(img->rgb + (y * w + x) * 3, 0, 6);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &a), SKD_OK);
    if (a) {
        float worst = 0;
        for (size_t i = 0; i < w * h; i++)
            if (a->region[i] && fabsf(a->texture[i]) > worst)
                worst = fabsf(a->texture[i]);
        REPORT("black blob: Sa %.5f, worst |T| in R %.5f, %zu pores, R %llu px",
               a->metrics.sa, worst, a->n_pores, (unsigned long long)a->metrics.region_pixels);
        CHECK(worst < 0.05);
        CHECK(a->n_pores == 0);
        CHECK(!a->region[60 * w + 85]);
    }
    skd_analysis_free(a);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

static void test_no_region(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_image *img = tu_image(ctx, 64, 64);
    skd_analysis *a = NULL;
    /* all white */
    for (size_t i = 0; i < 64 * 64 * 3; i++)
        img->rgb[i] = 65535;
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &a), SKD_E_NO_REGION);
    REPORT("white: %s", skd_ctx_message(ctx));
    CHECK(strstr(skd_ctx_message(ctx), "no measurable skin") != NULL);
    CHECK(a == NULL);
    skd_image_free(img);
    /* Measurable pixels exist, but too few together for G*M >= 0.9. */
    img = tu_image(ctx, 64, 64);
    for (size_t y = 0; y < 64; y++)
        for (size_t x = 0; x < 64; x++) {
            uint16_t v = (x / 16 + y / 16) % 2 ? 140 * 257 : 0;
            uint16_t *p = img->rgb + (y * 64 + x) * 3;
            p[0] = p[1] = p[2] = v;
        }
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &a), SKD_E_NO_REGION);
    REPORT("checkerboard: %s", skd_ctx_message(ctx));
    skd_image_free(img);
    skd_ctx_free(ctx);
}

int main(void)
{
    test_distance_transform();
    test_growth_methods();
    test_exclusion_rule();
    test_blobs(20.0);
    test_blobs(18.0);
    test_blobs(31.0);
    test_roi();
    test_user_mask();
    test_fill();
    test_no_region();
    return check_done("test_metrics_mask");
}
