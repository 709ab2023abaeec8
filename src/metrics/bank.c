/* The filter bank on the filled luminance: the texture DoG on the whole
 * plane (its coarse Gaussian is 1 mm wide), and the pore planes D_k and L_k
 * tile by tile. The pore filters are a few pixels wide, so a tile with a
 * margin they cannot see past gives the whole-plane numbers at the price of
 * small, cache-resident transforms, and no plane-sized buffer at all. */
#include <math.h>
#include <string.h>

#include "metrics.h"

/* Filters of the set: D_k at 2k, L_k at 2k + 1. */
#define D_FILTER(k) (2 * (size_t)(k))
#define L_FILTER(k) (2 * (size_t)(k) + 1)

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

/* One thread's buffers: the tile's spectrum, a ring of three D planes
 * (D_k in d[k % 3]) and L_k, all padded-tile sized; and its candidates. */
typedef struct tile_worker {
    skd_ctx *ctx; /* only to execute plans made beforehand */
    const float *l;
    const uint8_t *region;
    const tiling *t;
    const skd_filter_set *set;
    double tau;
    size_t tile;
    fftwf_complex *spec, *d[3], *lk;
    skd_cand_list cands; /* preallocated: never grows on a thread */
    int status;
} tile_worker;

static int search_tile(tile_worker *wk)
{
    const tiling *t = wk->t;
    size_t tx = wk->tile % t->ntx, ty = wk->tile / t->ntx;
    size_t x0 = tx * t->tw, y0 = ty * t->th;
    long long bx = (long long)x0 - (long long)t->m;
    long long by = (long long)y0 - (long long)t->m;
    skd_scale_window v;
    int st;

    skd_fft_pad_window(wk->l, t->w, t->h, bx, by, t->pw, t->ph,
                       (float *)wk->spec);
    if ((st = skd_fft_r2c_inplace(wk->ctx, t->pw, t->ph, (float *)wk->spec)) !=
            SKD_OK ||
        (st = skd_filter_set_apply(wk->ctx, wk->set, D_FILTER(0), wk->spec,
                                   wk->d[0])) != SKD_OK)
        return st;
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
    v.lk = (const float *)wk->lk;
    for (int k = 0; k < SKD_PORE_SCALES; k++) {
        int last = k + 1 == SKD_PORE_SCALES;
        if ((!last && (st = skd_filter_set_apply(wk->ctx, wk->set, D_FILTER(k + 1),
                                                 wk->spec, wk->d[(k + 1) % 3])) !=
                          SKD_OK) ||
            (st = skd_filter_set_apply(wk->ctx, wk->set, L_FILTER(k), wk->spec,
                                       wk->lk)) != SKD_OK)
            return st;
        v.d[0] = k > 0 ? (const float *)wk->d[(k - 1) % 3] : NULL;
        v.d[1] = (const float *)wk->d[k % 3];
        v.d[2] = last ? NULL : (const float *)wk->d[(k + 1) % 3];
        st = skd_scale_candidates(wk->ctx, &v, (uint32_t)k, wk->tau, wk->region,
                                  &wk->cands);
        if (st != SKD_OK)
            return st;
    }
    return SKD_OK;
}

static void *run_tile(void *arg)
{
    tile_worker *wk = arg;
    wk->status = search_tile(wk);
    return NULL;
}

static void worker_free(skd_ctx *ctx, tile_worker *wk)
{
    skd_fft_dealloc(ctx, wk->spec);
    for (int i = 0; i < 3; i++)
        skd_fft_dealloc(ctx, wk->d[i]);
    skd_fft_dealloc(ctx, wk->lk);
    skd_cand_list_free(ctx, &wk->cands);
}

/* Two candidates of one scale are never 8-neighbours (the plateau rule of
 * the local-maximum test), so a tile holds at most one per 2 x 2 block and
 * scale: the list never has to grow, and workers never allocate. */
static int worker_alloc(skd_ctx *ctx, const tiling *t, tile_worker *wk)
{
    size_t bytes = (t->pw / 2 + 1) * t->ph * sizeof(fftwf_complex);
    size_t cap = (size_t)SKD_PORE_SCALES * ((t->tw + 1) / 2) * ((t->th + 1) / 2);
    wk->spec = skd_fft_alloc(ctx, bytes);
    for (int i = 0; i < 3; i++)
        wk->d[i] = skd_fft_alloc(ctx, bytes);
    wk->lk = skd_fft_alloc(ctx, bytes);
    wk->cands.v = skd_malloc_array(ctx, cap, sizeof *wk->cands.v);
    wk->cands.cap = wk->cands.v ? cap : 0;
    if (!wk->spec || !wk->d[0] || !wk->d[1] || !wk->d[2] || !wk->lk ||
        !wk->cands.v)
        return SKD_E_NOMEM;
    return SKD_OK;
}

