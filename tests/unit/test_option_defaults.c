/* The documented defaults of the options (docs/measurements.md,
 * docs/comparing.md, include/skindiff.h), written here as numbers: a default
 * changed in the library must change this test too, deliberately. Defaults
 * whose effect is measured elsewhere (tau, the floors) are also checked
 * there; this test catches those with no other visible effect (the
 * bootstrap's resample count, the seed). */
#include "check.h"

static void want(const skd_ctx *ctx, skd_option opt, const char *name, double v)
{
    double got = -1;
    CHECK_STATUS(skd_ctx_get(ctx, opt, &got), SKD_OK);
    if (got != v)
        fprintf(stderr, "  %s: default %g, documented %g\n", name, got, v);
    CHECK(got == v);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    CHECK(ctx != NULL);
    if (!ctx)
        return check_done("test_option_defaults");
    want(ctx, SKD_OPT_PX_PER_MM, "px_per_mm (unset: 20, assumed)", 0);
    want(ctx, SKD_OPT_MAX_PIXELS, "max_pixels", 100e6);
    want(ctx, SKD_OPT_THREADS, "threads", 1);
    want(ctx, SKD_OPT_PORE_THRESHOLD, "pore threshold tau", 10);
    want(ctx, SKD_OPT_RED_DELTA, "red-area delta", 5);
    want(ctx, SKD_OPT_ASSUME_ALIGNED, "assume aligned", 0);
    want(ctx, SKD_OPT_BOOTSTRAP_N, "bootstrap resamples", 2000);
    want(ctx, SKD_OPT_SEED, "bootstrap seed", 1);
    want(ctx, SKD_OPT_TILE_MM, "tile side mm", 5);
    want(ctx, SKD_OPT_FLOOR_SA, "floor Sa %", 3);
    want(ctx, SKD_OPT_FLOOR_PORES, "floor pores %", 5);
    want(ctx, SKD_OPT_FLOOR_A_MEAN, "floor a*", 0.5);
    want(ctx, SKD_OPT_FLOOR_ERYTHEMA, "floor EI", 1.0);
    want(ctx, SKD_OPT_FLOOR_RED_AREA, "floor red area points", 0.5);
    want(ctx, SKD_OPT_MIN_CONFIDENCE, "registration confidence needed", 0.3);
    want(ctx, SKD_OPT_FFT_MEASURE, "FFTW planning (estimate)", 0);
    skd_ctx_free(ctx);
    return check_done("test_option_defaults");
}
