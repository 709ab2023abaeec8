/* Facial zones with replicates (skd_compare_sessions_zones): each zone's
 * change is that of the sessions' mean figures of the zone, its interval
 * and floor from the zone's own spread across the photos.
 *
 * Synthetic skin (skd_synth, 520 x 360 at 20 px/mm, no red patches so a*
 * is the painted base colour), three shots per session. Zones from a label
 * image: the left half of the before frame is the left cheek, the right
 * half the forehead. Every shot gets known shot noise (relief x (1 + 0.03
 * z), a* + 0.3 z, a camera moved by up to 3 px, new sensor noise). The
 * after session's shots are treated in the cheek only: 40% of its pores
 * gone and a* - 2.5 (each shot rendered treated and untreated with the same
 * camera and noise, and joined where the skin point crosses the zones'
 * border). Checked:
 *  - truth: each zone's change against the painted truth, the mean over
 *    each session's shots of the truth's figures of that half of the skin
 *    (skd_synth of the half alone, without camera or sensor noise):
 *    Sa within 3.5 points of percent, pore density within 2.5 points, a*
 *    within 0.02 (largest errors measured over both zones: 2.19, 0.96,
 *    0.003; Sa reads relief changes a little small, as in
 *    test_compare_replicate_means);
 *  - verdicts: the cheek's pore density and a* improved, the forehead's
 *    Sa, pore density and a* no significant change;
 *  - the definition: means, interval t(0.975, df) sqrt(s_b^2/n_b +
 *    s_a^2/n_a) (+ the Poisson term over the zone's area for pore
 *    density) and floor t sqrt(2) SD, recomputed here from skd_compare and
 *    skd_compare_zones of each replicate against its session's first
 *    photo (zones mapped with a transform convention written out here),
 *    to 1e-9 relative;
 *  - a zone missing in a replicate (a mask hides the forehead in one
 *    before shot): that shot is left out of the forehead's means and
 *    spread (n_before 2, df 3) and not out of the cheek's;
 *  - one photo per session: skd_compare + skd_compare_zones exactly;
 *    the whole region: skd_compare_sessions exactly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/rng.h"
#include "synth_util.h"

#define W 520
#define H 360
#define PX 20.0
#define SHOTS 3
#define SKIN 41
#define RELIEF_NOISE 0.03
#define A_NOISE 0.3
#define KEEP 0.6
#define DELTA_A (-2.5)
#define CHEEK SKD_ZONE_LEFT_CHEEK
#define BROW SKD_ZONE_FOREHEAD

/* t(0.975, df) for df 1..4, written here (not the library's table). */
static double t975(unsigned df)
{
    static const double t[] = {NAN, 12.7062, 4.30265, 3.18245, 2.77645};
    return df < 5 ? t[df] : NAN;
}

typedef struct shot_spec {
    double relief, da, dx, dy;
    uint64_t noise;
} shot_spec;

static void synth_params(skd_synth_params *p, uint32_t w, double off_x)
{
    skd_synth_defaults(p, w, H, PX);
    p->seed = SKIN;
    p->red_patches = 0;
    p->offset_x_mm = off_x;
}

/* One shot (skd_synth's after photo of the shot's skin through its
 * camera), treated in the cheek when `treated`. */
static skd_image *render(skd_ctx *ctx, const shot_spec *s, int treated,
                         double keep, double da)
{
    skd_synth_params p;
    skd_image *b = NULL, *a = NULL;
    synth_params(&p, W, 0);
    p.after_noise_seed = s->noise;
    p.relief_scale = s->relief;
    p.delta_a = s->da + (treated ? da : 0);
    p.keep_pores = treated ? keep : 1.0;
    p.camera = (skd_transform){s->dx, s->dy, 0, 1, 1};
    if (skd_synth(ctx, &p, &b, &a, NULL) != SKD_OK) {
        skd_image_free(a);
        a = NULL;
    }
    skd_image_free(b);
    return a;
}

