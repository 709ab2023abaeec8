/* The zones of a photo from dlib, from given landmarks or from a label
 * image; the label image written back. */
#include <math.h>

#include "../decode/decode.h"
#include "face.h"

/* Landmarks files are small: 68 points. */

static const char *const zone_names[SKD_ZONE_COUNT] = {
    "whole", "forehead", "nose", "left_cheek", "right_cheek", "chin"};

const char *skd_zone_name(skd_zone z)
{
    return (unsigned)z < SKD_ZONE_COUNT ? zone_names[z] : NULL;
}

/* The zones remember their allocator: skd_zones_free takes no context. */
typedef struct zones_owner {
    skd_zones pub; /* first member: the public pointer is the owner */
    skd_allocator alloc;
} zones_owner;

void skd_zones_free(skd_zones *z)
{
    zones_owner *o = (zones_owner *)z;
    if (!z)
        return;
    if (z->labels)
        o->alloc.free_fn(o->alloc.opaque, z->labels);
    o->alloc.free_fn(o->alloc.opaque, o);
}

static skd_zones *zones_new(skd_ctx *ctx, uint32_t w, uint32_t h,
                            skd_zone_source source)
{
    zones_owner *o = skd_calloc(ctx, 1, sizeof *o);
    if (!o)
        return NULL;
    o->alloc = ctx->alloc;
    o->pub.width = w;
    o->pub.height = h;
    o->pub.source = source;
    return &o->pub;
}

static void count_labels(skd_zones *z)
{
    size_t n = (size_t)z->width * z->height;
    for (int i = 0; i < SKD_ZONE_COUNT; i++)
        z->zone_pixels[i] = 0;
    for (size_t i = 0; i < n; i++)
        z->zone_pixels[z->labels[i]]++;
}

/* Painted in this order, so where two polygons meet the later one keeps
 * the pixels: the nose over the cheeks' inner edges. */
static const skd_zone paint_order[] = {SKD_ZONE_FOREHEAD, SKD_ZONE_CHIN,
                                       SKD_ZONE_RIGHT_CHEEK,
                                       SKD_ZONE_LEFT_CHEEK, SKD_ZONE_NOSE};

static int label_landmarks(skd_ctx *ctx, skd_zones *z, const skd_point *pts)
{
    skd_zone_polygon poly[SKD_ZONE_COUNT];
    z->labels = skd_calloc(ctx, (size_t)z->width * z->height, 1);
    if (!z->labels)
        return SKD_E_NOMEM;
    z->has_landmarks = 1;
    for (int i = 0; i < SKD_LANDMARK_COUNT; i++)
        z->landmarks[i] = pts[i];
    skd_zone_polygons(pts, poly);
    for (size_t i = 0; i < sizeof paint_order / sizeof paint_order[0]; i++)
        skd_fill_polygon(z->labels, z->width, z->height,
                         &poly[paint_order[i]], (uint8_t)paint_order[i]);
    count_labels(z);
    return SKD_OK;
}

static int check_size(skd_ctx *ctx, uint32_t w, uint32_t h)
{
    size_t n;
    if (w == 0 || h == 0)
        return skd_fail(ctx, SKD_E_INVALID, "zones: empty image");
    if (!skd_mul3_size(w, h, 1, &n))
        return skd_fail(ctx, SKD_E_LIMIT, "zones: %ux%u is too large",
                        (unsigned)w, (unsigned)h);
    return SKD_OK;
}

/* Landmarks far outside the photo are a wrong file, not a face. */
static int check_points(skd_ctx *ctx, uint32_t w, uint32_t h,
                        const skd_point *pts)
{
    double lim = 4.0 * (w > h ? w : h);
    for (int i = 0; i < SKD_LANDMARK_COUNT; i++)
        if (!isfinite(pts[i].x) || !isfinite(pts[i].y) || fabs(pts[i].x) > lim ||
            fabs(pts[i].y) > lim)
            return skd_fail(ctx, SKD_E_INVALID,
                            "landmark p%d (%g, %g) is not on the %ux%u photo",
                            i, pts[i].x, pts[i].y, (unsigned)w, (unsigned)h);
    return SKD_OK;
}

static int finish(skd_ctx *ctx, skd_zones *z, int st, skd_zones **out)
{
    (void)ctx;
    if (st != SKD_OK) {
        skd_zones_free(z);
        return st;
    }
    *out = z;
    return SKD_OK;
}

