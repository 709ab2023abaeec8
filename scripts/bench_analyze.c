/* Where the time of `skindiff analyze` goes, stage by stage.
 *
 * Built by scripts/bench against the static library and the private headers
 * (like a unit test). It times, in one process on one file:
 *   - libjpeg-turbo's plain decode (jpeg_read_scanlines to 8-bit RGB, default
 *     settings): the yardstick of docs/performance.md;
 *   - skd_analyze through the public API: the figure that counts;
 *   - the same pipeline stage by stage, calling the library's own stage
 *     functions in skd_analyze's order, and checks that it gives the same
 *     figures (so the breakdown cannot drift from the real thing).
 * Stages: "colour_management" makes the colour table from the photo's
 * profile (LittleCMS), "skin_map" decides S, "colour_and_exclusions" is
 * the luminance plane with the clip flags, S and the other causes, and
 * the 0.25 mm growth; the a* plane is made by the first pass of
 * "statistics", which reads the erythema values from the photo too;
 * "red_area" is the 2 mm local background and the red test. "face_zones"
 * (dlib's face detection and landmarks, as `analyze --face` runs them) is
 * timed after the rest and is not in stages_total.
 * Each figure is the minimum over --repeat runs after one warm-up run (which
 * pays FFTW planning and is reported as first_run_s). Times are CPU seconds
 * of the process unless named *_wall_s.
 *
 * Usage: bench_analyze IMAGE [--px-per-mm S] [--threads N] [--repeat R]
 *                            [--measure | --patient] [--wisdom-load F]
 *                            [--wisdom-save F] [--exact]
 * --exact: every filter at full rate (SKD_OPT_EXACT), no multi-rate.
 * Prints one JSON object. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jpeglib.h>

#include "colour/colour.h"
#include "metrics/metrics.h"
#include "skin/skin.h"
#include "skindiff.h"
#include "bench_util.h"

/* Stage timings are CPU seconds (bench_util.h); wall time is reported
 * beside them. */
static double now(void)
{
    return bench_cpu_seconds();
}

static double wall(void)
{
    return bench_wall_seconds();
}

static void die(const char *what, skd_ctx *ctx, int st)
{
    bench_die("bench_analyze", what, ctx, st);
}

/* Plain decode, as a program that only wants the pixels would do it. */
static double plain_jpeg_decode(const char *path)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr jerr;
    FILE *f = fopen(path, "rb");
    double t0 = now();
    if (!f)
        return NAN;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)cinfo.output_width * cinfo.output_components;
    JSAMPLE *buf = malloc(stride * cinfo.output_height);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rows[16];
        for (int i = 0; i < 16; i++) {
            size_t y = cinfo.output_scanline + (size_t)i;
            if (y >= cinfo.output_height)
                y = cinfo.output_height - 1;
            rows[i] = buf + y * stride;
        }
        jpeg_read_scanlines(&cinfo, rows, 16);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    fclose(f);
    free(buf);
    return now() - t0;
}

enum {
    T_DECODE, T_CMS, T_SKIN, T_COLOUR, T_MASK, T_FILL, T_TEXTURE, T_PORES,
    T_NMS, T_STATS, T_RED, T_TOTAL, T_ZONES, T_COUNT
};
static const char *const stage_name[T_COUNT] = {
    "decode", "colour_management", "skin_map", "colour_and_exclusions",
    "analysis_window", "fill", "texture_coarse", "pore_bank_and_texture_fine",
    "pore_suppression", "statistics", "red_area", "stages_total",
    "face_zones"};

/* skd_filter_bank with a stopwatch per stage. */
static void bank(skd_ctx *ctx, const float *l, size_t w, size_t h, double s,
                 double tau, const uint8_t *region, float *texture,
                 skd_pore **pores, size_t *n_pores, double *t)
{
    double radius[SKD_PORE_SCALES];
    skd_cand_list cands = {NULL, 0, 0};
    double t0 = now();
    int st = skd_texture_coarse(ctx, l, w, h, SKD_TEXTURE_COARSE_MM * s, texture);
    if (st != SKD_OK)
        die("texture", ctx, st);
    t[T_TEXTURE] = now() - t0;
    t0 = now();
    st = skd_pore_bank(ctx, l, w, h, s, tau, region, SKD_PORE_TILE, texture, &cands);
    if (st != SKD_OK)
        die("pores", ctx, st);
    t[T_PORES] = now() - t0;
    t0 = now();
    for (int k = 0; k < SKD_PORE_SCALES; k++)
        radius[k] = skd_pore_radius_mm(k) * s;
    st = skd_suppress_pores(ctx, &cands, radius, w, h, pores, n_pores);
    if (st != SKD_OK)
        die("suppression", ctx, st);
    t[T_NMS] = now() - t0;
    skd_cand_list_free(ctx, &cands);
}