static skd_image *shot(skd_ctx *ctx, const shot_spec *s, int treated)
{
    skd_image *t, *u;
    if (!treated)
        return render(ctx, s, 0, 1, 0);
    t = render(ctx, s, 1, KEEP, DELTA_A);
    u = render(ctx, s, 0, 1, 0);
    if (t && u)
        for (uint32_t y = 0; y < H; y++)
            for (uint32_t x = 0; x < W; x++) {
                /* the after pixel shows before pixel (x + dx, y + dy) */
                if (x + s->dx < W / 2.0 - 0.5)
                    continue;
                memcpy(t->rgb + ((size_t)y * W + x) * 3,
                       u->rgb + ((size_t)y * W + x) * 3, 3 * sizeof *t->rgb);
            }
    skd_image_free(u);
    return t;
}

/* The truth of a half of the skin (left: the cheek) for a shot: skd_synth
 * of that half alone, the same pixel grid, no camera, no sensor noise. */
typedef struct figures {
    double sa, density, a;
} figures;

static int half_truth(skd_ctx *ctx, const shot_spec *s, int left, int treated,
                      figures *f)
{
    skd_synth_params p;
    skd_image *b = NULL, *a = NULL;
    char *json = NULL;
    int st;
    /* the half's centre: 6.5 mm either side of the frame's */
    synth_params(&p, W / 2, left ? -W / 4 / PX : W / 4 / PX);
    p.noise_sigma = 0;
    p.relief_scale = s->relief;
    p.delta_a = s->da + (treated && left ? DELTA_A : 0);
    p.keep_pores = treated && left ? KEEP : 1.0;
    st = skd_synth(ctx, &p, &b, &a, &json);
    if (st == SKD_OK) {
        f->sa = util_truth_num(json, "after", "sa");
        f->density = util_truth_num(json, "after", "density_per_cm2");
        f->a = util_truth_num(json, "after", "a_mean");
    }
    skd_free(ctx, json);
    skd_image_free(b);
    skd_image_free(a);
    return st;
}

/* zb's labels on a photo of the same size that c's transform maps onto
 * zb's frame, nearest pixel rounding half up (docs/comparing.md's
 * convention, written out independently of the library's): the caller
 * frees z->labels. */
static int mapped_zones(const skd_zones *zb, const skd_transform *t,
                        skd_zones *z)
{
    double c = cos(t->rotation_deg * M_PI / 180) * t->scale;
    double s = sin(t->rotation_deg * M_PI / 180) * t->scale;
    double cx = (W - 1) / 2.0, cy = (H - 1) / 2.0;
    memset(z, 0, sizeof *z);
    z->width = W;
    z->height = H;
    z->source = zb->source;
    z->labels = calloc((size_t)W * H, 1);
    if (!z->labels)
        return 0;
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) {
            double bx = c * (x - cx) - s * (y - cy) + cx + t->dx;
            double by = s * (x - cx) + c * (y - cy) + cy + t->dy;
            double fx = floor(bx + 0.5), fy = floor(by + 0.5);
            if (fx >= 0 && fy >= 0 && fx < W && fy < H)
                z->labels[(size_t)y * W + x] =
                    zb->labels[(size_t)fy * W + (size_t)fx];
        }
    return 1;
}

static int relative(skd_metric_id m)
{
    return m == SKD_METRIC_SA || m == SKD_METRIC_SQ ||
           m == SKD_METRIC_PORE_DENSITY || m == SKD_METRIC_PORE_DIAMETER ||
           m == SKD_METRIC_PORE_AREA;
}

/* One session's within-session zone changes, recomputed: d[j][zone][m]
 * for j = 1..n-1 (NaN where the zone does not count: no common skin or
 * fewer than 2 tiles). */
typedef double session_d[SHOTS][SKD_ZONE_COUNT][SKD_METRIC_COUNT];

