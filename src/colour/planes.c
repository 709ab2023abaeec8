/* The luminance plane of a whole image, in bands of rows on several threads.
 * Every pixel is computed on its own, so the thread count cannot change a
 * value. */
#include "colour.h"

/* Rows per band: a few hundred thousand pixels, enough to amortise a
 * chunk hand-out, small enough to balance two to eight threads. */
#define BAND_PIXELS 262144

typedef struct colour_job {
    const skd_image *img;
    const skd_colour_lut *lut;
    const skd_clip_rule *rule;
    float *l;
    uint8_t *clipped;
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
        skd_luminance_row(job->img->rgb + 3 * o, w, job->lut, job->rule,
                          job->l ? job->l + o : NULL,
                          job->rule ? job->clipped + o : NULL);
    }
}

static void run_bands(skd_ctx *ctx, colour_job *job)
{
    size_t w = job->img->width;
    job->band_rows = w < BAND_PIXELS ? BAND_PIXELS / w : 1;
    skd_parallel_chunks(ctx, (job->img->height + job->band_rows - 1) / job->band_rows,
                        colour_band, job);
}

void skd_luminance_plane(skd_ctx *ctx, const skd_image *img,
                         const skd_colour_lut *lut, const skd_clip_rule *rule,
                         float *l, uint8_t *clipped)
{
    colour_job job = {img, lut, rule, l, clipped, 1};
    run_bands(ctx, &job);
}
