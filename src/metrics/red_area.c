/* Red area against the local background (docs/measurements.md): a pixel of
 * R is red when its a* exceeds the mask-normalised Gaussian mean of a* at
 * sigma = 2 mm, (G*(a* M))/(G*M), by at least delta. A local reference
 * follows the slow changes of skin colour across a face and between
 * sessions (a global median moved the figure by 12 points between two
 * shots of the same skin), and it makes the red predicate a property of
 * the pixel, so any sub-region (a compare tile, a zone) counts the same
 * pixels. G*M and G*(a* M) come from the low-pass engine a row at a time
 * and each row is tested as it comes. The pixels near the threshold are
 * marked too: where the threshold sits in the bulk of the excess rather
 * than its tail, a small change of colour contrast carries many of them
 * across it, and compare's floor for the figure says so. */
#include <string.h>

#include "metrics.h"

typedef struct red_io {
    const float *a_star;
    const uint8_t *m, *r;
    uint8_t *red, *near;
    size_t w;
    double delta, near_lo, near_hi;
    uint64_t *rows; /* red pixels per row, summed in row order afterwards */
} red_io;

static int row_all_in(const uint8_t *m, size_t w)
{
    for (size_t x = 0; x < w; x++)
        if (!m[x])
            return 0;
    return 1;
}

/* Plane 0 is M, plane 1 is a* M (a* is read only where M = 1: it may be
 * anything elsewhere). */
static const float *load_row(void *user, size_t p, size_t y, float *scratch)
{
    const red_io *f = user;
    const uint8_t *m = f->m + y * f->w;
    const float *a = f->a_star + y * f->w;
    if (row_all_in(m, f->w)) {
        scratch[0] = 1.0f;
        return p == 0 ? NULL : a;
    }
    for (size_t x = 0; x < f->w; x++)
        scratch[x] = p == 0 ? (m[x] ? 1.0f : 0.0f)
                            : skd_select_float(m[x] != 0, a[x], 0.0f);
    return scratch;
}

/* Only rows with a pixel of R are tested. */
static unsigned wanted_row(void *user, size_t y)
{
    const red_io *f = user;
    const uint8_t *r = f->r + y * f->w;
    for (size_t x = 0; x < f->w; x++)
        if (r[x])
            return 3u;
    return 0u;
}

static void test_row(void *user, size_t y, float *const *rows)
{
    red_io *f = user;
    const float *gm = rows[0], *gam = rows[1];
    const float *a = f->a_star + y * f->w;
    const uint8_t *r = f->r + y * f->w;
    uint8_t *red = f->red + y * f->w;
    uint8_t *near = f->near ? f->near + y * f->w : NULL;
    uint64_t n = 0;
    for (size_t x = 0; x < f->w; x++) {
        /* a pixel of R has G_1mm*M >= 0.9, so G_2mm*M is far from 0 */
        int in = r[x] && gm[x] > (float)SKD_FILL_MIN_WEIGHT;
        double bg = in ? (double)gam[x] / (double)gm[x] : 0.0;
        int is = in && skd_is_red(a[x], bg, f->delta);
        red[x] = (uint8_t)is;
        n += (uint64_t)is;
        if (near)
            near[x] = (uint8_t)(in && skd_is_red(a[x], bg, f->near_lo) &&
                                !skd_is_red(a[x], bg, f->near_hi));
    }
    f->rows[y] = n;
}

int skd_red_area_local(skd_ctx *ctx, const float *a_star, const uint8_t *m,
                       const uint8_t *r, size_t w, size_t h,
                       const skd_red_rule *rule, uint8_t *red, uint8_t *near,
                       uint64_t *red_pixels)
{
    double sigma_px = rule->sigma_px;
    skd_filter g = {SKD_FILTER_GAUSS, sigma_px, 0};
    red_io f = {a_star, m, r, red, near, w, rule->delta,
                rule->delta / (1.0 + rule->contrast),
                rule->delta * (1.0 + rule->contrast), NULL};
    skd_lowpass *lp = NULL;
    int st;

    *red_pixels = 0;
    memset(red, 0, w * h); /* rows without R are not visited */
    if (near)
        memset(near, 0, w * h);
    f.rows = skd_calloc(ctx, h, sizeof *f.rows);
    if (!f.rows)
        return SKD_E_NOMEM;
    st = skd_lowpass_create(ctx, &g, w, h, skd_fft_margin(sigma_px), &lp);
    if (st == SKD_OK) {
        skd_lowpass_io io = {2, load_row, wanted_row, NULL, test_row, &f};
        st = skd_lowpass_run(ctx, lp, &io);
    }
    if (st == SKD_OK)
        for (size_t y = 0; y < h; y++)
            *red_pixels += f.rows[y];
    skd_lowpass_free(ctx, lp);
    skd_dealloc(ctx, f.rows);
    return st;
}
