/* The report's building blocks: text buffer, base64, HTML escaping, number
 * formats, colours, picture reduction, PNG/JPEG in memory, change maps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "report/report.h"
#include "report/report_parts.h"

static const char *b64(skd_ctx *ctx, const char *s, skd_buf *b)
{
    skd_buf_free(b);
    skd_buf_init(b, ctx);
    skd_buf_base64(b, (const unsigned char *)s, strlen(s));
    return b->data ? b->data : "";
}

static void test_text(skd_ctx *ctx)
{
    skd_buf b;
    skd_buf_init(&b, ctx);
    /* RFC 4648 test vectors */
    CHECK(!strcmp(b64(ctx, "f", &b), "Zg=="));
    CHECK(!strcmp(b64(ctx, "fo", &b), "Zm8="));
    CHECK(!strcmp(b64(ctx, "foo", &b), "Zm9v"));
    CHECK(!strcmp(b64(ctx, "foobar", &b), "Zm9vYmFy"));
    skd_buf_free(&b);

    skd_buf_init(&b, ctx);
    skd_buf_html(&b, "a<b>&\"c'");
    CHECK(!strcmp(b.data, "a&lt;b&gt;&amp;&quot;c&#39;"));
    for (int i = 0; i < 3000; i++)
        skd_buf_printf(&b, "%04d", i);
    CHECK(b.len == strlen("a&lt;b&gt;&amp;&quot;c&#39;") + 12000);
    CHECK(!memcmp(b.data + b.len - 4, "2999", 4) && b.data[b.len] == 0);
    CHECK(!b.failed);
    skd_buf_free(&b);
}

static void test_numbers(void)
{
    char s[64];
    skd_metric_format(s, sizeof s, SKD_METRIC_SA, 2.345678, 0);
    CHECK(!strcmp(s, "2.35"));
    skd_metric_format(s, sizeof s, SKD_METRIC_SA, -0.004, 1);
    CHECK(!strcmp(s, "+0.00")); /* never "-0.00" */
    skd_metric_format(s, sizeof s, SKD_METRIC_SA, -0.006, 1);
    CHECK(!strcmp(s, "-0.01"));
    skd_metric_format(s, sizeof s, SKD_METRIC_PORE_DENSITY, 58.46, 0);
    CHECK(!strcmp(s, "58.5"));
    skd_metric_format(s, sizeof s, SKD_METRIC_PORE_DIAMETER, 0.17649, 0);
    CHECK(!strcmp(s, "0.176"));
    skd_metric_format(s, sizeof s, SKD_METRIC_A_MEAN, NAN, 1);
    CHECK(!strcmp(s, "n/a"));
    skd_report_percent(s, sizeof s, -21.34);
    CHECK(!strcmp(s, "-21.3"));
    skd_report_percent(s, sizeof s, 0.04);
    CHECK(!strcmp(s, "+0.0"));
    skd_report_percent(s, sizeof s, INFINITY);
    CHECK(!strcmp(s, "n/a"));
}

static void test_colours(void)
{
    uint8_t c[3];
    skd_change_colour(-2, 1, c); /* clipped to the green end */
    CHECK(c[0] == 26 && c[1] == 152 && c[2] == 80);
    skd_change_colour(0, 1, c);
    CHECK(c[0] == 247 && c[1] == 247 && c[2] == 247);
    skd_change_colour(1, 1, c);
    CHECK(c[0] == 215 && c[1] == 48 && c[2] == 39);
    skd_change_colour(-0.25, 1, c); /* half way to the light green stop */
    CHECK(c[1] > c[0] && c[1] > c[2]);
    skd_change_colour(NAN, 1, c);
    CHECK(c[0] == 247);

    CHECK_NEAR(skd_scale_bar_mm(45), 10, 0);  /* 45 mm wide: 10 mm bar */
    CHECK_NEAR(skd_scale_bar_mm(12), 2, 0);
    CHECK_NEAR(skd_scale_bar_mm(300), 50, 0);
}

static void fill_image(skd_image *img)
{
    for (uint32_t y = 0; y < img->height; y++)
        for (uint32_t x = 0; x < img->width; x++) {
            uint16_t *p = img->rgb + ((size_t)y * img->width + x) * 3;
            p[0] = (uint16_t)(257 * ((x * 7 + y * 3) % 256));
            p[1] = (uint16_t)(257 * ((x * 2 + 40) % 256));
            p[2] = (uint16_t)(257 * ((y * 5) % 256));
        }
}

