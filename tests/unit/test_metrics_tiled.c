/* The tiled pore bank against whole-plane filtering: D_k and L_k of a tile
 * (with the bank's margin and mirror rule, one filter per real inverse or
 * two per complex one) equal the whole-plane values at interior and border
 * pixels (within 1e-3; 0.1 % of D's range below sigma = 1 px, see
 * test_tile_planes), and the candidate lists (roundness from l itself in
 * the bank, from whole L_k planes here) are the same for any tile size,
 * except where two candidates tie within that error, and identical for
 * any thread count. The 1 mm filters of the texture and the fill, tiled with
 * larger tiles, against the whole plane too, and the texture the bank makes
 * (fine Gaussian in the pore tiles, less the tiled coarse one). */
#include "fft/fft.h"
#include "metrics/metrics.h"
#include "metrics_test_util.h"

#define S 20.0 /* px per mm */
#define W 700
#define H 530
#define TAU 3.0 /* low, so the synthetic image gives many candidates */

static double sigma_k(int k) { return skd_pore_radius_mm(k) * S / sqrt(2.0); }

/* D_k at 2k, L_k at 2k + 1, as the bank orders them. */
static void bank_filters(skd_filter f[2 * SKD_PORE_SCALES])
{
    for (int k = 0; k < SKD_PORE_SCALES; k++) {
        f[2 * k] = (skd_filter){SKD_FILTER_LOGN, sigma_k(k), 0};
        f[2 * k + 1] = (skd_filter){SKD_FILTER_GAUSS, sigma_k(k), 0};
    }
}

/* The 14 planes of the whole image, padded as skd_analyze padded them
 * before tiling (the texture's 1 mm margin). */
static float **whole_planes(skd_ctx *ctx, const float *l)
{
    skd_filter f[2 * SKD_PORE_SCALES];
    float **p = malloc(2 * SKD_PORE_SCALES * sizeof *p);
    skd_spectrum *spec;
    bank_filters(f);
    for (int i = 0; i < 2 * SKD_PORE_SCALES; i++)
        p[i] = malloc((size_t)W * H * sizeof **p);
    CHECK_STATUS(skd_spectrum_forward(ctx, l, W, H, skd_fft_margin(S), &spec), SKD_OK);
    CHECK_STATUS(skd_spectrum_filter(ctx, spec, f, 2 * SKD_PORE_SCALES, p), SKD_OK);
    skd_spectrum_free(ctx, spec);
    return p;
}

/* Tiles of padded size P with the bank's margin, at the image's corners,
 * edges and inside: every filtered pixel of the core and its 1-px halo
 * (inside the image) against the whole plane. */
