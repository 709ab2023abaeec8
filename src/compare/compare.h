/* Private comparison module: the pieces of skd_compare (docs/comparing.md,
 * steps 1-6), each testable on hand-built data. */
#ifndef SKD_COMPARE_H
#define SKD_COMPARE_H

#include <stdint.h>

#include "../colour/colour.h"
#include "../core/core.h"
#include "../core/rng.h"

/* ---- geometry ---------------------------------------------------------- */

/* x' = m[0] x + m[1] y + tx,  y' = m[2] x + m[3] y + ty. */
typedef struct skd_frame_map {
    double m[4];
    double tx, ty;
} skd_frame_map;

/* The after -> before map of a skd_transform for photos of the given sizes:
 * p_b = scale * R * (p_a - c_a) + c_b + (dx, dy) with R = [c -s; s c]
 * (c = cos, s = sin of rotation_deg) acting on (x, y) in image coordinates
 * (y down), the convention of skd_register and skd_synth. */
void skd_frame_map_from_transform(const skd_transform *t, uint32_t after_w,
                               uint32_t after_h, uint32_t before_w,
                               uint32_t before_h, skd_frame_map *after_to_before);
/* Inverse map; a similarity with scale > 0 is always invertible. */
void skd_frame_map_invert(const skd_frame_map *a, skd_frame_map *inv);

static inline void skd_frame_map_apply(const skd_frame_map *a, double x, double y,
                                    double *ox, double *oy)
{
    *ox = a->m[0] * x + a->m[1] * y + a->tx;
    *oy = a->m[2] * x + a->m[3] * y + a->ty;
}

/* Common region (docs/comparing.md):
 *   cb = rb AND {p_b : nearest after pixel of T^-1(p_b) is in ra}
 *   ca = ra AND {p_a : nearest before pixel of T(p_a) is in rb}
 * cb is before_w x before_h, ca is after_w x after_h, both filled with 0/1.
 * Pixel centres sit on integer coordinates; "nearest" rounds half up. */
void skd_common_masks(const uint8_t *rb, uint32_t before_w, uint32_t before_h,
                      const uint8_t *ra, uint32_t after_w, uint32_t after_h,
                      const skd_frame_map *after_to_before, uint8_t *cb,
                      uint8_t *ca, uint64_t *count_b, uint64_t *count_a);

/* ---- tiles ------------------------------------------------------------- */

typedef struct skd_bbox {
    uint32_t x0, y0, x1, y1; /* inclusive; empty when x0 > x1 */
} skd_bbox;

/* Square tiles of side tile_px in the before frame. The grid is anchored at
 * the outer corner of pixel (0,0): tile (tx, ty) covers before positions
 * [tx*tile_px - 0.5, (tx+1)*tile_px - 0.5) in x, likewise in y, so a pixel
 * centre (x, y) lies in tile floor((x + 0.5) / tile_px). An after pixel
 * belongs to the tile its mapped centre T(p_a) falls in. */
typedef struct skd_tile_grid {
    double tile_px;
    uint32_t tiles_x, tiles_y, n_tiles;
    uint64_t *count_b;   /* cb pixels per tile */
    uint64_t *count_a;   /* ca pixels mapped into each tile */
    skd_bbox *bbox_b;    /* before-frame box of the tile's cb pixels */
    skd_bbox *bbox_a;    /* after-frame box of the ca pixels mapped in */
    int32_t *after_tile; /* per after pixel: its tile, -1 if none / not ca */
    uint8_t *used;       /* per tile: 1 when covered in both photos */
    uint32_t n_used;
} skd_tile_grid;

/* Fraction of the nominal tile area that must be covered in each photo. */
#define SKD_TILE_MIN_COVER 0.8

/* Tile index of a before-frame coordinate along one axis, or -1 outside
 * [0, n_tiles). */
int32_t skd_tile_index(double pos, double tile_px, uint32_t n_tiles);

