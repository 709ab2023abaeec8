/* The acquisition check (docs/comparing.md, "Same skin, different day"):
 * what differs between the two photos besides the skin, measured on the
 * common skin (and on the white references when both photos have one),
 * and the verdicts it makes inconclusive, with the reason in plain words. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"

/* Mean linear RGB of the selected pixels (all of rect when sel is NULL),
 * through the photo's conversion: its per-channel tables, then its matrix
 * (profile primaries, white-reference adaptation), which is linear and so
 * applies to the mean. A LittleCMS transform (profiles that are not
 * matrix-shaper) is approximated by the tables. */
static uint64_t mean_linear(const skd_image *img, const uint8_t *sel,
                            const skd_roi *rect, const skd_colour_lut *lut,
                            double rgb[3])
{
    uint32_t x0 = 0, y0 = 0, x1 = img->width, y1 = img->height;
    uint64_t n = 0;
    rgb[0] = rgb[1] = rgb[2] = 0;
    if (rect) {
        x0 = rect->x;
        y0 = rect->y;
        x1 = rect->x + rect->w < img->width ? rect->x + rect->w : img->width;
        y1 = rect->y + rect->h < img->height ? rect->y + rect->h : img->height;
    }
    for (uint32_t y = y0; y < y1; y++) {
        double s[3] = {0, 0, 0};
        for (uint32_t x = x0; x < x1; x++) {
            size_t i = (size_t)y * img->width + x;
            const uint16_t *p = img->rgb + 3 * i;
            if (sel && !sel[i])
                continue;
            s[0] += lut->linear[p[0]];
            s[1] += (lut->managed ? lut->linear_g : lut->linear)[p[1]];
            s[2] += (lut->managed ? lut->linear_b : lut->linear)[p[2]];
            n++;
        }
        rgb[0] += s[0];
        rgb[1] += s[1];
        rgb[2] += s[2];
    }
    for (int c = 0; c < 3 && n; c++)
        rgb[c] /= (double)n;
    if (lut->has_matrix) {
        double m[3];
        for (int r = 0; r < 3; r++)
            m[r] = lut->matrix[r][0] * rgb[0] + lut->matrix[r][1] * rgb[1] +
                   lut->matrix[r][2] * rgb[2];
        memcpy(rgb, m, sizeof m);
    }
    return n;
}

static void lab_of_linear(const double rgb[3], double lab[3])
{
    double xyz[3];
    skd_linear_to_xyz(rgb, xyz);
    skd_xyz_to_lab(xyz, lab);
}

/* High- to mid-band power of the texture plane T over the selected
 * pixels: mean squared difference of horizontal and vertical neighbours
 * (both selected) over twice the variance of T. Blur takes the finest
 * detail first, so the ratio falls; noise and sharpening raise it. */
static double sharpness(const skd_analysis *a, const uint8_t *sel)
{
    double d2 = 0, t1 = 0, t2 = 0;
    uint64_t nd = 0, nt = 0;
    for (uint32_t y = 0; y + 1 < a->height; y++)
        for (uint32_t x = 0; x + 1 < a->width; x++) {
            size_t i = (size_t)y * a->width + x;
            double t = a->texture[i], dx, dy;
            if (!sel[i])
                continue;
            t1 += t;
            t2 += t * t;
            nt++;
            if (sel[i + 1]) {
                dx = a->texture[i + 1] - t;
                d2 += dx * dx;
                nd++;
            }
            if (sel[i + a->width]) {
                dy = a->texture[i + a->width] - t;
                d2 += dy * dy;
                nd++;
            }
        }
    if (nt < 2 || nd == 0)
        return NAN;
    t1 /= (double)nt;
    t2 = t2 / (double)nt - t1 * t1;
    return t2 > 0 ? (d2 / (double)nd) / (2.0 * t2) : NAN;
}

static int roi_set(const skd_roi *r)
{
    return r && r->w > 0 && r->h > 0;
}

int skd_white_ref_after_level(skd_ctx *ctx, const skd_analysis *before,
                              const skd_image *after,
                              const skd_region_spec *spec, double *level)
{
    skd_colour_info info;
    skd_colour_lut *lut = NULL;
    double yb, ya;
    int st;
    *level = 0;
    if (skd_opt(ctx, SKD_OPT_WHITE_REF_Y) > 0 || !before->colour.white_ref ||
        !spec || !roi_set(&spec->white_ref))
        return SKD_OK;
    st = skd_colour_for_spec(ctx, after, &spec->white_ref, &info, &lut);
    skd_colour_lut_free(ctx, lut);
    if (st != SKD_OK)
        return st;
    yb = skd_white_ref_kept_y(&before->colour);
    ya = skd_white_ref_kept_y(&info);
    if (fabs(yb / ya - 1.0) > SKD_WHITE_REF_SAME_Y)
        *level = yb;
    return SKD_OK;
}

