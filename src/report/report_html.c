/* skd_report_html: one self-contained HTML file (inline CSS, images as
 * data: URIs, no scripts, no network, no date so it is reproducible). */
#include <math.h>
#include <string.h>

#include "../io/io.h"
#include "report_parts.h"

#define PHOTO_MAX_W 900 /* display copies only */
#define MAP_MAX_W 600

double skd_scale_bar_mm(double width_mm)
{
    static const double steps[] = {1, 2, 5};
    double best = 1, target = width_mm / 5;
    if (!(target > 0))
        return 1;
    for (int e = -1; e <= 3; e++)
        for (int i = 0; i < 3; i++) {
            double v = steps[i] * pow(10, e);
            if (v <= target * 1.5 && fabs(log(v / target)) <
                                         fabs(log(best / target)))
                best = v;
        }
    return best;
}

/* A picture with a scale bar whose width is a share of the picture, so
 * it stays right however the browser scales the image. */
static int picture(skd_buf *b, const skd_rgb8 *p, const char *alt,
                   double photo_width_mm, int photo)
{
    double mm = skd_scale_bar_mm(photo_width_mm);
    int st;
    skd_buf_puts(b, "<div class=\"pic\">");
    st = skd_html_img(b, p, alt, photo);
    skd_buf_printf(b, "<div class=\"bar\" style=\"width:%.2f%%\"><span>%g "
                       "mm</span></div></div>", 100.0 * mm / photo_width_mm, mm);
    return st;
}

/* One "key: value" of the header, when value is given. */
static void visit_item(skd_buf *b, const char *k, const char *v)
{
    if (!v || !*v)
        return;
    skd_buf_puts(b, "<div><span class=\"k\">");
    skd_buf_html(b, k);
    skd_buf_puts(b, "</span> ");
    skd_buf_html(b, v);
    skd_buf_puts(b, "</div>");
}

static void header(skd_buf *b, const char *before_name,
                   const char *after_name, const skd_report_info *info)
{
    const char *title = info->title && *info->title ? info->title
                                                    : "Skin comparison";
    char dates[160] = "";
    skd_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                     "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                     "content=\"width=device-width,initial-scale=1\">\n"
                     "<title>");
    skd_buf_html(b, title);
    skd_buf_puts(b, ": ");
    skd_buf_html(b, before_name);
    skd_buf_puts(b, " &rarr; ");
    skd_buf_html(b, after_name);
    skd_buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n"
                       "<main>\n<header><div><h1>", skd_report_css);
    skd_buf_html(b, title);
    skd_buf_puts(b, "</h1><div class=\"visit\">");
    visit_item(b, "Patient", info->patient);
    visit_item(b, "Site", info->site);
    if (info->before_date || info->after_date)
        snprintf(dates, sizeof dates, "%s \xe2\x86\x92 %s%s%s%s",
                 info->before_date ? info->before_date : "?",
                 info->after_date ? info->after_date : "?",
                 info->date_source ? " (" : "",
                 info->date_source ? info->date_source : "",
                 info->date_source ? ")" : "");
    visit_item(b, "Taken", dates);
    skd_buf_puts(b, "</div><p class=\"files\">Before <b>");
    skd_buf_html(b, before_name);
    skd_buf_puts(b, "</b> &rarr; after <b>");
    skd_buf_html(b, after_name);
    skd_buf_printf(b, "</b></p></div><div class=\"tool\">skindiff %s</div>"
                       "</header>\n", skd_version_string());
}

/* Below this registration confidence the banner warns (compare refuses
 * below --min-confidence, 0.15 by default; related pairs usually score
 * above 0.8, see docs/comparing.md). */
#define LOW_CONFIDENCE 0.5

