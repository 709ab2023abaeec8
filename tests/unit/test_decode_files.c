/* Bad files and the probe: empty file, directory, FIFO, unreadable file,
 * missing file, text named .jpg, other formats; each a clean error naming
 * the file. The probe reads headers only, also when they are far in. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "skindiff.h"
#include "icc_files.h"
#include "test_decode_util.h"

static char *tmp_path(const char *name)
{
    static char buf[8][1024];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, 1024, "%s/%s", check_tmpdir(), name);
    return p;
}

/* Both load and probe must fail with want, naming the file. */
static void expect_error(skd_ctx *ctx, const char *path, int want,
                         const char *detail)
{
    skd_image *img = (skd_image *)&img; /* must be reset to NULL */
    skd_image_info info;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

    CHECK_STATUS(skd_image_load(ctx, path, &img), want);
    CHECK(img == NULL);
    CHECK(strstr(skd_ctx_message(ctx), base) != NULL);
    if (detail && !strstr(skd_ctx_message(ctx), detail)) {
        fprintf(stderr, "  message '%s' lacks '%s'\n", skd_ctx_message(ctx),
                detail);
        CHECK(0);
    }
    REPORT("%-14s load: %s", base, skd_ctx_message(ctx));
    CHECK_STATUS(skd_probe_file(ctx, path, &info), want);
    CHECK(strstr(skd_ctx_message(ctx), base) != NULL);
}

/* Root reads a mode-000 file, so the check runs in a child that became the
 * unprivileged user nobody; its failures come back as its exit status. */
static void expect_error_as_nobody(skd_ctx *ctx, const char *path, int want,
                                   const char *detail)
{
    struct stat st;
    int status = 0;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(CHECK_SKIP_CODE);
        if (stat(path, &st) != 0) /* a folder on the way is closed to nobody */
            _exit(CHECK_SKIP_CODE);
        expect_error(ctx, path, want, detail);
        _exit(check_failures > 76 ? 76 : check_failures);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        CHECK(0);
        return;
    }
    if (WEXITSTATUS(status) == CHECK_SKIP_CODE)
        check_skip_part("unreadable file: root cannot become nobody or nobody "
                        "cannot reach the scratch folder");
    else
        check_failures += WEXITSTATUS(status);
}

static void test_bad_files(skd_ctx *ctx)
{
    char *p;
    int fd;

    p = tmp_path("empty.jpg");
    CHECK(tu_write_file(p, "", 0));
    expect_error(ctx, p, SKD_E_IO, "empty");

    p = tmp_path("folder.png");
    mkdir(p, 0777);
    expect_error(ctx, p, SKD_E_IO, "directory");

    p = tmp_path("pipe.jpg");
    unlink(p);
    CHECK(mkfifo(p, 0666) == 0);
    expect_error(ctx, p, SKD_E_IO, "FIFO"); /* returns at once: no writer */
    unlink(p);

    expect_error(ctx, tmp_path("does-not-exist.jpg"), SKD_E_IO,
                 "No such file");

    p = tmp_path("notes.jpg");
    CHECK(tu_write_file(p, "Patient 17, left cheek, week 4\n", 31));
    expect_error(ctx, p, SKD_E_FORMAT, "text");

    p = tmp_path("binary.png");
    CHECK(tu_write_file(p, "\x01\x02\x03\x04\x00\xff", 6));
    expect_error(ctx, p, SKD_E_FORMAT, "01 02 03 04 00 ff");

    p = tmp_path("anim.jpg");
    CHECK(tu_write_file(p, "GIF89a\x01\x00\x01\x00", 10));
    expect_error(ctx, p, SKD_E_FORMAT, "GIF");

    p = tmp_path("phone.jpg");
    CHECK(tu_write_file(p, "\0\0\0\x18" "ftypheic\0\0\0\0", 16));
    /* a build without libheif names the format; one with it finds the
     * file cut short */
    expect_error(ctx, p,
                 (skd_build_format_mask() & (1u << SKD_FORMAT_HEIF))
                     ? SKD_E_CORRUPT : SKD_E_FORMAT, "HEIF");

    /* Only the signature: a JPEG that ends after SOI. */
    p = tmp_path("soi.jpg");
    CHECK(tu_write_file(p, "\xff\xd8\xff", 3));
    expect_error(ctx, p, SKD_E_CORRUPT, "truncated");

    p = tmp_path("locked.jpg");
    {
        skd_image *img = tu_smooth_image(ctx, 8, 8);
        CHECK_STATUS(skd_image_write_jpeg(ctx, img, p, 90), SKD_OK);
        skd_image_free(img);
    }
    chmod(p, 0);
    if (geteuid() == 0)
        expect_error_as_nobody(ctx, p, SKD_E_IO, "Permission denied");
    else
        expect_error(ctx, p, SKD_E_IO, "Permission denied");
    chmod(p, 0644);

    /* /dev/null is a character device: refused without reading. */
    CHECK_STATUS(skd_probe_file(ctx, "/dev/null", &(skd_image_info){0}),
                 SKD_E_IO);
    REPORT("/dev/null: %s", skd_ctx_message(ctx));

    /* Arguments. */
    {
        skd_image *img = NULL;
        CHECK_STATUS(skd_image_load(NULL, p, &img), SKD_E_INVALID);
        CHECK_STATUS(skd_image_load(ctx, NULL, &img), SKD_E_INVALID);
        CHECK_STATUS(skd_image_decode(ctx, NULL, 5, &img), SKD_E_INVALID);
        CHECK_STATUS(skd_image_decode(ctx, "", 0, &img), SKD_E_FORMAT);
        CHECK_STATUS(skd_probe_file(ctx, p, NULL), SKD_E_INVALID);
    }
    (void)fd;
}

