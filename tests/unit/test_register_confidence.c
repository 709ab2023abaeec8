/* Registration confidence: related pairs (noise, exposure, treatment,
 * defocus, a real photo) must clear SKD_OPT_MIN_CONFIDENCE with a margin and
 * unrelated ones (other skin, flat, noise, a face) must be refused with
 * "cannot align: ...". The distributions are printed: they are the evidence
 * for the default threshold in src/core/context.c. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "register/register.h"
#include "register_check.h"
#include "test_register_field.h"

#define MAX_SAMPLES 16

typedef struct dist {
    double v[MAX_SAMPLES];
    int n;
} dist;

static double g_min_related = 1.0, g_max_unrelated = 0.0;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void dist_report(const char *what, dist *d)
{
    if (d->n == 0)
        return;
    qsort(d->v, (size_t)d->n, sizeof d->v[0], cmp_double);
    REPORT("%-40s n=%2d min %.3f median %.3f max %.3f", what, d->n, d->v[0],
           d->v[d->n / 2], d->v[d->n - 1]);
}

static void related(skd_ctx *ctx, const skd_image *b, const skd_image *a, dist *d)
{
    skd_transform t;
    int st = skd_register(ctx, b, a, &t);
    CHECK_STATUS(st, SKD_OK);
    if (st != SKD_OK)
        fprintf(stderr, "  related pair refused: %s\n", skd_ctx_message(ctx));
    if (d->n < MAX_SAMPLES)
        d->v[d->n++] = t.confidence;
    g_min_related = fmin(g_min_related, t.confidence);
}

static void unrelated(skd_ctx *ctx, const skd_image *b, const skd_image *a, dist *d)
{
    skd_transform t = {1, 2, 3, 0, 0.5};
    const char *msg;
    int st = skd_register(ctx, b, a, &t);
    CHECK_STATUS(st, SKD_E_ALIGN);
    msg = skd_ctx_message(ctx);
    CHECK(strncmp(msg, "cannot align: ", 14) == 0);
    CHECK(strstr(msg, "below") != NULL);
    /* The best estimate is still filled in. */
    CHECK(t.scale > 0 && isfinite(t.dx) && isfinite(t.dy) && t.confidence < 1.0);
    if (st != SKD_E_ALIGN)
        fprintf(stderr, "  unrelated pair accepted: confidence %.3f\n", t.confidence);
    if (d->n < MAX_SAMPLES)
        d->v[d->n++] = t.confidence;
    g_max_unrelated = fmax(g_max_unrelated, t.confidence);
}

/* A random transform within the targets. */
static skd_transform random_camera(uint64_t *rng, double w, double h)
{
    skd_transform t;
    t.dx = (field_uniform(rng) * 0.4 - 0.2) * w;
    t.dy = (field_uniform(rng) * 0.4 - 0.2) * h;
    t.rotation_deg = field_uniform(rng) * 20 - 10;
    t.scale = 0.9 + 0.2 * field_uniform(rng);
    t.confidence = 0;
    return t;
}

enum { CLEAN, NOISE, HEAVY_NOISE, EXPOSURE, TREATMENT, DEFOCUS, PORES_ONLY, NKINDS };
static const char *const kind_name[NKINDS] = {
    "related: clean", "related: noise 3/255", "related: noise 8/255",
    "related: exposure x0.5 + shading", "related: treatment (blobs -60%, x0.7)",
    "related: after defocused (1.5 px)", "related: pores only, 60% gone"};

static void test_related(skd_ctx *ctx)
{
    uint64_t rng = 777;
    for (int k = 0; k < NKINDS; k++) {
        dist d = {{0}, 0};
        for (int i = 0; i < 4; i++) {
            field f;
            shot sb = field_shot(640, 480, 640, 480), sa = sb;
            skd_image *b, *a;
            field_make(&f, 500 + 10 * (uint64_t)k + (uint64_t)i, 640, 480,
                       k == PORES_ONLY ? 0 : 100, 300);
            sa.camera = random_camera(&rng, 640, 480);
            sb.noise_seed = 1 + (uint64_t)i;
            sa.noise_seed = 50 + (uint64_t)i;
            sb.noise_sigma = sa.noise_sigma = k == CLEAN ? 0.0 : 2.0;
            if (k == NOISE)
                sb.noise_sigma = sa.noise_sigma = 3.0;
            if (k == HEAVY_NOISE)
                sb.noise_sigma = sa.noise_sigma = 8.0;
            if (k == EXPOSURE) {
                sa.exposure = 0.5;
                sa.light_x = -0.5;
                sb.light_y = 0.4;
            }
            if (k == TREATMENT) {
                sa.blob_keep = 0.4;
                sa.texture_scale = 0.7;
            }
            if (k == DEFOCUS)
                sa.blur = 1.5;
            if (k == PORES_ONLY) {
                sa.blob_keep = 0.4;
                sa.light_x = 0.3;
            }
            b = field_render(&f, &sb);
            a = field_render(&f, &sa);
            related(ctx, b, a, &d);
            field_image_free(a);
            field_image_free(b);
        }
        dist_report(kind_name[k], &d);
    }
}

