/* Relief: SKD_SYNTH_WAVES plane waves in l, directions uniform,
 * wavelengths log-uniform in [0.15, 0.8] mm (inside the texture band),
 * phases uniform, equal amplitudes sqrt(2/n) x RMS, so the RMS over the
 * plane is exactly the requested one.
 *
 * A photo's pixel -> skin map is affine, so a wave's phase at pixel (x, y)
 * is wx x + wy y + c, and exp(i phase) = exp(i wx x) exp(i (wy y + c)):
 * one table per column and one value per row instead of a cosine per pixel
 * per wave. */
#include <math.h>

#include "synth.h"

void skd_synth_waves_make(uint64_t seed, skd_synth_waves *w)
{
    skd_rng rng;
    double lmin = log(SKD_SYNTH_WAVE_MIN_MM), lmax = log(SKD_SYNTH_WAVE_MAX_MM);
    skd_rng_seed_stream(&rng, seed, SKD_STREAM_WAVES, 0, 0);
    for (int i = 0; i < SKD_SYNTH_WAVES; i++) {
        double lambda = exp(lmin + (lmax - lmin) * skd_rng_uniform(&rng));
        double dir = 2.0 * M_PI * skd_rng_uniform(&rng);
        double k = 2.0 * M_PI / lambda;
        w->kx[i] = k * cos(dir);
        w->ky[i] = k * sin(dir);
        w->phase[i] = 2.0 * M_PI * skd_rng_uniform(&rng);
    }
    w->amplitude = sqrt(2.0 / SKD_SYNTH_WAVES);
}

/* The alias in (-pi, pi] of a frequency in rad/px: what pixels see. */
static double alias(double w)
{
    return w - 2.0 * M_PI * round(w / (2.0 * M_PI));
}

double skd_synth_band_gain(double wx, double wy, double px_per_mm)
{
    double ax = alias(wx), ay = alias(wy), w2 = ax * ax + ay * ay;
    double sf = SKD_SYNTH_TEX_FINE_MM * px_per_mm;
    double sc = SKD_SYNTH_TEX_COARSE_MM * px_per_mm;
    /* Gaussian transfer exp(-2 pi^2 s^2 f^2) with f = w / (2 pi) */
    return exp(-0.5 * sf * sf * w2) - exp(-0.5 * sc * sc * w2);
}

/* Per wave: pixel frequencies wx, wy (rad/px), offset c and band gain. */
typedef struct wave_px {
    double wx, wy, c, gain;
} wave_px;

static void waves_in_photo(const skd_synth_waves *w,
                           const skd_synth_session *s, wave_px *out)
{
    const skd_affine *m = &s->to_skin;
    for (int i = 0; i < SKD_SYNTH_WAVES; i++) {
        out[i].wx = m->a11 * w->kx[i] + m->a21 * w->ky[i];
        out[i].wy = m->a12 * w->kx[i] + m->a22 * w->ky[i];
        out[i].c = w->kx[i] * m->tx + w->ky[i] * m->ty + w->phase[i];
        out[i].gain = skd_synth_band_gain(out[i].wx, out[i].wy, s->px_per_mm);
    }
}

/* m = relief and tex = its texture band (G_0.05 - G_1 applied wave by
 * wave), both w x h. */
int skd_synth_render_relief(skd_ctx *ctx, const skd_synth_world *world,
                            const skd_synth_session *s, double *m, float *tex)
{
    size_t w = s->width, h = s->height, nt;
    double amp = s->relief_rms * world->waves.amplitude;
    wave_px *wp;
    double *ctab, *stab, *rel, *band;
    int st = SKD_OK;

    if (!skd_mul3_size(w, SKD_SYNTH_WAVES, 1, &nt))
        return skd_fail(ctx, SKD_E_LIMIT, "synth: image too wide");
    wp = skd_malloc_array(ctx, SKD_SYNTH_WAVES, sizeof *wp);
    ctab = skd_malloc_array(ctx, nt, sizeof *ctab);
    stab = skd_malloc_array(ctx, nt, sizeof *stab);
    rel = skd_malloc_array(ctx, w, sizeof *rel);
    band = skd_malloc_array(ctx, w, sizeof *band);
    if (!wp || !ctab || !stab || !rel || !band) {
        st = SKD_E_NOMEM;
        goto done;
    }
    waves_in_photo(&world->waves, s, wp);
    /* ctab[i w + x], stab[i w + x] = cos, sin of wx x */
    for (size_t i = 0; i < SKD_SYNTH_WAVES; i++)
        for (size_t x = 0; x < w; x++) {
            double ph = wp[i].wx * (double)x;
            ctab[i * w + x] = cos(ph);
            stab[i * w + x] = sin(ph);
        }
    for (size_t y = 0; y < h; y++) {
        double *restrict r = rel, *restrict bd = band;
        for (size_t x = 0; x < w; x++)
            r[x] = bd[x] = 0;
        if (amp != 0)
            for (size_t i = 0; i < SKD_SYNTH_WAVES; i++) {
                double ph = wp[i].wy * (double)y + wp[i].c;
                double cy = cos(ph), sy = sin(ph), g = wp[i].gain;
                const double *restrict ct = ctab + i * w;
                const double *restrict sn = stab + i * w;
                for (size_t x = 0; x < w; x++) {
                    double v = ct[x] * cy - sn[x] * sy;
                    r[x] += v;
                    bd[x] += g * v;
                }
            }
        for (size_t x = 0; x < w; x++) {
            m[y * w + x] = amp * r[x];
            tex[y * w + x] = (float)(amp * bd[x]);
        }
    }
done:
    skd_dealloc(ctx, wp);
    skd_dealloc(ctx, ctab);
    skd_dealloc(ctx, stab);
    skd_dealloc(ctx, rel);
    skd_dealloc(ctx, band);
    return st;
}

/* sigma^2 lap(G_sigma * relief) at pixel point (x, y), sigma in pixels:
 * each wave of pixel frequency w is scaled by -sigma^2 |w|^2
 * exp(-sigma^2 |w|^2 / 2). Aliased frequencies, as the pixels see them. */
double skd_synth_relief_log(const skd_synth_world *world,
                            const skd_synth_session *s, double x, double y,
                            double sigma)
{
    wave_px wp[SKD_SYNTH_WAVES];
    double sum = 0, s2 = sigma * sigma;
    if (s->relief_rms == 0)
        return 0;
    waves_in_photo(&world->waves, s, wp);
    for (int i = 0; i < SKD_SYNTH_WAVES; i++) {
        double ax = alias(wp[i].wx), ay = alias(wp[i].wy);
        double w2 = ax * ax + ay * ay;
        sum += -s2 * w2 * exp(-0.5 * s2 * w2) * cos(ax * x + ay * y + wp[i].c);
    }
    return s->relief_rms * world->waves.amplitude * sum;
}
