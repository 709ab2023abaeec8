/* HTML escaping and base64 onto a buffer, for the report. */
#include <stdint.h>

#include "report.h"

void skd_buf_html(skd_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': skd_buf_puts(b, "&amp;"); break;
        case '<': skd_buf_puts(b, "&lt;"); break;
        case '>': skd_buf_puts(b, "&gt;"); break;
        case '"': skd_buf_puts(b, "&quot;"); break;
        case '\'': skd_buf_puts(b, "&#39;"); break;
        default: skd_buf_append(b, s, 1);
        }
    }
}

void skd_buf_base64(skd_buf *b, const unsigned char *d, size_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t out = (n + 2) / 3 * 4;
    char *p;
    if (n > SIZE_MAX / 2 || !skd_buf_reserve(b, out))
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
