/* Growable text buffer for building the report in memory. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

void skd_rbuf_init(skd_rbuf *b, skd_ctx *ctx)
{
    memset(b, 0, sizeof *b);
    b->ctx = ctx;
}

void skd_rbuf_free(skd_rbuf *b)
{
    skd_dealloc(b->ctx, b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* Room for n more bytes plus a terminating zero. */
static int reserve(skd_rbuf *b, size_t n)
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

void skd_rbuf_append(skd_rbuf *b, const void *data, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = 0;
}

void skd_rbuf_puts(skd_rbuf *b, const char *s) { skd_rbuf_append(b, s, strlen(s)); }

void skd_rbuf_printf(skd_rbuf *b, const char *fmt, ...)
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
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void skd_rbuf_html(skd_rbuf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': skd_rbuf_puts(b, "&amp;"); break;
        case '<': skd_rbuf_puts(b, "&lt;"); break;
        case '>': skd_rbuf_puts(b, "&gt;"); break;
        case '"': skd_rbuf_puts(b, "&quot;"); break;
        case '\'': skd_rbuf_puts(b, "&#39;"); break;
        default: skd_rbuf_append(b, s, 1);
        }
    }
}

void skd_rbuf_base64(skd_rbuf *b, const unsigned char *d, size_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t out = (n + 2) / 3 * 4;
    char *p;
    if (n > SIZE_MAX / 2 || !reserve(b, out))
        return;
    p = b->data + b->len;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)d[i + 1] << 8;
        if (i + 2 < n)
            v |= d[i + 2];
        *p++ = tab[(v >> 18) & 63];
        *p++ = tab[(v >> 12) & 63];
        *p++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        *p++ = i + 2 < n ? tab[v & 63] : '=';
    }
    b->len += out;
    b->data[b->len] = 0;
}
