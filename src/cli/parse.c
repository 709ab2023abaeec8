/* One option parser for every command: each lists its options by name
 * (the definitions are in options.c), cli_parse walks argv with that list
 * and reports usage errors the same way everywhere (exit status 2):
 * "NAME needs WHAT", "NAME: 'VALUE' is not WHAT",
 * "NAME: VALUE is outside LO..HI UNIT". */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* An entry of a command's table with its definition. */
typedef struct entry {
    const cli_option *o;
    const cli_def *d;
} entry;

static int takes_value(const cli_def *d) { return d->kind != CLI_FLAG; }

/* Length of d's name, alias or old spelling at the start of arg, 0 when
 * none is there. A value follows after '=', or directly after a short
 * alias. */
static size_t match(const cli_def *d, const char *arg)
{
    const char *names[] = {d->name, d->alias, d->old};
    for (size_t k = 0; k < 3; k++) {
        size_t n = names[k] ? strlen(names[k]) : 0;
        if (n == 0 || strncmp(arg, names[k], n) != 0)
            continue;
        if (arg[n] == '\0' || (takes_value(d) && (arg[n] == '=' || n == 2)))
            return n;
    }
    return 0;
}

/* A finite number and nothing after it. */
static int parse_double(const char *s, double *out)
{
    char *end;
    if (!s || !*s || isspace((unsigned char)*s))
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
        if (!isdigit((unsigned char)*p))
            return 0;
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

/* Digits only (no sign, no space). */
static int parse_whole(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    if (!isdigit((unsigned char)*s))
        return 0;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end)
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

static int whole(const cli_def *d)
{
    return d->kind == CLI_U32 || d->kind == CLI_U64 || (d->flags & CLI_WHOLE);
}

static int has_range(const cli_def *d) { return d->lo < d->hi; }

/* "1..1000 px/mm" (or "px/mm" without a range, "" without either). */
static void range_text(const cli_def *d, char *buf, size_t cap)
{
    if (has_range(d))
        snprintf(buf, cap, "%.16g..%.16g%s%s", d->lo, d->hi,
                 d->unit ? " " : "", d->unit ? d->unit : "");
    else
        snprintf(buf, cap, "%s", d->unit ? d->unit : "");
}

/* What the value should be, for messages. */
static const char *expected(const entry *e, char *buf, size_t cap)
{
    const cli_def *d = e->d;
    char range[96];
    switch (d->kind) {
    case CLI_STRING:
        return d->metavar && !strcmp(d->metavar, "DIR") ? "a folder"
                                                         : "a file name";
    case CLI_ROI:
        return "X,Y,W,H in pixels with W,H > 0";
    case CLI_PAIR:
        return "two numbers A,B";
    case CLI_CUSTOM:
        return e->o->expect ? e->o->expect : d->help;
    case CLI_WORD: { /* "auto|off" -> "auto or off" */
        size_t n = 0;
        for (const char *p = d->metavar; *p && n + 5 < cap; p++)
            if (*p == '|') {
                memcpy(buf + n, " or ", 4);
                n += 4;
            } else {
                buf[n++] = *p;
            }
        buf[n] = '\0';
        return buf;
    }
    default:
        range_text(d, range, sizeof range);
        snprintf(buf, cap, "a %s%s%s", whole(d) ? "whole number" : "number",
                 *range ? " " : "", range);
        return buf;
    }
}

static void *field(void *opts, size_t offset) { return (char *)opts + offset; }

/* Store x as e's value: the library option or the field. */
static int store_number(const cli_command *cmd, skd_ctx *ctx, const entry *e,
                        const char *name, double x, void *opts)
{
    if (e->o->opt) {
        if (skd_ctx_set(ctx, e->o->opt, x) == SKD_OK)
            return -1;
        /* The table's range lies inside the library's (a test checks), so
         * this is only reached through a mistake in the table. */
        return cli_usage_error(cmd->name, "%s: %.15g is not accepted: %s",
                               name, x, skd_ctx_message(ctx));
    }
    if (e->d->kind == CLI_U32)
        *(uint32_t *)field(opts, e->o->offset) = (uint32_t)x;
    else if (e->d->kind == CLI_U64)
        *(uint64_t *)field(opts, e->o->offset) = (uint64_t)x;
    else
        *(double *)field(opts, e->o->offset) = x;
    return -1;
}

/* Store the value v of e; -1 when done, else the exit code (the usage
 * error is reported). */
static int apply(const cli_command *cmd, skd_ctx *ctx, const entry *e,
                 const char *name, const char *v, void *opts)
{
    const cli_def *d = e->d;
    char buf[128], range[96];
    uint64_t u = 0;
    double x = 0;
    int ok = 0;

    switch (d->kind) {
    case CLI_FLAG:
        if (e->o->opt)
            return store_number(cmd, ctx, e, name, 1, opts);
        *(int *)field(opts, e->o->offset) = e->o->value;
        return -1;
    case CLI_STRING: /* a command's parse collects repeats (compare --before) */
        if (e->o->parse) {
            ok = *v != '\0' && e->o->parse(v, opts);
            break;
        }
        *(const char **)field(opts, e->o->offset) = v;
        ok = *v != '\0';
        break;
    case CLI_ROI:
        ok = parse_roi(v, field(opts, e->o->offset));
        break;
    case CLI_PAIR:
        ok = parse_pair(v, field(opts, e->o->offset),
                        field(opts, e->o->offset2));
        break;
    case CLI_CUSTOM:
        ok = e->o->parse(v, opts);
        break;
    case CLI_WORD:
        for (size_t k = 0; d->words[k] && !ok; k++)
            if (!strcmp(v, d->words[k])) {
                ok = 1;
                x = (double)k;
            }
        if (ok && !e->o->opt) {
            *(int *)field(opts, e->o->offset) = (int)x;
            return -1;
        }
        if (ok)
            return store_number(cmd, ctx, e, name, x, opts);
        break;
    case CLI_U32:
    case CLI_U64:
        ok = parse_whole(v, &u);
        x = (double)u;
        if (ok && d->kind == CLI_U32 && u > UINT32_MAX)
            x = HUGE_VAL; /* out of range below */
        break;
    case CLI_NUMBER:
        ok = parse_double(v, &x) && (!(d->flags & CLI_WHOLE) || x == floor(x));
        break;
    }
    if (!ok)
        return cli_usage_error(cmd->name, "%s: '%s' is not %s", name, v,
                               expected(e, buf, sizeof buf));
    if (d->kind != CLI_NUMBER && d->kind != CLI_U32 && d->kind != CLI_U64)
        return -1;
    if (has_range(d) && !(x >= d->lo && x <= d->hi)) {
        range_text(d, range, sizeof range);
        return cli_usage_error(cmd->name, "%s: %s is outside %s", name, v,
                               range);
    }
    return store_number(cmd, ctx, e, name, x, opts);
}

/* The definitions of cmd's entries; a name without one is a bug in the
 * tables, caught by every test that runs the command. */
static int lookup(const cli_command *cmd, size_t k, entry *e)
{
    e->o = &cmd->options[k];
    e->d = e->o->name ? cli_def_find(e->o->name) : NULL;
    if (e->o->name && !e->d) {
        cli_error("internal: option %s of '%s' has no definition in "
                  "src/cli/options.c", e->o->name, cmd->name);
        return CLI_EXIT_INTERNAL;
    }
    return -1;
}

static const char *kind_name(cli_kind k)
{
    static const char *const names[] = {"flag", "string", "number", "u32",
                                        "u64",  "roi",    "pair",   "custom", "word"};
    return names[k];
}

/* --help-options: the command's table, one tab-separated line per option:
 * name, alias, old, kind, lo, hi, whole, unit, destination, and whether
 * the library takes the range's ends. For the tests. */
static int dump_options(const cli_command *cmd)
{
    for (size_t k = 0; k < cmd->n_options; k++) {
        entry e;
        const char *lib = "-";
        int rc = lookup(cmd, k, &e);
        if (rc >= 0)
            return rc;
        if (!e.d)
            continue;
        if (e.o->opt) {
            skd_ctx *ctx = skd_ctx_create();
            int ok = ctx != NULL;
            if (ok && e.d->kind == CLI_FLAG)
                ok = skd_ctx_set(ctx, e.o->opt, 1) == SKD_OK;
            else if (ok && e.d->kind == CLI_WORD)
                for (size_t w = 0; ok && e.d->words[w]; w++)
                    ok = skd_ctx_set(ctx, e.o->opt, (double)w) == SKD_OK;
            else if (ok && has_range(e.d))
                ok = skd_ctx_set(ctx, e.o->opt, e.d->lo) == SKD_OK &&
                     skd_ctx_set(ctx, e.o->opt, e.d->hi) == SKD_OK;
            lib = !ok ? "library-refuses"
                  : has_range(e.d) || e.d->kind == CLI_FLAG ||
                          e.d->kind == CLI_WORD
                      ? "library-ok"
                      : "library-range";
            skd_ctx_free(ctx);
        }
        printf("%s\t%s\t%s\t%s\t%.16g\t%.16g\t%d\t%s\t%s\t%s\n", e.d->name,
               e.d->alias ? e.d->alias : "-", e.d->old ? e.d->old : "-",
               kind_name(e.d->kind), e.d->lo, e.d->hi, whole(e.d),
               e.d->unit ? e.d->unit : "-", e.o->opt ? "library" : "field",
               lib);
    }
    return CLI_EXIT_OK;
}

/* Print text from column `col`, wrapped at 79 columns, continuation lines
 * indented to `indent`. */
static void wrap(FILE *f, const char *text, int col, int indent)
{
    const char *p = text;
    while (*p) {
        const char *w = p;
        int n;
        while (*w && *w != ' ')
            w++;
        n = (int)(w - p);
        if (col > indent && col + 1 + n > 79) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", n, p);
        col += n;
        p = *w ? w + 1 : w;
    }
    fputc('\n', f);
}

void cli_print_help(const cli_command *cmd, FILE *f)
{
    fputs(cmd->usage, f);
    fputs("\nOptions:\n", f);
    for (size_t k = 0; k < cmd->n_options; k++) {
        entry e;
        char head[64], line[512], range[96];
        int col;
        if (lookup(cmd, k, &e) >= 0)
            continue;
        if (!e.d) { /* a group heading */
            fprintf(f, "%s:\n", e.o->help);
            continue;
        }
        col = snprintf(head, sizeof head, "  %s%s%s%s%s",
                       e.d->alias ? e.d->alias : "", e.d->alias ? ", " : "",
                       e.d->name, e.d->metavar ? " " : "",
                       e.d->metavar ? e.d->metavar : "");
        fputs(head, f);
        if (col < 24)
            fprintf(f, "%*s", 24 - col, "");
        else
            fprintf(f, "\n%24s", "");
        range_text(e.d, range, sizeof range);
        snprintf(line, sizeof line, "%s%s%s%s",
                 e.o->help ? e.o->help : e.d->help, *range ? " [" : "", range,
                 *range ? "]" : "");
        wrap(f, line, 24, 24);
    }
    fputs("  -h, --help            this help\n\n", f);
    fputs(cmd->tail, f);
}

/* --json and --csv (and any two flags that set one field to different
 * values) cannot both be given. */
typedef struct flag_seen {
    size_t offset;
    int value;
    const char *name;
} flag_seen;

static int check_exclusive(const cli_command *cmd, const entry *e,
                           flag_seen *seen, size_t *n, size_t cap)
{
    for (size_t i = 0; i < *n; i++)
        if (seen[i].offset == e->o->offset && seen[i].value != e->o->value)
            return cli_usage_error(cmd->name, "%s and %s cannot be used "
                                   "together: choose one", seen[i].name,
                                   e->d->name);
    if (*n < cap)
        seen[(*n)++] = (flag_seen){e->o->offset, e->o->value, e->d->name};
    return -1;
}

int cli_parse(const cli_command *cmd, skd_ctx *ctx, int argc, char **argv,
              void *opts, cli_args *args)
{
    flag_seen flags[16];
    size_t n_flags = 0;
    entry outs[8]; /* output files given: their folders are checked last */
    const char *out_value[8];
    size_t n_outs = 0;
    int only_positional = 0;
    args->pos = argv + 1;
    args->npos = 0;
    args->seen = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v = NULL;
        entry e = {NULL, NULL};
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
            cli_print_help(cmd, stdout);
            return CLI_EXIT_OK;
        }
        if (!strcmp(arg, "--help-options"))
            return dump_options(cmd);
        for (size_t k = 0; k < cmd->n_options && !n; k++) {
            if ((rc = lookup(cmd, k, &e)) >= 0)
                return rc;
            n = e.d ? match(e.d, arg) : 0;
        }
        if (!n)
            return cli_usage_error(cmd->name, "unknown option '%s'", arg);
        snprintf(name, sizeof name, "%.*s", (int)n, arg);
        if (takes_value(e.d)) {
            v = arg[n] == '=' ? arg + n + 1 : arg[n] ? arg + n : NULL;
            if (!v && i + 1 >= argc) {
                char buf[128];
                return cli_usage_error(cmd->name, "%s needs %s", name,
                                       expected(&e, buf, sizeof buf));
            }
            if (!v)
                v = argv[++i];
        } else if (!e.o->opt &&
                   (rc = check_exclusive(cmd, &e, flags, &n_flags,
                                         CLI_COUNT(flags))) >= 0) {
            return rc;
        }
        if ((rc = apply(cmd, ctx, &e, name, v, opts)) >= 0)
            return rc;
        args->seen |= e.o->mark;
        if ((e.d->flags & CLI_OUT) && n_outs < CLI_COUNT(outs)) {
            outs[n_outs] = e;
            out_value[n_outs++] = v;
        }
    }
    /* After the usage errors, before any work. */
    for (size_t k = 0; k < n_outs; k++) {
        int rc = cli_check_output(outs[k].d->name, out_value[k]);
        if (rc >= 0)
            return rc;
    }
    return -1;
}
