/* skd_compare_sessions reports the change of the sessions' MEANS, with the
 * interval t(0.975, df) sqrt(sd_b^2 / n_b + sd_a^2 / n_a) from the pooled
 * within-session spread. Ground truth: TRIALS pairs of sessions of
 * synthetic skin (skd_synth, 320 x 256 at 20 px/mm, a new skin per trial),
 * 3 photos per session. Every photo gets KNOWN per-shot noise: its relief
 * is the session's times (1 + 0.03 z) and its base a* the session's plus
 * 0.3 z (z standard normal, drawn here), seen by a camera moved by up to
 * 3 px with new sensor noise. The true change is the truth's figure of
 * the after skin (relief x 0.85, a* - 1) against the before skin's, with
 * no shot noise. Checked:
 *  - the means' change is nearer the truth than the first photos' own
 *    change (RMS error over the trials; averaging 3 photos per session
 *    should shrink the shot noise by sqrt(3));
 *  - the 95% interval holds the true change in at least 16 of 20 trials
 *    for Sa and for a* (at a true 95% rate, 15 or fewer happens with
 *    probability 1.6%);
 *  - the pooled SD matches the truth's per-shot spread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "compare/compare.h"
#include "synth_util.h"
#include "core/rng.h"

#define W 320
#define H 256
#define PX 20.0
#define TRIALS 20
#define SHOTS 3
#define RELIEF_NOISE 0.03 /* relative, per shot */
#define A_NOISE 0.3       /* a* units, per shot */

typedef struct truth {
    double sa, a;
} truth;

/* The skin of trial `skin` with relief x relief and a* + da, through a
 * camera shifted by (dx, dy): skd_synth's after photo and its truth. */
static skd_image *shot(skd_ctx *ctx, uint64_t skin, double relief, double da,
                       double dx, double dy, uint64_t noise, truth *t,
                       truth *before_skin)
{
    skd_synth_params p;
    skd_image *b = NULL, *a = NULL;
    char *json = NULL;
    skd_synth_defaults(&p, W, H, PX);
    p.seed = skin;
    p.after_noise_seed = noise;
    p.relief_scale = relief;
    p.delta_a = da;
    p.camera = (skd_transform){dx, dy, 0, 1, 1};
    if (skd_synth(ctx, &p, &b, &a, &json) != SKD_OK || !json) {
        skd_image_free(b);
        skd_image_free(a);
        skd_free(ctx, json);
        return NULL;
    }
    t->sa = util_truth_num(json, "after", "sa");
    t->a = util_truth_num(json, "after", "a_mean");
    if (before_skin) {
        before_skin->sa = util_truth_num(json, "before", "sa");
        before_skin->a = util_truth_num(json, "before", "a_mean");
    }
    skd_free(ctx, json);
    skd_image_free(b);
    return a;
}

typedef struct tally {
    double se_mean[2], se_pair[2]; /* squared errors: Sa %, a* */
    int covered[2], done;
    double ss_truth, ss_read;       /* Sa spread, percent of the figure */
    unsigned df;
} tally;

/* Sum of squares of the truth's Sa about the session's mean, in percent
 * of the first photo's (as the library pools it). */
static double truth_ss(const truth *t)
{
    double sum = 0, sum2 = 0;
    for (int j = 0; j < SHOTS; j++) {
        double x = 100.0 * (t[j].sa / t[0].sa - 1.0);
        sum += x;
        sum2 += x * x;
    }
    return sum2 - sum * sum / SHOTS;
}

