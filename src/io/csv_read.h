/* Reading CSV text (csv_read.c): the record reader of every CSV skindiff
 * reads (the batch manifest, repeatability's manifest). */
#ifndef SKD_CSV_READ_H
#define SKD_CSV_READ_H

#include <stddef.h>

#include "../core/core.h"

#define SKD_CSV_MAX_FIELDS 32

/* CSV text being read: RFC 4180 quoting (fields in double quotes, "" for
 * a quote, line breaks allowed inside quotes), CRLF or LF. The caller sets
 * p, end and line (1) and frees buf with skd_dealloc. */
typedef struct skd_csv_text {
    const char *p, *end;
    size_t line; /* line of the next character */
    char *buf;   /* the fields of the current record, NUL separated */
    size_t cap;
    const char *field[SKD_CSV_MAX_FIELDS];
    size_t n_fields;
} skd_csv_text;

/* Read one record into c->field / c->n_fields; *line gets its first
 * line. 1: got one, 0: end of text, negative: minus a status (the message
 * names `name` and the line). */
int skd_csv_record(skd_ctx *ctx, skd_csv_text *c, const char *name,
                   size_t *line);

#endif
