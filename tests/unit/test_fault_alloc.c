/* Allocation failure through the whole chain, SQLite style: a context whose
 * allocator fails the Nth allocation, for every N from 1 until a run needs
 * fewer than N allocations. Chain: decode (PNG, and JPEG with an EXIF
 * rotation) -> analyze with a mask and ROI -> figures over a sub-region ->
 * overlay -> PNG and JPEG written atomically. Each failing run must return
 * SKD_E_NOMEM with a message, hand back no half-made object, leave no
 * output or temporary file, and once everything is freed the allocator
 * must hold zero live blocks. Two modes: the Nth allocation alone fails
 * (transient), and every allocation from the Nth on fails (persistent, so
 * cleanup paths that allocate fail too). The successful run must give the
 * same figures as the default allocator. Allocations inside libpng,
 * libjpeg and FFTW do not go through our allocator (see skindiff.h). */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "skindiff.h"
#include "test_decode_util.h"

#define W 96
#define H 80
#define PX_PER_MM 20.0

/* sRGB 8-bit level of linear v. */
static uint16_t enc(double v)
{
    double s = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
    long q = lround((s < 0 ? 0 : s > 1 ? 1 : s) * 255);
    return (uint16_t)(q * 257);
}

/* Skin colour, a gentle relief, 12 dark round dips of radius 2-4 px (pores
 * at 20 px/mm), a red blob and one specular highlight (masked out). */
static skd_image *make_skin(skd_ctx *ctx)
{
    skd_image *img = NULL;
    static const double pores[12][3] = {
        {15, 14, 2.0}, {40, 12, 3.0}, {70, 18, 2.5}, {85, 40, 3.5},
        {20, 45, 2.2}, {50, 40, 3.0}, {62, 60, 2.0}, {30, 66, 2.8},
        {78, 68, 2.4}, {10, 30, 3.2}, {55, 25, 2.6}, {44, 58, 2.1}};
    if (skd_image_create(ctx, W, H, &img) != SKD_OK)
        return NULL;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double l = 1 + 0.03 * sin(x * 0.8) * cos(y * 0.6), r, g, b;
            double rx = x - 70.0, ry = y - 50.0;
            double red = exp(-(rx * rx + ry * ry) / 60);
            uint16_t *p = img->rgb + ((size_t)y * W + x) * 3;
            for (int k = 0; k < 12; k++) {
                double dx = x - pores[k][0], dy = y - pores[k][1];
                double s = pores[k][2] / 1.4142;
                l *= 1 - 0.3 * exp(-(dx * dx + dy * dy) / (2 * s * s));
            }
            r = 0.58 * l * (1 + 0.15 * red);
            g = 0.30 * l * (1 - 0.25 * red);
            b = 0.22 * l;
            p[0] = enc(r);
            p[1] = enc(g);
            p[2] = enc(b);
            if ((x - 25) * (x - 25) + (y - 25) * (y - 25) < 5)
                p[0] = p[1] = p[2] = 65535;
        }
    return img;
}

/* An APP1 Exif segment with orientation 6 inserted after SOI. */
static uint8_t *rotate_jpeg(const uint8_t *jpg, size_t n, size_t *out_n)
{
    static const uint8_t app1[] = {
        0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
        'M', 'M', 0, 0x2A, 0, 0, 0, 8, 0, 1,
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0};
    uint8_t *r = malloc(n + sizeof app1);
    if (!r)
        return NULL;
    memcpy(r, jpg, 2);
    memcpy(r + 2, app1, sizeof app1);
    memcpy(r + 2 + sizeof app1, jpg + 2, n - 2);
    *out_n = n + sizeof app1;
    return r;
}

static int tmp_leftovers(void)
{
    DIR *d = opendir(check_tmpdir());
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)))
        n += strncmp(e->d_name, "fault_", 6) == 0 &&
             strstr(e->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    return n;
}

static int exists(const char *path) { return access(path, F_OK) == 0; }

typedef struct chain_out {
    const char *step; /* where it stopped ("done" when all succeeded) */
    int status;
    skd_metrics whole, sub;
} chain_out;

/* One pass through the chain. Checks what a failing step hands back, frees
 * everything, and returns where and how it ended. */
