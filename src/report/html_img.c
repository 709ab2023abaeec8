/* Pictures embedded in the report as data: URIs. */
#include "report.h"

int skd_html_img(skd_buf *b, const skd_rgb8 *p, const char *alt, int photo)
{
    skd_buf png;
    int st;

    skd_buf_init(&png, b->ctx);
    st = photo ? skd_jpeg_encode_memory(b->ctx, p, 88, &png)
               : skd_png_encode_memory(b->ctx, p, &png);
    if (st == SKD_OK) {
        skd_buf_printf(b, "<img width=\"%u\" height=\"%u\" alt=\"",
                        p->width, p->height);
        skd_buf_html(b, alt);
        skd_buf_printf(b, "\" src=\"data:image/%s;base64,",
                        photo ? "jpeg" : "png");
        skd_buf_base64(b, (const unsigned char *)png.data, png.len);
        skd_buf_puts(b, "\">");
        if (b->failed)
            st = skd_fail(b->ctx, SKD_E_NOMEM, "out of memory building the "
                                               "report");
    }
    skd_buf_free(&png);
    return st;
}
