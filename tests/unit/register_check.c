#include "register_check.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

#include "check.h"
#include "test_register_field.h"

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void reg_check_pair(skd_ctx *ctx, const skd_image *before, const skd_image *after,
                const skd_transform *truth, const char *label, worst *w)
{
    skd_transform t;
    double t0 = cpu_seconds(), es, er, ek;
    int st = skd_register(ctx, before, after, &t);
    w->cpu += cpu_seconds() - t0;
    w->n++;
    es = hypot(t.dx - truth->dx, t.dy - truth->dy);
    er = fabs(remainder(t.rotation_deg - truth->rotation_deg, 360.0));
    ek = 100.0 * fabs(t.scale / truth->scale - 1.0);
    CHECK_STATUS(st, SKD_OK);
    CHECK(es <= TARGET_SHIFT);
    CHECK(er <= TARGET_ROT);
    CHECK(ek <= TARGET_SCALE);
    if (st != SKD_OK || es > TARGET_SHIFT || er > TARGET_ROT || ek > TARGET_SCALE)
        fprintf(stderr, "  %s: truth (%.2f, %.2f, %.3f deg, %.4f) got (%.2f, %.2f, "
                "%.3f deg, %.4f) conf %.3f: %s\n", label, truth->dx, truth->dy,
                truth->rotation_deg, truth->scale, t.dx, t.dy, t.rotation_deg,
                t.scale, t.confidence, skd_ctx_message(ctx));
    w->shift = fmax(w->shift, es);
    w->rot = fmax(w->rot, er);
    w->scale = fmax(w->scale, ek);
    w->min_conf = fmin(w->min_conf, t.confidence);
}

void reg_report(const char *what, const worst *w)
{
    REPORT("%-36s n=%2d worst shift %.3f px, rotation %.4f deg, scale %.3f%%, "
           "min confidence %.3f, mean %.3f s CPU", what, w->n, w->shift, w->rot,
           w->scale, w->min_conf, w->n ? w->cpu / w->n : 0.0);
}

void reg_within(const worst *w, double shift_px, double rot_deg, double scale_pct)
{
    CHECK(w->shift <= shift_px);
    CHECK(w->rot <= rot_deg);
    CHECK(w->scale <= scale_pct);
}

skd_image *reg_astronaut(const char *what)
{
    skd_image *img;
    if (!check_shared_data("photos/astronaut.png", what))
        return NULL;
    img = field_load_png(SKD_SHARED_DATA "/photos/astronaut.png");
    CHECK(img != NULL);
    return img;
}
