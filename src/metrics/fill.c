/* Fill excluded pixels of l with the mask-normalised local mean, so masked
 * features make no edges, and derive the region R. G*M and G*(l M) come
 * out of the low-pass engine together, a row at a time, and each row is
 * filled and tested as it comes: no plane-sized buffer. Rows with no
 * excluded pixel within the filter's margin keep l as it is and R = M
 * there (G*M = 1 under mirror padding, less than the Gaussian's weight
 * beyond the margin, 2e-5), so they are never transformed back. */
#include <math.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "metrics.h"

typedef struct fill_io {
    float *l;
    uint8_t *m;
    size_t w, h, reach;
    const size_t *before; /* before[y]: rows with an excluded pixel above y */
    size_t *dropped;      /* per row: pixels of M that are not in R */
    float mean;
    /* multi-rate: G*M and G*(l M) on the decimated grid, for the fill
     * values (NULL: both at full rate); ones: a row of 1s */
    const skd_coarse *gm, *glm;
    const float *ones;
} fill_io;

static int row_has_excluded(const fill_io *f, size_t y)
{
    return f->before[y + 1] != f->before[y];
}

/* Plane 0 is M, plane 1 is l M. The engine loads every row before the
 * first store, so no load sees a filled value. */
static const float *load_row(void *user, size_t p, size_t y, float *scratch)
{
    const fill_io *f = user;
    const uint8_t *m = f->m + y * f->w;
    const float *l = f->l + y * f->w;
    if (!row_has_excluded(f, y)) {
        scratch[0] = 1.0f;
        return p == 0 ? NULL : l;
    }
    if (p == 0) {
        for (size_t x = 0; x < f->w; x++)
            scratch[x] = m[x] ? 1.0f : 0.0f;
    } else {
        for (size_t x = 0; x < f->w; x++) {
            float v = l[x]; /* read even where M = 0: no store runs yet */
            scratch[x] = m[x] ? v : 0.0f;
        }
    }
    return scratch;
}

/* m = 0 where G*M < 0.9 (or is NaN); returns how many pixels of M that
 * took. The test is on the float's bits (for floats that are not NaN,
 * x >= 0.9 exactly when bits(x) >= bits(0.9) as signed integers), which
 * the compiler vectorises where a float compare, that may trap, it does
 * not. */
static size_t leave_region(uint8_t *restrict m, const float *restrict gm,
                           size_t w)
{
    const float min_weight = (float)SKD_REGION_MIN_WEIGHT;
    int32_t limit;
    unsigned left = 0;
    memcpy(&limit, &min_weight, sizeof limit);
    for (size_t x = 0; x < w; x++) {
        int32_t bits;
        uint8_t in = m[x], out;
        memcpy(&bits, &gm[x], sizeof bits);
        out = bits >= limit && bits <= INT32_C(0x7f800000) ? in : 0;
        left += (unsigned)(in != out);
        m[x] = out;
    }
    return left;
}

/* G*M on rows within the margin of an excluded pixel (the region test),
 * G*(l M) only on rows with one (the fill), unless that comes from the
 * coarse grid. */
static unsigned wanted_row(void *user, size_t y)
{
    const fill_io *f = user;
    size_t y0 = y > f->reach ? y - f->reach : 0;
    size_t y1 = f->h - y > f->reach ? y + f->reach + 1 : f->h;
    if (f->before[y1] == f->before[y0])
        return 0;
    return row_has_excluded(f, y) && !f->glm ? 3u : 1u;
}

/* The rows of M and l M for the decimation (whole rows: the coarse
 * reduction has no constant-row shortcut). */
static const float *coarse_m_row(void *user, size_t y, float *scratch)
{
    const fill_io *f = user;
    const uint8_t *m = f->m + y * f->w;
    if (!row_has_excluded(f, y))
        return f->ones;
    for (size_t x = 0; x < f->w; x++)
        scratch[x] = m[x] ? 1.0f : 0.0f;
    return scratch;
}

static const float *coarse_lm_row(void *user, size_t y, float *scratch)
{
    return load_row(user, 1, y, scratch); /* never NULL for l M */
}

/* Excluded pixels get (G*(l M))/(G*M), or the mean of l over M where G*M
 * is too small to divide by; then pixels of M where G*M < 0.9 leave R. */
static void fill_row(void *user, size_t y, float *const *rows)
{
    fill_io *f = user;
    float *restrict l = f->l + y * f->w;
    uint8_t *restrict m = f->m + y * f->w;
    const float *restrict gm = rows[0], *restrict glm = rows[1];
    size_t x = 0;
    while (row_has_excluded(f, y) && x < f->w) {
        uint64_t eight;
        if (x + 8 <= f->w) { /* skip 8 pixels of M at once */
            memcpy(&eight, m + x, sizeof eight);
            if (!((eight - UINT64_C(0x0101010101010101)) & ~eight &
                  UINT64_C(0x8080808080808080))) {
                x += 8;
                continue;
            }
        }
        if (!m[x])
            l[x] = gm[x] > (float)SKD_FILL_MIN_WEIGHT ? glm[x] / gm[x] : f->mean;
        x++;
    }
    f->dropped[y] = leave_region(m, gm, f->w);
}