static int make_filters(skd_ctx *ctx, const tiling *t, double px_per_mm,
                        skd_filter_set **set)
{
    skd_filter f[2 * SKD_PORE_SCALES];
    for (int k = 0; k < SKD_PORE_SCALES; k++) {
        double sigma = skd_pore_radius_mm(k) * px_per_mm / sqrt(2.0);
        f[D_FILTER(k)] = (skd_filter){SKD_FILTER_LOGN, sigma, 0};
        f[L_FILTER(k)] = (skd_filter){SKD_FILTER_GAUSS, sigma, 0};
    }
    return skd_filter_set_create(ctx, f, 2 * SKD_PORE_SCALES, t->pw, t->ph, set);
}

/* Tiles in rounds of one per thread; after each round the candidates are
 * appended in tile order, so the list does not depend on the thread count. */
int skd_pore_candidates(skd_ctx *ctx, const float *l, size_t w, size_t h,
                        double px_per_mm, double tau, const uint8_t *region,
                        size_t tile, skd_cand_list *list)
{
    tile_worker wk[SKD_FFT_MAX_THREADS];
    double sigma_max = skd_pore_radius_mm(SKD_PORE_SCALES - 1) * px_per_mm / sqrt(2.0);
    skd_filter_set *set = NULL;
    tiling t;
    size_t ntiles, nthreads;
    int st;

    /* +1: the local-maximum and Hessian tests look one pixel further. */
    plan_tiles(w, h, skd_fft_margin(sigma_max) + 1, tile, &t);
    ntiles = t.ntx * t.nty;
    nthreads = skd_thread_count(ctx, ntiles);
    memset(wk, 0, sizeof wk);
    st = make_filters(ctx, &t, px_per_mm, &set);
    for (size_t i = 0; i < nthreads && st == SKD_OK; i++) {
        wk[i].ctx = ctx;
        wk[i].l = l;
        wk[i].region = region;
        wk[i].t = &t;
        wk[i].set = set;
        wk[i].tau = tau;
        st = worker_alloc(ctx, &t, &wk[i]);
    }
    for (size_t first = 0; first < ntiles && st == SKD_OK; first += nthreads) {
        size_t n = ntiles - first < nthreads ? ntiles - first : nthreads;
        for (size_t i = 0; i < n; i++) {
            wk[i].tile = first + i;
            wk[i].cands.n = 0;
        }
        skd_run_parallel(run_tile, wk, sizeof wk[0], n);
        for (size_t i = 0; i < n && st == SKD_OK; i++) {
            st = wk[i].status;
            if (st == SKD_OK)
                st = skd_cand_list_append(ctx, list, &wk[i].cands);
        }
    }
    for (size_t i = 0; i < nthreads; i++)
        worker_free(ctx, &wk[i]);
    skd_filter_set_free(ctx, set);
    return st;
}

int skd_filter_bank(skd_ctx *ctx, const float *l, size_t w, size_t h,
                    double px_per_mm, double tau, const uint8_t *region,
                    float *texture, skd_pore **pores, size_t *n_pores)
{
    skd_filter dog = {SKD_FILTER_DOG, SKD_TEXTURE_FINE_MM * px_per_mm,
                      SKD_TEXTURE_COARSE_MM * px_per_mm};
    double radius[SKD_PORE_SCALES];
    skd_cand_list cands = {NULL, 0, 0};
    int st;

    *pores = NULL;
    *n_pores = 0;
    st = skd_fft_filter_planes(ctx, &l, &texture, 1, w, h,
                               skd_fft_margin(dog.s2), &dog);
    if (st == SKD_OK)
        st = skd_pore_candidates(ctx, l, w, h, px_per_mm, tau, region,
                                 SKD_PORE_TILE, &cands);
    for (int k = 0; k < SKD_PORE_SCALES; k++)
        radius[k] = skd_pore_radius_mm(k) * px_per_mm;
    if (st == SKD_OK)
        st = skd_suppress_pores(ctx, &cands, radius, w, h, pores, n_pores);
    skd_cand_list_free(ctx, &cands);
    return st;
}
