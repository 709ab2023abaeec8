/* skindiff merge: shard databases into one. */

#include "cli.h"
#include "skindiff_batch.h"

static const char merge_usage[] =
    "Usage: skindiff merge OUT.db SHARD.db...\n\n"
    "Copy the rows of every shard database into OUT.db (created if\n"
    "missing). Rows already in OUT.db are kept (INSERT OR IGNORE on the\n"
    "unique keys), so merging twice changes nothing. All shards go in one\n"
    "transaction: on any failure OUT.db is left as it was. Databases of\n"
    "another schema version are refused.\n";

static const char merge_tail[] =
    "Exit status: 0 merged, 2 usage, 3 a shard is missing, 6 database\n"
    "error or OUT.db in use by a running batch.\n"
    "\n"
    "Example:\n"
    "  skindiff merge clinic.db skindiff.shard-*-of-8.db\n";

static const cli_command merge_command = {"merge", merge_usage, merge_tail,
                                          NULL, 0};

int cmd_merge(int argc, char **argv)
{
    cli_args args;
    skd_ctx *ctx;
    int st, code = cli_parse(&merge_command, NULL, argc, argv, NULL, &args);
    if (code >= 0)
        return code;
    if (args.npos < 2)
        return cli_usage_error("merge", "give OUT.db and at least one shard");
    if (!(ctx = skd_ctx_create())) {
        cli_error("out of memory");
        return CLI_EXIT_NOMEM;
    }
    st = skd_merge(ctx, args.pos[0], (const char *const *)args.pos + 1,
                   (size_t)args.npos - 1);
    code = CLI_EXIT_OK;
    if (st != SKD_OK)
        code = cli_fail_status(ctx, st);
    else
        fprintf(stderr, "merge: %d database(s) into %s\n", args.npos - 1,
                args.pos[0]);
    skd_ctx_free(ctx);
    return code;
}