static void banner(skd_buf *b, skd_ctx *ctx, const skd_comparison *c)
{
    if (skd_opt(ctx, SKD_OPT_ASSUME_ALIGNED) != 0 ||
        !(c->transform.confidence < LOW_CONFIDENCE))
        return;
    skd_buf_printf(b, "<p class=\"banner\"><b>The photos may not line up "
                       "well</b> (alignment confidence %.2f, below %.1f). The "
                       "skin compared may not be exactly the same skin in "
                       "both photos: read every change below with caution, "
                       "and retake the photos the same way if you can.</p>\n",
                    c->transform.confidence, LOW_CONFIDENCE);
}

static void fact(skd_buf *b, const char *k, const char *v, const char *d)
{
    skd_buf_puts(b, "<div class=\"fact\"><div class=\"k\">");
    skd_buf_html(b, k);
    skd_buf_puts(b, "</div><div class=\"v\">");
    skd_buf_html(b, v);
    skd_buf_puts(b, "</div><div class=\"d\">");
    skd_buf_html(b, d);
    skd_buf_puts(b, "</div></div>\n");
}

static void facts(skd_buf *b, skd_ctx *ctx, const skd_comparison *c)
{
    const skd_transform *t = &c->transform;
    char v[160], d[200];
    skd_buf_puts(b, "<section class=\"facts\">\n");
    snprintf(v, sizeof v, "%.2f px/mm", c->px_per_mm);
    fact(b, "Scale", v,
         c->scale_assumed ? "assumed (default): sizes are only as right as "
                            "this guess"
                          : "given by the user");
    if (skd_opt(ctx, SKD_OPT_ASSUME_ALIGNED) != 0) {
        fact(b, "Alignment", "assumed aligned",
             "photos taken as already aligned: no registration");
    } else {
        snprintf(v, sizeof v, "confidence %.2f", t->confidence);
        snprintf(d, sizeof d, "shift %.1f, %.1f px; rotation %.2f\xc2\xb0; "
                              "scale %.4f", t->dx, t->dy, t->rotation_deg,
                 t->scale);
        fact(b, "Alignment", v, d);
    }
    snprintf(v, sizeof v, "%.2f cm\xc2\xb2", c->common_area_cm2);
    fact(b, "Skin compared", v, "seen in both photos, measured on each "
                                "photo's own pixels");
    snprintf(v, sizeof v, "%u of %u tiles", c->tiles_used,
             c->tiles_x * c->tiles_y);
    snprintf(d, sizeof d, "%g mm squares covered in both photos",
             skd_opt(ctx, SKD_OPT_TILE_MM));
    fact(b, "Tiles for the interval", v, d);
    skd_buf_puts(b, "</section>\n");
}

static void notes(skd_buf *b, skd_ctx *ctx, const skd_comparison *c)
{
    if (c->tiles_used < 2)
        skd_buf_printf(b, "<p class=\"note\"><b>Too little skin for an "
                           "interval.</b> Only %u tile(s) of %g mm were "
                           "covered in both photos, so no 95%% interval can "
                           "be given and every verdict is &ldquo;no "
                           "significant change&rdquo;.</p>\n",
                        c->tiles_used, skd_opt(ctx, SKD_OPT_TILE_MM));
    if (c->scale_assumed)
        skd_buf_puts(b, "<p class=\"note\"><b>Scale assumed.</b> No scale "
                         "was given, so 20 px/mm was assumed. Pore sizes, "
                         "densities and areas depend on it.</p>\n");
    if ((c->before->warnings | c->after->warnings) & SKD_WARN_LOW_RESOLUTION)
        skd_buf_puts(b, "<p class=\"note\"><b>Low resolution.</b> Below "
                         "10 px/mm pores are too small to measure "
                         "reliably.</p>\n");
}

/* A copy of p with the outline of the skin compared (the common region,
 * in the before photo's frame, where both pictures are shown). */
