#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

int check_failures = 0;
static int check_skipped_parts = 0;

int check_done(const char *name)
{
    if (check_failures) {
        fprintf(stderr, "%s: %d check(s) FAILED\n", name, check_failures);
        /* 77 would read as SKIP: cap below it. */
        return check_failures > 76 ? 76 : check_failures;
    }
    if (check_skipped_parts) {
        fprintf(stderr, "%s: the checks that ran passed\n", name);
        printf("SKIP: %d part(s) of %s could not run here (see above)\n",
               check_skipped_parts, name);
        fflush(stdout);
        return CHECK_SKIP_CODE;
    }
    fprintf(stderr, "%s: all checks passed\n", name);
    return 0;
}

void check_skip(const char *reason)
{
    printf("SKIP: %s\n", reason);
    fflush(stdout);
    exit(CHECK_SKIP_CODE);
}

void check_skip_part(const char *reason)
{
    fprintf(stderr, "  SKIP part: %s\n", reason);
    check_skipped_parts++;
}

int check_shared_data(const char *rel, const char *what)
{
    char path[4096];
    struct stat st;
    const char *req = getenv("SKD_REQUIRE_SHARED_DATA");
    snprintf(path, sizeof path, "%s%s%s", SKD_SHARED_DATA, rel ? "/" : "",
             rel ? rel : "");
    if (stat(path, &st) == 0)
        return 1;
    if (req && !strcmp(req, "1")) {
        fprintf(stderr, "FAIL: %s needs %s, which is missing, and "
                        "SKD_REQUIRE_SHARED_DATA=1\n", what, path);
        check_failures++;
        return 0;
    }
    fprintf(stderr, "  SKIP part: %s: %s not found\n", what, path);
    check_skipped_parts++;
    return 0;
}

const char *check_tmpdir(void)
{
    mkdir(SKD_TEST_TMP, 0777);
    return SKD_TEST_TMP;
}

char *check_slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    *size = 0;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        } else if (buf) {
            buf[n] = 0;
            *size = (size_t)n;
        }
    }
    fclose(f);
    return buf;
}

static void *check_alloc_malloc(void *opaque, size_t size)
{
    check_alloc *a = opaque;
    void *p;
    a->calls++;
    if (a->fail_at > 0 && (a->calls == a->fail_at ||
                           (a->persistent && a->calls > a->fail_at)))
        return NULL;
    p = malloc(size);
    if (p)
        a->live++;
    return p;
}

static void check_alloc_free(void *opaque, void *p)
{
    check_alloc *a = opaque;
    if (p) {
        a->live--;
        free(p);
    }
}

skd_allocator check_allocator(check_alloc *a)
{
    skd_allocator al = {check_alloc_malloc, check_alloc_free, a};
    return al;
}

skd_image *check_mirrored(skd_ctx *ctx, const skd_image *img)
{
    skd_image *m = NULL;
    if (skd_image_create(ctx, img->width, img->height, &m) != SKD_OK)
        return NULL;
    for (size_t y = 0; y < img->height; y++)
        for (size_t x = 0; x < img->width; x++)
            memcpy(m->rgb + 3 * (y * img->width + img->width - 1 - x),
                   img->rgb + 3 * (y * img->width + x), 3 * sizeof *m->rgb);
    return m;
}

skd_zones *check_zone_halves(skd_ctx *ctx, uint32_t w, uint32_t h,
                             skd_zone left, skd_zone right)
{
    skd_image *lab = NULL;
    skd_zones *z = NULL;
    if (skd_image_create(ctx, w, h, &lab) != SKD_OK)
        return NULL;
    for (size_t i = 0; i < (size_t)w * h; i++) {
        lab->rgb[3 * i] = (uint16_t)(257 * (i % w < w / 2 ? left : right));
        lab->rgb[3 * i + 1] = lab->rgb[3 * i + 2] = 0;
    }
    CHECK_STATUS(skd_zones_from_labels(ctx, lab, &z), SKD_OK);
    skd_image_free(lab);
    return z;
}

void check_each_portrait(skd_ctx *ctx,
                         void (*fn)(skd_ctx *ctx, const skd_image *img,
                                    const char *what, void *arg),
                         void *arg)
{
    static const char *files[] = {"astronaut.png", "portrait-podium.jpg",
                                  "portrait-room.jpg", "portrait-standing.jpg"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024], what[128];
        skd_image *img = NULL, *mir = NULL;
        snprintf(path, sizeof path, "%s/photos/%s", SKD_SHARED_DATA, files[i]);
        CHECK_STATUS(skd_image_load(ctx, path, &img), SKD_OK);
        if (!img)
            continue;
        fn(ctx, img, files[i], arg);
        mir = check_mirrored(ctx, img);
        CHECK(mir != NULL);
        snprintf(what, sizeof what, "%s mirrored", files[i]);
        if (mir)
            fn(ctx, mir, what, arg);
        skd_image_free(mir);
        skd_image_free(img);
    }
}
