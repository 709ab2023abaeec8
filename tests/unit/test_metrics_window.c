/* The analysis window (src/metrics/window.c): skd_analyze runs the fill,
 * the filter bank and the statistics on the bounding box of M grown by the
 * texture's reach, and must give the figures of the same analysis run over
 * the whole photo (skd_analyze_whole) up to the 1 mm Gaussian's weight
 * beyond its margin and float rounding. Two photos: synthetic skin with an
 * ROI of a quarter of the frame, and a skin patch on a black background
 * (excluded as too dark, Y < 0.01). Each has a pore drawn just inside R
 * near the window's edge. Also: the window's geometry, the gather/scatter
 * moves, and the planes outside the window. And the colour rectangle: with
 * an ROI, the colour pass and the mask run on the ROI grown by the mask
 * growth's reach, and M, the figures and the planes are those of the
 * colour pass over the whole photo, bit for bit. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "metrics/metrics.h"
#include "metrics_test_util.h"

#define S 20.0 /* px/mm */

/* Darkens a round Gaussian dip of depth (l units) and sigma (px) into the
 * photo at (cx, cy): linear RGB times exp(-depth g / 100). */
static void draw_pore(skd_image *img, double cx, double cy, double sigma,
                      double depth)
{
    long r = (long)ceil(5 * sigma);
    for (long y = (long)cy - r; y <= (long)cy + r; y++)
        for (long x = (long)cx - r; x <= (long)cx + r; x++) {
            uint16_t *p = img->rgb + ((size_t)y * img->width + (size_t)x) * 3;
            double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
            double k = exp(-depth / 100.0 * exp(-d2 / (2 * sigma * sigma)));
            for (int c = 0; c < 3; c++)
                p[c] = tu_encode16(k * skd_srgb_decode(p[c] / 65535.0));
        }
}

static skd_image *synth_skin(skd_ctx *ctx, uint32_t w, uint32_t h, uint64_t seed)
{
    skd_synth_params p;
    skd_image *img = NULL;
    char *truth = NULL;
    skd_synth_defaults(&p, w, h, S);
    p.seed = seed;
    if (skd_synth(ctx, &p, &img, NULL, &truth) != SKD_OK) {
        fprintf(stderr, "synth failed: %s\n", skd_ctx_message(ctx));
        exit(1);
    }
    skd_free(ctx, truth);
    return img;
}

static int near_pore(const skd_analysis *a, double x, double y)
{
    for (size_t i = 0; i < a->n_pores; i++)
        if (fabs(a->pores[i].x - x) <= 2 && fabs(a->pores[i].y - y) <= 2)
            return 1;
    return 0;
}

/* The window skd_analyze uses for this photo and spec. */
static skd_window window_of(skd_ctx *ctx, const skd_image *img,
                            const skd_region_spec *spec)
{
    size_t n = (size_t)img->width * img->height;
    uint8_t *m = malloc(n);
    skd_colour_lut *lut = skd_colour_lut_create(ctx);
    skd_window win = {0, 0, 0, 0};
    if (m && lut &&
        skd_build_mask(ctx, img, spec, S, lut, m) == SKD_OK)
        win = skd_window_of_mask(m, img->width, img->height,
                                 skd_window_reach(S));
    skd_dealloc(ctx, lut);
    free(m);
    return win;
}

static int in_window(const skd_window *w, size_t x, size_t y)
{
    return x >= w->x0 && x < w->x0 + w->w && y >= w->y0 && y < w->y0 + w->h;
}

