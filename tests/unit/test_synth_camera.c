/* The after photo's camera: shift, rotation and scale follow the
 * skd_transform convention exactly, every pixel is rendered from the skin
 * (never resampled), and the truth puts the pores where the pixels show
 * them. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "synth/synth.h"
#include "synth_util.h"

/* A skin with everything on, noise off, before == after but for the
 * camera. */
static void rich_skin(skd_synth_params *p, uint32_t w, uint32_t h)
{
    skd_synth_defaults(p, w, h, 20);
    p->noise_sigma = 0;
    p->red_patch_radius_mm = 1;
}

static int level(const skd_image *img, long x, long y, int c)
{
    return img->rgb[((size_t)y * img->width + (size_t)x) * 3 + (size_t)c] / 257;
}

/* after(x, y) against before(map(x, y)) over every pixel whose image lands
 * on an integer before pixel inside the frame; the two are rendered from
 * the same skin point through different floating-point paths, so they may
 * differ by one 8-bit level where a value sits on a rounding edge. */
typedef void (*pixel_map)(long x, long y, long *bx, long *by);

static void compare_mapped(const skd_synth_run *run, pixel_map map,
                           const char *what)
{
    const skd_image *b = run->image[0], *a = run->image[1];
    size_t n = 0, exact = 0, worse = 0;
    for (long y = 0; y < (long)a->height; y++)
        for (long x = 0; x < (long)a->width; x++) {
            long bx, by;
            map(x, y, &bx, &by);
            if (bx < 0 || by < 0 || bx >= (long)b->width || by >= (long)b->height)
                continue;
            for (int c = 0; c < 3; c++) {
                int d = abs(level(a, x, y, c) - level(b, bx, by, c));
                n++;
                exact += d == 0;
                worse += d > 1;
            }
        }
    REPORT("%s: %zu samples compared, %.4f%% identical, %zu off by more "
           "than one level", what, n, 100.0 * exact / (double)n, worse);
    CHECK(n > 0);
    CHECK(worse == 0);
    CHECK(exact >= 0.999 * (double)n);
}

static void shift_10(long x, long y, long *bx, long *by)
{
    *bx = x + 10;
    *by = y;
}

static void shift_m7_4(long x, long y, long *bx, long *by)
{
    *bx = x - 7;
    *by = y + 4;
}

/* w = h = 201: c = (100, 100); R(90) (x - 100, y - 100) = (100 - y, x - 100) */
static void rot_90(long x, long y, long *bx, long *by)
{
    *bx = 100 - (y - 100);
    *by = 100 + (x - 100);
}

/* scale 2 about the centre: p_b = 2 (p_a - c) + c */
static void zoom_out_2(long x, long y, long *bx, long *by)
{
    *bx = 2 * x - 100;
    *by = 2 * y - 100;
}

static void run_camera(skd_ctx *ctx, uint32_t w, uint32_t h, double dx,
                       double dy, double rot, double scale, pixel_map map,
                       const char *what)
{
    skd_synth_params p;
    skd_synth_run run;
    rich_skin(&p, w, h);
    p.camera.dx = dx;
    p.camera.dy = dy;
    p.camera.rotation_deg = rot;
    p.camera.scale = scale;
    CHECK_STATUS(skd_synth_run_make(ctx, &p, 1, &run), SKD_OK);
    if (run.image[1])
        compare_mapped(&run, map, what);
    skd_synth_run_free(ctx, &run);
}

/* 1 when no other pore's dip (out to 4 sigma) reaches within `reach` of q. */
static int isolated(const skd_synth_session *s, const skd_synth_seen_pore *q,
                    double reach)
{
    for (size_t j = 0; j < s->n_pores; j++) {
        const skd_synth_seen_pore *o = &s->pores[j];
        if (o != q && hypot(o->x - q->x, o->y - q->y) < reach + 4 * o->sigma_px)
            return 0;
    }
    return 1;
}

/* Darkness-weighted centroid of the dip around the darkest pixel near
 * (x, y), against the flat skin level: independent of the truth's
 * sub-pixel position. */
static void dark_centroid(const skd_image *img, double Yflat, double x,
                          double y, double reach, double *cx, double *cy)
{
    long mx = lround(x), my = lround(y);
    double sw = 0, sx = 0, sy = 0, best = INFINITY;
    for (long j = lround(y) - 1; j <= lround(y) + 1; j++)
        for (long i = lround(x) - 1; i <= lround(x) + 1; i++) {
            double v = util_Y(img, (uint32_t)i, (uint32_t)j);
            if (v < best) {
                best = v;
                mx = i;
                my = j;
            }
        }
    for (long j = my - (long)reach; j <= my + (long)reach; j++)
        for (long i = mx - (long)reach; i <= mx + (long)reach; i++) {
            double d = 1 - util_Y(img, (uint32_t)i, (uint32_t)j) / Yflat;
            sw += d;
            sx += d * (double)i;
            sy += d * (double)j;
        }
    *cx = sx / sw;
    *cy = sy / sw;
}