static int outlined(skd_ctx *ctx, const skd_comparison *c,
                    const skd_image *before, const skd_rgb8 *p, skd_rgb8 *out)
{
    static const uint8_t line[3] = {0, 255, 255}; /* cyan */
    int st = skd_rgb8_alloc(ctx, p->width, p->height, out);
    if (st != SKD_OK)
        return st;
    memcpy(out->px, p->px, (size_t)p->width * p->height * 3);
    if (!c->common_before)
        return SKD_OK;
    return skd_rgb8_outline(ctx, c->common_before, before->width,
                            before->height, out, line);
}

static int photos(skd_buf *b, skd_ctx *ctx, const skd_comparison *c,
                  const skd_image *before, const skd_image *after,
                  const skd_rgb8 *before8)
{
    double wmm = before->width / c->px_per_mm;
    skd_image *warped = NULL;
    skd_rgb8 warped8 = {0}, line_b = {0}, line_a = {0};
    int st;

    st = skd_warp_to_before(ctx, after, &c->transform, before->width,
                            before->height, &warped);
    if (st == SKD_OK)
        st = skd_rgb8_from_image(ctx, warped, PHOTO_MAX_W, &warped8);
    skd_image_free(warped);
    if (st == SKD_OK)
        st = outlined(ctx, c, before, before8, &line_b);
    if (st == SKD_OK)
        st = outlined(ctx, c, before, &warped8, &line_a);
    if (st != SKD_OK) {
        skd_rgb8_free(ctx, &warped8);
        skd_rgb8_free(ctx, &line_b);
        skd_rgb8_free(ctx, &line_a);
        return st;
    }
    skd_buf_puts(b, "<h2>The photos</h2>\n<div class=\"pair\"><figure>");
    st = picture(b, &line_b, "before photo, the skin compared outlined", wmm, 1);
    skd_buf_puts(b, "<figcaption><b>Before</b></figcaption></figure>"
                     "<figure>");
    if (st == SKD_OK)
        st = picture(b, &line_a, "after photo, aligned to the before photo, "
                     "the skin compared outlined", wmm, 1);
    skd_rgb8_free(ctx, &line_b);
    skd_rgb8_free(ctx, &line_a);
    if (skd_opt(ctx, SKD_OPT_ASSUME_ALIGNED) != 0)
        skd_buf_puts(b, "<figcaption><b>After</b>, taken as already lined "
                         "up with the before photo</figcaption></figure>"
                         "</div>\n");
    else
        skd_buf_puts(b, "<figcaption><b>After</b>, turned and shifted to "
                         "line up with the before photo (for viewing only: "
                         "every figure is measured on the original pixels)"
                         "</figcaption></figure></div>\n");
    skd_buf_puts(b, "<p class=\"files\">The cyan line encloses the skin "
                     "compared: what both photos show as skin, lined up. "
                     "Everything outside it (background, clothing, hair, "
                     "eyes, lips, highlights) is not measured.</p>\n");
    /* The alignment check: both photos in one frame, the aligned after
     * photo shown every other second (CSS only; hover holds it). Skin that
     * jumps between the two did not line up. */
    skd_buf_puts(b, "<h2>Alignment check</h2>\n<figure class=\"flick\">");
    if (st == SKD_OK)
        st = picture(b, before8, "before photo", wmm, 1);
    if (st == SKD_OK)
        st = picture(b, &warped8, "after photo, aligned", wmm, 1);
    skd_buf_printf(b, "<figcaption>Before and aligned after, alternating "
                       "every second (hover to hold). What was compared "
                       "should stay still. Residual after alignment: median "
                       "%.2f px over %u tiles; %u tile(s) left out.</figcaption>"
                       "</figure>\n", c->acquisition.residual_median_px,
                    c->acquisition.tiles_measured, c->acquisition.tiles_dropped);
    skd_rgb8_free(ctx, &warped8);
    return st;
}

