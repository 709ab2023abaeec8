#include "cli.h"

int cmd_merge(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'merge' is not implemented yet");
    return CLI_EXIT_INTERNAL;
}
