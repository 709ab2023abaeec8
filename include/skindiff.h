/*
 * libskindiff: measure skin in photographs and compare treatment sessions.
 *
 * Conventions
 *  - Every function that can fail returns an int status: SKD_OK (0) or a
 *    positive skd_status. skd_strerror() names the status; skd_ctx_message()
 *    gives the detail of the last failure on that context (which file, what
 *    was wrong).
 *  - One skd_ctx per thread. Contexts share nothing mutable, so different
 *    threads may work on different contexts at the same time.
 *  - Pointers returned through an `out` parameter are owned by the caller
 *    and are released with the matching *_free function, which accepts NULL.
 *    Pointers inside a result struct are owned by that struct.
 *  - The library never prints, never exits and never reads argv.
 *  - Units: lengths in mm, areas in cm², colour in CIELAB (D65), texture and
 *    pore strength in percent contrast (units of l = 100 ln Y).
 */
#ifndef SKINDIFF_H
#define SKINDIFF_H

#include <stddef.h>
#include <stdint.h>

#include "skindiff_version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define SKD_API
#else
#define SKD_API __attribute__((visibility("default")))
#endif

/* ---- version and status ------------------------------------------------ */

/* Runtime version, e.g. "0.1.0", and SKD_VERSION_NUMBER of the library. */
SKD_API const char *skd_version_string(void);
SKD_API unsigned skd_version_number(void);

typedef enum skd_status {
    SKD_OK = 0,
    SKD_E_NOMEM = 1,       /* an allocation failed */
    SKD_E_INVALID = 2,     /* bad argument or option value */
    SKD_E_IO = 3,          /* a file could not be opened, read or written */
    SKD_E_FORMAT = 4,      /* not an image format this build reads */
    SKD_E_CORRUPT = 5,     /* truncated or damaged image data */
    SKD_E_UNSUPPORTED = 6, /* valid but unsupported variant */
    SKD_E_LIMIT = 7,       /* image exceeds the configured limits */
    SKD_E_NO_REGION = 8,   /* nothing measurable: analysis region empty */
    SKD_E_ALIGN = 9,       /* the two photos cannot be aligned */
    SKD_E_DB = 10,         /* results database error */
    SKD_E_BUSY = 11,       /* database in use by another run */
    SKD_E_INTERNAL = 12,   /* a bug: please report */
    SKD_E_WHITE_REF = 13   /* the white reference patch cannot be used
                              (clipped, too dark, too small, not uniform) */
} skd_status;

/* Static English name of a status, never NULL. */
SKD_API const char *skd_strerror(int status);

/* ---- context and options ---------------------------------------------- */

typedef struct skd_ctx skd_ctx;

/* Optional allocator (for embedding and for allocation-failure tests).
 * All of the library's own allocations go through it; those made inside
 * libpng, libjpeg, LittleCMS, libheif, libtiff, FFTW and SQLite
 * do not. */
typedef struct skd_allocator {
    void *(*malloc_fn)(void *opaque, size_t size);
    void (*free_fn)(void *opaque, void *ptr);
    void *opaque;
} skd_allocator;

/* Returns NULL only when memory is exhausted. */
SKD_API skd_ctx *skd_ctx_create(void);
SKD_API skd_ctx *skd_ctx_create_with_allocator(const skd_allocator *alloc);
SKD_API void skd_ctx_free(skd_ctx *ctx);

/* Detail of the last failure on ctx ("" if none). Owned by ctx; valid until
 * the next call on ctx. */
SKD_API const char *skd_ctx_message(const skd_ctx *ctx);

/* Options. Numbers are fixed forever; new options get new numbers. */
typedef enum skd_option {
    SKD_OPT_PX_PER_MM = 1,       /* scale; 0 = unset: 20 px/mm, "assumed" */
    SKD_OPT_MAX_PIXELS = 2,      /* decode limit, default 100e6 */
    SKD_OPT_THREADS = 3,         /* threads inside one analysis, default 1 */
    SKD_OPT_PORE_THRESHOLD = 4,  /* tau, percent contrast, default 10 */
    SKD_OPT_RED_DELTA = 5,       /* a* above the local background (2 mm
                                    Gaussian mean) for red area, default 5 */
    SKD_OPT_ASSUME_ALIGNED = 6,  /* 1: skip registration, identity transform */
    SKD_OPT_BOOTSTRAP_N = 7,     /* bootstrap resamples, default 2000 */
    SKD_OPT_SEED = 8,            /* bootstrap seed, default 1 */
    SKD_OPT_TILE_MM = 9,         /* tile side, default 5 mm */
    SKD_OPT_FLOOR_SA = 10,       /* noise floor, % of before, default 3 */
    SKD_OPT_FLOOR_PORES = 11,    /* noise floor, % of before, default 5 */
    SKD_OPT_FLOOR_A_MEAN = 12,   /* noise floor, a* units, default 0.5 */
    SKD_OPT_FLOOR_ERYTHEMA = 13, /* noise floor, EI units, default 1.0 */
    SKD_OPT_FLOOR_RED_AREA = 14, /* noise floor, % points, default 0.5 */
    SKD_OPT_MIN_CONFIDENCE = 15, /* registration confidence needed, 0..1 */
    SKD_OPT_FFT_MEASURE = 16,    /* 1: FFTW_MEASURE, 2: FFTW_PATIENT; default 0 */
    SKD_OPT_SKIN = 17,           /* skin map S: 1 auto (default), 0 off (the
                                    whole frame is skin) */
    /* How a white reference corrects (docs/colour.md): 0 = Bradford
     * chromatic adaptation (a change of the light's colour; default),
     * 1 = per-channel gains on linear sRGB (a camera's white-balance gains
     * gone wrong). Both make the patch neutral; they differ on other
     * colours. */
    SKD_OPT_WHITE_REF_METHOD = 20,
    /* The luminance a white reference is brought to (docs/colour.md,
     * "Exposure"): 0 (default) = the patch keeps its own (only its colour
     * is corrected); Y in (0, 1] = the photo's light is also scaled so that
     * the patch reads Y (e.g. 0.18 for an 18% grey card: the figures as if
     * the card's reflectance were known). compare brings the after photo's
     * reference to the before photo's luminance this way (see
     * skd_acquisition.white_ref_gain). */
    SKD_OPT_WHITE_REF_Y = 21,
    /* Comparing sessions: colour calibration, acquisition check, counts
     * (docs/comparing.md, "Same skin, different day"). */
    SKD_OPT_FLOOR_A_UNCAL = 25,     /* a* floor without white refs, default 2.0 */
    SKD_OPT_FLOOR_EI_UNCAL = 26,    /* EI floor without white refs, default 3.0 */
    SKD_OPT_MAX_RESIDUAL = 27,      /* median per-tile residual to accept a
                                       registration, px, default 1.0 */
    SKD_OPT_MAX_TILE_SHIFT = 28,    /* a tile with a larger residual is left
                                       out of the interval, px, default 2.0 */
    SKD_OPT_MAX_EXPOSURE_PCT = 29,  /* |luminance change| of the common skin
                                       above which texture and pore verdicts
                                       are inconclusive, %, default 20 */
    SKD_OPT_MAX_LIGHT_B = 30,       /* |b* change| of the common skin (no
                                       white refs) above which a* and EI
                                       verdicts are inconclusive, default 1.5 */
    SKD_OPT_MAX_SHARPNESS_PCT = 31, /* |sharpness ratio - 1| above which
                                       texture and pore verdicts are
                                       inconclusive, %, default 25 */
    SKD_OPT_MIN_PORES = 32,         /* pores needed in each photo's common
                                       region for a pore verdict, default 30 */
    SKD_OPT_ACQ_CHECK = 33,         /* 1 (default): the acquisition check
                                       may make verdicts inconclusive; 0: it
                                       is only reported */
    /* Registration restricted to a rectangle of the before photo (pixels;
     * width or height 0: the whole photo), for faces that move non-rigidly:
     * choose a part that moved as one piece. */
    SKD_OPT_ALIGN_ROI_X = 34,
    SKD_OPT_ALIGN_ROI_Y = 35,
    SKD_OPT_ALIGN_ROI_W = 36,
    SKD_OPT_ALIGN_ROI_H = 37,
    SKD_OPT_FLOOR_SOURCE = 38,      /* where the floor options came from, for
                                       skd_change.floor_source: 0 booth
                                       defaults, 1 a floors file (skindiff
                                       repeatability) */
    SKD_OPT_MAX_LIGHT_REF = 39,     /* |a*| or |b*| change of the white
                                       references above which a* and EI
                                       verdicts are inconclusive, default 0.5 */
    /* facial zones (docs/zones.md) */
    SKD_OPT_FACE_PIXELS = 40,    /* face detection image size, pixels; the
                                    photo is reduced by an integer factor
                                    to at most this; default 500000 */
    SKD_OPT_LANDMARK_RESIDUAL = 41, /* compare: mapped landmarks' RMS
                                       residual that warns, mm; default 2 */
    SKD_OPT_BATCH_ZONES = 42,    /* batch: 1 finds each photo's face (dlib)
                                    and stores every zone's figures and
                                    changes beside the whole region's;
                                    default 0 */
    SKD_OPT_EXACT = 45           /* 1: every filter at full rate (no multi-rate
                                    Gaussians: docs/performance.md); default 0 */
} skd_option;

