/* Threads for one photo: a runner of n jobs (this thread included), the
 * thread count of the context, and a parallel for over fixed chunks. The
 * chunks are the caller's (fixed sizes, independent of the thread count)
 * and are handed out one at a time, so a result written per chunk, or
 * partial sums combined in chunk order, do not depend on how many threads
 * ran or which one took which chunk. A task is one job on a thread of its
 * own beside the caller. */
#include <pthread.h>
#include <stdatomic.h>

#include "core.h"

void skd_run_parallel(void *(*job)(void *), void *args, size_t arg_size,
                      size_t n)
{
    pthread_t tid[SKD_MAX_THREADS];
    size_t started = 1;
    char *base = args;
    for (size_t t = 1; t < n; t++) {
        if (pthread_create(&tid[t], NULL, job, base + t * arg_size) != 0)
            break;
        started++;
    }
    for (size_t t = started; t < n; t++)
        job(base + t * arg_size);
    job(base);
    for (size_t t = 1; t < started; t++)
        pthread_join(tid[t], NULL);
}

size_t skd_thread_count(const skd_ctx *ctx, size_t jobs)
{
    size_t n = (size_t)skd_opt(ctx, SKD_OPT_THREADS);
    if (n > jobs)
        n = jobs;
    if (n > SKD_MAX_THREADS)
        n = SKD_MAX_THREADS;
    return n < 1 ? 1 : n;
}

typedef struct chunk_pool {
    skd_chunk_fn fn;
    void *arg;
    size_t n_chunks;
    atomic_size_t next;
} chunk_pool;

typedef struct chunk_worker {
    chunk_pool *pool;
    size_t thread;
} chunk_worker;

static void *run_chunks(void *p)
{
    chunk_worker *wk = p;
    chunk_pool *pool = wk->pool;
    for (;;) {
        size_t c = atomic_fetch_add(&pool->next, 1);
        if (c >= pool->n_chunks)
            return NULL;
        pool->fn(pool->arg, c, wk->thread);
    }
}

size_t skd_parallel_threads(const skd_ctx *ctx, size_t n_chunks)
{
    return skd_thread_count(ctx, n_chunks);
}

void skd_parallel_chunks(const skd_ctx *ctx, size_t n_chunks, skd_chunk_fn fn,
                         void *arg)
{
    chunk_worker wk[SKD_MAX_THREADS];
    chunk_pool pool;
    size_t n = skd_thread_count(ctx, n_chunks);
    if (n_chunks == 0)
        return;
    pool.fn = fn;
    pool.arg = arg;
    pool.n_chunks = n_chunks;
    atomic_init(&pool.next, 0);
    for (size_t t = 0; t < n; t++) {
        wk[t].pool = &pool;
        wk[t].thread = t;
    }
    skd_run_parallel(run_chunks, wk, sizeof wk[0], n);
}

void skd_task_start(skd_task *t, void *(*job)(void *), void *arg)
{
    t->on_thread = pthread_create(&t->tid, NULL, job, arg) == 0;
    if (!t->on_thread)
        job(arg);
}

void skd_task_join(skd_task *t)
{
    if (t->on_thread)
        pthread_join(t->tid, NULL);
    t->on_thread = 0;
}
