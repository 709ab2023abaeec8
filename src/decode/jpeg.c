/* JPEG through libjpeg-turbo's classic API: baseline, extended,
 * progressive and arithmetic; grey, RGB, YCbCr, CMYK and YCCK; out as
 * RGB 16-bit. Warnings (truncation, corrupt entropy data) are errors: a
 * damaged photo must not come out as a half-grey picture. setjmp/longjmp
 * stays in this file, with one cleanup path. */
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "decode.h"

/* Real photos have about 10 scans; thousands of tiny scans is a known way
 * to make a progressive decode take minutes (libjpeg-turbo's scan limit). */
#define MAX_SCANS 1000

typedef struct jpeg_state {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr err;
    struct jpeg_source_mgr src;
    struct jpeg_progress_mgr progress;
    jmp_buf jb;
    const uint8_t *data;
    size_t size;
    int hit_end;  /* the decoder wanted bytes past the end */
    int status;   /* skd_status of the failure */
    char msg[JMSG_LENGTH_MAX + 64];
    skd_jpeg_markers markers;
    skd_image *img; /* being decoded; freed by the caller on failure */
} jpeg_state;

/* Lower-case the first letter of libjpeg's sentence unless it starts an
 * acronym ("JPEG", "SOF"). */
static void decapitalise(char *m)
{
    if (m[0] >= 'A' && m[0] <= 'Z' && !(m[1] >= 'A' && m[1] <= 'Z'))
        m[0] = (char)(m[0] - 'A' + 'a');
}

static int status_for_code(int code, int is_warning)
{
    if (is_warning)
        return SKD_E_CORRUPT;
    switch (code) {
    case JERR_OUT_OF_MEMORY: return SKD_E_NOMEM;
    case JERR_NO_BACKING_STORE:
    case JERR_IMAGE_TOO_BIG:
    case JERR_WIDTH_OVERFLOW: return SKD_E_LIMIT;
    case JERR_SOF_UNSUPPORTED:
    case JERR_BAD_PRECISION:
    case JERR_NOT_COMPILED:
    case JERR_NOTIMPL:
    case JERR_ARITH_NOTIMPL:
    case JERR_CONVERSION_NOTIMPL: return SKD_E_UNSUPPORTED;
    default: return SKD_E_CORRUPT;
    }
}

static void fail_and_jump(j_common_ptr cinfo, int is_warning)
{
    jpeg_state *s = cinfo->client_data;
    int code = cinfo->err->msg_code;
    char text[JMSG_LENGTH_MAX];

    (*cinfo->err->format_message)(cinfo, text);
    decapitalise(text);
    s->status = status_for_code(code, is_warning);
    if (code == JWRN_JPEG_EOF)
        snprintf(s->msg, sizeof s->msg,
                 "truncated JPEG data: premature end of file");
    else if (code == JERR_NO_BACKING_STORE)
        snprintf(s->msg, sizeof s->msg,
                 "JPEG decoder needs more memory than this image size allows");
    else if (s->status == SKD_E_CORRUPT && strncmp(text, "corrupt", 7) != 0)
        snprintf(s->msg, sizeof s->msg, "corrupt JPEG data: %s", text);
    else if (s->status == SKD_E_UNSUPPORTED && s->markers.sof > 0xC2 &&
             s->markers.sof != 0xC9 && s->markers.sof != 0xCA)
        snprintf(s->msg, sizeof s->msg,
                 "%s JPEG (SOF type 0x%02x) is not supported",
                 skd_jpeg_coding_name(s->markers.sof), s->markers.sof);
    else
        snprintf(s->msg, sizeof s->msg, "%s", text);
    longjmp(s->jb, 1);
}

static void on_error_exit(j_common_ptr cinfo) { fail_and_jump(cinfo, 0); }

/* Level < 0 is a warning: premature end, bad Huffman code, lost sync...
 * Only two warnings are about harmless metadata and are let through. */
static void on_emit_message(j_common_ptr cinfo, int level)
{
    int code = cinfo->err->msg_code;
    if (level >= 0 || code == JWRN_JFIF_MAJOR || code == JWRN_BOGUS_ICC)
        return;
    fail_and_jump(cinfo, 1);
}

static void on_progress(j_common_ptr cinfo)
{
    jpeg_state *s = cinfo->client_data;
    if (cinfo->is_decompressor &&
        ((j_decompress_ptr)cinfo)->input_scan_number > MAX_SCANS) {
        s->status = SKD_E_LIMIT;
        snprintf(s->msg, sizeof s->msg,
                 "JPEG has more than %d scans: refused to bound decode time",
                 MAX_SCANS);
        longjmp(s->jb, 1);
    }
}

