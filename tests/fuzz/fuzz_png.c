/* Fuzz the PNG path: headers-only read and full decode from memory, with a
 * 4 Mpx limit. Mutations nearly always break chunk CRCs, which stops
 * libpng at the first chunk; so the target repairs every CRC first and the
 * fuzzer reaches IHDR checks, filters, Adam7, palettes and inflate. The
 * CRC check itself is covered by the unit tests. */
#include <zlib.h>

#include "fuzz_common.h"

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/* Recompute the CRC of every chunk that lies wholly inside buf. */
static void fix_crcs(uint8_t *buf, size_t size)
{
    size_t pos = 8;
    while (size - pos >= 12) {
        uint32_t len = rd32(buf + pos);
        uLong crc;
        if (len > size - pos - 12)
            break;
        crc = crc32(0, buf + pos + 4, 4 + len);
        buf[pos + 8 + len] = (uint8_t)(crc >> 24);
        buf[pos + 9 + len] = (uint8_t)(crc >> 16);
        buf[pos + 10 + len] = (uint8_t)(crc >> 8);
        buf[pos + 11 + len] = (uint8_t)crc;
        pos += 12 + (size_t)len;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    skd_ctx *ctx = fuzz_ctx(4e6);
    uint8_t *copy = malloc(size ? size : 1);
    skd_image *img;

    FUZZ_ASSERT(copy != NULL);
    memcpy(copy, data, size);
    if (skd_detect_format(copy, size) == SKD_FORMAT_PNG)
        fix_crcs(copy, size);
    img = fuzz_decode(ctx, copy, size);
    skd_image_free(img);
    free(copy);
    skd_ctx_free(ctx);
    return 0;
}