/* Windowed against whole-photo analysis: figures, pores, planes. */
static void compare(const char *name, skd_ctx *ctx, const skd_image *img,
                    const skd_region_spec *spec, double pore_x, double pore_y)
{
    skd_analysis *a = NULL, *b = NULL;
    skd_window win = window_of(ctx, img, spec);
    size_t w = img->width, h = img->height;
    size_t region_diff = 0, red_diff = 0, astar_diff = 0, outside_nonzero = 0;
    size_t pores_same = 0;
    double tex_max = 0, str_max = 0;

    CHECK_STATUS(skd_analyze(ctx, img, spec, &a), SKD_OK);
    CHECK_STATUS(skd_analyze_whole(ctx, img, spec, &b), SKD_OK);
    if (!a || !b)
        goto done;
    REPORT("%s: %zux%zu photo, window (%zu, %zu) %zux%zu = %.1f%% of it, "
           "R %llu px", name, w, h, win.x0, win.y0, win.w, win.h,
           100.0 * (double)(win.w * win.h) / (double)(w * h),
           (unsigned long long)a->metrics.region_pixels);
    CHECK(win.w * win.h < w * h);

    /* Figures. Texture moments: 1e-4 relative, the truncation bound
     * (window.c) with room for float rounding of the transforms of other
     * sizes; the region and everything read pointwise from the photo are
     * the same pixels, so the pore count, R and the red area are equal and
     * the a* figures equal up to the order of the double sums. */
    CHECK(a->metrics.region_pixels == b->metrics.region_pixels);
    CHECK_REL(a->metrics.sa, b->metrics.sa, 1e-4);
    CHECK_REL(a->metrics.sq, b->metrics.sq, 1e-4);
    CHECK_REL(a->metrics.ssk, b->metrics.ssk, 1e-4);
    CHECK_REL(a->metrics.sku, b->metrics.sku, 1e-4);
    CHECK(a->metrics.pore_count == b->metrics.pore_count);
    CHECK(a->n_pores == b->n_pores);
    CHECK_REL(a->metrics.a_mean, b->metrics.a_mean, 1e-12);
    CHECK(a->metrics.a_median == b->metrics.a_median);
    CHECK_REL(a->metrics.erythema_index, b->metrics.erythema_index, 1e-12);
    CHECK(a->metrics.red_area_fraction == b->metrics.red_area_fraction);
    REPORT("  Sa %.9g vs %.9g (rel %.2g), Sq rel %.2g, Ssk rel %.2g, Sku rel %.2g",
           a->metrics.sa, b->metrics.sa,
           fabs(a->metrics.sa / b->metrics.sa - 1),
           fabs(a->metrics.sq / b->metrics.sq - 1),
           fabs(a->metrics.ssk / b->metrics.ssk - 1),
           fabs(a->metrics.sku / b->metrics.sku - 1));
    REPORT("  pores %u vs %u, a* mean rel %.2g, a* median %.9g vs %.9g, EI rel %.2g, "
           "red area %.9g vs %.9g", a->metrics.pore_count,
           b->metrics.pore_count,
           fabs(a->metrics.a_mean / b->metrics.a_mean - 1),
           a->metrics.a_median, b->metrics.a_median,
           fabs(a->metrics.erythema_index / b->metrics.erythema_index - 1),
           a->metrics.red_area_fraction, b->metrics.red_area_fraction);

    /* Pores: same centres and radii; strengths differ as the pore bank's
     * tiles lie elsewhere (their grid starts at the window's corner) */
    for (size_t j = 0; j < b->n_pores; j++) {
        const skd_pore *q = &b->pores[j];
        for (size_t i = 0; i < a->n_pores; i++) {
            const skd_pore *p = &a->pores[i];
            if (p->x == q->x && p->y == q->y && p->radius == q->radius) {
                double d = fabs(p->strength - q->strength) / q->strength;
                pores_same++;
                str_max = d > str_max ? d : str_max;
                break;
            }
        }
    }
    CHECK(pores_same == b->n_pores);
    CHECK(str_max < 1e-3);
    CHECK(near_pore(a, pore_x, pore_y));
    CHECK(near_pore(b, pore_x, pore_y));
    REPORT("  pores at the same centres and radii: %zu of %zu; strength max rel "
           "diff %.2g; the pore drawn at (%.0f, %.0f), %.0f px inside the "
           "window's edge: %s / %s", pores_same, b->n_pores, str_max, pore_x,
           pore_y, fmin(fmin(pore_x - (double)win.x0, (double)(win.x0 + win.w) - pore_x),
                        fmin(pore_y - (double)win.y0, (double)(win.y0 + win.h) - pore_y)),
           near_pore(a, pore_x, pore_y) ? "found" : "missed",
           near_pore(b, pore_x, pore_y) ? "found" : "missed");

    /* Planes: R, red area and a* in the window equal; texture in R within
     * the truncation; outside the window texture and a* are 0 */
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            size_t i = y * w + x;
            region_diff += a->region[i] != b->region[i];
            red_diff += a->red_area[i] != b->red_area[i];
            if (!in_window(&win, x, y)) {
                outside_nonzero += a->texture[i] != 0 || a->a_star[i] != 0 ||
                                   a->region[i] || a->red_area[i];
                continue;
            }
            astar_diff += memcmp(&a->a_star[i], &b->a_star[i], sizeof(float)) != 0;
            if (a->region[i]) {
                double d = fabs((double)a->texture[i] - b->texture[i]);
                tex_max = d > tex_max ? d : tex_max;
            }
        }
    CHECK(region_diff == 0);
    CHECK(red_diff == 0);
    CHECK(astar_diff == 0);
    CHECK(outside_nonzero == 0);
    /* T is about +-10 here; 2e-5 of l's level (about 60) at R's edge */
    CHECK(tex_max < 2e-3);
    REPORT("  planes: region/red area/a* pixels that differ %zu/%zu/%zu; "
           "texture in R max |diff| %.3g; non-zero outside the window %zu",
           region_diff, red_diff, astar_diff, tex_max, outside_nonzero);

    /* skd_metrics_in_region (what compare uses) over the middle of R */
    {
        uint8_t *inc = calloc(w * h, 1);
        skd_metrics ma, mb;
        if (inc) {
            for (size_t y = win.y0 + win.h / 4; y < win.y0 + 3 * win.h / 4; y++)
                memset(inc + y * w + win.x0 + win.w / 4, 1, win.w / 2);
            CHECK_STATUS(skd_metrics_in_region(ctx, a, img, inc, NAN, &ma), SKD_OK);
            CHECK_STATUS(skd_metrics_in_region(ctx, b, img, inc, NAN, &mb), SKD_OK);
            CHECK(ma.region_pixels == mb.region_pixels);
            CHECK_REL(ma.sa, mb.sa, 1e-4);
            CHECK(ma.pore_count == mb.pore_count);
            CHECK(ma.a_mean == mb.a_mean && ma.red_area_fraction == mb.red_area_fraction);
            REPORT("  metrics_in_region over the middle quarter of the window: "
                   "%llu px, Sa rel %.2g, pores %u vs %u", (unsigned long long)ma.region_pixels,
                   fabs(ma.sa / mb.sa - 1), ma.pore_count, mb.pore_count);
        }
        free(inc);
    }
    /* the same bits on two threads */
    {
        skd_analysis *c = NULL;
        skd_ctx_set(ctx, SKD_OPT_THREADS, 2);
        CHECK_STATUS(skd_analyze(ctx, img, spec, &c), SKD_OK);
        skd_ctx_set(ctx, SKD_OPT_THREADS, 1);
        if (c) {
            CHECK(memcmp(&c->metrics, &a->metrics, sizeof c->metrics) == 0);
            CHECK(c->n_pores == a->n_pores &&
                  memcmp(c->pores, a->pores, a->n_pores * sizeof *a->pores) == 0);
            CHECK(memcmp(c->texture, a->texture, w * h * sizeof *a->texture) == 0);
        }
        skd_analysis_free(c);
    }
