/* Registration of two photos (docs/comparing.md): private interface.
 *
 * The photos are reduced to band-passed log-luminance planes at two working
 * levels (block averages of factor x factor pixels). Fourier-Mellin on the
 * coarse level proposes rotation and scale, phase correlation the shift;
 * Gauss-Newton refines the similarity on the coarse, then the fine level.
 * Resampling here is harmless: no metric is ever computed on these planes. */
#ifndef SKD_REGISTER_H
#define SKD_REGISTER_H

#include <math.h>
#include <stddef.h>

#include "../core/core.h"
#include "../core/select.h"

/* Band-passed, robustly clipped l = 100 ln Y of one photo at one level.
 * Plane pixel (i, j) is the mean of the block whose full-resolution centre
 * is (factor * i + (factor - 1) / 2, factor * j + (factor - 1) / 2). */
typedef struct skd_reg_plane {
    size_t w, h;
    unsigned factor;
    float *v;
    double spread; /* robust spread (1.4826 median |v|) before clipping */
} skd_reg_plane;

/* Similarity p_b = A p_a + t, A = [[a, -b], [b, a]] (= scale * R(theta)),
 * on absolute pixel coordinates of one level (or of the full photos). */
typedef struct skd_sim {
    double a, b, tx, ty;
} skd_sim;

/* ---- similarity.c: conversions ---------------------------------------- */

/* Between the public transform (centred) and absolute coordinates of
 * photos of sizes wb x hb (before) and wa x ha (after). */
skd_sim skd_sim_from_transform(const skd_transform *t, double wb, double hb,
                               double wa, double ha);
void skd_sim_to_transform(const skd_sim *s, double wb, double hb, double wa,
                          double ha, skd_transform *t);
skd_sim skd_sim_inverse(const skd_sim *s);
/* Full-resolution coordinates <-> a level of block factor f. */
skd_sim skd_sim_to_level(const skd_sim *s, unsigned f);
skd_sim skd_sim_from_level(const skd_sim *s, unsigned f);
/* Rotation/scale about the centres, no shift, on planes of the given size. */
skd_sim skd_sim_centred(double rotation_deg, double scale, double wb,
                        double hb, double wa, double ha);

static inline void skd_sim_apply(const skd_sim *s, double x, double y,
                                 double *ox, double *oy)
{
    *ox = s->a * x - s->b * y + s->tx;
    *oy = s->b * x + s->a * y + s->ty;
}

/* ---- plane.c: luminance, block averaging, band-pass -------------------- */

/* Build the plane of img at block factor f: l = 100 ln Y of the block mean
 * of linear luminance, then difference of Gaussians (s1, s2 in plane
 * pixels, mirror padded), then soft clipping at 3 robust spreads so that
 * highlights, hairs and borders do not dominate. */
int skd_reg_plane_build(skd_ctx *ctx, const skd_image *img, unsigned f,
                        double s1, double s2, skd_reg_plane *out);
void skd_reg_plane_free(skd_ctx *ctx, skd_reg_plane *p);

/* ---- sampling helpers --------------------------------------------------- */

/* Smooth taper: 0 outside [0, n-1], rising to 1 over m pixels from each
 * end (smootherstep: C2, no trigonometry in the inner loops). It keeps FFT
 * borders and overlap edges smooth. */
static inline double skd_reg_taper(double x, double n, double m)
{
    double d, t;
    if (!(x >= 0.0 && x <= n - 1.0))
        return 0.0;
    d = x < n - 1.0 - x ? x : n - 1.0 - x;
    if (d >= m)
        return 1.0;
    t = d / m;
    return t * t * t * (t * (t * 6.0 - 15.0) + 10.0);
}

/* Taper width used for a plane side of n pixels. */
static inline double skd_reg_taper_width(size_t n)
{
    double m = (double)n / 8.0;
    return m < 2.0 ? 2.0 : m;
}

/* Bilinear sample; needs 0 <= x <= w-1, 0 <= y <= h-1. */
static inline float skd_reg_bilinear(const float *v, size_t w, size_t h,
                                     double x, double y)
{
    size_t x0 = (size_t)x, y0 = (size_t)y;
    size_t x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
    float fx = (float)(x - (double)x0), fy = (float)(y - (double)y0);
    const float *r0 = v + y0 * w, *r1 = v + y1 * w;
    float top = r0[x0] + fx * (r0[x1] - r0[x0]);
    float bot = r1[x0] + fx * (r1[x1] - r1[x0]);
    return top + fy * (bot - top);
}

/* Keys cubic convolution weights (a = -0.5) for fraction t in [0, 1). */
static inline void skd_reg_cubic_weights(float t, float w[4])
{
    float t2 = t * t, t3 = t2 * t;
    w[0] = -0.5f * t3 + t2 - 0.5f * t;
    w[1] = 1.5f * t3 - 2.5f * t2 + 1.0f;
    w[2] = -1.5f * t3 + 2.0f * t2 + 0.5f * t;
    w[3] = 0.5f * t3 - 0.5f * t2;
}

/* Bicubic sample; needs 1 <= x < w-2, 1 <= y < h-2. */
static inline float skd_reg_bicubic(const float *v, size_t w, double x,
                                    double y)
{
    size_t x0 = (size_t)x, y0 = (size_t)y;
    float wx[4], wy[4], acc = 0.0f;
    skd_reg_cubic_weights((float)(x - (double)x0), wx);
    skd_reg_cubic_weights((float)(y - (double)y0), wy);
    for (int j = 0; j < 4; j++) {
        const float *r = v + (y0 + (size_t)j - 1) * w + x0 - 1;
        acc += wy[j] * (wx[0] * r[0] + wx[1] * r[1] + wx[2] * r[2] +
                        wx[3] * r[3]);
    }
    return acc;
}

