/* The registration tests' harness (test_register*.c): register a pair
 * whose transform is known, check it against the design targets
 * (docs/comparing.md) and keep the worst errors of a group. */
#ifndef REGISTER_CHECK_H
#define REGISTER_CHECK_H

#include "skindiff.h"

#define TARGET_SHIFT 0.5 /* px, length of the error vector */
#define TARGET_ROT 0.2   /* degrees */
#define TARGET_SCALE 0.5 /* percent */

/* The worst errors of a group; start it as WORST_INIT. */
typedef struct worst {
    double shift, rot, scale, min_conf, cpu;
    int n;
} worst;

#define WORST_INIT {0, 0, 0, 1, 0, 0}

/* Register after onto before, check the result against truth within the
 * targets (the rotation's error modulo 360 degrees), print the case
 * (label) when it misses, and track the worst errors and the CPU time. */
void reg_check_pair(skd_ctx *ctx, const skd_image *before, const skd_image *after,
                const skd_transform *truth, const char *label, worst *w);

/* The shared data's astronaut.png (512 x 512; field_image_free), or NULL:
 * the data is missing (the part `what` is skipped, see check_shared_data)
 * or the photo cannot be read (a failure). */
skd_image *reg_astronaut(const char *what);

/* One line of the group's worst errors and mean CPU time. */
void reg_report(const char *what, const worst *w);

/* The worst errors of a group against tolerances measured on that group
 * (the design targets above are far looser: a regression would hide). */
void reg_within(const worst *w, double shift_px, double rot_deg, double scale_pct);

#endif
