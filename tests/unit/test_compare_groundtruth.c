/* Acceptance of the whole comparison on synthetic skin with known truth
 * (skd_synth): 900 x 700 photos at 20 px/mm, the camera moved between
 * sessions.
 *  - Null pairs (same skin, new sensor noise, moved camera): every verdict
 *    is "no significant change"; Sa and pore density change by < 3%, a*
 *    mean by < 0.3.
 *  - Treated pairs: every headline figure follows its truth: "improved"
 *    when the true change is at least twice the noise floor, with the
 *    change within a few points of the truth and the interval covering
 *    it; "no significant change" when the truth is under half the floor
 *    (fewer pores also smooth the texture band, so "pores only" moves Sa
 *    too, and the truth says by how much).
 * Each case runs twice: with the true camera transform (skd_compare's steps
 * after registration, so a failure points at compare, not register), and
 * through the public skd_compare with registration. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "synth_util.h"
#include "compare/compare.h"

#define W 900
#define H 700
#define PX 20.0

/* The acceptance criteria of docs/comparing.md (null pairs). */
#define NULL_REL_PCT 3.0   /* Sa, pore density: |change| < 3% */
#define NULL_A 0.3         /* a* mean: |change| < 0.3 */
/* What the code achieves, 2-3x the worst error measured over the six cases
 * and both routes (the truth is the whole frames' change, the figures the
 * common region's, so part of the error is sampling, not code). */
#define TRUTH_SA_PCT 2.4   /* Sa change vs truth, points: worst 0.96 */
#define TRUTH_DENSITY_PCT 2.0 /* pore density change, points: worst 0.84 */
#define TRUTH_A 0.16       /* a* mean change: worst 0.065 */
#define TRUTH_EI 0.2       /* erythema index change: worst 0.083 */
#define NULL_SA_PCT 0.15   /* null pairs, |Sa change|: worst 0.05% */
#define NULL_DENSITY_PCT 1.0 /* null pairs, |density change|: worst 0.35% */
#define NULL_A_MEASURED 0.005 /* null pairs, |a* change|: worst 0.0015 */

typedef struct truth {
    double sa_pct, density_pct, a_mean, a_median, erythema, red_area_pts;
} truth;

static truth read_truth(const char *json)
{
    truth t;
#define CHG(key) (util_truth_num(json, "after", key) - util_truth_num(json, "before", key))
#define PCT(key) (100 * (util_truth_num(json, "after", key) /                       \
                             util_truth_num(json, "before", key) - 1))
    t.sa_pct = PCT("sa");
    t.density_pct = PCT("density_per_cm2");
    t.a_mean = CHG("a_mean");
    t.a_median = CHG("a_median");
    t.erythema = CHG("erythema_index_image");
    t.red_area_pts = 100 * CHG("red_area_fraction");
#undef CHG
#undef PCT
    return t;
}

typedef struct gt_case {
    const char *name;
    uint64_t seed;
    skd_transform camera;
    double keep_pores, relief_scale, delta_a, red_patch_scale;
    int null; /* no treatment: the null-pair criteria apply */
} gt_case;

static const gt_case cases[] = {
    {"null, camera still", 11, {0, 0, 0, 1, 1}, 1, 1, 0, 1, 1},
    {"null, camera moved", 12, {37.3, -21.6, 3.0, 1.04, 1}, 1, 1, 0, 1, 1},
    {"null, camera moved back", 13, {-28.4, 15.2, -4.5, 0.97, 1}, 1, 1, 0, 1,
     1},
    {"treated: all", 21, {24.7, 18.1, -2.0, 1.02, 1}, 0.6, 0.8, -1.5, 0.5, 0},
    {"treated: redness only", 22, {-17.5, 9.5, 1.5, 1, 1}, 1, 1, -1.2, 0.4, 0},
    {"treated: pores only", 23, {12.0, -30.0, 2.5, 0.98, 1}, 0.5, 1, 0, 1, 0},
};

