/* One run per database: an exclusive flock() on DB.lock held for the whole
 * run. The kernel drops it when the process dies, however it dies, so a
 * killed run never blocks the resume. The file stays (removing it would let
 * two runs lock two different files). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store.h"

static int lock_path(skd_ctx *ctx, const char *db_path, char *path, size_t cap)
{
    if ((size_t)snprintf(path, cap, "%s.lock", db_path) >= cap)
        return skd_fail(ctx, SKD_E_INVALID, "%s: path too long", db_path);
    return SKD_OK;
}

/* flock(LOCK_EX | LOCK_NB) on fd, closing it on failure; what to do is
 * advice for the caller's kind of run. */
static int take(skd_ctx *ctx, int fd, const char *db_path, const char *path,
                const char *what_to_do)
{
    char who[256];
    int e, n;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        return SKD_OK;
    e = errno;
    n = (int)pread(fd, who, sizeof who - 1, 0);
    who[n > 0 ? n : 0] = '\0';
    who[strcspn(who, "\n")] = '\0';
    close(fd);
    if (e == EWOULDBLOCK)
        return skd_fail(ctx, SKD_E_BUSY,
                        "%s is in use by another skindiff run (%s holds %s); %s",
                        db_path, who[0] ? who : "a process", path, what_to_do);
    return skd_fail(ctx, SKD_E_DB, "%s: cannot lock: %s", path, strerror(e));
}

int skd_db_lock(skd_ctx *ctx, const char *db_path, int *fd_out)
{
    char path[4200], who[256], host[128];
    int fd, n, st;
    *fd_out = -1;
    if ((st = lock_path(ctx, db_path, path, sizeof path)) != SKD_OK)
        return st;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return skd_fail(ctx, SKD_E_DB, "%s: cannot create lock file: %s",
                        path, strerror(errno));
    if ((st = take(ctx, fd, db_path, path,
                   "wait for it to finish or use another --db")) != SKD_OK)
        return st;
    /* Say who holds it, for the message above. */
    if (gethostname(host, sizeof host) != 0)
        strcpy(host, "?");
    host[sizeof host - 1] = '\0';
    n = snprintf(who, sizeof who, "pid %ld on %s\n", (long)getpid(), host);
    if (ftruncate(fd, 0) == 0 && pwrite(fd, who, (size_t)n, 0) < 0)
        n = 0; /* the note is a courtesy; the lock is what counts */
    *fd_out = fd;
    return SKD_OK;
}

/* A shard being merged: no lock file means no run ever wrote it with one,
 * and the shard may sit on read-only storage, so nothing is created. */
int skd_db_lock_existing(skd_ctx *ctx, const char *db_path, int *fd_out)
{
    char path[4200];
    int fd, st;
    *fd_out = -1;
    if ((st = lock_path(ctx, db_path, path, sizeof path)) != SKD_OK)
        return st;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? SKD_OK
                               : skd_fail(ctx, SKD_E_DB, "%s: cannot open: %s",
                                          path, strerror(errno));
    if ((st = take(ctx, fd, db_path, path,
                   "merge it when that run has finished")) != SKD_OK)
        return st;
    *fd_out = fd;
    return SKD_OK;
}

void skd_db_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
}