/* The face zones as `analyze --face` finds them (dlib: the photo reduced
 * to grey, the detector, the landmarks); not part of analyze without
 * --face, so not in stages_total. 0 when the build has no dlib. */
static double zones_seconds(skd_ctx *ctx, const skd_image *img)
{
    skd_zones *z = NULL;
    double t0 = now();
    int st;
    if (!skd_landmarks_backend())
        return 0;
    st = skd_zones_detect(ctx, img, &z);
    if (st != SKD_OK)
        die("zones", ctx, st);
    skd_zones_free(z);
    return now() - t0;
}

/* The pipeline of skd_analyze (analyze.c, no ROI or mask: the colour
 * rectangle is the photo), stage by stage; *m gets its figures. */
static void staged(skd_ctx *ctx, const char *path, double s, double *t,
                   skd_metrics *m)
{
    skd_image *img;
    skd_analysis a;
    skd_colour_lut *lut;
    uint64_t region_pixels, skin_kept = 0;
    double t0 = now(), tall = t0;
    int st = skd_image_load(ctx, path, &img);
    if (st != SKD_OK)
        die(path, ctx, st);
    t[T_DECODE] = now() - t0;

    size_t w = img->width, h = img->height, n = w * h;
    memset(&a, 0, sizeof a);
    a.width = img->width;
    a.height = img->height;
    a.px_per_mm = s;
    a.exclusion.skin_map = skd_opt(ctx, SKD_OPT_SKIN) > 0;
    a.region = skd_malloc(ctx, n);
    a.cause = skd_malloc(ctx, n);
    float *l = skd_malloc_array(ctx, n, sizeof(float));
    if (!a.region || !a.cause || !l)
        die("planes", ctx, SKD_E_NOMEM);

    t0 = now();
    if ((st = skd_colour_for_spec(ctx, img, NULL, &a.colour, &lut)) != SKD_OK)
        die("colour management", ctx, st);
    t[T_CMS] = now() - t0;

    t0 = now();
    skd_window rect = skd_mask_colour_rect(img, NULL, s);
    uint8_t *skin = NULL;
    if (a.exclusion.skin_map) {
        size_t box[4] = {rect.x0, rect.y0, rect.w, rect.h};
        skin = a.cause + rect.y0 * w;
        if ((st = skd_skin_map(ctx, img, lut, NULL, box, skin, rect.w,
                                &skin_kept)) != SKD_OK)
            die("skin map", ctx, st);
    }
    t[T_SKIN] = now() - t0;

    t0 = now();
    if ((st = skd_mask_in_rect_skin(ctx, img, NULL, s, lut, &rect, skin, l,
                                    a.region, a.cause)) != SKD_OK)
        die("mask", ctx, st);
    t[T_COLOUR] = now() - t0;

    /* the analysis window, and l and M moved into its layout */
    t0 = now();
    skd_window win = skd_window_of_mask_in(a.region, w, h, &rect, skd_window_reach(s));
    skd_window_gather(l, w, sizeof *l, &win);
    skd_window_gather(a.region, w, 1, &win);
    skd_analysis v;
    memset(&v, 0, sizeof v);
    v.width = (uint32_t)win.w;
    v.height = (uint32_t)win.h;
    v.px_per_mm = s;
    v.region = a.region + win.y0 * w;
    float *lw = l + win.y0 * w;
    t[T_MASK] = now() - t0;

    t0 = now();
    uint8_t *mw = skd_malloc(ctx, win.w * win.h); /* M, for the red background */
    if (!mw)
        die("mask copy", ctx, SKD_E_NOMEM);
    memcpy(mw, v.region, win.w * win.h);
    st = skd_fill_masked(ctx, lw, v.region, win.w, win.h, SKD_FILL_SIGMA_MM * s,
                         &region_pixels);
    if (st != SKD_OK)
        die("fill", ctx, st);
    t[T_FILL] = now() - t0;

    a.texture = skd_calloc(ctx, n, sizeof(float));
    v.texture = a.texture + win.y0 * w;
    bank(ctx, lw, win.w, win.h, s, skd_opt(ctx, SKD_OPT_PORE_THRESHOLD), v.region,
         v.texture, &v.pores, &v.n_pores, t);

    /* a* comes after the bank, in l's plane, made by the first pass of
     * the statistics, which also reads the erythema values from the photo,
     * as in skd_analyze */
    t0 = now();
    v.a_star = lw;
    a.red_area = skd_calloc(ctx, n, 1);
    v.red_area = a.red_area + win.y0 * w;
    skd_photo_samples photo = {img->rgb + 3 * (win.y0 * w + win.x0), w,
                               lut->log10_linear, lut};
    if ((st = skd_window_figures(ctx, &v, &photo, lut, NULL)) != SKD_OK)
        die("statistics", ctx, st);
    t[T_STATS] = now() - t0;
    t0 = now();
    uint64_t red;
    skd_red_rule rule = {SKD_RED_BACKGROUND_SIGMA_MM * s,
                         skd_opt(ctx, SKD_OPT_RED_DELTA),
                         skd_opt(ctx, SKD_OPT_FLOOR_SA) / 100.0};
    uint8_t *near = skd_calloc(ctx, (size_t)win.w * win.h, 1);
    if (!near)
        die("red area", ctx, SKD_E_NOMEM);
    if ((st = skd_red_area_local(ctx, v.a_star, mw, v.region, win.w, win.h,
                                 &rule, v.red_area, near, &red)) != SKD_OK)
        die("red area", ctx, st);
    skd_dealloc(ctx, near);
    v.metrics.red_area_fraction = (double)red / (double)v.metrics.region_pixels;
    t[T_RED] = now() - t0;
    /* the planes back in the photo's layout: statistics' share */
    t0 = now();
    skd_dealloc(ctx, mw);
    skd_window_scatter(a.region, w, h, 1, &win, 0);
    skd_window_scatter(a.texture, w, h, sizeof(float), &win, 0);
    skd_window_scatter(a.red_area, w, h, 1, &win, 0);
    skd_window_scatter(l, w, h, sizeof *l, &win, 1);
    a.a_star = l;
    a.pores = v.pores;
    a.metrics = v.metrics;
    skd_exclusion_finish(&a, skin_kept);
    *m = v.metrics;
    skd_colour_lut_free(ctx, lut);
    t[T_STATS] += now() - t0;
    t[T_TOTAL] = now() - tall;
    t[T_ZONES] = zones_seconds(ctx, img);

    skd_dealloc(ctx, a.region);
    skd_dealloc(ctx, a.cause);
    skd_dealloc(ctx, a.red_area);
    skd_dealloc(ctx, a.texture);
    skd_dealloc(ctx, a.a_star);
    skd_dealloc(ctx, a.pores);
    skd_image_free(img);
}

