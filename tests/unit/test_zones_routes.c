/* Facial zones without dlib: polygons from landmarks, the landmarks file,
 * the label image round trip, zone figures against skd_metrics_in_region.
 * Runs in every build. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "face/face.h"

/* A frontal face drawn by hand (the iBUG 68-point layout of a face 200 px
 * wide centred at x = 200, nasion at y = 150, chin at y = 300), mirror-
 * symmetric about x = 200: p[16 - i] mirrors p[i] and so on. */
static void toy_face(skd_point *p)
{
    static const double jaw[17][2] = {
        {100, 150}, {102, 175}, {106, 200}, {112, 225}, {122, 250},
        {138, 272}, {158, 288}, {178, 297}, {200, 300}, {222, 297},
        {242, 288}, {262, 272}, {278, 250}, {288, 225}, {294, 200},
        {298, 175}, {300, 150}};
    static const double rest[51][2] = {
        /* brows 17-26 */
        {120, 125}, {135, 118}, {150, 116}, {165, 118}, {180, 122},
        {220, 122}, {235, 118}, {250, 116}, {265, 118}, {280, 125},
        /* nose 27-35 */
        {200, 150}, {200, 165}, {200, 180}, {200, 195}, {185, 205},
        {192, 208}, {200, 210}, {208, 208}, {215, 205},
        /* eyes 36-47 */
        {140, 150}, {150, 144}, {162, 144}, {172, 150}, {162, 155},
        {150, 155}, {228, 150}, {238, 144}, {250, 144}, {260, 150},
        {250, 155}, {238, 155},
        /* outer lips 48-59 */
        {172, 240}, {182, 233}, {192, 230}, {200, 232}, {208, 230},
        {218, 233}, {228, 240}, {218, 248}, {208, 251}, {200, 252},
        {192, 251}, {182, 248},
        /* inner lips 60-67 */
        {176, 240}, {192, 237}, {200, 238}, {208, 237}, {224, 240},
        {208, 243}, {200, 244}, {192, 243}};
    for (int i = 0; i < 17; i++)
        p[i] = (skd_point){jaw[i][0], jaw[i][1]};
    for (int i = 0; i < 51; i++)
        p[17 + i] = (skd_point){rest[i][0], rest[i][1]};
}

static uint8_t label_at(const skd_zones *z, int x, int y)
{
    return z->labels[(size_t)y * z->width + (size_t)x];
}

static void test_polygons(skd_ctx *ctx)
{
    skd_point p[SKD_LANDMARK_COUNT];
    skd_zones *z = NULL;
    toy_face(p);
    CHECK_STATUS(skd_zones_from_landmarks(ctx, 400, 400, p, &z), SKD_OK);
    if (!z)
        return;
    CHECK(z->source == SKD_ZONES_LANDMARKS);
    /* Points a person puts in each zone of the drawn face. */
    CHECK(label_at(z, 200, 100) == SKD_ZONE_FOREHEAD);
    CHECK(label_at(z, 200, 180) == SKD_ZONE_NOSE);
    /* The subject's left cheek is on the image's right. */
    CHECK(label_at(z, 255, 200) == SKD_ZONE_LEFT_CHEEK);
    CHECK(label_at(z, 145, 200) == SKD_ZONE_RIGHT_CHEEK);
    CHECK(label_at(z, 200, 280) == SKD_ZONE_CHIN);
    /* Not skin of a zone: eyes, mouth, brows, outside the face. */
    CHECK(label_at(z, 150, 150) == 0);
    CHECK(label_at(z, 200, 240) == 0);
    CHECK(label_at(z, 150, 116) == 0);
    CHECK(label_at(z, 50, 200) == 0);
    /* The drawn face is mirror-symmetric, so are the zones, with left and
     * right swapped: pixel centres x and 400 - x mirror about 200. */
    {
        size_t differ = 0, labelled = 0;
        for (int y = 0; y < 400; y++)
            for (int x = 1; x < 400; x++) {
                uint8_t a = label_at(z, x, y), b = label_at(z, 400 - x, y);
                if (b == SKD_ZONE_LEFT_CHEEK)
                    b = SKD_ZONE_RIGHT_CHEEK;
                else if (b == SKD_ZONE_RIGHT_CHEEK)
                    b = SKD_ZONE_LEFT_CHEEK;
                labelled += a != 0;
                /* Pixels on a polygon edge may go either way. */
                differ += a != b;
            }
        REPORT("mirror: %zu of %zu labelled pixels differ", differ, labelled);
        CHECK(differ <= labelled / 100);
    }
    for (int i = 1; i < SKD_ZONE_COUNT; i++)
        CHECK(z->zone_pixels[i] > 100);
    skd_zones_free(z);
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fputs(text, f);
    return fclose(f) == 0;
}

