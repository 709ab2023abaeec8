/* The truth's expected figures against the project's own filters run on
 * the rendered pixels: texture Sa/Sq (DoG band on l) and the pore strength
 * D (scale-normalised LoG at each pore's own scale); the JSON document;
 * clean failure when any allocation fails. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fft/fft.h"
#include "synth/synth.h"
#include "synth_util.h"

static float *l_plane(const skd_image *img)
{
    float *l = malloc((size_t)img->width * img->height * sizeof *l);
    if (!l)
        return NULL;
    for (uint32_t y = 0; y < img->height; y++)
        for (uint32_t x = 0; x < img->width; x++)
            l[(size_t)y * img->width + x] = (float)util_l(img, x, y);
    return l;
}

/* Sa and Sq of G_0.05 - G_1 of l over the truth's interior. */
static void measure_texture(skd_ctx *ctx, const skd_image *img,
                            const skd_synth_session *s, double *sa, double *sq)
{
    size_t w = img->width, h = img->height, M = s->tex_margin_px;
    skd_filter f = {SKD_FILTER_DOG, SKD_SYNTH_TEX_FINE_MM * s->px_per_mm,
                    SKD_SYNTH_TEX_COARSE_MM * s->px_per_mm};
    skd_spectrum *spec = NULL;
    float *l = l_plane(img), *t = malloc(w * h * sizeof *t);
    double sum = 0, a = 0, q = 0, n = 0, mean;
    *sa = *sq = NAN;
    if (!l || !t)
        goto done;
    CHECK_STATUS(skd_spectrum_forward(ctx, l, w, h, skd_fft_margin(f.s2), &spec),
                 SKD_OK);
    if (!spec)
        goto done;
    CHECK_STATUS(skd_spectrum_filter(ctx, spec, &f, 1, &t), SKD_OK);
    for (size_t y = M; y < h - M; y++)
        for (size_t x = M; x < w - M; x++, n++)
            sum += t[y * w + x];
    mean = sum / n;
    for (size_t y = M; y < h - M; y++)
        for (size_t x = M; x < w - M; x++) {
            double v = t[y * w + x] - mean;
            a += fabs(v);
            q += v * v;
        }
    *sa = a / n;
    *sq = sqrt(q / n);
done:
    skd_spectrum_free(ctx, spec);
    free(l);
    free(t);
}

/* The model's D = sigma^2 lap(G_sigma * m) at pixel (x, y): the relief's
 * (from the generator) plus every pore's, by the closed form for Gaussian
 * dips: A sigma^2 sj^2 / S^2 (2 - r^2 / S) exp(-r^2 / (2 S)), S = sigma^2 +
 * sj^2. At a pore's own centre and sigma this is strength_model. */
static double model_D(const skd_synth_world *world, const skd_synth_session *s,
                      double x, double y, double sigma)
{
    double d = skd_synth_relief_log(world, s, x, y, sigma), s2 = sigma * sigma;
    for (size_t j = 0; j < s->n_pores; j++) {
        const skd_synth_seen_pore *o = &s->pores[j];
        double sj2 = o->sigma_px * o->sigma_px, S = s2 + sj2;
        double r2 = (o->x - x) * (o->x - x) + (o->y - y) * (o->y - y);
        d += o->A * s2 * sj2 / (S * S) * (2 - r2 / S) * exp(-r2 / (2 * S));
    }
    return d;
}

/* D = sigma^2 lap(G_sigma * l) measured with the FFT engine at the pixel
 * nearest each pore centre (within 0.3 px), at the pore's own sigma,
 * against the model there; and strength_model against the model at the
 * centre. Differences left: 8-bit rounding and sampling of small dips. */
