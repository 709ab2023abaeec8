/* Steps 3-8 of skd_compare (common region, figures, tiles, bootstrap,
 * verdict) on hand-built analyses whose after photo is the before skin seen
 * through a known transform, with a known treatment applied. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "compare/compare.h"

#define PX 20.0 /* px per mm */

/* An analysis and the photo it stands for, whose R and G samples give the
 * erythema values (first member: a session * is an analysis *). */
typedef struct session {
    skd_analysis a;
    skd_image photo;
} session;

static const skd_image *photo_of(const skd_analysis *a)
{
    return &((const session *)a)->photo;
}

static skd_analysis *new_analysis(uint32_t w, uint32_t h)
{
    session *s = calloc(1, sizeof *s);
    skd_analysis *a = &s->a;
    size_t n = (size_t)w * h;
    s->photo.width = w;
    s->photo.height = h;
    s->photo.rgb = calloc(3 * n, sizeof *s->photo.rgb);
    a->width = w;
    a->height = h;
    a->px_per_mm = PX;
    a->region = malloc(n);
    memset(a->region, 1, n);
    a->red_area = calloc(n, 1);
    a->texture = calloc(n, sizeof(float));
    a->a_star = calloc(n, sizeof(float));
    a->pores = calloc(200, sizeof(skd_pore));
    return a;
}

static void drop_analysis(skd_analysis *a)
{
    if (!a)
        return;
    free(a->region);
    free(a->red_area);
    free(a->texture);
    free(a->a_star);
    free(((session *)a)->photo.rgb);
    free(a->pores);
    free(a);
}

/* The skin, as a function of before-photo position. */
static double skin_texture(double x, double y)
{
    return 3 * sin(x * 0.9) * cos(y * 0.7) + 2 * sin(0.13 * x + 0.29 * y);
}

/* a red spot; the radius^2 is not an integer, so pixel centres (integer
 * r2) never sit on its edge */
static int in_spot(double x, double y)
{
    return (x - 60) * (x - 60) + (y - 140) * (y - 140) < 410.5;
}

static double skin_a(double x, double y)
{
    return 12 + 0.01 * x + 0.02 * y + (in_spot(x, y) ? 9 : 0);
}

static double skin_ei(double x, double y) { return 20 + 0.05 * (x - y); }

/* The photo's samples for the erythema value ei: G at G0 lowered by the
 * treatment, R from G0 and the skin's value (16-bit, so the values are
 * near those asked for, not exact). */
#define G0 30000

static uint16_t sample_of_linear(double v)
{
    return (uint16_t)lround(65535 * skd_srgb_encode(v));
}

static uint16_t green_of(double dei)
{
    return sample_of_linear(skd_srgb_decode(G0 / 65535.0) * pow(10, -dei / 100));
}

static uint16_t red_of(double ei)
{
    return sample_of_linear(skd_srgb_decode(G0 / 65535.0) * pow(10, ei / 100));
}

/* The erythema shift the samples of green_of(dei) give, in double. */
static double realised_shift(double dei)
{
    return 100 * log10(skd_srgb_decode(G0 / 65535.0) /
                       skd_srgb_decode(green_of(dei) / 65535.0));
}

/* Fill an analysis that sees the skin through map (photo -> before), with
 * a treatment: texture scaled, a* and EI shifted. */
static void paint(skd_analysis *a, const skd_frame_map *map, double tex_scale,
                  double da, double dei, int red_spot)
{
    uint16_t *rgb = ((session *)a)->photo.rgb, g = green_of(dei);
    for (uint32_t y = 0; y < a->height; y++)
        for (uint32_t x = 0; x < a->width; x++) {
            size_t i = (size_t)y * a->width + x;
            double bx, by;
            skd_frame_map_apply(map, x, y, &bx, &by);
            a->texture[i] = (float)(tex_scale * skin_texture(bx, by));
            a->a_star[i] = (float)(skin_a(bx, by) + da -
                                   (red_spot ? 0 : skin_a(bx, by) - 12 -
                                                       0.01 * bx - 0.02 * by));
            /* the analysis' red plane (red against the local background:
             * a property of the skin, which the spot carries along) */
            a->red_area[i] = (uint8_t)(red_spot && in_spot(bx, by));
            rgb[3 * i] = red_of(skin_ei(bx, by));
            rgb[3 * i + 1] = g;
            rgb[3 * i + 2] = 20000;
        }
}

/* Pores on a 20 px lattice of the before skin; the after photo keeps those
 * with (i + j) even. */
