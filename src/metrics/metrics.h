/* Measurements of docs/measurements.md: mask, fill, filter bank, pores,
 * statistics over a region, overlay. */
#ifndef SKD_METRICS_H
#define SKD_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "../colour/colour.h"
#include "../core/core.h"
#include "../core/select.h"
#include "../fft/fft.h"

/* The contract's constants (docs/measurements.md). */
#define SKD_MASK_HIGH_SAMPLE (240u * 257u) /* >= 240/255 in 16 bits */
#define SKD_MASK_MIN_Y 0.01
#define SKD_MASK_GROW_MM 0.25
#define SKD_FILL_SIGMA_MM 1.0
#define SKD_REGION_MIN_WEIGHT 0.9 /* G_1mm * M >= 0.9 */
#define SKD_TEXTURE_FINE_MM 0.05
#define SKD_TEXTURE_COARSE_MM 1.0
#define SKD_PORE_SCALES 7
#define SKD_PORE_R_MIN_MM 0.05
#define SKD_PORE_R_MAX_MM 0.25
#define SKD_PORE_MIN_ROUNDNESS 0.5
#define SKD_LOW_RES_PX_PER_MM 10.0
#define SKD_RED_BACKGROUND_SIGMA_MM 2.0

/* Below this G*M the fill falls back to the mean of l over M: float FFT
 * noise would dominate the quotient. */
#define SKD_FILL_MIN_WEIGHT 1e-3

/* Pore radius r_k in mm: 0.05 * 5^(k/6), k = 0..6. */
double skd_pore_radius_mm(int k);

/* The common band of two photos of different px/mm (band.c,
 * docs/comparing.md "Different resolutions"): both are measured with the
 * finest scales limited to what the coarser photo, of lo px/mm, resolves
 * as well as the sharper, of hi px/mm. lo = 0 is the photo's own band
 * (the definitions as they stand). The texture band's fine Gaussian is
 * the smallest sigma >= 0.05 mm whose width with each photo's pixel,
 * sqrt(sigma^2 + v), differs between the photos by at most
 * SKD_BAND_FINE_WIDEN. The pore search starts at the first r_k at which a pore of that size (a Gaussian dip of
 * variance r_k^2 / 2 seen at its own scale) loses at most SKD_BAND_PORE_LOSS
 * of its strength D through the coarser photo's larger pixels (a pixel
 * integrates a square: variance 1 / (12 s^2) mm^2 per axis); the result is
 * SKD_PORE_SCALES when no scale qualifies (no pore can be measured). */
#define SKD_BAND_FINE_WIDEN 0.01
#define SKD_BAND_PORE_LOSS 0.01
double skd_band_fine_mm(double lo, double hi);
int skd_band_first_scale(double lo, double hi);
/* The factor by which D of a pore of radius r_mm falls from a photo of
 * hi px/mm to one of lo px/mm (resolution.c's g). */
double skd_band_pore_gain(double r_mm, double lo, double hi);

/* Mask M (1 = measured) of docs/measurements.md: specular and dark pixels excluded and
 * the exclusion grown by 0.25 mm (exact Euclidean distance), narrowed by the
 * spec's mask and ROI. m is w*h bytes. skd_build_mask does it all;
 * skd_finish_mask does the rest after skd_luminance_plane has written the
 * excluded pixels (skd_mask_clip_rule) into m beside l, as skd_analyze
 * does to read the photo once. */
skd_clip_rule skd_mask_clip_rule(const skd_colour_lut *lut);
int skd_build_mask(skd_ctx *ctx, const skd_image *img,
                   const skd_region_spec *spec, double px_per_mm,
                   const skd_colour_lut *lut, uint8_t *m);
int skd_finish_mask(skd_ctx *ctx, const skd_image *img,
                    const skd_region_spec *spec, double px_per_mm, uint8_t *m);

/* Checks a region spec against the photo (mask size, ROI inside). */
int skd_check_region_spec(skd_ctx *ctx, const skd_image *img,
                          const skd_region_spec *spec);

/* Grow the set of non-zero pixels of excluded (w x h) by radius_px: a pixel
 * becomes 1 when its Euclidean distance to an excluded pixel centre is
 * <= radius_px, else 0. Exact. skd_grow_mask does it, on up to
 * SKD_OPT_THREADS threads, by row compares within the radius (grow.c) up to
 * 32 px and by the distance transform beyond; with invert it writes
 * 1 - grown (the mask M). skd_grow_exclusion_edt is the exact distance
 * transform (Felzenszwalb-Huttenlocher) on one thread. */
