/* The figures of docs/measurements.md over R, or over a part of R. The
 * whole-photo figures of skd_analyze come through here too, so there is one
 * definition of every statistic.
 *
 * Three passes over fixed chunks of CHUNK pixels, on up to SKD_OPT_THREADS
 * threads: (1) count and sums, and a histogram of the a* values' top 16
 * bits; (2) texture moments about the mean, and a histogram of the low 16
 * bits within the one or two top-bit buckets that hold the middle ranks,
 * which gives the exact median; (3) red pixels (the analysis' red-area
 * plane, made against the local background by red_area.c), copied to the
 * selection's red-area plane when one is wanted. Sums are in double, in pixel order within a
 * chunk (LANES interleaved accumulators) and combined in chunk order, and
 * histograms are counts, so no figure depends on the thread count. A plane
 * of a single chunk (a compare tile) takes the median by quickselect on a
 * copy instead, which is cheaper there and exact too.
 *
 * The erythema values are read from the photo's samples in pass 1. For
 * skd_analyze, pass 1 also makes the a* plane from the samples, block by
 * block, so a* is summed while it is in cache and the samples are loaded
 * once for a* and the erythema value. The block loops are compiled twice
 * on x86-64, for SSE2 and for AVX2 (chosen at run time, as in lab.c): the
 * same C, the same operations per lane in the same order, so the same
 * bits. */
#include <math.h>
#include <string.h>

#include "../colour/colour.h"
#include "metrics.h"
#include "stats_order.h"

#define CHUNK SKD_STATS_CHUNK
#define BLOCK SKD_STATS_BLOCK /* pixels per inner loop, so the loops share cache */
#define LANES SKD_STATS_LANES
#define MOMENT_LANES SKD_STATS_MOMENT_LANES
#define BUCKETS 65536

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define WIDE_LOOPS 1
#define BODY static inline __attribute__((always_inline))
#define WIDE __attribute__((target("avx2")))
#else
#define WIDE_LOOPS 0
#define BODY static inline
#define WIDE
#endif

typedef struct chunk_sums {
    uint64_t count, n_e, red;
    double t, a, e;           /* pass 1 */
    double abs1, m2, m3, m4;  /* pass 2, about the mean */
} chunk_sums;

typedef struct stats_job {
    const skd_analysis *a;
    const skd_photo_samples *photo;
    const skd_colour_lut *lut; /* when set, pass 1 writes a_star from photo */
    float *a_star;
    int wide; /* the AVX2 copies of the passes */
    const uint8_t *include;
    size_t n, n_chunks;
    chunk_sums *sums;
    uint32_t *hist; /* per thread: top bits, then the low bits of mid[0..1] */
    uint32_t mid[2];
    double mean;
    uint8_t *red_plane;
} stats_job;

#define float_key skd_float_key
#define key_float skd_key_float

/* Per thread: two histograms of the top bits (even and odd pixels, so
 * that runs of equal keys do not wait on one counter), each with a last
 * entry that unselected pixels count into; then the low bits within the
 * buckets mid[0] and mid[1]. */
#define HIST_TOP (BUCKETS + 1)
#define HIST_LOW (2 * (size_t)HIST_TOP)
#define HIST_SIZE (HIST_LOW + 2 * (size_t)BUCKETS)

BODY uint32_t *thread_hist(const stats_job *job, size_t thread)
{
    return job->hist + thread * HIST_SIZE;
}

/* sel[j] = 1 where pixel i0 + j is in R (and selected by include). */
BODY void selection_block(const stats_job *job, size_t i0, size_t m,
                            uint8_t *restrict sel)
{
    const uint8_t *restrict r = job->a->region + i0;
    if (job->include) {
        const uint8_t *restrict inc = job->include + i0;
        for (size_t j = 0; j < m; j++)
            sel[j] = (r[j] != 0) & (inc[j] != 0);
    } else {
        for (size_t j = 0; j < m; j++)
            sel[j] = r[j] != 0;
    }
}

