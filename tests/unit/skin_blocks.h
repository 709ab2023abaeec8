/* Blocks painted into a picture and the skin map's answer for each: the
 * tests of the skin map's rules (test_skin_rules, test_skin_highlight). */
#ifndef SKD_TEST_SKIN_BLOCKS_H
#define SKD_TEST_SKIN_BLOCKS_H

#include "check.h"

/* Share of the inside of [x0, x1) x [y0, y1) that S keeps, 2 px in from
 * its edges (cell outlines and the opening move edges by a pixel or two). */
static inline double test_skin_kept(const skd_analysis *a, uint32_t x0,
                                    uint32_t y0, uint32_t x1, uint32_t y1)
{
    size_t in = 0, n = 0;
    for (uint32_t y = y0 + 2; y + 2 < y1; y++)
        for (uint32_t x = x0 + 2; x + 2 < x1; x++) {
            in += a->cause[(size_t)y * a->width + x] != SKD_CAUSE_NOT_SKIN;
            n++;
        }
    return n ? (double)in / (double)n : 0;
}

/* What the rule says of a block: in S (>= 95% kept) or not (<= 5%). */
static inline void test_skin_check_block(double kept, int in_s)
{
    if (in_s)
        CHECK(kept >= 0.95);
    else
        CHECK(kept <= 0.05);
}

#endif
