/* skindiff batch: analyse and compare a whole archive into a database. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "skindiff_batch.h"

static const char batch_usage[] =
    "Usage: skindiff batch [OPTIONS] ARCHIVE\n"
    "       skindiff batch [OPTIONS] --manifest FILE.csv\n\n"
    "Analyse every photo ARCHIVE/<patient>/<session>/<view>.{jpg,jpeg,png}\n"
    "(and .heic, .heif, .tif, .tiff: skindiff --version lists what is read)\n"
    "and compare each later session of a patient+view with the first\n"
    "(baseline) and the previous one. Results go to an SQLite database;\n"
    "a re-run skips finished work, a killed run resumes. Every measurement\n"
    "option is part of the result keys.\n";

static const char batch_tail[] =
    "Exit status: 0 all done, 1 some items failed (error rows; the rest\n"
    "are done), 2 usage or bad manifest, 3 archive or manifest unreadable,\n"
    "6 database error or database in use, 7 out of memory.\n"
    "\n"
    "Example:\n"
    "  skindiff batch /data/clinic --px-per-mm 25 --db clinic.db -j 4\n"
    "  skindiff export --db clinic.db --csv --table series -o series.csv\n";

typedef struct batch_args {
    skd_batch_options o;
    double jobs;
    int quiet, patient;
    int scale_given;
    const char *wisdom, *floors;
} batch_args;

enum { MARK_SCALE = 1 };

/* "K/N" with 1 <= K <= N. */
static int parse_shard(const char *s, void *args)
{
    skd_batch_options *o = &((batch_args *)args)->o;
    char *end;
    unsigned long a, b;
    a = strtoul(s, &end, 10);
    if (end == s || *end != '/')
        return 0;
    s = end + 1;
    b = strtoul(s, &end, 10);
    if (end == s || *end || b < 1 || b > 1000000 || a < 1 || a > b)
        return 0;
    o->shard_k = (unsigned)a;
    o->shard_n = (unsigned)b;
    return 1;
}

#define F(field) .offset = offsetof(batch_args, field)

static const cli_option batch_options[] = {
    {NULL, .help = "Input and output"},
    {"--manifest", F(o.manifest)},
    {"--db", F(o.db_path),
     .help = "results database (default: skindiff.db in ARCHIVE or beside "
             "the manifest; skindiff.shard-K-of-N.db with --shard)"},
    {"--jobs", F(jobs)},
    {"--shard", .parse = parse_shard, .expect = "K/N with 1 <= K <= N"},
    {"--quiet", F(quiet), .value = 1},
    {NULL, .help = "Measurement"},
    {"--px-per-mm", .opt = SKD_OPT_PX_PER_MM, .mark = MARK_SCALE,
     .help = "scale where the manifest gives none; without either 20 px/mm "
             "is assumed (and said so)"},
    {"--pore-threshold", .opt = SKD_OPT_PORE_THRESHOLD},
    {"--red-delta", .opt = SKD_OPT_RED_DELTA},
    {"--max-pixels", .opt = SKD_OPT_MAX_PIXELS},
    {"--skin", .opt = SKD_OPT_SKIN},
    {"--face", .opt = SKD_OPT_BATCH_ZONES,
     .help = "find each photo's face (dlib) and store every facial zone's "
             "figures and changes too, one row per zone (export --long "
             "lists them; docs/zones.md)"},
    {NULL, .help = "Comparison"},
    {"--assume-aligned", .opt = SKD_OPT_ASSUME_ALIGNED},
    {"--min-confidence", .opt = SKD_OPT_MIN_CONFIDENCE},
    {"--tile-mm", .opt = SKD_OPT_TILE_MM},
    {"--bootstrap", .opt = SKD_OPT_BOOTSTRAP_N},
    {"--seed", .opt = SKD_OPT_SEED},
    {"--floors", F(floors)},
    {"--floor-sa", .opt = SKD_OPT_FLOOR_SA},
    {"--floor-pores", .opt = SKD_OPT_FLOOR_PORES},
    {"--floor-a-mean", .opt = SKD_OPT_FLOOR_A_MEAN},
    {"--floor-erythema", .opt = SKD_OPT_FLOOR_ERYTHEMA},
    {"--floor-red-area", .opt = SKD_OPT_FLOOR_RED_AREA},
    {NULL, .help = "Speed"},
    {"--fft-wisdom", F(wisdom)},
    {"--fft-patient", F(patient), .value = 1},
    {"--exact", .opt = SKD_OPT_EXACT},
};

