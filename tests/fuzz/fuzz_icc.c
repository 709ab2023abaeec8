/* Fuzz the colour path: the input is an ICC profile as a JPEG, PNG, HEIF
 * or TIFF would embed it. It is checked as a decoder checks it
 * (skd_colour_resolve), for RGB and for grey data; a profile that passes
 * must give a conversion (tables + matrix, or the LittleCMS transform)
 * that converts a few rows of every sample value without failing. A
 * profile that fails must fail with a status that blames the data. */
#include "fuzz_common.h"
#include "colour/colour.h"

static void convert_some(skd_ctx *ctx, uint8_t *icc, size_t n)
{
    skd_image *img = NULL;
    skd_colour_lut *lut = NULL;
    float r[SKD_COLOUR_BLOCK], g[SKD_COLOUR_BLOCK], b[SKD_COLOUR_BLOCK];
    float e[SKD_COLOUR_BLOCK];
    int st = skd_image_new(ctx, SKD_COLOUR_BLOCK, 4, 0, &img);
    if (st != SKD_OK) {
        skd_dealloc(ctx, icc);
        return;
    }
    img->icc = icc;
    img->icc_size = n;
    for (size_t i = 0; i < (size_t)SKD_COLOUR_BLOCK * 4 * 3; i++)
        img->rgb[i] = (uint16_t)(i * 2731u); /* every part of the range */
    st = skd_colour_lut_for(ctx, img, NULL, &lut);
    FUZZ_ASSERT(st == SKD_OK || st == SKD_E_NOMEM);
    if (lut) {
        for (uint32_t y = 0; y < 4; y++) {
            const uint16_t *row = img->rgb + (size_t)y * SKD_COLOUR_BLOCK * 3;
            skd_colour_linear_block(row, SKD_COLOUR_BLOCK, lut, r, g, b);
            skd_erythema_row_lut(row, SKD_COLOUR_BLOCK, lut, e);
        }
        skd_colour_lut_free(ctx, lut);
    }
    skd_image_free(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    skd_ctx *ctx = fuzz_ctx(4e6);
    for (int grey = 0; grey < 2; grey++) {
        skd_colour_tags t;
        skd_image_info info;
        uint8_t *icc = NULL;
        size_t n = 0;
        int st;
        memset(&t, 0, sizeof t);
        memset(&info, 0, sizeof info);
        t.data = grey ? SKD_DATA_GREY : SKD_DATA_RGB;
        t.icc = skd_malloc(ctx, size ? size : 1);
        FUZZ_ASSERT(t.icc != NULL);
        memcpy(t.icc, data, size);
        t.icc_size = size;
        st = skd_colour_resolve(ctx, &t, &info, &icc, &n);
        skd_colour_tags_free(ctx, &t);
        if (st != SKD_OK) {
            FUZZ_ASSERT(icc == NULL);
            fuzz_check_failure(ctx, st);
            continue;
        }
        FUZZ_ASSERT(info.colour_kind == SKD_COLOUR_ICC);
        FUZZ_ASSERT(icc != NULL && n == size);
        convert_some(ctx, icc, n);
    }
    skd_ctx_free(ctx);
    return 0;
}
