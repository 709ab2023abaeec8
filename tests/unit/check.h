/* A tiny test harness: checks report file:line and keep going; the test's
 * exit status is the number of failures (capped), or CHECK_SKIP_CODE when
 * nothing failed but some part could not run (ctest reports it as SKIP). */
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

/* ctest's SKIP_RETURN_CODE (tests/CMakeLists.txt sets it on every test). */
#define CHECK_SKIP_CODE 77

/* The exit status: failures (capped at 100), else CHECK_SKIP_CODE when a part
 * was skipped, else 0. */
int check_done(const char *name);
/* The whole test cannot run here: prints "SKIP: reason" and exits 77. */
void check_skip(const char *reason);
/* One part of the test cannot run here: printed now, and check_done turns a
 * run with no failure into a SKIP, so a missing part is never a silent pass. */
void check_skip_part(const char *reason);
/* 1 when the shared test data folder (and the file or folder rel inside it,
 * when rel is not NULL) exists. Otherwise the part `what` is skipped, or it
 * fails when SKD_REQUIRE_SHARED_DATA=1 is set in the environment (the test
 * script sets it when the folder exists next to the clone, so a run that was
 * meant to have the data cannot skip it by accident). */
int check_shared_data(const char *rel, const char *what);
/* mkdir -p of the scratch folder, returns its path. */
const char *check_tmpdir(void);
/* The whole file in a malloc'd buffer of *size bytes and a NUL after them
 * (text can be searched as a string); NULL and *size 0 when it cannot be
 * read. */
char *check_slurp(const char *path, size_t *size);

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

/* Zones of a w x h photo from a label image: columns x < w / 2 are zone
 * left, the others zone right (NULL when they cannot be made). */
skd_zones *check_zone_halves(skd_ctx *ctx, uint32_t w, uint32_t h,
                             skd_zone left, skd_zone right);

/* img mirrored left to right (a new image, NULL when it cannot be made). */
skd_image *check_mirrored(skd_ctx *ctx, const skd_image *img);

/* fn on each of the four shared portraits (astronaut.png and the three
 * portrait-*.jpg of SKD_SHARED_DATA/photos) and on its mirror image, what
 * naming it ("portrait-room.jpg mirrored"). The caller checks first that
 * the photos are there (check_shared_data). */
void check_each_portrait(skd_ctx *ctx,
                         void (*fn)(skd_ctx *ctx, const skd_image *img,
                                    const char *what, void *arg),
                         void *arg);

#endif
