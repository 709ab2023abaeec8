/* When a photo was taken: EXIF DateTimeOriginal (tag 0x9003 in the Exif
 * IFD that IFD0's tag 0x8769 points to). Exactly one offset is followed,
 * from IFD0 to the Exif IFD, and every read is bounds-checked, so nothing
 * can loop; anything odd means "no date". */
#include <stdio.h>
#include <string.h>

#include "decode.h"

#define TAG_EXIF_IFD 0x8769
#define TAG_DATE_ORIGINAL 0x9003
#define TYPE_ASCII 2
#define TYPE_LONG 4

static uint32_t rd16(const uint8_t *p, int be)
{
    return be ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
}

static uint32_t rd32(const uint8_t *p, int be)
{
    return be ? rd16(p, 1) << 16 | rd16(p + 2, 1)
              : rd16(p + 2, 0) << 16 | rd16(p, 0);
}

/* The 12-byte entry of tag in the IFD at off, NULL when there is none. */
static const uint8_t *find_entry(const uint8_t *t, size_t n, int be,
                                 uint32_t off, uint32_t tag)
{
    uint32_t count;
    if (off > n || n - off < 2)
        return NULL;
    count = rd16(t + off, be);
    for (uint32_t i = 0; i < count; i++) {
        size_t e = (size_t)off + 2 + (size_t)i * 12;
        if (e > n || n - e < 12)
            return NULL;
        if (rd16(t + e, be) == tag)
            return t + e;
    }
    return NULL;
}

/* "YYYY:MM:DD HH:MM:SS" (digits where digits belong) as "YYYY-MM-DD HH:MM". */
static int format_date(const uint8_t *s, char *out, size_t cap)
{
    static const char shape[] = "dddd:dd:dd dd:dd:dd";
    for (int i = 0; i < 19; i++)
        if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
            return 0;
    if (!memcmp(s, "0000", 4))
        return 0; /* cameras without a clock write zeros */
    const char *c = (const char *)s;
    snprintf(out, cap, "%.4s-%.2s-%.2s %.2s:%.2s", c, c + 5, c + 8, c + 11,
             c + 14);
    return 1;
}

int skd_exif_date_original(const uint8_t *t, size_t n, char *out, size_t cap)
{
    const uint8_t *e;
    uint32_t ifd0, off, count;
    int be;
    if (!t || n < 8 || !((t[0] == 'M' && t[1] == 'M') ||
                         (t[0] == 'I' && t[1] == 'I')))
        return 0;
    be = t[0] == 'M';
    if (rd16(t + 2, be) != 42)
        return 0;
    ifd0 = rd32(t + 4, be);
    if (!(e = find_entry(t, n, be, ifd0, TAG_EXIF_IFD)) ||
        rd16(e + 2, be) != TYPE_LONG)
        return 0;
    if (!(e = find_entry(t, n, be, rd32(e + 8, be), TAG_DATE_ORIGINAL)) ||
        rd16(e + 2, be) != TYPE_ASCII)
        return 0;
    count = rd32(e + 4, be);
    off = rd32(e + 8, be);
    if (count < 19 || off > n || n - off < 19)
        return 0;
    return format_date(t + off, out, cap);
}

/* The TIFF data of a PNG's eXIf chunk within data, NULL if none. */
static const uint8_t *png_exif(const uint8_t *d, size_t n, size_t *size)
{
    size_t p = 8;
    while (p <= n && n - p >= 12) {
        uint32_t len = rd32(d + p, 1);
        if (!memcmp(d + p + 4, "eXIf", 4) && n - p - 8 >= len) {
            *size = len;
            return d + p + 8;
        }
        if (!memcmp(d + p + 4, "IDAT", 4) || len > n - p - 12)
            return NULL;
        p += 12 + (size_t)len;
    }
    return NULL;
}

int skd_capture_date(skd_ctx *ctx, const char *path, char *out, size_t cap)
{
    uint8_t *data = NULL;
    size_t size = 0, exif_size = 0;
    uint64_t file_size = 0;
    const uint8_t *exif = NULL;
    skd_jpeg_markers m;
    int st, found = 0;
    if (!ctx)
        return SKD_E_INVALID;
    if (!path || !out || cap < 17)
        return skd_fail(ctx, SKD_E_INVALID, "skd_capture_date: bad argument");
    out[0] = '\0';
    st = skd_read_file(ctx, path, 256 * 1024, 0, &data, &size, &file_size);
    if (st != SKD_OK) {
        skd_message_prefix(ctx, path);
        return st;
    }
    if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8) {
        skd_jpeg_scan_markers(data, size, &m);
        exif = m.exif;
        exif_size = m.exif_size;
    } else if (size >= 8 && !memcmp(data, "\x89PNG\r\n\x1a\n", 8)) {
        exif = png_exif(data, size, &exif_size);
    }
    found = skd_exif_date_original(exif, exif_size, out, cap);
    skd_dealloc(ctx, data);
    if (!found)
        return skd_fail(ctx, SKD_E_FORMAT, "%s: no EXIF capture date", path);
    return SKD_OK;
}
