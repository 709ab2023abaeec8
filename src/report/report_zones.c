/* The zone table of the report: per facial zone, the change and verdict of
 * the five main figures (docs/zones.md). */
#include <math.h>

#include "report_parts.h"

/* Plain names for a patient, in the subject's own left and right. */
static const char *zone_words(int z)
{
    static const char *const w[SKD_ZONE_COUNT] = {
        "Whole area", "Forehead", "Nose", "Left cheek", "Right cheek", "Chin"};
    return w[z];
}

static void zone_cell(skd_buf *b, skd_metric_id m, const skd_change *ch)
{
    skd_buf_puts(b, "<td>");
    skd_report_value(b, m, ch->change, 1);
    skd_buf_printf(b, "<br><span class=\"pill %s\">%s</span></td>",
                   skd_verdict_class(ch->verdict), skd_verdict_name(ch->verdict));
}

/* With replicates: where the zones' figures come from, and the zones
 * whose means leave out a photo (missing or too small in it). */
static void zone_replicates_note(skd_buf *b, const skd_zone_comparison *zc)
{
    const skd_replicates *w = &zc->replicates[SKD_ZONE_WHOLE];
    if (w->n_before + w->n_after <= 2)
        return;
    skd_buf_puts(b, " Each zone's change is that of the sessions' mean "
                    "figures of the zone over all their photos; its interval "
                    "and noise floor come from the zone's own spread between "
                    "the photos.");
    for (int z = 1; z < SKD_ZONE_COUNT; z++) {
        const skd_replicates *r = &zc->replicates[z];
        if (!zc->zone[z].measured || zc->zone[z].tiles_used < 2 ||
            (r->n_before >= w->n_before && r->n_after >= w->n_after))
            continue;
        skd_buf_printf(b, " %s: %u of %u before and %u of %u after photos "
                          "(the zone is missing or too small in the others).",
                       zone_words(z), r->n_before, w->n_before, r->n_after,
                       w->n_after);
    }
}

void skd_report_zone_table(skd_buf *b, const skd_zone_comparison *zc)
{
    skd_buf_puts(b, "<h2>By facial zone</h2>\n");
    if (zc->source == SKD_ZONES_NO_FACE) {
        skd_buf_puts(b, "<p class=\"files\">No face was found in the before "
                        "photo: it is compared as one area.</p>\n");
        return;
    }
    skd_buf_puts(b, "<table>\n<thead><tr><th>Zone</th><th>Skin compared</th>");
    for (int i = 0; i < SKD_REPORT_MAIN_COUNT; i++) {
        skd_buf_puts(b, "<th>");
        skd_buf_html(b, skd_metric_label(skd_report_main[i]));
        skd_buf_puts(b, "</th>");
    }
    skd_buf_puts(b, "</tr></thead>\n<tbody>\n");
    for (int z = 0; z < SKD_ZONE_COUNT; z++) {
        const skd_zone_change *ch = &zc->zone[z];
        skd_buf_printf(b, "<tr><td class=\"metric\">%s</td><td>%.2f&nbsp;"
                          "<span class=\"u\">cm²</span>, %u tiles</td>",
                       zone_words(z), ch->area_cm2, ch->tiles_used);
        if (!ch->measured || ch->tiles_used < 2) {
            skd_buf_printf(b, "<td colspan=\"%d\">%s</td></tr>\n",
                           SKD_REPORT_MAIN_COUNT,
                           !ch->measured ? "no skin of this zone in both photos"
                                         : "too small for an interval");
            continue;
        }
        for (int i = 0; i < SKD_REPORT_MAIN_COUNT; i++)
            zone_cell(b, skd_report_main[i], &ch->change[skd_report_main[i]]);
        skd_buf_puts(b, "</tr>\n");
    }
    skd_buf_puts(b, "</tbody></table>\n<p class=\"files\">Left and right are the "
                    "patient's own: the left cheek is on the right of a "
                    "frontal photo. Zones are outlined on the before photo "
                    "above (forehead yellow, nose magenta, left cheek green, "
                    "right cheek blue, chin orange).");
    zone_replicates_note(b, zc);
    if (zc->has_residual)
        skd_buf_printf(b, " The face's landmarks agree with the alignment "
                          "within %.1f&nbsp;mm%s.", zc->landmark_residual_mm,
                       zc->residual_large ? ": too far apart, the face moved "
                                            "between the photos, so a zone may "
                                            "not show the same skin in both"
                                          : "");
    skd_buf_puts(b, "</p>\n");
}
