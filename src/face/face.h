/* Facial zones (docs/zones.md): face landmarks from
 * dlib (detect.c, dlib_landmarks.cpp) or from a file (landmarks_json.c),
 * zone polygons built from them (polygons.c), rasterised to a label plane
 * (raster.c), and the public entry points (zones.c, zone_figures.c). */
#ifndef SKD_FACE_H
#define SKD_FACE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"

/* Detector score a face needs. dlib's HOG detector scores the faces of the
 * test portraits 1.2-1.7 and a mission patch on the astronaut's suit 0.06
 * (its default threshold is 0): a patch is no face to measure. */
#define SKD_FACE_MIN_CONFIDENCE 0.5

/* Default pixel budget of the detection image (SKD_OPT_FACE_PIXELS): HOG
 * detection costs about 0.3 s per megapixel here, and the smallest face it
 * finds is 80 px across, so a 12 MP photo is searched at 1/5 (faces from
 * 400 px) in about 0.15 s. */
#define SKD_FACE_DEFAULT_PIXELS 500000.0

/* One face: the detector's box and its 68 landmarks in photo pixels. */
typedef struct skd_face_found {
    uint32_t n_faces; /* faces found; 0: none (the rest is unset) */
    double confidence;
    double box[4]; /* left, top, width, height */
    skd_point pts[SKD_LANDMARK_COUNT];
} skd_face_found;

/* The largest face of img, dlib's landmarks on the photo reduced by an
 * integer factor to at most SKD_OPT_FACE_PIXELS pixels. The model is
 * loaded once per context (the context's face cache). SKD_E_UNSUPPORTED
 * when the build has no dlib or the model file is missing. */
int skd_face_find(skd_ctx *ctx, const skd_image *img, skd_face_found *out);

/* The zone polygons (docs/zones.md) of 68 landmarks: for each zone 1..5 up
 * to SKD_ZONE_MAX_VERTICES vertices in photo pixels. */
#define SKD_ZONE_MAX_VERTICES 24
typedef struct skd_zone_polygon {
    size_t n;
    skd_point v[SKD_ZONE_MAX_VERTICES];
} skd_zone_polygon;

void skd_zone_polygons(const skd_point *pts, skd_zone_polygon *poly);

/* Set label[i] = value for every pixel of the w x h plane whose centre lies
 * inside the polygon (even-odd rule). */
void skd_fill_polygon(uint8_t *label, size_t w, size_t h,
                      const skd_zone_polygon *poly, uint8_t value);

/* The 8-bit sRGB colour of zone z's outline (docs/zones.md); black for
 * SKD_ZONE_WHOLE and unknown values. */
const uint8_t *skd_zone_colour(skd_zone z);

/* The largest landmarks file read (the limit for untrusted input). */
#define SKD_LANDMARKS_MAX_BYTES (1u << 20)

/* The landmarks of a JSON file (docs/zones.md, "Landmarks file"). */
int skd_landmarks_parse_json(skd_ctx *ctx, const char *text, size_t n,
                             skd_point *pts);

#endif
