/* Pore candidates at one scale: scale-space maxima of D that are strong
 * enough, inside R, and round. */
#include <math.h>

#include "metrics.h"

double skd_pore_radius_mm(int k)
{
    return SKD_PORE_R_MIN_MM *
           pow(SKD_PORE_R_MAX_MM / SKD_PORE_R_MIN_MM, k / (SKD_PORE_SCALES - 1.0));
}

void skd_cand_list_free(skd_ctx *ctx, skd_cand_list *c)
{
    skd_dealloc(ctx, c->v);
    c->v = NULL;
    c->n = c->cap = 0;
}

static int cand_push(skd_ctx *ctx, skd_cand_list *c, skd_pore_cand p)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        skd_pore_cand *v;
        if (cap < c->cap)
            return skd_fail(ctx, SKD_E_NOMEM, "too many pore candidates");
        v = skd_malloc_array(ctx, cap, sizeof *v);
        if (!v)
            return SKD_E_NOMEM;
        for (size_t i = 0; i < c->n; i++)
            v[i] = c->v[i];
        skd_dealloc(ctx, c->v);
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = p;
    return SKD_OK;
}

int skd_cand_list_append(skd_ctx *ctx, skd_cand_list *list,
                         const skd_cand_list *src)
{
    for (size_t i = 0; i < src->n; i++) {
        int st = cand_push(ctx, list, src->v[i]);
        if (st != SKD_OK)
            return st;
    }
    return SKD_OK;
}

static size_t at(const skd_scale_window *v, size_t x, size_t y)
{
    return (size_t)(((ptrdiff_t)y - v->oy) * (ptrdiff_t)v->stride +
                    ((ptrdiff_t)x - v->ox));
}

/* Strict maximum over the neighbours that come earlier in (k, y, x) order
 * and non-strict over the later ones: of a plateau, the first point in that
 * order wins, whatever the scan order. Neighbours outside the image do not
 * count (the window's mirrored halo is not the image). */
static int is_local_max(const skd_scale_window *v, size_t x, size_t y,
                        float c)
{
    for (int dk = -1; dk <= 1; dk++) {
        const float *p = v->d[dk + 1];
        if (!p)
            continue;
        for (int dy = -1; dy <= 1; dy++) {
            if ((dy < 0 && y == 0) || (dy > 0 && y + 1 >= v->h))
                continue;
            for (int dx = -1; dx <= 1; dx++) {
                if ((dx < 0 && x == 0) || (dx > 0 && x + 1 >= v->w))
                    continue;
                if (dk == 0 && dy == 0 && dx == 0)
                    continue;
                float q = p[at(v, x + (size_t)(long)dx, y + (size_t)(long)dy)];
                int earlier = dk < 0 || (dk == 0 && (dy < 0 || (dy == 0 && dx < 0)));
                if (earlier ? !(c > q) : !(c >= q))
                    return 0;
            }
        }
    }
    return 1;
}

/* Central second differences; at the image border the missing neighbour is
 * the border pixel itself (the mirror padding of the FFT engine). */
int skd_is_round(const skd_scale_window *v, size_t x, size_t y)
{
    const float *lk = v->lk;
    size_t xm = x > 0 ? x - 1 : x, xp = x + 1 < v->w ? x + 1 : x;
    size_t ym = y > 0 ? y - 1 : y, yp = y + 1 < v->h ? y + 1 : y;
    double c = lk[at(v, x, y)];
    double lxx = (double)lk[at(v, xp, y)] - 2.0 * c + lk[at(v, xm, y)];
    double lyy = (double)lk[at(v, x, yp)] - 2.0 * c + lk[at(v, x, ym)];
    double lxy = ((double)lk[at(v, xp, yp)] - lk[at(v, xp, ym)] -
                  lk[at(v, xm, yp)] + lk[at(v, xm, ym)]) / 4.0;
    double mean = (lxx + lyy) / 2.0;
    double half_diff = (lxx - lyy) / 2.0;
    double disc = sqrt(half_diff * half_diff + lxy * lxy);
    double lmax = mean + disc, lmin = mean - disc;
    return lmin > 0 && lmin >= SKD_PORE_MIN_ROUNDNESS * lmax;
}

skd_scale_window skd_whole_window(const float *d_prev, const float *d,
                                  const float *d_next, const float *lk,
                                  size_t w, size_t h)
{
    skd_scale_window v = {{d_prev, d, d_next}, lk, w, 0, 0, 0, 0, w, h, w, h};
    return v;
}

int skd_scale_candidates(skd_ctx *ctx, const skd_scale_window *v, uint32_t k,
                         double tau, const uint8_t *region,
                         skd_cand_list *list)
{
    for (size_t y = v->y0; y < v->y1; y++) {
        const float *row = v->d[1] + at(v, v->x0, y);
        const uint8_t *in = region + y * v->w;
        for (size_t x = v->x0; x < v->x1; x++) {
            float c = row[x - v->x0];
            if (!((double)c >= tau) || !in[x])
                continue;
            if (!is_local_max(v, x, y, c) || !skd_is_round(v, x, y))
                continue;
            int st = cand_push(ctx, list,
                               (skd_pore_cand){(uint32_t)x, (uint32_t)y, k, c});
            if (st != SKD_OK)
                return st;
        }
    }
    return SKD_OK;
}
