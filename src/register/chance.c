/* How high the correlation of two unrelated photos would come by chance.
 *
 * For planes u (before) and v (after mapped into before's frame), both
 * weighted by the square root of the overlap weight and centred, the
 * correlation of independent fields with these spectra over N effective
 * pixels has variance
 *     sigma0^2 = P sum_k |U_k|^2 |V_k|^2 / (N sum_k |U_k|^2 sum_k |V_k|^2)
 * (P bins of the transform; 1/N for white noise). Smooth textures, small
 * overlaps and strong single structures all make sigma0 larger, which is
 * exactly when a searched-for match can look good by accident. */
#include <math.h>
#include <string.h>

#include "../fft/fft.h"
#include "register.h"

/* Fill u, v (pw x ph, zero padded) and return the effective pixel count. */
static double weighted_pair(const skd_reg_plane *B, const skd_reg_plane *A,
                            const skd_sim *sim, size_t pw, float *u, float *v)
{
    skd_sim inv = skd_sim_inverse(sim);
    double bmx = skd_reg_taper_width(B->w), bmy = skd_reg_taper_width(B->h);
    double amx = skd_reg_taper_width(A->w), amy = skd_reg_taper_width(A->h);
    double aw = (double)A->w, ah = (double)A->h;
    double sw = 0, sw2 = 0, sb = 0, sa = 0, mb, ma;
    for (size_t y = 0; y < B->h; y++) {
        double ty = skd_reg_taper((double)y, (double)B->h, bmy);
        for (size_t x = 0; x < B->w; x++) {
            double px, py, w = 0;
            float a = 0;
            skd_sim_apply(&inv, (double)x, (double)y, &px, &py);
            if (ty > 0 && px >= 1.0 && px < aw - 2.0 && py >= 1.0 && py < ah - 2.0) {
                w = ty * skd_reg_taper((double)x, (double)B->w, bmx) *
                    skd_reg_taper(px, aw, amx) * skd_reg_taper(py, ah, amy);
                if (w > 0)
                    a = skd_reg_bicubic(A->v, A->w, px, py);
            }
            /* u, v hold the weight and the samples until centred below */
            u[y * pw + x] = (float)w;
            v[y * pw + x] = a;
            sw += w;
            sw2 += w * w;
            sb += w * B->v[y * B->w + x];
            sa += w * a;
        }
    }
    if (!(sw > 0))
        return 0.0;
    mb = sb / sw;
    ma = sa / sw;
    for (size_t y = 0; y < B->h; y++)
        for (size_t x = 0; x < B->w; x++) {
            size_t i = y * pw + x;
            double r = sqrt(u[i]);
            u[i] = (float)(r * (B->v[y * B->w + x] - mb));
            v[i] = (float)(r * (v[i] - ma));
        }
    return sw * sw / sw2;
}

int skd_reg_chance_level(skd_ctx *ctx, const skd_reg_plane *before,
                         const skd_reg_plane *after, const skd_sim *sim,
                         double *sigma0)
{
    size_t pw = skd_fft_good_size(before->w), ph = skd_fft_good_size(before->h);
    size_t nx = pw / 2 + 1, n = pw * ph;
    float *u = skd_fft_alloc(ctx, n * sizeof *u);
    float *v = skd_fft_alloc(ctx, n * sizeof *v);
    fftwf_complex *fu = skd_fft_alloc(ctx, nx * ph * sizeof *fu);
    fftwf_complex *fv = skd_fft_alloc(ctx, nx * ph * sizeof *fv);
    double neff = 0;
    int st = (u && v && fu && fv) ? SKD_OK : SKD_E_NOMEM;

    *sigma0 = 1.0;
    if (st == SKD_OK) {
        memset(u, 0, n * sizeof *u);
        memset(v, 0, n * sizeof *v);
        neff = weighted_pair(before, after, sim, pw, u, v);
        st = skd_fft_r2c(ctx, pw, ph, u, fu);
    }
    if (st == SKD_OK)
        st = skd_fft_r2c(ctx, pw, ph, v, fv);
    if (st == SKD_OK && neff > 0) {
        double suv = 0, su = 0, sv = 0;
        for (size_t ky = 0; ky < ph; ky++)
            for (size_t kx = 0; kx < nx; kx++) {
                const float *a = fu[ky * nx + kx], *b = fv[ky * nx + kx];
                /* Interior columns stand for their mirror twins too. */
                double m = (kx == 0 || 2 * kx == pw) ? 1.0 : 2.0;
                double pu = (double)a[0] * a[0] + (double)a[1] * a[1];
                double pv = (double)b[0] * b[0] + (double)b[1] * b[1];
                suv += m * pu * pv;
                su += m * pu;
                sv += m * pv;
            }
        if (su > 0 && sv > 0)
            *sigma0 = sqrt((double)n * suv / (neff * su * sv));
    }
    skd_fft_dealloc(ctx, u);
    skd_fft_dealloc(ctx, v);
    skd_fft_dealloc(ctx, fu);
    skd_fft_dealloc(ctx, fv);
    return st;
}