int skd_zones_from_landmarks(skd_ctx *ctx, uint32_t width, uint32_t height,
                             const skd_point *pts, skd_zones **out)
{
    skd_zones *z;
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if (!out || !pts)
        return skd_fail(ctx, SKD_E_INVALID, "zones: no landmarks or output");
    *out = NULL;
    if ((st = check_size(ctx, width, height)) != SKD_OK ||
        (st = check_points(ctx, width, height, pts)) != SKD_OK)
        return st;
    if (!(z = zones_new(ctx, width, height, SKD_ZONES_LANDMARKS)))
        return SKD_E_NOMEM;
    return finish(ctx, z, label_landmarks(ctx, z, pts), out);
}

int skd_zones_detect(skd_ctx *ctx, const skd_image *img, skd_zones **out)
{
    skd_face_found f;
    skd_zones *z;
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if (!out || !img || !img->rgb)
        return skd_fail(ctx, SKD_E_INVALID, "zones: no photo or output");
    *out = NULL;
    if ((st = check_size(ctx, img->width, img->height)) != SKD_OK)
        return st;
    if ((st = skd_face_find(ctx, img, &f)) != SKD_OK)
        return st;
    z = zones_new(ctx, img->width, img->height,
                  f.n_faces ? SKD_ZONES_DLIB : SKD_ZONES_NO_FACE);
    if (!z)
        return SKD_E_NOMEM;
    z->faces_found = f.n_faces;
    if (!f.n_faces) {
        z->zone_pixels[SKD_ZONE_WHOLE] = (uint64_t)img->width * img->height;
        *out = z;
        return SKD_OK;
    }
    for (int i = 0; i < 4; i++)
        z->face_box[i] = f.box[i];
    return finish(ctx, z, label_landmarks(ctx, z, f.pts), out);
}

int skd_landmarks_load_json(skd_ctx *ctx, const char *path, skd_point *pts)
{
    uint8_t *data = NULL;
    size_t n = 0;
    uint64_t file_size;
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if (!path || !pts)
        return skd_fail(ctx, SKD_E_INVALID, "landmarks: no path or output");
    st = skd_read_file(ctx, path, SKD_LANDMARKS_MAX_BYTES, 1, &data, &n,
                       &file_size);
    if (st == SKD_OK)
        st = skd_landmarks_parse_json(ctx, (const char *)data, n, pts);
    skd_dealloc(ctx, data);
    if (st != SKD_OK)
        skd_message_prefix(ctx, path);
    return st;
}

int skd_zones_from_labels(skd_ctx *ctx, const skd_image *labels,
                          skd_zones **out)
{
    skd_zones *z;
    size_t n;
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if (!out || !labels || !labels->rgb)
        return skd_fail(ctx, SKD_E_INVALID, "zones: no label image or output");
    *out = NULL;
    if ((st = check_size(ctx, labels->width, labels->height)) != SKD_OK)
        return st;
    if (!(z = zones_new(ctx, labels->width, labels->height, SKD_ZONES_LABELS)))
        return SKD_E_NOMEM;
    n = (size_t)labels->width * labels->height;
    if (!(z->labels = skd_malloc(ctx, n)))
        return finish(ctx, z, SKD_E_NOMEM, out);
    for (size_t i = 0; i < n; i++) {
        unsigned v = (labels->rgb[3 * i] + 128u) / 257u;
        if (v >= SKD_ZONE_COUNT)
            return finish(ctx, z,
                          skd_fail(ctx, SKD_E_INVALID,
                                   "zone label %u at pixel (%zu, %zu): labels "
                                   "are 0 (none) to 5 (chin)", v,
                                   i % labels->width, i / labels->width),
                          out);
        z->labels[i] = (uint8_t)v;
    }
    count_labels(z);
    *out = z;
    return SKD_OK;
}

int skd_zones_write_png(skd_ctx *ctx, const skd_zones *z,
                        const skd_analysis *a, const char *path)
{
    skd_image *img;
    size_t n;
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if (!z || !path)
        return skd_fail(ctx, SKD_E_INVALID, "zones: nothing to write");
    if (a && (a->width != z->width || a->height != z->height))
        return skd_fail(ctx, SKD_E_INVALID,
                        "zones are %ux%u but the analysis is %ux%u",
                        (unsigned)z->width, (unsigned)z->height,
                        (unsigned)a->width, (unsigned)a->height);
    if ((st = skd_image_create(ctx, z->width, z->height, &img)) != SKD_OK)
        return st;
    n = (size_t)z->width * z->height;
    for (size_t i = 0; i < n; i++) {
        unsigned v = z->labels && (!a || a->region[i]) ? z->labels[i] : 0;
        img->rgb[3 * i] = img->rgb[3 * i + 1] = img->rgb[3 * i + 2] =
            (uint16_t)(v * 257u);
    }
    st = skd_image_write_png(ctx, img, path);
    skd_image_free(img);
    return st;
}
