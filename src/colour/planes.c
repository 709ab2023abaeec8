/* The colour planes of a whole image, in bands of rows on several threads.
 * Every pixel is computed on its own, so the thread count cannot change a
 * value. */
#include "colour.h"

/* Rows per band: a few hundred thousand pixels, enough to amortise a
 * chunk hand-out, small enough to balance two to eight threads. */
#define BAND_PIXELS 262144

typedef struct colour_job {
    const skd_image *img;
    const skd_colour_lut *lut;
    float *l, *a_star, *erythema;
    size_t band_rows;
} colour_job;

static void colour_band(void *arg, size_t chunk, size_t thread)
{
    const colour_job *job = arg;
    size_t w = job->img->width, y0 = chunk * job->band_rows;
    size_t y1 = y0 + job->band_rows < job->img->height ? y0 + job->band_rows
                                                       : job->img->height;
    (void)thread;
    for (size_t y = y0; y < y1; y++) {
        size_t o = y * w;
        skd_colour_row(job->img->rgb + 3 * o, w, job->lut,
                       job->l ? job->l + o : NULL,
                       job->a_star ? job->a_star + o : NULL,
                       job->erythema ? job->erythema + o : NULL);
    }
}

void skd_colour_planes(skd_ctx *ctx, const skd_image *img,
                       const skd_colour_lut *lut, float *l, float *a_star,
                       float *erythema)
{
    colour_job job = {img, lut, l, a_star, erythema, 1};
    size_t w = img->width;
    if (w < BAND_PIXELS)
        job.band_rows = BAND_PIXELS / w;
    skd_parallel_chunks(ctx, (img->height + job.band_rows - 1) / job.band_rows,
                        colour_band, &job);
}
