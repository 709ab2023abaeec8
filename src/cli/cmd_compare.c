/* skindiff compare: two sessions of the same skin -> change, 95% interval
 * and verdict per metric, as a table, JSON or CSV, plus an HTML report. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

static const char compare_usage[] =
    "Usage: skindiff compare BEFORE AFTER [OPTIONS]\n"
    "       skindiff compare --before A [--before B ...] --after C\n"
    "                        [--after D ...] [OPTIONS]\n"
    "\n"
    "Compare two photos of the same skin taken at different sessions. The\n"
    "after photo is aligned onto the before photo (shift, rotation, zoom);\n"
    "both are then measured on their own pixels over the skin they have in\n"
    "common, and every figure gets a change, a 95% interval and a verdict.\n"
    "\n"
    "Reading the result\n"
    "  change       after - before. Lower is better for every figure.\n"
    "  95% interval the skin is cut into tiles (5 mm squares); the tile-by-\n"
    "               tile changes are resampled 2000 times (bootstrap) to see\n"
    "               how sure the change is. The tiles share one lighting and\n"
    "               one camera, so the interval cannot see photo-to-photo\n"
    "               noise: that is what the noise floor is for.\n"
    "  noise floor  the smallest change that photo sessions can show by\n"
    "               themselves (published booth repeatability, 2-6%). The\n"
    "               red area's is larger where many pixels sit near its\n"
    "               threshold: what a contrast change of the Sa floor's\n"
    "               share alone would make (red threshold floor).\n"
    "  verdict      improved: the whole interval is below zero AND the\n"
    "               change is at least the floor; worsened: likewise above;\n"
    "               otherwise no significant change; inconclusive (with the\n"
    "               reason) when the photos differ in more than the skin\n"
    "               (exposure, light, focus, skin that moved, too few\n"
    "               pores). Fewer than 2 usable tiles give no interval.\n"
    "  replicates   several photos per session (--before/--after repeated):\n"
    "               each photo is compared with its session's first; the\n"
    "               change is that of the sessions' mean figures, and the\n"
    "               photos' spread (this pair's photo-to-photo noise) gives\n"
    "               its interval and the floor that replaces the assumed one.\n"
    "  acquisition  what differs between the photos besides the skin: the\n"
    "               exposure and colour of the common skin, the white\n"
    "               references, sharpness, the share of each photo compared\n"
    "               and the alignment residual. See docs/comparing.md.\n";

static const char compare_tail[] =
    "Units: texture in percent contrast, pore density per cm², diameters in\n"
    "mm, pore and red area in percent of the skin compared, redness in\n"
    "CIELAB a* and erythema index (EI).\n"
    "\n"
    "Exit status: 0 done; 2 bad command line; 3 a photo or mask cannot be\n"
    "read, or no skin in common; 4 the photos cannot be aligned; 5 an output\n"
    "cannot be written.\n"
    "\n"
    "Example:\n"
    "  skindiff compare before.jpg after.jpg --px-per-mm 25 --report visit2.html\n";

enum { OUT_TABLE, OUT_JSON, OUT_CSV };
enum { MARK_SCALE = 1 };
#define MAX_REPLICATES 16 /* photos per session */

typedef struct compare_args {
    const char *before, *after;
    /* --before / --after, in order: [0] before, [1] after */
    const char *photos[2][MAX_REPLICATES];
    size_t n_photos[2];
    const char *mask_before, *mask_after;
    const char *out, *report, *floors;
    skd_roi roi, white_before, white_after, align_roi;
    const char *title, *patient, *site;
    int format, excel;
    int scale_given;
    cli_zone_request zones;
} compare_args;

#define F(field) .offset = offsetof(compare_args, field)

static int add_photo(compare_args *a, int session, const char *path)
{
    if (!*path || a->n_photos[session] >= MAX_REPLICATES)
        return 0;
    a->photos[session][a->n_photos[session]++] = path;
    return 1;
}

static int add_before(const char *v, void *opts) { return add_photo(opts, 0, v); }
static int add_after(const char *v, void *opts) { return add_photo(opts, 1, v); }

