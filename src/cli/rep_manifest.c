/* repeatability --manifest FILE.csv: columns path,group[,px_per_mm] in any
 * order; the photos of one group are repeat shots of the same skin. Paths
 * are relative to the manifest's folder. As for batch's manifest, a bad
 * manifest exits 2 and one that cannot be read 3. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { COL_PATH, COL_GROUP, COL_SCALE, NCOL };
static const char *const col_names[NCOL] = {"path", "group", "px_per_mm"};

static int header(const char *name, const char *const *f, size_t n,
                  int col[NCOL])
{
    for (int k = 0; k < NCOL; k++)
        col[k] = -1;
    for (size_t i = 0; i < n; i++) {
        int k = 0;
        while (k < NCOL && strcmp(f[i], col_names[k]))
            k++;
        if (k == NCOL || col[k] >= 0) {
            cli_error("%s:1: %s column '%s' (expected path,group"
                      "[,px_per_mm])", name, k == NCOL ? "unknown" : "twice a",
                      f[i]);
            return CLI_EXIT_USAGE;
        }
        col[k] = (int)i;
    }
    if (col[COL_PATH] < 0 || col[COL_GROUP] < 0) {
        cli_error("%s:1: the header needs columns path and group", name);
        return CLI_EXIT_USAGE;
    }
    return -1;
}

/* dir/rel unless rel is absolute or dir is empty; NULL: out of memory. */
static char *resolve(const char *manifest, const char *rel)
{
    const char *slash = strrchr(manifest, '/');
    size_t d = slash && rel[0] != '/' ? (size_t)(slash - manifest) + 1 : 0;
    char *out = malloc(d + strlen(rel) + 1);
    if (out) {
        memcpy(out, manifest, d);
        strcpy(out + d, rel);
    }
    return out;
}

static int add_row(const char *name, size_t line, const char *const *f,
                   size_t n, const int col[NCOL], cli_rep_shots *s)
{
    cli_rep_shot *r;
    const char *scale = col[COL_SCALE] >= 0 && (size_t)col[COL_SCALE] < n
                            ? f[col[COL_SCALE]] : "";
    char *end;
    if ((size_t)col[COL_PATH] >= n || (size_t)col[COL_GROUP] >= n ||
        !f[col[COL_PATH]][0] || !f[col[COL_GROUP]][0]) {
        cli_error("%s:%zu: a row needs a path and a group", name, line);
        return CLI_EXIT_USAGE;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        void *grown = realloc(s->shot, cap * sizeof *s->shot);
        if (!grown)
            return CLI_EXIT_NOMEM;
        s->shot = grown;
        s->cap = cap;
    }
    r = &s->shot[s->n];
    memset(r, 0, sizeof *r);
    if (scale[0]) {
        errno = 0;
        r->px_per_mm = strtod(scale, &end);
        if (*end || errno || !isfinite(r->px_per_mm) || r->px_per_mm <= 0) {
            cli_error("%s:%zu: px_per_mm '%s' is not a positive number", name,
                      line, scale);
            return CLI_EXIT_USAGE;
        }
    }
    r->path = resolve(name, f[col[COL_PATH]]);
    r->group = strdup(f[col[COL_GROUP]]);
    s->n++;
    return r->path && r->group ? -1 : CLI_EXIT_NOMEM;
}

int cli_rep_manifest_read(skd_ctx *ctx, const char *path, cli_rep_shots *s)
{
    skd_csv_reader *r = NULL;
    const char *const *f;
    size_t n, line;
    int col[NCOL], got = 0, code = -1, have_header = 0;
    int st = skd_csv_open(ctx, path, &r);
    memset(s, 0, sizeof *s);
    if (st != SKD_OK)
        return cli_fail_status(ctx, st);
    while (code < 0 && (got = skd_csv_next(r, &f, &n, &line)) > 0) {
        if (!have_header) {
            have_header = 1;
            code = header(path, f, n, col);
        } else {
            code = add_row(path, line, f, n, col, s);
        }
    }
    if (code < 0 && got < 0)
        code = cli_fail_status(ctx, -got);
    skd_csv_reader_free(r);
    return code;
}

void cli_rep_manifest_free(cli_rep_shots *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->shot[i].path);
        free(s->shot[i].group);
    }
    free(s->shot);
    memset(s, 0, sizeof *s);
}
