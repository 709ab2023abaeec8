/* The filter bank on the filled luminance, tile by tile. The pore filters
 * are a few pixels wide, so a tile with a margin they cannot see past gives
 * the whole-plane numbers at the price of small, cache-resident transforms,
 * and no plane-sized buffer at all. Per tile: the window padded straight
 * into the spectrum's buffer and one forward transform, then the 7 D_k
 * planes and the texture's fine Gaussian, two real planes per complex
 * inverse transform (4 of them, out of place; one costs about 30% less
 * than two real inverses). One pass over each complex plane marks where
 * its two filters reach the threshold, and the search looks only there.
 * The roundness test reads L_k straight from l at the few candidates
 * (roundness.c), and the texture's 1 mm Gaussian is a pass of
 * skd_fft_filter_planes of its own before the tiles, which then write
 * T = fine - coarse. Workers take tiles one at a time from a shared
 * counter, so a slow tile holds up no one. */
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "metrics.h"

/* Filters of the set: D_k at k, the texture's fine Gaussian after them;
 * complex plane p holds filters 2p and 2p + 1. */
#define FINE_FILTER SKD_PORE_SCALES
#define N_FILTERS (SKD_PORE_SCALES + 1)
#define N_PAIRS ((N_FILTERS + 1) / 2)

/* Tiles of the whole image: tw x th searched (less in the last column and
 * row) with a margin of m pixels on each side, padded to pw[0] x ph[0];
 * the last column is padded to pw[1] (just what its core needs), the last
 * row to ph[1], so the image's ragged edge costs small transforms. Padding
 * beyond core + 2 m goes to the right and the bottom. */
typedef struct tiling {
    size_t w, h, m, tw, th, ntx, nty;
    size_t pw[2], ph[2];
} tiling;

/* Taps of the roundness test's kernels: -r..r, r = m - 1, more for the
 * narrowest scales (skd_hessian_radius); KERNEL_RMAX bounds them all. */
#define KERNEL_R(t) ((t)->m - 1)
#define KERNEL_RMAX(t) (SKD_HESSIAN_NARROW_TAPS * KERNEL_R(t))

static size_t padded(size_t n, size_t m, size_t tile)
{
    size_t whole = skd_fft_good_size(n + 2 * m);
    return whole < tile ? whole : tile;
}

static void plan_tiles(size_t w, size_t h, size_t m, size_t tile, tiling *t)
{
    if (tile < 4 * m)
        tile = skd_fft_good_size(4 * m); /* a core at least as wide as 2 m */
    t->w = w;
    t->h = h;
    t->m = m;
    t->pw[0] = padded(w, m, tile);
    t->ph[0] = padded(h, m, tile);
    t->tw = t->pw[0] - 2 * m;
    t->th = t->ph[0] - 2 * m;
    t->ntx = (w + t->tw - 1) / t->tw;
    t->nty = (h + t->th - 1) / t->th;
    t->pw[1] = padded(w - (t->ntx - 1) * t->tw, m, tile);
    t->ph[1] = padded(h - (t->nty - 1) * t->th, m, tile);
}

/* One tile: its core [x0, x1) x [y0, y1), the padded window's origin and
 * size, and which of the four shapes (last column, last row) it has. */
typedef struct tile_geo {
    size_t x0, y0, x1, y1, pw, ph, shape;
    long long bx, by;
} tile_geo;

static void tile_geometry(const tiling *t, size_t tile, tile_geo *g)
{
    size_t tx = tile % t->ntx, ty = tile / t->ntx;
    size_t sx = tx + 1 == t->ntx, sy = ty + 1 == t->nty;
    g->x0 = tx * t->tw;
    g->y0 = ty * t->th;
    g->x1 = g->x0 + t->tw < t->w ? g->x0 + t->tw : t->w;
    g->y1 = g->y0 + t->th < t->h ? g->y0 + t->th : t->h;
    g->pw = t->pw[sx];
    g->ph = t->ph[sy];
    g->shape = 2 * sy + sx;
    g->bx = (long long)g->x0 - (long long)t->m;
    g->by = (long long)g->y0 - (long long)t->m;
}

