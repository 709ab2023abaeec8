/* The analysis window: the part of the photo whose pixels the figures over
 * R can depend on, so that the fill, the filter bank and the statistics
 * run there only (a cheek ROI of 15% of the frame, a face on a black
 * background) and their cost and the pages they touch follow the region.
 *
 * Its reach. Every figure is a sum over R, R lies in M, and M is zero
 * outside its bounding box B. Of what a pixel p of R contributes:
 *  - a*, the erythema value and red area read p's own samples;
 *  - T(p) = G_0.05 * l~ - G_1 * l~ (l~ the filled l) reads l~ within the
 *    1 mm Gaussian's margin, skd_fft_margin(1 mm): 82 px at 20 px/mm;
 *  - the pore bank reads l~ within the widest D_k's margin plus the pixel
 *    of the local-maximum and Hessian tests (18 px at 20 px/mm);
 *  - l~(q) is l(q) on M and (G*(l M))(q) / (G*M)(q) elsewhere, sums over
 *    pixels of M, which all lie in B.
 * So B grown by the larger margin (clamped to the photo) holds every pixel
 * of l~ that R reads, and l~ there needs no pixel outside B. Within the
 * window the filters mirror at its edges instead of seeing the rest of the
 * photo. Where an edge is the photo's, nothing changes. Where it lies
 * inside the photo, the first margin of pixels inside it has M = 0 (it is
 * outside B), so the mirrored copies add nothing to G*M and G*(l M) within
 * a margin of the edge, which is where the real rest of the photo (M = 0)
 * added nothing either; both differ only by the 1 mm Gaussian's weight
 * beyond its margin (2e-5 of the total at 4.1 sigma, the truncation every
 * tiled filter here has), and T(p), which reads l~ no further than a
 * margin from p, sees mirrored l~ only beyond its own margin, with the
 * same weight. test_metrics_window measures the difference. */
#include <string.h>

#include "metrics.h"

size_t skd_window_reach(double px_per_mm)
{
    double sigma_pore = skd_pore_radius_mm(SKD_PORE_SCALES - 1) * px_per_mm /
                        1.4142135623730951;
    size_t texture = skd_fft_margin(SKD_TEXTURE_COARSE_MM * px_per_mm);
    size_t pores = skd_fft_margin(sigma_pore) + 1;
    return texture > pores ? texture : pores;
}

/* First and one past the last non-zero byte of p[0, n), or n and n when
 * none. */
static size_t first_set(const uint8_t *p, size_t n)
{
    return skd_next_nonzero(p, 0, n);
}

static size_t last_set_end(const uint8_t *p, size_t n)
{
    size_t i = n;
    while (i >= 8) {
        uint64_t word;
        memcpy(&word, p + i - 8, sizeof word);
        if (word)
            break;
        i -= 8;
    }
    while (i > 0 && !p[i - 1])
        i--;
    return i;
}

skd_window skd_window_around(size_t x0, size_t y0, size_t x1, size_t y1,
                             size_t reach, size_t w, size_t h)
{
    skd_window win;
    win.x0 = x0 > reach ? x0 - reach : 0;
    win.y0 = y0 > reach ? y0 - reach : 0;
    win.w = (w - x1 > reach ? x1 + reach : w) - win.x0;
    win.h = (h - y1 > reach ? y1 + reach : h) - win.y0;
    return win;
}

skd_window skd_window_of_mask_in(const uint8_t *m, size_t w, size_t h,
                                 const skd_window *part, size_t reach)
{
    skd_window whole = {0, 0, w, h};
    const uint8_t *base = m + part->x0; /* rows of part from here, w apart */
    size_t pw = part->w, end = part->y0 + part->h;
    size_t y0 = part->y0, y1 = end, x0 = pw, x1 = 0;
    while (y0 < end && first_set(base + y0 * w, pw) == pw)
        y0++;
    if (y0 == end)
        return whole; /* no M: the fill reports the empty region */
    while (first_set(base + (y1 - 1) * w, pw) == pw)
        y1--;
    /* each row is read only up to the columns already known to be in B */
    for (size_t y = y0; y < y1; y++) {
        const uint8_t *row = base + y * w;
        size_t a = first_set(row, x0);
        x1 += last_set_end(row + x1, pw - x1);
        if (a < x0)
            x0 = a;
    }
    return skd_window_around(part->x0 + x0, y0, part->x0 + x1, y1, reach, w, h);
}

