/* The figures of several labelled parts of R (the facial zones) at once.
 *
 * skd_region_figures over one part reads every pixel of the photo three
 * times and makes the erythema value of each; five zones did that five
 * times, each with its own colour table. Here one colour table is made,
 * and one scan of the labelled pixels of R adds each pixel's texture, a*
 * and erythema value to its label's sums, counts its red pixels, and
 * gathers its texture values and a* keys; the moments about each label's
 * mean and its median then come from the gathered values alone.
 *
 * The figures are those of skd_region_figures bit for bit: each sum adds
 * the same values in the same order (stats_order.h: the same chunks, the
 * same accumulator per pixel, chunks combined in order). A pixel that
 * region_stats.c leaves out adds +0 there, which changes no sum (an
 * accumulator starting at +0 never becomes -0), so leaving it out here
 * changes nothing. The median is the exact middle by the same order (the
 * a* keys; a photo of one chunk takes skd_median_float of the values in
 * pixel order, as region_stats.c does there). */
#include <math.h>
#include <string.h>

#include "../colour/colour.h"
#include "metrics.h"
#include "stats_order.h"

#define LANES SKD_STATS_LANES
#define MOMENT_LANES SKD_STATS_MOMENT_LANES
#define NEW_CHUNK 0x80u /* tag: the first gathered pixel of a chunk */

/* One label's sums and gathered values. */
typedef struct label_acc {
    uint64_t count, n_e, red;
    double t, a, e;           /* over the chunks closed so far */
    double lane[3][LANES];    /* the open chunk's accumulators */
    size_t chunk;             /* the open chunk */
    int open;
    skd_pore_sums pores;
    size_t n, first;          /* gathered so far; offset in the buffers */
} label_acc;

typedef struct label_scan {
    const skd_analysis *a;
    const uint8_t *labels;
    unsigned n_labels;
    size_t n; /* pixels of the plane */
    label_acc *acc;
    float *tex;     /* texture of the gathered pixels, label by label */
    uint32_t *key;  /* a* keys, likewise */
    uint8_t *tag;   /* moment lane | NEW_CHUNK */
} label_scan;

static void close_chunk(label_acc *c)
{
    if (!c->open)
        return;
    c->t += skd_stats_lanes_total(c->lane[0], LANES);
    c->a += skd_stats_lanes_total(c->lane[1], LANES);
    c->e += skd_stats_lanes_total(c->lane[2], LANES);
    memset(c->lane, 0, sizeof c->lane);
    c->open = 0;
}

static int selected(const label_scan *s, size_t i)
{
    return s->a->region[i] && s->labels[i] && s->labels[i] < s->n_labels;
}

/* Pixel i of label acc, with its erythema value e. */
static void add_pixel(label_scan *s, label_acc *c, size_t i, float e)
{
    const skd_analysis *a = s->a;
    size_t chunk = i / SKD_STATS_CHUNK, g = c->first + c->n;
    unsigned lane = skd_stats_lane(i, s->n, LANES);
    uint8_t tag = (uint8_t)skd_stats_lane(i, s->n, MOMENT_LANES);
    if (!c->open || c->chunk != chunk) {
        close_chunk(c);
        c->chunk = chunk;
        c->open = 1;
        tag |= NEW_CHUNK;
    }
    c->lane[0][lane] += a->texture[i];
    c->lane[1][lane] += a->a_star[i];
    if (skd_stats_defined(e)) {
        c->lane[2][lane] += e;
        c->n_e++;
    }
    c->count++;
    c->red += a->red_area && a->red_area[i];
    s->tex[g] = a->texture[i];
    s->key[g] = skd_float_key(a->a_star[i]);
    s->tag[g] = tag;
    c->n++;
}

/* The scan: each row's runs of selected pixels, their erythema values
 * made for the run at once (each pixel's value is its own: docs of
 * skd_erythema_row). */
static void scan(label_scan *s, const skd_photo_samples *photo, float *e)
{
    size_t w = s->a->width, h = s->a->height;
    for (size_t y = 0; y < h; y++) {
        size_t x = 0;
        while (x < w) {
            size_t x0, row = y * w;
            while (x < w && !selected(s, row + x))
                x++;
            x0 = x;
            while (x < w && selected(s, row + x))
                x++;
            if (x == x0)
                continue;
            if (photo->lut && photo->lut->managed)
                skd_erythema_row_lut(photo->rgb + 3 * (row + x0), x - x0,
                                     photo->lut, e);
            else
                skd_erythema_row(photo->rgb + 3 * (row + x0), x - x0,
                                 photo->log10_linear, e);
            for (size_t i = x0; i < x; i++)
                add_pixel(s, &s->acc[s->labels[row + i]], row + i, e[i - x0]);
        }
    }
}

/* Moments about the mean of the gathered texture values, in region_stats'
 * order. */
static void moments(const label_scan *s, const label_acc *c, skd_metrics *out)
{
    double mean = c->t / (double)c->count;
    double acc[4][MOMENT_LANES] = {{0}}, sum[4] = {0};
    for (size_t g = c->first; g <= c->first + c->n; g++) {
        if (g == c->first + c->n || (s->tag[g] & NEW_CHUNK)) {
            for (int q = 0; q < 4; q++)
                sum[q] += skd_stats_lanes_total(acc[q], MOMENT_LANES);
            memset(acc, 0, sizeof acc);
            if (g == c->first + c->n)
                break;
        }
        {
            unsigned k = s->tag[g] & 1u;
            double x = (double)s->tex[g] - mean, x2 = x * x;
            acc[0][k] += fabs(x);
            acc[1][k] += x2;
            acc[2][k] += x2 * x;
            acc[3][k] += x2 * x2;
        }
    }
    skd_texture_from_moments(sum[0], sum[1], sum[2], sum[3], c->count, out);
}

