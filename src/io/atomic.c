/* Outputs appear whole or not at all: write a temporary file in the same
 * directory (same file system, so rename is atomic), fsync, rename.
 * A destination that is a character device or a FIFO (-o /dev/null,
 * /dev/stdout, a named pipe) is written directly: renaming over it would
 * replace /dev/null with a regular file when run as root. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

/* mkstemp creates mode 0600; the output gets the mode of the file it
 * replaces, or 0666 less the umask like any new file. The umask is read
 * from /proc (calling umask() to read it would change it for every thread
 * for a moment); without /proc, 022. */
static mode_t output_mode(const struct stat *dest, int dest_exists)
{
    unsigned mask = 022;
    char line[128];
    FILE *f;
    if (dest_exists)
        return dest->st_mode & 0777;
    f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Umask: %o", &mask) == 1)
            break;
    if (f)
        fclose(f);
    return (mode_t)(0666 & ~mask);
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
    static const char suffix[] = ".tmp.XXXXXX";
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
    n = strlen(path);
    af->dest_path = skd_strdup(ctx, path);
    af->tmp_path = skd_malloc(ctx, n + sizeof suffix);
    if (!af->dest_path || !af->tmp_path) {
        skd_atomic_abort(ctx, af);
        return SKD_E_NOMEM;
    }
    memcpy(af->tmp_path, path, n);
    memcpy(af->tmp_path + n, suffix, sizeof suffix);
    fd = mkstemp(af->tmp_path);
    if (fd < 0) {
        int e = errno;
        af->tmp_path[0] = '\0';
        skd_atomic_abort(ctx, af);
        return skd_fail(ctx, SKD_E_IO, "%s: cannot create output: %s", path,
                        strerror(e));
    }
    (void)fchmod(fd, output_mode(&st, exists)); /* best effort */
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