/* A JPEG whose frame header sits after ~200 KiB of ICC profile segments:
 * the probe must read further than its first 64 KiB guess. */
static void test_probe_far_headers(skd_ctx *ctx)
{
    skd_image *img = tu_smooth_image(ctx, 100, 70), *back = NULL;
    char *p = tmp_path("far.jpg"), *q = tmp_path("far_icc.jpg");
    size_t n, pos = 2;
    uint8_t *jpg, *big;
    skd_image_info info;
    const int segs = 4, seg_len = 60000;

    CHECK_STATUS(skd_image_write_jpeg(ctx, img, p, 90), SKD_OK);
    jpg = tu_read_file(p, &n);
    big = malloc(n + (size_t)segs * (seg_len + 2));
    memcpy(big, jpg, 2);
    for (int s = 0; s < segs; s++) {
        big[pos] = 0xFF;
        big[pos + 1] = 0xE2;
        big[pos + 2] = (uint8_t)(seg_len >> 8);
        big[pos + 3] = (uint8_t)seg_len;
        memset(big + pos + 4, 0, seg_len - 2);
        memcpy(big + pos + 4, "ICC_PROFILE\0", 12);
        big[pos + 16] = (uint8_t)(s + 1);
        big[pos + 17] = (uint8_t)segs;
        pos += 2 + seg_len;
    }
    memcpy(big + pos, jpg + 2, n - 2);
    pos += n - 2;
    /* a real profile at the start of the first segment (its header says
     * its size; the zeros after it are ignored), since a damaged profile
     * is an error */
    {
        cmsHPROFILE srgb = cmsCreate_sRGBProfile();
        cmsUInt32Number len = 0;
        CHECK(cmsSaveProfileToMem(srgb, NULL, &len) && len < seg_len - 16);
        CHECK(cmsSaveProfileToMem(srgb, big + 2 + 18, &len));
        cmsCloseProfile(srgb);
    }
    CHECK(tu_write_file(q, big, pos));
    CHECK_STATUS(skd_probe_file(ctx, q, &info), SKD_OK);
    CHECK(info.width == 100 && info.height == 70 && info.has_icc == 1);
    CHECK(info.format == SKD_FORMAT_JPEG);
    REPORT("probe with headers at byte %zu: %ux%u, ICC %d", pos - n,
           info.width, info.height, info.has_icc);
    CHECK_STATUS(skd_image_load(ctx, q, &back), SKD_OK);
    CHECK(back && back->info.has_icc == 1);
    skd_image_free(back);

    /* Headers complete, pixels cut off: the probe reads no pixels and
     * succeeds; the load fails. */
    {
        size_t sos = 0;
        for (size_t i = 2; i + 1 < n; i++)
            if (jpg[i] == 0xFF && jpg[i + 1] == 0xDA) {
                sos = i;
                break;
            }
        CHECK(sos > 0);
        CHECK(tu_write_file(p, jpg, sos + 40));
        CHECK_STATUS(skd_probe_file(ctx, p, &info), SKD_OK);
        CHECK(info.width == 100);
        back = NULL;
        CHECK_STATUS(skd_image_load(ctx, p, &back), SKD_E_CORRUPT);
        REPORT("cut after SOS: probe OK, load: %s", skd_ctx_message(ctx));
    }
    free(big);
    free(jpg);
    skd_image_free(img);
}

static void test_create(skd_ctx *ctx)
{
    skd_image *img = NULL;
    int zero = 1;
    CHECK_STATUS(skd_image_create(ctx, 7, 5, &img), SKD_OK);
    CHECK(img && img->width == 7 && img->height == 5);
    for (size_t i = 0; img && i < 7 * 5 * 3; i++)
        zero &= img->rgb[i] == 0;
    CHECK(zero);
    skd_image_free(img);
    skd_image_free(NULL);
    CHECK_STATUS(skd_image_create(ctx, 0, 5, &img), SKD_E_INVALID);
    CHECK(img == NULL);
    CHECK_STATUS(skd_image_create(ctx, 0xFFFFFFFFu, 0xFFFFFFFFu, &img),
                 SKD_E_NOMEM);
    REPORT("4G x 4G create: %s", skd_ctx_message(ctx));
}

/* The file-size guard: a file larger than the pixel limit allows is
 * refused before it is read. */
static void test_file_size_limit(skd_ctx *ctx)
{
    char *p = tmp_path("sparse.jpg");
    skd_image *img = NULL;
    int fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK(write(fd, "\xff\xd8\xff", 3) == 3);
    CHECK(ftruncate(fd, 200 * 1024 * 1024) == 0); /* sparse: no disk use */
    close(fd);
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_MAX_PIXELS, 1e6), SKD_OK);
    CHECK_STATUS(skd_image_load(ctx, p, &img), SKD_E_LIMIT);
    REPORT("200 MB file, 1 Mpx limit: %s", skd_ctx_message(ctx));
    CHECK_STATUS(skd_ctx_set(ctx, SKD_OPT_MAX_PIXELS, 100e6), SKD_OK);
    unlink(p);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    test_bad_files(ctx);
    test_probe_far_headers(ctx);
    test_create(ctx);
    test_file_size_limit(ctx);
    skd_ctx_free(ctx);
    return check_done("test_decode_files");
}
