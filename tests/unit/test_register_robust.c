/* Registration beyond the basic grid: photos of different sizes, any
 * rotation (Fourier-Mellin is not limited to +-10 degrees; the 180 degree
 * twin must be told apart), a real photo, skin whose only texture is pores
 * most of which vanish, and the time a 1500x1000 pair takes. */
#include <stdio.h>

#include "check.h"
#include "register/register.h"
#include "register_check.h"
#include "test_register_field.h"

/* One synthetic pair: before bw x bh, after aw x ah through camera. */
static void synthetic_pair(skd_ctx *ctx, uint64_t seed, uint32_t bw, uint32_t bh,
                           uint32_t aw, uint32_t ah, skd_transform camera,
                           size_t waves, double blob_keep, const char *label,
                           worst *w)
{
    field f;
    shot sb = field_shot(bw, bh, bw, bh), sa = field_shot(aw, ah, bw, bh);
    skd_image *b, *a;
    field_make(&f, seed, bw, bh, waves, 300);
    sa.camera = camera;
    sa.blob_keep = blob_keep;
    sb.noise_sigma = sa.noise_sigma = 2.0;
    sb.noise_seed = seed + 1;
    sa.noise_seed = seed + 2;
    b = field_render(&f, &sb);
    a = field_render(&f, &sa);
    reg_check_pair(ctx, b, a, &sa.camera, label, w);
    field_image_free(a);
    field_image_free(b);
}

static void test_sizes(skd_ctx *ctx)
{
    worst w = WORST_INIT;
    synthetic_pair(ctx, 21, 800, 600, 560, 700, (skd_transform){40, -30, 6, 1.05, 0},
                   100, 1.0, "800x600 vs 560x700", &w);
    synthetic_pair(ctx, 22, 800, 600, 480, 360, (skd_transform){-120, 90, -8, 0.95, 0},
                   100, 1.0, "800x600 vs 480x360", &w);
    synthetic_pair(ctx, 23, 640, 480, 900, 700, (skd_transform){30, 20, 3, 0.92, 0},
                   100, 1.0, "640x480 vs 900x700", &w);
    reg_report("different sizes", &w);
    reg_within(&w, 0.02, 0.003, 0.01); /* measured 0.007 px, 0.0010 deg, 0.003% */
}

static void test_any_rotation(skd_ctx *ctx)
{
    static const double rots[][2] = {{30, 1.0}, {90, 1.1}, {180, 1.0}, {-135, 0.8},
                                     {170, 1.25}, {-95, 0.95}};
    worst w = WORST_INIT;
    for (size_t i = 0; i < sizeof rots / sizeof rots[0]; i++) {
        char label[64];
        snprintf(label, sizeof label, "rotation %.0f", rots[i][0]);
        synthetic_pair(ctx, 30 + i, 640, 480, 640, 480,
                       (skd_transform){48, -40, rots[i][0], rots[i][1], 0}, 100, 1.0,
                       label, &w);
    }
    reg_report("any rotation, scale 0.8-1.25", &w);
    reg_within(&w, 0.02, 0.003, 0.006); /* measured 0.007 px, 0.0011 deg, 0.002% */
}

/* Only pores for texture, 60% of them gone, noise and changed lighting:
 * far harsher than a treatment, to show the margins. */
static void test_pores_only(skd_ctx *ctx)
{
    worst w = WORST_INIT;
    uint64_t rng = 4242;
    for (int i = 0; i < 8; i++) {
        field f;
        shot sb = field_shot(640, 480, 640, 480), sa = sb;
        skd_image *b, *a;
        field_make(&f, 300 + (uint64_t)i, 640, 480, 0, 300);
        sa.camera = (skd_transform){(field_uniform(&rng) * 0.4 - 0.2) * 640,
                                    (field_uniform(&rng) * 0.4 - 0.2) * 480,
                                    field_uniform(&rng) * 20 - 10,
                                    0.9 + 0.2 * field_uniform(&rng), 0};
        sa.blob_keep = 0.4;
        sa.exposure = 0.7;
        sa.light_x = 0.3;
        sb.noise_sigma = sa.noise_sigma = 2.0;
        sb.noise_seed = 10 + (uint64_t)i;
        sa.noise_seed = 20 + (uint64_t)i;
        b = field_render(&f, &sb);
        a = field_render(&f, &sa);
        reg_check_pair(ctx, b, a, &sa.camera, "pores only", &w);
        field_image_free(a);
        field_image_free(b);
    }
    reg_report("pores only, 60% gone, noise, light", &w);
    reg_within(&w, 0.4, 0.13, 0.25); /* measured 0.154 px, 0.0513 deg, 0.089% */
}

/* A real photo: before is a crop, after a view through a known camera. */
static void test_real_photo(skd_ctx *ctx)
{
    static const double cams[][4] = {{20, -15, 7, 1.05}, {-30, 25, -10, 0.92},
                                      {10, 12, 3, 1.1}};
    skd_image *src;
    worst w = WORST_INIT;
    if (!(src = reg_astronaut("real-photo cases")))
        return;
    for (size_t i = 0; i < sizeof cams / sizeof cams[0]; i++) {
        skd_transform id = {0, 0, 0, 1, 0};
        skd_transform cam = {cams[i][0], cams[i][1], cams[i][2], cams[i][3], 0};
        /* 320x320 views centred on the 512x512 photo stay inside it. */
        skd_image *b = field_photo_view(src, 320, 320, 96, 96, &id, 320, 320);
        skd_image *a = field_photo_view(src, 320, 320, 96, 96, &cam, 320, 320);
        reg_check_pair(ctx, b, a, &cam, "astronaut", &w);
        field_image_free(a);
        field_image_free(b);
    }
    field_image_free(src);
    reg_report("real photo (astronaut crops)", &w);
    reg_within(&w, 0.03, 0.01, 0.03); /* measured 0.010 px, 0.0040 deg, 0.012% */
}

static void test_timing(skd_ctx *ctx)
{
    worst w = WORST_INIT;
    synthetic_pair(ctx, 77, 1500, 1000, 1500, 1000,
                   (skd_transform){-150, 120, 4.0, 1.04, 0}, 100, 1.0, "1500x1000", &w);
    reg_report("1500x1000 pair", &w);
    reg_within(&w, 0.015, 0.0012, 0.003); /* measured 0.005 px, 0.0004 deg, 0.001% */
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    CHECK(ctx != NULL);
    if (!ctx)
        return check_done("test_register_robust");
    test_sizes(ctx);
    test_any_rotation(ctx);
    test_pores_only(ctx);
    test_real_photo(ctx);
    test_timing(ctx);
    skd_ctx_free(ctx);
    return check_done("test_register_robust");
}
