/* The skin map with a face: the face's cells on the grid, from the zone
 * polygons of its landmarks (cheeks, nose, chin: bare skin on every face,
 * unlike the forehead, which hair may cover), and S narrowed to the skin
 * connected to them. A face photo shows the subject's face, neck and
 * ears; skin-coloured things apart from them (another person at the edge
 * of the frame, a gilded frame, a wooden wall) are not the subject's skin
 * (docs/skin-map.md). */
#include <string.h>

#include "../face/face.h"
#include "skin.h"

/* The zones whose polygons seed the face. */
static const skd_zone seed_zones[] = {SKD_ZONE_NOSE, SKD_ZONE_LEFT_CHEEK,
                                      SKD_ZONE_RIGHT_CHEEK, SKD_ZONE_CHIN};

void skd_skin_face_cells(const skd_point *pts, size_t cell, size_t gw,
                         size_t gh, uint8_t *face)
{
    skd_zone_polygon poly[SKD_ZONE_COUNT];
    /* pixel centres are at integer coordinates (as landmarks are given);
     * cell g's centre is at pixel g c + (c - 1) / 2 */
    double half = 0.5 * (double)(cell - 1), inv = 1.0 / (double)cell;
    memset(face, 0, gw * gh);
    skd_zone_polygons(pts, poly);
    for (size_t z = 0; z < sizeof seed_zones / sizeof seed_zones[0]; z++) {
        skd_zone_polygon *p = &poly[seed_zones[z]];
        for (size_t i = 0; i < p->n; i++) {
            p->v[i].x = (p->v[i].x - half) * inv;
            p->v[i].y = (p->v[i].y - half) * inv;
        }
        skd_fill_polygon(face, gw, gh, p, 1);
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
