/* Outputs appear whole or not at all: write a temporary file in the same
 * directory (same file system, so rename is atomic), fsync, rename.
 * A destination that is a character device or a FIFO (-o /dev/null,
 * /dev/stdout, a named pipe) is written directly: renaming over it would
 * replace /dev/null with a regular file when run as root. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

/* Create "<path>.tmp.<pid>.<unique>" exclusively. open() rather than
 * mkstemp() so the file gets 0666 minus the umask like any output, without
 * touching the process-wide umask (other threads may be writing too). */
static int create_temp(char *tmp, size_t n, const char *path, const void *salt)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        uint64_t u = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
                     (uint64_t)(uintptr_t)salt ^ (uint64_t)attempt * 0x9E3779B97F4A7C15ull;
        int fd;
        snprintf(tmp, n, "%s.tmp.%ld.%012llx", path, (long)getpid(),
                 (unsigned long long)(u & 0xFFFFFFFFFFFFull));
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* Stream outputs: no temporary file; tmp_path stays NULL. */
static int open_direct(skd_ctx *ctx, const char *path, skd_atomic_file *af)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return skd_fail(ctx, SKD_E_IO, "%s: cannot open output: %s", path,
                        strerror(errno));
    af->dest_path = skd_strdup(ctx, path);
    af->fp = af->dest_path ? fdopen(fd, "wb") : NULL;
    if (!af->fp) {
        int e = errno;
        close(fd);
        if (!af->dest_path)
            return SKD_E_NOMEM;
        skd_atomic_abort(ctx, af);
        return skd_fail(ctx, SKD_E_IO, "%s: cannot open output: %s", path,
                        strerror(e));
    }
    return SKD_OK;
}

int skd_atomic_open(skd_ctx *ctx, const char *path, skd_atomic_file *af)
{
    static const char suffix[] = ".tmp.4294967296.000000000000";
    struct stat st;
    size_t n;
    int fd, exists;

    memset(af, 0, sizeof *af);
    if (!path || !*path)
        return skd_fail(ctx, SKD_E_INVALID, "empty output path");
    exists = stat(path, &st) == 0;
    if (exists) {
        if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
            return open_direct(ctx, path, af);
        if (S_ISDIR(st.st_mode))
            return skd_fail(ctx, SKD_E_IO, "%s: cannot write output: is a "
                            "directory", path);
        if (!S_ISREG(st.st_mode))
            return skd_fail(ctx, SKD_E_IO, "%s: cannot write output: not a "
                            "regular file", path);
    }
    n = strlen(path) + sizeof suffix;
    af->dest_path = skd_strdup(ctx, path);
    af->tmp_path = skd_malloc(ctx, n);
    if (!af->dest_path || !af->tmp_path) {
        skd_atomic_abort(ctx, af);
        return SKD_E_NOMEM;
    }
    fd = create_temp(af->tmp_path, n, path, af);
    if (fd < 0) {
        int e = errno;
        af->tmp_path[0] = '\0';
        skd_atomic_abort(ctx, af);
        return skd_fail(ctx, SKD_E_IO, "%s: cannot create output: %s", path,
                        strerror(e));
    }
    /* A file that is replaced keeps its permissions (best effort). */
    if (exists)
        (void)fchmod(fd, st.st_mode & 0777);
    af->fp = fdopen(fd, "wb");
    if (!af->fp) {
        int e = errno;
        close(fd);
        skd_atomic_abort(ctx, af);
        return skd_fail(ctx, SKD_E_IO, "%s: cannot open output: %s", path,
                        strerror(e));
    }
    return SKD_OK;
}

void skd_atomic_abort(skd_ctx *ctx, skd_atomic_file *af)
{
    if (af->fp)
        fclose(af->fp);
    if (af->tmp_path && af->tmp_path[0])
        unlink(af->tmp_path);
    skd_dealloc(ctx, af->tmp_path);
    skd_dealloc(ctx, af->dest_path);
    memset(af, 0, sizeof *af);
}

int skd_atomic_commit(skd_ctx *ctx, skd_atomic_file *af)
{
    int e = 0;
    if (fflush(af->fp) != 0 || ferror(af->fp))
        e = errno ? errno : EIO;
    else if (fsync(fileno(af->fp)) != 0 && errno != EINVAL)
        e = errno;
    if (fclose(af->fp) != 0 && !e)
        e = errno ? errno : EIO;
    af->fp = NULL;
    if (!e && af->tmp_path && rename(af->tmp_path, af->dest_path) != 0)
        e = errno;
    if (e) {
        int st = skd_fail(ctx, SKD_E_IO, "%s: cannot write output: %s",
                          af->dest_path, strerror(e));
        skd_atomic_abort(ctx, af);
        return st;
    }
    if (af->tmp_path)
        af->tmp_path[0] = '\0'; /* renamed: nothing to remove */
    skd_atomic_abort(ctx, af);
    return SKD_OK;
}

int skd_write_file_atomic(skd_ctx *ctx, const char *path, const void *data,
                          size_t size)
{
    skd_atomic_file af;
    int st = skd_atomic_open(ctx, path, &af);
    if (st != SKD_OK)
        return st;
    if (size && fwrite(data, 1, size, af.fp) != size) {
        int e = errno ? errno : EIO;
        skd_atomic_abort(ctx, &af);
        return skd_fail(ctx, SKD_E_IO, "%s: cannot write output: %s", path,
                        strerror(e));
    }
    return skd_atomic_commit(ctx, &af);
}