static void within(skd_ctx *ctx, skd_session_photo *p, const skd_zones *z1,
                   session_d d)
{
    for (int j = 1; j < SHOTS; j++) {
        skd_comparison *w = NULL;
        skd_zone_comparison *wz = calloc(1, sizeof *wz);
        for (int z = 0; z < SKD_ZONE_COUNT; z++)
            for (int m = 0; m < SKD_METRIC_COUNT; m++)
                d[j][z][m] = NAN;
        CHECK(wz != NULL);
        CHECK_STATUS(skd_compare(ctx, p[0].image, p[0].spec, p[j].image,
                                 p[j].spec, &w), SKD_OK);
        if (w && wz)
            CHECK_STATUS(skd_compare_zones(ctx, w, p[0].image, p[j].image, z1,
                                           NULL, wz), SKD_OK);
        for (int z = 1; w && wz && z < SKD_ZONE_COUNT; z++) {
            const skd_zone_change *zc = &wz->zone[z];
            if (!zc->measured || zc->tiles_used < 2)
                continue;
            for (int m = 0; m < SKD_METRIC_COUNT; m++)
                d[j][z][m] = relative((skd_metric_id)m)
                                 ? zc->change[m].change_pct
                                 : zc->change[m].change;
        }
        skd_comparison_free(w);
        free(wz);
    }
}

/* Mean, sum of squares and count of a session's d (the first photo's 0
 * included). */
static void moments(session_d d, int z, int m, double *mean, double *ss,
                    int *k)
{
    double v[SHOTS];
    *k = 0;
    for (int j = 0; j < SHOTS; j++)
        if (j == 0 || isfinite(d[j][z][m]))
            v[(*k)++] = j ? d[j][z][m] : 0.0;
    *mean = 0;
    for (int i = 0; i < *k; i++)
        *mean += v[i] / *k;
    *ss = 0;
    for (int i = 0; i < *k; i++)
        *ss += (v[i] - *mean) * (v[i] - *mean);
}

/* The library's zone figures against the recomputed ones. */
static void check_definition(const skd_zone_comparison *pair,
                             const skd_zone_comparison *got, session_d db,
                             session_d da, int zone, int want_nb, int want_na)
{
    const skd_replicates *r = &got->replicates[zone];
    CHECK(r->n_before == (uint32_t)want_nb && r->n_after == (uint32_t)want_na);
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        skd_metric_id id = (skd_metric_id)m;
        const skd_change *p = &pair->zone[zone].change[m];
        const skd_change *g = &got->zone[zone].change[m];
        double mb, ma, ssb, ssa, sd, before, after, sb, sa, half;
        int kb, ka;
        unsigned df;
        moments(db, zone, m, &mb, &ssb, &kb);
        moments(da, zone, m, &ma, &ssa, &ka);
        df = (unsigned)(kb - 1 + ka - 1);
        CHECK(r->df[m] == df);
        CHECK_NEAR(r->pair_change[m], p->change, 1e-12 * fabs(p->change));
        if (df == 0 || !isfinite(p->before))
            continue;
        sd = sqrt((ssb + ssa) / df);
        before = relative(id) ? p->before * (1 + mb / 100) : p->before + mb;
        after = relative(id) ? p->after * (1 + ma / 100) : p->after + ma;
        sb = relative(id) ? sd * fabs(before) / 100 : sd;
        sa = relative(id) ? sd * fabs(after) / 100 : sd;
        half = t975(df) * sqrt(sb * sb / kb + sa * sa / ka);
        if (id == SKD_METRIC_PORE_DENSITY)
            half = hypot(half, 1.96 * sqrt((before + after) /
                                           got->zone[zone].area_cm2));
        CHECK_NEAR(g->before, before, 1e-9 * fabs(before) + 1e-12);
        CHECK_NEAR(g->after, after, 1e-9 * fabs(after) + 1e-12);
        CHECK_NEAR(g->ci_high - g->change, half, 1e-4 * half + 1e-12);
        CHECK_NEAR(g->change - g->ci_low, half, 1e-4 * half + 1e-12);
        CHECK_NEAR(r->sd[m], sd, 1e-9 * sd + 1e-12);
        CHECK_NEAR(r->floor[m], t975(df) * sqrt(2.0) * sb,
                   1e-4 * t975(df) * sqrt(2.0) * sb + 1e-12);
        if (skd_verdict_name(g->verdict) && g->floor_source &&
            !strcmp(g->floor_source, "replicates"))
            CHECK_NEAR(g->noise_floor, r->floor[m], 1e-12 * r->floor[m]);
    }
}