done:
    skd_analysis_free(a);
    skd_analysis_free(b);
}

/* The reach, stage by stage: the filled l and the texture's 1 mm
 * low-pass computed on the window against the whole photo. The window's
 * edges mirror pixels with M = 0, so G*M and G*(l M) change only by the
 * Gaussian's weight beyond its margin: at the window's edge about 2e-5 of
 * the fill's contrast there; on R, a margin further in, nothing but
 * rounding. */
static void check_reach(const char *name, skd_ctx *ctx, const skd_image *img,
                        const skd_region_spec *spec)
{
    size_t w = img->width, h = img->height, n = w * h;
    float *l = malloc(n * sizeof *l), *lw = malloc(n * sizeof *lw);
    float *c = malloc(n * sizeof *c), *cw = malloc(n * sizeof *cw);
    uint8_t *m = malloc(n), *mw = malloc(n), *m0 = malloc(n);
    skd_colour_lut *lut = skd_colour_lut_create(ctx);
    skd_filter coarse = {SKD_FILTER_GAUSS, SKD_TEXTURE_COARSE_MM * S, 0};
    skd_clip_rule rule;
    skd_window win;
    uint64_t rp, rpw;
    double fill_edge = 0, fill_in = 0, coarse_r = 0, coarse_same = 0, gm_max = 0, l_lo = INFINITY, l_hi = -INFINITY;
    size_t reach = skd_window_reach(S);
    if (!l || !lw || !c || !cw || !m || !mw || !m0 || !lut) {
        CHECK(0);
        goto done;
    }
    rule = skd_mask_clip_rule(lut);
    skd_luminance_plane(ctx, img, lut, &rule, l, m);
    CHECK_STATUS(skd_finish_mask(ctx, img, spec, S, m), SKD_OK);
    memcpy(lw, l, n * sizeof *l);
    memcpy(mw, m, n);
    memcpy(m0, m, n);
    win = skd_window_of_mask(m, w, h, reach);
    CHECK_STATUS(skd_fill_masked(ctx, l, m, w, h, S, &rp), SKD_OK);
    skd_window_gather(lw, w, sizeof *lw, &win);
    skd_window_gather(mw, w, 1, &win);
    CHECK_STATUS(skd_fill_masked(ctx, lw + win.y0 * w, mw + win.y0 * w, win.w,
                                 win.h, S, &rpw), SKD_OK);
    CHECK(rp == rpw);
    {
        const float *src = l, *srcw = lw + win.y0 * w;
        float *dst = c, *dstw = cw + win.y0 * w;
        CHECK_STATUS(skd_fft_filter_planes(ctx, &src, &dst, 1, w, h,
                                           skd_fft_margin(coarse.s1), &coarse), SKD_OK);
        CHECK_STATUS(skd_fft_filter_planes(ctx, &srcw, &dstw, 1, win.w, win.h,
                                           skd_fft_margin(coarse.s1), &coarse), SKD_OK);
    }
    skd_window_scatter(lw, w, h, sizeof *lw, &win, 1);
    skd_window_scatter(mw, w, h, 1, &win, 0);
    skd_window_scatter(cw, w, h, sizeof *cw, &win, 1);
    {
        /* G*M of the fill, whole and on the window (M as floats; the
         * window's M is mw, gathered): the claim is about these sums */
        float *fm = malloc(n * sizeof *fm), *gm = malloc(n * sizeof *gm);
        float *fmw = malloc(n * sizeof *fmw), *gmw = malloc(n * sizeof *gmw);
        skd_filter fill = {SKD_FILTER_GAUSS, SKD_FILL_SIGMA_MM * S, 0};
        if (fm && gm && fmw && gmw) {
            const float *src = fm, *srcw = fmw + win.y0 * w;
            float *dst = gm, *dstw = gmw + win.y0 * w;
            for (size_t i = 0; i < n; i++)
                fm[i] = fmw[i] = m0[i] ? 1.0f : 0.0f;
            skd_window_gather(fmw, w, sizeof *fmw, &win);
            CHECK_STATUS(skd_fft_filter_planes(ctx, &src, &dst, 1, w, h,
                                               skd_fft_margin(fill.s1), &fill), SKD_OK);
            CHECK_STATUS(skd_fft_filter_planes(ctx, &srcw, &dstw, 1, win.w, win.h,
                                               skd_fft_margin(fill.s1), &fill), SKD_OK);
            skd_window_scatter(gmw, w, h, sizeof *gmw, &win, 1);
            for (size_t y = win.y0; y < win.y0 + win.h; y++)
                for (size_t x = win.x0; x < win.x0 + win.w; x++) {
                    double d = fabs((double)gm[y * w + x] - gmw[y * w + x]);
                    gm_max = d > gm_max ? d : gm_max;
                }
        }
        free(fm);
        free(gm);
        free(fmw);
        free(gmw);
    }
    {
        /* the low-pass alone: the whole photo's filled l, on the window */
        float *same = malloc(n * sizeof *same), *cs = malloc(n * sizeof *cs);
        if (same && cs) {
            const float *src = same + win.y0 * w;
            float *dst = cs + win.y0 * w;
            memcpy(same, l, n * sizeof *l);
            skd_window_gather(same, w, sizeof *same, &win);
            CHECK_STATUS(skd_fft_filter_planes(ctx, &src, &dst, 1, win.w, win.h,
                                               skd_fft_margin(coarse.s1), &coarse), SKD_OK);
            skd_window_scatter(cs, w, h, sizeof *cs, &win, 1);
            for (size_t i = 0; i < n; i++)
                if (m[i]) {
                    double dc = fabs((double)c[i] - cs[i]);
                    coarse_same = dc > coarse_same ? dc : coarse_same;
                }
        }
        free(same);
        free(cs);
    }
    for (size_t y = win.y0; y < win.y0 + win.h; y++)
        for (size_t x = win.x0; x < win.x0 + win.w; x++) {
            size_t i = y * w + x;
            /* distance to the window's nearest edge inside the photo */
            size_t d = SIZE_MAX;
            double dl = fabs((double)l[i] - lw[i]);
            if (win.x0 > 0) d = x - win.x0 < d ? x - win.x0 : d;
            if (win.y0 > 0) d = y - win.y0 < d ? y - win.y0 : d;
            if (win.x0 + win.w < w) d = win.x0 + win.w - 1 - x < d ? win.x0 + win.w - 1 - x : d;
            if (win.y0 + win.h < h) d = win.y0 + win.h - 1 - y < d ? win.y0 + win.h - 1 - y : d;
            if (d < reach)
                fill_edge = dl > fill_edge ? dl : fill_edge;
            else
                fill_in = dl > fill_in ? dl : fill_in;
            if (m[i] != mw[i])
                CHECK(0);
            if (m[i]) {
                double dc = fabs((double)c[i] - cw[i]);
                coarse_r = dc > coarse_r ? dc : coarse_r;
                l_lo = l[i] < l_lo ? l[i] : l_lo;
                l_hi = l[i] > l_hi ? l[i] : l_hi;
            }
        }
    /* G*M: the mirror images of M beyond the window's edges lie 82.5 px
     * or more away, whose weight is Q(82.5 / 20) = 1.85e-5 per edge (two
     * at a corner), plus float rounding */
    CHECK(gm_max < 2 * 1.85e-5 + 2e-6);
    /* the filled l moves more where G*M is small, since the quotient
     * divides the difference by G*M (>= 0.001): only pixels 26 px or more
     * outside M, whose weight in the texture's 1 mm Gaussian at R is
     * small: on M the low-pass differs by no more than it does from the
     * same input (transforms of another size round differently; l is
     * about -150 here, one float step 1.5e-5) */
    CHECK(fill_in == 0);
    CHECK(coarse_same < 1e-4);
    CHECK(coarse_r < 1e-4);
    REPORT("%s, stage by stage: G*M (fill) max |window - whole| %.3g; filled l "
           "within a margin of the window's edge %.3g (l on M spans %.1f .. %.1f), "
           "further in %.3g; G_1mm * filled l on M %.3g (from the whole photo's "
           "filled l: %.3g)", name, gm_max, fill_edge, l_lo, l_hi, fill_in,
           coarse_r, coarse_same);
done:
    skd_dealloc(ctx, lut);
    free(l);
    free(lw);
    free(c);
    free(cw);
    free(m);
    free(mw);
    free(m0);
}