static double test_tile_planes(skd_ctx *ctx, const float *l, float **whole)
{
    const size_t P = 128;
    size_t m = skd_fft_margin(sigma_k(SKD_PORE_SCALES - 1)) + 1, t = P - 2 * m;
    const long long org[][2] = {{0, 0}, {300, 200}, {W - 50, 0}, {0, H - 30},
                                {W - 70, H - 70}, {250, H - 10}};
    skd_filter f[2 * SKD_PORE_SCALES];
    skd_filter_set *set;
    fftwf_complex *spec = skd_fft_alloc(ctx, (P / 2 + 1) * P * sizeof *spec);
    fftwf_complex *buf = skd_fft_alloc(ctx, (P / 2 + 1) * P * sizeof *buf);
    fftwf_complex *z = skd_fft_alloc(ctx, skd_fft_c2c_row(P) * P * sizeof *z);
    fftwf_complex *zin = skd_fft_alloc(ctx, skd_fft_c2c_row(P) * P * sizeof *zin);
    double dmax = 0, per[2 * SKD_PORE_SCALES] = {0}, pair_vs_one = 0;
    bank_filters(f);
    CHECK_STATUS(skd_filter_set_create_pairs(ctx, f, 2 * SKD_PORE_SCALES, P, P, &set),
                 SKD_OK);
    for (size_t o = 0; o < sizeof org / sizeof org[0]; o++) {
        long long bx = org[o][0] - (long long)m, by = org[o][1] - (long long)m;
        skd_fft_pad_window(l, W, H, bx, by, P, P, (float *)spec);
        CHECK_STATUS(skd_fft_r2c_inplace(ctx, P, P, (float *)spec), SKD_OK);
        for (size_t i = 0; i < 2 * SKD_PORE_SCALES; i++) {
            /* filter i alone, and as half of the pair (D_k, L_k) */
            CHECK_STATUS(skd_filter_set_apply(ctx, set, i, spec, buf), SKD_OK);
            if (i % 2 == 0)
                CHECK_STATUS(skd_filter_set_apply_pair(ctx, set, i, i + 1, spec, zin, z),
                             SKD_OK);
            const float *r = (const float *)buf, *rz = (const float *)z + i % 2;
            size_t stride = skd_fft_row_floats(P), zstride = 2 * skd_fft_c2c_row(P);
            for (long long y = org[o][1] - 1; y <= org[o][1] + (long long)t; y++)
                for (long long x = org[o][0] - 1; x <= org[o][0] + (long long)t; x++) {
                    if (x < 0 || y < 0 || x >= W || y >= H)
                        continue;
                    double want = whole[i][y * W + x];
                    double got = r[(size_t)(y - by) * stride + (size_t)(x - bx)];
                    double got2 = rz[(size_t)(y - by) * zstride + 2 * (size_t)(x - bx)];
                    if (fabs(got - want) > per[i])
                        per[i] = fabs(got - want);
                    if (fabs(got2 - want) > per[i])
                        per[i] = fabs(got2 - want);
                    if (fabs(got2 - got) > pair_vs_one)
                        pair_vs_one = fabs(got2 - got);
                    if (i % 2 == 0 && fabs(want) > dmax)
                        dmax = fabs(want);
                }
        }
    }
    /* Below sigma = 1 px the Gaussian's transfer function is far from 0 at
     * Nyquist (exp(-pi^2 s^2 / 2): 0.085 at k = 0, 0.016 at k = 1), so the
     * kernel sampled on a DFT grid has tails falling only as 1/n^2, which no
     * margin of a few sigma cuts: there the tiles may move D and L by up to
     * 0.1 % of D's range (on this image's white pixel noise, the worst
     * case); from k = 2 on (0.0007 at Nyquist), by under 1e-3. */
    for (int k = 0; k < SKD_PORE_SCALES; k++) {
        double tol = k < 2 ? 1e-3 * dmax : 1e-3;
        REPORT("k=%d sigma %.2f px: max |dD| %.3g, max |dL| %.3g (tolerance %.3g)",
               k, sigma_k(k), per[2 * k], per[2 * k + 1], tol);
        CHECK(per[2 * k] < tol);
        CHECK(per[2 * k + 1] < tol);
    }
    REPORT("tile %zu px, margin %zu: max |D| %.1f; pairs vs one filter per "
           "transform: max |diff| %.3g", P, m, dmax, pair_vs_one);
    /* the same sums in another order: float transforms are good to about
     * 2^-24 log2(P^2) of the largest value (|l| up to 170), a few times */
    CHECK(pair_vs_one < 4 * ldexp(1.0, -24) * log2((double)P * P) * 170);
    skd_filter_set_free(ctx, set);
    skd_fft_dealloc(ctx, z);
    skd_fft_dealloc(ctx, zin);
    skd_fft_dealloc(ctx, spec);
    skd_fft_dealloc(ctx, buf);
    return dmax;
}

static int by_kyx(const void *pa, const void *pb)
{
    const skd_pore_cand *a = pa, *b = pb;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    return (a->x > b->x) - (a->x < b->x);
}

/* Whole-plane candidates, scale by scale; the roundness test is the
 * bank's exact Hessian from l (kernels of the bank's usual tile size:
 * another size moves the Hessian by far less than the near-tie
 * tolerance). */
