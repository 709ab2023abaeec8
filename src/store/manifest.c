/* Manifest CSV: patient,session,view,path[,px_per_mm][,mask][,white_ref]
 * [,replicate][,session_order][,landmarks]. RFC 4180
 * quoting (fields in double quotes, "" for a quote, line breaks allowed
 * inside quotes), CRLF or LF, an optional UTF-8 BOM, blank lines skipped.
 * Every problem is reported with the file name and line number. */
#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../io/csv_read.h"
#include "store.h"

enum { COL_PATIENT, COL_SESSION, COL_VIEW, COL_PATH, COL_SCALE, COL_MASK,
       COL_ORDER, COL_WHITE_REF, COL_REPLICATE, COL_LANDMARKS, NCOL };
static const char *const col_names[NCOL] = {"patient", "session", "view",
                                             "path", "px_per_mm", "mask",
                                             "session_order", "white_ref",
                                             "replicate", "landmarks"};
#define EXPECTED "patient,session,view,path[,px_per_mm][,mask][,white_ref]" \
                 "[,replicate][,session_order][,landmarks]"
/* the shared CSV record reader (io/csv_read.c) */
typedef skd_csv_text csv;

static int blank_record(const csv *c)
{
    return c->n_fields == 1 && c->field[0][0] == '\0';
}

static int parse_header(skd_ctx *ctx, const csv *c, const char *name,
                        size_t line, int col[NCOL])
{
    for (int k = 0; k < NCOL; k++)
        col[k] = -1;
    for (size_t i = 0; i < c->n_fields; i++) {
        int k;
        for (k = 0; k < NCOL; k++)
            if (!strcmp(c->field[i], col_names[k]))
                break;
        if (k == NCOL)
            return skd_fail(ctx, SKD_E_INVALID,
                            "%s:%zu: unknown column '%s' (expected "
                            EXPECTED ")",
                            name, line, c->field[i]);
        if (col[k] >= 0)
            return skd_fail(ctx, SKD_E_INVALID, "%s:%zu: column '%s' twice",
                            name, line, c->field[i]);
        col[k] = (int)i;
    }
    for (int k = 0; k <= COL_PATH; k++)
        if (col[k] < 0)
            return skd_fail(ctx, SKD_E_INVALID,
                            "%s:%zu: header lacks column '%s' (expected "
                            EXPECTED ")",
                            name, line, col_names[k]);
    return SKD_OK;
}

/* dir/rel unless rel is absolute or dir is empty. */
static char *resolve(skd_ctx *ctx, const char *dir, const char *rel)
{
    size_t nd = dir ? strlen(dir) : 0, nr = strlen(rel);
    char *s;
    if (rel[0] == '/' || nd == 0)
        return skd_strdup(ctx, rel);
    if (!(s = skd_malloc(ctx, nd + nr + 2)))
        return NULL;
    memcpy(s, dir, nd);
    s[nd] = '/';
    memcpy(s + nd + 1, rel, nr + 1);
    return s;
}

/* "X,Y,W,H": a rectangle of that photo, in its pixels, W and H > 0 (the
 * analysis checks it lies in the photo). 1: parsed. */
static int parse_rect(const char *s, skd_roi *r)
{
    unsigned long v[4];
    char *end;
    for (int i = 0; i < 4; i++) {
        if (*s < '0' || *s > '9')
            return 0;
        errno = 0;
        v[i] = strtoul(s, &end, 10);
        if (errno || v[i] > 1000000 || *end != (i < 3 ? ',' : '\0'))
            return 0;
        s = end + 1;
    }
    if (!v[2] || !v[3])
        return 0;
    *r = (skd_roi){(uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2],
                   (uint32_t)v[3]};
    return 1;
}

