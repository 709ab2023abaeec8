/* Private core: the context, allocation with overflow checks, errors. */
#ifndef SKD_CORE_H
#define SKD_CORE_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "skindiff.h"

#define SKD_OPTION_MAX 46 /* one past the highest skd_option */

struct skd_fft_cache;

struct skd_ctx {
    skd_allocator alloc;
    double opt[SKD_OPTION_MAX];
    struct skd_fft_cache *fft; /* plans made on this context, by size */
    /* The face model, loaded on first use (face/detect.c), and how to free
     * it: a registered cleanup, so the core does not call up into face/. */
    void *face_model;
    void (*face_model_free)(void *model);
    char message[1024];
    void *cms;              /* LittleCMS context (cms.c), made when first used */
    char cms_error[256];    /* LittleCMS' last complaint on this context */
    /* Not options: set by compare around an analysis (0 otherwise), the
     * coarser and the sharper photo's px/mm of a pair whose common band
     * skd_analyze measures in (metrics/band.c). */
    double band_px_per_mm, band_sharp_px_per_mm;
};

/* The context's LittleCMS context (a cmsContext), created on first use
 * with an error handler that keeps LittleCMS' messages in cms_error
 * instead of printing them; NULL (SKD_E_NOMEM on ctx) when it cannot be
 * made. Freed by skd_ctx_free. No LittleCMS state is global. */
void *skd_cms(skd_ctx *ctx);
void skd_cms_free(skd_ctx *ctx);
/* A new linear-light profile with sRGB primaries and D65 white (a
 * cmsHPROFILE; cmsCloseProfile), the target of every conversion. NULL
 * (SKD_E_NOMEM) on failure. */
void *skd_cms_linear_srgb(skd_ctx *ctx);

/* Default scale when none is given (docs/measurements.md). */
#define SKD_DEFAULT_PX_PER_MM 20.0

/* Record a failure on ctx and return status, so callers can write
 * `return skd_fail(ctx, SKD_E_IO, "%s: cannot open", path);`. */
int skd_fail(skd_ctx *ctx, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int skd_vfail(skd_ctx *ctx, int status, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Prefix the current message with "prefix: " (e.g. the file name). */
void skd_message_prefix(skd_ctx *ctx, const char *prefix);

/* Allocation through the context's allocator. Every size product is
 * checked: n * size overflowing size_t fails like an allocation failure.
 * On failure these set SKD_E_NOMEM on ctx and return NULL. */
void *skd_malloc(skd_ctx *ctx, size_t size);
void *skd_calloc(skd_ctx *ctx, size_t n, size_t size);
/* Whether ctx allocates with the library's default (malloc/free). */
int skd_ctx_default_alloc(const skd_ctx *ctx);
void *skd_malloc_array(skd_ctx *ctx, size_t n, size_t size);
/* The array v (n elements of size bytes in use) moved to a new block of
 * twice its capacity *cap (first when 0), which *cap receives; v is freed.
 * NULL (v untouched) when memory or the size runs out. */
void *skd_array_grow(skd_ctx *ctx, void *v, size_t n, size_t *cap,
                     size_t size, size_t first);
/* size = a * b * c, 0 on overflow. */
int skd_mul3_size(size_t a, size_t b, size_t c, size_t *out);
void skd_dealloc(skd_ctx *ctx, void *ptr);
char *skd_strdup(skd_ctx *ctx, const char *s);

/* Option value shortcut. */
static inline double skd_opt(const skd_ctx *ctx, skd_option o)
{
    return ctx->opt[o];
}

/* Scale in px/mm for this context and whether it was assumed. */
double skd_ctx_scale(const skd_ctx *ctx, int *assumed);

/* Runs job(args + t * arg_size) for t < n on n threads (this one
 * included); jobs of threads that cannot start run here, so the work done
 * is the same either way. n <= SKD_MAX_THREADS. */
#define SKD_MAX_THREADS 64
void skd_run_parallel(void *(*job)(void *), void *args, size_t arg_size,
                      size_t n);
/* SKD_OPT_THREADS, bounded by jobs and SKD_MAX_THREADS, at least 1. */
size_t skd_thread_count(const skd_ctx *ctx, size_t jobs);

/* fn(arg, chunk, thread) for every chunk < n_chunks, on up to
 * skd_parallel_threads(ctx, n_chunks) threads (SKD_OPT_THREADS; thread <
 * that number, for per-thread scratch). Chunks are the caller's fixed
 * pieces of work, taken one at a time: per-chunk results combined in chunk
 * order do not depend on the thread count. Allocates nothing. */
typedef void (*skd_chunk_fn)(void *arg, size_t chunk, size_t thread);
void skd_parallel_chunks(const skd_ctx *ctx, size_t n_chunks, skd_chunk_fn fn,
                         void *arg);
size_t skd_parallel_threads(const skd_ctx *ctx, size_t n_chunks);

/* One job on a thread of its own beside the caller's work (the face model
 * loads while the photo is analysed). When no thread can start, the job
 * runs in skd_task_start before it returns, so it is done either way. */
typedef struct skd_task {
    pthread_t tid;
    int on_thread; /* 1 while a thread runs the job and is not joined */
} skd_task;
void skd_task_start(skd_task *t, void *(*job)(void *), void *arg);
/* Waits for the job; nothing when it ran in skd_task_start or was joined. */
void skd_task_join(skd_task *t);

/* Index of the first non-zero byte of p[i..n), or n: zeros are skipped a
 * word at a time (masks are mostly long runs). Always inlined, so that the
 * vector copies of the statistics loops get it too. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline size_t skd_next_nonzero(const uint8_t *p, size_t i, size_t n)
{
    while (i + 8 <= n) {
        uint64_t word;
        memcpy(&word, p + i, sizeof word);
        if (word)
            break;
        i += 8;
    }
    while (i < n && !p[i])
        i++;
    return i;
}

#endif