/* (a) ROI of a quarter of the frame, a pore 32 px inside its left edge
 * (G*M there is about 0.95, so it is in R). */
static void test_roi(skd_ctx *ctx)
{
    skd_image *img = synth_skin(ctx, 1280, 1024, 7);
    skd_region_spec spec;
    skd_window win;
    memset(&spec, 0, sizeof spec);
    spec.roi = (skd_roi){400, 300, 640, 512};
    draw_pore(img, 400 + 32, 300 + 256, 2.1, 45);
    win = window_of(ctx, img, &spec);
    /* M fills the ROI up to its edges (no exclusion there): the window is
     * the ROI grown by the reach, 82 px at 20 px/mm */
    CHECK(skd_window_reach(S) == 82);
    CHECK(win.x0 == 400 - 82 && win.y0 == 300 - 82 && win.w == 640 + 164 &&
          win.h == 512 + 164);
    compare("ROI", ctx, img, &spec, 400 + 32, 300 + 256);
    check_reach("ROI", ctx, img, &spec);
    skd_image_free(img);
}

/* (b) A 900 x 800 skin patch at (250, 200) on a black 1400 x 1200 photo:
 * Y < 0.01 outside, grown by 0.25 mm (5 px), so M starts at x = 255. A pore
 * 37 px inside the patch's right edge. */