/* Build the grid over a before photo of before_w x before_h. A tile is used
 * when cb covers >= 80% of the nominal tile area tile_px^2 and the ca
 * pixels mapped into it, each worth scale^2 before-pixels, cover >= 80% as
 * well. The nominal area is used even for tiles cut by the image edge, so
 * edge tiles rarely count: a partial tile would give a noisier paired
 * difference with the same weight in the bootstrap. */
int skd_tile_grid_build(skd_ctx *ctx, double tile_px, const uint8_t *cb,
                        uint32_t before_w, uint32_t before_h,
                        const uint8_t *ca, uint32_t after_w, uint32_t after_h,
                        const skd_frame_map *after_to_before, double scale,
                        skd_tile_grid *grid);
void skd_tile_grid_free(skd_ctx *ctx, skd_tile_grid *grid);

/* ---- figures ----------------------------------------------------------- */

/* The figure of metric m in the unit of skd_metric_unit(m): the area
 * fractions (pore area, red area) are given in percent of the region. */
double skd_metric_value(const skd_metrics *mt, skd_metric_id m);

/* A sub-analysis holding a copy of the planes of src inside box (pore
 * coordinates shifted), so a tile is measured in time proportional to its
 * size, and the photo's samples under the box (not copied). Buffers are
 * owned by the crop and grow as needed. */
typedef struct skd_analysis_crop {
    skd_analysis view;
    skd_photo_samples photo;
    uint8_t *include;
    size_t cap_px, cap_pores;
    /* The source's pores ordered by centre row (then by index), so a box
     * finds its pores by binary search; made on first use for a source. */
    const skd_analysis *indexed;
    uint32_t *by_row, *found;
} skd_analysis_crop;

int skd_analysis_crop_set(skd_ctx *ctx, const skd_analysis *src,
                          const skd_photo_samples *src_photo,
                          const skd_bbox *box, skd_analysis_crop *crop);
void skd_analysis_crop_free(skd_ctx *ctx, skd_analysis_crop *crop);

/* Per-tile figures of the used tiles: diff[k * SKD_METRIC_COUNT + m] is
 * after - before of metric m in the k-th used tile (row-major order), NaN
 * when undefined (pore diameter in a tile without pores on either side).
 * tile_change (may be NULL) receives the same values laid out as in
 * skd_comparison, NaN for tiles not used. A tile's red area counts the
 * analysis' red pixels (against their local background). pb / pa are
 * the samples of the photos the analyses were made from. */
int skd_tile_differences(skd_ctx *ctx, const skd_analysis *before,
                         const skd_photo_samples *pb,
                         const skd_analysis *after,
                         const skd_photo_samples *pa, const uint8_t *cb,
                         const skd_tile_grid *grid, double *diff,
                         float *tile_change);

/* ---- uncertainty and verdict ------------------------------------------ */

/* 95% bootstrap interval of a change. The statistic is the mean of n tile
 * differences d resampled with replacement n_boot times; the interval is
 * the 2.5 / 97.5 percentile range of those means (linear interpolation
 * between order statistics) shifted so that it is centred on `change`, the
 * figure over the whole common region, rather than on mean(d):
 *   [change + q2.5 - mean(d), change + q97.5 - mean(d)].
 * Non-finite d are left out. With fewer than 2 finite d the interval is
 * NaN. d is read with the given stride (in doubles). */
int skd_bootstrap_interval(skd_ctx *ctx, const double *d, size_t n,
                           size_t stride, double change, uint32_t n_boot,
                           uint64_t seed, double *lo, double *hi);

/* The seed a metric's bootstrap uses, so each metric's interval does not
 * depend on the others: a splitmix64 step of seed + metric. */
uint64_t skd_metric_seed(uint64_t seed, skd_metric_id m);

/* Noise floor of metric m, in its unit, from the context's options and the
 * before figure (relative floors are a percentage of |before|); a* and EI
 * take the uncalibrated floors unless calibrated. *source (may be NULL)
 * names the floors used. */
double skd_noise_floor(const skd_ctx *ctx, skd_metric_id m, double before,
                       int calibrated, const char **source);

/* improved: hi < 0 and change <= -floor; worsened: lo > 0 and
 * change >= floor; anything else (NaN included): no significant change. */
