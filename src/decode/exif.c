/* EXIF orientation and colour space. Orientation is in IFD0; the colour
 * space needs one pointer from IFD0 to the Exif IFD and one from there to
 * the interoperability IFD, followed once each (no chains, so no loops).
 * Every read is bounds-checked against the segment, and anything odd means
 * "not there" (0). */
#include <string.h>

#include "decode.h"

#define TAG_ORIENTATION 0x0112
#define TAG_EXIF_IFD 0x8769
#define TAG_COLOR_SPACE 0xA001
#define TAG_INTEROP_IFD 0xA005
#define TAG_INTEROP_INDEX 0x0001
#define TYPE_ASCII 2
#define TYPE_SHORT 3
#define TYPE_LONG 4

typedef struct tiff_reader {
    const uint8_t *p;
    size_t n;
    int big_endian;
} tiff_reader;

/* 1 and *v when [off, off + 2) lies inside the data. */
static int get16(const tiff_reader *t, size_t off, uint32_t *v)
{
    if (off > t->n || t->n - off < 2)
        return 0;
    *v = t->big_endian ? (uint32_t)t->p[off] << 8 | t->p[off + 1]
                       : (uint32_t)t->p[off + 1] << 8 | t->p[off];
    return 1;
}

static int get32(const tiff_reader *t, size_t off, uint32_t *v)
{
    uint32_t hi, lo;
    if (!get16(t, off, t->big_endian ? &hi : &lo) ||
        !get16(t, off + 2, t->big_endian ? &lo : &hi))
        return 0;
    *v = hi << 16 | lo;
    return 1;
}

int skd_exif_orientation(const uint8_t *tiff, size_t size)
{
    tiff_reader t = {tiff, size, 0};
    uint32_t magic, ifd, count;

    if (!tiff || size < 8)
        return 0;
    if (tiff[0] == 'M' && tiff[1] == 'M')
        t.big_endian = 1;
    else if (!(tiff[0] == 'I' && tiff[1] == 'I'))
        return 0;
    if (!get16(&t, 2, &magic) || magic != 42 || !get32(&t, 4, &ifd) ||
        !get16(&t, ifd, &count))
        return 0;
    /* Only entries that lie wholly inside the data are looked at, so a
     * huge count or a truncated IFD just ends the scan. */
    for (uint32_t i = 0; i < count; i++) {
        size_t e = (size_t)ifd + 2 + (size_t)i * 12;
        uint32_t tag = 0, type = 0, n = 0, v = 0;
        if (e > size || size - e < 12)
            break;
        get16(&t, e, &tag);
        if (tag != TAG_ORIENTATION)
            continue;
        get16(&t, e + 2, &type);
        get32(&t, e + 4, &n);
        if (n != 1)
            return 0;
        if (type == TYPE_SHORT)
            get16(&t, e + 8, &v);
        else if (type == TYPE_LONG)
            get32(&t, e + 8, &v);
        else
            return 0;
        return v >= 1 && v <= 8 ? (int)v : 0;
    }
    return 0;
}

/* Offset of the 12-byte entry for tag in the IFD at ifd, or 0. */
static size_t find_entry(const tiff_reader *t, uint32_t ifd, uint32_t tag)
{
    uint32_t count;
    if (!get16(t, ifd, &count))
        return 0;
    for (uint32_t i = 0; i < count; i++) {
        size_t e = (size_t)ifd + 2 + (size_t)i * 12;
        uint32_t v = 0;
        if (e > t->n || t->n - e < 12)
            return 0;
        get16(t, e, &v);
        if (v == tag)
            return e;
    }
    return 0;
}

/* A single SHORT or LONG value of an entry, 1 when it is one. */
static int entry_value(const tiff_reader *t, size_t e, uint32_t *v)
{
    uint32_t type = 0, n = 0;
    get16(t, e + 2, &type);
    get32(t, e + 4, &n);
    if (n != 1)
        return 0;
    if (type == TYPE_SHORT)
        return get16(t, e + 8, v);
    if (type == TYPE_LONG)
        return get32(t, e + 8, v);
    return 0;
}

void skd_exif_colour(const uint8_t *tiff, size_t size, int *space, int *r03)
{
    tiff_reader t = {tiff, size, 0};
    uint32_t magic, ifd0, exif_ifd, interop, v, type = 0, n = 0;
    size_t e;

    *space = 0;
    *r03 = 0;
    if (!tiff || size < 8)
        return;
    if (tiff[0] == 'M' && tiff[1] == 'M')
        t.big_endian = 1;
    else if (!(tiff[0] == 'I' && tiff[1] == 'I'))
        return;
    if (!get16(&t, 2, &magic) || magic != 42 || !get32(&t, 4, &ifd0))
        return;
    e = find_entry(&t, ifd0, TAG_EXIF_IFD);
    if (!e || !entry_value(&t, e, &exif_ifd))
        return;
    e = find_entry(&t, exif_ifd, TAG_COLOR_SPACE);
    if (e && entry_value(&t, e, &v) && (v == 1 || v == 0xFFFF))
        *space = (int)v;
    e = find_entry(&t, exif_ifd, TAG_INTEROP_IFD);
    if (!e || !entry_value(&t, e, &interop))
        return;
    e = find_entry(&t, interop, TAG_INTEROP_INDEX);
    /* "R03\0" fits in the entry's 4-byte value field. */
    if (e && get16(&t, e + 2, &type) && get32(&t, e + 4, &n) &&
        type == TYPE_ASCII && n == 4 && !memcmp(tiff + e + 8, "R03", 3))
        *r03 = 1;
}
