/* The zone polygons of 68 landmarks (iBUG 300-W numbering, 0-based; the
 * table in docs/zones.md). Points 0-16 run along the jaw from the image's
 * left; the subject's right eye (36-41), brow (17-21) and mouth corner
 * (48) are on the image's left in a frontal photo, so the subject's left
 * cheek is built from the points on the image's right.
 *
 * Points marked ' below are landmarks moved along the face's vertical axis
 * (chin 8 to nasion 27), so a tilted head keeps its zones:
 *  - lower eyelid points down by SKD_LID_MARGIN interocular distances,
 *    leaving the lashes and the lid out of the cheek;
 *  - lower lip points down by SKD_LIP_MARGIN interocular distances;
 *  - brow points up by SKD_BROW_MARGIN face heights (nasion to chin) for
 *    the forehead's lower edge, and up by SKD_FOREHEAD_TOP for its upper
 *    edge. The face's thirds (hairline-brow, brow-nose base, nose
 *    base-chin) are about equal, so the hairline is near 0.5 face heights
 *    above the brows; the band stops short of it, and the skin map cuts
 *    it where the hair comes lower. */
#include <math.h>

#include "face.h"

#define SKD_LID_MARGIN 0.15
#define SKD_LIP_MARGIN 0.10
#define SKD_BROW_MARGIN 0.05
#define SKD_FOREHEAD_TOP 0.40

typedef struct face_frame {
    const skd_point *p;
    double ux, uy;  /* unit vector up the face (chin to nasion) */
    double height;  /* nasion to chin, pixels */
    double eyes;    /* between the eye centres, pixels */
} face_frame;

static skd_point centre(const skd_point *p, int first, int n)
{
    skd_point c = {0, 0};
    for (int i = first; i < first + n; i++) {
        c.x += p[i].x;
        c.y += p[i].y;
    }
    c.x /= n;
    c.y /= n;
    return c;
}

static face_frame frame_of(const skd_point *p)
{
    face_frame f;
    skd_point r = centre(p, 36, 6), l = centre(p, 42, 6);
    double dx = p[27].x - p[8].x, dy = p[27].y - p[8].y;
    f.p = p;
    f.height = hypot(dx, dy);
    f.ux = f.height > 0 ? dx / f.height : 0;
    f.uy = f.height > 0 ? dy / f.height : -1;
    f.eyes = hypot(l.x - r.x, l.y - r.y);
    return f;
}

static void add(skd_zone_polygon *poly, skd_point q)
{
    if (poly->n < SKD_ZONE_MAX_VERTICES)
        poly->v[poly->n++] = q;
}

/* Landmark i moved up the face by d pixels (down when d < 0). */
static void add_moved(skd_zone_polygon *poly, const face_frame *f, int i,
                      double d)
{
    skd_point q = {f->p[i].x + d * f->ux, f->p[i].y + d * f->uy};
    add(poly, q);
}

static void add_list(skd_zone_polygon *poly, const face_frame *f,
                     const int *idx, size_t n, double d)
{
    for (size_t i = 0; i < n; i++)
        add_moved(poly, f, idx[i], d);
}

static void forehead(skd_zone_polygon *poly, const face_frame *f)
{
    for (int i = 17; i <= 26; i++)
        add_moved(poly, f, i, SKD_BROW_MARGIN * f->height);
    for (int i = 26; i >= 17; i--)
        add_moved(poly, f, i, SKD_FOREHEAD_TOP * f->height);
}

static void nose(skd_zone_polygon *poly, const face_frame *f)
{
    static const int idx[] = {27, 42, 35, 34, 33, 32, 31, 39};
    add_list(poly, f, idx, sizeof idx / sizeof idx[0], 0);
}

/* A cheek: below the lower lid (inner to outer corner), down the face
 * outline, to the mouth corner and up along the nose to the ala. */
static void cheek(skd_zone_polygon *poly, const face_frame *f, const int *lid,
                  const int *outline, int mouth, int ala)
{
    add_list(poly, f, lid, 3, -SKD_LID_MARGIN * f->eyes);
    add_list(poly, f, outline, 3, 0);
    add_moved(poly, f, mouth, 0);
    add_moved(poly, f, ala, 0);
}

static void chin(skd_zone_polygon *poly, const face_frame *f)
{
    static const int lip[] = {48, 59, 58, 57, 56, 55, 54};
    static const int jaw[] = {11, 10, 9, 8, 7, 6, 5};
    add_list(poly, f, lip, 7, -SKD_LIP_MARGIN * f->eyes);
    add_list(poly, f, jaw, 7, 0);
}

void skd_zone_polygons(const skd_point *pts, skd_zone_polygon *poly)
{
    static const int left_lid[] = {47, 46, 45}, left_outline[] = {15, 14, 13};
    static const int right_lid[] = {40, 41, 36}, right_outline[] = {1, 2, 3};
    face_frame f = frame_of(pts);
    for (int z = 0; z < SKD_ZONE_COUNT; z++)
        poly[z].n = 0;
    forehead(&poly[SKD_ZONE_FOREHEAD], &f);
    nose(&poly[SKD_ZONE_NOSE], &f);
    cheek(&poly[SKD_ZONE_LEFT_CHEEK], &f, left_lid, left_outline, 54, 35);
    cheek(&poly[SKD_ZONE_RIGHT_CHEEK], &f, right_lid, right_outline, 48, 31);
    chin(&poly[SKD_ZONE_CHIN], &f);
}