static void measure_strength(skd_ctx *ctx, const skd_synth_run *run, int k)
{
    const skd_image *img = run->image[k];
    const skd_synth_session *s = &run->session[k];
    size_t w = img->width, h = img->height;
    float *l = l_plane(img), *d = malloc(w * h * sizeof *d);
    skd_spectrum *spec = NULL;
    double worst = 0, worst_lone = 0, worst_centre = 0;
    int tested = 0;
    if (!l || !d)
        goto done;
    CHECK_STATUS(skd_spectrum_forward(ctx, l, w, h, skd_fft_margin(4), &spec),
                 SKD_OK);
    for (size_t i = 0; spec && i < s->n_pores && tested < 40; i++) {
        const skd_synth_seen_pore *q = &s->pores[i];
        double x = round(q->x), y = round(q->y), got, want;
        skd_filter f = {SKD_FILTER_LOGN, q->sigma_px, 0};
        if (hypot(x - q->x, y - q->y) > 0.3 || x < 10 || y < 10 ||
            x > w - 11.0 || y > h - 11.0)
            continue;
        CHECK_STATUS(skd_spectrum_filter(ctx, spec, &f, 1, &d), SKD_OK);
        got = d[(size_t)y * w + (size_t)x];
        want = model_D(&run->world, s, x, y, q->sigma_px);
        worst = fmax(worst, fabs(got - want));
        worst_lone = fmax(worst_lone, fabs(got - q->strength));
        worst_centre = fmax(worst_centre,
                            fabs(model_D(&run->world, s, q->x, q->y, q->sigma_px) -
                                 q->strength_model));
        CHECK_NEAR(got, want, 0.02 * want + 0.2);
        CHECK_NEAR(model_D(&run->world, s, q->x, q->y, q->sigma_px),
                   q->strength_model, 1e-6 * q->strength_model);
        tested++;
    }
    REPORT("%s: D at %d pore pixels within %.3f of the model (A/2 alone is "
           "off by up to %.3f); strength_model = model at centre within %.2g",
           s->is_after ? "after" : "before", tested, worst, worst_lone,
           worst_centre);
    CHECK(tested >= 10);
done:
    skd_spectrum_free(ctx, spec);
    free(l);
    free(d);
}

/* The expected texture of both photos (the after one rotated, scaled and
 * treated) against the DoG measured on their noiseless pixels. */
static void test_expected_figures(skd_ctx *ctx)
{
    skd_synth_params p;
    skd_synth_run run;
    skd_synth_defaults(&p, 480, 400, 20);
    p.noise_sigma = 0;
    p.relief_scale = 0.6;
    p.pore_depth_scale = 0.8;
    p.camera = (skd_transform){9, -14, -4, 0.95, 1};
    CHECK_STATUS(skd_synth_run_make(ctx, &p, 1, &run), SKD_OK);
    for (int k = 0; k < run.n_sessions; k++) {
        const skd_synth_session *s = &run.session[k];
        double sa, sq;
        measure_texture(ctx, run.image[k], s, &sa, &sq);
        REPORT("%s: texture Sa %.4f (truth %.4f), Sq %.4f (truth %.4f), "
               "Ssk %.3f, Sku %.3f over %llu px",
               s->is_after ? "after" : "before", sa, s->tex_sa, sq, s->tex_sq,
               s->tex_ssk, s->tex_sku, (unsigned long long)s->tex_pixels);
        CHECK_REL(sa, s->tex_sa, 0.01);
        CHECK_REL(sq, s->tex_sq, 0.01);
        measure_strength(ctx, &run, k);
    }
    /* the treatment smoothed the relief: the after texture is lower */
    CHECK(run.session[1].tex_sa < 0.8 * run.session[0].tex_sa);
    skd_synth_run_free(ctx, &run);
}

static long count_substr(const char *s, const char *sub)
{
    long n = 0;
    for (const char *p = strstr(s, sub); p; p = strstr(p + 1, sub))
        n++;
    return n;
}

