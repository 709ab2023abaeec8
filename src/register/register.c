/* skd_register: the similarity mapping the after photo onto the before.
 *
 * 1. Both photos become band-passed log-luminance planes at a coarse level
 *    (long side <= COARSE_SIDE) and a fine one (long side <= FINE_SIDE).
 * 2. Coarse: Fourier-Mellin proposes rotation/scale hypotheses (each with
 *    its 180 degree twin, plus "no rotation, no scale"); phase correlation
 *    gives each one a shift; a few Gauss-Newton steps each, and the
 *    hypothesis whose mapped planes correlate best wins. When none is
 *    convincing, a rotation/scale grid adds its best hypotheses.
 * 3. Fine: Gauss-Newton again, from the coarse result.
 * 4. Confidence: the correlation r of the fine planes over their overlap,
 *    less its chance level c (what unrelated photos reach when searched),
 *    as (r - c) / (1 - c); 0 when the overlap is under 10% of the frame. */
#include <math.h>
#include <stdio.h>

#include "register.h"

#define COARSE_SIDE 512
#define FINE_SIDE 1024
#define MIN_PLANE_SIDE 32  /* coarse plane pixels */
#define BAND_S1 1.0        /* plane pixels */
#define BAND_S2 8.0
#define FLAT_SPREAD 0.01   /* percent contrast: below, nothing to align on */
#define FM_HYPOTHESES 3
#define MIN_OVERLAP 0.10   /* share of the before frame */
#define COARSE_ITER 30
#define FINE_ITER 15
#define SCORE_ITER 5
/* Below this score of the best Fourier-Mellin hypothesis the grid search
 * runs too (a correct hypothesis on a clean pair scores above 0.9). */
#define GRID_TRIGGER 0.5
#define GRID_KEEP 3
/* Chance level of the correlation, in standard deviations of the
 * correlation of unrelated planes (skd_reg_chance_level): the best of the
 * many matches the search tries reaches about 3-5 of them. */
#define CHANCE_K 4.0

static size_t max_side(const skd_image *a, const skd_image *b)
{
    size_t m = a->width > a->height ? a->width : a->height;
    if (b->width > m)
        m = b->width;
    return b->height > m ? b->height : m;
}

static unsigned factor_for(size_t side, size_t target)
{
    return (unsigned)((side + target - 1) / target);
}

static int image_ok(const skd_image *img)
{
    return img && img->rgb && img->width > 0 && img->height > 0;
}

/* A hypothesis after a few Gauss-Newton steps: wrong ones stay poor, the
 * right one sharpens, which separates them better than the raw peaks. */
static int score(skd_ctx *ctx, const skd_reg_plane *bef, const skd_reg_plane *aft,
                 skd_sim *sim, double *out)
{
    skd_reg_fit f;
    int st = skd_reg_refine(ctx, bef, aft, sim, SCORE_ITER, 2, &f);
    *out = f.overlap < MIN_OVERLAP ? -1.0 : f.ncc;
    return st;
}

static void keep_best(const skd_sim *cand, double sc, skd_sim *best,
                      double *best_score)
{
    if (sc > *best_score) {
        *best_score = sc;
        *best = *cand;
    }
}

/* Fourier-Mellin hypotheses, each with its 180 degree twin, and "no
 * rotation, no scale"; each gets its shift by phase correlation. */
static int fourier_mellin_hypotheses(skd_ctx *ctx, const skd_reg_plane *bef,
                                     const skd_reg_plane *aft, skd_sim *best,
                                     double *best_score)
{
    skd_reg_rs rs[FM_HYPOTHESES];
    size_t nrs = 0;
    int st = skd_reg_fourier_mellin(ctx, bef, aft, FM_HYPOTHESES, rs, &nrs);
    for (size_t k = 0; k < 2 * nrs + 1 && st == SKD_OK; k++) {
        double rot = 0.0, scale = 1.0, peak, sc;
        skd_sim cand;
        if (k > 0) {
            rot = rs[(k - 1) / 2].rotation_deg + ((k - 1) % 2 ? 180.0 : 0.0);
            scale = rs[(k - 1) / 2].scale;
        }
        st = skd_reg_translation(ctx, bef, aft, rot, scale, &cand, &peak);
        if (st == SKD_OK)
            st = score(ctx, bef, aft, &cand, &sc);
        if (st == SKD_OK)
            keep_best(&cand, sc, best, best_score);
    }
    return st;
}

