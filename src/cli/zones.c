/* Facial zones for the commands: where they come from (--face,
 * --landmarks, --zones), their figures, and how they are written. */
#include <math.h>
#include <string.h>

#include "cli.h"

int cli_zones_wanted(const cli_zone_request *q)
{
    return q->face || q->landmarks || q->labels;
}

void cli_zones_prepare(skd_ctx *ctx, const cli_zone_request *q)
{
    if (q->face)
        (void)skd_face_preload(ctx);
}

int cli_zones_check(const char *cmd, const cli_zone_request *q, int n_images)
{
    if ((q->face != 0) + (q->landmarks != NULL) + (q->labels != NULL) > 1)
        return cli_usage_error(cmd, "--face, --landmarks and --zones are "
                                    "alternatives: give one");
    if ((q->landmarks || q->labels || q->zones_out) && n_images > 1)
        return cli_usage_error(cmd, "--landmarks, --zones and --zones-out "
                                    "take one IMAGE");
    if (q->zones_out && !cli_zones_wanted(q))
        return cli_usage_error(cmd, "--zones-out needs --face, --landmarks "
                                    "or --zones");
    if (q->landmarks_after && !(q->landmarks || q->labels))
        return cli_usage_error(cmd, "--landmarks-after goes with --landmarks "
                                    "or --zones (with --face dlib finds both)");
    return -1;
}

static int zones_of(skd_ctx *ctx, const cli_zone_request *q,
                    const skd_image *img, skd_zones **z)
{
    skd_point pts[SKD_LANDMARK_COUNT];
    skd_image *lab = NULL;
    int st;
    if (q->face)
        return skd_zones_detect(ctx, img, z);
    if (q->landmarks) {
        st = skd_landmarks_load_json(ctx, q->landmarks, pts);
        return st != SKD_OK ? st
                            : skd_zones_from_landmarks(ctx, img->width,
                                                       img->height, pts, z);
    }
    if ((st = skd_image_load(ctx, q->labels, &lab)) != SKD_OK)
        return st;
    /* A label image of another size fails in skd_zone_metrics, which
     * names both sizes. */
    st = skd_zones_from_labels(ctx, lab, z);
    skd_image_free(lab);
    return st;
}

int cli_zones_find(skd_ctx *ctx, const cli_zone_request *q,
                   const skd_image *img, cli_zone_result *r)
{
    memset(r, 0, sizeof *r);
    return cli_zones_wanted(q) ? zones_of(ctx, q, img, &r->z) : SKD_OK;
}

const skd_point *cli_zones_landmarks(const cli_zone_result *r)
{
    return r->z && r->z->has_landmarks ? r->z->landmarks : NULL;
}

int cli_zones_measure(skd_ctx *ctx, const cli_zone_request *q,
                      const skd_image *img, const skd_analysis *a,
                      cli_zone_result *r)
{
    int st;
    if (!cli_zones_wanted(q))
        return SKD_OK;
    if (!r->z && (st = cli_zones_find(ctx, q, img, r)) != SKD_OK)
        return st;
    if ((st = skd_zones_metrics(ctx, a, img, r->z, r->m, r->status)) != SKD_OK)
        return st;
    if (q->zones_out && (st = skd_zones_write_png(ctx, r->z, a, q->zones_out)))
        return st;
    return SKD_OK;
}

void cli_zones_free(cli_zone_result *r)
{
    skd_zones_free(r->z);
    r->z = NULL;
}

const char *cli_zone_source(skd_zone_source source)
{
    switch (source) {
    case SKD_ZONES_DLIB: return "dlib";
    case SKD_ZONES_LANDMARKS: return "landmarks";
    case SKD_ZONES_LABELS: return "labels";
    default: return "none";
    }
}

int cli_zone_present(const cli_zone_result *r, int zone)
{
    return r->z && (zone == SKD_ZONE_WHOLE || r->z->source != SKD_ZONES_NO_FACE);
}

void cli_zones_warn(const char *path, const cli_zone_result *r)
{
    if (!r->z)
        return;
    if (r->z->source == SKD_ZONES_NO_FACE)
        cli_warn("%s: no face found: measured as one region (whole)", path);
    else if (r->z->faces_found > 1)
        cli_warn("%s: %u faces found: the zones are those of the largest",
                 path, (unsigned)r->z->faces_found);
}