static chain_out run_chain(skd_ctx *ctx, const uint8_t *file, size_t n,
                           const char *png_out, const char *jpg_out)
{
    static uint8_t half[W * H]; /* left half, in the displayed frame */
    chain_out r;
    skd_image *img = NULL, *mask = NULL, *ov = NULL;
    skd_analysis *a = NULL;
    skd_region_spec spec;
    int st;

    /* caller-allocated and grown at its end (white_ref): zero it all */
    memset(&spec, 0, sizeof spec);
    memset(&r, 0, sizeof r);
    r.step = "decode";
    unlink(png_out);
    unlink(jpg_out);
    st = skd_image_decode(ctx, file, n, &img);
    if (st != SKD_OK) {
        CHECK(img == NULL);
        goto out;
    }
    r.step = "mask";
    st = skd_image_create(ctx, img->width, img->height, &mask);
    if (st != SKD_OK) {
        CHECK(mask == NULL);
        goto out;
    }
    for (size_t i = 0; i < (size_t)img->width * img->height; i++)
        mask->rgb[3 * i] = (i % img->width) > 3 ? 65535 : 0;
    spec.mask = mask;
    spec.roi = (skd_roi){2, 2, img->width - 4, img->height - 4};
    r.step = "analyze";
    st = skd_analyze(ctx, img, &spec, &a);
    if (st != SKD_OK) {
        CHECK(a == NULL);
        goto out;
    }
    r.whole = a->metrics;
    r.step = "metrics_in_region";
    for (size_t i = 0; i < (size_t)a->width * a->height; i++)
        half[i] = (i % a->width) < a->width / 2;
    st = skd_metrics_in_region(ctx, a, img, half, NAN, &r.sub);
    if (st != SKD_OK)
        goto out;
    r.step = "overlay";
    st = skd_render_overlay(ctx, img, a, &ov);
    if (st != SKD_OK) {
        CHECK(ov == NULL);
        goto out;
    }
    r.step = "write_png";
    st = skd_image_write_png(ctx, ov, png_out);
    if (st != SKD_OK) {
        CHECK(!exists(png_out));
        goto out;
    }
    r.step = "write_jpeg";
    st = skd_image_write_jpeg(ctx, img, jpg_out, 90);
    if (st != SKD_OK) {
        CHECK(!exists(jpg_out));
        goto out;
    }
    r.step = "done";
out:
    r.status = st;
    skd_image_free(ov);
    skd_analysis_free(a);
    skd_image_free(mask);
    skd_image_free(img);
    return r;
}

static int same_metrics(const skd_metrics *a, const skd_metrics *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* Every N for one input and one mode. */
static void sweep(const char *name, const uint8_t *file, size_t n,
                  int persistent, const chain_out *want)
{
    char png_out[1024], jpg_out[1024];
    long nomem = 0, bad_status = 0, bad_message = 0, leaks = 0, files = 0;
    long needed = 0;
    const char *last_step = "";
    int steps_seen = 0;

    snprintf(png_out, sizeof png_out, "%s/fault_overlay.png", check_tmpdir());
    snprintf(jpg_out, sizeof jpg_out, "%s/fault_copy.jpg", check_tmpdir());
    for (long k = 1;; k++) {
        check_alloc fa = {k, persistent, 0, 0};
        skd_allocator al = check_allocator(&fa);
        skd_ctx *ctx = skd_ctx_create_with_allocator(&al);
        chain_out r;
        if (!ctx) {
            CHECK(fa.live == 0);
            continue; /* the context itself was the allocation that failed */
        }
        CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, PX_PER_MM), SKD_OK);
        r = run_chain(ctx, file, n, png_out, jpg_out);
        if (r.status == SKD_OK) {
            CHECK(fa.calls < k);
            CHECK(same_metrics(&r.whole, &want->whole));
            CHECK(same_metrics(&r.sub, &want->sub));
            CHECK(exists(png_out) && exists(jpg_out));
            skd_ctx_free(ctx);
            CHECK(fa.live == 0);
            needed = fa.calls;
            break;
        }
        if (r.status == SKD_E_NOMEM) {
            nomem++;
            if (!strstr(skd_ctx_message(ctx), "memory")) {
                bad_message++;
                fprintf(stderr, "  N=%ld %s: message '%s'\n", k, r.step,
                        skd_ctx_message(ctx));
            }
        } else {
            bad_status++;
            fprintf(stderr, "  N=%ld %s: status %d (%s): %s\n", k, r.step,
                    r.status, skd_strerror(r.status), skd_ctx_message(ctx));
            if (bad_status > 20) { /* a chain that never succeeds: stop */
                CHECK(bad_status <= 20);
                skd_ctx_free(ctx);
                break;
            }
        }
        if (strcmp(last_step, r.step) != 0) {
            steps_seen++;
            last_step = r.step;
        }
        skd_ctx_free(ctx);
        if (fa.live != 0) {
            leaks++;
            fprintf(stderr, "  N=%ld %s: %ld blocks leaked\n", k, r.step,
                    fa.live);
        }
        files += tmp_leftovers();
        if (k > 100000) {
            CHECK(!"the chain never succeeded");
            break;
        }
    }
    REPORT("%s, %s failure: %ld allocations per run; %ld failing runs, all "
           "SKD_E_NOMEM: %s; bad messages %ld, leaks %ld, temp files %ld, "
           "steps hit %d",
           name, persistent ? "persistent" : "single", needed, nomem,
           bad_status ? "NO" : "yes", bad_message, leaks, files, steps_seen);
    CHECK(needed > 20);
    CHECK(nomem == needed - 1); /* every N before success failed cleanly */
    CHECK(bad_status == 0 && bad_message == 0 && leaks == 0 && files == 0);
    CHECK(steps_seen == 7); /* every step of the chain failed at least once */
}

