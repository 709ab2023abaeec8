/* What goes into the keys: every setting that changes a stored number.
 * Written as canonical text (%.17g: exact for doubles) and hashed. The
 * decode limit and thread count are left out: they never change a figure. */
#include <stdio.h>
#include <string.h>

#include "store.h"

void skd_image_settings(const skd_ctx *t, char *buf, size_t cap)
{
    int n = snprintf(buf, cap,
             "skindiff %d.%d analysis; pore_threshold=%.17g; red_delta=%.17g;"
             " fft_measure=%.17g; skin=%.17g; highlight=near-white;"
             " exact=%.17g",
             SKD_VERSION_MAJOR, SKD_VERSION_MINOR,
             skd_opt(t, SKD_OPT_PORE_THRESHOLD), skd_opt(t, SKD_OPT_RED_DELTA),
             skd_opt(t, SKD_OPT_FFT_MEASURE), skd_opt(t, SKD_OPT_SKIN),
             skd_opt(t, SKD_OPT_EXACT));
    /* The skin map's rule for highlights on skin (0.3: lit skin is skin
     * plus the lamp's white) changes S: results from before it are
     * recomputed. Only with the skin map, whose keys alone it changes. */
    if (skd_opt(t, SKD_OPT_SKIN) && n > 0 && (size_t)n < cap)
        n += snprintf(buf + n, cap - n, "; skin_highlight=dichromatic");
    /* Only when asked, so that the keys of runs without zones stay. */
    if (skd_opt(t, SKD_OPT_BATCH_ZONES) && n > 0 && (size_t)n < cap)
        snprintf(buf + n, cap - n, "; zones=dlib; face_pixels=%.17g",
                 skd_opt(t, SKD_OPT_FACE_PIXELS));
}

void skd_cmp_settings(const skd_ctx *t, char *buf, size_t cap)
{
    snprintf(buf, cap,
             "skindiff %d.%d comparison; assume_aligned=%.17g;"
             " min_confidence=%.17g; bootstrap_n=%.17g; seed=%.17g;"
             " tile_mm=%.17g; floor_sa=%.17g; floor_pores=%.17g;"
             " floor_a_mean=%.17g; floor_erythema=%.17g;"
             " floor_red_area=%.17g; floor_a_uncal=%.17g;"
             " floor_ei_uncal=%.17g; max_residual=%.17g;"
             " max_tile_shift=%.17g; max_exposure=%.17g; max_light_b=%.17g;"
             " max_sharpness=%.17g; min_pores=%.17g; acq_check=%.17g;"
             " floor_source=%.17g; max_light_ref=%.17g;"
             /* rules of 0.3 that change verdicts and means: the red area's
              * threshold floor, a replicate's white reference only with
              * its session's first photo's */
             " red_floor=threshold; replicate_white_ref=both_or_neither",
             SKD_VERSION_MAJOR, SKD_VERSION_MINOR,
             skd_opt(t, SKD_OPT_ASSUME_ALIGNED),
             skd_opt(t, SKD_OPT_MIN_CONFIDENCE), skd_opt(t, SKD_OPT_BOOTSTRAP_N),
             skd_opt(t, SKD_OPT_SEED), skd_opt(t, SKD_OPT_TILE_MM),
             skd_opt(t, SKD_OPT_FLOOR_SA), skd_opt(t, SKD_OPT_FLOOR_PORES),
             skd_opt(t, SKD_OPT_FLOOR_A_MEAN),
             skd_opt(t, SKD_OPT_FLOOR_ERYTHEMA),
             skd_opt(t, SKD_OPT_FLOOR_RED_AREA),
             skd_opt(t, SKD_OPT_FLOOR_A_UNCAL), skd_opt(t, SKD_OPT_FLOOR_EI_UNCAL),
             skd_opt(t, SKD_OPT_MAX_RESIDUAL), skd_opt(t, SKD_OPT_MAX_TILE_SHIFT),
             skd_opt(t, SKD_OPT_MAX_EXPOSURE_PCT), skd_opt(t, SKD_OPT_MAX_LIGHT_B),
             skd_opt(t, SKD_OPT_MAX_SHARPNESS_PCT), skd_opt(t, SKD_OPT_MIN_PORES),
             skd_opt(t, SKD_OPT_ACQ_CHECK), skd_opt(t, SKD_OPT_FLOOR_SOURCE),
             skd_opt(t, SKD_OPT_MAX_LIGHT_REF));
}

void skd_image_params_hash(const skd_ctx *tmpl, double scale, int assumed,
                           const char *mask_sha256, const skd_roi *white_ref,
                           char out[SKD_HEX_LEN])
{
    char text[1024];
    size_t n;
    skd_image_settings(tmpl, text, sizeof text);
    n = strlen(text);
    snprintf(text + n, sizeof text - n, "; px_per_mm=%.17g%s; mask=%s", scale,
             assumed ? " (assumed)" : "", mask_sha256 ? mask_sha256 : "none");
    /* Only when given, so that the keys of photos without one stay. */
    n = strlen(text);
    if (white_ref && white_ref->w && white_ref->h)
        snprintf(text + n, sizeof text - n, "; white_ref=%u,%u,%u,%u",
                 white_ref->x, white_ref->y, white_ref->w, white_ref->h);
    skd_sha256_hex(text, strlen(text), out);
}

void skd_key_of(const char *a, const char *b, const char *c,
                char out[SKD_HEX_LEN])
{
    skd_sha256 s;
    uint8_t d[32];
    static const char digits[] = "0123456789abcdef";
    skd_sha256_init(&s);
    skd_sha256_update(&s, a, strlen(a));
    skd_sha256_update(&s, ":", 1);
    skd_sha256_update(&s, b, strlen(b));
    if (c) {
        skd_sha256_update(&s, ":", 1);
        skd_sha256_update(&s, c, strlen(c));
    }
    skd_sha256_final(&s, d);
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[64] = '\0';
}