SKD_API int skd_ctx_set(skd_ctx *ctx, skd_option opt, double value);
SKD_API int skd_ctx_get(const skd_ctx *ctx, skd_option opt, double *value);

/* FFTW wisdom, so planning effort is paid once per machine. */
SKD_API int skd_wisdom_load(skd_ctx *ctx, const char *path);
SKD_API int skd_wisdom_save(skd_ctx *ctx, const char *path);

/* ---- images ------------------------------------------------------------ */

typedef enum skd_format {
    SKD_FORMAT_UNKNOWN = 0,
    SKD_FORMAT_PNG = 1,
    SKD_FORMAT_JPEG = 2,
    SKD_FORMAT_HEIF = 3, /* HEIC/HEIF, when built with libheif */
    SKD_FORMAT_TIFF = 4  /* TIFF, when built with libtiff */
} skd_format;

/* Where an image's colour description comes from (docs/colour.md), in
 * the order of precedence: an embedded ICC profile, then a PNG sRGB chunk,
 * PNG gAMA (with cHRM), a HEIF nclx box, the EXIF ColorSpace tag, and
 * finally nothing at all (the photo is taken as sRGB and says so). */
typedef enum skd_colour_kind {
    SKD_COLOUR_ASSUMED_SRGB = 0, /* no colour information in the file */
    SKD_COLOUR_ICC = 1,          /* embedded ICC profile */
    SKD_COLOUR_SRGB_CHUNK = 2,   /* PNG sRGB chunk */
    SKD_COLOUR_GAMA_CHRM = 3,    /* PNG gAMA, with cHRM or sRGB primaries */
    SKD_COLOUR_EXIF_SRGB = 4,    /* EXIF ColorSpace 1 */
    SKD_COLOUR_EXIF_ADOBE = 5,   /* EXIF uncalibrated + interop "R03" */
    SKD_COLOUR_NCLX = 6,         /* HEIF nclx: primaries + transfer code */
    SKD_COLOUR_NOT_APPLIED = 7   /* CMYK with a CMYK profile: converted
                                    without it (see colour_source) */
} skd_colour_kind;

/* What the decoder sees in a file, before any conversion. */
typedef struct skd_image_info {
    skd_format format;
    uint32_t stored_width, stored_height; /* as coded in the file */
    uint32_t width, height;               /* after EXIF orientation */
    int bit_depth;                        /* bits per sample in the file */
    int channels;                         /* samples per pixel in the file */
    char colour_type[16]; /* "grey", "grey+alpha", "rgb", "rgba", "palette",
                             "cmyk", "ycck", "ycbcr" */
    char coding[16];      /* PNG: "non-interlaced"/"adam7";
                             JPEG: "baseline"/"extended"/"progressive"/
                             "arithmetic"/"lossless" */
    int exif_orientation; /* 1..8 from EXIF, 0 when absent */
    int has_icc;          /* an ICC profile is embedded */
    /* The colour description the pixels are converted with (appended in
     * 0.3): its kind and a short ASCII text for outputs, "assumed sRGB",
     * "icc: <profile description>", "sRGB chunk", "gAMA+cHRM", "gAMA",
     * "exif: sRGB", "exif: Adobe RGB", "nclx: <primaries>, <transfer>". */
    skd_colour_kind colour_kind;
    char colour_source[128];
} skd_image_info;

/* A decoded photo: RGB as coded in the file, 16 bits per sample (8-bit
 * files are scaled by 257), row-major, EXIF orientation applied, alpha
 * dropped. Sample (x, y, c) is rgb[(y * width + x) * 3 + c]. The samples
 * are in the photo's own colour space: icc, when set, is the profile that
 * describes them (the embedded one, or one built from the file's PNG
 * gAMA/cHRM, EXIF or nclx tags), and the analysis converts through it;
 * without it they are sRGB. Images made by skd_image_create are sRGB. */
typedef struct skd_image {
    uint32_t width, height;
    uint16_t *rgb;       /* owned by the image */
    skd_image_info info; /* how it was stored */
    uint8_t *icc;        /* ICC profile of the samples or NULL; owned by the
                            image (appended in 0.3) */
    size_t icc_size;
} skd_image;

/* Reads only the headers (and EXIF); decodes no pixels. */
SKD_API int skd_probe_file(skd_ctx *ctx, const char *path,
                           skd_image_info *info);

/* Decode PNG or JPEG. Truncated or corrupt data is an error. The pixel limit
 * (SKD_OPT_MAX_PIXELS) is checked before any pixel buffer is allocated.
 * *out is owned by the caller: skd_image_free(). */
SKD_API int skd_image_load(skd_ctx *ctx, const char *path, skd_image **out);
SKD_API int skd_image_decode(skd_ctx *ctx, const void *data, size_t size,
                             skd_image **out);

/* A new black image, for generated content. */
SKD_API int skd_image_create(skd_ctx *ctx, uint32_t width, uint32_t height,
                             skd_image **out);
SKD_API void skd_image_free(skd_image *img);

/* Write 8-bit sRGB files. The file appears complete or not at all (written
 * to a temporary file in the same directory, then renamed). */
