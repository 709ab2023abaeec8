/* A bounds-checked walk over JPEG marker segments up to the first scan:
 * frame type and size (before libjpeg allocates anything), EXIF and ICC.
 * It never reads past size; malformed structure simply ends the walk and
 * libjpeg then reports the problem in its own words. */
#include <string.h>

#include "decode.h"

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }

/* One APP2 ICC_PROFILE segment: "ICC_PROFILE\0", sequence number
 * (1-based), chunk count, data. Problems are noted, the walk goes on. */
static void note_icc_chunk(skd_jpeg_markers *m, const uint8_t *seg,
                           size_t seglen)
{
    int seq, total;
    if (seglen < 14) {
        m->icc_problem = "an APP2 ICC_PROFILE segment has no sequence header";
        return;
    }
    seq = seg[12];
    total = seg[13];
    if (seq == 0 || total == 0 || seq > total) {
        m->icc_problem = "an APP2 ICC_PROFILE segment has a bad sequence number";
        return;
    }
    if (m->icc_total && total != m->icc_total) {
        m->icc_problem = "the APP2 ICC_PROFILE segments disagree on their count";
        return;
    }
    m->icc_total = total;
    if (m->icc_chunk[seq]) {
        m->icc_problem = "an APP2 ICC_PROFILE segment is repeated";
        return;
    }
    m->icc_chunk[seq] = seg + 14;
    m->icc_len[seq] = seglen - 14;
}

int skd_jpeg_icc_assemble(skd_ctx *ctx, const skd_jpeg_markers *m,
                          uint8_t **icc, size_t *size, const char **problem)
{
    size_t total = 0, pos = 0;
    *icc = NULL;
    *size = 0;
    *problem = m->icc_problem;
    if (!m->has_icc || m->icc_problem)
        return SKD_OK;
    for (int i = 1; i <= m->icc_total; i++) {
        if (!m->icc_chunk[i]) {
            *problem = "an APP2 ICC_PROFILE segment is missing";
            return SKD_OK;
        }
        total += m->icc_len[i]; /* at most 255 * 65519 bytes */
    }
    if (total == 0) {
        *problem = "the APP2 ICC_PROFILE segments hold no data";
        return SKD_OK;
    }
    *icc = skd_malloc(ctx, total);
    if (!*icc)
        return SKD_E_NOMEM;
    for (int i = 1; i <= m->icc_total; i++) {
        memcpy(*icc + pos, m->icc_chunk[i], m->icc_len[i]);
        pos += m->icc_len[i];
    }
    *size = total;
    return SKD_OK;
}

static int is_sof(int m)
{
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

void skd_jpeg_scan_markers(const uint8_t *data, size_t size,
                           skd_jpeg_markers *m)
{
    size_t pos = 2; /* after SOI */

    memset(m, 0, sizeof *m);
    if (size < 2 || data[0] != 0xFF || data[1] != 0xD8)
        return;
    for (;;) {
        size_t len, seg, seglen;
        int marker;
        if (pos >= size || data[pos] != 0xFF)
            return;
        while (pos < size && data[pos] == 0xFF) /* fill bytes */
            pos++;
        if (pos >= size)
            return;
        marker = data[pos++];
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            continue; /* TEM, RSTn: no length */
        if (marker == 0xD8 || marker == 0xD9 || marker == 0x00)
            return;
        if (size - pos < 2)
            return;
        len = be16(data + pos);
        if (len < 2 || size - pos < len)
            return;
        seg = pos + 2;
        seglen = len - 2;
        if (is_sof(marker) && !m->sof && seglen >= 6) {
            m->sof = marker;
            m->precision = data[seg];
            m->height = be16(data + seg + 1);
            m->width = be16(data + seg + 3);
            m->components = data[seg + 5];
        } else if (marker == 0xE1 && !m->exif && seglen >= 6 &&
                   !memcmp(data + seg, "Exif\0", 5)) {
            m->exif = data + seg + 6;
            m->exif_size = seglen - 6;
        } else if (marker == 0xE2 && seglen >= 12 &&
                   !memcmp(data + seg, "ICC_PROFILE\0", 12)) {
            m->has_icc = 1;
            note_icc_chunk(m, data + seg, seglen);
        } else if (marker == 0xDA) {
            m->complete = 1;
            return;
        }
        pos += len;
    }
}

const char *skd_jpeg_coding_name(int sof)
{
    switch (sof) {
    case 0xC0: return "baseline";
    case 0xC1: return "extended";
    case 0xC2: return "progressive";
    case 0xC3: return "lossless";
    case 0xC9: return "arithmetic";
    case 0xCA: return "arithmetic-prog";
    case 0xCB: return "arith-lossless";
    case 0xC5: case 0xC6: case 0xC7:
    case 0xCD: case 0xCE: case 0xCF: return "hierarchical";
    default: return "unknown";
    }
}
