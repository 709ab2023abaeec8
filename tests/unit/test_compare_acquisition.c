/* Same skin, different day (docs/comparing.md): generated pairs whose
 * after photo went through another exposure and white balance, with a
 * painted grey card in both photos. The null pair must give no improved or
 * worsened verdict, with or without white references; a treatment must
 * still be detected where the photos allow it. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "camera_check.h"
#include "colour/colour.h"
#include "skindiff.h"

#define W 800
#define H 600
#define PX 20.0

static const skd_roi card = {10, 10, 80, 80};   /* painted grey card */
static const skd_roi ref = {20, 20, 60, 60};    /* white reference on it */
static const skd_roi skin = {100, 0, W - 100, H}; /* measured: not the card */

typedef struct pair_case {
    const char *name;
    double keep_pores, relief, delta_a;
    double exposure, warm; /* warm: R/B gain ratio - 1 */
    int refs;
    double power; /* the after photo's tone curve on linear light; 0: none */
} pair_case;

static skd_comparison *run(const pair_case *k, skd_ctx *ctx)
{
    skd_synth_params p;
    skd_image *b = NULL, *a = NULL;
    skd_comparison *c = NULL;
    char *json = NULL;
    double gain[3] = {1 + k->warm / 2, 1, 1 - k->warm / 2};
    skd_region_spec sb = {NULL, skin, {0, 0, 0, 0}, NULL},
                    sa = {NULL, {0, 0, 0, 0}, {0, 0, 0, 0}, NULL};
    skd_synth_defaults(&p, W, H, PX);
    p.seed = 31;
    p.keep_pores = k->keep_pores;
    p.relief_scale = k->relief;
    p.delta_a = k->delta_a;
    CHECK_STATUS(skd_synth(ctx, &p, &b, &a, &json), SKD_OK);
    if (!b || !a)
        goto done;
    camera_paint_grey(b, card, 0.2);
    camera_paint_grey(a, card, 0.2);
    camera_relight(a, k->exposure, gain, k->power > 0 ? k->power : 1.0);
    if (k->refs) {
        sb.white_ref = ref;
        sa.white_ref = ref;
    }
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, PX);
    CHECK_STATUS(skd_compare(ctx, b, &sb, a, &sa, &c), SKD_OK);
    if (!c)
        fprintf(stderr, "  %s\n", skd_ctx_message(ctx));
done:
    skd_free(ctx, json);
    skd_image_free(b);
    skd_image_free(a);
    return c;
}

static void show(const pair_case *k, const skd_comparison *c)
{
    const skd_acquisition *q = &c->acquisition;
    REPORT("%s: exposure %+.1f%%, skin dL %+.2f da %+.2f db %+.2f, refs %s "
           "(da %+.2f db %+.2f, gain %.4f), sharpness %.3f, residual %.2f px, "
           "%u tiles, tone slope %.4f spread %.2f",
           k->name, q->exposure_pct, q->dL, q->da, q->db,
           q->colour_calibrated ? "yes" : "no", q->neutral_da, q->neutral_db,
           q->white_ref_gain, q->sharpness_ratio, q->residual_median_px,
           c->tiles_used, q->tone_slope, q->tone_spread);
    for (int m = 0; m < SKD_METRIC_COUNT; m++) {
        const skd_change *ch = &c->change[m];
        REPORT("  %-20s %+9.4f [%+.4f, %+.4f] floor %.3f (%s) %s%s%s",
               skd_metric_label((skd_metric_id)m), ch->change, ch->ci_low,
               ch->ci_high, ch->noise_floor, ch->floor_source,
               skd_verdict_name(ch->verdict), *ch->reason ? ": " : "",
               ch->reason);
    }
}

