/* The ground truth as JSON (schema_version 1). Every field is documented
 * in README.md, "skindiff synth". */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "../colour/colour.h"
#include "synth.h"

#define SCHEMA_VERSION 1

/* Numbers with 12 significant digits; non-finite ones as null. */
static void num(skd_buf *b, const char *key, double v)
{
    if (isfinite(v))
        skd_buf_printf(b, "\"%s\": %.12g", key, v);
    else
        skd_buf_printf(b, "\"%s\": null", key);
}

static void u64(skd_buf *b, const char *key, uint64_t v)
{
    skd_buf_printf(b, "\"%s\": %" PRIu64, key, v);
}

static void model(skd_buf *b)
{
    double m[3][3];
    for (int j = 0; j < 3; j++) { /* the columns: XYZ of unit R, G, B */
        double rgb[3] = {j == 0, j == 1, j == 2}, xyz[3];
        skd_linear_to_xyz(rgb, xyz);
        for (int i = 0; i < 3; i++)
            m[i][j] = xyz[i];
    }
    skd_buf_printf(b, "  \"model\": {\n    \"l\": \"100 ln Y\",\n    ");
    u64(b, "relief_waves", SKD_SYNTH_WAVES);
    skd_buf_printf(b, ",\n    \"relief_wavelength_mm\": [%g, %g],\n    ",
                    SKD_SYNTH_WAVE_MIN_MM, SKD_SYNTH_WAVE_MAX_MM);
    num(b, "pore_spacing_factor", SKD_SYNTH_HARDCORE);
    skd_buf_printf(b, ",\n    ");
    num(b, "gaussian_cutoff_sigmas", SKD_SYNTH_CUTOFF);
    skd_buf_printf(b, ",\n    \"texture_band_mm\": [%g, %g],\n    ",
                    SKD_SYNTH_TEX_FINE_MM, SKD_SYNTH_TEX_COARSE_MM);
    num(b, "texture_margin_mm", SKD_SYNTH_TEX_MARGIN_MM);
    skd_buf_printf(b, ",\n    \"luminance_weights\": [0.2126, 0.7152, 0.0722],"
                       "\n    \"white_xyz\": [%.12g, %.12g, %.12g],\n"
                       "    \"rgb_to_xyz\": [[%.12g, %.12g, %.12g], [%.12g, %.12g, "
                       "%.12g], [%.12g, %.12g, %.12g]]\n  },\n",
                    SKD_WHITE_X, SKD_WHITE_Y, SKD_WHITE_Z, m[0][0], m[0][1],
                    m[0][2], m[1][0], m[1][1], m[1][2], m[2][0], m[2][1],
                    m[2][2]);
}

static void params(skd_buf *b, const skd_synth_params *p)
{
    skd_buf_printf(b, "  \"params\": {\n    ");
    u64(b, "width", p->width);
    skd_buf_printf(b, ", ");
    u64(b, "height", p->height);
    skd_buf_printf(b, ", ");
    num(b, "px_per_mm", p->px_per_mm);
    skd_buf_printf(b, ", ");
    u64(b, "seed", p->seed);
    skd_buf_printf(b, ",\n    ");
    num(b, "L", p->L);
    skd_buf_printf(b, ", ");
    num(b, "a", p->a);
    skd_buf_printf(b, ", ");
    num(b, "b", p->b);
    skd_buf_printf(b, ", ");
    num(b, "relief_rms", p->relief_rms);
    skd_buf_printf(b, ",\n    ");
    num(b, "pore_density_per_cm2", p->pore_density_per_cm2);
    skd_buf_printf(b, ", \"pore_diameter_mm\": [%.12g, %.12g], "
                       "\"pore_depth\": [%.12g, %.12g],\n    ",
                    p->pore_diameter_min_mm, p->pore_diameter_max_mm,
                    p->pore_depth_min, p->pore_depth_max);
    u64(b, "red_patches", p->red_patches);
    skd_buf_printf(b, ", ");
    num(b, "red_patch_delta_a", p->red_patch_delta_a);
    skd_buf_printf(b, ", ");
    num(b, "red_patch_radius_mm", p->red_patch_radius_mm);
    skd_buf_printf(b, ",\n    ");
    num(b, "exposure", p->exposure);
    skd_buf_printf(b, ", ");
    num(b, "noise_sigma", p->noise_sigma);
    skd_buf_printf(b, ", \"offset_mm\": [%.12g, %.12g],\n    \"treatment\": {",
                    p->offset_x_mm, p->offset_y_mm);
    num(b, "keep_pores", p->keep_pores);
    skd_buf_printf(b, ", ");
    num(b, "pore_depth_scale", p->pore_depth_scale);
    skd_buf_printf(b, ", ");
    num(b, "relief_scale", p->relief_scale);
    skd_buf_printf(b, ", ");
    num(b, "delta_a", p->delta_a);
    skd_buf_printf(b, ", ");
    num(b, "red_patch_scale", p->red_patch_scale);
    skd_buf_printf(b, ", ");
    u64(b, "after_noise_seed", p->after_noise_seed);
    skd_buf_printf(b, "},\n    \"camera\": {");
    num(b, "dx", p->camera.dx);
    skd_buf_printf(b, ", ");
    num(b, "dy", p->camera.dy);
    skd_buf_printf(b, ", ");
    num(b, "rotation_deg", p->camera.rotation_deg);
    skd_buf_printf(b, ", ");
    num(b, "scale", p->camera.scale);
    skd_buf_printf(b, ", ");
    num(b, "confidence", p->camera.confidence);
    skd_buf_printf(b, ",\n      \"convention\": \"p_before = scale * "
                       "R(rotation) * (p_after - c) + c + (dx, dy), "
                       "R = [[cos, -sin], [sin, cos]] on (x, y) with y down, "
                       "c = ((w-1)/2, (h-1)/2)\"}\n  },\n");
}

