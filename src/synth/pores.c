/* Pores: a Matern type II hard-core process, so no two pores overlap and
 * each is detectable on its own, yet the pattern is defined locally.
 *
 * Candidates form a Poisson process of intensity lambda in square tiles,
 * each tile drawn from its own stream (seed, tile x, tile y). Every
 * candidate carries a uniform mark; it survives when no other candidate
 * closer than 3 x max(r_i, r_j) has a smaller mark. Whether a pore exists
 * thus depends only on the candidates within one tile of it, so the skin is
 * the same whatever frame or camera looks at it. lambda is solved so that
 * the expected density of survivors is the requested one. */
#include <math.h>
#include <string.h>

#include "synth.h"

double skd_synth_pore_amplitude(double depth)
{
    return -100.0 * log(1.0 - depth);
}

double skd_synth_pore_tile_mm(const skd_synth_params *p)
{
    double reach = SKD_SYNTH_HARDCORE * p->pore_diameter_max_mm / 2.0;
    return reach > 2.0 ? reach : 2.0;
}

double skd_synth_pore_margin_mm(const skd_synth_params *p)
{
    double sp = p->pore_diameter_max_mm / 2.0 / M_SQRT2;
    double sb = SKD_SYNTH_TEX_COARSE_MM;
    return SKD_SYNTH_CUTOFF * sqrt(sp * sp + sb * sb);
}

/* Exclusion area pi (3 max(r, r'))^2 averaged over r' ~ U[a, b]. */
static double exclusion_area(double r, double a, double b)
{
    double e = a == b ? a * a
                      : (r * r * (r - a) + (b * b * b - r * r * r) / 3.0) /
                            (b - a);
    return M_PI * SKD_SYNTH_HARDCORE * SKD_SYNTH_HARDCORE * e;
}

/* Expected survivor density (per mm^2) for candidate intensity lambda:
 * a candidate of radius r survives with probability
 * (1 - exp(-lambda B(r))) / (lambda B(r)) (its mark is uniform), so the
 * density is E_r[(1 - exp(-lambda B(r))) / B(r)]. Simpson's rule over r;
 * lambda = INFINITY gives the largest possible density E_r[1 / B(r)]. */
static double survivor_density(double lambda, double a, double b)
{
    enum { N = 256 };
    double sum = 0;
    for (int i = 0; i <= N; i++) {
        double r = a + (b - a) * i / N;
        double B = exclusion_area(r, a, b);
        double f = isinf(lambda) ? 1.0 / B : -expm1(-lambda * B) / B;
        sum += f * (i == 0 || i == N ? 1 : (i % 2 ? 4 : 2));
    }
    return sum / (3.0 * N);
}

