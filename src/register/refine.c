/* Gauss-Newton refinement of the similarity on band-passed planes.
 *
 * The map before -> after is written p = M (q - c_b) + u with
 * M = [[a, -b], [b, a]]: linear in (a, b, ux, uy), so each step is one
 * 6 x 6 least-squares solve (with the photometric gain g and offset c).
 * Residuals are weighted by Cauchy's function (iteratively reweighted least
 * squares): skin that changed between sessions (pores gone, a new spot)
 * gives large residuals that would otherwise only add noise to the fit. */
#include <math.h>
#include <string.h>

#include "register.h"

#define NP 6
#define STEP_LIMIT 2.0   /* plane pixels of corner motion per iteration */
#define CONVERGED 5e-3   /* plane pixels of corner motion */
#define SCALE_LIMIT 4.0  /* a fit leaving [1/4, 4] has run away: stop it */
#define CAUCHY_K 2.385   /* x robust spread: 95% efficiency on Gaussian noise */
#define RES_EVERY 4      /* residual spread from every 4th row and column */

typedef struct params {
    double a, b, ux, uy, g, c;
    double cauchy; /* Cauchy scale of the residuals; 0: plain least squares */
} params;

typedef struct sums {
    double h[NP][NP], r[NP];
    double sw, swb; /* weight in the overlap; weight of before's frame */
    double mb, ma, bb, aa, ab; /* weighted moments for the correlation */
} sums;

typedef struct planes {
    const skd_reg_plane *bef, *aft;
    const float *gx, *gy; /* gradient of the after plane */
    float *tbx, *tby;     /* before's taper, separable */
    double amx, amy;      /* after's taper widths */
    unsigned stride;
    float *res;           /* |residual| samples for the robust spread */
    size_t nres, cap;
} planes;

static void accumulate(planes *pl, const params *p, int normal, sums *s)
{
    const skd_reg_plane *B = pl->bef, *A = pl->aft;
    double cbx = ((double)B->w - 1.0) / 2.0, cby = ((double)B->h - 1.0) / 2.0;
    double aw = (double)A->w, ah = (double)A->h;
    double inv_c = p->cauchy > 0 ? 1.0 / p->cauchy : 0.0;
    memset(s, 0, sizeof *s);
    pl->nres = 0;
    for (size_t y = 0; y < B->h; y += pl->stride) {
        int sample_row = (y / pl->stride) % RES_EVERY == 0;
        double yp = (double)y - cby;
        const float *brow = B->v + y * B->w;
        for (size_t x = 0; x < B->w; x += pl->stride) {
            double xp = (double)x - cbx, wb = (double)pl->tbx[x] * pl->tby[y];
            double px = p->a * xp - p->b * yp + p->ux;
            double py = p->b * xp + p->a * yp + p->uy;
            double w, va, vb, r, u, gx, gy, j[NP];
            s->swb += wb;
            if (wb <= 0 || !(px >= 1.0 && px < aw - 2.0 && py >= 1.0 && py < ah - 2.0))
                continue;
            w = wb * skd_reg_taper(px, aw, pl->amx) * skd_reg_taper(py, ah, pl->amy);
            if (w <= 0)
                continue;
            va = skd_reg_bicubic(A->v, A->w, px, py);
            vb = brow[x];
            s->sw += w;
            s->mb += w * vb;
            s->ma += w * va;
            s->bb += w * vb * vb;
            s->aa += w * va * va;
            s->ab += w * va * vb;
            r = vb - (p->g * va + p->c);
            if (sample_row && (x / pl->stride) % RES_EVERY == 0 && pl->nres < pl->cap)
                pl->res[pl->nres++] = (float)fabs(r);
            if (!normal)
                continue;
            u = r * inv_c;
            w /= 1.0 + u * u;
            gx = p->g * skd_reg_bilinear(pl->gx, A->w, A->h, px, py);
            gy = p->g * skd_reg_bilinear(pl->gy, A->w, A->h, px, py);
            j[0] = gx * xp + gy * yp;
            j[1] = gy * xp - gx * yp;
            j[2] = gx;
            j[3] = gy;
            j[4] = va;
            j[5] = 1.0;
            for (int k = 0; k < NP; k++) {
                double wk = w * j[k];
                s->r[k] += wk * r;
                for (int l = k; l < NP; l++)
                    s->h[k][l] += wk * j[l];
            }
        }
    }
}