static void trial(skd_ctx *ctx, int k, skd_rng *rng, tally *out)
{
    static const double relief[2] = {1.0, 0.85}, da[2] = {0.0, -1.0};
    skd_image *img[2][SHOTS] = {{NULL}};
    skd_session_photo s[2][SHOTS];
    truth t[2][SHOTS], skin[2];
    skd_comparison *c = NULL;
    uint64_t seed = 1000 + (uint64_t)k;
    int ok = 1;

    memset(s, 0, sizeof s);
    /* the true skins: no shot noise */
    skd_image_free(shot(ctx, seed, relief[1], da[1], 0, 0, 1, &skin[1],
                        &skin[0]));
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < SHOTS; j++) {
            double r = relief[i] * (1.0 + RELIEF_NOISE * skd_rng_normal(rng));
            double a = da[i] + A_NOISE * skd_rng_normal(rng);
            double dx = 6 * skd_rng_uniform(rng) - 3;
            double dy = 6 * skd_rng_uniform(rng) - 3;
            img[i][j] = shot(ctx, seed, r, a, dx, dy,
                             (uint64_t)(k * 100 + i * 10 + j + 2), &t[i][j],
                             NULL);
            ok = ok && img[i][j];
            s[i][j].image = img[i][j];
        }
    CHECK(ok);
    if (ok)
        CHECK_STATUS(skd_compare_sessions(ctx, s[0], SHOTS, s[1], SHOTS, &c),
                     SKD_OK);
    if (c) {
        const skd_replicates *r = &c->replicates;
        const skd_metric_id id[2] = {SKD_METRIC_SA, SKD_METRIC_A_MEAN};
        /* Sa in percent of the before skin's, a* in its unit */
        double want[2] = {100.0 * (skin[1].sa / skin[0].sa - 1.0),
                          skin[1].a - skin[0].a};
        for (int m = 0; m < 2; m++) {
            const skd_change *ch = &c->change[id[m]];
            double scale = m == 0 ? 100.0 / ch->before : 1.0;
            double got = ch->change * scale;
            double pair = r->pair_change[id[m]] * scale;
            double lo = ch->ci_low * scale, hi = ch->ci_high * scale;
            CHECK(r->df[id[m]] == 2 * (SHOTS - 1));
            out->se_mean[m] += (got - want[m]) * (got - want[m]);
            out->se_pair[m] += (pair - want[m]) * (pair - want[m]);
            out->covered[m] += lo <= want[m] && want[m] <= hi;
            if (k < 3)
                REPORT("trial %d %s: truth %+.2f, means %+.2f [%+.2f, %+.2f], "
                       "first photos %+.2f", k, m ? "a*" : "Sa %", want[m],
                       got, lo, hi, pair);
        }
        out->ss_truth += truth_ss(t[0]) + truth_ss(t[1]);
        out->ss_read += r->sd[SKD_METRIC_SA] * r->sd[SKD_METRIC_SA] *
                        r->df[SKD_METRIC_SA];
        out->df += r->df[SKD_METRIC_SA];
        out->done++;
    }
    skd_comparison_free(c);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < SHOTS; j++)
            skd_image_free(img[i][j]);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_rng rng;
    tally t;
    CHECK(ctx != NULL);
    if (!ctx)
        return check_done("test_compare_replicate_means");
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, PX);
    skd_rng_seed(&rng, 20261207);
    memset(&t, 0, sizeof t);
    for (int k = 0; k < TRIALS; k++)
        trial(ctx, k, &rng, &t);
    CHECK(t.done == TRIALS);
    if (t.done == TRIALS) {
        for (int m = 0; m < 2; m++) {
            double rm = sqrt(t.se_mean[m] / TRIALS);
            double rp = sqrt(t.se_pair[m] / TRIALS);
            REPORT("%s: RMS error of the means' change %.3f, of the first "
                   "photos' %.3f (ratio %.2f; sqrt(1/3) = 0.58); interval "
                   "holds the truth in %d of %d", m ? "a*" : "Sa %",
                   rm, rp, rm / rp, t.covered[m], TRIALS);
            /* measured ratios 0.71 (Sa: a bias of about -0.9 points that
             * averaging cannot remove stays in both) and 0.55 (a*) */
            CHECK(rm < 0.85 * rp);
            CHECK(t.covered[m] >= 16);
        }
        REPORT("Sa per-shot SD: read %.2f%%, truth %.2f%% (df %u)",
               sqrt(t.ss_read / t.df), sqrt(t.ss_truth / t.df), t.df);
        /* compare reads relative Sa changes smaller than the truth's
         * (test_compare_replicates: 5% at 600 x 450); measured 12% low
         * here: within 25% */
        CHECK_REL(sqrt(t.ss_read / t.df), sqrt(t.ss_truth / t.df), 0.25);
    }
    skd_ctx_free(ctx);
    return check_done("test_compare_replicate_means");
}
