/* The skin map on the real portraits of the shared test data (faces,
 * suits, flags, curtains, walls, hair): the region R keeps the face skin
 * and drops what is not skin, without landmarks and with the face's
 * landmarks (dlib). The boxes (x0, y0, x1, y1, pixels) were drawn by eye
 * on each photo and checked on the overlay (skindiff analyze --px-per-mm 1
 * [--face] --overlay): skin boxes lie on bare cheek, forehead, nose, chin
 * or hand; the others on clothing, hair, flags, curtains, walls,
 * furniture, another person. A box asserted as skin must be kept for
 * >= 75% of its pixels, one asserted as not skin for <= 5% (issue 12).
 * The scale is set to 1 px/mm so that the 0.25 mm growth and the 1 mm
 * support of R take no pixel of a face only a few hundred pixels across:
 * R is then S less highlights and dark pixels. Each box has an
 * expectation without landmarks and one with them. WEAK marks a known
 * weakness, measured and reported, not asserted (docs/skin-map.md): hair
 * and gilding of the skin's colour touching the face, another person, and
 * teeth in a smile (lips and teeth by colour only), without landmarks. With the face, only skin connected to it counts
 * (docs/skin-map.md, step 6), so hands apart from the face are left out: AWAY is a box
 * of skin kept without landmarks and left out with them. The photos are
 * test data only and are never committed. */
#include <string.h>

#include "check.h"

enum { SKIN, NOT_SKIN, WEAK, AWAY };

typedef struct box {
    const char *name;
    int plain, face; /* expectation without and with landmarks */
    uint32_t x0, y0, x1, y1;
} box;

typedef struct photo {
    const char *file;
    box boxes[20];
} photo;

static const photo photos[] = {
    {"astronaut.png",
     {{"forehead", SKIN, SKIN, 203, 82, 237, 87}, /* 5 px between fringe and brows */
      {"between the brows", SKIN, SKIN, 214, 88, 236, 100},
      {"left cheek", SKIN, SKIN, 188, 125, 208, 148},
      {"right cheek", SKIN, SKIN, 242, 125, 262, 148},
      {"chin", SKIN, SKIN, 212, 162, 238, 176},
      {"hair", NOT_SKIN, NOT_SKIN, 170, 25, 280, 70},
      {"fringe", WEAK, NOT_SKIN, 195, 62, 260, 76},
      {"wall", NOT_SKIN, NOT_SKIN, 300, 20, 380, 100},
      {"orange suit", NOT_SKIN, NOT_SKIN, 40, 300, 120, 450},
      {"flag", NOT_SKIN, NOT_SKIN, 0, 0, 40, 200},
      {"helmet", NOT_SKIN, NOT_SKIN, 300, 360, 480, 500},
      {"shuttle model", NOT_SKIN, NOT_SKIN, 380, 60, 460, 250},
      /* the lit cheeks, named from the subject's side: her right cheek's
       * highlight is skin plus the lamp's white (docs/skin-map.md, step 4);
       * with her face's model it was a hole of 60% of this box */
      {"lit cheek (her right)", SKIN, SKIN, 190, 113, 204, 127},
      {"lit cheek (her left)", SKIN, SKIN, 246, 112, 260, 126},
      {"hair beside the cheek", NOT_SKIN, NOT_SKIN, 272, 100, 292, 140},
      {"wall beside the face", NOT_SKIN, NOT_SKIN, 300, 110, 340, 180},
      {"black collar", NOT_SKIN, NOT_SKIN, 170, 195, 270, 225},
      {"teeth", WEAK, NOT_SKIN, 208, 140, 242, 148},
      {NULL, 0, 0, 0, 0, 0, 0}}},
    {"portrait-podium.jpg",
     {{"forehead", SKIN, SKIN, 260, 250, 430, 310},
      {"left cheek", SKIN, SKIN, 215, 420, 265, 490},
      {"right cheek", SKIN, SKIN, 385, 400, 450, 480},
      {"nose", SKIN, SKIN, 280, 380, 330, 440},
      {"chin", SKIN, SKIN, 300, 570, 390, 600},
      {"person behind", WEAK, NOT_SKIN, 530, 480, 626, 640},
      {"flag, stars", NOT_SKIN, NOT_SKIN, 0, 0, 200, 200},
      {"flag, red stripe", NOT_SKIN, NOT_SKIN, 500, 0, 626, 250},
      {"suit, left", NOT_SKIN, NOT_SKIN, 0, 700, 200, 1050},
      {"suit, right", NOT_SKIN, NOT_SKIN, 430, 700, 626, 1050},
      {"tie", NOT_SKIN, NOT_SKIN, 230, 800, 300, 1050},
      {"shirt", NOT_SKIN, NOT_SKIN, 370, 680, 440, 780},
      {"microphone", NOT_SKIN, NOT_SKIN, 250, 680, 350, 760},
      {"podium", NOT_SKIN, NOT_SKIN, 0, 1090, 626, 1200},
      {"hair", NOT_SKIN, NOT_SKIN, 280, 180, 440, 215},
      {NULL, 0, 0, 0, 0, 0, 0}}},
    {"portrait-room.jpg",
     {{"forehead", SKIN, SKIN, 700, 310, 840, 345},
      {"left cheek", SKIN, SKIN, 650, 410, 710, 480},
      {"right cheek", SKIN, SKIN, 850, 410, 910, 480},
      {"chin", SKIN, SKIN, 760, 545, 840, 585},
      {"left hand", SKIN, AWAY, 490, 1160, 570, 1200},
      {"right hand", SKIN, AWAY, 980, 1075, 1060, 1115},
      {"suit", NOT_SKIN, NOT_SKIN, 450, 1400, 1100, 2000},
      {"tie", NOT_SKIN, NOT_SKIN, 700, 720, 780, 940},
      {"chandelier", WEAK, NOT_SKIN, 100, 150, 560, 560},
      {"yellow curtain", NOT_SKIN, NOT_SKIN, 1220, 400, 1420, 700},
      {"blue curtain", NOT_SKIN, NOT_SKIN, 1300, 900, 1400, 1500},
      {"wall", NOT_SKIN, NOT_SKIN, 0, 500, 100, 1000},
      {"green jacket", NOT_SKIN, NOT_SKIN, 1300, 1200, 1430, 1800},
      {"carpet", NOT_SKIN, NOT_SKIN, 200, 2200, 1200, 2333},
      {"ceiling", NOT_SKIN, NOT_SKIN, 300, 0, 1200, 100},
      {NULL, 0, 0, 0, 0, 0, 0}}},
    {"portrait-standing.jpg",
     {{"forehead", SKIN, SKIN, 520, 215, 660, 265},
      {"left cheek", SKIN, SKIN, 440, 330, 500, 440},
      {"right cheek", SKIN, SKIN, 600, 340, 680, 460},
      {"chin", SKIN, SKIN, 520, 470, 620, 530},
      {"hand", SKIN, AWAY, 320, 990, 420, 1060},
      {"white hair, crown", WEAK, NOT_SKIN, 440, 110, 700, 132},
      {"white hair, left", WEAK, NOT_SKIN, 405, 150, 445, 230},
      {"white hair, right", WEAK, NOT_SKIN, 700, 150, 730, 210},
      {"suit", NOT_SKIN, NOT_SKIN, 100, 1300, 800, 2000},
      {"tie", NOT_SKIN, NOT_SKIN, 570, 640, 640, 900},
      {"watch", NOT_SKIN, NOT_SKIN, 450, 995, 515, 1075},
      {"yellow curtain", NOT_SKIN, NOT_SKIN, 150, 100, 350, 500},
      {"blue curtain", NOT_SKIN, NOT_SKIN, 650, 450, 850, 650},
      {"wall", NOT_SKIN, NOT_SKIN, 0, 1500, 80, 1900},
      {NULL, 0, 0, 0, 0, 0, 0}}},
};

