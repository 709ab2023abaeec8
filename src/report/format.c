/* Relative changes as the report shows them (figures: skd_metric_format). */
#include <math.h>
#include <stdio.h>

#include "report.h"

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