typedef struct session_set {
    shot_spec spec[2][SHOTS];
    skd_image *img[2][SHOTS];
    skd_session_photo photo[2][SHOTS];
    figures truth[2][SHOTS][2]; /* [session][shot][left half?] */
} session_set;

static int make_sessions(skd_ctx *ctx, skd_rng *rng, session_set *s)
{
    int ok = 1;
    memset(s, 0, sizeof *s);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < SHOTS; j++) {
            shot_spec *p = &s->spec[i][j];
            p->relief = 1.0 + RELIEF_NOISE * skd_rng_normal(rng);
            p->da = A_NOISE * skd_rng_normal(rng);
            p->dx = j ? 6 * skd_rng_uniform(rng) - 3 : 0;
            p->dy = j ? 6 * skd_rng_uniform(rng) - 3 : 0;
            /* the first after shot's camera moved too, so the zones of the
             * after session's replicates must be mapped, not copied */
            if (i == 1 && j == 0) {
                p->dx = 7;
                p->dy = -5;
            }
            p->noise = (uint64_t)(10 * i + j + 3);
            s->img[i][j] = shot(ctx, p, i);
            s->photo[i][j].image = s->img[i][j];
            ok = ok && s->img[i][j] &&
                 half_truth(ctx, p, 1, i, &s->truth[i][j][1]) == SKD_OK &&
                 half_truth(ctx, p, 0, i, &s->truth[i][j][0]) == SKD_OK;
        }
    return ok;
}

static void free_sessions(session_set *s)
{
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < SHOTS; j++)
            skd_image_free(s->img[i][j]);
}

/* The truth's change of the sessions' means for one half. */
static void truth_change(const session_set *s, int left, double want[3])
{
    figures mean[2] = {{0, 0, 0}, {0, 0, 0}};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < SHOTS; j++) {
            mean[i].sa += s->truth[i][j][left].sa / SHOTS;
            mean[i].density += s->truth[i][j][left].density / SHOTS;
            mean[i].a += s->truth[i][j][left].a / SHOTS;
        }
    want[0] = 100 * (mean[1].sa / mean[0].sa - 1);
    want[1] = 100 * (mean[1].density / mean[0].density - 1);
    want[2] = mean[1].a - mean[0].a;
}

static void check_truth(const session_set *s, const skd_zone_comparison *zc)
{
    static const int zone[2] = {BROW, CHEEK};
    for (int left = 0; left < 2; left++) {
        const skd_change *ch = zc->zone[zone[left]].change;
        const skd_change *sa = &ch[SKD_METRIC_SA];
        const skd_change *pd = &ch[SKD_METRIC_PORE_DENSITY];
        const skd_change *am = &ch[SKD_METRIC_A_MEAN];
        double want[3];
        truth_change(s, left, want);
        REPORT("%s: Sa %+.2f%% (truth %+.2f) [%s], pore density %+.2f%% "
               "(truth %+.2f) [%+.1f, %+.1f] per cm2 %s, a* %+.3f (truth %+.3f) "
               "[%+.2f, %+.2f] %s, floors %.3f %.2f %.2f",
               skd_zone_name((skd_zone)zone[left]), sa->change_pct, want[0],
               skd_verdict_name(sa->verdict), pd->change_pct, want[1],
               pd->ci_low, pd->ci_high, skd_verdict_name(pd->verdict),
               am->change, want[2], am->ci_low, am->ci_high,
               skd_verdict_name(am->verdict), sa->noise_floor,
               pd->noise_floor, am->noise_floor);
        CHECK_NEAR(sa->change_pct, want[0], 3.5);  /* measured 2.19 */
        CHECK_NEAR(pd->change_pct, want[1], 2.5);  /* measured 0.96 */
        CHECK_NEAR(am->change, want[2], 0.02);     /* measured 0.003 */
        if (left) {
            CHECK(pd->verdict == SKD_IMPROVED);
            CHECK(am->verdict == SKD_IMPROVED);
        } else {
            CHECK(sa->verdict == SKD_NO_SIGNIFICANT_CHANGE);
            CHECK(pd->verdict == SKD_NO_SIGNIFICANT_CHANGE);
            CHECK(am->verdict == SKD_NO_SIGNIFICANT_CHANGE);
        }
    }
}