static void whole_candidates(skd_ctx *ctx, const float *l, float **p,
                             const uint8_t *region, skd_cand_list *list)
{
    size_t m = skd_fft_margin(sigma_k(SKD_PORE_SCALES - 1)) + 1;
    size_t r = SKD_HESSIAN_NARROW_TAPS * (m - 1); /* the largest */
    float *mem = malloc(2 * 3 * (r + 2) * sizeof *mem), *row = malloc((2 * r + 3) * sizeof *row);
    double *hsum = malloc(3 * (2 * r + 3) * sizeof *hsum);
    skd_round_src ls = {l, W, H, r, NULL, 0, 0, 0, 0, 0, {0}, {0}, row, hsum};
    for (int k = 0; k < SKD_PORE_SCALES; k++) {
        skd_scale_window v = skd_whole_window(
            k > 0 ? p[2 * (k - 1)] : NULL, p[2 * k],
            k + 1 < SKD_PORE_SCALES ? p[2 * (k + 1)] : NULL, NULL, W, H);
        ls.r = skd_hessian_radius(sigma_k(k), m - 1);
        skd_hessian_kernel_make(sigma_k(k), SKD_PORE_TILE, ls.r, mem, &ls.kx);
        skd_hessian_kernel_make(sigma_k(k), SKD_PORE_TILE, ls.r, mem + 3 * (r + 2), &ls.ky);
        v.ls = &ls;
        CHECK_STATUS(skd_scale_candidates(ctx, &v, (uint32_t)k, TAU, region, list),
                     SKD_OK);
    }
    free(mem);
    free(row);
    free(hsum);
}

/* A candidate of one list that the other lacks is a near-tie when the
 * other list has one at the same pixel one scale off, or at a neighbouring
 * pixel of the same scale, whose D is within tol (the filters' own error
 * decides which of the two wins), or when D is within tol of tau. */
static int near_tie(const skd_pore_cand *c, const skd_cand_list *other, double tol)
{
    if (fabs((double)c->d - TAU) < tol)
        return 1;
    for (size_t j = 0; j < other->n; j++) {
        const skd_pore_cand *o = &other->v[j];
        long dx = (long)o->x - (long)c->x, dy = (long)o->y - (long)c->y;
        long dk = (long)o->k - (long)c->k;
        int scale_off = dx == 0 && dy == 0 && labs(dk) == 1;
        int pixel_off = dk == 0 && labs(dx) <= 1 && labs(dy) <= 1;
        if ((scale_off || pixel_off) && fabs((double)o->d - c->d) < tol)
            return 1;
    }
    return 0;
}

/* The same (k, y, x) set, D within tol, except for near-ties. */
static void compare_lists(const char *what, skd_cand_list *a, skd_cand_list *b,
                          double tol)
{
    double worst = 0;
    size_t only = 0, unexplained = 0;
    qsort(a->v, a->n, sizeof *a->v, by_kyx);
    qsort(b->v, b->n, sizeof *b->v, by_kyx);
    for (size_t i = 0, j = 0; i < a->n || j < b->n;) {
        int c = i < a->n && j < b->n ? by_kyx(&a->v[i], &b->v[j]) : i < a->n ? -1 : 1;
        if (c == 0) {
            if (fabs((double)a->v[i].d - b->v[j].d) > worst)
                worst = fabs((double)a->v[i].d - b->v[j].d);
            i++;
            j++;
            continue;
        }
        const skd_pore_cand *lone = c < 0 ? &a->v[i++] : &b->v[j++];
        only++;
        if (!near_tie(lone, c < 0 ? b : a, tol)) {
            unexplained++;
            fprintf(stderr, "  only in the %s list: x %u y %u k %u D %.5f\n",
                    c < 0 ? "tiled" : "whole-plane", lone->x, lone->y, lone->k, lone->d);
        }
    }
    REPORT("%s: %zu candidates vs %zu whole-plane, in one list only: %zu (all "
           "near-ties within %.3g: %s), max |dD| %.3g", what, a->n, b->n, only,
           tol, unexplained ? "NO" : "yes", worst);
    CHECK(unexplained == 0);
    CHECK(only <= a->n / 100);
    CHECK(worst < tol);
}

