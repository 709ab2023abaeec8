/* What the benchmark programs share: clocks and a fatal error. */
#ifndef SKD_BENCH_UTIL_H
#define SKD_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "skindiff.h"

/* CPU seconds of the process (user + system): on a shared machine far
 * steadier than wall time, and with one thread the work done. */
static inline double bench_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline double bench_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline void bench_die(const char *program, const char *what,
                             skd_ctx *ctx, int st)
{
    fprintf(stderr, "%s: %s: %s (%s)\n", program, what,
            ctx ? skd_ctx_message(ctx) : "", skd_strerror(st));
    exit(1);
}

#endif