/* What every worker reads, and the two things they share: the next tile to
 * take and the arena their candidates go to. Each worker reserves its
 * tile's stretch of the arena with a compare-and-swap and records where it
 * put it; when the arena is full it keeps the tile and stops, and the
 * calling thread grows the arena (workers never allocate) and starts them
 * again. Candidates are gathered in tile order at the end, so nothing
 * depends on which thread did which tile. */
typedef struct bank_shared {
    skd_ctx *ctx; /* only to execute plans made beforehand */
    const float *l;
    const uint8_t *region;
    float *texture; /* coarse on entry, T where the tiles are done; or NULL */
    const tiling *t;
    skd_filter_set *set[4]; /* per shape */
    skd_hessian_kernel kx[2][SKD_PORE_SCALES], ky[2][SKD_PORE_SCALES];
    size_t kr[SKD_PORE_SCALES]; /* their radius */
    double tau;
    size_t first_scale; /* the common band's first searched scale */
    atomic_size_t next;  /* next tile to take */
    atomic_int stop;     /* an error, or the arena is full */
    atomic_size_t used;  /* arena entries reserved */
    skd_pore_cand *arena;
    size_t cap;
    size_t *tile_at, *tile_n; /* each tile's stretch of the arena */
} bank_shared;

/* One thread's buffers: the tile's spectrum (its input before that), two
 * complex planes (plane p of the tile in z[p % 2]: the search at scale k
 * needs k - 1 .. k + 1, which two consecutive planes hold) and the
 * products on their way to one (zin); the search masks; the roundness
 * scratch; and the candidates of its current tile. */
typedef struct tile_worker {
    bank_shared *sh;
    fftwf_complex *spec, *z[2], *zin;
    uint64_t *above; /* per scale: which core pixels pass the threshold */
    size_t words;    /* 64-bit words per row of those masks */
    float *row;
    double *hsum;
    skd_cand_list cands; /* preallocated: never grows on a thread */
    size_t pending;      /* a finished tile that found the arena full */
    int status;
} tile_worker;

#define NO_TILE SIZE_MAX

/* Filter i's result in the worker's complex planes. */
static const float *filtered(const tile_worker *wk, size_t i)
{
    return (const float *)wk->z[i / 2 % 2] + i % 2;
}

/* T = fine - coarse over the tile's core. */
static void write_texture(const tile_worker *wk, const tile_geo *g)
{
    const bank_shared *sh = wk->sh;
    size_t m = sh->t->m, stride = 2 * skd_fft_c2c_row(g->pw);
    const float *fine = filtered(wk, FINE_FILTER) + m * stride + 2 * m;
    size_t n = g->x1 - g->x0;
    for (size_t y = g->y0; y < g->y1; y++) {
        const float *restrict src = fine + (y - g->y0) * stride;
        float *restrict dst = sh->texture + y * sh->t->w + g->x0;
#if defined(__GNUC__)
        /* the plane's rows are far apart: no hardware prefetcher guesses
         * the next one, so ask for it a few rows ahead */
        if (y + 4 < g->y1)
            for (size_t i = 0; i < n + 15; i += 16)
                __builtin_prefetch(dst + 4 * sh->t->w + (i < n ? i : n - 1), 1);
#endif
        for (size_t i = 0; i < n; i++)
            dst[i] = src[2 * i] - dst[i];
    }
}

/* The threshold mask of scale k, or NULL past the last scale. */
static uint64_t *above_mask(const tile_worker *wk, size_t k)
{
    return k < SKD_PORE_SCALES ? wk->above + k * wk->sh->t->th * wk->words
                               : NULL;
}

/* Plane p, and the threshold masks of its filters over the tile's core:
 * one pass over the plane for both searches. */
static int filter_pair(tile_worker *wk, const tile_geo *g, size_t p)
{
    const bank_shared *sh = wk->sh;
    size_t m = sh->t->m, stride = 2 * skd_fft_c2c_row(g->pw);
    int st = skd_filter_set_apply_pair(sh->ctx, sh->set[g->shape], 2 * p,
                                       2 * p + 1, wk->spec, wk->zin,
                                       wk->z[p % 2]);
    if (st == SKD_OK)
        skd_above_masks((const float *)wk->z[p % 2] + m * stride + 2 * m,
                        stride, g->x1 - g->x0, g->y1 - g->y0, sh->tau,
                        above_mask(wk, 2 * p), above_mask(wk, 2 * p + 1),
                        wk->words);
    return st;
}