/* The grid search runs on planes half the coarse resolution, where phase
 * correlation tolerates the grid's rotation and scale steps. */
static int grid_hypotheses(skd_ctx *ctx, const skd_image *before,
                           const skd_image *after, const skd_reg_plane *bef,
                           const skd_reg_plane *aft, skd_sim *best,
                           double *best_score)
{
    skd_reg_plane sb = {0}, sa = {0};
    skd_sim cand[GRID_KEEP];
    double peak[GRID_KEEP];
    size_t n = 0;
    unsigned fs = 2 * bef->factor;
    int st;
    if (before->width / fs < MIN_PLANE_SIDE || before->height / fs < MIN_PLANE_SIDE ||
        after->width / fs < MIN_PLANE_SIDE || after->height / fs < MIN_PLANE_SIDE)
        fs = bef->factor;
    st = skd_reg_plane_build(ctx, before, fs, BAND_S1, BAND_S2, &sb);
    if (st == SKD_OK)
        st = skd_reg_plane_build(ctx, after, fs, BAND_S1, BAND_S2, &sa);
    if (st == SKD_OK)
        st = skd_reg_grid_search(ctx, &sb, &sa, GRID_KEEP, cand, peak, &n);
    for (size_t k = 0; k < n && st == SKD_OK; k++) {
        skd_reg_fit f;
        skd_sim full;
        double sc;
        st = skd_reg_refine(ctx, &sb, &sa, &cand[k], COARSE_ITER, 1, &f);
        full = skd_sim_from_level(&cand[k], fs);
        cand[k] = skd_sim_to_level(&full, bef->factor);
        if (st == SKD_OK)
            st = score(ctx, bef, aft, &cand[k], &sc);
        if (st == SKD_OK)
            keep_best(&cand[k], sc, best, best_score);
    }
    skd_reg_plane_free(ctx, &sb);
    skd_reg_plane_free(ctx, &sa);
    return st;
}

/* Best hypothesis on the coarse planes, refined: *sim in coarse plane
 * coordinates. */
static int coarse_search(skd_ctx *ctx, const skd_image *before,
                         const skd_image *after, const skd_reg_plane *bef,
                         const skd_reg_plane *aft, skd_sim *sim,
                         skd_reg_fit *fit)
{
    double best_score = -2.0;
    int st;
    *sim = skd_sim_centred(0.0, 1.0, (double)bef->w, (double)bef->h,
                           (double)aft->w, (double)aft->h);
    st = fourier_mellin_hypotheses(ctx, bef, aft, sim, &best_score);
    if (st == SKD_OK && best_score < GRID_TRIGGER)
        st = grid_hypotheses(ctx, before, after, bef, aft, sim, &best_score);
    if (st == SKD_OK)
        st = skd_reg_refine(ctx, bef, aft, sim, COARSE_ITER, 1, fit);
    return st;
}

static int refine_fine(skd_ctx *ctx, const skd_image *before,
                       const skd_image *after, unsigned ff, skd_sim *sim_full,
                       skd_reg_fit *fit, double *sigma0)
{
    skd_reg_plane bef = {0}, aft = {0};
    double s = hypot(sim_full->a, sim_full->b);
    skd_sim sim = skd_sim_to_level(sim_full, ff);
    int st;
    /* Filter the after photo at the same physical scale as the before. */
    st = skd_reg_plane_build(ctx, before, ff, BAND_S1, BAND_S2, &bef);
    if (st == SKD_OK)
        st = skd_reg_plane_build(ctx, after, ff, BAND_S1 / s, BAND_S2 / s, &aft);
    if (st == SKD_OK)
        st = skd_reg_refine(ctx, &bef, &aft, &sim, FINE_ITER, 1, fit);
    if (st == SKD_OK)
        st = skd_reg_chance_level(ctx, &bef, &aft, &sim, sigma0);
    if (st == SKD_OK)
        *sim_full = skd_sim_from_level(&sim, ff);
    skd_reg_plane_free(ctx, &bef);
    skd_reg_plane_free(ctx, &aft);
    return st;
}

