#include "check.h"

#include <sys/stat.h>
#include <sys/types.h>

int check_failures = 0;

int check_done(const char *name)
{
    if (check_failures)
        fprintf(stderr, "%s: %d check(s) FAILED\n", name, check_failures);
    else
        fprintf(stderr, "%s: all checks passed\n", name);
    return check_failures > 100 ? 100 : check_failures;
}

int check_have_shared_data(void)
{
    struct stat st;
    return stat(SKD_SHARED_DATA, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *check_tmpdir(void)
{
    mkdir(SKD_TEST_TMP, 0777);
    return SKD_TEST_TMP;
}
