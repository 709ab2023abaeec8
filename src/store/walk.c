/* The archive walker: ARCHIVE/<patient>/<session>/<view>.{jpg,jpeg,png}.
 * Every listing is sorted, so the file system's order never matters. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "store.h"

typedef struct name_list {
    char **v;
    size_t n, cap;
} name_list;

static void names_free(skd_ctx *ctx, name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        skd_dealloc(ctx, l->v[i]);
    skd_dealloc(ctx, l->v);
    memset(l, 0, sizeof *l);
}

static int names_push(skd_ctx *ctx, name_list *l, const char *s)
{
    if (l->n == l->cap) {
        char **nv = skd_array_grow(ctx, l->v, l->n, &l->cap, sizeof *nv, 16);
        if (!nv)
            return SKD_E_NOMEM;
        l->v = nv;
    }
    if (!(l->v[l->n] = skd_strdup(ctx, s)))
        return SKD_E_NOMEM;
    l->n++;
    return SKD_OK;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of a folder, hidden ones left out. */
static int list_dir(skd_ctx *ctx, const char *dir, name_list *out)
{
    struct dirent *d;
    DIR *dp = opendir(dir);
    int st = SKD_OK;
    memset(out, 0, sizeof *out);
    if (!dp)
        return skd_fail(ctx, SKD_E_IO, "%s: cannot list folder: %s", dir,
                        strerror(errno));
    while ((d = readdir(dp)) != NULL && st == SKD_OK)
        if (d->d_name[0] != '.')
            st = names_push(ctx, out, d->d_name);
    closedir(dp);
    if (st != SKD_OK) {
        names_free(ctx, out);
        return st;
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, str_cmp);
    return SKD_OK;
}

static char *join(skd_ctx *ctx, const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = skd_malloc(ctx, na + nb + 2);
    if (s) {
        memcpy(s, a, na);
        s[na] = '/';
        memcpy(s + na + 1, b, nb + 1);
    }
    return s;
}

static int is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Length of the view name if name is <view>.jpg/.jpeg/.png/.heic/.heif/
 * .tif/.tiff, else 0. HEIF and TIFF are listed whether or not this build
 * reads them: a photo it cannot read is an error row that names the
 * library, not a photo silently left out. */
static size_t photo_stem(const char *name)
{
    static const char *const ext[] = {".jpg",  ".jpeg", ".png", ".heic",
                                      ".heif", ".tif",  ".tiff"};
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name)
        return 0;
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (!strcasecmp(dot, ext[i]))
            return (size_t)(dot - name);
    return 0;
}

static int walk_session(skd_ctx *ctx, skd_plan *plan, const char *dir,
                        const char *patient, const char *session)
{
    name_list files;
    size_t first = plan->n;
    int st = list_dir(ctx, dir, &files);
    for (size_t i = 0; st == SKD_OK && i < files.n; i++) {
        const char *name = files.v[i];
        size_t stem = photo_stem(name);
        char *path, *rel = NULL, *view = NULL;
        char prefix[1024];
        if (!stem)
            continue;
        path = join(ctx, dir, name);
        if (!path) {
            st = SKD_E_NOMEM;
            break;
        }
        if (is_dir(path)) { /* a folder named like a photo */
            skd_dealloc(ctx, path);
            continue;
        }
        snprintf(prefix, sizeof prefix, "%s/%s", patient, session);
        rel = join(ctx, prefix, name);
        view = skd_malloc(ctx, stem + 1);
        if (rel && view) {
            memcpy(view, name, stem);
            view[stem] = '\0';
            /* Another photo of the same view in this session (front.jpg and
             * front.png): the first by name wins, the others are error rows
             * under their full file name. */
            for (size_t k = first; k < plan->n; k++)
                if (!strcmp(plan->e[k].view, view)) {
                    char msg[512];
                    snprintf(msg, sizeof msg,
                             "%s: another photo of view '%s' in this session "
                             "(%s): rename one",
                             rel, view, plan->e[k].rel_path);
                    st = skd_plan_add(ctx, plan, patient, session, name, path,
                                      rel, NULL, 0);
                    if (st == SKD_OK &&
                        !(plan->e[plan->n - 1].preset_error = skd_strdup(ctx, msg)))
                        st = SKD_E_NOMEM;
                    goto next;
                }
            st = skd_plan_add(ctx, plan, patient, session, view, path, rel,
                              NULL, 0);
            if (st == SKD_OK)
                st = skd_plan_mark_replicate(ctx, &plan->e[plan->n - 1]);
        } else {
            st = SKD_E_NOMEM;
        }
    next:
        skd_dealloc(ctx, view);
        skd_dealloc(ctx, rel);
        skd_dealloc(ctx, path);
    }
    names_free(ctx, &files);
    return st;
}

int skd_walk_archive(skd_ctx *ctx, const char *root, skd_plan *plan)
{
    name_list patients;
    int st;
    if (!is_dir(root))
        return skd_fail(ctx, SKD_E_IO, "%s: not a folder", root);
    st = list_dir(ctx, root, &patients);
    for (size_t p = 0; st == SKD_OK && p < patients.n; p++) {
        name_list sessions;
        char *pdir = join(ctx, root, patients.v[p]);
        if (!pdir) {
            st = SKD_E_NOMEM;
            break;
        }
        if (!skd_plan_wants(plan, patients.v[p]) || !is_dir(pdir)) {
            skd_dealloc(ctx, pdir);
            continue;
        }
        st = list_dir(ctx, pdir, &sessions);
        for (size_t s = 0; st == SKD_OK && s < sessions.n; s++) {
            char *sdir = join(ctx, pdir, sessions.v[s]);
            if (!sdir) {
                st = SKD_E_NOMEM;
                break;
            }
            if (is_dir(sdir))
                st = walk_session(ctx, plan, sdir, patients.v[p],
                                  sessions.v[s]);
            skd_dealloc(ctx, sdir);
        }
        if (st == SKD_OK || sessions.v)
            names_free(ctx, &sessions);
        skd_dealloc(ctx, pdir);
    }
    names_free(ctx, &patients);
    return st;
}
