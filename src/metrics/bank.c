/* The filter bank on the filled luminance, tile by tile. The pore filters
 * are a few pixels wide, so a tile with a margin they cannot see past gives
 * the whole-plane numbers at the price of small, cache-resident transforms,
 * and no plane-sized buffer at all. Per tile: one forward transform, the 7
 * D_k planes and the texture's fine Gaussian (8 inverse transforms). The
 * roundness test reads L_k straight from l at the few candidates
 * (roundness.c), and the texture's 1 mm Gaussian is one tiled pass of its
 * own before the tiles, which then write T = fine - coarse. */
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "metrics.h"

#define FINE_FILTER SKD_PORE_SCALES /* after D_0 .. D_6 */

/* Tiles of the whole image: pw x ph padded, tw x th searched, the rest a
 * margin of m pixels on each side (more on the right and at the bottom when
 * the image is smaller than a tile). */
typedef struct tiling {
    size_t w, h, m, pw, ph, tw, th, ntx, nty;
} tiling;

static void plan_tiles(size_t w, size_t h, size_t m, size_t tile, tiling *t)
{
    if (tile < 4 * m)
        tile = skd_fft_good_size(4 * m); /* a core at least as wide as 2 m */
    t->w = w;
    t->h = h;
    t->m = m;
    t->pw = skd_fft_good_size(w + 2 * m) < tile ? skd_fft_good_size(w + 2 * m) : tile;
    t->ph = skd_fft_good_size(h + 2 * m) < tile ? skd_fft_good_size(h + 2 * m) : tile;
    t->tw = t->pw - 2 * m;
    t->th = t->ph - 2 * m;
    t->ntx = (w + t->tw - 1) / t->tw;
    t->nty = (h + t->th - 1) / t->th;
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
    const skd_filter_set *set;
    const double *gx[SKD_PORE_SCALES], *gy[SKD_PORE_SCALES];
    double tau;
    atomic_size_t next;  /* next tile to take */
    atomic_int stop;     /* an error, or the arena is full */
    atomic_size_t used;  /* arena entries reserved */
    skd_pore_cand *arena;
    size_t cap;
    size_t *tile_at, *tile_n; /* each tile's stretch of the arena */
} bank_shared;

/* One thread's buffers: the tile's spectrum and a ring of three D planes
 * (D_k in d[k % 3]), padded-tile sized; the roundness scratch; and the
 * candidates of its current tile. */
typedef struct tile_worker {
    bank_shared *sh;
    fftwf_complex *spec, *d[3];
    float *seg;
    double *hsum;
    skd_cand_list cands; /* preallocated: never grows on a thread */
    size_t pending;      /* a finished tile that found the arena full */
    int status;
} tile_worker;

#define NO_TILE SIZE_MAX

/* T = fine - coarse over the tile's core; buf holds the fine Gaussian. */
static void write_texture(const bank_shared *sh, const float *restrict fine,
                          size_t x0, size_t y0, size_t x1, size_t y1)
{
    const tiling *t = sh->t;
    size_t stride = skd_fft_row_floats(t->pw);
    for (size_t y = y0; y < y1; y++) {
        const float *restrict src = fine + (y - y0 + t->m) * stride + t->m;
        float *restrict dst = sh->texture + y * t->w + x0;
        for (size_t i = 0; i < x1 - x0; i++)
            dst[i] = src[i] - dst[i];
    }
}

