/* The transform as a map, the common region and the tile grid, with
 * transforms whose effect on pixels is known exactly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "compare/compare.h"

static skd_transform tf(double dx, double dy, double rot, double scale)
{
    skd_transform t = {dx, dy, rot, scale, 1};
    return t;
}

static void test_affine(void)
{
    skd_transform t = tf(3, -2, 0, 1);
    skd_frame_map a, inv;
    double x, y;

    /* pure shift, same size: p_b = p_a + (dx, dy) */
    skd_frame_map_from_transform(&t, 100, 80, 100, 80, &a);
    skd_frame_map_apply(&a, 10, 20, &x, &y);
    CHECK_NEAR(x, 13, 1e-12);
    CHECK_NEAR(y, 18, 1e-12);

    /* different sizes: centre maps to centre */
    t = tf(0, 0, 0, 1);
    skd_frame_map_from_transform(&t, 51, 41, 101, 81, &a);
    skd_frame_map_apply(&a, 25, 20, &x, &y);
    CHECK_NEAR(x, 50, 1e-12);
    CHECK_NEAR(y, 40, 1e-12);

    /* 90 degrees, R = [c -s; s c] on (x, y) with y down (the convention
     * of skd_register and skd_synth): a point right of the centre goes
     * below it, one below goes left; scale 2 doubles the distance */
    t = tf(1, 1, 90, 2);
    skd_frame_map_from_transform(&t, 101, 101, 101, 101, &a);
    skd_frame_map_apply(&a, 60, 50, &x, &y);
    CHECK_NEAR(x, 51, 1e-9);
    CHECK_NEAR(y, 50 + 20 + 1, 1e-9);
    skd_frame_map_apply(&a, 50, 60, &x, &y);
    CHECK_NEAR(x, 50 - 20 + 1, 1e-9);
    CHECK_NEAR(y, 51, 1e-9);

    t = tf(7.5, -3.25, 12.5, 1.07);
    skd_frame_map_from_transform(&t, 300, 200, 320, 240, &a);
    skd_frame_map_invert(&a, &inv);
    skd_frame_map_apply(&a, 17.25, 140.5, &x, &y);
    skd_frame_map_apply(&inv, x, y, &x, &y);
    CHECK_NEAR(x, 17.25, 1e-9);
    CHECK_NEAR(y, 140.5, 1e-9);
}

static uint8_t *full(size_t n)
{
    uint8_t *m = malloc(n);
    memset(m, 1, n);
    return m;
}

static void test_common_shift(void)
{
    enum { W = 100, H = 80 };
    skd_transform t = tf(10, -5, 0, 1);
    skd_frame_map a;
    uint8_t *rb = full(W * H), *ra = full(W * H);
    uint8_t *cb = malloc(W * H), *ca = malloc(W * H);
    uint64_t nb, na;
    int bad_b = 0, bad_a = 0;

    skd_frame_map_from_transform(&t, W, H, W, H, &a);
    skd_common_masks(rb, W, H, ra, W, H, &a, cb, ca, &nb, &na);
    /* after pixel p_a shows before position p_a + (10, -5) */
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            bad_b += cb[y * W + x] != (x >= 10 && y < H - 5);
            bad_a += ca[y * W + x] != (x < W - 10 && y >= 5);
        }
    CHECK(bad_b == 0 && bad_a == 0);
    CHECK(nb == 90 * 75 && na == 90 * 75);

    /* a hole in the after region removes its image from the before mask:
     * after pixels x 40..49, y 30..39 show before x 50..59, y 25..34 */
    for (int y = 30; y < 40; y++)
        memset(ra + y * W + 40, 0, 10);
    rb[0] = 0; /* and before pixel (0,0) was outside anyway */
    skd_common_masks(rb, W, H, ra, W, H, &a, cb, ca, &nb, &na);
    CHECK(nb == 90 * 75 - 100 && na == 90 * 75 - 100);
    CHECK(cb[25 * W + 50] == 0 && cb[34 * W + 59] == 0);
    CHECK(cb[24 * W + 50] == 1 && cb[34 * W + 60] == 1);
    free(rb);
    free(ra);
    free(cb);
    free(ca);
}

