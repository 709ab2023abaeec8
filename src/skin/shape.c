/* Shape clean-up of the skin cells: an opening removes thin bridges and
 * specks (hair strands, edges of coloured cloth), components much smaller
 * than the largest are dropped (skin-coloured things apart from the
 * subject), and small enclosed holes are filled (a red papule, a
 * comedone or a highlight inside skin is skin; an eye or a mouth is a
 * larger hole and stays out). Neighbourhoods are 4-connected. */
#include <string.h>

#include "skin.h"

/* One erosion (value 1) or dilation (value 0) of the binary m with the
 * cross: a cell becomes !value when it or a 4-neighbour is !value. tmp is
 * gw*gh. */
static void cross_step(uint8_t *m, uint8_t *tmp, size_t gw, size_t gh,
                       uint8_t value)
{
    uint8_t other = (uint8_t)!value;
    memcpy(tmp, m, gw * gh);
    for (size_t y = 0; y < gh; y++)
        for (size_t x = 0; x < gw; x++) {
            size_t i = y * gw + x;
            int hit = tmp[i] == other ||
                      (x > 0 && tmp[i - 1] == other) ||
                      (x + 1 < gw && tmp[i + 1] == other) ||
                      (y > 0 && tmp[i - gw] == other) ||
                      (y + 1 < gh && tmp[i + gw] == other);
            m[i] = hit ? other : value;
        }
}

/* The opening of the skin cells (s != 0); a cell it removes becomes 0,
 * the others keep their class. */
static void open_cells(uint8_t *s, uint8_t *m, uint8_t *tmp, size_t gw,
                       size_t gh)
{
    size_t n = gw * gh;
    for (size_t i = 0; i < n; i++)
        m[i] = s[i] != 0;
    cross_step(m, tmp, gw, gh, 1); /* erode the skin ... */
    cross_step(m, tmp, gw, gh, 0); /* ... and dilate it back */
    for (size_t i = 0; i < n; i++)
        s[i] = m[i] ? s[i] : 0;
}

/* Labels (1..) of the 4-connected components of cells that are skin
 * (value 1: s != 0) or not (value 0); label 0 elsewhere. sizes[k - 1],
 * cores[k - 1] (its cells with s == 2) and touches[k - 1] (the component
 * reaches the grid's border) for each; returns the count. stack is gw*gh
 * entries. */
static size_t label_cells(const uint8_t *s, size_t gw, size_t gh,
                          uint8_t value, uint32_t *label, uint32_t *stack,
                          uint32_t *sizes, uint32_t *cores, uint8_t *touches)
{
    size_t n = gw * gh, count = 0;
    memset(label, 0, n * sizeof *label);
    for (size_t i0 = 0; i0 < n; i0++) {
        size_t top = 0, size = 0, core = 0;
        uint8_t edge = 0;
        if ((s[i0] != 0) != value || label[i0])
            continue;
        count++;
        label[i0] = (uint32_t)count;
        stack[top++] = (uint32_t)i0;
        while (top > 0) {
            size_t i = stack[--top], x = i % gw, y = i / gw;
            size_t nb[4];
            int k = 0;
            size++;
            core += s[i] == 2;
            edge |= x == 0 || y == 0 || x + 1 == gw || y + 1 == gh;
            if (x > 0) nb[k++] = i - 1;
            if (x + 1 < gw) nb[k++] = i + 1;
            if (y > 0) nb[k++] = i - gw;
            if (y + 1 < gh) nb[k++] = i + gw;
            for (int j = 0; j < k; j++)
                if ((s[nb[j]] != 0) == value && !label[nb[j]]) {
                    label[nb[j]] = (uint32_t)count;
                    stack[top++] = (uint32_t)nb[j];
                }
        }
        sizes[count - 1] = (uint32_t)size;
        cores[count - 1] = (uint32_t)core;
        touches[count - 1] = edge;
    }
    return count;
}

/* A component counts when enough of it is the model's core colour. */
static int is_core(uint32_t size, uint32_t core)
{
    return (double)core >= SKD_SKIN_CORE_SHARE * (double)size;
}

/* m: the cells of s within a dilation of keep; keep grows into them. */
static void grow_within(uint8_t *keep, const uint8_t *s, uint8_t *tmp,
                        size_t gw, size_t gh, int steps)
{
    for (int k = 0; k < steps; k++) {
        cross_step(keep, tmp, gw, gh, 0);
        for (size_t i = 0; i < gw * gh; i++)
            keep[i] = keep[i] && s[i];
    }
}

int skd_skin_shape(skd_ctx *ctx, uint8_t *s, size_t gw, size_t gh)
{
    size_t n = gw * gh, nc, total = 0;
    uint32_t *label = skd_malloc_array(ctx, n, 4 * sizeof *label);
    uint8_t *tmp = skd_malloc(ctx, 4 * n);
    uint32_t *stack, *sizes, *cores, largest = 0, any = 0;
    uint8_t *touches, *m, *core;
    if (!label || !tmp) {
        skd_dealloc(ctx, label);
        skd_dealloc(ctx, tmp);
        return SKD_E_NOMEM;
    }
    stack = label + n;
    sizes = stack + n;
    cores = sizes + n;
    touches = tmp + n;
    m = touches + n;
    core = m + n;
    open_cells(s, m, tmp, gw, gh);
    /* the cores of the components: the skin eroded further, so that a
     * thin bridge (a gilded frame touching a cheek, a strap) splits them
     * and each is judged on its own */
    for (size_t i = 0; i < n; i++)
        core[i] = s[i];
    for (int k = 0; k < SKD_SKIN_SPLIT_STEPS; k++) {
        for (size_t i = 0; i < n; i++)
            m[i] = core[i] != 0;
        cross_step(m, tmp, gw, gh, 1);
        for (size_t i = 0; i < n; i++)
            core[i] = m[i] ? core[i] : 0;
    }
    nc = label_cells(core, gw, gh, 1, label, stack, sizes, cores, touches);
    for (size_t k = 0; k < nc; k++) {
        any = sizes[k] > any ? sizes[k] : any;
        if (is_core(sizes[k], cores[k]) && sizes[k] > largest)
            largest = sizes[k];
    }
    if (largest == 0) /* no component of the core colour: the largest */
        for (size_t k = 0; k < nc; k++)
            cores[k] = sizes[k];
    largest = largest ? largest : any;
    for (size_t i = 0; i < n; i++) {
        uint32_t k = label[i];
        m[i] = k && is_core(sizes[k - 1], cores[k - 1]) &&
               sizes[k - 1] >= SKD_SKIN_KEEP_SHARE * largest;
    }
    /* back to the skin's own outline, from the kept cores only */
    grow_within(m, s, tmp, gw, gh, SKD_SKIN_SPLIT_STEPS + 1);
    for (size_t i = 0; i < n; i++) {
        s[i] = m[i];
        total += m[i];
    }
    nc = label_cells(s, gw, gh, 0, label, stack, sizes, cores, touches);
    for (size_t i = 0; i < n; i++)
        if (label[i] && !touches[label[i] - 1] &&
            sizes[label[i] - 1] < SKD_SKIN_HOLE_SHARE * (double)total)
            s[i] = 1;
    skd_dealloc(ctx, label);
    skd_dealloc(ctx, tmp);
    return SKD_OK;
}