int skd_grow_exclusion(skd_ctx *ctx, uint8_t *excluded, size_t w, size_t h,
                       double radius_px);
int skd_grow_mask(skd_ctx *ctx, uint8_t *plane, size_t w, size_t h,
                  double radius_px, int invert);
int skd_grow_exclusion_edt(skd_ctx *ctx, uint8_t *excluded, size_t w,
                           size_t h, double radius_px);

/* Fill l outside M with (G*(l M))/(G*M) at sigma_px, and turn m (the mask
 * M on entry) into the region R = M and G*M >= 0.9. *region_pixels gets
 * the size of R. SKD_E_NO_REGION when R is empty. */
int skd_fill_masked(skd_ctx *ctx, float *l, uint8_t *m, size_t w, size_t h,
                    double sigma_px, uint64_t *region_pixels);

/* Pore candidates: local maxima of D in scale space that pass the
 * threshold, the region test and the roundness test. */
typedef struct skd_pore_cand {
    uint32_t x, y, k;
    float d;
} skd_pore_cand;

typedef struct skd_cand_list {
    skd_pore_cand *v;
    size_t n, cap;
} skd_cand_list;

void skd_cand_list_free(skd_ctx *ctx, skd_cand_list *c);
/* Appends the candidates of src to list. */
int skd_cand_list_append(skd_ctx *ctx, skd_cand_list *list,
                         const skd_cand_list *src);

/* The roundness test without an L_k plane. L_k = g * l with g the kernel
 * a Gaussian of sigma px amounts to as a transfer function on an n-point
 * DFT grid, g(i) = (1/n) sum_j G(f_j) cos(2 pi f_j i), truncated at |i| <= r;
 * the Hessian's central differences of L_k are then separable sums over l
 * with g, its second difference d2(i) = g(i-1) - 2 g(i) + g(i+1) and its
 * first d1(i) = g(i-1) - g(i+1). Taps 0..r+1 of each (g and d2 are even,
 * d1 is odd), computed in double and stored as floats (the FFT's transfer
 * tables are floats too); mem holds 3 (r + 2) floats. */
typedef struct skd_hessian_kernel {
    const float *g, *d2, *d1;
} skd_hessian_kernel;

void skd_hessian_kernel_make(double sigma, size_t n, size_t r, float *mem,
                             skd_hessian_kernel *k);

/* The exact derivative kernels of a Gaussian narrower than 1.2 px have
 * tails falling only as 1/n^2 (its transfer function times f^2 is far from
 * 0 at Nyquist): cut at the filters' margin they move the eigenvalue ratio
 * by up to 1.4% at sigma 0.71 px (test_metrics_roundness); with three
 * times the taps, by under 0.5%. skd_hessian_radius gives the radius for
 * sigma from the margin's base radius. */
#define SKD_HESSIAN_NARROW_SIGMA 1.2
#define SKD_HESSIAN_NARROW_TAPS 3
static inline size_t skd_hessian_radius(double sigma, size_t base)
{
    return sigma < SKD_HESSIAN_NARROW_SIGMA ? SKD_HESSIAN_NARROW_TAPS * base : base;
}

/* Where the roundness test reads l: the filled luminance (w x h, mirrored
 * beyond its edges like skd_fft_pad_window) or, when win is not NULL and
 * holds every pixel a test reaches, that mirror-padded window of it
 * (element 0 is pixel (wx, wy), wcols x wrows pixels, rows wstride floats
 * apart: a tile's own input, still in cache); kernels along x and y with
 * taps up to r + 1; and one thread's scratch: row (2r + 3 floats) and
 * hsum (3 (2r + 3) doubles). */
typedef struct skd_round_src {
    const float *l;
    size_t w, h, r;
    const float *win;
    ptrdiff_t wx, wy;
    size_t wcols, wrows, wstride;
    skd_hessian_kernel kx, ky;
    float *row;
    double *hsum;
} skd_round_src;

/* Lxx, Lyy, Lxy of L at (x, y) by central differences (the neighbours
 * clamped to the image as skd_is_round clamps them). */
void skd_hessian_at(const skd_round_src *s, size_t x, size_t y, double *lxx,
                    double *lyy, double *lxy);

/* Both eigenvalues of the Hessian positive, the smaller >=
 * SKD_PORE_MIN_ROUNDNESS times the larger. */
int skd_hessian_round(double lxx, double lyy, double lxy);

/* The roundness test at (x, y) with the Hessian of skd_hessian_at. */
int skd_is_round_at(const skd_round_src *s, size_t x, size_t y);

