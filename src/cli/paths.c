/* File arguments of a command, with folders expanded (info -r): every photo
 * under a folder at any depth, hidden entries skipped, each listing sorted
 * by name so the file system's order never shows. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"

static int is_photo_name(const char *name)
{
    static const char *const ext[] = {".jpg", ".jpeg", ".png", ".heic",
                                      ".heif", ".tif", ".tiff"};
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < CLI_COUNT(ext); i++)
        if (!strcasecmp(dot, ext[i]))
            return 1;
    return 0;
}

/* Takes ownership of path (freed on failure). */
static int add(cli_paths *p, char *path)
{
    if (!path)
        return 0;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        char **grown = cap > SIZE_MAX / sizeof *grown
                           ? NULL
                           : realloc(p->path, cap * sizeof *grown);
        if (!grown) {
            free(path);
            return 0;
        }
        p->path = grown;
        p->cap = cap;
    }
    p->path[p->n++] = path;
    return 1;
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *s = malloc(a + b + 2);
    if (s) {
        memcpy(s, dir, a);
        s[a] = '/';
        memcpy(s + a + 1, name, b + 1);
    }
    return s;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns -1 to go on, or an exit code (reported). */
static int walk(cli_paths *p, const char *dir, int depth)
{
    cli_paths here = {0};
    struct dirent *e;
    DIR *d;
    int rc = -1;
    if (depth > 64) {
        cli_error("%s: folders nested more than 64 deep", dir);
        return CLI_EXIT_INPUT;
    }
    if (!(d = opendir(dir))) {
        cli_error("cannot read folder %s: %s", dir, strerror(errno));
        return CLI_EXIT_INPUT;
    }
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' && !add(&here, join(dir, e->d_name))) {
            rc = CLI_EXIT_NOMEM;
            break;
        }
    closedir(d);
    if (rc < 0)
        qsort(here.path, here.n, sizeof *here.path, by_name);
    for (size_t i = 0; rc < 0 && i < here.n; i++) {
        struct stat st;
        if (stat(here.path[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            rc = walk(p, here.path[i], depth + 1);
        } else if (is_photo_name(here.path[i])) {
            if (!add(p, here.path[i]))
                rc = CLI_EXIT_NOMEM;
            here.path[i] = NULL;
        }
    }
    if (rc == CLI_EXIT_NOMEM)
        cli_error("out of memory");
    cli_paths_free(&here);
    return rc;
}

int cli_paths_collect(cli_paths *p, char **args, int n, int recursive)
{
    for (int i = 0; i < n; i++) {
        struct stat st;
        int rc;
        if (recursive && stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if ((rc = walk(p, args[i], 0)) >= 0)
                return rc;
        } else if (!add(p, strdup(args[i]))) {
            cli_error("out of memory");
            return CLI_EXIT_NOMEM;
        }
    }
    return -1;
}

void cli_paths_free(cli_paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->path[i]);
    free(p->path);
    memset(p, 0, sizeof *p);
}