static void test_black_border(skd_ctx *ctx)
{
    skd_image *skin = synth_skin(ctx, 900, 800, 11);
    skd_image *img = tu_image(ctx, 1400, 1200);
    skd_window win;
    memset(img->rgb, 0, (size_t)img->width * img->height * 3 * sizeof *img->rgb);
    for (size_t y = 0; y < skin->height; y++)
        memcpy(img->rgb + ((y + 200) * img->width + 250) * 3,
               skin->rgb + y * skin->width * 3, skin->width * 3 * sizeof *img->rgb);
    draw_pore(img, 250 + 900 - 37, 200 + 400, 2.1, 45);
    win = window_of(ctx, img, NULL);
    CHECK(win.x0 == 255 - 82 && win.y0 == 205 - 82 && win.w == 890 + 164 &&
          win.h == 790 + 164);
    compare("black border", ctx, img, NULL, 250 + 900 - 37, 200 + 400);
    check_reach("black border", ctx, img, NULL);
    skd_image_free(skin);
    skd_image_free(img);
}

/* Gather then scatter gives the plane back, zero outside the window when
 * asked, and leaves zeroed planes zero outside it. */
static void test_moves(void)
{
    enum { W = 37, H = 23 };
    skd_window cases[] = {{5, 3, 20, 11}, {0, 4, W, 9}, {0, 0, W, H},
                          {36, 22, 1, 1}, {0, 0, 1, H}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const skd_window *win = &cases[c];
        float plane[W * H], zeroed[W * H];
        size_t bad = 0, base = win->y0 * W;
        for (size_t i = 0; i < W * H; i++) {
            plane[i] = (float)i + 1;
            zeroed[i] = in_window(win, i % W, i / W) ? (float)i + 1 : 0;
        }
        skd_window_gather(plane, W, sizeof *plane, win);
        skd_window_gather(zeroed, W, sizeof *zeroed, win);
        for (size_t j = 0; j < win->h; j++)
            for (size_t x = 0; x < win->w; x++) {
                float want = (float)((win->y0 + j) * W + win->x0 + x) + 1;
                bad += plane[base + j * win->w + x] != want;
                bad += zeroed[base + j * win->w + x] != want;
            }
        skd_window_scatter(plane, W, H, sizeof *plane, win, 1);
        skd_window_scatter(zeroed, W, H, sizeof *zeroed, win, 0);
        for (size_t i = 0; i < W * H; i++) {
            float want = in_window(win, i % W, i / W) ? (float)i + 1 : 0;
            bad += plane[i] != want;
            bad += zeroed[i] != want;
        }
        CHECK(bad == 0);
    }
    {
        /* the bounding box: one pixel, and none (the whole plane) */
        uint8_t m[W * H];
        skd_window win;
        memset(m, 0, sizeof m);
        win = skd_window_of_mask(m, W, H, 2);
        CHECK(skd_window_is_whole(&win, W, H));
        m[10 * W + 17] = 1;
        m[12 * W + 3] = 1;
        win = skd_window_of_mask(m, W, H, 2);
        CHECK(win.x0 == 1 && win.y0 == 8 && win.w == 19 && win.h == 7);
        m[22 * W + 36] = 1;
        win = skd_window_of_mask(m, W, H, 2);
        CHECK(win.x0 == 1 && win.y0 == 8 && win.w == 36 && win.h == 15);
    }
}

