/* The skin map with a face: the face's cells on the grid, from the zone
 * polygons of its landmarks (cheeks, nose, chin: bare skin on every face,
 * unlike the forehead, which hair may cover), and S narrowed to the skin
 * connected to them. A face photo shows the subject's face, neck and
 * ears; skin-coloured things apart from them (another person at the edge
 * of the frame, a gilded frame, a wooden wall) are not the subject's skin
 * (docs/skin-map.md). Eyes, lips, brows and nostrils are polygons of the
 * landmarks, left out whatever their colour. */
#include <math.h>
#include <string.h>

#include "../face/face.h"
#include "skin.h"

/* The zones whose polygons seed the face. */
static const skd_zone seed_zones[] = {SKD_ZONE_NOSE, SKD_ZONE_LEFT_CHEEK,
                                      SKD_ZONE_RIGHT_CHEEK, SKD_ZONE_CHIN};

/* Photo pixels to grid coordinates: pixel centres are at integer
 * coordinates, cell g's centre at pixel g c + (c - 1) / 2. */
static void to_grid(skd_zone_polygon *p, size_t cell)
{
    double half = 0.5 * (double)(cell - 1), inv = 1.0 / (double)cell;
    for (size_t i = 0; i < p->n; i++) {
        p->v[i].x = (p->v[i].x - half) * inv;
        p->v[i].y = (p->v[i].y - half) * inv;
    }
}

void skd_skin_face_cells(const skd_point *pts, size_t cell, size_t gw,
                         size_t gh, uint8_t *face)
{
    skd_zone_polygon poly[SKD_ZONE_COUNT];
    memset(face, 0, gw * gh);
    skd_zone_polygons(pts, poly);
    for (size_t z = 0; z < sizeof seed_zones / sizeof seed_zones[0]; z++) {
        to_grid(&poly[seed_zones[z]], cell);
        skd_fill_polygon(face, gw, gh, &poly[seed_zones[z]], 1);
    }
}

size_t skd_skin_face_count(const uint8_t *face, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += face[i];
    return count;
}

int skd_skin_keep_face(skd_ctx *ctx, uint8_t *s, const uint8_t *face,
                       size_t gw, size_t gh)
{
    size_t n = gw * gh, top = 0;
    uint32_t *stack = skd_malloc_array(ctx, n, sizeof *stack);
    if (!stack)
        return SKD_E_NOMEM;
    /* a flood fill of the skin from the face's skin cells: 2 = reached */
    for (size_t i = 0; i < n; i++)
        if (face[i] && s[i]) {
            s[i] = 2;
            stack[top++] = (uint32_t)i;
        }
    while (top > 0) {
        size_t i = stack[--top], x = i % gw, y = i / gw;
        size_t nb[4];
        int k = 0;
        if (x > 0) nb[k++] = i - 1;
        if (x + 1 < gw) nb[k++] = i + 1;
        if (y > 0) nb[k++] = i - gw;
        if (y + 1 < gh) nb[k++] = i + gw;
        for (int j = 0; j < k; j++)
            if (s[nb[j]] == 1) {
                s[nb[j]] = 2;
                stack[top++] = (uint32_t)nb[j];
            }
    }
    for (size_t i = 0; i < n; i++)
        s[i] = s[i] == 2;
    skd_dealloc(ctx, stack);
    return SKD_OK;
}

/* The landmarks first..last, each moved away from their centre by d
 * pixels: an eye opening grown to its lids and lashes, the lips' outline
 * to their border. */
static void grown(const skd_point *pts, int first, int last, double d,
                  skd_zone_polygon *p)
{
    double cx = 0, cy = 0;
    int n = last - first + 1;
    for (int i = first; i <= last; i++) {
        cx += pts[i].x / n;
        cy += pts[i].y / n;
    }
    p->n = 0;
    for (int i = first; i <= last; i++) {
        double dx = pts[i].x - cx, dy = pts[i].y - cy, r = hypot(dx, dy);
        double f = r > 0 ? 1.0 + d / r : 1.0;
        p->v[p->n].x = cx + f * dx;
        p->v[p->n].y = cy + f * dy;
        p->n++;
    }
}

/* A band along the landmarks first..last, from up pixels above them to
 * down pixels below, along the face's axis (ux, uy) pointing up. */
static void band(const skd_point *pts, int first, int last, double ux,
                 double uy, double up, double down, skd_zone_polygon *p)
{
    p->n = 0;
    for (int i = first; i <= last; i++) {
        p->v[p->n].x = pts[i].x + up * ux;
        p->v[p->n].y = pts[i].y + up * uy;
        p->n++;
    }
    for (int i = last; i >= first; i--) {
        p->v[p->n].x = pts[i].x - down * ux;
        p->v[p->n].y = pts[i].y - down * uy;
        p->n++;
    }
}

void skd_skin_face_features(const skd_point *pts, size_t cell, size_t gw,
                            size_t gh, uint8_t *out)
{
    skd_zone_polygon p[6];
    double ex = 0, ey = 0, dx = pts[27].x - pts[8].x, dy = pts[27].y - pts[8].y;
    double h = hypot(dx, dy), ux = h > 0 ? dx / h : 0, uy = h > 0 ? dy / h : -1;
    double eyes;
    for (int i = 0; i < 6; i++) { /* between the eye centres */
        ex += (pts[42 + i].x - pts[36 + i].x) / 6;
        ey += (pts[42 + i].y - pts[36 + i].y) / 6;
    }
    eyes = hypot(ex, ey);
    grown(pts, 36, 41, SKD_SKIN_EYE_MARGIN * eyes, &p[0]);
    grown(pts, 42, 47, SKD_SKIN_EYE_MARGIN * eyes, &p[1]);
    grown(pts, 48, 59, SKD_SKIN_LIP_MARGIN * eyes, &p[2]);
    band(pts, 17, 21, ux, uy, SKD_SKIN_BROW_UP * eyes,
         SKD_SKIN_BROW_DOWN * eyes, &p[3]);
    band(pts, 22, 26, ux, uy, SKD_SKIN_BROW_UP * eyes,
         SKD_SKIN_BROW_DOWN * eyes, &p[4]);
    band(pts, 31, 35, ux, uy, SKD_SKIN_NOSTRIL_UP * eyes, 0, &p[5]);
    for (int i = 0; i < 6; i++) {
        to_grid(&p[i], cell);
        skd_fill_polygon(out, gw, gh, &p[i], 0);
    }
}
