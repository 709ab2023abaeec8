/* store_fill: results databases at a hospital's scale, for
 * scripts/store-scale.sh. Writes one small JPEG and a manifest per shard
 * (every row names that photo), then runs the real batch driver
 * (skd_batch_run_ops: plan, keys, lock, one transaction per item) on each
 * shard with stand-in analyze/compare functions, so the rows, keys and
 * indexes are exactly what `skindiff batch` writes, without decoding
 * millions of photos. A later `skindiff batch --manifest` on the same
 * manifest and database finds every item done (the resume scan).
 *
 *   store_fill DIR PATIENTS SESSIONS VIEWS SHARDS
 *
 * DIR gets photo.jpg, all.csv (every row), shard-K.csv and
 * shard-K-of-N.db. Images: PATIENTS*SESSIONS*VIEWS; comparisons:
 * PATIENTS*VIEWS*(2*SESSIONS-3). Private API: built with the tests. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

typedef struct fill_state {
    atomic_uint_fast64_t n; /* items made, to vary the figures */
} fill_state;

/* Figures that vary from row to row, so the columns are not constant
 * (SQLite stores repeated values no smaller, but a real table varies). */
static double wobble(uint64_t i, double base, double spread)
{
    uint64_t h = i * 0x9e3779b97f4a7c15u;
    return base + spread * ((double)(h >> 11) / 9007199254740992.0 - 0.5);
}

static int fake_analyze(void *opaque, skd_ctx *ctx, const skd_image_job *job,
                        skd_image_result *out)
{
    fill_state *s = opaque;
    uint64_t i = atomic_fetch_add(&s->n, 1);
    skd_metrics *m = &out->metrics;
    (void)ctx;
    (void)job;
    out->width = 4032;
    out->height = 3024;
    out->px_per_mm = 0;
    out->scale_assumed = 1;
    m->sa = wobble(i, 3.2, 1.0);
    m->sq = m->sa * 1.3;
    m->ssk = wobble(i + 1, -0.4, 0.5);
    m->sku = wobble(i + 2, 4.0, 2.0);
    m->pore_count = (uint32_t)wobble(i + 3, 900, 400);
    m->pore_density_per_cm2 = wobble(i + 4, 60, 30);
    m->pore_mean_diameter_mm = wobble(i + 5, 0.2, 0.05);
    m->pore_area_fraction = wobble(i + 6, 0.03, 0.01);
    m->a_mean = wobble(i + 7, 14, 4);
    m->a_median = m->a_mean - 0.3;
    m->erythema_index = wobble(i + 8, 26, 6);
    m->red_area_fraction = wobble(i + 9, 0.05, 0.04);
    m->area_cm2 = wobble(i + 10, 170, 40);
    m->region_pixels = (uint64_t)(m->area_cm2 * 40000);
    return SKD_OK;
}

static int fake_compare(void *opaque, skd_ctx *ctx, const skd_image_job *b,
                        const skd_image_job *a, skd_comparison *c)
{
    fill_state *s = opaque;
    uint64_t i = atomic_fetch_add(&s->n, 1);
    (void)ctx;
    (void)b;
    (void)a;
    c->transform.dx = wobble(i, 0, 40);
    c->transform.dy = wobble(i + 1, 0, 40);
    c->transform.rotation_deg = wobble(i + 2, 0, 4);
    c->transform.scale = wobble(i + 3, 1, 0.1);
    c->transform.confidence = wobble(i + 4, 0.7, 0.4);
    c->common_area_cm2 = wobble(i + 5, 150, 40);
    c->px_per_mm = 20;
    c->tiles_used = (uint32_t)wobble(i + 6, 600, 200);
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        skd_change *ch = &c->change[m];
        ch->before = wobble(i + 7 + (uint64_t)m, 10, 5);
        ch->after = wobble(i + 20 + (uint64_t)m, 10, 5);
        ch->change = ch->after - ch->before;
        ch->change_pct = 100 * ch->change / ch->before;
        ch->ci_low = ch->change - 0.3;
        ch->ci_high = ch->change + 0.3;
        ch->noise_floor = 0.5;
        ch->verdict = ch->ci_high < -0.5   ? SKD_IMPROVED
                      : ch->ci_low > 0.5 ? SKD_WORSENED
                                         : SKD_NO_SIGNIFICANT_CHANGE;
    }
    return SKD_OK;
}