static const cli_command batch_command = {
    "batch", batch_usage, batch_tail, batch_options, CLI_COUNT(batch_options)};

/* The progress line, photos and comparisons together (a worker does a
 * series' photos and its comparisons in turn):
 * "photos [ 123/4567] comparisons [ 98/3012] 2.7 img/s, ETA 27m, 3 failed",
 * and what the end of the run lists: the session orders and the failed
 * items. */
enum { SHOWN = 20 }; /* series orders and failures listed in full */
typedef struct progress {
    int tty, quiet;
    double last;
    skd_batch_progress phase[2]; /* latest of photos, comparisons */
    int drawn;
    size_t n_series;
    int order_done; /* the "... more series" line is out */
    size_t n_failed;
    char *failed[SHOWN];
} progress;

static void on_session_order(void *opaque, const char *patient,
                             const char *view, const char *const *sessions,
                             size_t n)
{
    progress *pr = opaque;
    if (pr->quiet)
        return;
    if (pr->n_series == 0)
        fprintf(stderr, "batch: session order (the first is the baseline):\n");
    if (pr->n_series++ < SHOWN) {
        fprintf(stderr, "  %s %s:", patient, view);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%s %s", i ? " <" : "", sessions[i]);
        fputc('\n', stderr);
    }
}

static void on_failed(void *opaque, skd_batch_phase phase, const char *item,
                      const char *message)
{
    progress *pr = opaque;
    (void)phase;
    if (pr->n_failed < SHOWN) {
        size_t n = strlen(item) + strlen(message) + 3;
        char *s = malloc(n);
        if (s)
            snprintf(s, n, "%s: %s", item, message);
        pr->failed[pr->n_failed] = s;
    }
    pr->n_failed++;
}

static void end_order(progress *pr)
{
    if (pr->n_series > SHOWN && !pr->quiet && !pr->order_done)
        fprintf(stderr, "  ... and %zu more series (skindiff export --table "
                        "series lists every order)\n", pr->n_series - SHOWN);
    pr->order_done = 1;
}

/* After the summary: what failed, so nobody has to dig for it. */
static void list_failed(progress *pr)
{
    size_t shown = pr->n_failed < SHOWN ? pr->n_failed : SHOWN;
    if (pr->n_failed)
        fprintf(stderr, "batch: %zu item(s) failed:\n", pr->n_failed);
    for (size_t i = 0; i < shown; i++) {
        fprintf(stderr, "  %s\n", pr->failed[i] ? pr->failed[i] : "?");
        free(pr->failed[i]);
    }
    if (pr->n_failed > shown)
        fprintf(stderr, "  ... and %zu more (skindiff export lists every "
                        "error row)\n", pr->n_failed - shown);
}

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
    const skd_batch_progress *img = &pr->phase[0], *cmp = &pr->phase[1];
    uint64_t worked;
    double rate;
    char eta[32] = "--";
    int wi, wc;
    pr->phase[p->phase == SKD_PHASE_IMAGES ? 0 : 1] = *p;
    end_order(pr);
    if (!pr->tty)
        return;
    if (img->done + cmp->done < img->total + cmp->total &&
        p->elapsed_s - pr->last < 0.25)
        return;
    pr->last = p->elapsed_s;
    worked = img->done - img->skipped;
    rate = img->elapsed_s > 0 ? worked / img->elapsed_s : 0;
    if (rate > 0)
        fmt_eta(eta, sizeof eta, (double)(img->total - img->done) / rate);
    wi = snprintf(NULL, 0, "%llu", (unsigned long long)img->total);
    wc = snprintf(NULL, 0, "%llu", (unsigned long long)cmp->total);
    fprintf(stderr,
            "\rphotos [%*llu/%llu] comparisons [%*llu/%llu] %.1f img/s, "
            "ETA %s, %llu failed\033[K",
            wi, (unsigned long long)img->done, (unsigned long long)img->total,
            wc, (unsigned long long)cmp->done, (unsigned long long)cmp->total,
            rate, eta, (unsigned long long)(img->failed + cmp->failed));
    pr->drawn = 1;
}

