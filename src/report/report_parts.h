/* The sections of the HTML report, one writer per file. */
#ifndef SKD_REPORT_PARTS_H
#define SKD_REPORT_PARTS_H

#include "report.h"

extern const char skd_report_css[];

/* The five metrics with cards and maps, in display order. */
#define SKD_REPORT_MAIN_COUNT 5
extern const skd_metric_id skd_report_main[SKD_REPORT_MAIN_COUNT];

/* CSS class of a verdict: "improved", "worsened" or "same". */
const char *skd_verdict_class(skd_verdict v);

/* "<number><span class=u>unit</span>" for metric m (its own unit, or
 * unit). */
void skd_report_value(skd_buf *b, skd_metric_id m, double v, int sign);
void skd_report_value_unit(skd_buf *b, skd_metric_id m, double v, int sign,
                           const char *unit);
/* Pore area and red area: shares of the skin, in % of area; their changes
 * are percentage points. */
int skd_is_area_metric(skd_metric_id m);

/* One card per question (texture, pores, redness): one plain verdict, the
 * figures below it (report_cards.c). */
void skd_report_cards(skd_buf *b, const skd_comparison *c);
void skd_report_table(skd_buf *b, const skd_comparison *c);
/* The zone table (report_zones.c). */
void skd_report_zone_table(skd_buf *b, const skd_zone_comparison *zc);

/* A length for a scale bar: a round number of mm close to a fifth of the
 * photo's width (in mm). */
double skd_scale_bar_mm(double width_mm);

#endif