static const cli_option compare_options[] = {
    {"--px-per-mm", .opt = SKD_OPT_PX_PER_MM, .mark = MARK_SCALE,
     .help = "scale of the before photo; the after photo's follows from the "
             "alignment. Without it 20 px/mm is assumed (and said so)"},
    {"--mask-before", F(mask_before)},
    {"--mask-after", F(mask_after)},
    {"--roi", F(roi), .help = "rectangle of the BEFORE photo to measure; the "
                              "after photo follows through the alignment"},
    {"--assume-aligned", .opt = SKD_OPT_ASSUME_ALIGNED},
    {"--min-confidence", .opt = SKD_OPT_MIN_CONFIDENCE},
    {"--floor-sa", .opt = SKD_OPT_FLOOR_SA},
    {"--floor-pores", .opt = SKD_OPT_FLOOR_PORES},
    {"--floor-a-mean", .opt = SKD_OPT_FLOOR_A_MEAN},
    {"--floor-erythema", .opt = SKD_OPT_FLOOR_ERYTHEMA},
    {"--floor-red-area", .opt = SKD_OPT_FLOOR_RED_AREA},
    {"--tile-mm", .opt = SKD_OPT_TILE_MM},
    {"--bootstrap", .opt = SKD_OPT_BOOTSTRAP_N},
    {"--seed", .opt = SKD_OPT_SEED},
    {"--pore-threshold", .opt = SKD_OPT_PORE_THRESHOLD},
    {"--red-delta", .opt = SKD_OPT_RED_DELTA},
    {"--threads", .opt = SKD_OPT_THREADS},
    {"--exact", .opt = SKD_OPT_EXACT},
    {"--skin", .opt = SKD_OPT_SKIN},
    {"--face", F(zones.face), .value = 1,
     .help = "find the face in both photos (dlib) and give every change "
             "also per facial zone; the before photo's zones are mapped onto "
             "the after photo through the alignment"},
    {"--landmarks", F(zones.landmarks),
     .help = "the before photo's 68 landmarks instead of dlib"},
    {"--zones", F(zones.labels),
     .help = "the before photo's zones as a label image instead"},
    {"--floors", F(floors)},
    {"--before", .parse = add_before},
    {"--after", .parse = add_after},
    {"--white-ref-before", F(white_before)},
    {"--white-ref-after", F(white_after)},
    {"--align-roi", F(align_roi)},
    {"--max-residual", .opt = SKD_OPT_MAX_RESIDUAL},
    {"--max-tile-shift", .opt = SKD_OPT_MAX_TILE_SHIFT},
    {"--max-exposure", .opt = SKD_OPT_MAX_EXPOSURE_PCT},
    {"--max-light-b", .opt = SKD_OPT_MAX_LIGHT_B},
    {"--max-sharpness", .opt = SKD_OPT_MAX_SHARPNESS_PCT},
    {"--max-light-ref", .opt = SKD_OPT_MAX_LIGHT_REF},
    {"--min-pores", .opt = SKD_OPT_MIN_PORES},
    {"--acquisition-check", .opt = SKD_OPT_ACQ_CHECK},
    {"--floor-a-uncal", .opt = SKD_OPT_FLOOR_A_UNCAL},
    {"--floor-ei-uncal", .opt = SKD_OPT_FLOOR_EI_UNCAL},
    {"--landmarks-after", F(zones.landmarks_after)},
    {"--json", F(format), .value = OUT_JSON},
    {"--csv", F(format), .value = OUT_CSV},
    {"--excel", F(excel), .value = 1},
    {"--output", F(out)},
    {"--report", F(report)},
    {"--title", F(title)},
    {"--patient", F(patient)},
    {"--site", F(site)},
};

static const cli_command compare_command = {
    "compare", compare_usage, compare_tail, compare_options,
    CLI_COUNT(compare_options)};

/* Returns -1 to go on, else the exit code. */
static int parse_args(skd_ctx *ctx, int argc, char **argv, compare_args *a)
{
    cli_args args;
    int rc = cli_parse(&compare_command, ctx, argc, argv, a, &args);
    if (rc >= 0)
        return rc;
    if (a->n_photos[0] || a->n_photos[1]) {
        if (args.npos > 0)
            return cli_usage_error("compare", "'%s': with --before and "
                                   "--after, give every photo through them",
                                   args.pos[0]);
        if (!a->n_photos[0] || !a->n_photos[1])
            return cli_usage_error("compare", "need at least one --before "
                                   "and one --after photo");
        a->before = a->photos[0][0];
        a->after = a->photos[1][0];
    } else {
        if (args.npos < 2)
            return cli_usage_error("compare", "need two photos: BEFORE AFTER");
        if (args.npos > 2)
            return cli_usage_error("compare", "too many files: '%s' (compare "
                                   "takes BEFORE and AFTER)", args.pos[2]);
        a->before = args.pos[0];
        a->after = args.pos[1];
    }
    if (a->floors && (rc = cli_floors_load(ctx, a->floors)) >= 0)
        return rc;
    a->scale_given = (args.seen & MARK_SCALE) != 0;
    if (a->excel && a->format != OUT_CSV)
        return cli_usage_error("compare", "--excel goes with --csv");
    if ((a->title || a->patient || a->site) && !a->report)
        return cli_usage_error("compare", "--title, --patient and --site "
                                          "go with --report FILE.html");
    return cli_zones_check("compare", &a->zones, 1);
}

/* ---- output ------------------------------------------------------------ */

static double opt(const skd_ctx *ctx, skd_option o)
{
    double v = NAN;
    skd_ctx_get(ctx, o, &v);
    return v;
}

