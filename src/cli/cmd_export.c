/* skindiff export: a results database to CSV or NDJSON. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "skindiff_batch.h"

static void help(FILE *f)
{
    fprintf(f,
        "Usage: skindiff export --db FILE [--csv|--ndjson] [--table T] [-o FILE]\n"
        "       skindiff export --db FILE [--csv|--ndjson] --out-dir DIR\n\n"
        "Tables (--table, default images):\n"
        "  images       one row per photo: keys, status, figures\n"
        "  comparisons  one row per comparison: transform, and for each metric\n"
        "               before, after, change, change %%, 95%% interval, noise\n"
        "               floor, verdict\n"
        "  series       one row per patient+view+session: figures and change\n"
        "               from the baseline session with interval and verdict\n\n"
        "Rows sorted by patient, view, session, kind; numbers as %%.6g; missing\n"
        "values empty (CSV) or null (NDJSON). -o and --out-dir files are\n"
        "written atomically; --out-dir writes images, comparisons and series\n"
        "(.csv or .ndjson). Default output: standard output, CSV.\n\n"
        "Exit status: 0 done, 2 usage, 5 output not written, 6 database\n"
        "error.\n");
}

/* opaque: an int that receives errno when a write fails. */
static int stdout_write(void *opaque, const void *data, size_t size)
{
    int *err = opaque;
    if (fwrite(data, 1, size, stdout) == size)
        return 0;
    *err = errno ? errno : EIO;
    return -1;
}

static int parse_table(const char *s, skd_export_table *t)
{
    for (int i = SKD_TABLE_IMAGES; i <= SKD_TABLE_SERIES; i++)
        if (!strcmp(s, skd_export_table_name((skd_export_table)i))) {
            *t = (skd_export_table)i;
            return 1;
        }
    return 0;
}

static int export_status(skd_ctx *ctx, int st)
{
    cli_fail_status(ctx, st);
    return st == SKD_E_IO ? CLI_EXIT_OUTPUT : cli_exit_for_status(st);
}

int cmd_export(int argc, char **argv)
{
    const char *db = NULL, *out = NULL, *dir = NULL, *v;
    skd_export_table table = SKD_TABLE_IMAGES;
    skd_export_format fmt = SKD_EXPORT_CSV;
    int have_table = 0, have_fmt = 0, st, code = CLI_EXIT_OK;
    skd_ctx *ctx;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            help(stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(a, "--csv") || !strcmp(a, "--ndjson")) {
            skd_export_format f = a[2] == 'c' ? SKD_EXPORT_CSV : SKD_EXPORT_NDJSON;
            if (have_fmt && f != fmt)
                return cli_usage_error("export", "--csv or --ndjson, not both");
            fmt = f;
            have_fmt = 1;
        } else if ((v = cli_opt_value(argc, argv, &i, "--db"))) {
            db = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--table"))) {
            if (!parse_table(v, &table))
                return cli_usage_error("export", "--table wants images, "
                                       "comparisons or series, not '%s'", v);
            have_table = 1;
        } else if ((v = cli_opt_value(argc, argv, &i, "-o")) ||
                   (v = cli_opt_value(argc, argv, &i, "--output"))) {
            out = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--out-dir"))) {
            dir = v;
        } else {
            return cli_usage_error("export", "unexpected argument '%s'", a);
        }
    }
    if (!db || !*db)
        return cli_usage_error("export", "--db FILE is required");
    if (dir && (out || have_table))
        return cli_usage_error("export", "--out-dir writes every table: no "
                               "-o or --table with it");
    if (!(ctx = skd_ctx_create())) {
        cli_error("out of memory");
        return CLI_EXIT_NOMEM;
    }
    if (dir) {
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            cli_error("%s: cannot create folder: %s", dir, strerror(errno));
            skd_ctx_free(ctx);
            return CLI_EXIT_OUTPUT;
        }
        for (int t = SKD_TABLE_IMAGES; t <= SKD_TABLE_SERIES && !code; t++) {
            char path[4200];
            snprintf(path, sizeof path, "%s/%s.%s", dir,
                     skd_export_table_name((skd_export_table)t),
                     fmt == SKD_EXPORT_CSV ? "csv" : "ndjson");
            st = skd_export_file(ctx, db, (skd_export_table)t, fmt, path);
            if (st != SKD_OK)
                code = export_status(ctx, st);
        }
    } else if (out && strcmp(out, "-")) {
        st = skd_export_file(ctx, db, table, fmt, out);
        if (st != SKD_OK)
            code = export_status(ctx, st);
    } else {
        int err = 0;
        st = skd_export_write(ctx, db, table, fmt, stdout_write, &err);
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
