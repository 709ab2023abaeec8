/* Allocation failure through skd_compare (registration, both analyses,
 * common region, tiles, bootstrap) on a small synthetic pair: the Nth
 * allocation fails, for every N from 1 until a run succeeds; once alone
 * (transient), and from N on (persistent, so cleanup paths that allocate
 * fail too; there with the photos assumed aligned, which halves the time:
 * registration has its own allocation-failure test). Each failing run
 * must return SKD_E_NOMEM with a message and no comparison, and after
 * freeing everything the allocator must hold zero live blocks. The
 * successful run must match the default allocator's result exactly.
 * Allocations inside FFTW do not go through our allocator (skindiff.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "skindiff.h"

#define W 144
#define H 120
#define PX_PER_MM 20.0

/* Options that keep one run short: 2 mm tiles (4 x 3 of them), the
 * smallest bootstrap; registration stays on. */
static void configure(skd_ctx *ctx, int aligned)
{
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_ASSUME_ALIGNED, aligned), SKD_OK);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, PX_PER_MM), SKD_OK);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_TILE_MM, 2.0), SKD_OK);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_BOOTSTRAP_N, 100), SKD_OK);
}

static int same_comparison(const skd_comparison *a, const skd_comparison *b)
{
    return !memcmp(&a->transform, &b->transform, sizeof a->transform) &&
           a->tiles_used == b->tiles_used &&
           !memcmp(a->change, b->change, sizeof a->change) &&
           !memcmp(&a->before->metrics, &b->before->metrics,
                   sizeof a->before->metrics) &&
           !memcmp(&a->after->metrics, &b->after->metrics,
                   sizeof a->after->metrics);
}

static void sweep(const skd_image *before, const skd_image *after,
                  int persistent, int aligned, const skd_comparison *want)
{
    long nomem = 0, bad_status = 0, bad_message = 0, leaks = 0, needed = 0;
    for (long k = 1;; k++) {
        check_alloc fa = {k, persistent, 0, 0};
        skd_allocator al = check_allocator(&fa);
        skd_ctx *ctx = skd_ctx_create_with_allocator(&al);
        skd_comparison *c = NULL;
        int st;
        if (!ctx) {
            CHECK(fa.live == 0);
            continue;
        }
        configure(ctx, aligned);
        st = skd_compare(ctx, before, NULL, after, NULL, &c);
        if (st == SKD_OK) {
            CHECK(fa.calls < k);
            CHECK(c && same_comparison(c, want));
            skd_comparison_free(c);
            skd_ctx_free(ctx);
            CHECK(fa.live == 0);
            needed = fa.calls;
            break;
        }
        CHECK(c == NULL);
        if (st == SKD_E_NOMEM) {
            nomem++;
            if (!strstr(skd_ctx_message(ctx), "memory")) {
                bad_message++;
                fprintf(stderr, "  N=%ld: message '%s'\n", k,
                        skd_ctx_message(ctx));
            }
        } else {
            bad_status++;
            fprintf(stderr, "  N=%ld: status %d (%s): %s\n", k, st,
                    skd_strerror(st), skd_ctx_message(ctx));
        }
        skd_comparison_free(c);
        skd_ctx_free(ctx);
        if (fa.live != 0) {
            leaks++;
            fprintf(stderr, "  N=%ld: %ld blocks leaked\n", k, fa.live);
        }
        if (k > 200000) {
            CHECK(!"compare never succeeded");
            break;
        }
    }
    REPORT("compare %dx%d%s, %s failure: %ld allocations per run; %ld "
           "failing runs, bad statuses %ld, bad messages %ld, leaks %ld",
           W, H, aligned ? " (assumed aligned)" : "",
           persistent ? "persistent" : "single", needed, nomem,
           bad_status, bad_message, leaks);
    CHECK(needed > 20);
    CHECK(nomem == needed - 1);
    CHECK(bad_status == 0 && bad_message == 0 && leaks == 0);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_synth_params p;
    skd_image *before = NULL, *after = NULL;
    skd_comparison *want = NULL, *want_aligned = NULL;
    char *truth = NULL;

    skd_synth_defaults(&p, W, H, PX_PER_MM);
    p.seed = 5;
    p.keep_pores = 0.7;
    p.camera.dx = 3.5;
    p.camera.dy = -2.0;
    CHECK_STATUS(skd_synth(ctx, &p, &before, &after, &truth), SKD_OK);
    if (before && after) {
        configure(ctx, 0);
        CHECK_STATUS(skd_compare(ctx, before, NULL, after, NULL, &want),
                     SKD_OK);
        configure(ctx, 1);
        CHECK_STATUS(skd_compare(ctx, before, NULL, after, NULL, &want_aligned),
                     SKD_OK);
    }
    if (want && want_aligned) {
        REPORT("reference: shift (%.2f, %.2f) px, %u tiles, Sa %.3f -> %.3f, "
               "pores %.1f -> %.1f /cm2", want->transform.dx,
               want->transform.dy, want->tiles_used,
               want->change[SKD_METRIC_SA].before,
               want->change[SKD_METRIC_SA].after,
               want->change[SKD_METRIC_PORE_DENSITY].before,
               want->change[SKD_METRIC_PORE_DENSITY].after);
        CHECK(want->tiles_used >= 2);
        sweep(before, after, 0, 0, want);
        sweep(before, after, 1, 1, want_aligned);
    }
    skd_comparison_free(want);
    skd_comparison_free(want_aligned);
    skd_free(ctx, truth);
    skd_image_free(before);
    skd_image_free(after);
    skd_ctx_free(ctx);
    return check_done("test_fault_alloc_compare");
}
