#include "cli.h"

int cmd_analyze(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'analyze' is not implemented yet");
    return CLI_EXIT_INTERNAL;
}