static int overlay_figure(skd_buf *b, skd_ctx *ctx, const skd_image *img,
                          const skd_analysis *a, const skd_zones *zones,
                          const char *name)
{
    skd_image *ov = NULL;
    skd_rgb8 ov8 = {0};
    int st = skd_render_overlay(ctx, img, a, &ov);
    if (st == SKD_OK && zones)
        st = skd_draw_zone_outlines(ctx, ov, zones);
    if (st == SKD_OK)
        st = skd_rgb8_from_image(ctx, ov, PHOTO_MAX_W, &ov8);
    skd_image_free(ov);
    if (st != SKD_OK)
        return st;
    skd_buf_puts(b, "<figure>");
    st = picture(b, &ov8, name, img->width / a->px_per_mm, 1);
    skd_buf_printf(b, "<figcaption><b>%s</b>: %zu pores found</figcaption>"
                       "</figure>", name, a->n_pores);
    skd_rgb8_free(ctx, &ov8);
    return st;
}

static int overlays(skd_buf *b, skd_ctx *ctx, const skd_comparison *c,
                    const skd_image *before, const skd_image *after,
                    const skd_zones *zones)
{
    int st;
    skd_buf_puts(b, "<h2>What was measured</h2>\n<div class=\"pair\">");
    st = overlay_figure(b, ctx, before, c->before, zones, "Before");
    if (st == SKD_OK)
        st = overlay_figure(b, ctx, after, c->after, NULL, "After");
    skd_buf_puts(b, "</div>\n<p class=\"files\">Pores are circled; red areas "
                     "(a* at least 5 above its local 2 mm background) are "
                     "tinted. "
                     "Each photo is shown as taken.</p>\n");
    return st;
}

static void legend(skd_buf *b, double limit)
{
    skd_buf_printf(b, "<div class=\"legend\"><div class=\"ramp\"></div>"
                       "</div><div class=\"ends\"><span>%+g lower</span>"
                       "<span>0</span><span>%+g higher</span></div>", -limit,
                    limit);
}

/* The key to the maps, in the grid cell after the last map. */
static void map_key(skd_buf *b, skd_ctx *ctx, const skd_zones *zones)
{
    skd_buf_printf(b,
        "<figure class=\"key\"><h3>Reading the maps</h3><p>Each square is "
        "a %g mm tile of skin, drawn on the before photo and coloured by "
        "its change (after &minus; before).</p><p><span class=\"swatch\" "
        "style=\"background:#1a9850\"></span>lower: better<br><span "
        "class=\"swatch\" style=\"background:#f7f7f7\"></span>no change"
        "<br><span class=\"swatch\" style=\"background:#d73027\"></span>"
        "higher: worse<br><span class=\"swatch hatch\"></span>tile not used "
        "(under 80%% covered in both photos)<br><span class=\"swatch\" "
        "style=\"background:#555\"></span>outside the skin compared</p>"
        "<p>Colours reach full strength at the value at each end of the "
        "bar. The white bar on the picture gives the scale.</p>%s</figure>",
        skd_opt(ctx, SKD_OPT_TILE_MM),
        zones && zones->labels
            ? "<p>Coloured lines: the facial zones of the before photo "
              "(forehead yellow, nose magenta, left cheek green, right cheek "
              "blue, chin orange; left and right are the person's own).</p>"
            : "");
}

