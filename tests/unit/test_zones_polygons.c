/* The zone polygons' margins (docs/zones.md), on a face built here from
 * simple shapes (iBUG 68-point layout): nasion (200, 150), chin
 * (200, 300), so the face height is 150 px; eye centres 100 px apart;
 * brows on y = 120; lower lids on y = 155 (y = 150 at the outer corner);
 * lower lip on y = 250. Moved along the face's vertical axis:
 *  - the forehead runs from 0.05 face heights above the brows (y 112.5)
 *    to 0.40 above them (y 60);
 *  - a cheek starts 0.15 eye distances below the lower lid (y 170);
 *  - the chin starts 0.10 eye distances below the lower lip (y 260).
 * Pixel centres 2-3 px either side of each edge are checked, and the
 * subject's left cheek lies on the image's right. */
#include <string.h>

#include "check.h"
#include "face/face.h"

#define S 400

static void face(skd_point *p)
{
    /* jaw 0-16: half an ellipse from (100, 150) down to the chin and up
     * to (300, 150) */
    for (int i = 0; i <= 16; i++)
        p[i] = (skd_point){200 - 100 * cos(M_PI * i / 16), 150 + 150 * sin(M_PI * i / 16)};
    for (int i = 17; i <= 26; i++) /* brows */
        p[i] = (skd_point){120 + (i - 17) * 160.0 / 9, 120};
    for (int i = 27; i <= 30; i++) /* nose bridge */
        p[i] = (skd_point){200, 150 + 15.0 * (i - 27)};
    for (int i = 31; i <= 35; i++) /* nostrils */
        p[i] = (skd_point){185 + 7.5 * (i - 31), 205};
    for (int e = 0; e < 2; e++) { /* eyes: corner, top, top, corner, bottom, bottom */
        static const double dx[6] = {-12, -5, 5, 12, 5, -5}, dy[6] = {0, -5, -5, 0, 5, 5};
        double cx = e ? 250 : 150;
        for (int k = 0; k < 6; k++)
            p[36 + 6 * e + k] = (skd_point){cx + dx[k], 150 + dy[k]};
    }
    for (int k = 0; k < 12; k++) /* outer lips from the image's left corner */
        p[48 + k] = (skd_point){200 - 28 * cos(M_PI * k / 6), 240 - 10 * sin(M_PI * k / 6)};
    for (int k = 0; k < 8; k++) /* inner lips */
        p[60 + k] = (skd_point){200 - 24 * cos(M_PI * k / 4), 240 - 3 * sin(M_PI * k / 4)};
}

static int label(const skd_zones *z, int x, int y)
{
    return z->labels[(size_t)y * S + (size_t)x];
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_point p[SKD_LANDMARK_COUNT];
    skd_zones *z = NULL;
    static const struct {
        int x, y, zone;
        const char *why;
    } at[] = {
        {200, 62, SKD_ZONE_FOREHEAD, "forehead: 2 px below its top (0.40 face heights)"},
        {200, 57, 0, "3 px above the forehead's top"},
        {200, 110, SKD_ZONE_FOREHEAD, "forehead: 2.5 px above its lower edge (0.05)"},
        {200, 115, 0, "2.5 px below the forehead's lower edge"},
        {250, 173, SKD_ZONE_LEFT_CHEEK, "left cheek: 3 px below its top (0.15 eyes)"},
        {250, 167, 0, "3 px above the left cheek's top"},
        {150, 173, SKD_ZONE_RIGHT_CHEEK, "right cheek: 3 px below its top"},
        {150, 167, 0, "3 px above the right cheek's top"},
        {200, 263, SKD_ZONE_CHIN, "chin: 3 px below its top (0.10 eyes)"},
        {200, 257, 0, "3 px above the chin's top"},
    };
    face(p);
    CHECK_STATUS(skd_zones_from_landmarks(ctx, S, S, p, &z), SKD_OK);
    for (size_t k = 0; z && k < sizeof at / sizeof at[0]; k++) {
        int got = label(z, at[k].x, at[k].y);
        REPORT("(%d, %d) %-50s %s", at[k].x, at[k].y, at[k].why,
               got ? skd_zone_name((skd_zone)got) : "no zone");
        CHECK(got == at[k].zone);
    }
    skd_zones_free(z);
    skd_ctx_free(ctx);
    return check_done("test_zones_polygons");
}
