/* Fill excluded pixels of l with the mask-normalised local mean, so masked
 * features make no edges, and derive the region R. G*M serves the fill and
 * the region test. Three planes: M, then G*M beside it, then G*(l M) into
 * M's place. */
#include <math.h>

#include "metrics.h"

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
    float *lm = NULL, *gm = NULL, *m_plane = NULL;
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
    if (inside == n) {
        /* Nothing to fill and G*M = 1 everywhere (mirror padding): R = M. */
        *region_pixels = inside;
        return SKD_OK;
    }
    lm = skd_malloc_array(ctx, n, sizeof *lm);
    gm = skd_malloc_array(ctx, n, sizeof *gm);
    m_plane = skd_malloc_array(ctx, n, sizeof *m_plane);
    if (!lm || !gm || !m_plane) {
        st = SKD_E_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        lm[i] = m[i] ? l[i] : 0.0f;
        m_plane[i] = m[i] ? 1.0f : 0.0f;
    }
    {
        skd_filter g = {SKD_FILTER_GAUSS, sigma_px, 0};
        size_t margin = skd_fft_margin(sigma_px);
        const float *src = m_plane;
        float *dst = gm;
        st = skd_fft_filter_planes(ctx, &src, &dst, 1, w, h, margin, &g);
        if (st == SKD_OK) {
            src = lm;
            dst = m_plane; /* M is no longer needed */
            st = skd_fft_filter_planes(ctx, &src, &dst, 1, w, h, margin, &g);
        }
    }
    if (st != SKD_OK)
        goto done;
    /* m_plane now holds G*(l M) */
    apply_fill(l, m, m_plane, gm, n, (float)(sum / (double)inside), region_pixels);
    if (*region_pixels == 0)
        st = skd_fail(ctx, SKD_E_NO_REGION,
                      "no measurable skin: region empty after masking");
done:
    skd_dealloc(ctx, lm);
    skd_dealloc(ctx, gm);
    skd_dealloc(ctx, m_plane);
    return st;
}
