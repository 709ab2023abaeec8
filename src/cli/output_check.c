/* Output folders are checked before any work: a typo in --report's folder
 * should cost a second, not the minutes of a comparison. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_check_output(const char *flag, const char *path)
{
    struct stat st;
    char dir[4096];
    const char *slash;
    size_t n;
    int err = 0;

    if (!path || !strcmp(path, "-"))
        return -1;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        return -1; /* a device or a FIFO: written in place */
    slash = strrchr(path, '/');
    n = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
    if (n >= sizeof dir) {
        cli_error("%s %s: the folder name is too long", flag, path);
        return CLI_EXIT_OUTPUT;
    }
    memcpy(dir, n ? path : ".", n ? n : 1);
    dir[n ? n : 1] = '\0';
    /* The output is written to a temporary file there and renamed. */
    if (stat(dir, &st) != 0)
        err = errno;
    else if (!S_ISDIR(st.st_mode))
        err = ENOTDIR;
    else if (access(dir, W_OK | X_OK) != 0)
        err = errno;
    if (!err)
        return -1;
    cli_error("%s %s: cannot write in %s: %s", flag, path, dir, strerror(err));
    return CLI_EXIT_OUTPUT;
}
