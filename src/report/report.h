/* Private report module: the self-contained HTML report of a comparison. */
#ifndef SKD_REPORT_H
#define SKD_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../io/io.h"
#include "../core/core.h"

/* ---- text ------------------------------------------------------------ */

/* Text with & < > " ' escaped for HTML. */
void skd_buf_html(skd_buf *b, const char *s);
void skd_buf_base64(skd_buf *b, const unsigned char *data, size_t n);

/* ---- pictures ---------------------------------------------------------- */

/* The photo reduced to at most max_w pixels wide (area average, never
 * enlarged), 8 bits per sample. Display only. */
int skd_rgb8_from_image(skd_ctx *ctx, const skd_image *img, uint32_t max_w,
                        skd_rgb8 *out);

/* The outline of the region mask (w x h, non-zero = in; the photo the
 * display copy pic was reduced from) drawn on pic in colour rgb: a line
 * two display pixels wide along the boundary, on both sides of it. */
int skd_rgb8_outline(skd_ctx *ctx, const uint8_t *mask, uint32_t w,
                     uint32_t h, skd_rgb8 *pic, const uint8_t rgb[3]);

/* <img> element with the picture as a data: URI: JPEG for photographs
 * (photo != 0), PNG for drawings with flat colours. */
int skd_html_img(skd_buf *b, const skd_rgb8 *p, const char *alt, int photo);

/* ---- change maps ------------------------------------------------------- */

/* Diverging colour of a change v on [-limit, limit]: green (lower, better)
 * through a light neutral at 0 to red (higher, worse). */
void skd_change_colour(double v, double limit, uint8_t rgb[3]);

/* Symmetric colour-scale limit of a metric's tile changes: a round number
 * at or above the largest |change| of the used tiles, at least floor. */
double skd_change_limit(const skd_comparison *c, skd_metric_id m,
                        double floor);

/* The tile map of metric m drawn over `photo` (the before photo already
 * scaled to display size): used tiles coloured by their change, tiles not
 * used in grey, outside the common region dimmed. */
int skd_change_map(skd_ctx *ctx, const skd_comparison *c, skd_metric_id m,
                   const skd_rgb8 *photo, double limit, skd_rgb8 *out);

/* The outlines of the facial zones z (of the before photo) on a picture of
 * that photo scaled to display size, as the change maps are: a display
 * pixel takes the zone of the before pixel nearest its centre, and one in
 * a zone whose 4-neighbour is not is drawn in the zone's colour (so two
 * zones that meet both show). */
int skd_map_zone_outlines(skd_ctx *ctx, skd_rgb8 *map, const skd_zones *z);

/* ---- numbers ----------------------------------------------------------- */

/* A relative change in percent, one decimal, always signed. */
void skd_report_percent(char *buf, size_t n, double pct);

#endif