/* Runs the sessions through skd_compare_sessions_zones and checks the
 * zones against the recomputation; returns the zone comparison (freed by
 * the caller) or NULL. */
static skd_zone_comparison *run(skd_ctx *ctx, session_set *s,
                                const skd_zones *zb, int brow_nb)
{
    skd_comparison *c = NULL, *pair = NULL, *whole = NULL;
    skd_zone_comparison *zc = calloc(1, sizeof *zc);
    skd_zone_comparison *zp = calloc(1, sizeof *zp);
    session_d *d = calloc(2, sizeof *d);
    skd_zones za1;
    memset(&za1, 0, sizeof za1);
    CHECK(zc && zp && d);
    if (!zc || !zp || !d)
        goto done;
    CHECK_STATUS(skd_compare_sessions_zones(ctx, s->photo[0], SHOTS,
                                            s->photo[1], SHOTS, zb, NULL, &c,
                                            zc), SKD_OK);
    CHECK_STATUS(skd_compare(ctx, s->img[0][0], s->photo[0][0].spec,
                             s->img[1][0], s->photo[1][0].spec, &pair),
                 SKD_OK);
    CHECK_STATUS(skd_compare_sessions(ctx, s->photo[0], SHOTS, s->photo[1],
                                      SHOTS, &whole), SKD_OK);
    if (!c || !pair || !whole)
        goto done;
    CHECK_STATUS(skd_compare_zones(ctx, pair, s->img[0][0], s->img[1][0], zb,
                                   NULL, zp), SKD_OK);
    CHECK(mapped_zones(zb, &pair->transform, &za1));
    within(ctx, s->photo[0], zb, d[0]);
    within(ctx, s->photo[1], &za1, d[1]);
    check_definition(zp, zc, d[0], d[1], CHEEK, SHOTS, SHOTS);
    check_definition(zp, zc, d[0], d[1], BROW, brow_nb, SHOTS);
    /* the whole region is skd_compare_sessions' */
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        CHECK(c->change[m].change == whole->change[m].change);
        CHECK(c->change[m].ci_low == whole->change[m].ci_low);
        CHECK(zc->zone[SKD_ZONE_WHOLE].change[m].change ==
              whole->change[m].change);
    }
done:
    free(za1.labels);
    free(d);
    free(zp);
    skd_comparison_free(c);
    skd_comparison_free(pair);
    skd_comparison_free(whole);
    return zc;
}

