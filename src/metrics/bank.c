/* The filter bank on the filled luminance: texture DoG, D_k and L_k for the
 * seven pore scales, all from one forward transform. Only D_{k-1}, D_k,
 * D_{k+1} and L_k are needed for the search at scale k, so the planes slide
 * through a ring of three D buffers and one L buffer. */
#include <math.h>

#include "metrics.h"

typedef struct bank {
    float *d[3]; /* D_k lives in d[k % 3] */
    float *l;    /* L_k */
} bank;

static void bank_free(skd_ctx *ctx, bank *b)
{
    for (int i = 0; i < 3; i++)
        skd_dealloc(ctx, b->d[i]);
    skd_dealloc(ctx, b->l);
}

static int bank_alloc(skd_ctx *ctx, bank *b, size_t n)
{
    for (int i = 0; i < 3; i++)
        if (!(b->d[i] = skd_malloc_array(ctx, n, sizeof(float))))
            return SKD_E_NOMEM;
    if (!(b->l = skd_malloc_array(ctx, n, sizeof(float))))
        return SKD_E_NOMEM;
    return SKD_OK;
}

/* Planes needed before the search at scale k: D_{k+1} (D_0 and D_1 and the
 * texture too at k = 0) and L_k. */
static int filter_for_scale(skd_ctx *ctx, const skd_spectrum *spec,
                            skd_filter_ws *ws, bank *b, const double *sigma,
                            int k, double px_per_mm, float *texture)
{
    skd_filter f[4];
    float *out[4];
    size_t n = 0;
    if (k == 0) {
        f[n] = (skd_filter){SKD_FILTER_DOG, SKD_TEXTURE_FINE_MM * px_per_mm,
                            SKD_TEXTURE_COARSE_MM * px_per_mm};
        out[n++] = texture;
        f[n] = (skd_filter){SKD_FILTER_LOGN, sigma[0], 0};
        out[n++] = b->d[0];
    }
    if (k + 1 < SKD_PORE_SCALES) {
        f[n] = (skd_filter){SKD_FILTER_LOGN, sigma[k + 1], 0};
        out[n++] = b->d[(k + 1) % 3];
    }
    f[n] = (skd_filter){SKD_FILTER_GAUSS, sigma[k], 0};
    out[n++] = b->l;
    return skd_spectrum_filter_ws(ctx, spec, ws, f, n, out);
}

int skd_filter_bank(skd_ctx *ctx, const skd_spectrum *spec, double px_per_mm,
                    double tau, const uint8_t *region, float *texture,
                    skd_pore **pores, size_t *n_pores)
{
    size_t w = spec->w, h = spec->h;
    double radius[SKD_PORE_SCALES], sigma[SKD_PORE_SCALES];
    bank b = {{NULL, NULL, NULL}, NULL};
    skd_cand_list cands = {NULL, 0, 0};
    skd_filter_ws *ws = NULL;
    int st;

    *pores = NULL;
    *n_pores = 0;
    for (int k = 0; k < SKD_PORE_SCALES; k++) {
        radius[k] = skd_pore_radius_mm(k) * px_per_mm;
        sigma[k] = radius[k] / sqrt(2.0);
    }
    st = bank_alloc(ctx, &b, w * h);
    if (st == SKD_OK)
        st = skd_filter_ws_create(ctx, spec, 4, &ws); /* the largest batch */
    for (int k = 0; k < SKD_PORE_SCALES && st == SKD_OK; k++) {
        st = filter_for_scale(ctx, spec, ws, &b, sigma, k, px_per_mm, texture);
        if (st != SKD_OK)
            break;
        st = skd_scale_candidates(
            ctx, k > 0 ? b.d[(k - 1) % 3] : NULL, b.d[k % 3],
            k + 1 < SKD_PORE_SCALES ? b.d[(k + 1) % 3] : NULL, b.l, w, h,
            (uint32_t)k, tau, region, &cands);
    }
    skd_filter_ws_free(ctx, ws);
    bank_free(ctx, &b);
    if (st == SKD_OK)
        st = skd_suppress_pores(ctx, &cands, radius, w, h, pores, n_pores);
    skd_cand_list_free(ctx, &cands);
    return st;
}
