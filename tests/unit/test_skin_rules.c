/* The rules of the skin map (docs/skin-map.md, "How it is decided"), each
 * on a picture painted here in CIELAB whose answer follows from the
 * written rule, with blocks just inside and just outside each limit:
 *  - the colour test: squared Mahalanobis distance below 9 after a* above
 *    the mean is forgiven by up to 12 (a flat skin: the model's spread is
 *    held at its floor of 2.5, so a block passes when its b* is within
 *    7.5 of the skin's, and a redder block when its a* excess is under
 *    12 + 7.5 = 19.5); lightness above 0.45 of the skin's median L*;
 *  - lips: redder, darker, and b* more than 1.5 standard deviations below
 *    the skin's (a skin with a spread of about 3.5);
 *  - the seed: the model climbs to the skin colour nearest the prior, a
 *    pale skin of chroma 12 beside a larger saturated orange wall;
 *  - components: kept when at least half of their cells are core cells
 *    and at least 5% of the largest; a bridge 3 cells wide does not join
 *    two regions;
 *  - holes: enclosed holes under 0.5% of S are filled, larger ones and
 *    holes open to the border stay out.
 * The pictures are 480 x 360, so each cell is one pixel. A block's share
 * in S is measured on its inside (2 px in from its edges: cell outlines
 * and the opening move edges by a pixel or two). */
#include <string.h>

#include "check.h"
#include "lab_paint.h"
#include "skin_blocks.h"

#define W 480
#define H 360

typedef test_lab lab;

static const lab skin = {62, 14, 16};
static const lab blue = {50, 0, -30}; /* not skin: hue -90 degrees */

