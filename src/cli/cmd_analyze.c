/* skindiff analyze: the three measurements of one or more photos. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char analyze_usage[] =
    "Usage: skindiff analyze IMAGE... [OPTIONS]\n"
    "\n"
    "Measure texture roughness, pores and redness of skin photos (PNG, JPEG,\n"
    "and HEIC/HEIF and TIFF when the build reads them: skindiff --version).\n"
    "Lower is better for every figure.\n";

static const char analyze_tail[] =
    "Figures (definitions in docs/measurements.md):\n"
    "  Texture  Sa, Sq      mean / RMS deviation of the 0.05-1 mm relief band of\n"
    "                       log-luminance, in % contrast (exposure-independent)\n"
    "           Ssk, Sku    skewness and kurtosis of that band (shape, no unit)\n"
    "  Pores    count, density (pores/cm²), mean diameter (mm), area (% of the\n"
    "           skin): round dark spots 0.1-0.5 mm across, at least T % contrast\n"
    "  Redness  a* mean and median (CIELAB D65), erythema index (EI,\n"
    "           100 log10 R/G, exposure-independent), red area (% of the skin)\n"
    "\n"
    "Exit status: 0 all measured, 1 some images failed (the rest are reported),\n"
    "2 usage error, 3 the input could not be read or measured, 5 output not\n"
    "written, 7 out of memory.\n"
    "\n"
    "Example:\n"
    "  skindiff analyze cheek.jpg --px-per-mm 25 --overlay cheek-pores.png\n";

enum { OUT_TEXT, OUT_JSON, OUT_CSV };
enum { MARK_SCALE = 1 };

typedef struct analyze_opts {
    const char *mask_path, *overlay, *overlay_dir, *out_path, *wisdom;
    const char *region_out;
    skd_roi roi, white_ref;
    int format, patient, excel;
    int scale_given;
    cli_zone_request zones;
    char **images; /* argv entries that are not options */
    int n_images;
} analyze_opts;

/* One image's outcome, kept until all are done so the output is whole. */
typedef struct result {
    const char *path;
    int status;
    char message[512];
    skd_analysis *a;
    cli_zone_result zr;
} result;

#define F(field) .offset = offsetof(analyze_opts, field)

static const cli_option analyze_options[] = {
    {"--px-per-mm", .opt = SKD_OPT_PX_PER_MM, .mark = MARK_SCALE},
    {"--mask", F(mask_path)},
    {"--roi", F(roi)},
    {"--white-ref", F(white_ref)},
    {"--white-ref-gains", .opt = SKD_OPT_WHITE_REF_METHOD},
    {"--skin", .opt = SKD_OPT_SKIN},
    {"--region-out", F(region_out)},
    {"--pore-threshold", .opt = SKD_OPT_PORE_THRESHOLD},
    {"--red-delta", .opt = SKD_OPT_RED_DELTA},
    {"--max-pixels", .opt = SKD_OPT_MAX_PIXELS},
    {"--threads", .opt = SKD_OPT_THREADS},
    {"--fft-wisdom", F(wisdom)},
    {"--fft-patient", F(patient), .value = 1},
    {"--exact", .opt = SKD_OPT_EXACT},
    {"--overlay", F(overlay)},
    {"--overlay-dir", F(overlay_dir)},
    {"--face", F(zones.face), .value = 1},
    {"--landmarks", F(zones.landmarks)},
    {"--zones", F(zones.labels)},
    {"--zones-out", F(zones.zones_out)},
    {"--json", F(format), .value = OUT_JSON},
    {"--csv", F(format), .value = OUT_CSV},
    {"--excel", F(excel), .value = 1},
    {"--output", F(out_path)},
};

static const cli_command analyze_command = {
    "analyze", analyze_usage, analyze_tail, analyze_options,
    CLI_COUNT(analyze_options)};

static int check_overlays(const analyze_opts *o);

/* A device or FIFO (/dev/stdout, a pipe) has no extension to go by: it
 * gets PNG. */
static int is_stream(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode));
}