static int add_row(skd_ctx *ctx, const csv *c, const char *name, size_t line,
                   const int col[NCOL], size_t n_header, const char *dir,
                   skd_plan *plan)
{
    const char *v[NCOL] = {0};
    double scale = 0, order = 0;
    skd_roi white = {0, 0, 0, 0};
    unsigned long rep = 0;
    char view[1024];
    char *path, *mask = NULL, *lm = NULL;
    int st;
    if (c->n_fields != n_header)
        return skd_fail(ctx, SKD_E_INVALID,
                        "%s:%zu: %zu fields, the header has %zu", name, line,
                        c->n_fields, n_header);
    for (int k = 0; k < NCOL; k++)
        if (col[k] >= 0)
            v[k] = c->field[col[k]];
    for (int k = 0; k <= COL_PATH; k++)
        if (!v[k][0])
            return skd_fail(ctx, SKD_E_INVALID, "%s:%zu: empty %s", name,
                            line, col_names[k]);
    if (v[COL_SCALE] && v[COL_SCALE][0]) {
        char *end;
        errno = 0;
        scale = strtod(v[COL_SCALE], &end);
        if (errno || *end || !isfinite(scale) || scale <= 0 || scale > 1000)
            return skd_fail(ctx, SKD_E_INVALID,
                            "%s:%zu: px_per_mm '%s' is not a number in "
                            "(0, 1000]",
                            name, line, v[COL_SCALE]);
    }
    if (v[COL_ORDER] && v[COL_ORDER][0]) {
        char *end;
        errno = 0;
        order = strtod(v[COL_ORDER], &end);
        if (errno || *end || !isfinite(order))
            return skd_fail(ctx, SKD_E_INVALID,
                            "%s:%zu: session_order '%s' is not a number",
                            name, line, v[COL_ORDER]);
    }
    if (v[COL_WHITE_REF] && v[COL_WHITE_REF][0] &&
        !parse_rect(v[COL_WHITE_REF], &white))
        return skd_fail(ctx, SKD_E_INVALID,
                        "%s:%zu: white_ref '%s' is not X,Y,W,H (whole pixels "
                        "of that photo, W and H above 0; quote it: "
                        "\"10,20,40,40\")",
                        name, line, v[COL_WHITE_REF]);
    if (v[COL_REPLICATE] && v[COL_REPLICATE][0]) {
        char *end;
        errno = 0;
        rep = strtoul(v[COL_REPLICATE], &end, 10);
        if (errno || *end || rep < 1 || rep > 999999 ||
            v[COL_REPLICATE][0] < '0' || v[COL_REPLICATE][0] > '9')
            return skd_fail(ctx, SKD_E_INVALID,
                            "%s:%zu: replicate '%s' is not a whole number from "
                            "1 to 999999",
                            name, line, v[COL_REPLICATE]);
    }
    /* A replicate is stored as its own photo, <view>_<replicate>, of the
     * series <view>. */
    if (rep && snprintf(view, sizeof view, "%s_%lu", v[COL_VIEW], rep) >=
                   (int)sizeof view)
        return skd_fail(ctx, SKD_E_INVALID, "%s:%zu: view name too long",
                        name, line);
    if (!skd_plan_wants(plan, v[COL_PATIENT]))
        return SKD_OK; /* another shard's row (checked all the same) */
    if (!(path = resolve(ctx, dir, v[COL_PATH])))
        return SKD_E_NOMEM;
    if ((v[COL_MASK] && v[COL_MASK][0] &&
         !(mask = resolve(ctx, dir, v[COL_MASK]))) ||
        (v[COL_LANDMARKS] && v[COL_LANDMARKS][0] &&
         !(lm = resolve(ctx, dir, v[COL_LANDMARKS])))) {
        skd_dealloc(ctx, path);
        skd_dealloc(ctx, mask);
        return SKD_E_NOMEM;
    }
    st = skd_plan_add(ctx, plan, v[COL_PATIENT], v[COL_SESSION],
                      rep ? view : v[COL_VIEW], path, v[COL_PATH], mask, scale);
    if (st == SKD_OK && rep)
        st = skd_plan_set_replicate(ctx, &plan->e[plan->n - 1], v[COL_VIEW],
                                    (unsigned)rep);
    else if (st == SKD_OK) /* a view named <view>_<n>, as in an archive */
        st = skd_plan_mark_replicate(ctx, &plan->e[plan->n - 1]);
    if (st == SKD_OK) {
        plan->e[plan->n - 1].line = line;
        plan->e[plan->n - 1].session_order = order;
        plan->e[plan->n - 1].has_order = v[COL_ORDER] && v[COL_ORDER][0];
        plan->e[plan->n - 1].white_ref = white;
        plan->e[plan->n - 1].landmarks_path = lm; /* the entry owns it */
        lm = NULL;
    }
    skd_dealloc(ctx, path);
    skd_dealloc(ctx, mask);
    skd_dealloc(ctx, lm);
    return st;
}