SKD_API int skd_image_write_png(skd_ctx *ctx, const skd_image *img,
                                const char *path);
SKD_API int skd_image_write_jpeg(skd_ctx *ctx, const skd_image *img,
                                 const char *path, int quality);

/* Write a whole buffer to path atomically (temporary file + rename). */
SKD_API int skd_write_file_atomic(skd_ctx *ctx, const char *path,
                                  const void *data, size_t size);

/* ---- analysis (docs/measurements.md) ---------------------------------- */

/* Rectangle of interest in image pixels; w == 0 or h == 0 means none. */
typedef struct skd_roi {
    uint32_t x, y, w, h;
} skd_roi;

/* Narrowing of the analysis mask; every member is optional. */
typedef struct skd_region_spec {
    const skd_image *mask; /* same size as the photo; non-zero = include */
    skd_roi roi;
    /* A neutral patch (grey card, white-balance card) in the photo: the
     * photo's linear colour is adapted (Bradford) so that the patch's mean
     * is neutral D65 at its own luminance, before any plane is made
     * (appended in 0.3; w == 0 means none). A patch that is clipped, too
     * dark, too small or not uniform is refused: SKD_E_WHITE_REF.
     * In a comparison, white references in both photos make the colour
     * "calibrated" (a* and EI judged against the calibrated floors). */
    skd_roi white_ref;
    /* The subject's face: its SKD_LANDMARK_COUNT landmarks in photo pixels
     * (e.g. skd_zones.landmarks; appended in 0.3; NULL means none). The
     * skin map then estimates the skin colour from the face's cheeks, nose
     * and chin and keeps only skin connected to them: face, neck, ears
     * (docs/skin-map.md). Borrowed: read during the call only. */
    const struct skd_point *landmarks;
} skd_region_spec;

typedef struct skd_pore {
    float x, y;     /* centre, image pixels */
    float radius;   /* r_k, pixels (radius in mm = radius / px_per_mm) */
    float strength; /* D at the centre, percent contrast */
} skd_pore;

/* The figures of docs/measurements.md. All "lower is better" except the
 * shape descriptors ssk and sku, which have no direction. */
typedef struct skd_metrics {
    double sa, sq, ssk, sku;      /* texture, percent contrast */
    uint32_t pore_count;          /* pores with centre in the region */
    double pore_density_per_cm2;  /* count / area */
    double pore_mean_diameter_mm; /* mean 2 r (0 when no pores) */
    double pore_area_fraction;    /* sum pi r^2 / area, 0..1 */
    double a_mean, a_median;      /* CIELAB a* */
    double erythema_index;        /* mean 100 log10(R/G), linear RGB */
    double red_area_fraction;     /* fraction with a* - local background
                                     (G_2mm*(a* M))/(G_2mm*M) >= delta */
    double area_cm2;              /* area of the region measured */
    uint64_t region_pixels;
} skd_metrics;

enum {
    SKD_WARN_SCALE_ASSUMED = 1u << 0, /* no scale given: 20 px/mm assumed */
    SKD_WARN_LOW_RESOLUTION = 1u << 1, /* < 10 px/mm: pores unreliable */
    SKD_WARN_OVEREXPOSED = 1u << 2     /* > 2% of R has a clipped channel */
};

/* How an analysis read the photo's colour. With a white reference, the
 * adaptation is the 3x3 matrix on linear sRGB (Bradford to D65, or the
 * diagonal of per-channel gains) that made the patch neutral; gains are
 * what it does to the patch's own linear R, G, B. The patch figures
 * are measured after the profile and before the adaptation. */
typedef struct skd_colour_info {
    char source[128];       /* as skd_image_info.colour_source */
    int white_ref;          /* 1 when a white reference was applied */
    skd_roi white_ref_roi;
    double adaptation[3][3]; /* linear sRGB -> linear sRGB; identity if none */
    double gains[3];        /* on the patch's linear R, G, B */
    double patch_lab[3];    /* CIELAB of the patch mean, before adaptation */
    double patch_cv;        /* coefficient of variation of Y over the patch */
    int white_ref_method;   /* SKD_OPT_WHITE_REF_METHOD used: 0 Bradford,
                               1 per-channel gains */
    double patch_chroma_sd; /* RMS distance of the patch's pixels from
                               their mean in (a*, b*), before adaptation */
} skd_colour_info;
/* Why a pixel of the photo is not in the region R (skd_analysis.cause). A
 * pixel gets the first cause that applies, in this order: outside, not
 * skin, highlight, too dark, margin. */
typedef enum skd_cause {
    SKD_CAUSE_NONE = 0,      /* in R: measured */
    SKD_CAUSE_NOT_SKIN = 1,  /* left out by the skin map S */
    SKD_CAUSE_HIGHLIGHT = 2, /* specular: every channel >= 240/255 */
    SKD_CAUSE_TOO_DARK = 3,  /* Y < 0.01 */
    SKD_CAUSE_OUTSIDE = 4,   /* outside the ROI or the user mask */
    SKD_CAUSE_MARGIN = 5     /* none of these itself, but within 0.25 mm of
                                one (the growth) or where G_1mm * M < 0.9 */
} skd_cause;

/* What was measured and what was not, as shares of the frame (all pixels
 * of the photo). region + not_skin + highlight + too_dark +
 * outside_roi_mask + margin = 1. */
typedef struct skd_exclusion {
    double region;           /* R, the pixels measured */
    double skin;             /* S: kept by the skin map (1 when it is off) */
    double not_skin, highlight, too_dark, outside_roi_mask, margin;
    double clipped;          /* clipped_fraction: pixels of R with one or
                                two channels >= 240/255, share of R (0 when
                                R is empty); > 0.02 sets
                                SKD_WARN_OVEREXPOSED */
    int skin_map;            /* 1 when the skin map was used */
} skd_exclusion;

/* Result of skd_analyze(). Keeps the per-pixel planes that comparisons need;
 * owned by the caller: skd_analysis_free(). The erythema values are not
 * kept: they depend on a pixel's R and G samples alone, so they are read
 * from the photo when figures are computed (skd_metrics_in_region).
 * The planes are width*height, row by row, but are computed only in the
 * analysis window: the bounding box of the analysis mask M (after the
 * ROI, the user mask and the automatic exclusions) grown by the reach of
 * the texture's 1 mm filter (ceil(4 s) + 2 px at s px/mm: 82 px at 20) and
 * clamped to the photo. It holds R and everything the figures over R
 * depend on, so an ROI, a mask or a dark background excluded around the
 * skin makes the analysis cheaper. region and red_area are 0 outside R;
 * texture and a_star are 0 outside the window (inside it, a_star is a* of
 * every pixel and texture is T of the filled luminance). */