static void test_reduce(skd_ctx *ctx)
{
    skd_image *img = NULL;
    skd_rgb8 p;
    CHECK_STATUS(skd_image_create(ctx, 4, 2, &img), SKD_OK);
    if (!img)
        return;
    for (int i = 0; i < 4 * 2 * 3; i++)
        img->rgb[i] = (uint16_t)(257 * (i % 3 == 0 ? 10 * (i / 3) : 100));
    /* 4 x 2 -> 2 x 1: each output pixel is the mean of a 2 x 2 block */
    CHECK_STATUS(skd_rgb8_from_image(ctx, img, 2, &p), SKD_OK);
    CHECK(p.width == 2 && p.height == 1);
    CHECK(p.px[0] == (0 + 10 + 40 + 50) / 4);
    CHECK(p.px[1] == 100);
    CHECK(p.px[3] == (20 + 30 + 60 + 70) / 4);
    skd_rgb8_free(ctx, &p);
    /* never enlarged */
    CHECK_STATUS(skd_rgb8_from_image(ctx, img, 900, &p), SKD_OK);
    CHECK(p.width == 4 && p.height == 2 && p.px[3] == 10);
    skd_rgb8_free(ctx, &p);
    skd_image_free(img);
}

static void test_codecs(skd_ctx *ctx)
{
    skd_image *img = NULL, *back = NULL;
    skd_rgb8 p;
    skd_buf b;
    double err = 0;
    int same = 1;

    CHECK_STATUS(skd_image_create(ctx, 64, 48, &img), SKD_OK);
    if (!img)
        return;
    fill_image(img);
    CHECK_STATUS(skd_rgb8_from_image(ctx, img, 0, &p), SKD_OK);

    skd_buf_init(&b, ctx);
    CHECK_STATUS(skd_png_encode_memory(ctx, &p, &b), SKD_OK);
    CHECK_STATUS(skd_image_decode(ctx, b.data, b.len, &back), SKD_OK);
    if (back) {
        CHECK(back->width == 64 && back->height == 48);
        for (size_t i = 0; i < 64 * 48 * 3; i++)
            same &= back->rgb[i] == p.px[i] * 257;
        CHECK(same); /* PNG is lossless */
        skd_image_free(back);
        back = NULL;
    }
    skd_buf_free(&b);

    skd_buf_init(&b, ctx);
    CHECK_STATUS(skd_jpeg_encode_memory(ctx, &p, 95, &b), SKD_OK);
    CHECK_STATUS(skd_image_decode(ctx, b.data, b.len, &back), SKD_OK);
    if (back) {
        for (size_t i = 0; i < 64 * 48 * 3; i++)
            err += fabs(back->rgb[i] / 257.0 - p.px[i]);
        err /= 64 * 48 * 3;
        REPORT("JPEG q95 round trip: %zu bytes, mean error %.2f of 255",
               b.len, err);
        CHECK(back->width == 64 && back->height == 48);
        /* lossy, and 4:2:0 chroma blurs this sharp pattern; a swapped
         * channel or a wrong row stride would be off by tens */
        CHECK(err < 4);
        skd_image_free(back);
    }
    skd_buf_free(&b);

    skd_buf_init(&b, ctx);
    CHECK_STATUS(skd_html_img(&b, &p, "a \"test\"", 0), SKD_OK);
    CHECK(!strncmp(b.data, "<img width=\"64\" height=\"48\" alt=\"a &quot;test"
                           "&quot;\" src=\"data:image/png;base64,iVBORw0KGgo",
                   strlen("<img width=\"64\" height=\"48\" alt=\"a &quot;test"
                          "&quot;\" src=\"data:image/png;base64,iVBORw0KGgo")));
    skd_buf_free(&b);
    skd_rgb8_free(ctx, &p);
    skd_image_free(img);
}

/* A hand-built comparison: 200 x 100 before photo, 50 px tiles (4 x 2),
 * shown at half size. Tile 0 improved, tile 1 worse, tile 2 not used,
 * tile 3 outside the common region. */