/* Returns -1 to go on, or the exit code (help shown, usage error). */
static int parse_args(skd_ctx *ctx, int argc, char **argv, analyze_opts *o)
{
    cli_args args;
    int rc;
    memset(o, 0, sizeof *o);
    if ((rc = cli_parse(&analyze_command, ctx, argc, argv, o, &args)) >= 0)
        return rc;
    o->images = args.pos;
    o->n_images = args.npos;
    o->scale_given = (args.seen & MARK_SCALE) != 0;
    if (o->n_images == 0)
        return cli_usage_error("analyze", "no IMAGE given");
    if (o->overlay && o->n_images > 1)
        return cli_usage_error("analyze", "--overlay takes one IMAGE; use --overlay-dir for several");
    if (o->region_out && o->n_images > 1)
        return cli_usage_error("analyze", "--region-out takes one IMAGE");
    if (o->excel && o->format != OUT_CSV)
        return cli_usage_error("analyze", "--excel goes with --csv");
    if (o->overlay && !cli_image_kind(o->overlay) && !is_stream(o->overlay))
        return cli_usage_error("analyze", "--overlay %s: the name must end in "
                               ".png, .jpg or .jpeg", o->overlay);
    rc = cli_zones_check("analyze", &o->zones, o->n_images);
    return rc >= 0 ? rc : check_overlays(o);
}

static int write_overlay(skd_ctx *ctx, const skd_image *img, const skd_analysis *a,
                         const skd_zones *z, const char *path)
{
    skd_image *ov = NULL;
    int st = skd_render_overlay(ctx, img, a, &ov);
    if (st == SKD_OK && z)
        st = skd_draw_zone_outlines(ctx, ov, z);
    if (st == SKD_OK)
        st = cli_write_image(ctx, ov, path, 92);
    skd_image_free(ov);
    return st;
}

/* --overlay-dir names: the last three parts of the photo's path
 * (patient_session_view in an archive) joined by '_', so two sessions'
 * cheek.jpg do not overwrite each other. */
static int overlay_path(const analyze_opts *o, const char *image, char *buf, size_t n)
{
    const char *start = image + strlen(image);
    size_t len, at;
    int parts = 0;
    if (o->overlay)
        return snprintf(buf, n, "%s", o->overlay) < (int)n;
    if (!o->overlay_dir)
        return 0;
    while (start > image && parts < 3) {
        start--;
        if (start > image && start[-1] == '/' && ++parts == 3)
            break;
    }
    while (*start == '/' || (start[0] == '.' && start[1] == '/'))
        start += start[0] == '.' ? 2 : 1;
    at = (size_t)snprintf(buf, n, "%s/", o->overlay_dir);
    len = strlen(start);
    if (at >= n || at + len + sizeof ".overlay.png" > n)
        return 0;
    for (size_t i = 0; i < len; i++)
        buf[at + i] = start[i] == '/' ? '_' : start[i];
    memcpy(buf + at + len, ".overlay.png", sizeof ".overlay.png");
    return 1;
}

/* Before any work: the overlay folder exists and takes files, and no two
 * photos would get the same overlay name. Returns -1 or the exit code. */
