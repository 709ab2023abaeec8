/* Fuzz the JPEG path: our marker walk and EXIF reader, then libjpeg-turbo
 * through our adapter (warnings as errors, scan limit, memory budget,
 * CMYK, orientation), headers-only and full decode, with a 4 Mpx limit. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    skd_ctx *ctx = fuzz_ctx(4e6);
    skd_jpeg_markers m;
    skd_image *img;

    skd_jpeg_scan_markers(data, size, &m);
    if (m.exif) {
        int o = skd_exif_orientation(m.exif, m.exif_size);
        FUZZ_ASSERT(m.exif >= data && m.exif + m.exif_size <= data + size);
        FUZZ_ASSERT(o >= 0 && o <= 8);
    }
    img = fuzz_decode(ctx, data, size);
    if (img && m.sof) {
        /* Our walk and libjpeg agree on the frame size. */
        FUZZ_ASSERT(m.width == img->info.stored_width &&
                    m.height == img->info.stored_height);
    }
    skd_image_free(img);
    skd_ctx_free(ctx);
    return 0;
}