static void place_pores(skd_analysis *b, skd_analysis *a,
                        const skd_frame_map *before_to_after)
{
    for (int j = 0; j < 10; j++)
        for (int i = 0; i < 10; i++) {
            skd_pore p = {10.0f + 20 * i, 10.0f + 20 * j, 3, 20};
            double ax, ay;
            b->pores[b->n_pores++] = p;
            if ((i + j) % 2)
                continue;
            skd_frame_map_apply(before_to_after, p.x, p.y, &ax, &ay);
            p.x = (float)ax;
            p.y = (float)ay;
            a->pores[a->n_pores++] = p;
        }
}

static skd_comparison *run(skd_ctx *ctx, skd_analysis *b, skd_analysis *a,
                           skd_transform t, int *status)
{
    skd_comparison *c = skd_comparison_new(ctx);
    if (!c) {
        *status = SKD_E_NOMEM;
        return NULL;
    }
    c->transform = t;
    c->before = b;
    c->after = a;
    *status = skd_compare_measured(ctx, c, photo_of(b), photo_of(a));
    return c;
}

static void release(skd_comparison *c)
{
    /* the analyses are the test's, not the library's */
    if (!c)
        return;
    c->before = c->after = NULL;
    skd_comparison_free(c);
}

static void print_change(const skd_comparison *c, skd_metric_id m)
{
    const skd_change *ch = &c->change[m];
    REPORT("%-20s %9.4f -> %9.4f  change %+8.4f (%+7.2f%%) [%+.4f, %+.4f] "
           "floor %.4f %s", skd_metric_label(m), ch->before, ch->after,
           ch->change, ch->change_pct, ch->ci_low, ch->ci_high,
           ch->noise_floor, skd_verdict_name(ch->verdict));
}

/* 90 degree rotation of a 201 x 201 photo: every after pixel is exactly a
 * before pixel, so the figures of matching tiles differ only by the
 * treatment: Sa x 0.8, a* - 1 (red spot kept), EI + 2 (as near as 16-bit
 * samples make it), half the pores. */
