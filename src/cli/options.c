/* One option parser for every command: each declares a table of its
 * options, cli_parse walks argv with it and reports usage errors the same
 * way everywhere ("NAME: 'VALUE' is not WHAT", "NAME needs WHAT"; exit
 * status 2). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int takes_value(const cli_option *o)
{
    return o->kind != CLI_FLAG && o->kind != CLI_SKD_FLAG;
}

/* Length of o's name or alias at the start of arg, 0 when neither is
 * there. A value follows after '=', or directly after a short alias. */
static size_t match(const cli_option *o, const char *arg)
{
    const char *names[] = {o->name, o->alias};
    for (size_t k = 0; k < 2; k++) {
        size_t n = names[k] ? strlen(names[k]) : 0;
        if (n == 0 || strncmp(arg, names[k], n) != 0)
            continue;
        if (arg[n] == '\0' || (takes_value(o) && (arg[n] == '=' || n == 2)))
            return n;
    }
    return 0;
}

/* A finite number and nothing after it. */
static int parse_double(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return 0;
    errno = 0;
    *out = strtod(s, &end);
    return errno == 0 && *end == '\0' && isfinite(*out);
}

/* X,Y,W,H in pixels with W,H > 0. */
static int parse_roi(const char *s, skd_roi *roi)
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

/* Digits (strtoull's, without a minus or leading space). */
static int parse_whole(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;
    if (!*s || *s == '-' || isspace((unsigned char)*s))
        return 0;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return 0;
    *out = v;
    return 1;
}

/* "A,B" into two numbers. */
static int parse_pair(const char *s, double *a, double *b)
{
    const char *comma = strchr(s, ',');
    char first[64];
    size_t n;
    if (!comma || (n = (size_t)(comma - s)) == 0 || n >= sizeof first)
        return 0;
    memcpy(first, s, n);
    first[n] = '\0';
    return parse_double(first, a) && parse_double(comma + 1, b);
}

static int in_range(const cli_option *o, double x)
{
    if ((o->flags & CLI_WHOLE) && x != floor(x))
        return 0;
    if ((o->flags & CLI_POSITIVE) && !(x > 0))
        return 0;
    return !(o->lo < o->hi) || (x >= o->lo && x <= o->hi);
}

/* What the value of o should be, for messages. */
static const char *expected(const cli_option *o, char *buf, size_t cap)
{
    int whole = o->kind == CLI_U32 || o->kind == CLI_U64 ||
                (o->flags & CLI_WHOLE);
    const char *what = whole ? "whole number" : "number";
    if (o->expect)
        return o->expect;
    if (o->kind == CLI_STRING)
        return "a file name";
    if (o->kind == CLI_ROI)
        return "X,Y,W,H in pixels with W,H > 0";
    if (o->kind == CLI_PAIR)
        return "two numbers A,B";
    if (o->flags & CLI_POSITIVE)
        snprintf(buf, cap, "a positive %s", what);
    else if (o->lo < o->hi && isfinite(o->hi))
        snprintf(buf, cap, "a %s %.15g-%.15g", what, o->lo, o->hi);
    else if (o->lo < o->hi)
        snprintf(buf, cap, "a %s >= %.15g", what, o->lo);
    else
        snprintf(buf, cap, "a %s", what);
    return buf;
}

const char *const cli_skin_words[] = {"off", "auto", NULL};

static void *field(void *opts, size_t offset)
{
    return (char *)opts + offset;
}

/* A number for the library: it keeps the range, and says it when the
 * value is outside ("option N: value V outside [LO, HI]"). */
static int set_library_option(const cli_command *cmd, skd_ctx *ctx,
                              const cli_option *o, const char *name,
                              const char *v, double x)
{
    const char *range;
    if (skd_ctx_set(ctx, o->opt, x) == SKD_OK)
        return -1;
    range = strrchr(skd_ctx_message(ctx), '[');
    return cli_usage_error(cmd->name, "%s: '%s' is not a %snumber in %s", name,
                           v, o->flags & CLI_WHOLE ? "whole " : "",
                           range ? range : "the library's range");
}

/* Store the value v of option o; -1 when done, else the exit code (the
 * usage error is reported). */
static int apply(const cli_command *cmd, skd_ctx *ctx, const cli_option *o,
                 const char *name, const char *v, void *opts)
{
    char buf[96];
    void *f = field(opts, o->offset);
    uint64_t u = 0;
    double x = 0;
    int ok;

    switch (o->kind) {
    case CLI_FLAG:
        *(int *)f = o->value;
        return -1;
    case CLI_SKD_FLAG:
        return set_library_option(cmd, ctx, o, name, "", 1);
    case CLI_STRING:
        *(const char **)f = v;
        ok = *v != '\0';
        break;
    case CLI_ROI:
        ok = parse_roi(v, f);
        break;
    case CLI_PAIR:
        ok = parse_pair(v, f, field(opts, o->offset2));
        break;
    case CLI_CUSTOM:
        ok = o->parse(v, opts);
        break;
    case CLI_SKD_WORD:
        for (size_t i = 0; o->words[i]; i++)
            if (strcmp(v, o->words[i]) == 0)
                return set_library_option(cmd, ctx, o, name, v, (double)i);
        ok = 0;
        break;
    case CLI_U32:
    case CLI_U64:
        ok = parse_whole(v, o->kind == CLI_U32 ? UINT32_MAX : UINT64_MAX, &u) &&
             in_range(o, (double)u);
        if (ok && o->kind == CLI_U32)
            *(uint32_t *)f = (uint32_t)u;
        else if (ok)
            *(uint64_t *)f = u;
        break;
    default: /* CLI_NUMBER, CLI_SKD */
        ok = parse_double(v, &x) && in_range(o, x);
        if (ok && o->kind == CLI_SKD)
            return set_library_option(cmd, ctx, o, name, v, x);
        if (ok)
            *(double *)f = x;
        break;
    }
    if (ok)
        return -1;
    return cli_usage_error(cmd->name, "%s: '%s' is not %s", name, v,
                           expected(o, buf, sizeof buf));
}

int cli_parse(const cli_command *cmd, skd_ctx *ctx, int argc, char **argv,
              void *opts, cli_args *args)
{
    int only_positional = 0;
    args->pos = argv + 1;
    args->npos = 0;
    args->seen = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v = NULL;
        const cli_option *o = NULL;
        char name[64];
        size_t n = 0;
        int rc;
        if (only_positional || arg[0] != '-' || arg[1] == '\0') {
            args->pos[args->npos++] = argv[i]; /* never ahead of i */
            continue;
        }
        if (!strcmp(arg, "--")) {
            only_positional = 1;
            continue;
        }
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(cmd->help, stdout);
            return CLI_EXIT_OK;
        }
        for (size_t k = 0; k < cmd->n_options && !o; k++)
            if ((n = match(&cmd->options[k], arg)) > 0)
                o = &cmd->options[k];
        if (!o)
            return cli_usage_error(cmd->name, "unknown option '%s'", arg);
        snprintf(name, sizeof name, "%.*s", (int)n, arg);
        if (takes_value(o)) {
            v = arg[n] == '=' ? arg + n + 1 : arg[n] ? arg + n : NULL;
            if (!v && i + 1 >= argc) {
                char buf[96];
                return cli_usage_error(cmd->name, "%s needs %s", name,
                                       expected(o, buf, sizeof buf));
            }
            if (!v)
                v = argv[++i];
        }
        if ((rc = apply(cmd, ctx, o, name, v, opts)) >= 0)
            return rc;
        args->seen |= o->mark;
    }
    return -1;
}
