/* Test-local ground truth for registration: a continuous random "skin"
 * field (plane waves plus dark Gaussian blobs, in units of l = 100 ln Y)
 * evaluated at exactly transformed coordinates, so the transform between
 * two renderings is known exactly and no resampling is involved.
 *
 * Scene coordinates are the before photo's pixel coordinates. A camera
 * skd_transform maps a rendered photo's pixels onto the scene the same way
 * skd_register maps after onto before. Images here are test-owned
 * (malloc'd), released with field_image_free(). */
#ifndef TEST_REGISTER_FIELD_H
#define TEST_REGISTER_FIELD_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skindiff.h"

#define FIELD_MAX_WAVES 128
#define FIELD_MAX_BLOBS 4096

typedef struct field {
    size_t nw, nb;
    double kx[FIELD_MAX_WAVES], ky[FIELD_MAX_WAVES];
    double phase[FIELD_MAX_WAVES], amp[FIELD_MAX_WAVES];
    double bx[FIELD_MAX_BLOBS], by[FIELD_MAX_BLOBS];
    double bsig[FIELD_MAX_BLOBS], bdepth[FIELD_MAX_BLOBS];
    uint32_t bkey[FIELD_MAX_BLOBS]; /* decides which blobs a treatment removes */
} field;

/* How one photo of the field is taken. */
typedef struct shot {
    uint32_t width, height;      /* this photo */
    uint32_t scene_w, scene_h;   /* the before photo (defines its centre) */
    skd_transform camera;        /* this photo's pixels -> scene */
    double texture_scale;        /* multiplies the plane waves */
    double blob_keep;            /* share of blobs still present, 0..1 */
    double exposure;             /* multiplies linear luminance */
    double light_x, light_y;     /* shading: ln Y gains per image width */
    double blur;                 /* Gaussian defocus, scene pixels */
    double noise_sigma;          /* 8-bit sRGB units */
    uint64_t noise_seed;
} shot;

static inline uint64_t field_rng(uint64_t *s) /* splitmix64 */
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline double field_uniform(uint64_t *s)
{
    return (double)(field_rng(s) >> 11) * (1.0 / 9007199254740992.0);
}

