/* skindiff merge: shard databases into one. */
#include <string.h>

#include "cli.h"
#include "skindiff_batch.h"

static void help(FILE *f)
{
    fprintf(f,
        "Usage: skindiff merge OUT.db SHARD.db...\n\n"
        "Copy the rows of every shard database into OUT.db (created if\n"
        "missing). Rows already in OUT.db are kept (INSERT OR IGNORE on the\n"
        "unique keys), so merging twice changes nothing. All shards go in one\n"
        "transaction: on any failure OUT.db is left as it was. Databases of\n"
        "another schema version are refused.\n\n"
        "Exit status: 0 merged, 2 usage, 3 a shard is missing, 6 database\n"
        "error or OUT.db in use by a running batch.\n");
}

int cmd_merge(int argc, char **argv)
{
    const char *files[4096];
    size_t n = 0;
    skd_ctx *ctx;
    int st, code = CLI_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            help(stdout);
            return CLI_EXIT_OK;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error("merge", "unknown option '%s'", argv[i]);
        if (n == sizeof files / sizeof *files)
            return cli_usage_error("merge", "at most %zu databases at once",
                                   sizeof files / sizeof *files - 1);
        files[n++] = argv[i];
    }
    if (n < 2)
        return cli_usage_error("merge", "give OUT.db and at least one shard");
    if (!(ctx = skd_ctx_create())) {
        cli_error("out of memory");
        return CLI_EXIT_NOMEM;
    }
    st = skd_merge(ctx, files[0], files + 1, n - 1);
    if (st != SKD_OK)
        code = cli_fail_status(ctx, st);
    else
        fprintf(stderr, "merge: %zu database(s) into %s\n", n - 1, files[0]);
    skd_ctx_free(ctx);
    return code;
}