static void test_change_map(skd_ctx *ctx)
{
    skd_analysis before;
    skd_comparison c;
    uint8_t common[200 * 100];
    float tiles[SKD_METRIC_COUNT * 8];
    skd_rgb8 photo, map;
    const uint8_t *px;

    memset(&before, 0, sizeof before);
    memset(&c, 0, sizeof c);
    before.width = 200;
    before.height = 100;
    memset(common, 1, sizeof common);
    for (int y = 0; y < 100; y++)
        memset(common + y * 200 + 150, 0, 50);
    for (int i = 0; i < SKD_METRIC_COUNT * 8; i++)
        tiles[i] = 0;
    tiles[SKD_METRIC_SA * 8 + 0] = -1;
    tiles[SKD_METRIC_SA * 8 + 1] = 1;
    tiles[SKD_METRIC_SA * 8 + 2] = NAN;
    tiles[SKD_METRIC_SA * 8 + 3] = NAN;
    c.before = &before;
    c.common_before = common;
    c.tile_change = tiles;
    c.tiles_x = 4;
    c.tiles_y = 2;
    c.tile_px = 50;

    CHECK_STATUS(skd_rgb8_alloc(ctx, 100, 50, &photo), SKD_OK);
    memset(photo.px, 128, 100 * 50 * 3);
    CHECK_STATUS(skd_change_map(ctx, &c, SKD_METRIC_SA, &photo, 1, &map),
                 SKD_OK);
    CHECK(map.width == 100 && map.height == 50);
    px = map.px + (12 * 100 + 12) * 3; /* centre of tile 0 */
    REPORT("tile 0 (improved) %u,%u,%u", px[0], px[1], px[2]);
    CHECK(px[1] > px[0] + 60 && px[1] > px[2] + 40);
    px = map.px + (12 * 100 + 37) * 3; /* tile 1 */
    REPORT("tile 1 (worse) %u,%u,%u", px[0], px[1], px[2]);
    CHECK(px[0] > px[1] + 60 && px[0] > px[2] + 60);
    px = map.px + (12 * 100 + 63) * 3; /* tile 2: grey, not used */
    CHECK(px[0] == px[1] && px[1] == px[2]);
    px = map.px + (12 * 100 + 88) * 3; /* tile 3: outside, dimmed */
    REPORT("outside %u, not used %u", px[0], map.px[(12 * 100 + 63) * 3]);
    CHECK(px[0] == px[1] && px[0] < 100);
    px = map.px + (37 * 100 + 12) * 3; /* tile (0, 1): no change */
    CHECK(abs(px[0] - px[1]) <= 1 && px[0] > 200);
    skd_rgb8_free(ctx, &map);
    skd_rgb8_free(ctx, &photo);
}

/* Encoding a picture into an <img> (PNG through libpng with the context's
 * allocator, JPEG, base64, text buffer): any allocation may fail, cleanly. */
static void test_alloc_failures(void)
{
    int clean = 1, statuses = 1;
    long n;
    for (n = 0; n < 500; n++) {
        check_alloc f = {n + 1, 0, 0, 0};
        skd_allocator al = check_allocator(&f);
        skd_ctx *ctx = skd_ctx_create_with_allocator(&al);
        skd_rgb8 p = {0};
        skd_buf b;
        int st;
        if (!ctx)
            continue;
        st = skd_rgb8_alloc(ctx, 300, 200, &p);
        if (st == SKD_OK) {
            memset(p.px, 90, 300 * 200 * 3);
            skd_buf_init(&b, ctx);
            st = skd_html_img(&b, &p, "x", 0);
            if (st == SKD_OK)
                st = skd_html_img(&b, &p, "y", 1);
            skd_buf_free(&b);
            skd_rgb8_free(ctx, &p);
        }
        skd_ctx_free(ctx);
        if (f.live != 0 || (st != SKD_OK && st != SKD_E_NOMEM))
            fprintf(stderr, "  failing allocation %ld: status %d, %ld live\n",
                    n, st, f.live);
        clean &= f.live == 0;
        if (st == SKD_OK)
            break;
        statuses &= st == SKD_E_NOMEM;
    }
    REPORT("picture encoding: %ld allocations, each failed once", n);
    CHECK(n > 3 && n < 500);
    CHECK(clean && statuses);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    test_text(ctx);
    test_numbers();
    test_colours();
    test_reduce(ctx);
    test_codecs(ctx);
    test_change_map(ctx);
    skd_ctx_free(ctx);
    test_alloc_failures();
    return check_done("test_report_parts");
}
