/* Read a photo's bytes once: the same bytes are hashed and decoded. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

int skd_store_read_named(skd_ctx *ctx, const char *path, const char *name,
                        size_t max_size, void **data, size_t *size)
{
    struct stat sb;
    unsigned char *buf;
    size_t got = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    *data = NULL;
    *size = 0;
    if (fd < 0)
        return skd_fail(ctx, SKD_E_IO, "%s: cannot open: %s", name,
                        strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return skd_fail(ctx, SKD_E_IO, "%s: not a regular file", name);
    }
    if ((uint64_t)sb.st_size > max_size) {
        close(fd);
        return skd_fail(ctx, SKD_E_LIMIT, "%s: %lld bytes, more than %zu",
                        name, (long long)sb.st_size, max_size);
    }
    if (!(buf = skd_malloc(ctx, (size_t)sb.st_size))) {
        close(fd);
        return SKD_E_NOMEM;
    }
    while (got < (size_t)sb.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            int e = r < 0 ? errno : 0;
            close(fd);
            skd_dealloc(ctx, buf);
            return skd_fail(ctx, SKD_E_IO, "%s: cannot read: %s", name,
                            e ? strerror(e) : "file shrank while reading");
        }
        got += (size_t)r;
    }
    close(fd);
    *data = buf;
    *size = got;
    return SKD_OK;
}

int skd_store_read_file(skd_ctx *ctx, const char *path, size_t max_size,
                  void **data, size_t *size)
{
    return skd_store_read_named(ctx, path, path, max_size, data, size);
}