static int maps(skd_buf *b, skd_ctx *ctx, const skd_comparison *c,
                const skd_image *before, const skd_zones *zones)
{
    skd_rgb8 base = {0};
    double wmm = before->width / c->px_per_mm;
    int st = skd_rgb8_from_image(ctx, before, MAP_MAX_W, &base);
    if (st != SKD_OK)
        return st;
    skd_buf_puts(b, "<h2>Where it changed</h2>\n<div class=\"maps\">");
    for (int i = 0; i < SKD_REPORT_MAIN_COUNT && st == SKD_OK; i++) {
        skd_metric_id m = skd_report_main[i];
        double limit = skd_change_limit(c, m, c->change[m].noise_floor);
        skd_rgb8 map = {0};
        st = skd_change_map(ctx, c, m, &base, limit, &map);
        if (st == SKD_OK && zones)
            st = skd_map_zone_outlines(ctx, &map, zones);
        if (st != SKD_OK) {
            skd_rgb8_free(ctx, &map);
            break;
        }
        skd_buf_puts(b, "<figure><h3>");
        skd_buf_html(b, skd_metric_label(m));
        skd_buf_puts(b, " <small>change per tile, ");
        skd_buf_html(b, skd_metric_unit(m));
        skd_buf_puts(b, "</small></h3>");
        st = picture(b, &map, skd_metric_label(m), wmm, 0);
        legend(b, limit);
        skd_buf_puts(b, "</figure>");
        skd_rgb8_free(ctx, &map);
    }
    map_key(b, ctx, zones);
    skd_buf_puts(b, "</div>\n");
    skd_rgb8_free(ctx, &base);
    return st;
}

/* Whether the sessions' replicates gave the changes (skd_compare_sessions). */
static int has_replicates(const skd_comparison *c)
{
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        if (c->replicates.df[m] > 0)
            return 1;
    return 0;
}

static void howto(skd_buf *b, skd_ctx *ctx, const skd_comparison *c)
{
    skd_buf_printf(b,
        "<h2>How to read this report</h2>\n<div class=\"howto\"><div>"
        "<p><b>Lower is better</b> for every measurement: smoother texture, "
        "fewer and smaller pores, less redness.</p>"
        "<p><b>Change</b> is after &minus; before over the skin seen in both "
        "photos (%.2f cm&sup2;). Each photo is measured on its own pixels; "
        "the alignment only decides which skin is shared.</p>"
        "<p><b>Texture</b> is in percent contrast of the fine relief "
        "(0.05&ndash;1 mm); <b>redness</b> in CIELAB a* and the erythema "
        "index; <b>areas</b> in percent of the skin compared, and their "
        "changes in percentage points (see Units).</p></div><div>"
        "<p><b>95%% interval</b>: from %g resamples of the %u tiles of %g mm. "
        "It shows how evenly the change is spread over the skin. It cannot "
        "see differences between the two photo sessions (light, camera, "
        "focus); the <b>noise floor</b> stands for those.</p>",
        c->common_area_cm2, skd_opt(ctx, SKD_OPT_BOOTSTRAP_N), c->tiles_used,
        skd_opt(ctx, SKD_OPT_TILE_MM));
    if (has_replicates(c))
        skd_buf_printf(b,
            "<p><b>Several photos per session</b> (%u before, %u after): "
            "before, after and change are the means of each session's "
            "photos. Their 95%% interval and the noise floor come from how "
            "much the photos of one session differ among themselves, so they "
            "do see photo-to-photo differences: interval t&middot;SD&middot;"
            "&radic;(1/n<sub>before</sub> + 1/n<sub>after</sub>), floor "
            "t&middot;SD&middot;&radic;2 (one photo against one).</p>",
            c->replicates.n_before, c->replicates.n_after);
    skd_buf_printf(b,
        "<p><b>Improved / worsened</b>: the whole interval is below / above "
        "zero <i>and</i> the change is at least the noise floor. Otherwise: "
        "<b>no significant change</b>. <b>Inconclusive</b> (\"cannot "
        "tell\"): the photos differ in more than the skin (exposure, light, "
        "focus, skin that moved, too few pores), and the reason is given. "
        "Without a white reference in both photos, redness is judged against "
        "wider floors (uncalibrated colour). Where many pixels sit near the "
        "red area's threshold, its floor is the change a small change of "
        "colour contrast alone would make (red threshold floor).</p>"
        "</div></div>\n");
}

/* The acquisition check: what differs between the photos besides the
 * skin. */
