#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

int cli_exit_for_status(int status)
{
    switch (status) {
    case SKD_OK: return CLI_EXIT_OK;
    case SKD_E_INVALID: return CLI_EXIT_USAGE;
    case SKD_E_IO:
    case SKD_E_FORMAT:
    case SKD_E_CORRUPT:
    case SKD_E_UNSUPPORTED:
    case SKD_E_LIMIT:
    case SKD_E_NO_REGION:
    case SKD_E_WHITE_REF: return CLI_EXIT_INPUT;
    case SKD_E_ALIGN: return CLI_EXIT_ALIGN;
    case SKD_E_DB:
    case SKD_E_BUSY: return CLI_EXIT_DB;
    case SKD_E_NOMEM: return CLI_EXIT_NOMEM;
    default: return CLI_EXIT_INTERNAL;
    }
}

static void vmessage(const char *kind, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void vmessage(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "skindiff: %s", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("error: ", fmt, ap);
    va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("warning: ", fmt, ap);
    va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("", fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'skindiff %s --help'.\n", cmd);
    return CLI_EXIT_USAGE;
}

/* The message says what failed and why. For most statuses their name
 * would only repeat it ("cannot open: No such file (input/output error)");
 * for damaged data, limits and the like the decoder's words can be cryptic
 * ("premature end of data segment"), so the name follows in brackets. */
void cli_error_status(const char *msg, int status)
{
    const char *name = skd_strerror(status);
    int adds = status == SKD_E_CORRUPT || status == SKD_E_UNSUPPORTED ||
               status == SKD_E_LIMIT || status == SKD_E_NO_REGION ||
               status == SKD_E_INTERNAL;
    /* "truncated JPEG data: ..." says it already */
    const char *key = status == SKD_E_CORRUPT ? "truncated" : name;
    if (!msg || !*msg)
        cli_error("%s", name);
    else if (adds && !strstr(msg, key))
        cli_error("%s (%s)", msg, name);
    else
        cli_error("%s", msg);
}

int cli_fail_status(skd_ctx *ctx, int status)
{
    cli_error_status(skd_ctx_message(ctx), status);
    return cli_exit_for_status(status);
}

void cli_buf_vprintf(cli_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    if (b->failed)
        return;
    va_copy(ap2, ap);
    n = vsnprintf(b->data ? b->data + b->len : NULL,
                  b->data ? b->cap - b->len : 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (!b->data || b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *d;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        d = realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
        vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    }
    b->len += (size_t)n;
}

void cli_buf_printf(cli_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void cli_buf_free(cli_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

int cli_buf_emit(skd_ctx *ctx, const cli_buf *b, const char *path)
{
    if (b->failed) {
        cli_error("out of memory while formatting output");
        return CLI_EXIT_NOMEM;
    }
    if (!path || !strcmp(path, "-")) {
        if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len) {
            cli_error("cannot write to standard output: %s", strerror(errno));
            return CLI_EXIT_OUTPUT;
        }
        if (fflush(stdout) != 0) {
            cli_error("cannot write to standard output: %s", strerror(errno));
            return CLI_EXIT_OUTPUT;
        }
        return CLI_EXIT_OK;
    }
    int st = skd_write_file_atomic(ctx, path, b->data ? b->data : "", b->len);
    if (st != SKD_OK) {
        cli_fail_status(ctx, st);
        return CLI_EXIT_OUTPUT;
    }
    return CLI_EXIT_OK;
}

/* Length of the well-formed UTF-8 sequence at s (1-4), 0 if malformed. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        n = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        n = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        n = 4;
    else
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0; /* also stops at the terminating NUL */
    /* No overlong forms, surrogates or code points above U+10FFFF. */
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
        return 0;
    return n;
}

/* JSON must be UTF-8, but file names and decoder messages are bytes: a
 * byte that is not part of well-formed UTF-8 becomes U+FFFD. */
void cli_json_str(cli_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    cli_buf_printf(b, "\"");
    while (p && *p) {
        size_t n = utf8_len(p);
        if (n == 0) {
            cli_buf_printf(b, "\\ufffd");
            p++;
        } else if (*p == '"' || *p == '\\') {
            cli_buf_printf(b, "\\%c", *p++);
        } else if (*p < 0x20) {
            cli_buf_printf(b, "\\u%04x", *p++);
        } else {
            cli_buf_printf(b, "%.*s", (int)n, (const char *)p);
            p += n;
        }
    }
    cli_buf_printf(b, "\"");
}

void cli_json_num(cli_buf *b, double v)
{
    if (isfinite(v))
        cli_buf_printf(b, "%.6g", v);
    else
        cli_buf_printf(b, "null");
}


static void exclusion_share(cli_buf *b, const char *key, double v,
                            const char *sep)
{
    cli_buf_printf(b, "\"%s\": ", key);
    cli_json_num(b, v);
    cli_buf_printf(b, "%s", sep);
}

void cli_json_exclusion(cli_buf *b, const skd_exclusion *e)
{
    cli_buf_printf(b, "\"skin_map\": \"%s\", ", e->skin_map ? "auto" : "off");
    exclusion_share(b, "fraction", e->region, ", ");
    exclusion_share(b, "skin_fraction", e->skin, ", ");
    exclusion_share(b, "clipped_fraction", e->clipped, ",\n       ");
    cli_buf_printf(b, "\"excluded\": {");
    exclusion_share(b, "not_skin", e->not_skin, ", ");
    exclusion_share(b, "highlight", e->highlight, ", ");
    exclusion_share(b, "too_dark", e->too_dark, ", ");
    exclusion_share(b, "outside_roi_mask", e->outside_roi_mask, ", ");
    exclusion_share(b, "margin", e->margin, "}");
}

void cli_csv_field(cli_buf *b, const char *s)
{
    char small[1024], *cell = small;
    size_t n = skd_csv_cell(s, NULL, 0);
    if (n >= sizeof small && !(cell = malloc(n + 1))) {
        b->failed = 1;
        return;
    }
    skd_csv_cell(s, cell, n + 1);
    cli_buf_printf(b, "%s", cell);
    if (cell != small)
        free(cell);
}

const char *cli_base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

void cli_wisdom_load(skd_ctx *ctx, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    fclose(f);
    if (skd_wisdom_load(ctx, path) != SKD_OK)
        cli_warn("%s; planning afresh", skd_ctx_message(ctx));
}

void cli_wisdom_save(skd_ctx *ctx, const char *path)
{
    if (skd_wisdom_save(ctx, path) != SKD_OK)
        cli_warn("FFT wisdom not saved: %s", skd_ctx_message(ctx));
}

/* Returns -1 to go on, or the exit code of a usage error. Patient planning
 * takes about a minute per image size, so it is only worth it kept. */
int cli_wisdom_effort(skd_ctx *ctx, const char *wisdom, int patient,
                      const char *cmd)
{
    if (patient && !wisdom)
        return cli_usage_error(cmd, "--fft-patient needs --fft-wisdom FILE to "
                                    "keep its plans (planning takes about a "
                                    "minute per image size)");
    if (wisdom && skd_ctx_set(ctx, SKD_OPT_FFT_MEASURE, patient ? 2 : 1) != SKD_OK)
        return cli_fail_status(ctx, SKD_E_INVALID);
    return -1;
}

void cli_csv_num(cli_buf *b, double v)
{
    if (isfinite(v))
        cli_buf_printf(b, ",%.6g", v);
    else
        cli_buf_printf(b, ",");
}

static const char *extension(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    return dot && (!slash || dot > slash) ? dot : "";
}

int cli_image_kind(const char *path)
{
    const char *e = extension(path);
    if (!strcasecmp(e, ".png"))
        return CLI_IMAGE_PNG;
    if (!strcasecmp(e, ".jpg") || !strcasecmp(e, ".jpeg"))
        return CLI_IMAGE_JPEG;
    return 0;
}

int cli_write_image(skd_ctx *ctx, const skd_image *img, const char *path,
                    int quality)
{
    if (cli_image_kind(path) == CLI_IMAGE_JPEG)
        return skd_image_write_jpeg(ctx, img, path, quality);
    return skd_image_write_png(ctx, img, path);
}
