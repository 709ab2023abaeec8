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
    /* to 6 decimals (scipy.stats.t.ppf): a 3-decimal table put the
     * interval and floor off by up to 1.6e-4 of themselves */
    static const double table[30] = {
        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912,
        2.364624,  2.306004, 2.262157, 2.228139, 2.200985, 2.178813,
        2.160369,  2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
        2.093024,  2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
        2.059539,  2.055529, 2.051831, 2.048407, 2.045230, 2.042272};
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

static int has_white_ref(const skd_region_spec *spec)
{
    return spec && spec->white_ref.w && spec->white_ref.h;
}

/* A photo of a session against the session's first. They share one
 * light, so their change needs no white reference; a reference on one of
 * them only would correct that photo alone and read the correction as a
 * change of the skin (a first photo calibrated under a 3% warmer light
 * moved its session's a* mean by 0.15). With a reference on both the pair
 * is compared calibrated, else without any (the referenced photo's own
 * analysis then does not serve). */
static int within_session_pair(skd_ctx *ctx, const skd_session_photo *first,
                               const skd_session_photo *other,
                               skd_comparison **out)
{
    skd_session_photo p[2] = {*first, *other};
    skd_region_spec plain;
    int k = has_white_ref(first->spec) ? 0 : 1;
    if (has_white_ref(first->spec) != has_white_ref(other->spec)) {
        plain = *p[k].spec;
        plain.white_ref = (skd_roi){0, 0, 0, 0};
        p[k].spec = &plain;
        p[k].analysis = NULL;
    }
    return compare_pair(ctx, &p[0], &p[1], out);
}

void skd_session_acc_init(skd_session_acc *acc)
{
    memset(acc, 0, sizeof *acc);
    acc->photos = 1;
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        acc->k[m] = 1; /* the first photo: 0 */
}

void skd_session_acc_add(skd_session_acc *acc, const skd_change *change)
{
    acc->photos++;
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        const skd_change *ch = &change[m];
        double v = skd_metric_relative_floor((skd_metric_id)m)
                       ? ch->change_pct
                       : ch->change;
        if (!isfinite(v))
            continue;
        acc->sum[m] += v;
        acc->sum2[m] += v * v;
        acc->k[m]++;
    }
}

/* Each other photo of a session compared with its first: the whole
 * region's within-session changes into acc and, with z1 (the first
 * photo's zones), each zone's into zacc. */
static int session_spread(skd_ctx *ctx, const skd_session_photo *p, size_t n,
                          const char *which, const skd_zones *z1,
                          skd_session_acc *acc, skd_zone_acc *zacc)
{
    skd_session_acc_init(acc);
    if (z1)
        skd_zone_acc_init(zacc);
    for (size_t j = 1; j < n; j++) {
        skd_comparison *w = NULL;
        int st = within_session_pair(ctx, &p[0], &p[j], &w);
        if (st == SKD_OK) {
            skd_session_acc_add(acc, w->change);
            if (z1)
                st = skd_zone_acc_add(ctx, zacc, w, p[0].image, p[j].image,
                                      z1);
        }
        skd_comparison_free(w);
        if (st != SKD_OK) {
            char where[64];
            snprintf(where, sizeof where, "%s, photo %zu against photo 1",
                     which, j + 1);
            skd_message_prefix(ctx, where);
            return st;
        }
    }
    return SKD_OK;
}

/* The session's mean figure from its first photo's figure x1 (over the
 * first pair's common region) and the mean within-session change. */
static double session_mean(skd_metric_id m, double x1,
                           const skd_session_acc *s)
{
    double off = s->sum[m] / s->k[m];
    return skd_metric_relative_floor(m) ? x1 * (1.0 + off / 100.0) : x1 + off;
}

/* One photo's SD in the metric's unit at figure x. */
static double sd_at(skd_metric_id m, double sd, double x)
{
    return skd_metric_relative_floor(m) ? sd * fabs(x) / 100.0 : sd;
}

double skd_replicates_floor_of(const skd_ctx *ctx, const skd_replicates *r,
                               int calibrated, skd_metric_id m, double before)
{
    double floor, assumed;
    if (r->df[m] == 0 || !isfinite(r->sd[m]))
        return NAN;
    floor = skd_t975(r->df[m]) * sqrt(2.0) * sd_at(m, r->sd[m], before);
    /* One session's replicates share its light: without white references
     * a change of light between the sessions is not in their spread, so
     * the uncalibrated floor stays the least. */
    assumed = skd_noise_floor(ctx, m, before, calibrated, NULL);
    if (skd_metric_colour(m) && !calibrated && assumed > floor)
        return NAN;
    return floor;
}