typedef struct skd_analysis {
    uint32_t width, height;
    double px_per_mm;
    int scale_assumed; /* 1 when px_per_mm is the default */
    unsigned warnings; /* SKD_WARN_* bits */
    skd_metrics metrics;
    size_t n_pores;
    skd_pore *pores;     /* n_pores entries */
    uint8_t *region;     /* width*height: 1 = pixel in region R */
    uint8_t *red_area;   /* width*height: 1 = counted as red area */
    float *texture;      /* width*height: T = G_0.05 * l - G_1.0 * l; 0
                            outside the window */
    float *a_star;       /* width*height: CIELAB a*; 0 outside the window */
    skd_colour_info colour; /* how the colour was read (appended in 0.3) */
    /* Added in 0.3: what was not measured and why. */
    skd_exclusion exclusion;
    uint8_t *cause;      /* width*height: skd_cause of each pixel */
    /* Added in 0.3: 0 when measured in the photo's own band; else the
     * px/mm of the coarser photo of a comparison whose common band it was
     * measured in (docs/comparing.md, "Different resolutions"): the
     * texture band's fine edge is band_fine_mm and the pore search starts
     * at radius band_pore_min_mm. */
    double band_px_per_mm;
    double band_fine_mm, band_pore_min_mm;
    /* Added in 0.3: width*height, 1 where a pixel of R is near the red
     * threshold, d = a* - background within [delta / (1 + c), delta (1 + c))
     * with c = SKD_OPT_FLOOR_SA / 100: the pixels whose red/not-red call a
     * change of colour contrast by the Sa floor's share would flip. Their
     * share sets the red area's threshold floor in compare
     * (docs/comparing.md, "Red area: the threshold's floor"); 0 outside R. */
    uint8_t *red_near;
} skd_analysis;

/* Measure one photo. spec may be NULL. */
SKD_API int skd_analyze(skd_ctx *ctx, const skd_image *img,
                        const skd_region_spec *spec, skd_analysis **out);
SKD_API void skd_analysis_free(skd_analysis *a);

/* Only the region stage of skd_analyze: the skin map, the mask M and the
 * region R, with exclusion and cause filled in and region set; no figures
 * (metrics NaN, no pores; red_area, red_near, texture and a_star NULL). It
 * succeeds also when R is empty, which is what it is for: to show why a
 * photo has nothing to measure (skd_analyze fails with SKD_E_NO_REGION
 * then).
 * *out is owned by the caller: skd_analysis_free(). */
SKD_API int skd_analyze_region(skd_ctx *ctx, const skd_image *img,
                               const skd_region_spec *spec,
                               skd_analysis **out);

/* Recompute the figures of an analysis over a sub-region: include[i] != 0
 * selects pixel i (it is intersected with a->region). img is the photo the
 * analysis was made from (same size, else SKD_E_INVALID): the erythema
 * index is computed from its samples. Pores count when their centre pixel
 * is selected. Red area counts the selected pixels of a->red_area: red is
 * a property of the pixel (its a* against its local background over the
 * whole analysis), so a sub-region counts the same pixels as the whole.
 * median_a is ignored (kept for ABI compatibility; pass NAN). An empty
 * selection returns
 * SKD_E_NO_REGION with every figure NaN. */
SKD_API int skd_metrics_in_region(skd_ctx *ctx, const skd_analysis *a,
                                  const skd_image *img, const uint8_t *include,
                                  double median_a, skd_metrics *out);

/* Overlay picture: the photo with pores circled and red areas tinted;
 * what the skin map left out darkened to grey-blue, highlights and dark
 * pixels darkened, outside the ROI/mask and the margin dimmed. Works on an
 * analysis of skd_analyze_region too (no pores, no tint). */
SKD_API int skd_render_overlay(skd_ctx *ctx, const skd_image *img,
                               const skd_analysis *a, skd_image **out);

/* ---- comparison (docs/comparing.md) -------------------------------- */

/* Similarity transform mapping after-photo pixel coordinates onto the
 * before photo: p_before = scale * R(rotation) * (p_after - c_after) +
 * c_before + (dx, dy), where c_* are the image centres ((w-1)/2, (h-1)/2). */
typedef struct skd_transform {
    double dx, dy;       /* pixels */
    double rotation_deg; /* counter-clockwise in image coordinates (y down) */
    double scale;
    double confidence;   /* 0..1; 1 when assumed aligned */
} skd_transform;

/* Metrics that get a before/after change, interval and verdict. */
typedef enum skd_metric_id {
    SKD_METRIC_SA = 0,
    SKD_METRIC_SQ = 1,
    SKD_METRIC_PORE_DENSITY = 2,
    SKD_METRIC_PORE_DIAMETER = 3,
    SKD_METRIC_PORE_AREA = 4,
    SKD_METRIC_A_MEAN = 5,
    SKD_METRIC_A_MEDIAN = 6,
    SKD_METRIC_ERYTHEMA = 7,
    SKD_METRIC_RED_AREA = 8,
    SKD_METRIC_COUNT = 9
} skd_metric_id;

/* Static descriptions: JSON key ("sa"), label ("Texture Sa"), unit
 * ("% contrast"). */
SKD_API const char *skd_metric_key(skd_metric_id m);
SKD_API const char *skd_metric_label(skd_metric_id m);
SKD_API const char *skd_metric_unit(skd_metric_id m);
/* v as the report and the CLI table show metric m: the unit's useful
 * decimals (pore density 1, diameter 3, others 2), "+" on signed values
 * when sign != 0, "n/a" when not finite, never "-0.00". buf gets at most n
 * bytes, NUL-terminated. */
SKD_API void skd_metric_format(char *buf, size_t n, skd_metric_id m, double v,
                               int sign);

typedef enum skd_verdict {
    SKD_NO_SIGNIFICANT_CHANGE = 0,
    SKD_IMPROVED = 1,
    SKD_WORSENED = 2,
    SKD_INCONCLUSIVE = 3 /* the photos differ in more than the skin: see
                            skd_change.reason */
} skd_verdict;

SKD_API const char *skd_verdict_name(skd_verdict v);

typedef struct skd_change {
    double before, after;     /* over the common region */
    double change;            /* after - before */
    double change_pct;        /* 100 * change / before (NaN if before == 0) */
    double ci_low, ci_high;   /* 95% bootstrap interval of the change */
    double noise_floor;       /* in the metric's unit */
    skd_verdict verdict;
    /* Why the verdict is inconclusive, in plain words ("the after photo is
     * 32% darker"); "" otherwise. */
    char reason[160];
    /* Which floor judged it, a static string: "booth defaults",
     * "uncalibrated colour". */
    const char *floor_source;
} skd_change;

/* What else differs between the two photos (docs/comparing.md,
 * "Acquisition check"). Changes are after - before. */
enum {
    SKD_ACQ_EXPOSURE = 1u << 0,  /* luminance changed past the limit */
    SKD_ACQ_LIGHT = 1u << 1,     /* colour of the light changed */
    SKD_ACQ_SHARPNESS = 1u << 2, /* focus / blur changed */
    SKD_ACQ_MOVED = 1u << 3,     /* median tile residual past the limit */
    SKD_ACQ_TONE = 1u << 4,      /* the tone curves differ: contrast scaled
                                    by at least the Sa floor (added in 0.3) */
    SKD_ACQ_RESOLUTION = 1u << 5 /* the photos' pixels per mm differ so much
                                    that the other photo's larger pixels alone
                                    would lose at least the pore floor's
                                    share of the sharper one's pores (added
                                    in 0.3) */
};

/* The name of one SKD_ACQ_* limit as outputs write it ("exposure", "light",
 * "sharpness", "moved", "tone", "resolution"); NULL for anything that is not
 * exactly one known flag. Static storage. Added in 0.3. */
