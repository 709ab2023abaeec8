/* Facial zones from dlib on real portraits (../shared/data/photos): boxes a
 * person put on each zone by eye (on the zone overlay) lie >= 60% inside it,
 * left and right are not swapped, the mirrored photo gets mirrored zones,
 * dlib's points given as a landmarks file give the same zones, a synthetic
 * close-up has no face, and the same portrait at two resolutions gives the
 * same zone figures (pores unjudged: the coarser copy cannot show them),
 * of two faces the larger is taken. Skips (77) without
 * dlib or without the photos. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

typedef struct box {
    int x, y, w, h;
} box;

typedef struct portrait {
    const char *file;
    box zone[SKD_ZONE_COUNT]; /* [0] unused */
} portrait;

/* Boxes in photo pixels, drawn on the zone overlays (the skin a person
 * calls forehead, nose, cheeks and chin, away from brows, eyes, nostrils
 * and lips). */
static const portrait portraits[] = {
    {"astronaut.png",
     {{0}, {200, 75, 60, 10}, {215, 105, 20, 27}, {238, 115, 27, 22},
      {183, 113, 23, 22}, {198, 153, 50, 20}}},
    {"portrait-podium.jpg",
     {{0}, {255, 270, 145, 50}, {280, 395, 45, 55}, {360, 430, 90, 80},
      {215, 410, 40, 80}, {260, 560, 110, 50}}},
    {"portrait-room.jpg",
     {{0}, {710, 270, 180, 55}, {775, 395, 50, 55}, {845, 440, 55, 80},
      {650, 430, 90, 80}, {720, 550, 130, 50}}},
    {"portrait-standing.jpg",
     {{0}, {510, 200, 180, 60}, {565, 340, 50, 70}, {635, 390, 55, 75},
      {440, 360, 90, 85}, {500, 500, 130, 50}}},
};

static double inside(const skd_zones *z, box b, int zone)
{
    size_t in = 0, n = 0;
    for (int y = b.y; y < b.y + b.h; y++)
        for (int x = b.x; x < b.x + b.w; x++, n++)
            in += z->labels[(size_t)y * z->width + (size_t)x] == zone;
    return (double)in / (double)n;
}

static int swap_side(int zone)
{
    return zone == SKD_ZONE_LEFT_CHEEK    ? SKD_ZONE_RIGHT_CHEEK
           : zone == SKD_ZONE_RIGHT_CHEEK ? SKD_ZONE_LEFT_CHEEK
                                          : zone;
}

/* dlib's points written to a landmarks file and read back give the very
 * same label plane. */
static void check_file_route(skd_ctx *ctx, const skd_zones *z)
{
    char path[512];
    skd_point p[SKD_LANDMARK_COUNT];
    skd_zones *back = NULL;
    FILE *f;
    snprintf(path, sizeof path, "%s/face_zones_landmarks.json", check_tmpdir());
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fprintf(f, "{\"landmarks\": {");
    for (int i = 0; i < SKD_LANDMARK_COUNT; i++)
        fprintf(f, "%s\"p%d\": [%.17g, %.17g]", i ? ", " : "", i,
                z->landmarks[i].x, z->landmarks[i].y);
    fprintf(f, "}}\n");
    fclose(f);
    CHECK_STATUS(skd_landmarks_load_json(ctx, path, p), SKD_OK);
    CHECK_STATUS(skd_zones_from_landmarks(ctx, z->width, z->height, p, &back),
                 SKD_OK);
    if (back)
        CHECK(memcmp(back->labels, z->labels,
                     (size_t)z->width * z->height) == 0);
    skd_zones_free(back);
}

