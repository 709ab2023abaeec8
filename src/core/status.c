#include <stdio.h>
#include <string.h>

#include "core.h"

const char *skd_version_string(void) { return SKD_VERSION_STRING; }
unsigned skd_version_number(void) { return SKD_VERSION_NUMBER; }

const char *skd_strerror(int status)
{
    switch (status) {
    case SKD_OK: return "success";
    case SKD_E_NOMEM: return "out of memory";
    case SKD_E_INVALID: return "invalid argument";
    case SKD_E_IO: return "input/output error";
    case SKD_E_FORMAT: return "not a PNG or JPEG image";
    case SKD_E_CORRUPT: return "corrupt or truncated image data";
    case SKD_E_UNSUPPORTED: return "unsupported image variant";
    case SKD_E_LIMIT: return "image exceeds limits";
    case SKD_E_NO_REGION: return "no measurable skin region";
    case SKD_E_ALIGN: return "cannot align the photos";
    case SKD_E_DB: return "results database error";
    case SKD_E_BUSY: return "results database is in use";
    case SKD_E_INTERNAL: return "internal error";
    case SKD_E_WHITE_REF: return "white reference patch unusable";
    default: return "unknown status";
    }
}

int skd_vfail(skd_ctx *ctx, int status, const char *fmt, va_list ap)
{
    if (ctx)
        vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
    return status;
}

int skd_fail(skd_ctx *ctx, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    skd_vfail(ctx, status, fmt, ap);
    va_end(ap);
    return status;
}

void skd_message_prefix(skd_ctx *ctx, const char *prefix)
{
    size_t cap = sizeof ctx->message, plen, mlen;
    if (!ctx || !prefix)
        return;
    plen = strlen(prefix) + 2; /* "prefix: " */
    if (plen >= cap)
        return;
    mlen = strnlen(ctx->message, cap - 1);
    if (mlen > cap - 1 - plen)
        mlen = cap - 1 - plen;
    memmove(ctx->message + plen, ctx->message, mlen);
    memcpy(ctx->message, prefix, plen - 2);
    memcpy(ctx->message + plen - 2, ": ", 2);
    ctx->message[plen + mlen] = 0;
}

const char *skd_ctx_message(const skd_ctx *ctx)
{
    return ctx ? ctx->message : "";
}
