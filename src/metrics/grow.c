/* Growing the excluded set by a small Euclidean radius, exactly, in time
 * proportional to the excluded pixels' neighbourhood rather than the photo.
 * A pixel (x, y) is reached when some excluded (x', y') has
 * (x - x')^2 + (y - y')^2 <= r^2, that is when for some row offset dy the
 * nearest excluded pixel of row y + dy lies within half_width(dy) =
 * max{dx : dx^2 + dy^2 <= r^2} of x. So: per row, the distance to its
 * nearest excluded pixel, capped above the radius (bytes); then per output
 * row, an OR of 2R+1 compares of those rows, only where one has an
 * excluded pixel. Both phases run on bands of rows, on several threads;
 * each row's result depends only on the input, never on the banding. */
#include <string.h>

#include "metrics.h"

/* Radii up to this go this way; beyond, the distance transform is cheaper
 * than 2R+1 row compares per pixel. */
#define GROW_MAX_RADIUS 32
#define BAND_PIXELS 262144

/* The span [lo, hi) of a row within the radius of its excluded pixels;
 * lo == hi when the row has none. */
typedef struct row_span {
    uint32_t lo, hi;
} row_span;

typedef struct grow_job {
    uint8_t *plane; /* excluded on entry, the result afterwards */
    uint8_t *dist;  /* per row: distance to the nearest excluded pixel */
    row_span *span;
    size_t w, h, band_rows;
    int radius;     /* R = floor(r) */
    uint8_t half_width[GROW_MAX_RADIUS + 1];
    int invert;     /* write 1 - grown */
} grow_job;

/* Index of the first byte of p[i..n) equal to want (0 or 1), or n; runs are
 * skipped a word at a time. */
static size_t next_run(const uint8_t *p, size_t i, size_t n, int want)
{
    const uint64_t skip = want ? 0 : UINT64_C(0x0101010101010101);
    while (i + 8 <= n) {
        uint64_t word;
        memcpy(&word, p + i, sizeof word);
        if (word != skip)
            break;
        i += 8;
    }
    while (i < n && (p[i] != 0) != want)
        i++;
    return i;
}

static void row_distance(const grow_job *job, size_t y)
{
    const uint8_t *ex = job->plane + y * job->w;
    uint8_t *d = job->dist + y * job->w;
    size_t w = job->w, x = next_run(ex, 0, w, 1), r = (size_t)job->radius;
    row_span *s = &job->span[y];
    if (x == w) {
        s->lo = s->hi = 0;
        return;
    }
    s->lo = (uint32_t)(x > r ? x - r : 0);
    memset(d, (int)r + 1, w);
    while (x < w) {
        size_t end = next_run(ex, x, w, 0);
        memset(d + x, 0, end - x);
        for (size_t k = 1; k <= r; k++) {
            if (x >= k && d[x - k] > k)
                d[x - k] = (uint8_t)k;
            if (end - 1 + k < w && d[end - 1 + k] > k)
                d[end - 1 + k] = (uint8_t)k;
        }
        s->hi = (uint32_t)(end + r < w ? end + r : w);
        x = next_run(ex, end, w, 1);
    }
}

/* fn on every row of band `chunk`. */
static void for_band_rows(const grow_job *job, size_t chunk,
                          void (*fn)(const grow_job *, size_t))
{
    size_t y0 = chunk * job->band_rows;
    size_t y1 = y0 + job->band_rows < job->h ? y0 + job->band_rows : job->h;
    for (size_t y = y0; y < y1; y++)
        fn(job, y);
}

static void distance_band(void *arg, size_t chunk, size_t thread)
{
    (void)thread;
    for_band_rows(arg, chunk, row_distance);
}

/* Row y of the result: OR over the rows within the radius that have
 * excluded pixels, each compared with its half width (AND of the
 * complements when inverting). */
static void output_row(const grow_job *job, size_t y)
{
    size_t w = job->w, r = (size_t)job->radius;
    size_t v0 = y > r ? y - r : 0, v1 = y + r + 1 < job->h ? y + r + 1 : job->h;
    uint8_t *out = job->plane + y * w;
    memset(out, job->invert, w);
    for (size_t v = v0; v < v1; v++) {
        const row_span *s = &job->span[v];
        const uint8_t *restrict d = job->dist + v * w;
        uint8_t *restrict o = out;
        uint8_t hw = job->half_width[v > y ? v - y : y - v];
        if (s->lo == s->hi || hw > r)
            continue;
        if (job->invert)
            for (size_t x = s->lo; x < s->hi; x++)
                o[x] &= d[x] > hw;
        else
            for (size_t x = s->lo; x < s->hi; x++)
                o[x] |= d[x] <= hw;
    }
}

static void output_band(void *arg, size_t chunk, size_t thread)
{
    (void)thread;
    for_band_rows(arg, chunk, output_row);
}

/* half_width[dy] = max{dx >= 0 : dx^2 + dy^2 <= r2}, or R + 1 (no reach)
 * when dy^2 > r2; integer squares are exact in double. */
static void half_widths(grow_job *job, double r2)
{
    for (int dy = 0; dy <= job->radius; dy++) {
        int dx = job->radius;
        while (dx >= 0 && (double)dx * dx + (double)dy * dy > r2)
            dx--;
        job->half_width[dy] = (uint8_t)(dx >= 0 ? dx : job->radius + 1);
    }
}

int skd_grow_mask(skd_ctx *ctx, uint8_t *plane, size_t w, size_t h,
                  double radius_px, int invert)
{
    grow_job job;
    size_t n_bands;
    int st = SKD_OK;
    if (!(radius_px >= 0) || radius_px >= GROW_MAX_RADIUS + 1) {
        st = skd_grow_exclusion_edt(ctx, plane, w, h, radius_px);
        if (st == SKD_OK && invert)
            for (size_t i = 0; i < w * h; i++)
                plane[i] ^= 1;
        return st;
    }
    memset(&job, 0, sizeof job);
    job.plane = plane;
    job.w = w;
    job.h = h;
    job.radius = (int)radius_px;
    job.invert = invert;
    job.band_rows = w < BAND_PIXELS ? BAND_PIXELS / w : 1;
    half_widths(&job, radius_px * radius_px);
    /* Only rows with excluded pixels are written: the rest of the plane is
     * never touched, so never paged in. */
    job.dist = skd_malloc_array(ctx, w, h);
    job.span = skd_malloc_array(ctx, h, sizeof *job.span);
    if (!job.dist || !job.span) {
        st = SKD_E_NOMEM;
        goto done;
    }
    n_bands = (h + job.band_rows - 1) / job.band_rows;
    skd_parallel_chunks(ctx, n_bands, distance_band, &job);
    skd_parallel_chunks(ctx, n_bands, output_band, &job);
done:
    skd_dealloc(ctx, job.dist);
    skd_dealloc(ctx, job.span);
    return st;
}

int skd_grow_exclusion(skd_ctx *ctx, uint8_t *excluded, size_t w, size_t h,
                       double radius_px)
{
    return skd_grow_mask(ctx, excluded, w, h, radius_px, 0);
}