static long long file_bytes(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void fmt_percent(char *buf, size_t n, double pct)
{
    if (!isfinite(pct)) {
        snprintf(buf, n, "n/a");
        return;
    }
    if (fabs(pct) < 0.05)
        pct = 0;
    snprintf(buf, n, "%+.1f%%", pct);
}

/* Left-aligned cell padded to `width` characters (UTF-8 aware). */
static void cell(cli_buf *b, const char *s, int width)
{
    int chars = 0;
    for (const char *p = s; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    cli_buf_printf(b, "%s%*s", s, width > chars ? width - chars : 0, "");
}

static void rcell(cli_buf *b, const char *s, int width)
{
    int chars = 0;
    for (const char *p = s; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    cli_buf_printf(b, "%*s%s", width > chars ? width - chars : 0, "", s);
}

/* Which floors judged the verdicts, in words. */
static int has_replicates(const skd_comparison *c)
{
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        if (c->replicates.df[m] > 0)
            return 1;
    return 0;
}

static const char *floors_source(const skd_ctx *ctx, const skd_comparison *c)
{
    if (has_replicates(c))
        return c->acquisition.colour_calibrated
                   ? "replicates"
                   : "replicates; a* and EI at least the uncalibrated colour "
                     "floors";
    if (opt(ctx, SKD_OPT_FLOOR_SOURCE) == 1)
        return "floors file";
    return c->acquisition.colour_calibrated
               ? "booth defaults"
               : "booth defaults; a* and EI uncalibrated colour";
}

/* The floors that are not the table's own, named after the verdict. */
static const char *floor_note(const char *source)
{
    if (source && !strcmp(source, "uncalibrated colour"))
        return " (uncalibrated colour)";
    if (source && !strcmp(source, "red threshold"))
        return " (red threshold floor)";
    return "";
}

static void write_acquisition(cli_buf *b, const skd_comparison *c)
{
    const skd_acquisition *q = &c->acquisition;
    cli_buf_printf(b, "\nAcquisition check (after vs before)%s\n",
                   q->flags ? ": the photos differ in more than the skin" : "");
    cli_buf_printf(b, "  exposure   %+.1f%% (common skin, linear luminance); "
                      "skin L* %+.2f a* %+.2f b* %+.2f\n", q->exposure_pct,
                   q->dL, q->da, q->db);
    if (q->colour_calibrated)
        cli_buf_printf(b, "  white refs L* %+.2f a* %+.2f b* %+.2f (after "
                          "the correction); after photo read x%.3f to the "
                          "before's exposure\n", q->neutral_dL, q->neutral_da,
                       q->neutral_db, q->white_ref_gain);
    else
        cli_buf_printf(b, "  white refs none in both photos: colour "
                          "uncalibrated\n");
    cli_buf_printf(b, "  sharpness  %.2f -> %.2f (ratio %.2f)\n",
                   q->sharpness_before, q->sharpness_after, q->sharpness_ratio);
    cli_buf_printf(b, "  compared   %.0f%% of the before frame, %.0f%% of the "
                      "after\n", 100 * q->region_share_before,
                   100 * q->region_share_after);
    cli_buf_printf(b, "  residual   median %.2f px, largest %.2f px over %u "
                      "tiles; %u tile(s) left out\n", q->residual_median_px,
                   q->residual_max_px, q->tiles_measured, q->tiles_dropped);
    cli_buf_printf(b, "  tone       slope %.3f of the tiles' light and shade "
                      "(spread %.1f%s)\n", q->tone_slope, q->tone_spread,
                   q->tone_spread >= SKD_TONE_MIN_SPREAD
                       ? "" : ": not judged, too little light and shade");
    cli_buf_printf(b, "  resolution after %.0f%% of the before's px/mm; %.0f%% "
                      "of the sharper photo's pores too fine for the other\n",
                   100 * q->resolution_ratio, 100 * q->pores_unresolved);
    if (c->before->band_px_per_mm > 0)
        cli_buf_printf(b, "  band       both measured in the band of %.2f "
                          "px/mm: texture from %.3f mm, pores from radius "
                          "%.3f mm\n", c->before->band_px_per_mm,
                       c->before->band_fine_mm, c->before->band_pore_min_mm);
}

/* The replicates' spread and floors (only when there are replicates). */
static void write_replicates(cli_buf *b, const skd_comparison *c)
{
    const skd_replicates *r = &c->replicates;
    if (!has_replicates(c))
        return;
    cli_buf_printf(b, "\nReplicates (%u before, %u after): before, after and "
                      "change above are the sessions'\nmeans; the interval "
                      "is t(0.975, df) SD sqrt(1/n_before + 1/n_after), the "
                      "floor\nt(0.975, df) SD sqrt(2), with SD the "
                      "photo-to-photo noise of this pair. The first\n"
                      "photos alone changed by the amount on the right.\n",
                   r->n_before, r->n_after);
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        skd_metric_id id = (skd_metric_id)m;
        char fl[32], pc[32];
        if (r->df[m] == 0)
            continue;
        skd_metric_format(fl, sizeof fl, id, r->floor[m], 0);
        cell(b, "", 2);
        cell(b, skd_metric_label(id), 20);
        /* Sa, Sq and the pore figures spread in percent of the figure */
        skd_metric_format(pc, sizeof pc, id, r->pair_change[m], 1);
        cli_buf_printf(b, "SD %.3g%s over %u degree(s) of freedom: floor %s "
                          "%s; first photos %s\n", r->sd[m],
                       m <= SKD_METRIC_PORE_AREA ? "%" : "", r->df[m], fl,
                       skd_metric_unit(id), pc);
    }
}

static void write_table(cli_buf *b, const skd_ctx *ctx, const compare_args *a,
                        const skd_comparison *c, const skd_zone_comparison *zc)
{
    const skd_transform *t = &c->transform;
    cli_buf_printf(b, "Before %s  ->  after %s\n", a->before, a->after);
    cli_buf_printf(b, "Scale      %.2f px/mm (%s)\n", c->px_per_mm,
                   c->scale_assumed ? "assumed" : "given");
    if (opt(ctx, SKD_OPT_ASSUME_ALIGNED) != 0)
        cli_buf_printf(b, "Alignment  assumed aligned (no registration)\n");
    else
        cli_buf_printf(b, "Alignment  shift %.2f, %.2f px, rotation %.2f deg, "
                          "scale %.4f, confidence %.2f\n", t->dx, t->dy,
                       t->rotation_deg, t->scale, t->confidence);
    for (int k = 0; k < 2; k++) {
        const skd_exclusion *e = k ? &c->after->exclusion : &c->before->exclusion;
        cli_buf_printf(b, "%s %.1f%% of the frame measured (skin map %s); left "
                          "out: not skin %.1f%%, highlight %.1f%%, too dark "
                          "%.1f%%, outside ROI/mask %.1f%%, margin %.1f%%; "
                          "clipped %.1f%%\n", k ? "After     " : "Before    ",
                       100 * e->region, e->skin_map ? "auto" : "off",
                       100 * e->not_skin, 100 * e->highlight, 100 * e->too_dark,
                       100 * e->outside_roi_mask, 100 * e->margin,
                       100 * e->clipped);
    }
    cli_buf_printf(b, "Common     %.2f cm² of skin, %u of %u tiles of %g mm "
                      "used for the intervals\n\n", c->common_area_cm2,
                   c->tiles_used, c->tiles_x * c->tiles_y,
                   opt(ctx, SKD_OPT_TILE_MM));
    cell(b, "Measurement", 20);
    cell(b, "Unit", 12);
    rcell(b, "Before", 9);
    rcell(b, "After", 9);
    rcell(b, "Change", 9);
    rcell(b, "Change%", 9);
    cli_buf_printf(b, "  ");
    cell(b, "95% interval", 20);
    rcell(b, "Floor", 7);
    cli_buf_printf(b, "  Verdict\n");
    for (int i = 0; i < SKD_METRIC_COUNT; i++) {
        skd_metric_id m = (skd_metric_id)i;
        const skd_change *ch = &c->change[m];
        char v[96], lo[32], hi[32];
        cell(b, skd_metric_label(m), 20);
        cell(b, skd_metric_unit(m), 12);
        skd_metric_format(v, sizeof v, m, ch->before, 0);
        rcell(b, v, 9);
        skd_metric_format(v, sizeof v, m, ch->after, 0);
        rcell(b, v, 9);
        skd_metric_format(v, sizeof v, m, ch->change, 1);
        rcell(b, v, 9);
        fmt_percent(v, sizeof v, ch->change_pct);
        rcell(b, v, 9);
        cli_buf_printf(b, "  ");
        if (isfinite(ch->ci_low) && isfinite(ch->ci_high)) {
            skd_metric_format(lo, sizeof lo, m, ch->ci_low, 1);
            skd_metric_format(hi, sizeof hi, m, ch->ci_high, 1);
            snprintf(v, sizeof v, "%s to %s", lo, hi);
        } else {
            snprintf(v, sizeof v, "n/a");
        }
        cell(b, v, 20);
        skd_metric_format(v, sizeof v, m, ch->noise_floor, 0);
        rcell(b, v, 7);
        cli_buf_printf(b, "  %s%s\n", skd_verdict_name(ch->verdict),
                       floor_note(ch->floor_source));
        if (ch->verdict == SKD_INCONCLUSIVE)
            cli_buf_printf(b, "%20s  because %s\n", "", ch->reason);
    }
    cli_buf_printf(b, "\nLower is better for every figure. Improved/worsened: "
                      "the 95%% interval excludes zero\nand the change is at "
                      "least the noise floor (in the figure's unit). Floors: "
                      "%s.\n", floors_source(ctx, c));
    if (c->change[SKD_METRIC_RED_AREA].floor_source &&
        !strcmp(c->change[SKD_METRIC_RED_AREA].floor_source, "red threshold"))
        cli_buf_printf(b, "Red threshold floor: many pixels sit near the red "
                          "area's threshold, so a\nsmall change of colour "
                          "contrast moves the figure; its floor is what a "
                          "%g%%\ncontrast change (the Sa floor) would "
                          "(docs/comparing.md).\n",
                       opt(ctx, SKD_OPT_FLOOR_SA));
    write_acquisition(b, c);
    write_replicates(b, c);
    if (zc)
        cli_compare_zones_table(b, zc);
}

static void json_key(cli_buf *b, const char *key)
{
    cli_json_str(b, key);
    cli_buf_printf(b, ": ");
}

/* n "key": number fields, each after ", " but the first after first. */
static void json_nums(cli_buf *b, const char *first, const char *const keys[],
                      const double vals[], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cli_buf_printf(b, "%s", i ? ", " : first);
        json_key(b, keys[i]);
        cli_json_num(b, vals[i]);
    }
}

static void json_photo(cli_buf *b, const char *path, const char *mask,
                       const skd_roi *roi, const skd_analysis *an,
                       const char *scale_source)
{
    cli_buf_printf(b, "{");
    json_key(b, "path");
    cli_json_str(b, path);
    cli_buf_printf(b, ", \"file_bytes\": %lld, \"width\": %u, \"height\": %u, "
                      "\"px_per_mm\": ", file_bytes(path), an->width,
                   an->height);
    cli_json_num(b, an->px_per_mm);
    cli_buf_printf(b, ", \"scale_source\": ");
    cli_json_str(b, scale_source);
    cli_buf_printf(b, ", \"mask\": ");
    if (mask)
        cli_json_str(b, mask);
    else
        cli_buf_printf(b, "null");
    if (roi && roi->w && roi->h)
        cli_buf_printf(b, ", \"roi\": [%u, %u, %u, %u]", roi->x, roi->y,
                       roi->w, roi->h);
    else
        cli_buf_printf(b, ", \"roi\": null");
    cli_buf_printf(b, ", \"region_cm2\": ");
    cli_json_num(b, an->metrics.area_cm2);
    cli_buf_printf(b, ", \"region\": {");
    cli_json_exclusion(b, &an->exclusion);
    cli_buf_printf(b, "}");
    cli_buf_printf(b, ", \"pores_found\": %zu, \"warnings\": [%s%s%s]}",
                   an->n_pores,
                   an->warnings & SKD_WARN_SCALE_ASSUMED ? "\"scale_assumed\""
                                                         : "",
                   (an->warnings & SKD_WARN_SCALE_ASSUMED) &&
                           (an->warnings & SKD_WARN_LOW_RESOLUTION)
                       ? ", "
                       : "",
                   an->warnings & SKD_WARN_LOW_RESOLUTION
                       ? "\"low_resolution\""
                       : "");
}

static void json_change(cli_buf *b, skd_metric_id m, const skd_change *ch)
{
    static const char *const fields[] = {"before", "after", "change",
                                         "change_pct", "ci_low", "ci_high",
                                         "noise_floor"};
    const double vals[] = {ch->before, ch->after, ch->change, ch->change_pct,
                           ch->ci_low, ch->ci_high, ch->noise_floor};
    cli_buf_printf(b, "    ");
    json_key(b, skd_metric_key(m));
    cli_buf_printf(b, "{\"label\": ");
    cli_json_str(b, skd_metric_label(m));
    cli_buf_printf(b, ", \"unit\": ");
    cli_json_str(b, skd_metric_unit(m));
    json_nums(b, ", ", fields, vals, sizeof vals / sizeof *vals);
    cli_buf_printf(b, ", \"verdict\": ");
    cli_json_str(b, skd_verdict_name(ch->verdict));
    cli_buf_printf(b, ", \"reason\": ");
    cli_json_str(b, ch->reason);
    cli_buf_printf(b, ", \"floor_source\": ");
    cli_json_str(b, ch->floor_source ? ch->floor_source : "");
    cli_buf_printf(b, "}");
}

static void json_acquisition(cli_buf *b, const skd_acquisition *q)
{
    const char *keys[] = {"exposure_pct", "dL", "da", "db", "neutral_dL",
                          "neutral_da", "neutral_db", "sharpness_before",
                          "sharpness_after", "sharpness_ratio",
                          "region_share_before", "region_share_after",
                          "residual_median_px", "residual_max_px",
                          "tone_slope", "tone_spread", "resolution_ratio",
                          "pores_unresolved", "white_ref_gain"};
    const double vals[] = {q->exposure_pct, q->dL, q->da, q->db,
                           q->neutral_dL, q->neutral_da, q->neutral_db,
                           q->sharpness_before, q->sharpness_after,
                           q->sharpness_ratio, q->region_share_before,
                           q->region_share_after, q->residual_median_px,
                           q->residual_max_px, q->tone_slope, q->tone_spread,
                           q->resolution_ratio, q->pores_unresolved,
                           q->white_ref_gain};
    int first = 1;
    cli_buf_printf(b, "{\"colour_calibrated\": %s",
                   q->colour_calibrated ? "true" : "false");
    json_nums(b, ", ", keys, vals, sizeof vals / sizeof *vals);
    cli_buf_printf(b, ", \"tiles_measured\": %u, \"tiles_dropped\": %u, "
                      "\"limits_exceeded\": [", q->tiles_measured,
                   q->tiles_dropped);
    for (unsigned k = 0; k < 32; k++) {
        const char *name = skd_acquisition_limit_name(q->flags & (1u << k));
        if (name) {
            cli_buf_printf(b, "%s", first ? "" : ", ");
            cli_json_str(b, name);
            first = 0;
        }
    }
    cli_buf_printf(b, "]}");
}

/* "replicates": the photos of each session and, per metric, the spread
 * and the floor it gave (null without replicates). */
static void json_replicates(cli_buf *b, const compare_args *a,
                            const skd_comparison *c)
{
    const skd_replicates *r = &c->replicates;
    cli_buf_printf(b, "{");
    for (int k = 0; k < 2; k++) {
        size_t n = a->n_photos[k] ? a->n_photos[k] : 1;
        cli_buf_printf(b, "%s\"%s\": [", k ? ", " : "", k ? "after" : "before");
        for (size_t j = 0; j < n; j++) {
            cli_buf_printf(b, "%s", j ? ", " : "");
            cli_json_str(b, a->n_photos[k] ? a->photos[k][j]
                                           : k ? a->after : a->before);
        }
        cli_buf_printf(b, "]");
    }
    cli_buf_printf(b, ", \"metrics\": {");
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        /* the first photos' own change and tile interval (the reported
         * change is the sessions' means' when df > 0) */
        static const char *const keys[] = {"floor", "pair_change",
                                           "pair_ci_low", "pair_ci_high"};
        const double vals[] = {r->floor[m], r->pair_change[m],
                               r->pair_ci_low[m], r->pair_ci_high[m]};
        cli_buf_printf(b, "%s", m ? ", " : "");
        json_key(b, skd_metric_key((skd_metric_id)m));
        cli_buf_printf(b, "{\"df\": %u, \"sd\": ", r->df[m]);
        cli_json_num(b, r->sd[m]);
        cli_buf_printf(b, ", \"sd_unit\": ");
        cli_json_str(b, m <= SKD_METRIC_PORE_AREA
                            ? "% of the figure"
                            : skd_metric_unit((skd_metric_id)m));
        json_nums(b, ", ", keys, vals, sizeof vals / sizeof *vals);
        cli_buf_printf(b, "}");
    }
    cli_buf_printf(b, "}}");
}