static void test_rotated_treatment(skd_ctx *ctx)
{
    enum { W = 201 };
    skd_transform t = {0, 0, 90, 1, 1};
    skd_frame_map a2b, b2a;
    skd_analysis *b = new_analysis(W, W), *a = new_analysis(W, W);
    skd_comparison *c;
    int st, all_a = 1, nan_unused = 1;
    const size_t nt = 9;

    skd_frame_map_from_transform(&t, W, W, W, W, &a2b);
    skd_frame_map_invert(&a2b, &b2a);
    skd_frame_map id = {{1, 0, 0, 1}, 0, 0};
    paint(b, &id, 1, 0, 0, 1);
    paint(a, &a2b, 0.8, -1, 2, 1);
    place_pores(b, a, &b2a);

    c = run(ctx, b, a, t, &st);
    CHECK_STATUS(st, SKD_OK);
    if (st != SKD_OK) {
        release(c);
        drop_analysis(b);
        drop_analysis(a);
        return;
    }
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        print_change(c, (skd_metric_id)m);
    CHECK(c->tiles_x == 3 && c->tiles_y == 3 && c->tiles_used == 4);
    CHECK_NEAR(c->tile_px, 100, 1e-9);
    CHECK_NEAR(c->common_area_cm2, W * W / (PX * PX) / 100, 1e-9);
    CHECK_NEAR(c->px_per_mm, PX, 0);

    /* a*: every used tile changed by exactly -1 */
    for (size_t k = 0; k < nt; k++) {
        float v = c->tile_change[SKD_METRIC_A_MEAN * nt + k];
        int used = k == 0 || k == 1 || k == 3 || k == 4;
        if (used)
            all_a &= fabsf(v + 1) < 1e-4f;
        else
            nan_unused &= isnan(v);
    }
    CHECK(all_a && nan_unused);
    CHECK_NEAR(c->change[SKD_METRIC_A_MEAN].change, -1, 1e-4);
    CHECK_NEAR(c->change[SKD_METRIC_A_MEAN].ci_low, -1, 1e-4);
    CHECK_NEAR(c->change[SKD_METRIC_A_MEAN].ci_high, -1, 1e-4);
    CHECK(c->change[SKD_METRIC_A_MEAN].verdict == SKD_IMPROVED);
    CHECK_NEAR(c->change[SKD_METRIC_A_MEDIAN].change, -1, 1e-4);

    /* Sa: exactly -20% on the same pixels; interval covers it */
    CHECK_NEAR(c->change[SKD_METRIC_SA].change_pct, -20, 1e-3);
    CHECK_NEAR(c->change[SKD_METRIC_SQ].change_pct, -20, 1e-3);
    CHECK(c->change[SKD_METRIC_SA].ci_low <= c->change[SKD_METRIC_SA].change);
    CHECK(c->change[SKD_METRIC_SA].ci_high < 0);
    CHECK(c->change[SKD_METRIC_SA].verdict == SKD_IMPROVED);
    CHECK_NEAR(c->change[SKD_METRIC_SA].noise_floor,
               0.03 * c->change[SKD_METRIC_SA].before, 1e-12);

    /* erythema: the same shift everywhere -> worsened, interval [shift,
     * shift] */
    REPORT("erythema shift of the samples %.6f (asked 2)", realised_shift(2));
    CHECK_NEAR(realised_shift(2), 2, 0.01);
    CHECK_NEAR(c->change[SKD_METRIC_ERYTHEMA].change, realised_shift(2), 1e-4);
    CHECK_NEAR(c->change[SKD_METRIC_ERYTHEMA].ci_low, realised_shift(2), 1e-4);
    CHECK_NEAR(c->change[SKD_METRIC_ERYTHEMA].ci_high, realised_shift(2), 1e-4);
    CHECK(c->change[SKD_METRIC_ERYTHEMA].verdict == SKD_WORSENED);

    /* pores: 100 -> 50 over the same 4.04 cm2 */
    CHECK_NEAR(c->change[SKD_METRIC_PORE_DENSITY].before,
               100 / c->common_area_cm2, 1e-6);
    CHECK_NEAR(c->change[SKD_METRIC_PORE_DENSITY].change_pct, -50, 1e-6);
    CHECK(c->change[SKD_METRIC_PORE_DENSITY].verdict == SKD_IMPROVED);
    CHECK_NEAR(c->change[SKD_METRIC_PORE_DIAMETER].change, 0, 1e-9);
    CHECK_NEAR(c->change[SKD_METRIC_PORE_DIAMETER].before, 6 / PX, 1e-6);
    /* pore area in percent of the region */
    CHECK_NEAR(c->change[SKD_METRIC_PORE_AREA].before,
               100 * 100 * M_PI * 9 / (W * W), 1e-6);

    /* red area: the spot moves with the skin and a* shifts uniformly, so
     * against its local background nothing changed */
    CHECK(c->change[SKD_METRIC_RED_AREA].before > 1);
    CHECK_NEAR(c->change[SKD_METRIC_RED_AREA].change, 0, 1e-9);
    CHECK(c->change[SKD_METRIC_RED_AREA].verdict == SKD_NO_SIGNIFICANT_CHANGE);

    /* deterministic: a second run gives identical numbers */
    {
        skd_comparison *c2 = run(ctx, b, a, t, &st);
        int same = st == SKD_OK;
        for (int m = 0; m < SKD_METRIC_COUNT && same; m++)
            same = !memcmp(&c->change[m], &c2->change[m], sizeof c->change[m]);
        CHECK(same);
        release(c2);
    }
    release(c);
    drop_analysis(b);
    drop_analysis(a);
}

/* Shift of 37 px and a 7 x 7 mm hole in the after region: the common region
 * loses the shifted strip and the hole's image in the before frame. */
static void test_shift_and_hole(skd_ctx *ctx)
{
    enum { W = 400, H = 300 };
    skd_transform t = {37, 0, 0, 1, 1};
    skd_frame_map a2b, id = {{1, 0, 0, 1}, 0, 0};
    skd_analysis *b = new_analysis(W, H), *a = new_analysis(W, H);
    skd_comparison *c;
    int st;

    skd_frame_map_from_transform(&t, W, H, W, H, &a2b);
    paint(b, &id, 1, 0, 0, 0);
    paint(a, &a2b, 1, -0.75, 0, 0);
    for (int y = 100; y < 240; y++)
        memset(a->region + y * W + 200, 0, 140);
    c = run(ctx, b, a, t, &st);
    CHECK_STATUS(st, SKD_OK);
    if (st == SKD_OK) {
        double px = (W - 37.0) * H - 140 * 140;
        REPORT("common area %.4f cm2, %u of %u tiles used",
               c->common_area_cm2, c->tiles_used, c->tiles_x * c->tiles_y);
        CHECK_NEAR(c->common_area_cm2, px / (PX * PX) / 100, 1e-9);
        CHECK(c->common_before[150 * W + 250] == 0); /* after (213, 150) */
        CHECK(c->common_before[150 * W + 236] == 1);
        CHECK(c->common_after[150 * W + 380] == 0);  /* maps off the photo */
        /* 4 x 3 tiles of 100 px; column 0 is 63% covered; the hole's
         * image (before x 237..376, y 100..239) leaves tiles (2,1) and
         * (3,1) 37% and 23% covered, (2,2) and (3,2) 75% and 69%: 5 used */
        CHECK(c->tiles_x == 4 && c->tiles_y == 3 && c->tiles_used == 5);
        CHECK_NEAR(c->change[SKD_METRIC_A_MEAN].change, -0.75, 1e-4);
        CHECK_NEAR(c->change[SKD_METRIC_SA].change, 0, 1e-4);
        CHECK(c->change[SKD_METRIC_SA].verdict == SKD_NO_SIGNIFICANT_CHANGE);
        CHECK(c->change[SKD_METRIC_A_MEAN].verdict == SKD_IMPROVED);
    }
    release(c);
    drop_analysis(b);
    drop_analysis(a);
}

