/* The common band of two photos of different px/mm (docs/comparing.md,
 * "Different resolutions"). A pixel integrates the light over its square,
 * and resampling, demosaicing and the lens blur more: the finest scales of
 * the sharper photo are not in the coarser one, and figures that reach
 * them differ between the two with no change of the skin. Both photos are
 * then measured in the band the coarser one resolves, the same band in mm
 * for both, through the same FFT filters (no pixel is resampled). */
#include <math.h>

#include "metrics.h"

/* (sigma^2 + v_lo) / (sigma^2 + v_hi) <= w^2, w = 1 + SKD_BAND_FINE_WIDEN:
 * sigma^2 >= (v_lo - w^2 v_hi) / (w^2 - 1). */
double skd_band_fine_mm(double lo, double hi)
{
    double w2 = (1.0 + SKD_BAND_FINE_WIDEN) * (1.0 + SKD_BAND_FINE_WIDEN);
    double s2;
    if (!(lo > 0) || !(hi > lo))
        return SKD_TEXTURE_FINE_MM;
    s2 = (1.0 / (12.0 * lo * lo) - w2 / (12.0 * hi * hi)) / (w2 - 1.0);
    return s2 > SKD_TEXTURE_FINE_MM * SKD_TEXTURE_FINE_MM ? sqrt(s2)
                                                          : SKD_TEXTURE_FINE_MM;
}

/* A Gaussian dip of variance sd2 = r^2 / 2 widened by the pixel's v, seen
 * at sigma_k^2 = sd2: D = 2 A sd2^2 / (2 sd2 + v)^2 with the dip's volume
 * kept, so D scales by ((r^2 + v_hi) / (r^2 + v_lo))^2 between the photos. */
double skd_band_pore_gain(double r_mm, double lo, double hi)
{
    double v_lo = 1.0 / (12.0 * lo * lo), v_hi = 1.0 / (12.0 * hi * hi);
    double g = (r_mm * r_mm + v_hi) / (r_mm * r_mm + v_lo);
    return g * g;
}

int skd_band_first_scale(double lo, double hi)
{
    int k = 0;
    if (!(lo > 0) || !(hi > lo))
        return 0;
    while (k < SKD_PORE_SCALES &&
           skd_band_pore_gain(skd_pore_radius_mm(k), lo, hi) <
               1.0 - SKD_BAND_PORE_LOSS)
        k++;
    return k;
}