static int search_tile(tile_worker *wk, size_t tile)
{
    const bank_shared *sh = wk->sh;
    const tiling *t = sh->t;
    size_t sx, sy, done = 0; /* complex planes made */
    skd_scale_window v;
    skd_round_src ls;
    tile_geo g;
    int st;

    tile_geometry(t, tile, &g);
    sx = g.shape % 2;
    sy = g.shape / 2;
    memset(&v, 0, sizeof v);
    v.stride = 2 * skd_fft_c2c_row(g.pw);
    v.step = 2;
    v.ox = (ptrdiff_t)g.bx;
    v.oy = (ptrdiff_t)g.by;
    v.x0 = g.x0;
    v.y0 = g.y0;
    v.x1 = g.x1;
    v.y1 = g.y1;
    v.w = t->w;
    v.h = t->h;
    v.ls = &ls;
    /* the roundness test reads l itself as its window: rows straight from
     * the plane, mirrored copies only at the image's edges */
    ls = (skd_round_src){sh->l, t->w, t->h, KERNEL_R(t), sh->l, 0, 0, t->w,
                         t->h, t->w, sh->kx[sx][0], sh->ky[sy][0], wk->row,
                         wk->hsum};
    skd_fft_pad_window(sh->l, t->w, t->h, g.bx, g.by, g.pw, g.ph,
                       (float *)wk->spec);
    if ((st = skd_fft_r2c_inplace(sh->ctx, g.pw, g.ph, (float *)wk->spec)) != SKD_OK)
        return st;
    for (size_t k = 0; k < SKD_PORE_SCALES; k++) {
        /* D_{k+1}'s plane, made once D_{k-2}'s is no longer needed */
        for (; done <= (k + 1) / 2 && done < N_PAIRS; done++) {
            if ((st = filter_pair(wk, &g, done)) != SKD_OK)
                return st;
            if (done == FINE_FILTER / 2 && sh->texture)
                write_texture(wk, &g);
        }
        if (k < sh->first_scale)
            continue; /* below the common band: not searched */
        v.d[0] = k > sh->first_scale ? filtered(wk, k - 1) : NULL;
        v.d[1] = filtered(wk, k);
        v.d[2] = k + 1 < SKD_PORE_SCALES ? filtered(wk, k + 1) : NULL;
        v.above = above_mask(wk, k);
        v.words = wk->words;
        ls.kx = sh->kx[sx][k];
        ls.ky = sh->ky[sy][k];
        ls.r = sh->kr[k];
        st = skd_scale_candidates(sh->ctx, &v, (uint32_t)k, sh->tau, sh->region,
                                  &wk->cands);
        if (st != SKD_OK)
            return st;
    }
    return SKD_OK;
}

/* The tile's candidates into the arena; 0 when it is full. */
static int reserve_and_copy(bank_shared *sh, size_t tile, const skd_cand_list *c)
{
    size_t at = atomic_load(&sh->used);
    do {
        if (c->n > sh->cap - at)
            return 0;
    } while (!atomic_compare_exchange_weak(&sh->used, &at, at + c->n));
    if (c->n > 0)
        memcpy(sh->arena + at, c->v, c->n * sizeof *c->v);
    sh->tile_at[tile] = at;
    sh->tile_n[tile] = c->n;
    return 1;
}

static void *run_worker(void *arg)
{
    tile_worker *wk = arg;
    bank_shared *sh = wk->sh;
    size_t ntiles = sh->t->ntx * sh->t->nty;
    while (!atomic_load(&sh->stop)) {
        size_t tile = atomic_fetch_add(&sh->next, 1);
        if (tile >= ntiles)
            break;
        wk->cands.n = 0;
        wk->status = search_tile(wk, tile);
        if (wk->status == SKD_OK && reserve_and_copy(sh, tile, &wk->cands))
            continue;
        if (wk->status == SKD_OK)
            wk->pending = tile;
        atomic_store(&sh->stop, 1);
        break;
    }
    return NULL;
}