/* Memory source that remembers when the decoder ran past the end. */
static void src_init(j_decompress_ptr cinfo) { (void)cinfo; }
static void src_term(j_decompress_ptr cinfo) { (void)cinfo; }

static boolean src_fill(j_decompress_ptr cinfo)
{
    static const JOCTET eoi[2] = {0xFF, JPEG_EOI};
    jpeg_state *s = cinfo->client_data;
    s->hit_end = 1;
    WARNMS(cinfo, JWRN_JPEG_EOF); /* does not return: warnings are errors */
    cinfo->src->next_input_byte = eoi;
    cinfo->src->bytes_in_buffer = 2;
    return TRUE;
}

static void src_skip(j_decompress_ptr cinfo, long n)
{
    struct jpeg_source_mgr *src = cinfo->src;
    if (n <= 0)
        return;
    if ((unsigned long)n > src->bytes_in_buffer) {
        src->bytes_in_buffer = 0;
        src_fill(cinfo);
        return;
    }
    src->next_input_byte += n;
    src->bytes_in_buffer -= (size_t)n;
}

static const char *colour_space_name(J_COLOR_SPACE cs)
{
    switch (cs) {
    case JCS_GRAYSCALE: return "grey";
    case JCS_RGB: return "rgb";
    case JCS_YCbCr: return "ycbcr";
    case JCS_CMYK: return "cmyk";
    case JCS_YCCK: return "ycck";
    default: return "unknown";
    }
}

static void fill_info(const struct jpeg_decompress_struct *cinfo,
                      const skd_jpeg_markers *m, skd_image_info *info)
{
    const char *coding;
    info->format = SKD_FORMAT_JPEG;
    info->stored_width = cinfo->image_width;
    info->stored_height = cinfo->image_height;
    info->bit_depth = cinfo->data_precision;
    info->channels = cinfo->num_components;
    snprintf(info->colour_type, sizeof info->colour_type, "%s",
             colour_space_name(cinfo->jpeg_color_space));
    if (m->sof)
        coding = skd_jpeg_coding_name(m->sof);
    else if (cinfo->arith_code)
        coding = cinfo->progressive_mode ? "arithmetic-prog" : "arithmetic";
    else
        coding = cinfo->progressive_mode ? "progressive" : "baseline";
    snprintf(info->coding, sizeof info->coding, "%s", coding);
    info->exif_orientation = skd_exif_orientation(m->exif, m->exif_size);
    info->has_icc = m->has_icc;
    skd_oriented_size(info->exif_orientation, info->stored_width,
                      info->stored_height, &info->width, &info->height);
}

/* What the coefficient buffers of a multi-scan image legitimately need,
 * plus room for row buffers: libjpeg may not use more. */
static long memory_budget(const struct jpeg_decompress_struct *cinfo)
{
    double bytes = 64.0 * 1024 * 1024;
    for (int c = 0; c < cinfo->num_components; c++) {
        const jpeg_component_info *ci = &cinfo->comp_info[c];
        double bw = (double)ci->width_in_blocks + ci->h_samp_factor;
        double bh = (double)ci->height_in_blocks + ci->v_samp_factor;
        bytes += bw * bh * DCTSIZE2 * sizeof(JCOEF);
    }
    return bytes < (double)LONG_MAX ? (long)bytes : LONG_MAX;
}

static void rgb_row(const JSAMPLE *in, uint16_t *restrict out, uint32_t w)
{
    for (size_t i = 0; i < (size_t)w * 3; i++)
        out[i] = (uint16_t)(in[i] * 257u);
}

/* CMYK to RGB without a colour profile. Adobe (Photoshop) writes inverted
 * samples, 255 = no ink, so R = C * K / 255 directly; plain CMYK is
 * inverted first. */
static void cmyk_row(const JSAMPLE *in, uint16_t *restrict out, uint32_t w,
                     int inverted)
{
    for (uint32_t x = 0; x < w; x++) {
        uint32_t c = in[4 * x], m = in[4 * x + 1], y = in[4 * x + 2],
                 k = in[4 * x + 3];
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        out[3 * x] = (uint16_t)((c * k * 257u + 127u) / 255u);
        out[3 * x + 1] = (uint16_t)((m * k * 257u + 127u) / 255u);
        out[3 * x + 2] = (uint16_t)((y * k * 257u + 127u) / 255u);
    }
}

/* Everything libjpeg can longjmp out of. The state lives in *s, not in
 * locals of this function, so nothing is indeterminate after the jump. */