static void test_candidates(skd_ctx *ctx, const float *l, float **whole,
                            double dmax)
{
    uint8_t *region = malloc((size_t)W * H);
    skd_cand_list ref = {NULL, 0, 0};
    const size_t tiles[] = {100, 128, 256, SKD_PORE_TILE};
    /* R with a hole, so the region test matters too. */
    for (size_t i = 0; i < (size_t)W * H; i++)
        region[i] = !(i % W > 200 && i % W < 260 && i / W > 100 && i / W < 400);
    whole_candidates(ctx, l, whole, region, &ref);
    CHECK(ref.n > 500);
    for (size_t t = 0; t < sizeof tiles / sizeof tiles[0]; t++) {
        skd_cand_list c = {NULL, 0, 0};
        char what[64];
        CHECK_STATUS(skd_pore_candidates(ctx, l, W, H, S, TAU, region, tiles[t], &c),
                     SKD_OK);
        snprintf(what, sizeof what, "tile %zu", tiles[t]);
        compare_lists(what, &c, &ref, 1e-3 * dmax);
        skd_cand_list_free(ctx, &c);
    }
    skd_cand_list_free(ctx, &ref);
    free(region);
}

/* 1, 2 and 3 threads pulling tiles: the same list, in the same order. At
 * the low threshold there are more candidates than the bank's first guess
 * at its arena (one per 256 pixels), so workers also stop with a tile in
 * hand while the arena grows, and go on. */
static void test_threads(const float *l)
{
    const double taus[2] = {TAU, 0.3};
    uint8_t *region = malloc((size_t)W * H);
    memset(region, 1, (size_t)W * H);
    for (int i = 0; i < 2; i++) {
        skd_cand_list c[3] = {{NULL, 0, 0}, {NULL, 0, 0}, {NULL, 0, 0}};
        skd_ctx *ctx[3] = {skd_ctx_create(), skd_ctx_create(), skd_ctx_create()};
        for (int t = 0; t < 3; t++) {
            CHECK_STATUS(skd_ctx_set(ctx[t], SKD_OPT_THREADS, t + 1), SKD_OK);
            CHECK_STATUS(skd_pore_candidates(ctx[t], l, W, H, S, taus[i], region,
                                             100, &c[t]), SKD_OK);
        }
        REPORT("tau %.1f, threads 1, 2, 3: %zu, %zu and %zu candidates", taus[i],
               c[0].n, c[1].n, c[2].n);
        CHECK(c[0].n > (i == 0 ? 0 : 2 * (size_t)W * H / 256));
        for (int t = 1; t < 3; t++)
            CHECK(c[t].n == c[0].n &&
                  memcmp(c[0].v, c[t].v, c[0].n * sizeof *c[0].v) == 0);
        for (int t = 0; t < 3; t++) {
            skd_cand_list_free(ctx[t], &c[t]);
            skd_ctx_free(ctx[t]);
        }
    }
    free(region);
}

/* The texture of skd_filter_bank, T = G_fine * l - G_coarse * l (the fine
 * Gaussian in the pore tiles, the coarse one tiled with 1 mm margins),
 * against the whole-plane DoG, and the same bits and pores on 1 and 2
 * threads. */
