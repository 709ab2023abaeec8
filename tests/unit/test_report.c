/* The HTML report of a whole comparison: self-contained (no network, no
 * scripts), every figure of the table present as formatted, the images
 * embedded and decodable, the same bytes on every run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "report/report.h"

/* Skin-like photo: noise, dark dots, a red blob that fades after. */
static uint32_t hash3(uint32_t x, uint32_t y, uint32_t s)
{
    uint32_t h = x * 374761393u + y * 668265263u + s * 2246822519u;
    h = (h ^ (h >> 13)) * 1274126177u;
    return h ^ (h >> 16);
}

static void paint(skd_image *im, int after)
{
    for (uint32_t y = 0; y < im->height; y++)
        for (uint32_t x = 0; x < im->width; x++) {
            double n = ((hash3(x, y, (uint32_t)after) & 0xffff) / 65535.0 -
                        0.5) * (after ? 0.05 : 0.08);
            double dx = x - 300.0, dy = y - 250.0;
            double red = exp(-(dx * dx + dy * dy) / (2 * 80.0 * 80)) *
                         (after ? 0.04 : 0.12);
            double r = 0.78 + n + red, g = 0.58 + n - red / 2, b = 0.50 + n;
            double dot = ((x / 7) * 31 + (y / 7) * 17) % 53 == 0 ? 0.8 : 1;
            uint16_t *p = im->rgb + ((size_t)y * im->width + x) * 3;
            p[0] = (uint16_t)(fmin(1, r * dot) * 65535);
            p[1] = (uint16_t)(fmin(1, g * dot) * 65535);
            p[2] = (uint16_t)(fmin(1, b * dot) * 65535);
        }
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Every src= attribute is a data: URI. */
static int sources_embedded(const char *html)
{
    for (const char *p = strstr(html, "src="); p; p = strstr(p + 1, "src="))
        if (strncmp(p, "src=\"data:image/", 16) != 0)
            return 0;
    return 1;
}

static int has(const char *html, const char *what)
{
    if (strstr(html, what))
        return 1;
    fprintf(stderr, "  report lacks '%s'\n", what);
    return 0;
}

/* Every number of the table, formatted as the table formats it. */
static void check_table(const char *html, const skd_comparison *c)
{
    int all = 1;
    for (int i = 0; i < SKD_METRIC_COUNT; i++) {
        skd_metric_id m = (skd_metric_id)i;
        const skd_change *ch = &c->change[m];
        char s[64], lo[32], hi[32], row[160];
        skd_metric_format(s, sizeof s, m, ch->before, 0);
        snprintf(row, sizeof row, "\">%s&nbsp;", s);
        all &= has(html, row);
        skd_metric_format(s, sizeof s, m, ch->after, 0);
        snprintf(row, sizeof row, "\">%s&nbsp;", s);
        all &= has(html, row);
        skd_metric_format(s, sizeof s, m, ch->change, 1);
        snprintf(row, sizeof row, "\">%s&nbsp;", s);
        all &= has(html, row);
        skd_report_percent(s, sizeof s, ch->change_pct);
        snprintf(row, sizeof row, "\">%s", s);
        all &= has(html, row);
        if (isfinite(ch->ci_low)) {
            skd_metric_format(lo, sizeof lo, m, ch->ci_low, 1);
            skd_metric_format(hi, sizeof hi, m, ch->ci_high, 1);
            snprintf(row, sizeof row, "\">%s to %s&nbsp;", lo, hi);
            all &= has(html, row);
        }
        skd_metric_format(s, sizeof s, m, ch->noise_floor, 0);
        snprintf(row, sizeof row, "\">%s&nbsp;", s);
        all &= has(html, row);
        snprintf(row, sizeof row, ">%s</span></td></tr>",
                 skd_verdict_name(ch->verdict));
        all &= has(html, row);
        all &= has(html, skd_metric_label(m));
    }
    CHECK(all);
}

/* The first embedded JPEG (the before photo) decodes, reduced to 900 px. */
static void check_first_image(skd_ctx *ctx, const char *html)
{
    static const char tag[] = "data:image/jpeg;base64,";
    const char *p = strstr(html, tag), *e;
    unsigned char *bin;
    size_t n = 0;
    skd_image *img = NULL;
    uint32_t acc = 0;
    int bits = 0;

    CHECK(p != NULL);
    if (!p)
        return;
    p += sizeof tag - 1;
    e = strchr(p, '"');
    bin = malloc((size_t)(e - p));
    for (; p < e && *p != '='; p++) {
        const char *tab =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        acc = acc << 6 | (uint32_t)(strchr(tab, *p) - tab);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bin[n++] = (unsigned char)(acc >> bits);
        }
    }
    CHECK_STATUS(skd_image_decode(ctx, bin, n, &img), SKD_OK);
    if (img) {
        REPORT("embedded before photo: %ux%u, %zu bytes", img->width,
               img->height, n);
        CHECK(img->width == 900 && img->height == 675); /* 1200 x 900 reduced */
    }
    skd_image_free(img);
    free(bin);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_image *before = NULL, *after = NULL;
    skd_comparison *c = NULL;
    char path[512], path2[512], bad[512];
    char *html = NULL, *html2 = NULL;
    size_t n = 0, n2 = 0;
    struct stat st;

    snprintf(path, sizeof path, "%s/report_test.html", check_tmpdir());
    snprintf(path2, sizeof path2, "%s/report_test2.html", check_tmpdir());
    snprintf(bad, sizeof bad, "%s/no/such/dir/r.html", check_tmpdir());
    CHECK_STATUS(skd_image_create(ctx, 1200, 900, &before), SKD_OK);
    CHECK_STATUS(skd_image_create(ctx, 1200, 900, &after), SKD_OK);
    if (!before || !after)
        return check_done("test_report");
    paint(before, 0);
    paint(after, 1);
    skd_ctx_set(ctx, SKD_OPT_ASSUME_ALIGNED, 1);
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 25);
    CHECK_STATUS(skd_compare(ctx, before, NULL, after, NULL, &c), SKD_OK);
    if (!c)
        return check_done("test_report");

    CHECK_STATUS(skd_report_html(ctx, c, before, after, "before.jpg",
                                 "after <2>.jpg", path), SKD_OK);
    CHECK_STATUS(skd_report_html(ctx, c, before, after, "before.jpg",
                                 "after <2>.jpg", path2), SKD_OK);
    html = check_slurp(path, &n);
    html2 = check_slurp(path2, &n2);
    CHECK(html && html2);
    if (html && html2) {
        REPORT("report: %zu bytes, %zu images", n, count(html, "data:image/"));
        CHECK(n == n2 && !memcmp(html, html2, n)); /* reproducible */
        CHECK(!strncmp(html, "<!DOCTYPE html>", 15));
        CHECK(n > 8 && !strcmp(html + n - 8, "</html>\n"));
        CHECK(!strstr(html, "http://") && !strstr(html, "https://"));
        CHECK(!strstr(html, "<script") && !strstr(html, "<link") &&
              !strstr(html, "@import") && !strstr(html, "url("));
        CHECK(sources_embedded(html));
        /* photos, aligned after, the alignment check's two, 2 overlays
         * (JPEG); 5 change maps (PNG) */
        CHECK(count(html, "data:image/jpeg;base64,") == 6);
        CHECK(has(html, "Alignment check") && has(html, "@keyframes flick"));
        CHECK(has(html, "How the two photos were taken"));
        CHECK(count(html, "data:image/png;base64,") == 5);
        CHECK(has(html, "before.jpg") && has(html, "after &lt;2&gt;.jpg"));
        CHECK(has(html, skd_version_string()));
        CHECK(has(html, "25.00 px/mm"));
        check_table(html, c);
        check_first_image(ctx, html);
        CHECK(n < 4000000);
    }

    /* The visit's details, one card per question, units, and the banner
     * when the alignment is weak. */
    {
        skd_report_info info = {"Peel <3>", "P-0042 & co", "left cheek",
                                "2024-03-18 10:22", "2024-04-20 09:05",
                                "EXIF DateTimeOriginal", NULL, NULL};
        double conf = c->transform.confidence;
        free(html);
        html = NULL;
        CHECK_STATUS(skd_report_html_info(ctx, c, before, after, "b.jpg",
                                          "a.jpg", &info, path), SKD_OK);
        html = check_slurp(path, &n);
        CHECK(html && has(html, "<h1>Peel &lt;3&gt;</h1>") &&
              has(html, "P-0042 &amp; co") && has(html, "left cheek") &&
              has(html, "2024-03-18 10:22 \xe2\x86\x92 2024-04-20 09:05 "
                        "(EXIF DateTimeOriginal)"));
        CHECK(html && count(html, "<div class=\"card ") == 3);
        CHECK(html && has(html, "<h2>Units</h2>") &&
              has(html, "percentage points (pp)"));
        CHECK(html && !has(html, "class=\"banner\"")); /* assumed aligned */
        skd_ctx_set(ctx, SKD_OPT_ASSUME_ALIGNED, 0);
        c->transform.confidence = 0.3;
        free(html);
        html = NULL;
        CHECK_STATUS(skd_report_html_info(ctx, c, before, after, "b.jpg",
                                          "a.jpg", NULL, path), SKD_OK);
        html = check_slurp(path, &n);
        CHECK(html && has(html, "class=\"banner\"") &&
              has(html, "alignment confidence 0.30"));
        c->transform.confidence = 0.9;
        free(html);
        html = NULL;
        CHECK_STATUS(skd_report_html_info(ctx, c, before, after, "b.jpg",
                                          "a.jpg", NULL, path), SKD_OK);
        html = check_slurp(path, &n);
        CHECK(html && !has(html, "class=\"banner\""));
        c->transform.confidence = conf;
        skd_ctx_set(ctx, SKD_OPT_ASSUME_ALIGNED, 1);
    }

    /* the wrong photos, or nowhere to write: an error and no file */
    CHECK_STATUS(skd_report_html(ctx, c, after, before, "a", "b", path),
                 SKD_OK); /* same sizes: allowed */
    {
        skd_image *small = NULL;
        skd_image_create(ctx, 10, 10, &small);
        CHECK_STATUS(skd_report_html(ctx, c, small, after, "a", "b", path2),
                     SKD_E_INVALID);
        skd_image_free(small);
    }
    CHECK_STATUS(skd_report_html(ctx, c, before, after, "a", "b", bad),
                 SKD_E_IO);
    CHECK(stat(bad, &st) != 0);
    REPORT("unwritable: %s", skd_ctx_message(ctx));

    free(html);
    free(html2);
    skd_comparison_free(c);
    skd_image_free(before);
    skd_image_free(after);
    skd_ctx_free(ctx);
    return check_done("test_report");
}
