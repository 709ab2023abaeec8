/* What was not measured and why: the cause of every pixel outside R and
 * the shares of the frame by cause (docs/measurements.md: every output reports
 * them). */
#include "metrics.h"

#define OVEREXPOSED_SHARE 0.02 /* clipped_fraction above this warns */

/* Pixels per chunk: rewritten, then counted while still in cache; the
 * per-chunk counters (32 bits) cannot overflow. */
#define CHUNK 65536

/* The final causes of n pixels (see metrics.h); returns how many of R's
 * pixels are partly clipped. Selects and sums the compiler vectorises. */
static uint32_t finish_chunk(uint8_t *restrict cause,
                             const uint8_t *restrict region, size_t n)
{
    uint32_t clipped = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = cause[i], why = c & (SKD_CAUSE_CLIPPED - 1u);
        unsigned in = region[i] != 0;
        clipped += in & (c >> 7);
        why = why == SKD_CAUSE_NONE ? SKD_CAUSE_MARGIN : why;
        cause[i] = (uint8_t)(in ? SKD_CAUSE_NONE : why);
    }
    return clipped;
}

static uint32_t count_value(const uint8_t *restrict p, size_t n, unsigned v)
{
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i] == v;
    return k;
}

uint64_t skd_exclusion_finish(skd_analysis *a, uint64_t skin_kept)
{
    size_t n = (size_t)a->width * a->height;
    uint64_t count[SKD_CAUSE_MARGIN + 1] = {0}, clipped = 0;
    skd_exclusion *e = &a->exclusion;
    double frame = (double)n;
    for (size_t i = 0; i < n; i += CHUNK) {
        size_t m = n - i < CHUNK ? n - i : CHUNK;
        clipped += finish_chunk(a->cause + i, a->region + i, m);
        for (unsigned v = 0; v <= SKD_CAUSE_MARGIN; v++)
            count[v] += count_value(a->cause + i, m, v);
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
