/* Exact k-th value and median by quickselect (Hoare partition, median-of-
 * three pivot): O(n) on average, exact, no precision loss from binning. */
#include <stddef.h>
#include <stdint.h>

#include "select.h"

/* select_kth_NAME puts the k-th smallest of v[0..n-1] at v[k], smaller
 * ones before it and larger ones after it; one body for each type. */
#define SELECT_KTH(NAME, T)                                                  \
    static void swap_##NAME(T *a, T *b)                                      \
    {                                                                        \
        T t = *a;                                                            \
        *a = *b;                                                             \
        *b = t;                                                              \
    }                                                                        \
    static void select_kth_##NAME(T *v, ptrdiff_t n, ptrdiff_t k)            \
    {                                                                        \
        ptrdiff_t lo = 0, hi = n - 1;                                        \
        while (hi > lo) {                                                    \
            ptrdiff_t mid = lo + (hi - lo) / 2, i = lo, j = hi;              \
            if (v[mid] < v[lo]) swap_##NAME(&v[mid], &v[lo]);                \
            if (v[hi] < v[lo]) swap_##NAME(&v[hi], &v[lo]);                  \
            if (v[hi] < v[mid]) swap_##NAME(&v[hi], &v[mid]);                \
            T pivot = v[mid];                                                \
            while (i <= j) {                                                 \
                while (v[i] < pivot) i++;                                    \
                while (v[j] > pivot) j--;                                    \
                if (i <= j) {                                                \
                    swap_##NAME(&v[i], &v[j]);                               \
                    i++;                                                     \
                    j--;                                                     \
                }                                                            \
            }                                                                \
            if (k <= j)                                                      \
                hi = j;                                                      \
            else if (k >= i)                                                 \
                lo = i;                                                      \
            else                                                             \
                return; /* v[j+1..i-1] all equal the pivot */                \
        }                                                                    \
    }

SELECT_KTH(float, float)
SELECT_KTH(u32, uint32_t)

double skd_median_float(float *v, size_t n)
{
    ptrdiff_t k = (ptrdiff_t)(n / 2);
    select_kth_float(v, (ptrdiff_t)n, k);
    if (n % 2)
        return v[k];
    /* v[k] is the upper middle; the lower one is the largest before it. */
    float lower = v[0];
    for (ptrdiff_t i = 1; i < k; i++)
        if (v[i] > lower)
            lower = v[i];
    return ((double)lower + v[k]) / 2.0;
}

float skd_select_kth(float *v, size_t n, size_t k)
{
    select_kth_float(v, (ptrdiff_t)n, (ptrdiff_t)k);
    return v[k];
}

uint32_t skd_select_kth_u32(uint32_t *v, size_t n, size_t k)
{
    select_kth_u32(v, (ptrdiff_t)n, (ptrdiff_t)k);
    return v[k];
}