static uint8_t *encode(skd_ctx *ctx, const skd_image *img, int jpeg,
                       size_t *n)
{
    char path[1024];
    uint8_t *data;
    snprintf(path, sizeof path, "%s/fault_input.%s", check_tmpdir(),
             jpeg ? "jpg" : "png");
    if (jpeg)
        CHECK_STATUS(skd_image_write_jpeg(ctx, img, path, 95), SKD_OK);
    else
        CHECK_STATUS(skd_image_write_png(ctx, img, path), SKD_OK);
    data = tu_read_file(path, n);
    CHECK(data != NULL);
    unlink(path);
    return data;
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_image *img = make_skin(ctx);
    size_t np = 0, nj = 0, nr = 0;
    uint8_t *png = NULL, *jpg = NULL, *rot = NULL;
    char p1[1024], p2[1024];

    CHECK(img != NULL);
    if (img) {
        png = encode(ctx, img, 0, &np);
        jpg = encode(ctx, img, 1, &nj);
    }
    if (jpg)
        rot = rotate_jpeg(jpg, nj, &nr);
    snprintf(p1, sizeof p1, "%s/fault_overlay.png", check_tmpdir());
    snprintf(p2, sizeof p2, "%s/fault_copy.jpg", check_tmpdir());
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, PX_PER_MM), SKD_OK);
    if (png && rot) {
        chain_out want_png = run_chain(ctx, png, np, p1, p2);
        chain_out want_rot = run_chain(ctx, rot, nr, p1, p2);
        CHECK_STATUS(want_png.status, SKD_OK);
        CHECK_STATUS(want_rot.status, SKD_OK);
        REPORT("reference PNG: Sa %.3f, %u pores, a* %.2f; half: %llu px",
               want_png.whole.sa, want_png.whole.pore_count,
               want_png.whole.a_mean,
               (unsigned long long)want_png.sub.region_pixels);
        CHECK(want_png.whole.pore_count >= 3);
        REPORT("reference rotated JPEG: Sa %.3f, %u pores, a* %.2f",
               want_rot.whole.sa, want_rot.whole.pore_count,
               want_rot.whole.a_mean);
        sweep("PNG 96x80", png, np, 0, &want_png);
        sweep("PNG 96x80", png, np, 1, &want_png);
        sweep("JPEG 96x80 EXIF-rotated", rot, nr, 0, &want_rot);
        sweep("JPEG 96x80 EXIF-rotated", rot, nr, 1, &want_rot);
    }
    unlink(p1);
    unlink(p2);
    free(png);
    free(jpg);
    free(rot);
    skd_image_free(img);
    skd_ctx_free(ctx);
    return check_done("test_fault_alloc");
}
