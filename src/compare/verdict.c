/* Noise floors and verdicts (docs/comparing.md). Every compared metric is
 * lower-is-better, so a negative change is an improvement. */
#include <math.h>

#include "compare.h"

#define SOURCE_BOOTH "booth defaults"
#define SOURCE_UNCAL "uncalibrated colour"
#define SOURCE_FILE "floors file"
#define SOURCE_REPLICATES "replicates"

int skd_metric_relative_floor(skd_metric_id m)
{
    return m == SKD_METRIC_SA || m == SKD_METRIC_SQ ||
           m == SKD_METRIC_PORE_DENSITY || m == SKD_METRIC_PORE_DIAMETER ||
           m == SKD_METRIC_PORE_AREA;
}

int skd_metric_colour(skd_metric_id m)
{
    return m == SKD_METRIC_A_MEAN || m == SKD_METRIC_A_MEDIAN ||
           m == SKD_METRIC_ERYTHEMA;
}

double skd_noise_floor(const skd_ctx *ctx, skd_metric_id m, double before,
                       int calibrated, const char **source)
{
    int colour = skd_metric_colour(m);
    if (source)
        *source = skd_opt(ctx, SKD_OPT_FLOOR_SOURCE) == 1
                      ? SOURCE_FILE
                      : colour && !calibrated ? SOURCE_UNCAL : SOURCE_BOOTH;
    /* Without white references in both photos, a white-balance shift moves
     * a* and EI by about 1 (a 3% red/green gain change: EI 1.3, a* 1): the
     * uncalibrated floors keep that out of the verdicts. */
    if (colour && !calibrated)
        return skd_opt(ctx, m == SKD_METRIC_ERYTHEMA ? SKD_OPT_FLOOR_EI_UNCAL
                                                     : SKD_OPT_FLOOR_A_UNCAL);
    switch (m) {
    case SKD_METRIC_SA:
    case SKD_METRIC_SQ:
        return skd_opt(ctx, SKD_OPT_FLOOR_SA) / 100.0 * fabs(before);
    case SKD_METRIC_PORE_DENSITY:
    case SKD_METRIC_PORE_DIAMETER:
    case SKD_METRIC_PORE_AREA:
        return skd_opt(ctx, SKD_OPT_FLOOR_PORES) / 100.0 * fabs(before);
    case SKD_METRIC_A_MEAN:
    case SKD_METRIC_A_MEDIAN:
        return skd_opt(ctx, SKD_OPT_FLOOR_A_MEAN);
    case SKD_METRIC_ERYTHEMA:
        return skd_opt(ctx, SKD_OPT_FLOOR_ERYTHEMA);
    case SKD_METRIC_RED_AREA:
        /* percentage points, and the figure is already in percent */
        return skd_opt(ctx, SKD_OPT_FLOOR_RED_AREA);
    case SKD_METRIC_COUNT: break;
    }
    return NAN;
}

skd_verdict skd_judge(double change, double lo, double hi, double floor)
{
    if (!isfinite(change) || !isfinite(lo) || !isfinite(hi) ||
        !isfinite(floor))
        return SKD_NO_SIGNIFICANT_CHANGE;
    if (hi < 0 && change <= -floor)
        return SKD_IMPROVED;
    if (lo > 0 && change >= floor)
        return SKD_WORSENED;
    return SKD_NO_SIGNIFICANT_CHANGE;
}

void skd_change_fill(skd_change *c, double before, double after, double lo,
                     double hi, double floor)
{
    c->before = before;
    c->after = after;
    c->change = after - before;
    c->change_pct = before != 0 ? 100.0 * c->change / before : NAN;
    c->ci_low = lo;
    c->ci_high = hi;
    c->noise_floor = floor;
    c->verdict = skd_judge(c->change, lo, hi, floor);
}

void skd_change_judge(const skd_ctx *ctx, skd_change *ch, skd_metric_id m,
                      const skd_metrics *mb, const skd_metrics *ma, double lo,
                      double hi, int calibrated)
{
    double vb = skd_metric_value(mb, m), va = skd_metric_value(ma, m);
    const char *source;
    double floor = skd_noise_floor(ctx, m, vb, calibrated, &source);
    ch->change = va - vb;
    ch->ci_low = lo;
    ch->ci_high = hi;
    if (m == SKD_METRIC_PORE_DENSITY)
        skd_pore_poisson_widen(ch, mb, ma);
    skd_change_fill(ch, vb, va, ch->ci_low, ch->ci_high, floor);
    ch->floor_source = source;
    ch->reason[0] = '\0';
}

void skd_change_refloor(skd_change *ch, double floor, int replicates)
{
    ch->noise_floor = floor;
    if (replicates)
        ch->floor_source = SOURCE_REPLICATES;
    if (ch->verdict != SKD_INCONCLUSIVE)
        ch->verdict = skd_judge(ch->change, ch->ci_low, ch->ci_high, floor);
}