static double kept_in(const skd_analysis *a, const box *b)
{
    size_t in = 0, n = 0;
    for (uint32_t y = b->y0; y < b->y1 && y < a->height; y++)
        for (uint32_t x = b->x0; x < b->x1 && x < a->width; x++) {
            in += a->region[(size_t)y * a->width + x] != 0;
            n++;
        }
    return n ? (double)in / (double)n : 0;
}

static const char *const kind_names[] = {"skin", "not skin", "weak", "away"};

static void check_boxes(const photo *p, const skd_analysis *a, int face)
{
    const skd_exclusion *e = &a->exclusion;
    REPORT("%s%s: R %.1f%% of the frame, S %.1f%%; not skin %.1f%%, "
           "highlight %.2f%%, too dark %.1f%%, margin %.1f%%", p->file,
           face ? " with its face" : "", 100 * e->region, 100 * e->skin,
           100 * e->not_skin, 100 * e->highlight, 100 * e->too_dark,
           100 * e->margin);
    for (const box *b = p->boxes; b->name; b++) {
        int kind = face ? b->face : b->plain;
        double k = kept_in(a, b);
        REPORT("  %-8s %-22s kept %5.1f%%", kind_names[kind], b->name, 100 * k);
        if (kind == SKIN)
            CHECK(k >= 0.75);
        else if (kind == NOT_SKIN || kind == AWAY)
            CHECK(k <= 0.05);
    }
}

/* R of img, with the face's landmarks when face (dlib's). */
static skd_analysis *region_of(skd_ctx *ctx, const skd_image *img, int face)
{
    skd_region_spec spec;
    skd_zones *z = NULL;
    skd_analysis *a = NULL;
    memset(&spec, 0, sizeof spec);
    if (face) {
        CHECK_STATUS(skd_zones_detect(ctx, img, &z), SKD_OK);
        if (!z || !z->has_landmarks) {
            CHECK(z && z->has_landmarks);
            skd_zones_free(z);
            return NULL;
        }
        spec.landmarks = z->landmarks;
    }
    CHECK_STATUS(skd_analyze_region(ctx, img, &spec, &a), SKD_OK);
    skd_zones_free(z);
    return a;
}

static void test_photo(const photo *p, int face)
{
    char rel[256], path[4096];
    skd_ctx *ctx;
    skd_image *img = NULL;
    skd_analysis *a = NULL;
    snprintf(rel, sizeof rel, "photos/%s", p->file);
    if (!check_shared_data(rel, p->file))
        return;
    snprintf(path, sizeof path, "%s/%s", SKD_SHARED_DATA, rel);
    ctx = skd_ctx_create();
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 1);
    CHECK_STATUS(skd_image_load(ctx, path, &img), SKD_OK);
    if (img && (a = region_of(ctx, img, face)))
        check_boxes(p, a, face);
    skd_analysis_free(a);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

int main(void)
{
    int dlib = skd_landmarks_backend() != NULL;
    for (size_t i = 0; i < sizeof photos / sizeof photos[0]; i++) {
        test_photo(&photos[i], 0);
        if (dlib)
            test_photo(&photos[i], 1);
    }
    if (!dlib)
        check_skip_part("the boxes with the face's landmarks: this build has "
                        "no dlib");
    return check_done("test_skin_photos");
}
