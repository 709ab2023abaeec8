#include <stdlib.h>
#include <string.h>

#include "core.h"

int skd_mul3_size(size_t a, size_t b, size_t c, size_t *out)
{
    size_t ab;
    if (__builtin_mul_overflow(a, b, &ab) || __builtin_mul_overflow(ab, c, out)) {
        *out = 0;
        return 0;
    }
    return 1;
}

void *skd_malloc(skd_ctx *ctx, size_t size)
{
    void *p = ctx->alloc.malloc_fn(ctx->alloc.opaque, size ? size : 1);
    if (!p)
        skd_fail(ctx, SKD_E_NOMEM, "out of memory (%zu bytes)", size);
    return p;
}

void *skd_malloc_array(skd_ctx *ctx, size_t n, size_t size)
{
    size_t total;
    if (!skd_mul3_size(n, size, 1, &total)) {
        skd_fail(ctx, SKD_E_NOMEM, "allocation size overflows (%zu x %zu)", n, size);
        return NULL;
    }
    return skd_malloc(ctx, total);
}

void *skd_array_grow(skd_ctx *ctx, void *v, size_t n, size_t *cap,
                     size_t size, size_t first)
{
    size_t want = *cap ? *cap * 2 : first;
    void *grown;
    if (want < *cap || want < n) {
        skd_fail(ctx, SKD_E_NOMEM, "array of %zu elements cannot grow", n);
        return NULL;
    }
    grown = skd_malloc_array(ctx, want, size);
    if (!grown)
        return NULL;
    if (n)
        memcpy(grown, v, n * size);
    skd_dealloc(ctx, v);
    *cap = want;
    return grown;
}

/* With the default allocator, calloc: a large block comes as fresh pages
 * that are zero without being written, so pages never used are never
 * mapped (the planes of skd_analyze outside its window). */
void *skd_calloc(skd_ctx *ctx, size_t n, size_t size)
{
    void *p;
    size_t total;
    if (skd_ctx_default_alloc(ctx) && skd_mul3_size(n, size, 1, &total)) {
        p = calloc(total ? total : 1, 1);
        if (!p)
            skd_fail(ctx, SKD_E_NOMEM, "out of memory (%zu bytes)", total);
        return p;
    }
    p = skd_malloc_array(ctx, n, size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void skd_dealloc(skd_ctx *ctx, void *ptr)
{
    if (ptr)
        ctx->alloc.free_fn(ctx->alloc.opaque, ptr);
}

char *skd_strdup(skd_ctx *ctx, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = skd_malloc(ctx, n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void skd_free(skd_ctx *ctx, void *ptr)
{
    if (ctx)
        skd_dealloc(ctx, ptr);
}
