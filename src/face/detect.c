/* Face landmarks with dlib: the photo reduced to grey at the detection
 * size, the model loaded once per context (on a task of its own, beside
 * the analysis or the face detection), the points scaled back to the
 * photo. Without dlib in the build every call says so. */
#include <math.h>

#include "face.h"

#ifdef SKD_HAVE_DLIB
#include "dlib_landmarks.h"
#endif

const char *skd_landmarks_backend(void)
{
#ifdef SKD_HAVE_DLIB
    return "dlib";
#else
    return NULL;
#endif
}

#ifdef SKD_HAVE_DLIB

/* Smallest integer reduction that brings the photo to at most max_pixels. */
static size_t reduction(size_t w, size_t h, double max_pixels)
{
    size_t k = (size_t)ceil(sqrt((double)w * (double)h / max_pixels));
    return k < 1 ? 1 : k;
}

/* Grey (the detector's: 0.299 R + 0.587 G + 0.114 B of the encoded
 * samples) averaged over k x k blocks; the last partial blocks are dropped. */
static void reduce_grey(const skd_image *img, size_t k, uint8_t *grey,
                        size_t gw, size_t gh)
{
    const double norm = 1.0 / (257.0 * (double)(k * k));
    for (size_t gy = 0; gy < gh; gy++)
        for (size_t gx = 0; gx < gw; gx++) {
            double sum = 0;
            for (size_t y = gy * k; y < gy * k + k; y++) {
                const uint16_t *p = img->rgb + 3 * (y * img->width + gx * k);
                for (size_t x = 0; x < k; x++, p += 3)
                    sum += 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
            }
            grey[gy * gw + gx] = (uint8_t)lround(sum * norm);
        }
}

/* The context's face model: the detector, made at once, and the shape
 * predictor, loaded on a task beside the caller's work (skd_face_preload,
 * or the face detection itself). Kept by the context until skd_ctx_free,
 * which frees it through face_cache_free (a registered cleanup). */
typedef struct face_cache {
    skd_allocator alloc;
    void *dlib;
    skd_task loader;
    int loading; /* the loader started and was not joined yet */
    int loaded;  /* the predictor is in */
    int load_status; /* SKD_DLIB_*, the loader's, read after the join */
    char load_msg[256];
} face_cache;

static void face_cache_free(void *p)
{
    face_cache *c = p;
    if (!c)
        return;
    skd_task_join(&c->loader);
    skd_dlib_free(c->dlib);
    c->alloc.free_fn(c->alloc.opaque, c);
}

static int face_cache_of(skd_ctx *ctx, face_cache **out)
{
    face_cache *c;
    char msg[256] = "";
    int st;
    if ((*out = ctx->face_model))
        return SKD_OK;
    if (!(c = skd_calloc(ctx, 1, sizeof *c)))
        return SKD_E_NOMEM;
    c->alloc = ctx->alloc;
    st = skd_dlib_new(&c->dlib, msg, sizeof msg);
    if (st != SKD_DLIB_OK) {
        c->alloc.free_fn(c->alloc.opaque, c);
        return skd_fail(ctx, st == SKD_DLIB_NOMEM ? SKD_E_NOMEM : SKD_E_INTERNAL,
                        "face detector: %s", msg);
    }
    ctx->face_model = *out = c;
    ctx->face_model_free = face_cache_free;
    return SKD_OK;
}

static void *load_predictor(void *p)
{
    face_cache *c = p;
    c->load_status = skd_dlib_load_predictor(c->dlib, SKD_DLIB_MODEL,
                                             c->load_msg, sizeof c->load_msg);
    return NULL;
}

static void start_loading(face_cache *c)
{
    if (c->loaded || c->loading)
        return;
    c->loading = 1;
    c->load_msg[0] = 0;
    skd_task_start(&c->loader, load_predictor, c);
}

/* Waits for the predictor; a failed load is reported here and tried again
 * on the next call. */
