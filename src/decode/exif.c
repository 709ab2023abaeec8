/* EXIF orientation. Only IFD0 is read and no offsets are followed beyond
 * it, so loops and chains cannot arise; every read is bounds-checked
 * against the segment, and anything odd means "no orientation" (0). */
#include "decode.h"

#define TAG_ORIENTATION 0x0112
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
