/* skindiff batch: analyse and compare a whole archive into a database. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "skindiff_batch.h"

static void help(FILE *f)
{
    fprintf(f,
        "Usage: skindiff batch [OPTIONS] ARCHIVE\n"
        "       skindiff batch [OPTIONS] --manifest FILE.csv\n\n"
        "Analyse every photo ARCHIVE/<patient>/<session>/<view>.{jpg,jpeg,png}\n"
        "and compare each later session of a patient+view with the first\n"
        "(baseline) and the previous one. Results go to an SQLite database;\n"
        "a re-run skips finished work, a killed run resumes.\n\n"
        "Input and output:\n"
        "  --manifest FILE   CSV: patient,session,view,path[,px_per_mm][,mask]\n"
        "                    (paths relative to the manifest's folder)\n"
        "  --db FILE         results database (default: skindiff.db in ARCHIVE\n"
        "                    or beside the manifest; skindiff.shard-K-of-N.db\n"
        "                    with --shard)\n"
        "  -j, --jobs N      worker threads (default: online CPUs)\n"
        "  --shard K/N       only patients of shard K of N (1 <= K <= N)\n"
        "  -q, --quiet       no progress line\n\n"
        "Measurement (all part of the result keys):\n"
        "  --px-per-mm S     scale where the manifest gives none (default 20,\n"
        "                    reported as assumed)\n"
        "  --pore-threshold T  pore threshold, %% contrast (default 10)\n"
        "  --red-delta D     a* above median for red area (default 5)\n"
        "  --bootstrap N     bootstrap resamples (default 2000)\n"
        "  --seed S          bootstrap seed (default 1)\n"
        "  --tile-mm M       tile side in mm (default 5)\n"
        "  --floor-sa P, --floor-pores P   noise floors, %% (default 3, 5)\n"
        "  --floor-a-mean A, --floor-erythema E, --floor-red-area P\n"
        "                    noise floors (default 0.5, 1.0, 0.5)\n"
        "  --min-confidence C  registration confidence needed (0..1)\n"
        "  --assume-aligned  skip registration\n"
        "  --max-pixels N    decode limit (default 100e6)\n\n"
        "Exit status: 0 all done, 1 some items failed (error rows; the rest\n"
        "are done), 2 usage or bad manifest, 3 archive or manifest unreadable,\n"
        "6 database error or database in use, 7 out of memory.\n");
}

typedef struct num_opt {
    const char *name;
    skd_option opt;
} num_opt;

static const num_opt num_opts[] = {
    {"--px-per-mm", SKD_OPT_PX_PER_MM},
    {"--pore-threshold", SKD_OPT_PORE_THRESHOLD},
    {"--red-delta", SKD_OPT_RED_DELTA},
    {"--bootstrap", SKD_OPT_BOOTSTRAP_N},
    {"--seed", SKD_OPT_SEED},
    {"--tile-mm", SKD_OPT_TILE_MM},
    {"--floor-sa", SKD_OPT_FLOOR_SA},
    {"--floor-pores", SKD_OPT_FLOOR_PORES},
    {"--floor-a-mean", SKD_OPT_FLOOR_A_MEAN},
    {"--floor-erythema", SKD_OPT_FLOOR_ERYTHEMA},
    {"--floor-red-area", SKD_OPT_FLOOR_RED_AREA},
    {"--min-confidence", SKD_OPT_MIN_CONFIDENCE},
    {"--max-pixels", SKD_OPT_MAX_PIXELS},
};

/* The progress line: "[ 123/4567] 2.7 img/s, ETA 27m, 3 failed". */
typedef struct progress {
    int tty;
    double last;
    skd_batch_phase phase;
    int drawn;
} progress;

static void fmt_eta(char *buf, size_t cap, double s)
{
    if (s < 60)
        snprintf(buf, cap, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, cap, "%.0fm", s / 60);
    else
        snprintf(buf, cap, "%ldh%02ldm", (long)s / 3600, (long)s % 3600 / 60);
}

static void on_progress(void *opaque, const skd_batch_progress *p)
{
    progress *pr = opaque;
    const char *unit = p->phase == SKD_PHASE_IMAGES ? "img" : "cmp";
    uint64_t worked = p->done - p->skipped;
    double rate = p->elapsed_s > 0 ? worked / p->elapsed_s : 0;
    char eta[32] = "--";
    int width = snprintf(NULL, 0, "%llu", (unsigned long long)p->total);
    if (!pr->tty)
        return;
    if (pr->phase != p->phase && pr->drawn)
        fputc('\n', stderr);
    if (pr->phase == p->phase && p->done < p->total &&
        p->elapsed_s - pr->last < 0.25)
        return;
    pr->phase = p->phase;
    pr->last = p->elapsed_s;
    if (rate > 0)
        fmt_eta(eta, sizeof eta, (double)(p->total - p->done) / rate);
    fprintf(stderr, "\r%s [%*llu/%llu] %.1f %s/s, ETA %s, %llu failed\033[K",
            p->phase == SKD_PHASE_IMAGES ? "photos     " : "comparisons", width,
            (unsigned long long)p->done, (unsigned long long)p->total, rate,
            unit, eta, (unsigned long long)p->failed);
    pr->drawn = 1;
}

