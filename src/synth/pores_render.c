/* Pores in one photo: Gaussian dips m -= A exp(-d^2 / (2 sigma^2)),
 * sigma = radius / sqrt 2, drawn within 5 sigma; their texture band
 * (G_0.05 - G_1 of a Gaussian is a difference of two wider Gaussians);
 * and the model's LoG strength D at each pore centre. */
#include <math.h>
#include <stdlib.h>

#include "synth.h"

/* A present pore in this photo's pixels. */
typedef struct near_pore {
    double x, y, sigma, A;
    uint32_t id;
} near_pore;

/* The box of plane pixels within reach of a Gaussian of variance s2 at
 * (cx, cy), and its 1-D table across the box: gx[x - x0] =
 * exp(-(x-cx)^2 / (2 s2)). The Gaussian is the product of that table and
 * the same function down the rows. */
typedef struct splat {
    long x0, x1, y0, y1;
} splat;

static splat splat_box(size_t w, size_t h, double cx, double cy, double s2,
                       double *gx)
{
    double reach = SKD_SYNTH_CUTOFF * sqrt(s2);
    splat b;
    b.x0 = (long)fmax(0, ceil(cx - reach));
    b.x1 = (long)fmin((double)w - 1, floor(cx + reach));
    b.y0 = (long)fmax(0, ceil(cy - reach));
    b.y1 = (long)fmin((double)h - 1, floor(cy + reach));
    for (long x = b.x0; x <= b.x1; x++)
        gx[x - b.x0] = exp(-(x - cx) * (x - cx) / (2 * s2));
    return b;
}

static double splat_row(double cy, double s2, long y)
{
    return exp(-(y - cy) * (y - cy) / (2 * s2));
}

/* Adds k exp(-((x-cx)^2 + (y-cy)^2) / (2 s2)) within reach of (cx, cy),
 * to a double plane (the photo's relief) or a float one (its texture). */
static void add_gauss_d(double *plane, size_t w, size_t h, double cx,
                        double cy, double s2, double k, double *gx)
{
    splat b = splat_box(w, h, cx, cy, s2, gx);
    for (long y = b.y0; y <= b.y1; y++) {
        double gy = k * splat_row(cy, s2, y);
        double *row = plane + (size_t)y * w;
        for (long x = b.x0; x <= b.x1; x++)
            row[x] += gy * gx[x - b.x0];
    }
}

static void add_gauss_f(float *plane, size_t w, size_t h, double cx,
                        double cy, double s2, double k, double *gx)
{
    splat b = splat_box(w, h, cx, cy, s2, gx);
    for (long y = b.y0; y <= b.y1; y++) {
        double gy = k * splat_row(cy, s2, y);
        float *row = plane + (size_t)y * w;
        for (long x = b.x0; x <= b.x1; x++)
            row[x] += (float)(gy * gx[x - b.x0]);
    }
}

static int touches_frame(const skd_synth_session *s, double x, double y,
                         double reach)
{
    return x + reach >= 0 && y + reach >= 0 && x - reach <= s->width - 1.0 &&
           y - reach <= s->height - 1.0;
}

static int by_x(const void *a, const void *b)
{
    const near_pore *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return p->id < q->id ? -1 : p->id > q->id;
}

/* D = sigma^2 lap(G_sigma * m) at (x, y) from the pores: a dip of
 * amplitude A and sigma_j at distance r gives
 * A sigma^2 sigma_j^2 / S^2 (2 - r^2 / S) exp(-r^2 / (2 S)), S = sigma^2 +
 * sigma_j^2, which is A / 2 for the pore itself at its own sigma. */
static double pores_log(const near_pore *np, size_t n, double reach,
                        double x, double y, double sigma)
{
    size_t lo = 0, hi = n;
    double sum = 0, s2 = sigma * sigma;
    while (lo < hi) { /* first pore with x >= x - reach */
        size_t mid = lo + (hi - lo) / 2;
        if (np[mid].x < x - reach)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t j = lo; j < n && np[j].x <= x + reach; j++) {
        double S = s2 + np[j].sigma * np[j].sigma;
        double dx = np[j].x - x, dy = np[j].y - y, r2 = dx * dx + dy * dy;
        sum += np[j].A * s2 * np[j].sigma * np[j].sigma / (S * S) *
               (2.0 - r2 / S) * exp(-r2 / (2.0 * S));
    }
    return sum;
}

