/* skd_analyze: photo -> planes -> mask -> window -> fill -> filter bank ->
 * figures. With an ROI the colour pass and the mask cover only the colour
 * rectangle (the ROI grown by the mask growth's reach, mask.c), and
 * everything after the mask runs on the analysis window only (window.c),
 * in its compact layout inside the photo's planes, which are put back in
 * the photo's layout at the end. Planes are freed as soon as the next
 * stage no longer needs them. */
#include <math.h>
#include <string.h>

#include "../colour/colour.h"
#include "../skin/skin.h"
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
    void *planes[8];
    if (!a)
        return;
    planes[0] = a->pores;
    planes[1] = a->region;
    planes[2] = a->red_area;
    planes[3] = a->texture;
    planes[4] = a->a_star;
    planes[5] = a->cause;
    planes[6] = a->red_near;
    planes[7] = o;
    for (int i = 0; i < 8; i++)
        if (planes[i])
            o->alloc.free_fn(o->alloc.opaque, planes[i]);
}

/* One analysis on the way: the photo's planes (l, whose plane becomes
 * a*, and those of a), the window, and the window's view of them: planes
 * at the window's first row in its compact layout, pores in its
 * coordinates, the figures. */
typedef struct run {
    const skd_image *img;
    const skd_colour_lut *lut;
    skd_analysis *a;
    float *l;
    uint8_t *m; /* M in the window's layout, kept for the red background */
    skd_window rect; /* the colour rectangle */
    skd_window win;
    skd_analysis v;
    uint64_t skin_kept; /* pixels of S */
} run;

/* How much of the photo the colour pass and the mask cover; REGION stops
 * after R (skd_analyze_region). */
enum { WINDOW, COLOUR_WHOLE, WHOLE, REGION };

/* The skin map S (decided on the whole photo) over the colour rectangle,
 * in the cause plane where the mask takes the causes from it (compact from
 * the rectangle's first row, the layout the mask writes the causes in), or
 * NULL when the skin map is off. No plane of its own: a byte per pixel
 * less at the peak. */
static int skin_of_rect(skd_ctx *ctx, const skd_region_spec *spec, run *r,
                        uint8_t **skin)
{
    size_t box[4] = {r->rect.x0, r->rect.y0, r->rect.w, r->rect.h};
    *skin = NULL;
    if (!r->a->exclusion.skin_map)
        return SKD_OK;
    *skin = r->a->cause + r->rect.y0 * r->a->width;
    return skd_skin_map(ctx, r->img, r->lut, spec ? spec->landmarks : NULL,
                        box, *skin, r->rect.w, &r->skin_kept);
}

static int rect_is_whole(const run *r)
{
    return skd_window_is_whole(&r->rect, r->a->width, r->a->height);
}

/* l with the excluded pixels in one pass over the colour rectangle, and
 * the mask M in a->region; then the window, and l and M moved into its
 * layout. When the rectangle is not the whole photo both planes are
 * zeroed memory written on it only: M is 0 outside it, and l is 0 there
 * (so defined wherever the window reaches beyond the rectangle; the fill
 * reads l where M = 0 and drops it). l on the rectangle outside the
 * window is never read and is zeroed, so that l's plane is zero outside
 * the window as place() leaves it. */
static int mask_and_window(skd_ctx *ctx, const skd_region_spec *spec,
                           int whole, run *r)
{
    skd_analysis *a = r->a;
    size_t w = a->width, h = a->height;
    size_t reach = skd_window_reach(a->px_per_mm);
    uint8_t *skin;
    int st = skin_of_rect(ctx, spec, r, &skin);
    if (st == SKD_OK)
        st = skd_mask_in_rect_skin(ctx, r->img, spec, a->px_per_mm, r->lut,
                                   &r->rect, skin, r->l, a->region, a->cause);
    if (st != SKD_OK)
        return st;
    if (whole)
        r->win = (skd_window){0, 0, w, h};
    else
        r->win = skd_window_of_mask_in(a->region, w, h, &r->rect, reach);
    if (!rect_is_whole(r))
        skd_window_zero_outside(r->l, w, sizeof *r->l, &r->rect, &r->win);
    skd_window_gather(r->l, w, sizeof *r->l, &r->win);
    skd_window_gather(a->region, w, 1, &r->win);
    r->v.width = (uint32_t)r->win.w;
    r->v.height = (uint32_t)r->win.h;
    r->v.px_per_mm = a->px_per_mm;
    r->v.region = a->region + r->win.y0 * w;
    return SKD_OK;
}

/* The fill (R in the view's region afterwards), the texture plane and the
 * pores of the window. The texture plane is zeroed memory that only the
 * window's stretch of is written, so its other pages are never mapped. */
