/* Paired bootstrap over tiles with a private, seeded generator, so the
 * interval is the same on every run and every machine. */
#include <math.h>
#include <stdlib.h>

#include "compare.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void skd_boot_rng_seed(skd_boot_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

uint64_t skd_boot_rng_next(skd_boot_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Lemire's multiply-shift with rejection of the biased low range. */
uint32_t skd_boot_rng_below(skd_boot_rng *r, uint32_t n)
{
    uint64_t m = (skd_boot_rng_next(r) >> 32) * n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t reject = (uint32_t)(-n) % n;
        while (low < reject) {
            m = (skd_boot_rng_next(r) >> 32) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

uint64_t skd_metric_seed(uint64_t seed, skd_metric_id m)
{
    uint64_t x = seed + (uint64_t)m;
    return splitmix64(&x);
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
    skd_boot_rng rng;

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
    skd_boot_rng_seed(&rng, seed);
    for (uint32_t b = 0; b < n_boot; b++) {
        double s = 0;
        for (size_t i = 0; i < k; i++)
            s += x[skd_boot_rng_below(&rng, (uint32_t)k)];
        means[b] = s / (double)k;
    }
    qsort(means, n_boot, sizeof *means, cmp_double);
    *lo = change + (percentile(means, n_boot, 0.025) - mean_d);
    *hi = change + (percentile(means, n_boot, 0.975) - mean_d);
    skd_dealloc(ctx, means);
    skd_dealloc(ctx, x);
    return SKD_OK;
}
