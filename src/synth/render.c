/* One photo: fields -> colour -> 8-bit pixels, with the truth measured on
 * the noiseless fields as they are rendered.
 *
 * Per pixel: Y = Y0 exp(m / 100), Y0 the luminance of the base L*, m the
 * relief plus pores in l; a* from the a* plane, b* constant. (L*(Y), a*,
 * b*) goes to linear sRGB through the analysis' own conversions (colour
 * module), then the RGB is scaled so that 0.2126 R + 0.7152 G + 0.0722 B,
 * the luminance l is defined on, is exactly Y (the XYZ matrix's Y row
 * differs from those weights in the 5th digit; a* moves by ~1e-3 at most).
 * Then: times the exposure, clipped to [0, 1], sRGB encoded, plus Gaussian
 * noise of noise_sigma 8-bit units, rounded to 8 bits, stored x 257. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "../colour/colour.h"
#include "../core/select.h"
#include "../fft/fft.h"
#include "synth.h"

typedef struct colour_stats {
    double a_sum, ei_sum;
    uint64_t ei_n, clipped, clamped;
} colour_stats;

static uint16_t quantise(double v, uint64_t *clamped)
{
    double q = floor(v + 0.5);
    if (q < 0 || q > 255) {
        (*clamped)++;
        q = q < 0 ? 0 : 255;
    }
    return (uint16_t)(q * 257);
}

/* Linear sRGB of luminance exactly Y with CIELAB a*, b* (to ~1e-3). */
static void skin_rgb(double Y, double a, double b, double rgb[3])
{
    double lab[3], xyz[3], k;
    lab[0] = Y > 216.0 / 24389.0 ? 116.0 * cbrt(Y) - 16.0 : Y * 24389.0 / 27.0;
    lab[1] = a;
    lab[2] = b;
    skd_lab_to_xyz(lab, xyz);
    skd_xyz_to_linear(xyz, rgb);
    k = Y / skd_luminance(rgb[0], rgb[1], rgb[2]);
    for (int c = 0; c < 3; c++)
        rgb[c] *= k;
}

static void colour_pass(const skd_synth_params *p, const skd_synth_session *s,
                        const double *m, const float *a_star, skd_image *img,
                        colour_stats *cs)
{
    size_t n = (size_t)s->width * s->height;
    double Y0, lab0[3] = {p->L, 0, 0}, xyz0[3];
    skd_rng rng;
    int noisy = p->noise_sigma > 0;

    skd_lab_to_xyz(lab0, xyz0);
    Y0 = xyz0[1];
    skd_rng_seed_stream(&rng, p->seed, s->noise_stream, (int64_t)s->noise_index, 0);
    memset(cs, 0, sizeof *cs);
    for (size_t i = 0; i < n; i++) {
        double rgb[3], xyz[3], lab[3];
        int clipped = 0;
        skin_rgb(Y0 * exp(m[i] / 100.0), a_star[i], p->b, rgb);
        rgb[0] *= p->wb_red;
        rgb[2] *= p->wb_blue;
        for (int c = 0; c < 3; c++) {
            rgb[c] *= p->exposure;
            if (rgb[c] < 0 || rgb[c] > 1) {
                clipped = 1;
                rgb[c] = rgb[c] < 0 ? 0 : 1;
            }
        }
        cs->clipped += (uint64_t)clipped;
        /* What a perfect decoder would read back, before noise. */
        skd_linear_to_xyz(rgb, xyz);
        skd_xyz_to_lab(xyz, lab);
        cs->a_sum += lab[1];
        if (rgb[0] > 0 && rgb[1] > 0) {
            cs->ei_sum += 100.0 * log10(rgb[0] / rgb[1]);
            cs->ei_n++;
        }
        for (int c = 0; c < 3; c++) {
            double v = 255.0 * skd_srgb_encode(rgb[c]);
            if (noisy)
                v += p->noise_sigma * skd_rng_normal(&rng);
            img->rgb[i * 3 + c] = quantise(v, &cs->clamped);
        }
    }
}

/* Sa, Sq, Ssk, Sku of the texture band away from the border, where the
 * mirror padding of the analysis does not reach. */
static void texture_stats(const float *tex, skd_synth_session *s)
{
    size_t w = s->width, h = s->height, M;
    double sum = 0, mean, a1 = 0, m2 = 0, m3 = 0, m4 = 0, cnt;
    M = (size_t)ceil(SKD_SYNTH_TEX_MARGIN_MM * s->px_per_mm);
    s->tex_margin_px = (uint32_t)M;
    s->tex_pixels = 0;
    s->tex_sa = s->tex_sq = s->tex_ssk = s->tex_sku = NAN;
    if (w <= 2 * M || h <= 2 * M)
        return;
    for (size_t y = M; y < h - M; y++)
        for (size_t x = M; x < w - M; x++)
            sum += tex[y * w + x];
    cnt = (double)(w - 2 * M) * (double)(h - 2 * M);
    mean = sum / cnt;
    for (size_t y = M; y < h - M; y++)
        for (size_t x = M; x < w - M; x++) {
            double t = tex[y * w + x] - mean, t2 = t * t;
            a1 += fabs(t);
            m2 += t2;
            m3 += t2 * t;
            m4 += t2 * t2;
        }
    s->tex_pixels = (uint64_t)cnt;
    s->tex_sa = a1 / cnt;
    s->tex_sq = sqrt(m2 / cnt);
    if (m2 > 0) {
        s->tex_ssk = (m3 / cnt) / pow(m2 / cnt, 1.5);
        s->tex_sku = (m4 / cnt) / ((m2 / cnt) * (m2 / cnt));
    }
}