static int finish_loading(skd_ctx *ctx, face_cache *c)
{
    if (c->loading) {
        skd_task_join(&c->loader);
        c->loading = 0;
        c->loaded = c->load_status == SKD_DLIB_OK;
    }
    if (c->loaded)
        return SKD_OK;
    if (c->load_status == SKD_DLIB_NOMEM)
        return skd_fail(ctx, SKD_E_NOMEM, "face model: %s", c->load_msg);
    return skd_fail(ctx, SKD_E_UNSUPPORTED,
                    "face model %s cannot be loaded (%s); install "
                    "libdlib-data, or give landmarks or zones instead",
                    SKD_DLIB_MODEL, c->load_msg);
}

int skd_face_preload(skd_ctx *ctx)
{
    face_cache *c;
    int st;
    if (!ctx)
        return SKD_E_INVALID;
    if ((st = face_cache_of(ctx, &c)) != SKD_OK)
        return st;
    start_loading(c);
    return SKD_OK;
}

static int dlib_status(skd_ctx *ctx, int st, const char *what, const char *msg)
{
    if (st == SKD_DLIB_OK)
        return SKD_OK;
    return skd_fail(ctx, st == SKD_DLIB_NOMEM ? SKD_E_NOMEM : SKD_E_INTERNAL,
                    "%s: %s", what, msg);
}

int skd_face_find(skd_ctx *ctx, const skd_image *img, skd_face_found *out)
{
    skd_dlib_face f;
    char msg[256] = "";
    face_cache *c;
    size_t k, gw, gh;
    uint8_t *grey;
    int st;

    out->n_faces = 0;
    if ((st = face_cache_of(ctx, &c)) != SKD_OK)
        return st;
    /* The predictor loads while this thread looks for the face. */
    start_loading(c);
    k = reduction(img->width, img->height, skd_opt(ctx, SKD_OPT_FACE_PIXELS));
    gw = img->width / k;
    gh = img->height / k;
    if (gw == 0 || gh == 0)
        return finish_loading(ctx, c);
    grey = skd_malloc_array(ctx, gw, gh);
    if (!grey)
        return SKD_E_NOMEM;
    reduce_grey(img, k, grey, gw, gh);
    st = dlib_status(ctx, skd_dlib_detect(c->dlib, grey, gw, gh,
                                          SKD_FACE_MIN_CONFIDENCE, &f, msg,
                                          sizeof msg),
                     "face detection", msg);
    if (st == SKD_OK)
        st = finish_loading(ctx, c);
    if (st == SKD_OK && f.n_faces)
        st = dlib_status(ctx, skd_dlib_landmarks(c->dlib, grey, gw, gh, &f,
                                                 msg, sizeof msg),
                         "face landmarks", msg);
    skd_dealloc(ctx, grey);
    if (st != SKD_OK || !f.n_faces)
        return st;
    out->n_faces = (uint32_t)f.n_faces;
    out->confidence = f.confidence;
    /* Pixel (i, j) of the reduced image averages photo pixels
     * [k i, k i + k): its centre is at k i + (k - 1) / 2. */
    for (int i = 0; i < 4; i++)
        out->box[i] = f.box[i] * (double)k + (i < 2 ? 0.5 * (double)(k - 1) : 0);
    for (int i = 0; i < SKD_LANDMARK_COUNT; i++) {
        out->pts[i].x = f.x[i] * (double)k + 0.5 * (double)(k - 1);
        out->pts[i].y = f.y[i] * (double)k + 0.5 * (double)(k - 1);
    }
    return SKD_OK;
}

#else

int skd_face_preload(skd_ctx *ctx)
{
    if (!ctx)
        return SKD_E_INVALID;
    return skd_fail(ctx, SKD_E_UNSUPPORTED,
                    "this build has no face landmarks (dlib)");
}

int skd_face_find(skd_ctx *ctx, const skd_image *img, skd_face_found *out)
{
    (void)img;
    out->n_faces = 0;
    return skd_fail(ctx, SKD_E_UNSUPPORTED,
                    "this build has no face landmarks (dlib): give landmarks "
                    "(--landmarks) or zones (--zones) instead");
}

#endif
