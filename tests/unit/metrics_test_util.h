/* Generated test images for the colour and metrics tests: planes of l or
 * colours written straight into 16-bit sRGB samples. */
#ifndef SKD_METRICS_TEST_UTIL_H
#define SKD_METRICS_TEST_UTIL_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "colour/colour.h"
#include "skindiff.h"

static inline uint16_t tu_encode16(double linear)
{
    double v = skd_srgb_encode(linear < 0 ? 0 : linear > 1 ? 1 : linear);
    return (uint16_t)lround(v * 65535.0);
}

/* Pixel (x, y) from linear RGB. */
static inline void tu_set_linear(skd_image *img, size_t x, size_t y, double r,
                                 double g, double b)
{
    uint16_t *p = img->rgb + (y * img->width + x) * 3;
    p[0] = tu_encode16(r);
    p[1] = tu_encode16(g);
    p[2] = tu_encode16(b);
}

/* Pixel (x, y) with the colour (r, g, b) of linear RGB scaled so that its
 * luminance is exp(l / 100): l moves, chromaticity stays. */
static inline void tu_set_l(skd_image *img, size_t x, size_t y, double l,
                            const double rgb[3])
{
    double k = exp(l / 100.0) / skd_luminance(rgb[0], rgb[1], rgb[2]);
    tu_set_linear(img, x, y, k * rgb[0], k * rgb[1], k * rgb[2]);
}

/* A skin-like colour in linear RGB (sRGB about (200, 150, 130)). */
static inline void tu_skin_colour(double rgb[3])
{
    rgb[0] = skd_srgb_decode(200 / 255.0);
    rgb[1] = skd_srgb_decode(150 / 255.0);
    rgb[2] = skd_srgb_decode(130 / 255.0);
}

static inline skd_image *tu_image(skd_ctx *ctx, uint32_t w, uint32_t h)
{
    skd_image *img = NULL;
    if (skd_image_create(ctx, w, h, &img) != SKD_OK) {
        fprintf(stderr, "cannot create a %ux%u image\n", w, h);
        exit(1);
    }
    return img;
}

/* Fill an image with l(x, y) = fn(x, y, arg) in the given colour. */
typedef double (*tu_l_fn)(double x, double y, const void *arg);

static inline void tu_paint(skd_image *img, tu_l_fn fn, const void *arg,
                            const double rgb[3])
{
    for (size_t y = 0; y < img->height; y++)
        for (size_t x = 0; x < img->width; x++)
            tu_set_l(img, x, y, fn((double)x, (double)y, arg), rgb);
}

/* A cosine across x for tu_paint: l = l0 + c cos(2 pi f (x + 1/2)). With
 * f = m / (2 w) it is symmetric about both outer pixel edges, so the
 * mirror padding continues it exactly. */
typedef struct tu_wave {
    double l0, c, f;
} tu_wave;

static inline double tu_wave_l(double x, double y, const void *arg)
{
    const tu_wave *p = arg;
    (void)y;
    return p->l0 + p->c * cos(2 * M_PI * p->f * (x + 0.5));
}

/* A small deterministic random generator (splitmix64) for test content. */
static inline uint64_t tu_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline double tu_uniform(uint64_t *state)
{
    return (double)(tu_rand(state) >> 11) / 9007199254740992.0;
}


/* Synthetic skin for the metrics tests: a relief of random plane waves plus
 * Gaussian dips (pores), all continuous functions of position, so an image
 * can show any window of the same skin. Units of l (percent contrast). */
typedef struct tu_dip {
    double x, y;   /* centre in skin coordinates, pixels */
    double sigma;  /* pixels, along the short axis */
    double depth;  /* l units at the centre */
    double elong;  /* long axis / short axis (1 = round) */
    double angle;  /* radians */
} tu_dip;

typedef struct tu_skin {
    double l0;          /* mean l */
    double wave_amp;    /* amplitude of each wave, l units */
    int n_waves;
    double wave_min_px, wave_max_px; /* wavelength range */
    uint64_t seed;
    const tu_dip *dips;
    size_t n_dips;
    double rgb[3];      /* linear colour (chromaticity) */
    double exposure;    /* multiplies linear RGB */
} tu_skin;