/* One pixel's three samples. */
static void set_px(skd_image *img, size_t x, size_t y, uint16_t v)
{
    uint16_t *p = img->rgb + 3 * (y * img->width + x);
    p[0] = p[1] = p[2] = v;
}

/* M from the colour rectangle `part` (skd_mask_in_rect into zeroed planes)
 * against skd_build_mask over the whole photo: pixels that differ over the
 * whole plane (-1 on failure); with l, also l on part against the whole
 * photo's l, bit for bit, into *l_diff. */
static long mask_diff(skd_ctx *ctx, const skd_image *img,
                      const skd_region_spec *spec, double s,
                      const skd_window *part, size_t *l_diff)
{
    size_t w = img->width, n = w * img->height;
    uint8_t *ref = malloc(n), *m = calloc(n, 1), *tmp = malloc(n);
    float *l = calloc(n, sizeof *l), *lref = malloc(n * sizeof *lref);
    skd_colour_lut *lut = skd_colour_lut_create(ctx);
    long diff = -1;
    if (ref && m && tmp && l && lref && lut &&
        skd_build_mask(ctx, img, spec, s, lut, ref) == SKD_OK &&
        skd_mask_in_rect(ctx, img, spec, s, lut, part, l, m) == SKD_OK) {
        diff = 0;
        for (size_t i = 0; i < n; i++)
            diff += m[i] != ref[i];
        if (l_diff) {
            skd_clip_rule rule = skd_mask_clip_rule(lut);
            skd_luminance_plane(ctx, img, lut, &rule, lref, tmp);
            *l_diff = 0;
            for (size_t y = 0; y < img->height; y++)
                for (size_t x = 0; x < w; x++) {
                    size_t i = y * w + x;
                    int in = in_window(part, x, y);
                    *l_diff += in ? memcmp(&l[i], &lref[i], sizeof *l) != 0
                                  : l[i] != 0;
                }
        }
    }
    skd_dealloc(ctx, lut);
    free(ref);
    free(m);
    free(tmp);
    free(l);
    free(lref);
    return diff;
}

/* (c) The colour rectangle. With an ROI the colour pass and the mask run
 * on the ROI grown by the growth's reach, floor(0.25 mm * s) = 5 px at
 * 20 px/mm; M must be the whole photo's M pixel for pixel. Exclusions
 * drawn around the ROI's border: highlights 3 px, 5 px (exactly the
 * reach: 5 <= 5) and diagonally sqrt(18) px outside it, which grow into
 * it; one 6 px and one diagonally sqrt(32) = 5.7 px outside, which must
 * not; a dark pixel 5 px below; a highlight across the right edge. A
 * rectangle one pixel short of the reach must miss the 5 px ones (the
 * comparison can fail). Then the figures and planes of skd_analyze
 * against the same analysis with the colour pass over the whole photo:
 * equal bit for bit. Also at 140 px/mm (reach 35 px, the growth then is
 * the distance transform) and with a user mask. */