double skd_replicates_floor(const skd_ctx *ctx, const skd_comparison *c,
                            skd_metric_id m, double before)
{
    return skd_replicates_floor_of(ctx, &c->replicates,
                                   c->acquisition.colour_calibrated, m, before);
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
static double pore_count_half(double area, double before, double after)
{
    if (!(area > 0) || !(before >= 0) || !(after >= 0))
        return 0;
    return 1.96 * sqrt((before + after) / area);
}

void skd_replicates_means(const skd_ctx *ctx, int calibrated, double area_cm2,
                          const skd_session_acc *sb, const skd_session_acc *sa,
                          skd_change *change, skd_replicates *r)
{
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        skd_metric_id id = (skd_metric_id)m;
        skd_change *ch = &change[m];
        uint32_t kb = sb->k[m], ka = sa->k[m];
        double ss, before, after, se, half, floor;
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
            half = hypot(half, pore_count_half(area_cm2, before, after));
        ch->ci_low = ch->change - half;
        ch->ci_high = ch->change + half;
        /* judged again with the means' interval, against the replicates'
         * floor or, for uncalibrated colour, the larger assumed one */
        floor = skd_replicates_floor_of(ctx, r, calibrated, id, before);
        if (isfinite(floor))
            skd_change_refloor(ch, floor, 1);
        else
            skd_change_refloor(ch, ch->noise_floor, 0);
    }
}

/* Both sessions' spreads, the whole region's means into c and, with zb,
 * the zones' into zones (the pair's zones measured first). */
static int sessions_run(skd_ctx *ctx, const skd_session_photo *before,
                        size_t n_before, const skd_session_photo *after,
                        size_t n_after, const skd_zones *zb,
                        const skd_zones *za, skd_comparison **out,
                        skd_zone_comparison *zones)
{
    skd_session_acc sb, sa;
    skd_zone_acc *zacc = NULL; /* [0] before, [1] after */
    skd_zones z_after;         /* zb on the first after photo */
    skd_comparison *c = NULL;
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if (!out || !before || !after || n_before == 0 || n_after == 0 ||
        n_before > UINT32_MAX || n_after > UINT32_MAX)
        return skd_fail(ctx, SKD_E_INVALID, "compare: each session needs at "
                        "least one photo");
    if (zones && !zb)
        return skd_fail(ctx, SKD_E_INVALID, "compare zones: no zones");
    *out = NULL;
    memset(&z_after, 0, sizeof z_after);
    st = compare_pair(ctx, &before[0], &after[0], &c);
    if (st == SKD_OK && zones &&
        (st = skd_compare_zones(ctx, c, before[0].image, after[0].image, zb,
                                za, zones)) != SKD_OK)
        skd_message_prefix(ctx, "zones");
    /* replicates' zones only where the first photos' zones are */
    if (st == SKD_OK && zones && zb->labels) {
        zacc = skd_calloc(ctx, 2, sizeof *zacc);
        st = zacc ? skd_zones_onto_after(ctx, c, zb, &z_after) : SKD_E_NOMEM;
    }
    if (st == SKD_OK)
        st = session_spread(ctx, before, n_before, "before session",
                            zacc ? zb : NULL, &sb, zacc);
    if (st == SKD_OK)
        st = session_spread(ctx, after, n_after, "after session",
                            zacc ? &z_after : NULL, &sa,
                            zacc ? zacc + 1 : NULL);
    if (st == SKD_OK) {
        c->replicates.n_before = (uint32_t)n_before;
        c->replicates.n_after = (uint32_t)n_after;
        skd_replicates_means(ctx, c->acquisition.colour_calibrated,
                             c->common_area_cm2, &sb, &sa, c->change,
                             &c->replicates);
        if (zones)
            skd_zone_means(ctx, c, zacc, zones);
        *out = c;
        c = NULL;
    }
    skd_dealloc(ctx, z_after.labels);
    skd_dealloc(ctx, zacc);
    skd_comparison_free(c);
    return st;
}

int skd_compare_sessions(skd_ctx *ctx, const skd_session_photo *before,
                         size_t n_before, const skd_session_photo *after,
                         size_t n_after, skd_comparison **out)
{
    return sessions_run(ctx, before, n_before, after, n_after, NULL, NULL,
                        out, NULL);
}

int skd_compare_sessions_zones(skd_ctx *ctx, const skd_session_photo *before,
                               size_t n_before, const skd_session_photo *after,
                               size_t n_after, const skd_zones *zb,
                               const skd_zones *za, skd_comparison **out,
                               skd_zone_comparison *zones)
{
    if (ctx && !zones)
        return skd_fail(ctx, SKD_E_INVALID, "compare zones: no output");
    return sessions_run(ctx, before, n_before, after, n_after, zb, za, out,
                        zones);
}