skd_verdict skd_judge(double change, double lo, double hi, double floor);

/* One metric's change from the two sessions' figures and the tile
 * interval [lo, hi]: the pore density interval widened by the counts'
 * Poisson uncertainty, the floor (calibrated or not) and its source, the
 * verdict; no reason yet. */
void skd_change_judge(const skd_ctx *ctx, skd_change *ch, skd_metric_id m,
                      const skd_metrics *mb, const skd_metrics *ma, double lo,
                      double hi, int calibrated);

/* Whether metric m's floors are a percentage of its before figure (Sa,
 * Sq, the pore figures), and whether it is a colour figure (a*, EI). */
int skd_metric_relative_floor(skd_metric_id m);
int skd_metric_colour(skd_metric_id m);

/* A new floor for a judged change: the verdict is judged again unless it
 * is inconclusive; with replicates != 0 the source becomes "replicates". */
void skd_change_refloor(skd_change *ch, double floor, int replicates);

/* The red area's threshold floor (red_floor.c), in points: half the share
 * of each photo's selected pixels near the red threshold
 * (skd_analysis.red_near), the larger of the two; NaN without the planes.
 * sel_b and sel_a are width*height selections within R. */
double skd_red_threshold_floor(const skd_analysis *b, const uint8_t *sel_b,
                               const skd_analysis *a, const uint8_t *sel_a);
/* The same from counts: near_x of n_x selected pixels near the threshold
 * in each photo (n_x = 0: that photo gives none). */
double skd_red_threshold_floor_of(uint64_t near_b, uint64_t n_b,
                                  uint64_t near_a, uint64_t n_a);
/* Raise a judged red-area change's floor to `floor` when it is larger
 * (source "red threshold"), and judge it again; not with a floors file,
 * whose measured floor stands (as the replicates' does, set later). */
void skd_red_threshold_apply(const skd_ctx *ctx, skd_change *ch,
                             double floor);

/* The replicates' floor of metric m at the figure `before` (relative
 * metrics scale with it): t(0.975, df) sqrt(2) SD from c->replicates; NaN
 * where they measured no spread, and for uncalibrated a* and EI when the
 * assumed floor is larger (it stays). */
double skd_replicates_floor(const skd_ctx *ctx, const skd_comparison *c,
                            skd_metric_id m, double before);
/* Every metric of change[] (the whole region's or a zone's) refloored
 * with skd_replicates_floor at its own before figure. */
void skd_replicates_refloor(const skd_ctx *ctx, const skd_comparison *c,
                            skd_change *change);

/* Per metric, a session's within-session changes (each other photo
 * against its first): their sum and sum of squares over the photos that
 * measured it (k, the first photo's 0 included); relative metrics in
 * percent of the first photo's figure. photos: the photos that counted. */
typedef struct skd_session_acc {
    double sum[SKD_METRIC_COUNT], sum2[SKD_METRIC_COUNT];
    uint32_t k[SKD_METRIC_COUNT];
    uint32_t photos;
} skd_session_acc;

/* Just the first photo. */
void skd_session_acc_init(skd_session_acc *acc);
/* One more photo's within-session changes (a non-finite one is left out
 * for its metric). */
void skd_session_acc_add(skd_session_acc *acc, const skd_change *change);

/* The sessions' means (docs/comparing.md, "Replicates"): change[] holds
 * the first photos' figures and interval (the whole region's or a zone's);
 * per metric with a degree of freedom, before and after become the
 * sessions' means, the interval t(0.975, df) sqrt(sd_b^2/n_b + sd_a^2/n_a)
 * (pore density widened by the counts over area_cm2), the floor the
 * replicates' (source "replicates") and the verdict judged again; r gets
 * df, sd, floor and the first photos' change and interval (pair_*), not
 * n_before / n_after. */
void skd_replicates_means(const skd_ctx *ctx, int calibrated, double area_cm2,
                          const skd_session_acc *sb, const skd_session_acc *sa,
                          skd_change *change, skd_replicates *r);
