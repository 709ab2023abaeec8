/* Pore geometry of the generator: density, hard-core spacing, ranges,
 * independence from the frame, and the dips as rendered into l. Also the
 * random number generator the skin is drawn from. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "synth/synth.h"

static size_t count_inside(const skd_synth_pore *p, size_t n, const skd_rect *r)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i].u >= r->u0 && p[i].u < r->u1 && p[i].v >= r->v0 &&
             p[i].v < r->v1;
    return k;
}

/* Counts in a 20 cm^2 window over 30 seeds: each within 4 Poisson sd of
 * density x area, their mean within 3 Poisson sd of the mean (a hard-core
 * process is less variable than Poisson, so these bounds are loose). */
static void test_density(skd_ctx *ctx, double dmin, double dmax, double density)
{
    skd_synth_params p;
    skd_rect r = {-25, -20, 25, 20};
    double area_cm2 = (r.u1 - r.u0) * (r.v1 - r.v0) / 100, expect, total = 0;
    double var = 0, max_density;
    const int seeds = 30;
    skd_synth_defaults(&p, 100, 100, 20);
    p.pore_diameter_min_mm = dmin;
    p.pore_diameter_max_mm = dmax;
    p.pore_density_per_cm2 = density;
    expect = density * area_cm2;
    for (int s = 0; s < seeds; s++) {
        skd_synth_pore *pores;
        size_t n, k;
        p.seed = 1000 + (uint64_t)s;
        CHECK_STATUS(skd_synth_pores_make(ctx, &p, &r, &pores, &n), SKD_OK);
        k = count_inside(pores, n, &r);
        CHECK_NEAR((double)k, expect, 4 * sqrt(expect));
        total += (double)k;
        var += ((double)k - expect) * ((double)k - expect);
        skd_dealloc(ctx, pores);
    }
    skd_synth_candidate_density(&p, &max_density);
    REPORT("diameters %.2f-%.2f mm at %g/cm^2 (max %.1f): mean count %.1f, "
           "expected %.1f, sd %.1f (Poisson %.1f)",
           dmin, dmax, density, max_density, total / seeds, expect,
           sqrt(var / seeds), sqrt(expect));
    CHECK_NEAR(total / seeds, expect, 3 * sqrt(expect / seeds));
}

/* No two pores closer than 3 x the larger radius; diameters and depths
 * inside their ranges. */
static void test_spacing(skd_ctx *ctx)
{
    skd_synth_params p;
    skd_rect r = {-15, -12, 15, 12};
    skd_synth_pore *q;
    size_t n, violations = 0, out_of_range = 0;
    double dsum = 0, closest = INFINITY;
    skd_synth_defaults(&p, 100, 100, 20);
    p.pore_density_per_cm2 = 100;
    CHECK_STATUS(skd_synth_pores_make(ctx, &p, &r, &q, &n), SKD_OK);
    for (size_t i = 0; i < n; i++) {
        out_of_range += q[i].diameter < p.pore_diameter_min_mm ||
                        q[i].diameter > p.pore_diameter_max_mm ||
                        q[i].depth < p.pore_depth_min ||
                        q[i].depth > p.pore_depth_max ||
                        !(q[i].keep_draw >= 0 && q[i].keep_draw < 1);
        dsum += q[i].diameter;
        for (size_t j = i + 1; j < n; j++) {
            double du = q[i].u - q[j].u, dv = q[i].v - q[j].v;
            double lim = 3 * fmax(q[i].diameter, q[j].diameter) / 2;
            double ratio = sqrt(du * du + dv * dv) / lim;
            closest = fmin(closest, ratio);
            violations += ratio < 1;
        }
    }
    REPORT("%zu pores at 100/cm^2: closest pair at %.3f x the hard-core "
           "distance, mean diameter %.3f mm (candidates 0.26)",
           n, closest, dsum / n);
    CHECK(n > 500);
    CHECK(violations == 0);
    CHECK(out_of_range == 0);
    skd_dealloc(ctx, q);
}

/* The skin does not depend on the window: two overlapping windows agree
 * on every pore inside their overlap. */
static void test_window_independence(skd_ctx *ctx)
{
    skd_synth_params p;
    skd_rect a = {-10, -10, 10, 10}, b = {3.3, -4.1, 27, 19}, o = {3.3, -4.1, 10, 10};
    skd_synth_pore *pa, *pb;
    size_t na, nb, ka = 0, matched = 0;
    skd_synth_defaults(&p, 100, 100, 20);
    CHECK_STATUS(skd_synth_pores_make(ctx, &p, &a, &pa, &na), SKD_OK);
    CHECK_STATUS(skd_synth_pores_make(ctx, &p, &b, &pb, &nb), SKD_OK);
    for (size_t i = 0; i < na; i++) {
        if (!(pa[i].u >= o.u0 && pa[i].u < o.u1 && pa[i].v >= o.v0 &&
              pa[i].v < o.v1))
            continue;
        ka++;
        for (size_t j = 0; j < nb; j++)
            if (!memcmp(&pa[i], &pb[j], sizeof pa[i])) {
                matched++;
                break;
            }
    }
    REPORT("overlap: %zu pores, %zu identical in the other window", ka, matched);
    CHECK(ka > 20);
    CHECK(matched == ka);
    CHECK(count_inside(pb, nb, &o) == ka);
    skd_dealloc(ctx, pa);
    skd_dealloc(ctx, pb);
}