/* v where selected, else +0 (which adds nothing to a sum). */
BODY float chosen(uint8_t sel, float v)
{
    return skd_select_float(sel, v, 0.0f);
}

/* out[j] = v[j] where selected, else +0, which adds nothing to a sum. */
BODY void select_block(const uint8_t *restrict sel, const float *restrict v,
                         size_t m, float *restrict out)
{
    for (size_t j = 0; j < m; j++)
        out[j] = chosen(sel[j], v[j]);
}

/* v summed into LANES accumulators, pixel j into lane j % LANES (GCC
 * vectorises across the lanes; each lane keeps its order). */
BODY void lane_sum(const float *restrict v, size_t m, double *restrict acc)
{
    double s[LANES];
    size_t j = 0;
    memcpy(s, acc, sizeof s);
    for (; j + LANES <= m; j += LANES)
        for (size_t k = 0; k < LANES; k++)
            s[k] += v[j + k];
    for (; j < m; j++)
        s[0] += v[j];
    memcpy(acc, s, sizeof s);
}

BODY uint64_t count_selected(const uint8_t *restrict sel, size_t m)
{
    uint32_t c = 0;
    for (size_t j = 0; j < m; j++)
        c += sel[j];
    return c;
}

/* e[j]: the erythema values of pixels i0 .. i0 + m - 1 from the photo's
 * samples, a row at a time (a block may span rows of a crop). */
BODY void erythema_block(const stats_job *job, size_t i0, size_t m,
                           float *restrict e)
{
    const skd_photo_samples *p = job->photo;
    size_t w = job->a->width, y = i0 / w, x = i0 % w;
    for (size_t j = 0; j < m; x = 0, y++) {
        size_t run = w - x < m - j ? w - x : m - j;
        if (p->lut && p->lut->managed)
            skd_erythema_row_lut(p->rgb + 3 * (y * p->stride + x), run,
                                 p->lut, e + j);
        else
            skd_erythema_row(p->rgb + 3 * (y * p->stride + x), run,
                             p->log10_linear, e + j);
        j += run;
    }
}

/* The a* values of pixels i0 .. i0 + m - 1 into job->a_star and their
 * erythema values into e, from the photo's samples: one run when the
 * photo's rows are the plane's, else a row at a time (a window). */
BODY void a_star_block(const stats_job *job, size_t i0, size_t m,
                       float *restrict e)
{
    const skd_photo_samples *p = job->photo;
    size_t w = job->a->width, y = i0 / w, x = i0 % w;
    if (p->stride == w) {
        skd_a_star_row(p->rgb + 3 * i0, m, job->lut, job->a_star + i0, e);
        return;
    }
    for (size_t j = 0; j < m; x = 0, y++) {
        size_t run = w - x < m - j ? w - x : m - j;
        skd_a_star_row(p->rgb + 3 * (y * p->stride + x), run, job->lut,
                       job->a_star + i0 + j, e + j);
        j += run;
    }
}

/* sel_e: selected and not NaN. */
BODY void defined_block(const uint8_t *restrict sel, const float *restrict e,
                          size_t m, uint8_t *restrict sel_e)
{
    for (size_t j = 0; j < m; j++)
        sel_e[j] = sel[j] & skd_stats_defined(e[j]);
}

/* Top 16 bits of the selected a* keys, BUCKETS where not selected. */
BODY void top_bits_block(const uint8_t *restrict sel, const float *restrict a,
                           size_t m, uint32_t *restrict top)
{
    for (size_t j = 0; j < m; j++) {
        uint32_t s = sel[j]; /* a select, not a branch: GCC vectorises it */
        top[j] = ((float_key(a[j]) >> 16) & (0u - s)) | ((s ^ 1u) * BUCKETS);
    }
}

BODY void histogram_block(const uint32_t *restrict top, size_t m,
                            uint32_t *restrict hist)
{
    size_t j = 0;
    for (; j + 2 <= m; j += 2) {
        hist[top[j]]++;
        hist[HIST_TOP + top[j + 1]]++;
    }
    if (j < m)
        hist[top[j]]++;
}