/* One usable tile: no interval, so no verdict however large the change. */
static void test_one_tile(skd_ctx *ctx)
{
    enum { W = 150 };
    skd_transform t = {0, 0, 0, 1, 1};
    skd_frame_map id = {{1, 0, 0, 1}, 0, 0};
    skd_analysis *b = new_analysis(W, W), *a = new_analysis(W, W);
    skd_comparison *c;
    int st;

    paint(b, &id, 1, 0, 0, 0);
    paint(a, &id, 0.5, -5, -5, 0);
    c = run(ctx, b, a, t, &st);
    CHECK_STATUS(st, SKD_OK);
    if (st == SKD_OK) {
        CHECK(c->tiles_used == 1);
        for (int m = 0; m < SKD_METRIC_COUNT; m++) {
            CHECK(isnan(c->change[m].ci_low) && isnan(c->change[m].ci_high));
            CHECK(c->change[m].verdict == SKD_NO_SIGNIFICANT_CHANGE);
        }
        CHECK_NEAR(c->change[SKD_METRIC_A_MEAN].change, -5, 1e-4);
    }
    release(c);
    drop_analysis(b);
    drop_analysis(a);
}

static void test_no_overlap(skd_ctx *ctx)
{
    skd_transform t = {300, 0, 0, 1, 1};
    skd_analysis *b = new_analysis(200, 100), *a = new_analysis(200, 100);
    skd_comparison *c;
    int st;

    c = run(ctx, b, a, t, &st);
    CHECK_STATUS(st, SKD_E_NO_REGION);
    REPORT("no overlap: %s", skd_ctx_message(ctx));
    CHECK(strstr(skd_ctx_message(ctx), "common region is empty") != NULL);
    release(c);
    drop_analysis(b);
    drop_analysis(a);
}

/* Every allocation of steps 3-8 may fail: the status is SKD_E_NOMEM, and
 * nothing is leaked once the result is freed. */
static void test_alloc_failures(void)
{
    enum { W = 201 };
    skd_transform t = {3, -2, 90, 1, 1};
    skd_frame_map a2b, id = {{1, 0, 0, 1}, 0, 0};
    skd_analysis *b = new_analysis(W, W), *a = new_analysis(W, W);
    int clean = 1, statuses = 1;
    long n;

    skd_frame_map_from_transform(&t, W, W, W, W, &a2b);
    paint(b, &id, 1, 0, 0, 1);
    paint(a, &a2b, 0.9, -1, 0, 1);
    for (n = 0; n < 1000; n++) {
        check_alloc f = {n + 1, 0, 0, 0};
        skd_allocator al = check_allocator(&f);
        skd_ctx *ctx = skd_ctx_create_with_allocator(&al);
        skd_comparison *c;
        int st;
        if (!ctx)
            continue;
        c = run(ctx, b, a, t, &st);
        if (c)
            release(c);
        skd_ctx_free(ctx);
        clean &= f.live == 0;
        if (st == SKD_OK)
            break;
        statuses &= st == SKD_E_NOMEM;
    }
    REPORT("allocation failures: %ld allocations, each failed once", n);
    CHECK(n > 5 && n < 1000);
    CHECK(clean && statuses);
    drop_analysis(b);
    drop_analysis(a);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    /* Hand-made analyses test the statistics: calibrated floors, every
     * tile's pores count, and the acquisition check only reported (its
     * samples are made for the erythema values, not as photos). */
    skd_ctx_set(ctx, SKD_OPT_FLOOR_A_UNCAL, 0.5);
    skd_ctx_set(ctx, SKD_OPT_FLOOR_EI_UNCAL, 1.0);
    skd_ctx_set(ctx, SKD_OPT_MIN_PORES, 0);
    skd_ctx_set(ctx, SKD_OPT_ACQ_CHECK, 0);
    test_rotated_treatment(ctx);
    test_shift_and_hole(ctx);
    test_one_tile(ctx);
    test_no_overlap(ctx);
    skd_ctx_free(ctx);
    test_alloc_failures();
    return check_done("test_compare_tiles");
}