/* The planes of one scale's search, whole or a tile with its halo. Plane
 * element 0 is image pixel (ox, oy) (which may lie outside the image), rows
 * are stride floats apart and pixels step floats (1, or 2 for the real or
 * imaginary parts of a complex plane), and every plane covers the searched
 * pixels [x0, x1) x [y0, y1) plus one pixel around them. */
typedef struct skd_scale_window {
    const float *d[3]; /* D_{k-1}, D_k, D_{k+1}; NULL where no such scale */
    const float *lk;   /* L_k = G_sigma_k * l in the same layout, or NULL: */
    const skd_round_src *ls; /* then L_k comes from here */
    size_t stride, step;
    ptrdiff_t ox, oy;
    size_t x0, y0, x1, y1;
    size_t w, h; /* the image */
    /* NULL, or which pixels pass the threshold (skd_above_masks): bit i
     * of word j of row y - y0 is pixel x0 + 64 j + i, rows `words` apart;
     * the search then reads D_k only there. */
    const uint64_t *above;
    size_t words;
} skd_scale_window;

/* The window of whole w x h planes, searched everywhere. */
skd_scale_window skd_whole_window(const float *d_prev, const float *d,
                                  const float *d_next, const float *lk,
                                  size_t w, size_t h);

/* The threshold masks of both planes of a complex plane (floats re, im,
 * re, im, ...): bit i of re_bits[64 j ...] set when the real part of pixel
 * 64 j + i is >= tau, im_bits the same for the imaginary parts; rows of n
 * pixels, rows stride floats apart in plane and words 64-bit words apart
 * in the masks (words >= (n + 63) / 64). Either mask may be NULL. */
void skd_above_masks(const float *plane, size_t stride, size_t n, size_t rows,
                     double tau, uint64_t *re_bits, uint64_t *im_bits,
                     size_t words);

/* Candidates at scale k in the window, appended to list in (y, x) order.
 * region is the image's R (w x h). */
int skd_scale_candidates(skd_ctx *ctx, const skd_scale_window *v, uint32_t k,
                         double tau, const uint8_t *region,
                         skd_cand_list *list);

/* Hessian roundness test of the plane v->lk at image pixel (x, y). */
int skd_is_round(const skd_scale_window *v, size_t x, size_t y);

/* Non-maximum suppression across scales: strongest first, a candidate is
 * dropped when closer than the larger radius to a kept pore. radius_px[k]
 * is r_k in pixels. *out is allocated with skd_malloc (NULL when none). */
int skd_suppress_pores(skd_ctx *ctx, skd_cand_list *c,
                       const double *radius_px, size_t w, size_t h,
                       skd_pore **out, size_t *n_out);

/* Padded tile size of the pore bank (measured: see README, Performance). */
#define SKD_PORE_TILE 320

/* Pore candidates of the filled luminance l (w x h), searched tile by tile
 * (tile: padded tile size, enlarged when too small for the margin) and
 * appended to list in tile order. When texture is not NULL it holds
 * G_coarse * l on entry and gets T = G_fine * l - G_coarse * l (the fine
 * Gaussian is one more filter of the tiles). Tiles run on up to
 * SKD_OPT_THREADS threads, which change no result. */
int skd_pore_bank(skd_ctx *ctx, const float *l, size_t w, size_t h,
                  double px_per_mm, double tau, const uint8_t *region,
                  size_t tile, float *texture, skd_cand_list *list);

/* skd_pore_bank without the texture. */
int skd_pore_candidates(skd_ctx *ctx, const float *l, size_t w, size_t h,
                        double px_per_mm, double tau, const uint8_t *region,
                        size_t tile, skd_cand_list *list);

/* The texture's coarse half, G_sigma * l (w x h) into out: at full rate
 * with SKD_OPT_EXACT, else at the rate skd_multirate_shift chooses
 * (coarse.c). */
int skd_texture_coarse(skd_ctx *ctx, const float *l, size_t w, size_t h,
                       double sigma_px, float *out);

/* Texture plane T (w*h floats) and the pore list of the filled luminance l
 * (w x h). */
int skd_filter_bank(skd_ctx *ctx, const float *l, size_t w, size_t h,
                    double px_per_mm, double tau, const uint8_t *region,
                    float *texture, skd_pore **pores, size_t *n_pores);