void skd_acquisition_measure(const skd_comparison *c, const skd_image *before,
                             const skd_image *after, const skd_roi *ref_b,
                             const skd_roi *ref_a, const skd_colour_lut *lut_b,
                             const skd_colour_lut *lut_a, skd_acquisition *q)
{
    double rb[3], ra[3], lb[3], la[3];
    uint64_t nb, na;
    double exposure;
    nb = mean_linear(before, c->common_before, NULL, lut_b, rb);
    na = mean_linear(after, c->common_after, NULL, lut_a, ra);
    lab_of_linear(rb, lb);
    lab_of_linear(ra, la);
    exposure = skd_luminance(ra[0], ra[1], ra[2]) /
               skd_luminance(rb[0], rb[1], rb[2]);
    q->dL = la[0] - lb[0];
    q->da = la[1] - lb[1];
    q->db = la[2] - lb[2];
    q->region_share_before = (double)nb / ((double)before->width * before->height);
    q->region_share_after = (double)na / ((double)after->width * after->height);
    q->colour_calibrated = roi_set(ref_b) && roi_set(ref_a);
    q->neutral_dL = q->neutral_da = q->neutral_db = NAN;
    q->white_ref_gain = 1;
    if (q->colour_calibrated) {
        mean_linear(before, NULL, ref_b, lut_b, rb);
        mean_linear(after, NULL, ref_a, lut_a, ra);
        lab_of_linear(rb, lb);
        lab_of_linear(ra, la);
        q->neutral_dL = la[0] - lb[0];
        q->neutral_da = la[1] - lb[1];
        q->neutral_db = la[2] - lb[2];
        /* what the conversions did to each reference's luminance: the
         * after photo's light was scaled by this against the before's */
        q->white_ref_gain =
            (skd_luminance(ra[0], ra[1], ra[2]) /
             skd_white_ref_kept_y(&c->after->colour)) /
            (skd_luminance(rb[0], rb[1], rb[2]) /
             skd_white_ref_kept_y(&c->before->colour));
    }
    /* the cameras' exposure, before any normalisation by the references */
    q->exposure_pct = 100.0 * (exposure / q->white_ref_gain - 1.0);
    q->sharpness_before = sharpness(c->before, c->common_before);
    q->sharpness_after = sharpness(c->after, c->common_after);
    q->sharpness_ratio = q->sharpness_after / q->sharpness_before;
    q->scale = c->transform.scale;
}

/* Photos whose scales differ by less than this are compared for
 * sharpness. */
#define SAME_SCALE 0.05
/* The tone slope is judged when the before tiles' mean l spreads by at
 * least SKD_TONE_MIN_SPREAD (l units, percent contrast): the light and
 * shade of a face spread by 40-95 on the repeat shots; the synthetic skin
 * of the tests, flat but for sub-millimetre relief, by 0.3, and its slope
 * says little (docs/comparing.md). */

/* Which metrics a cause affects. Exposure through a camera's tone curve
 * and focus change the contrast of texture and pores; the colour of the
 * light moves a* and EI (red area is against the local background, which
 * moves with it). A residual (skin that moved) affects everything. */
const char *skd_acquisition_limit_name(unsigned flag)
{
    static const char *const names[] = {"exposure", "light", "sharpness",
                                        "moved", "tone", "resolution"};
    for (unsigned k = 0; k < sizeof names / sizeof *names; k++)
        if (flag == 1u << k)
            return names[k];
    return NULL;
}

static int affected(unsigned flag, skd_metric_id m)
{
    int colour = skd_metric_colour(m);
    if (flag == SKD_ACQ_LIGHT)
        return colour;
    if (flag == SKD_ACQ_MOVED)
        return 1;
    if (flag == SKD_ACQ_RESOLUTION)
        return m == SKD_METRIC_PORE_DENSITY || m == SKD_METRIC_PORE_DIAMETER ||
               m == SKD_METRIC_PORE_AREA;
    /* A tone curve that differs scales the contrast of colour as well (a
     * power on each linear channel scales log(R/G) by it): the red area,
     * a count of pixels past a fixed a* contrast, moves with it (a* and EI
     * are judged by the shift it explains: skd_acquisition_apply). */
    if (flag == SKD_ACQ_TONE)
        return !colour;
    /* exposure and sharpness: the contrast of texture and pores */
    return !colour && m != SKD_METRIC_RED_AREA;
}

static void add_reason(skd_change *ch, const char *why)
{
    size_t used = strlen(ch->reason);
    ch->verdict = SKD_INCONCLUSIVE;
    snprintf(ch->reason + used, sizeof ch->reason - used, "%s%s",
             used ? "; " : "", why);
}