skd_window skd_window_of_mask(const uint8_t *m, size_t w, size_t h,
                              size_t reach)
{
    skd_window whole = {0, 0, w, h};
    return skd_window_of_mask_in(m, w, h, &whole, reach);
}

int skd_window_is_whole(const skd_window *win, size_t w, size_t h)
{
    return win->x0 == 0 && win->y0 == 0 && win->w == w && win->h == h;
}

/* Plane offsets: the window's compact layout starts at its first row. */
static unsigned char *at(void *plane, size_t elem, size_t i)
{
    return (unsigned char *)plane + i * elem;
}

void skd_window_gather(void *plane, size_t w, size_t elem,
                       const skd_window *win)
{
    size_t base = win->y0 * w;
    if (win->w == w)
        return; /* full rows: already compact */
    /* row j moves down to a lower address, never past a row not yet moved */
    for (size_t j = 0; j < win->h; j++)
        memmove(at(plane, elem, base + j * win->w),
                at(plane, elem, (win->y0 + j) * w + win->x0), win->w * elem);
}

/* Zero [i0, i1) of the plane. */
static void zero(void *plane, size_t elem, size_t i0, size_t i1)
{
    if (i1 > i0)
        memset(at(plane, elem, i0), 0, (i1 - i0) * elem);
}

void skd_window_scatter(void *plane, size_t w, size_t h, size_t elem,
                        const skd_window *win, int zero_outside)
{
    size_t base = win->y0 * w, end = base + win->w * win->h;
    if (win->w != w) {
        /* row j moves up, last row first, so no source is overwritten */
        for (size_t j = win->h; j-- > 0;)
            memmove(at(plane, elem, (win->y0 + j) * w + win->x0),
                    at(plane, elem, base + j * win->w), win->w * elem);
    }
    if (zero_outside) {
        zero(plane, elem, 0, base);
        zero(plane, elem, (win->y0 + win->h) * w, w * h);
    }
    if (win->w == w)
        return;
    /* left and right of the window in its rows: everywhere when asked,
     * else only where the compact rows were (elsewhere it is zero) */
    for (size_t y = win->y0; y < win->y0 + win->h; y++) {
        size_t r0 = y * w, r1 = r0 + w;
        size_t left = r0 + win->x0, right = left + win->w;
        if (!zero_outside && r0 >= end)
            break;
        if (!zero_outside && r1 > end)
            r1 = end;
        zero(plane, elem, r0, left < r1 ? left : r1);
        zero(plane, elem, right, r1);
    }
}

void skd_window_zero_outside(void *plane, size_t w, size_t elem,
                             const skd_window *area, const skd_window *keep)
{
    size_t kx1 = keep->x0 + keep->w, ky1 = keep->y0 + keep->h;
    size_t ax1 = area->x0 + area->w;
    /* keep's columns within area's: [left, right) */
    size_t left = keep->x0 > area->x0 ? keep->x0 : area->x0;
    size_t right = kx1 < ax1 ? kx1 : ax1;
    if (right < left)
        right = left = area->x0;
    for (size_t y = area->y0; y < area->y0 + area->h; y++) {
        size_t r = y * w;
        if (y < keep->y0 || y >= ky1 || left == right) {
            zero(plane, elem, r + area->x0, r + ax1);
            continue;
        }
        zero(plane, elem, r + area->x0, r + left);
        zero(plane, elem, r + right, r + ax1);
    }
}
