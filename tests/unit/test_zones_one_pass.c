/* skd_zones_metrics (every zone in one scan, label_stats.c) gives each
 * zone's figures bit for bit as skd_metrics_in_region over the zone's
 * pixels (the per-zone path it replaced): on synthetic photos with label
 * planes that cut every chunk and block, one of a single chunk (the
 * median by quickselect) and one whose last block is short (its tail
 * pixels' accumulators), and on the shared portraits and their mirror
 * images with dlib's zones. Tolerance: none (memcmp of the figures).
 * The portrait part skips (77) without dlib or without the photos. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Every zone's figures both ways, compared to the last bit. */
static void compare_paths(skd_ctx *ctx, const skd_image *img,
                          const skd_analysis *an, const skd_zones *z,
                          const char *what)
{
    skd_metrics fast[SKD_ZONE_COUNT], slow;
    int status[SKD_ZONE_COUNT];
    size_t n = (size_t)img->width * img->height;
    uint8_t *inc = malloc(n);
    CHECK(inc != NULL);
    if (!inc)
        return;
    CHECK_STATUS(skd_zones_metrics(ctx, an, img, z, fast, status), SKD_OK);
    CHECK(status[SKD_ZONE_WHOLE] == SKD_OK);
    CHECK(memcmp(&fast[SKD_ZONE_WHOLE], &an->metrics, sizeof an->metrics) == 0);
    for (int k = 1; k < SKD_ZONE_COUNT; k++) {
        int st;
        for (size_t i = 0; i < n; i++)
            inc[i] = z->labels && z->labels[i] == k;
        st = skd_metrics_in_region(ctx, an, img, inc, NAN, &slow);
        CHECK(st == SKD_OK || st == SKD_E_NO_REGION);
        CHECK_STATUS(status[k], st);
        if (st == SKD_OK) {
            CHECK(memcmp(&fast[k], &slow, sizeof slow) == 0);
        } else {
            CHECK(isnan(fast[k].sa) && fast[k].region_pixels == 0);
        }
        {
            skd_metrics one;
            CHECK_STATUS(skd_zone_metrics(ctx, an, img, z, (skd_zone)k, &one), st);
            CHECK(memcmp(&one, &fast[k], sizeof one) == 0);
        }
        REPORT("%s %-11s %7llu px  Sa %.6f  a* median %.4f  pores %u", what,
               skd_zone_name((skd_zone)k),
               (unsigned long long)fast[k].region_pixels, fast[k].sa,
               fast[k].a_median, fast[k].pore_count);
    }
    free(inc);
}

/* A label image of stripes, blobs and single pixels of zones 1, 2, 3 and
 * 5 (4 stays empty: SKD_E_NO_REGION), that changes label inside blocks
 * and chunks of the statistics. */
static skd_zones *scattered_zones(skd_ctx *ctx, uint32_t w, uint32_t h)
{
    static const uint8_t used[] = {0, 1, 2, 3, 5};
    skd_image *lab = NULL;
    skd_zones *z = NULL;
    uint32_t seed = 12345;
    if (skd_image_create(ctx, w, h, &lab) != SKD_OK)
        return NULL;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint16_t *p = lab->rgb + 3 * ((size_t)y * w + x);
            uint8_t v;
            seed = seed * 1103515245u + 12345u;
            if ((seed >> 16) % 50 == 0)
                v = used[(seed >> 8) % 5]; /* single pixels */
            else if (y < h / 4)
                v = (uint8_t)(x * 5 / w) == 3 ? 5 : used[x * 5 / w];
            else
                v = used[((x / 37) + (y / 23)) % 5];
            p[0] = p[1] = p[2] = (uint16_t)(v * 257u);
        }
    CHECK_STATUS(skd_zones_from_labels(ctx, lab, &z), SKD_OK);
    skd_image_free(lab);
    return z;
}

static void test_synthetic(skd_ctx *ctx, uint32_t w, uint32_t h)
{
    skd_synth_params sp;
    skd_image *img = NULL;
    skd_analysis *an = NULL;
    skd_zones *z = NULL;
    char what[64];
    skd_synth_defaults(&sp, w, h, 20);
    CHECK_STATUS(skd_synth(ctx, &sp, &img, NULL, NULL), SKD_OK);
    if (img)
        CHECK_STATUS(skd_analyze(ctx, img, NULL, &an), SKD_OK);
    z = scattered_zones(ctx, w, h);
    snprintf(what, sizeof what, "synthetic %ux%u", (unsigned)w, (unsigned)h);
    if (img && an && z)
        compare_paths(ctx, img, an, z, what);
    skd_zones_free(z);
    skd_analysis_free(an);
    skd_image_free(img);
}

/* As analyze --face: the zones first, their landmarks for the skin map. */
static void test_face_photo(skd_ctx *ctx, const skd_image *img,
                            const char *what, void *arg)
{
    skd_region_spec spec;
    skd_analysis *an = NULL;
    skd_zones *z = NULL;
    (void)arg;
    CHECK_STATUS(skd_zones_detect(ctx, img, &z), SKD_OK);
    CHECK(z && z->source == SKD_ZONES_DLIB);
    if (!z)
        return;
    memset(&spec, 0, sizeof spec);
    spec.landmarks = z->has_landmarks ? z->landmarks : NULL;
    CHECK_STATUS(skd_analyze(ctx, img, &spec, &an), SKD_OK);
    if (an)
        compare_paths(ctx, img, an, z, what);
    skd_analysis_free(an);
    skd_zones_free(z);
}

static void test_portraits(skd_ctx *ctx)
{
    if (!skd_landmarks_backend()) {
        check_skip_part("portraits: this build has no dlib");
        return;
    }
    if (!check_shared_data("photos", "portraits"))
        return;
    /* A scale near the photos' own (a face a few hundred pixels across):
     * at the default 20 px/mm the 1 mm fill leaves the astronaut's face no
     * region. */
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 4);
    check_each_portrait(ctx, test_face_photo, NULL);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    if (!ctx)
        return 1;
    test_synthetic(ctx, 250, 240);  /* 60000 px: one chunk */
    test_synthetic(ctx, 517, 263);  /* 3 chunks, last block 35 px */
    test_synthetic(ctx, 640, 480);  /* 5 chunks, blocks all full */
    test_portraits(ctx);
    skd_ctx_free(ctx);
    return check_done("test_zones_one_pass");
}
