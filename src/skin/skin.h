/* The skin map S of docs/measurements.md: which pixels of a photo are bare
 * skin. Decided on a grid of cells (block means of linear RGB; a region
 * needs no full resolution) with a colour model estimated from the photo
 * itself, then cleaned up by shape; the same fixed thresholds for every
 * photo. docs/skin-map.md explains the method and the numbers. */
#ifndef SKD_SKIN_H
#define SKD_SKIN_H

#include <stddef.h>
#include <stdint.h>

#include "../colour/colour.h"
#include "../core/core.h"

/* The grid: cells of c x c pixels, c the smallest that keeps the longer
 * side of the grid within this many cells. */
#define SKD_SKIN_GRID_MAX 512

/* The skin prior (CIELAB D65): where the seed comes from. Generous: every
 * skin tone of Fitzpatrick I-VI under white balances that a camera leaves
 * plausible, and rather too much than too little, since the robust model
 * below finds the photo's own skin inside it. */
#define SKD_SKIN_PRIOR_L_MIN 20.0
#define SKD_SKIN_PRIOR_L_MAX 95.0
#define SKD_SKIN_PRIOR_C_MIN 9.0
#define SKD_SKIN_PRIOR_C_MAX 50.0
#define SKD_SKIN_PRIOR_HUE_MIN 15.0 /* degrees, atan2(b*, a*) */
#define SKD_SKIN_PRIOR_HUE_MAX 80.0
/* Centre and covariance of the prior's weight in (a*, b*). */
#define SKD_SKIN_PRIOR_A 14.0
#define SKD_SKIN_PRIOR_B 18.0
#define SKD_SKIN_PRIOR_SAA 50.0
#define SKD_SKIN_PRIOR_SAB 20.0
#define SKD_SKIN_PRIOR_SBB 64.0

/* The robust model: iterations, and the standard deviations its axes are
 * held within (a face's own a*, b* spread is 3-5 units). */
#define SKD_SKIN_ITERATIONS 12
#define SKD_SKIN_SEED_MAX 32768 /* cells the fit looks at */
#define SKD_SKIN_SD_MIN 2.5
#define SKD_SKIN_SD_MAX 6.0
/* A model of the face's own skin is held to that spread of 3 or more:
 * its cheeks, nose and chin, lit alike, may spread less than the rest of
 * the face (a bright forehead loses chroma to the light's reflection). */
#define SKD_SKIN_FACE_SD_MIN 3.0

/* The decision per cell: Mahalanobis distance^2 to the model, after
 * forgiving a* above the model's mean by up to RED_ALLOWANCE (red lesions
 * and flushed skin are skin, docs/measurements.md); lightness at least DARK_RATIO of
 * the skin's median L* (deeper shadows are not measured); hue and chroma
 * within bounds. */
#define SKD_SKIN_D2_MAX 9.0
#define SKD_SKIN_RED_ALLOWANCE 12.0
#define SKD_SKIN_DARK_RATIO 0.45
#define SKD_SKIN_L_MAX 98.0
#define SKD_SKIN_HUE_MIN 10.0
#define SKD_SKIN_HUE_MAX 80.0
#define SKD_SKIN_C_MIN 7.0
#define SKD_SKIN_C_MAX 48.0
/* A highlight on skin (classify.c): a cell lighter than the skin's median
 * L* is skin when its colour is a core colour of the model after white
 * of up to SPECULAR_MAX of its luminance is taken away (the lamp's
 * reflection at most as bright as the skin's own light: more leaves a
 * grey or white surface with a faint tint), tried in SPECULAR_STEPS equal
 * steps. */
#define SKD_SKIN_SPECULAR_MAX 0.5
#define SKD_SKIN_SPECULAR_STEPS 16
/* Lips: redder than the skin's mean a*, with b* below its mean by more
 * than this many standard deviations, and darker than the skin's median
 * L* (a red lesion raises a* at the same b*; lips are a darker bluish
 * red; a shadow lowers a* and b* together). */
#define SKD_SKIN_LIP_B_DEFICIT 1.5
/* ... and only where red does not clip: a cell whose mean linear red is
 * at least this (sRGB 236/255) may have lost its b* to the clipping. */
#define SKD_SKIN_LIP_RED_MAX 0.83
/* Cells whose weight under the model exceeds this give the median L*. */
#define SKD_SKIN_CORE_WEIGHT 0.3

/* Shape: a component is skin when at least CORE_SHARE of its cells are
 * core cells (weight under the model above SKD_SKIN_CORE_WEIGHT: the
 * photo's skin itself, not the edge of its colour range, where gilding,
 * blond hair and beige walls sit) and it is at least KEEP_SHARE of the
 * largest such component (hands apart from the face stay, specks go);
 * enclosed holes smaller than HOLE_SHARE of S are filled (lesions,
 * comedones, highlights inside skin; eyes and mouths are larger). */