static void check_portrait(skd_ctx *ctx, const portrait *pt)
{
    char path[1024];
    skd_image *img = NULL, *mir = NULL;
    skd_zones *z = NULL, *zm = NULL;
    snprintf(path, sizeof path, "%s/photos/%s", SKD_SHARED_DATA, pt->file);
    CHECK_STATUS(skd_image_load(ctx, path, &img), SKD_OK);
    if (!img)
        return;
    CHECK_STATUS(skd_zones_detect(ctx, img, &z), SKD_OK);
    CHECK(z && z->source == SKD_ZONES_DLIB && z->faces_found == 1);
    if (!z || !z->labels)
        goto done;
    for (int i = 1; i < SKD_ZONE_COUNT; i++) {
        double f = inside(z, pt->zone[i], i);
        REPORT("%-22s %-11s box %3.0f%% inside", pt->file,
               skd_zone_name((skd_zone)i), 100 * f);
        CHECK(f >= 0.6);
    }
    /* The subject's left cheek is on the image's right. */
    CHECK(pt->zone[SKD_ZONE_LEFT_CHEEK].x > pt->zone[SKD_ZONE_RIGHT_CHEEK].x);
    check_file_route(ctx, z);

    mir = check_mirrored(ctx, img);
    CHECK_STATUS(skd_zones_detect(ctx, mir, &zm), SKD_OK);
    if (!zm || !zm->labels) {
        CHECK(0);
        goto done;
    }
    /* In the mirror the subject's left cheek is on the image's left: the
     * box of each zone, mirrored, lies in the zone of the other side. */
    for (int i = 1; i < SKD_ZONE_COUNT; i++) {
        box b = pt->zone[i];
        double f;
        b.x = (int)img->width - b.x - b.w;
        f = inside(zm, b, swap_side(i));
        REPORT("%-22s mirrored %-11s box %3.0f%% inside %s", pt->file,
               skd_zone_name((skd_zone)i), 100 * f,
               skd_zone_name((skd_zone)swap_side(i)));
        CHECK(f >= 0.6);
    }
done:
    skd_zones_free(z);
    skd_zones_free(zm);
    skd_image_free(img);
    skd_image_free(mir);
}

static void check_closeup(skd_ctx *ctx)
{
    skd_synth_params sp;
    skd_image *img = NULL;
    skd_zones *z = NULL;
    skd_synth_defaults(&sp, 800, 600, 20);
    CHECK_STATUS(skd_synth(ctx, &sp, &img, NULL, NULL), SKD_OK);
    CHECK_STATUS(skd_zones_detect(ctx, img, &z), SKD_OK);
    CHECK(z && z->source == SKD_ZONES_NO_FACE && z->faces_found == 0 &&
          z->labels == NULL);
    skd_zones_free(z);
    skd_image_free(img);
}

/* The photo reduced by f < 1 with area weights (each output pixel the mean
 * of the input area it covers): a camera of lower resolution. */
