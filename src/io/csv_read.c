/* CSV records (RFC 4180), for every CSV skindiff reads; and the public
 * reader of a CSV file (skd_csv_open). Every problem is reported with the
 * file name and line number. */
#include <stdlib.h>
#include <string.h>

#include "../decode/decode.h"
#include "csv_read.h"

int skd_csv_record(skd_ctx *ctx, skd_csv_text *c, const char *name,
                   size_t *line)
{
    size_t len = 0, need = (size_t)(c->end - c->p) + SKD_CSV_MAX_FIELDS + 1;
    size_t starts[SKD_CSV_MAX_FIELDS];
    int quoted = 0, at_start = 1;
    if (c->p >= c->end)
        return 0;
    if (need > c->cap) {
        skd_dealloc(ctx, c->buf);
        if (!(c->buf = skd_malloc(ctx, need)))
            return -SKD_E_NOMEM;
        c->cap = need;
    }
    *line = c->line;
    c->n_fields = 1;
    starts[0] = 0;
    while (c->p < c->end) {
        char ch = *c->p++;
        /* Fields are kept NUL-terminated: a NUL would cut one short. */
        if (ch == '\0')
            return -skd_fail(ctx, SKD_E_INVALID,
                             "%s:%zu: NUL byte: not a CSV text file", name,
                             c->line);
        if (quoted) {
            if (ch == '"') {
                if (c->p < c->end && *c->p == '"') {
                    c->buf[len++] = '"';
                    c->p++;
                } else {
                    quoted = 0;
                }
            } else {
                if (ch == '\n')
                    c->line++;
                c->buf[len++] = ch;
            }
            continue;
        }
        if (ch == '"' && at_start) {
            quoted = 1;
            at_start = 0;
            continue;
        }
        if (ch == ',') {
            if (c->n_fields == SKD_CSV_MAX_FIELDS)
                return -skd_fail(ctx, SKD_E_INVALID,
                                 "%s:%zu: more than %d fields", name, *line,
                                 SKD_CSV_MAX_FIELDS);
            c->buf[len++] = '\0';
            starts[c->n_fields++] = len;
            at_start = 1;
            continue;
        }
        if (ch == '\r' && c->p < c->end && *c->p == '\n')
            continue;
        if (ch == '\n' || ch == '\r') {
            c->line++;
            break;
        }
        if (ch == '"')
            return -skd_fail(ctx, SKD_E_INVALID,
                             "%s:%zu: stray quote inside an unquoted field "
                             "(quote the whole field and double the quote)",
                             name, *line);
        c->buf[len++] = ch;
        at_start = 0;
    }
    if (quoted)
        return -skd_fail(ctx, SKD_E_INVALID,
                         "%s:%zu: quoted field not closed before end of file",
                         name, *line);
    c->buf[len] = '\0';
    for (size_t i = 0; i < c->n_fields; i++)
        c->field[i] = c->buf + starts[i];
    return 1;
}

struct skd_csv_reader {
    skd_ctx *ctx;
    char *name;
    uint8_t *data;
    skd_csv_text text;
};

void skd_csv_reader_free(skd_csv_reader *r)
{
    if (!r)
        return;
    skd_dealloc(r->ctx, r->text.buf);
    skd_dealloc(r->ctx, r->data);
    skd_dealloc(r->ctx, r->name);
    skd_dealloc(r->ctx, r);
}

int skd_csv_open(skd_ctx *ctx, const char *path, skd_csv_reader **out)
{
    skd_csv_reader *r;
    size_t size = 0;
    uint64_t file_size = 0;
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if (!path || !out)
        return skd_fail(ctx, SKD_E_INVALID, "csv: no file");
    *out = NULL;
    if (!(r = skd_calloc(ctx, 1, sizeof *r)))
        return SKD_E_NOMEM;
    r->ctx = ctx;
    if (!(r->name = skd_strdup(ctx, path))) {
        skd_csv_reader_free(r);
        return SKD_E_NOMEM;
    }
    st = skd_read_file(ctx, path, (size_t)1 << 30, 1, &r->data, &size,
                       &file_size);
    if (st != SKD_OK) {
        skd_message_prefix(ctx, path);
        skd_csv_reader_free(r);
        return st;
    }
    r->text.p = (const char *)r->data;
    r->text.end = r->text.p + size;
    r->text.line = 1;
    if (size >= 3 && !memcmp(r->data, "\xEF\xBB\xBF", 3))
        r->text.p += 3;
    *out = r;
    return SKD_OK;
}

int skd_csv_next(skd_csv_reader *r, const char *const **fields, size_t *n,
                 size_t *line)
{
    int got;
    if (!r || !fields || !n || !line)
        return -SKD_E_INVALID;
    do {
        got = skd_csv_record(r->ctx, &r->text, r->name, line);
    } while (got > 0 && r->text.n_fields == 1 && r->text.field[0][0] == '\0');
    *fields = r->text.field;
    *n = got > 0 ? r->text.n_fields : 0;
    return got;
}