BODY void pass_sums_body(stats_job *job, size_t chunk, size_t thread)
{
    const skd_analysis *a = job->a;
    size_t i0 = chunk * CHUNK, i1 = i0 + CHUNK < job->n ? i0 + CHUNK : job->n;
    double acc[3][LANES] = {{0}};
    uint32_t *hist = job->n_chunks > 1 ? thread_hist(job, thread) : NULL;
    chunk_sums *s = &job->sums[chunk];
    uint8_t sel[BLOCK], sel_e[BLOCK];
    float v[BLOCK], e[BLOCK];
    uint32_t top[BLOCK];
    memset(s, 0, sizeof *s);
    for (size_t i = i0; i < i1; i += BLOCK) {
        size_t m = i1 - i < BLOCK ? i1 - i : BLOCK;
        selection_block(job, i, m, sel);
        if (job->lut)
            a_star_block(job, i, m, e);
        else
            erythema_block(job, i, m, e);
        defined_block(sel, e, m, sel_e);
        select_block(sel, a->texture + i, m, v);
        lane_sum(v, m, acc[0]);
        select_block(sel, a->a_star + i, m, v);
        lane_sum(v, m, acc[1]);
        select_block(sel_e, e, m, v);
        lane_sum(v, m, acc[2]);
        s->count += count_selected(sel, m);
        s->n_e += count_selected(sel_e, m);
        if (hist) {
            top_bits_block(sel, a->a_star + i, m, top);
            histogram_block(top, m, hist);
        }
    }
    s->t = skd_stats_lanes_total(acc[0], LANES);
    s->a = skd_stats_lanes_total(acc[1], LANES);
    s->e = skd_stats_lanes_total(acc[2], LANES);
}

/* d[j] = t - mean where selected, else exactly 0: v is the selected
 * texture (0 elsewhere) and mean * sel is mean or exactly 0. */
BODY void deviation_block(const uint8_t *restrict sel, const float *restrict v,
                            size_t m, double mean, double *restrict d)
{
    for (size_t j = 0; j < m; j++)
        d[j] = (double)v[j] - mean * (double)sel[j];
}

/* |d|, d^2, d^3, d^4 summed into MOMENT_LANES accumulators each, as lane_sum
 * (two: four moments of four lanes would not fit the SSE registers). */
BODY void moments_block(const double *restrict d, size_t m,
                          double (*restrict acc)[MOMENT_LANES])
{
    double s1[MOMENT_LANES], s2[MOMENT_LANES], s3[MOMENT_LANES], s4[MOMENT_LANES];
    size_t j = 0;
    memcpy(s1, acc[0], sizeof s1);
    memcpy(s2, acc[1], sizeof s2);
    memcpy(s3, acc[2], sizeof s3);
    memcpy(s4, acc[3], sizeof s4);
    for (; j + MOMENT_LANES <= m; j += MOMENT_LANES)
        for (size_t k = 0; k < MOMENT_LANES; k++) {
            double x = d[j + k], x2 = x * x;
            s1[k] += fabs(x);
            s2[k] += x2;
            s3[k] += x2 * x;
            s4[k] += x2 * x2;
        }
    for (; j < m; j++) {
        double x = d[j], x2 = x * x;
        s1[0] += fabs(x);
        s2[0] += x2;
        s3[0] += x2 * x;
        s4[0] += x2 * x2;
    }
    memcpy(acc[0], s1, sizeof s1);
    memcpy(acc[1], s2, sizeof s2);
    memcpy(acc[2], s3, sizeof s3);
    memcpy(acc[3], s4, sizeof s4);
}

/* The low bits of the selected keys whose top bits are mid0 or mid1 (a
 * small share of the pixels): marked by a loop without branches, then
 * counted. */
