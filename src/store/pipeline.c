/* The real per-item work: decode the bytes already read, analyse, compare.
 * A comparison uses the analyses its series kept (skd_compare_analyses),
 * so each photo is analysed once. */
#include <string.h>

#include "../face/face.h"
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

/* A photo's region spec: its mask and white reference (the manifest's). */
static void job_spec(const skd_image_job *job, skd_image *mask,
                     skd_region_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->mask = mask;
    if (job->white_ref)
        spec->white_ref = *job->white_ref;
}

/* NULL for a spec that asks nothing (the analysis without one). */
static const skd_region_spec *spec_or_null(const skd_region_spec *spec)
{
    return spec->mask || spec->landmarks || spec->white_ref.w ? spec : NULL;
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

/* The photo's face: from its landmarks file when the job has one (as
 * analyze --landmarks), else dlib's. */
static int find_zones(skd_ctx *ctx, const skd_image_job *job,
                      const skd_image *img, skd_zones **z)
{
    skd_point pts[SKD_LANDMARK_COUNT];
    int st;
    if (!job->landmarks_data)
        return skd_zones_detect(ctx, img, z);
    st = skd_landmarks_parse_json(ctx, job->landmarks_data,
                                  job->landmarks_size, pts);
    if (st == SKD_OK)
        st = skd_zones_from_landmarks(ctx, img->width, img->height, pts, z);
    if (st != SKD_OK)
        skd_message_prefix(ctx, "landmarks file");
    return st;
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
    job_spec(job, mask, &spec);
    if (skd_opt(ctx, SKD_OPT_BATCH_ZONES)) {
        st = find_zones(ctx, job, img, &z);
        spec.landmarks = st == SKD_OK && z->has_landmarks ? z->landmarks : NULL;
    }
    if (st == SKD_OK)
        st = skd_analyze(ctx, img, spec_or_null(&spec), &a);
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

/* The zones of a comparison's first photos, from what the series kept or
 * found here (*own_b / *own_a, freed by the caller): the before photo's
 * are mapped onto every other photo; the after photo's own serve the
 * landmark check. */
static int pair_zones(skd_ctx *ctx, const skd_image *bi, const skd_image *ai,
                      const skd_image_job *bj, const skd_image_job *aj,
                      skd_zones **own_b, skd_zones **own_a,
                      const skd_zones **zb, const skd_zones **za)
{
    const kept *bk = bj->kept, *ak = aj->kept;
    int st = SKD_OK;
    if (!bk || !bk->z)
        st = find_zones(ctx, bj, bi, own_b);
    if (st == SKD_OK && (!ak || !ak->z))
        st = find_zones(ctx, aj, ai, own_a);
    if (st != SKD_OK)
        skd_message_prefix(ctx, "zones");
    *zb = *own_b ? *own_b : bk->z;
    *za = *own_a ? *own_a : ak ? ak->z : NULL;
    return st;
}

/* The photos of one session of a comparison, decoded, with their specs
 * and the analyses the series kept. */
typedef struct session_photos {
    skd_image *img[SKD_MAX_REPLICATES], *mask[SKD_MAX_REPLICATES];
    skd_region_spec spec[SKD_MAX_REPLICATES];
    skd_session_photo photo[SKD_MAX_REPLICATES];
    size_t n;
} session_photos;

static int decode_session(skd_ctx *ctx, const skd_image_job *jobs, size_t n,
                          session_photos *s)
{
    int st = SKD_OK;
    for (s->n = 0; s->n < n && st == SKD_OK; s->n++) {
        const skd_image_job *job = &jobs[s->n];
        const kept *k = job->kept;
        size_t i = s->n;
        st = decode_job(ctx, job, &s->img[i], &s->mask[i]);
        job_spec(job, s->mask[i], &s->spec[i]);
        s->photo[i] = (skd_session_photo){s->img[i], spec_or_null(&s->spec[i]),
                                          k ? k->a : NULL};
    }
    return st;
}

static void session_free(session_photos *s)
{
    for (size_t i = 0; i < s->n; i++) {
        skd_image_free(s->img[i]);
        skd_image_free(s->mask[i]);
    }
}

/* skd_compare_sessions of the two sessions' photos (with one photo each,
 * skd_compare_analyses); with zones skd_compare_sessions_zones, so each
 * zone is the sessions' means as the whole region is. */
static int real_compare_sessions(void *opaque, skd_ctx *ctx,
                                 const skd_image_job *bj, size_t nb,
                                 const skd_image_job *aj, size_t na,
                                 skd_comparison *out)
{
    session_photos *s = skd_calloc(ctx, 2, sizeof *s);
    skd_comparison *c = NULL;
    skd_analysis *own = NULL;
    skd_zones *own_zb = NULL, *own_za = NULL;
    const skd_zones *zb = NULL, *za = NULL;
    int st;
    (void)opaque;
    if (!s)
        return SKD_E_NOMEM;
    st = decode_session(ctx, bj, nb, &s[0]);
    /* Without a kept analysis of the before photo (a resumed run), one
     * made here lets the comparison use the after photo's kept one. */
    if (st == SKD_OK && !s[0].photo[0].analysis) {
        st = skd_analyze(ctx, s[0].img[0], s[0].photo[0].spec, &own);
        if (st != SKD_OK)
            skd_message_prefix(ctx, "before photo");
        s[0].photo[0].analysis = own;
    }
    if (st == SKD_OK)
        st = decode_session(ctx, aj, na, &s[1]);
    if (st == SKD_OK && aj->zones)
        st = pair_zones(ctx, s[0].img[0], s[1].img[0], &bj[0], &aj[0],
                        &own_zb, &own_za, &zb, &za);
    if (st == SKD_OK)
        st = aj->zones ? skd_compare_sessions_zones(ctx, s[0].photo, nb,
                                                    s[1].photo, na, zb, za,
                                                    &c, aj->zones)
                       : skd_compare_sessions(ctx, s[0].photo, nb, s[1].photo,
                                              na, &c);
    if (st == SKD_OK) {
        *out = *c;
        out->tile_change = NULL;
        out->before = out->after = NULL;
        out->common_before = out->common_after = NULL;
        out->tile_residual = NULL;
    }
    skd_comparison_free(c);
    skd_analysis_free(own);
    skd_zones_free(own_zb);
    skd_zones_free(own_za);
    session_free(&s[0]);
    session_free(&s[1]);
    skd_dealloc(ctx, s);
    return st;
}

static int real_compare(void *opaque, skd_ctx *ctx, const skd_image_job *bj,
                        const skd_image_job *aj, skd_comparison *out)
{
    return real_compare_sessions(opaque, ctx, bj, 1, aj, 1, out);
}

const skd_batch_ops skd_batch_default_ops = {
    real_analyze, real_compare, NULL, real_release, real_compare_sessions};

int skd_batch_run(skd_ctx *ctx, const skd_batch_options *opt,
                  skd_batch_summary *summary)
{
    return skd_batch_run_ops(ctx, opt, &skd_batch_default_ops, summary);
}
