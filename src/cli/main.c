#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"analyze", cmd_analyze, "measure texture, pores and redness in photos"},
    {"compare", cmd_compare, "compare two sessions: change, 95% interval, verdict"},
    {"batch", cmd_batch, "analyse and compare a whole archive into a database"},
    {"export", cmd_export, "export a results database to CSV or NDJSON"},
    {"merge", cmd_merge, "merge shard databases into one"},
    {"info", cmd_info, "show what the decoder sees in image files"},
    {"synth", cmd_synth, "render synthetic skin with known ground truth"},
    {"repeatability", cmd_repeatability,
     "noise floors from repeat shots of the same skin"},
    {"analyse", cmd_analyze, NULL}, /* British spelling, not listed */
};

static void usage(FILE *f)
{
    fprintf(f,
            "skindiff %s: measure skin in photographs and compare sessions\n\n"
            "Usage: skindiff COMMAND [OPTIONS] ...\n\nCommands:\n",
            skd_version_string());
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].summary)
            fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'skindiff COMMAND --help' for the options of a command.\n"
               "Units: lengths mm, areas cm², colour CIELAB (D65), texture and "
               "pore strength\nin percent contrast. Lower is better for every "
               "figure. See README.md.\n\n"
               "Example:\n  skindiff compare before.jpg after.jpg --px-per-mm 25 "
               "--report visit2.html\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("skindiff %s\nreads: %s\n", skd_version_string(),
               skd_build_formats());
        printf("landmarks: %s\n", skd_landmarks_backend()
                                       ? skd_landmarks_backend()
                                       : "none (zones from --landmarks or --zones only)");
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s'", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