/* The dips as drawn into m (before 8-bit rounding): at every pore's
 * nearest pixel m is the sum of -A exp(-d^2 / (2 sigma^2)) over the pores
 * whose square of +-5 sigma holds the pixel. */
static void test_dips_in_l(skd_ctx *ctx)
{
    skd_synth_params p;
    skd_synth_session s;
    skd_synth_world world;
    skd_rect r;
    double *m = NULL, worst = 0;
    float *tex = NULL;
    size_t n;
    skd_synth_defaults(&p, 240, 200, 15);
    memset(&s, 0, sizeof s);
    memset(&world, 0, sizeof world);
    s.width = p.width;
    s.height = p.height;
    s.px_per_mm = p.px_per_mm;
    s.pore_scale = 0.8;
    s.keep_pores = 1;
    skd_synth_camera_before(&p, &s.to_skin);
    skd_affine_invert(&s.to_skin, &s.to_px);
    skd_synth_frame_rect(&s.to_skin, p.width, p.height,
                         skd_synth_pore_margin_mm(&p), &r);
    CHECK_STATUS(skd_synth_pores_make(ctx, &p, &r, &world.pores, &world.n_pores),
                 SKD_OK);
    n = (size_t)p.width * p.height;
    m = calloc(n, sizeof *m);
    tex = calloc(n, sizeof *tex);
    if (!m || !tex)
        goto done;
    CHECK_STATUS(skd_synth_render_pores(ctx, &world, &s, m, tex), SKD_OK);
    for (size_t i = 0; i < s.n_pores; i++) {
        double x = round(s.pores[i].x), y = round(s.pores[i].y), want = 0;
        if (x < 0 || y < 0 || x >= p.width || y >= p.height)
            continue;
        for (size_t j = 0; j < s.n_pores; j++) {
            double dx = x - s.pores[j].x, dy = y - s.pores[j].y;
            double s2 = s.pores[j].sigma_px * s.pores[j].sigma_px;
            if (fabs(dx) <= 5 * s.pores[j].sigma_px &&
                fabs(dy) <= 5 * s.pores[j].sigma_px)
                want -= s.pores[j].A * exp(-(dx * dx + dy * dy) / (2 * s2));
        }
        worst = fmax(worst, fabs(m[(size_t)y * p.width + (size_t)x] - want));
        CHECK_NEAR(m[(size_t)y * p.width + (size_t)x], want, 1e-9);
        CHECK_NEAR(s.pores[i].A,
                   0.8 * skd_synth_pore_amplitude(world.pores[s.pores[i].id].depth),
                   1e-9);
    }
    REPORT("%zu pores drawn into l: worst error at centre pixels %.2g", s.n_pores,
           worst);
    CHECK(s.n_pores > 20);
done:
    free(m);
    free(tex);
    skd_dealloc(ctx, s.pores);
    skd_dealloc(ctx, world.pores);
}

static void test_rng(void)
{
    skd_rng r;
    const int n = 200000;
    double sum = 0, sq = 0;
    static const double means[] = {0.7, 7.3, 41.5};
    skd_rng_seed_stream(&r, 5, 1, 0, 0);
    for (int i = 0; i < n; i++) {
        double z = skd_rng_normal(&r);
        sum += z;
        sq += z * z;
    }
    REPORT("normal: mean %.4f, variance %.4f", sum / n, sq / n);
    CHECK_NEAR(sum / n, 0, 4 / sqrt(n));
    CHECK_NEAR(sq / n, 1, 4 * sqrt(2.0 / n));
    for (size_t k = 0; k < sizeof means / sizeof means[0]; k++) {
        const int m = 50000;
        double s1 = 0, s2 = 0, mu = means[k];
        for (int i = 0; i < m; i++) {
            double v = skd_rng_poisson(&r, mu);
            s1 += v;
            s2 += v * v;
        }
        s1 /= m;
        s2 = s2 / m - s1 * s1;
        REPORT("poisson(%g): mean %.4f, variance %.4f", mu, s1, s2);
        CHECK_NEAR(s1, mu, 4 * sqrt(mu / m));
        CHECK_NEAR(s2, mu, 4 * mu * sqrt(2.0 / m) + 4 * sqrt(mu / m));
    }
    /* streams differ by every input */
    {
        skd_rng a, b, c;
        skd_rng_seed_stream(&a, 1, 2, 3, 4);
        skd_rng_seed_stream(&b, 1, 2, 4, 3);
        skd_rng_seed_stream(&c, 1, 2, 3, 4);
        CHECK(skd_rng_next(&a) != skd_rng_next(&b));
        skd_rng_seed_stream(&a, 1, 2, 3, 4);
        CHECK(skd_rng_next(&a) == skd_rng_next(&c));
    }
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    if (!ctx)
        return 1;
    test_density(ctx, 0.12, 0.4, 60);
    test_density(ctx, 0.3, 0.5, 40);
    test_density(ctx, 0.2, 0.2, 100);
    test_density(ctx, 0.12, 0.4, 130); /* 0.9 of the most the spacing allows */
    test_spacing(ctx);
    test_window_independence(ctx);
    test_dips_in_l(ctx);
    test_rng();
    skd_ctx_free(ctx);
    return check_done("test_synth_pores");
}