static void test_related_photo(skd_ctx *ctx)
{
    static const double cams[][5] = {{14, -9, 5, 1.03, 320}, {-25, 18, -8, 0.94, 320},
                                     {6, 20, 9, 1.08, 320}, {10, -8, -6, 0.96, 200},
                                     {-12, 6, 4, 1.05, 160}};
    skd_image *src;
    dist d = {{0}, 0};
    if (!(src = reg_astronaut("real-photo cases")))
        return;
    for (size_t i = 0; i < sizeof cams / sizeof cams[0]; i++) {
        skd_transform id = {0, 0, 0, 1, 0};
        skd_transform cam = {cams[i][0], cams[i][1], cams[i][2], cams[i][3], 0};
        uint32_t side = (uint32_t)cams[i][4];
        double o = (512 - side) / 2.0;
        skd_image *b = field_photo_view(src, side, side, o, o, &id, side, side);
        skd_image *a = field_photo_view(src, side, side, o, o, &cam, side, side);
        related(ctx, b, a, &d);
        field_image_free(a);
        field_image_free(b);
    }
    dist_report("related: real photo crops, 160-320 px", &d);
    field_image_free(src);
}

static skd_image *flat_image(uint32_t w, uint32_t h, uint16_t v, double noise,
                             uint64_t seed)
{
    skd_image *img = field_image_alloc(w, h);
    uint64_t s = seed;
    if (!img)
        return NULL;
    for (size_t i = 0; i < (size_t)w * h * 3; i++) {
        double x = v + noise * 257.0 * field_gauss(&s);
        img->rgb[i] = (uint16_t)(x < 0 ? 0 : x > 65535 ? 65535 : x + 0.5);
    }
    return img;
}

static skd_image *skin(uint64_t seed, uint32_t w, uint32_t h, size_t waves,
                       size_t blobs, double noise)
{
    field f;
    shot s = field_shot(w, h, w, h);
    field_make(&f, seed, w, h, waves, blobs);
    s.noise_sigma = noise;
    s.noise_seed = seed;
    return field_render(&f, &s);
}

static void test_unrelated(skd_ctx *ctx)
{
    dist other = {{0}, 0}, pores = {{0}, 0}, waves = {{0}, 0}, noise = {{0}, 0};
    dist flat = {{0}, 0}, face = {{0}, 0}, crop = {{0}, 0};
    for (int i = 0; i < 6; i++) {
        skd_image *b = skin(600 + (uint64_t)i, 640, 480, 100, 300, 2.0);
        skd_image *a = skin(700 + (uint64_t)i, i % 2 ? 560 : 640, 480, 100, 300, 2.0);
        unrelated(ctx, b, a, &other);
        field_image_free(a);
        field_image_free(b);
        b = skin(800 + (uint64_t)i, 640, 480, 0, 300, 2.0);
        a = skin(900 + (uint64_t)i, 640, 480, 0, 300, 2.0);
        unrelated(ctx, b, a, &pores);
        field_image_free(a);
        field_image_free(b);
    }
    for (int i = 0; i < 3; i++) {
        skd_image *b = skin(1000 + (uint64_t)i, 640, 480, 100, 0, 0.0);
        skd_image *a = skin(1100 + (uint64_t)i, 640, 480, 100, 0, 0.0);
        unrelated(ctx, b, a, &waves);
        field_image_free(a);
        field_image_free(b);
        b = flat_image(640, 480, 30000, 3.0, 10 + (uint64_t)i);
        a = flat_image(640, 480, 30000, 3.0, 20 + (uint64_t)i);
        unrelated(ctx, b, a, &noise);
        field_image_free(a);
        field_image_free(b);
    }
    {
        skd_image *f = flat_image(640, 480, 30000, 0.0, 1);
        skd_image *s = skin(1200, 640, 480, 100, 300, 2.0);
        unrelated(ctx, f, s, &flat);
        CHECK(strstr(skd_ctx_message(ctx), "before photo has no texture") != NULL);
        unrelated(ctx, s, f, &flat);
        CHECK(strstr(skd_ctx_message(ctx), "after photo has no texture") != NULL);
        field_image_free(f);
        field_image_free(s);
    }
    if (check_shared_data("photos/astronaut.png", "unrelated crops of a real photo")) {
        skd_image *src = field_load_png(SKD_SHARED_DATA "/photos/astronaut.png");
        skd_image *s = skin(1300, 512, 512, 100, 300, 2.0);
        skd_transform id = {0, 0, 0, 1, 0};
        CHECK(src != NULL);
        if (src && s) {
            /* The same photo, but areas that do not overlap: x, y, x, y, side. */
            static const int crops[][5] = {{10, 10, 300, 300, 200}, {300, 10, 10, 300, 200},
                                           {10, 300, 300, 10, 200}, {1, 1, 260, 260, 240},
                                           {20, 20, 330, 330, 160}, {330, 20, 20, 330, 160}};
            unrelated(ctx, src, s, &face);
            unrelated(ctx, s, src, &face);
            for (size_t i = 0; i < sizeof crops / sizeof crops[0]; i++) {
                uint32_t side = (uint32_t)crops[i][4];
                skd_image *c1 = field_photo_view(src, side, side, crops[i][0], crops[i][1],
                                                 &id, side, side);
                skd_image *c2 = field_photo_view(src, side, side, crops[i][2], crops[i][3],
                                                 &id, side, side);
                unrelated(ctx, c1, c2, &crop);
                field_image_free(c1);
                field_image_free(c2);
            }
        }
        field_image_free(src);
        field_image_free(s);
    }
    dist_report("unrelated: other skin", &other);
    dist_report("unrelated: other skin, pores only", &pores);
    dist_report("unrelated: other skin, waves only", &waves);
    dist_report("unrelated: sensor noise only", &noise);
    dist_report("unrelated: flat vs skin", &flat);
    dist_report("unrelated: face photo vs skin", &face);
    dist_report("unrelated: disjoint crops of one photo", &crop);
}