/* skd_metrics_in_region with the samples and table given, and with
 * red_plane (w*h bytes, may be NULL) the red-area plane of the selection:
 * 1 where a pixel is selected and red in a->red_area (red is a property of
 * the pixel, against its local background; median_a is not used). Without
 * a->red_area the red-area fraction is NaN. On up to
 * SKD_OPT_THREADS threads; the figures do not depend on the thread
 * count. */
int skd_region_figures(skd_ctx *ctx, const skd_analysis *a,
                       const skd_photo_samples *photo, const uint8_t *include,
                       double median_a, skd_metrics *out, uint8_t *red_plane);

/* The figures of several parts of R at once: out[k] and status[k] for
 * the pixels of R that labels (w*h, may be NULL: none) marks k, for k = 1
 * .. n_labels - 1 (out[0] and status[0] are not touched; other label
 * values are ignored). Each figure is the very number skd_region_figures
 * gives with include = (labels == k), bit for bit, from one scan of the
 * planes and one colour table (label_stats.c). status[k] is
 * SKD_E_NO_REGION (figures NaN) when label k holds no pixel of R. */
int skd_label_figures(skd_ctx *ctx, const skd_analysis *a,
                      const skd_image *img, const uint8_t *labels,
                      unsigned n_labels, skd_metrics *out, int *status);

/* The pieces of the figures that region_stats.c and label_stats.c share:
 * figures from sums, so both compute each the same way. */
typedef struct skd_pore_sums {
    uint32_t count;
    double sum_d, sum_area;
} skd_pore_sums;
void skd_pore_sums_add(skd_pore_sums *s, const skd_pore *q, double px_per_mm);
/* needs out->area_cm2 and out->region_pixels */
void skd_pore_figures_of_sums(const skd_pore_sums *s, skd_metrics *out);
void skd_texture_from_moments(double abs1, double m2, double m3, double m4,
                              uint64_t count, skd_metrics *out);
void skd_colour_figures_of_sums(const skd_analysis *a, uint64_t count,
                                double sum_a, uint64_t n_e, double sum_e,
                                skd_metrics *out);
/* every figure NaN, counts 0 */
void skd_metrics_clear(skd_metrics *m);

/* The whole-photo figures of skd_analyze into a->metrics but the red-area
 * fraction (left NaN: skd_red_area_local makes it once a* exists; red_plane
 * is not written): as skd_region_figures over all of R, except that a->a_star
 * (allocated, w*h) is written from the photo by the first pass rather than
 * read, so the samples are loaded once for a* and the erythema values. */
int skd_analysis_figures(skd_ctx *ctx, skd_analysis *a, const skd_image *img,
                         const skd_colour_lut *lut, uint8_t *red_plane);

/* skd_analysis_figures over a window of the photo: a is the window's
 * view (its size, its planes in the window's layout, its pores in its
 * coordinates), photo the samples of its first pixel with the photo's row
 * stride. */
int skd_window_figures(skd_ctx *ctx, skd_analysis *a,
                       const skd_photo_samples *photo,
                       const skd_colour_lut *lut, uint8_t *red_plane);

/* The analysis window (window.c): the rectangle of the photo the fill, the
 * filter bank and the statistics run on, the bounding box of M grown by
 * skd_window_reach and clamped to the photo (the whole photo when M is
 * empty). window.c explains the reach. In a plane of the photo (w wide)
 * the window's compact layout is its rows, win.w elements each, one after
 * the other from the start of its first row: skd_window_gather moves a
 * plane's window there, in place; skd_window_scatter moves it back and
 * zeroes what the compact rows left outside the window, or with
 * zero_outside every element outside the window. Windows of whole rows
 * are compact already and move nothing. */
typedef struct skd_window {
    size_t x0, y0, w, h;
} skd_window;

size_t skd_window_reach(double px_per_mm);
/* The box [x0, x1) x [y0, y1) of a w x h photo grown by reach on every
 * side and clamped to the photo. */
skd_window skd_window_around(size_t x0, size_t y0, size_t x1, size_t y1,
                             size_t reach, size_t w, size_t h);
skd_window skd_window_of_mask(const uint8_t *m, size_t w, size_t h,
                              size_t reach);
int skd_window_is_whole(const skd_window *win, size_t w, size_t h);
void skd_window_gather(void *plane, size_t w, size_t elem,
                       const skd_window *win);
void skd_window_scatter(void *plane, size_t w, size_t h, size_t elem,
                        const skd_window *win, int zero_outside);
/* skd_window_of_mask when M is known to be zero outside the rectangle
 * part: only part is read. */
skd_window skd_window_of_mask_in(const uint8_t *m, size_t w, size_t h,
                                 const skd_window *part, size_t reach);
