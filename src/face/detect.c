/* Face landmarks with dlib: the photo reduced to grey at the detection
 * size, the model loaded once per context, the points scaled back to the
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

static int load_model(skd_ctx *ctx)
{
    char msg[256] = "";
    void *model = NULL;
    int st;
    if (ctx->face_model)
        return SKD_OK;
    st = skd_dlib_load(SKD_DLIB_MODEL, &model, msg, sizeof msg);
    if (st == SKD_DLIB_NOMEM)
        return skd_fail(ctx, SKD_E_NOMEM, "face model: %s", msg);
    if (st != SKD_DLIB_OK)
        return skd_fail(ctx, SKD_E_UNSUPPORTED,
                        "face model %s cannot be loaded (%s); install "
                        "libdlib-data, or give landmarks or zones instead",
                        SKD_DLIB_MODEL, msg);
    ctx->face_model = model;
    ctx->face_model_free = skd_dlib_free;
    return SKD_OK;
}

int skd_face_find(skd_ctx *ctx, const skd_image *img, skd_face_found *out)
{
    skd_dlib_face f;
    char msg[256] = "";
    size_t k, gw, gh;
    uint8_t *grey;
    int st;

    out->n_faces = 0;
    if ((st = load_model(ctx)) != SKD_OK)
        return st;
    k = reduction(img->width, img->height, skd_opt(ctx, SKD_OPT_FACE_PIXELS));
    gw = img->width / k;
    gh = img->height / k;
    if (gw == 0 || gh == 0)
        return SKD_OK;
    grey = skd_malloc_array(ctx, gw, gh);
    if (!grey)
        return SKD_E_NOMEM;
    reduce_grey(img, k, grey, gw, gh);
    st = skd_dlib_find(ctx->face_model, grey, gw, gh, SKD_FACE_MIN_CONFIDENCE,
                       &f, msg, sizeof msg);
    skd_dealloc(ctx, grey);
    if (st == SKD_DLIB_NOMEM)
        return skd_fail(ctx, SKD_E_NOMEM, "face detection: %s", msg);
    if (st != SKD_DLIB_OK)
        return skd_fail(ctx, SKD_E_INTERNAL, "face detection: %s", msg);
    out->n_faces = (uint32_t)f.n_faces;
    if (!f.n_faces)
        return SKD_OK;
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

int skd_face_find(skd_ctx *ctx, const skd_image *img, skd_face_found *out)
{
    (void)img;
    out->n_faces = 0;
    return skd_fail(ctx, SKD_E_UNSUPPORTED,
                    "this build has no face landmarks (dlib): give landmarks "
                    "(--landmarks) or zones (--zones) instead");
}

#endif