BODY void low_bits_block(uint8_t *restrict sel, const float *restrict a,
                           size_t m, uint32_t mid0, uint32_t mid1,
                           uint32_t *restrict low)
{
    for (size_t j = 0; j < m; j++) {
        uint32_t top = float_key(a[j]) >> 16;
        sel[j] &= (top == mid0) | (top == mid1);
    }
    for (size_t j = skd_next_nonzero(sel, 0, m); j < m;
         j = skd_next_nonzero(sel, j + 1, m)) {
        uint32_t key = float_key(a[j]);
        low[((key >> 16) == mid0 ? 0 : BUCKETS) + (key & 0xffffu)]++;
    }
}

BODY void pass_moments_body(stats_job *job, size_t chunk, size_t thread)
{
    const skd_analysis *a = job->a;
    size_t i0 = chunk * CHUNK, i1 = i0 + CHUNK < job->n ? i0 + CHUNK : job->n;
    double acc[4][MOMENT_LANES] = {{0}};
    uint32_t *low = job->n_chunks > 1 ? thread_hist(job, thread) + HIST_LOW : NULL;
    chunk_sums *s = &job->sums[chunk];
    uint8_t sel[BLOCK];
    float v[BLOCK];
    double d[BLOCK];
    for (size_t i = i0; i < i1; i += BLOCK) {
        size_t m = i1 - i < BLOCK ? i1 - i : BLOCK;
        selection_block(job, i, m, sel);
        select_block(sel, a->texture + i, m, v);
        deviation_block(sel, v, m, job->mean, d);
        moments_block(d, m, acc);
        if (low)
            low_bits_block(sel, a->a_star + i, m, job->mid[0], job->mid[1], low);
    }
    s->abs1 = skd_stats_lanes_total(acc[0], MOMENT_LANES);
    s->m2 = skd_stats_lanes_total(acc[1], MOMENT_LANES);
    s->m3 = skd_stats_lanes_total(acc[2], MOMENT_LANES);
    s->m4 = skd_stats_lanes_total(acc[3], MOMENT_LANES);
}

BODY void pass_red_body(stats_job *job, size_t chunk, size_t thread)
{
    const uint8_t *restrict is_red = job->a->red_area;
    size_t i0 = chunk * CHUNK, i1 = i0 + CHUNK < job->n ? i0 + CHUNK : job->n;
    uint64_t red = 0;
    uint8_t sel[BLOCK];
    (void)thread;
    for (size_t i = i0; i < i1; i += BLOCK) {
        size_t m = i1 - i < BLOCK ? i1 - i : BLOCK;
        selection_block(job, i, m, sel);
        for (size_t j = 0; j < m; j++)
            sel[j] &= is_red[i + j] != 0;
        for (size_t j = 0; j < m; j++)
            red += sel[j];
        if (job->red_plane)
            memcpy(job->red_plane + i, sel, m);
    }
    job->sums[chunk].red = red;
}

/* The passes as chunk functions, in two copies. */
#define PASS(name)                                                        \
    static void name##_narrow(stats_job *job, size_t chunk, size_t thread) \
    {                                                                     \
        name##_body(job, chunk, thread);                                  \
    }                                                                     \
    WIDE static void name##_wide(stats_job *job, size_t chunk,             \
                                 size_t thread)                           \
    {                                                                     \
        name##_body(job, chunk, thread);                                  \
    }                                                                     \
    static void name(void *arg, size_t chunk, size_t thread)              \
    {                                                                     \
        stats_job *job = arg;                                             \
        if (WIDE_LOOPS && job->wide)                                      \
            name##_wide(job, chunk, thread);                              \
        else                                                              \
            name##_narrow(job, chunk, thread);                            \
    }

PASS(pass_sums)
PASS(pass_moments)
PASS(pass_red)

/* Bucket of the rank-th smallest (0-based) in hist[0..BUCKETS), and the
 * count below that bucket. */
static uint32_t bucket_of_rank(const uint32_t *hist, uint64_t rank,
                               uint64_t *below)
{
    uint64_t cum = 0;
    uint32_t b = 0;
    while (b < BUCKETS - 1 && cum + hist[b] <= rank)
        cum += hist[b++];
    *below = cum;
    return b;
}

