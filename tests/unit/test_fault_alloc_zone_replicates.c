/* Allocation failure through skd_compare_sessions_zones (the first
 * photos' comparison and zones, each replicate's comparison and zones, the
 * zones mapped onto the after photo, the means): two photos before and
 * one after (a second after photo would only repeat the same paths at a
 * third more time) of a small synthetic skin, assumed aligned (registration has its own
 * allocation-failure test), zones from a label image (left and right
 * halves). The Nth allocation fails, once, for every N until a run
 * succeeds: each failing run returns SKD_E_NOMEM with a message and no
 * comparison, and the allocator holds no live block once everything is
 * freed; the successful run equals the default allocator's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "skindiff.h"

#define W 160
#define H 80
#define PX_PER_MM 20.0

static void configure(skd_ctx *ctx)
{
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_ASSUME_ALIGNED, 1), SKD_OK);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, PX_PER_MM), SKD_OK);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_TILE_MM, 2.0), SKD_OK);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_BOOTSTRAP_N, 100), SKD_OK);
}

static skd_image *shot(skd_ctx *ctx, double relief, uint64_t noise)
{
    skd_synth_params p;
    skd_image *b = NULL, *a = NULL;
    skd_synth_defaults(&p, W, H, PX_PER_MM);
    p.seed = 9;
    p.relief_scale = relief;
    p.after_noise_seed = noise;
    if (skd_synth(ctx, &p, &b, &a, NULL) != SKD_OK) {
        skd_image_free(a);
        a = NULL;
    }
    skd_image_free(b);
    return a;
}

static int same(const skd_comparison *a, const skd_zone_comparison *za,
                const skd_comparison *b, const skd_zone_comparison *zb)
{
    int ok = !memcmp(a->change, b->change, sizeof a->change) &&
             !memcmp(&a->replicates, &b->replicates, sizeof a->replicates);
    for (int z = 0; z < SKD_ZONE_COUNT; z++)
        for (int m = 0; m < SKD_METRIC_COUNT; m++)
            ok = ok && !memcmp(&za->zone[z].change[m].before,
                               &zb->zone[z].change[m].before,
                               7 * sizeof(double)) &&
                 za->zone[z].change[m].verdict == zb->zone[z].change[m].verdict;
    return ok && !memcmp(za->replicates, zb->replicates, sizeof za->replicates);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_image *img[3] = {NULL};
    skd_session_photo s[3];
    skd_zones *zb = NULL;
    skd_comparison *want = NULL;
    skd_zone_comparison *wz = calloc(1, sizeof *wz), *zc = calloc(1, sizeof *zc);
    long nomem = 0, bad = 0, leaks = 0, needed = 0;

    CHECK(ctx && wz && zc);
    if (!ctx || !wz || !zc) {
        free(wz);
        free(zc);
        skd_ctx_free(ctx);
        return check_done("test_fault_alloc_zone_replicates");
    }
    memset(s, 0, sizeof s);
    for (int i = 0; i < 3; i++) {
        img[i] = shot(ctx, i < 2 ? 1.0 + 0.03 * i : 0.8, (uint64_t)(i + 2));
        CHECK(img[i] != NULL);
        s[i].image = img[i];
    }
    zb = check_zone_halves(ctx, W, H, SKD_ZONE_LEFT_CHEEK,
                           SKD_ZONE_FOREHEAD);
    configure(ctx);
    if (img[0] && img[1] && img[2] && zb)
        CHECK_STATUS(skd_compare_sessions_zones(ctx, s, 2, s + 2, 1, zb, NULL,
                                                &want, wz), SKD_OK);
    for (long k = 1; want; k++) {
        check_alloc fa = {k, 0, 0, 0};
        skd_allocator al = check_allocator(&fa);
        skd_ctx *fc = skd_ctx_create_with_allocator(&al);
        skd_comparison *c = NULL;
        int st;
        if (!fc) {
            CHECK(fa.live == 0);
            continue;
        }
        configure(fc);
        st = skd_compare_sessions_zones(fc, s, 2, s + 2, 1, zb, NULL, &c, zc);
        if (st == SKD_OK) {
            CHECK(fa.calls < k);
            CHECK(c && same(c, zc, want, wz));
            skd_comparison_free(c);
            skd_ctx_free(fc);
            CHECK(fa.live == 0);
            needed = fa.calls;
            break;
        }
        CHECK(c == NULL);
        if (st == SKD_E_NOMEM && strstr(skd_ctx_message(fc), "memory"))
            nomem++;
        else {
            bad++;
            fprintf(stderr, "  N=%ld: status %d: %s\n", k, st,
                    skd_ctx_message(fc));
        }
        skd_ctx_free(fc);
        if (fa.live != 0) {
            leaks++;
            fprintf(stderr, "  N=%ld: %ld blocks leaked\n", k, fa.live);
        }
        if (k > 200000) {
            CHECK(!"never succeeded");
            break;
        }
    }
    REPORT("sessions 2 + 1 with zones: %ld allocations per run, %ld failing "
           "runs, bad %ld, leaks %ld", needed, nomem, bad, leaks);
    CHECK(needed > 20);
    CHECK(nomem == needed - 1);
    CHECK(bad == 0 && leaks == 0);
    skd_comparison_free(want);
    skd_zones_free(zb);
    for (int i = 0; i < 3; i++)
        skd_image_free(img[i]);
    free(wz);
    free(zc);
    skd_ctx_free(ctx);
    return check_done("test_fault_alloc_zone_replicates");
}