/* Public API: decode + analyze, as the CLI does it. */
static double public_run(skd_ctx *ctx, const char *path, double *t_analyze,
                         double *w_analyze, skd_metrics *m)
{
    skd_image *img;
    skd_analysis *a;
    double t0 = now();
    int st = skd_image_load(ctx, path, &img);
    if (st != SKD_OK)
        die(path, ctx, st);
    double t1 = now(), w1 = wall();
    if ((st = skd_analyze(ctx, img, NULL, &a)) != SKD_OK)
        die("analyze", ctx, st);
    double t2 = now();
    *w_analyze = wall() - w1;
    *m = a->metrics;
    *t_analyze = t2 - t1;
    skd_analysis_free(a);
    skd_image_free(img);
    return t2 - t0;
}

static int same(double x, double y)
{
    return x == y || (isnan(x) && isnan(y));
}

static int same_metrics(const skd_metrics *p, const skd_metrics *q)
{
    return same(p->sa, q->sa) && same(p->sq, q->sq) && same(p->ssk, q->ssk) &&
           same(p->sku, q->sku) && p->pore_count == q->pore_count &&
           same(p->pore_mean_diameter_mm, q->pore_mean_diameter_mm) &&
           same(p->pore_area_fraction, q->pore_area_fraction) &&
           same(p->a_mean, q->a_mean) && same(p->a_median, q->a_median) &&
           same(p->erythema_index, q->erythema_index) &&
           same(p->red_area_fraction, q->red_area_fraction) &&
           p->region_pixels == q->region_pixels;
}