static int pos_cmp(const void *pa, const void *pb)
{
    const skd_entry *a = *(const skd_entry *const *)pa;
    const skd_entry *b = *(const skd_entry *const *)pb;
    int c = strcmp(a->patient, b->patient);
    if (!c)
        c = strcmp(a->session, b->session);
    if (!c)
        c = strcmp(a->view, b->view);
    if (!c)
        c = a->line < b->line ? -1 : a->line > b->line;
    return c;
}

/* Same patient, session and view twice: say where both are. */
static int check_duplicates(skd_ctx *ctx, const char *name, skd_entry *e,
                            size_t n)
{
    const skd_entry **v;
    int st = SKD_OK;
    if (n < 2)
        return SKD_OK;
    if (!(v = skd_malloc_array(ctx, n, sizeof *v)))
        return SKD_E_NOMEM;
    for (size_t i = 0; i < n; i++)
        v[i] = &e[i];
    qsort(v, n, sizeof *v, pos_cmp);
    for (size_t i = 1; i < n && st == SKD_OK; i++)
        if (!strcmp(v[i]->patient, v[i - 1]->patient) &&
            !strcmp(v[i]->session, v[i - 1]->session) &&
            !strcmp(v[i]->view, v[i - 1]->view))
            st = skd_fail(ctx, SKD_E_INVALID,
                          "%s:%zu: patient '%s' session '%s' view '%s' "
                          "already listed on line %zu",
                          name, v[i]->line, v[i]->patient, v[i]->session,
                          v[i]->view, v[i - 1]->line);
    skd_dealloc(ctx, v);
    return st;
}

int skd_parse_manifest(skd_ctx *ctx, const char *name, const char *text,
                       size_t size, const char *dir, skd_plan *plan)
{
    csv c;
    int col[NCOL], r = 0, st = SKD_OK, have_header = 0;
    size_t line = 0, n_header = 0, first = plan->n;
    memset(&c, 0, sizeof c);
    c.p = text;
    c.end = text + size;
    c.line = 1;
    if (size >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        c.p += 3;
    while (st == SKD_OK && (r = skd_csv_record(ctx, &c, name, &line)) > 0) {
        if (blank_record(&c))
            continue;
        if (!have_header) {
            st = parse_header(ctx, &c, name, line, col);
            n_header = c.n_fields;
            have_header = 1;
            continue;
        }
        st = add_row(ctx, &c, name, line, col, n_header, dir, plan);
    }
    if (st == SKD_OK && r < 0)
        st = -r;
    if (st == SKD_OK && !have_header)
        st = skd_fail(ctx, SKD_E_INVALID, "%s: empty manifest (no header)",
                      name);
    if (st == SKD_OK && plan->n > first) /* plan->e may still be NULL */
        st = check_duplicates(ctx, name, plan->e + first, plan->n - first);
    skd_dealloc(ctx, c.buf);
    return st;
}

int skd_read_manifest(skd_ctx *ctx, const char *path, skd_plan *plan)
{
    void *data;
    size_t size;
    char *dir;
    const char *slash = strrchr(path, '/');
    int st = skd_store_read_file(ctx, path, (size_t)1 << 30, &data, &size);
    if (st != SKD_OK)
        return st;
    if (!(dir = skd_strdup(ctx, path))) {
        skd_dealloc(ctx, data);
        return SKD_E_NOMEM;
    }
    if (slash)
        dir[slash - path == 0 ? 1 : slash - path] = '\0';
    else
        dir[0] = '\0';
    st = skd_parse_manifest(ctx, path, data, size, dir, plan);
    skd_dealloc(ctx, dir);
    skd_dealloc(ctx, data);
    return st;
}
