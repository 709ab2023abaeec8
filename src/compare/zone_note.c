/* What a zone of a comparison needs said beside its figures: compare's
 * text, JSON and CSV and batch's stored zone rows (comparison_zones.note)
 * take it from here, so they say it in the same words. */
#include <stdio.h>

#include "compare.h"

const char *skd_zone_change_note(const skd_zone_comparison *zc, skd_zone zone,
                                 char *buf, size_t cap)
{
    const skd_zone_change *ch;
    const skd_replicates *r, *whole;
    if (!zc || (unsigned)zone >= SKD_ZONE_COUNT)
        return NULL;
    ch = &zc->zone[zone];
    r = &zc->replicates[zone];
    whole = &zc->replicates[SKD_ZONE_WHOLE];
    if (!ch->measured)
        return "no common skin in this zone";
    if (ch->tiles_used < 2)
        return whole->n_before + whole->n_after > 2
                   ? "too small for an interval (fewer than 2 tiles): the "
                     "first photos' figures, not the sessions' means"
                   : "too small for an interval (fewer than 2 tiles)";
    if (r->n_before < whole->n_before || r->n_after < whole->n_after) {
        if (!buf || cap == 0)
            return "sessions' means over fewer photos than the sessions have";
        snprintf(buf, cap, "sessions' means over %u of %u before and %u of "
                           "%u after photos (missing or too small in the "
                           "others)", r->n_before, whole->n_before,
                 r->n_after, whole->n_after);
        return buf;
    }
    return NULL;
}
