/* Zones in a comparison (docs/zones.md): each zone of the before photo is
 * mapped onto the after photo through the registration as the tiles are,
 * and measured, tiled, bootstrapped and judged like the whole common
 * region. */
#include <math.h>
#include <string.h>

#include "../metrics/metrics.h"
#include "compare.h"

/* The label of the before pixel nearest to each after pixel's mapped
 * centre (rounding half up, as skd_common_masks does). */
void skd_zone_labels_onto(const skd_zones *zb, const uint8_t *where,
                          uint32_t aw, uint32_t ah, const skd_frame_map *a2b,
                          uint8_t *out)
{
    for (uint32_t y = 0; y < ah; y++)
        for (uint32_t x = 0; x < aw; x++) {
            size_t i = (size_t)y * aw + x;
            double bx, by, fx, fy;
            out[i] = 0;
            if (where && !where[i])
                continue;
            skd_frame_map_apply(a2b, x, y, &bx, &by);
            fx = floor(bx + 0.5);
            fy = floor(by + 0.5);
            if (fx >= 0 && fy >= 0 && fx < zb->width && fy < zb->height)
                out[i] = zb->labels[(size_t)fy * zb->width + (size_t)fx];
        }
}

/* m = common AND (labels == zone); returns the pixel count, and in *near
 * those of them near the red threshold (an->red_near; 0 without it). */
static uint64_t select_zone(const skd_analysis *an, const uint8_t *common,
                            const uint8_t *labels, uint8_t zone, uint8_t *m,
                            uint64_t *near)
{
    size_t n = (size_t)an->width * an->height;
    uint64_t count = 0, close = 0;
    for (size_t i = 0; i < n; i++) {
        m[i] = common[i] && labels[i] == zone;
        count += m[i];
        close += m[i] && an->red_near && an->red_near[i];
    }
    *near = close;
    return count;
}

typedef struct zone_run {
    const skd_comparison *c;
    skd_frame_map a2b;
    skd_photo_samples photo[2];
    uint8_t *cb, *ca;          /* the zone's common pixels in each photo */
    uint64_t kb, ka;           /* their counts */
    uint64_t near_b, near_a;   /* those near the red threshold */
} zone_run;

/* The zone's figures, tiles, intervals and verdicts, as skd_compare does
 * for the whole common region. */
static int judge_zone(skd_ctx *ctx, zone_run *r, skd_zone_change *out)
{
    const skd_analysis *b = r->c->before, *a = r->c->after;
    uint32_t n_boot = (uint32_t)skd_opt(ctx, SKD_OPT_BOOTSTRAP_N);
    uint64_t seed = (uint64_t)skd_opt(ctx, SKD_OPT_SEED);
    skd_metrics mb, ma;
    skd_tile_grid g;
    double *diff = NULL;
    int st;

    /* NAN: red area counts the analyses' red pixels */
    st = skd_region_figures(ctx, b, &r->photo[0], r->cb, NAN, &mb, NULL);
    if (st == SKD_OK)
        st = skd_region_figures(ctx, a, &r->photo[1], r->ca, NAN, &ma, NULL);
    if (st != SKD_OK)
        return st;
    st = skd_tile_grid_build(ctx, skd_opt(ctx, SKD_OPT_TILE_MM) * b->px_per_mm,
                             r->cb, b->width, b->height, r->ca, a->width,
                             a->height, &r->a2b, r->c->transform.scale, &g);
    if (st != SKD_OK)
        return st;
    out->tiles_used = g.n_used;
    diff = skd_malloc_array(ctx, (size_t)SKD_METRIC_COUNT * (g.n_used + 1),
                            sizeof *diff);
    if (!diff)
        st = SKD_E_NOMEM;
    if (st == SKD_OK)
        st = skd_tile_differences(ctx, b, &r->photo[0], a, &r->photo[1], r->cb,
                                  &g, diff, NULL);
    for (int m = 0; m < SKD_METRIC_COUNT && st == SKD_OK; m++) {
        skd_metric_id id = (skd_metric_id)m;
        double vb = skd_metric_value(&mb, id), va = skd_metric_value(&ma, id);
        double lo, hi;
        st = skd_bootstrap_interval(ctx, diff + m, g.n_used, SKD_METRIC_COUNT,
                                    va - vb, n_boot, skd_metric_seed(seed, id),
                                    &lo, &hi);
        if (st == SKD_OK)
            skd_change_judge(ctx, &out->change[m], id, &mb, &ma, lo, hi,
                             r->c->acquisition.colour_calibrated);
    }
    /* the photos' acquisition holds for every zone; the pore count is the
     * zone's */
    if (st == SKD_OK) {
        skd_red_threshold_apply(ctx, &out->change[SKD_METRIC_RED_AREA],
                                skd_red_threshold_floor_of(
                                    r->near_b, b->red_near ? r->kb : 0,
                                    r->near_a, a->red_near ? r->ka : 0));
        skd_pore_count_judge(ctx, out->change, &mb, &ma);
        skd_acquisition_apply(ctx, &r->c->acquisition, out->change);
        /* the floors of the whole region: the replicates' when it has
         * them (the options' otherwise, a floors file included) */
        skd_replicates_refloor(ctx, r->c, out->change);
    }
    skd_dealloc(ctx, diff);
    skd_tile_grid_free(ctx, &g);
    return st;
}

