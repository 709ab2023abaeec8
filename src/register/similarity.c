/* Similarity transforms: the public centred form, absolute coordinates, and
 * the change of coordinates between working levels. */
#include <math.h>

#include "register.h"

skd_sim skd_sim_from_transform(const skd_transform *t, double wb, double hb,
                               double wa, double ha)
{
    double th = t->rotation_deg * M_PI / 180.0;
    double cax = (wa - 1.0) / 2.0, cay = (ha - 1.0) / 2.0;
    double cbx = (wb - 1.0) / 2.0, cby = (hb - 1.0) / 2.0;
    skd_sim s;
    s.a = t->scale * cos(th);
    s.b = t->scale * sin(th);
    s.tx = cbx + t->dx - (s.a * cax - s.b * cay);
    s.ty = cby + t->dy - (s.b * cax + s.a * cay);
    return s;
}

void skd_sim_to_transform(const skd_sim *s, double wb, double hb, double wa,
                          double ha, skd_transform *t)
{
    double cax = (wa - 1.0) / 2.0, cay = (ha - 1.0) / 2.0;
    double cbx = (wb - 1.0) / 2.0, cby = (hb - 1.0) / 2.0;
    double mx, my;
    skd_sim_apply(s, cax, cay, &mx, &my);
    t->scale = hypot(s->a, s->b);
    t->rotation_deg = atan2(s->b, s->a) * 180.0 / M_PI;
    t->dx = mx - cbx;
    t->dy = my - cby;
}

skd_sim skd_sim_inverse(const skd_sim *s)
{
    double n = s->a * s->a + s->b * s->b;
    skd_sim r;
    r.a = s->a / n;
    r.b = -s->b / n;
    r.tx = -(r.a * s->tx - r.b * s->ty);
    r.ty = -(r.b * s->tx + r.a * s->ty);
    return r;
}

/* Full-resolution p = f q + o with o = (f - 1) / 2 on both axes, so
 * q_b = A q_a + (A o + t - o) / f. */
skd_sim skd_sim_to_level(const skd_sim *s, unsigned f)
{
    double o = ((double)f - 1.0) / 2.0;
    skd_sim r = *s;
    r.tx = ((s->a - s->b) * o + s->tx - o) / (double)f;
    r.ty = ((s->b + s->a) * o + s->ty - o) / (double)f;
    return r;
}

skd_sim skd_sim_from_level(const skd_sim *s, unsigned f)
{
    double o = ((double)f - 1.0) / 2.0;
    skd_sim r = *s;
    r.tx = (double)f * s->tx + o - (s->a - s->b) * o;
    r.ty = (double)f * s->ty + o - (s->b + s->a) * o;
    return r;
}

skd_sim skd_sim_centred(double rotation_deg, double scale, double wb,
                        double hb, double wa, double ha)
{
    skd_transform t = {0.0, 0.0, rotation_deg, scale, 0.0};
    return skd_sim_from_transform(&t, wb, hb, wa, ha);
}
