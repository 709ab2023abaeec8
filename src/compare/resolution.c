/* The acquisition check's resolution item (docs/comparing.md, "Different
 * resolutions"): how many of the sharper photo's pores the other photo's
 * larger pixels alone would lose.
 *
 * A pixel integrates the light over its square, a blur of variance
 * v = 1 / (12 s^2) mm^2 per axis at s px/mm. A Gaussian dip of depth A and
 * sigma sk (mm), seen at its own scale sk, gives D = 2 A sk^4 /
 * (2 sk^2 + v)^2 (docs/measurements.md, Pores, with v added to the dip's
 * variance); through the other photo's pixels its D is scaled by
 * g = ((2 sk^2 + v_hi) / (2 sk^2 + v_lo))^2. A pore of the sharper photo
 * whose D * g falls below tau would not be found in the other: that share
 * is a lower bound of the pore density change the resolution alone makes
 * (lens, demosaicing and resampling blur more; the portraits' 3/4 copies,
 * measured in docs/comparing.md, lose more). */
#include <math.h>

#include "../metrics/metrics.h"
#include "compare.h"

void skd_acquisition_resolution(const skd_ctx *ctx, const skd_comparison *c,
                                skd_acquisition *q)
{
    const skd_analysis *b = c->before, *a = c->after;
    int before_sharper = b->px_per_mm >= a->px_per_mm;
    const skd_analysis *hi = before_sharper ? b : a;
    const uint8_t *common = before_sharper ? c->common_before : c->common_after;
    double s_lo = before_sharper ? a->px_per_mm : b->px_per_mm;
    double tau = skd_opt(ctx, SKD_OPT_PORE_THRESHOLD);
    uint64_t n = 0, lost = 0;

    q->resolution_ratio = a->px_per_mm / b->px_per_mm;
    q->pores_unresolved = 0;
    if (!(s_lo < hi->px_per_mm))
        return;
    for (size_t i = 0; i < hi->n_pores; i++) {
        const skd_pore *p = &hi->pores[i];
        long x = lround(p->x), y = lround(p->y);
        if (x < 0 || y < 0 || x >= (long)hi->width || y >= (long)hi->height ||
            !common[(size_t)y * hi->width + (size_t)x])
            continue;
        n++;
        lost += p->strength * skd_band_pore_gain(p->radius / hi->px_per_mm,
                                                 s_lo, hi->px_per_mm) < tau;
    }
    q->pores_unresolved = n ? (double)lost / (double)n : 0;
}
