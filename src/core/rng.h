/* Seeded random numbers of our own, so a seed gives the same numbers on
 * every platform and C library: xoshiro256** (Blackman and Vigna) with its
 * state filled by splitmix64. Used by the synthetic skin and the bootstrap. */
#ifndef SKD_RNG_H
#define SKD_RNG_H

#include <stdint.h>

typedef struct skd_rng {
    uint64_t s[4];
    double spare; /* second Box-Muller value */
    int has_spare;
} skd_rng;

uint64_t skd_splitmix64(uint64_t *x);

/* State from one seed. */
void skd_rng_seed(skd_rng *r, uint64_t seed);
/* Independent stream (seed, stream, i, j): (i, j) and (j, i) differ. */
void skd_rng_seed_stream(skd_rng *r, uint64_t seed, uint64_t stream,
                         int64_t i, int64_t j);

uint64_t skd_rng_next(skd_rng *r);
double skd_rng_uniform(skd_rng *r);            /* [0, 1), 53 random bits */
double skd_rng_normal(skd_rng *r);             /* mean 0, sd 1 */
uint32_t skd_rng_poisson(skd_rng *r, double mean);
uint32_t skd_rng_below(skd_rng *r, uint32_t n); /* [0, n), n > 0, unbiased */

#endif
