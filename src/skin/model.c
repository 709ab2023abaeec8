/* The photo's own skin colour: seeded by the prior, then a robust,
 * reweighted estimate of the mean and covariance of (a*, b*) (each cell
 * weighted by its Gaussian likelihood under the current estimate, times
 * the prior's weight). It climbs to the mode of skin colour nearest the
 * prior rather than to the largest coloured area of the photo (an orange
 * suit, a beige wall), and the same fixed rule adapts to any skin tone
 * and white balance because it is estimated from the photo. With a face,
 * the cells of its cheeks, nose and chin are the seed: the subject's own
 * skin, with no prior to pull it. */
#include <math.h>

#include "skin.h"

#define DEG (180.0 / M_PI)

typedef struct cov2 {
    double aa, ab, bb;
} cov2;

static double mahal2(const cov2 *s, double da, double db)
{
    double det = s->aa * s->bb - s->ab * s->ab;
    return (s->bb * da * da - 2.0 * s->ab * da * db + s->aa * db * db) / det;
}

/* The covariance with its eigenvalues clamped to [lo^2, hi^2]: a flat
 * colour must not collapse the model, nor a mixed seed widen it beyond
 * skin. */
static void clamp_cov(cov2 *s, double lo, double hi)
{
    double m = 0.5 * (s->aa + s->bb), d = 0.5 * (s->aa - s->bb);
    double r = sqrt(d * d + s->ab * s->ab), e1 = m + r, e2 = m - r;
    double c, sn, t1, t2;
    if (r > 0) { /* eigenvector of e1: (ab, e1 - aa) or (e1 - bb, ab) */
        double vx = e1 - s->bb, vy = s->ab, nv = hypot(vx, vy);
        c = vx / nv;
        sn = vy / nv;
    } else {
        c = 1;
        sn = 0;
    }
    t1 = e1 < lo * lo ? lo * lo : e1 > hi * hi ? hi * hi : e1;
    t2 = e2 < lo * lo ? lo * lo : e2 > hi * hi ? hi * hi : e2;
    s->aa = t1 * c * c + t2 * sn * sn;
    s->bb = t1 * sn * sn + t2 * c * c;
    s->ab = (t1 - t2) * c * sn;
}

int skd_skin_in_prior(float L, float a, float b)
{
    double c = hypot(a, b), h = atan2(b, a) * DEG;
    return L > SKD_SKIN_PRIOR_L_MIN && L < SKD_SKIN_PRIOR_L_MAX &&
           c > SKD_SKIN_PRIOR_C_MIN && c < SKD_SKIN_PRIOR_C_MAX &&
           h > SKD_SKIN_PRIOR_HUE_MIN && h < SKD_SKIN_PRIOR_HUE_MAX;
}

/* Median L* of the cells whose weight under the model passes the core
 * limit, from a histogram in steps of 0.25. */
static double core_l_median(const skd_skin_grid *g, const uint32_t *seed,
                            size_t ns, const skd_skin_model *m)
{
    enum { BINS = 401 };
    uint32_t hist[BINS] = {0};
    cov2 s = {m->saa, m->sab, m->sbb};
    double d2max = -2.0 * log(SKD_SKIN_CORE_WEIGHT);
    size_t total = 0, acc = 0;
    for (size_t k = 0; k < ns; k++) {
        size_t i = seed[k];
        if (mahal2(&s, g->a[i] - m->ma, g->b[i] - m->mb) <= d2max) {
            int bin = (int)(g->L[i] * 4.0f);
            hist[bin < 0 ? 0 : bin >= BINS ? BINS - 1 : bin]++;
            total++;
        }
    }
    for (int b = 0; b < BINS; b++) {
        acc += hist[b];
        if (2 * acc >= total && total > 0)
            return (b + 0.5) / 4.0;
    }
    return 0;
}

int skd_skin_model_fit(skd_ctx *ctx, const skd_skin_grid *g,
                       const uint8_t *face, skd_skin_model *m)
{
    size_t n = g->gw * g->gh, ns = 0;
    uint32_t *seed = skd_malloc_array(ctx, n, sizeof *seed);
    float *pw = skd_malloc_array(ctx, n, 2 * sizeof *pw), *wk;
    cov2 prior = {SKD_SKIN_PRIOR_SAA, SKD_SKIN_PRIOR_SAB, SKD_SKIN_PRIOR_SBB};
    cov2 s = prior;
    double ma = SKD_SKIN_PRIOR_A, mb = SKD_SKIN_PRIOR_B;
    if (!seed || !pw) {
        skd_dealloc(ctx, seed);
        skd_dealloc(ctx, pw);
        return SKD_E_NOMEM;
    }
    wk = pw + n;
    /* at most about SKD_SKIN_SEED_MAX cells, evenly spread: a colour
     * distribution needs no more, and the fit costs per cell and round */
    size_t step = (face ? skd_skin_face_count(face, n) : n) / SKD_SKIN_SEED_MAX + 1;
    for (size_t i = 0, k = 0; i < n; i++) {
        if (face && !face[i])
            continue;
        if (k++ % step == 0 && skd_skin_in_prior(g->L[i], g->a[i], g->b[i])) {
            pw[ns] = face ? 1.0f
                          : (float)exp(-0.5 * mahal2(&prior, g->a[i] - SKD_SKIN_PRIOR_A,
                                                     g->b[i] - SKD_SKIN_PRIOR_B));
            seed[ns++] = (uint32_t)i;
        }
    }
    /* start wider than the prior, so the first step sees all of it */
    s.aa *= 1.2;
    s.bb *= 1.25;
    for (int it = 0; it < SKD_SKIN_ITERATIONS && ns > 0; it++) {
        double sw = 0, sa = 0, sb = 0, caa = 0, cab = 0, cbb = 0;
        for (size_t k = 0; k < ns; k++) {
            size_t i = seed[k];
            double w = pw[k] * exp(-0.5 * mahal2(&s, g->a[i] - ma, g->b[i] - mb));
            wk[k] = (float)w;
            sw += w;
            sa += w * g->a[i];
            sb += w * g->b[i];
        }
        if (!(sw > 0))
            break;
        ma = sa / sw;
        mb = sb / sw;
        for (size_t k = 0; k < ns; k++) {
            size_t i = seed[k];
            double da = g->a[i] - ma, db = g->b[i] - mb, w = wk[k];
            caa += w * da * da;
            cab += w * da * db;
            cbb += w * db * db;
        }
        /* a Gaussian weight of the same covariance halves it: the factor
         * 2 makes a Gaussian's own covariance the fixed point */
        s.aa = 2.0 * caa / sw;
        s.ab = 2.0 * cab / sw;
        s.bb = 2.0 * cbb / sw;
        clamp_cov(&s, face ? SKD_SKIN_FACE_SD_MIN : SKD_SKIN_SD_MIN,
                  SKD_SKIN_SD_MAX);
    }
    m->ma = ma;
    m->mb = mb;
    m->saa = s.aa;
    m->sab = s.ab;
    m->sbb = s.bb;
    m->seed_cells = ns;
    m->l_median = core_l_median(g, seed, ns, m);
    skd_dealloc(ctx, seed);
    skd_dealloc(ctx, pw);
    return SKD_OK;
}