static void write_json(cli_buf *b, const skd_ctx *ctx, const compare_args *a,
                       const skd_comparison *c, const skd_zone_comparison *zc)
{
    const skd_transform *t = &c->transform;
    const char *source = a->scale_given ? "given" : "assumed";
    int aligned = opt(ctx, SKD_OPT_ASSUME_ALIGNED) != 0;
    static const char *const floor_keys[] = {
        "sa_pct", "pores_pct", "a", "erythema", "red_area_points",
        "a_uncalibrated", "erythema_uncalibrated"};
    const double floors[] = {
        opt(ctx, SKD_OPT_FLOOR_SA), opt(ctx, SKD_OPT_FLOOR_PORES),
        opt(ctx, SKD_OPT_FLOOR_A_MEAN), opt(ctx, SKD_OPT_FLOOR_ERYTHEMA),
        opt(ctx, SKD_OPT_FLOOR_RED_AREA), opt(ctx, SKD_OPT_FLOOR_A_UNCAL),
        opt(ctx, SKD_OPT_FLOOR_EI_UNCAL)};
    static const char *const transform_keys[] = {"dx", "dy", "rotation_deg",
                                                 "scale", "confidence"};
    const double transform[] = {t->dx, t->dy, t->rotation_deg, t->scale,
                                t->confidence};

    cli_buf_printf(b, "{\n  \"schema_version\": 1,\n  \"tool\": \"skindiff\",\n"
                      "  \"version\": ");
    cli_json_str(b, skd_version_string());
    cli_buf_printf(b, ",\n  \"command\": \"compare\",\n  \"parameters\": {"
                      "\"px_per_mm\": ");
    cli_json_num(b, c->px_per_mm);
    cli_buf_printf(b, ", \"scale_source\": ");
    cli_json_str(b, source);
    cli_buf_printf(b, ", \"assume_aligned\": %s, \"min_confidence\": ",
                   aligned ? "true" : "false");
    cli_json_num(b, opt(ctx, SKD_OPT_MIN_CONFIDENCE));
    cli_buf_printf(b, ", \"tile_mm\": ");
    cli_json_num(b, opt(ctx, SKD_OPT_TILE_MM));
    cli_buf_printf(b, ", \"bootstrap_n\": %.0f, \"seed\": %.0f, "
                      "\"pore_threshold\": ", opt(ctx, SKD_OPT_BOOTSTRAP_N),
                   opt(ctx, SKD_OPT_SEED));
    cli_json_num(b, opt(ctx, SKD_OPT_PORE_THRESHOLD));
    cli_buf_printf(b, ", \"red_delta\": ");
    cli_json_num(b, opt(ctx, SKD_OPT_RED_DELTA));
    cli_buf_printf(b, ", \"floors\": {");
    json_nums(b, "", floor_keys, floors, sizeof floors / sizeof *floors);
    cli_buf_printf(b, ", \"source\": ");
    cli_json_str(b, floors_source(ctx, c));
    cli_buf_printf(b, "}, \"threads\": %.0f},\n  \"before\": ",
                   opt(ctx, SKD_OPT_THREADS));
    json_photo(b, a->before, a->mask_before, &a->roi, c->before, source);
    cli_buf_printf(b, ",\n  \"after\": ");
    json_photo(b, a->after, a->mask_after, NULL, c->after, source);
    cli_buf_printf(b, ",\n  \"transform\": {");
    json_nums(b, "", transform_keys, transform,
              sizeof transform / sizeof *transform);
    cli_buf_printf(b, ", \"assumed_aligned\": %s},\n  \"common_area_cm2\": ",
                   aligned ? "true" : "false");
    cli_json_num(b, c->common_area_cm2);
    cli_buf_printf(b, ",\n  \"tiles\": {\"tile_mm\": ");
    cli_json_num(b, opt(ctx, SKD_OPT_TILE_MM));
    cli_buf_printf(b, ", \"tile_px\": ");
    cli_json_num(b, c->tile_px);
    cli_buf_printf(b, ", \"x\": %u, \"y\": %u, \"used\": %u},\n"
                      "  \"metrics\": {\n", c->tiles_x, c->tiles_y,
                   c->tiles_used);
    for (int i = 0; i < SKD_METRIC_COUNT; i++) {
        json_change(b, (skd_metric_id)i, &c->change[i]);
        cli_buf_printf(b, i + 1 < SKD_METRIC_COUNT ? ",\n" : "\n");
    }
    cli_buf_printf(b, "  },\n");
    if (zc)
        cli_compare_zones_json(b, zc);
    cli_buf_printf(b, "  \"acquisition\": ");
    json_acquisition(b, &c->acquisition);
    cli_buf_printf(b, ",\n  \"common_band\": ");
    if (c->before->band_px_per_mm > 0) {
        cli_buf_printf(b, "{\"px_per_mm\": ");
        cli_json_num(b, c->before->band_px_per_mm);
        cli_buf_printf(b, ", \"texture_fine_mm\": ");
        cli_json_num(b, c->before->band_fine_mm);
        cli_buf_printf(b, ", \"pore_radius_min_mm\": ");
        cli_json_num(b, c->before->band_pore_min_mm);
        cli_buf_printf(b, "}");
    } else {
        cli_buf_printf(b, "null");
    }
    cli_buf_printf(b, ",\n  \"replicates\": ");
    json_replicates(b, a, c);
    cli_buf_printf(b, ",\n  \"notes\": [");
    if (c->tiles_used < 2)
        cli_buf_printf(b, "\"fewer than 2 tiles covered in both photos: no "
                          "interval, every verdict is no significant "
                          "change\"%s", c->scale_assumed ? ", " : "");
    if (c->scale_assumed)
        cli_buf_printf(b, "\"scale assumed: 20 px/mm\"");
    cli_buf_printf(b, "]\n}\n");
}