/* One photo each: skd_compare and skd_compare_zones, figure for figure. */
static void test_one_each(skd_ctx *ctx, session_set *s, const skd_zones *zb)
{
    skd_comparison *c = NULL, *p = NULL;
    skd_zone_comparison *zc = calloc(1, sizeof *zc), *zp = calloc(1, sizeof *zp);
    CHECK(zc && zp);
    if (zc && zp) {
        CHECK_STATUS(skd_compare_sessions_zones(ctx, s->photo[0], 1,
                                                s->photo[1], 1, zb, NULL, &c,
                                                zc), SKD_OK);
        CHECK_STATUS(skd_compare(ctx, s->img[0][0], NULL, s->img[1][0], NULL,
                                 &p), SKD_OK);
    }
    if (c && p) {
        CHECK_STATUS(skd_compare_zones(ctx, p, s->img[0][0], s->img[1][0], zb,
                                       NULL, zp), SKD_OK);
        for (int z = 0; z < SKD_ZONE_COUNT; z++) {
            CHECK(zc->zone[z].measured == zp->zone[z].measured);
            CHECK(zc->zone[z].tiles_used == zp->zone[z].tiles_used);
            for (int m = 0; m < SKD_METRIC_COUNT; m++) {
                const skd_change *a = &zc->zone[z].change[m];
                const skd_change *b = &zp->zone[z].change[m];
                CHECK(memcmp(&a->before, &b->before, 7 * sizeof(double)) == 0);
                CHECK(a->verdict == b->verdict);
                CHECK(!strcmp(a->reason, b->reason));
                CHECK((!a->floor_source && !b->floor_source) ||
                      (a->floor_source && b->floor_source &&
                       !strcmp(a->floor_source, b->floor_source)));
                CHECK(zc->replicates[z].df[m] == 0);
            }
        }
    }
    skd_comparison_free(c);
    skd_comparison_free(p);
    free(zc);
    free(zp);
}

/* A mask hiding the forehead (the right half) of the before session's
 * third shot: that shot has no forehead to compare. */
static void test_zone_missing(skd_ctx *ctx, session_set *s,
                              const skd_zones *zb)
{
    skd_image *mask = NULL;
    skd_region_spec spec;
    skd_zone_comparison *zc;
    if (skd_image_create(ctx, W, H, &mask) != SKD_OK) {
        CHECK(0);
        return;
    }
    for (size_t i = 0; i < (size_t)W * H; i++)
        for (int k = 0; k < 3; k++)
            mask->rgb[3 * i + k] = i % W < W / 2 - 20 ? 65535 : 0;
    memset(&spec, 0, sizeof spec);
    spec.mask = mask;
    s->photo[0][2].spec = &spec;
    zc = run(ctx, s, zb, 2);
    if (zc) {
        const skd_replicates *r = &zc->replicates[BROW];
        REPORT("forehead hidden in one before shot: n %u + %u, df %u, Sa "
               "%+.2f%%; cheek n %u + %u, df %u", r->n_before, r->n_after,
               r->df[SKD_METRIC_SA],
               zc->zone[BROW].change[SKD_METRIC_SA].change_pct,
               zc->replicates[CHEEK].n_before, zc->replicates[CHEEK].n_after,
               zc->replicates[CHEEK].df[SKD_METRIC_SA]);
        CHECK(r->n_before == 2 && r->df[SKD_METRIC_SA] == 3);
        CHECK(zc->replicates[CHEEK].df[SKD_METRIC_SA] == 4);
        CHECK(!strcmp(zc->zone[BROW].change[SKD_METRIC_SA].floor_source,
                      "replicates"));
    }
    free(zc);
    s->photo[0][2].spec = NULL;
    skd_image_free(mask);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_zones *zb = NULL;
    skd_rng rng;
    session_set *s = calloc(1, sizeof *s);
    CHECK(ctx != NULL && s != NULL);
    if (!ctx || !s) {
        free(s);
        skd_ctx_free(ctx);
        return check_done("test_compare_zone_replicates");
    }
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, PX);
    skd_rng_seed(&rng, 1307);
    zb = check_zone_halves(ctx, W, H, CHEEK, BROW);
    CHECK(zb != NULL);
    CHECK(make_sessions(ctx, &rng, s));
    if (zb && s->img[1][SHOTS - 1]) {
        skd_zone_comparison *zc = run(ctx, s, zb, SHOTS);
        if (zc) {
            CHECK(zc->replicates[CHEEK].df[SKD_METRIC_SA] == 4);
            CHECK(!strcmp(zc->zone[CHEEK].change[SKD_METRIC_SA].floor_source,
                          "replicates"));
            check_truth(s, zc);
        }
        free(zc);
        test_zone_missing(ctx, s, zb);
        test_one_each(ctx, s, zb);
    }
    free_sessions(s);
    free(s);
    skd_zones_free(zb);
    skd_ctx_free(ctx);
    return check_done("test_compare_zone_replicates");
}