void skd_acquisition_judge(const skd_ctx *ctx, skd_comparison *c)
{
    skd_acquisition_flags(ctx, &c->acquisition);
    skd_acquisition_apply(ctx, &c->acquisition, c->change);
}

void skd_acquisition_flags(const skd_ctx *ctx, skd_acquisition *q)
{
    double max_exp = skd_opt(ctx, SKD_OPT_MAX_EXPOSURE_PCT);
    double max_b = skd_opt(ctx, SKD_OPT_MAX_LIGHT_B);
    double max_ref = skd_opt(ctx, SKD_OPT_MAX_LIGHT_REF);
    double max_sharp = skd_opt(ctx, SKD_OPT_MAX_SHARPNESS_PCT) / 100.0;

    /* Texture and pores are read on l = 100 ln Y, band-passed: an exposure
     * change alone leaves them as they were; only a tone curve that differs
     * changes their contrast, and the tone slope measures that wherever
     * the points spread enough to judge it. Where they do not (flat skin
     * without white references) the exposure limit stands in for it. */
    int tone_judged = isfinite(q->tone_slope) &&
                      q->tone_spread >= SKD_TONE_MIN_SPREAD;

    q->flags = 0;
    if (!tone_judged && fabs(q->exposure_pct) > max_exp)
        q->flags |= SKD_ACQ_EXPOSURE;
    /* Without white references the light's colour shows in b* of the skin
     * (a treatment moves a*, rarely b*). With them each photo is corrected
     * so that its reference is neutral: what is left between the two
     * corrected references (a patch that was not neutral, a correction
     * that failed) leaves a* and EI unjudged. */
    if (!q->colour_calibrated && fabs(q->db) > max_b)
        q->flags |= SKD_ACQ_LIGHT;
    if (q->colour_calibrated &&
        (fabs(q->neutral_da) > max_ref || fabs(q->neutral_db) > max_ref))
        q->flags |= SKD_ACQ_LIGHT;
    /* The ratio is of neighbouring pixels: comparable only when both photos
     * have about the same pixels per mm (a zoomed or resized after photo
     * reads sharper or blurrier by its scale alone). */
    if (isfinite(q->sharpness_ratio) && fabs(q->sharpness_ratio - 1.0) > max_sharp &&
        fabs(q->scale - 1.0) < SAME_SCALE)
        q->flags |= SKD_ACQ_SHARPNESS;
    if (isfinite(q->residual_median_px) &&
        !(q->residual_median_px < skd_opt(ctx, SKD_OPT_MAX_RESIDUAL)))
        q->flags |= SKD_ACQ_MOVED;
    /* A different tone curve scales Sa by about the slope: judged when
     * that alone explains a change of at least the Sa floor (as a* is not
     * judged when the exposure alone explains its floor). */
    if (tone_judged &&
        100.0 * fabs(q->tone_slope - 1.0) >= skd_opt(ctx, SKD_OPT_FLOOR_SA))
        q->flags |= SKD_ACQ_TONE;
    /* Pores the other photo's pixels cannot show would read as a change of
     * pore density by their share: judged when that alone reaches the
     * density floor (as the tone slope against the Sa floor). */
    if (100.0 * q->pores_unresolved >= skd_opt(ctx, SKD_OPT_FLOOR_PORES))
        q->flags |= SKD_ACQ_RESOLUTION;
}

