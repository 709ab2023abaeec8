/* skindiff export: a results database to CSV or NDJSON. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "skindiff_batch.h"

static const char export_usage[] =
    "Usage: skindiff export --db FILE [--csv|--ndjson] [--table T] [-o FILE]\n"
    "       skindiff export --db FILE [--csv|--ndjson] --out-dir DIR\n\n"
    "Tables (--table, default images):\n"
    "  images       one row per photo: keys, status, figures\n"
    "  comparisons  one row per comparison: transform, and for each metric\n"
    "               before, after, change, change %, 95% interval, noise\n"
    "               floor, verdict\n"
    "  series       one row per patient+view+session: figures and change\n"
    "               from the baseline session with interval and verdict\n"
    "  image_zones  one row per photo and zone (batch --face): zone 'whole'\n"
    "               (the row of images), then forehead, nose, left_cheek,\n"
    "               right_cheek, chin, each with the figures of images\n"
    "               (status too_small: under 0.0314 cm2, its area only)\n"
    "  comparison_zones  one row per comparison and zone, likewise, with\n"
    "               the metrics of comparisons, and last each zone's\n"
    "               replicates (n_before, n_after, M_df) and note\n\n"
    "With --long, images and comparisons come as tidy rows (one figure per\n"
    "row: patient, session, view, zone, metric, value, unit, ...) for R and\n"
    "pandas.\n\n"
    "Rows sorted by patient, view, session, kind; identifying columns first,\n"
    "hashes last (columns added later follow them); numbers as %.6g; missing\n"
    "values empty (CSV) or null (NDJSON). A text cell a spreadsheet would\n"
    "evaluate (starting with = + @ - tab or CR) or starting with ' gets a '\n"
    "in front: strip one leading ' to read the value back. Shares of area are\n"
    "fractions 0..1 in columns named *_fraction; compare's pore_area and\n"
    "red_area are % of area, their changes percentage points. -o and\n"
    "--out-dir files are written atomically; --out-dir writes images,\n"
    "comparisons, series (.csv or .ndjson), image_zones and comparison_zones\n"
    "(with --long also images_long and comparisons_long). Default output:\n"
    "standard output, CSV.\n";

static const char export_tail[] =
    "Exit status: 0 done, 2 usage, 5 output not written, 6 database\n"
    "error.\n"
    "\n"
    "Example:\n"
    "  skindiff export --db clinic.db --csv --table series -o series.csv\n";

/* opaque: an int that receives errno when a write fails. */
static int stdout_write(void *opaque, const void *data, size_t size)
{
    int *err = opaque;
    if (fwrite(data, 1, size, stdout) == size)
        return 0;
    *err = errno ? errno : EIO;
    return -1;
}

typedef struct export_args {
    const char *db, *out, *dir;
    skd_export_table table;
    int format; /* skd_export_format */
    int excel, long_form;
    const char *params; /* --params: a prefix of a parameter set's hash */
} export_args;

enum { MARK_TABLE = 1 };

/* The tables --table names and --out-dir writes (the long forms come with
 * --long). */
static const skd_export_table wide_tables[] = {
    SKD_TABLE_IMAGES, SKD_TABLE_COMPARISONS, SKD_TABLE_SERIES,
    SKD_TABLE_IMAGE_ZONES, SKD_TABLE_COMPARISON_ZONES};

static int parse_table(const char *s, void *args)
{
    for (size_t k = 0; k < sizeof wide_tables / sizeof *wide_tables; k++)
        if (!strcmp(s, skd_export_table_name(wide_tables[k]))) {
            ((export_args *)args)->table = wide_tables[k];
            return 1;
        }
    return 0;
}

#define F(field) .offset = offsetof(export_args, field)

static const cli_option export_options[] = {
    {"--db", F(db), .help = "results database (default: skindiff.db, "
                            "where batch puts it)"},
    {"--table", .parse = parse_table, .mark = MARK_TABLE,
     .expect = "images, comparisons, series, image_zones or "
               "comparison_zones"},
    {"--csv", F(format), .value = SKD_EXPORT_CSV},
    {"--ndjson", F(format), .value = SKD_EXPORT_NDJSON},
    {"--params", F(params)},
    {"--excel", F(excel), .value = 1},
    {"--long", F(long_form), .value = 1},
    {"--output", F(out)},
    {"--out-dir", F(dir)},
};

static const cli_command export_command = {
    "export", export_usage, export_tail, export_options,
    CLI_COUNT(export_options)};

/* Returns -1 to go on, or the exit code (help shown, usage error). */
static int parse_args(int argc, char **argv, export_args *a)
{
    cli_args args;
    int rc = cli_parse(&export_command, NULL, argc, argv, a, &args);
    if (rc >= 0)
        return rc;
    if (args.npos)
        return cli_usage_error("export", "unexpected argument '%s'",
                               args.pos[0]);
    if (!a->db)
        a->db = "skindiff.db"; /* where batch puts it by default */
    if (a->dir && (a->out || (args.seen & MARK_TABLE)))
        return cli_usage_error("export", "--out-dir writes every table: no "
                               "-o or --table with it");
    if (a->excel && a->format != SKD_EXPORT_CSV)
        return cli_usage_error("export", "--excel goes with --csv");
    if (a->long_form && a->table != SKD_TABLE_IMAGES &&
        a->table != SKD_TABLE_COMPARISONS)
        return cli_usage_error("export", "--long: only images and "
                               "comparisons have a long form (with zones)");
    if (a->excel)
        a->format = SKD_EXPORT_CSV_EXCEL;
    if (a->long_form && a->table == SKD_TABLE_IMAGES)
        a->table = SKD_TABLE_IMAGES_LONG;
    else if (a->long_form)
        a->table = SKD_TABLE_COMPARISONS_LONG;
    return -1;
}

