/* The colour test of each cell against the photo's skin model. */
#include <math.h>

#include "skin.h"

#define DEG (180.0 / M_PI)

void skd_skin_classify(const skd_skin_grid *g, const skd_skin_model *m,
                       int lips_by_colour, uint8_t *s)
{
    size_t n = g->gw * g->gh;
    double det = m->saa * m->sbb - m->sab * m->sab;
    double l_min = SKD_SKIN_DARK_RATIO * m->l_median;
    double lip_b = m->mb - SKD_SKIN_LIP_B_DEFICIT * sqrt(m->sbb);
    double core_d2 = -2.0 * log(SKD_SKIN_CORE_WEIGHT);
    for (size_t i = 0; i < n; i++) {
        double L = g->L[i], a = g->a[i], b = g->b[i];
        double da = a - m->ma, db = b - m->mb, c = hypot(a, b);
        double h = atan2(b, a) * DEG, d2;
        int lip = lips_by_colour && da > 0 && b < lip_b && L < m->l_median &&
                  g->red[i] < SKD_SKIN_LIP_RED_MAX;
        /* redder than the model is forgiven up to the allowance: redness
         * is what is measured, so red skin must stay in S */
        da -= da > SKD_SKIN_RED_ALLOWANCE ? SKD_SKIN_RED_ALLOWANCE
              : da > 0                    ? da
                                          : 0;
        d2 = (m->sbb * da * da - 2.0 * m->sab * da * db + m->saa * db * db) / det;
        s[i] = !lip && d2 < SKD_SKIN_D2_MAX && L > l_min && L < SKD_SKIN_L_MAX &&
               h > SKD_SKIN_HUE_MIN && h < SKD_SKIN_HUE_MAX &&
               c > SKD_SKIN_C_MIN && c < SKD_SKIN_C_MAX;
        s[i] = (uint8_t)(s[i] + (s[i] && d2 <= core_d2));
    }
}