static void test_json(skd_ctx *ctx)
{
    static const char *keys[] = {
        "\"schema_version\": 1", "\"model\"", "\"params\"", "\"camera\"",
        "\"treatment\"", "\"sessions\"", "\"name\": \"before\"",
        "\"name\": \"after\"", "\"pixel_to_skin_mm\"", "\"clipped_pixels\"",
        "\"relief\"", "\"rms_frame\"", "\"texture\"", "\"sa\"", "\"colour\"",
        "\"a_mean\"", "\"a_mean_image\"", "\"erythema_index_image\"",
        "\"red_area_fraction\"", "\"pores\"", "\"count_in_frame\"",
        "\"density_per_cm2\"", "\"strength_model\"", "\"in_frame\": true",
        "\"red_patches\"", "\"exposure\""};
    skd_synth_params p;
    skd_synth_run run;
    char *json = NULL, key[64];
    skd_synth_defaults(&p, 200, 160, 20);
    p.keep_pores = 0.5;
    CHECK_STATUS(skd_synth_run_make(ctx, &p, 1, &run), SKD_OK);
    CHECK_STATUS(skd_synth_truth_json(ctx, &p, &run, &json), SKD_OK);
    if (!json) {
        skd_synth_run_free(ctx, &run);
        return;
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strstr(json, keys[i])) {
            fprintf(stderr, "truth lacks %s\n", keys[i]);
            CHECK(0);
        }
    /* one list entry per seen pore, in_frame matching the counts */
    CHECK(count_substr(json, "\"strength_model\"") ==
          (long)(run.session[0].n_pores + run.session[1].n_pores));
    CHECK(count_substr(json, "\"in_frame\": true") ==
          (long)(run.session[0].pores_in_frame + run.session[1].pores_in_frame));
    snprintf(key, sizeof key, "\"count_in_frame\": %u",
             (unsigned)run.session[0].pores_in_frame);
    CHECK(strstr(json, key) != NULL);
    CHECK(count_substr(json, "{") == count_substr(json, "}"));
    CHECK(count_substr(json, "[") == count_substr(json, "]"));
    /* non-finite numbers are written as null, never as nan or inf */
    CHECK(!strstr(json, " nan") && !strstr(json, "-nan") &&
          !strstr(json, " inf") && !strstr(json, "-inf") &&
          !strstr(json, "[nan") && !strstr(json, "[inf"));
    REPORT("truth: %zu bytes, %u + %u pores in frame (%.1f and %.1f /cm^2)",
           strlen(json), (unsigned)run.session[0].pores_in_frame,
           (unsigned)run.session[1].pores_in_frame,
           run.session[0].pore_density_cm2, run.session[1].pore_density_cm2);
    skd_free(ctx, json);
    skd_synth_run_free(ctx, &run);
}

static void test_allocation_failures(void)
{
    skd_synth_params p;
    long n;
    int ok = 0;
    skd_synth_defaults(&p, 60, 40, 20);
    for (n = 0; n < 200 && !ok; n++) {
        check_alloc f = {n + 1, 0, 0, 0};
        skd_allocator a = check_allocator(&f);
        skd_ctx *ctx = skd_ctx_create_with_allocator(&a);
        skd_image *b = NULL, *af = NULL;
        char *t = NULL;
        int st;
        if (!ctx)
            continue; /* the context itself was the failed allocation */
        st = skd_synth(ctx, &p, &b, &af, &t);
        if (st == SKD_OK) {
            ok = 1;
            CHECK(b && af && t);
        } else {
            CHECK(st == SKD_E_NOMEM);
            CHECK(!b && !af && !t);
        }
        skd_image_free(b);
        skd_image_free(af);
        skd_free(ctx, t);
        skd_ctx_free(ctx);
        CHECK(f.live == 0);
    }
    REPORT("allocation failures: each of the first %ld allocations failed "
           "in turn, all cleanly", n - 1);
    CHECK(ok);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    if (!ctx)
        return 1;
    test_expected_figures(ctx);
    test_json(ctx);
    test_allocation_failures();
    skd_ctx_free(ctx);
    return check_done("test_synth_truth");
}