/* fill_row with the fill values from the coarse grid (interpolated at
 * the excluded pixels only) and the region test on the full-rate G*M in
 * rows[0], so that R is the single-rate R. */
static void fill_row_coarse(void *user, size_t y, float *const *rows)
{
    fill_io *f = user;
    float *restrict l = f->l + y * f->w;
    uint8_t *restrict m = f->m + y * f->w;
    if (row_has_excluded(f, y)) {
        skd_coarse_line lm, llm;
        skd_coarse_line_at(f->gm, y, &lm);
        skd_coarse_line_at(f->glm, y, &llm);
        for (size_t x = 0; x < f->w; x++) {
            if (m[x])
                continue;
            float gm = skd_coarse_at(f->gm, &lm, x);
            l[x] = gm > (float)SKD_FILL_MIN_WEIGHT
                       ? skd_coarse_at(f->glm, &llm, x) / gm
                       : f->mean;
        }
    }
    f->dropped[y] = leave_region(m, rows[0], f->w);
}

/* G*M and G*(l M) on the decimated grid (before any pixel is filled). */
static int coarse_planes(skd_ctx *ctx, fill_io *f, double sigma_px,
                         unsigned shift, skd_coarse c[2])
{
    float *ones = skd_malloc_array(ctx, f->w, sizeof *ones);
    int st;
    memset(c, 0, 2 * sizeof *c);
    f->gm = &c[0]; /* from here freed by the caller */
    f->glm = &c[1];
    if (!ones)
        return SKD_E_NOMEM;
    for (size_t x = 0; x < f->w; x++)
        ones[x] = 1.0f;
    f->ones = ones;
    st = skd_coarse_reduce(ctx, f->w, f->h, shift, f->reach, coarse_m_row, f,
                           &c[0]);
    if (st == SKD_OK)
        st = skd_coarse_reduce(ctx, f->w, f->h, shift, f->reach,
                               coarse_lm_row, f, &c[1]);
    skd_dealloc(ctx, ones);
    f->ones = NULL;
    if (st == SKD_OK)
        st = skd_coarse_gauss(ctx, &c[0], sigma_px);
    if (st == SKD_OK)
        st = skd_coarse_gauss(ctx, &c[1], sigma_px);
    return st;
}

/* Sum of l over M in one row: float sums over 8 lanes of blocks of 256
 * pixels (independent adds, error about 1e-7 of a block's sum), added up
 * in double. Pixels outside M add +0. With SSE2 the 8 lanes are two
 * registers and M a bit mask (the same adds in the same order). */
static double row_sum(const float *restrict l, const uint8_t *restrict m,
                      size_t w, int all_in)
{
    double total = 0;
    for (size_t x0 = 0; x0 < w; x0 += 256) {
        size_t x1 = x0 + 256 < w ? x0 + 256 : w, x = x0;
        float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
#if defined(__SSE2__)
        const __m128i zero = _mm_setzero_si128();
        const __m128i keep = _mm_set1_epi32(all_in ? -1 : 0);
        __m128 a0 = _mm_setzero_ps(), a1 = _mm_setzero_ps();
        for (; x + 8 <= x1; x += 8) {
            __m128i in = _mm_cmpeq_epi8(
                _mm_loadl_epi64((const __m128i *)(const void *)(m + x)), zero);
            __m128i in16 = _mm_unpacklo_epi8(in, in); /* 0xffff: outside */
            __m128i out0 = _mm_unpacklo_epi16(in16, in16);
            __m128i out1 = _mm_unpackhi_epi16(in16, in16);
            __m128 v0 = _mm_andnot_ps(
                _mm_castsi128_ps(_mm_andnot_si128(keep, out0)),
                _mm_loadu_ps(l + x));
            __m128 v1 = _mm_andnot_ps(
                _mm_castsi128_ps(_mm_andnot_si128(keep, out1)),
                _mm_loadu_ps(l + x + 4));
            a0 = _mm_add_ps(a0, v0);
            a1 = _mm_add_ps(a1, v1);
        }
        _mm_storeu_ps(lane, a0);
        _mm_storeu_ps(lane + 4, a1);
#else
        for (; x + 8 <= x1; x += 8)
            for (size_t k = 0; k < 8; k++)
                lane[k] += all_in || m[x + k] ? l[x + k] : 0.0f;
#endif
        for (; x < x1; x++)
            lane[0] += all_in || m[x] ? l[x] : 0.0f;
        total += (double)(((lane[0] + lane[1]) + (lane[2] + lane[3])) +
                          ((lane[4] + lane[5]) + (lane[6] + lane[7])));
    }
    return total;
}

