/* Writes the named seeds of tests/fuzz/corpus/fuzz_icc (profiles made with
 * LittleCMS: Adobe RGB, ProPhoto, LUT-based sRGB, grey, a truncated one)
 * and small JPEG and PNG files with those profiles embedded into
 * fuzz_jpeg and fuzz_png. Built with the tests (make_icc_seeds); run only
 * to change the seeds: make_icc_seeds tests/fuzz/corpus */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icc_files.h"

static int save(const char *dir, const char *name, cmsHPROFILE h, size_t cut)
{
    char path[1024];
    cmsUInt32Number n = 0;
    uint8_t *b;
    FILE *f;
    if (!h || !cmsSaveProfileToMem(h, NULL, &n))
        return 1;
    b = malloc(n);
    if (!b || !cmsSaveProfileToMem(h, b, &n))
        return 1;
    snprintf(path, sizeof path, "%s/fuzz_icc/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(b, 1, cut && cut < n ? cut : n, f) == 0 || fclose(f))
        return 1;
    free(b);
    return 0;
}

int main(int argc, char **argv)
{
    enum { W = 24, H = 16 };
    uint16_t rgb[W * H * 3];
    char path[1024];
    cmsHPROFILE adobe = icc_adobe_rgb(), pro = icc_prophoto_rgb();
    cmsHPROFILE lut = icc_lut_based_srgb(5), grey;
    cmsToneCurve *g = cmsBuildGamma(NULL, 2.2);
    int bad = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: make_icc_seeds CORPUS_DIR\n");
        return 2;
    }
    grey = cmsCreateGrayProfile(cmsD50_xyY(), g);
    cmsFreeToneCurve(g);
    for (size_t i = 0; i < sizeof rgb / sizeof rgb[0]; i++)
        rgb[i] = (uint16_t)(20000 + (i * 997) % 30000);
    bad |= save(argv[1], "adobe.icc", adobe, 0);
    bad |= save(argv[1], "prophoto.icc", pro, 0);
    bad |= save(argv[1], "lut_srgb.icc", lut, 0);
    bad |= save(argv[1], "grey.icc", grey, 0);
    bad |= save(argv[1], "adobe_cut.icc", adobe, 300);
    snprintf(path, sizeof path, "%s/fuzz_jpeg/icc_adobe.jpg", argv[1]);
    bad |= icc_write_jpeg(path, rgb, W, H, 90, adobe) != 0;
    snprintf(path, sizeof path, "%s/fuzz_png/icc_prophoto16.png", argv[1]);
    bad |= icc_write_png(path, rgb, W, H, 16, pro) != 0;
    snprintf(path, sizeof path, "%s/fuzz_png/icc_lut8.png", argv[1]);
    bad |= icc_write_png(path, rgb, W, H, 8, lut) != 0;
    cmsCloseProfile(adobe);
    cmsCloseProfile(pro);
    cmsCloseProfile(lut);
    cmsCloseProfile(grey);
    return bad;
}