static int parse_shard(const char *s, unsigned *k, unsigned *n)
{
    char *end;
    unsigned long a, b;
    a = strtoul(s, &end, 10);
    if (end == s || *end != '/')
        return 0;
    s = end + 1;
    b = strtoul(s, &end, 10);
    if (end == s || *end || b < 1 || b > 1000000 || a < 1 || a > b)
        return 0;
    *k = (unsigned)a;
    *n = (unsigned)b;
    return 1;
}

int cmd_batch(int argc, char **argv)
{
    skd_batch_options o;
    skd_batch_summary sum;
    progress pr;
    skd_ctx *ctx;
    const char *v;
    int quiet = 0, st, code;

    memset(&o, 0, sizeof o);
    memset(&pr, 0, sizeof pr);
    ctx = skd_ctx_create();
    if (!ctx) {
        cli_error("out of memory");
        return CLI_EXIT_NOMEM;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        size_t k;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            help(stdout);
            skd_ctx_free(ctx);
            return CLI_EXIT_OK;
        }
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = 1;
            continue;
        }
        if (!strcmp(a, "--assume-aligned")) {
            skd_ctx_set(ctx, SKD_OPT_ASSUME_ALIGNED, 1);
            continue;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--manifest"))) {
            o.manifest = v;
            continue;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--db"))) {
            o.db_path = v;
            continue;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--jobs")) ||
            (v = cli_opt_value(argc, argv, &i, "-j")) ||
            (!strncmp(a, "-j", 2) && a[2] >= '0' && a[2] <= '9' && (v = a + 2))) {
            double j;
            if (!cli_parse_double(v, &j) || j < 1 || j > 256 || j != (int)j) {
                skd_ctx_free(ctx);
                return cli_usage_error("batch", "-j wants 1 to 256, not '%s'", v);
            }
            o.jobs = (unsigned)j;
            continue;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--shard"))) {
            if (!parse_shard(v, &o.shard_k, &o.shard_n)) {
                skd_ctx_free(ctx);
                return cli_usage_error("batch",
                                       "--shard wants K/N with 1 <= K <= N, "
                                       "not '%s'", v);
            }
            continue;
        }
        for (k = 0; k < sizeof num_opts / sizeof *num_opts; k++)
            if ((v = cli_opt_value(argc, argv, &i, num_opts[k].name)))
                break;
        if (k < sizeof num_opts / sizeof *num_opts) {
            double d;
            if (!cli_parse_double(v, &d) ||
                skd_ctx_set(ctx, num_opts[k].opt, d) != SKD_OK) {
                skd_ctx_free(ctx);
                return cli_usage_error("batch", "%s: bad value '%s'",
                                       num_opts[k].name, v);
            }
            continue;
        }
        if (a[0] == '-' && a[1]) {
            skd_ctx_free(ctx);
            return cli_usage_error("batch", "unknown option '%s'", a);
        }
        if (o.archive) {
            skd_ctx_free(ctx);
            return cli_usage_error("batch", "one archive folder, not '%s' too", a);
        }
        o.archive = a;
    }
    if (!o.archive == !o.manifest) {
        skd_ctx_free(ctx);
        return cli_usage_error("batch", "give an archive folder or --manifest "
                                        "FILE (one of them)");
    }
    pr.tty = !quiet && isatty(STDERR_FILENO);
    o.progress = on_progress;
    o.progress_opaque = &pr;
    st = skd_batch_run(ctx, &o, &sum);
    if (pr.drawn)
        fputc('\n', stderr);
    if (st != SKD_OK) {
        code = cli_fail_status(ctx, st);
        skd_ctx_free(ctx);
        return code;
    }
    fprintf(stderr,
            "batch: photos %llu analysed, %llu skipped (already in the "
            "database, %llu of them failed), %llu failed; comparisons %llu "
            "done, %llu skipped (%llu of them failed), %llu failed; %.1f s; "
            "results in %s\n",
            (unsigned long long)(sum.images.done - sum.images.failed),
            (unsigned long long)sum.images.skipped,
            (unsigned long long)sum.images.skipped_failed,
            (unsigned long long)sum.images.failed,
            (unsigned long long)(sum.comparisons.done - sum.comparisons.failed),
            (unsigned long long)sum.comparisons.skipped,
            (unsigned long long)sum.comparisons.skipped_failed,
            (unsigned long long)sum.comparisons.failed, sum.elapsed_s,
            sum.db_path);
    skd_ctx_free(ctx);
    if (sum.images.failed + sum.images.skipped_failed + sum.comparisons.failed +
        sum.comparisons.skipped_failed)
        return CLI_EXIT_SOME_FAILED;
    return CLI_EXIT_OK;
}