double skd_synth_candidate_density(const skd_synth_params *p,
                                   double *max_density_cm2)
{
    double a = p->pore_diameter_min_mm / 2.0, b = p->pore_diameter_max_mm / 2.0;
    double target = p->pore_density_per_cm2 / 100.0, lo, hi;
    double max_density = survivor_density(INFINITY, a, b);
    if (max_density_cm2)
        *max_density_cm2 = 100.0 * max_density;
    if (!(target > 0) || !(target < max_density))
        return 0;
    /* survivor_density(lambda) <= lambda and increases with lambda. */
    lo = target;
    hi = 2 * target;
    while (survivor_density(hi, a, b) < target)
        hi *= 2;
    for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (survivor_density(mid, a, b) < target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

typedef struct candidate {
    skd_synth_pore pore;
    double mark;
} candidate;

/* The candidates of one tile, always drawn in the same order. */
static uint32_t tile_candidates(const skd_synth_params *p, double lambda,
                                double tile, int64_t tx, int64_t ty,
                                candidate *out)
{
    skd_rng rng;
    uint32_t n;
    skd_rng_seed_stream(&rng, p->seed, SKD_STREAM_PORES, tx, ty);
    n = skd_rng_poisson(&rng, lambda * tile * tile);
    if (!out)
        return n;
    for (uint32_t k = 0; k < n; k++) {
        candidate *c = &out[k];
        c->pore.u = ((double)tx + skd_rng_uniform(&rng)) * tile;
        c->pore.v = ((double)ty + skd_rng_uniform(&rng)) * tile;
        c->pore.diameter = p->pore_diameter_min_mm +
                           (p->pore_diameter_max_mm - p->pore_diameter_min_mm) *
                               skd_rng_uniform(&rng);
        c->pore.depth = p->pore_depth_min +
                        (p->pore_depth_max - p->pore_depth_min) *
                            skd_rng_uniform(&rng);
        c->pore.keep_draw = skd_rng_uniform(&rng);
        c->mark = skd_rng_uniform(&rng);
    }
    return n;
}

/* Candidates of tiles [tx0, tx0+nx) x [ty0, ty0+ny), row by row, with
 * start[t] .. start[t+1] the range of tile t. */
typedef struct tile_grid {
    int64_t tx0, ty0;
    size_t nx, ny;
    size_t *start;
    candidate *c;
} tile_grid;

static int grid_fill(skd_ctx *ctx, const skd_synth_params *p, double lambda,
                     double tile, tile_grid *g)
{
    size_t nt = g->nx * g->ny, total = 0;
    g->start = skd_malloc_array(ctx, nt + 1, sizeof *g->start);
    if (!g->start)
        return SKD_E_NOMEM;
    for (size_t t = 0; t < nt; t++) {
        g->start[t] = total;
        total += tile_candidates(p, lambda, tile, g->tx0 + (int64_t)(t % g->nx),
                                 g->ty0 + (int64_t)(t / g->nx), NULL);
    }
    g->start[nt] = total;
    if ((double)total > SKD_SYNTH_MAX_CANDIDATES)
        return skd_fail(ctx, SKD_E_LIMIT,
                        "synth: %zu pore candidates: the skin seen is too "
                        "large (lower the size, density or camera shift)",
                        total);
    g->c = skd_malloc_array(ctx, total ? total : 1, sizeof *g->c);
    if (!g->c)
        return SKD_E_NOMEM;
    for (size_t t = 0; t < nt; t++)
        tile_candidates(p, lambda, tile, g->tx0 + (int64_t)(t % g->nx),
                        g->ty0 + (int64_t)(t / g->nx), g->c + g->start[t]);
    return SKD_OK;
}

/* Matern II: i survives unless a candidate within the hard-core distance
 * has a smaller mark (ties, which need equal 53-bit marks, go to the one
 * stored first). The hard-core distance never exceeds the tile side, so
 * the 3 x 3 tiles around i hold every rival. */
static int survives(const tile_grid *g, size_t tile_x, size_t tile_y, size_t i)
{
    const candidate *ci = &g->c[i];
    double ri = ci->pore.diameter / 2.0;
    for (size_t y = tile_y - 1; y <= tile_y + 1; y++)
        for (size_t x = tile_x - 1; x <= tile_x + 1; x++) {
            size_t t = y * g->nx + x;
            for (size_t j = g->start[t]; j < g->start[t + 1]; j++) {
                const candidate *cj = &g->c[j];
                double r = fmax(ri, cj->pore.diameter / 2.0);
                double d = SKD_SYNTH_HARDCORE * r;
                double du = cj->pore.u - ci->pore.u, dv = cj->pore.v - ci->pore.v;
                if (j == i || du * du + dv * dv >= d * d)
                    continue;
                if (cj->mark < ci->mark || (cj->mark == ci->mark && j < i))
                    return 0;
            }
        }
    return 1;
}

int skd_synth_pores_make(skd_ctx *ctx, const skd_synth_params *p,
                         const skd_rect *rect, skd_synth_pore **out, size_t *n)
{
    double tile = skd_synth_pore_tile_mm(p);
    double lambda = skd_synth_candidate_density(p, NULL);
    double fx0 = floor(rect->u0 / tile), fx1 = floor(rect->u1 / tile);
    double fy0 = floor(rect->v0 / tile), fy1 = floor(rect->v1 / tile);
    tile_grid g = {0};
    size_t kept = 0;
    int st;

    *out = NULL;
    *n = 0;
    if (lambda <= 0)
        return SKD_OK;
    /* One ring of extra tiles: their candidates can remove ours. */
    if ((fx1 - fx0 + 3) * (fy1 - fy0 + 3) > SKD_SYNTH_MAX_TILES)
        return skd_fail(ctx, SKD_E_LIMIT,
                        "synth: the skin seen spans too many pore tiles "
                        "(lower the size or the camera shift)");
    g.tx0 = (int64_t)fx0 - 1;
    g.ty0 = (int64_t)fy0 - 1;
    g.nx = (size_t)(fx1 - fx0) + 3;
    g.ny = (size_t)(fy1 - fy0) + 3;
    st = grid_fill(ctx, p, lambda, tile, &g);
    if (st == SKD_OK)
        *out = skd_malloc_array(ctx, g.start[g.nx * g.ny] + 1, sizeof **out);
    if (st == SKD_OK && !*out)
        st = SKD_E_NOMEM;
    for (size_t ty = 1; st == SKD_OK && ty + 1 < g.ny; ty++)
        for (size_t tx = 1; tx + 1 < g.nx; tx++) {
            size_t t = ty * g.nx + tx;
            for (size_t i = g.start[t]; i < g.start[t + 1]; i++)
                if (survives(&g, tx, ty, i))
                    (*out)[kept++] = g.c[i].pore;
        }
    skd_dealloc(ctx, g.start);
    skd_dealloc(ctx, g.c);
    if (st != SKD_OK) {
        skd_dealloc(ctx, *out);
        *out = NULL;
        return st;
    }
    *n = kept;
    return SKD_OK;
}
