/* Pore candidates at one scale: scale-space maxima of D that are strong
 * enough, inside R, and round. */
#include <math.h>
#include <string.h>

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
        skd_pore_cand *v = skd_array_grow(ctx, c->v, c->n, &c->cap, sizeof *v, 256);
        if (!v)
            return SKD_E_NOMEM;
        c->v = v;
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
                    ((ptrdiff_t)x - v->ox) * (ptrdiff_t)v->step);
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

/* The same test away from the image border, where every neighbour exists:
 * element i of each plane is the pixel (the planes share one layout), rows
 * s and pixels e floats apart; the scale itself first, as it rejects most. */
static int is_local_max_inside(const float *const d[3], size_t i, ptrdiff_t s,
                               ptrdiff_t e, float c)
{
    const float *p = d[1] + i;
    if (!(c > p[-s - e] && c > p[-s] && c > p[-s + e] && c > p[-e] &&
          c >= p[e] && c >= p[s - e] && c >= p[s] && c >= p[s + e]))
        return 0;
    if (d[0]) {
        p = d[0] + i;
        if (!(c > p[-s - e] && c > p[-s] && c > p[-s + e] && c > p[-e] &&
              c > p[0] && c > p[e] && c > p[s - e] && c > p[s] && c > p[s + e]))
            return 0;
    }
    if (d[2]) {
        p = d[2] + i;
        if (!(c >= p[-s - e] && c >= p[-s] && c >= p[-s + e] && c >= p[-e] &&
              c >= p[0] && c >= p[e] && c >= p[s - e] && c >= p[s] &&
              c >= p[s + e]))
            return 0;
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
    return skd_hessian_round(lxx, lyy, lxy);
}

skd_scale_window skd_whole_window(const float *d_prev, const float *d,
                                  const float *d_next, const float *lk,
                                  size_t w, size_t h)
{
    skd_scale_window v = {{d_prev, d, d_next}, lk, NULL, w, 1, 0, 0, 0, 0,
                          w, h, w, h, NULL, 0};
    return v;
}

/* The float threshold t with c >= t exactly when (double)c >= tau. */
static float float_threshold(double tau)
{
    float t = (float)tau;
    if ((double)t < tau)
        t = nextafterf(t, INFINITY);
    return t;
}

/* Bit i set when the float at p[i e] is >= t, for i < n <= 16: most of a
 * D plane is below tau, so the search looks only at the set bits. */
static unsigned at_least(const float *p, size_t e, size_t n, float t)
{
    unsigned m = 0;
    for (size_t i = 0; i < n; i++)
        m |= (unsigned)(p[i * e] >= t) << i;
    return m;
}

/* Whether any of the 16 floats at p is >= t, to skip a block at once. GCC
 * and clang compile the vector form to a few SIMD compares (and a byte-wise
 * OR of the lanes, which SSE2 and NEON both do cheaply). */
#if defined(__GNUC__)
typedef float skd_v4f __attribute__((vector_size(16)));
typedef int32_t skd_v4i __attribute__((vector_size(16)));

static int any_at_least16(const float *p, float t)
{
    skd_v4f a, b, c, d, tt = {t, t, t, t};
    uint64_t q[2];
    skd_v4i m;
    memcpy(&a, p, sizeof a);
    memcpy(&b, p + 4, sizeof b);
    memcpy(&c, p + 8, sizeof c);
    memcpy(&d, p + 12, sizeof d);
    m = (a >= tt) | (b >= tt) | (c >= tt) | (d >= tt);
    memcpy(q, &m, sizeof q);
    return (q[0] | q[1]) != 0;
}
#else
static int any_at_least16(const float *p, float t)
{
    return at_least(p, 1, 16, t) != 0;
}
#endif

/* The masks of len <= 64 pixels at p (re, im, re, im, ...): one pass
 * over a complex plane serves the search of both its filters. */
#if defined(__SSE2__)
#include <emmintrin.h>

static void pair_bits(const float *p, size_t len, float t, uint64_t *re,
                      uint64_t *im)
{
    const __m128 tt = _mm_set1_ps(t);
    uint64_t mr = 0, mi = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4) {
        __m128 a = _mm_loadu_ps(p + 2 * i), b = _mm_loadu_ps(p + 2 * i + 4);
        __m128 r = _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
        __m128 m = _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
        mr |= (uint64_t)_mm_movemask_ps(_mm_cmpge_ps(r, tt)) << i;
        mi |= (uint64_t)_mm_movemask_ps(_mm_cmpge_ps(m, tt)) << i;
    }
    for (; i < len; i++) {
        mr |= (uint64_t)(p[2 * i] >= t) << i;
        mi |= (uint64_t)(p[2 * i + 1] >= t) << i;
    }
    *re = mr;
    *im = mi;
}
#else
static void pair_bits(const float *p, size_t len, float t, uint64_t *re,
                      uint64_t *im)
{
    uint64_t mr = 0, mi = 0;
    for (size_t i = 0; i < len; i++) {
        mr |= (uint64_t)(p[2 * i] >= t) << i;
        mi |= (uint64_t)(p[2 * i + 1] >= t) << i;
    }
    *re = mr;
    *im = mi;
}
#endif

