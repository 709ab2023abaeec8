/* skindiff compare with facial zones: the zones of both photos, their
 * figures, and their rows in the table, JSON and CSV. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* The after photo's route: dlib with --face, else --landmarks-after. */
static cli_zone_request after_request(const cli_zone_request *q)
{
    cli_zone_request qa = {q->face, q->landmarks_after, NULL, NULL, NULL};
    return qa;
}

int cli_compare_zones_find(skd_ctx *ctx, const cli_zone_request *q,
                           const skd_image *before, const skd_image *after,
                           cli_zone_result *zb, cli_zone_result *za)
{
    cli_zone_request qa = after_request(q);
    int st = cli_zones_find(ctx, q, before, zb);
    memset(za, 0, sizeof *za);
    if (st == SKD_OK && (q->face || q->landmarks_after))
        st = cli_zones_find(ctx, &qa, after, za);
    return st;
}

/* The zones found by cli_compare_zones_find measured over the comparison's
 * analyses (the before photo's kept in zb for the report; the after
 * photo's, when there are any, for the landmark check); zc: their changes
 * (skd_compare_sessions_zones), for the warnings. */
int cli_compare_zones(skd_ctx *ctx, const cli_zone_request *q,
                      const skd_comparison *c, const skd_image *before,
                      const skd_image *after, cli_zone_result *zb,
                      cli_zone_result *za, const skd_zone_comparison *zc)
{
    cli_zone_request qa = after_request(q);
    int st = cli_zones_measure(ctx, q, before, c->before, zb);
    if (st == SKD_OK && za->z)
        st = cli_zones_measure(ctx, &qa, after, c->after, za);
    if (st != SKD_OK)
        return st;
    cli_zones_warn("before photo", zb);
    if (za->z && za->z->faces_found > 1)
        cli_zones_warn("after photo", za);
    if (zc->residual_large)
        cli_warn("the faces' landmarks lie %.1f mm (RMS) from where the "
                 "alignment puts them: the face moved or changed expression "
                 "between the photos, so a zone may not be the same skin in "
                 "both", zc->landmark_residual_mm);
    return SKD_OK;
}

static int shown(const skd_zone_comparison *zc, int z)
{
    return z == SKD_ZONE_WHOLE || zc->source != SKD_ZONES_NO_FACE;
}

void cli_compare_zones_table(cli_buf *b, const skd_zone_comparison *zc)
{
    static const skd_metric_id shown_metrics[] = {
        SKD_METRIC_SA, SKD_METRIC_PORE_DENSITY, SKD_METRIC_A_MEAN,
        SKD_METRIC_ERYTHEMA, SKD_METRIC_RED_AREA};
    cli_buf_printf(b, "\nZones");
    if (zc->source == SKD_ZONES_NO_FACE) {
        cli_buf_printf(b, ": no face found in the before photo: compared as "
                          "one region\n");
        return;
    }
    if (zc->has_residual)
        cli_buf_printf(b, " (landmarks agree with the alignment within "
                          "%.2f mm RMS)", zc->landmark_residual_mm);
    cli_buf_printf(b, ": change and verdict per zone%s\n",
                   zc->replicates[SKD_ZONE_WHOLE].n_before +
                               zc->replicates[SKD_ZONE_WHOLE].n_after > 2
                       ? " (the sessions' means, interval and floor from "
                         "the zone's own spread)"
                       : "");
    for (int z = 0; z < SKD_ZONE_COUNT; z++) {
        const skd_zone_change *ch = &zc->zone[z];
        char buf[160];
        const char *note = skd_zone_change_note(zc, (skd_zone)z, buf, sizeof buf);
        cli_buf_printf(b, "  %-12s %6.2f cm², %3u tiles", skd_zone_name((skd_zone)z),
                       ch->area_cm2, ch->tiles_used);
        if (note && !ch->measured) {
            cli_buf_printf(b, "  %s\n", note);
            continue;
        }
        for (size_t k = 0; k < sizeof shown_metrics / sizeof *shown_metrics; k++) {
            skd_metric_id m = shown_metrics[k];
            char v[64];
            skd_metric_format(v, sizeof v, m, ch->change[m].change, 1);
            cli_buf_printf(b, "  %s %s (%s)", skd_metric_key(m), v,
                           skd_verdict_name(ch->change[m].verdict));
        }
        cli_buf_printf(b, "%s%s\n", note ? "  " : "", note ? note : "");
    }
}

static void json_change(cli_buf *b, const skd_change *ch)
{
    const double v[] = {ch->before, ch->after, ch->change, ch->change_pct,
                        ch->ci_low, ch->ci_high, ch->noise_floor};
    static const char *const k[] = {"before", "after", "change", "change_pct",
                                    "ci_low", "ci_high", "noise_floor"};
    cli_buf_printf(b, "{");
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        cli_buf_printf(b, "%s\"%s\": ", i ? ", " : "", k[i]);
        cli_json_num(b, v[i]);
    }
    cli_buf_printf(b, ", \"verdict\": ");
    cli_json_str(b, skd_verdict_name(ch->verdict));
    cli_buf_printf(b, ", \"reason\": ");
    cli_json_str(b, ch->reason);
    cli_buf_printf(b, ", \"floor_source\": ");
    cli_json_str(b, ch->floor_source ? ch->floor_source : "");
    cli_buf_printf(b, "}");
}

/* A zone's replicates: the photos that made its means and, per metric,
 * its spread and the first photos' own zone change (null without
 * replicates). */