SKD_API const char *skd_acquisition_limit_name(unsigned flag);

typedef struct skd_acquisition {
    double exposure_pct;       /* 100 (mean Y after / mean Y before - 1) of
                                  the common skin, linear luminance, as the
                                  cameras took it (before white_ref_gain) */
    double dL, da, db;         /* mean CIELAB of the common skin */
    int colour_calibrated;     /* white references in both photos */
    double neutral_dL, neutral_da, neutral_db; /* of the white refs, as
                                  decoded (NaN without refs in both) */
    double sharpness_before, sharpness_after; /* high- to mid-band power of
                                  the texture plane over the common skin */
    double sharpness_ratio;    /* after / before */
    double region_share_before, region_share_after; /* share of each frame
                                  in the common region */
    double residual_median_px; /* median per-tile local shift left after
                                  the global transform (NaN: not measured) */
    double residual_max_px;
    uint32_t tiles_measured;   /* tiles whose residual was measured */
    uint32_t tiles_dropped;    /* left out of the intervals: residual above
                                  SKD_OPT_MAX_TILE_SHIFT */
    unsigned flags;            /* SKD_ACQ_* limits exceeded */
    double scale;              /* the transform's scale: the sharpness ratio
                                  is judged only within 5% of 1 */
    /* Added in 0.3: the least-squares slope of the 5 mm tiles' mean
     * l = 100 ln Y, after on before (1: the same tone curve; a different
     * curve scales all contrast, Sa with it), and the SD of the before
     * tiles' means (the slope is judged only when the skin shows enough
     * large-scale light and shade: tone_spread >= SKD_TONE_MIN_SPREAD);
     * NaN with fewer than 3 tiles. */
    double tone_slope, tone_spread;
    /* Added in 0.3: the after photo's px/mm over the before's (1: the same
     * resolution; the transform's scale inverted), and the share of the sharper photo's pores in
     * the common region that the other photo's larger pixels alone would
     * lose (their strength, through a pixel of the other's size, below the
     * threshold; a lower bound: docs/comparing.md, "Different
     * resolutions"). Judged against the pore density floor. When the
     * scales differ both photos are measured in their common band (the
     * analyses' band_* members), and the share is that of the band's
     * pores. */
    double resolution_ratio, pores_unresolved;
    /* Added in 0.3: with white references in both photos, the factor on
     * the after photo's linear light that makes its reference as bright
     * as the before photo's (Y of the before reference over Y of the
     * after's, each after its colour correction); 1 without. Every figure
     * of the comparison is read after it; exposure_pct is the camera's
     * exposure change, before it (docs/comparing.md, "Colour
     * calibration"). */
    double white_ref_gain;
} skd_acquisition;

/* The least spread of the before tiles' mean l for the tone slope to be
 * judged: flat skin (a close-up under even light) has too little light and
 * shade for a slope to mean anything. */
#define SKD_TONE_MIN_SPREAD 1.0

/* Several photos of the same view in one session (replicates,
 * skd_compare_sessions): their spread is this pair's photo-to-photo noise
 * (docs/comparing.md, "Replicates"). */
typedef struct skd_replicates {
    uint32_t n_before, n_after; /* photos per session */
    /* Degrees of freedom of the spread: the sum over both sessions of
     * (photos - 1) whose metric was measured; 0: no replicates, the floors
     * are the options' (booth defaults, uncalibrated or a floors file). */
    uint32_t df[SKD_METRIC_COUNT];
    /* Pooled within-session standard deviation of one photo's figure:
     * percent of the figure for Sa, Sq and the pore figures, the metric's
     * unit for a*, EI and red area; NaN where df is 0. */
    double sd[SKD_METRIC_COUNT];
    /* The floor they give, t(0.975, df) * sqrt(2) * sd (the 95% bound of
     * the difference between two single photos of unchanged skin), in the
     * metric's unit at the before session's mean figure; NaN where df is
     * 0. */
    double floor[SKD_METRIC_COUNT];
    /* Added in 0.3: the first photos' own change (after - before) and its
     * tile-bootstrap interval, in the metric's unit: what change[] is
     * without replicates. NaN from skd_compare (one photo each). */
    double pair_change[SKD_METRIC_COUNT];
    double pair_ci_low[SKD_METRIC_COUNT], pair_ci_high[SKD_METRIC_COUNT];
} skd_replicates;

typedef struct skd_comparison {
    skd_transform transform;
    double common_area_cm2;
    double px_per_mm;
    int scale_assumed;
    uint32_t tiles_x, tiles_y; /* tile grid over the before photo */
    double tile_px;            /* tile side in before-photo pixels */
    uint32_t tiles_used;       /* tiles >= 80% covered in both photos */
    skd_change change[SKD_METRIC_COUNT];
    /* Per-tile change (after - before), tiles_x*tiles_y per metric, NaN for
     * tiles not used: tile_change[m * tiles_x * tiles_y + ty * tiles_x + tx]. */
    float *tile_change;
    skd_analysis *before; /* analyses of both photos (owned) */
    skd_analysis *after;
    uint8_t *common_before; /* before-photo mask of the common region */
    uint8_t *common_after;  /* after-photo mask of the common region */
    skd_acquisition acquisition;
    /* Per-tile residual (px), tiles_x*tiles_y, NaN where not measured. */
    float *tile_residual;
    /* Added in 0.3: the sessions' replicates (skd_compare_sessions); one
     * photo per session (n_before = n_after = 1) without them. */
    skd_replicates replicates;
} skd_comparison;

/* Register, restrict to the common region, tile, bootstrap and judge.
 * Fails with SKD_E_ALIGN when registration confidence is below
 * SKD_OPT_MIN_CONFIDENCE or the median per-tile residual is not below
 * SKD_OPT_MAX_RESIDUAL (unless SKD_OPT_ASSUME_ALIGNED: then a large
 * residual makes every verdict inconclusive). Specs may be NULL; their
 * white_ref members calibrate the colour when both are set. */
SKD_API int skd_compare(skd_ctx *ctx, const skd_image *before,
                        const skd_region_spec *before_spec,
                        const skd_image *after,
                        const skd_region_spec *after_spec,
                        skd_comparison **out);
SKD_API void skd_comparison_free(skd_comparison *c);

/* skd_compare with analyses the caller already has, so that a photo in
 * several comparisons (a batch's baseline) is analysed once.
 * before_analysis must be skd_analyze of `before` with before_spec (which
 * may be NULL; its white reference also serves the acquisition check) at
 * the context's options; after_analysis (may be NULL) one of `after`. The
 * registration still reads both photos' pixels, and so do the tiles. The
 * after photo is measured at the before photo's scale when the registered
 * scale is within 0.2% of 1 (as in skd_compare), else at that scale
 * divided by it: after_analysis is used when it was made at the before
 * photo's px/mm and the registered scale is within 0.2% of 1;
 * otherwise the after photo is analysed here (with after_spec, may be
 * NULL). The comparison borrows the analyses passed in (c->before and, if
 * used, c->after point to them): they must outlive it, and
 * skd_comparison_free leaves them to the caller. Same figures as
 * skd_compare given the same analyses. */
