/* Fuzz the HEIF and TIFF adapters (when built in): headers-only read and
 * full decode from memory with a 4 Mpx limit, the same invariants as the
 * other decoders (fuzz_common.h). Seeds: small HEIC and TIFF files, one
 * cut short and one with a forged 60000 x 60000 'ispe'. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    skd_ctx *ctx = fuzz_ctx(4e6);
    skd_image *img = fuzz_decode(ctx, data, size);
    skd_image_free(img);
    skd_ctx_free(ctx);
    return 0;
}