static void test_colour_rect(skd_ctx *ctx)
{
    skd_image *img = synth_skin(ctx, 640, 512, 5);
    skd_region_spec spec;
    skd_window part, short_part;
    size_t l_diff = 1;
    long diff, diff_short;
    const uint16_t hi = 65535;
    memset(&spec, 0, sizeof spec);
    spec.roi = (skd_roi){200, 150, 240, 200}; /* [200, 440) x [150, 350) */
    set_px(img, 197, 250, hi);                 /* 3 px left: reaches */
    set_px(img, 196, 250, hi);
    set_px(img, 195, 300, hi);                 /* 5 px: reaches x = 200 */
    set_px(img, 194, 330, hi);                 /* 6 px: does not */
    set_px(img, 197, 147, hi);                 /* (3, 3) from the corner */
    set_px(img, 444, 146, hi);                 /* (5, 4) from (439, 150) */
    set_px(img, 300, 354, 0);                  /* dark, 5 px below */
    for (size_t x = 436; x < 446; x++)         /* across the right edge */
        for (size_t y = 280; y < 284; y++)
            set_px(img, x, y, hi);
    CHECK(skd_mask_grow_reach(S) == 5);
    part = skd_mask_colour_rect(img, &spec, S);
    CHECK(part.x0 == 195 && part.y0 == 145 && part.w == 250 && part.h == 210);
    diff = mask_diff(ctx, img, &spec, S, &part, &l_diff);
    CHECK(diff == 0);
    CHECK(l_diff == 0);
    short_part = (skd_window){196, 146, 248, 208};
    diff_short = mask_diff(ctx, img, &spec, S, &short_part, NULL);
    CHECK(diff_short > 0);
    {
        /* the drawn exclusions did what the radii say (whole-photo M) */
        uint8_t *m = malloc((size_t)img->width * img->height);
        skd_colour_lut *lut = skd_colour_lut_create(ctx);
        if (m && lut && skd_build_mask(ctx, img, &spec, S, lut, m) == SKD_OK) {
            size_t w = img->width;
            CHECK(m[250 * w + 200] == 0 && m[250 * w + 201] == 0);
            CHECK(m[300 * w + 200] == 0 && m[300 * w + 201] == 1);
            CHECK(m[330 * w + 200] == 1);
            CHECK(m[150 * w + 200] == 0);  /* (3, 3) from the corner */
            CHECK(m[150 * w + 439] == 1);  /* 6.4 px away */
            CHECK(m[349 * w + 300] == 0 && m[348 * w + 300] == 1);
            CHECK(m[282 * w + 431] == 0 && m[282 * w + 430] == 1);
        } else {
            CHECK(0);
        }
        skd_dealloc(ctx, lut);
        free(m);
    }
    REPORT("colour rectangle at 20 px/mm: (%zu, %zu) %zux%zu for ROI (200, 150) "
           "240x200; M pixels that differ from the whole photo's %ld, l on it "
           "differs / non-zero outside it %zu; a rectangle 1 px short: %ld differ",
           part.x0, part.y0, part.w, part.h, diff, l_diff, diff_short);

    /* the figures and planes, bit for bit, one and two threads */
    for (int threads = 1; threads <= 2; threads++) {
        skd_analysis *a = NULL, *b = NULL;
        size_t n = (size_t)img->width * img->height, planes_diff = 0;
        skd_ctx_set(ctx, SKD_OPT_THREADS, threads);
        CHECK_STATUS(skd_analyze(ctx, img, &spec, &a), SKD_OK);
        CHECK_STATUS(skd_analyze_colour_whole(ctx, img, &spec, &b), SKD_OK);
        if (a && b) {
            CHECK(memcmp(&a->metrics, &b->metrics, sizeof a->metrics) == 0);
            CHECK(a->n_pores == b->n_pores && a->n_pores > 0 &&
                  memcmp(a->pores, b->pores, a->n_pores * sizeof *a->pores) == 0);
            planes_diff += memcmp(a->region, b->region, n) != 0;
            planes_diff += memcmp(a->red_area, b->red_area, n) != 0;
            planes_diff += memcmp(a->texture, b->texture, n * sizeof *a->texture) != 0;
            planes_diff += memcmp(a->a_star, b->a_star, n * sizeof *a->a_star) != 0;
            CHECK(planes_diff == 0);
            REPORT("  analysis (%d thread%s): R %llu px, Sa %.9g vs %.9g, pores %u "
                   "vs %u, a* mean %.9g vs %.9g, planes that differ %zu of 4",
                   threads, threads > 1 ? "s" : "",
                   (unsigned long long)a->metrics.region_pixels, a->metrics.sa,
                   b->metrics.sa, a->metrics.pore_count, b->metrics.pore_count,
                   a->metrics.a_mean, b->metrics.a_mean, planes_diff);
        }
        skd_analysis_free(a);
        skd_analysis_free(b);
    }
    skd_ctx_set(ctx, SKD_OPT_THREADS, 1);

    {
        /* 140 px/mm: growth 35 px by the distance transform; spots 35 px
         * left of the ROI and 36 px right of it, a dark one 25 px above */
        const double s2 = 140.0;
        set_px(img, 165, 200, hi);
        set_px(img, 475, 220, hi);
        set_px(img, 260, 125, 0);
        CHECK(skd_mask_grow_reach(s2) == 35);
        part = skd_mask_colour_rect(img, &spec, s2);
        CHECK(part.x0 == 165 && part.y0 == 115 && part.w == 310 && part.h == 270);
        diff = mask_diff(ctx, img, &spec, s2, &part, NULL);
        short_part = (skd_window){166, 116, 308, 268};
        diff_short = mask_diff(ctx, img, &spec, s2, &short_part, NULL);
        CHECK(diff == 0);
        CHECK(diff_short > 0);
        REPORT("colour rectangle at 140 px/mm (reach 35 px): M pixels that "
               "differ %ld; a rectangle 1 px short: %ld", diff, diff_short);
    }
    {
        /* a user mask with the ROI: excludes a band across the ROI */
        skd_image *um = tu_image(ctx, img->width, img->height);
        size_t n = (size_t)img->width * img->height;
        for (size_t i = 0; i < 3 * n; i++)
            um->rgb[i] = (i / 3) % img->width < 300 ? 0 : 1;
        spec.mask = um;
        part = skd_mask_colour_rect(img, &spec, S);
        diff = mask_diff(ctx, img, &spec, S, &part, NULL);
        CHECK(diff == 0);
        REPORT("with a user mask: M pixels that differ %ld", diff);
        spec.mask = NULL;
        skd_image_free(um);
    }
    {
        /* a user mask alone, a disc of radius 120 px at (320, 260): the
         * rectangle is its box grown by the reach; M, figures and planes
         * as with the colour pass over the whole photo */
        skd_image *um = tu_image(ctx, img->width, img->height);
        skd_region_spec ms;
        skd_analysis *a = NULL, *b = NULL;
        size_t w = img->width, n = w * img->height;
        long dx_, dy_;
        for (size_t i = 0; i < n; i++) {
            dx_ = (long)(i % w) - 320;
            dy_ = (long)(i / w) - 260;
            for (int c = 0; c < 3; c++)
                um->rgb[3 * i + c] = dx_ * dx_ + dy_ * dy_ <= 120 * 120 ? 7 : 0;
        }
        set_px(img, 195, 260, hi); /* 5 px left of the disc: reaches it */
        memset(&ms, 0, sizeof ms);
        ms.mask = um;
        part = skd_mask_colour_rect(img, &ms, S);
        CHECK(part.x0 == 195 && part.y0 == 135 && part.w == 251 && part.h == 251);
        diff = mask_diff(ctx, img, &ms, S, &part, NULL);
        CHECK(diff == 0);
        CHECK_STATUS(skd_analyze(ctx, img, &ms, &a), SKD_OK);
        CHECK_STATUS(skd_analyze_colour_whole(ctx, img, &ms, &b), SKD_OK);
        if (a && b) {
            CHECK(memcmp(&a->metrics, &b->metrics, sizeof a->metrics) == 0);
            CHECK(a->n_pores == b->n_pores && a->n_pores > 0 &&
                  memcmp(a->pores, b->pores, a->n_pores * sizeof *a->pores) == 0);
            CHECK(memcmp(a->region, b->region, n) == 0);
            CHECK(memcmp(a->texture, b->texture, n * sizeof *a->texture) == 0);
            REPORT("user mask alone (disc r 120 px): rectangle (%zu, %zu) %zux%zu, "
                   "M pixels that differ %ld, Sa %.9g vs %.9g, pores %u vs %u",
                   part.x0, part.y0, part.w, part.h, diff, a->metrics.sa,
                   b->metrics.sa, a->metrics.pore_count, b->metrics.pore_count);
        }
        skd_analysis_free(a);
        skd_analysis_free(b);
        /* an empty user mask: the whole photo (whose path reports it) */
        memset(um->rgb, 0, 3 * n * sizeof *um->rgb);
        part = skd_mask_colour_rect(img, &ms, S);
        CHECK(skd_window_is_whole(&part, img->width, img->height));
        skd_image_free(um);
    }
    {
        /* no ROI: the whole photo */
        part = skd_mask_colour_rect(img, NULL, S);
        CHECK(skd_window_is_whole(&part, img->width, img->height));
    }
    skd_image_free(img);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    /* Full rate: the window's bounds hold for the definitions' filters; a
     * decimated grid starts at the window's corner, so the multi-rate
     * texture moves by its own error (test_multirate) between the two. */
    skd_ctx_set(ctx, SKD_OPT_EXACT, 1);
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, S);
    test_moves();
    test_roi(ctx);
    test_black_border(ctx);
    test_colour_rect(ctx);
    skd_ctx_free(ctx);
    return check_done("test_metrics_window");
}
