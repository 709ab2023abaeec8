/* JPEG encoding into memory, for JPEG files and the report's photographs.
 * setjmp stays in this file. */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>

#include "io.h"

/* Everything libjpeg touches lives here, on the heap, so no local object
 * changes between setjmp and a longjmp. */
typedef struct jpeg_sink {
    struct jpeg_compress_struct c;
    struct jpeg_destination_mgr dest;
    struct jpeg_error_mgr err;
    jmp_buf jump;
    skd_buf *out;
    JOCTET chunk[16384];
    char message[JMSG_LENGTH_MAX];
} jpeg_sink;

static jpeg_sink *sink_of(j_compress_ptr c) { return (jpeg_sink *)c->client_data; }

static void dest_init(j_compress_ptr c)
{
    jpeg_sink *s = sink_of(c);
    s->dest.next_output_byte = s->chunk;
    s->dest.free_in_buffer = sizeof s->chunk;
}

static boolean dest_empty(j_compress_ptr c)
{
    jpeg_sink *s = sink_of(c);
    skd_buf_append(s->out, s->chunk, sizeof s->chunk);
    if (s->out->failed) {
        snprintf(s->message, sizeof s->message, "out of memory");
        longjmp(s->jump, 1);
    }
    dest_init(c);
    return TRUE;
}

static void dest_term(j_compress_ptr c)
{
    jpeg_sink *s = sink_of(c);
    skd_buf_append(s->out, s->chunk, sizeof s->chunk - s->dest.free_in_buffer);
}

static void on_error(j_common_ptr c)
{
    jpeg_sink *s = (jpeg_sink *)c->client_data;
    (*c->err->format_message)(c, s->message);
    longjmp(s->jump, 1);
}

static void on_message(j_common_ptr c) { (void)c; }

int skd_jpeg_encode_memory(skd_ctx *ctx, const skd_rgb8 *p, int quality,
                           skd_buf *out)
{
    jpeg_sink *s = skd_calloc(ctx, 1, sizeof *s);
    j_compress_ptr c;
    size_t start = out->len;

    if (!s)
        return SKD_E_NOMEM;
    c = &s->c;
    s->out = out;
    c->err = jpeg_std_error(&s->err);
    s->err.error_exit = on_error;
    s->err.output_message = on_message;
    c->client_data = s;
    if (setjmp(s->jump)) {
        int st = out->failed ? SKD_E_NOMEM : SKD_E_INTERNAL;
        jpeg_destroy_compress(c);
        out->len = start;
        if (out->data)
            out->data[start] = 0;
        st = skd_fail(ctx, st, "JPEG encoding failed: %s", s->message);
        skd_dealloc(ctx, s);
        return st;
    }
    jpeg_create_compress(c);
    s->dest.init_destination = dest_init;
    s->dest.empty_output_buffer = dest_empty;
    s->dest.term_destination = dest_term;
    c->dest = &s->dest;
    c->image_width = p->width;
    c->image_height = p->height;
    c->input_components = 3;
    c->in_color_space = JCS_RGB;
    jpeg_set_defaults(c);
    jpeg_set_quality(c, quality, TRUE);
    c->optimize_coding = TRUE;
    jpeg_start_compress(c, TRUE);
    while (c->next_scanline < c->image_height) {
        JSAMPROW row = p->px + (size_t)c->next_scanline * p->width * 3;
        jpeg_write_scanlines(c, &row, 1);
    }
    jpeg_finish_compress(c);
    jpeg_destroy_compress(c);
    skd_dealloc(ctx, s);
    return out->failed ? skd_fail(ctx, SKD_E_NOMEM, "out of memory") : SKD_OK;
}