/* Scale 0.5: the after photo (201 x 201) sees the before skin at twice the
 * resolution, its centre on the before centre (50, 50) of a 101 x 101
 * photo: before pixel x shows after pixel 2 (x - 50) + 100 = 2x. */
static void test_common_scale(void)
{
    enum { WB = 101, WA = 201 };
    skd_transform t = tf(0, 0, 0, 0.5);
    skd_frame_map a;
    uint8_t *rb = full(WB * WB), *ra = full(WA * WA);
    uint8_t *cb = malloc(WB * WB), *ca = malloc(WA * WA);
    uint64_t nb, na;

    /* after region: only x < 100 (before x < 50) */
    for (int y = 0; y < WA; y++)
        memset(ra + y * WA + 100, 0, WA - 100);
    skd_frame_map_from_transform(&t, WA, WA, WB, WB, &a);
    skd_common_masks(rb, WB, WB, ra, WA, WA, &a, cb, ca, &nb, &na);
    CHECK(nb == 50 * WB);
    CHECK(cb[10 * WB + 49] == 1 && cb[10 * WB + 50] == 0);
    CHECK(na == 100 * WA);
    free(rb);
    free(ra);
    free(cb);
    free(ca);
}

static void test_tile_index(void)
{
    CHECK(skd_tile_index(0, 100, 3) == 0);
    CHECK(skd_tile_index(99, 100, 3) == 0);
    CHECK(skd_tile_index(99.49, 100, 3) == 0);
    CHECK(skd_tile_index(99.5, 100, 3) == 1);
    CHECK(skd_tile_index(-0.5, 100, 3) == 0);
    CHECK(skd_tile_index(-0.51, 100, 3) == -1);
    CHECK(skd_tile_index(299.49, 100, 3) == 2);
    CHECK(skd_tile_index(299.5, 100, 3) == -1);
    CHECK(skd_tile_index(NAN, 100, 3) == -1);
}

/* 110 x 100 photos, 20 px tiles: 6 x 5 tiles, the last column is 10 px
 * wide so it never counts (nominal area rule). A shift of 10 px to the
 * right leaves tile column 0 half covered in the before photo. */
static void test_grid_shift(skd_ctx *ctx)
{
    enum { W = 110, H = 100 };
    skd_transform t = tf(10, 0, 0, 1);
    skd_frame_map a;
    uint8_t *rb = full(W * H), *ra = full(W * H);
    uint8_t *cb = malloc(W * H), *ca = malloc(W * H);
    skd_tile_grid g;
    int expect_ok = 1;

    skd_frame_map_from_transform(&t, W, H, W, H, &a);
    skd_common_masks(rb, W, H, ra, W, H, &a, cb, ca, NULL, NULL);
    CHECK_STATUS(skd_tile_grid_build(ctx, 20, cb, W, H, ca, W, H, &a, 1, &g),
                 SKD_OK);
    CHECK(g.tiles_x == 6 && g.tiles_y == 5 && g.n_tiles == 30);
    for (uint32_t ty = 0; ty < 5; ty++)
        for (uint32_t tx = 0; tx < 6; tx++) {
            uint32_t k = ty * 6 + tx;
            int want = tx >= 1 && tx <= 4;
            expect_ok &= g.used[k] == want;
            if (tx == 0)
                expect_ok &= g.count_b[k] == 200 && g.count_a[k] == 200;
            if (tx >= 1 && tx <= 4)
                expect_ok &= g.count_b[k] == 400 && g.count_a[k] == 400;
            if (tx == 5)
                expect_ok &= g.count_b[k] == 200;
        }
    CHECK(expect_ok);
    CHECK(g.n_used == 20);
    /* after pixel (35, 47) shows before (45, 47): tile (2, 2) */
    CHECK(g.after_tile[47 * W + 35] == 2 * 6 + 2);
    CHECK(g.after_tile[0 * W + 100] == -1); /* outside the common region */
    /* boxes: tile (1, 0) is before x 20..39, after x 10..29 */
    CHECK(g.bbox_b[1].x0 == 20 && g.bbox_b[1].x1 == 39);
    CHECK(g.bbox_b[1].y0 == 0 && g.bbox_b[1].y1 == 19);
    CHECK(g.bbox_a[1].x0 == 10 && g.bbox_a[1].x1 == 29);
    skd_tile_grid_free(ctx, &g);
    free(rb);
    free(ra);
    free(cb);
    free(ca);
}

