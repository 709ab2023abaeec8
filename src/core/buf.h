/* Growable byte buffer through the context allocator. After a failed
 * allocation it stops growing and `failed` stays set: check once at the
 * end. The data is always zero-terminated. */
#ifndef SKD_BUF_H
#define SKD_BUF_H

#include <stddef.h>

#include "core.h"

typedef struct skd_buf {
    skd_ctx *ctx;
    char *data;
    size_t len, cap;
    int failed;
} skd_buf;

void skd_buf_init(skd_buf *b, skd_ctx *ctx);
void skd_buf_free(skd_buf *b);
/* Room for n more bytes plus the terminating zero; 0 when that failed. */
int skd_buf_reserve(skd_buf *b, size_t n);
void skd_buf_append(skd_buf *b, const void *data, size_t n);
void skd_buf_puts(skd_buf *b, const char *s);
void skd_buf_printf(skd_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
