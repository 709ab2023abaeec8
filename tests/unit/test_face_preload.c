/* skd_face_preload: the face model loads on a thread of its own while the
 * caller works, and skd_zones_detect then gives the very same zones as a
 * context that loads the model itself (landmarks equal to the last bit,
 * label planes byte for byte). Preloading twice, freeing a context while it
 * loads, and a failed allocation are clean. Without dlib the call says it
 * is unsupported. */
#include <string.h>

#include "check.h"

static void check_same(skd_ctx *ctx, skd_ctx *plain, const skd_image *img,
                       const char *what)
{
    skd_zones *z = NULL, *zp = NULL;
    CHECK_STATUS(skd_zones_detect(ctx, img, &z), SKD_OK);
    CHECK_STATUS(skd_zones_detect(plain, img, &zp), SKD_OK);
    if (!z || !zp)
        goto done;
    REPORT("%s: %u face(s), preloaded and plain", what,
           (unsigned)z->faces_found);
    CHECK(z->source == zp->source && z->faces_found == zp->faces_found);
    CHECK(memcmp(z->face_box, zp->face_box, sizeof z->face_box) == 0);
    CHECK(memcmp(z->landmarks, zp->landmarks, sizeof z->landmarks) == 0);
    CHECK((z->labels == NULL) == (zp->labels == NULL));
    if (z->labels && zp->labels)
        CHECK(memcmp(z->labels, zp->labels, (size_t)z->width * z->height) == 0);
done:
    skd_zones_free(z);
    skd_zones_free(zp);
}

/* A flat grey square: no face, with or without the preload. */
static void check_no_face(skd_ctx *ctx, skd_ctx *plain)
{
    skd_image *img = NULL;
    CHECK_STATUS(skd_image_create(ctx, 400, 300, &img), SKD_OK);
    if (!img)
        return;
    for (size_t i = 0; i < (size_t)3 * 400 * 300; i++)
        img->rgb[i] = 40000;
    check_same(ctx, plain, img, "grey square");
    skd_image_free(img);
}

static void check_portrait(skd_ctx *ctx, skd_ctx *plain)
{
    char path[1024];
    skd_image *img = NULL;
    snprintf(path, sizeof path, "%s/photos/portrait-room.jpg", SKD_SHARED_DATA);
    CHECK_STATUS(skd_image_load(ctx, path, &img), SKD_OK);
    if (img)
        check_same(ctx, plain, img, "portrait-room.jpg");
    skd_image_free(img);
}

/* The first allocation after the context's own is the model's holder:
 * failing it is SKD_E_NOMEM and leaks nothing. */
static void check_no_memory(void)
{
    check_alloc fa = {2, 1, 0, 0};
    skd_allocator a = check_allocator(&fa);
    skd_ctx *ctx = skd_ctx_create_with_allocator(&a);
    CHECK(ctx != NULL);
    if (!ctx)
        return;
    CHECK_STATUS(skd_face_preload(ctx), SKD_E_NOMEM);
    skd_ctx_free(ctx);
    CHECK(fa.live == 0);
}

int main(void)
{
    skd_ctx *ctx, *plain, *dropped;
    if (!skd_landmarks_backend()) {
        ctx = skd_ctx_create();
        CHECK_STATUS(skd_face_preload(ctx), SKD_E_UNSUPPORTED);
        skd_ctx_free(ctx);
        return check_done("face_preload");
    }
    CHECK_STATUS(skd_face_preload(NULL), SKD_E_INVALID);
    ctx = skd_ctx_create();
    plain = skd_ctx_create();
    dropped = skd_ctx_create();
    CHECK_STATUS(skd_face_preload(ctx), SKD_OK);
    CHECK_STATUS(skd_face_preload(ctx), SKD_OK);
    /* Freed while its model loads: skd_ctx_free waits for the thread. */
    CHECK_STATUS(skd_face_preload(dropped), SKD_OK);
    skd_ctx_free(dropped);
    check_no_face(ctx, plain);
    if (check_shared_data("photos/portrait-room.jpg", "a real portrait"))
        check_portrait(ctx, plain);
    /* Loaded already: a second preload does nothing. */
    CHECK_STATUS(skd_face_preload(ctx), SKD_OK);
    check_no_memory();
    skd_ctx_free(ctx);
    skd_ctx_free(plain);
    return check_done("face_preload");
}