static void print_change(const skd_comparison *c, skd_metric_id m)
{
    const skd_change *ch = &c->change[m];
    REPORT("  %-19s %9.4f -> %9.4f %+9.4f (%+7.2f%%) [%+.4f, %+.4f] "
           "floor %.3f  %s", skd_metric_label(m), ch->before, ch->after,
           ch->change, ch->change_pct, ch->ci_low, ch->ci_high,
           ch->noise_floor, skd_verdict_name(ch->verdict));
}

/* One figure against its truth (both in the same unit: % change for the
 * relative figures, absolute change for the others). The verdict must
 * follow the truth: a true change under half the floor is "no significant
 * change"; one of at least twice the floor, downwards, is "improved", the
 * measured change is within tol of it and the interval covers it. In
 * between, either verdict is defensible and only the distance is checked. */
static void against_truth(const skd_change *ch, skd_metric_id m, double got,
                          double want, double floor, double tol, int interval)
{
    double scale = got == ch->change ? 1 : ch->before / 100;
    if (fabs(want) < floor / 2) {
        if (ch->verdict != SKD_NO_SIGNIFICANT_CHANGE)
            fprintf(stderr, "  %s: true change %.3f is below the floor %.3f\n",
                    skd_metric_key(m), want, floor);
        CHECK(ch->verdict == SKD_NO_SIGNIFICANT_CHANGE);
    } else if (want <= -2 * floor) {
        if (ch->verdict != SKD_IMPROVED)
            fprintf(stderr, "  %s: true change %.3f beyond the floor %.3f\n",
                    skd_metric_key(m), want, floor);
        CHECK(ch->verdict == SKD_IMPROVED);
        if (interval)
            CHECK(ch->ci_low <= want * scale && want * scale <= ch->ci_high);
    }
    CHECK_NEAR(got, want, tol);
}

static void judge(const gt_case *k, const skd_comparison *c, const truth *t,
                  const char *via)
{
    const skd_change *ch = c->change;
    int failures = check_failures;

    REPORT("%s (%s): %u tiles, %.2f cm2 common; truth Sa %+.2f%%, density "
           "%+.2f%%, a* %+.3f, EI %+.3f, red area %+.2f points", k->name, via,
           c->tiles_used, c->common_area_cm2, t->sa_pct, t->density_pct,
           t->a_mean, t->erythema, t->red_area_pts);
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        print_change(c, (skd_metric_id)m);
    CHECK(c->tiles_used >= 30);

    against_truth(&ch[SKD_METRIC_SA], SKD_METRIC_SA,
                  ch[SKD_METRIC_SA].change_pct, t->sa_pct, 3.0, TRUTH_SA_PCT, 1);
    against_truth(&ch[SKD_METRIC_PORE_DENSITY], SKD_METRIC_PORE_DENSITY,
                  ch[SKD_METRIC_PORE_DENSITY].change_pct, t->density_pct, 5.0,
                  TRUTH_DENSITY_PCT, 1);
    against_truth(&ch[SKD_METRIC_A_MEAN], SKD_METRIC_A_MEAN,
                  ch[SKD_METRIC_A_MEAN].change, t->a_mean, 0.5, TRUTH_A, 1);
    against_truth(&ch[SKD_METRIC_ERYTHEMA], SKD_METRIC_ERYTHEMA,
                  ch[SKD_METRIC_ERYTHEMA].change, t->erythema, 1.0, TRUTH_EI, 0);
    /* red area: few red pixels, so only the verdict and the interval */
    against_truth(&ch[SKD_METRIC_RED_AREA], SKD_METRIC_RED_AREA,
                  ch[SKD_METRIC_RED_AREA].change, t->red_area_pts, 0.5,
                  INFINITY, 1);

    if (k->null) {
        /* the criteria for a pair without treatment (docs/comparing.md) */
        CHECK(fabs(ch[SKD_METRIC_SA].change_pct) < NULL_REL_PCT);
        CHECK(fabs(ch[SKD_METRIC_PORE_DENSITY].change_pct) < NULL_REL_PCT);
        CHECK(fabs(ch[SKD_METRIC_A_MEAN].change) < NULL_A);
        CHECK(fabs(ch[SKD_METRIC_SA].change_pct) < NULL_SA_PCT);
        CHECK(fabs(ch[SKD_METRIC_PORE_DENSITY].change_pct) < NULL_DENSITY_PCT);
        CHECK(fabs(ch[SKD_METRIC_A_MEAN].change) < NULL_A_MEASURED);
        for (int m = 0; m < SKD_METRIC_COUNT; m++)
            CHECK(ch[m].verdict == SKD_NO_SIGNIFICANT_CHANGE);
    }
    if (check_failures != failures)
        fprintf(stderr, "  ^ case '%s' (%s) failed\n", k->name, via);
}

