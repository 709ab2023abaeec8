/* The answer to each of the patient's three questions (is the texture, are
 * the pores, is the redness better?) on one card: one plain verdict, then
 * the figures behind it. One card per question, so two cards can never
 * disagree. The verdict of a question:
 *   - its figures changed in opposite directions (one improved, another
 *     worsened): "Mixed", said as such;
 *   - else its main figure (Sa, pore density, a* mean: the headline figures
 *     of docs/measurements.md) improved or worsened: that;
 *   - else, when the main figure is inconclusive (the photos differ in more
 *     than the skin): "Cannot tell", with the reason;
 *   - else "No clear change", and a line names any other figure that moved
 *     beyond its noise floor, so the detail never contradicts the verdict
 *     without saying why. */
#include <math.h>
#include <string.h>

#include "report_parts.h"

typedef struct question {
    const char *what;          /* the card's title */
    const char *better, *worse; /* the verdict in plain words */
    skd_metric_id main;
    skd_metric_id detail[3];   /* figures shown under the verdict */
    int n_detail;
} question;

static const question questions[] = {
    {"Skin texture", "Smoother", "Rougher", SKD_METRIC_SA,
     {SKD_METRIC_SA, SKD_METRIC_SQ}, 2},
    {"Pores", "Fewer pores", "More pores",
     SKD_METRIC_PORE_DENSITY,
     {SKD_METRIC_PORE_DENSITY, SKD_METRIC_PORE_DIAMETER, SKD_METRIC_PORE_AREA},
     3},
    {"Redness", "Less red", "Redder", SKD_METRIC_A_MEAN,
     {SKD_METRIC_A_MEAN, SKD_METRIC_ERYTHEMA, SKD_METRIC_RED_AREA}, 3},
};

enum { SAY_SAME, SAY_BETTER, SAY_WORSE, SAY_MIXED, SAY_UNSURE };

static int answer(const skd_comparison *c, const question *q)
{
    int better = 0, worse = 0;
    for (int i = 0; i < q->n_detail; i++) {
        skd_verdict v = c->change[q->detail[i]].verdict;
        better |= v == SKD_IMPROVED;
        worse |= v == SKD_WORSENED;
    }
    if (better && worse)
        return SAY_MIXED;
    if (c->change[q->main].verdict == SKD_IMPROVED)
        return SAY_BETTER;
    if (c->change[q->main].verdict == SKD_WORSENED)
        return SAY_WORSE;
    if (c->change[q->main].verdict == SKD_INCONCLUSIVE)
        return SAY_UNSURE;
    return SAY_SAME;
}

static const char *verdict_word(skd_verdict v)
{
    return v == SKD_IMPROVED       ? "lower (better)"
           : v == SKD_WORSENED     ? "higher (worse)"
           : v == SKD_INCONCLUSIVE ? "cannot tell"
                                   : "no clear change";
}

/* "3.45 → 2.37 % contrast: −1.08 % contrast (−31.4% of before)"; a share of
 * area changes by percentage points, written out. An inconclusive figure
 * gives its reason unless the card already said it (said). */
static void figure_line(skd_buf *b, const skd_comparison *c, skd_metric_id m,
                        const char *said)
{
    const skd_change *ch = &c->change[m];
    char num[64], pct[32];
    skd_buf_printf(b, "<li class=\"%s\"><span class=\"lab\">",
                    skd_verdict_class(ch->verdict));
    skd_buf_html(b, skd_metric_label(m));
    skd_buf_puts(b, "</span> ");
    skd_metric_format(num, sizeof num, m, ch->before, 0);
    skd_buf_printf(b, "%s &rarr; ", num);
    skd_report_value(b, m, ch->after, 0);
    skd_buf_puts(b, "<br>change ");
    skd_report_value_unit(b, m, ch->change, 1,
                          skd_is_area_metric(m) ? "percentage points"
                                                : skd_metric_unit(m));
    if (isfinite(ch->change_pct)) {
        skd_report_percent(pct, sizeof pct, ch->change_pct);
        skd_buf_printf(b, " <span class=\"u\">(%s%% of before)</span>", pct);
    }
    skd_buf_printf(b, ": <b>%s</b>", verdict_word(ch->verdict));
    if (ch->verdict == SKD_INCONCLUSIVE && ch->reason[0] &&
        strcmp(ch->reason, said) != 0) { /* not what the card said */
        skd_buf_puts(b, " (");
        skd_buf_html(b, ch->reason);
        skd_buf_puts(b, ")");
    }
    skd_buf_puts(b, "</li>");
}

static void card(skd_buf *b, const skd_comparison *c, const question *q)
{
    int say = answer(c, q);
    const char *cls = say == SAY_BETTER  ? "improved"
                      : say == SAY_WORSE ? "worsened"
                      : say == SAY_MIXED ? "mixed"
                      : say == SAY_UNSURE ? "unsure"
                                         : "same";
    const char *words = say == SAY_BETTER  ? q->better
                        : say == SAY_WORSE ? q->worse
                        : say == SAY_MIXED ? "Mixed"
                        : say == SAY_UNSURE ? "Cannot tell"
                                           : "No clear change";
    skd_buf_printf(b, "<div class=\"card %s\"><div class=\"what\">", cls);
    skd_buf_html(b, q->what);
    skd_buf_puts(b, "</div><div class=\"say\">");
    skd_buf_html(b, words);
    skd_buf_puts(b, "</div><p class=\"why\">");
    if (say == SAY_MIXED)
        skd_buf_puts(b, "Some of these figures went down and some went up "
                         "by more than the noise floor; see below.");
    else if (say == SAY_UNSURE) {
        skd_buf_puts(b, "The photos differ in more than the skin: ");
        skd_buf_html(b, c->change[q->main].reason[0]
                            ? c->change[q->main].reason
                            : "see how the two photos were taken");
        skd_buf_puts(b, ".");
    } else if (say == SAY_SAME)
        skd_buf_puts(b, "The main figure did not change by more than photo "
                         "sessions vary on their own.");
    else
        skd_buf_puts(b, "The change is larger than photo sessions vary on "
                         "their own, and consistent across the skin.");
    if (c->change[q->main].floor_source &&
        strstr(c->change[q->main].floor_source, "uncalibrated"))
        skd_buf_puts(b, " No white reference in both photos: the colour is "
                         "not calibrated, so only a larger change counts.");
    skd_buf_puts(b, "</p><ul>");
    for (int i = 0; i < q->n_detail; i++)
        figure_line(b, c, q->detail[i],
                    say == SAY_UNSURE ? c->change[q->main].reason : "");
    skd_buf_puts(b, "</ul></div>\n");
}

void skd_report_cards(skd_buf *b, const skd_comparison *c)
{
    skd_buf_puts(b, "<section class=\"cards\">\n");
    for (size_t i = 0; i < sizeof questions / sizeof questions[0]; i++)
        card(b, c, &questions[i]);
    skd_buf_puts(b, "</section>\n");
}