static void test_json(skd_ctx *ctx)
{
    skd_point p[SKD_LANDMARK_COUNT], q[SKD_LANDMARK_COUNT];
    char path[512], *doc;
    size_t n = 0;
    skd_zones *a = NULL, *b = NULL;
    toy_face(p);
    p[5].x += 0.123456789012345; /* full precision must survive */
    snprintf(path, sizeof path, "%s/zones_landmarks.json", check_tmpdir());
    doc = malloc(16384);
    n += (size_t)sprintf(doc + n, "{\"source\": \"test\", \"image\": {\"w\": 400},"
                                  "\n \"landmarks\": {");
    for (int i = SKD_LANDMARK_COUNT - 1; i >= 0; i--) /* any order */
        n += (size_t)sprintf(doc + n, "\"p%d\": [%.17g, %.17g]%s", i, p[i].x,
                             p[i].y, i ? ", " : "");
    sprintf(doc + n, "}, \"extra\": [1, {\"a\": null}, true]}\n");
    CHECK(write_text(path, doc));
    CHECK_STATUS(skd_landmarks_load_json(ctx, path, q), SKD_OK);
    CHECK(memcmp(p, q, sizeof p) == 0);
    CHECK_STATUS(skd_zones_from_landmarks(ctx, 400, 400, p, &a), SKD_OK);
    CHECK_STATUS(skd_zones_from_landmarks(ctx, 400, 400, q, &b), SKD_OK);
    if (a && b)
        CHECK(memcmp(a->labels, b->labels, 400 * 400) == 0);
    skd_zones_free(a);
    skd_zones_free(b);

    /* Broken files fail with a message, never a crash. */
    {
        static const char *bad[] = {
            "", "{", "{\"landmarks\": {\"p0\": [1, 2]}}", "[1, 2]",
            "{\"landmarks\": {\"p0\": [1]}}", "{\"landmarks\": 5}",
            "{\"other\": {}}", "{\"landmarks\": {\"p0\": [1e999, 2]}}",
            "{\"landmarks\": {\"p0\": [\"a\", 2]}}"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            int st;
            CHECK(write_text(path, bad[i]));
            st = skd_landmarks_load_json(ctx, path, q);
            CHECK(st == SKD_E_FORMAT || st == SKD_E_IO);
            CHECK(strlen(skd_ctx_message(ctx)) > 0);
        }
    }
    {
        /* Nesting deeper than the reader follows. */
        char deep[300] = "{\"x\": ";
        for (int i = 0; i < 100; i++)
            strcat(deep, "[");
        CHECK(write_text(path, deep));
        CHECK_STATUS(skd_landmarks_load_json(ctx, path, q), SKD_E_FORMAT);
    }
    free(doc);
}

/* --zones-out written and read back gives the same zones and figures. */
static void test_labels_round_trip(skd_ctx *ctx)
{
    skd_synth_params sp;
    skd_image *img = NULL, *lab = NULL;
    skd_analysis *an = NULL;
    skd_zones *z = NULL, *back = NULL;
    skd_point p[SKD_LANDMARK_COUNT];
    char path[512];
    skd_synth_defaults(&sp, 400, 400, 20);
    CHECK_STATUS(skd_synth(ctx, &sp, &img, NULL, NULL), SKD_OK);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &an), SKD_OK);
    toy_face(p);
    CHECK_STATUS(skd_zones_from_landmarks(ctx, 400, 400, p, &z), SKD_OK);
    if (!img || !an || !z)
        goto done;
    snprintf(path, sizeof path, "%s/zones_labels.png", check_tmpdir());
    CHECK_STATUS(skd_zones_write_png(ctx, z, an, path), SKD_OK);
    CHECK_STATUS(skd_image_load(ctx, path, &lab), SKD_OK);
    CHECK_STATUS(skd_zones_from_labels(ctx, lab, &back), SKD_OK);
    if (!back)
        goto done;
    CHECK(back->source == SKD_ZONES_LABELS);
    for (int zi = 0; zi < SKD_ZONE_COUNT; zi++) {
        skd_metrics m1, m2, m3;
        uint8_t *inc = malloc(400 * 400);
        for (size_t i = 0; i < 400 * 400; i++)
            inc[i] = z->labels[i] == zi;
        CHECK_STATUS(skd_zone_metrics(ctx, an, img, z, (skd_zone)zi, &m1), SKD_OK);
        CHECK_STATUS(skd_zone_metrics(ctx, an, img, back, (skd_zone)zi, &m2),
                     SKD_OK);
        /* Exactly the figures over the zone's pixels of R. */
        if (zi) {
            CHECK_STATUS(skd_metrics_in_region(ctx, an, img, inc,
                                               NAN, &m3),
                         SKD_OK);
            CHECK(memcmp(&m1, &m3, sizeof m1) == 0);
        }
        CHECK(memcmp(&m1, &m2, sizeof m1) == 0);
        REPORT("%-11s %6llu px  Sa %.3f", skd_zone_name((skd_zone)zi),
               (unsigned long long)m1.region_pixels, m1.sa);
        free(inc);
    }
    /* A label outside 0..5 is refused. */
    lab->rgb[0] = lab->rgb[1] = lab->rgb[2] = 6 * 257;
    skd_zones_free(back);
    back = NULL;
    CHECK_STATUS(skd_zones_from_labels(ctx, lab, &back), SKD_E_INVALID);
    CHECK(back == NULL);
