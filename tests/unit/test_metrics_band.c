/* The texture band's edges, pinned by sinusoidal relief. docs/measurements.md defines
 * T = G_0.05mm * l - G_1mm * l, so a cosine of wavelength L (mm) in l comes
 * out scaled by the DoG transfer function
 *     g(L) = exp(-2 pi^2 (0.05 / L)^2) - exp(-2 pi^2 (1.0 / L)^2).
 * The band's numbers are written here, not taken from the library, so a
 * wrong edge in the code cannot move its own expectation. Wavelengths well
 * inside the band pass almost fully, those beyond either edge are
 * suppressed, and those near the edges are where a wrong sigma shows most. */
#include "metrics_test_util.h"

#define FINE_MM 0.05  /* docs/measurements.md: the band's fine edge, sigma in mm */
#define COARSE_MM 1.0 /* and its coarse edge */

static double band_gain(double wavelength_mm)
{
    double a = FINE_MM / wavelength_mm, b = COARSE_MM / wavelength_mm;
    return exp(-2 * M_PI * M_PI * a * a) - exp(-2 * M_PI * M_PI * b * b);
}

/* One case: s px/mm, wavelength L mm over m half-periods of the width;
 * want_gain is the gain written out by hand (a check on band_gain itself);
 * rel the tolerance on Sa and Sq. */
static void band_case(double s, double wavelength_mm, int m, double want_gain,
                      double rel)
{
    skd_ctx *ctx = skd_ctx_create();
    const double c = 5.0;
    const double period_px = wavelength_mm * s;
    const size_t w = (size_t)lround(m * period_px / 2), h = 24;
    skd_image *img = tu_image(ctx, (uint32_t)w, (uint32_t)h);
    tu_wave p = {-150.0, c, m / (2.0 * (double)w)};
    double grey[3] = {1, 1, 1}, g = band_gain(wavelength_mm), mabs = 0, msq = 0;
    skd_analysis *a = NULL;

    CHECK(fabs(m * period_px / 2 - (double)w) < 1e-9); /* whole half-periods */
    CHECK_NEAR(g, want_gain, 5e-5);
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, s);
    skd_ctx_set(ctx, SKD_OPT_SKIN, 0); /* a grey wave: the definition, not skin */
    tu_paint(img, tu_wave_l, &p, grey);
    CHECK_STATUS(skd_analyze(ctx, img, NULL, &a), SKD_OK);
    for (size_t x = 0; x < w; x++) {
        double v = cos(2 * M_PI * p.f * ((double)x + 0.5));
        mabs += fabs(v) / (double)w;
        msq += v * v / (double)w;
    }
    if (a) {
        double sa_want = c * g * mabs, sq_want = c * g * sqrt(msq);
        REPORT("%3.0f px/mm, wavelength %5.2f mm (%6.1f px): gain %.5f; Sa %.6f want %.6f "
               "(%+.3f%%), Sq %.6f want %.6f (%+.3f%%)",
               s, wavelength_mm, period_px, g, a->metrics.sa, sa_want,
               100 * (a->metrics.sa / sa_want - 1), a->metrics.sq, sq_want,
               100 * (a->metrics.sq / sq_want - 1));
        CHECK(a->metrics.region_pixels == w * h);
        CHECK_REL(a->metrics.sa, sa_want, rel);
        CHECK_REL(a->metrics.sq, sq_want, rel);
    }
    skd_analysis_free(a);
    skd_image_free(img);
    skd_ctx_free(ctx);
}

int main(void)
{
    /* Tolerance 0.1% on Sa and Sq everywhere: the worst error measured over
     * these cases is 0.044% (16-bit rounding of the photo); the error of each
     * case (Sa, Sq) is written beside it. */
    /* Inside the band: passes almost fully. */
    band_case(20, 2.0, 40, 0.980547, 0.001);  /* -0.033%, -0.031% */
    band_case(20, 1.0, 80, 0.951850, 0.001);  /* -0.014%, -0.012% */
    band_case(20, 0.3, 270, 0.577925, 0.001); /* -0.031%, -0.036% */
    /* Beyond the coarse edge: slow shading is taken out. */
    band_case(20, 10.0, 8, 0.178638, 0.001); /* +0.003%, -0.004% */
    band_case(20, 20.0, 4, 0.048027, 0.001); /* -0.013%, +0.001% */
    /* Near and beyond the fine edge: pixel-scale noise is taken out. */
    band_case(20, 0.15, 540, 0.111554, 0.001); /* +0.041%, +0.041% */
    band_case(60, 0.15, 134, 0.111554, 0.001); /* +0.031%, +0.031% */
    band_case(60, 0.1, 200, 0.007192, 0.001);  /* -0.032%, -0.044% */
    return check_done("test_metrics_band");
}