static void test_bank_texture(const float *l)
{
    const skd_filter dog = {SKD_FILTER_DOG, SKD_TEXTURE_FINE_MM * S, SKD_TEXTURE_COARSE_MM * S};
    size_t n = (size_t)W * H;
    float *whole = malloc(n * sizeof *whole), *tex[2];
    uint8_t *region = malloc(n);
    skd_pore *pores[2];
    size_t np[2];
    skd_ctx *ctx[2] = {skd_ctx_create(), skd_ctx_create()};
    skd_spectrum *spec;
    double worst = 0;
    memset(region, 1, n);
    CHECK_STATUS(skd_spectrum_forward(ctx[0], l, W, H, skd_fft_margin(S), &spec), SKD_OK);
    CHECK_STATUS(skd_spectrum_filter(ctx[0], spec, &dog, 1, &whole), SKD_OK);
    skd_spectrum_free(ctx[0], spec);
    for (int t = 0; t < 2; t++) {
        tex[t] = malloc(n * sizeof *tex[t]);
        CHECK_STATUS(skd_ctx_set(ctx[t], SKD_OPT_THREADS, t + 1), SKD_OK);
        /* the full-rate texture (test_multirate checks the multi-rate one) */
        CHECK_STATUS(skd_ctx_set(ctx[t], SKD_OPT_EXACT, 1), SKD_OK);
        CHECK_STATUS(skd_filter_bank(ctx[t], l, W, H, S, TAU, region, tex[t],
                                     &pores[t], &np[t]), SKD_OK);
    }
    for (size_t p = 0; p < n; p++)
        if (fabs((double)tex[0][p] - whole[p]) > worst)
            worst = fabs((double)tex[0][p] - whole[p]);
    REPORT("bank texture vs whole-plane DoG: max |diff| %.3g; %zu pores", worst, np[0]);
    CHECK(worst < 1e-3);
    CHECK(memcmp(tex[0], tex[1], n * sizeof *tex[0]) == 0);
    CHECK(np[0] == np[1] && np[0] > 0 &&
          memcmp(pores[0], pores[1], np[0] * sizeof *pores[0]) == 0);
    for (int t = 0; t < 2; t++) {
        skd_dealloc(ctx[t], pores[t]);
        free(tex[t]);
        skd_ctx_free(ctx[t]);
    }
    free(whole);
    free(region);
}

/* The texture DoG and the fill's Gaussian (1 mm), tiled by
 * skd_fft_filter_planes, against one whole-plane transform; and the same
 * bits on 1 and 2 threads. */
static void test_large_filters(const float *l)
{
    const skd_filter f[2] = {{SKD_FILTER_DOG, SKD_TEXTURE_FINE_MM * S, SKD_TEXTURE_COARSE_MM * S},
                             {SKD_FILTER_GAUSS, SKD_FILL_SIGMA_MM * S, 0}};
    size_t n = (size_t)W * H, margin = skd_fft_margin(S);
    float *whole = malloc(n * sizeof *whole), *tiled[2];
    for (int i = 0; i < 2; i++) {
        skd_ctx *ctx[2] = {skd_ctx_create(), skd_ctx_create()};
        skd_spectrum *spec;
        double worst = 0;
        CHECK_STATUS(skd_spectrum_forward(ctx[0], l, W, H, margin, &spec), SKD_OK);
        CHECK_STATUS(skd_spectrum_filter(ctx[0], spec, &f[i], 1, &whole), SKD_OK);
        skd_spectrum_free(ctx[0], spec);
        for (int t = 0; t < 2; t++) {
            tiled[t] = malloc(n * sizeof *tiled[t]);
            CHECK_STATUS(skd_ctx_set(ctx[t], SKD_OPT_THREADS, t + 1), SKD_OK);
            CHECK_STATUS(skd_fft_filter_planes(ctx[t], &l, &tiled[t], 1, W, H, margin,
                                               &f[i]), SKD_OK);
        }
        for (size_t p = 0; p < n; p++) {
            if (fabs((double)tiled[0][p] - whole[p]) > worst)
                worst = fabs((double)tiled[0][p] - whole[p]);
        }
        REPORT("%s (1 mm), tiled vs whole plane: max |diff| %.3g%s",
               i == 0 ? "texture DoG" : "fill Gaussian", worst,
               i == 0 ? "" : " (l about -160)");
        CHECK(worst < 1e-3);
        CHECK(memcmp(tiled[0], tiled[1], n * sizeof *tiled[0]) == 0);
        for (int t = 0; t < 2; t++) {
            free(tiled[t]);
            skd_ctx_free(ctx[t]);
        }
    }
    free(whole);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    float *l = tu_synthetic_l(W, H, 12345);
    float **whole = whole_planes(ctx, l);
    double dmax = test_tile_planes(ctx, l, whole);
    test_candidates(ctx, l, whole, dmax);
    test_threads(l);
    test_large_filters(l);
    test_bank_texture(l);
    for (int i = 0; i < 2 * SKD_PORE_SCALES; i++)
        free(whole[i]);
    free(whole);
    free(l);
    skd_ctx_free(ctx);
    return check_done("test_metrics_tiled");
}
