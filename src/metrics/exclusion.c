/* What was not measured and why: the cause of every pixel outside R and
 * the shares of the frame by cause (docs/measurements.md: every output reports
 * them). */
#include "metrics.h"

#define OVEREXPOSED_SHARE 0.02 /* clipped_fraction above this warns */

uint64_t skd_exclusion_finish(skd_analysis *a, uint64_t skin_kept)
{
    size_t n = (size_t)a->width * a->height;
    uint64_t count[SKD_CAUSE_MARGIN + 1] = {0}, clipped = 0;
    skd_exclusion *e = &a->exclusion;
    double frame = (double)n;
    for (size_t i = 0; i < n; i++) {
        unsigned c = a->cause[i], why = c & (SKD_CAUSE_CLIPPED - 1u);
        if (a->region[i]) {
            clipped += c >> 7;
            why = SKD_CAUSE_NONE;
        } else if (why == SKD_CAUSE_NONE) {
            why = SKD_CAUSE_MARGIN;
        }
        a->cause[i] = (uint8_t)why;
        count[why]++;
    }
    e->region = (double)count[SKD_CAUSE_NONE] / frame;
    e->skin = e->skin_map ? (double)skin_kept / frame : 1.0;
    e->not_skin = (double)count[SKD_CAUSE_NOT_SKIN] / frame;
    e->highlight = (double)count[SKD_CAUSE_HIGHLIGHT] / frame;
    e->too_dark = (double)count[SKD_CAUSE_TOO_DARK] / frame;
    e->outside_roi_mask = (double)count[SKD_CAUSE_OUTSIDE] / frame;
    e->margin = (double)count[SKD_CAUSE_MARGIN] / frame;
    e->clipped = count[SKD_CAUSE_NONE]
                     ? (double)clipped / (double)count[SKD_CAUSE_NONE]
                     : 0.0;
    if (e->clipped > OVEREXPOSED_SHARE)
        a->warnings |= SKD_WARN_OVEREXPOSED;
    return count[SKD_CAUSE_NONE];
}