static void worker_free(skd_ctx *ctx, tile_worker *wk)
{
    skd_fft_dealloc(ctx, wk->spec);
    for (int i = 0; i < 2; i++)
        skd_fft_dealloc(ctx, wk->z[i]);
    skd_fft_dealloc(ctx, wk->zin);
    skd_dealloc(ctx, wk->above);
    skd_dealloc(ctx, wk->row);
    skd_dealloc(ctx, wk->hsum);
    skd_cand_list_free(ctx, &wk->cands);
}

/* Two candidates of one scale are never 8-neighbours (the plateau rule of
 * the local-maximum test), so a tile holds at most one per 2 x 2 block and
 * scale: the list never has to grow, and workers never allocate. */
static int worker_alloc(skd_ctx *ctx, bank_shared *sh, tile_worker *wk)
{
    const tiling *t = sh->t;
    size_t bytes = (t->pw[0] / 2 + 1) * t->ph[0] * sizeof(fftwf_complex);
    size_t zbytes = skd_fft_c2c_row(t->pw[0]) * t->ph[0] * sizeof(fftwf_complex);
    size_t cap = (size_t)SKD_PORE_SCALES * ((t->tw + 1) / 2) * ((t->th + 1) / 2);
    size_t span = 2 * KERNEL_RMAX(t) + 3;
    wk->sh = sh;
    wk->pending = NO_TILE;
    wk->spec = skd_fft_alloc(ctx, bytes);
    for (int i = 0; i < 2; i++)
        wk->z[i] = skd_fft_alloc(ctx, zbytes);
    wk->zin = skd_fft_alloc(ctx, zbytes);
    wk->words = (t->tw + 63) / 64;
    wk->above = skd_malloc_array(ctx, (size_t)SKD_PORE_SCALES * t->th,
                                 wk->words * sizeof *wk->above);
    wk->row = skd_malloc_array(ctx, span, sizeof *wk->row);
    wk->hsum = skd_malloc_array(ctx, 3 * span, sizeof *wk->hsum);
    wk->cands.v = skd_malloc_array(ctx, cap, sizeof *wk->cands.v);
    wk->cands.cap = wk->cands.v ? cap : 0;
    if (!wk->spec || !wk->z[0] || !wk->z[1] || !wk->zin ||
        !wk->above || !wk->row || !wk->hsum || !wk->cands.v)
        return SKD_E_NOMEM;
    return SKD_OK;
}

/* D_k at k, the texture's fine Gaussian after them, for each shape. */
static int make_filters(skd_ctx *ctx, bank_shared *sh, double px_per_mm)
{
    const tiling *t = sh->t;
    skd_filter f[2 * N_PAIRS];
    int st = SKD_OK;
    for (int k = 0; k < SKD_PORE_SCALES; k++) {
        double sigma = skd_pore_radius_mm(k) * px_per_mm / sqrt(2.0);
        f[k] = (skd_filter){SKD_FILTER_LOGN, sigma, 0};
    }
    f[FINE_FILTER] = (skd_filter){
        SKD_FILTER_GAUSS, skd_band_fine_mm(ctx->band_px_per_mm,
                                     ctx->band_sharp_px_per_mm) * px_per_mm, 0};
    for (size_t i = N_FILTERS; i < 2 * N_PAIRS; i++)
        f[i] = f[FINE_FILTER]; /* an odd count would leave half a plane */
    for (size_t s = 0; s < 4 && st == SKD_OK; s++) {
        /* the columns read: the widest core of this padded width and the
         * pixel beyond it on each side that the local-maximum test looks
         * at (a function of the width and margin only, so that a context
         * analysing photos of many sizes keeps few plans) */
        size_t pw = t->pw[s % 2];
        st = skd_filter_set_create_pairs(ctx, f, 2 * N_PAIRS, pw,
                                         t->ph[s / 2], &sh->set[s]);
        if (st == SKD_OK)
            st = skd_filter_set_band(ctx, sh->set[s], t->m - 1,
                                     pw - 2 * t->m + 2);
    }
    return st;
}