/* Refusals that do not depend on the content, and the option switches. */
static void test_rules(skd_ctx *ctx)
{
    skd_image *b = skin(1400, 480, 360, 100, 300, 2.0);
    skd_image *u = skin(1401, 480, 360, 100, 300, 2.0);
    skd_image *tiny = skin(1402, 24, 300, 100, 300, 0.0);
    skd_transform t;
    double def;
    field f;
    shot sb = field_shot(480, 360, 480, 360), sa = sb;
    skd_image *fb, *fa;

    CHECK_STATUS(skd_ctx_get(ctx, SKD_OPT_MIN_CONFIDENCE, &def), SKD_OK);
    REPORT("default SKD_OPT_MIN_CONFIDENCE %.2f", def);

    CHECK_STATUS(skd_register(NULL, b, u, &t), SKD_E_INVALID);
    CHECK_STATUS(skd_register(ctx, NULL, u, &t), SKD_E_INVALID);
    CHECK_STATUS(skd_register(ctx, b, u, NULL), SKD_E_INVALID);
    CHECK_STATUS(skd_register(ctx, b, tiny, &t), SKD_E_ALIGN);
    CHECK(strstr(skd_ctx_message(ctx), "too small") != NULL);

    /* Photos that overlap on only 5% of the frame are refused (pores only:
     * plane waves would repeat far away). */
    field_make(&f, 1403, 480, 360, 0, 300);
    sa.camera = (skd_transform){0.95 * 480, 0, 0, 1, 0};
    fb = field_render(&f, &sb);
    fa = field_render(&f, &sa);
    CHECK_STATUS(skd_register(ctx, fb, fa, &t), SKD_E_ALIGN);
    REPORT("5%% overlap: %s", skd_ctx_message(ctx));
    field_image_free(fa);
    field_image_free(fb);

    /* Assumed aligned: identity with confidence 1, whatever the content. */
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_ASSUME_ALIGNED, 1), SKD_OK);
    CHECK_STATUS(skd_register(ctx, b, u, &t), SKD_OK);
    CHECK(t.dx == 0 && t.dy == 0 && t.rotation_deg == 0 && t.scale == 1 &&
          t.confidence == 1);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_ASSUME_ALIGNED, 0), SKD_OK);

    /* With no threshold an unrelated pair is returned, with its low figure. */
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_MIN_CONFIDENCE, 0), SKD_OK);
    CHECK_STATUS(skd_register(ctx, b, u, &t), SKD_OK);
    CHECK(t.confidence < def);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_MIN_CONFIDENCE, def), SKD_OK);

    field_image_free(b);
    field_image_free(u);
    field_image_free(tiny);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    double def = 0;
    CHECK(ctx != NULL);
    if (!ctx)
        return check_done("test_register_confidence");
    skd_ctx_get(ctx, SKD_OPT_MIN_CONFIDENCE, &def);
    test_related(ctx);
    test_related_photo(ctx);
    test_unrelated(ctx);
    test_rules(ctx);
    REPORT("lowest related %.3f, highest unrelated %.3f, threshold %.2f: margins "
           "%.3f above, %.3f below", g_min_related, g_max_unrelated, def,
           g_min_related - def, def - g_max_unrelated);
    skd_ctx_free(ctx);
    return check_done("test_register_confidence");
}