/* The null pairs: nothing may read improved or worsened. */
static void test_null(skd_ctx *ctx)
{
    static const pair_case cases[] = {
        {"null, -25% and 6% warmer, no refs", 1, 1, 0, 0.75, 0.06, 0, 0},
        {"null, -25% and 6% warmer, white refs", 1, 1, 0, 0.75, 0.06, 1, 0},
        {"null, -10% and 6% warmer, white refs", 1, 1, 0, 0.90, 0.06, 1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        skd_comparison *c = run(&cases[i], ctx);
        if (!c)
            continue;
        show(&cases[i], c);
        for (int m = 0; m < SKD_METRIC_COUNT; m++)
            CHECK(c->change[m].verdict != SKD_IMPROVED &&
                  c->change[m].verdict != SKD_WORSENED);
        CHECK(c->acquisition.colour_calibrated == cases[i].refs);
        CHECK_NEAR(c->acquisition.exposure_pct, 100 * (cases[i].exposure - 1), 1.0);
        /* corrected from the white references, the references agree */
        if (cases[i].refs)
            CHECK(fabs(c->acquisition.neutral_da) < 0.05 &&
                  fabs(c->acquisition.neutral_db) < 0.05);
        skd_comparison_free(c);
    }
}

/* Treatments through a camera change with white references. */
static void test_treatment(skd_ctx *ctx)
{
    /* 40% fewer pores, relief x 0.7, a* - 3 */
    const pair_case warm = {"treated, -5% and 6% warmer, white refs", 0.6, 0.7,
                            -3, 0.95, 0.06, 1, 0};
    const pair_case dark = {"treated, -10%, white refs", 0.6, 0.7, -3, 0.90,
                            0, 1, 0};
    const pair_case very_dark = {"treated, -25% and 6% warmer, white refs",
                                 0.6, 0.7, -3, 0.75, 0.06, 1, 0};
    skd_comparison *c = run(&warm, ctx);
    if (c) {
        show(&warm, c);
        CHECK(c->change[SKD_METRIC_SA].verdict == SKD_IMPROVED);
        CHECK(c->change[SKD_METRIC_PORE_DENSITY].verdict == SKD_IMPROVED);
        /* corrected from the references: a* within 0.6 of the painted -3
         * (measured -2.78: the Bradford model against this camera's
         * channel gains, see test_gains_method) */
        CHECK(c->change[SKD_METRIC_A_MEAN].verdict == SKD_IMPROVED);
        CHECK_NEAR(c->change[SKD_METRIC_A_MEAN].change, -3, 0.6);
        skd_comparison_free(c);
    }
    c = run(&dark, ctx);
    if (c) {
        show(&dark, c);
        CHECK(c->change[SKD_METRIC_SA].verdict == SKD_IMPROVED);
        CHECK(c->change[SKD_METRIC_PORE_DENSITY].verdict == SKD_IMPROVED);
        /* the references bring the after photo to the before's exposure
         * and the light's colour did not change: a* reads the painted -3
         * (measured -3.001; read at its own exposure, -9.5% moved it to
         * -3.42, the cube root of the light) */
        CHECK(c->change[SKD_METRIC_A_MEAN].verdict == SKD_IMPROVED);
        CHECK_NEAR(c->change[SKD_METRIC_A_MEAN].change, -3, 0.05);
        skd_comparison_free(c);
    }
    c = run(&very_dark, ctx);
    if (c) {
        const skd_acquisition *q = &c->acquisition;
        show(&very_dark, c);
        /* The references bring the after photo to the before's exposure:
         * the gain is the cards' luminance ratio, 1 / (0.75 (0.2126 1.03 +
         * 0.7152 + 0.0722 0.97)) = 1.3277 (8-bit card: measured within
         * 0.003), while exposure_pct stays the cameras' (-24.1%). The card
         * is a second point of the tone curve (the flat skin's tiles spread
         * by 0.3, with the card 6.65): the slope is judged and stands in
         * for the exposure limit. Both photos have the sRGB curve, so only
         * the skin's own lightening moves it: measured 1.021 (the treated
         * skin's mean l up by 1.4% of its distance to the card, the null
         * pair's 1.008 from Bradford's L* +0.2), under the Sa floor's 3%
         * that would make it inconclusive. */
        CHECK_NEAR(q->white_ref_gain, 1.0 / (0.75 * 1.00421), 0.01);
        CHECK_NEAR(q->exposure_pct, -25, 1.5);
        CHECK(q->tone_spread >= SKD_TONE_MIN_SPREAD);
        CHECK(fabs(q->tone_slope - 1) < 0.03);
        CHECK(!(q->flags & SKD_ACQ_TONE));
        CHECK(!(q->flags & SKD_ACQ_EXPOSURE));
        CHECK(c->change[SKD_METRIC_SA].verdict == SKD_IMPROVED);
        CHECK(c->change[SKD_METRIC_PORE_DENSITY].verdict == SKD_IMPROVED);
        CHECK(c->change[SKD_METRIC_A_MEAN].verdict == SKD_IMPROVED);
        /* within 0.6 of the painted -3 (measured -2.78: Bradford leaves
         * skin a* +0.27 after sRGB channel gains of 1.03 / 0.97, see
         * test_gains_method) */
        CHECK_NEAR(c->change[SKD_METRIC_A_MEAN].change, -3, 0.6);
        skd_comparison_free(c);
    }
}

/* Without references the flat skin gives the tone slope no lever: the
 * exposure limit stands for texture and pores. */
static void test_flat_no_refs(skd_ctx *ctx)
{
    const pair_case k = {"treated, -25% and 6% warmer, no refs", 0.6, 0.7,
                         -3, 0.75, 0.06, 0, 0};
    skd_comparison *c = run(&k, ctx);
    if (!c)
        return;
    show(&k, c);
    CHECK(c->acquisition.tone_spread < SKD_TONE_MIN_SPREAD);
    CHECK_NEAR(c->acquisition.white_ref_gain, 1, 0);
    CHECK(c->acquisition.flags & SKD_ACQ_EXPOSURE);
    CHECK(c->change[SKD_METRIC_SA].verdict == SKD_INCONCLUSIVE);
    CHECK(strstr(c->change[SKD_METRIC_SA].reason, "24% darker") != NULL);
    CHECK(c->change[SKD_METRIC_PORE_DENSITY].verdict == SKD_INCONCLUSIVE);
    skd_comparison_free(c);
}

/* Why a* reads -2.78 and not -3: the synthetic camera's white balance is
 * a gain per linear sRGB channel, which the Bradford adaptation (a change
 * of the light's colour) does not undo exactly on coloured skin; the
 * per-channel method (SKD_OPT_WHITE_REF_METHOD 1) is that camera's exact
 * inverse, so the same pair reads -3 to within the rendering's error
 * (measured -3.00 at -10% with no colour change, Bradford). */
static void test_gains_method(skd_ctx *ctx)
{
    const pair_case k = {"treated, -25% and 6% warmer, white refs, gains",
                         0.6, 0.7, -3, 0.75, 0.06, 1, 0};
    skd_comparison *c;
    skd_ctx_set(ctx, SKD_OPT_WHITE_REF_METHOD, 1);
    c = run(&k, ctx);
    skd_ctx_set(ctx, SKD_OPT_WHITE_REF_METHOD, 0);
    if (!c)
        return;
    show(&k, c);
    CHECK(c->change[SKD_METRIC_A_MEAN].verdict == SKD_IMPROVED);
    CHECK_NEAR(c->change[SKD_METRIC_A_MEAN].change, -3, 0.05);
    skd_comparison_free(c);
}

/* the names every output writes for the limits (compare --json, the
 * store's limits_exceeded, Python) come from this one table */
static void test_limit_names(void)
{
    static const char *const want[] = {"exposure", "light", "sharpness",
                                       "moved", "tone", "resolution"};
    const unsigned flags[] = {SKD_ACQ_EXPOSURE, SKD_ACQ_LIGHT,
                              SKD_ACQ_SHARPNESS, SKD_ACQ_MOVED, SKD_ACQ_TONE,
                              SKD_ACQ_RESOLUTION};
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
        const char *got = skd_acquisition_limit_name(flags[i]);
        CHECK(got && !strcmp(got, want[i]));
    }
    CHECK(!skd_acquisition_limit_name(0));
    CHECK(!skd_acquisition_limit_name(SKD_ACQ_EXPOSURE | SKD_ACQ_LIGHT));
    CHECK(!skd_acquisition_limit_name(1u << 6));
}