/* The roundness test's kernels of each scale along x (on the grids of the
 * tiles' two widths) and y (two heights), truncated at the filters' margin
 * (the tile's less the pixel of the Hessian's differences, so that the test
 * reads only the tile's input): kern holds them. */
static float *make_kernels(skd_ctx *ctx, bank_shared *sh, double px_per_mm)
{
    const tiling *t = sh->t;
    size_t one = 3 * (KERNEL_RMAX(t) + 2);
    float *kern = skd_malloc_array(ctx, 4 * SKD_PORE_SCALES * one, sizeof *kern);
    if (!kern)
        return NULL;
    for (int k = 0; k < SKD_PORE_SCALES; k++) {
        double sigma = skd_pore_radius_mm(k) * px_per_mm / sqrt(2.0);
        float *mem = kern + 4 * (size_t)k * one;
        size_t r = skd_hessian_radius(sigma, KERNEL_R(t));
        sh->kr[k] = r;
        for (int s = 0; s < 2; s++) {
            skd_hessian_kernel_make(sigma, t->pw[s], r, mem + 2 * s * one,
                                    &sh->kx[s][k]);
            skd_hessian_kernel_make(sigma, t->ph[s], r, mem + (2 * s + 1) * one,
                                    &sh->ky[s][k]);
        }
    }
    return kern;
}

/* A first guess at the candidates of a w x h image: one per 256 pixels,
 * about four times what skin photos give; the arena grows when it is
 * wrong. */
static size_t arena_guess(size_t w, size_t h)
{
    size_t n = w / 16 * (h / 16);
    return n < 1024 ? 1024 : n;
}

static int grow_arena(skd_ctx *ctx, bank_shared *sh, size_t need)
{
    size_t cap = sh->cap * 2 > need ? sh->cap * 2 : need;
    skd_pore_cand *v = skd_malloc_array(ctx, cap, sizeof *v);
    if (!v)
        return SKD_E_NOMEM;
    if (sh->arena)
        memcpy(v, sh->arena, atomic_load(&sh->used) * sizeof *v);
    skd_dealloc(ctx, sh->arena);
    sh->arena = v;
    sh->cap = cap;
    return SKD_OK;
}

/* Runs the workers until every tile is done, growing the arena for the
 * tiles they had to keep. */
static int run_tiles(skd_ctx *ctx, bank_shared *sh, tile_worker *wk,
                     size_t nthreads)
{
    size_t ntiles = sh->t->ntx * sh->t->nty;
    int st = SKD_OK;
    while (st == SKD_OK && atomic_load(&sh->next) < ntiles) {
        size_t kept = 0;
        atomic_store(&sh->stop, 0);
        skd_run_parallel(run_worker, wk, sizeof wk[0], nthreads);
        for (size_t i = 0; i < nthreads; i++) {
            if (wk[i].status != SKD_OK && st == SKD_OK)
                st = wk[i].status;
            if (wk[i].pending != NO_TILE)
                kept += wk[i].cands.n;
        }
        if (st == SKD_OK && kept > sh->cap - atomic_load(&sh->used))
            st = grow_arena(ctx, sh, atomic_load(&sh->used) + kept);
        for (size_t i = 0; i < nthreads; i++) {
            if (st == SKD_OK && wk[i].pending != NO_TILE &&
                !reserve_and_copy(sh, wk[i].pending, &wk[i].cands))
                st = skd_fail(ctx, SKD_E_INTERNAL, "pore candidate arena too small");
            wk[i].pending = NO_TILE;
        }
    }
    return st;
}

/* The arena's stretches in tile order. */
static int gather(skd_ctx *ctx, const bank_shared *sh, skd_cand_list *list)
{
    size_t ntiles = sh->t->ntx * sh->t->nty;
    for (size_t i = 0; i < ntiles; i++) {
        skd_cand_list part = {sh->arena + sh->tile_at[i], sh->tile_n[i], sh->tile_n[i]};
        int st = skd_cand_list_append(ctx, list, &part);
        if (st != SKD_OK)
            return st;
    }
    return SKD_OK;
}