/* Returns -1 to go on, or the exit code (help shown, usage error). */
static int parse_args(skd_ctx *ctx, int argc, char **argv, batch_args *a)
{
    cli_args args;
    int rc = cli_parse(&batch_command, ctx, argc, argv, a, &args);
    if (rc >= 0)
        return rc;
    if (args.npos > 1)
        return cli_usage_error("batch", "one archive folder, not '%s' too",
                               args.pos[1]);
    a->o.archive = args.npos ? args.pos[0] : NULL;
    if (a->floors && (rc = cli_floors_load(ctx, a->floors)) >= 0)
        return rc;
    a->o.jobs = (unsigned)a->jobs;
    a->scale_given = (args.seen & MARK_SCALE) != 0;
    if (!a->o.archive == !a->o.manifest)
        return cli_usage_error("batch", "give an archive folder or --manifest "
                                        "FILE (one of them)");
    return cli_wisdom_effort(ctx, a->wisdom, a->patient, "batch");
}

int cmd_batch(int argc, char **argv)
{
    batch_args a;
    skd_batch_summary sum;
    progress pr;
    skd_ctx *ctx;
    int st, code;

    memset(&a, 0, sizeof a);
    memset(&pr, 0, sizeof pr);
    ctx = skd_ctx_create();
    if (!ctx) {
        cli_error("out of memory");
        return CLI_EXIT_NOMEM;
    }
    if ((code = parse_args(ctx, argc, argv, &a)) >= 0) {
        skd_ctx_free(ctx);
        return code;
    }
    pr.tty = !a.quiet && isatty(STDERR_FILENO);
    pr.quiet = a.quiet;
    a.o.progress = on_progress;
    a.o.progress_opaque = &pr;
    a.o.session_order = on_session_order;
    a.o.failed = on_failed;
    if (!a.scale_given && a.o.archive)
        cli_warn("no --px-per-mm given: assuming 20 px/mm for every photo; "
                 "sizes, areas and densities are only as right as that "
                 "guess");
    if (a.wisdom)
        cli_wisdom_load(ctx, a.wisdom);
    st = skd_batch_run(ctx, &a.o, &sum);
    if (a.wisdom)
        cli_wisdom_save(ctx, a.wisdom);
    if (pr.drawn)
        fputc('\n', stderr);
    end_order(&pr);
    if (st != SKD_OK) {
        code = cli_fail_status(ctx, st);
        for (size_t i = 0; i < pr.n_failed && i < SHOWN; i++)
            free(pr.failed[i]);
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
    if (sum.scale_assumed && a.o.manifest)
        cli_warn("%llu photo(s) had no scale (no px_per_mm in the manifest, "
                 "no --px-per-mm): 20 px/mm assumed; their sizes, areas and "
                 "densities are only as right as that guess",
                 (unsigned long long)sum.scale_assumed);
    list_failed(&pr);
    skd_ctx_free(ctx);
    if (sum.images.failed + sum.images.skipped_failed + sum.comparisons.failed +
        sum.comparisons.skipped_failed)
        return CLI_EXIT_SOME_FAILED;
    return CLI_EXIT_OK;
}