#define SKD_SKIN_CORE_SHARE 0.5
/* Components are judged on the skin eroded by this many more cells, then
 * grown back within the skin: a bridge thinner than 2 SPLIT_STEPS + 1
 * cells does not join them. */
#define SKD_SKIN_SPLIT_STEPS 2
#define SKD_SKIN_KEEP_SHARE 0.05
#define SKD_SKIN_HOLE_SHARE 0.005

/* A grid of cells over a rectangle of the photo. */
typedef struct skd_skin_grid {
    size_t cell, gw, gh;
    float *L, *a, *b; /* gw*gh each, CIELAB of the cell's mean linear RGB */
    float *red, *green, *blue; /* the mean linear R, G, B themselves */
} skd_skin_grid;

/* grid.c: the cells' colour over rect {x0, y0, cols, rows} of img; the
 * planes are allocated (skd_skin_grid_free). */
int skd_skin_grid_make(skd_ctx *ctx, const skd_image *img,
                       const skd_colour_lut *lut, const size_t rect[4],
                       skd_skin_grid *g);
void skd_skin_grid_free(skd_ctx *ctx, skd_skin_grid *g);

/* model.c: the photo's skin colour, a mean and covariance in (a*, b*),
 * and the median L* of its core. */
typedef struct skd_skin_model {
    double ma, mb;          /* mean */
    double saa, sab, sbb;   /* covariance */
    double l_median;
    size_t seed_cells;      /* cells inside the prior */
} skd_skin_model;

/* Whether a cell's colour lies inside the prior. */
int skd_skin_in_prior(float L, float a, float b);
/* The model from the cells of the prior, each weighted by the prior; or,
 * when face is not NULL, from the cells of the prior with face[i] != 0,
 * all weighted alike (the face's own skin needs no prior to pull it). */
int skd_skin_model_fit(skd_ctx *ctx, const skd_skin_grid *g,
                       const uint8_t *face, skd_skin_model *m);

/* classify.c: s[i] = 1 where cell i has the colour of the model's skin,
 * 2 where it is a core cell too, else 0. Lips are told by their colour
 * when lips_by_colour (no landmarks: with them the lips are a polygon, and
 * the shadow below a lower lip, which the colour rule also takes, stays). */
void skd_skin_classify(const skd_skin_grid *g, const skd_skin_model *m,
                       int lips_by_colour, uint8_t *s);

/* shape.c: opening, components kept by their core share and size, small
 * holes filled; s (gw x gh) from skd_skin_classify becomes 0 or 1. */
int skd_skin_shape(skd_ctx *ctx, uint8_t *s, size_t gw, size_t gh);

/* face.c: face[i] = 1 for the cells (gw x gh of c x c pixels) whose
 * centre lies in the cheek, nose or chin polygons of the landmarks pts
 * (docs/zones.md), else 0; and how many there are. */
void skd_skin_face_cells(const skd_point *pts, size_t cell, size_t gw,
                         size_t gh, uint8_t *face);
size_t skd_skin_face_count(const uint8_t *face, size_t n);
/* Fewer face cells inside the prior than this: the face is too small on
 * the grid to estimate a colour from, and the whole photo's model is used. */
#define SKD_SKIN_FACE_SEED_MIN 16
/* The face's features, left out of S whatever their colour (margins in
 * distances between the eye centres, about 6 cm on an adult): the eye
 * openings grown by EYE_MARGIN (lids and lashes), the lips' outline by
 * LIP_MARGIN, bands from BROW_UP above the brow landmarks to BROW_DOWN
 * below them, and from the nose's base landmarks to NOSTRIL_UP above
 * (the nostrils), along the face's axis. */
#define SKD_SKIN_EYE_MARGIN 0.06
#define SKD_SKIN_LIP_MARGIN 0.02
#define SKD_SKIN_BROW_UP 0.02
#define SKD_SKIN_BROW_DOWN 0.10
#define SKD_SKIN_NOSTRIL_UP 0.08
/* out[i] = 0 for the cells whose centre lies in one of them. */
void skd_skin_face_features(const skd_point *pts, size_t cell, size_t gw,
                            size_t gh, uint8_t *out);
/* s (0 or 1) keeps only the skin 4-connected to a cell of face. */
int skd_skin_keep_face(skd_ctx *ctx, uint8_t *s, const uint8_t *face,
                       size_t gw, size_t gh);

/* skin.c: S of the whole photo, written over part {x0, y0, cols, rows}
 * of it into out (cols*rows bytes, row j at out + j * stride): 1 = skin.
 * *kept gets the size of S over the whole photo. With landmarks (NULL:
 * none) the model comes from the face and S keeps the skin connected to
 * it. */
int skd_skin_map(skd_ctx *ctx, const skd_image *img,
                 const skd_colour_lut *lut, const skd_point *landmarks,
                 const size_t part[4], uint8_t *out, size_t stride,
                 uint64_t *kept);

#endif