/* Solve H d = r (H symmetric, upper triangle filled) by elimination with
 * partial pivoting; 0 when H is singular. */
static int solve(double h[NP][NP], const double *r, double *d)
{
    double m[NP][NP + 1], scale = 0;
    for (int k = 0; k < NP; k++)
        for (int l = 0; l < NP; l++)
            m[k][l] = l >= k ? h[k][l] : h[l][k];
    for (int k = 0; k < NP; k++) {
        m[k][NP] = r[k];
        scale = fmax(scale, fabs(m[k][k]));
    }
    if (!(scale > 0))
        return 0;
    for (int c = 0; c < NP; c++) {
        int piv = c;
        for (int k = c + 1; k < NP; k++)
            if (fabs(m[k][c]) > fabs(m[piv][c]))
                piv = k;
        if (!(fabs(m[piv][c]) > 1e-12 * scale))
            return 0;
        if (piv != c)
            for (int l = 0; l <= NP; l++) {
                double t = m[c][l];
                m[c][l] = m[piv][l];
                m[piv][l] = t;
            }
        for (int k = c + 1; k < NP; k++) {
            double f = m[k][c] / m[c][c];
            for (int l = c; l <= NP; l++)
                m[k][l] -= f * m[c][l];
        }
    }
    for (int k = NP - 1; k >= 0; k--) {
        double v = m[k][NP];
        for (int l = k + 1; l < NP; l++)
            v -= m[k][l] * d[l];
        d[k] = v / m[k][k];
    }
    return 1;
}

/* Largest motion of before's corners under a parameter change. */
static double corner_motion(const skd_reg_plane *B, const double *d)
{
    double hx = ((double)B->w - 1.0) / 2.0, hy = ((double)B->h - 1.0) / 2.0;
    double worst = 0;
    for (int k = 0; k < 4; k++) {
        double xp = (k & 1) ? hx : -hx, yp = (k & 2) ? hy : -hy;
        double mx = d[0] * xp - d[1] * yp + d[2];
        double my = d[1] * xp + d[0] * yp + d[3];
        worst = fmax(worst, hypot(mx, my));
    }
    return worst;
}

static void gradient(const skd_reg_plane *A, float *gx, float *gy)
{
    size_t w = A->w, h = A->h;
    for (size_t y = 0; y < h; y++) {
        const float *r = A->v + y * w;
        const float *up = A->v + (y > 0 ? y - 1 : y) * w;
        const float *dn = A->v + (y + 1 < h ? y + 1 : y) * w;
        float sy = (y > 0 && y + 1 < h) ? 0.5f : 1.0f;
        for (size_t x = 0; x < w; x++) {
            size_t xl = x > 0 ? x - 1 : x, xr = x + 1 < w ? x + 1 : x;
            gx[y * w + x] = (r[xr] - r[xl]) * (xr - xl == 2 ? 0.5f : 1.0f);
            gy[y * w + x] = (dn[x] - up[x]) * sy;
        }
    }
}

static void correlation(const sums *s, skd_reg_fit *fit)
{
    double vb, va;
    fit->ncc = 0;
    fit->overlap = s->swb > 0 ? s->sw / s->swb : 0;
    if (!(s->sw > 0))
        return;
    vb = s->bb / s->sw - (s->mb / s->sw) * (s->mb / s->sw);
    va = s->aa / s->sw - (s->ma / s->sw) * (s->ma / s->sw);
    if (vb > 0 && va > 0)
        fit->ncc = (s->ab / s->sw - (s->mb / s->sw) * (s->ma / s->sw)) / sqrt(vb * va);
}