/* A deterministic standard normal deviate (xorshift + Box-Muller). */
static double gauss(uint64_t *s)
{
    double u, v;
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    u = ((*s >> 11) + 0.5) / 9007199254740992.0;
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    v = ((*s >> 11) + 0.5) / 9007199254740992.0;
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* Paint [x0, x1) x [y0, y1) with colour c, plus Gaussian noise of sd
 * `spread` on a* and b* (sd spread / 4 on L*) when spread > 0. */
static void paint(skd_image *img, uint32_t x0, uint32_t y0, uint32_t x1,
                  uint32_t y1, lab c, double spread, uint64_t *rng)
{
    uint16_t v[3];
    test_lab_to_rgb16(c, v);
    for (uint32_t y = y0; y < y1; y++)
        for (uint32_t x = x0; x < x1; x++) {
            if (spread > 0) {
                lab d = {c.L + spread / 4 * gauss(rng), c.a + spread * gauss(rng),
                         c.b + spread * gauss(rng)};
                test_lab_to_rgb16(d, v);
            }
            memcpy(img->rgb + 3 * ((size_t)y * W + x), v, sizeof v);
        }
}

typedef struct block {
    const char *name;
    uint32_t x0, y0, x1, y1;
    lab c;
    int in_s; /* what the rule says */
} block;

static skd_image *canvas(skd_ctx *ctx, lab ground, double spread, uint64_t *rng)
{
    skd_image *img = NULL;
    CHECK_STATUS(skd_image_create(ctx, W, H, &img), SKD_OK);
    if (img)
        paint(img, 0, 0, W, H, ground, spread, rng);
    return img;
}

/* S of img, then each block checked: >= 95% kept, or <= 5%. */
static void check_blocks(skd_ctx *ctx, const char *what, const skd_image *img,
                         const block *bl, size_t n)
{
    skd_analysis *a = NULL;
    CHECK_STATUS(skd_analyze_region(ctx, img, NULL, &a), SKD_OK);
    if (!a)
        return;
    REPORT("%s: S %.1f%% of the frame", what, 100 * a->exclusion.skin);
    for (size_t k = 0; k < n; k++) {
        double s = test_skin_kept(a, bl[k].x0, bl[k].y0, bl[k].x1, bl[k].y1);
        REPORT("  %-44s L* %5.1f a* %5.1f b* %5.1f: %5.1f%% in S (rule: %s)",
               bl[k].name, bl[k].c.L, bl[k].c.a, bl[k].c.b, 100 * s,
               bl[k].in_s ? "skin" : "not skin");
        test_skin_check_block(s, bl[k].in_s);
    }
    skd_analysis_free(a);
}

/* One picture: the ground (with its spread), the blocks, then `extra`
 * (may be NULL) paints what blocks cannot say; then S is checked. */
static void run_case(skd_ctx *ctx, const char *what, lab ground, double spread,
                     uint64_t seed, const block *bl, size_t n,
                     void (*extra)(skd_image *img, uint64_t *rng))
{
    uint64_t rng = seed;
    skd_image *img = canvas(ctx, ground, spread, &rng);
    if (!img)
        return;
    for (size_t k = 0; k < n; k++)
        paint(img, bl[k].x0, bl[k].y0, bl[k].x1, bl[k].y1, bl[k].c, 0, &rng);
    if (extra)
        extra(img, &rng);
    check_blocks(ctx, what, img, bl, n);
    skd_image_free(img);
}

#define NBLOCKS(bl) (sizeof bl / sizeof bl[0])

/* Flat skin: spread 2.5, the model's floor. Blocks of 40 x 40 (0.9% of
 * the frame: a block left out stays out as a hole). */
static void test_colour(skd_ctx *ctx)
{
    static const block bl[] = {
        {"b* +6.5 (d2 6.8 < 9)", 40, 40, 80, 80, {62, 14, 22.5}, 1},
        {"b* +8.5 (d2 11.6 > 9)", 120, 40, 160, 80, {62, 14, 24.5}, 0},
        {"b* -6.5, same L* (d2 6.8; lighter than lips)", 200, 40, 240, 80, {62, 14, 9.5}, 1},
        {"a* +18 (12 forgiven, d2 5.8 < 9)", 40, 160, 80, 200, {62, 32, 16}, 1},
        {"a* +21 (12 forgiven, d2 13 > 9)", 120, 160, 160, 200, {62, 35, 16}, 0},
        {"a* -8.5 (nothing forgiven, d2 11.6 > 9)", 200, 160, 240, 200, {62, 5.5, 16}, 0},
        {"shadow L* 29 (0.47 of the skin's 62)", 300, 40, 340, 80, {29, 14, 16}, 1},
        {"shadow L* 27 (0.44 of the skin's 62)", 380, 40, 420, 80, {27, 14, 16}, 0},
    };
    run_case(ctx, "colour test, flat skin", skin, 0, 1, bl, NBLOCKS(bl), NULL);
}

/* Skin with a spread of 4 in a* and b* (the model, weighted by the prior,
 * reads about 3.5): lips are redder, darker, and their b* is below the
 * skin's by more than 1.5 sd (5.3 at sd 3.5, 6 at sd 4). */
static void test_lips(skd_ctx *ctx)
{
    static const block bl[] = {
        {"lips: a* +8, L* -7, b* -8 (2.3 sd)", 60, 60, 110, 110, {55, 22, 8}, 0},
        {"a* +8, L* -7, b* -3.5 (1.0 sd): skin", 200, 60, 250, 110, {55, 22, 12.5}, 1},
        {"red spot: a* +10, L* -4, same b*: skin", 340, 60, 390, 110, {58, 24, 16}, 1},
        {"b* -8 but lighter (L* +4): skin", 60, 220, 110, 270, {66, 22, 8}, 1},
    };
    run_case(ctx, "lips, skin of spread 4", skin, 4, 7, bl, NBLOCKS(bl), NULL);
}

/* A pale skin (chroma 12, inside the prior's 9-50) beside a larger
 * saturated orange wall (chroma 45): the model climbs to the skin. */
static void test_seed(skd_ctx *ctx)
{
    static const block bl[] = {
        {"pale skin L* 78 a* 7 b* 10 (chroma 12.2)", 0, 0, 200, H, {78, 7, 10}, 1},
        {"orange wall L* 60 a* 20 b* 40 (chroma 44.7)", 200, 0, W, H, {60, 20, 40}, 0},
    };
    run_case(ctx, "seed: pale skin and an orange wall", skin, 0, 3, bl, NBLOCKS(bl), NULL);
}

/* On a blue background: a face of 200 x 200 skin cells, and apart from
 * it smaller skin squares and squares of mixed colour. After the opening
 * and two more erosions (1 cell off each side per step) a square of side
 * d counts (d - 4)^2 cells against the face's 196^2 = 38416: side 40 is
 * 3.4% (dropped), side 52 is 6.0% (kept). The edge colour (b* + 5.5:
 * d2 4.8, skin but not core, core needs d2 <= -2 ln 0.3 = 2.41) in
 * columns: one core column in three is 33% core (dropped), two in three
 * is 67% (kept). A 60 x 60 square of edge colour joined to the face by a
 * skin bridge 3 cells wide and 30 long is judged on its own: dropped. */
static void stripes_and_bridge(skd_image *img, uint64_t *rng)
{
    for (uint32_t x = 260; x < 330; x += 3) /* one core column in three */
        paint(img, x, 120, x + 1, 190, skin, 0, rng);
    for (uint32_t x = 370; x < 440; x += 3) /* two in three */
        paint(img, x, 120, x + 2, 190, skin, 0, rng);
    paint(img, 49, 220, 52, 270, skin, 0, rng); /* the bridge, 3 wide */
}

static void test_components(skd_ctx *ctx)
{
    static const block bl[] = {
        {"face 200 x 200", 20, 20, 220, 220, {62, 14, 16}, 1},
        {"square 40 x 40 apart (3.4% of the face)", 260, 20, 300, 60, {62, 14, 16}, 0},
        {"square 52 x 52 apart (6.0% of the face)", 340, 20, 392, 72, {62, 14, 16}, 1},
        {"70 x 70, one core column in three", 260, 120, 330, 190, {62, 14, 21.5}, 0},
        {"70 x 70, two core columns in three", 370, 120, 440, 190, {62, 14, 21.5}, 1},
        {"60 x 60 edge colour bridged to the face", 20, 270, 80, 330, {62, 14, 21.5}, 0},
    };
    run_case(ctx, "components on a blue background", blue, 0, 5, bl, NBLOCKS(bl),
             stripes_and_bridge);
}

/* Holes in a skin of spread 3, S about 172000 cells: 0.5% is about 860.
 * A blue square of 20 x 20 (400 cells, 0.23%) is filled; 44 x 44 (1936,
 * 1.1%) stays out; 20 x 20 on the border is not enclosed and stays out. */
static void test_holes(skd_ctx *ctx)
{
    static const block bl[] = {
        {"enclosed 20 x 20 (0.23% of S): filled", 100, 100, 120, 120, {50, 0, -30}, 1},
        {"enclosed 44 x 44 (1.1% of S): a hole", 250, 100, 294, 144, {50, 0, -30}, 0},
        {"20 x 20 on the border: open, not filled", 0, 250, 20, 270, {50, 0, -30}, 0},
    };
    run_case(ctx, "holes in skin of spread 3", skin, 3, 11, bl, NBLOCKS(bl), NULL);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    /* 1 px/mm: the 0.25 mm growth and R's 1 mm support take no pixel,
     * and S is read from the causes */
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 1);
    test_colour(ctx);
    test_lips(ctx);
    test_seed(ctx);
    test_components(ctx);
    test_holes(ctx);
    skd_ctx_free(ctx);
    return check_done("test_skin_rules");
}