/* skd_replicates_floor from any replicates r (a zone's). */
double skd_replicates_floor_of(const skd_ctx *ctx, const skd_replicates *r,
                               int calibrated, skd_metric_id m, double before);

/* ---- zones with replicates (zone_replicates.c) ------------------------ */

/* A session's within-session changes per zone. */
typedef struct skd_zone_acc {
    skd_session_acc zone[SKD_ZONE_COUNT];
} skd_zone_acc;

void skd_zone_acc_init(skd_zone_acc *acc);
/* The zones z1 of a session's first photo (first) compared in w (first
 * against one of its replicates, other): every zone with common skin and
 * at least 2 tiles adds its within-session changes to acc. */
int skd_zone_acc_add(skd_ctx *ctx, skd_zone_acc *acc, const skd_comparison *w,
                     const skd_image *first, const skd_image *other,
                     const skd_zones *z1);
/* The before photo's zones zb of comparison c on the after photo's frame:
 * each after pixel labelled as the before pixel nearest to its mapped
 * centre (0 outside the before frame). *out is filled in place (no
 * landmarks); its labels are the caller's to skd_dealloc (not
 * skd_zones_free: *out was not made by the face module). */
int skd_zones_onto_after(skd_ctx *ctx, const skd_comparison *c,
                         const skd_zones *zb, skd_zones *out);
/* The sessions' means of every zone of zones (the first photos', from
 * skd_compare_zones) from acc[0] (before session) and acc[1] (after; acc
 * NULL: no zone replicates), c being the comparison whose means are
 * already made; zone whole becomes c's own. */
void skd_zone_means(const skd_ctx *ctx, const skd_comparison *c,
                    const skd_zone_acc *acc, skd_zone_comparison *zones);

/* The before photo's zone label at each after pixel where `where` is set
 * (NULL: every pixel), 0 elsewhere (zone_compare.c). */
void skd_zone_labels_onto(const skd_zones *zb, const uint8_t *where,
                          uint32_t aw, uint32_t ah, const skd_frame_map *a2b,
                          uint8_t *out);

/* Student's t quantile 0.975 at df >= 1 degrees of freedom (replicates.c):
 * a table to 30, then its Cornish-Fisher expansion (within 1e-3). */
double skd_t975(uint32_t df);

/* Fill one skd_change from the two figures, the interval and the floor. */
void skd_change_fill(skd_change *c, double before, double after, double lo,
                     double hi, double floor);

/* ---- registration residual, acquisition check, counts ------------------ */

/* Per used tile of g, the local shift (before pixels) left between the
 * texture planes of b and a once a2b is applied, by phase correlation over
 * a window of about a tile centred on the tile (residual.c); residual has
 * g->n_tiles entries, NaN for tiles not used. */
int skd_tile_residuals(skd_ctx *ctx, const skd_analysis *b,
                       const skd_analysis *a, const skd_frame_map *a2b,
                       const skd_tile_grid *g, float *residual);

/* Fills the measured part of c->acquisition (not the residual, not the
 * flags) from the common masks, the analyses and the photos, each photo's
 * colour through its own conversion lut_b / lut_a (profile and white
 * reference: what is left of a light difference after the correction);
 * ref_b / ref_a are the white references (NULL or w == 0: none). */
void skd_acquisition_measure(const skd_comparison *c, const skd_image *before,
                             const skd_image *after, const skd_roi *ref_b,
                             const skd_roi *ref_a, const skd_colour_lut *lut_b,
                             const skd_colour_lut *lut_a, skd_acquisition *q);
/* The luminance the after photo's white reference is brought to
 * (SKD_OPT_WHITE_REF_Y for its analysis), so that it reads as bright as
 * the before photo's and the after photo is measured as if exposed like
 * it: the before reference's kept Y, when both photos have a reference,
 * no level was asked for, and the two differ by more than
 * SKD_WHITE_REF_SAME_Y; else 0 (the after photo analysed as it is, so
 * that a batch's own analysis of it serves). */