SKD_API int skd_compare_analyses(skd_ctx *ctx, const skd_image *before,
                                 const skd_region_spec *before_spec,
                                 skd_analysis *before_analysis,
                                 const skd_image *after,
                                 const skd_region_spec *after_spec,
                                 skd_analysis *after_analysis,
                                 skd_comparison **out);

/* One photo of a session: the photo, its region spec (may be NULL) and,
 * optionally, its analysis at the context's options (borrowed, as in
 * skd_compare_analyses; NULL: analysed here). */
typedef struct skd_session_photo {
    const skd_image *image;
    const skd_region_spec *spec;
    skd_analysis *analysis;
} skd_session_photo;

/* Compare two sessions that each have one or more photos of the same view
 * (replicates, taken minutes apart). The first photos of both sessions are
 * compared (skd_compare_analyses of before[0] and after[0]: the common
 * region, tiles, maps and acquisition check are theirs). Every other photo
 * is compared with its own session's first photo; those within-session
 * changes give each session's mean figure and their pooled spread SD,
 * this pair's photo-to-photo noise. For each metric they measured
 * (replicates.df > 0): before and after are the sessions' mean figures,
 * the change is theirs, and the interval is change +- t(0.975, df) *
 * sqrt(sd_b^2 / n_b + sd_a^2 / n_a) (sd_b, sd_a: SD at each session's
 * figure; for pore density widened by the counts' Poisson uncertainty;
 * docs/comparing.md, "Replicates"); the first photos' change and
 * tile interval stay in c->replicates.pair_*. The replicates' floor
 * (c->replicates.floor) replaces the options' floors (floor_source
 * "replicates"). Without white
 * references in both first photos, a* and EI keep at least the
 * uncalibrated floors (a session's replicates share one light and cannot
 * see a change of light between the sessions). Inconclusive verdicts stay
 * inconclusive. n_before, n_after >= 1; with one photo each this is
 * skd_compare_analyses. A replicate that cannot be aligned with its
 * session's first photo fails the call (SKD_E_ALIGN, the message names
 * it). The analyses passed in are borrowed and must outlive *out. */
SKD_API int skd_compare_sessions(skd_ctx *ctx, const skd_session_photo *before,
                                 size_t n_before,
                                 const skd_session_photo *after,
                                 size_t n_after, skd_comparison **out);

/* Only the registration step. */
SKD_API int skd_register(skd_ctx *ctx, const skd_image *before,
                         const skd_image *after, skd_transform *out);

/* The after photo resampled into the before frame (for display only: no
 * metric is ever computed on it). */
SKD_API int skd_warp_to_before(skd_ctx *ctx, const skd_image *after,
                               const skd_transform *t, uint32_t width,
                               uint32_t height, skd_image **out);

/* Self-contained HTML report (images embedded, no network). */
SKD_API int skd_report_html(skd_ctx *ctx, const skd_comparison *c,
                            const skd_image *before, const skd_image *after,
                            const char *before_name, const char *after_name,
                            const char *path);

/* ---- synthetic skin (ground truth) ------------------------------------ */

typedef struct skd_synth_params {
    uint32_t width, height;
    double px_per_mm;
    uint64_t seed;
    /* skin colour, CIELAB D65 */
    double L, a, b;
    /* relief: band-limited texture in l, RMS amplitude in percent contrast */
    double relief_rms;
    /* pores */
    double pore_density_per_cm2;
    double pore_diameter_min_mm, pore_diameter_max_mm;
    double pore_depth_min, pore_depth_max; /* fraction darker at the centre */
    /* red patches: Gaussian blobs raising a* */
    uint32_t red_patches;
    double red_patch_delta_a;  /* a* increase at the patch centre */
    double red_patch_radius_mm;
    /* capture */
    double exposure;    /* multiplies linear RGB (1 = as specified) */
    double noise_sigma; /* Gaussian sensor noise, in 8-bit sRGB units */
    double offset_x_mm, offset_y_mm; /* where the camera looks on the skin */
    /* second session: treatment applied to the same skin */
    double keep_pores;     /* fraction of pores still present, 0..1 */
    double pore_depth_scale;
    double relief_scale;
    double delta_a;        /* a* change of the base colour */
    double red_patch_scale;
    uint64_t after_noise_seed; /* new sensor noise for the second photo */
    skd_transform camera;  /* after -> before pixel transform */
    /* Added in 0.3: the camera's white balance, gains of linear red and
     * blue relative to green (1 = neutral), applied with the exposure to
     * both photos; the truth's colour figures stay those of the skin. */
    double wb_red, wb_blue;
} skd_synth_params;

/* Realistic defaults for a width x height photo at px_per_mm. */
SKD_API void skd_synth_defaults(skd_synth_params *p, uint32_t width,
                                uint32_t height, double px_per_mm);

/* Render the "before" photo, and the treated "after" photo when after is
 * non-NULL. *truth_json receives the ground truth as a JSON document
 * (pores, relief, colour, expected figures), caller frees with skd_free(). */
SKD_API int skd_synth(skd_ctx *ctx, const skd_synth_params *p,
                      skd_image **before, skd_image **after,
                      char **truth_json);

/* What this build reads: a static string such as
 * "PNG JPEG HEIF TIFF; colour: LittleCMS 2.14", never NULL. */
SKD_API const char *skd_build_formats(void);
/* Bits of SKD_FORMAT_* (1 << format) the build can decode. */
SKD_API unsigned skd_build_format_mask(void);

/* Free memory the library returned as a plain buffer (strings). */
SKD_API void skd_free(skd_ctx *ctx, void *ptr);

/* ---- facial zones (docs/zones.md) ------------------------------------- */

/* Zones, named from the subject's point of view: the subject's left cheek
 * is on the image's right in a frontal photo. The numbers are the values of
 * a zone label image. SKD_ZONE_WHOLE is all of the region R. */
typedef enum skd_zone {
    SKD_ZONE_WHOLE = 0,
    SKD_ZONE_FOREHEAD = 1,
    SKD_ZONE_NOSE = 2,
    SKD_ZONE_LEFT_CHEEK = 3,
    SKD_ZONE_RIGHT_CHEEK = 4,
    SKD_ZONE_CHIN = 5,
    SKD_ZONE_COUNT = 6
} skd_zone;

/* Static name: "whole", "forehead", "nose", "left_cheek", "right_cheek",
 * "chin"; NULL outside the enum. */
SKD_API const char *skd_zone_name(skd_zone z);

/* The 68 points of the iBUG 300-W annotation (dlib's shape predictor), in
 * photo pixels; docs/zones.md names them. */
#define SKD_LANDMARK_COUNT 68
typedef struct skd_point {
    double x, y;
} skd_point;

typedef enum skd_zone_source {
    SKD_ZONES_NO_FACE = 0,   /* no face found: one region, "whole" */
    SKD_ZONES_DLIB = 1,      /* landmarks from dlib */
    SKD_ZONES_LANDMARKS = 2, /* landmarks given (file or array) */
    SKD_ZONES_LABELS = 3     /* a label image given */
} skd_zone_source;

/* The zones of one photo. labels is width*height bytes, one skd_zone per
 * pixel (0 = no zone), the zone polygons before they meet the region R:
 * figures over a zone use the pixels of R it labels. Owned by the caller:
 * skd_zones_free(), which frees labels too. */
