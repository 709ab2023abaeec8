/* Allocation failures during registration: fail the Nth allocation, for
 * every N, and check for a clean SKD_E_NOMEM and nothing leaked. */
#include <stdio.h>

#include "check.h"
#include "register/register.h"
#include "test_register_field.h"

/* Run skd_register failing allocation N = 0, step, 2 step, ... until a run
 * makes no N-th allocation. Returns the number of runs. */
static int sweep(const skd_image *b, const skd_image *a, int want_status, long step,
                 long *allocations)
{
    int runs = 0;
    for (long n = 0;; n += step) {
        check_alloc c = {0, 0, 0, 0};
        skd_allocator al = check_allocator(&c);
        skd_ctx *ctx = skd_ctx_create_with_allocator(&al);
        skd_transform t;
        int st;
        CHECK(ctx != NULL);
        if (!ctx)
            return runs;
        c.calls = 0;
        c.fail_at = n + 1; /* call n counting from 0 */
        st = skd_register(ctx, b, a, &t);
        runs++;
        if (c.calls <= n) { /* nothing failed: the sweep is complete */
            CHECK_STATUS(st, want_status);
            *allocations = c.calls;
            skd_ctx_free(ctx);
            CHECK(c.live == 0);
            return runs;
        }
        CHECK_STATUS(st, SKD_E_NOMEM);
        if (st != SKD_E_NOMEM)
            fprintf(stderr, "  allocation %ld failed: status %d (%s)\n", n, st,
                    skd_ctx_message(ctx));
        skd_ctx_free(ctx);
        CHECK(c.live == 0);
        if (c.live != 0)
            fprintf(stderr, "  allocation %ld failed: %ld blocks leaked\n", n, c.live);
    }
}

int main(void)
{
    field f, g;
    shot sb = field_shot(240, 180, 240, 180), sa = sb;
    skd_image *b, *a, *u;
    long nalloc = 0;
    int runs;

    field_make(&f, 5, 240, 180, 100, 300);
    field_make(&g, 6, 240, 180, 100, 300);
    sa.camera = (skd_transform){12, -9, 4, 1.03, 0};
    b = field_render(&f, &sb);
    a = field_render(&f, &sa);
    u = field_render(&g, &sb);
    CHECK(a && b && u);
    if (a && b && u) {
        /* A related pair: Fourier-Mellin, shifts, refinement. */
        runs = sweep(b, a, SKD_OK, 1, &nalloc);
        REPORT("related pair: %ld allocations, %d runs each failing one", nalloc, runs);
        /* An unrelated pair also runs the grid search and is refused. */
        runs = sweep(b, u, SKD_E_ALIGN, 9, &nalloc);
        REPORT("unrelated pair: %ld allocations, %d runs failing every 9th", nalloc, runs);
    }
    field_image_free(a);
    field_image_free(b);
    field_image_free(u);
    return check_done("test_register_alloc");
}
