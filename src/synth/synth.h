/* Private interface of the synthetic skin generator (ground truth for the
 * measurement tests).
 *
 * The skin is a set of continuous fields over skin coordinates (u, v) in mm:
 * relief and pores in the log-luminance l = 100 ln Y, red patches in a*.
 * Each photo is a camera (an affine map pixel -> skin); every pixel samples
 * the fields at its own skin point, so no rendered image is ever resampled
 * and the truth is exact. Pores come from a hard-core point process defined
 * tile by tile from the seed, so the skin does not depend on the frame or
 * the camera: the same seed gives the same skin under any photo. */
#ifndef SKD_SYNTH_H
#define SKD_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/core.h"
#include "../core/rng.h"

/* Model constants, reported in the truth under "model". */
#define SKD_SYNTH_WAVES 256           /* plane waves in the relief */
#define SKD_SYNTH_WAVE_MIN_MM 0.15    /* relief wavelengths, log-uniform */
#define SKD_SYNTH_WAVE_MAX_MM 0.8
#define SKD_SYNTH_HARDCORE 3.0        /* pore spacing >= 3 x larger radius */
#define SKD_SYNTH_CUTOFF 5.0          /* Gaussians drawn out to 5 sigma */
#define SKD_SYNTH_RED_BACKGROUND_MM 2.0 /* the red area's local background */
#define SKD_SYNTH_TEX_FINE_MM 0.05    /* texture band (docs/measurements.md) */
#define SKD_SYNTH_TEX_COARSE_MM 1.0
#define SKD_SYNTH_TEX_MARGIN_MM 3.0   /* expected texture: border skipped */
#define SKD_SYNTH_MAX_CANDIDATES 20000000.0 /* memory guard */
#define SKD_SYNTH_MAX_TILES 4000000.0

/* ---- random numbers (src/core/rng.h) -------------------------------- */

/* Independent streams: one per purpose, and per tile for the pores. */
enum {
    SKD_STREAM_WAVES = 1,
    SKD_STREAM_PORES = 2,
    SKD_STREAM_PATCHES = 3,
    SKD_STREAM_NOISE_BEFORE = 4,
    SKD_STREAM_NOISE_AFTER = 5
};


/* ---- cameras: pixel -> skin maps ------------------------------------- */

/* (u, v) = (a11 x + a12 y + tx, a21 x + a22 y + ty), skin mm. */
typedef struct skd_affine {
    double a11, a12, a21, a22, tx, ty;
} skd_affine;

void skd_affine_apply(const skd_affine *m, double x, double y, double *u,
                      double *v);
void skd_affine_invert(const skd_affine *m, skd_affine *inv);

/* Pixel -> skin map of the before photo, and of the after photo (its
 * pixels go through p->camera to before-photo pixels first). */
void skd_synth_camera_before(const skd_synth_params *p, skd_affine *m);
void skd_synth_camera_after(const skd_synth_params *p, skd_affine *m);

/* Skin rectangle holding the frame (pixel areas [-0.5, w-0.5] x
 * [-0.5, h-0.5]), grown by margin_mm on every side. */
typedef struct skd_rect {
    double u0, v0, u1, v1;
} skd_rect;

void skd_synth_frame_rect(const skd_affine *m, uint32_t w, uint32_t h,
                          double margin_mm, skd_rect *r);

/* ---- parameters ------------------------------------------------------ */

/* SKD_OK, or SKD_E_INVALID / SKD_E_LIMIT naming the bad field. */
int skd_synth_check_params(skd_ctx *ctx, const skd_synth_params *p);

/* ---- relief: plane waves in l ---------------------------------------- */

typedef struct skd_synth_waves {
    double kx[SKD_SYNTH_WAVES], ky[SKD_SYNTH_WAVES]; /* rad/mm */
    double phase[SKD_SYNTH_WAVES];
    double amplitude; /* of each wave for RMS 1: sqrt(2 / n) */
} skd_synth_waves;

void skd_synth_waves_make(uint64_t seed, skd_synth_waves *w);

/* ---- pores: Matern type II hard-core process, tile by tile ----------- */

typedef struct skd_synth_pore {
    double u, v;      /* centre, skin mm */
    double diameter;  /* mm */
    double depth;     /* before session: fraction darker at the centre */
    double keep_draw; /* uniform [0, 1): present after when < keep_pores */
} skd_synth_pore;

/* Candidate intensity (per mm^2) whose thinned process has the requested
 * expected density; *max_density receives the largest density (per cm^2)
 * the diameters allow. Returns 0 when density is 0. */
double skd_synth_candidate_density(const skd_synth_params *p,
                                   double *max_density_cm2);

/* Side of the square tiles (mm) the pores are drawn in. */
double skd_synth_pore_tile_mm(const skd_synth_params *p);

