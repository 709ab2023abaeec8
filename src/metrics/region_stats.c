/* The figures of DESIGN.md section 3 over R, or over a part of R. The
 * whole-photo figures of skd_analyze come through here too, so there is one
 * definition of every statistic. Sums are in double, in pixel order, so the
 * figures do not depend on the thread count. */
#include <math.h>
#include <string.h>

#include "metrics.h"

/* Index of the first non-zero byte of p at or after i, or n. */
static inline size_t next_nonzero(const uint8_t *p, size_t i, size_t n)
{
    while (i + 8 <= n) {
        uint64_t word;
        memcpy(&word, p + i, sizeof word);
        if (word)
            break;
        i += 8;
    }
    while (i < n && !p[i])
        i++;
    return i;
}

/* Pixels of R that include selects; runs of zeros in include (a tile of a
 * large photo) are skipped a word at a time, and after the counting pass
 * only [first, end) is scanned. */
typedef struct selection {
    const uint8_t *scan;  /* include, or R when include is NULL */
    const uint8_t *check; /* R when include is given, else NULL */
    size_t first, end;
} selection;

#define FOR_SELECTED(sel, i)                                                   \
    for (size_t i = next_nonzero((sel)->scan, (sel)->first, (sel)->end);       \
         i < (sel)->end; i = next_nonzero((sel)->scan, i + 1, (sel)->end))     \
        if (!(sel)->check || (sel)->check[i])

/* Counts the selection and narrows [first, end) to it. */
static uint64_t count_selected(selection *sel)
{
    uint64_t count = 0;
    size_t first = sel->end, last = 0;
    FOR_SELECTED(sel, i) {
        if (count++ == 0)
            first = i;
        last = i;
    }
    sel->first = first;
    sel->end = count ? last + 1 : first;
    return count;
}

static void texture_figures(const selection *sel, const float *texture,
                            uint64_t count, skd_metrics *out)
{
    double sum = 0, abs1 = 0, m2 = 0, m3 = 0, m4 = 0, mean;
    FOR_SELECTED(sel, i)
        sum += texture[i];
    mean = sum / (double)count;
    FOR_SELECTED(sel, i) {
        double t = texture[i] - mean, t2 = t * t;
        abs1 += fabs(t);
        m2 += t2;
        m3 += t2 * t;
        m4 += t2 * t2;
    }
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

/* a* values of the selection go to values[] for the median. */
static void redness_figures(const selection *sel, const skd_analysis *a,
                            uint64_t count, float *values, double median_ref,
                            double delta, skd_metrics *out)
{
    double sum_a = 0, sum_e = 0, ref;
    uint64_t n_e = 0, red = 0;
    size_t j = 0;
    FOR_SELECTED(sel, i) {
        float e = a->erythema[i];
        values[j++] = a->a_star[i];
        sum_a += a->a_star[i];
        if (!isnan(e)) {
            sum_e += e;
            n_e++;
        }
    }
    out->a_mean = sum_a / (double)count;
    out->erythema_index = n_e ? sum_e / (double)n_e : NAN;
    out->a_median = skd_median_float(values, count);
    ref = isnan(median_ref) ? out->a_median : median_ref;
    for (size_t i = 0; i < count; i++)
        red += skd_is_red(values[i], ref, delta);
    out->red_area_fraction = (double)red / (double)count;
}

static void pore_figures(const skd_analysis *a, const uint8_t *include,
                         skd_metrics *out)
{
    double sum_d = 0, sum_area = 0;
    uint32_t count = 0;
    for (size_t p = 0; p < a->n_pores; p++) {
        const skd_pore *q = &a->pores[p];
        size_t i = (size_t)q->y * a->width + (size_t)q->x;
        if (!a->region[i] || (include && !include[i]))
            continue;
        count++;
        sum_d += 2.0 * q->radius / a->px_per_mm;
        sum_area += M_PI * (double)q->radius * q->radius;
    }
    out->pore_count = count;
    out->pore_density_per_cm2 = count / out->area_cm2;
    out->pore_mean_diameter_mm = count ? sum_d / count : 0.0;
    out->pore_area_fraction = sum_area / (double)out->region_pixels;
}

static void clear_metrics(skd_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->sa = m->sq = m->ssk = m->sku = NAN;
    m->pore_density_per_cm2 = m->pore_mean_diameter_mm = NAN;
    m->pore_area_fraction = NAN;
    m->a_mean = m->a_median = m->erythema_index = m->red_area_fraction = NAN;
}

int skd_metrics_in_region(skd_ctx *ctx, const skd_analysis *a,
                          const uint8_t *include, double median_a,
                          skd_metrics *out)
{
    selection sel;
    uint64_t count;
    float *values;

    if (!ctx)
        return SKD_E_INVALID;
    if (!a || !out || !a->region || !a->texture || !a->a_star ||
        !a->erythema || (a->n_pores && !a->pores) || a->px_per_mm <= 0)
        return skd_fail(ctx, SKD_E_INVALID,
                        "metrics_in_region: incomplete analysis");
    clear_metrics(out);
    sel.scan = include ? include : a->region;
    sel.check = include ? a->region : NULL;
    sel.first = 0;
    sel.end = (size_t)a->width * a->height;
    count = count_selected(&sel);
    if (count == 0)
        return skd_fail(ctx, SKD_E_NO_REGION,
                        "no measurable skin in the selected region");
    values = skd_malloc_array(ctx, count, sizeof *values);
    if (!values)
        return SKD_E_NOMEM;
    out->region_pixels = count;
    out->area_cm2 = (double)count / (a->px_per_mm * a->px_per_mm) / 100.0;
    texture_figures(&sel, a->texture, count, out);
    redness_figures(&sel, a, count, values, median_a,
                    skd_opt(ctx, SKD_OPT_RED_DELTA), out);
    pore_figures(a, include, out);
    skd_dealloc(ctx, values);
    return SKD_OK;
}
