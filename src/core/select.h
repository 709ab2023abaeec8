/* Order statistics of float arrays (reordered in place). */
#ifndef SKD_SELECT_H
#define SKD_SELECT_H

#include <stddef.h>
#include <stdint.h>

/* The k-th smallest of v[0..n-1] (k < n), left at v[k] with smaller values
 * before it and larger after it. */
float skd_select_kth(float *v, size_t n, size_t k);

/* Exact median of v[0..n-1] (n > 0; the mean of the two middle values when
 * n is even). */
double skd_median_float(float *v, size_t n);

/* skd_select_kth for unsigned 32-bit values. */
uint32_t skd_select_kth_u32(uint32_t *v, size_t n, size_t k);

#endif