static int fill_texture_pores(skd_ctx *ctx, run *r)
{
    skd_analysis *a = r->a, *v = &r->v;
    float *l = r->l + r->win.y0 * a->width;
    uint64_t region_pixels;
    size_t n = (size_t)v->width * v->height;
    int st;
    r->m = skd_malloc(ctx, n);
    if (!r->m)
        return SKD_E_NOMEM;
    memcpy(r->m, v->region, n); /* the fill turns M into R */
    st = skd_fill_masked(ctx, l, v->region, v->width, v->height,
                         SKD_FILL_SIGMA_MM * a->px_per_mm, &region_pixels);
    if (st != SKD_OK)
        return st;
    a->texture = skd_calloc(ctx, (size_t)a->width * a->height,
                            sizeof *a->texture);
    if (!a->texture)
        return SKD_E_NOMEM;
    v->texture = a->texture + r->win.y0 * a->width;
    if (ctx->band_px_per_mm > 0) {
        int k0 = skd_band_first_scale(ctx->band_px_per_mm,
                                      ctx->band_sharp_px_per_mm);
        a->band_px_per_mm = ctx->band_px_per_mm;
        a->band_fine_mm = skd_band_fine_mm(ctx->band_px_per_mm,
                                           ctx->band_sharp_px_per_mm);
        a->band_pore_min_mm = k0 < SKD_PORE_SCALES ? skd_pore_radius_mm(k0)
                                                   : INFINITY;
    }
    st = skd_filter_bank(ctx, l, v->width, v->height, a->px_per_mm,
                         skd_opt(ctx, SKD_OPT_PORE_THRESHOLD), v->region,
                         v->texture, &v->pores, &v->n_pores);
    a->pores = v->pores; /* the analysis owns them from here */
    a->n_pores = v->n_pores;
    return st;
}

/* The a* plane, the figures over R (the erythema values read from the
 * photo) and the red-area plane against the local background. a* is made
 * after the filter bank, so that it does not add to its peak memory, in
 * l's plane, whose pages are already mapped (a fresh plane costs a page
 * fault per 4 KB); the first pass of the statistics makes it. */
static int figures(skd_ctx *ctx, run *r)
{
    skd_analysis *a = r->a, *v = &r->v;
    size_t w = a->width;
    skd_photo_samples photo;
    int st;
    v->a_star = r->l + r->win.y0 * w;
    a->red_area = skd_calloc(ctx, w * a->height, 1);
    a->red_near = skd_calloc(ctx, w * a->height, 1);
    if (!a->red_area || !a->red_near)
        return SKD_E_NOMEM;
    v->red_area = a->red_area + r->win.y0 * w;
    v->red_near = a->red_near + r->win.y0 * w;
    photo.rgb = r->img->rgb + 3 * (r->win.y0 * w + r->win.x0);
    photo.stride = w;
    photo.log10_linear = r->lut->log10_linear;
    photo.lut = r->lut;
    st = skd_window_figures(ctx, v, &photo, r->lut, NULL);
    if (st == SKD_OK) {
        uint64_t red;
        skd_red_rule rule = {SKD_RED_BACKGROUND_SIGMA_MM * a->px_per_mm,
                             skd_opt(ctx, SKD_OPT_RED_DELTA),
                             skd_opt(ctx, SKD_OPT_FLOOR_SA) / 100.0};
        st = skd_red_area_local(ctx, v->a_star, r->m, v->region, v->width,
                                v->height, &rule, v->red_area, v->red_near,
                                &red);
        v->metrics.red_area_fraction =
            (double)red / (double)v->metrics.region_pixels;
    }
    a->metrics = v->metrics;
    return st;
}

/* The window's planes back in the photo's layout, zero outside it (a*
 * too: l's plane holds l there when the colour pass covered the photo,
 * else zeros already), and the pores in photo coordinates. */