/* The parameter set to export: --params (a unique prefix) or the latest,
 * named on stderr with the others the database holds. *chosen is NULL for
 * a database without recorded runs. Returns -1 or the exit code. */
static int choose_set(skd_ctx *ctx, const export_args *a, char chosen[65])
{
    skd_param_set *sets = NULL;
    size_t n = 0, pick = 0, matches = 0;
    int st = skd_param_sets(ctx, a->db, &sets, &n);
    chosen[0] = '\0';
    if (st != SKD_OK)
        return cli_fail_status(ctx, st);
    for (size_t i = 0; a->params && i < n; i++)
        if (!strncmp(sets[i].param_set, a->params, strlen(a->params)))
            pick = i, matches++;
    if (a->params && matches != 1) {
        cli_error("--params %s: %s parameter set of %s starts so", a->params,
                  matches ? "more than one" : "no", a->db);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "  %.12s  last run %s, %llu photo row(s), %llu "
                            "comparison row(s)\n", sets[i].param_set,
                    sets[i].last_run_utc, (unsigned long long)sets[i].images,
                    (unsigned long long)sets[i].comparisons);
        skd_free(ctx, sets);
        return CLI_EXIT_USAGE;
    }
    if (n) {
        snprintf(chosen, 65, "%s", sets[pick].param_set);
        fprintf(stderr, "export: parameter set %.12s (last run %s)%s\n",
                sets[pick].param_set, sets[pick].last_run_utc,
                n == 1 ? ""
                : a->params ? ", chosen with --params"
                            : ", the latest; --params chooses another");
    }
    for (size_t i = 0; n > 1 && i < n; i++)
        fprintf(stderr, "  %c %.12s  last run %s, %llu photo row(s), %llu "
                        "comparison row(s)\n", i == pick ? '*' : ' ',
                sets[i].param_set, sets[i].last_run_utc,
                (unsigned long long)sets[i].images,
                (unsigned long long)sets[i].comparisons);
    skd_free(ctx, sets);
    return -1;
}

static int export_status(skd_ctx *ctx, int st)
{
    cli_fail_status(ctx, st);
    return st == SKD_E_IO ? CLI_EXIT_OUTPUT : cli_exit_for_status(st);
}

int cmd_export(int argc, char **argv)
{
    export_args a = {.table = SKD_TABLE_IMAGES, .format = SKD_EXPORT_CSV};
    int st, code;
    char set[65];
    skd_ctx *ctx;
    if ((code = parse_args(argc, argv, &a)) >= 0)
        return code;
    code = CLI_EXIT_OK;
    if (!(ctx = skd_ctx_create())) {
        cli_error("out of memory");
        return CLI_EXIT_NOMEM;
    }
    if ((code = choose_set(ctx, &a, set)) >= 0) {
        skd_ctx_free(ctx);
        return code;
    }
    code = CLI_EXIT_OK;
    if (a.dir) {
        if (mkdir(a.dir, 0777) != 0 && errno != EEXIST) {
            cli_error("%s: cannot create folder: %s", a.dir, strerror(errno));
            skd_ctx_free(ctx);
            return CLI_EXIT_OUTPUT;
        }
        /* the wide tables, and with --long the tidy ones too */
        skd_export_table all[sizeof wide_tables / sizeof *wide_tables + 2];
        size_t n = 0;
        for (size_t k = 0; k < sizeof wide_tables / sizeof *wide_tables; k++)
            all[n++] = wide_tables[k];
        if (a.long_form) {
            all[n++] = SKD_TABLE_IMAGES_LONG;
            all[n++] = SKD_TABLE_COMPARISONS_LONG;
        }
        for (size_t k = 0; k < n && !code; k++) {
            skd_export_table t = all[k];
            char path[4200];
            snprintf(path, sizeof path, "%s/%s.%s", a.dir,
                     skd_export_table_name(t),
                     a.format == SKD_EXPORT_NDJSON ? "ndjson" : "csv");
            st = skd_export_file_set(ctx, a.db, t,
                                     a.format, *set ? set : NULL, path);
            if (st != SKD_OK)
                code = export_status(ctx, st);
        }
    } else if (a.out && strcmp(a.out, "-")) {
        st = skd_export_file_set(ctx, a.db, a.table, a.format,
                                 *set ? set : NULL, a.out);
        if (st != SKD_OK)
            code = export_status(ctx, st);
    } else {
        int err = 0;
        st = skd_export_write_set(ctx, a.db, a.table, a.format,
                                  *set ? set : NULL, stdout_write, &err);
        if (st == SKD_OK && fflush(stdout) != 0)
            err = errno ? errno : EIO;
        if (err) {
            cli_error("cannot write to standard output: %s", strerror(err));
            code = CLI_EXIT_OUTPUT;
        } else if (st != SKD_OK) {
            code = export_status(ctx, st);
        }
    }
    skd_ctx_free(ctx);
    return code;
}
