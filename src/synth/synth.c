/* skd_synth: build the skin, photograph it once or twice, write the truth. */
#include <math.h>
#include <string.h>

#include "synth.h"

static void session_before(const skd_synth_params *p, skd_synth_session *s)
{
    memset(s, 0, sizeof *s);
    s->width = p->width;
    s->height = p->height;
    s->px_per_mm = p->px_per_mm;
    skd_synth_camera_before(p, &s->to_skin);
    skd_affine_invert(&s->to_skin, &s->to_px);
    s->relief_rms = p->relief_rms;
    s->pore_scale = 1;
    s->keep_pores = 1;
    s->a_base = p->a;
    s->patch_peak = p->red_patch_delta_a;
    s->noise_stream = SKD_STREAM_NOISE_BEFORE;
    s->noise_index = 0;
}

/* The treated skin through the second camera: one after-photo pixel
 * spans camera.scale before-photo pixels, so its true scale is
 * px_per_mm / camera.scale. */
static void session_after(const skd_synth_params *p, skd_synth_session *s)
{
    memset(s, 0, sizeof *s);
    s->is_after = 1;
    s->width = p->width;
    s->height = p->height;
    s->px_per_mm = p->px_per_mm / p->camera.scale;
    skd_synth_camera_after(p, &s->to_skin);
    skd_affine_invert(&s->to_skin, &s->to_px);
    s->relief_rms = p->relief_rms * p->relief_scale;
    s->pore_scale = p->pore_depth_scale;
    s->keep_pores = p->keep_pores;
    s->a_base = p->a + p->delta_a;
    s->patch_peak = p->red_patch_delta_a * p->red_patch_scale;
    s->noise_stream = SKD_STREAM_NOISE_AFTER;
    s->noise_index = p->after_noise_seed;
}

void skd_synth_run_free(skd_ctx *ctx, skd_synth_run *run)
{
    if (!run)
        return;
    skd_dealloc(ctx, run->world.pores);
    skd_dealloc(ctx, run->world.patches);
    for (int i = 0; i < 2; i++) {
        skd_dealloc(ctx, run->session[i].pores);
        skd_image_free(run->image[i]);
    }
    memset(run, 0, sizeof *run);
}

int skd_synth_run_make(skd_ctx *ctx, const skd_synth_params *p,
                       int with_after, skd_synth_run *run)
{
    skd_synth_world *world = &run->world;
    skd_rect rect, r2;
    double margin;
    int st;

    memset(run, 0, sizeof *run);
    st = skd_synth_check_params(ctx, p);
    if (st != SKD_OK)
        return st;
    run->n_sessions = with_after ? 2 : 1;
    session_before(p, &run->session[0]);
    if (with_after)
        session_after(p, &run->session[1]);

    skd_synth_waves_make(p->seed, &world->waves);
    world->patch_radius_mm = p->red_patch_radius_mm;
    st = skd_synth_patches_make(ctx, p, &world->patches);
    if (st != SKD_OK)
        goto fail;
    world->n_patches = p->red_patches;
    /* Pores over every bit of skin either photo sees, plus the reach of
     * the coarse texture filter. */
    margin = skd_synth_pore_margin_mm(p);
    skd_synth_frame_rect(&run->session[0].to_skin, p->width, p->height,
                         margin, &rect);
    if (with_after) {
        skd_synth_frame_rect(&run->session[1].to_skin, p->width, p->height,
                             margin, &r2);
        rect.u0 = fmin(rect.u0, r2.u0);
        rect.v0 = fmin(rect.v0, r2.v0);
        rect.u1 = fmax(rect.u1, r2.u1);
        rect.v1 = fmax(rect.v1, r2.v1);
    }
    st = skd_synth_pores_make(ctx, p, &rect, &world->pores, &world->n_pores);
    if (st != SKD_OK)
        goto fail;
    if (world->n_pores > UINT32_MAX) {
        st = skd_fail(ctx, SKD_E_LIMIT, "synth: too many pores");
        goto fail;
    }
    for (int i = 0; i < run->n_sessions; i++) {
        st = skd_image_create(ctx, p->width, p->height, &run->image[i]);
        if (st != SKD_OK)
            goto fail;
        st = skd_synth_render_session(ctx, p, world, &run->session[i],
                                      run->image[i]);
        if (st != SKD_OK)
            goto fail;
    }
    return SKD_OK;
fail:
    skd_synth_run_free(ctx, run);
    return st;
}

int skd_synth(skd_ctx *ctx, const skd_synth_params *p, skd_image **before,
              skd_image **after, char **truth_json)
{
    skd_synth_run run;
    int st;

    if (before)
        *before = NULL;
    if (after)
        *after = NULL;
    if (truth_json)
        *truth_json = NULL;
    if (!ctx)
        return SKD_E_INVALID;
    if (!p || !before)
        return skd_fail(ctx, SKD_E_INVALID,
                        "synth: parameters and a before image are required");
    st = skd_synth_run_make(ctx, p, after != NULL, &run);
    if (st != SKD_OK)
        return st;
    if (truth_json) {
        st = skd_synth_truth_json(ctx, p, &run, truth_json);
        if (st != SKD_OK) {
            skd_synth_run_free(ctx, &run);
            return st;
        }
    }
    *before = run.image[0];
    run.image[0] = NULL;
    if (after) {
        *after = run.image[1];
        run.image[1] = NULL;
    }
    skd_synth_run_free(ctx, &run);
    return SKD_OK;
}
