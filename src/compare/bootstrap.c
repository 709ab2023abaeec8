/* Paired bootstrap over tiles with a private, seeded generator, so the
 * interval is the same on every run and every machine. */
#include <math.h>
#include <stdlib.h>

#include "compare.h"

uint64_t skd_metric_seed(uint64_t seed, skd_metric_id m)
{
    uint64_t x = seed + (uint64_t)m;
    return skd_splitmix64(&x);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Percentile p (0..1) of sorted v[0..n-1], interpolating at p * (n - 1). */
static double percentile(const double *v, size_t n, double p)
{
    double pos = p * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    double f = pos - (double)i;
    if (i + 1 >= n)
        return v[n - 1];
    return v[i] + f * (v[i + 1] - v[i]);
}

int skd_bootstrap_interval(skd_ctx *ctx, const double *d, size_t n,
                           size_t stride, double change, uint32_t n_boot,
                           uint64_t seed, double *lo, double *hi)
{
    double *x = NULL, *means = NULL, sum = 0, mean_d;
    size_t k = 0;
    skd_rng rng;

    *lo = *hi = NAN;
    if (n_boot == 0)
        return skd_fail(ctx, SKD_E_INVALID, "bootstrap needs resamples");
    x = skd_malloc_array(ctx, n ? n : 1, sizeof *x);
    if (!x)
        return SKD_E_NOMEM;
    for (size_t i = 0; i < n; i++)
        if (isfinite(d[i * stride])) {
            x[k++] = d[i * stride];
            sum += d[i * stride];
        }
    if (k < 2 || k > UINT32_MAX || !isfinite(change)) {
        skd_dealloc(ctx, x);
        return SKD_OK;
    }
    means = skd_malloc_array(ctx, n_boot, sizeof *means);
    if (!means) {
        skd_dealloc(ctx, x);
        return SKD_E_NOMEM;
    }
    mean_d = sum / (double)k;
    skd_rng_seed(&rng, seed);
    for (uint32_t b = 0; b < n_boot; b++) {
        double s = 0;
        for (size_t i = 0; i < k; i++)
            s += x[skd_rng_below(&rng, (uint32_t)k)];
        means[b] = s / (double)k;
    }
    qsort(means, n_boot, sizeof *means, cmp_double);
    *lo = change + (percentile(means, n_boot, 0.025) - mean_d);
    *hi = change + (percentile(means, n_boot, 0.975) - mean_d);
    skd_dealloc(ctx, means);
    skd_dealloc(ctx, x);
    return SKD_OK;
}
