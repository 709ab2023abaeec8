/* The verdict cards and the table of all figures. */
#include <math.h>

#include "report_parts.h"

const skd_metric_id skd_report_main[SKD_REPORT_MAIN_COUNT] = {
    SKD_METRIC_SA, SKD_METRIC_PORE_DENSITY, SKD_METRIC_A_MEAN,
    SKD_METRIC_ERYTHEMA, SKD_METRIC_RED_AREA};

/* Plain words for a patient: what is measured, and what each verdict
 * means for it. */
typedef struct plain_words {
    const char *what, *better, *worse;
} plain_words;

static plain_words words_for(skd_metric_id m)
{
    switch (m) {
    case SKD_METRIC_SA: return (plain_words){"Skin texture", "Smoother", "Rougher"};
    case SKD_METRIC_PORE_DENSITY:
        return (plain_words){"Visible pores", "Fewer pores", "More pores"};
    case SKD_METRIC_A_MEAN:
        return (plain_words){"Overall redness", "Less red", "Redder"};
    case SKD_METRIC_ERYTHEMA:
        return (plain_words){"Erythema index", "Less erythema", "More erythema"};
    case SKD_METRIC_RED_AREA:
        return (plain_words){"Red spots", "Smaller red area", "Larger red area"};
    default: return (plain_words){skd_metric_label(m), "Lower", "Higher"};
    }
}

const char *skd_verdict_class(skd_verdict v)
{
    return v == SKD_IMPROVED     ? "improved"
           : v == SKD_WORSENED   ? "worsened"
           : v == SKD_INCONCLUSIVE ? "unsure"
                                 : "same";
}

void skd_report_value(skd_buf *b, skd_metric_id m, double v, int sign)
{
    char num[64];
    skd_metric_format(num, sizeof num, m, v, sign);
    skd_buf_puts(b, num);
    if (isfinite(v)) {
        skd_buf_puts(b, "&nbsp;<span class=\"u\">");
        skd_buf_html(b, skd_metric_unit(m));
        skd_buf_puts(b, "</span>");
    }
}

static void verdict_pill(skd_buf *b, skd_verdict v)
{
    skd_buf_printf(b, "<span class=\"pill %s\">%s</span>",
                    skd_verdict_class(v), skd_verdict_name(v));
}

void skd_report_cards(skd_buf *b, const skd_comparison *c)
{
    skd_buf_puts(b, "<section class=\"cards\">\n");
    for (int i = 0; i < SKD_REPORT_MAIN_COUNT; i++) {
        skd_metric_id m = skd_report_main[i];
        const skd_change *ch = &c->change[m];
        plain_words w = words_for(m);
        char pct[32], num[64];
        const char *say = ch->verdict == SKD_IMPROVED     ? w.better
                          : ch->verdict == SKD_WORSENED   ? w.worse
                          : ch->verdict == SKD_INCONCLUSIVE
                              ? "Cannot tell: the photos differ"
                              : "No real change";
        skd_report_percent(pct, sizeof pct, ch->change_pct);
        skd_buf_printf(b, "<div class=\"card %s\"><div class=\"what\">",
                        skd_verdict_class(ch->verdict));
        skd_buf_html(b, w.what);
        skd_buf_puts(b, "</div><div class=\"say\">");
        skd_buf_html(b, say);
        skd_buf_puts(b, "</div><div class=\"num\">");
        skd_report_value(b, m, ch->change, 1);
        if (isfinite(ch->change_pct))
            skd_buf_printf(b, " <span class=\"u\">(%s&nbsp;%%)</span>", pct);
        skd_buf_puts(b, "</div><div class=\"sub\">");
        skd_metric_format(num, sizeof num, m, ch->before, 0);
        skd_buf_printf(b, "%s &rarr; ", num);
        skd_report_value(b, m, ch->after, 0);
        skd_buf_puts(b, "<br>");
        skd_buf_html(b, skd_metric_label(m));
        skd_buf_puts(b, "</div></div>\n");
    }
    skd_buf_puts(b, "</section>\n");
}

void skd_report_table(skd_buf *b, const skd_comparison *c)
{
    skd_buf_puts(b, "<table>\n<thead><tr><th>Measurement</th><th>Before</th>"
                     "<th>After</th><th>Change</th><th>Change %</th>"
                     "<th>95% interval</th><th>Noise floor</th>"
                     "<th>Verdict</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < SKD_METRIC_COUNT; i++) {
        skd_metric_id m = (skd_metric_id)i;
        const skd_change *ch = &c->change[m];
        char pct[32], lo[64], hi[64];
        skd_report_percent(pct, sizeof pct, ch->change_pct);
        skd_buf_puts(b, "<tr><td class=\"metric\">");
        skd_buf_html(b, skd_metric_label(m));
        skd_buf_puts(b, "</td><td>");
        skd_report_value(b, m, ch->before, 0);
        skd_buf_puts(b, "</td><td>");
        skd_report_value(b, m, ch->after, 0);
        skd_buf_puts(b, "</td><td>");
        skd_report_value(b, m, ch->change, 1);
        skd_buf_printf(b, "</td><td>%s%s</td><td>", pct,
                        isfinite(ch->change_pct)
                            ? "&nbsp;<span class=\"u\">%</span>"
                            : "");
        if (isfinite(ch->ci_low) && isfinite(ch->ci_high)) {
            skd_metric_format(lo, sizeof lo, m, ch->ci_low, 1);
            skd_metric_format(hi, sizeof hi, m, ch->ci_high, 1);
            skd_buf_printf(b, "%s to %s&nbsp;<span class=\"u\">", lo, hi);
            skd_buf_html(b, skd_metric_unit(m));
            skd_buf_puts(b, "</span>");
        } else {
            skd_buf_puts(b, "n/a");
        }
        skd_buf_puts(b, "</td><td>");
        skd_report_value(b, m, ch->noise_floor, 0);
        skd_buf_puts(b, "</td><td>");
        verdict_pill(b, ch->verdict);
        if (ch->reason[0]) {
            skd_buf_puts(b, "<div class=\"why\">");
            skd_buf_html(b, ch->reason);
            skd_buf_puts(b, "</div>");
        }
        skd_buf_puts(b, "</td></tr>\n");
    }
    skd_buf_puts(b, "</tbody></table>\n");
}
