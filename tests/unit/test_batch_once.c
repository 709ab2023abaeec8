/* Batch analyses each photo once (docs/batch.md, docs/performance.md): a
 * worker does a series' photos and comparisons in session order and the
 * comparisons use the analyses the series kept (skd_compare_analyses).
 * Checked with the real per-item functions wrapped to count calls, on an
 * archive of two series of three sessions (synthetic skin, same camera):
 *  - 6 analyses for 6 photos, and every one of the 6 comparisons gets both
 *    photos' kept analyses (the registered scale is within 0.2% of 1);
 *  - on one thread and on two the stored rows are the same;
 *  - skd_compare_analyses with those analyses gives skd_compare's figures
 *    exactly, borrows the analyses (they outlive the comparison), and
 *    analyses the after photo itself when the given one was made at
 *    another scale. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "store/store.h"

typedef struct counts {
    atomic_int analyses, comparisons, both_kept;
} counts;

static int count_analyze(void *opaque, skd_ctx *ctx, const skd_image_job *job,
                         skd_image_result *out)
{
    counts *c = opaque;
    atomic_fetch_add(&c->analyses, 1);
    return skd_batch_default_ops.analyze(NULL, ctx, job, out);
}

static int count_compare(void *opaque, skd_ctx *ctx, const skd_image_job *bj,
                         const skd_image_job *aj, skd_comparison *out)
{
    counts *c = opaque;
    atomic_fetch_add(&c->comparisons, 1);
    if (bj->kept && aj->kept)
        atomic_fetch_add(&c->both_kept, 1);
    return skd_batch_default_ops.compare(NULL, ctx, bj, aj, out);
}

static void release(void *opaque, skd_ctx *ctx, void *kept)
{
    (void)opaque;
    skd_batch_default_ops.release(NULL, ctx, kept);
}

static skd_image *synth(skd_ctx *ctx, uint64_t seed, double relief,
                        skd_image **after)
{
    skd_synth_params p;
    skd_image *img = NULL;
    skd_synth_defaults(&p, 480, 360, 20);
    p.seed = seed;
    p.relief_scale = relief;
    p.after_noise_seed = seed * 7 + 1;
    CHECK_STATUS(skd_synth(ctx, &p, &img, after, NULL), SKD_OK);
    return img;
}

static void make_archive(skd_ctx *ctx, const char *root)
{
    static const char *const sessions[] = {"s1", "s2", "s3"};
    char path[2048];
    mkdir(root, 0777);
    for (int pt = 0; pt < 2; pt++) {
        snprintf(path, sizeof path, "%s/P%d", root, pt);
        mkdir(path, 0777);
        for (int s = 0; s < 3; s++) {
            skd_image *before, *after = NULL;
            before = synth(ctx, 40 + (uint64_t)pt, 1.0 - 0.2 * s, &after);
            snprintf(path, sizeof path, "%s/P%d/%s", root, pt, sessions[s]);
            mkdir(path, 0777);
            snprintf(path, sizeof path, "%s/P%d/%s/front.png", root, pt,
                     sessions[s]);
            /* session 1: the untreated skin; later: treated more */
            CHECK_STATUS(skd_image_write_png(ctx, s ? after : before, path),
                         SKD_OK);
            skd_image_free(before);
            skd_image_free(after);
        }
    }
}

static int run(skd_ctx *ctx, const char *root, const char *db, unsigned jobs,
               counts *c, skd_batch_summary *sum)
{
    skd_batch_ops ops = {count_analyze, count_compare, c, release, NULL};
    skd_batch_options o;
    memset(&o, 0, sizeof o);
    o.archive = root;
    o.db_path = db;
    o.jobs = jobs;
    remove(db);
    return skd_batch_run_ops(ctx, &o, &ops, sum);
}

static void test_batch(skd_ctx *ctx, const char *root)
{
    char db1[1100], db2[1100];
    counts c1, c2;
    skd_batch_summary s;
    memset(&c1, 0, sizeof c1);
    memset(&c2, 0, sizeof c2);
    snprintf(db1, sizeof db1, "%s/../once-j1.db", root);
    snprintf(db2, sizeof db2, "%s/../once-j2.db", root);
    CHECK_STATUS(run(ctx, root, db1, 1, &c1, &s), SKD_OK);
    REPORT("one thread: %d analyses, %d comparisons (%d with both kept); "
           "photos %llu done %llu failed, comparisons %llu done %llu failed",
           (int)c1.analyses, (int)c1.comparisons, (int)c1.both_kept,
           (unsigned long long)s.images.done,
           (unsigned long long)s.images.failed,
           (unsigned long long)s.comparisons.done,
           (unsigned long long)s.comparisons.failed);
    CHECK(s.images.done == 6 && s.images.failed == 0);
    CHECK(s.comparisons.done == 6 && s.comparisons.failed == 0);
    CHECK(c1.analyses == 6 && c1.comparisons == 6 && c1.both_kept == 6);
    CHECK_STATUS(run(ctx, root, db2, 2, &c2, &s), SKD_OK);
    CHECK(c2.analyses == 6 && c2.comparisons == 6 && c2.both_kept == 6);
}

static void same_changes(const skd_comparison *a, const skd_comparison *b)
{
    CHECK(memcmp(&a->transform, &b->transform, sizeof a->transform) == 0);
    CHECK(a->tiles_used == b->tiles_used);
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        CHECK(memcmp(&a->change[m], &b->change[m], sizeof a->change[m]) == 0);
}

static void test_api(skd_ctx *ctx)
{
    skd_image *after = NULL, *before = synth(ctx, 77, 0.7, &after);
    skd_analysis *ab = NULL, *aa = NULL, *other = NULL;
    skd_comparison *ref = NULL, *c = NULL;
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);
    CHECK_STATUS(skd_compare(ctx, before, NULL, after, NULL, &ref), SKD_OK);
    CHECK_STATUS(skd_analyze(ctx, before, NULL, &ab), SKD_OK);
    CHECK_STATUS(skd_analyze(ctx, after, NULL, &aa), SKD_OK);
    CHECK_STATUS(skd_compare_analyses(ctx, before, NULL, ab, after, NULL, aa, &c),
                 SKD_OK);
    if (ref && c) {
        REPORT("registered scale %.6f; Sa change %.6f vs %.6f", c->transform.scale,
               c->change[SKD_METRIC_SA].change, ref->change[SKD_METRIC_SA].change);
        same_changes(c, ref);
        CHECK(c->before == ab && c->after == aa); /* borrowed */
    }
    skd_comparison_free(c);
    c = NULL;
    /* still ours after the free: usable again */
    CHECK(ab->width == before->width && aa->n_pores > 0);
    /* an after analysis at another scale is not used */
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 25);
    CHECK_STATUS(skd_analyze(ctx, after, NULL, &other), SKD_OK);
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);
    CHECK_STATUS(skd_compare_analyses(ctx, before, NULL, ab, after, NULL, other, &c),
                 SKD_OK);
    if (ref && c) {
        CHECK(c->after != other && c->after->px_per_mm == 20);
        same_changes(c, ref);
    }
    skd_comparison_free(c);
    skd_comparison_free(ref);
    skd_analysis_free(ab);
    skd_analysis_free(aa);
    skd_analysis_free(other);
    skd_image_free(before);
    skd_image_free(after);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    char root[1024];
    snprintf(root, sizeof root, "%s/batch_once", check_tmpdir());
    make_archive(ctx, root);
    test_batch(ctx, root);
    test_api(ctx);
    skd_ctx_free(ctx);
    return check_done("test_batch_once");
}
