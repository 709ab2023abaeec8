/* skd_compare: register, measure both photos on their own pixels inside the
 * common region, tile, bootstrap and judge (docs/comparing.md). */
#include <math.h>
#include <string.h>

#include "../metrics/metrics.h"
#include "compare.h"

/* The result carries its allocator, since skd_comparison_free has no
 * context. */
typedef struct comparison_box {
    skd_comparison pub; /* first, so a skd_comparison * is a box * */
    skd_allocator alloc;
} comparison_box;

void skd_comparison_free(skd_comparison *c)
{
    comparison_box *box = (comparison_box *)c;
    if (!c)
        return;
    skd_analysis_free(c->before);
    skd_analysis_free(c->after);
    if (c->tile_change)
        box->alloc.free_fn(box->alloc.opaque, c->tile_change);
    if (c->common_before)
        box->alloc.free_fn(box->alloc.opaque, c->common_before);
    if (c->common_after)
        box->alloc.free_fn(box->alloc.opaque, c->common_after);
    box->alloc.free_fn(box->alloc.opaque, box);
}

static int find_transform(skd_ctx *ctx, const skd_image *before,
                          const skd_image *after, skd_transform *t)
{
    double min_conf = skd_opt(ctx, SKD_OPT_MIN_CONFIDENCE);
    int st;

    if (skd_opt(ctx, SKD_OPT_ASSUME_ALIGNED) != 0) {
        t->dx = t->dy = 0;
        t->rotation_deg = 0;
        t->scale = 1;
        t->confidence = 1;
        return SKD_OK;
    }
    st = skd_register(ctx, before, after, t);
    if (st != SKD_OK)
        return st;
    if (!(t->confidence >= min_conf))
        return skd_fail(ctx, SKD_E_ALIGN,
                        "cannot align: registration confidence %.2f is below "
                        "the minimum %.2f", t->confidence, min_conf);
    if (!(t->scale > 0) || !isfinite(t->dx) || !isfinite(t->dy) ||
        !isfinite(t->rotation_deg))
        return skd_fail(ctx, SKD_E_ALIGN,
                        "cannot align: registration gave no usable transform");
    return SKD_OK;
}

/* The after photo is analysed at its own scale: when the camera was closer
 * or further away (transform scale s != 1), one mm spans px_per_mm / s of
 * its pixels, and the mm-sized filters and areas must follow, or pore
 * density alone would change by s^2. Thresholds stay the same. */
static int analyze_after(skd_ctx *ctx, const skd_image *after,
                         const skd_region_spec *spec,
                         const skd_analysis *before, double scale,
                         skd_analysis **out)
{
    double saved = ctx->opt[SKD_OPT_PX_PER_MM];
    int st;

    if (scale == 1.0)
        return skd_analyze(ctx, after, spec, out);
    ctx->opt[SKD_OPT_PX_PER_MM] = before->px_per_mm / scale;
    st = skd_analyze(ctx, after, spec, out);
    ctx->opt[SKD_OPT_PX_PER_MM] = saved;
    if (st == SKD_OK) {
        (*out)->scale_assumed = before->scale_assumed;
        (*out)->warnings &= ~(unsigned)SKD_WARN_SCALE_ASSUMED;
        (*out)->warnings |= before->warnings & SKD_WARN_SCALE_ASSUMED;
    }
    return st;
}

int skd_compare_analyze(skd_ctx *ctx, const skd_image *before,
                        const skd_region_spec *bspec, const skd_image *after,
                        const skd_region_spec *aspec, skd_comparison *c)
{
    int st = skd_analyze(ctx, before, bspec, &c->before);
    if (st != SKD_OK) {
        skd_message_prefix(ctx, "before photo");
        return st;
    }
    st = analyze_after(ctx, after, aspec, c->before, c->transform.scale,
                       &c->after);
    if (st != SKD_OK)
        skd_message_prefix(ctx, "after photo");
    return st;
}

static int common_region(skd_ctx *ctx, skd_comparison *c, const skd_frame_map *a2b)
{
    const skd_analysis *b = c->before, *a = c->after;
    uint64_t nb, na;

    c->common_before = skd_malloc_array(ctx, b->width, b->height);
    c->common_after = skd_malloc_array(ctx, a->width, a->height);
    if (!c->common_before || !c->common_after)
        return SKD_E_NOMEM;
    skd_common_masks(b->region, b->width, b->height, a->region, a->width,
                     a->height, a2b, c->common_before, c->common_after, &nb,
                     &na);
    if (nb == 0 || na == 0)
        return skd_fail(ctx, SKD_E_NO_REGION,
                        "the two photos have no measurable skin in common "
                        "(the common region is empty)");
    c->common_area_cm2 = (double)nb / (b->px_per_mm * b->px_per_mm) / 100.0;
    return SKD_OK;
}

