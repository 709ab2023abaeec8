/* The landmarks file (docs/zones.md):
 *   {"landmarks": {"p0": [x, y], "p1": [x, y], ..., "p67": [x, y]}}
 * x, y in photo pixels (pixel centres at integer coordinates, after EXIF
 * orientation), all 68 points of the iBUG 300-W numbering. Other members,
 * at any level, are skipped. A small recursive-descent reader: the file
 * comes from outside, so every token is checked and nesting is bounded. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face.h"

#define MAX_DEPTH 32

typedef struct reader {
    const char *start, *s, *end;
    skd_ctx *ctx;
    int status;
} reader;

static int fail(reader *r, const char *what)
{
    if (r->status == SKD_OK)
        r->status = skd_fail(r->ctx, SKD_E_FORMAT,
                             "landmarks file: %s at byte %zu", what,
                             (size_t)(r->s - r->start));
    return 0;
}

static void space(reader *r)
{
    while (r->s < r->end && (*r->s == ' ' || *r->s == '\t' || *r->s == '\n' ||
                             *r->s == '\r'))
        r->s++;
}

static int peek(reader *r, char c)
{
    space(r);
    return r->s < r->end && *r->s == c;
}

static int expect(reader *r, char c)
{
    if (!peek(r, c)) {
        char what[32];
        snprintf(what, sizeof what, "'%c' expected", c);
        return fail(r, what);
    }
    r->s++;
    return 1;
}

/* A string into buf (truncated to n - 1 bytes; escapes kept as written,
 * which no point name needs). */
static int string(reader *r, char *buf, size_t n)
{
    size_t k = 0;
    if (!expect(r, '"'))
        return 0;
    while (r->s < r->end && *r->s != '"') {
        if (*r->s == '\\' && r->s + 1 < r->end)
            r->s++;
        if (k + 1 < n)
            buf[k++] = *r->s;
        r->s++;
    }
    if (n)
        buf[k] = 0;
    if (r->s >= r->end)
        return fail(r, "unterminated string");
    r->s++;
    return 1;
}

static int number(reader *r, double *v)
{
    char buf[64];
    size_t k = 0;
    char *stop;
    space(r);
    while (r->s < r->end && k + 1 < sizeof buf &&
           strchr("+-0123456789.eE", *r->s))
        buf[k++] = *r->s++;
    buf[k] = 0;
    *v = strtod(buf, &stop);
    if (k == 0 || *stop || !isfinite(*v))
        return fail(r, "number expected");
    return 1;
}

static int skip_value(reader *r, int depth);

static int skip_members(reader *r, char close, int depth)
{
    char key[8];
    if (peek(r, close)) {
        r->s++;
        return 1;
    }
    for (;;) {
        if (close == '}' && (!string(r, key, sizeof key) || !expect(r, ':')))
            return 0;
        if (!skip_value(r, depth + 1))
            return 0;
        if (peek(r, ',')) {
            r->s++;
            continue;
        }
        return expect(r, close);
    }
}

static int skip_value(reader *r, int depth)
{
    double v;
    char buf[8];
    if (depth > MAX_DEPTH)
        return fail(r, "nested too deeply");
    space(r);
    if (r->s >= r->end)
        return fail(r, "value expected");
    switch (*r->s) {
    case '{':
        r->s++;
        return skip_members(r, '}', depth);
    case '[':
        r->s++;
        return skip_members(r, ']', depth);
    case '"':
        return string(r, buf, sizeof buf);
    case 't':
    case 'f':
    case 'n':
        while (r->s < r->end && *r->s >= 'a' && *r->s <= 'z')
            r->s++;
        return 1;
    default:
        return number(r, &v);
    }
}

/* "p<i>" with 0 <= i < 68, or -1. */
static int point_index(const char *name)
{
    char *stop;
    long i;
    if (name[0] != 'p' || name[1] < '0' || name[1] > '9')
        return -1;
    i = strtol(name + 1, &stop, 10);
    return *stop || i >= SKD_LANDMARK_COUNT ? -1 : (int)i;
}

static int point(reader *r, skd_point *p)
{
    return expect(r, '[') && number(r, &p->x) && expect(r, ',') &&
           number(r, &p->y) && expect(r, ']');
}

static int landmarks(reader *r, skd_point *pts, char *seen)
{
    char name[16];
    if (!expect(r, '{'))
        return 0;
    if (peek(r, '}'))
        return expect(r, '}');
    for (;;) {
        int i;
        if (!string(r, name, sizeof name) || !expect(r, ':'))
            return 0;
        i = point_index(name);
        if (i < 0 ? !skip_value(r, 1) : !point(r, &pts[i]))
            return 0;
        if (i >= 0)
            seen[i] = 1;
        if (!peek(r, ','))
            return expect(r, '}');
        r->s++;
    }
}

int skd_landmarks_parse_json(skd_ctx *ctx, const char *text, size_t n,
                             skd_point *pts)
{
    reader r = {text, text, text + n, ctx, SKD_OK};
    char seen[SKD_LANDMARK_COUNT] = {0}, key[16];
    int found = 0;
    if (!expect(&r, '{'))
        return r.status;
    while (!peek(&r, '}')) {
        if (!string(&r, key, sizeof key) || !expect(&r, ':'))
            return r.status;
        if (!strcmp(key, "landmarks")) {
            if (!landmarks(&r, pts, seen))
                return r.status;
            found = 1;
        } else if (!skip_value(&r, 1)) {
            return r.status;
        }
        if (!peek(&r, ','))
            break;
        r.s++;
    }
    if (!expect(&r, '}'))
        return r.status;
    if (!found)
        return skd_fail(ctx, SKD_E_FORMAT,
                        "landmarks file: no \"landmarks\" object");
    for (int i = 0; i < SKD_LANDMARK_COUNT; i++)
        if (!seen[i])
            return skd_fail(ctx, SKD_E_FORMAT,
                            "landmarks file: point \"p%d\" missing (all 68 "
                            "are needed)", i);
    return SKD_OK;
}