static void json_zone_replicates(cli_buf *b, const skd_replicates *r)
{
    if (r->n_before + r->n_after <= 2) {
        cli_buf_printf(b, "null");
        return;
    }
    cli_buf_printf(b, "{\"n_before\": %u, \"n_after\": %u, \"metrics\": {",
                   r->n_before, r->n_after);
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        const double v[] = {r->sd[m], r->floor[m], r->pair_change[m],
                            r->pair_ci_low[m], r->pair_ci_high[m]};
        static const char *const k[] = {"sd", "floor", "pair_change",
                                        "pair_ci_low", "pair_ci_high"};
        cli_buf_printf(b, "%s\"%s\": {\"df\": %u", m ? ", " : "",
                       skd_metric_key((skd_metric_id)m), r->df[m]);
        for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
            cli_buf_printf(b, ", \"%s\": ", k[i]);
            cli_json_num(b, v[i]);
        }
        cli_buf_printf(b, "}");
    }
    cli_buf_printf(b, "}}");
}

void cli_compare_zones_json(cli_buf *b, const skd_zone_comparison *zc)
{
    const char *sep = "";
    cli_buf_printf(b, "  \"zone_source\": \"%s\",\n  \"landmark_residual\": ",
                   cli_zone_source(zc->source));
    if (zc->has_residual) {
        cli_buf_printf(b, "{\"px\": ");
        cli_json_num(b, zc->landmark_residual_px);
        cli_buf_printf(b, ", \"mm\": ");
        cli_json_num(b, zc->landmark_residual_mm);
        cli_buf_printf(b, ", \"large\": %s}", zc->residual_large ? "true" : "false");
    } else {
        cli_buf_printf(b, "null");
    }
    cli_buf_printf(b, ",\n  \"zones\": {");
    for (int z = 0; z < SKD_ZONE_COUNT; z++) {
        const skd_zone_change *ch = &zc->zone[z];
        char buf[160];
        const char *note = skd_zone_change_note(zc, (skd_zone)z, buf, sizeof buf);
        if (!shown(zc, z))
            continue;
        cli_buf_printf(b, "%s\n    \"%s\": {\"area_cm2\": ", sep,
                       skd_zone_name((skd_zone)z));
        sep = ",";
        cli_json_num(b, ch->area_cm2);
        cli_buf_printf(b, ", \"tiles_used\": %u, \"note\": ", ch->tiles_used);
        if (note)
            cli_json_str(b, note);
        else
            cli_buf_printf(b, "null");
        if (ch->measured) {
            cli_buf_printf(b, ",\n      \"metrics\": {");
            for (int m = 0; m < SKD_METRIC_COUNT; m++) {
                cli_buf_printf(b, "%s\n        \"%s\": ", m ? "," : "",
                               skd_metric_key((skd_metric_id)m));
                json_change(b, &ch->change[m]);
            }
            cli_buf_printf(b, "},\n      \"replicates\": ");
            json_zone_replicates(b, &zc->replicates[z]);
        }
        cli_buf_printf(b, "}");
    }
    cli_buf_printf(b, "},\n");
}

void cli_compare_csv_row(cli_buf *b, const char *before, const char *after,
                         const char *zone, skd_metric_id m,
                         const skd_change *c, double area_cm2, unsigned tiles,
                         const skd_replicates *r, const char *note)
{
    cli_csv_field(b, before);
    cli_buf_printf(b, ",");
    cli_csv_field(b, after);
    cli_buf_printf(b, ",%s%s%s,%s,%s", zone ? zone : "", zone ? "," : "",
                   skd_metric_key(m), skd_metric_label(m), skd_metric_unit(m));
    cli_csv_num(b, c->before);
    cli_csv_num(b, c->after);
    cli_csv_num(b, c->change);
    cli_csv_num(b, c->change_pct);
    cli_csv_num(b, c->ci_low);
    cli_csv_num(b, c->ci_high);
    cli_csv_num(b, c->noise_floor);
    cli_buf_printf(b, ",%s", skd_verdict_name(c->verdict));
    cli_csv_num(b, area_cm2);
    cli_buf_printf(b, ",%u,", tiles);
    cli_csv_field(b, c->floor_source ? c->floor_source : "");
    cli_buf_printf(b, ",");
    cli_csv_field(b, c->reason);
    /* appended after reason, so earlier columns keep their places */
    cli_buf_printf(b, ",%u,%u,%u,", r && r->n_before ? r->n_before : 1,
                   r && r->n_after ? r->n_after : 1, r ? r->df[m] : 0);
    cli_csv_field(b, note ? note : "");
    cli_buf_printf(b, "\n");
}

void cli_compare_zones_csv(cli_buf *b, const char *before, const char *after,
                           const skd_zone_comparison *zc)
{
    for (int z = 1; z < SKD_ZONE_COUNT; z++) {
        const skd_zone_change *ch = &zc->zone[z];
        char buf[160];
        const char *note = skd_zone_change_note(zc, (skd_zone)z, buf,
                                                sizeof buf);
        if (!shown(zc, z) || !ch->measured)
            continue;
        for (int i = 0; i < SKD_METRIC_COUNT; i++)
            cli_compare_csv_row(b, before, after, skd_zone_name((skd_zone)z),
                                (skd_metric_id)i, &ch->change[i],
                                ch->area_cm2, ch->tiles_used,
                                &zc->replicates[z], note);
    }
}
