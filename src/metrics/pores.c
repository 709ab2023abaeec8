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

/* Strict maximum over the neighbours that come earlier in (k, y, x) order
 * and non-strict over the later ones: of a plateau, the first point in that
 * order wins, whatever the scan order. planes[0..2] = D_{k-1}, D_k, D_{k+1}
 * (NULL where the scale does not exist). */
static int is_local_max(const float *const planes[3], size_t w, size_t h,
                        size_t x, size_t y, float v)
{
    for (int dk = -1; dk <= 1; dk++) {
        const float *p = planes[dk + 1];
        if (!p)
            continue;
        for (int dy = -1; dy <= 1; dy++) {
            if ((dy < 0 && y == 0) || (dy > 0 && y + 1 >= h))
                continue;
            const float *row = p + (y + (size_t)(long)dy) * w;
            for (int dx = -1; dx <= 1; dx++) {
                if ((dx < 0 && x == 0) || (dx > 0 && x + 1 >= w))
                    continue;
                if (dk == 0 && dy == 0 && dx == 0)
                    continue;
                float q = row[x + (size_t)(long)dx];
                int earlier = dk < 0 || (dk == 0 && (dy < 0 || (dy == 0 && dx < 0)));
                if (earlier ? !(v > q) : !(v >= q))
                    return 0;
            }
        }
    }
    return 1;
}

/* Central second differences; at the image border the missing neighbour is
 * the border pixel itself (the mirror padding of the FFT engine). */
int skd_is_round(const float *lk, size_t w, size_t h, size_t x, size_t y)
{
    size_t xm = x > 0 ? x - 1 : x, xp = x + 1 < w ? x + 1 : x;
    size_t ym = y > 0 ? y - 1 : y, yp = y + 1 < h ? y + 1 : y;
    double c = lk[y * w + x];
    double lxx = (double)lk[y * w + xp] - 2.0 * c + lk[y * w + xm];
    double lyy = (double)lk[yp * w + x] - 2.0 * c + lk[ym * w + x];
    double lxy = ((double)lk[yp * w + xp] - lk[ym * w + xp] - lk[yp * w + xm] +
                  lk[ym * w + xm]) / 4.0;
    double mean = (lxx + lyy) / 2.0;
    double half_diff = (lxx - lyy) / 2.0;
    double disc = sqrt(half_diff * half_diff + lxy * lxy);
    double lmax = mean + disc, lmin = mean - disc;
    return lmin > 0 && lmin >= SKD_PORE_MIN_ROUNDNESS * lmax;
}

int skd_scale_candidates(skd_ctx *ctx, const float *d_prev, const float *d,
                         const float *d_next, const float *lk, size_t w,
                         size_t h, uint32_t k, double tau,
                         const uint8_t *region, skd_cand_list *list)
{
    const float *const planes[3] = {d_prev, d, d_next};
    for (size_t y = 0; y < h; y++) {
        const float *row = d + y * w;
        const uint8_t *in = region + y * w;
        for (size_t x = 0; x < w; x++) {
            float v = row[x];
            if (!((double)v >= tau) || !in[x])
                continue;
            if (!is_local_max(planes, w, h, x, y, v) ||
                !skd_is_round(lk, w, h, x, y))
                continue;
            int st = cand_push(ctx, list,
                               (skd_pore_cand){(uint32_t)x, (uint32_t)y, k, v});
            if (st != SKD_OK)
                return st;
        }
    }
    return SKD_OK;
}