/* After photo at twice the resolution (scale 0.5): four after pixels per
 * before pixel, each worth a quarter, so full tiles count in both. With
 * only 70% of them present in the after photo a tile must not count. */
static void test_grid_scale(skd_ctx *ctx)
{
    enum { WB = 100, WA = 200 };
    skd_transform t = tf(0, 0, 0, 0.5);
    skd_frame_map a;
    uint8_t *cb = full(WB * WB), *ca = full(WA * WA);
    skd_tile_grid g;

    skd_frame_map_from_transform(&t, WA, WA, WB, WB, &a);
    CHECK_STATUS(skd_tile_grid_build(ctx, 25, cb, WB, WB, ca, WA, WA, &a, 0.5,
                                     &g), SKD_OK);
    CHECK(g.n_tiles == 16 && g.n_used == 16);
    CHECK(g.count_a[5] == 2500);
    skd_tile_grid_free(ctx, &g);

    /* remove 30% of the after pixels of tile (0, 0): after x < 50, y < 50
     * shows it; blank rows 35..49 of it */
    for (int y = 35; y < 50; y++)
        memset(ca + y * WA, 0, 50);
    CHECK_STATUS(skd_tile_grid_build(ctx, 25, cb, WB, WB, ca, WA, WA, &a, 0.5,
                                     &g), SKD_OK);
    REPORT("tile (0,0): %llu after pixels = %.0f before px of %d",
           (unsigned long long)g.count_a[0], g.count_a[0] * 0.25, 625);
    CHECK(g.count_a[0] == 1750);
    CHECK(g.used[0] == 0 && g.n_used == 15);
    skd_tile_grid_free(ctx, &g);
    free(cb);
    free(ca);
}

/* 90 degree rotation of square odd-sized photos: a pure permutation of
 * pixels, so the common region is everything and each after pixel lands
 * in the tile of its rotated position. */
static void test_grid_rotation(skd_ctx *ctx)
{
    enum { W = 101 };
    skd_transform t = tf(0, 0, 90, 1);
    skd_frame_map a;
    uint8_t *rb = full(W * W), *ra = full(W * W);
    uint8_t *cb = malloc(W * W), *ca = malloc(W * W);
    uint64_t nb, na;
    skd_tile_grid g;

    skd_frame_map_from_transform(&t, W, W, W, W, &a);
    skd_common_masks(rb, W, W, ra, W, W, &a, cb, ca, &nb, &na);
    CHECK(nb == W * W && na == W * W);
    CHECK_STATUS(skd_tile_grid_build(ctx, 50, cb, W, W, ca, W, W, &a, 1, &g),
                 SKD_OK);
    CHECK(g.tiles_x == 3 && g.n_used == 4);
    /* after (10, 90) (bottom left) -> before (10, 10): tile 0 */
    CHECK(g.after_tile[90 * W + 10] == 0);
    /* after (10, 10) (top left) -> before (90, 10): tile (1, 0) */
    CHECK(g.after_tile[10 * W + 10] == 1);
    CHECK(g.count_a[0] == 2500 && g.count_a[4] == 2500);
    skd_tile_grid_free(ctx, &g);
    free(rb);
    free(ra);
    free(cb);
    free(ca);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    test_affine();
    test_common_shift();
    test_common_scale();
    test_tile_index();
    test_grid_shift(ctx);
    test_grid_scale(ctx);
    test_grid_rotation(ctx);
    skd_ctx_free(ctx);
    return check_done("test_compare_geometry");
}