static void pore_list(skd_buf *b, const skd_synth_session *s)
{
    skd_buf_printf(b, "        \"list\": [");
    for (size_t i = 0; i < s->n_pores; i++) {
        const skd_synth_seen_pore *q = &s->pores[i];
        skd_buf_printf(b, "%s\n          {", i ? "," : "");
        u64(b, "id", q->id);
        skd_buf_printf(b, ", ");
        num(b, "x", q->x);
        skd_buf_printf(b, ", ");
        num(b, "y", q->y);
        skd_buf_printf(b, ", ");
        num(b, "diameter_mm", q->diameter_mm);
        skd_buf_printf(b, ", ");
        num(b, "radius_px", q->sigma_px * M_SQRT2);
        skd_buf_printf(b, ", ");
        num(b, "depth", q->depth);
        skd_buf_printf(b, ", ");
        num(b, "A", q->A);
        skd_buf_printf(b, ", ");
        num(b, "strength", q->strength);
        skd_buf_printf(b, ", ");
        num(b, "strength_model", q->strength_model);
        skd_buf_printf(b, ", \"in_frame\": %s}", q->in_frame ? "true" : "false");
    }
    skd_buf_printf(b, "%s]\n", s->n_pores ? "\n        " : "");
}

static void patch_list(skd_buf *b, const skd_synth_world *w,
                       const skd_synth_session *s)
{
    skd_buf_printf(b, "      \"red_patches\": [");
    for (size_t i = 0; i < w->n_patches; i++) {
        double x, y;
        skd_affine_apply(&s->to_px, w->patches[i].u, w->patches[i].v, &x, &y);
        skd_buf_printf(b, "%s\n        {", i ? "," : "");
        num(b, "x", x);
        skd_buf_printf(b, ", ");
        num(b, "y", y);
        skd_buf_printf(b, ", ");
        num(b, "sigma_mm", w->patch_radius_mm);
        skd_buf_printf(b, ", ");
        num(b, "sigma_px", w->patch_radius_mm * s->px_per_mm);
        skd_buf_printf(b, ", ");
        num(b, "delta_a", s->patch_peak);
        skd_buf_printf(b, "}");
    }
    skd_buf_printf(b, "%s]\n", w->n_patches ? "\n      " : "");
}