/* Adds len counts at src to dst. */
static void add_counts(uint32_t *restrict dst, const uint32_t *restrict src,
                       size_t len)
{
    for (size_t i = 0; i < len; i++)
        dst[i] += src[i];
}

/* The exact median from the histograms: after pass 1, the buckets of the
 * two middle ranks (mid) and the counts below them; after pass 2, the
 * values at those ranks. Counts are merged into thread 0's histograms. */
static void median_buckets(stats_job *job, size_t threads, uint64_t count,
                           uint64_t below[2])
{
    uint64_t rank[2] = {(count - 1) / 2, count / 2};
    for (size_t t = 0; t < threads; t++)
        for (size_t h = 0; h < 2; h++)
            if (t || h)
                add_counts(job->hist, thread_hist(job, t) + h * HIST_TOP, BUCKETS);
    for (int i = 0; i < 2; i++)
        job->mid[i] = bucket_of_rank(job->hist, rank[i], &below[i]);
}

static double median_from_buckets(stats_job *job, size_t threads,
                                  uint64_t count, const uint64_t below[2])
{
    uint64_t rank[2] = {(count - 1) / 2, count / 2};
    uint32_t *low = job->hist + HIST_LOW;
    float v[2];
    for (size_t t = 1; t < threads; t++)
        add_counts(low, thread_hist(job, t) + HIST_LOW, 2 * (size_t)BUCKETS);
    for (int i = 0; i < 2; i++) {
        /* mid[1] == mid[0] shares the first low-bits histogram */
        uint64_t ignored;
        uint32_t bits = bucket_of_rank(low + (job->mid[i] == job->mid[0] ? 0 : BUCKETS),
                                       rank[i] - below[i], &ignored);
        v[i] = key_float((job->mid[i] << 16) | bits);
    }
    return count % 2 ? v[1] : ((double)v[0] + v[1]) / 2.0;
}

/* One chunk: the median of a copy. */
static int median_by_select(skd_ctx *ctx, const stats_job *job, uint64_t count,
                            double *median)
{
    float *values = skd_malloc_array(ctx, count, sizeof *values);
    size_t j = 0;
    if (!values)
        return SKD_E_NOMEM;
    for (size_t i = 0; i < job->n; i++)
        if (job->a->region[i] && (!job->include || job->include[i]))
            values[j++] = job->a->a_star[i];
    *median = skd_median_float(values, count);
    skd_dealloc(ctx, values);
    return SKD_OK;
}

static void texture_figures(const stats_job *job, uint64_t count,
                            skd_metrics *out)
{
    double abs1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (size_t c = 0; c < job->n_chunks; c++) {
        abs1 += job->sums[c].abs1;
        m2 += job->sums[c].m2;
        m3 += job->sums[c].m3;
        m4 += job->sums[c].m4;
    }
    skd_texture_from_moments(abs1, m2, m3, m4, count, out);
}

void skd_texture_from_moments(double abs1, double m2, double m3, double m4,
                              uint64_t count, skd_metrics *out)
{
    out->sa = abs1 / (double)count;
    out->sq = sqrt(m2 / (double)count);
    /* A perfectly flat surface has no shape: report 0, not NaN. */
    if (out->sq > 0) {
        double sq2 = out->sq * out->sq;
        out->ssk = m3 / (double)count / (sq2 * out->sq);
        out->sku = m4 / (double)count / (sq2 * sq2);
    } else {
        out->ssk = out->sku = 0;
    }
}

static void pore_figures(const skd_analysis *a, const uint8_t *include,
                         skd_metrics *out)
{
    skd_pore_sums sums = {0, 0, 0};
    for (size_t p = 0; p < a->n_pores; p++) {
        const skd_pore *q = &a->pores[p];
        size_t i = (size_t)q->y * a->width + (size_t)q->x;
        if (!a->region[i] || (include && !include[i]))
            continue;
        skd_pore_sums_add(&sums, q, a->px_per_mm);
    }
    skd_pore_figures_of_sums(&sums, out);
}