/* Steps 2-8 with the camera's true transform. */
static void run_known_transform(skd_ctx *ctx, const gt_case *k,
                                const skd_image *b, const skd_image *a,
                                const truth *t)
{
    skd_comparison *c = skd_comparison_new(ctx);
    int st;
    if (!c) {
        CHECK(c != NULL);
        return;
    }
    c->transform = k->camera;
    st = skd_compare_analyze(ctx, b, NULL, a, NULL, c);
    if (st == SKD_OK)
        st = skd_compare_measured(ctx, c, b, a);
    CHECK_STATUS(st, SKD_OK);
    if (st == SKD_OK)
        judge(k, c, t, "true transform");
    else
        REPORT("%s: %s", k->name, skd_ctx_message(ctx));
    skd_comparison_free(c);
}

/* The public call: registration finds the transform. */
static void run_registered(skd_ctx *ctx, const gt_case *k, const skd_image *b,
                           const skd_image *a, const truth *t)
{
    skd_comparison *c = NULL;
    int st = skd_compare(ctx, b, NULL, a, NULL, &c);
    CHECK_STATUS(st, SKD_OK);
    if (st != SKD_OK) {
        REPORT("%s: %s", k->name, skd_ctx_message(ctx));
        return;
    }
    REPORT("%s: registered dx %.2f dy %.2f rot %.3f scale %.4f conf %.2f "
           "(camera %.2f %.2f %.3f %.4f)", k->name, c->transform.dx,
           c->transform.dy, c->transform.rotation_deg, c->transform.scale,
           c->transform.confidence, k->camera.dx, k->camera.dy,
           k->camera.rotation_deg, k->camera.scale);
    judge(k, c, t, "registered");
    skd_comparison_free(c);
}

static void run_case(const gt_case *k)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_synth_params p;
    skd_image *b = NULL, *a = NULL;
    char *json = NULL;
    truth t;
    int st;

    /* The synthetic camera keeps one white balance for both photos, so
     * colour is as good as calibrated: judge a* and EI against the
     * calibrated floors (test_compare_acquisition tests the others). */
    skd_ctx_set(ctx, SKD_OPT_FLOOR_A_UNCAL, 0.5);
    skd_ctx_set(ctx, SKD_OPT_FLOOR_EI_UNCAL, 1.0);

    skd_synth_defaults(&p, W, H, PX);
    p.seed = k->seed;
    p.after_noise_seed = k->seed + 1000;
    p.camera = k->camera;
    p.keep_pores = k->keep_pores;
    p.relief_scale = k->relief_scale;
    p.delta_a = k->delta_a;
    p.red_patch_scale = k->red_patch_scale;
    st = skd_synth(ctx, &p, &b, &a, &json);
    CHECK_STATUS(st, SKD_OK);
    if (st == SKD_OK) {
        t = read_truth(json);
        CHECK(isfinite(t.sa_pct) && isfinite(t.density_pct) &&
              isfinite(t.a_mean) && isfinite(t.red_area_pts));
        skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, PX);
        run_known_transform(ctx, k, b, a, &t);
        run_registered(ctx, k, b, a, &t);
    } else {
        REPORT("synth: %s", skd_ctx_message(ctx));
    }
    skd_free(ctx, json);
    skd_image_free(b);
    skd_image_free(a);
    skd_ctx_free(ctx);
}

int main(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i]);
    return check_done("test_compare_groundtruth");
}
