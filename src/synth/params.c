/* Defaults and validation of skd_synth_params. */
#include <math.h>
#include <string.h>

#include "synth.h"

void skd_synth_defaults(skd_synth_params *p, uint32_t width, uint32_t height,
                        double px_per_mm)
{
    if (!p)
        return;
    memset(p, 0, sizeof *p);
    p->width = width;
    p->height = height;
    p->px_per_mm = px_per_mm > 0 ? px_per_mm : SKD_DEFAULT_PX_PER_MM;
    p->seed = 1;
    /* light facial skin (Fitzpatrick II-III) under D65 */
    p->L = 62;
    p->a = 14;
    p->b = 16;
    /* relief: Sq of the texture band about 2.6, pixel noise adds ~0.4 */
    p->relief_rms = 4;
    p->pore_density_per_cm2 = 60;
    p->pore_diameter_min_mm = 0.12;
    p->pore_diameter_max_mm = 0.4;
    /* depth 0.28 -> A = 32.9 -> D = 16.4, well above tau = 10 */
    p->pore_depth_min = 0.28;
    p->pore_depth_max = 0.45;
    p->red_patches = 6;
    p->red_patch_delta_a = 6;
    p->red_patch_radius_mm = 2.5;
    p->exposure = 1;
    p->wb_red = 1;
    p->wb_blue = 1;
    p->noise_sigma = 1.5;
    p->keep_pores = 1;
    p->pore_depth_scale = 1;
    p->relief_scale = 1;
    p->delta_a = 0;
    p->red_patch_scale = 1;
    p->after_noise_seed = 2;
    p->camera = (skd_transform){0, 0, 0, 1, 1};
}

static int bad(skd_ctx *ctx, const char *name, double v, double lo, double hi)
{
    return skd_fail(ctx, SKD_E_INVALID, "synth: %s must be in [%g, %g] (got %g)",
                    name, lo, hi, v);
}

/* Fails unless lo <= v <= hi (NaN fails too). */
#define RANGE(field, lo, hi)                                                   \
    do {                                                                       \
        if (!(p->field >= (lo) && p->field <= (hi)))                           \
            return bad(ctx, #field, (double)p->field, (lo), (hi));             \
    } while (0)

int skd_synth_check_params(skd_ctx *ctx, const skd_synth_params *p)
{
    double max_density;
    if (p->width < 1 || p->height < 1)
        return skd_fail(ctx, SKD_E_INVALID, "synth: empty image (%ux%u)",
                        (unsigned)p->width, (unsigned)p->height);
    if ((double)p->width * (double)p->height > skd_opt(ctx, SKD_OPT_MAX_PIXELS))
        return skd_fail(ctx, SKD_E_LIMIT,
                        "synth: %ux%u exceeds the pixel limit of %.0f",
                        (unsigned)p->width, (unsigned)p->height,
                        skd_opt(ctx, SKD_OPT_MAX_PIXELS));
    RANGE(px_per_mm, 1, 1000);
    RANGE(L, 1, 100);
    RANGE(a, -128, 127);
    RANGE(b, -128, 127);
    RANGE(relief_rms, 0, 30);
    RANGE(pore_density_per_cm2, 0, 10000);
    RANGE(pore_diameter_min_mm, 0.01, 5);
    RANGE(pore_diameter_max_mm, p->pore_diameter_min_mm, 5);
    RANGE(pore_depth_min, 0, 0.99);
    RANGE(pore_depth_max, p->pore_depth_min, 0.99);
    RANGE(red_patch_delta_a, -100, 100);
    if (p->red_patches > 1000)
        return bad(ctx, "red_patches", p->red_patches, 0, 1000);
    RANGE(red_patch_radius_mm, 0.01, 1000);
    RANGE(exposure, 0.001, 1000);
    RANGE(wb_red, 0.1, 10);
    RANGE(wb_blue, 0.1, 10);
    RANGE(noise_sigma, 0, 255);
    RANGE(offset_x_mm, -1e6, 1e6);
    RANGE(offset_y_mm, -1e6, 1e6);
    RANGE(keep_pores, 0, 1);
    RANGE(pore_depth_scale, 0, 10);
    RANGE(relief_scale, 0, 100);
    RANGE(delta_a, -100, 100);
    RANGE(red_patch_scale, 0, 100);
    RANGE(camera.dx, -1e7, 1e7);
    RANGE(camera.dy, -1e7, 1e7);
    RANGE(camera.rotation_deg, -36000, 36000);
    RANGE(camera.scale, 0.1, 10);
    RANGE(camera.confidence, 0, 1);
    skd_synth_candidate_density(p, &max_density);
    /* Near the hard-core limit the candidate count explodes. */
    if (p->pore_density_per_cm2 > 0.95 * max_density)
        return skd_fail(ctx, SKD_E_INVALID,
                        "synth: pore density %g pores/cm² too high for diameters "
                        "%g-%g mm (spacing >= %g x radius): at most %.1f pores/cm²",
                        p->pore_density_per_cm2, p->pore_diameter_min_mm,
                        p->pore_diameter_max_mm, SKD_SYNTH_HARDCORE,
                        0.95 * max_density);
    return SKD_OK;
}