/* With zones a "zone" column among the identifying ones (after the
 * files): "whole" for the rows of the whole common region, then the rows
 * of each zone. */
static void write_csv(cli_buf *b, const compare_args *a,
                      const skd_comparison *c, const skd_zone_comparison *zc)
{
    char buf[160];
    const char *note =
        zc ? skd_zone_change_note(zc, SKD_ZONE_WHOLE, buf, sizeof buf) : NULL;
    cli_buf_printf(b, "before_file,after_file,%smetric,label,unit,before,"
                      "after,change,change_pct,ci_low,ci_high,noise_floor,"
                      "verdict,common_area_cm2,tiles_used,floor_source,"
                      "reason,n_before,n_after,df,note\n", zc ? "zone," : "");
    for (int i = 0; i < SKD_METRIC_COUNT; i++)
        cli_compare_csv_row(b, a->before, a->after, zc ? "whole" : NULL,
                            (skd_metric_id)i, &c->change[i],
                            c->common_area_cm2, c->tiles_used,
                            &c->replicates, note);
    if (zc)
        cli_compare_zones_csv(b, a->before, a->after, zc);
}

/* ---- run --------------------------------------------------------------- */

static int report_failure(skd_ctx *ctx, int st)
{
    if (st == SKD_E_ALIGN) {
        const char *msg = skd_ctx_message(ctx);
        if (!strncmp(msg, "cannot align", 12))
            cli_error("%s", msg);
        else
            cli_error("cannot align: %s", *msg ? msg : skd_strerror(st));
        fprintf(stderr, "If the face moved between the photos, align on a "
                        "part that moved as one piece\n(--align-roi x,y,w,h "
                        "of the before photo). If they show the same skin "
                        "but\nmatch weakly, lower --min-confidence (default "
                        "0.3). Only if they are already\naligned (same "
                        "framing), run again with --assume-aligned.\n");
        return CLI_EXIT_ALIGN;
    }
    return cli_fail_status(ctx, st);
}

