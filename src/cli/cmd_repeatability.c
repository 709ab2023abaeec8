/* skindiff repeatability: groups of repeat shots of the same skin (taken
 * within minutes) -> each figure's within-group standard deviation (SEM)
 * and MDC95 = 1.96 sqrt(2) SEM -> a floors file for --floors. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static const char repeatability_usage[] =
    "Usage: skindiff repeatability ARCHIVE [OPTIONS]\n"
    "       skindiff repeatability --manifest FILE.csv [OPTIONS]\n"
    "\n"
    "Measure this clinic's photo-to-photo noise from repeat shots: every\n"
    "folder ARCHIVE/<patient>/<set>/ (or every group of the manifest: CSV\n"
    "with columns path,group[,px_per_mm], paths relative to its folder)\n"
    "holds photos of the same skin taken\n"
    "within minutes (same view, the camera put down and picked up again).\n"
    "Each photo is analysed; per figure, the within-group standard\n"
    "deviation pooled over the groups is the standard error of measurement\n"
    "(SEM), and MDC95 = 1.96 * sqrt(2) * SEM is the smallest change two\n"
    "sessions can show by themselves: the noise floor. Sa and pore density\n"
    "are taken in percent of each group's mean, red area in percentage\n"
    "points, a* and EI in their units.\n";

static const char repeatability_tail[] =
    "Exit status: 0 done; 2 bad command line or bad manifest (the message\n"
    "gives the line); 3 fewer than one group of two readable photos, or the\n"
    "manifest cannot be read; 5 the output cannot be written.\n"
    "\n"
    "Example:\n"
    "  skindiff repeatability repeats/ --px-per-mm 25 -o floors.json\n"
    "  skindiff compare before.jpg after.jpg --floors floors.json\n";

enum { N_FIG = 5 };
static const char *const fig_keys[N_FIG] = {"sa_pct", "pores_pct", "a",
                                            "erythema", "red_area_points"};

typedef struct rep_args {
    const char *out, *manifest;
} rep_args;

#define F(field) .offset = offsetof(rep_args, field)
static const cli_option rep_options[] = {
    {"--px-per-mm", .opt = SKD_OPT_PX_PER_MM},
    {"--output", F(out), .help = "write the floors file (JSON) to FILE; "
                                 "compare and batch read it with --floors"},
    {"--manifest", F(manifest),
     .help = "CSV: path,group[,px_per_mm]; the photos of one group are "
             "repeat shots of the same skin (paths relative to the "
             "manifest's folder; px_per_mm: that photo's scale, else "
             "--px-per-mm)"},
};
static const cli_command rep_command = {
    "repeatability", repeatability_usage, repeatability_tail, rep_options,
    CLI_COUNT(rep_options)};

/* Pooled sums over groups: per figure, the sum of squared deviations and
 * its degrees of freedom (a photo whose figure is undefined, e.g. no
 * pores, leaves that figure only). */
typedef struct pool {
    double ss[N_FIG];
    double df[N_FIG];
    unsigned groups, photos;
} pool;

static int is_photo(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg") ||
                   !strcasecmp(dot, ".png"));
}

/* The figures of one photo (NaN on failure, which is reported). */
static int measure(skd_ctx *ctx, const char *path, double v[N_FIG])
{
    skd_image *img = NULL;
    skd_analysis *a = NULL;
    int st = skd_image_load(ctx, path, &img);
    if (st == SKD_OK)
        st = skd_analyze(ctx, img, NULL, &a);
    if (st == SKD_OK) {
        v[0] = a->metrics.sa;
        v[1] = a->metrics.pore_density_per_cm2;
        v[2] = a->metrics.a_mean;
        v[3] = a->metrics.erythema_index;
        v[4] = 100 * a->metrics.red_area_fraction;
    } else {
        cli_warn("%s: %s (left out)", path, skd_ctx_message(ctx));
    }
    skd_analysis_free(a);
    skd_image_free(img);
    return st;
}

/* One group's figures v[n] (n >= 2): each figure's deviations from the
 * group mean (relative for Sa and pores) into the pool. */
static void add_values(const double (*v)[N_FIG], size_t n, pool *p)
{
    for (int f = 0; f < N_FIG; f++) {
        double mean = 0;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (isfinite(v[i][f])) {
                mean += v[i][f];
                k++;
            }
        if (k < 2)
            continue;
        mean /= (double)k;
        if (f < 2 && mean == 0) /* Sa and pore density: percent of it */
            continue;
        for (size_t i = 0; i < n; i++) {
            double dev = v[i][f] - mean;
            if (!isfinite(dev))
                continue;
            if (f < 2)
                dev = 100 * dev / mean;
            p->ss[f] += dev * dev;
        }
        p->df[f] += (double)k - 1;
    }
    p->groups++;
    p->photos += (unsigned)n;
}

/* Room for one more photo's figures. */
static double (*grow(double (*v)[N_FIG], size_t n, size_t *cap))[N_FIG]
{
    void *grown;
    if (n < *cap)
        return v;
    *cap = *cap ? 2 * *cap : 8;
    grown = realloc(v, *cap * sizeof *v);
    if (!grown)
        free(v);
    return grown;
}