static int decode_guarded(skd_ctx *ctx, jpeg_state *s, skd_image_info *info,
                          int want_pixels)
{
    struct jpeg_decompress_struct *cinfo = &s->cinfo;
    int cmyk, st;
    uint32_t w, h;
    JSAMPARRAY row;

    if (setjmp(s->jb))
        return skd_fail(ctx, s->status, "%s", s->msg);
    jpeg_create_decompress(cinfo);
    s->src.init_source = src_init;
    s->src.fill_input_buffer = src_fill;
    s->src.skip_input_data = src_skip;
    s->src.resync_to_restart = jpeg_resync_to_restart;
    s->src.term_source = src_term;
    s->src.next_input_byte = s->data;
    s->src.bytes_in_buffer = s->size;
    cinfo->src = &s->src;
    s->progress.progress_monitor = on_progress;
    cinfo->progress = &s->progress;

    jpeg_read_header(cinfo, TRUE);
    fill_info(cinfo, &s->markers, info);
    st = skd_check_pixel_limit(ctx, "JPEG", info->stored_width,
                               info->stored_height);
    if (st != SKD_OK || !want_pixels)
        return st;

    cmyk = cinfo->jpeg_color_space == JCS_CMYK ||
           cinfo->jpeg_color_space == JCS_YCCK;
    cinfo->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    cinfo->mem->max_memory_to_use = memory_budget(cinfo);
    jpeg_start_decompress(cinfo);
    w = cinfo->output_width;
    h = cinfo->output_height;
    if (w != info->stored_width || h != info->stored_height ||
        cinfo->output_components != (cmyk ? 4 : 3))
        return skd_fail(ctx, SKD_E_INTERNAL,
                        "JPEG decoder: unexpected output %ux%u x %d",
                        (unsigned)w, (unsigned)h, cinfo->output_components);
    row = (*cinfo->mem->alloc_sarray)((j_common_ptr)cinfo, JPOOL_IMAGE,
                                      w * (JDIMENSION)cinfo->output_components,
                                      1);
    st = skd_image_new(ctx, w, h, 0, &s->img);
    if (st != SKD_OK)
        return st;
    while (cinfo->output_scanline < h) {
        uint16_t *dst = s->img->rgb + (size_t)cinfo->output_scanline * w * 3;
        if (jpeg_read_scanlines(cinfo, row, 1) != 1)
            return skd_fail(ctx, SKD_E_CORRUPT, "truncated JPEG data");
        if (cmyk)
            cmyk_row(row[0], dst, w, cinfo->saw_Adobe_marker);
        else
            rgb_row(row[0], dst, w);
    }
    /* Read to EOI so that damage after the last row counts too. */
    jpeg_finish_decompress(cinfo);
    return SKD_OK;
}

/* What the markers say about colour: the profile, EXIF's colour space. */
static int colour_tags(skd_ctx *ctx, const skd_jpeg_markers *m,
                       const skd_image_info *info, skd_colour_tags *tags)
{
    if (!strcmp(info->colour_type, "grey"))
        tags->data = SKD_DATA_GREY;
    else if (!strcmp(info->colour_type, "cmyk") ||
             !strcmp(info->colour_type, "ycck"))
        tags->data = SKD_DATA_CMYK;
    skd_exif_colour(m->exif, m->exif_size, &tags->exif_space, &tags->exif_r03);
    return skd_jpeg_icc_assemble(ctx, m, &tags->icc, &tags->icc_size,
                                 &tags->icc_problem);
}

int skd_jpeg_read(skd_ctx *ctx, const uint8_t *data, size_t size,
                  skd_image_info *info, skd_image **out, int *hit_end,
                  skd_colour_tags *tags)
{
    jpeg_state s;
    int st;

    if (out)
        *out = NULL;
    memset(&s, 0, sizeof s);
    /* The frame header gives the size before libjpeg allocates anything. */
    skd_jpeg_scan_markers(data, size, &s.markers);
    if (s.markers.sof && s.markers.width && s.markers.height) {
        st = skd_check_pixel_limit(ctx, "JPEG", s.markers.width,
                                   s.markers.height);
        if (st != SKD_OK) {
            *hit_end = 0;
            return st;
        }
    }
    s.data = data;
    s.size = size;
    s.cinfo.err = jpeg_std_error(&s.err);
    s.err.error_exit = on_error_exit;
    s.err.emit_message = on_emit_message;
    s.cinfo.client_data = &s;
    st = decode_guarded(ctx, &s, info, out != NULL);
    jpeg_destroy_decompress(&s.cinfo); /* safe if never created */
    if (st == SKD_OK && tags)
        st = colour_tags(ctx, &s.markers, info, tags);
    *hit_end = s.hit_end;
    return skd_image_hand_over(st, s.img, out);
}