static double overlap(double a0, double a1, double b0, double b1)
{
    double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

static skd_image *reduced(skd_ctx *ctx, const skd_image *img, double f)
{
    uint32_t w = (uint32_t)(img->width * f), h = (uint32_t)(img->height * f);
    skd_image *out = NULL;
    double *rows;
    if (skd_image_create(ctx, w, h, &out) != SKD_OK)
        return NULL;
    rows = calloc((size_t)w * img->height * 3, sizeof *rows);
    for (size_t y = 0; y < img->height; y++)
        for (uint32_t x = 0; x < w; x++) {
            double x0 = x / f, x1 = (x + 1) / f;
            for (size_t sx = (size_t)x0; sx < img->width && sx < x1; sx++) {
                double wt = overlap(x0, x1, (double)sx, sx + 1.0) * f;
                for (int c = 0; c < 3; c++)
                    rows[(y * w + x) * 3 + c] +=
                        wt * img->rgb[(y * img->width + sx) * 3 + c];
            }
        }
    for (uint32_t y = 0; y < h; y++) {
        double y0 = y / f, y1 = (y + 1) / f;
        for (uint32_t x = 0; x < w; x++)
            for (int c = 0; c < 3; c++) {
                double v = 0;
                for (size_t sy = (size_t)y0; sy < img->height && sy < y1; sy++)
                    v += overlap(y0, y1, (double)sy, sy + 1.0) * f *
                         rows[(sy * w + x) * 3 + c];
                out->rgb[((size_t)y * w + x) * 3 + c] = (uint16_t)(v + 0.5);
            }
    }
    free(rows);
    return out;
}

/* Agreement of the zones found on the reduced photo with those found on
 * the full one: per zone, pixels of the reduced photo labelled z in both
 * (the full photo read at the pixel nearest the same point) over those
 * labelled z in either. */
static double zone_agreement(const skd_zones *full, const skd_zones *small,
                             double f, int zone)
{
    size_t both = 0, either = 0;
    for (uint32_t y = 0; y < small->height; y++)
        for (uint32_t x = 0; x < small->width; x++) {
            long fx = lround((x + 0.5) / f - 0.5), fy = lround((y + 0.5) / f - 0.5);
            int a = small->labels[(size_t)y * small->width + x] == zone;
            int b = fx < (long)full->width && fy < (long)full->height &&
                    full->labels[(size_t)fy * full->width + (size_t)fx] == zone;
            both += a && b;
            either += a || b;
        }
    return either ? (double)both / (double)either : 0;
}

/* The same portrait at full and 3/4 resolution with proportional scales
 * (s and 0.75 s px/mm). dlib finds the same zones on both (agreement >=
 * 0.9), and compared with each other (each zone of the full photo mapped
 * onto the reduced one through the registration, both measured in their
 * common band: docs/comparing.md, "Different resolutions") every zone
 * keeps its Sa within 3%, its other figures within the tolerances below,
 * and every verdict is no significant change, but the pore verdicts of
 * zones with too few pores in the common band (inconclusive, for the
 * count). The red area's floors are those named below.
 * Half resolution cannot be compared: a zoom of 2 is outside the
 * registration's 0.7-1.4 ("cannot align", confidence 0.05), so 3/4 is
 * near the largest reduction compare takes (1/1.4 = 0.71).
 * The scale is what the test can use, not the truth: the faces are 300 px
 * across, so at a true 2 px/mm the 0.05-1 mm texture band would lie
 * below the pixel (at 5 px/mm the reduction removes 8-20% of every zone's
 * Sa), and at 20 px/mm a 5 mm tile is larger than a zone, hence 0.5 mm
 * tiles. */
typedef struct zone_tol {
    skd_metric_id m;
    int relative; /* 1: tol is % of the before figure; 0: metric units */
    double tol;
} zone_tol;

/* Largest |change| over whole and the five zones, measured at 20 and 15
 * px/mm in the common band (portrait-room.jpg, skin map off): Sa 2.57%
 * (nose), Sq 2.98% (nose), a* mean 0.028, a* median 0.040, EI 0.41
 * (whole), red area 1.23 points (left cheek). The tolerance is 1.5x the
 * largest, Sa the brief's 3%. */
static const zone_tol zone_tols[] = {
    {SKD_METRIC_SA, 1, 3.0},          {SKD_METRIC_SQ, 1, 4.5},
    {SKD_METRIC_A_MEAN, 0, 0.042},    {SKD_METRIC_A_MEDIAN, 0, 0.06},
    {SKD_METRIC_ERYTHEMA, 0, 0.62},   {SKD_METRIC_RED_AREA, 0, 1.85},
};

/* The red area of the forehead and the left cheek moves by +1.02 and +1.23
 * points between the two resolutions: with the skin map off, their 2 mm
 * background (40 px at the declared scale) reaches the hairline, brows and
 * wall, so a quarter to a third of their pixels are red and the threshold
 * sits in the bulk of the excess, where the resolution's 0.04-0.1 a* shift
 * of the excess carries a point across it (the shift comes from the mask M
 * of the background: with M ignored both zones move by less than 0.15
 * points; blurring a* to one resolution, or equal growth radii in pixels,
 * leave it). The threshold's floor (docs/comparing.md) measures that
 * fragility: forehead 3.48 points, left cheek 2.47, chin 2.01, the other
 * zones and the whole frame the booth 0.5. The nose's Sq is judged, and
 * reads -2.98% against the 3% floor: its shift (Sa -2.6%, Sq -3.0%) stays
 * the same for a texture band's fine edge of 1, 1.25, 1.33 (the rule's),
 * 1.5 and 2 px of the 15 px/mm copy (Sq -2.98, -2.98, -2.98, -2.99,
 * -3.02%), so it is not the band but the 0.09 cm2 zone between the
 * nostrils, and a finer copy or another photo may tip it. */
static double red_floor_want(int zone)
{
    return zone == SKD_ZONE_FOREHEAD ? 3.48 : zone == SKD_ZONE_LEFT_CHEEK ? 2.47
           : zone == SKD_ZONE_CHIN   ? 2.01 : 0.5;
}

static int is_pore_metric(skd_metric_id m)
{
    return m == SKD_METRIC_PORE_DENSITY || m == SKD_METRIC_PORE_DIAMETER ||
           m == SKD_METRIC_PORE_AREA;
}

static void check_two_resolutions(skd_ctx *ctx, const char *file, double s,
                                  double tile_mm)
{
    char path[1024];
    skd_image *img = NULL, *small = NULL;
    skd_zones *z1 = NULL, *z2 = NULL;
    skd_comparison *c = NULL;
    skd_zone_comparison zc;
    const skd_acquisition *q;
    snprintf(path, sizeof path, "%s/photos/%s", SKD_SHARED_DATA, file);
    CHECK_STATUS(skd_image_load(ctx, path, &img), SKD_OK);
    if (!img || !(small = reduced(ctx, img, 0.75)))
        goto done;
    CHECK_STATUS(skd_zones_detect(ctx, img, &z1), SKD_OK);
    CHECK_STATUS(skd_zones_detect(ctx, small, &z2), SKD_OK);
    if (!z1 || !z2 || !z1->labels || !z2->labels) {
        CHECK(0);
        goto done;
    }
    for (int i = 1; i < SKD_ZONE_COUNT; i++) {
        double g = zone_agreement(z1, z2, 0.75, i);
        REPORT("%s at 3/4 resolution: %-11s zones agree %.3f", file,
               skd_zone_name((skd_zone)i), g);
        CHECK(g >= 0.9);
    }
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, s);
    skd_ctx_set(ctx, SKD_OPT_TILE_MM, tile_mm);
    /* The zones' mapping across resolutions, on the whole frame: the skin
     * map's edges follow its grid of cells and move Sa of these small
     * zones by 4-8% between the two resolutions (measured at the skin
     * map's introduction; docs/skin-map.md, known weaknesses). */
    skd_ctx_set(ctx, SKD_OPT_SKIN, 0);
    CHECK_STATUS(skd_compare(ctx, img, NULL, small, NULL, &c), SKD_OK);
    if (!c)
        goto done;
    CHECK_STATUS(skd_compare_zones(ctx, c, img, small, z1, z2, &zc), SKD_OK);
    q = &c->acquisition;
    REPORT("transform scale %.4f, landmark residual %.2f px = %.3f mm; "
           "resolution %.3f, %.1f%% of the pores too fine for the 3/4 copy",
           c->transform.scale, zc.landmark_residual_px, zc.landmark_residual_mm,
           q->resolution_ratio, 100 * q->pores_unresolved);
    CHECK(zc.has_residual && !zc.residual_large);
    /* Measured in the common band of the 15 px/mm copy: the texture band
     * from 0.089 mm (1.33 px of the copy), the pores from r_5 = 0.191 mm (the first radius whose
     * pores lose at most 1% of their strength through the copy's larger
     * pixels). In the photo's own band the pores found at 20 px/mm are at
     * the pixel's limit (radius 1-1.3 px: 6849 of 7460) and the copy
     * loses most of them (pore density -55 to -83% per zone; the
     * resolution item predicted 19% lost and made them inconclusive); in
     * the common band the whole frame's density moves by -6.5% (187
     * pores and about 175: no significant change) and the item finds no pore of the
     * band too fine for the copy. */
    CHECK_NEAR(q->resolution_ratio, 0.75, 0.002);
    CHECK(q->pores_unresolved < 0.05 && !(q->flags & SKD_ACQ_RESOLUTION));
    CHECK_NEAR(c->before->band_px_per_mm, 0.75 * s, 0.01);
    CHECK_NEAR(c->after->band_px_per_mm, 0.75 * s, 0.01);
    CHECK_NEAR(c->before->band_fine_mm, 0.0886, 1e-3);
    CHECK_NEAR(c->before->band_pore_min_mm, 0.05 * pow(5.0, 5.0 / 6.0), 1e-9);
    for (int i = 0; i < SKD_ZONE_COUNT; i++) {
        const skd_zone_change *ch = &zc.zone[i];
        const skd_change *sa = &ch->change[SKD_METRIC_SA];
        const skd_change *sq = &ch->change[SKD_METRIC_SQ];
        const skd_change *pd = &ch->change[SKD_METRIC_PORE_DENSITY];
        const skd_change *ra = &ch->change[SKD_METRIC_RED_AREA];
        REPORT("%s %g vs %g px/mm: %-11s %5.2f cm2, %3u tiles", file, s,
               0.75 * s, skd_zone_name((skd_zone)i), ch->area_cm2,
               ch->tiles_used);
        REPORT("    Sa %.3f -> %.3f (%+.2f%%) %s; Sq %.3f -> %.3f (%+.2f%%) %s",
               sa->before, sa->after, sa->change_pct,
               skd_verdict_name(sa->verdict), sq->before, sq->after,
               sq->change_pct, skd_verdict_name(sq->verdict));
        REPORT("    pores/cm2 %.1f -> %.1f (%+.1f%%) %s%s%s; red area %.2f -> "
               "%.2f (%+.2f points, floor %.2f: %s) %s", pd->before,
               pd->after, pd->change_pct, skd_verdict_name(pd->verdict),
               pd->reason[0] ? ": " : "", pd->reason, ra->before, ra->after,
               ra->change, ra->noise_floor, ra->floor_source,
               skd_verdict_name(ra->verdict));
        REPORT("    pores in the common region: %.0f before, about %.0f after",
               pd->before * ch->area_cm2, pd->after * ch->area_cm2);
        CHECK(ch->measured && ch->tiles_used >= 2);
        for (size_t k = 0; k < sizeof zone_tols / sizeof *zone_tols; k++) {
            const skd_change *m = &ch->change[zone_tols[k].m];
            double got = zone_tols[k].relative ? m->change_pct : m->change;
            if (!(fabs(got) <= zone_tols[k].tol))
                REPORT("  %s %.3f -> %.3f: change %+.3f%s over %.3g",
                       skd_metric_key(zone_tols[k].m), m->before, m->after,
                       got, zone_tols[k].relative ? "%" : "", zone_tols[k].tol);
            CHECK(fabs(got) <= zone_tols[k].tol);
        }
        /* the floors measured above, to 0.02 points: a point of a zone's
         * pixels near the threshold is 0.5 of its floor */
        CHECK_NEAR(ra->noise_floor, red_floor_want(i), 0.02);
        for (int k = 0; k < SKD_METRIC_COUNT; k++) {
            const skd_change *m = &ch->change[k];
            if (m->verdict != SKD_NO_SIGNIFICANT_CHANGE)
                REPORT("  %s %.3f -> %.3f: %s %s",
                       skd_metric_key((skd_metric_id)k), m->before, m->after,
                       skd_verdict_name(m->verdict), m->reason);
            /* a zone's pores: too few in the common band to judge */
            if (is_pore_metric((skd_metric_id)k) && i != SKD_ZONE_WHOLE &&
                m->verdict == SKD_INCONCLUSIVE) {
                CHECK(!strncmp(m->reason, "too few pores", 13));
                continue;
            }
            CHECK(m->verdict == SKD_NO_SIGNIFICANT_CHANGE);
        }
    }
done:
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 0);
    skd_ctx_set(ctx, SKD_OPT_TILE_MM, 5);
    skd_ctx_set(ctx, SKD_OPT_SKIN, 1);
    skd_comparison_free(c);
    skd_zones_free(z1);
    skd_zones_free(z2);
    skd_image_free(img);
    skd_image_free(small);
}

