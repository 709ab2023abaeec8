/* The red area's threshold floor (docs/comparing.md, "Red area: the
 * threshold's floor"). The red area counts pixels whose a* exceeds its
 * local background by delta. Where delta lies in the tail of that excess
 * few pixels sit near it and the booth floor (0.5 points) holds; where it
 * lies in the bulk (a quarter or more of the pixels red), a change of the
 * colour contrast between two photos by no more than the Sa floor's share
 * carries a point or more of the region across it with no change of the
 * skin: the portrait at 20 and 15 px/mm moved its local excess by 0.04-0.1
 * a* and its forehead's red area by a point. That movement is the floor. */
#include <math.h>

#include "compare.h"

/* Half the share of sel's pixels marked near the threshold, in points: a
 * contrast change one way carries about half of the band across. */
static double near_share(const skd_analysis *an, const uint8_t *sel)
{
    uint64_t n = 0, near = 0;
    size_t px = (size_t)an->width * an->height;
    if (!an->red_near)
        return NAN;
    for (size_t i = 0; i < px; i++) {
        n += sel[i] != 0;
        near += sel[i] && an->red_near[i];
    }
    return n ? 50.0 * (double)near / (double)n : NAN;
}

double skd_red_threshold_floor(const skd_analysis *b, const uint8_t *sel_b,
                               const skd_analysis *a, const uint8_t *sel_a)
{
    double fb = near_share(b, sel_b), fa = near_share(a, sel_a);
    return isnan(fb) ? fa : isnan(fa) ? fb : fb > fa ? fb : fa;
}

void skd_red_threshold_apply(const skd_ctx *ctx, skd_change *ch,
                             double floor)
{
    /* a floors file holds the clinic's own measured floor: it stands */
    if (skd_opt(ctx, SKD_OPT_FLOOR_SOURCE) == 1 || !(floor > ch->noise_floor))
        return;
    skd_change_refloor(ch, floor, 0);
    ch->floor_source = "red threshold";
}
