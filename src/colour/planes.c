/* The luminance plane of an image or of a rectangle of it, in bands of
 * rows on several threads. Every pixel is computed on its own, so neither
 * the thread count nor the rectangle can change a value. */
#include "colour.h"

/* Rows per band: a few hundred thousand pixels, enough to amortise a
 * chunk hand-out, small enough to balance two to eight threads. */
#define BAND_PIXELS 262144

typedef struct colour_job {
    const skd_image *img;
    const skd_colour_lut *lut;
    const skd_clip_rule *rule;
    size_t x0, y0, cols, rows;
    float *l;
    size_t l_stride;
    uint8_t *clipped;
    size_t clipped_stride;
    size_t band_rows;
} colour_job;

static void colour_band(void *arg, size_t chunk, size_t thread)
{
    const colour_job *job = arg;
    size_t j0 = chunk * job->band_rows;
    size_t j1 = j0 + job->band_rows < job->rows ? j0 + job->band_rows : job->rows;
    (void)thread;
    for (size_t j = j0; j < j1; j++) {
        size_t o = (job->y0 + j) * job->img->width + job->x0;
        skd_luminance_row(job->img->rgb + 3 * o, job->cols, job->lut, job->rule,
                          job->l ? job->l + j * job->l_stride : NULL,
                          job->rule ? job->clipped + j * job->clipped_stride
                                    : NULL);
    }
}

void skd_luminance_rect(skd_ctx *ctx, const skd_image *img,
                        const skd_colour_lut *lut, const skd_clip_rule *rule,
                        const size_t rect[4], float *l, size_t l_stride,
                        uint8_t *clipped, size_t clipped_stride)
{
    colour_job job = {img, lut, rule, rect[0], rect[1], rect[2], rect[3],
                      l, l_stride, clipped, clipped_stride, 1};
    if (job.cols == 0 || job.rows == 0)
        return;
    job.band_rows = job.cols < BAND_PIXELS ? BAND_PIXELS / job.cols : 1;
    skd_parallel_chunks(ctx, (job.rows + job.band_rows - 1) / job.band_rows,
                        colour_band, &job);
}

void skd_luminance_plane(skd_ctx *ctx, const skd_image *img,
                         const skd_colour_lut *lut, const skd_clip_rule *rule,
                         float *l, uint8_t *clipped)
{
    size_t whole[4] = {0, 0, img->width, img->height};
    skd_luminance_rect(ctx, img, lut, rule, whole, l, img->width, clipped,
                       img->width);
}
