/* Seeded random numbers of our own, so a seed gives the same skin on every
 * platform and C library: xoshiro256** (Blackman and Vigna), its state
 * filled by splitmix64 from (seed, stream, i, j). */
#include <math.h>

#include "rng.h"

uint64_t skd_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Chain the inputs through the mixer: each step depends on all before it,
 * so (i, j) and (j, i) give unrelated streams. */
static uint64_t mix_in(uint64_t h, uint64_t v)
{
    uint64_t x = h ^ v;
    return skd_splitmix64(&x);
}

void skd_rng_seed_stream(skd_rng *r, uint64_t seed, uint64_t stream,
                         int64_t i, int64_t j)
{
    uint64_t h = mix_in(0x5EED5EED5EED5EEDull, seed);
    h = mix_in(h, stream);
    h = mix_in(h, (uint64_t)i);
    h = mix_in(h, (uint64_t)j);
    for (int k = 0; k < 4; k++)
        r->s[k] = skd_splitmix64(&h);
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1; /* the one state xoshiro cannot leave */
    r->spare = 0;
    r->has_spare = 0;
}

void skd_rng_seed(skd_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = skd_splitmix64(&seed);
    r->spare = 0;
    r->has_spare = 0;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t skd_rng_next(skd_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double skd_rng_uniform(skd_rng *r)
{
    return (double)(skd_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Box-Muller; the second value of each pair is kept for the next call. */
double skd_rng_normal(skd_rng *r)
{
    double u1, u2, rad;
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    u1 = 1.0 - skd_rng_uniform(r); /* (0, 1]: log is finite */
    u2 = skd_rng_uniform(r);
    rad = sqrt(-2.0 * log(u1));
    r->spare = rad * sin(2.0 * M_PI * u2);
    r->has_spare = 1;
    return rad * cos(2.0 * M_PI * u2);
}

/* Knuth's product of uniforms on chunks of mean <= 16 (a sum of Poisson
 * variables is Poisson), so exp(-mean) never underflows. */
uint32_t skd_rng_poisson(skd_rng *r, double mean)
{
    uint32_t n = 0;
    while (mean > 0) {
        double m = mean > 16.0 ? 16.0 : mean;
        double limit = exp(-m), prod = skd_rng_uniform(r);
        while (prod > limit) {
            n++;
            prod *= skd_rng_uniform(r);
        }
        mean -= m;
    }
    return n;
}

/* Lemire's multiply-shift with rejection of the biased low range. */
uint32_t skd_rng_below(skd_rng *r, uint32_t n)
{
    uint64_t m = (skd_rng_next(r) >> 32) * n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t reject = (uint32_t)(-n) % n;
        while (low < reject) {
            m = (skd_rng_next(r) >> 32) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}
