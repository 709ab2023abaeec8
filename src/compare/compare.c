/* skd_compare: register, measure both photos on their own pixels inside the
 * common region, tile, bootstrap and judge (docs/comparing.md). */
#include <math.h>
#include <string.h>

#include "../core/select.h"
#include "../metrics/metrics.h"
#include "compare.h"

/* The result carries its allocator, since skd_comparison_free has no
 * context. */
typedef struct comparison_box {
    skd_comparison pub; /* first, so a skd_comparison * is a box * */
    skd_allocator alloc;
    skd_roi white_ref[2]; /* before, after; w == 0: none */
    unsigned borrowed; /* BORROWED_*: analyses the caller owns */
} comparison_box;

enum { BORROWED_BEFORE = 1, BORROWED_AFTER = 2 };

void skd_compare_set_white_refs(skd_comparison *c, const skd_roi *before,
                                const skd_roi *after)
{
    comparison_box *box = (comparison_box *)c;
    memset(box->white_ref, 0, sizeof box->white_ref);
    if (before)
        box->white_ref[0] = *before;
    if (after)
        box->white_ref[1] = *after;
}

void skd_comparison_free(skd_comparison *c)
{
    comparison_box *box = (comparison_box *)c;
    if (!c)
        return;
    if (!(box->borrowed & BORROWED_BEFORE))
        skd_analysis_free(c->before);
    if (!(box->borrowed & BORROWED_AFTER))
        skd_analysis_free(c->after);
    if (c->tile_change)
        box->alloc.free_fn(box->alloc.opaque, c->tile_change);
    if (c->common_before)
        box->alloc.free_fn(box->alloc.opaque, c->common_before);
    if (c->common_after)
        box->alloc.free_fn(box->alloc.opaque, c->common_after);
    if (c->tile_residual)
        box->alloc.free_fn(box->alloc.opaque, c->tile_residual);
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
    st = skd_register_part(ctx, before, after, t);
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
 * density alone would change by s^2. Thresholds stay the same. A scale
 * within SKD_SAME_SCALE of 1 is taken as 1, so that an analysis of the
 * after photo made on its own (a batch's) serves: it moves pore density
 * by at most 0.4% and the texture band's edges by 0.2%, a tenth of the
 * smallest noise floor (docs/comparing.md). */
#define SKD_SAME_SCALE 0.002

static int same_scale(double scale)
{
    return fabs(scale - 1.0) <= SKD_SAME_SCALE;
}

/* The common band of the pair (docs/comparing.md, "Different
 * resolutions"): 0 when the photos' scales agree (each is measured in its
 * own band, and batch's own analyses serve), else the coarser photo's
 * px/mm, which both photos are measured in the band of. */
typedef struct band {
    double lo, hi; /* the coarser and the sharper photo's px/mm; lo 0: none */
} band;

static band common_band(double s_before, double scale)
{
    double s_after = s_before / scale;
    band b = {0, 0};
    if (same_scale(scale))
        return b;
    b.lo = s_after < s_before ? s_after : s_before;
    b.hi = s_after < s_before ? s_before : s_after;
    return b;
}

/* An analysis made at a scale compare set (from the before photo's and the
 * registration) says the scale was assumed exactly when the before
 * photo's was. */
static void scale_source_from(skd_analysis *a, const skd_analysis *before)
{
    a->scale_assumed = before->scale_assumed;
    a->warnings &= ~(unsigned)SKD_WARN_SCALE_ASSUMED;
    a->warnings |= before->warnings & SKD_WARN_SCALE_ASSUMED;
}

/* skd_analyze at px_per_mm (0: the context's scale) in the common band
 * `band` (0: the photo's own). */
static int analyze_in_band(skd_ctx *ctx, const skd_image *img,
                           const skd_region_spec *spec, double px_per_mm,
                           band b, skd_analysis **out)
{
    double saved = ctx->opt[SKD_OPT_PX_PER_MM];
    int st;
    if (px_per_mm > 0)
        ctx->opt[SKD_OPT_PX_PER_MM] = px_per_mm;
    ctx->band_px_per_mm = b.lo;
    ctx->band_sharp_px_per_mm = b.hi;
    st = skd_analyze(ctx, img, spec, out);
    ctx->band_px_per_mm = ctx->band_sharp_px_per_mm = 0;
    ctx->opt[SKD_OPT_PX_PER_MM] = saved;
    return st;
}

/* With white references in both photos, the after photo is also read as
 * if exposed like the before photo: its reference brought to the before
 * reference's luminance (level > 0; skd_white_ref_after_level). */
static int analyze_after(skd_ctx *ctx, const skd_image *after,
                         const skd_region_spec *spec,
                         const skd_analysis *before, double scale,
                         double level, skd_analysis **out)
{
    double saved_y = ctx->opt[SKD_OPT_WHITE_REF_Y];
    int st;

    if (level > 0)
        ctx->opt[SKD_OPT_WHITE_REF_Y] = level;
    /* at its own scale when the scales agree (common_band is then none) */
    st = analyze_in_band(ctx, after, spec,
                         same_scale(scale) ? 0 : before->px_per_mm / scale,
                         common_band(before->px_per_mm, scale), out);
    ctx->opt[SKD_OPT_WHITE_REF_Y] = saved_y;
    if (st == SKD_OK && !same_scale(scale))
        scale_source_from(*out, before);
    return st;
}

int skd_compare_analyze(skd_ctx *ctx, const skd_image *before,
                        const skd_region_spec *bspec, const skd_image *after,
                        const skd_region_spec *aspec, skd_comparison *c)
{
    double level;
    int assumed;
    band b = common_band(skd_ctx_scale(ctx, &assumed), c->transform.scale);
    int st = analyze_in_band(ctx, before, bspec, 0, b, &c->before);
    if (st != SKD_OK) {
        skd_message_prefix(ctx, "before photo");
        return st;
    }
    st = skd_white_ref_after_level(ctx, c->before, after, aspec, &level);
    if (st == SKD_OK)
        st = analyze_after(ctx, after, aspec, c->before, c->transform.scale,
                           level, &c->after);
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

/* Whether tile t of g answers for the alignment: every tile, or with an
 * align ROI (SKD_OPT_ALIGN_ROI_*) the tiles whose centre lies in it, the
 * part the user said moved as one piece. */
static int tile_in_align_part(const skd_ctx *ctx, const skd_tile_grid *g,
                              size_t t)
{
    double w = skd_opt(ctx, SKD_OPT_ALIGN_ROI_W);
    double h = skd_opt(ctx, SKD_OPT_ALIGN_ROI_H);
    double x0 = skd_opt(ctx, SKD_OPT_ALIGN_ROI_X);
    double y0 = skd_opt(ctx, SKD_OPT_ALIGN_ROI_Y);
    double cx = ((double)(t % g->tiles_x) + 0.5) * g->tile_px - 0.5;
    double cy = ((double)(t / g->tiles_x) + 0.5) * g->tile_px - 0.5;
    if (w == 0 || h == 0 || skd_opt(ctx, SKD_OPT_ASSUME_ALIGNED) != 0)
        return 1;
    return cx >= x0 - 0.5 && cx < x0 + w - 0.5 && cy >= y0 - 0.5 &&
           cy < y0 + h - 0.5;
}

/* Per-tile residuals; tiles whose residual is above the limit leave the
 * grid (they compare skin that moved). The median is taken over the tiles
 * the alignment answers for (tile_in_align_part): with an align ROI the
 * rest of the face may have moved, and its tiles are only left out. A
 * registered pair whose median residual is not below SKD_OPT_MAX_RESIDUAL
 * is refused; assumed aligned, the acquisition check reports it. */
static int residuals(skd_ctx *ctx, skd_comparison *c, const skd_frame_map *a2b,
                     skd_tile_grid *g)
{
    skd_acquisition *q = &c->acquisition;
    double drop = skd_opt(ctx, SKD_OPT_MAX_TILE_SHIFT);
    float *sorted;
    size_t n = 0, n_part = 0;
    int st;
    c->tile_residual = skd_malloc_array(ctx, g->n_tiles ? g->n_tiles : 1,
                                        sizeof *c->tile_residual);
    sorted = skd_malloc_array(ctx, g->n_tiles ? g->n_tiles : 1, sizeof *sorted);
    if (!c->tile_residual || !sorted) {
        skd_dealloc(ctx, sorted);
        return SKD_E_NOMEM;
    }
    st = skd_tile_residuals(ctx, c->before, c->after, a2b, g, c->tile_residual);
    q->residual_median_px = q->residual_max_px = NAN;
    q->tiles_dropped = 0;
    for (size_t t = 0; t < g->n_tiles && st == SKD_OK; t++) {
        float r = c->tile_residual[t];
        if (isnan(r))
            continue;
        n++;
        if (!(r <= q->residual_max_px))
            q->residual_max_px = r;
        if (tile_in_align_part(ctx, g, t))
            sorted[n_part++] = r;
        if (!(r <= drop)) {
            g->used[t] = 0;
            g->n_used--;
            q->tiles_dropped++;
        }
    }
    q->tiles_measured = (uint32_t)n;
    if (n_part == 0) /* an align ROI smaller than a tile: all tiles */
        for (size_t t = 0; t < g->n_tiles; t++)
            if (!isnan(c->tile_residual[t]))
                sorted[n_part++] = c->tile_residual[t];
    if (n_part > 0)
        q->residual_median_px = skd_median_float(sorted, n_part);
    skd_dealloc(ctx, sorted);
    if (st == SKD_OK && skd_opt(ctx, SKD_OPT_ASSUME_ALIGNED) == 0 && n > 0 &&
        !(q->residual_median_px < skd_opt(ctx, SKD_OPT_MAX_RESIDUAL)))
        st = skd_fail(ctx, SKD_E_ALIGN,
                      "cannot align: the skin moved between the photos (after "
                      "the best similarity transform, 5 mm patches %sare still "
                      "%.1f px apart, median; the limit is %.1f px)",
                      n_part < n ? "of the align ROI " : "",
                      q->residual_median_px, skd_opt(ctx, SKD_OPT_MAX_RESIDUAL));
    return st;
}

/* Tiles, paired differences, intervals and verdicts. */
static int judge_changes(skd_ctx *ctx, skd_comparison *c, const skd_frame_map *a2b,
                         const skd_photo_samples photo[2],
                         const skd_image *img[2], const skd_metrics *mb,
                         const skd_metrics *ma)
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
    if (st == SKD_OK)
        st = residuals(ctx, c, a2b, &g);
    if (st == SKD_OK)
        st = skd_tone_slope(ctx, &g, img[0], photo[0].lut, c->common_before,
                            &((const comparison_box *)c)->white_ref[0],
                            img[1], photo[1].lut, c->common_after,
                            &((const comparison_box *)c)->white_ref[1],
                            &c->acquisition.tone_slope,
                            &c->acquisition.tone_spread);
    if (st != SKD_OK) {
        skd_tile_grid_free(ctx, &g);
        return st;
    }
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
            skd_change_judge(ctx, &c->change[m], id, mb, ma, lo, hi,
                             c->acquisition.colour_calibrated);
    }
    if (st == SKD_OK) {
        skd_red_threshold_apply(ctx, &c->change[SKD_METRIC_RED_AREA],
                                skd_red_threshold_floor(b, c->common_before,
                                                        a, c->common_after));
        skd_pore_count_judge(ctx, c->change, mb, ma);
        skd_acquisition_judge(ctx, c);
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
    if (st == SKD_OK) {
        const comparison_box *box = (const comparison_box *)c;
        skd_acquisition_measure(c, before, after, &box->white_ref[0],
                                &box->white_ref[1], lut[0], lut[1],
                                &c->acquisition);
        skd_acquisition_resolution(ctx, c, &c->acquisition);
        const skd_image *img[2] = {before, after};
        st = judge_changes(ctx, c, &a2b, photo, img, &mb, &ma);
    }
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
    box->pub.replicates.n_before = box->pub.replicates.n_after = 1;
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        box->pub.replicates.sd[m] = box->pub.replicates.floor[m] = NAN;
    return &box->pub;
}

/* The last steps of both entry points: measure (when st is SKD_OK), then
 * hand the comparison over or free it. */
static int measure_and_hand_over(skd_ctx *ctx, skd_comparison *c,
                                 const skd_image *before,
                                 const skd_image *after, int st,
                                 skd_comparison **out)
{
    if (st == SKD_OK)
        st = skd_compare_measured(ctx, c, before, after);
    if (st != SKD_OK) {
        skd_comparison_free(c);
        return st;
    }
    *out = c;
    return SKD_OK;
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
    skd_compare_set_white_refs(c, before_spec ? &before_spec->white_ref : NULL,
                               after_spec ? &after_spec->white_ref : NULL);
    st = find_transform(ctx, before, after, &c->transform);
    if (st == SKD_OK)
        st = skd_compare_analyze(ctx, before, before_spec, after, after_spec,
                                 c);
    return measure_and_hand_over(ctx, c, before, after, st, out);
}

int skd_compare_analyses(skd_ctx *ctx, const skd_image *before,
                         const skd_region_spec *before_spec,
                         skd_analysis *before_analysis,
                         const skd_image *after,
                         const skd_region_spec *after_spec,
                         skd_analysis *after_analysis,
                         skd_comparison **out)
{
    comparison_box *box;
    skd_comparison *c;
    double level = 0;
    int st;

    if (!ctx)
        return SKD_E_INVALID;
    if (!out || !before || !after || !before->rgb || !after->rgb ||
        !before_analysis)
        return skd_fail(ctx, SKD_E_INVALID,
                        "compare: missing photo, analysis or output");
    *out = NULL;
    c = skd_comparison_new(ctx);
    if (!c)
        return SKD_E_NOMEM;
    box = (comparison_box *)c;
    skd_compare_set_white_refs(c, before_spec ? &before_spec->white_ref : NULL,
                               after_spec ? &after_spec->white_ref : NULL);
    c->before = before_analysis;
    box->borrowed = BORROWED_BEFORE;
    st = find_transform(ctx, before, after, &c->transform);
    if (st == SKD_OK && !same_scale(c->transform.scale)) {
        /* The borrowed analysis is in the before photo's own band: measure
         * it again in the pair's common band. */
        skd_analysis *own = NULL;
        st = analyze_in_band(ctx, before, before_spec,
                             before_analysis->px_per_mm,
                             common_band(before_analysis->px_per_mm,
                                         c->transform.scale), &own);
        if (st == SKD_OK) {
            scale_source_from(own, before_analysis);
            c->before = own;
            box->borrowed = 0;
        } else {
            skd_message_prefix(ctx, "before photo");
        }
    }
    if (st == SKD_OK &&
        (st = skd_white_ref_after_level(ctx, c->before, after, after_spec,
                                        &level)) != SKD_OK)
        skd_message_prefix(ctx, "after photo");
    if (st == SKD_OK && after_analysis && same_scale(c->transform.scale) &&
        level == 0 && after_analysis->px_per_mm == before_analysis->px_per_mm) {
        c->after = after_analysis;
        box->borrowed |= BORROWED_AFTER;
    } else if (st == SKD_OK) {
        st = analyze_after(ctx, after, after_spec, c->before,
                           c->transform.scale, level, &c->after);
        if (st != SKD_OK)
            skd_message_prefix(ctx, "after photo");
    }
    return measure_and_hand_over(ctx, c, before, after, st, out);
}
