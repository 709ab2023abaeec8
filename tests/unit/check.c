#include "check.h"

#include <stdlib.h>
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

static void *check_alloc_malloc(void *opaque, size_t size)
{
    check_alloc *a = opaque;
    void *p;
    a->calls++;
    if (a->fail_at > 0 && (a->calls == a->fail_at ||
                           (a->persistent && a->calls > a->fail_at)))
        return NULL;
    p = malloc(size);
    if (p)
        a->live++;
    return p;
}

static void check_alloc_free(void *opaque, void *p)
{
    check_alloc *a = opaque;
    if (p) {
        a->live--;
        free(p);
    }
}

skd_allocator check_allocator(check_alloc *a)
{
    skd_allocator al = {check_alloc_malloc, check_alloc_free, a};
    return al;
}
