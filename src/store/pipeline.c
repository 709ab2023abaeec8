/* The real per-item work: decode the bytes already read, analyse, compare.
 * A comparison uses the analyses its series kept (skd_compare_analyses),
 * so each photo is analysed once. */
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

/* What a photo leaves for the comparisons of its series: its analysis
 * (the planes are what the tiles read) and its zones. The photo and its
 * mask are decoded again for a comparison (about a tenth of an analysis),
 * so a worker holds up to three analyses (baseline, previous, current),
 * not their photos. */
typedef struct kept {
    skd_analysis *a;
    skd_zones *z; /* NULL when the run measures no zones */
} kept;

static void real_release(void *opaque, skd_ctx *ctx, void *k)
{
    kept *kp = k;
    (void)opaque;
    if (!kp)
        return;
    skd_analysis_free(kp->a);
    skd_zones_free(kp->z);
    skd_dealloc(ctx, kp);
}

/* The figures of a photo's zones z (found before its analysis, so that
 * the skin map keeps the skin connected to the face: docs/skin-map.md); no
 * face: source SKD_ZONES_NO_FACE and no figures. The worker's context
 * keeps dlib's model for all its photos. z is handed to *zones, or freed. */
static int measure_zones(skd_ctx *ctx, const skd_image *img,
                         const skd_analysis *a, skd_zones *z,
                         skd_zones **zones, skd_image_zones *out)
{
    int st = SKD_OK;
    out->source = z->source;
    out->faces_found = z->faces_found;
    if (z->labels) {
        skd_metrics m[SKD_ZONE_COUNT];
        int status[SKD_ZONE_COUNT];
        st = skd_zones_metrics(ctx, a, img, z, m, status);
        for (int i = 1; i < SKD_ZONE_COUNT && st == SKD_OK; i++) {
            out->status[i] = status[i];
            out->metrics[i] = m[i];
        }
    }
    if (st == SKD_OK && zones)
        *zones = z;
    else
        skd_zones_free(z);
    return st;
}

static int real_analyze(void *opaque, skd_ctx *ctx, const skd_image_job *job,
                        skd_image_result *out)
{
    skd_image *img, *mask;
    skd_analysis *a = NULL;
    skd_region_spec spec;
    skd_zones *z = NULL;
    kept *kp = NULL;
    int st;
    (void)opaque;
    if ((st = decode_job(ctx, job, &img, &mask)) != SKD_OK)
        return st;
    memset(&spec, 0, sizeof spec);
    spec.mask = mask;
    if (skd_opt(ctx, SKD_OPT_BATCH_ZONES)) {
        st = skd_zones_detect(ctx, img, &z);
        spec.landmarks = st == SKD_OK && z->has_landmarks ? z->landmarks : NULL;
    }
    if (st == SKD_OK)
        st = skd_analyze(ctx, img, mask || spec.landmarks ? &spec : NULL, &a);
    if (st == SKD_OK && z) {
        skd_zones *found = z;
        z = NULL;
        st = measure_zones(ctx, img, a, found, &z, &out->zones);
    }
    if (st == SKD_OK) {
        out->width = a->width;
        out->height = a->height;
        out->px_per_mm = a->px_per_mm;
        out->scale_assumed = a->scale_assumed;
        out->metrics = a->metrics;
        out->exclusion = a->exclusion;
        out->has_exclusion = 1;
        if (job->keep && (kp = skd_malloc(ctx, sizeof *kp)) != NULL) {
            kp->a = a; /* without memory for it, the comparison analyses */
            kp->z = z;
            a = NULL;
            z = NULL;
            *job->keep = kp;
        }
    } else {
        skd_message_prefix(ctx, job->path);
    }
    skd_zones_free(z);
    skd_analysis_free(a);
    skd_image_free(img);
    skd_image_free(mask);
    return st;
}

/* The photo of a comparison and its analysis: the one the series kept, or
 * made here. */
static int photo_for_compare(skd_ctx *ctx, const skd_image_job *job,
                             int need_analysis, skd_image **img,
                             skd_image **mask, skd_region_spec *spec,
                             skd_analysis **own)
{
    int st = decode_job(ctx, job, img, mask);
    *own = NULL;
    memset(spec, 0, sizeof *spec);
    spec->mask = *mask;
    if (st != SKD_OK || !need_analysis)
        return st;
    st = skd_analyze(ctx, *img, *mask ? spec : NULL, own);
    if (st != SKD_OK)
        skd_message_prefix(ctx, "before photo");
    return st;
}

/* The zones of a comparison: the before photo's mapped onto the after
 * photo (the after photo's own landmarks for the landmark check), from
 * what the series kept or found here. */
static int compare_zones(skd_ctx *ctx, const skd_comparison *c,
                         const skd_image *bi, const skd_image *ai,
                         const kept *bk, const kept *ak,
                         skd_zone_comparison *out)
{
    skd_zones *zb = NULL, *za = NULL;
    int st = SKD_OK;
    if (!bk || !bk->z)
        st = skd_zones_detect(ctx, bi, &zb);
    if (st == SKD_OK && (!ak || !ak->z))
        st = skd_zones_detect(ctx, ai, &za);
    if (st == SKD_OK)
        st = skd_compare_zones(ctx, c, bi, ai, zb ? zb : bk->z,
                               za ? za : ak->z, out);
    if (st != SKD_OK)
        skd_message_prefix(ctx, "zones");
    skd_zones_free(zb);
    skd_zones_free(za);
    return st;
}

static int real_compare(void *opaque, skd_ctx *ctx, const skd_image_job *bj,
                        const skd_image_job *aj, skd_comparison *out)
{
    skd_image *bi = NULL, *bm = NULL, *ai = NULL, *am = NULL;
    skd_analysis *own = NULL;
    const kept *bk = bj->kept, *ak = aj->kept;
    skd_comparison *c = NULL;
    skd_region_spec bs, as;
    int st;
    (void)opaque;
    st = photo_for_compare(ctx, bj, !bk, &bi, &bm, &bs, &own);
    if (st == SKD_OK)
        st = decode_job(ctx, aj, &ai, &am);
    if (st == SKD_OK) {
        memset(&as, 0, sizeof as);
        as.mask = am;
        st = skd_compare_analyses(ctx, bi, bm ? &bs : NULL, bk ? bk->a : own,
                                  ai, am ? &as : NULL, ak ? ak->a : NULL, &c);
        if (st == SKD_OK && aj->zones)
            st = compare_zones(ctx, c, bi, ai, bk, ak, aj->zones);
        if (st == SKD_OK) {
            *out = *c;
            out->tile_change = NULL;
            out->before = out->after = NULL;
            out->common_before = out->common_after = NULL;
            out->tile_residual = NULL;
        }
        skd_comparison_free(c);
    }
    skd_analysis_free(own);
    skd_image_free(bi);
    skd_image_free(bm);
    skd_image_free(ai);
    skd_image_free(am);
    return st;
}

const skd_batch_ops skd_batch_default_ops = {real_analyze, real_compare, NULL,
                                            real_release};

int skd_batch_run(skd_ctx *ctx, const skd_batch_options *opt,
                  skd_batch_summary *summary)
{
    return skd_batch_run_ops(ctx, opt, &skd_batch_default_ops, summary);
}