static int write_photo(skd_ctx *ctx, const char *path)
{
    skd_image *img = NULL;
    int st = skd_image_create(ctx, 64, 48, &img);
    for (size_t i = 0; st == SKD_OK && i < (size_t)64 * 48 * 3; i++)
        img->rgb[i] = (uint16_t)(257 * (120 + (i * 7) % 60));
    if (st == SKD_OK)
        st = skd_image_write_jpeg(ctx, img, path, 90);
    skd_image_free(img);
    return st;
}

/* all.csv and shard-K.csv: patients P0000001..., sessions s01..., views
 * v1..., each row the same photo. */
static int write_manifests(const char *dir, unsigned long patients,
                           unsigned sessions, unsigned views, unsigned n)
{
    char path[4096];
    FILE **f = calloc((size_t)n + 1, sizeof *f);
    int ok = f != NULL;
    for (unsigned k = 0; ok && k <= n; k++) {
        if (k == 0)
            snprintf(path, sizeof path, "%s/all.csv", dir);
        else
            snprintf(path, sizeof path, "%s/shard-%u.csv", dir, k);
        ok = (f[k] = fopen(path, "w")) != NULL &&
             fputs("patient,session,view,path\n", f[k]) >= 0;
    }
    for (unsigned long p = 1; ok && p <= patients; p++) {
        char id[32];
        snprintf(id, sizeof id, "P%07lu", p);
        unsigned k = skd_batch_shard_of(id, n);
        for (unsigned s = 1; s <= sessions; s++)
            for (unsigned v = 1; v <= views; v++) {
                ok = ok && fprintf(f[0], "%s,s%02u,v%u,photo.jpg\n", id, s, v) > 0;
                ok = ok && fprintf(f[k], "%s,s%02u,v%u,photo.jpg\n", id, s, v) > 0;
            }
    }
    for (unsigned k = 0; f && k <= n; k++)
        if (f[k] && fclose(f[k]) != 0)
            ok = 0;
    free(f);
    return ok;
}

int main(int argc, char **argv)
{
    skd_ctx *ctx;
    fill_state state;
    unsigned long patients;
    unsigned sessions, views, n;
    char path[4096], manifest[4096];
    int st = SKD_OK;

    if (argc != 6) {
        fprintf(stderr, "usage: store_fill DIR PATIENTS SESSIONS VIEWS SHARDS\n");
        return 2;
    }
    patients = strtoul(argv[2], NULL, 10);
    sessions = (unsigned)strtoul(argv[3], NULL, 10);
    views = (unsigned)strtoul(argv[4], NULL, 10);
    n = (unsigned)strtoul(argv[5], NULL, 10);
    if (!patients || sessions < 2 || !views || !n) {
        fprintf(stderr, "store_fill: PATIENTS, VIEWS, SHARDS >= 1, SESSIONS >= 2\n");
        return 2;
    }
    atomic_init(&state.n, 0);
    skd_batch_ops ops = {fake_analyze, fake_compare, &state, NULL, NULL};
    if (!(ctx = skd_ctx_create()))
        return 7;
    snprintf(path, sizeof path, "%s/photo.jpg", argv[1]);
    st = write_photo(ctx, path);
    if (st == SKD_OK && !write_manifests(argv[1], patients, sessions, views, n)) {
        fprintf(stderr, "store_fill: cannot write the manifests in %s\n", argv[1]);
        skd_ctx_free(ctx);
        return 1;
    }
    for (unsigned k = 1; st == SKD_OK && k <= n; k++) {
        skd_batch_options opt;
        skd_batch_summary sum;
        memset(&opt, 0, sizeof opt);
        snprintf(manifest, sizeof manifest, "%s/shard-%u.csv", argv[1], k);
        snprintf(path, sizeof path, "%s/shard-%u-of-%u.db", argv[1], k, n);
        opt.manifest = manifest;
        opt.db_path = path;
        opt.jobs = 1;
        st = skd_batch_run_ops(ctx, &opt, &ops, &sum);
        if (st == SKD_OK)
            fprintf(stderr, "store_fill: %s: %llu images, %llu comparisons, %.1f s\n",
                    path, (unsigned long long)sum.images.done,
                    (unsigned long long)sum.comparisons.done, sum.elapsed_s);
    }
    if (st != SKD_OK)
        fprintf(stderr, "store_fill: %s (%s)\n", skd_ctx_message(ctx),
                skd_strerror(st));
    skd_ctx_free(ctx);
    return st == SKD_OK ? 0 : 1;
}
