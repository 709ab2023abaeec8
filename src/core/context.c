#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "../fft/fft.h"

static void *default_malloc(void *opaque, size_t size)
{
    (void)opaque;
    return malloc(size);
}

static void default_free(void *opaque, void *ptr)
{
    (void)opaque;
    free(ptr);
}

int skd_ctx_default_alloc(const skd_ctx *ctx)
{
    return ctx->alloc.malloc_fn == default_malloc;
}

/* Valid range of each option; the default sits inside it. */
typedef struct option_spec {
    double def, lo, hi;
} option_spec;

static const option_spec option_specs[SKD_OPTION_MAX] = {
    [SKD_OPT_PX_PER_MM] = {0, 0, 1000},
    [SKD_OPT_MAX_PIXELS] = {100e6, 1, 1e12},
    [SKD_OPT_THREADS] = {1, 1, 256},
    [SKD_OPT_PORE_THRESHOLD] = {10, 0.01, 1000},
    [SKD_OPT_RED_DELTA] = {5, 0.01, 100},
    [SKD_OPT_ASSUME_ALIGNED] = {0, 0, 1},
    [SKD_OPT_BOOTSTRAP_N] = {2000, 100, 1e6},
    [SKD_OPT_SEED] = {1, 0, 9007199254740992.0},
    [SKD_OPT_TILE_MM] = {5, 0.5, 100},
    [SKD_OPT_FLOOR_SA] = {3, 0, 100},
    [SKD_OPT_FLOOR_PORES] = {5, 0, 100},
    [SKD_OPT_FLOOR_A_MEAN] = {0.5, 0, 100},
    [SKD_OPT_FLOOR_ERYTHEMA] = {1.0, 0, 100},
    [SKD_OPT_FLOOR_RED_AREA] = {0.5, 0, 100},
    [SKD_OPT_MIN_CONFIDENCE] = {0.3, 0, 1},
    [SKD_OPT_FFT_MEASURE] = {0, 0, 2},
    [SKD_OPT_SKIN] = {1, 0, 1},
    [SKD_OPT_FLOOR_A_UNCAL] = {2.0, 0, 100},
    [SKD_OPT_FLOOR_EI_UNCAL] = {3.0, 0, 100},
    [SKD_OPT_MAX_RESIDUAL] = {1.0, 0.01, 1000},
    [SKD_OPT_MAX_TILE_SHIFT] = {2.0, 0.01, 1000},
    [SKD_OPT_MAX_EXPOSURE_PCT] = {20, 0.01, 1000},
    [SKD_OPT_MAX_LIGHT_B] = {1.5, 0.01, 100},
    [SKD_OPT_MAX_SHARPNESS_PCT] = {25, 0.01, 1000},
    [SKD_OPT_MIN_PORES] = {30, 0, 1e9},
    [SKD_OPT_ACQ_CHECK] = {1, 0, 1},
    [SKD_OPT_ALIGN_ROI_X] = {0, 0, 4294967295.0},
    [SKD_OPT_ALIGN_ROI_Y] = {0, 0, 4294967295.0},
    [SKD_OPT_ALIGN_ROI_W] = {0, 0, 4294967295.0},
    [SKD_OPT_ALIGN_ROI_H] = {0, 0, 4294967295.0},
    [SKD_OPT_FLOOR_SOURCE] = {0, 0, 1},
    [SKD_OPT_MAX_LIGHT_REF] = {0.5, 0.01, 100},
    [SKD_OPT_FACE_PIXELS] = {500000, 10000, 1e9},
    [SKD_OPT_LANDMARK_RESIDUAL] = {2, 0, 1000},
    [SKD_OPT_BATCH_ZONES] = {0, 0, 1},
    [SKD_OPT_WHITE_REF_METHOD] = {0, 0, 1},
    [SKD_OPT_WHITE_REF_Y] = {0, 0, 1},
    [SKD_OPT_EXACT] = {0, 0, 1},
};

skd_ctx *skd_ctx_create(void) { return skd_ctx_create_with_allocator(NULL); }

skd_ctx *skd_ctx_create_with_allocator(const skd_allocator *alloc)
{
    skd_allocator a = {default_malloc, default_free, NULL};
    skd_ctx *ctx;
    if (alloc && alloc->malloc_fn && alloc->free_fn)
        a = *alloc;
    ctx = a.malloc_fn(a.opaque, sizeof *ctx);
    if (!ctx)
        return NULL;
    memset(ctx, 0, sizeof *ctx);
    ctx->alloc = a;
    for (int i = 1; i < SKD_OPTION_MAX; i++)
        ctx->opt[i] = option_specs[i].def;
    return ctx;
}

void skd_ctx_free(skd_ctx *ctx)
{
    if (!ctx)
        return;
    skd_fft_cache_free(ctx);
    if (ctx->face_model_free)
        ctx->face_model_free(ctx->face_model);
    skd_cms_free(ctx);
    ctx->alloc.free_fn(ctx->alloc.opaque, ctx);
}

static int option_valid(int opt)
{
    return opt >= 1 && opt < SKD_OPTION_MAX && option_specs[opt].hi > 0;
}

int skd_ctx_set(skd_ctx *ctx, skd_option opt, double value)
{
    if (!ctx)
        return SKD_E_INVALID;
    if (!option_valid(opt))
        return skd_fail(ctx, SKD_E_INVALID, "unknown option %d", (int)opt);
    if (!isfinite(value) || value < option_specs[opt].lo ||
        value > option_specs[opt].hi)
        return skd_fail(ctx, SKD_E_INVALID,
                        "option %d: value %g outside [%g, %g]", (int)opt,
                        value, option_specs[opt].lo, option_specs[opt].hi);
    ctx->opt[opt] = value;
    return SKD_OK;
}

int skd_ctx_get(const skd_ctx *ctx, skd_option opt, double *value)
{
    if (!ctx || !value || !option_valid(opt))
        return SKD_E_INVALID;
    *value = ctx->opt[opt];
    return SKD_OK;
}

double skd_ctx_scale(const skd_ctx *ctx, int *assumed)
{
    double s = ctx->opt[SKD_OPT_PX_PER_MM];
    if (assumed)
        *assumed = s <= 0;
    return s > 0 ? s : SKD_DEFAULT_PX_PER_MM;
}
