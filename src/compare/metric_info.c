/* Names and units of the compared metrics. The keys are stable: they name
 * JSON fields, CSV columns and database values. */
#include <math.h>
#include <stdio.h>

#include "compare.h"

typedef struct metric_info {
    const char *key, *label, *unit;
    int decimals; /* the unit's useful precision on screen */
} metric_info;

/* The two area fractions are reported in percent of the region's area
 * (skd_metrics keeps them as 0..1), so their change reads directly in the
 * percentage points of the red-area noise floor. */
static const metric_info metric_infos[SKD_METRIC_COUNT] = {
    [SKD_METRIC_SA] = {"sa", "Texture Sa", "% contrast", 2},
    [SKD_METRIC_SQ] = {"sq", "Texture Sq", "% contrast", 2},
    [SKD_METRIC_PORE_DENSITY] = {"pore_density", "Pore density", "/cm\xc2\xb2", 1},
    [SKD_METRIC_PORE_DIAMETER] = {"pore_diameter", "Pore mean diameter", "mm", 3},
    [SKD_METRIC_PORE_AREA] = {"pore_area", "Pore area fraction", "% of area", 2},
    [SKD_METRIC_A_MEAN] = {"a_mean", "Redness a* mean", "a*", 2},
    [SKD_METRIC_A_MEDIAN] = {"a_median", "Redness a* median", "a*", 2},
    [SKD_METRIC_ERYTHEMA] = {"erythema", "Erythema index", "EI", 2},
    [SKD_METRIC_RED_AREA] = {"red_area", "Red area fraction", "% of area", 2},
};

static int metric_valid(skd_metric_id m)
{
    return (int)m >= 0 && m < SKD_METRIC_COUNT;
}

const char *skd_metric_key(skd_metric_id m)
{
    return metric_valid(m) ? metric_infos[m].key : "unknown";
}

const char *skd_metric_label(skd_metric_id m)
{
    return metric_valid(m) ? metric_infos[m].label : "unknown";
}

const char *skd_metric_unit(skd_metric_id m)
{
    return metric_valid(m) ? metric_infos[m].unit : "";
}

void skd_metric_format(char *buf, size_t n, skd_metric_id m, double v,
                       int sign)
{
    int d = metric_valid(m) ? metric_infos[m].decimals : 2;
    if (!isfinite(v)) {
        snprintf(buf, n, "n/a");
        return;
    }
    /* no "-0.00": a value that rounds to zero prints as zero */
    if (fabs(v) < 0.5 * pow(10, -d))
        v = 0;
    snprintf(buf, n, sign ? "%+.*f" : "%.*f", d, v);
}

const char *skd_verdict_name(skd_verdict v)
{
    switch (v) {
    case SKD_IMPROVED: return "improved";
    case SKD_WORSENED: return "worsened";
    case SKD_NO_SIGNIFICANT_CHANGE: return "no significant change";
    case SKD_INCONCLUSIVE: return "inconclusive";
    }
    return "unknown";
}

double skd_metric_value(const skd_metrics *mt, skd_metric_id m)
{
    switch (m) {
    case SKD_METRIC_SA: return mt->sa;
    case SKD_METRIC_SQ: return mt->sq;
    case SKD_METRIC_PORE_DENSITY: return mt->pore_density_per_cm2;
    case SKD_METRIC_PORE_DIAMETER: return mt->pore_mean_diameter_mm;
    case SKD_METRIC_PORE_AREA: return 100.0 * mt->pore_area_fraction;
    case SKD_METRIC_A_MEAN: return mt->a_mean;
    case SKD_METRIC_A_MEDIAN: return mt->a_median;
    case SKD_METRIC_ERYTHEMA: return mt->erythema_index;
    case SKD_METRIC_RED_AREA: return 100.0 * mt->red_area_fraction;
    case SKD_METRIC_COUNT: break;
    }
    return NAN;
}
