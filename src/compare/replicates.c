/* Replicates: several photos of the same view per session. Each photo is
 * compared with its own session's first photo; the pooled spread of those
 * within-session changes is this pair's photo-to-photo noise, and the
 * floor it gives replaces the assumed one (docs/comparing.md,
 * "Replicates"). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"

double skd_t975(uint32_t df)
{
    static const double table[30] = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    const double z = 1.959964;
    double n = df, z3 = z * z * z, z5 = z3 * z * z;
    if (df == 0)
        return NAN;
    if (df <= 30)
        return table[df - 1];
    return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n);
}

/* One pair through the analyses the caller has (borrowed) or, without
 * the first one, skd_compare. */
static int compare_pair(skd_ctx *ctx, const skd_session_photo *b,
                        const skd_session_photo *a, skd_comparison **out)
{
    if (!b->image || !a->image)
        return skd_fail(ctx, SKD_E_INVALID, "compare: a session photo is "
                        "missing");
    if (b->analysis)
        return skd_compare_analyses(ctx, b->image, b->spec, b->analysis,
                                    a->image, a->spec, a->analysis, out);
    return skd_compare(ctx, b->image, b->spec, a->image, a->spec, out);
}

/* Sums of squares about the session's mean of each metric's figure,
 * relative to the session's first photo (0 for the first photo itself,
 * the within-session change for the others: percent of the first photo's
 * figure for the relative floors). */
typedef struct spread {
    double ss[SKD_METRIC_COUNT];
    uint32_t df[SKD_METRIC_COUNT];
} spread;

static int session_spread(skd_ctx *ctx, const skd_session_photo *p, size_t n,
                          const char *which, spread *acc)
{
    double sum[SKD_METRIC_COUNT] = {0}, sum2[SKD_METRIC_COUNT] = {0};
    uint32_t k[SKD_METRIC_COUNT];
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        k[m] = 1; /* the first photo: 0 */
    for (size_t j = 1; j < n; j++) {
        skd_comparison *w = NULL;
        int st = compare_pair(ctx, &p[0], &p[j], &w);
        if (st != SKD_OK) {
            char where[64];
            snprintf(where, sizeof where, "%s, photo %zu against photo 1",
                     which, j + 1);
            skd_message_prefix(ctx, where);
            return st;
        }
        for (int m = 0; m < SKD_METRIC_COUNT; m++) {
            const skd_change *ch = &w->change[m];
            double v = skd_metric_relative_floor((skd_metric_id)m)
                           ? ch->change_pct
                           : ch->change;
            if (!isfinite(v))
                continue;
            sum[m] += v;
            sum2[m] += v * v;
            k[m]++;
        }
        skd_comparison_free(w);
    }
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        if (k[m] < 2)
            continue;
        acc->ss[m] += sum2[m] - sum[m] * sum[m] / k[m];
        acc->df[m] += k[m] - 1;
    }
    return SKD_OK;
}

/* The replicates' floors into c->replicates and the changes. */
static void apply_floors(const skd_ctx *ctx, skd_comparison *c,
                         const spread *acc)
{
    skd_replicates *r = &c->replicates;
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        skd_metric_id id = (skd_metric_id)m;
        skd_change *ch = &c->change[m];
        double floor, assumed;
        r->df[m] = acc->df[m];
        r->sd[m] = r->floor[m] = NAN;
        if (acc->df[m] == 0)
            continue;
        r->sd[m] = sqrt(fmax(acc->ss[m], 0) / acc->df[m]);
        floor = skd_t975(acc->df[m]) * sqrt(2.0) * r->sd[m];
        if (skd_metric_relative_floor(id))
            floor *= fabs(ch->before) / 100.0;
        r->floor[m] = floor;
        /* One session's replicates share its light: without white
         * references a change of light between the sessions is not in
         * their spread, so the uncalibrated floor stays the least. */
        assumed = skd_noise_floor(ctx, id, ch->before,
                                  c->acquisition.colour_calibrated, NULL);
        if (skd_metric_colour(id) && !c->acquisition.colour_calibrated &&
            assumed > floor)
            continue;
        if (isfinite(floor))
            skd_change_refloor(ch, floor, 1);
    }
}

int skd_compare_sessions(skd_ctx *ctx, const skd_session_photo *before,
                         size_t n_before, const skd_session_photo *after,
                         size_t n_after, skd_comparison **out)
{
    spread acc;
    skd_comparison *c = NULL;
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if (!out || !before || !after || n_before == 0 || n_after == 0 ||
        n_before > UINT32_MAX || n_after > UINT32_MAX)
        return skd_fail(ctx, SKD_E_INVALID, "compare: each session needs at "
                        "least one photo");
    *out = NULL;
    memset(&acc, 0, sizeof acc);
    st = compare_pair(ctx, &before[0], &after[0], &c);
    if (st == SKD_OK)
        st = session_spread(ctx, before, n_before, "before session", &acc);
    if (st == SKD_OK)
        st = session_spread(ctx, after, n_after, "after session", &acc);
    if (st != SKD_OK) {
        skd_comparison_free(c);
        return st;
    }
    c->replicates.n_before = (uint32_t)n_before;
    c->replicates.n_after = (uint32_t)n_after;
    apply_floors(ctx, c, &acc);
    *out = c;
    return SKD_OK;
}
