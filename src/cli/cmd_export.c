#include "cli.h"

int cmd_export(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'export' is not implemented yet");
    return CLI_EXIT_INTERNAL;
}