static int load(skd_ctx *ctx, const char *path, skd_image **img)
{
    int st = skd_image_load(ctx, path, img);
    if (st != SKD_OK)
        cli_fail_status(ctx, st);
    return st;
}

/* A photo's capture date: EXIF DateTimeOriginal, else the file's
 * modification date. Returns 1 for EXIF, 0 for the file date, -1 none. */
static int capture_date(skd_ctx *ctx, const char *path, char *out, size_t cap)
{
    struct stat st;
    struct tm tm;
    if (skd_capture_date(ctx, path, out, cap) == SKD_OK)
        return 1;
    if (stat(path, &st) != 0 || !localtime_r(&st.st_mtime, &tm))
        return -1;
    strftime(out, cap, "%Y-%m-%d %H:%M", &tm);
    return 0;
}

static int write_report(skd_ctx *ctx, const compare_args *a,
                        const skd_comparison *c, const skd_image *before,
                        const skd_image *after, const skd_zones *zb,
                        const skd_zone_comparison *zc)
{
    char bd[48] = "", ad[48] = "", bl[80], al[80];
    int be = capture_date(ctx, a->before, bd, sizeof bd);
    int ae = capture_date(ctx, a->after, ad, sizeof ad);
    skd_report_info info = {a->title, a->patient, a->site, NULL, NULL, NULL,
                            zb, zc};
    if (be >= 0 && ae >= 0 && be == ae) {
        info.before_date = bd;
        info.after_date = ad;
        info.date_source = be ? "EXIF DateTimeOriginal"
                              : "file dates: the photos carry no EXIF date";
    } else { /* one from EXIF, one from the file, or one unknown: say each */
        snprintf(bl, sizeof bl, "%s (%s)", be >= 0 ? bd : "unknown",
                 be > 0 ? "EXIF" : "file date");
        snprintf(al, sizeof al, "%s (%s)", ae >= 0 ? ad : "unknown",
                 ae > 0 ? "EXIF" : "file date");
        info.before_date = bl;
        info.after_date = al;
    }
    return skd_report_html_info(ctx, c, before, after, cli_base_name(a->before),
                                cli_base_name(a->after), &info, a->report);
}