/* Pores after rotation, scale and shift: the truth's after position maps
 * through the camera onto the truth's before position, and the centroid of
 * each isolated dip in the after photo sits at the truth's position. */
static void test_pore_positions(skd_ctx *ctx)
{
    skd_synth_params p, flat;
    skd_synth_run run, frun;
    const skd_synth_session *sb, *sa;
    double th, worst_map = 0, worst_centroid = 0, Yflat;
    int must_match = 0, matched = 0, centroids = 0;
    rich_skin(&p, 360, 300);
    p.relief_rms = 0;
    p.red_patches = 0;
    p.pore_density_per_cm2 = 30;
    p.pore_diameter_min_mm = 0.25;
    p.camera = (skd_transform){12.5, -8.25, 7, 1.06, 1};
    p.keep_pores = 0.7;
    util_quiet(&flat, 4, 4, 20);
    CHECK_STATUS(skd_synth_run_make(ctx, &flat, 0, &frun), SKD_OK);
    CHECK_STATUS(skd_synth_run_make(ctx, &p, 1, &run), SKD_OK);
    if (!run.image[1] || !frun.image[0])
        return;
    Yflat = util_Y(frun.image[0], 0, 0);
    sb = &run.session[0];
    sa = &run.session[1];
    th = p.camera.rotation_deg * M_PI / 180;
    CHECK_NEAR(sa->px_per_mm, p.px_per_mm / p.camera.scale, 1e-12);
    for (size_t i = 0; i < sa->n_pores; i++) {
        const skd_synth_seen_pore *q = &sa->pores[i];
        double cx = (p.width - 1) / 2.0, cy = (p.height - 1) / 2.0;
        double ux = q->x - cx, uy = q->y - cy, s = p.camera.scale;
        double bx = s * (cos(th) * ux - sin(th) * uy) + cx + p.camera.dx;
        double by = s * (sin(th) * ux + cos(th) * uy) + cy + p.camera.dy;
        double reach = ceil(4 * q->sigma_px) + 1, gx, gy;
        must_match += bx >= 0 && by >= 0 && bx <= p.width - 1 && by <= p.height - 1;
        for (size_t j = 0; j < sb->n_pores; j++)
            if (sb->pores[j].id == q->id) {
                worst_map = fmax(worst_map, hypot(sb->pores[j].x - bx,
                                                  sb->pores[j].y - by));
                CHECK_NEAR(sb->pores[j].x, bx, 1e-6);
                CHECK_NEAR(sb->pores[j].y, by, 1e-6);
                CHECK_NEAR(q->diameter_mm, sb->pores[j].diameter_mm, 0);
                matched++;
            }
        if (q->x - reach < 2 || q->y - reach < 2 || q->x + reach > p.width - 3 ||
            q->y + reach > p.height - 3 || !isolated(sa, q, reach + 2))
            continue;
        dark_centroid(run.image[1], Yflat, q->x, q->y, reach, &gx, &gy);
        worst_centroid = fmax(worst_centroid, hypot(gx - q->x, gy - q->y));
        CHECK_NEAR(gx, q->x, 0.1);
        CHECK_NEAR(gy, q->y, 0.1);
        centroids++;
    }
    REPORT("rotated/scaled/shifted: %zu pores after (%zu before), %d matched "
           "by id within %.2g px, %d isolated dips' centroids within %.3f px",
           sa->n_pores, sb->n_pores, matched, worst_map, centroids,
           worst_centroid);
    CHECK(matched >= must_match);
    CHECK(centroids > 20);
    /* keep_pores 0.7: about 70% of the before pores remain */
    CHECK_NEAR((double)sa->pores_in_frame / sb->pores_in_frame, 0.7, 0.15);
    skd_synth_run_free(ctx, &run);
    skd_synth_run_free(ctx, &frun);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    if (!ctx)
        return 1;
    run_camera(ctx, 320, 240, 10, 0, 0, 1, shift_10, "shift (10, 0)");
    run_camera(ctx, 320, 240, -7, 4, 0, 1, shift_m7_4, "shift (-7, 4)");
    run_camera(ctx, 201, 201, 0, 0, 90, 1, rot_90, "rotation 90 deg");
    run_camera(ctx, 201, 201, 0, 0, 0, 2, zoom_out_2, "scale 2");
    test_pore_positions(ctx);
    skd_ctx_free(ctx);
    return check_done("test_synth_camera");
}
