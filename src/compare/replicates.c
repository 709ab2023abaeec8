/* Replicates: several photos of the same view per session. Each photo is
 * compared with its own session's first photo; those within-session
 * changes give the sessions' mean figures, whose change is reported, and
 * their pooled spread is this pair's photo-to-photo noise: the interval of
 * the means' change and the floor that replaces the assumed one
 * (docs/comparing.md, "Replicates"). */
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

/* Per metric, a session's within-session changes: their sum and sum of
 * squares over the photos that measured it (k, the first photo's 0
 * included). Relative metrics in percent of the first photo's figure. */
typedef struct session_acc {
    double sum[SKD_METRIC_COUNT], sum2[SKD_METRIC_COUNT];
    uint32_t k[SKD_METRIC_COUNT];
} session_acc;

static int session_spread(skd_ctx *ctx, const skd_session_photo *p, size_t n,
                          const char *which, session_acc *acc)
{
    memset(acc, 0, sizeof *acc);
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        acc->k[m] = 1; /* the first photo: 0 */
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
            acc->sum[m] += v;
            acc->sum2[m] += v * v;
            acc->k[m]++;
        }
        skd_comparison_free(w);
    }
    return SKD_OK;
}

/* The session's mean figure from its first photo's figure x1 (over the
 * first pair's common region) and the mean within-session change. */
static double session_mean(skd_metric_id m, double x1, const session_acc *s)
{
    double off = s->sum[m] / s->k[m];
    return skd_metric_relative_floor(m) ? x1 * (1.0 + off / 100.0) : x1 + off;
}

/* One photo's SD in the metric's unit at figure x. */
static double sd_at(skd_metric_id m, double sd, double x)
{
    return skd_metric_relative_floor(m) ? sd * fabs(x) / 100.0 : sd;
}

double skd_replicates_floor(const skd_ctx *ctx, const skd_comparison *c,
                            skd_metric_id m, double before)
{
    const skd_replicates *r = &c->replicates;
    double floor, assumed;
    if (r->df[m] == 0 || !isfinite(r->sd[m]))
        return NAN;
    floor = skd_t975(r->df[m]) * sqrt(2.0) * sd_at(m, r->sd[m], before);
    /* One session's replicates share its light: without white references
     * a change of light between the sessions is not in their spread, so
     * the uncalibrated floor stays the least. */
    assumed = skd_noise_floor(ctx, m, before, c->acquisition.colour_calibrated,
                              NULL);
    if (skd_metric_colour(m) && !c->acquisition.colour_calibrated &&
        assumed > floor)
        return NAN;
    return floor;
}

void skd_replicates_refloor(const skd_ctx *ctx, const skd_comparison *c,
                            skd_change *change)
{
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        double floor = skd_replicates_floor(ctx, c, (skd_metric_id)m,
                                            change[m].before);
        if (isfinite(floor))
            skd_change_refloor(&change[m], floor, 1);
    }
}

/* The pore counts' Poisson uncertainty (as skd_pore_poisson_widen):
 * 1.96 sqrt(N_b / A^2 + N_a / A^2) with N = density x A over the common
 * region of area A. The replicates count the same pores of the same skin,
 * so their spread does not hold it, and averaging does not shrink it. */
static double pore_count_half(const skd_comparison *c, double before,
                              double after)
{
    double area = c->common_area_cm2;
    if (!(area > 0) || !(before >= 0) || !(after >= 0))
        return 0;
    return 1.96 * sqrt((before + after) / area);
}

/* The sessions' means, their change and interval, and the replicates'
 * floors into c. */
static void apply_means(const skd_ctx *ctx, skd_comparison *c,
                        const session_acc *sb, const session_acc *sa)
{
    skd_replicates *r = &c->replicates;
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        skd_metric_id id = (skd_metric_id)m;
        skd_change *ch = &c->change[m];
        uint32_t kb = sb->k[m], ka = sa->k[m];
        double ss, before, after, se, half;
        r->pair_change[m] = ch->change;
        r->pair_ci_low[m] = ch->ci_low;
        r->pair_ci_high[m] = ch->ci_high;
        r->df[m] = kb - 1 + ka - 1;
        r->sd[m] = r->floor[m] = NAN;
        if (r->df[m] == 0)
            continue;
        ss = sb->sum2[m] - sb->sum[m] * sb->sum[m] / kb + sa->sum2[m] -
             sa->sum[m] * sa->sum[m] / ka;
        r->sd[m] = sqrt(fmax(ss, 0) / r->df[m]);
        before = session_mean(id, ch->before, sb);
        after = session_mean(id, ch->after, sa);
        se = sqrt(pow(sd_at(id, r->sd[m], before), 2) / kb +
                  pow(sd_at(id, r->sd[m], after), 2) / ka);
        half = skd_t975(r->df[m]) * se;
        r->floor[m] = skd_t975(r->df[m]) * sqrt(2.0) *
                      sd_at(id, r->sd[m], before);
        ch->before = before;
        ch->after = after;
        ch->change = after - before;
        ch->change_pct = before != 0 ? 100.0 * ch->change / before : NAN;
        if (id == SKD_METRIC_PORE_DENSITY)
            half = hypot(half, pore_count_half(c, before, after));
        ch->ci_low = ch->change - half;
        ch->ci_high = ch->change + half;
        /* judged again with the means' interval, against the replicates'
         * floor or, for uncalibrated colour, the larger assumed one */
        skd_change_refloor(ch, ch->noise_floor, 0);
    }
    skd_replicates_refloor(ctx, c, c->change);
}

int skd_compare_sessions(skd_ctx *ctx, const skd_session_photo *before,
                         size_t n_before, const skd_session_photo *after,
                         size_t n_after, skd_comparison **out)
{
    session_acc sb, sa;
    skd_comparison *c = NULL;
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if (!out || !before || !after || n_before == 0 || n_after == 0 ||
        n_before > UINT32_MAX || n_after > UINT32_MAX)
        return skd_fail(ctx, SKD_E_INVALID, "compare: each session needs at "
                        "least one photo");
    *out = NULL;
    st = compare_pair(ctx, &before[0], &after[0], &c);
    if (st == SKD_OK)
        st = session_spread(ctx, before, n_before, "before session", &sb);
    if (st == SKD_OK)
        st = session_spread(ctx, after, n_after, "after session", &sa);
    if (st != SKD_OK) {
        skd_comparison_free(c);
        return st;
    }
    c->replicates.n_before = (uint32_t)n_before;
    c->replicates.n_after = (uint32_t)n_after;
    apply_means(ctx, c, &sb, &sa);
    *out = c;
    return SKD_OK;
}