int skd_pore_bank(skd_ctx *ctx, const float *l, size_t w, size_t h,
                  double px_per_mm, double tau, const uint8_t *region,
                  size_t tile, float *texture, skd_cand_list *list)
{
    tile_worker wk[SKD_MAX_THREADS];
    double sigma_max = skd_pore_radius_mm(SKD_PORE_SCALES - 1) * px_per_mm / sqrt(2.0);
    bank_shared sh;
    float *kern;
    tiling t;
    size_t ntiles, nthreads;
    int st;

    /* +1: the local-maximum and Hessian tests look one pixel further. */
    plan_tiles(w, h, skd_fft_margin(sigma_max) + 1, tile, &t);
    ntiles = t.ntx * t.nty;
    nthreads = skd_thread_count(ctx, ntiles);
    memset(wk, 0, sizeof wk);
    memset(&sh, 0, sizeof sh);
    sh.ctx = ctx;
    sh.l = l;
    sh.region = region;
    sh.texture = texture;
    sh.t = &t;
    sh.tau = tau;
    sh.first_scale = (size_t)skd_band_first_scale(ctx->band_px_per_mm,
                                                  ctx->band_sharp_px_per_mm);
    atomic_init(&sh.next, 0);
    atomic_init(&sh.stop, 0);
    atomic_init(&sh.used, 0);
    st = make_filters(ctx, &sh, px_per_mm);
    kern = st == SKD_OK ? make_kernels(ctx, &sh, px_per_mm) : NULL;
    if (st == SKD_OK && !kern)
        st = SKD_E_NOMEM;
    if (st == SKD_OK) {
        sh.tile_at = skd_malloc_array(ctx, ntiles, sizeof *sh.tile_at);
        sh.tile_n = skd_malloc_array(ctx, ntiles, sizeof *sh.tile_n);
        if (!sh.tile_at || !sh.tile_n)
            st = SKD_E_NOMEM;
    }
    if (st == SKD_OK)
        st = grow_arena(ctx, &sh, arena_guess(w, h));
    for (size_t i = 0; i < nthreads && st == SKD_OK; i++)
        st = worker_alloc(ctx, &sh, &wk[i]);
    if (st == SKD_OK)
        st = run_tiles(ctx, &sh, wk, nthreads);
    if (st == SKD_OK)
        st = gather(ctx, &sh, list);
    for (size_t i = 0; i < nthreads; i++)
        worker_free(ctx, &wk[i]);
    skd_dealloc(ctx, sh.arena);
    skd_dealloc(ctx, sh.tile_at);
    skd_dealloc(ctx, sh.tile_n);
    skd_dealloc(ctx, kern);
    for (int i = 0; i < 4; i++)
        skd_filter_set_free(ctx, sh.set[i]);
    return st;
}

int skd_pore_candidates(skd_ctx *ctx, const float *l, size_t w, size_t h,
                        double px_per_mm, double tau, const uint8_t *region,
                        size_t tile, skd_cand_list *list)
{
    return skd_pore_bank(ctx, l, w, h, px_per_mm, tau, region, tile, NULL, list);
}

int skd_filter_bank(skd_ctx *ctx, const float *l, size_t w, size_t h,
                    double px_per_mm, double tau, const uint8_t *region,
                    float *texture, skd_pore **pores, size_t *n_pores)
{
    double radius[SKD_PORE_SCALES];
    skd_cand_list cands = {NULL, 0, 0};
    int st;

    *pores = NULL;
    *n_pores = 0;
    st = skd_texture_coarse(ctx, l, w, h, SKD_TEXTURE_COARSE_MM * px_per_mm,
                            texture);
    if (st == SKD_OK)
        st = skd_pore_bank(ctx, l, w, h, px_per_mm, tau, region, SKD_PORE_TILE,
                           texture, &cands);
    for (int k = 0; k < SKD_PORE_SCALES; k++)
        radius[k] = skd_pore_radius_mm(k) * px_per_mm;
    if (st == SKD_OK)
        st = skd_suppress_pores(ctx, &cands, radius, w, h, pores, n_pores);
    skd_cand_list_free(ctx, &cands);
    return st;
}