/* Cauchy scale from the residual samples of the last pass. */
static double cauchy_scale(planes *pl)
{
    if (pl->nres < 16)
        return 0.0;
    return CAUCHY_K * 1.4826 * skd_select_kth(pl->res, pl->nres, pl->nres / 2);
}

int skd_reg_refine(skd_ctx *ctx, const skd_reg_plane *before,
                   const skd_reg_plane *after, skd_sim *sim, int max_iter,
                   unsigned stride, skd_reg_fit *fit)
{
    skd_sim inv = skd_sim_inverse(sim);
    double cbx = ((double)before->w - 1.0) / 2.0, cby = ((double)before->h - 1.0) / 2.0;
    params p = {inv.a, inv.b, 0, 0, 1.0, 0.0, 0.0};
    planes pl;
    size_t na = after->w * after->h;
    float *g, *tb;
    sums s;
    int it = 0;

    memset(&pl, 0, sizeof pl);
    pl.bef = before;
    pl.aft = after;
    pl.amx = skd_reg_taper_width(after->w);
    pl.amy = skd_reg_taper_width(after->h);
    pl.stride = stride ? stride : 1;
    pl.cap = (before->w / pl.stride / RES_EVERY + 1) *
             (before->h / pl.stride / RES_EVERY + 1);
    g = skd_malloc_array(ctx, na, 2 * sizeof *g);
    tb = skd_malloc_array(ctx, before->w + before->h, sizeof *tb);
    pl.res = skd_malloc_array(ctx, pl.cap, sizeof *pl.res);
    if (!g || !tb || !pl.res) {
        skd_dealloc(ctx, g);
        skd_dealloc(ctx, tb);
        skd_dealloc(ctx, pl.res);
        return SKD_E_NOMEM;
    }
    skd_sim_apply(&inv, cbx, cby, &p.ux, &p.uy);
    gradient(after, g, g + na);
    pl.gx = g;
    pl.gy = g + na;
    pl.tbx = tb;
    pl.tby = tb + before->w;
    for (size_t x = 0; x < before->w; x++)
        pl.tbx[x] = (float)skd_reg_taper((double)x, (double)before->w,
                                         skd_reg_taper_width(before->w));
    for (size_t y = 0; y < before->h; y++)
        pl.tby[y] = (float)skd_reg_taper((double)y, (double)before->h,
                                         skd_reg_taper_width(before->h));

    if (max_iter > 0) {
        accumulate(&pl, &p, 0, &s);
        p.cauchy = cauchy_scale(&pl);
    }
    for (it = 0; it < max_iter; it++) {
        double d[NP], motion, scale;
        accumulate(&pl, &p, 1, &s);
        p.cauchy = cauchy_scale(&pl);
        if (!solve(s.h, s.r, d))
            break;
        motion = corner_motion(before, d);
        if (!isfinite(motion))
            break;
        if (motion > STEP_LIMIT)
            for (int k = 0; k < NP; k++)
                d[k] *= STEP_LIMIT / motion;
        scale = hypot(p.a + d[0], p.b + d[1]);
        if (scale < 1.0 / SCALE_LIMIT || scale > SCALE_LIMIT)
            break;
        p.a += d[0];
        p.b += d[1];
        p.ux += d[2];
        p.uy += d[3];
        p.g += d[4];
        p.c += d[5];
        if (motion < CONVERGED) {
            it++;
            break;
        }
    }
    accumulate(&pl, &p, 0, &s);
    correlation(&s, fit);
    fit->gain = p.g;
    fit->iterations = it;

    /* Back to after -> before in plane coordinates. */
    inv.a = p.a;
    inv.b = p.b;
    inv.tx = p.ux - (p.a * cbx - p.b * cby);
    inv.ty = p.uy - (p.b * cbx + p.a * cby);
    *sim = skd_sim_inverse(&inv);
    skd_dealloc(ctx, g);
    skd_dealloc(ctx, tb);
    skd_dealloc(ctx, pl.res);
    return SKD_OK;
}