/* Zero the elements of the rectangle area of a plane (photo layout, w
 * wide) that lie outside the rectangle keep. */
void skd_window_zero_outside(void *plane, size_t w, size_t elem,
                             const skd_window *area, const skd_window *keep);

/* The colour rectangle (mask.c): M is zero outside the ROI and outside
 * the bounding box of the user mask's included pixels, and within them
 * depends only on the excluded pixels within the growth's reach
 * (skd_mask_grow_reach, floor(0.25 mm * px_per_mm): 5 px at 20 px/mm), so
 * the colour pass and the mask need only that box (ROI clipped to the
 * photo, narrowed to the user mask's box) grown by the reach, clamped to
 * the photo. Without ROI and user mask, or with an empty user mask, the
 * whole photo. skd_mask_in_rect is skd_build_mask on such a rectangle part,
 * writing l (photo layout, may be NULL) on part too: m (w*h, photo
 * layout) must be zero outside part on entry and gets M on part: then m
 * is skd_build_mask's M pixel for pixel (test_metrics_window). */
size_t skd_mask_grow_reach(double px_per_mm);
skd_window skd_mask_colour_rect(const skd_image *img,
                                const skd_region_spec *spec, double px_per_mm);
int skd_mask_in_rect(skd_ctx *ctx, const skd_image *img,
                     const skd_region_spec *spec, double px_per_mm,
                     const skd_colour_lut *lut, const skd_window *part,
                     float *l, uint8_t *m);

/* skd_mask_in_rect with the skin map S (compact over part, may be NULL:
 * no skin map; it may lie where the causes go, cause + part->y0 * w)
 * taken out of M before the growth, and the cause plane
 * (w*h, photo layout, may be NULL) written: outside the ROI/mask outside
 * part, elsewhere the cause of each exclusion before the growth
 * (SKD_CAUSE_NONE where none), with SKD_CAUSE_CLIPPED or-ed in on pixels
 * with one or two clipped channels. */
#define SKD_CAUSE_CLIPPED 0x80
int skd_mask_in_rect_skin(skd_ctx *ctx, const skd_image *img,
                          const skd_region_spec *spec, double px_per_mm,
                          const skd_colour_lut *lut, const skd_window *part,
                          const uint8_t *skin, float *l, uint8_t *m,
                          uint8_t *cause);

/* exclusion.c: the final causes of the analysis (a->cause and a->region
 * in the photo's layout): pixels of R get none (their clipped flags
 * counted), excluded pixels without a cause of their own get the margin;
 * a->exclusion gets the shares and the over-exposure warning is set.
 * skin_kept is the size of S. Returns the size of R. */
uint64_t skd_exclusion_finish(skd_analysis *a, uint64_t skin_kept);

/* skd_analyze with the window forced to the whole photo: the reference
 * the window is tested against (test_metrics_window). */
int skd_analyze_whole(skd_ctx *ctx, const skd_image *img,
                      const skd_region_spec *spec, skd_analysis **out);
/* skd_analyze with the colour pass and the mask over the whole photo
 * whatever the ROI (the window as skd_analyze has it): the reference the
 * colour rectangle is tested against (test_metrics_window). */
int skd_analyze_colour_whole(skd_ctx *ctx, const skd_image *img,
                             const skd_region_spec *spec, skd_analysis **out);

/* The red-area plane (red_area.c): red[i] = 1 where r[i] and a_star[i]
 * exceeds (G*(a* M))/(G*M) at sigma_px by at least delta, else 0; m is the
 * mask M, r the region R (both w x h, 0/1). *red_pixels gets the count.
 * near (may be NULL) gets 1 where r[i] and the excess d lies in
 * [delta / (1 + contrast), delta (1 + contrast)): skd_analysis.red_near.
 * On up to SKD_OPT_THREADS threads, which change no result. */
typedef struct skd_red_rule {
    double sigma_px; /* the background's Gaussian */
    double delta;    /* a* above the background that makes a pixel red */
    double contrast; /* the near band's relative half-width (0: no band) */
} skd_red_rule;
int skd_red_area_local(skd_ctx *ctx, const float *a_star, const uint8_t *m,
                       const uint8_t *r, size_t w, size_t h,
                       const skd_red_rule *rule, uint8_t *red, uint8_t *near,
                       uint64_t *red_pixels);

/* The red-area predicate against a reference (the local background). */
static inline int skd_is_red(float a_star, double reference, double delta)
{
    return (double)a_star - reference >= delta;
}

#endif