/* A tone curve that differs (a power 1.1 on each linear channel of the
 * after photo), with white references: the card and the skin give the
 * slope, which is the power exactly (l' = 1.1 l + c); the texture, pores
 * and red area (contrast) are not judged, nor EI, which the power scales
 * exactly (100 log10(R/G) times 1.1: the change is 0.1 of the before's
 * EI), nor a*, which it scales about as much. */
static void test_tone_colour(skd_ctx *ctx)
{
    const pair_case k = {"null, power 1.1, white refs", 1, 1, 0, 1.0, 0, 1,
                         1.1};
    skd_comparison *c = run(&k, ctx);
    const skd_change *ei;
    if (!c)
        return;
    show(&k, c);
    ei = &c->change[SKD_METRIC_ERYTHEMA];
    /* 1.1 for the card; skin's Y is not a power of its Y (its channels
     * differ), which moves its l a little more: measured 1.113 */
    CHECK_NEAR(c->acquisition.tone_slope, 1.1, 0.02);
    CHECK(c->acquisition.flags & SKD_ACQ_TONE);
    /* 16-bit rendering: measured within 1% of the truth */
    CHECK_NEAR(ei->change, 0.1 * ei->before, 0.02 * fabs(ei->before));
    for (int m = 0; m < SKD_METRIC_COUNT; m++)
        CHECK(c->change[m].verdict == SKD_INCONCLUSIVE);
    CHECK(strstr(ei->reason, "tone curves differ") != NULL);
    CHECK(strstr(c->change[SKD_METRIC_RED_AREA].reason, "tone curves") != NULL);
    skd_comparison_free(c);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    test_limit_names();
    test_null(ctx);
    test_treatment(ctx);
    test_flat_no_refs(ctx);
    test_gains_method(ctx);
    test_tone_colour(ctx);
    skd_ctx_free(ctx);
    return check_done("test_compare_acquisition");
}