static void place(run *r)
{
    skd_analysis *a = r->a;
    size_t w = a->width, h = a->height;
    skd_window_scatter(a->region, w, h, 1, &r->win, 0);
    skd_window_scatter(a->texture, w, h, sizeof *a->texture, &r->win, 0);
    skd_window_scatter(a->red_area, w, h, 1, &r->win, 0);
    skd_window_scatter(a->red_near, w, h, 1, &r->win, 0);
    skd_window_scatter(r->l, w, h, sizeof *r->l, &r->win, rect_is_whole(r));
    a->a_star = r->l;
    r->l = NULL;
    for (size_t i = 0; i < a->n_pores; i++) {
        a->pores[i].x += (float)r->win.x0;
        a->pores[i].y += (float)r->win.y0;
    }
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

/* The fill and R only (skd_analyze_region): R back in the photo's layout,
 * empty when the fill found none. */
static int region_only(skd_ctx *ctx, run *r)
{
    skd_analysis *a = r->a, *v = &r->v;
    uint64_t region_pixels;
    float *l = r->l + r->win.y0 * a->width;
    int st = skd_fill_masked(ctx, l, v->region, v->width, v->height,
                             SKD_FILL_SIGMA_MM * a->px_per_mm, &region_pixels);
    if (st == SKD_E_NO_REGION) {
        memset(v->region, 0, (size_t)v->width * v->height);
        st = SKD_OK;
    }
    if (st == SKD_OK)
        skd_window_scatter(a->region, a->width, a->height, 1, &r->win, 0);
    a->metrics.sa = a->metrics.sq = a->metrics.ssk = a->metrics.sku = NAN;
    a->metrics.pore_density_per_cm2 = a->metrics.pore_mean_diameter_mm = NAN;
    a->metrics.pore_area_fraction = a->metrics.a_mean = NAN;
    a->metrics.a_median = a->metrics.erythema_index = NAN;
    a->metrics.red_area_fraction = NAN;
    return st;
}

/* The region empty: the message says which causes took the pixels. */
static int empty_region(skd_ctx *ctx, run *r)
{
    skd_analysis *a = r->a;
    skd_exclusion *e = &a->exclusion;
    memset(a->region, 0, (size_t)a->width * a->height);
    skd_exclusion_finish(a, r->skin_kept);
    return skd_fail(ctx, SKD_E_NO_REGION,
                    "no measurable skin: region empty (of the frame: %.1f%% "
                    "not skin, %.1f%% highlight, %.1f%% too dark, %.1f%% "
                    "outside ROI/mask, %.1f%% margin around them)",
                    100 * e->not_skin, 100 * e->highlight, 100 * e->too_dark,
                    100 * e->outside_roi_mask, 100 * e->margin);
}

static int analyze(skd_ctx *ctx, const skd_image *img,
                   const skd_region_spec *spec, int mode, skd_analysis **out)
{
    analysis_owner *o;
    skd_analysis *a;
    skd_colour_lut *lut;
    run r;
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
    a->exclusion.skin_map = skd_opt(ctx, SKD_OPT_SKIN) > 0;
    n = (size_t)img->width * img->height;
    /* the profile and the white reference, before any plane is made */
    st = skd_colour_for_spec(ctx, img, spec ? &spec->white_ref : NULL,
                             &a->colour, &lut);
    if (st != SKD_OK) {
        skd_analysis_free(a);
        return st;
    }
    memset(&r, 0, sizeof r);
    r.img = img;
    r.lut = lut;
    r.a = a;
    if (mode == WINDOW || mode == REGION)
        r.rect = skd_mask_colour_rect(img, spec, a->px_per_mm);
    else
        r.rect = (skd_window){0, 0, img->width, img->height};
    if (rect_is_whole(&r)) {
        a->region = skd_malloc(ctx, n);
        r.l = skd_malloc_array(ctx, n, sizeof *r.l);
    } else { /* zeroed: pages outside the rectangle are never mapped */
        a->region = skd_calloc(ctx, n, 1);
        r.l = skd_calloc(ctx, n, sizeof *r.l);
    }
    a->cause = skd_malloc(ctx, n);
    if (!lut || !a->region || !r.l || !a->cause)
        st = SKD_E_NOMEM;
    if (st == SKD_OK)
        st = mask_and_window(ctx, spec, mode == WHOLE, &r);
    if (st == SKD_OK && mode == REGION) {
        st = region_only(ctx, &r);
        if (st == SKD_OK) {
            a->metrics.region_pixels = skd_exclusion_finish(a, r.skin_kept);
            a->metrics.area_cm2 = (double)a->metrics.region_pixels /
                                  (a->px_per_mm * a->px_per_mm * 100.0);
        }
        goto out;
    }
    if (st == SKD_OK)
        st = fill_texture_pores(ctx, &r);
    if (st == SKD_E_NO_REGION && a->cause)
        st = empty_region(ctx, &r);
    if (st == SKD_OK)
        st = figures(ctx, &r);
    if (st == SKD_OK) {
        place(&r);
        skd_exclusion_finish(a, r.skin_kept);
    }
out:
    skd_colour_lut_free(ctx, lut);
    skd_dealloc(ctx, r.l);
    skd_dealloc(ctx, r.m);
    if (st != SKD_OK) {
        skd_analysis_free(a);
        return st;
    }
    *out = a;
    return SKD_OK;
}

int skd_analyze(skd_ctx *ctx, const skd_image *img,
                const skd_region_spec *spec, skd_analysis **out)
{
    return analyze(ctx, img, spec, WINDOW, out);
}

int skd_analyze_region(skd_ctx *ctx, const skd_image *img,
                       const skd_region_spec *spec, skd_analysis **out)
{
    return analyze(ctx, img, spec, REGION, out);
}

int skd_analyze_whole(skd_ctx *ctx, const skd_image *img,
                      const skd_region_spec *spec, skd_analysis **out)
{
    return analyze(ctx, img, spec, WHOLE, out);
}

int skd_analyze_colour_whole(skd_ctx *ctx, const skd_image *img,
                             const skd_region_spec *spec, skd_analysis **out)
{
    return analyze(ctx, img, spec, COLOUR_WHOLE, out);
}
