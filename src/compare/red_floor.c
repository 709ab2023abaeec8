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

/* Half the share of the selected pixels marked near the threshold, in
 * points: a contrast change one way carries about half of the band
 * across. NaN without pixels. */
static double half_share(uint64_t near, uint64_t n)
{
    return n ? 50.0 * (double)near / (double)n : NAN;
}

double skd_red_threshold_floor_of(uint64_t near_b, uint64_t n_b,
                                  uint64_t near_a, uint64_t n_a)
{
    double fb = half_share(near_b, n_b), fa = half_share(near_a, n_a);
    return isnan(fb) ? fa : isnan(fa) ? fb : fb > fa ? fb : fa;
}

/* sel's pixels, and those of them near the threshold (*n = 0 without the
 * plane, so the photo gives no floor). */
static uint64_t near_count(const skd_analysis *an, const uint8_t *sel,
                           uint64_t *n)
{
    uint64_t near = 0, count = 0;
    size_t px = (size_t)an->width * an->height;
    *n = 0;
    if (!an->red_near)
        return 0;
    for (size_t i = 0; i < px; i++) {
        count += sel[i] != 0;
        near += sel[i] && an->red_near[i];
    }
    *n = count;
    return near;
}

double skd_red_threshold_floor(const skd_analysis *b, const uint8_t *sel_b,
                               const skd_analysis *a, const uint8_t *sel_a)
{
    uint64_t n_b, n_a;
    uint64_t near_b = near_count(b, sel_b, &n_b);
    uint64_t near_a = near_count(a, sel_a, &n_a);
    return skd_red_threshold_floor_of(near_b, n_b, near_a, n_a);
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
