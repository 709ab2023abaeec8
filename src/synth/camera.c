/* Cameras: where each pixel of each photo lands on the skin.
 *
 * Before photo: pixel (x, y) sees skin ((x - cx)/s + offset_x_mm,
 * (y - cy)/s + offset_y_mm), s = px_per_mm, (cx, cy) = ((w-1)/2, (h-1)/2).
 * After photo: pixel p_a first goes to the before-photo pixel
 * p_b = scale * R(theta) * (p_a - c) + c + (dx, dy), the skd_transform
 * convention, with R(theta) = [[cos, -sin], [sin, cos]] acting on (x, y)
 * in image coordinates (y down), then to the skin as above. */
#include <math.h>

#include "synth.h"

void skd_affine_apply(const skd_affine *m, double x, double y, double *u,
                      double *v)
{
    *u = m->a11 * x + m->a12 * y + m->tx;
    *v = m->a21 * x + m->a22 * y + m->ty;
}

void skd_affine_invert(const skd_affine *m, skd_affine *inv)
{
    double det = m->a11 * m->a22 - m->a12 * m->a21;
    inv->a11 = m->a22 / det;
    inv->a12 = -m->a12 / det;
    inv->a21 = -m->a21 / det;
    inv->a22 = m->a11 / det;
    inv->tx = -(inv->a11 * m->tx + inv->a12 * m->ty);
    inv->ty = -(inv->a21 * m->tx + inv->a22 * m->ty);
}

void skd_synth_camera_before(const skd_synth_params *p, skd_affine *m)
{
    double cx = ((double)p->width - 1.0) / 2.0;
    double cy = ((double)p->height - 1.0) / 2.0;
    double k = 1.0 / p->px_per_mm;
    *m = (skd_affine){k, 0, 0, k, p->offset_x_mm - cx * k,
                      p->offset_y_mm - cy * k};
}

void skd_synth_camera_after(const skd_synth_params *p, skd_affine *m)
{
    double cx = ((double)p->width - 1.0) / 2.0;
    double cy = ((double)p->height - 1.0) / 2.0;
    double th = p->camera.rotation_deg * (M_PI / 180.0);
    double k = p->camera.scale / p->px_per_mm;
    double c = cos(th), s = sin(th);
    m->a11 = k * c;
    m->a12 = -k * s;
    m->a21 = k * s;
    m->a22 = k * c;
    m->tx = p->offset_x_mm + p->camera.dx / p->px_per_mm -
            (m->a11 * cx + m->a12 * cy);
    m->ty = p->offset_y_mm + p->camera.dy / p->px_per_mm -
            (m->a21 * cx + m->a22 * cy);
}

void skd_synth_frame_rect(const skd_affine *m, uint32_t w, uint32_t h,
                          double margin_mm, skd_rect *r)
{
    const double xs[2] = {-0.5, (double)w - 0.5};
    const double ys[2] = {-0.5, (double)h - 0.5};
    r->u0 = r->v0 = INFINITY;
    r->u1 = r->v1 = -INFINITY;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double u, v;
            skd_affine_apply(m, xs[i], ys[j], &u, &v);
            r->u0 = fmin(r->u0, u);
            r->u1 = fmax(r->u1, u);
            r->v0 = fmin(r->v0, v);
            r->v1 = fmax(r->v1, v);
        }
    r->u0 -= margin_mm;
    r->v0 -= margin_mm;
    r->u1 += margin_mm;
    r->v1 += margin_mm;
}