void skd_above_masks(const float *plane, size_t stride, size_t n, size_t rows,
                     double tau, uint64_t *re_bits, uint64_t *im_bits,
                     size_t words)
{
    const float t = float_threshold(tau);
    for (size_t y = 0; y < rows; y++)
        for (size_t j = 0; 64 * j < n; j++) {
            uint64_t re, im;
            pair_bits(plane + y * stride + 128 * j,
                      n - 64 * j < 64 ? n - 64 * j : 64, t, &re, &im);
            if (re_bits)
                re_bits[y * words + j] = re;
            if (im_bits)
                im_bits[y * words + j] = im;
        }
}

/* One pixel of the search, c = D_k there already >= the threshold: the
 * local maximum first (the D planes are in cache; R and l may not be). */
static int candidate_at(skd_ctx *ctx, const skd_scale_window *v, uint32_t k,
                        size_t x, size_t y, size_t i, float c,
                        const uint8_t *region, skd_cand_list *list)
{
    int inner = x > 0 && y > 0 && x + 1 < v->w && y + 1 < v->h;
    int max = inner ? is_local_max_inside(v->d, i, (ptrdiff_t)v->stride,
                                          (ptrdiff_t)v->step, c)
                    : is_local_max(v, x, y, c);
    if (!max || !region[y * v->w + x] ||
        !(v->lk ? skd_is_round(v, x, y) : skd_is_round_at(v->ls, x, y)))
        return SKD_OK;
    return cand_push(ctx, list, (skd_pore_cand){(uint32_t)x, (uint32_t)y, k, c});
}

/* The search where the masks say D_k >= tau. */
static int masked_candidates(skd_ctx *ctx, const skd_scale_window *v,
                             uint32_t k, const uint8_t *region,
                             skd_cand_list *list)
{
    const size_t e = v->step, n = v->x1 - v->x0;
    for (size_t y = v->y0; y < v->y1; y++) {
        const uint64_t *bits = v->above + (y - v->y0) * v->words;
        size_t base = at(v, v->x0, y);
        const float *row = v->d[1] + base;
        for (size_t j = 0; 64 * j < n; j++)
            for (uint64_t m = bits[j]; m; m &= m - 1) {
                size_t i = 64 * j + (size_t)__builtin_ctzll(m);
                int st = candidate_at(ctx, v, k, v->x0 + i, y, base + i * e,
                                      row[i * e], region, list);
                if (st != SKD_OK)
                    return st;
            }
    }
    return SKD_OK;
}

int skd_scale_candidates(skd_ctx *ctx, const skd_scale_window *v, uint32_t k,
                         double tau, const uint8_t *region,
                         skd_cand_list *list)
{
    const float t = float_threshold(tau);
    const size_t n = v->x1 - v->x0, e = v->step, block = 16 / e;
    if (e < 1 || e > 2)
        return skd_fail(ctx, SKD_E_INTERNAL, "pore search: step %zu", e);
    if (v->above)
        return masked_candidates(ctx, v, k, region, list);
    for (size_t y = v->y0; y < v->y1; y++) {
        size_t base = at(v, v->x0, y);
        const float *row = v->d[1] + base;
        for (size_t i0 = 0; i0 < n; i0 += block) {
            size_t len = n - i0 < block ? n - i0 : block;
            /* with e = 2 the other plane's values come along: a superset */
            if (len == block && !any_at_least16(row + i0 * e, t))
                continue;
            for (unsigned m = at_least(row + i0 * e, e, len, t); m; m &= m - 1) {
                size_t i = i0 + (size_t)__builtin_ctz(m);
                int st = candidate_at(ctx, v, k, v->x0 + i, y, base + i * e,
                                      row[i * e], region, list);
                if (st != SKD_OK)
                    return st;
            }
        }
    }
    return SKD_OK;
}