/* a* mean, median and red-area fraction of the noiseless a* plane: a
 * pixel is red where a* exceeds its local background, the Gaussian mean of
 * a* at 2 mm (the whole frame is skin, so M = 1 and the mask-normalised
 * mean is the plain one; docs/measurements.md). scratch (n floats) is
 * overwritten. */
static int redness_stats(skd_ctx *ctx, const float *a_star, float *scratch,
                         skd_synth_session *s)
{
    size_t n = (size_t)s->width * s->height, red = 0;
    double sum = 0, sigma = SKD_SYNTH_RED_BACKGROUND_MM * s->px_per_mm;
    skd_filter g = {SKD_FILTER_GAUSS, sigma, 0};
    const float *src = a_star;
    float *dst = scratch;
    int st;
    for (size_t i = 0; i < n; i++)
        sum += a_star[i];
    s->a_mean = sum / (double)n;
    memcpy(scratch, a_star, n * sizeof *scratch);
    s->a_median = skd_median_float(scratch, n);
    s->red_delta = skd_opt(ctx, SKD_OPT_RED_DELTA);
    st = skd_fft_filter_planes(ctx, &src, &dst, 1, s->width, s->height,
                               skd_fft_margin(sigma), &g);
    if (st != SKD_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        red += (double)a_star[i] - (double)scratch[i] >= s->red_delta;
    s->red_area_fraction = (double)red / (double)n;
    return SKD_OK;
}

static void relief_stats(const double *m, size_t n, skd_synth_session *s)
{
    double sum = 0, sq = 0, mean;
    for (size_t i = 0; i < n; i++)
        sum += m[i];
    mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        sq += (m[i] - mean) * (m[i] - mean);
    s->relief_mean = mean;
    s->relief_std = sqrt(sq / (double)n);
}

static void pore_stats(skd_ctx *ctx, skd_synth_session *s)
{
    double dsum = 0, area = 0;
    s->pores_in_frame = s->pores_detectable = 0;
    s->pore_threshold = skd_opt(ctx, SKD_OPT_PORE_THRESHOLD);
    s->frame_area_cm2 = (double)s->width * (double)s->height /
                        (s->px_per_mm * s->px_per_mm) / 100.0;
    for (size_t i = 0; i < s->n_pores; i++) {
        const skd_synth_seen_pore *q = &s->pores[i];
        double r = q->diameter_mm / 2.0;
        if (!q->in_frame)
            continue;
        s->pores_in_frame++;
        s->pores_detectable += q->strength_model >= s->pore_threshold;
        dsum += q->diameter_mm;
        area += M_PI * r * r;
    }
    s->pore_density_cm2 = s->pores_in_frame / s->frame_area_cm2;
    s->pore_mean_diameter_mm = s->pores_in_frame ? dsum / s->pores_in_frame : 0;
    s->pore_area_fraction = area / (s->frame_area_cm2 * 100.0);
}

int skd_synth_render_session(skd_ctx *ctx, const skd_synth_params *p,
                             const skd_synth_world *world,
                             skd_synth_session *s, skd_image *img)
{
    size_t n = (size_t)s->width * s->height;
    double *m = skd_malloc_array(ctx, n, sizeof *m);
    float *tex = skd_malloc_array(ctx, n, sizeof *tex);
    float *a_star = skd_malloc_array(ctx, n, sizeof *a_star);
    colour_stats cs;
    int st = SKD_E_NOMEM;

    if (!m || !tex || !a_star)
        goto done;
    st = skd_synth_render_relief(ctx, world, s, m, tex);
    if (st != SKD_OK)
        goto done;
    relief_stats(m, n, s);
    st = skd_synth_render_pores(ctx, world, s, m, tex);
    if (st != SKD_OK)
        goto done;
    for (size_t i = 0; i < n; i++)
        a_star[i] = (float)s->a_base;
    skd_synth_render_patches(world, s, a_star);
    colour_pass(p, s, m, a_star, img, &cs);
    s->clipped_pixels = cs.clipped;
    s->clamped_samples = cs.clamped;
    s->a_image_mean = cs.a_sum / (double)n;
    s->ei_pixels = cs.ei_n;
    s->ei_image_mean = cs.ei_n ? cs.ei_sum / (double)cs.ei_n : NAN;
    texture_stats(tex, s);
    st = redness_stats(ctx, a_star, tex, s);
    if (st != SKD_OK)
        goto done;
    pore_stats(ctx, s);
done:
    skd_dealloc(ctx, m);
    skd_dealloc(ctx, tex);
    skd_dealloc(ctx, a_star);
    return st;
}