/* One group folder: its readable photos into the pool. */
static void add_group(skd_ctx *ctx, const char *dir, pool *p)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    double (*v)[N_FIG] = NULL;
    size_t n = 0, cap = 0;
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        char path[4096 + 512];
        if (!is_photo(e->d_name))
            continue;
        if (!(v = grow(v, n, &cap)))
            break;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (measure(ctx, path, v[n]) == SKD_OK)
            n++;
    }
    closedir(d);
    if (n >= 2)
        add_values((const double (*)[N_FIG])v, n, p);
    free(v);
}

static void walk(skd_ctx *ctx, const char *archive, pool *p)
{
    DIR *d = opendir(archive);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        char patient[4096];
        DIR *s;
        struct dirent *g;
        if (e->d_name[0] == '.')
            continue;
        snprintf(patient, sizeof patient, "%s/%s", archive, e->d_name);
        if (!(s = opendir(patient)))
            continue;
        while ((g = readdir(s)) != NULL) {
            char set[4096 + 256];
            if (g->d_name[0] == '.')
                continue;
            snprintf(set, sizeof set, "%s/%s", patient, g->d_name);
            add_group(ctx, set, p);
        }
        closedir(s);
    }
    closedir(d);
}

/* The manifest's groups, in the order they first appear: each group's
 * readable photos into the pool, each at its own px_per_mm when the
 * manifest gives one. */
static int manifest_groups(skd_ctx *ctx, const char *manifest, pool *p)
{
    cli_rep_shots s;
    double (*v)[N_FIG] = NULL, scale = 0;
    size_t cap = 0;
    char *done = NULL;
    int code = cli_rep_manifest_read(ctx, manifest, &s);
    skd_ctx_get(ctx, SKD_OPT_PX_PER_MM, &scale);
    if (code < 0 && s.n && !(done = calloc(s.n, 1)))
        code = CLI_EXIT_NOMEM;
    for (size_t i = 0; code < 0 && i < s.n; i++) {
        size_t n = 0;
        if (done[i])
            continue;
        for (size_t j = i; j < s.n; j++) {
            if (done[j] || strcmp(s.shot[j].group, s.shot[i].group))
                continue;
            done[j] = 1;
            if (!(v = grow(v, n, &cap))) {
                code = CLI_EXIT_NOMEM;
                break;
            }
            skd_ctx_set(ctx, SKD_OPT_PX_PER_MM,
                        s.shot[j].px_per_mm > 0 ? s.shot[j].px_per_mm : scale);
            if (measure(ctx, s.shot[j].path, v[n]) == SKD_OK)
                n++;
        }
        skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, scale);
        if (code < 0 && n >= 2)
            add_values((const double (*)[N_FIG])v, n, p);
    }
    free(v);
    free(done);
    cli_rep_manifest_free(&s);
    return code;
}

static void write_floors(cli_buf *b, const char *archive, const pool *p)
{
    cli_buf_printf(b, "{\n  \"schema_version\": 1,\n  \"kind\": \"skindiff "
                      "floors\",\n  \"source\": ");
    cli_json_str(b, archive);
    cli_buf_printf(b, ",\n  \"groups\": %u, \"photos\": %u,\n  \"sem\": {",
                   p->groups, p->photos);
    for (int f = 0; f < N_FIG; f++) {
        cli_buf_printf(b, "%s\"%s\": ", f ? ", " : "", fig_keys[f]);
        cli_json_num(b, p->df[f] > 0 ? sqrt(p->ss[f] / p->df[f]) : NAN);
    }
    cli_buf_printf(b, "},\n  \"floors\": {");
    for (int f = 0; f < N_FIG; f++) {
        cli_buf_printf(b, "%s\"%s\": ", f ? ", " : "", fig_keys[f]);
        cli_json_num(b, p->df[f] > 0
                            ? 1.96 * sqrt(2.0) * sqrt(p->ss[f] / p->df[f])
                            : NAN);
    }
    cli_buf_printf(b, "}\n}\n");
}

int cmd_repeatability(int argc, char **argv)
{
    rep_args a = {0};
    cli_args args;
    cli_buf out = {0};
    pool p;
    skd_ctx *ctx = skd_ctx_create();
    int code;
    if (!ctx) {
        cli_error("out of memory");
        return CLI_EXIT_NOMEM;
    }
    code = cli_parse(&rep_command, ctx, argc, argv, &a, &args);
    if (code < 0 && args.npos != (a.manifest ? 0 : 1))
        code = cli_usage_error("repeatability", a.manifest
                                   ? "give the ARCHIVE folder or --manifest, "
                                     "not both"
                                   : "need one ARCHIVE folder (or --manifest "
                                     "FILE.csv)");
    if (code < 0) {
        const char *source = a.manifest ? a.manifest : args.pos[0];
        memset(&p, 0, sizeof p);
        if (a.manifest)
            code = manifest_groups(ctx, a.manifest, &p);
        else
            walk(ctx, args.pos[0], &p);
        if (code < 0 && p.groups == 0) {
            cli_error(a.manifest ? "%s: no group with two or more readable "
                                   "photos"
                                 : "%s: no folder <patient>/<set>/ with two "
                                   "or more readable photos", source);
            code = CLI_EXIT_INPUT;
        } else if (code < 0) {
            write_floors(&out, source, &p);
            code = cli_buf_emit(ctx, &out, a.out);
        }
    }
    cli_buf_free(&out);
    skd_ctx_free(ctx);
    return code;
}
