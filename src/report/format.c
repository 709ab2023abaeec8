/* How numbers appear in the report (the CLI table uses the same rules). */
#include <math.h>
#include <stdio.h>

#include "report.h"

int skd_report_decimals(skd_metric_id m)
{
    switch (m) {
    case SKD_METRIC_PORE_DENSITY: return 1;
    case SKD_METRIC_PORE_DIAMETER: return 3;
    default: return 2;
    }
}

void skd_report_number(char *buf, size_t n, skd_metric_id m, double v,
                       int sign)
{
    int d = skd_report_decimals(m);
    if (!isfinite(v)) {
        snprintf(buf, n, "n/a");
        return;
    }
    /* no "-0.00": a value that rounds to zero prints as zero */
    if (fabs(v) < 0.5 * pow(10, -d))
        v = 0;
    snprintf(buf, n, sign ? "%+.*f" : "%.*f", d, v);
}

void skd_report_percent(char *buf, size_t n, double pct)
{
    if (!isfinite(pct)) {
        snprintf(buf, n, "n/a");
        return;
    }
    if (fabs(pct) < 0.05)
        pct = 0;
    snprintf(buf, n, "%+.1f", pct);
}