static int check_overlays(const analyze_opts *o)
{
    struct stat st;
    char a[4096], b[4096];
    if (!o->overlay_dir)
        return -1;
    if (stat(o->overlay_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_error("--overlay-dir %s: no such folder", o->overlay_dir);
        return CLI_EXIT_OUTPUT;
    }
    if (access(o->overlay_dir, W_OK | X_OK) != 0) {
        cli_error("--overlay-dir %s: cannot write there: %s", o->overlay_dir,
                  strerror(errno));
        return CLI_EXIT_OUTPUT;
    }
    for (int i = 0; i < o->n_images; i++) {
        if (!overlay_path(o, o->images[i], a, sizeof a)) {
            cli_error("%s: path too long for an overlay name", o->images[i]);
            return CLI_EXIT_OUTPUT;
        }
        for (int j = 0; j < i; j++)
            if (overlay_path(o, o->images[j], b, sizeof b) && !strcmp(a, b))
                return cli_usage_error("analyze", "%s and %s would both get "
                                       "the overlay %s", o->images[j],
                                       o->images[i], a);
    }
    return -1;
}

/* R as a picture: 255 where measured, 0 elsewhere. */
static int write_region(skd_ctx *ctx, const skd_analysis *a, const char *path)
{
    skd_image *img = NULL;
    size_t n = (size_t)a->width * a->height;
    int st = skd_image_create(ctx, a->width, a->height, &img);
    if (st == SKD_OK) {
        for (size_t i = 0; i < n; i++)
            img->rgb[3 * i] = img->rgb[3 * i + 1] = img->rgb[3 * i + 2] =
                a->region[i] ? 65535 : 0;
        st = skd_image_write_png(ctx, img, path);
    }
    skd_image_free(img);
    return st;
}

/* "overlay not written: why", with the status name where it adds to it. */
static void picture_failed(skd_ctx *ctx, const char *what, int st)
{
    char msg[600];
    snprintf(msg, sizeof msg, "%s not written: %s", what,
             *skd_ctx_message(ctx) ? skd_ctx_message(ctx) : skd_strerror(st));
    cli_error_status(msg, st);
}

/* The overlay (with the zones' outlines when there are zones) and the
 * region file of an analysis (the region stage's only, when the region is
 * empty); 0 when one could not be written. */
static int write_pictures(skd_ctx *ctx, const analyze_opts *o,
                          const skd_image *img, const skd_analysis *a,
                          const skd_zones *z, const char *path)
{
    char ov[4096];
    int ok = 1, st;
    if (overlay_path(o, path, ov, sizeof ov) &&
        (st = write_overlay(ctx, img, a, z, ov)) != SKD_OK) {
        picture_failed(ctx, "overlay", st);
        ok = 0;
    }
    if (o->region_out && (st = write_region(ctx, a, o->region_out)) != SKD_OK) {
        picture_failed(ctx, "region", st);
        ok = 0;
    }
    return ok;
}

/* Decode, measure, draw. Failures are recorded in r, never fatal; returns
 * 0 when an overlay or region file was asked for and could not be
 * written. An empty region still gets its pictures, which show why. */
static int analyze_one(skd_ctx *ctx, const analyze_opts *o, const skd_image *mask,
                       result *r)
{
    int pictures_ok = 1;
    skd_image *img = NULL;
    skd_analysis *shown = NULL;
    skd_region_spec spec = {mask, o->roi, o->white_ref, NULL};

    r->status = skd_image_load(ctx, r->path, &img);
    if (r->status == SKD_OK) /* the face first: the skin map uses it */
        r->status = cli_zones_find(ctx, &o->zones, img, &r->zr);
    if (r->status == SKD_OK) {
        spec.landmarks = cli_zones_landmarks(&r->zr);
        r->status = skd_analyze(ctx, img, &spec, &r->a);
        if (r->status == SKD_OK)
            r->status = cli_zones_measure(ctx, &o->zones, img, r->a, &r->zr);
        if (r->status == SKD_OK)
            cli_zones_warn(r->path, &r->zr);
    }
    if (r->status != SKD_OK && img)
        snprintf(r->message, sizeof r->message, "%s: %s", r->path,
                 skd_ctx_message(ctx));
    else if (r->status != SKD_OK)
        snprintf(r->message, sizeof r->message, "%s", skd_ctx_message(ctx));
    if (r->status == SKD_E_NO_REGION && !r->a &&
        (o->overlay || o->overlay_dir || o->region_out) &&
        skd_analyze_region(ctx, img, &spec, &shown) != SKD_OK)
        shown = NULL;
    if (r->status == SKD_OK || shown)
        pictures_ok = write_pictures(ctx, o, img, shown ? shown : r->a,
                                     shown ? NULL : r->zr.z, r->path);
    skd_analysis_free(shown);
    skd_image_free(img);
    return pictures_ok;
}

static void json_metric(cli_buf *b, const char *key, double v, const char *sep)
{
    cli_buf_printf(b, "\"%s\": ", key);
    cli_json_num(b, v);
    cli_buf_printf(b, "%s", sep);
}

/* The figures of m as the members "region" ... "redness" of an object,
 * with the image's shares by cause in "region" when e is not NULL; ind is
 * the indentation of the members after the first. */
static void json_figures(cli_buf *b, const skd_metrics *m,
                         const skd_exclusion *e, const char *ind)
{
    cli_buf_printf(b, "\"region\": {\"pixels\": %llu, ",
                   (unsigned long long)m->region_pixels);
    json_metric(b, "area_cm2", m->area_cm2, e ? ", " : "},\n");
    if (e) {
        cli_json_exclusion(b, e);
        cli_buf_printf(b, "},\n");
    }
    cli_buf_printf(b, "%s\"texture\": {", ind);
    json_metric(b, "sa", m->sa, ", ");
    json_metric(b, "sq", m->sq, ", ");
    json_metric(b, "ssk", m->ssk, ", ");
    json_metric(b, "sku", m->sku, ", ");
    cli_buf_printf(b, "\"unit\": \"%% contrast\"},\n%s\"pores\": {\"count\": %u, ",
                   ind, m->pore_count);
    json_metric(b, "density_per_cm2", m->pore_density_per_cm2, ", ");
    json_metric(b, "mean_diameter_mm", m->pore_mean_diameter_mm, ", ");
    json_metric(b, "area_fraction", m->pore_area_fraction, "},\n");
    cli_buf_printf(b, "%s\"redness\": {", ind);
    json_metric(b, "a_mean", m->a_mean, ", ");
    json_metric(b, "a_median", m->a_median, ", ");
    json_metric(b, "erythema_index", m->erythema_index, ", ");
    json_metric(b, "red_area_fraction", m->red_area_fraction, "}");
}

/* ",\n "zone_source": ..., "zones": {"whole": {...}, "forehead": ...}" */
static void json_zones(cli_buf *b, const cli_zone_result *zr)
{
    const char *sep = "";
    cli_buf_printf(b, ",\n     \"zone_source\": \"%s\", \"faces_found\": %u",
                   cli_zone_source(zr->z->source), (unsigned)zr->z->faces_found);
    if (zr->z->source == SKD_ZONES_NO_FACE)
        cli_buf_printf(b, ", \"zone_note\": \"no face found: measured as one "
                          "region\"");
    cli_buf_printf(b, ",\n     \"zones\": {");
    for (int i = 0; i < SKD_ZONE_COUNT; i++) {
        if (!cli_zone_present(zr, i))
            continue;
        cli_buf_printf(b, "%s\n       \"%s\": {", sep, skd_zone_name((skd_zone)i));
        sep = ",";
        if (zr->status[i] != SKD_OK) {
            cli_buf_printf(b, "\"status\": \"empty\", \"note\": \"no measured "
                              "pixel in this zone\"}");
            continue;
        }
        if (i != SKD_ZONE_WHOLE && skd_zone_too_small(&zr->m[i])) {
            cli_buf_printf(b, "\"status\": \"too_small\", \"area_cm2\": ");
            cli_json_num(b, zr->m[i].area_cm2);
            cli_buf_printf(b, ", \"note\": \"too small: under %.4f cm2 of "
                              "measured skin\"}", SKD_ZONE_MIN_AREA_CM2);
            continue;
        }
        cli_buf_printf(b, "\"status\": \"ok\",\n        ");
        json_figures(b, &zr->m[i], NULL, "        ");
        cli_buf_printf(b, "}");
    }
    cli_buf_printf(b, "}");
}

/* "colour": where the colour description came from and the white
 * reference's correction (null without one). */
static void json_colour(cli_buf *b, const skd_colour_info *c)
{
    cli_buf_printf(b, "     \"colour\": {\"colour_source\": ");
    cli_json_str(b, c->source);
    cli_buf_printf(b, ", \"white_ref\": ");
    if (!c->white_ref) {
        cli_buf_printf(b, "null}");
        return;
    }
    cli_buf_printf(b, "{\"roi\": [%u, %u, %u, %u], \"patch_lab\": [",
                   c->white_ref_roi.x, c->white_ref_roi.y, c->white_ref_roi.w,
                   c->white_ref_roi.h);
    for (int i = 0; i < 3; i++) {
        cli_json_num(b, c->patch_lab[i]);
        cli_buf_printf(b, "%s", i < 2 ? ", " : "], \"gains_rgb\": [");
    }
    for (int i = 0; i < 3; i++) {
        cli_json_num(b, c->gains[i]);
        cli_buf_printf(b, "%s", i < 2 ? ", " : "], \"patch_cv\": ");
    }
    cli_json_num(b, c->patch_cv);
    cli_buf_printf(b, ",\n       \"adaptation\": [");
    for (int i = 0; i < 9; i++) {
        cli_buf_printf(b, "%s", i % 3 == 0 ? "[" : ", ");
        cli_json_num(b, c->adaptation[i / 3][i % 3]);
        cli_buf_printf(b, "%s", i % 3 < 2 ? "" : i < 8 ? "], " : "]]}}");
    }
}

static void emit_json_image(cli_buf *b, const result *r)
{
    cli_buf_printf(b, "    {\"file\": ");
    cli_json_str(b, r->path);
    if (r->status != SKD_OK) {
        cli_buf_printf(b, ", \"status\": \"error\", \"error\": ");
        cli_json_str(b, skd_strerror(r->status));
        cli_buf_printf(b, ", \"error_code\": %d, \"message\": ", r->status);
        cli_json_str(b, r->message);
        cli_buf_printf(b, "}");
        return;
    }
    const skd_analysis *a = r->a;
    const skd_metrics *m = &a->metrics;
    cli_buf_printf(b, ", \"status\": \"ok\",\n     \"width\": %u, \"height\": %u, "
                      "\"px_per_mm\": ", a->width, a->height);
    cli_json_num(b, a->px_per_mm);
    cli_buf_printf(b, ", \"scale_source\": \"%s\", \"warnings\": [",
                   a->scale_assumed ? "assumed" : "given");
    const char *sep = "";
    if (a->warnings & SKD_WARN_SCALE_ASSUMED) {
        cli_buf_printf(b, "\"scale_assumed\"");
        sep = ", ";
    }
    if (a->warnings & SKD_WARN_LOW_RESOLUTION) {
        cli_buf_printf(b, "%s\"low_resolution\"", sep);
        sep = ", ";
    }
    if (a->warnings & SKD_WARN_OVEREXPOSED) {
        cli_buf_printf(b, "%s\"overexposed\"", sep);
        sep = ", ";
    }
    if (r->zr.z && r->zr.z->source == SKD_ZONES_NO_FACE) {
        cli_buf_printf(b, "%s\"no_face\"", sep);
        sep = ", ";
    }
    if (r->zr.z && r->zr.z->faces_found > 1)
        cli_buf_printf(b, "%s\"several_faces\"", sep);
    cli_buf_printf(b, "],\n     ");
    json_figures(b, m, &a->exclusion, "     ");
    cli_buf_printf(b, ",\n");
    json_colour(b, &a->colour);
    if (r->zr.z)
        json_zones(b, &r->zr);
    cli_buf_printf(b, "}");
}

static void emit_json(cli_buf *b, const analyze_opts *o, skd_ctx *ctx,
                      const result *res, int n)
{
    double tau, delta, s, skin;
    int assumed;
    skd_ctx_get(ctx, SKD_OPT_SKIN, &skin);
    skd_ctx_get(ctx, SKD_OPT_PORE_THRESHOLD, &tau);
    skd_ctx_get(ctx, SKD_OPT_RED_DELTA, &delta);
    skd_ctx_get(ctx, SKD_OPT_PX_PER_MM, &s);
    assumed = !(s > 0);
    cli_buf_printf(b, "{\n  \"schema_version\": 1,\n  \"tool\": \"skindiff\",\n"
                      "  \"version\": \"%s\",\n  \"command\": \"analyze\",\n",
                   skd_version_string());
    cli_buf_printf(b, "  \"parameters\": {\"px_per_mm\": ");
    cli_json_num(b, assumed ? 20.0 : s);
    cli_buf_printf(b, ", \"scale_source\": \"%s\", \"pore_threshold\": ",
                   assumed ? "assumed" : "given");
    cli_json_num(b, tau);
    cli_buf_printf(b, ", \"red_delta\": ");
    cli_json_num(b, delta);
    cli_buf_printf(b, ",\n    \"texture_band_mm\": [0.05, 1.0], "
                      "\"pore_radii_mm\": [0.05, 0.25], \"pore_scales\": 7, "
                      "\"pore_min_roundness\": 0.5,\n    \"mask_growth_mm\": 0.25, "
                      "\"fill_sigma_mm\": 1.0, \"region_min_support\": 0.9, "
                      "\"highlight_min_sample\": 240, \"skin\": \"%s\", "
                      "\"mask\": ", skin > 0 ? "auto" : "off");
    if (o->mask_path)
        cli_json_str(b, o->mask_path);
    else
        cli_buf_printf(b, "null");
    cli_buf_printf(b, ", \"roi\": ");
    if (o->roi.w)
        cli_buf_printf(b, "[%u, %u, %u, %u]", o->roi.x, o->roi.y, o->roi.w, o->roi.h);
    else
        cli_buf_printf(b, "null");
    cli_buf_printf(b, "},\n  \"images\": [\n");
    for (int i = 0; i < n; i++) {
        emit_json_image(b, &res[i]);
        cli_buf_printf(b, "%s\n", i + 1 < n ? "," : "");
    }
    cli_buf_printf(b, "  ]\n}\n");
}

/* One CSV row of figures m of the image of r, after its file (and zone)
 * fields. */
static void csv_figures(cli_buf *b, const result *r, const skd_metrics *m)
{
    const skd_analysis *a = r->a;
    const double v[] = {m->area_cm2, m->sa, m->sq, m->ssk, m->sku};
    const double w[] = {m->pore_density_per_cm2, m->pore_mean_diameter_mm,
                        m->pore_area_fraction, m->a_mean, m->a_median,
                        m->erythema_index, m->red_area_fraction};
    cli_buf_printf(b, ",ok,%u,%u,%.6g,%s", a->width, a->height, a->px_per_mm,
                   a->scale_assumed ? "assumed" : "given");
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        cli_buf_printf(b, ",%.6g", v[k]);
    cli_buf_printf(b, ",%u", m->pore_count);
    for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
        cli_buf_printf(b, ",%.6g", w[k]);
    {
        const skd_exclusion *e = &a->exclusion;
        const double x[] = {e->region, e->skin, e->clipped, e->not_skin,
                            e->highlight, e->too_dark, e->outside_roi_mask,
                            e->margin};
        cli_buf_printf(b, ",%s", e->skin_map ? "auto" : "off");
        for (size_t k = 0; k < sizeof x / sizeof x[0]; k++)
            cli_buf_printf(b, ",%.6g", x[k]);
    }
    cli_buf_printf(b, ",");
    cli_csv_field(b, a->colour.source);
    if (a->colour.white_ref)
        cli_buf_printf(b, ",%.6g,%.6g,%.6g,%.6g,\n", a->colour.gains[0],
                       a->colour.gains[1], a->colour.gains[2],
                       a->colour.patch_lab[0]);
    else
        cli_buf_printf(b, ",,,,,\n");
}

/* With zones: a "zone" column after "file" and a row per zone of each
 * image ("whole" first; an empty zone is a row with status "empty"). */
static void emit_csv(cli_buf *b, const result *res, int n, int zones)
{
    cli_buf_printf(b, "file,%sstatus,width,height,px_per_mm,scale_source,region_area_cm2,"
                      "sa,sq,ssk,sku,pore_count,pore_density_per_cm2,"
                      "pore_mean_diameter_mm,pore_area_fraction,a_mean,a_median,"
                      "erythema_index,red_area_fraction,skin_map,region_fraction,"
                      "skin_fraction,clipped_fraction,excluded_not_skin,"
                      "excluded_highlight,excluded_too_dark,"
                      "excluded_outside_roi_mask,excluded_margin,colour_source,"
                      "white_ref_gain_r,white_ref_gain_g,white_ref_gain_b,"
                      "white_ref_patch_l,error\n",
                   zones ? "zone," : "");
    for (int i = 0; i < n; i++) {
        const result *r = &res[i];
        if (r->status != SKD_OK) {
            cli_csv_field(b, r->path);
            cli_buf_printf(b, "%s,error,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,", zones ? "," : "");
            cli_csv_field(b, r->message);
            cli_buf_printf(b, "\n");
            continue;
        }
        if (!zones) {
            cli_csv_field(b, r->path);
            csv_figures(b, r, &r->a->metrics);
            continue;
        }
        for (int z = 0; z < SKD_ZONE_COUNT; z++) {
            if (!cli_zone_present(&r->zr, z))
                continue;
            cli_csv_field(b, r->path);
            cli_buf_printf(b, ",%s", skd_zone_name((skd_zone)z));
            if (r->zr.status[z] == SKD_OK && z != SKD_ZONE_WHOLE &&
                skd_zone_too_small(&r->zr.m[z]))
                cli_buf_printf(b, ",too_small,%u,%u,%.6g,%s,%.6g,,,,,,,,,,,,,,,,,,,"
                                  ",,,,,,,,too small: under %.4f cm2 of measured "
                                  "skin\n", r->a->width, r->a->height,
                               r->a->px_per_mm,
                               r->a->scale_assumed ? "assumed" : "given",
                               r->zr.m[z].area_cm2, SKD_ZONE_MIN_AREA_CM2);
            else if (r->zr.status[z] == SKD_OK)
                csv_figures(b, r, &r->zr.m[z]);
            else
                cli_buf_printf(b, ",empty,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,no measured "
                                  "pixel in this zone\n");
        }
    }
}

static void text_zones(cli_buf *b, const cli_zone_result *zr)
{
    if (zr->z->source == SKD_ZONES_NO_FACE) {
        cli_buf_printf(b, "  Zones     no face found: measured as one region\n");
        return;
    }
    cli_buf_printf(b, "  Zones (%s)   area cm²    Sa    pores/cm²   a* mean   EI   "
                      "red area %%\n", cli_zone_source(zr->z->source));
    for (int i = 0; i < SKD_ZONE_COUNT; i++) {
        const skd_metrics *m = &zr->m[i];
        cli_buf_printf(b, "    %-12s", skd_zone_name((skd_zone)i));
        if (zr->status[i] != SKD_OK) {
            cli_buf_printf(b, " no measured pixel in this zone\n");
            continue;
        }
        if (i != SKD_ZONE_WHOLE && skd_zone_too_small(m)) {
            cli_buf_printf(b, " %9.2f  too small (under %.4f cm²)\n",
                           m->area_cm2, SKD_ZONE_MIN_AREA_CM2);
            continue;
        }
        cli_buf_printf(b, " %9.2f %7.3f %10.2f %9.2f %6.2f %8.2f\n", m->area_cm2,
                       m->sa, m->pore_density_per_cm2, m->a_mean,
                       m->erythema_index, 100 * m->red_area_fraction);
    }
}

static void emit_text(cli_buf *b, const result *res, int n)
{
    for (int i = 0; i < n; i++) {
        const result *r = &res[i];
        if (r->status != SKD_OK)
            continue; /* reported on stderr */
        const skd_analysis *a = r->a;
        const skd_metrics *m = &a->metrics;
        cli_buf_printf(b, "%s  %ux%u px, %.1f px/mm (%s), region %.2f cm²\n",
                       r->path, a->width, a->height, a->px_per_mm,
                       a->scale_assumed ? "assumed" : "given", m->area_cm2);
        {
            const skd_exclusion *e = &a->exclusion;
            cli_buf_printf(b, "  Measured  %.1f %% of the frame (skin map %s: skin %.1f %%); "
                              "left out: not skin %.1f %%, highlight %.1f %%, "
                              "too dark %.1f %%, outside ROI/mask %.1f %%, margin "
                              "%.1f %%; clipped channel in %.1f %% of the region%s\n",
                           100 * e->region, e->skin_map ? "auto" : "off",
                           100 * e->skin, 100 * e->not_skin, 100 * e->highlight,
                           100 * e->too_dark, 100 * e->outside_roi_mask,
                           100 * e->margin, 100 * e->clipped,
                           a->warnings & SKD_WARN_OVEREXPOSED
                               ? " (over-exposed: above 2 %)"
                               : "");
        }
        cli_buf_printf(b, "  Texture   Sa %.3f  Sq %.3f %% contrast   Ssk %.2f  Sku %.2f\n",
                       m->sa, m->sq, m->ssk, m->sku);
        cli_buf_printf(b, "  Pores     %u found, %.2f pores/cm², mean diameter %.3f mm, "
                          "area %.2f %%\n",
                       m->pore_count, m->pore_density_per_cm2,
                       m->pore_mean_diameter_mm, 100 * m->pore_area_fraction);
        cli_buf_printf(b, "  Redness   a* mean %.2f, median %.2f, erythema index %.2f, "
                          "red area %.2f %%\n",
                       m->a_mean, m->a_median, m->erythema_index,
                       100 * m->red_area_fraction);
        if (r->zr.z)
            text_zones(b, &r->zr);
        cli_buf_printf(b, "  Colour    %s", a->colour.source);
        if (a->colour.white_ref)
            cli_buf_printf(b, "; white reference L* %.1f a* %+.2f b* %+.2f "
                              "corrected (gains R %.3f G %.3f B %.3f)",
                           a->colour.patch_lab[0], a->colour.patch_lab[1],
                           a->colour.patch_lab[2], a->colour.gains[0],
                           a->colour.gains[1], a->colour.gains[2]);
        cli_buf_printf(b, "\n  (lower is better for every figure)\n%s", i + 1 < n ? "\n" : "");
    }
}

int cmd_analyze(int argc, char **argv)
{
    analyze_opts o;
    int rc, failed = 0, n = 0, last_status = SKD_OK, overlays_lost = 0;
    double scale = 0;
    skd_ctx *ctx;
    skd_image *mask = NULL;
    result *res;
    cli_buf out = {0};

    res = calloc((size_t)argc, sizeof *res);
    ctx = skd_ctx_create();
    if (!ctx || !res) {
        cli_error("out of memory");
        rc = CLI_EXIT_NOMEM;
        goto done;
    }
    rc = parse_args(ctx, argc, argv, &o);
    if (rc >= 0)
        goto done;
    cli_zones_prepare(ctx, &o.zones);
    if ((rc = cli_wisdom_effort(ctx, o.wisdom, o.patient, "analyze")) >= 0)
        goto done;
    if (o.mask_path && (rc = skd_image_load(ctx, o.mask_path, &mask)) != SKD_OK) {
        rc = cli_fail_status(ctx, rc);
        goto done;
    }
    if (o.wisdom)
        cli_wisdom_load(ctx, o.wisdom);
    skd_ctx_get(ctx, SKD_OPT_PX_PER_MM, &scale);
    if (!o.scale_given)
        cli_warn("no --px-per-mm given: assuming 20 px/mm; sizes, areas and "
                 "densities are only as right as that guess");
    else if (scale < 10)
        cli_warn("%.3g px/mm is below 10 px/mm: pores of 0.1-0.5 mm are too small "
                 "to measure reliably", scale);

    for (int i = 0; i < o.n_images; i++) {
        result *r = &res[n++];
        r->path = o.images[i];
        overlays_lost += !analyze_one(ctx, &o, mask, r);
        if (r->status == SKD_OK && (r->a->warnings & SKD_WARN_OVEREXPOSED))
            cli_warn("%s: over-exposed: %.1f%% of the measured skin has a "
                     "clipped channel (kept, but redness reads low there)",
                     r->path, 100 * r->a->exclusion.clipped);
        if (r->status != SKD_OK) {
            cli_error_status(r->message, r->status);
            failed++;
            last_status = r->status;
        }
    }

    if (o.wisdom)
        cli_wisdom_save(ctx, o.wisdom);
    if (o.format == OUT_JSON)
        emit_json(&out, &o, ctx, res, n);
    else if (o.format == OUT_CSV) {
        if (o.excel)
            cli_buf_printf(&out, "\xEF\xBB\xBF"); /* UTF-8 BOM for Excel */
        emit_csv(&out, res, n, cli_zones_wanted(&o.zones));
    }
    else
        emit_text(&out, res, n);
    rc = cli_buf_emit(ctx, &out, o.out_path);
    if (rc == CLI_EXIT_OK && failed)
        rc = failed == n ? cli_exit_for_status(last_status) : CLI_EXIT_SOME_FAILED;
    /* A requested output that is missing outweighs failed inputs. */
    if (overlays_lost && (rc == CLI_EXIT_OK || rc == CLI_EXIT_SOME_FAILED))
        rc = CLI_EXIT_OUTPUT;

done:
    for (int i = 0; i < n; i++) {
        skd_analysis_free(res[i].a);
        cli_zones_free(&res[i].zr);
    }
    free(res);
    cli_buf_free(&out);
    skd_image_free(mask);
    skd_ctx_free(ctx);
    return rc;
}