/* The exact median of the gathered keys (reordered). */
static double median(const label_scan *s, const label_acc *c)
{
    uint32_t *v = s->key + c->first;
    size_t n = c->n, k = n / 2;
    float lower, upper;
    if (s->n <= SKD_STATS_CHUNK) { /* region_stats: quickselect on floats */
        float *f = s->tex + c->first; /* the texture is used up */
        for (size_t i = 0; i < n; i++)
            f[i] = skd_key_float(v[i]);
        return skd_median_float(f, n);
    }
    upper = skd_key_float(skd_select_kth_u32(v, n, k));
    if (n % 2)
        return upper;
    lower = skd_key_float(v[0]);
    for (size_t i = 1; i < k; i++)
        if (skd_key_float(v[i]) > lower)
            lower = skd_key_float(v[i]);
    return ((double)lower + upper) / 2.0;
}

/* Per label, where its gathered values start; returns how many in all. */
static size_t count_labels(const label_scan *s, label_acc *acc)
{
    size_t first = 0;
    for (size_t i = 0; i < s->n; i++)
        if (selected(s, i))
            acc[s->labels[i]].first++; /* a count, until made offsets */
    for (unsigned k = 0; k < s->n_labels; k++) {
        size_t m = acc[k].first;
        acc[k].first = first;
        first += m;
    }
    return first;
}

static void pores_of_labels(const label_scan *s)
{
    const skd_analysis *a = s->a;
    for (size_t p = 0; p < a->n_pores; p++) {
        const skd_pore *q = &a->pores[p];
        size_t i = (size_t)q->y * a->width + (size_t)q->x;
        if (selected(s, i))
            skd_pore_sums_add(&s->acc[s->labels[i]].pores, q, a->px_per_mm);
    }
}

static void label_figures(const label_scan *s, label_acc *c, skd_metrics *out)
{
    close_chunk(c);
    skd_colour_figures_of_sums(s->a, c->count, c->a, c->n_e, c->e, out);
    moments(s, c, out);
    out->a_median = median(s, c);
    if (s->a->red_area)
        out->red_area_fraction = (double)c->red / (double)c->count;
    skd_pore_figures_of_sums(&c->pores, out);
}

static int scan_and_figures(skd_ctx *ctx, label_scan *s,
                            const skd_photo_samples *photo, skd_metrics *out,
                            int *status)
{
    size_t total = count_labels(s, s->acc);
    float *e = NULL;
    int st = SKD_OK;
    if (total) {
        s->tex = skd_malloc_array(ctx, total, sizeof *s->tex);
        s->key = skd_malloc_array(ctx, total, sizeof *s->key);
        s->tag = skd_malloc(ctx, total);
        e = skd_malloc_array(ctx, s->a->width, sizeof *e);
        if (!s->tex || !s->key || !s->tag || !e)
            st = SKD_E_NOMEM;
    }
    if (st == SKD_OK && total) {
        scan(s, photo, e);
        pores_of_labels(s);
    }
    for (unsigned k = 1; k < s->n_labels; k++) {
        skd_metrics_clear(&out[k]);
        status[k] = st != SKD_OK ? st : s->acc[k].count ? SKD_OK : SKD_E_NO_REGION;
        if (status[k] == SKD_OK)
            label_figures(s, &s->acc[k], &out[k]);
    }
    skd_dealloc(ctx, e);
    skd_dealloc(ctx, s->tex);
    skd_dealloc(ctx, s->key);
    skd_dealloc(ctx, s->tag);
    return st;
}

int skd_label_figures(skd_ctx *ctx, const skd_analysis *a,
                      const skd_image *img, const uint8_t *labels,
                      unsigned n_labels, skd_metrics *out, int *status)
{
    skd_colour_lut *lut = NULL;
    skd_photo_samples photo;
    label_scan s;
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if (!a || !img || !img->rgb || !out || !status || n_labels > 256 ||
        img->width != a->width || img->height != a->height || !a->region ||
        !a->texture || !a->a_star || (a->n_pores && !a->pores) ||
        !(a->px_per_mm > 0))
        return skd_fail(ctx, SKD_E_INVALID,
                        "label figures: incomplete analysis or no photo of its size");
    for (unsigned k = 1; k < n_labels; k++) {
        skd_metrics_clear(&out[k]);
        status[k] = SKD_E_NO_REGION;
    }
    if (!labels || n_labels < 2)
        return SKD_OK;
    if ((st = skd_colour_lut_for_analysis(ctx, img, a, &lut)) != SKD_OK) {
        for (unsigned k = 1; k < n_labels; k++)
            status[k] = st;
        return st;
    }
    memset(&s, 0, sizeof s);
    s.a = a;
    s.labels = labels;
    s.n_labels = n_labels;
    s.n = (size_t)a->width * a->height;
    s.acc = skd_calloc(ctx, n_labels, sizeof *s.acc);
    photo.rgb = img->rgb;
    photo.stride = img->width;
    photo.log10_linear = lut->log10_linear;
    photo.lut = lut;
    if (!s.acc) {
        st = SKD_E_NOMEM;
        for (unsigned k = 1; k < n_labels; k++)
            status[k] = st;
    } else {
        st = scan_and_figures(ctx, &s, &photo, out, status);
    }
    skd_dealloc(ctx, s.acc);
    skd_colour_lut_free(ctx, lut);
    return st;
}
