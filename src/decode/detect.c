/* Format by signature, never by file name: a text file called .jpg must be
 * reported for what it is. */
#include <string.h>

#include "decode.h"

static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

skd_format skd_detect_format(const uint8_t *data, size_t size)
{
    if (size >= 8 && memcmp(data, png_sig, 8) == 0)
        return SKD_FORMAT_PNG;
    if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        return SKD_FORMAT_JPEG;
    if (size >= 4 && (!memcmp(data, "II*\0", 4) || !memcmp(data, "MM\0*", 4)))
        return SKD_FORMAT_TIFF;
    if (size >= 12 && !memcmp(data + 4, "ftyp", 4) &&
        (!memcmp(data + 8, "heic", 4) || !memcmp(data + 8, "heix", 4) ||
         !memcmp(data + 8, "heim", 4) || !memcmp(data + 8, "heis", 4) ||
         !memcmp(data + 8, "mif1", 4) || !memcmp(data + 8, "msf1", 4)))
        return SKD_FORMAT_HEIF;
    return SKD_FORMAT_UNKNOWN;
}

/* Other image formats people feed to photo tools, for a helpful message. */
static const char *known_other(const uint8_t *d, size_t n)
{
    if (n >= 6 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6)))
        return "a GIF image";
    if (n >= 4 && (!memcmp(d, "II*\0", 4) || !memcmp(d, "MM\0*", 4)))
        return "a TIFF (or camera raw) image";
    if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
        return "a WebP image";
    if (n >= 12 && !memcmp(d + 4, "ftyp", 4)) {
        if (!memcmp(d + 8, "heic", 4) || !memcmp(d + 8, "heix", 4) ||
            !memcmp(d + 8, "mif1", 4) || !memcmp(d + 8, "msf1", 4))
            return "a HEIF/HEIC image";
        if (!memcmp(d + 8, "avif", 4))
            return "an AVIF image";
        return "an ISO media (MP4/MOV/HEIF) file";
    }
    if (n >= 2 && !memcmp(d, "BM", 2))
        return "a BMP image";
    if (n >= 5 && !memcmp(d, "%PDF-", 5))
        return "a PDF document";
    if (n >= 4 && d[0] == 0x89 && !memcmp(d + 1, "PNG", 3))
        return "a damaged PNG (bad signature: was it sent as text?)";
    return NULL;
}

/* Printable ASCII, white space and well-formed UTF-8 (a sequence cut at
 * the end of the window counts). */
static int looks_like_text(const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t more;
        if (d[i] < 0x80) {
            if (d[i] < 0x09 || (d[i] > 0x0D && d[i] < 0x20) || d[i] == 0x7F)
                return 0;
            continue;
        }
        if (d[i] >= 0xC2 && d[i] <= 0xDF)
            more = 1;
        else if (d[i] >= 0xE0 && d[i] <= 0xEF)
            more = 2;
        else if (d[i] >= 0xF0 && d[i] <= 0xF4)
            more = 3;
        else
            return 0;
        for (; more && i + 1 < n; more--)
            if ((d[++i] & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

/* The first bytes of a PNG or JPEG signature and nothing more. */
static const char *cut_signature(const uint8_t *d, size_t n)
{
    if (n == 0)
        return NULL;
    if (n < 8 && memcmp(d, png_sig, n) == 0)
        return "PNG";
    if (n < 3 && d[0] == 0xFF && (n == 1 || d[1] == 0xD8))
        return "JPEG";
    return NULL;
}

int skd_fail_unknown_format(skd_ctx *ctx, const uint8_t *data, size_t size)
{
    size_t n = size < 8 ? size : 8;
    const char *other = known_other(data, size);
    const char *cut = cut_signature(data, size);
    char shown[8 * 4 + 1];
    size_t k = 0;

    if (cut)
        return skd_fail(ctx, SKD_E_CORRUPT, "truncated %s data: the file "
                        "ends after %zu byte%s", cut, size, size > 1 ? "s" : "");
    if (other)
        return skd_fail(ctx, SKD_E_FORMAT, "not a PNG or JPEG image: %s",
                        other);
    if (looks_like_text(data, size < 512 ? size : 512)) {
        /* Shown as ASCII only: the message may end up in JSON or CSV. */
        for (size_t i = 0; i < n; i++)
            shown[k++] = data[i] >= 0x20 && data[i] < 0x7F ? (char)data[i] : '.';
        shown[k] = '\0';
        return skd_fail(ctx, SKD_E_FORMAT,
                        "not a PNG or JPEG image: looks like text (\"%s\")",
                        shown);
    }
    for (size_t i = 0; i < n; i++) {
        static const char hex[] = "0123456789abcdef";
        shown[k++] = hex[data[i] >> 4];
        shown[k++] = hex[data[i] & 15];
        shown[k++] = ' ';
    }
    shown[k ? k - 1 : 0] = '\0';
    return skd_fail(ctx, SKD_E_FORMAT,
                    "not a PNG or JPEG image (starts with bytes %s)", shown);
}