void skd_pore_sums_add(skd_pore_sums *s, const skd_pore *q, double px_per_mm)
{
    s->count++;
    s->sum_d += 2.0 * q->radius / px_per_mm;
    s->sum_area += M_PI * (double)q->radius * q->radius;
}

void skd_pore_figures_of_sums(const skd_pore_sums *s, skd_metrics *out)
{
    uint32_t count = s->count;
    double sum_d = s->sum_d, sum_area = s->sum_area;
    out->pore_count = count;
    out->pore_density_per_cm2 = count / out->area_cm2;
    out->pore_mean_diameter_mm = count ? sum_d / count : 0.0;
    out->pore_area_fraction = sum_area / (double)out->region_pixels;
}

void skd_colour_figures_of_sums(const skd_analysis *a, uint64_t count,
                                double sum_a, uint64_t n_e, double sum_e,
                                skd_metrics *out)
{
    out->region_pixels = count;
    out->area_cm2 = (double)count / (a->px_per_mm * a->px_per_mm) / 100.0;
    out->a_mean = sum_a / (double)count;
    out->erythema_index = n_e ? sum_e / (double)n_e : NAN;
}

void skd_metrics_clear(skd_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->sa = m->sq = m->ssk = m->sku = NAN;
    m->pore_density_per_cm2 = m->pore_mean_diameter_mm = NAN;
    m->pore_area_fraction = NAN;
    m->a_mean = m->a_median = m->erythema_index = m->red_area_fraction = NAN;
}

/* The passes, once the job's planes are set; job->sums and job->hist
 * (zeroed) are allocated. */
static int run_passes(skd_ctx *ctx, stats_job *job, skd_metrics *out)
{
    size_t threads = skd_parallel_threads(ctx, job->n_chunks);
    uint64_t count = 0, n_e = 0, red = 0, below[2];
    double sum_t = 0, sum_a = 0, sum_e = 0;
    int st;

    skd_parallel_chunks(ctx, job->n_chunks, pass_sums, job);
    for (size_t c = 0; c < job->n_chunks; c++) {
        count += job->sums[c].count;
        n_e += job->sums[c].n_e;
        sum_t += job->sums[c].t;
        sum_a += job->sums[c].a;
        sum_e += job->sums[c].e;
    }
    if (count == 0)
        return skd_fail(ctx, SKD_E_NO_REGION,
                        "no measurable skin in the selected region");
    skd_colour_figures_of_sums(job->a, count, sum_a, n_e, sum_e, out);
    job->mean = sum_t / (double)count;
    if (job->hist)
        median_buckets(job, threads, count, below);
    skd_parallel_chunks(ctx, job->n_chunks, pass_moments, job);
    texture_figures(job, count, out);
    if (job->hist)
        out->a_median = median_from_buckets(job, threads, count, below);
    else if ((st = median_by_select(ctx, job, count, &out->a_median)) != SKD_OK)
        return st;
    /* the window pass makes a*, which the red plane needs: no red pass */
    if (job->lut || !job->a->red_area)
        return SKD_OK;
    skd_parallel_chunks(ctx, job->n_chunks, pass_red, job);
    for (size_t c = 0; c < job->n_chunks; c++)
        red += job->sums[c].red;
    out->red_area_fraction = (double)red / (double)count;
    return SKD_OK;
}

/* The figures of a job whose planes and photo are set. */
static int job_figures(skd_ctx *ctx, stats_job *job, skd_metrics *out,
                       uint8_t *red_plane)
{
    const skd_analysis *a = job->a;
    int st;

    skd_metrics_clear(out);
    job->n = (size_t)a->width * a->height;
    job->n_chunks = (job->n + CHUNK - 1) / CHUNK;
    job->wide = skd_colour_wide_available();
    job->red_plane = red_plane;
    job->sums = skd_malloc_array(ctx, job->n_chunks, sizeof *job->sums);
    if (job->sums && job->n_chunks > 1)
        job->hist = skd_calloc(ctx, skd_parallel_threads(ctx, job->n_chunks),
                               HIST_SIZE * sizeof(uint32_t));
    if (!job->sums || (job->n_chunks > 1 && !job->hist))
        st = SKD_E_NOMEM;
    else
        st = run_passes(ctx, job, out);
    if (st == SKD_OK)
        pore_figures(a, job->include, out);
    else
        skd_metrics_clear(out);
    skd_dealloc(ctx, job->sums);
    skd_dealloc(ctx, job->hist);
    return st;
}