/* ---- phasecorr.c -------------------------------------------------------- */

typedef struct skd_reg_peak {
    double x, y;  /* sub-pixel position in the surface, 0 <= x < pw */
    double value; /* surface height: 1 = perfect match */
} skd_reg_peak;

/* Phase correlation of two real pw x ph arrays allocated with
 * skd_fft_alloc (both are overwritten): surface = IFFT(whitened cross power
 * spectrum x band weight), normalised so a perfect match peaks at 1. The
 * band weight exp(-2 pi^2 sigma^2 f^2) (1 - exp(-2 pi^2 sigma_lo^2 f^2))
 * keeps noise and the broad shapes out; the peak is then nearly Gaussian.
 * A peak at d means a(x) ~ b(x - d). surface is pw x ph, skd_fft_alloc'd. */
int skd_reg_phase_correlate(skd_ctx *ctx, float *a, float *b, size_t pw,
                            size_t ph, double sigma, double sigma_lo,
                            float *surface);

/* Up to max_peaks local maxima (wrap-around neighbourhoods), strongest
 * first, at least min_sep apart, refined to sub-pixel. Cells set to
 * -FLT_MAX are excluded. Returns the number found. */
size_t skd_reg_find_peaks(const float *s, size_t pw, size_t ph,
                          size_t max_peaks, double min_sep, skd_reg_peak *out);

/* A periodic index 0 <= x < n as a signed shift in (-n/2, n/2]. */
static inline double skd_reg_signed(double x, size_t n)
{
    return x > (double)n / 2.0 ? x - (double)n : x;
}

/* ---- fmellin.c ---------------------------------------------------------- */

typedef struct skd_reg_rs {
    double rotation_deg; /* in (-90, 90]: the 180 degree twin is also valid */
    double scale;
    double strength;     /* log-polar phase-correlation peak */
} skd_reg_rs;

/* Largest scale ratio the search considers (and its inverse). */
#define SKD_REG_MAX_SCALE 1.6

/* Rotation/scale hypotheses of after relative to before by Fourier-Mellin:
 * windowed magnitude spectra, log-polar resampling, phase correlation.
 * Writes up to max_out hypotheses, strongest first, into out. */
int skd_reg_fourier_mellin(skd_ctx *ctx, const skd_reg_plane *before,
                           const skd_reg_plane *after, size_t max_out,
                           skd_reg_rs *out, size_t *n_out);

/* ---- translate.c -------------------------------------------------------- */

/* With rotation and scale fixed, the shift by phase correlation of before
 * and after resampled into before's frame. *sim receives the similarity
 * (after -> before, plane coordinates), *peak the correlation peak. */
int skd_reg_translation(skd_ctx *ctx, const skd_reg_plane *before,
                        const skd_reg_plane *after, double rotation_deg,
                        double scale, skd_sim *sim, double *peak);

/* ---- grid.c ------------------------------------------------------------- */

/* Rotation within +-12 degrees and scale within 0.89..1.13 on a grid fine
 * enough for phase correlation to still find the shift; writes the max_out
 * grid points with the strongest correlation peaks (strongest first) as
 * similarities in plane coordinates. */
int skd_reg_grid_search(skd_ctx *ctx, const skd_reg_plane *before,
                        const skd_reg_plane *after, size_t max_out,
                        skd_sim *out, double *peak, size_t *n_out);

/* ---- refine.c ----------------------------------------------------------- */

typedef struct skd_reg_fit {
    double ncc;     /* weighted correlation of before and mapped after */
    double overlap; /* weighted share of before's frame the after covers */
    double gain;    /* photometric gain of after relative to before */
    int iterations;
} skd_reg_fit;

/* Gauss-Newton on the similarity (and a photometric gain and offset):
 * minimises sum w (before(q) - g after(sim^-1 q) - c)^2 over before pixels
 * taken every `stride` pixels. *sim (plane coordinates) is updated.
 * max_iter 0 only measures the fit. */
int skd_reg_refine(skd_ctx *ctx, const skd_reg_plane *before,
                   const skd_reg_plane *after, skd_sim *sim, int max_iter,
                   unsigned stride, skd_reg_fit *fit);

/* ---- chance.c ----------------------------------------------------------- */

/* Standard deviation of the weighted correlation (as in skd_reg_refine)
 * that unrelated planes with the spectra of before and of after mapped by
 * sim (plane coordinates) would show over the same overlap: the figure a
 * correlation found by searching has to beat. 1 when there is no overlap. */
int skd_reg_chance_level(skd_ctx *ctx, const skd_reg_plane *before,
                         const skd_reg_plane *after, const skd_sim *sim,
                         double *sigma0);

/* ---- warp.c ------------------------------------------------------------- */

/* Resample after into a width x height before frame under t (bicubic on the
 * 16-bit samples, black outside the after photo) into rgb (3 samples per
 * pixel, caller-allocated). */
void skd_reg_warp_rgb(const skd_image *after, const skd_transform *t,
                      uint32_t width, uint32_t height, uint16_t *rgb);

#endif
