/* A tiny test harness: checks report file:line and keep going; the test's
 * exit status is the number of failures (capped). */
#ifndef SKD_CHECK_H
#define SKD_CHECK_H

#include <math.h>
#include <stdio.h>

#include "skindiff.h"

extern int check_failures;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
            check_failures++;                                                  \
        }                                                                      \
    } while (0)

/* |got - want| <= tol, printing both numbers on failure. */
#define CHECK_NEAR(got, want, tol)                                             \
    do {                                                                       \
        double g_ = (got), w_ = (want), t_ = (tol);                            \
        if (!(fabs(g_ - w_) <= t_)) {                                          \
            fprintf(stderr, "%s:%d: CHECK_NEAR failed: %s = %.9g, want %.9g "  \
                    "+- %.3g\n", __FILE__, __LINE__, #got, g_, w_, t_);        \
            check_failures++;                                                  \
        }                                                                      \
    } while (0)

/* Relative: |got/want - 1| <= rel. */
#define CHECK_REL(got, want, rel)                                              \
    do {                                                                       \
        double g_ = (got), w_ = (want), r_ = (rel);                            \
        if (!(fabs(g_ - w_) <= r_ * fabs(w_))) {                               \
            fprintf(stderr, "%s:%d: CHECK_REL failed: %s = %.9g, want %.9g "   \
                    "+- %.3g%%\n", __FILE__, __LINE__, #got, g_, w_, r_ * 100);\
            check_failures++;                                                  \
        }                                                                      \
    } while (0)

#define CHECK_STATUS(expr, want)                                               \
    do {                                                                       \
        int s_ = (expr);                                                       \
        if (s_ != (want)) {                                                    \
            fprintf(stderr, "%s:%d: %s returned %d, want %d\n", __FILE__,      \
                    __LINE__, #expr, s_, (int)(want));                         \
            check_failures++;                                                  \
        }                                                                      \
    } while (0)

/* Print a measured figure so test logs carry the numbers. */
#define REPORT(fmt, ...) fprintf(stderr, "  " fmt "\n", __VA_ARGS__)

int check_done(const char *name);
/* 1 when the shared test data folder exists (tests skip otherwise). */
int check_have_shared_data(void);
/* mkdir -p of the scratch folder, returns its path. */
const char *check_tmpdir(void);

/* Fault injection: an allocator whose call number fail_at (counting from 1)
 * returns NULL, and every later call too when persistent; fail_at 0 never
 * fails. calls counts the calls made, live the blocks not yet freed, so a
 * test can check that a failed run leaked nothing. */
typedef struct check_alloc {
    long fail_at;
    int persistent;
    long calls, live;
} check_alloc;

skd_allocator check_allocator(check_alloc *a);

#endif