int main(int argc, char **argv)
{
    const char *path = NULL, *wisdom_load = NULL, *wisdom_save = NULL;
    double s = 20, threads = 1;
    int repeat = 3, measure = 0, exact = 0, st;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--px-per-mm") && i + 1 < argc)
            s = atof(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atof(argv[++i]);
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--measure"))
            measure = 1;
        else if (!strcmp(argv[i], "--patient"))
            measure = 2;
        else if (!strcmp(argv[i], "--exact"))
            exact = 1;
        else if (!strcmp(argv[i], "--wisdom-load") && i + 1 < argc)
            wisdom_load = argv[++i];
        else if (!strcmp(argv[i], "--wisdom-save") && i + 1 < argc)
            wisdom_save = argv[++i];
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else {
            fprintf(stderr, "usage: bench_analyze IMAGE [--px-per-mm S] [--threads N] "
                            "[--repeat R] [--measure | --patient] [--wisdom-load F] [--wisdom-save F] "
                            "[--exact]\n");
            return 2;
        }
    }
    if (!path || repeat < 1)
        return 2;
    skd_ctx *ctx = skd_ctx_create();
    if (!ctx)
        die("context", NULL, SKD_E_NOMEM);
    if ((st = skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, s)) != SKD_OK ||
        (st = skd_ctx_set(ctx, SKD_OPT_THREADS, threads)) != SKD_OK ||
        (st = skd_ctx_set(ctx, SKD_OPT_FFT_MEASURE, measure)) != SKD_OK ||
        (st = skd_ctx_set(ctx, SKD_OPT_EXACT, exact)) != SKD_OK)
        die("options", ctx, st);
    double t_wisdom = 0;
    if (wisdom_load) {
        double t0 = now();
        if ((st = skd_wisdom_load(ctx, wisdom_load)) != SKD_OK)
            die("wisdom", ctx, st);
        t_wisdom = now() - t0;
    }

    skd_metrics pub, stg;
    double first_analyze, first_wall, best_pub = INFINITY, best_an = INFINITY;
    double best_wall = INFINITY;
    double best_plain = INFINITY, t[T_COUNT], best[T_COUNT];
    double first = public_run(ctx, path, &first_analyze, &first_wall, &pub);
    {
        /* the warm-up of the zones: dlib's model is loaded once per context */
        skd_image *img;
        if ((st = skd_image_load(ctx, path, &img)) != SKD_OK)
            die(path, ctx, st);
        zones_seconds(ctx, img);
        skd_image_free(img);
    }
    if (wisdom_save && (st = skd_wisdom_save(ctx, wisdom_save)) != SKD_OK)
        die("wisdom", ctx, st);
    for (int k = 0; k < T_COUNT; k++)
        best[k] = INFINITY;
    int identical = 1;
    for (int r = 0; r < repeat; r++) {
        double an, wa, tp = plain_jpeg_decode(path);
        if (tp < best_plain)
            best_plain = tp;
        double tot = public_run(ctx, path, &an, &wa, &pub);
        if (tot < best_pub)
            best_pub = tot;
        if (an < best_an)
            best_an = an;
        if (wa < best_wall)
            best_wall = wa;
        memset(t, 0, sizeof t);
        staged(ctx, path, s, t, &stg);
        identical &= same_metrics(&pub, &stg);
        for (int k = 0; k < T_COUNT; k++)
            if (t[k] < best[k])
                best[k] = t[k];
    }

    skd_image_info info;
    skd_probe_file(ctx, path, &info);
    double mpx = (double)info.width * info.height / 1e6;
    printf("{\"file\": \"%s\", \"width\": %u, \"height\": %u, \"megapixels\": %.3f,\n",
           path, info.width, info.height, mpx);
    printf(" \"threads\": %g, \"fft_measure\": %d, \"repeat\": %d, \"wisdom_load_s\": %.4f,\n",
           threads, measure, repeat, t_wisdom);
    printf(" \"plain_jpeg_decode_s\": %.4f, \"first_run_s\": %.4f, "
           "\"first_analyze_s\": %.4f, \"first_analyze_wall_s\": %.4f,\n",
           best_plain, first, first_analyze, first_wall);
    printf(" \"decode_plus_analyze_s\": %.4f, \"analyze_s\": %.4f, "
           "\"analyze_wall_s\": %.4f, \"mpx_per_s\": %.3f, "
           "\"analyze_over_plain_decode\": %.2f,\n"
           " \"decode_plus_analyze_over_plain_decode\": %.2f,\n",
           best_pub, best_an, best_wall, mpx / best_an, best_an / best_plain,
           best_pub / best_plain);
    printf(" \"stages_s\": {");
    for (int k = 0; k < T_COUNT; k++)
        printf("%s\"%s\": %.4f", k ? ", " : "", stage_name[k], best[k]);
    printf("},\n \"stages_match_public\": %s,\n", identical ? "true" : "false");
    printf(" \"figures\": {\"sa\": %.9g, \"sq\": %.9g, \"pore_count\": %u, "
           "\"a_mean\": %.9g, \"erythema_index\": %.9g, \"region_pixels\": %llu}}\n",
           pub.sa, pub.sq, pub.pore_count, pub.a_mean, pub.erythema_index,
           (unsigned long long)pub.region_pixels);
    skd_ctx_free(ctx);
    return identical ? 0 : 3;
}
