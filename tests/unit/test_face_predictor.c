/* The shape predictor read by our reader (dlib_predictor.cpp) gives the
 * same 68 landmarks, bit for bit, as dlib's own dlib::shape_predictor read
 * by dlib::deserialize: on the detector's box of each shared portrait and
 * its mirror image, and on 60 boxes per photo of other places and sizes,
 * some reaching past the photo's edges (the predictor's pixels outside the
 * photo). Tolerance: none. A file that is no model, and the model cut
 * short, are refused. Skips (77) without dlib or the photos. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

#ifdef SKD_TEST_HAVE_DLIB
#include "face/dlib_landmarks.h"

static uint8_t *grey_of(const skd_image *img)
{
    size_t n = (size_t)img->width * img->height;
    uint8_t *g = malloc(n);
    if (!g)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const uint16_t *p = img->rgb + 3 * i;
        g[i] = (uint8_t)((299u * p[0] + 587u * p[1] + 114u * p[2]) / (1000u * 257u));
    }
    return g;
}

/* Both predictors on one box: the same points, to the last bit. */
static int same_points(void *fast, void *ref, const uint8_t *g,
                       const skd_image *img, const double box[4])
{
    skd_dlib_face a, b;
    char msg[256];
    memset(&a, 0, sizeof a);
    memcpy(a.box, box, sizeof a.box);
    b = a;
    CHECK_STATUS(skd_dlib_landmarks(fast, g, img->width, img->height, &a, msg,
                                    sizeof msg), SKD_DLIB_OK);
    CHECK_STATUS(skd_dlib_landmarks(ref, g, img->width, img->height, &b, msg,
                                    sizeof msg), SKD_DLIB_OK);
    return memcmp(a.x, b.x, sizeof a.x) == 0 && memcmp(a.y, b.y, sizeof a.y) == 0;
}

typedef struct models {
    void *fast, *ref;
} models;

static void check_photo(skd_ctx *ctx, const skd_image *img, const char *what,
                        void *arg)
{
    models *m = arg;
    void *fast = m->fast, *ref = m->ref;
    skd_dlib_face f;
    char msg[256];
    uint8_t *g = grey_of(img);
    uint32_t seed = 2024;
    int boxes = 0, same = 0;
    (void)ctx;
    CHECK(g != NULL);
    if (!g)
        return;
    CHECK_STATUS(skd_dlib_detect(fast, g, img->width, img->height, 0.5, &f,
                                 msg, sizeof msg), SKD_DLIB_OK);
    CHECK(f.n_faces >= 1);
    if (f.n_faces >= 1) {
        boxes++;
        same += same_points(fast, ref, g, img, f.box);
    }
    for (int k = 0; k < 60; k++) {
        double box[4];
        seed = seed * 1103515245u + 12345u;
        box[2] = box[3] = 20 + (seed >> 8) % 700;
        seed = seed * 1103515245u + 12345u;
        box[0] = (double)((seed >> 8) % (img->width + 200)) - 100;
        seed = seed * 1103515245u + 12345u;
        box[1] = (double)((seed >> 8) % (img->height + 200)) - 100;
        boxes++;
        same += same_points(fast, ref, g, img, box);
    }
    CHECK(same == boxes);
    REPORT("%s: %d of %d boxes give the very same landmarks", what, same, boxes);
    free(g);
}

int main(void)
{
    void *fast = NULL, *ref = NULL;
    char msg[256];
    skd_ctx *ctx = skd_ctx_create();
    if (!ctx)
        return 1;
    if (!check_shared_data("photos", "portraits")) {
        skd_ctx_free(ctx);
        return check_done("test_face_predictor");
    }
    CHECK_STATUS(skd_dlib_new(&fast, msg, sizeof msg), SKD_DLIB_OK);
    CHECK_STATUS(skd_dlib_new(&ref, msg, sizeof msg), SKD_DLIB_OK);
    CHECK_STATUS(skd_dlib_load_predictor(fast, SKD_DLIB_MODEL, msg, sizeof msg),
                 SKD_DLIB_OK);
    CHECK_STATUS(skd_dlib_load_predictor_dlib(ref, SKD_DLIB_MODEL, msg, sizeof msg),
                 SKD_DLIB_OK);
    if (fast && ref) {
        models m = {fast, ref};
        check_each_portrait(ctx, check_photo, &m);
    }
    {
        /* A file that is no model is refused with a message. */
        char path[512];
        FILE *f;
        snprintf(path, sizeof path, "%s/not_a_model.dat", check_tmpdir());
        f = fopen(path, "wb");
        CHECK(f != NULL);
        if (f) {
            fputs("\x01\x01 not a shape predictor", f);
            fclose(f);
            msg[0] = 0;
            CHECK_STATUS(skd_dlib_load_predictor(fast, path, msg, sizeof msg),
                         SKD_DLIB_FAILED);
            CHECK(msg[0] != 0);
        }
    }
    {
        /* The model cut short: refused (our reader stops at the end of the
         * bytes; dlib's, tried next, says why), no crash. */
        char path[512];
        FILE *in = fopen(SKD_DLIB_MODEL, "rb"), *out;
        static char buf[1 << 20];
        size_t n = in ? fread(buf, 1, sizeof buf, in) : 0;
        snprintf(path, sizeof path, "%s/cut_model.dat", check_tmpdir());
        out = fopen(path, "wb");
        CHECK(n == sizeof buf && out != NULL);
        if (out) {
            fwrite(buf, 1, n, out);
            fclose(out);
            CHECK_STATUS(skd_dlib_load_predictor(fast, path, msg, sizeof msg),
                         SKD_DLIB_FAILED);
        }
        if (in)
            fclose(in);
    }
    skd_dlib_free(fast);
    skd_dlib_free(ref);
    skd_ctx_free(ctx);
    return check_done("test_face_predictor");
}

#else

int main(void)
{
    check_skip("this build has no dlib");
    return 0;
}

#endif