/* All pores with centre in the tiles meeting rect, in tile order. */
int skd_synth_pores_make(skd_ctx *ctx, const skd_synth_params *p,
                         const skd_rect *rect, skd_synth_pore **out,
                         size_t *n);

/* A = -100 ln(1 - depth): the dip in l at the centre. */
double skd_synth_pore_amplitude(double depth);

/* Margin (mm) around a frame beyond which no pore touches it, even
 * through the coarse texture filter. */
double skd_synth_pore_margin_mm(const skd_synth_params *p);

/* ---- red patches ----------------------------------------------------- */

typedef struct skd_synth_patch {
    double u, v; /* centre, skin mm */
} skd_synth_patch;

/* p->red_patches centres, uniform over the before frame. */
int skd_synth_patches_make(skd_ctx *ctx, const skd_synth_params *p,
                           skd_synth_patch **out);

/* ---- the world and its photos ---------------------------------------- */

/* Everything that belongs to the skin, shared by both sessions. */
typedef struct skd_synth_world {
    skd_synth_waves waves;
    skd_synth_pore *pores;
    size_t n_pores;
    skd_synth_patch *patches;
    size_t n_patches;
    double patch_radius_mm;
} skd_synth_world;

/* A pore as one photo sees it. */
typedef struct skd_synth_seen_pore {
    uint32_t id;           /* index in the world's pore list */
    double x, y;           /* centre, this photo's pixels */
    double sigma_px;       /* dip sigma = radius / sqrt 2, pixels */
    double diameter_mm;
    double depth, A;       /* this session's */
    double strength;       /* A / 2: D of the lone dip at matched scale */
    double strength_model; /* D at the centre, matched scale, whole model */
    int in_frame;          /* centre inside the pixel area of the frame */
} skd_synth_seen_pore;

/* One photo: its settings and what it shows. */
typedef struct skd_synth_session {
    int is_after;
    uint32_t width, height;
    double px_per_mm;       /* true scale of this photo */
    skd_affine to_skin, to_px;
    double relief_rms;      /* nominal, after the treatment's scale */
    double pore_scale;      /* multiplies A */
    double keep_pores;      /* pores present: keep_draw < keep_pores */
    double a_base, patch_peak;
    uint64_t noise_stream, noise_index;

    /* truth, filled by the renderer */
    double relief_mean, relief_std;  /* relief field over the frame */
    uint32_t tex_margin_px;
    uint64_t tex_pixels;
    double tex_sa, tex_sq, tex_ssk, tex_sku; /* NaN when no interior */
    double a_mean, a_median, red_delta, red_area_fraction;
    double a_image_mean, ei_image_mean; /* exposed, clipped colour */
    uint64_t ei_pixels, clipped_pixels, clamped_samples;
    skd_synth_seen_pore *pores;
    size_t n_pores;
    uint32_t pores_in_frame, pores_detectable;
    double pore_threshold, frame_area_cm2, pore_density_cm2;
    double pore_mean_diameter_mm, pore_area_fraction;
} skd_synth_session;

typedef struct skd_synth_run {
    skd_synth_world world;
    skd_synth_session session[2];
    skd_image *image[2];
    int n_sessions;
} skd_synth_run;

/* Render the before photo, and the after photo when with_after, keeping
 * the images and the truth. skd_synth_run_free releases everything. */
int skd_synth_run_make(skd_ctx *ctx, const skd_synth_params *p,
                       int with_after, skd_synth_run *run);
void skd_synth_run_free(skd_ctx *ctx, skd_synth_run *run);

/* Steps of one session's render (render.c calls them in order). */
int skd_synth_render_relief(skd_ctx *ctx, const skd_synth_world *world,
                            const skd_synth_session *s, double *m,
                            float *tex);
int skd_synth_render_pores(skd_ctx *ctx, const skd_synth_world *world,
                           skd_synth_session *s, double *m, float *tex);
void skd_synth_render_patches(const skd_synth_world *world,
                              const skd_synth_session *s, float *a_star);
int skd_synth_render_session(skd_ctx *ctx, const skd_synth_params *p,
                             const skd_synth_world *world,
                             skd_synth_session *s, skd_image *img);

/* sigma^2 lap(G_sigma * relief) at pixel point (x, y), sigma in pixels. */
double skd_synth_relief_log(const skd_synth_world *world,
                            const skd_synth_session *s, double x, double y,
                            double sigma);

/* Texture gain of the DoG band at pixel frequency (wx, wy) in rad/px,
 * aliased into (-pi, pi], for a photo of px_per_mm. */
double skd_synth_band_gain(double wx, double wy, double px_per_mm);

/* The truth document; *out is allocated through ctx. */
int skd_synth_truth_json(skd_ctx *ctx, const skd_synth_params *p,
                         const skd_synth_run *run, char **out);

#endif