int skd_synth_render_pores(skd_ctx *ctx, const skd_synth_world *world,
                           skd_synth_session *s, double *m, float *tex)
{
    size_t w = s->width, h = s->height, n_near = 0, n_seen = 0, tab_len;
    double sf = SKD_SYNTH_TEX_FINE_MM * s->px_per_mm;
    double sc = SKD_SYNTH_TEX_COARSE_MM * s->px_per_mm;
    double smax = 0, tex_reach_max, log_reach;
    near_pore *np;
    double *gx;

    s->pores = NULL;
    s->n_pores = 0;
    if (world->n_pores == 0)
        return SKD_OK;
    np = skd_malloc_array(ctx, world->n_pores, sizeof *np);
    if (!np)
        return SKD_E_NOMEM;
    for (size_t i = 0; i < world->n_pores; i++) {
        const skd_synth_pore *p = &world->pores[i];
        near_pore q;
        if (s->is_after && !(p->keep_draw < s->keep_pores))
            continue;
        q.A = skd_synth_pore_amplitude(p->depth) * s->pore_scale;
        if (!(q.A > 0))
            continue;
        skd_affine_apply(&s->to_px, p->u, p->v, &q.x, &q.y);
        q.sigma = p->diameter / 2.0 / M_SQRT2 * s->px_per_mm;
        q.id = (uint32_t)i;
        if (!touches_frame(s, q.x, q.y,
                           SKD_SYNTH_CUTOFF * sqrt(q.sigma * q.sigma + sc * sc)))
            continue;
        smax = fmax(smax, q.sigma);
        np[n_near++] = q;
    }
    tex_reach_max = SKD_SYNTH_CUTOFF * sqrt(smax * smax + sc * sc);
    tab_len = (size_t)(2 * tex_reach_max) + 3;
    gx = skd_malloc_array(ctx, tab_len, sizeof *gx);
    if (!gx) {
        skd_dealloc(ctx, np);
        return SKD_E_NOMEM;
    }
    for (size_t i = 0; i < n_near; i++) {
        const near_pore *q = &np[i];
        double s2 = q->sigma * q->sigma, S;
        if (touches_frame(s, q->x, q->y, SKD_SYNTH_CUTOFF * q->sigma)) {
            add_gauss_d(m, w, h, q->x, q->y, s2, -q->A, gx);
            n_seen++;
        }
        /* G_s * (-A e^{-r^2/2 s2}) = -A s2/S e^{-r^2/2S}, S = s2 + s^2 */
        S = s2 + sf * sf;
        add_gauss_f(tex, w, h, q->x, q->y, S, -q->A * s2 / S, gx);
        S = s2 + sc * sc;
        add_gauss_f(tex, w, h, q->x, q->y, S, q->A * s2 / S, gx);
    }
    skd_dealloc(ctx, gx);

    s->pores = skd_calloc(ctx, n_seen ? n_seen : 1, sizeof *s->pores);
    if (!s->pores) {
        skd_dealloc(ctx, np);
        return SKD_E_NOMEM;
    }
    /* Ordered by id, then sorted by x for the neighbour sums. */
    for (size_t i = 0; i < n_near; i++) {
        const near_pore *q = &np[i];
        const skd_synth_pore *p = &world->pores[q->id];
        skd_synth_seen_pore *o;
        if (!touches_frame(s, q->x, q->y, SKD_SYNTH_CUTOFF * q->sigma))
            continue;
        o = &s->pores[s->n_pores++];
        o->id = q->id;
        o->x = q->x;
        o->y = q->y;
        o->sigma_px = q->sigma;
        o->diameter_mm = p->diameter;
        o->A = q->A;
        o->depth = -expm1(-q->A / 100.0);
        o->strength = q->A / 2.0;
        o->in_frame = q->x >= -0.5 && q->x < w - 0.5 && q->y >= -0.5 &&
                      q->y < h - 0.5;
    }
    qsort(np, n_near, sizeof *np, by_x);
    log_reach = SKD_SYNTH_CUTOFF * M_SQRT2 * smax;
    for (size_t i = 0; i < s->n_pores; i++) {
        skd_synth_seen_pore *o = &s->pores[i];
        o->strength_model =
            pores_log(np, n_near, log_reach, o->x, o->y, o->sigma_px) +
            skd_synth_relief_log(world, s, o->x, o->y, o->sigma_px);
    }
    skd_dealloc(ctx, np);
    return SKD_OK;
}
