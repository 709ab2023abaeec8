#include "cli.h"

int cmd_batch(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'batch' is not implemented yet");
    return CLI_EXIT_INTERNAL;
}
