/* The transforms the definitions require, timed alone: how much of the
 * decode-ratio budget (docs/performance.md) FFTW and the cosine low-pass
 * engine take before any per-pixel work.
 *
 * Section 3 asks for 7 scale-normalised LoG planes and the texture's fine
 * Gaussian at full resolution (the pore bank: per tile one forward real
 * transform and one complex inverse per pair of filters), and for 1 mm
 * Gaussians of l (the texture's coarse half) and, where rows hold excluded
 * pixels, of M and l M (the fill). This program runs exactly those
 * transforms with the library's own plans on a plane of the photo's size:
 *   - bank_transforms_s: one full tile's transforms, times the tiles' area
 *     over the image's (w h / core^2 tile-equivalents; the real edge tiles
 *     carry relatively more margin, so this is a lower bound);
 *   - lowpass_pass_s: one pass of the 1 mm Gaussian over the whole plane
 *     (the texture needs one; the fill up to two more).
 * Built by scripts/bench like bench_analyze. Times are CPU seconds, the
 * minimum over --repeat runs after a warm-up that makes the plans.
 *
 * Usage: bench_floor WIDTH HEIGHT [--px-per-mm S] [--repeat R]
 *                    [--patient WISDOM]
 * --patient: FFTW_PATIENT plans from WISDOM (made by bench_analyze
 * --patient --wisdom-save), the best FFTW finds. Prints one JSON object. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fft/fft.h"
#include "metrics/metrics.h"
#include "skindiff.h"
#include "bench_util.h"

/* Filters of the bank (7 LoG + the fine Gaussian), two per inverse. */
#define BANK_PAIRS ((SKD_PORE_SCALES + 1 + 1) / 2)

static double now(void)
{
    return bench_cpu_seconds();
}

static void die(const char *what, skd_ctx *ctx, int st)
{
    bench_die("bench_floor", what, ctx, st);
}

/* The input rows of the low-pass pass: a plane of the photo's size. */
typedef struct plane_rows {
    const float *v;
    size_t w;
} plane_rows;

static const float *load_row(void *user, size_t p, size_t y, float *scratch)
{
    const plane_rows *r = user;
    (void)p;
    (void)scratch;
    return r->v + y * r->w;
}

/* Seconds of one full tile's transforms, best of repeat: the inverses
 * over the columns the bank reads (its core and one pixel around). */
static double tile_seconds(skd_ctx *ctx, size_t pw, size_t margin, int repeat)
{
    size_t nspec = (pw / 2 + 1) * pw, nz = skd_fft_c2c_row(pw) * pw;
    float *spec = skd_fft_alloc(ctx, nspec * sizeof(fftwf_complex));
    fftwf_complex *z = skd_fft_alloc(ctx, nz * sizeof(fftwf_complex));
    fftwf_complex *out = skd_fft_alloc(ctx, nz * sizeof(fftwf_complex));
    double best = INFINITY;
    int st;
    if (!spec || !z || !out)
        die("tile buffers", ctx, SKD_E_NOMEM);
    if ((st = skd_fft_prepare_inplace(ctx, pw, pw)) != SKD_OK ||
        (st = skd_fft_prepare_c2c_band(ctx, pw, pw, margin - 1,
                                       pw - 2 * margin + 2)) != SKD_OK)
        die("tile plans", ctx, st);
    srand(1);
    for (size_t i = 0; i < 2 * nspec; i++)
        spec[i] = (float)rand() / (float)RAND_MAX;
    for (size_t i = 0; i < nz; i++) {
        z[i][0] = (float)rand() / (float)RAND_MAX;
        z[i][1] = (float)rand() / (float)RAND_MAX;
    }
    /* many tiles per timing: one tile is well under a millisecond */
    for (int r = 0; r < repeat; r++) {
        double t0 = now();
        for (int i = 0; i < 20; i++) {
            skd_fft_r2c_inplace(ctx, pw, pw, spec);
            for (int p = 0; p < BANK_PAIRS; p++)
                skd_fft_c2c_inverse_band(ctx, pw, pw, margin - 1,
                                         pw - 2 * margin + 2, z, out);
        }
        double t = (now() - t0) / 20;
        if (t < best)
            best = t;
    }
    skd_fft_dealloc(ctx, spec);
    skd_fft_dealloc(ctx, z);
    skd_fft_dealloc(ctx, out);
    return best;
}

