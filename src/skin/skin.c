/* The skin map of the photo: cells, model, colour test, shape, then each
 * pixel of the part asked for takes its cell's answer. S is decided on the
 * whole photo whatever the part (docs/measurements.md: S, then the ROI and the user
 * mask narrow it), so an ROI changes no pixel of S. With a face, the model
 * is the face's skin colour and S is the skin connected to the face. */
#include <string.h>

#include "skin.h"

/* The model, from the face's cells when there are enough of them inside
 * the prior, else from the whole photo (face is then set to NULL). */
static int fit(skd_ctx *ctx, const skd_skin_grid *g, uint8_t **face,
               skd_skin_model *m)
{
    int st;
    if (*face) {
        st = skd_skin_model_fit(ctx, g, *face, m);
        if (st != SKD_OK || m->seed_cells >= SKD_SKIN_FACE_SEED_MIN)
            return st;
        skd_dealloc(ctx, *face);
        *face = NULL;
    }
    return skd_skin_model_fit(ctx, g, NULL, m);
}

/* S of the whole frame, in pixels (the last row and column of cells may
 * be partial). */
static uint64_t pixels_of(const skd_skin_grid *g, const uint8_t *s,
                          const skd_image *img)
{
    uint64_t count = 0;
    for (size_t gy = 0; gy < g->gh; gy++)
        for (size_t gx = 0; gx < g->gw; gx++) {
            size_t w = img->width - gx * g->cell, h = img->height - gy * g->cell;
            w = w < g->cell ? w : g->cell;
            h = h < g->cell ? h : g->cell;
            count += s[gy * g->gw + gx] * (uint64_t)(w * h);
        }
    return count;
}

/* Each pixel of the part takes its cell's answer. */
static void write_part(const skd_skin_grid *g, const uint8_t *s,
                       const size_t part[4], uint8_t *out, size_t stride)
{
    for (size_t j = 0; j < part[3]; j++) {
        const uint8_t *cells = s + ((part[1] + j) / g->cell) * g->gw;
        uint8_t *row = out + j * stride;
        size_t x = part[0], end = part[0] + part[2];
        while (x < end) {
            size_t next = (x / g->cell + 1) * g->cell;
            next = next < end ? next : end;
            memset(row + (x - part[0]), cells[x / g->cell], next - x);
            x = next;
        }
    }
}

int skd_skin_map(skd_ctx *ctx, const skd_image *img,
                 const skd_colour_lut *lut, const skd_point *landmarks,
                 const size_t part[4], uint8_t *out, size_t stride,
                 uint64_t *kept)
{
    size_t whole[4] = {0, 0, img->width, img->height};
    skd_skin_grid g = {0};
    skd_skin_model m;
    uint8_t *s = NULL, *face = NULL;
    int st = skd_skin_grid_make(ctx, img, lut, whole, &g);
    if (st == SKD_OK && landmarks) {
        if (!(face = skd_malloc(ctx, g.gw * g.gh)))
            st = SKD_E_NOMEM;
        else
            skd_skin_face_cells(landmarks, g.cell, g.gw, g.gh, face);
    }
    if (st == SKD_OK)
        st = fit(ctx, &g, &face, &m);
    if (st == SKD_OK && !(s = skd_malloc(ctx, g.gw * g.gh)))
        st = SKD_E_NOMEM;
    if (st == SKD_OK) {
        skd_skin_classify(&g, &m, landmarks == NULL, s);
        st = skd_skin_shape(ctx, s, g.gw, g.gh);
    }
    if (st == SKD_OK && face)
        st = skd_skin_keep_face(ctx, s, face, g.gw, g.gh);
    if (st == SKD_OK && landmarks) /* after the shape: no hole filling */
        skd_skin_face_features(landmarks, g.cell, g.gw, g.gh, s);
    if (st == SKD_OK) {
        write_part(&g, s, part, out, stride);
        if (kept)
            *kept = pixels_of(&g, s, img);
    }
    skd_dealloc(ctx, face);
    skd_dealloc(ctx, s);
    skd_skin_grid_free(ctx, &g);
    return st;
}