static void acquisition(skd_buf *b, const skd_comparison *c)
{
    const skd_acquisition *q = &c->acquisition;
    skd_buf_printf(b, "<h2>How the two photos were taken</h2>\n<table "
                       "class=\"acq\"><tr><td>Exposure</td><td>after %+.0f%% "
                       "(skin L* %+.1f)</td></tr><tr><td>Colour of the light"
                       "</td><td>skin a* %+.2f, b* %+.2f", q->exposure_pct,
                    q->dL, q->da, q->db);
    if (q->colour_calibrated)
        skd_buf_printf(b, "; white references a* %+.2f, b* %+.2f",
                        q->neutral_da, q->neutral_db);
    else
        skd_buf_puts(b, "; no white reference in both photos: redness "
                         "judged against wider (uncalibrated) floors");
    skd_buf_printf(b, "</td></tr><tr><td>Sharpness</td><td>after/before "
                       "%.2f</td></tr><tr><td>Compared</td><td>%.0f%% of the "
                       "before photo, %.0f%% of the after</td></tr><tr><td>"
                       "Alignment residual</td><td>median %.2f px, largest "
                       "%.2f px; %u tile(s) left out</td></tr>",
                    q->sharpness_ratio, 100 * q->region_share_before,
                    100 * q->region_share_after, q->residual_median_px,
                    q->residual_max_px, q->tiles_dropped);
    if (isfinite(q->tone_slope) && q->tone_spread >= SKD_TONE_MIN_SPREAD)
        skd_buf_printf(b, "<tr><td>Tone curve</td><td>light and shade at "
                           "%.0f%% of the before photo's contrast</td></tr>",
                        100 * q->tone_slope);
    else if (isfinite(q->tone_slope))
        skd_buf_puts(b, "<tr><td>Tone curve</td><td>not judged: the skin "
                        "shows too little large-scale light and shade</td></tr>");
    if (q->resolution_ratio != 1)
        skd_buf_printf(b, "<tr><td>Resolution</td><td>the after photo has "
                           "%.0f%% of the before photo's pixels per mm; %.0f%% "
                           "of the sharper photo's pores are too fine for the "
                           "other</td></tr>", 100 * q->resolution_ratio,
                        100 * q->pores_unresolved);
    if (c->before->band_px_per_mm > 0)
        skd_buf_printf(b, "<tr><td>Common band</td><td>both photos measured "
                           "in what the coarser one resolves (%.2f px/mm): "
                           "texture from %.3f mm, pores from a radius of "
                           "%.3f mm</td></tr>", c->before->band_px_per_mm,
                        c->before->band_fine_mm, c->before->band_pore_min_mm);
    skd_buf_puts(b, "</table>\n");
}

static void glossary(skd_buf *b)
{
    static const char *const units[][2] = {
        {"% contrast", "texture: how much the brightness of the fine relief "
                       "(0.05\xe2\x80\x93" "1 mm) varies, in percent; not "
                       "changed by the exposure"},
        {"/cm\xc2\xb2", "pores per square centimetre of skin"},
        {"mm", "millimetres (pore diameter)"},
        {"a*", "CIELAB a*: how red versus green the skin colour is"},
        {"EI", "erythema index, 100\xc2\xb7log10(R/G) of the light the skin "
               "returns: redness not changed by the exposure"},
        {"% of area", "share of the skin compared, in percent"},
        {"percentage points (pp)", "the difference between two percentages: "
                                  "from 5% to 4% of the area is \xe2\x88\x92"
                                  "1 pp, which is \xe2\x88\x92" "20% of "
                                  "before"},
        {"% of before", "a change relative to the before value"},
        {"cm\xc2\xb2", "square centimetres"},
        {"px/mm", "pixels per millimetre: the photo's scale"},
    };
    skd_buf_puts(b, "<h2>Units</h2>\n<dl class=\"glossary\">");
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        skd_buf_puts(b, "<dt>");
        skd_buf_html(b, units[i][0]);
        skd_buf_puts(b, "</dt><dd>");
        skd_buf_html(b, units[i][1]);
        skd_buf_puts(b, "</dd>");
    }
    skd_buf_puts(b, "</dl>\n");
}