static int complete(const skd_analysis *a, const skd_photo_samples *photo,
                    const skd_metrics *out)
{
    return a && out && a->region && a->texture && a->a_star && photo &&
           photo->rgb && photo->log10_linear && photo->stride >= a->width &&
           (!a->n_pores || a->pores) && a->px_per_mm > 0;
}

int skd_region_figures(skd_ctx *ctx, const skd_analysis *a,
                       const skd_photo_samples *photo, const uint8_t *include,
                       double median_a, skd_metrics *out, uint8_t *red_plane)
{
    stats_job job;
    if (!ctx)
        return SKD_E_INVALID;
    if (!complete(a, photo, out))
        return skd_fail(ctx, SKD_E_INVALID,
                        "metrics_in_region: incomplete analysis");
    memset(&job, 0, sizeof job);
    job.a = a;
    job.photo = photo;
    job.include = include;
    (void)median_a; /* red is a property of the pixel: see a->red_area */
    return job_figures(ctx, &job, out, red_plane);
}

int skd_window_figures(skd_ctx *ctx, skd_analysis *a,
                       const skd_photo_samples *photo,
                       const skd_colour_lut *lut, uint8_t *red_plane)
{
    stats_job job;
    if (!ctx)
        return SKD_E_INVALID;
    if (!complete(a, photo, &a->metrics))
        return skd_fail(ctx, SKD_E_INVALID, "analyze: incomplete analysis");
    memset(&job, 0, sizeof job);
    job.a = a;
    job.photo = photo;
    job.lut = lut;
    job.a_star = a->a_star;
    (void)red_plane; /* made by skd_red_area_local once a* exists */
    return job_figures(ctx, &job, &a->metrics, NULL);
}

int skd_analysis_figures(skd_ctx *ctx, skd_analysis *a, const skd_image *img,
                         const skd_colour_lut *lut, uint8_t *red_plane)
{
    skd_photo_samples photo;
    if (!ctx)
        return SKD_E_INVALID;
    photo.rgb = img->rgb;
    photo.stride = img->width;
    photo.log10_linear = lut->log10_linear;
    photo.lut = lut;
    if (img->width != a->width || img->height != a->height)
        return skd_fail(ctx, SKD_E_INVALID, "analyze: incomplete analysis");
    return skd_window_figures(ctx, a, &photo, lut, red_plane);
}

int skd_metrics_in_region(skd_ctx *ctx, const skd_analysis *a,
                          const skd_image *img, const uint8_t *include,
                          double median_a, skd_metrics *out)
{
    skd_colour_lut *lut;
    skd_photo_samples photo;
    int st;

    if (!ctx)
        return SKD_E_INVALID;
    if (!a || !img || !img->rgb || img->width != a->width ||
        img->height != a->height) {
        if (out)
            skd_metrics_clear(out);
        return skd_fail(ctx, SKD_E_INVALID,
                        "metrics_in_region: no photo of the analysis' size");
    }
    st = skd_colour_lut_for_analysis(ctx, img, a, &lut);
    if (st != SKD_OK) {
        if (out)
            skd_metrics_clear(out);
        return st;
    }
    photo.rgb = img->rgb;
    photo.stride = img->width;
    photo.log10_linear = lut->log10_linear;
    photo.lut = lut;
    st = skd_region_figures(ctx, a, &photo, include, median_a, out, NULL);
    skd_colour_lut_free(ctx, lut);
    return st;
}
