/* The order in which the region statistics (region_stats.c) add up their
 * sums, so that label_stats.c, which gathers several regions in one scan,
 * adds the same values in the same order and gets the same bits: fixed
 * chunks of CHUNK pixels from pixel 0, combined in chunk order; within a
 * chunk, blocks of BLOCK pixels; within a block, pixel j goes to
 * accumulator j % lanes, except the last m % lanes pixels of a short block
 * (the photo's last), which go to accumulator 0. Pass 1 (sums) has
 * SKD_STATS_LANES accumulators, pass 2 (moments) SKD_STATS_MOMENT_LANES. */
#ifndef SKD_STATS_ORDER_H
#define SKD_STATS_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "../colour/colour.h"

#define SKD_STATS_CHUNK 65536
#define SKD_STATS_BLOCK 256
#define SKD_STATS_LANES 4
#define SKD_STATS_MOMENT_LANES 2

#if defined(__GNUC__) || defined(__clang__)
#define SKD_STATS_INLINE static inline __attribute__((always_inline))
#else
#define SKD_STATS_INLINE static inline
#endif

/* a* values as keys that sort like the floats (not NaN). */
SKD_STATS_INLINE uint32_t skd_float_key(float f)
{
    uint32_t u = skd_bits_from_float(f);
    return u ^ ((uint32_t)((int32_t)u >> 31) | 0x80000000u);
}

SKD_STATS_INLINE float skd_key_float(uint32_t k)
{
    return skd_float_from_bits(k ^ ((k >> 31) ? 0x80000000u : 0xffffffffu));
}

/* 1 unless v is NaN (exponent all ones with a mantissa): the erythema
 * values that count. */
SKD_STATS_INLINE int skd_stats_defined(float v)
{
    return (skd_bits_from_float(v) & 0x7fffffffu) <= 0x7f800000u;
}

/* A chunk's accumulators added up in lane order, from +0: the chunk's
 * share of a sum. */
SKD_STATS_INLINE double skd_stats_lanes_total(const double *acc,
                                              unsigned lanes)
{
    double s = 0;
    for (unsigned k = 0; k < lanes; k++)
        s += acc[k];
    return s;
}

/* The accumulator of pixel i of an n-pixel plane among `lanes`. */
static inline unsigned skd_stats_lane(size_t i, size_t n, unsigned lanes)
{
    size_t start = i - i % SKD_STATS_BLOCK;
    size_t m = n - start < SKD_STATS_BLOCK ? n - start : SKD_STATS_BLOCK;
    size_t j = i - start;
    return j < m - m % lanes ? (unsigned)(j % lanes) : 0u;
}

#endif