/* The after landmarks mapped onto the before ones. */
static void landmark_residual(skd_ctx *ctx, const zone_run *r,
                              const skd_zones *zb, const skd_zones *za,
                              skd_zone_comparison *out)
{
    double sum = 0;
    if (!zb->has_landmarks || !za || !za->has_landmarks)
        return;
    for (int i = 0; i < SKD_LANDMARK_COUNT; i++) {
        double x, y;
        skd_frame_map_apply(&r->a2b, za->landmarks[i].x, za->landmarks[i].y,
                            &x, &y);
        sum += (x - zb->landmarks[i].x) * (x - zb->landmarks[i].x) +
               (y - zb->landmarks[i].y) * (y - zb->landmarks[i].y);
    }
    out->has_residual = 1;
    out->landmark_residual_px = sqrt(sum / SKD_LANDMARK_COUNT);
    out->landmark_residual_mm = out->landmark_residual_px / r->c->px_per_mm;
    out->residual_large = out->landmark_residual_mm >
                          skd_opt(ctx, SKD_OPT_LANDMARK_RESIDUAL);
}

static int check_args(skd_ctx *ctx, const skd_comparison *c,
                      const skd_image *before, const skd_image *after,
                      const skd_zones *zb, const skd_zones *za)
{
    if (!c || !c->before || !c->after || !c->common_before ||
        !c->common_after || !zb)
        return skd_fail(ctx, SKD_E_INVALID, "compare zones: no comparison "
                                            "or zones");
    if (!before || !after || !before->rgb || !after->rgb ||
        before->width != c->before->width ||
        before->height != c->before->height ||
        after->width != c->after->width || after->height != c->after->height)
        return skd_fail(ctx, SKD_E_INVALID, "compare zones: the photos are "
                                            "not those compared");
    if (zb->width != before->width || zb->height != before->height ||
        (za && (za->width != after->width || za->height != after->height)))
        return skd_fail(ctx, SKD_E_INVALID, "compare zones: zones and photo "
                                            "differ in size");
    return SKD_OK;
}

int skd_compare_zones(skd_ctx *ctx, const skd_comparison *c,
                      const skd_image *before, const skd_image *after,
                      const skd_zones *zb, const skd_zones *za,
                      skd_zone_comparison *out)
{
    const skd_analysis *b, *a;
    skd_colour_lut *lut[2] = {NULL, NULL};
    uint8_t *after_labels = NULL;
    zone_run r;
    size_t nb, na;
    int st;

    if (!ctx)
        return SKD_E_INVALID;
    if (!out)
        return skd_fail(ctx, SKD_E_INVALID, "compare zones: no output");
    memset(out, 0, sizeof *out);
    if ((st = check_args(ctx, c, before, after, zb, za)) != SKD_OK)
        return st;
    b = c->before;
    a = c->after;
    out->source = zb->source;
    out->zone[SKD_ZONE_WHOLE].measured = 1;
    out->zone[SKD_ZONE_WHOLE].area_cm2 = c->common_area_cm2;
    out->zone[SKD_ZONE_WHOLE].tiles_used = c->tiles_used;
    memcpy(out->zone[SKD_ZONE_WHOLE].change, c->change, sizeof c->change);
    memset(&r, 0, sizeof r);
    r.c = c;
    skd_frame_map_from_transform(&c->transform, a->width, a->height, b->width,
                                 b->height, &r.a2b);
    landmark_residual(ctx, &r, zb, za, out);
    if (!zb->labels)
        return SKD_OK;
    nb = (size_t)b->width * b->height;
    na = (size_t)a->width * a->height;
    /* each photo's colour as its analysis read it (profile, white
     * reference), so a zone's erythema index is the whole region's */
    if ((st = skd_colour_lut_for_analysis(ctx, before, b, &lut[0])) != SKD_OK ||
        (st = skd_colour_lut_for_analysis(ctx, after, a, &lut[1])) != SKD_OK)
        goto done;
    after_labels = skd_malloc(ctx, na);
    r.cb = skd_malloc(ctx, nb);
    r.ca = skd_malloc(ctx, na);
    if (!after_labels || !r.cb || !r.ca) {
        st = SKD_E_NOMEM;
        goto done;
    }
    for (int i = 0; i < 2; i++) {
        const skd_image *img = i ? after : before;
        r.photo[i].rgb = img->rgb;
        r.photo[i].stride = img->width;
        r.photo[i].log10_linear = lut[i]->log10_linear;
        r.photo[i].lut = lut[i];
    }
    skd_zone_labels_onto(zb, c->common_after, a->width, a->height, &r.a2b,
                         after_labels);
    for (int z = 1; z < SKD_ZONE_COUNT && st == SKD_OK; z++) {
        skd_zone_change *zc = &out->zone[z];
        r.kb = select_zone(b, c->common_before, zb->labels, (uint8_t)z,
                           r.cb, &r.near_b);
        r.ka = select_zone(a, c->common_after, after_labels, (uint8_t)z,
                           r.ca, &r.near_a);
        zc->area_cm2 = (double)r.kb / (b->px_per_mm * b->px_per_mm) / 100.0;
        if (r.kb == 0 || r.ka == 0) {
            for (int m = 0; m < SKD_METRIC_COUNT; m++)
                skd_change_fill(&zc->change[m], NAN, NAN, NAN, NAN, NAN);
            continue;
        }
        zc->measured = 1;
        st = judge_zone(ctx, &r, zc);
    }
done:
    skd_colour_lut_free(ctx, lut[0]);
    skd_colour_lut_free(ctx, lut[1]);
    skd_dealloc(ctx, after_labels);
    skd_dealloc(ctx, r.cb);
    skd_dealloc(ctx, r.ca);
    return st;
}
