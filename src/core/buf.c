/* Growable byte buffer through the context allocator (reports, JSON). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"

void skd_buf_init(skd_buf *b, skd_ctx *ctx)
{
    memset(b, 0, sizeof *b);
    b->ctx = ctx;
}

void skd_buf_free(skd_buf *b)
{
    skd_dealloc(b->ctx, b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* Room for n more bytes plus a terminating zero. */
int skd_buf_reserve(skd_buf *b, size_t n)
{
    size_t cap;
    char *d;
    if (b->failed)
        return 0;
    if (n < b->cap - b->len && b->data)
        return 1;
    if (n > SIZE_MAX / 2 - b->len - 1) {
        b->failed = 1;
        return 0;
    }
    cap = b->cap ? b->cap : 4096;
    while (cap - b->len <= n)
        cap *= 2;
    d = skd_malloc(b->ctx, cap);
    if (!d) {
        b->failed = 1;
        return 0;
    }
    if (b->len)
        memcpy(d, b->data, b->len);
    d[b->len] = 0;
    skd_dealloc(b->ctx, b->data);
    b->data = d;
    b->cap = cap;
    return 1;
}

void skd_buf_append(skd_buf *b, const void *data, size_t n)
{
    if (!skd_buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = 0;
}

void skd_buf_puts(skd_buf *b, const char *s) { skd_buf_append(b, s, strlen(s)); }

void skd_buf_printf(skd_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (!skd_buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}
