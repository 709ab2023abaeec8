/* The skin map on the real portraits of the shared test data (faces,
 * suits, flags, curtains, walls, hair): the region R keeps the face skin
 * and drops what is not skin. The boxes (x0, y0, x1, y1, pixels) were
 * drawn by eye on each photo and checked on the overlay
 * (skindiff analyze --px-per-mm 1 --overlay): skin boxes lie on bare
 * cheek, forehead, chin or hand; the others on clothing, hair, flags,
 * curtains, walls, furniture. A skin box must be kept for >= 75% of its
 * pixels, another box for <= 5% (issue 12). The scale is set to 1 px/mm
 * so that the 0.25 mm growth and the 1 mm support of R take no pixel of a
 * face only a few hundred pixels across: R is then S less highlights and
 * dark pixels. Boxes marked weak are measured and reported, not asserted:
 * known weaknesses of a skin map without landmarks (docs/skin-map.md). The
 * photos are test data only and are never committed. */
#include <string.h>

#include "check.h"

enum { SKIN, NOT_SKIN, WEAK };

typedef struct box {
    const char *name;
    int kind;
    uint32_t x0, y0, x1, y1;
} box;

typedef struct photo {
    const char *file;
    box boxes[16];
} photo;

static const photo photos[] = {
    {"astronaut.png",
     {{"forehead", SKIN, 200, 88, 250, 102},
      {"left cheek", SKIN, 188, 125, 208, 148},
      {"right cheek", SKIN, 242, 125, 262, 148},
      {"chin", SKIN, 212, 162, 238, 176},
      {"hair", NOT_SKIN, 170, 25, 280, 70},
      {"wall", NOT_SKIN, 300, 20, 380, 100},
      {"orange suit", NOT_SKIN, 40, 300, 120, 450},
      {"flag", NOT_SKIN, 0, 0, 40, 200},
      {"helmet", NOT_SKIN, 300, 360, 480, 500},
      {"shuttle model", NOT_SKIN, 380, 60, 460, 250},
      {NULL, 0, 0, 0, 0, 0}}},
    {"portrait-podium.jpg",
     {{"forehead", SKIN, 260, 250, 430, 310},
      {"left cheek", SKIN, 215, 420, 265, 490},
      {"right cheek", SKIN, 385, 400, 450, 480},
      {"nose", SKIN, 280, 380, 330, 440},
      {"chin", SKIN, 300, 570, 390, 600},
      {"flag, stars", NOT_SKIN, 0, 0, 200, 200},
      {"flag, red stripe", NOT_SKIN, 500, 0, 626, 250},
      {"suit, left", NOT_SKIN, 0, 700, 200, 1050},
      {"suit, right", NOT_SKIN, 430, 700, 626, 1050},
      {"tie", NOT_SKIN, 230, 800, 300, 1050},
      {"shirt", NOT_SKIN, 370, 680, 440, 780},
      {"microphone", NOT_SKIN, 250, 680, 350, 760},
      {"podium", NOT_SKIN, 0, 1090, 626, 1200},
      {"hair", NOT_SKIN, 280, 180, 440, 215},
      {NULL, 0, 0, 0, 0, 0}}},
    {"portrait-room.jpg",
     {{"forehead", SKIN, 700, 310, 840, 345},
      {"left cheek", SKIN, 650, 410, 710, 480},
      {"right cheek", SKIN, 850, 410, 910, 480},
      {"chin", SKIN, 760, 545, 840, 585},
      {"left hand", SKIN, 490, 1160, 570, 1200},
      {"right hand", SKIN, 980, 1075, 1060, 1115},
      {"suit", NOT_SKIN, 450, 1400, 1100, 2000},
      {"tie", NOT_SKIN, 700, 720, 780, 940},
      {"chandelier", WEAK, 100, 150, 560, 560},
      {"yellow curtain", NOT_SKIN, 1220, 400, 1420, 700},
      {"blue curtain", NOT_SKIN, 1300, 900, 1400, 1500},
      {"wall", NOT_SKIN, 0, 500, 100, 1000},
      {"green jacket", NOT_SKIN, 1300, 1200, 1430, 1800},
      {"carpet", NOT_SKIN, 200, 2200, 1200, 2333},
      {"ceiling", NOT_SKIN, 300, 0, 1200, 100},
      {NULL, 0, 0, 0, 0, 0}}},
    {"portrait-standing.jpg",
     {{"forehead", SKIN, 520, 215, 660, 265},
      {"left cheek", SKIN, 440, 330, 500, 440},
      {"right cheek", SKIN, 600, 340, 680, 460},
      {"chin", SKIN, 520, 470, 620, 530},
      {"hand", SKIN, 320, 990, 420, 1060},
      {"white hair", WEAK, 420, 130, 720, 195},
      {"suit", NOT_SKIN, 100, 1300, 800, 2000},
      {"tie", NOT_SKIN, 570, 640, 640, 900},
      {"watch", NOT_SKIN, 450, 995, 515, 1075},
      {"yellow curtain", NOT_SKIN, 150, 100, 350, 500},
      {"blue curtain", NOT_SKIN, 650, 450, 850, 650},
      {"wall", NOT_SKIN, 0, 1500, 80, 1900},
      {NULL, 0, 0, 0, 0, 0}}},
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

static void test_photo(const photo *p)
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
    if (img)
        CHECK_STATUS(skd_analyze_region(ctx, img, NULL, &a), SKD_OK);
    if (a) {
        const skd_exclusion *e = &a->exclusion;
        REPORT("%s: R %.1f%% of the frame, S %.1f%%; not skin %.1f%%, "
               "highlight %.2f%%, too dark %.1f%%, margin %.1f%%", p->file,
               100 * e->region, 100 * e->skin, 100 * e->not_skin,
               100 * e->highlight, 100 * e->too_dark, 100 * e->margin);
        for (const box *b = p->boxes; b->name; b++) {
            double k = kept_in(a, b);
            REPORT("  %-8s %-16s kept %5.1f%%", b->kind == SKIN ? "skin" : b->kind == WEAK ? "weak" : "not skin",
                   b->name, 100 * k);
            if (b->kind == SKIN)
                CHECK(k >= 0.75);
            else if (b->kind == NOT_SKIN)
                CHECK(k <= 0.05);
        }
    }
    skd_analysis_free(a);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

int main(void)
{
    for (size_t i = 0; i < sizeof photos / sizeof photos[0]; i++)
        test_photo(&photos[i]);
    return check_done("test_skin_photos");
}
