/* A growable string whose memory comes from the context allocator. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "synth.h"

void skd_sbuf_printf(skd_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (b->failed)
        return;
    va_start(ap, fmt);
    n = vsnprintf(b->data ? b->data + b->len : NULL,
                  b->data ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (!b->data || b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *d;
        while (cap < b->len + (size_t)n + 1) {
            if (cap > SIZE_MAX / 2) {
                b->failed = 1;
                return;
            }
            cap *= 2;
        }
        d = skd_malloc(b->ctx, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        if (b->data)
            memcpy(d, b->data, b->len + 1);
        skd_dealloc(b->ctx, b->data);
        b->data = d;
        b->cap = cap;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void skd_sbuf_free(skd_sbuf *b)
{
    skd_dealloc(b->ctx, b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