typedef struct skd_zones {
    uint32_t width, height;
    skd_zone_source source;
    uint32_t faces_found;  /* dlib: faces found; more than 1 warns (the
                              largest is used) */
    double face_box[4];    /* dlib: the face used: left, top, width, height */
    int has_landmarks;     /* dlib and landmarks sources */
    skd_point landmarks[SKD_LANDMARK_COUNT];
    uint8_t *labels;       /* NULL when source is SKD_ZONES_NO_FACE */
    uint64_t zone_pixels[SKD_ZONE_COUNT]; /* pixels labelled per zone
                                             ([0]: the unlabelled) */
} skd_zones;

/* "dlib" when the build finds faces itself (skd_zones_detect), else NULL. */
SKD_API const char *skd_landmarks_backend(void);

/* Find the largest face with dlib and build its zones. No face gives zones
 * with source SKD_ZONES_NO_FACE and SKD_OK. The model (95 MB, 0.1 s of
 * CPU to load) is loaded on the first call, or by skd_face_preload, and
 * kept by ctx until skd_ctx_free. SKD_E_UNSUPPORTED when the build has no
 * dlib or the model file is missing. */
SKD_API int skd_zones_detect(skd_ctx *ctx, const skd_image *img,
                             skd_zones **out);

/* Starts loading the face model of ctx on a thread of its own and returns
 * at once, so that it loads while the photo is decoded and analysed; the
 * next skd_zones_detect on ctx waits for it (and reports a failed load).
 * Call it as soon as you know faces are wanted. SKD_OK also when the
 * model is loaded or loading already; SKD_E_UNSUPPORTED when the build has
 * no dlib. The thread touches nothing of ctx but the model; skd_ctx_free
 * waits for it. */
SKD_API int skd_face_preload(skd_ctx *ctx);

/* Zones of a width x height photo from 68 landmarks (photo pixels). */
SKD_API int skd_zones_from_landmarks(skd_ctx *ctx, uint32_t width,
                                     uint32_t height, const skd_point *pts,
                                     skd_zones **out);

/* The 68 landmarks of a JSON file (format in docs/zones.md) into pts. */
SKD_API int skd_landmarks_load_json(skd_ctx *ctx, const char *path,
                                    skd_point *pts);

/* Zones from a label image (values 0..5 in the first channel of an 8-bit
 * image: as skd_image_load gives it, a sample of v * 257), the photo's
 * size. A value above 5 is SKD_E_INVALID. */
SKD_API int skd_zones_from_labels(skd_ctx *ctx, const skd_image *labels,
                                  skd_zones **out);
SKD_API void skd_zones_free(skd_zones *z);

/* Write the label image (8-bit PNG, value = zone, 0 = none) of the zones
 * met with the region R of a (a may be NULL: the polygons unmet). */
SKD_API int skd_zones_write_png(skd_ctx *ctx, const skd_zones *z,
                                const skd_analysis *a, const char *path);

/* Figures of one zone: skd_metrics_in_region over the pixels the zone
 * labels (red area counts the analysis' red pixels, each against its own
 * local background, as in the whole region). SKD_ZONE_WHOLE gives
 * a->metrics. SKD_E_NO_REGION (figures NaN) when the zone holds no pixel
 * of R. */
SKD_API int skd_zone_metrics(skd_ctx *ctx, const skd_analysis *a,
                             const skd_image *img, const skd_zones *z,
                             skd_zone zone, skd_metrics *out);

/* The smallest zone whose figures analyze reports: a disc of radius 1 mm
 * (pi mm², 0.0314 cm²), the coarse scale of the texture band and the
 * fill; a zone smaller than that holds less than one independent sample
 * of the band, and its figures describe a few pixels, not a zone. */
#define SKD_ZONE_MIN_AREA_CM2 0.031415926535897934
/* 1 when zone figures m (from skd_zones_metrics) cover less skin than
 * SKD_ZONE_MIN_AREA_CM2: report "too small" instead of its figures. */
SKD_API int skd_zone_too_small(const skd_metrics *m);

/* Figures of every zone at once, in one scan of the photo and the planes
 * (far cheaper than skd_zone_metrics zone by zone, which makes them all
 * too): out[zone] and status[zone] for each zone, arrays of
 * SKD_ZONE_COUNT owned by the caller; out[SKD_ZONE_WHOLE] is a->metrics.
 * status[zone] is SKD_E_NO_REGION (figures NaN) for a zone that holds no
 * pixel of R (no zones at all: every zone but whole); the figures are
 * those of skd_zone_metrics, bit for bit. Returns SKD_OK, or the error
 * that stopped it (then every zone's status but whole's holds it). */
SKD_API int skd_zones_metrics(skd_ctx *ctx, const skd_analysis *a,
                              const skd_image *img, const skd_zones *z,
                              skd_metrics *out, int *status);

/* Draw each zone's outline (one colour per zone, docs/zones.md) onto
 * picture, e.g. an overlay from skd_render_overlay; same size as z. */
SKD_API int skd_draw_zone_outlines(skd_ctx *ctx, skd_image *picture,
                                   const skd_zones *z);

/* Zones in a comparison: each zone of the before photo, mapped onto the
 * after photo through the registration like the tiles (an after pixel
 * belongs to the zone its mapped position falls in), measured on each
 * photo's own pixels of the common region, with its own tiles, intervals
 * and verdicts, against the floors of the whole region (the options' or,
 * from skd_compare_sessions, the replicates' at the zone's before figure;
 * skd_change.floor_source says which). With replicates,
 * skd_compare_sessions_zones gives each zone the sessions' means and the
 * zone's own spread instead. */
typedef struct skd_zone_change {
    int measured;        /* 1 when the zone holds common skin in both photos */
    double area_cm2;     /* the zone's common skin, before photo */
    uint32_t tiles_used; /* the zone's tiles covered >= 80% in both photos;
                            below 2 the zone is too small for an interval:
                            intervals NaN, verdict no significant change */
    skd_change change[SKD_METRIC_COUNT];
} skd_zone_change;

typedef struct skd_zone_comparison {
    skd_zone_source source;               /* of the before photo's zones */
    skd_zone_change zone[SKD_ZONE_COUNT]; /* [SKD_ZONE_WHOLE]: the
                                             comparison's own figures */
    /* When both photos' zones carry landmarks: the after photo's landmarks
     * mapped through the registration onto the before photo's, RMS
     * distance over the 68 points (before pixels, and mm). A large one
     * (> SKD_OPT_LANDMARK_RESIDUAL mm) means the registration does not
     * hold for the face (it moved, or the photos are not of one face). */
    int has_residual;
    double landmark_residual_px, landmark_residual_mm;
    int residual_large;
    /* Added in 0.3: per zone, the replicates that made its figures
     * (skd_compare_sessions_zones; [SKD_ZONE_WHOLE] is the comparison's
     * own c->replicates). n_before and n_after count the photos of each
     * session in which the zone was measured (a zone missing or too
     * small in a replicate leaves that photo out); df, sd and floor are
     * the zone's own spread across those photos; pair_* the first
     * photos' own zone change and tile interval. All zero (df 0) from
     * skd_compare_zones and where the zone had no replicates. */
    skd_replicates replicates[SKD_ZONE_COUNT];
} skd_zone_comparison;

