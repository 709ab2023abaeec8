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

int skd_db_lock(skd_ctx *ctx, const char *db_path, int *fd_out)
{
    char path[4200], who[256], host[128];
    int fd, n;
    *fd_out = -1;
    if ((size_t)snprintf(path, sizeof path, "%s.lock", db_path) >= sizeof path)
        return skd_fail(ctx, SKD_E_INVALID, "%s: path too long", db_path);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return skd_fail(ctx, SKD_E_DB, "%s: cannot create lock file: %s",
                        path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        n = (int)pread(fd, who, sizeof who - 1, 0);
        who[n > 0 ? n : 0] = '\0';
        who[strcspn(who, "\n")] = '\0';
        close(fd);
        if (e == EWOULDBLOCK)
            return skd_fail(ctx, SKD_E_BUSY,
                            "%s is in use by another skindiff run (%s holds "
                            "%s); wait for it to finish or use another --db",
                            db_path, who[0] ? who : "a process", path);
        return skd_fail(ctx, SKD_E_DB, "%s: cannot lock: %s", path,
                        strerror(e));
    }
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

void skd_db_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
}
