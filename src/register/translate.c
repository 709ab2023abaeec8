/* The shift, once rotation and scale are fixed: phase correlation of the
 * before plane and the after plane resampled into the before frame. */
#include <string.h>

#include "../fft/fft.h"
#include "register.h"

/* Low cut of the correlation band, plane pixels: broad shapes (the tapers,
 * left-over shading) would pull the peak towards zero shift. */
#define SHIFT_SIGMA_LO 10.0

int skd_reg_translation(skd_ctx *ctx, const skd_reg_plane *before,
                        const skd_reg_plane *after, double rotation_deg,
                        double scale, skd_sim *sim, double *peak)
{
    size_t pw = skd_fft_good_size(before->w), ph = skd_fft_good_size(before->h);
    size_t n = pw * ph;
    skd_sim s = skd_sim_centred(rotation_deg, scale, (double)before->w,
                                (double)before->h, (double)after->w,
                                (double)after->h);
    skd_sim inv = skd_sim_inverse(&s);
    double bmx = skd_reg_taper_width(before->w), bmy = skd_reg_taper_width(before->h);
    double amx = skd_reg_taper_width(after->w), amy = skd_reg_taper_width(after->h);
    double aw = (double)after->w, ah = (double)after->h;
    float *fb = skd_fft_alloc(ctx, n * sizeof *fb);
    float *fa = skd_fft_alloc(ctx, n * sizeof *fa);
    float *surf = skd_fft_alloc(ctx, n * sizeof *surf);
    skd_reg_peak pk;
    int st = (fb && fa && surf) ? SKD_OK : SKD_E_NOMEM;

    if (st == SKD_OK) {
        memset(fb, 0, n * sizeof *fb);
        memset(fa, 0, n * sizeof *fa);
        for (size_t y = 0; y < before->h; y++) {
            double ty = skd_reg_taper((double)y, (double)before->h, bmy);
            for (size_t x = 0; x < before->w; x++) {
                double px, py, wa;
                fb[y * pw + x] = (float)(before->v[y * before->w + x] * ty *
                                         skd_reg_taper((double)x, (double)before->w, bmx));
                skd_sim_apply(&inv, (double)x, (double)y, &px, &py);
                wa = skd_reg_taper(px, aw, amx) * skd_reg_taper(py, ah, amy);
                if (wa > 0)
                    fa[y * pw + x] = (float)(wa * skd_reg_bilinear(after->v, after->w,
                                                                   after->h, px, py));
            }
        }
        st = skd_reg_phase_correlate(ctx, fb, fa, pw, ph, 1.0, SHIFT_SIGMA_LO, surf);
    }
    if (st == SKD_OK) {
        if (skd_reg_find_peaks(surf, pw, ph, 1, 1.0, &pk) == 1) {
            s.tx += skd_reg_signed(pk.x, pw);
            s.ty += skd_reg_signed(pk.y, ph);
            *peak = pk.value;
        } else {
            *peak = 0.0;
        }
        *sim = s;
    }
    skd_fft_dealloc(ctx, fb);
    skd_fft_dealloc(ctx, fa);
    skd_fft_dealloc(ctx, surf);
    return st;
}