done:
    skd_zones_free(z);
    skd_zones_free(back);
    skd_image_free(lab);
    skd_image_free(img);
    skd_analysis_free(an);
}

static void test_bad_landmarks(skd_ctx *ctx)
{
    skd_point p[SKD_LANDMARK_COUNT];
    skd_zones *z = NULL;
    toy_face(p);
    p[3].x = NAN;
    CHECK_STATUS(skd_zones_from_landmarks(ctx, 400, 400, p, &z), SKD_E_INVALID);
    CHECK(z == NULL);
    toy_face(p);
    CHECK_STATUS(skd_zones_from_landmarks(ctx, 0, 400, p, &z), SKD_E_INVALID);
    /* A face partly outside the photo is clipped, not an error. */
    for (int i = 0; i < SKD_LANDMARK_COUNT; i++)
        p[i].x -= 150;
    CHECK_STATUS(skd_zones_from_landmarks(ctx, 400, 400, p, &z), SKD_OK);
    skd_zones_free(z);
    CHECK(skd_zone_name(SKD_ZONE_LEFT_CHEEK) &&
          !strcmp(skd_zone_name(SKD_ZONE_LEFT_CHEEK), "left_cheek"));
    CHECK(skd_zone_name(SKD_ZONE_COUNT) == NULL);
}

/* Every allocation of the zone chain (zones from landmarks, a zone's
 * figures, the label image written and read back) failed in turn: a clean
 * SKD_E_NOMEM, nothing leaked, and once nothing fails the same figures. */
static int zone_chain(skd_ctx *ctx, const skd_image *img, const skd_analysis *an,
                      skd_metrics *out)
{
    skd_point p[SKD_LANDMARK_COUNT];
    skd_zones *z = NULL, *back = NULL;
    skd_image *lab = NULL;
    char path[512];
    int st;
    toy_face(p);
    snprintf(path, sizeof path, "%s/zones_fault.png", check_tmpdir());
    st = skd_zones_from_landmarks(ctx, 400, 400, p, &z);
    if (st == SKD_OK)
        st = skd_zones_write_png(ctx, z, an, path);
    if (st == SKD_OK)
        st = skd_image_load(ctx, path, &lab);
    if (st == SKD_OK)
        st = skd_zones_from_labels(ctx, lab, &back);
    if (st == SKD_OK)
        st = skd_zone_metrics(ctx, an, img, back, SKD_ZONE_LEFT_CHEEK, out);
    skd_zones_free(z);
    skd_zones_free(back);
    skd_image_free(lab);
    return st;
}

static void test_fault_alloc(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_synth_params sp;
    skd_image *img = NULL;
    skd_analysis *an = NULL;
    skd_metrics want, got;
    long k;
    skd_synth_defaults(&sp, 400, 400, 20);
    CHECK_STATUS(skd_synth(ctx, &sp, &img, NULL, NULL), SKD_OK);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &an), SKD_OK);
    CHECK_STATUS(zone_chain(ctx, img, an, &want), SKD_OK);
    for (k = 1; k < 200; k++) {
        check_alloc fa = {k, 0, 0, 0};
        skd_allocator al = check_allocator(&fa);
        skd_ctx *fctx = skd_ctx_create_with_allocator(&al);
        int st;
        if (!fctx)
            continue;
        st = zone_chain(fctx, img, an, &got);
        skd_ctx_free(fctx);
        CHECK(fa.live == 0);
        if (st == SKD_OK) {
            CHECK(memcmp(&got, &want, sizeof got) == 0);
            break;
        }
        CHECK(st == SKD_E_NOMEM);
    }
    REPORT("zone chain: allocation failures 1..%ld handled", k - 1);
    CHECK(k < 200);
    skd_analysis_free(an);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    test_polygons(ctx);
    test_json(ctx);
    test_labels_round_trip(ctx);
    test_bad_landmarks(ctx);
    skd_ctx_free(ctx);
    test_fault_alloc();
    return check_done("zones_routes");
}
