/* skd_analyze: photo -> planes -> mask -> fill -> filter bank -> figures.
 * Planes are freed as soon as the next stage no longer needs them. */
#include <math.h>
#include <string.h>

#include "../colour/colour.h"
#include "metrics.h"

/* The analysis remembers its allocator, because skd_analysis_free takes no
 * context. */
typedef struct analysis_owner {
    skd_analysis pub; /* first member: the public pointer is the owner */
    skd_allocator alloc;
} analysis_owner;

void skd_analysis_free(skd_analysis *a)
{
    analysis_owner *o = (analysis_owner *)a;
    void *planes[6];
    if (!a)
        return;
    planes[0] = a->pores;
    planes[1] = a->region;
    planes[2] = a->red_area;
    planes[3] = a->texture;
    planes[4] = a->a_star;
    planes[5] = o;
    for (int i = 0; i < 6; i++)
        if (planes[i])
            o->alloc.free_fn(o->alloc.opaque, planes[i]);
}

/* l with the excluded pixels in one pass over the photo, the mask, and the
 * filled l; a->region holds R afterwards. */
static int prepare_luminance(skd_ctx *ctx, const skd_image *img,
                             const skd_region_spec *spec,
                             const skd_colour_lut *lut, skd_analysis *a,
                             float *l)
{
    skd_clip_rule rule = skd_mask_clip_rule(lut);
    uint64_t region_pixels;
    int st;
    skd_luminance_plane(ctx, img, lut, &rule, l, a->region);
    st = skd_finish_mask(ctx, img, spec, a->px_per_mm, a->region);
    if (st != SKD_OK)
        return st;
    return skd_fill_masked(ctx, l, a->region, img->width, img->height,
                           SKD_FILL_SIGMA_MM * a->px_per_mm, &region_pixels);
}

/* Texture plane and pores from the filled l. */
static int texture_and_pores(skd_ctx *ctx, const float *l, skd_analysis *a)
{
    a->texture = skd_malloc_array(ctx, (size_t)a->width * a->height,
                                  sizeof *a->texture);
    if (!a->texture)
        return SKD_E_NOMEM;
    return skd_filter_bank(ctx, l, a->width, a->height, a->px_per_mm,
                           skd_opt(ctx, SKD_OPT_PORE_THRESHOLD), a->region,
                           a->texture, &a->pores, &a->n_pores);
}

/* The a* plane, the figures over R (the erythema values read from the
 * photo) and the red-area plane against the median over R. a* is made
 * after the filter bank, so that it does not add to its peak memory, in
 * l's plane, whose pages are already mapped (a fresh plane costs a page
 * fault per 4 KB); the first pass of the statistics makes it. */
static int figures(skd_ctx *ctx, const skd_image *img,
                   const skd_colour_lut *lut, skd_analysis *a, float **l)
{
    a->a_star = *l;
    *l = NULL;
    a->red_area = skd_malloc(ctx, (size_t)a->width * a->height);
    if (!a->red_area)
        return SKD_E_NOMEM;
    return skd_analysis_figures(ctx, a, img, lut, a->red_area);
}

static int check_image(skd_ctx *ctx, const skd_image *img)
{
    size_t bytes;
    if (!img || !img->rgb || img->width == 0 || img->height == 0)
        return skd_fail(ctx, SKD_E_INVALID, "analyze: empty image");
    if (!skd_mul3_size(img->width, img->height, sizeof(float), &bytes))
        return skd_fail(ctx, SKD_E_LIMIT, "analyze: %ux%u image is too large",
                        (unsigned)img->width, (unsigned)img->height);
    return SKD_OK;
}

int skd_analyze(skd_ctx *ctx, const skd_image *img,
                const skd_region_spec *spec, skd_analysis **out)
{
    analysis_owner *o;
    skd_analysis *a;
    skd_colour_lut *lut;
    float *l = NULL;
    size_t n;
    int assumed, st;

    if (!ctx)
        return SKD_E_INVALID;
    if (!out)
        return skd_fail(ctx, SKD_E_INVALID, "analyze: no output pointer");
    *out = NULL;
    if ((st = check_image(ctx, img)) != SKD_OK ||
        (st = skd_check_region_spec(ctx, img, spec)) != SKD_OK)
        return st;
    o = skd_calloc(ctx, 1, sizeof *o);
    if (!o)
        return SKD_E_NOMEM;
    o->alloc = ctx->alloc;
    a = &o->pub;
    a->width = img->width;
    a->height = img->height;
    a->px_per_mm = skd_ctx_scale(ctx, &assumed);
    a->scale_assumed = assumed;
    a->warnings = (assumed ? SKD_WARN_SCALE_ASSUMED : 0u) |
                  (a->px_per_mm < SKD_LOW_RES_PX_PER_MM ? SKD_WARN_LOW_RESOLUTION : 0u);
    n = (size_t)img->width * img->height;
    lut = skd_colour_lut_create(ctx);
    a->region = skd_malloc(ctx, n);
    l = skd_malloc_array(ctx, n, sizeof *l);
    if (!lut || !a->region || !l)
        st = SKD_E_NOMEM;
    if (st == SKD_OK)
        st = prepare_luminance(ctx, img, spec, lut, a, l);
    if (st == SKD_OK)
        st = texture_and_pores(ctx, l, a);
    if (st == SKD_OK)
        st = figures(ctx, img, lut, a, &l);
    skd_dealloc(ctx, lut);
    skd_dealloc(ctx, l);
    if (st != SKD_OK) {
        skd_analysis_free(a);
        return st;
    }
    *out = a;
    return SKD_OK;
}