static int search_tile(tile_worker *wk, size_t tile)
{
    const bank_shared *sh = wk->sh;
    const tiling *t = sh->t;
    size_t x0 = tile % t->ntx * t->tw, y0 = tile / t->ntx * t->th;
    long long bx = (long long)x0 - (long long)t->m;
    long long by = (long long)y0 - (long long)t->m;
    skd_scale_window v;
    skd_round_src ls = {sh->l, t->w, t->h, NULL, NULL, t->m, wk->seg, wk->hsum};
    int st;

    memset(&v, 0, sizeof v);
    v.stride = skd_fft_row_floats(t->pw);
    v.ox = (ptrdiff_t)bx;
    v.oy = (ptrdiff_t)by;
    v.x0 = x0;
    v.y0 = y0;
    v.x1 = x0 + t->tw < t->w ? x0 + t->tw : t->w;
    v.y1 = y0 + t->th < t->h ? y0 + t->th : t->h;
    v.w = t->w;
    v.h = t->h;
    v.ls = &ls;
    skd_fft_pad_window(sh->l, t->w, t->h, bx, by, t->pw, t->ph,
                       (float *)wk->spec);
    if ((st = skd_fft_r2c_inplace(sh->ctx, t->pw, t->ph, (float *)wk->spec)) !=
        SKD_OK)
        return st;
    if (sh->texture) {
        st = skd_filter_set_apply(sh->ctx, sh->set, FINE_FILTER, wk->spec, wk->d[0]);
        if (st != SKD_OK)
            return st;
        write_texture(sh, (const float *)wk->d[0], v.x0, v.y0, v.x1, v.y1);
    }
    if ((st = skd_filter_set_apply(sh->ctx, sh->set, 0, wk->spec, wk->d[0])) !=
        SKD_OK)
        return st;
    for (int k = 0; k < SKD_PORE_SCALES; k++) {
        int last = k + 1 == SKD_PORE_SCALES;
        if (!last && (st = skd_filter_set_apply(sh->ctx, sh->set, (size_t)k + 1,
                                                wk->spec, wk->d[(k + 1) % 3])) !=
                         SKD_OK)
            return st;
        v.d[0] = k > 0 ? (const float *)wk->d[(k - 1) % 3] : NULL;
        v.d[1] = (const float *)wk->d[k % 3];
        v.d[2] = last ? NULL : (const float *)wk->d[(k + 1) % 3];
        ls.gx = sh->gx[k];
        ls.gy = sh->gy[k];
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
    for (int i = 0; i < 3; i++)
        skd_fft_dealloc(ctx, wk->d[i]);
    skd_dealloc(ctx, wk->seg);
    skd_dealloc(ctx, wk->hsum);
    skd_cand_list_free(ctx, &wk->cands);
}

/* Two candidates of one scale are never 8-neighbours (the plateau rule of
 * the local-maximum test), so a tile holds at most one per 2 x 2 block and
 * scale: the list never has to grow, and workers never allocate. */
static int worker_alloc(skd_ctx *ctx, bank_shared *sh, tile_worker *wk)
{
    const tiling *t = sh->t;
    size_t bytes = (t->pw / 2 + 1) * t->ph * sizeof(fftwf_complex);
    size_t cap = (size_t)SKD_PORE_SCALES * ((t->tw + 1) / 2) * ((t->th + 1) / 2);
    size_t span = 2 * t->m + 3;
    wk->sh = sh;
    wk->pending = NO_TILE;
    wk->spec = skd_fft_alloc(ctx, bytes);
    for (int i = 0; i < 3; i++)
        wk->d[i] = skd_fft_alloc(ctx, bytes);
    wk->seg = skd_malloc_array(ctx, span, sizeof *wk->seg);
    wk->hsum = skd_malloc_array(ctx, 3 * span, sizeof *wk->hsum);
    wk->cands.v = skd_malloc_array(ctx, cap, sizeof *wk->cands.v);
    wk->cands.cap = wk->cands.v ? cap : 0;
    if (!wk->spec || !wk->d[0] || !wk->d[1] || !wk->d[2] || !wk->seg ||
        !wk->hsum || !wk->cands.v)
        return SKD_E_NOMEM;
    return SKD_OK;
}

/* D_k at k, the texture's fine Gaussian after them. */
static int make_filters(skd_ctx *ctx, const tiling *t, double px_per_mm,
                        skd_filter_set **set)
{
    skd_filter f[SKD_PORE_SCALES + 1];
    for (int k = 0; k < SKD_PORE_SCALES; k++) {
        double sigma = skd_pore_radius_mm(k) * px_per_mm / sqrt(2.0);
        f[k] = (skd_filter){SKD_FILTER_LOGN, sigma, 0};
    }
    f[FINE_FILTER] = (skd_filter){SKD_FILTER_GAUSS, SKD_TEXTURE_FINE_MM * px_per_mm, 0};
    return skd_filter_set_create(ctx, f, SKD_PORE_SCALES + 1, t->pw, t->ph, set);
}

/* L_k's kernels along x (the tile's pw-point grid) and y (ph points), taps
 * -m..m: kern holds 2 SKD_PORE_SCALES of them, 2m + 1 doubles each. */
static double *make_kernels(skd_ctx *ctx, bank_shared *sh, double px_per_mm)
{
    const tiling *t = sh->t;
    size_t span = 2 * t->m + 1;
    double *kern = skd_malloc_array(ctx, 2 * SKD_PORE_SCALES * span, sizeof *kern);
    if (!kern)
        return NULL;
    for (int k = 0; k < SKD_PORE_SCALES; k++) {
        double sigma = skd_pore_radius_mm(k) * px_per_mm / sqrt(2.0);
        double *gx = kern + 2 * (size_t)k * span, *gy = gx + span;
        skd_periodic_gauss(sigma, t->pw, t->m, gx);
        if (t->ph == t->pw)
            memcpy(gy, gx, span * sizeof *gy);
        else
            skd_periodic_gauss(sigma, t->ph, t->m, gy);
        sh->gx[k] = gx;
        sh->gy[k] = gy;
    }
    return kern;
}

/* A first guess at the candidates of a w x h image (about one per 200
 * pixels on skin photos); the arena grows when it is wrong. */
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
    tile_worker wk[SKD_FFT_MAX_THREADS];
    double sigma_max = skd_pore_radius_mm(SKD_PORE_SCALES - 1) * px_per_mm / sqrt(2.0);
    skd_filter_set *set = NULL;
    bank_shared sh;
    double *kern;
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
    atomic_init(&sh.next, 0);
    atomic_init(&sh.stop, 0);
    atomic_init(&sh.used, 0);
    st = make_filters(ctx, &t, px_per_mm, &set);
    sh.set = set;
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
    skd_filter_set_free(ctx, set);
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
    skd_filter coarse = {SKD_FILTER_GAUSS, SKD_TEXTURE_COARSE_MM * px_per_mm, 0};
    double radius[SKD_PORE_SCALES];
    skd_cand_list cands = {NULL, 0, 0};
    int st;

    *pores = NULL;
    *n_pores = 0;
    st = skd_fft_filter_planes(ctx, &l, &texture, 1, w, h,
                               skd_fft_margin(coarse.s1), &coarse);
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
