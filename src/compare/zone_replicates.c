/* Facial zones with replicates (docs/comparing.md, "Replicates"): each
 * zone is reported as the whole region is, the change of the sessions'
 * mean figures of that zone, with the interval and floor of the zone's
 * own spread across the photos. A zone is one piece of skin: the first
 * before photo's zones, mapped through the registrations onto every other
 * photo, so the spread holds photo-to-photo noise and not the jitter of
 * landmarks found anew on each shot (the first photos' pair maps its
 * zones the same way). */
#include <math.h>
#include <string.h>

#include "compare.h"

/* What the floor_source says where a zone's own replicates give no
 * spread for a metric but the whole region's do. */
#define SOURCE_WHOLE_REPLICATES "replicates (whole region)"

void skd_zone_acc_init(skd_zone_acc *acc)
{
    for (int z = 0; z < SKD_ZONE_COUNT; z++)
        skd_session_acc_init(&acc->zone[z]);
}

/* The rule that makes a zone too small for an interval in a comparison
 * (fewer than 2 tiles) also keeps a replicate's zone out of the means: a
 * zone cut to a sliver by the replicate's framing or mask is too noisy a
 * figure to average with whole zones. */
static int zone_counts(const skd_zone_change *zc)
{
    return zc->measured && zc->tiles_used >= 2;
}

int skd_zone_acc_add(skd_ctx *ctx, skd_zone_acc *acc, const skd_comparison *w,
                     const skd_image *first, const skd_image *other,
                     const skd_zones *z1)
{
    skd_zone_comparison *wz = skd_malloc(ctx, sizeof *wz);
    int st;
    if (!wz)
        return SKD_E_NOMEM;
    st = skd_compare_zones(ctx, w, first, other, z1, NULL, wz);
    for (int z = 1; z < SKD_ZONE_COUNT && st == SKD_OK; z++)
        if (zone_counts(&wz->zone[z]))
            skd_session_acc_add(&acc->zone[z], wz->zone[z].change);
    if (st != SKD_OK)
        skd_message_prefix(ctx, "zones");
    skd_dealloc(ctx, wz);
    return st;
}

int skd_zones_onto_after(skd_ctx *ctx, const skd_comparison *c,
                         const skd_zones *zb, skd_zones *out)
{
    const skd_analysis *b = c->before, *a = c->after;
    skd_frame_map a2b;
    size_t n = (size_t)a->width * a->height;
    memset(out, 0, sizeof *out);
    out->width = a->width;
    out->height = a->height;
    out->source = zb->source;
    if (!zb->labels)
        return SKD_OK;
    if (!(out->labels = skd_malloc(ctx, n)))
        return SKD_E_NOMEM;
    skd_frame_map_from_transform(&c->transform, a->width, a->height, b->width,
                                 b->height, &a2b);
    skd_zone_labels_onto(zb, NULL, a->width, a->height, &a2b, out->labels);
    for (size_t i = 0; i < n; i++)
        out->zone_pixels[out->labels[i]]++;
    return SKD_OK;
}

/* Metrics the zone's replicates gave no spread for: the whole region's
 * replicates' floor at the zone's figure, said so. */
static void whole_region_floors(const skd_ctx *ctx, const skd_comparison *c,
                                const skd_replicates *r, skd_change *change)
{
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        double f;
        if (r->df[m] > 0)
            continue;
        f = skd_replicates_floor(ctx, c, (skd_metric_id)m, change[m].before);
        if (!isfinite(f))
            continue;
        skd_change_refloor(&change[m], f, 1);
        change[m].floor_source = SOURCE_WHOLE_REPLICATES;
    }
}

void skd_zone_means(const skd_ctx *ctx, const skd_comparison *c,
                    const skd_zone_acc *acc, skd_zone_comparison *zones)
{
    memcpy(zones->zone[SKD_ZONE_WHOLE].change, c->change, sizeof c->change);
    zones->replicates[SKD_ZONE_WHOLE] = c->replicates;
    for (int z = 1; z < SKD_ZONE_COUNT; z++) {
        skd_zone_change *zn = &zones->zone[z];
        skd_replicates *r = &zones->replicates[z];
        memset(r, 0, sizeof *r);
        for (int m = 0; m < SKD_METRIC_COUNT; m++)
            r->sd[m] = r->floor[m] = r->pair_change[m] = r->pair_ci_low[m] =
                r->pair_ci_high[m] = NAN;
        if (!zn->measured)
            continue;
        /* a zone too small in the first photos keeps their figures */
        if (acc && zone_counts(zn)) {
            r->n_before = acc[0].zone[z].photos;
            r->n_after = acc[1].zone[z].photos;
            skd_replicates_means(ctx, c->acquisition.colour_calibrated,
                                 zn->area_cm2, &acc[0].zone[z],
                                 &acc[1].zone[z], zn->change, r);
        }
        whole_region_floors(ctx, c, r, zn->change);
    }
}