#define SKD_WHITE_REF_SAME_Y 0.002
int skd_white_ref_after_level(skd_ctx *ctx, const skd_analysis *before,
                              const skd_image *after,
                              const skd_region_spec *spec, double *level);
/* The resolution item of c->acquisition (resolution.c): resolution_ratio
 * and pores_unresolved, from the analyses, their pores and the common
 * masks. */
void skd_acquisition_resolution(const skd_ctx *ctx, const skd_comparison *c,
                                skd_acquisition *q);
/* Sets c->acquisition.flags from the limits (SKD_OPT_MAX_*) and, unless
 * SKD_OPT_ACQ_CHECK is 0, makes the affected verdicts inconclusive with
 * their reasons. */
void skd_acquisition_judge(const skd_ctx *ctx, skd_comparison *c);
/* Its two halves: the flags of q from the limits; the affected verdicts of
 * change[SKD_METRIC_COUNT] made inconclusive (unless SKD_OPT_ACQ_CHECK is
 * 0), e.g. a facial zone's. */
void skd_acquisition_flags(const skd_ctx *ctx, skd_acquisition *q);
void skd_acquisition_apply(const skd_ctx *ctx, const skd_acquisition *q,
                           skd_change *change);
/* Pore verdicts of change[] inconclusive when either common region has
 * fewer than SKD_OPT_MIN_PORES pores. */
void skd_pore_count_judge(const skd_ctx *ctx, skd_change *change,
                          const skd_metrics *mb, const skd_metrics *ma);
/* The pore density interval widened by the counts' Poisson uncertainty. */
void skd_pore_poisson_widen(skd_change *ch, const skd_metrics *mb,
                            const skd_metrics *ma);

/* The tone slope of the pair (tone.c): the least-squares slope of the
 * used tiles' mean l (100 ln Y, each photo through its own conversion)
 * in the after photo on the same tiles' in the before photo, and the
 * spread (SD) of the before tiles' means; with white references ref_b and
 * ref_a in both photos (NULL or w == 0: none) their mean l is one more
 * point of both. Both NaN with fewer than 3 tiles. */
int skd_tone_slope(skd_ctx *ctx, const skd_tile_grid *g,
                   const skd_image *before, const skd_colour_lut *lut_b,
                   const uint8_t *cb, const skd_roi *ref_b,
                   const skd_image *after, const skd_colour_lut *lut_a,
                   const uint8_t *ca, const skd_roi *ref_a, double *slope,
                   double *spread);

/* ---- registration on a part ------------------------------------------ */

/* skd_register, restricted to the rectangle SKD_OPT_ALIGN_ROI_* of the
 * before photo when its width and height are set (align_part.c); t is
 * the whole photos' transform. */
int skd_register_part(skd_ctx *ctx, const skd_image *before,
                      const skd_image *after, skd_transform *t);

/* ---- the whole comparison -------------------------------------------- */

/* An empty result that remembers ctx's allocator (skd_comparison_free
 * needs no context). */
skd_comparison *skd_comparison_new(skd_ctx *ctx);

/* Step 2: analyse both photos into c->before and c->after with the
 * context's options. The after photo is analysed at its own scale,
 * px_per_mm / c->transform.scale, so that mm-sized filters and areas mean
 * the same skin in both photos; thresholds are the same. */
int skd_compare_analyze(skd_ctx *ctx, const skd_image *before,
                        const skd_region_spec *bspec, const skd_image *after,
                        const skd_region_spec *aspec, skd_comparison *c);

/* Steps 3-8 of skd_compare once c->transform, c->before and c->after are
 * set: common region, figures, tiles, residuals, intervals, verdicts and
 * the acquisition check. before and after are the photos the analyses were
 * made from (the erythema values are read from their samples). The white
 * references are those skd_compare_set_white_refs gave (none by
 * default). */
void skd_compare_set_white_refs(skd_comparison *c, const skd_roi *before,
                                const skd_roi *after);
int skd_compare_measured(skd_ctx *ctx, skd_comparison *c,
                         const skd_image *before, const skd_image *after);

#endif