static double lowpass_seconds(skd_ctx *ctx, size_t w, size_t h, double s,
                              int repeat)
{
    skd_filter g = {SKD_FILTER_GAUSS, SKD_TEXTURE_COARSE_MM * s, 0};
    float *v = skd_malloc_array(ctx, w * h, sizeof *v);
    plane_rows rows = {v, w};
    skd_lowpass_io io = {1, load_row, NULL, NULL, NULL, &rows};
    skd_lowpass *lp = NULL;
    double best = INFINITY;
    int st;
    if (!v)
        die("plane", ctx, SKD_E_NOMEM);
    for (size_t i = 0; i < w * h; i++)
        v[i] = (float)(i % 977) * 0.01f;
    if ((st = skd_lowpass_create(ctx, &g, w, h, skd_fft_margin(g.s1), &lp)) != SKD_OK)
        die("low-pass", ctx, st);
    for (int r = -1; r < repeat; r++) { /* r = -1: plans */
        double t0 = now();
        if ((st = skd_lowpass_run(ctx, lp, &io)) != SKD_OK)
            die("low-pass", ctx, st);
        if (r >= 0 && now() - t0 < best)
            best = now() - t0;
    }
    skd_lowpass_free(ctx, lp);
    skd_dealloc(ctx, v);
    return best;
}

int main(int argc, char **argv)
{
    double s = 20.0;
    const char *patient = NULL;
    int repeat = 3, st;
    if (argc < 3) {
        fprintf(stderr, "usage: bench_floor WIDTH HEIGHT [--px-per-mm S] [--repeat R] "
                        "[--patient WISDOM]\n");
        return 2;
    }
    size_t w = strtoul(argv[1], NULL, 10), h = strtoul(argv[2], NULL, 10);
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--px-per-mm"))
            s = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--repeat"))
            repeat = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--patient"))
            patient = argv[i + 1];
    }
    if (w < 64 || h < 64 || s <= 0 || repeat < 1) {
        fprintf(stderr, "bench_floor: bad arguments\n");
        return 2;
    }
    skd_ctx *ctx = skd_ctx_create();
    if (!ctx)
        die("context", NULL, SKD_E_NOMEM);
    if (patient && ((st = skd_ctx_set(ctx, SKD_OPT_FFT_MEASURE, 2)) != SKD_OK ||
                    (st = skd_wisdom_load(ctx, patient)) != SKD_OK))
        die("patient wisdom", ctx, st);
    /* the bank's tile: SKD_PORE_TILE with the margin of its widest filter
     * plus the pixel of the local-maximum test (as in metrics/bank.c) */
    double sigma_max = skd_pore_radius_mm(SKD_PORE_SCALES - 1) * s / sqrt(2.0);
    size_t margin = skd_fft_margin(sigma_max) + 1, pw = SKD_PORE_TILE;
    if (pw < 4 * margin)
        pw = skd_fft_good_size(4 * margin);
    size_t core = pw - 2 * margin;
    double tiles = (double)w * (double)h / ((double)core * (double)core);
    double tile = tile_seconds(ctx, pw, margin, repeat);
    double lowpass = lowpass_seconds(ctx, w, h, s, repeat);
    printf("{\"width\": %zu, \"height\": %zu, \"px_per_mm\": %g, \"repeat\": %d,\n"
           " \"fft_planning\": \"%s\",\n"
           " \"tile\": %zu, \"tile_core\": %zu, \"tile_equivalents\": %.1f,\n"
           " \"tile_transforms_s\": %.6f, \"bank_transforms_s\": %.4f,\n"
           " \"lowpass_pass_s\": %.4f, \"floor_s\": %.4f}\n",
           w, h, s, repeat, patient ? "patient" : "estimate", pw, core, tiles, tile, tile * tiles, lowpass,
           tile * tiles + lowpass);
    skd_ctx_free(ctx);
    return 0;
}
