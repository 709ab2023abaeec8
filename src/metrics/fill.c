/* Fill excluded pixels of l with the mask-normalised local mean, so masked
 * features make no edges, and derive the region R. Both G*(l M) and G*M
 * come from their own forward transform and one Gaussian each; G*M serves
 * the fill and the region test. */
#include <math.h>

#include "metrics.h"

/* dst = G_sigma * src (src may equal dst). */
static int gauss_plane(skd_ctx *ctx, const float *src, float *dst, size_t w,
                       size_t h, double sigma)
{
    skd_spectrum *spec;
    skd_filter g = {SKD_FILTER_GAUSS, sigma, 0};
    int st = skd_spectrum_forward(ctx, src, w, h, skd_fft_margin(sigma), &spec);
    if (st != SKD_OK)
        return st;
    st = skd_spectrum_filter(ctx, spec, &g, 1, &dst);
    skd_spectrum_free(ctx, spec);
    return st;
}

static void apply_fill(float *restrict l, uint8_t *restrict m,
                       const float *restrict lm, const float *restrict gm,
                       size_t n, float mean, uint64_t *region_pixels)
{
    uint64_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (m[i]) {
            m[i] = gm[i] >= (float)SKD_REGION_MIN_WEIGHT;
            count += m[i];
        } else {
            l[i] = gm[i] > (float)SKD_FILL_MIN_WEIGHT ? lm[i] / gm[i] : mean;
        }
    }
    *region_pixels = count;
}

int skd_fill_masked(skd_ctx *ctx, float *l, uint8_t *m, size_t w, size_t h,
                    double sigma_px, uint64_t *region_pixels)
{
    size_t n = w * h;
    uint64_t inside = 0;
    double sum = 0;
    float *lm = NULL, *gm = NULL;
    int st;

    *region_pixels = 0;
    for (size_t i = 0; i < n; i++)
        if (m[i]) {
            sum += l[i];
            inside++;
        }
    if (inside == 0)
        return skd_fail(ctx, SKD_E_NO_REGION,
                        "no measurable skin: region empty after masking "
                        "(every pixel is excluded)");
    lm = skd_malloc_array(ctx, n, sizeof *lm);
    gm = skd_malloc_array(ctx, n, sizeof *gm);
    if (!lm || !gm) {
        st = SKD_E_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        lm[i] = m[i] ? l[i] : 0.0f;
        gm[i] = m[i] ? 1.0f : 0.0f;
    }
    st = gauss_plane(ctx, lm, lm, w, h, sigma_px);
    if (st == SKD_OK)
        st = gauss_plane(ctx, gm, gm, w, h, sigma_px);
    if (st != SKD_OK)
        goto done;
    apply_fill(l, m, lm, gm, n, (float)(sum / (double)inside), region_pixels);
    if (*region_pixels == 0)
        st = skd_fail(ctx, SKD_E_NO_REGION,
                      "no measurable skin: region empty after masking");
done:
    skd_dealloc(ctx, lm);
    skd_dealloc(ctx, gm);
    return st;
}