/* Two faces side by side, one at 3/4 the size: both found, the zones are
 * those of the larger (all inside its half). */
static void check_two_faces(skd_ctx *ctx)
{
    char path[1024];
    skd_image *img = NULL, *small = NULL, *both = NULL;
    skd_zones *z = NULL;
    snprintf(path, sizeof path, "%s/photos/portrait-podium.jpg", SKD_SHARED_DATA);
    CHECK_STATUS(skd_image_load(ctx, path, &img), SKD_OK);
    if (!img || !(small = reduced(ctx, img, 0.75)) ||
        skd_image_create(ctx, img->width + small->width, img->height, &both) !=
            SKD_OK)
        goto done;
    for (size_t y = 0; y < img->height; y++) {
        memcpy(both->rgb + 3 * y * both->width, img->rgb + 3 * y * img->width,
               3 * img->width * sizeof *img->rgb);
        if (y < small->height)
            memcpy(both->rgb + 3 * (y * both->width + img->width),
                   small->rgb + 3 * y * small->width,
                   3 * small->width * sizeof *img->rgb);
    }
    CHECK_STATUS(skd_zones_detect(ctx, both, &z), SKD_OK);
    CHECK(z && z->faces_found == 2 && z->labels);
    if (z && z->labels) {
        size_t right = 0;
        for (size_t y = 0; y < both->height; y++)
            for (size_t x = img->width; x < both->width; x++)
                right += z->labels[y * both->width + x] != 0;
        REPORT("two faces: %u found, %zu zone pixels on the smaller one",
               (unsigned)z->faces_found, right);
        CHECK(right == 0);
    }
done:
    skd_zones_free(z);
    skd_image_free(img);
    skd_image_free(small);
    skd_image_free(both);
}

