/* Fourier-Mellin: rotation and scale from the log-polar magnitude spectra.
 *
 * If before(x) = after(T^-1 x) with T = s R(theta) plus any shift, then
 * |F_before|(rho, phi) = s^2 |F_after|(s rho, phi - theta): in (ln rho, phi)
 * the two spectra differ by the shift (-ln s, theta), which phase
 * correlation finds. The magnitude spectrum is symmetric, so theta is known
 * modulo 180 degrees; the caller tests both. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "../fft/fft.h"
#include "register.h"

#define LP_ANGLES 512 /* bins over 180 degrees */
#define LP_RADII 256
#define RHO_MIN 0.02  /* cycles per pixel: below, mostly window leakage */
#define RHO_MAX 0.40  /* above, mostly noise and aliasing */

typedef struct spectrum_mag {
    size_t m;   /* square transform size */
    float *mag; /* (m/2+1) columns x m rows: |F| on the half plane */
} spectrum_mag;

/* |F| of the tapered plane zero-padded to m x m. */
static int magnitude(skd_ctx *ctx, const skd_reg_plane *p, size_t m,
                     float *mag)
{
    size_t nx = m / 2 + 1;
    float *in = skd_fft_alloc(ctx, m * m * sizeof *in);
    fftwf_complex *out = skd_fft_alloc(ctx, nx * m * sizeof *out);
    double mx = skd_reg_taper_width(p->w), my = skd_reg_taper_width(p->h);
    int st = (in && out) ? SKD_OK : SKD_E_NOMEM;
    if (st == SKD_OK) {
        memset(in, 0, m * m * sizeof *in);
        for (size_t y = 0; y < p->h; y++) {
            double ty = skd_reg_taper((double)y, (double)p->h, my);
            for (size_t x = 0; x < p->w; x++)
                in[y * m + x] = (float)(p->v[y * p->w + x] * ty *
                                        skd_reg_taper((double)x, (double)p->w, mx));
        }
        st = skd_fft_r2c(ctx, m, m, in, out);
    }
    if (st == SKD_OK)
        for (size_t i = 0; i < nx * m; i++)
            mag[i] = hypotf(out[i][0], out[i][1]);
    skd_fft_dealloc(ctx, in);
    skd_fft_dealloc(ctx, out);
    return st;
}

/* |F| at integer frequency (ix, iy), using |F(-k)| = |F(k)|. */
static float mag_at(const float *mag, size_t m, ptrdiff_t ix, ptrdiff_t iy)
{
    ptrdiff_t mm = (ptrdiff_t)m;
    if (ix < 0) {
        ix = -ix;
        iy = -iy;
    }
    iy = ((iy % mm) + mm) % mm;
    return mag[(size_t)iy * (m / 2 + 1) + (size_t)ix];
}

/* Log-polar image: LP_RADII columns (ln rho) x LP_ANGLES rows (phi in
 * [0, pi)), weighted by rho (high-pass emphasis: natural spectra fall as
 * 1/rho) and by a Hann window along ln rho (that axis is not periodic). */
static void log_polar(const float *mag, size_t m, float *lp, double dlog)
{
    double rho0 = RHO_MIN * (double)m;
    for (size_t j = 0; j < LP_ANGLES; j++) {
        double phi = M_PI * (double)j / LP_ANGLES;
        double c = cos(phi), s = sin(phi);
        for (size_t i = 0; i < LP_RADII; i++) {
            double rho = rho0 * exp(dlog * (double)i);
            double kx = rho * c, ky = rho * s;
            double fx = floor(kx), fy = floor(ky);
            ptrdiff_t ix = (ptrdiff_t)fx, iy = (ptrdiff_t)fy;
            double ax = kx - fx, ay = ky - fy;
            double v = (1 - ay) * ((1 - ax) * mag_at(mag, m, ix, iy) +
                                   ax * mag_at(mag, m, ix + 1, iy)) +
                       ay * ((1 - ax) * mag_at(mag, m, ix, iy + 1) +
                             ax * mag_at(mag, m, ix + 1, iy + 1));
            double hann = 0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (LP_RADII - 1));
            lp[j * LP_RADII + i] = (float)(v * rho * hann);
        }
    }
}

static size_t max4(size_t a, size_t b, size_t c, size_t d)
{
    size_t m = a > b ? a : b;
    m = m > c ? m : c;
    return m > d ? m : d;
}

int skd_reg_fourier_mellin(skd_ctx *ctx, const skd_reg_plane *before,
                           const skd_reg_plane *after, size_t max_out,
                           skd_reg_rs *out, size_t *n_out)
{
    size_t m = skd_fft_good_size(max4(before->w, before->h, after->w, after->h));
    size_t nmag = (m / 2 + 1) * m, nlp = (size_t)LP_RADII * LP_ANGLES;
    double dlog = log(RHO_MAX / RHO_MIN) / (LP_RADII - 1);
    double max_shift = log(SKD_REG_MAX_SCALE) / dlog;
    float *mag = skd_malloc_array(ctx, nmag, sizeof *mag);
    float *lpb = skd_fft_alloc(ctx, nlp * sizeof *lpb);
    float *lpa = skd_fft_alloc(ctx, nlp * sizeof *lpa);
    float *surf = skd_fft_alloc(ctx, nlp * sizeof *surf);
    skd_reg_peak peaks[16];
    size_t np = 0;
    int st = (mag && lpb && lpa && surf) ? SKD_OK : SKD_E_NOMEM;

    *n_out = 0;
    if (st == SKD_OK)
        st = magnitude(ctx, before, m, mag);
    if (st == SKD_OK) {
        log_polar(mag, m, lpb, dlog);
        st = magnitude(ctx, after, m, mag);
    }
    if (st == SKD_OK) {
        log_polar(mag, m, lpa, dlog);
        st = skd_reg_phase_correlate(ctx, lpb, lpa, LP_RADII, LP_ANGLES, 1.0,
                                     LP_RADII / 16.0, surf);
    }
    if (st == SKD_OK) {
        /* Only scales within [1/MAX, MAX] are searched. */
        for (size_t i = 0; i < LP_RADII; i++)
            if (fabs(skd_reg_signed((double)i, LP_RADII)) > max_shift)
                for (size_t j = 0; j < LP_ANGLES; j++)
                    surf[j * LP_RADII + i] = -FLT_MAX;
        if (max_out > sizeof peaks / sizeof peaks[0])
            max_out = sizeof peaks / sizeof peaks[0];
        np = skd_reg_find_peaks(surf, LP_RADII, LP_ANGLES, max_out, 3.0, peaks);
        for (size_t k = 0; k < np; k++) {
            double sx = skd_reg_signed(peaks[k].x, LP_RADII);
            double sy = skd_reg_signed(peaks[k].y, LP_ANGLES);
            out[k].scale = exp(-sx * dlog);
            out[k].rotation_deg = sy * 180.0 / LP_ANGLES;
            out[k].strength = peaks[k].value;
        }
        *n_out = np;
    }
    skd_dealloc(ctx, mag);
    skd_fft_dealloc(ctx, lpb);
    skd_fft_dealloc(ctx, lpa);
    skd_fft_dealloc(ctx, surf);
    return st;
}
