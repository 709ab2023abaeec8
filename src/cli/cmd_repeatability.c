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
    "\n"
    "Measure this clinic's photo-to-photo noise from repeat shots: every\n"
    "folder ARCHIVE/<patient>/<set>/ holds photos of the same skin taken\n"
    "within minutes (same view, the camera put down and picked up again).\n"
    "Each photo is analysed; per figure, the within-group standard\n"
    "deviation pooled over the groups is the standard error of measurement\n"
    "(SEM), and MDC95 = 1.96 * sqrt(2) * SEM is the smallest change two\n"
    "sessions can show by themselves: the noise floor. Sa and pore density\n"
    "are taken in percent of each group's mean, red area in percentage\n"
    "points, a* and EI in their units.\n";

static const char repeatability_tail[] =
    "Exit status: 0 done; 2 bad command line; 3 fewer than one group of two\n"
    "readable photos; 5 the output cannot be written.\n"
    "\n"
    "Example:\n"
    "  skindiff repeatability repeats/ --px-per-mm 25 -o floors.json\n"
    "  skindiff compare before.jpg after.jpg --floors floors.json\n";

enum { N_FIG = 5 };
static const char *const fig_keys[N_FIG] = {"sa_pct", "pores_pct", "a",
                                            "erythema", "red_area_points"};

typedef struct rep_args {
    const char *out;
} rep_args;

#define F(field) .offset = offsetof(rep_args, field)
static const cli_option rep_options[] = {
    {"--px-per-mm", .opt = SKD_OPT_PX_PER_MM},
    {"--output", F(out), .help = "write the floors file (JSON) to FILE; "
                                 "compare and batch read it with --floors"},
};
static const cli_command rep_command = {
    "repeatability", repeatability_usage, repeatability_tail, rep_options,
    CLI_COUNT(rep_options)};

/* Pooled sums over groups: sum of squared deviations and degrees of
 * freedom. */
typedef struct pool {
    double ss[N_FIG];
    double df;
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

/* One group folder: its photos' deviations from the group mean (relative
 * for Sa and pores) into the pool. */
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
        if (n == cap) {
            void *grown = realloc(v, (cap = cap ? 2 * cap : 8) * sizeof *v);
            if (!grown)
                break;
            v = grown;
        }
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (measure(ctx, path, v[n]) == SKD_OK)
            n++;
    }
    closedir(d);
    if (n >= 2) {
        for (int f = 0; f < N_FIG; f++) {
            double mean = 0;
            for (size_t i = 0; i < n; i++)
                mean += v[i][f];
            mean /= (double)n;
            for (size_t i = 0; i < n; i++) {
                double dev = v[i][f] - mean;
                if (f < 2) /* Sa and pore density: percent of the mean */
                    dev = mean != 0 ? 100 * dev / mean : NAN;
                p->ss[f] += dev * dev;
            }
        }
        p->df += (double)n - 1;
        p->groups++;
        p->photos += (unsigned)n;
    }
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

static void write_floors(cli_buf *b, const char *archive, const pool *p)
{
    cli_buf_printf(b, "{\n  \"schema_version\": 1,\n  \"kind\": \"skindiff "
                      "floors\",\n  \"source\": ");
    cli_json_str(b, archive);
    cli_buf_printf(b, ",\n  \"groups\": %u, \"photos\": %u,\n  \"sem\": {",
                   p->groups, p->photos);
    for (int f = 0; f < N_FIG; f++) {
        cli_buf_printf(b, "%s\"%s\": ", f ? ", " : "", fig_keys[f]);
        cli_json_num(b, sqrt(p->ss[f] / p->df));
    }
    cli_buf_printf(b, "},\n  \"floors\": {");
    for (int f = 0; f < N_FIG; f++) {
        cli_buf_printf(b, "%s\"%s\": ", f ? ", " : "", fig_keys[f]);
        cli_json_num(b, 1.96 * sqrt(2.0) * sqrt(p->ss[f] / p->df));
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
    if (code < 0 && args.npos != 1)
        code = cli_usage_error("repeatability", "need one ARCHIVE folder");
    if (code < 0) {
        memset(&p, 0, sizeof p);
        walk(ctx, args.pos[0], &p);
        if (p.groups == 0) {
            cli_error("%s: no folder <patient>/<set>/ with two or more "
                      "readable photos", args.pos[0]);
            code = CLI_EXIT_INPUT;
        } else {
            write_floors(&out, args.pos[0], &p);
            code = cli_buf_emit(ctx, &out, a.out);
        }
    }
    cli_buf_free(&out);
    skd_ctx_free(ctx);
    return code;
}