/* skd_compare, or with replicates skd_compare_sessions: the first photos
 * carry the specs (ROI, masks, white references); the other photos are
 * measured over their whole skin, with --face each with its own face
 * found by dlib (a face for the first photo and none for the others would
 * make the replicates' spread a change of method, not photo-to-photo
 * noise). With zones (zb, the first before photo's; za, the first after
 * photo's or NULL) skd_compare_sessions_zones, which gives each zone the
 * sessions' means too. *code is set when a replicate cannot be read. */
static int compare_sessions(skd_ctx *ctx, const compare_args *a,
                            const skd_image *before,
                            const skd_region_spec *sb, const skd_image *after,
                            const skd_region_spec *sa, const skd_zones *zb,
                            const skd_zones *za, skd_comparison **c,
                            skd_zone_comparison *zones, int *code)
{
    skd_session_photo s[2][MAX_REPLICATES];
    skd_image *extra[2][MAX_REPLICATES] = {{NULL}};
    skd_zones *faces[2][MAX_REPLICATES] = {{NULL}};
    skd_region_spec specs[2][MAX_REPLICATES];
    /* without --before / --after: one photo each, given as positionals */
    size_t n[2] = {a->n_photos[0] ? a->n_photos[0] : 1,
                   a->n_photos[1] ? a->n_photos[1] : 1};
    int st = SKD_OK;
    if (n[0] <= 1 && n[1] <= 1 && !zb)
        return skd_compare(ctx, before, sb, after, sa, c);
    memset(s, 0, sizeof s);
    memset(specs, 0, sizeof specs);
    s[0][0] = (skd_session_photo){before, sb, NULL};
    s[1][0] = (skd_session_photo){after, sa, NULL};
    for (int k = 0; k < 2 && *code == CLI_EXIT_OK; k++)
        for (size_t j = 1; j < n[k]; j++) {
            if (load(ctx, a->photos[k][j], &extra[k][j])) {
                *code = CLI_EXIT_INPUT;
                break;
            }
            s[k][j].image = extra[k][j];
            if (a->zones.face) {
                st = skd_zones_detect(ctx, extra[k][j], &faces[k][j]);
                if (st != SKD_OK) {
                    *code = cli_fail_status(ctx, st);
                    break;
                }
                if (faces[k][j]->has_landmarks)
                    specs[k][j].landmarks = faces[k][j]->landmarks;
                s[k][j].spec = &specs[k][j];
            }
        }
    if (*code == CLI_EXIT_OK)
        st = zb ? skd_compare_sessions_zones(ctx, s[0], n[0], s[1], n[1], zb,
                                             za, c, zones)
                : skd_compare_sessions(ctx, s[0], n[0], s[1], n[1], c);
    for (int k = 0; k < 2; k++)
        for (size_t j = 1; j < n[k]; j++) {
            skd_zones_free(faces[k][j]);
            skd_image_free(extra[k][j]);
        }
    return st;
}