static void session(skd_buf *b, const skd_synth_params *p,
                    const skd_synth_world *w, const skd_synth_session *s)
{
    const skd_affine *m = &s->to_skin;
    skd_buf_printf(b, "    {\n      \"name\": \"%s\", ",
                    s->is_after ? "after" : "before");
    u64(b, "width", s->width);
    skd_buf_printf(b, ", ");
    u64(b, "height", s->height);
    skd_buf_printf(b, ", ");
    num(b, "px_per_mm", s->px_per_mm);
    skd_buf_printf(b, ", ");
    num(b, "frame_area_cm2", s->frame_area_cm2);
    skd_buf_printf(b, ",\n      \"pixel_to_skin_mm\": [%.12g, %.12g, %.12g, "
                       "%.12g, %.12g, %.12g],\n      ",
                    m->a11, m->a12, m->tx, m->a21, m->a22, m->ty);
    num(b, "exposure", p->exposure);
    skd_buf_printf(b, ", ");
    num(b, "noise_sigma", p->noise_sigma);
    skd_buf_printf(b, ", ");
    u64(b, "clipped_pixels", s->clipped_pixels);
    skd_buf_printf(b, ", ");
    u64(b, "clamped_samples", s->clamped_samples);
    skd_buf_printf(b, ",\n      \"relief\": {");
    num(b, "rms_nominal", s->relief_rms);
    skd_buf_printf(b, ", ");
    num(b, "rms_frame", s->relief_std);
    skd_buf_printf(b, ", ");
    num(b, "mean_frame", s->relief_mean);
    skd_buf_printf(b, "},\n      \"texture\": {");
    u64(b, "margin_px", s->tex_margin_px);
    skd_buf_printf(b, ", ");
    u64(b, "pixels", s->tex_pixels);
    skd_buf_printf(b, ", ");
    num(b, "sa", s->tex_sa);
    skd_buf_printf(b, ", ");
    num(b, "sq", s->tex_sq);
    skd_buf_printf(b, ", ");
    num(b, "ssk", s->tex_ssk);
    skd_buf_printf(b, ", ");
    num(b, "sku", s->tex_sku);
    skd_buf_printf(b, "},\n      \"colour\": {");
    num(b, "L", p->L);
    skd_buf_printf(b, ", ");
    num(b, "a_base", s->a_base);
    skd_buf_printf(b, ", ");
    num(b, "b", p->b);
    skd_buf_printf(b, ", ");
    num(b, "a_mean", s->a_mean);
    skd_buf_printf(b, ", ");
    num(b, "a_median", s->a_median);
    skd_buf_printf(b, ",\n        ");
    num(b, "red_delta", s->red_delta);
    skd_buf_printf(b, ", ");
    num(b, "red_area_fraction", s->red_area_fraction);
    skd_buf_printf(b, ", ");
    num(b, "a_mean_image", s->a_image_mean);
    skd_buf_printf(b, ", ");
    num(b, "erythema_index_image", s->ei_image_mean);
    skd_buf_printf(b, "},\n      \"pores\": {");
    u64(b, "count_in_frame", s->pores_in_frame);
    skd_buf_printf(b, ", ");
    num(b, "density_per_cm2", s->pore_density_cm2);
    skd_buf_printf(b, ", ");
    num(b, "mean_diameter_mm", s->pore_mean_diameter_mm);
    skd_buf_printf(b, ", ");
    num(b, "area_fraction", s->pore_area_fraction);
    skd_buf_printf(b, ",\n        ");
    num(b, "threshold", s->pore_threshold);
    skd_buf_printf(b, ", ");
    u64(b, "count_detectable", s->pores_detectable);
    skd_buf_printf(b, ",\n");
    pore_list(b, s);
    skd_buf_printf(b, "      },\n");
    patch_list(b, w, s);
    skd_buf_printf(b, "    }");
}

int skd_synth_truth_json(skd_ctx *ctx, const skd_synth_params *p,
                         const skd_synth_run *run, char **out)
{
    skd_buf b = {.ctx = ctx};
    *out = NULL;
    skd_buf_printf(&b, "{\n  \"schema_version\": %d,\n  \"generator\": "
                        "\"skindiff %s synth\",\n",
                    SCHEMA_VERSION, skd_version_string());
    model(&b);
    params(&b, p);
    skd_buf_printf(&b, "  \"sessions\": [\n");
    for (int i = 0; i < run->n_sessions; i++) {
        session(&b, p, &run->world, &run->session[i]);
        skd_buf_printf(&b, "%s\n", i + 1 < run->n_sessions ? "," : "");
    }
    skd_buf_printf(&b, "  ]\n}\n");
    if (b.failed) {
        skd_buf_free(&b);
        return skd_fail(ctx, SKD_E_NOMEM, "synth: out of memory writing the truth");
    }
    *out = b.data;
    return SKD_OK;
}