/* The landmark check: the photo against a copy shifted 60 px to the right,
 * compared as if aligned (identity transform), puts the after photo's
 * landmarks 60 px = 3 mm at 20 px/mm from the before photo's: reported and
 * large (over the 2 mm default). */
static void check_residual(skd_ctx *ctx)
{
    char path[1024];
    skd_image *img = NULL, *moved = NULL;
    skd_zones *zb = NULL, *za = NULL;
    skd_comparison *c = NULL;
    skd_zone_comparison zc;
    const uint32_t shift = 60;
    snprintf(path, sizeof path, "%s/photos/portrait-podium.jpg", SKD_SHARED_DATA);
    CHECK_STATUS(skd_image_load(ctx, path, &img), SKD_OK);
    if (!img || skd_image_create(ctx, img->width, img->height, &moved) != SKD_OK)
        goto done;
    for (size_t y = 0; y < img->height; y++)
        memcpy(moved->rgb + 3 * (y * img->width + shift),
               img->rgb + 3 * y * img->width,
               3 * (img->width - shift) * sizeof *img->rgb);
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);
    skd_ctx_set(ctx, SKD_OPT_ASSUME_ALIGNED, 1);
    CHECK_STATUS(skd_zones_detect(ctx, img, &zb), SKD_OK);
    CHECK_STATUS(skd_zones_detect(ctx, moved, &za), SKD_OK);
    CHECK_STATUS(skd_compare(ctx, img, NULL, moved, NULL, &c), SKD_OK);
    if (c && zb && za) {
        CHECK_STATUS(skd_compare_zones(ctx, c, img, moved, zb, za, &zc), SKD_OK);
        REPORT("shifted %u px, compared as aligned: landmark residual %.1f px "
               "= %.2f mm, large %d", (unsigned)shift, zc.landmark_residual_px,
               zc.landmark_residual_mm, zc.residual_large);
        /* Measured 60.0 px: 60 px are 30 pixels of the detection image (the
         * photo is reduced by 2), so dlib sees the same picture moved; 2 px
         * allow for a shift that is not a whole number of them. */
        CHECK(zc.has_residual && zc.residual_large);
        CHECK_NEAR(zc.landmark_residual_px, shift, 2.0);
    }
done:
    skd_ctx_set(ctx, SKD_OPT_ASSUME_ALIGNED, 0);
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 0);
    skd_comparison_free(c);
    skd_zones_free(zb);
    skd_zones_free(za);
    skd_image_free(img);
    skd_image_free(moved);
}

int main(void)
{
    skd_ctx *ctx;
    if (!skd_landmarks_backend())
        check_skip("this build has no face landmarks (dlib)");
    ctx = skd_ctx_create();
    check_closeup(ctx);
    if (check_shared_data("photos/astronaut.png", "zones on the portraits")) {
        for (size_t i = 0; i < sizeof portraits / sizeof portraits[0]; i++)
            check_portrait(ctx, &portraits[i]);
        check_two_resolutions(ctx, "portrait-room.jpg", 20, 0.5);
        check_two_faces(ctx);
        check_residual(ctx);
    }
    skd_ctx_free(ctx);
    return check_done("face_zones");
}