static int run(skd_ctx *ctx, const compare_args *a)
{
    skd_image *before = NULL, *after = NULL, *mb = NULL, *ma = NULL;
    skd_region_spec sb = {0}, sa = {0};
    skd_comparison *c = NULL;
    skd_zone_comparison zones, *zc = NULL;
    cli_zone_result zb, za;
    cli_buf out = {0};
    int st, code = CLI_EXIT_OK;

    memset(&zb, 0, sizeof zb);
    memset(&za, 0, sizeof za);
    if (load(ctx, a->before, &before) || load(ctx, a->after, &after) ||
        (a->mask_before && load(ctx, a->mask_before, &mb)) ||
        (a->mask_after && load(ctx, a->mask_after, &ma))) {
        code = CLI_EXIT_INPUT;
        goto done;
    }
    sb.mask = mb;
    sb.roi = a->roi;
    sb.white_ref = a->white_before;
    sa.mask = ma;
    sa.white_ref = a->white_after;
    if (a->align_roi.w && a->align_roi.h) {
        skd_ctx_set(ctx, SKD_OPT_ALIGN_ROI_X, a->align_roi.x);
        skd_ctx_set(ctx, SKD_OPT_ALIGN_ROI_Y, a->align_roi.y);
        skd_ctx_set(ctx, SKD_OPT_ALIGN_ROI_W, a->align_roi.w);
        skd_ctx_set(ctx, SKD_OPT_ALIGN_ROI_H, a->align_roi.h);
    }
    /* Each photo's face first: its skin map keeps the skin connected to
     * it, as analyze --face (docs/skin-map.md). */
    if (cli_zones_wanted(&a->zones)) {
        st = cli_compare_zones_find(ctx, &a->zones, before, after, &zb, &za);
        if (st != SKD_OK) {
            code = cli_fail_status(ctx, st);
            goto done;
        }
        sb.landmarks = cli_zones_landmarks(&zb);
        sa.landmarks = cli_zones_landmarks(&za);
    }
    st = compare_sessions(ctx, a, before, &sb, after, &sa, zb.z, za.z, &c,
                          &zones, &code);
    if (code != CLI_EXIT_OK)
        goto done;
    if (st != SKD_OK) {
        code = report_failure(ctx, st);
        goto done;
    }
    if (c->scale_assumed)
        cli_warn("no --px-per-mm given: 20 px/mm assumed; sizes and densities "
                 "are only as right as that guess");
    if (c->tiles_used < 2)
        cli_warn("only %u tile(s) covered in both photos: no 95%% interval, "
                 "every verdict is 'no significant change'", c->tiles_used);
    if (cli_zones_wanted(&a->zones)) {
        st = cli_compare_zones(ctx, &a->zones, c, before, after, &zb, &za,
                               &zones);
        if (st != SKD_OK) {
            code = cli_fail_status(ctx, st);
            goto done;
        }
        zc = &zones;
    }
    if (a->format == OUT_JSON)
        write_json(&out, ctx, a, c, zc);
    else if (a->format == OUT_CSV) {
        if (a->excel)
            cli_buf_printf(&out, "\xEF\xBB\xBF"); /* UTF-8 BOM for Excel */
        write_csv(&out, a, c, zc);
    }
    else
        write_table(&out, ctx, a, c, zc);
    code = cli_buf_emit(ctx, &out, a->out);
    if (code == CLI_EXIT_OK && a->report) {
        st = write_report(ctx, a, c, before, after, zb.z, zc);
        if (st != SKD_OK) {
            cli_fail_status(ctx, st);
            code = st == SKD_E_NOMEM ? CLI_EXIT_NOMEM : CLI_EXIT_OUTPUT;
        }
    }
done:
    cli_buf_free(&out);
    cli_zones_free(&zb);
    cli_zones_free(&za);
    skd_comparison_free(c);
    skd_image_free(before);
    skd_image_free(after);
    skd_image_free(mb);
    skd_image_free(ma);
    return code;
}

int cmd_compare(int argc, char **argv)
{
    compare_args a;
    skd_ctx *ctx = skd_ctx_create();
    int code;

    if (!ctx) {
        cli_error("out of memory");
        return CLI_EXIT_NOMEM;
    }
    memset(&a, 0, sizeof a);
    code = parse_args(ctx, argc, argv, &a);
    if (code < 0) {
        cli_zones_prepare(ctx, &a.zones);
        code = run(ctx, &a);
    }
    skd_ctx_free(ctx);
    return code;
}
