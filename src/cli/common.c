#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
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
    case SKD_E_NO_REGION: return CLI_EXIT_INPUT;
    case SKD_E_ALIGN: return CLI_EXIT_ALIGN;
    case SKD_E_DB:
    case SKD_E_BUSY: return CLI_EXIT_DB;
    case SKD_E_NOMEM: return CLI_EXIT_NOMEM;
    default: return CLI_EXIT_INTERNAL;
    }
}

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

int cli_fail_status(skd_ctx *ctx, int status)
{
    const char *msg = skd_ctx_message(ctx);
    if (msg && *msg)
        cli_error("%s (%s)", msg, skd_strerror(status));
    else
        cli_error("%s", skd_strerror(status));
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

void cli_json_str(cli_buf *b, const char *s)
{
    cli_buf_printf(b, "\"");
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            cli_buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            cli_buf_printf(b, "\\u%04x", c);
        else
            cli_buf_printf(b, "%c", c);
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

int cli_parse_double(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return 0;
    errno = 0;
    *out = strtod(s, &end);
    return errno == 0 && *end == '\0' && isfinite(*out);
}

int cli_parse_roi(const char *s, skd_roi *roi)
{
    unsigned long v[4];
    char *end;
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        errno = 0;
        v[i] = strtoul(p, &end, 10);
        if (errno || end == p || v[i] > 0xFFFFFFFFul)
            return 0;
        if (i < 3 && *end != ',')
            return 0;
        p = end + 1;
    }
    if (*end != '\0' || v[2] == 0 || v[3] == 0)
        return 0;
    roi->x = (uint32_t)v[0];
    roi->y = (uint32_t)v[1];
    roi->w = (uint32_t)v[2];
    roi->h = (uint32_t)v[3];
    return 1;
}

const char *cli_opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc)
        return "";
    return argv[++*i];
}

int cli_stdout_is_tty(void) { return isatty(STDOUT_FILENO); }