/* The pre-scan: per row, its excluded pixels and the sum of l over M, on
 * the threads in chunks of rows; added up in row order afterwards, so the
 * mean does not depend on the thread count. */
typedef struct scan_job {
    const float *l;
    const uint8_t *m;
    size_t w, h;
    size_t *zeros;   /* zeros[y]: excluded pixels of row y */
    double *sums;    /* sums[y]: sum of l over M in row y */
} scan_job;

#define SCAN_ROWS 32

static void scan_rows(void *arg, size_t chunk, size_t thread)
{
    const scan_job *j = arg;
    size_t y0 = chunk * SCAN_ROWS;
    size_t y1 = y0 + SCAN_ROWS < j->h ? y0 + SCAN_ROWS : j->h;
    (void)thread;
    for (size_t y = y0; y < y1; y++) {
        const uint8_t *row = j->m + y * j->w;
        size_t zeros = 0;
        for (size_t x = 0; x < j->w; x++)
            zeros += !row[x];
        j->zeros[y] = zeros;
        j->sums[y] = zeros == j->w
                         ? 0.0
                         : row_sum(j->l + y * j->w, row, j->w, zeros == 0);
    }
}

int skd_fill_masked(skd_ctx *ctx, float *l, uint8_t *m, size_t w, size_t h,
                    double sigma_px, uint64_t *region_pixels)
{
    skd_filter g = {SKD_FILTER_GAUSS, sigma_px, 0};
    fill_io f = {l, m, w, h, skd_fft_margin(sigma_px), NULL, NULL, 0.0f,
                 NULL, NULL, NULL};
    skd_lowpass *lp = NULL;
    skd_coarse coarse[2];
    unsigned shift = skd_opt(ctx, SKD_OPT_EXACT) != 0
                         ? 0
                         : skd_multirate_shift(sigma_px, w, h);
    size_t *before, *dropped;
    double *sums;
    uint64_t inside = 0, out = 0;
    double sum = 0;
    int st;

    *region_pixels = 0;
    before = skd_malloc_array(ctx, h + 1, sizeof *before);
    dropped = skd_calloc(ctx, h, sizeof *dropped);
    sums = skd_malloc_array(ctx, h, sizeof *sums);
    if (!before || !dropped || !sums) {
        st = SKD_E_NOMEM;
        goto done;
    }
    {
        /* zeros of row y go to before[y + 1], made a running count here */
        scan_job job = {l, m, w, h, before + 1, sums};
        skd_parallel_chunks(ctx, (h + SCAN_ROWS - 1) / SCAN_ROWS, scan_rows,
                            &job);
    }
    before[0] = 0;
    for (size_t y = 0; y < h; y++) {
        size_t zeros = before[y + 1];
        inside += w - zeros;
        before[y + 1] = before[y] + (zeros != 0);
        if (zeros != w)
            sum += sums[y];
    }
    if (inside == 0) {
        st = skd_fail(ctx, SKD_E_NO_REGION,
                      "no measurable skin: region empty after masking "
                      "(every pixel is excluded)");
        goto done;
    }
    st = SKD_OK;
    if (before[h] == 0) {
        /* Nothing to fill and G*M = 1 everywhere (mirror padding): R = M. */
        *region_pixels = inside;
        goto done;
    }
    f.before = before;
    f.dropped = dropped;
    f.mean = (float)(sum / (double)inside);
    /* Run even where pruning would not pay (a few px/mm): then it costs
     * about what the tiled path did. */
    if ((st = skd_lowpass_create(ctx, &g, w, h, f.reach, &lp)) != SKD_OK)
        goto done;
    if (shift > 0 &&
        (st = coarse_planes(ctx, &f, sigma_px, shift, coarse)) != SKD_OK)
        goto done;
    {
        skd_lowpass_io io = {2, load_row, wanted_row, NULL, fill_row, &f};
        if (shift > 0) {
            io.nplanes = 1;
            io.store = fill_row_coarse;
        }
        st = skd_lowpass_run(ctx, lp, &io);
    }
    if (st != SKD_OK)
        goto done;
    for (size_t y = 0; y < h; y++)
        out += dropped[y];
    *region_pixels = inside - out;
    if (*region_pixels == 0)
        st = skd_fail(ctx, SKD_E_NO_REGION,
                      "no measurable skin: region empty after masking");
done:
    if (f.gm) {
        skd_coarse_free(ctx, &coarse[0]);
        skd_coarse_free(ctx, &coarse[1]);
    }
    skd_lowpass_free(ctx, lp);
    skd_dealloc(ctx, before);
    skd_dealloc(ctx, dropped);
    skd_dealloc(ctx, sums);
    return st;
}