static inline double field_gauss(uint64_t *s)
{
    double u = field_uniform(s), v = field_uniform(s);
    if (u < 1e-300)
        u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* A field covering scene [-0.7, 1.7] x the w x h before frame (room for
 * shifts, rotations and scales), about `blobs` blobs per frame area. */
static inline void field_make(field *f, uint64_t seed, double w, double h,
                       size_t waves, size_t blobs)
{
    uint64_t s = seed * 7919u + 17u;
    memset(f, 0, sizeof *f);
    f->nw = waves < FIELD_MAX_WAVES ? waves : FIELD_MAX_WAVES;
    for (size_t i = 0; i < f->nw; i++) {
        /* wavelengths 4..80 px, log-uniform; amplitude ~1 percent contrast */
        double lambda = 4.0 * exp(field_uniform(&s) * log(20.0));
        double dir = 2.0 * M_PI * field_uniform(&s);
        f->kx[i] = 2.0 * M_PI / lambda * cos(dir);
        f->ky[i] = 2.0 * M_PI / lambda * sin(dir);
        f->phase[i] = 2.0 * M_PI * field_uniform(&s);
        f->amp[i] = 0.5 + field_uniform(&s);
    }
    f->nb = (size_t)((double)blobs * 2.4 * 2.4);
    if (f->nb > FIELD_MAX_BLOBS)
        f->nb = FIELD_MAX_BLOBS;
    for (size_t i = 0; i < f->nb; i++) {
        f->bx[i] = (-0.7 + 2.4 * field_uniform(&s)) * w;
        f->by[i] = (-0.7 + 2.4 * field_uniform(&s)) * h;
        f->bsig[i] = 1.5 + 3.0 * field_uniform(&s);
        f->bdepth[i] = 10.0 + 25.0 * field_uniform(&s);
        f->bkey[i] = (uint32_t)(field_rng(&s) >> 40);
    }
}

static inline skd_image *field_image_alloc(uint32_t w, uint32_t h)
{
    skd_image *img = calloc(1, sizeof *img);
    if (!img)
        return NULL;
    img->width = w;
    img->height = h;
    img->rgb = calloc((size_t)w * h * 3, sizeof *img->rgb);
    if (!img->rgb) {
        free(img);
        return NULL;
    }
    return img;
}

static inline void field_image_free(skd_image *img)
{
    if (img) {
        free(img->rgb);
        free(img);
    }
}

static inline double field_encode(double lin) /* linear -> sRGB in 0..1 */
{
    if (lin <= 0.0)
        return 0.0;
    if (lin >= 1.0)
        return 1.0;
    return lin <= 0.0031308 ? 12.92 * lin : 1.055 * pow(lin, 1.0 / 2.4) - 0.055;
}

/* The same curve as a table with linear interpolation (the exact tone
 * curve does not matter, only that both photos share it; pow per sample
 * would dominate the test's run time). */
#define FIELD_ENC_N 65536
static inline const float *field_encode_table(void)
{
    static float table[FIELD_ENC_N + 1];
    static int ready;
    if (!ready) {
        for (int i = 0; i <= FIELD_ENC_N; i++)
            table[i] = (float)field_encode((double)i / FIELD_ENC_N);
        ready = 1;
    }
    return table;
}

static inline double field_encode_fast(const float *table, double lin)
{
    double u;
    size_t i;
    if (lin <= 0.0)
        return 0.0;
    if (lin >= 1.0)
        return 1.0;
    u = lin * FIELD_ENC_N;
    i = (size_t)u;
    return table[i] + (u - (double)i) * (table[i + 1] - table[i]);
}

/* Mean luminance and skin chromaticity (luminance-weighted sum is 1). */
#define FIELD_Y0 0.30
static const double field_rgb_ratio[3] = {1.25, 0.95, 0.80};

/* Render l into a photo: Y = Y0 exp(l / 100) x exposure x shading, skin
 * coloured, sRGB encoded, 16-bit, plus Gaussian noise. */
static inline skd_image *field_render(const field *f, const shot *sh)
{
    uint32_t w = sh->width, h = sh->height;
    double th = sh->camera.rotation_deg * M_PI / 180.0;
    double A00 = sh->camera.scale * cos(th), A01 = -sh->camera.scale * sin(th);
    double A10 = -A01, A11 = A00;
    double cax = (w - 1.0) / 2.0, cay = (h - 1.0) / 2.0;
    double tx = (sh->scene_w - 1.0) / 2.0 + sh->camera.dx - (A00 * cax + A01 * cay);
    double ty = (sh->scene_h - 1.0) / 2.0 + sh->camera.dy - (A10 * cax + A11 * cay);
    double *l = calloc((size_t)w * h, sizeof *l);
    double *cx = malloc(sizeof(double) * w * f->nw), *sx = malloc(sizeof(double) * w * f->nw);
    double kpx[FIELD_MAX_WAVES], kpy[FIELD_MAX_WAVES], php[FIELD_MAX_WAVES];
    skd_image *img = field_image_alloc(w, h);
    uint64_t ns = sh->noise_seed * 31u + 5u;
    const float *enc = field_encode_table();
    double nscale = sh->noise_sigma * 257.0;

    if (!l || !cx || !sx || !img) {
        free(l);
        free(cx);
        free(sx);
        field_image_free(img);
        return NULL;
    }
    /* A wave cos(k . (A p + t) + phi) is a wave in photo coordinates too. */
    for (size_t i = 0; i < f->nw; i++) {
        kpx[i] = f->kx[i] * A00 + f->ky[i] * A10;
        kpy[i] = f->kx[i] * A01 + f->ky[i] * A11;
        php[i] = f->kx[i] * tx + f->ky[i] * ty + f->phase[i];
        for (uint32_t x = 0; x < w; x++) {
            cx[i * w + x] = cos(kpx[i] * x);
            sx[i * w + x] = sin(kpx[i] * x);
        }
    }
    for (uint32_t y = 0; y < h; y++) {
        double *row = l + (size_t)y * w;
        for (size_t i = 0; i < f->nw; i++) {
            double k2 = f->kx[i] * f->kx[i] + f->ky[i] * f->ky[i];
        double a = f->amp[i] * sh->texture_scale * exp(-0.5 * k2 * sh->blur * sh->blur);
            double cr = a * cos(kpy[i] * y + php[i]), ci = a * sin(kpy[i] * y + php[i]);
            const double *c = cx + i * w, *s = sx + i * w;
            for (uint32_t x = 0; x < w; x++)
                row[x] += c[x] * cr - s[x] * ci;
        }
    }
    /* Blobs: visit the photo pixels near each blob's image, evaluate the
     * Gaussian at the exact scene position of each pixel. */
    {
        double det = A00 * A11 - A01 * A10;
        double i00 = A11 / det, i01 = -A01 / det, i10 = -A10 / det, i11 = A00 / det;
        uint32_t keep = (uint32_t)(sh->blob_keep * 16777216.0);
        for (size_t b = 0; b < f->nb; b++) {
            double ux = f->bx[b] - tx, uy = f->by[b] - ty;
            double px = i00 * ux + i01 * uy, py = i10 * ux + i11 * uy;
            /* A blurred Gaussian is a wider, shallower Gaussian. */
            double s2 = f->bsig[b] * f->bsig[b] + sh->blur * sh->blur;
            double depth = f->bdepth[b] * f->bsig[b] * f->bsig[b] / s2;
            double r = 4.0 * sqrt(s2) / sh->camera.scale + 1.0;
            double inv2s2 = 1.0 / (2.0 * s2);
            long x0 = (long)floor(px - r), x1 = (long)ceil(px + r);
            long y0 = (long)floor(py - r), y1 = (long)ceil(py + r);
            if (f->bkey[b] >= keep)
                continue;
            if (x0 < 0) x0 = 0;
            if (y0 < 0) y0 = 0;
            if (x1 > (long)w - 1) x1 = (long)w - 1;
            if (y1 > (long)h - 1) y1 = (long)h - 1;
            for (long y = y0; y <= y1; y++)
                for (long x = x0; x <= x1; x++) {
                    double qx = A00 * x + A01 * y + tx - f->bx[b];
                    double qy = A10 * x + A11 * y + ty - f->by[b];
                    l[(size_t)y * w + (size_t)x] -=
                        depth * exp(-(qx * qx + qy * qy) * inv2s2);
                }
        }
    }
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            double shade = sh->light_x * ((double)x - cax) / w +
                           sh->light_y * ((double)y - cay) / h;
            double Y = FIELD_Y0 * exp(l[(size_t)y * w + x] / 100.0 + shade) * sh->exposure;
            uint16_t *px = img->rgb + ((size_t)y * w + x) * 3;
            for (int c = 0; c < 3; c++) {
                double v = field_encode_fast(enc, Y * field_rgb_ratio[c]) * 65535.0;
                if (nscale > 0)
                    v += nscale * field_gauss(&ns);
                v = v < 0 ? 0 : (v > 65535 ? 65535 : v);
                px[c] = (uint16_t)(v + 0.5);
            }
        }
    free(l);
    free(cx);
    free(sx);
    return img;
}