/* Render the window of the skin whose top-left pixel is (ox, oy). */
static inline void tu_render(skd_image *img, const tu_skin *s, double ox,
                             double oy)
{
    size_t w = img->width, h = img->height;
    double *l = calloc(w * h, sizeof *l);
    double kx[64], ky[64], ph[64];
    uint64_t seed = s->seed;
    int nw = s->n_waves > 64 ? 64 : s->n_waves;
    if (!l)
        exit(1);
    for (int i = 0; i < nw; i++) {
        double lambda = s->wave_min_px +
                        (s->wave_max_px - s->wave_min_px) * tu_uniform(&seed);
        double dir = 2 * M_PI * tu_uniform(&seed);
        kx[i] = 2 * M_PI / lambda * cos(dir);
        ky[i] = 2 * M_PI / lambda * sin(dir);
        ph[i] = 2 * M_PI * tu_uniform(&seed);
    }
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            double v = s->l0, X = x + ox, Y = y + oy;
            for (int i = 0; i < nw; i++)
                v += s->wave_amp * cos(kx[i] * X + ky[i] * Y + ph[i]);
            l[y * w + x] = v;
        }
    for (size_t d = 0; d < s->n_dips; d++) {
        const tu_dip *p = &s->dips[d];
        double e = p->elong > 0 ? p->elong : 1.0;
        double reach = 5 * p->sigma * e, c = cos(p->angle), sn = sin(p->angle);
        long x0 = (long)floor(p->x - ox - reach), x1 = (long)ceil(p->x - ox + reach);
        long y0 = (long)floor(p->y - oy - reach), y1 = (long)ceil(p->y - oy + reach);
        for (long y = y0 < 0 ? 0 : y0; y <= y1 && y < (long)h; y++)
            for (long x = x0 < 0 ? 0 : x0; x <= x1 && x < (long)w; x++) {
                double dx = x + ox - p->x, dy = y + oy - p->y;
                double u = c * dx + sn * dy, v = -sn * dx + c * dy;
                double q = u * u / (e * e) + v * v;
                l[(size_t)y * w + (size_t)x] -=
                    p->depth * exp(-q / (2 * p->sigma * p->sigma));
            }
    }
    double shift = 100.0 * log(s->exposure > 0 ? s->exposure : 1.0);
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++)
            tu_set_l(img, x, y, l[y * w + x] + shift, s->rgb);
    free(l);
}

/* n round dips at random places in [0, w) x [0, h), at least min_gap
 * pixels apart, sigma and depth uniform in the given ranges. Returns the
 * number placed (fewer when the area is full). */
static inline size_t tu_random_dips(tu_dip *dips, size_t n, double w, double h,
                                    double min_gap, double sig_lo,
                                    double sig_hi, double dep_lo,
                                    double dep_hi, uint64_t seed)
{
    size_t placed = 0;
    for (size_t tries = 0; placed < n && tries < 100 * n; tries++) {
        double x = w * tu_uniform(&seed), y = h * tu_uniform(&seed);
        double sig = sig_lo + (sig_hi - sig_lo) * tu_uniform(&seed);
        double dep = dep_lo + (dep_hi - dep_lo) * tu_uniform(&seed);
        int ok = 1;
        for (size_t j = 0; j < placed && ok; j++)
            ok = hypot(dips[j].x - x, dips[j].y - y) >= min_gap;
        if (!ok)
            continue;
        dips[placed++] = (tu_dip){x, y, sig, dep, 1.0, 0.0};
    }
    return placed;
}

static inline uint32_t tu_lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* l in % contrast (w x h, malloc): a slope, white pixel noise of +-2 (the
 * worst case for the long tails of small band-limited kernels) and 900 dark
 * dips of depth 5..30 and sigma 0.5..4 px, some cut by the border. */
static inline float *tu_synthetic_l(size_t w, size_t h, uint32_t seed)
{
    float *l = malloc(w * h * sizeof *l);
    if (!l)
        return NULL;
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++)
            l[y * w + x] = (float)(-160.0 + 0.01 * x - 0.02 * y +
                                   4.0 * (tu_lcg(&seed) / 16777216.0 - 0.5));
    for (int i = 0; i < 900; i++) {
        double cx = tu_lcg(&seed) % w, cy = tu_lcg(&seed) % h;
        double a = 5 + 25 * (tu_lcg(&seed) / 16777216.0);
        double s = 0.5 + 3.5 * (tu_lcg(&seed) / 16777216.0);
        for (long y = (long)(cy - 4 * s); y <= (long)(cy + 4 * s); y++)
            for (long x = (long)(cx - 4 * s); x <= (long)(cx + 4 * s); x++) {
                if (x < 0 || y < 0 || x >= (long)w || y >= (long)h)
                    continue;
                double r2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                l[y * w + x] -= (float)(a * exp(-r2 / (2 * s * s)));
            }
    }
    return l;
}

#endif
