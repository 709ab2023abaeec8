/* The real per-item work: decode the bytes already read, analyse, compare.
 * skd_compare analyses both photos again (the API takes images, not
 * analyses): the price of keeping compare self-contained. */
#include <string.h>

#include "store.h"

static int decode_job(skd_ctx *ctx, const skd_image_job *job, skd_image **img,
                      skd_image **mask)
{
    int st = skd_image_decode(ctx, job->data, job->size, img);
    *mask = NULL;
    if (st != SKD_OK) {
        skd_message_prefix(ctx, job->path);
        return st;
    }
    if (job->mask_data) {
        st = skd_image_decode(ctx, job->mask_data, job->mask_size, mask);
        if (st != SKD_OK) {
            skd_message_prefix(ctx, "mask");
            skd_message_prefix(ctx, job->path);
            skd_image_free(*img);
            *img = NULL;
        }
    }
    return st;
}

static int real_analyze(void *opaque, skd_ctx *ctx, const skd_image_job *job,
                        skd_image_result *out)
{
    skd_image *img, *mask;
    skd_analysis *a = NULL;
    skd_region_spec spec;
    int st;
    (void)opaque;
    if ((st = decode_job(ctx, job, &img, &mask)) != SKD_OK)
        return st;
    memset(&spec, 0, sizeof spec);
    spec.mask = mask;
    st = skd_analyze(ctx, img, mask ? &spec : NULL, &a);
    if (st == SKD_OK) {
        out->width = a->width;
        out->height = a->height;
        out->px_per_mm = a->px_per_mm;
        out->scale_assumed = a->scale_assumed;
        out->metrics = a->metrics;
    } else {
        skd_message_prefix(ctx, job->path);
    }
    skd_analysis_free(a);
    skd_image_free(img);
    skd_image_free(mask);
    return st;
}

static int real_compare(void *opaque, skd_ctx *ctx, const skd_image_job *bj,
                        const skd_image_job *aj, skd_comparison *out)
{
    skd_image *bi = NULL, *bm = NULL, *ai = NULL, *am = NULL;
    skd_comparison *c = NULL;
    skd_region_spec bs, as;
    int st;
    (void)opaque;
    if ((st = decode_job(ctx, bj, &bi, &bm)) != SKD_OK)
        return st;
    if ((st = decode_job(ctx, aj, &ai, &am)) == SKD_OK) {
        memset(&bs, 0, sizeof bs);
        memset(&as, 0, sizeof as);
        bs.mask = bm;
        as.mask = am;
        st = skd_compare(ctx, bi, bm ? &bs : NULL, ai, am ? &as : NULL, &c);
        if (st == SKD_OK) {
            *out = *c;
            out->tile_change = NULL;
            out->before = out->after = NULL;
            out->common_before = out->common_after = NULL;
            out->tile_residual = NULL;
        }
        skd_comparison_free(c);
    }
    skd_image_free(bi);
    skd_image_free(bm);
    skd_image_free(ai);
    skd_image_free(am);
    return st;
}

const skd_batch_ops skd_batch_default_ops = {real_analyze, real_compare, NULL};

int skd_batch_run(skd_ctx *ctx, const skd_batch_options *opt,
                  skd_batch_summary *summary)
{
    return skd_batch_run_ops(ctx, opt, &skd_batch_default_ops, summary);
}