/* A plain shot: identity camera, no change, no noise. */
static inline shot field_shot(uint32_t w, uint32_t h, uint32_t scene_w, uint32_t scene_h)
{
    shot s;
    memset(&s, 0, sizeof s);
    s.width = w;
    s.height = h;
    s.scene_w = scene_w;
    s.scene_h = scene_h;
    s.camera.scale = 1.0;
    s.texture_scale = 1.0;
    s.blob_keep = 1.0;
    s.exposure = 1.0;
    return s;
}

/* ---- a real photo as ground truth ------------------------------------- */

#include <png.h>

/* An 8-bit PNG read with libpng's simplified API (the library's own decoder
 * is another module), widened to 16 bits. NULL when unreadable. */
static inline skd_image *field_load_png(const char *path)
{
    png_image im;
    unsigned char *buf;
    skd_image *img;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&im, path))
        return NULL;
    im.format = PNG_FORMAT_RGB;
    buf = malloc(PNG_IMAGE_SIZE(im));
    if (!buf || !png_image_finish_read(&im, NULL, buf, 0, NULL)) {
        free(buf);
        png_image_free(&im);
        return NULL;
    }
    img = field_image_alloc(im.width, im.height);
    if (img)
        for (size_t i = 0; i < (size_t)im.width * im.height * 3; i++)
            img->rgb[i] = (uint16_t)(buf[i] * 257);
    free(buf);
    return img;
}

/* A w x h photo of src taken through `camera` (this photo -> a scene_w x
 * scene_h before frame whose pixel (0, 0) is src pixel (x0, y0)), sampled
 * bicubically (Keys). The caller keeps every sample inside src. */
static inline skd_image *field_photo_view(const skd_image *src, uint32_t w, uint32_t h,
                                   double x0, double y0, const skd_transform *camera,
                                   uint32_t scene_w, uint32_t scene_h)
{
    double th = camera->rotation_deg * M_PI / 180.0;
    double a = camera->scale * cos(th), b = camera->scale * sin(th);
    double cax = (w - 1.0) / 2.0, cay = (h - 1.0) / 2.0;
    double cbx = (scene_w - 1.0) / 2.0, cby = (scene_h - 1.0) / 2.0;
    skd_image *img = field_image_alloc(w, h);
    if (!img)
        return NULL;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            double ux = x - cax, uy = y - cay;
            double px = a * ux - b * uy + cbx + camera->dx + x0;
            double py = b * ux + a * uy + cby + camera->dy + y0;
            long ix = (long)floor(px), iy = (long)floor(py);
            double wx[4], wy[4], tx = px - ix, ty = py - iy;
            for (int k = 0; k < 4; k++) {
                double dx = fabs(tx - (k - 1)), dy = fabs(ty - (k - 1));
                wx[k] = dx < 1 ? 1.5 * dx * dx * dx - 2.5 * dx * dx + 1
                               : -0.5 * dx * dx * dx + 2.5 * dx * dx - 4 * dx + 2;
                wy[k] = dy < 1 ? 1.5 * dy * dy * dy - 2.5 * dy * dy + 1
                               : -0.5 * dy * dy * dy + 2.5 * dy * dy - 4 * dy + 2;
            }
            for (int c = 0; c < 3; c++) {
                double acc = 0;
                for (int j = 0; j < 4; j++)
                    for (int k = 0; k < 4; k++)
                        acc += wy[j] * wx[k] *
                               src->rgb[((size_t)(iy + j - 1) * src->width +
                                         (size_t)(ix + k - 1)) * 3 + c];
                img->rgb[((size_t)y * w + x) * 3 + c] =
                    (uint16_t)(acc < 0 ? 0 : acc > 65535 ? 65535 : acc + 0.5);
            }
        }
    return img;
}

#endif