/* Tiles, paired differences, intervals and verdicts. */
static int judge_changes(skd_ctx *ctx, skd_comparison *c, const skd_frame_map *a2b,
                         const skd_photo_samples photo[2],
                         const skd_metrics *mb, const skd_metrics *ma)
{
    const skd_analysis *b = c->before, *a = c->after;
    uint32_t n_boot = (uint32_t)skd_opt(ctx, SKD_OPT_BOOTSTRAP_N);
    uint64_t seed = (uint64_t)skd_opt(ctx, SKD_OPT_SEED);
    skd_tile_grid g;
    double *diff = NULL;
    int st;

    st = skd_tile_grid_build(ctx, skd_opt(ctx, SKD_OPT_TILE_MM) * b->px_per_mm,
                             c->common_before, b->width, b->height,
                             c->common_after, a->width, a->height, a2b,
                             c->transform.scale, &g);
    if (st != SKD_OK)
        return st;
    c->tiles_x = g.tiles_x;
    c->tiles_y = g.tiles_y;
    c->tile_px = g.tile_px;
    c->tiles_used = g.n_used;
    c->tile_change = skd_malloc_array(ctx, (size_t)SKD_METRIC_COUNT * g.n_tiles,
                                      sizeof *c->tile_change);
    diff = skd_malloc_array(ctx, (size_t)SKD_METRIC_COUNT * (g.n_used + 1),
                            sizeof *diff);
    if (!c->tile_change || !diff)
        st = SKD_E_NOMEM;
    if (st == SKD_OK)
        st = skd_tile_differences(ctx, b, &photo[0], a, &photo[1],
                                  c->common_before, &g, diff,
                                  c->tile_change);
    for (int m = 0; m < SKD_METRIC_COUNT && st == SKD_OK; m++) {
        skd_metric_id id = (skd_metric_id)m;
        double vb = skd_metric_value(mb, id), va = skd_metric_value(ma, id);
        double lo, hi;
        st = skd_bootstrap_interval(ctx, diff + m, g.n_used, SKD_METRIC_COUNT,
                                    va - vb, n_boot, skd_metric_seed(seed, id),
                                    &lo, &hi);
        if (st == SKD_OK)
            skd_change_fill(&c->change[m], vb, va, lo, hi,
                            skd_noise_floor(ctx, id, vb));
    }
    skd_dealloc(ctx, diff);
    skd_tile_grid_free(ctx, &g);
    return st;
}

/* The samples of a photo of the analysis' size. */
static int photo_samples(skd_ctx *ctx, const skd_image *img,
                         const skd_analysis *a, const skd_colour_lut *lut,
                         skd_photo_samples *out)
{
    if (!img || !img->rgb || img->width != a->width || img->height != a->height)
        return skd_fail(ctx, SKD_E_INVALID,
                        "compare: photo and analysis differ in size");
    out->rgb = img->rgb;
    out->stride = img->width;
    out->log10_linear = lut->log10_linear;
    out->lut = lut;
    return SKD_OK;
}

int skd_compare_measured(skd_ctx *ctx, skd_comparison *c,
                         const skd_image *before, const skd_image *after)
{
    const skd_analysis *b = c->before, *a = c->after;
    skd_colour_lut *lut[2] = {NULL, NULL};
    skd_photo_samples photo[2];
    skd_frame_map a2b;
    skd_metrics mb, ma;
    int st;

    c->px_per_mm = b->px_per_mm;
    c->scale_assumed = b->scale_assumed;
    skd_frame_map_from_transform(&c->transform, a->width, a->height, b->width,
                              b->height, &a2b);
    st = common_region(ctx, c, &a2b);
    if (st != SKD_OK)
        return st;
    /* each photo through its own profile and white reference */
    st = skd_colour_lut_for_analysis(ctx, before, b, &lut[0]);
    if (st == SKD_OK)
        st = skd_colour_lut_for_analysis(ctx, after, a, &lut[1]);
    if (st == SKD_OK)
        st = photo_samples(ctx, before, b, lut[0], &photo[0]);
    if (st == SKD_OK)
        st = photo_samples(ctx, after, a, lut[1], &photo[1]);
    if (st == SKD_OK)
        st = skd_region_figures(ctx, b, &photo[0], c->common_before, NAN, &mb,
                                NULL);
    if (st == SKD_OK)
        st = skd_region_figures(ctx, a, &photo[1], c->common_after, NAN, &ma,
                                NULL);
    if (st == SKD_OK)
        st = judge_changes(ctx, c, &a2b, photo, &mb, &ma);
    skd_colour_lut_free(ctx, lut[0]);
    skd_colour_lut_free(ctx, lut[1]);
    return st;
}

skd_comparison *skd_comparison_new(skd_ctx *ctx)
{
    comparison_box *box = skd_calloc(ctx, 1, sizeof *box);
    if (!box)
        return NULL;
    box->alloc = ctx->alloc;
    return &box->pub;
}

int skd_compare(skd_ctx *ctx, const skd_image *before,
                const skd_region_spec *before_spec, const skd_image *after,
                const skd_region_spec *after_spec, skd_comparison **out)
{
    skd_comparison *c;
    int st;

    if (!ctx)
        return SKD_E_INVALID;
    if (!out || !before || !after || !before->rgb || !after->rgb)
        return skd_fail(ctx, SKD_E_INVALID, "compare: missing photo or output");
    *out = NULL;
    c = skd_comparison_new(ctx);
    if (!c)
        return SKD_E_NOMEM;
    st = find_transform(ctx, before, after, &c->transform);
    if (st == SKD_OK)
        st = skd_compare_analyze(ctx, before, before_spec, after, after_spec,
                                 c);
    if (st == SKD_OK)
        st = skd_compare_measured(ctx, c, before, after);
    if (st != SKD_OK) {
        skd_comparison_free(c);
        return st;
    }
    *out = c;
    return SKD_OK;
}
