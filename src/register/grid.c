/* Exhaustive rotation/scale search over the range photos of one patient
 * usually differ by: the fallback for pairs where Fourier-Mellin finds no
 * convincing peak (little overlap, much changed skin). Each grid point gets
 * its shift by phase correlation; the strongest peaks are kept. */
#include <math.h>

#include "register.h"

#define GRID_ROT_MAX 12.0  /* degrees, both ways */
#define GRID_ROT_STEP 2.0
#define GRID_LOG_SCALE_STEP 0.03
#define GRID_SCALE_STEPS 4 /* each way: scales exp(+-0.12) = 0.89..1.13 */

int skd_reg_grid_search(skd_ctx *ctx, const skd_reg_plane *before,
                        const skd_reg_plane *after, size_t max_out,
                        skd_sim *out, double *peak, size_t *n_out)
{
    size_t n = 0;
    *n_out = 0;
    for (double rot = -GRID_ROT_MAX; rot <= GRID_ROT_MAX + 1e-9; rot += GRID_ROT_STEP)
        for (int k = -GRID_SCALE_STEPS; k <= GRID_SCALE_STEPS; k++) {
            skd_sim s;
            double pk;
            size_t at;
            int st = skd_reg_translation(ctx, before, after, rot,
                                         exp(k * GRID_LOG_SCALE_STEP), &s, &pk);
            if (st != SKD_OK)
                return st;
            /* Insertion into the list of the best, strongest first. */
            for (at = n; at > 0 && peak[at - 1] < pk; at--)
                if (at < max_out) {
                    peak[at] = peak[at - 1];
                    out[at] = out[at - 1];
                }
            if (at < max_out) {
                peak[at] = pk;
                out[at] = s;
                if (n < max_out)
                    n++;
            }
        }
    *n_out = n;
    return SKD_OK;
}