void skd_acquisition_apply(const skd_ctx *ctx, const skd_acquisition *q,
                           skd_change *change)
{
    char why[6][144];
    unsigned flag[6] = {SKD_ACQ_EXPOSURE, SKD_ACQ_LIGHT, SKD_ACQ_SHARPNESS,
                        SKD_ACQ_MOVED, SKD_ACQ_TONE, SKD_ACQ_RESOLUTION};
    snprintf(why[0], sizeof why[0], "the after photo is %.0f%% %s",
             fabs(q->exposure_pct), q->exposure_pct < 0 ? "darker" : "brighter");
    if (q->colour_calibrated)
        snprintf(why[1], sizeof why[1], "the light was %s (white reference "
                 "b* %+.1f, a* %+.1f)", q->neutral_db > 0 ? "warmer" : "bluer",
                 q->neutral_db, q->neutral_da);
    else
        snprintf(why[1], sizeof why[1], "the light was %s (skin b* %+.1f) and "
                 "no white references calibrate it",
                 q->db > 0 ? "warmer" : "bluer", q->db);
    snprintf(why[2], sizeof why[2], "the after photo is %s (fine detail %.0f%% "
             "of the before's)", q->sharpness_ratio < 1 ? "blurrier" : "sharper",
             100.0 * q->sharpness_ratio);
    snprintf(why[3], sizeof why[3], "the skin moved between the photos (%.1f px "
             "left after alignment)", q->residual_median_px);
    snprintf(why[4], sizeof why[4], "the photos' tone curves differ (the "
             "after photo shows light and shade at %.0f%% of the before's "
             "contrast)", 100.0 * q->tone_slope);
    snprintf(why[5], sizeof why[5], "the %s photo is coarser (%.0f%% of the "
             "pixels per mm): %.0f%% of the pores are too fine for it",
             q->resolution_ratio < 1 ? "after" : "before",
             100.0 * (q->resolution_ratio < 1 ? q->resolution_ratio
                                              : 1.0 / q->resolution_ratio),
             100.0 * q->pores_unresolved);
    if (skd_opt(ctx, SKD_OPT_ACQ_CHECK) == 0)
        return;
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        for (int k = 0; k < 6; k++)
            if ((q->flags & flag[k]) && affected(flag[k], (skd_metric_id)m))
                add_reason(&change[m], why[k]);
    /* CIELAB a* follows the cube root of the light: a photo darker by e
     * shows a* times (1 + e)^(1/3) (a* 14 at -10%: -0.48). When that alone
     * reaches the floor, a* is not judged. With white references the after
     * photo is read at the before's exposure (white_ref_gain): only what
     * the references leave of the exposure counts. */
    double left = (1.0 + q->exposure_pct / 100.0) *
                  (isfinite(q->white_ref_gain) ? q->white_ref_gain : 1.0);
    for (int m = SKD_METRIC_A_MEAN; m <= SKD_METRIC_A_MEDIAN; m++) {
        skd_change *ch = &change[m];
        double shift = fabs(ch->before) * fabs(1.0 - cbrt(left));
        char w[160];
        if (!(shift >= ch->noise_floor))
            continue;
        snprintf(w, sizeof w, "the after photo is %.0f%% %s%s (a* follows "
                 "the light's cube root: %.2f expected)",
                 100.0 * fabs(left - 1.0), left < 1 ? "darker" : "brighter",
                 q->white_ref_gain != 1.0 ? " after the white references" : "",
                 shift);
        add_reason(ch, w);
    }
    /* The same tone curve on each linear channel scales EI = 100 log10(R/G)
     * by the slope, and a* about as much (repeat shots with white
     * references through curves of power 0.9-1.1: a* and EI read false
     * verdicts against the booth floors). When the slope alone explains a
     * shift of at least the floor, a* and EI are not judged. */
    for (int m = SKD_METRIC_A_MEAN; m <= SKD_METRIC_ERYTHEMA &&
                                    isfinite(q->tone_slope) &&
                                    q->tone_spread >= SKD_TONE_MIN_SPREAD;
         m++) {
        skd_change *ch = &change[m];
        double shift = fabs(ch->before) * fabs(q->tone_slope - 1.0);
        char w[160];
        if (!(shift >= ch->noise_floor))
            continue;
        snprintf(w, sizeof w, "the photos' tone curves differ (slope %.3f: "
                 "%.2f expected from it alone)", q->tone_slope, shift);
        add_reason(ch, w);
    }
}

void skd_pore_count_judge(const skd_ctx *ctx, skd_change *change,
                          const skd_metrics *mb, const skd_metrics *ma)
{
    double need = skd_opt(ctx, SKD_OPT_MIN_PORES);
    char why[96];
    const skd_metric_id pores[3] = {SKD_METRIC_PORE_DENSITY,
                                    SKD_METRIC_PORE_DIAMETER,
                                    SKD_METRIC_PORE_AREA};
    if (!(mb->pore_count < need || ma->pore_count < need))
        return;
    snprintf(why, sizeof why, "too few pores to judge (%u before, %u after; "
             "%.0f needed in each)", mb->pore_count, ma->pore_count, need);
    for (int k = 0; k < 3; k++)
        add_reason(&change[pores[k]], why);
}

/* The counting (Poisson) uncertainty of the pore density change, added in
 * quadrature to each side of the tile interval: counts N over areas A
 * give a density change whose standard deviation is
 * sqrt(Nb / Ab^2 + Na / Aa^2). */
void skd_pore_poisson_widen(skd_change *ch, const skd_metrics *mb,
                            const skd_metrics *ma)
{
    double sd = sqrt((double)mb->pore_count / (mb->area_cm2 * mb->area_cm2) +
                     (double)ma->pore_count / (ma->area_cm2 * ma->area_cm2));
    double half = 1.96 * sd, lo = ch->change - ch->ci_low,
           hi = ch->ci_high - ch->change;
    if (!isfinite(half) || !isfinite(lo) || !isfinite(hi))
        return;
    ch->ci_low = ch->change - sqrt(lo * lo + half * half);
    ch->ci_high = ch->change + sqrt(hi * hi + half * half);
}