/* The correlation above what a search over unrelated photos reaches by
 * chance, scaled so that a perfect match is 1. */
static double confidence(const skd_reg_fit *fit, double sigma0)
{
    double chance = CHANCE_K * sigma0, c;
    if (fit->overlap < MIN_OVERLAP || chance >= 1.0)
        return 0.0;
    c = (fit->ncc - chance) / (1.0 - chance);
    return c < 0.0 ? 0.0 : (c > 1.0 ? 1.0 : c);
}

static int refuse(skd_ctx *ctx, const char *why, double conf)
{
    return skd_fail(ctx, SKD_E_ALIGN, "cannot align: %s (confidence %.2f below %.2f)",
                    why, conf, skd_opt(ctx, SKD_OPT_MIN_CONFIDENCE));
}

int skd_register(skd_ctx *ctx, const skd_image *before,
                 const skd_image *after, skd_transform *out)
{
    skd_reg_plane bef = {0}, aft = {0};
    skd_sim sim;
    skd_reg_fit fit = {0};
    size_t side;
    unsigned fc, ff;
    char why[192];
    double sigma0 = 1.0;
    int st;

    if (!ctx)
        return SKD_E_INVALID;
    if (!out)
        return skd_fail(ctx, SKD_E_INVALID, "register: no output transform");
    *out = (skd_transform){0.0, 0.0, 0.0, 1.0, 0.0};
    if (!image_ok(before) || !image_ok(after))
        return skd_fail(ctx, SKD_E_INVALID, "register: empty image");
    if (skd_opt(ctx, SKD_OPT_ASSUME_ALIGNED) > 0) {
        out->confidence = 1.0;
        return SKD_OK;
    }
    side = max_side(before, after);
    fc = factor_for(side, COARSE_SIDE);
    ff = factor_for(side, FINE_SIDE);
    if (before->width / fc < MIN_PLANE_SIDE || before->height / fc < MIN_PLANE_SIDE ||
        after->width / fc < MIN_PLANE_SIDE || after->height / fc < MIN_PLANE_SIDE) {
        snprintf(why, sizeof why, "a photo is too small or too narrow to register "
                 "(%ux%u and %ux%u)", before->width, before->height, after->width,
                 after->height);
        return refuse(ctx, why, 0.0);
    }

    st = skd_reg_plane_build(ctx, before, fc, BAND_S1, BAND_S2, &bef);
    if (st == SKD_OK)
        st = skd_reg_plane_build(ctx, after, fc, BAND_S1, BAND_S2, &aft);
    if (st == SKD_OK && (bef.spread < FLAT_SPREAD || aft.spread < FLAT_SPREAD)) {
        skd_reg_plane_free(ctx, &bef);
        skd_reg_plane_free(ctx, &aft);
        return refuse(ctx, bef.spread < FLAT_SPREAD
                               ? "the before photo has no texture to align on"
                               : "the after photo has no texture to align on", 0.0);
    }
    if (st == SKD_OK)
        st = coarse_search(ctx, before, after, &bef, &aft, &sim, &fit);
    if (st == SKD_OK && ff == fc)
        st = skd_reg_chance_level(ctx, &bef, &aft, &sim, &sigma0);
    skd_reg_plane_free(ctx, &bef);
    skd_reg_plane_free(ctx, &aft);
    if (st != SKD_OK)
        return st;
    sim = skd_sim_from_level(&sim, fc);
    if (ff < fc) {
        st = refine_fine(ctx, before, after, ff, &sim, &fit, &sigma0);
        if (st != SKD_OK)
            return st;
    }

    skd_sim_to_transform(&sim, before->width, before->height, after->width,
                         after->height, out);
    out->confidence = confidence(&fit, sigma0);
    if (out->confidence < skd_opt(ctx, SKD_OPT_MIN_CONFIDENCE)) {
        if (fit.overlap < MIN_OVERLAP)
            snprintf(why, sizeof why, "the photos overlap in only %.0f%% of the "
                     "before frame", 100.0 * fit.overlap);
        else
            snprintf(why, sizeof why, "the photos do not appear to show the same "
                     "skin: the best match correlates %.2f, chance level %.2f",
                     fit.ncc, CHANCE_K * sigma0);
        return refuse(ctx, why, out->confidence);
    }
    return SKD_OK;
}