/* info->zones and info->zc may be NULL (no zones). */
static int build(skd_buf *b, skd_ctx *ctx, const skd_comparison *c,
                 const skd_image *before, const skd_image *after,
                 const char *before_name, const char *after_name,
                 const skd_report_info *info)
{
    skd_rgb8 before8 = {0};
    int st;

    header(b, before_name, after_name, info);
    banner(b, ctx, c);
    skd_report_cards(b, c);
    facts(b, ctx, c);
    notes(b, ctx, c);
    acquisition(b, c);
    st = skd_rgb8_from_image(ctx, before, PHOTO_MAX_W, &before8);
    if (st == SKD_OK)
        st = photos(b, ctx, c, before, after, &before8);
    skd_rgb8_free(ctx, &before8);
    if (st == SKD_OK)
        st = overlays(b, ctx, c, before, after, info->zones);
    if (st == SKD_OK)
        st = maps(b, ctx, c, before, info->zones);
    if (st != SKD_OK)
        return st;
    skd_buf_puts(b, "<h2>All measurements</h2>\n");
    skd_report_table(b, c);
    if (info->zc)
        skd_report_zone_table(b, info->zc);
    howto(b, ctx, c);
    glossary(b);
    skd_buf_printf(b, "<footer>Made by skindiff %s. Figures follow the "
                       "definitions in its docs/measurements.md. Not a "
                       "diagnosis."
                       "</footer>\n</main>\n</body>\n</html>\n",
                    skd_version_string());
    if (b->failed)
        return skd_fail(ctx, SKD_E_NOMEM, "out of memory building the report");
    return SKD_OK;
}

int skd_report_html_info(skd_ctx *ctx, const skd_comparison *c,
                         const skd_image *before, const skd_image *after,
                         const char *before_name, const char *after_name,
                         const skd_report_info *info, const char *path)
{
    static const skd_report_info none = {0};
    skd_buf b;
    int st;

    if (!ctx)
        return SKD_E_INVALID;
    if (!info)
        info = &none;
    if (!c || !before || !after || !path || !c->before || !c->after ||
        !c->common_before || !c->tile_change)
        return skd_fail(ctx, SKD_E_INVALID, "report: missing comparison, "
                                            "photo or output path");
    if (before->width != c->before->width ||
        before->height != c->before->height ||
        after->width != c->after->width || after->height != c->after->height)
        return skd_fail(ctx, SKD_E_INVALID, "report: the photos are not the "
                                            "ones compared");
    if (info->zones && (info->zones->width != before->width ||
                        info->zones->height != before->height))
        return skd_fail(ctx, SKD_E_INVALID, "report: the zones are not the "
                                            "before photo's");
    skd_buf_init(&b, ctx);
    st = build(&b, ctx, c, before, after, before_name ? before_name : "before",
               after_name ? after_name : "after", info);
    if (st == SKD_OK)
        st = skd_write_file_atomic(ctx, path, b.data, b.len);
    skd_buf_free(&b);
    return st;
}

int skd_report_html(skd_ctx *ctx, const skd_comparison *c,
                    const skd_image *before, const skd_image *after,
                    const char *before_name, const char *after_name,
                    const char *path)
{
    return skd_report_html_info(ctx, c, before, after, before_name,
                                after_name, NULL, path);
}

int skd_report_html_zones(skd_ctx *ctx, const skd_comparison *c,
                          const skd_image *before, const skd_image *after,
                          const char *before_name, const char *after_name,
                          const skd_zones *zones,
                          const skd_zone_comparison *zc, const char *path)
{
    skd_report_info info = {0};
    info.zones = zones;
    info.zc = zc;
    return skd_report_html_info(ctx, c, before, after, before_name,
                                after_name, &info, path);
}
