/* Red patches: Gaussian blobs raising a*, a* += peak exp(-d^2 / (2 R^2))
 * with R = red_patch_radius_mm (the blob's standard deviation). Their
 * centres are uniform over the before frame, so every patch is in view. */
#include <math.h>

#include "synth.h"

int skd_synth_patches_make(skd_ctx *ctx, const skd_synth_params *p,
                           skd_synth_patch **out)
{
    skd_affine cam;
    skd_rng rng;

    *out = NULL;
    if (p->red_patches == 0)
        return SKD_OK;
    *out = skd_malloc_array(ctx, p->red_patches, sizeof **out);
    if (!*out)
        return SKD_E_NOMEM;
    skd_synth_camera_before(p, &cam);
    skd_rng_seed_stream(&rng, p->seed, SKD_STREAM_PATCHES, 0, 0);
    for (uint32_t i = 0; i < p->red_patches; i++) {
        double x = -0.5 + (double)p->width * skd_rng_uniform(&rng);
        double y = -0.5 + (double)p->height * skd_rng_uniform(&rng);
        skd_affine_apply(&cam, x, y, &(*out)[i].u, &(*out)[i].v);
    }
    return SKD_OK;
}

/* Adds the patches to an a* plane already holding the base a*. Each blob
 * is a product of two 1-D Gaussians, drawn within 5 sigma. */
void skd_synth_render_patches(const skd_synth_world *world,
                              const skd_synth_session *s, float *a_star)
{
    double sigma = 0, reach;
    if (s->patch_peak == 0 || world->n_patches == 0)
        return;
    for (size_t i = 0; i < world->n_patches; i++) {
        double cx, cy, inv2s2;
        long x0, x1, y0, y1;
        skd_affine_apply(&s->to_px, world->patches[i].u, world->patches[i].v,
                         &cx, &cy);
        sigma = s->px_per_mm * world->patch_radius_mm;
        reach = SKD_SYNTH_CUTOFF * sigma;
        if (cx + reach < 0 || cy + reach < 0 || cx - reach > s->width - 1.0 ||
            cy - reach > s->height - 1.0)
            continue;
        x0 = (long)fmax(0, ceil(cx - reach));
        x1 = (long)fmin(s->width - 1.0, floor(cx + reach));
        y0 = (long)fmax(0, ceil(cy - reach));
        y1 = (long)fmin(s->height - 1.0, floor(cy + reach));
        inv2s2 = 1.0 / (2 * sigma * sigma);
        for (long y = y0; y <= y1; y++) {
            double gy = s->patch_peak * exp(-(y - cy) * (y - cy) * inv2s2);
            float *row = a_star + (size_t)y * s->width;
            for (long x = x0; x <= x1; x++)
                row[x] += (float)(gy * exp(-(x - cx) * (x - cx) * inv2s2));
        }
    }
}
