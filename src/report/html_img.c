/* Pictures embedded in the report as data: URIs. */
#include "report.h"

int skd_html_img(skd_rbuf *b, const skd_rgb8 *p, const char *alt, int photo)
{
    skd_rbuf png;
    int st;

    skd_rbuf_init(&png, b->ctx);
    st = photo ? skd_jpeg_encode_memory(b->ctx, p, 88, &png)
               : skd_png_encode_memory(b->ctx, p, &png);
    if (st == SKD_OK) {
        skd_rbuf_printf(b, "<img width=\"%u\" height=\"%u\" alt=\"",
                        p->width, p->height);
        skd_rbuf_html(b, alt);
        skd_rbuf_printf(b, "\" src=\"data:image/%s;base64,",
                        photo ? "jpeg" : "png");
        skd_rbuf_base64(b, (const unsigned char *)png.data, png.len);
        skd_rbuf_puts(b, "\">");
        if (b->failed)
            st = skd_fail(b->ctx, SKD_E_NOMEM, "out of memory building the "
                                               "report");
    }
    skd_rbuf_free(&png);
    return st;
}
