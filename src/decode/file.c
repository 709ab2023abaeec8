/* Reading input files. Only regular files are read: a FIFO or a device
 * could block forever or never end, so the open never blocks and the type
 * is checked before any read. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decode.h"

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO (named pipe)";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

static int open_regular(skd_ctx *ctx, const char *path, int *fd_out,
                        uint64_t *size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return skd_fail(ctx, SKD_E_IO, "cannot open: %s", strerror(errno));
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return skd_fail(ctx, SKD_E_IO, "cannot stat: %s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return skd_fail(ctx, SKD_E_IO, "cannot read: is %s, not an image file",
                        file_kind(st.st_mode));
    }
    if (st.st_size <= 0) {
        close(fd);
        return skd_fail(ctx, SKD_E_IO, "empty file (0 bytes)");
    }
    *fd_out = fd;
    *size = (uint64_t)st.st_size;
    return SKD_OK;
}

static int too_large(skd_ctx *ctx, uint64_t fsize, size_t max_bytes)
{
    return skd_fail(ctx, SKD_E_LIMIT,
                    "file is %llu bytes, more than the %llu bytes allowed "
                    "for the pixel limit (SKD_OPT_MAX_PIXELS)",
                    (unsigned long long)fsize, (unsigned long long)max_bytes);
}

int skd_check_file_size(skd_ctx *ctx, const char *path, size_t max_bytes)
{
    uint64_t fsize = 0;
    int fd = -1;
    int st = open_regular(ctx, path, &fd, &fsize);
    if (st != SKD_OK)
        return st;
    close(fd);
    return fsize > (uint64_t)max_bytes ? too_large(ctx, fsize, max_bytes)
                                       : SKD_OK;
}

/* pread from offset 0 until n bytes or end of file; *got may be < n when
 * the file shrank meanwhile (the decoder then reports truncation). */
static int read_prefix(skd_ctx *ctx, int fd, size_t n, uint8_t *buf,
                       size_t *got)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = pread(fd, buf + done, n - done, (off_t)done);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return skd_fail(ctx, SKD_E_IO, "read error: %s", strerror(errno));
        }
        if (r == 0)
            break;
        done += (size_t)r;
    }
    *got = done;
    return SKD_OK;
}

int skd_read_file(skd_ctx *ctx, const char *path, size_t max_bytes, int whole,
                  uint8_t **data, size_t *size, uint64_t *file_size)
{
    uint64_t fsize = 0;
    size_t want, got = 0;
    uint8_t *buf;
    int fd = -1, st;

    *data = NULL;
    *size = 0;
    *file_size = 0;
    st = open_regular(ctx, path, &fd, &fsize);
    if (st != SKD_OK)
        return st;
    *file_size = fsize;
    if (whole && fsize > (uint64_t)max_bytes) {
        close(fd);
        return too_large(ctx, fsize, max_bytes);
    }
    want = fsize < (uint64_t)max_bytes ? (size_t)fsize : max_bytes;
    buf = skd_malloc(ctx, want);
    if (!buf) {
        close(fd);
        return SKD_E_NOMEM;
    }
    st = read_prefix(ctx, fd, want, buf, &got);
    close(fd);
    if (st == SKD_OK && got == 0)
        st = skd_fail(ctx, SKD_E_IO, "empty file (0 bytes)");
    if (st != SKD_OK) {
        skd_dealloc(ctx, buf);
        return st;
    }
    *data = buf;
    *size = got;
    return SKD_OK;
}

uint64_t skd_max_file_bytes(const skd_ctx *ctx)
{
    /* A legal PNG can be bigger than its pixels (16-bit RGBA, stored
     * deflate blocks, metadata): allow 8 bytes per pixel plus 64 MiB. */
    double px = skd_opt(ctx, SKD_OPT_MAX_PIXELS);
    double bytes = px * 8.0 + 64.0 * 1024 * 1024;
    double cap = (double)(SIZE_MAX / 2);
    return (uint64_t)(bytes < cap ? bytes : cap);
}
