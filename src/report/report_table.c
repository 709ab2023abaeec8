/* The table of all figures. On a phone each row becomes a block of
 * labelled lines (the data-l attributes), so nothing scrolls sideways.
 * A change of a share of area is in percentage points ("pp"), never in
 * percent: 5% -> 4% is -1 pp and -20%. */
#include <math.h>
#include <string.h>

#include "report_parts.h"

const skd_metric_id skd_report_main[SKD_REPORT_MAIN_COUNT] = {
    SKD_METRIC_SA, SKD_METRIC_PORE_DENSITY, SKD_METRIC_A_MEAN,
    SKD_METRIC_ERYTHEMA, SKD_METRIC_RED_AREA};

const char *skd_verdict_class(skd_verdict v)
{
    return v == SKD_IMPROVED     ? "improved"
           : v == SKD_WORSENED   ? "worsened"
           : v == SKD_INCONCLUSIVE ? "unsure"
                                 : "same";
}

int skd_is_area_metric(skd_metric_id m)
{
    return m == SKD_METRIC_PORE_AREA || m == SKD_METRIC_RED_AREA;
}

void skd_report_value_unit(skd_buf *b, skd_metric_id m, double v, int sign,
                           const char *unit)
{
    char num[64];
    skd_metric_format(num, sizeof num, m, v, sign);
    skd_buf_puts(b, num);
    if (isfinite(v)) {
        skd_buf_puts(b, "&nbsp;<span class=\"u\">");
        skd_buf_html(b, unit);
        skd_buf_puts(b, "</span>");
    }
}

void skd_report_value(skd_buf *b, skd_metric_id m, double v, int sign)
{
    skd_report_value_unit(b, m, v, sign, skd_metric_unit(m));
}

/* A change, its interval or its floor: percentage points for shares. */
static void change_value(skd_buf *b, skd_metric_id m, double v, int sign)
{
    skd_report_value_unit(b, m, v, sign,
                          skd_is_area_metric(m) ? "pp" : skd_metric_unit(m));
}

static void verdict_pill(skd_buf *b, skd_verdict v)
{
    skd_buf_printf(b, "<span class=\"pill %s\">%s</span>",
                    skd_verdict_class(v), skd_verdict_name(v));
}

void skd_report_table(skd_buf *b, const skd_comparison *c)
{
    skd_buf_puts(b, "<table class=\"all\">\n<thead><tr><th>Measurement</th>"
                     "<th>Before</th><th>After</th><th>Change</th>"
                     "<th>Change, % of before</th><th>95% interval</th>"
                     "<th>Noise floor</th><th>Verdict</th></tr></thead>\n"
                     "<tbody>\n");
    for (int i = 0; i < SKD_METRIC_COUNT; i++) {
        skd_metric_id m = (skd_metric_id)i;
        const skd_change *ch = &c->change[m];
        char pct[32], lo[64], hi[64];
        skd_report_percent(pct, sizeof pct, ch->change_pct);
        skd_buf_puts(b, "<tr><td class=\"metric\">");
        skd_buf_html(b, skd_metric_label(m));
        skd_buf_puts(b, "</td><td data-l=\"Before\">");
        skd_report_value(b, m, ch->before, 0);
        skd_buf_puts(b, "</td><td data-l=\"After\">");
        skd_report_value(b, m, ch->after, 0);
        skd_buf_puts(b, "</td><td data-l=\"Change\">");
        change_value(b, m, ch->change, 1);
        skd_buf_printf(b, "</td><td data-l=\"Change, %% of before\">%s%s"
                          "</td><td data-l=\"95%% interval\">", pct,
                        isfinite(ch->change_pct)
                            ? "&nbsp;<span class=\"u\">%</span>"
                            : "");
        if (isfinite(ch->ci_low) && isfinite(ch->ci_high)) {
            skd_metric_format(lo, sizeof lo, m, ch->ci_low, 1);
            skd_metric_format(hi, sizeof hi, m, ch->ci_high, 1);
            skd_buf_printf(b, "%s to %s&nbsp;<span class=\"u\">", lo, hi);
            skd_buf_html(b, skd_is_area_metric(m) ? "pp" : skd_metric_unit(m));
            skd_buf_puts(b, "</span>");
        } else {
            skd_buf_puts(b, "n/a");
        }
        skd_buf_puts(b, "</td><td data-l=\"Noise floor\">");
        change_value(b, m, ch->noise_floor, 0);
        skd_buf_puts(b, "</td><td data-l=\"Verdict\">");
        verdict_pill(b, ch->verdict);
        if (ch->floor_source && !strcmp(ch->floor_source, "red threshold"))
            skd_buf_puts(b, "<div class=\"why\">against the red threshold "
                            "floor</div>");
        if (ch->reason[0]) {
            skd_buf_puts(b, "<div class=\"why\">");
            skd_buf_html(b, ch->reason);
            skd_buf_puts(b, "</div>");
        }
        skd_buf_puts(b, "</td></tr>\n");
    }
    skd_buf_puts(b, "</tbody></table>\n");
}