/* Per-zone figures of a comparison c made from the photos before and
 * after. zb: the before photo's zones (its size); za: the after photo's
 * (may be NULL; used for the landmark check only). Fills *out (caller
 * owned, nothing to free). For c from skd_compare_sessions these are the
 * first photos' zones (with the whole region's replicates' floors); use
 * skd_compare_sessions_zones for the sessions' means per zone. */
SKD_API int skd_compare_zones(skd_ctx *ctx, const skd_comparison *c,
                              const skd_image *before, const skd_image *after,
                              const skd_zones *zb, const skd_zones *za,
                              skd_zone_comparison *out);

/* skd_compare_sessions with facial zones: the comparison (*out, as
 * skd_compare_sessions gives it) and its zones (*zones, as
 * skd_compare_zones gives them for the first photos) in one call, each
 * zone reported like the whole region: its before and after are the
 * sessions' mean figures of the zone, its change theirs, its interval
 * change +- t(0.975, df) sqrt(sd_b^2 / n_b + sd_a^2 / n_a) from the zone's
 * own spread across the replicates (pore density widened by the zone's
 * counts' Poisson uncertainty), its floor t(0.975, df) sqrt(2) SD
 * (floor_source "replicates"). zb: the first before photo's zones (its
 * size); every other photo's zones are zb mapped through the
 * registrations (the after session's first photo through the pair's,
 * each replicate through its own onto its session's first photo), so a
 * zone is the same skin in every photo; za (may be NULL): the first after
 * photo's own zones, for the landmark check only. A zone counts in a
 * replicate when it has common skin and at least 2 tiles there (the rule
 * that makes a zone too small for an interval); elsewhere that photo is
 * left out of the zone's means and spread, and zones->replicates[zone]
 * says how many photos remain. A zone too small or empty in the first
 * photos keeps their figures (no replicates' means). A metric whose zone
 * spread has no degree of freedom keeps the first photos' zone change and
 * interval, judged against the whole region's replicates' floor at the
 * zone's figure (floor_source "replicates (whole region)"). Same
 * ownership as skd_compare_sessions; *zones is caller owned. With one
 * photo per session this is skd_compare_sessions and skd_compare_zones. */
SKD_API int skd_compare_sessions_zones(skd_ctx *ctx,
                                       const skd_session_photo *before,
                                       size_t n_before,
                                       const skd_session_photo *after,
                                       size_t n_after, const skd_zones *zb,
                                       const skd_zones *za,
                                       skd_comparison **out,
                                       skd_zone_comparison *zones);

/* Added in 0.3: what zone `zone` of zc needs said beside its figures, in
 * the words compare and batch use: no common skin, too small for an
 * interval (fewer than 2 tiles), or the sessions' means over fewer photos
 * than the sessions have (the zone missing or too small in a replicate).
 * NULL when there is nothing to say. Returns a static string or buf
 * (cap bytes; 160 hold every note), owned by the caller's buf. */
SKD_API const char *skd_zone_change_note(const skd_zone_comparison *zc,
                                         skd_zone zone, char *buf,
                                         size_t cap);

/* skd_report_html with facial zones: the before overlay outlines the zones
 * (zones: the before photo's, may be NULL) and a table gives each zone's
 * changes and verdicts (zc from skd_compare_zones, may be NULL). */
SKD_API int skd_report_html_zones(skd_ctx *ctx, const skd_comparison *c,
                                  const skd_image *before,
                                  const skd_image *after,
                                  const char *before_name,
                                  const char *after_name,
                                  const skd_zones *zones,
                                  const skd_zone_comparison *zc,
                                  const char *path);

/* ---- CSV cells ---------------------------------------------------------- */

/* s as one CSV cell, the way every CSV of skindiff is written: RFC 4180
 * quoting (quoted when it holds a comma, quote, CR or LF or starts or ends
 * with a space; quotes doubled), and a leading apostrophe when a
 * spreadsheet would evaluate it (it starts with = + @ tab CR, or with '-'
 * and is not a number) or when it starts with an apostrophe, so that
 * removing one leading apostrophe gives s back. Writes at most cap bytes
 * including the terminating NUL into out (which may be NULL when cap is 0)
 * and returns the cell's length, like snprintf. s NULL is "". */
SKD_API size_t skd_csv_cell(const char *s, char *out, size_t cap);
/* 1 when skd_csv_cell puts an apostrophe in front of s. */
SKD_API int skd_csv_needs_apostrophe(const char *s);

/* Reading a CSV file the way skindiff reads its manifests: RFC 4180
 * quoting (fields in double quotes, "" for a quote, line breaks allowed
 * inside quotes), CRLF or LF, an optional UTF-8 BOM, at most 32 fields per
 * record, blank lines skipped. The file (a regular file of at most 1 GiB)
 * is read whole by skd_csv_open; *out is freed with skd_csv_reader_free
 * (NULL accepted) and must not outlive ctx, which receives its messages. */
typedef struct skd_csv_reader skd_csv_reader;
SKD_API int skd_csv_open(skd_ctx *ctx, const char *path, skd_csv_reader **out);
/* The next record: 1 with *fields (*n strings, owned by the reader, valid
 * until the next call) and *line, the file line it starts on; 0 at the end
 * of the file; a negative value is minus a status, the context's message
 * naming the file and line (an unclosed quote, a stray quote, a NUL
 * byte, too many fields). */
SKD_API int skd_csv_next(skd_csv_reader *r, const char *const **fields,
                         size_t *n, size_t *line);
SKD_API void skd_csv_reader_free(skd_csv_reader *r);

/* ---- report details ------------------------------------------------------ */

/* When the photo at path was taken, from its EXIF DateTimeOriginal (JPEG
 * APP1, PNG eXIf), as "YYYY-MM-DD HH:MM" (camera local time) into out
 * (cap >= 17). SKD_E_FORMAT when the file has none; the caller may fall
 * back to the file's date and must then say so. Reads at most 256 KiB. */
SKD_API int skd_capture_date(skd_ctx *ctx, const char *path, char *out,
                             size_t cap);

/* What the report says about the visit. Every member may be NULL (not
 * shown); strings are copied into the report, not kept. */
typedef struct skd_report_info {
    const char *title;       /* heading; NULL: "Skin comparison" */
    const char *patient;     /* name or number */
    const char *site;        /* treated site, e.g. "left cheek" */
    const char *before_date; /* capture dates, as shown */
    const char *after_date;
    const char *date_source; /* where the dates come from, e.g. "EXIF
                              * DateTimeOriginal" or "file dates" */
    const struct skd_zones *zones; /* the before photo's facial zones */
    const struct skd_zone_comparison *zc; /* their changes (compare_zones) */
} skd_report_info;

/* skd_report_html with the visit's details (info may be NULL). */
SKD_API int skd_report_html_info(skd_ctx *ctx, const skd_comparison *c,
                                 const skd_image *before,
                                 const skd_image *after,
                                 const char *before_name,
                                 const char *after_name,
                                 const skd_report_info *info,
                                 const char *path);

#ifdef __cplusplus
}
#endif
#endif
