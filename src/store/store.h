/* Private store module: hashing, the archive plan (walker, manifest), the
 * SQLite results database, the batch driver, export and merge. */
#ifndef SKD_STORE_H
#define SKD_STORE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "skindiff_batch.h"

/* ---- SHA-256 ------------------------------------------------------------ */

#define SKD_HEX_LEN 65 /* 64 hex digits + NUL */

typedef struct skd_sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t n;
} skd_sha256;

void skd_sha256_init(skd_sha256 *s);
void skd_sha256_update(skd_sha256 *s, const void *data, size_t size);
void skd_sha256_final(skd_sha256 *s, uint8_t out[32]);
/* Lower-case hex digest of a buffer. */
void skd_sha256_hex(const void *data, size_t size, char out[SKD_HEX_LEN]);

/* ---- the plan: photos and the comparisons between them ----------------- */

/* One photo of the archive. Strings are owned by the plan. */
typedef struct skd_entry {
    char *patient, *session, *view;
    char *path;      /* as opened: absolute or relative to the cwd */
    char *rel_path;  /* as stored: relative to the archive / manifest */
    char *mask_path; /* NULL: no mask */
    double px_per_mm; /* from the manifest; 0: none */
    double session_order; /* from the manifest (session_order column) */
    int has_order;        /* session_order was given */
    skd_roi white_ref;    /* from the manifest (that photo's pixels); w == 0:
                             none */
    /* Replicates (several photos of the view in one session): view is the
     * photo's own name as stored ("front_2"), series_view the view its
     * series and comparisons go by ("front"); NULL: view. */
    char *series_view;
    unsigned replicate; /* 1, 2, ...; 0: not a replicate */
    unsigned session_index; /* 1-based place in its patient+view series */
    char *preset_error; /* the walker's objection (duplicate view), or NULL */
    size_t line;        /* manifest line, 0 for the walker */
    /* Filled by the image phase. */
    char content[SKD_HEX_LEN]; /* sha256 of the bytes, or "unreadable" */
    char image_key[SKD_HEX_LEN];
    int status;    /* SKD_OK or the failure of this photo */
    char *message; /* failure message (owned by the plan), or NULL */
    double scale;  /* effective px/mm */
    int scale_assumed;
    /* The photo's face as a landmarks file (manifest column landmarks,
     * docs/zones.md), resolved like path; NULL: dlib finds it. */
    char *landmarks_path;
} skd_entry;

typedef enum skd_cmp_kind {
    SKD_CMP_BASELINE_PREVIOUS = 0, /* second session: both at once */
    SKD_CMP_BASELINE = 1,
    SKD_CMP_PREVIOUS = 2
} skd_cmp_kind;

const char *skd_cmp_kind_name(skd_cmp_kind k);

/* A comparison of two sessions: the first photo of each and how many
 * photos each session has (replicates follow their first photo). */
typedef struct skd_pair {
    size_t before, after; /* entry indices */
    skd_cmp_kind kind;
    size_t n_before, n_after; /* photos of each session, >= 1 */
} skd_pair;

/* Photos of one view in one session that a comparison uses; more are
 * error rows. */
#define SKD_MAX_REPLICATES 16

/* The view a photo's series goes by. */
static inline const char *skd_series_view(const skd_entry *e)
{
    return e->series_view ? e->series_view : e->view;
}
/* A photo whose view is named <view>_<n> (n of 1 to 6 digits, not 0) is
 * replicate n of <view>; other names are left as they are. */
int skd_plan_mark_replicate(skd_ctx *ctx, skd_entry *e);
/* Make e replicate number `replicate` (>= 1) of view series_view. */
int skd_plan_set_replicate(skd_ctx *ctx, skd_entry *e, const char *series_view,
                           unsigned replicate);

typedef struct skd_plan {
    skd_entry *e;
    size_t n, cap;
    skd_pair *pairs;
    size_t n_pairs;
    /* Shard k of n (n == 0: all): the walker and the manifest reader keep
     * only this shard's patients, so a shard's memory and the folders it
     * lists grow with the shard, not with the archive. */
    unsigned shard_k, shard_n;
} skd_plan;

/* 1 when the plan keeps this patient (its shard, or no sharding). */
int skd_plan_wants(const skd_plan *plan, const char *patient);

void skd_plan_free(skd_ctx *ctx, skd_plan *plan);
/* Append an entry (strings copied; mask_path may be NULL). */
int skd_plan_add(skd_ctx *ctx, skd_plan *plan, const char *patient,
                 const char *session, const char *view, const char *path,
                 const char *rel_path, const char *mask_path, double px_per_mm);
/* Keep only patients of shard k of n (n == 0: keep all). */
void skd_plan_shard(skd_ctx *ctx, skd_plan *plan, unsigned k, unsigned n);
/* Session order: the manifest's session_order when both have one, else
 * natural order (digit runs compared as numbers, so visit2 < visit10 and
 * ISO dates 2024-03-18 < 2024-10-02 sort in time), ties by bytes. */
int skd_session_cmp(const skd_entry *a, const skd_entry *b);
/* Sort by (patient, series view, session order, replicate) and list the
 * comparisons: for each patient+view, every later session against the
 * first and the previous one (the second session once, as
 * "baseline+previous"), each session with all its photos. Sets every
 * entry's session_index (replicates share their session's). */
int skd_plan_finish(skd_ctx *ctx, skd_plan *plan);

/* Walk ARCHIVE/<patient>/<session>/<view>.{jpg,jpeg,png} (extensions in any
 * case; hidden names and other files ignored; listing order irrelevant). */
int skd_walk_archive(skd_ctx *ctx, const char *root, skd_plan *plan);
/* Read a manifest CSV: header patient,session,view,path[,px_per_mm][,mask]
 * [,white_ref][,session_order] in any column order; paths relative to the manifest's folder. Bad rows are
 * SKD_E_INVALID with "FILE:LINE: problem". */
int skd_read_manifest(skd_ctx *ctx, const char *path, skd_plan *plan);
/* Parse manifest text (for tests); dir is prefixed to relative paths. */
int skd_parse_manifest(skd_ctx *ctx, const char *name, const char *text,
                       size_t size, const char *dir, skd_plan *plan);

/* ---- the results database ---------------------------------------------- */

struct sqlite3;
struct sqlite3_stmt;

typedef struct skd_db {
    struct sqlite3 *db;
    int lock_fd; /* DB.lock, flock()ed for the whole run; -1 if none */
    struct sqlite3_stmt *find_image, *put_image, *find_cmp, *put_cmp;
    struct sqlite3_stmt *set_index;
    /* Zone rows (zone_rows.c), prepared when first used. */
    struct sqlite3_stmt *del_image_zones, *put_image_zone;
    struct sqlite3_stmt *del_cmp_zones, *put_cmp_zone;
    /* The run's parameter sets: rows are found and stored within them, so
     * results of other settings stay side by side (skd_param_sets). */
    char image_set[SKD_HEX_LEN]; /* the analysis settings */
    char param_set[SKD_HEX_LEN]; /* those and the comparison settings */
} skd_db;

/* Take DB.lock (exclusive, non-blocking): SKD_E_BUSY if another run holds
 * it. The kernel releases it when the process dies. */
int skd_db_lock(skd_ctx *ctx, const char *db_path, int *fd);
/* The lock of a database another run may be writing, taken only if its
 * lock file exists (*fd = -1 otherwise); SKD_E_BUSY while a run holds it. */
int skd_db_lock_existing(skd_ctx *ctx, const char *db_path, int *fd);
void skd_db_unlock(int fd);

/* Open (creating if needed) with WAL, synchronous=NORMAL, the schema and
 * prepared statements. Refuses another schema version. */
int skd_db_open(skd_ctx *ctx, const char *path, skd_db *db);
/* Open read-only for export (no lock taken). */
int skd_db_open_readonly(skd_ctx *ctx, const char *path, skd_db *db);
void skd_db_close(skd_db *db);
/* Create the tables if missing and check PRAGMA user_version. */
int skd_db_schema(skd_ctx *ctx, struct sqlite3 *db, const char *path);
/* "PATH: sqlite message" as SKD_E_DB (SKD_E_BUSY for SQLITE_BUSY). */
int skd_db_fail(skd_ctx *ctx, struct sqlite3 *db, const char *path,
                const char *what);

/* A photo's zones as stored: the face's five zones (the whole region is
 * the photo's own row); none when no face was found. */
typedef struct skd_image_zones {
    skd_zone_source source; /* SKD_ZONES_DLIB, or SKD_ZONES_NO_FACE */
    uint32_t faces_found;
    int status[SKD_ZONE_COUNT]; /* SKD_OK, or SKD_E_NO_REGION: empty */
    skd_metrics metrics[SKD_ZONE_COUNT];
} skd_image_zones;

/* Result of one photo, as stored. */
typedef struct skd_image_row {
    const skd_entry *entry;
    const char *content_sha256; /* or "unreadable" */
    const char *params_hash;
    int status;          /* SKD_OK or the failure */
    const char *message; /* failure message */
    uint32_t width, height;
    double px_per_mm;
    const char *scale_source; /* "manifest", "given", "assumed" */
    skd_metrics metrics;
    const skd_image_zones *zones; /* NULL: the run measures no zones */
    const skd_exclusion *exclusion; /* NULL: not known (stored NULL) */
} skd_image_row;

typedef struct skd_cmp_row {
    const skd_entry *before, *after;
    skd_cmp_kind kind;
    const char *params_hash;
    const char *cmp_key;
    int status;
    const char *message;
    skd_comparison c; /* scalar members only */
    const skd_zone_comparison *zones; /* NULL: the run measures no zones */
} skd_cmp_row;

/* Look up the stored row of a photo position in the run's image set:
 * *found = 1 when it has this key; then *status and *message (owned by
 * ctx-allocated string, free with skd_dealloc) describe it, and *index is
 * its stored session_index. */
int skd_db_find_image(skd_ctx *ctx, skd_db *db, const skd_entry *e,
                      const char *key, int *found, int *status,
                      char **message, unsigned *index);
/* Store e->session_index for a photo already in the database. */
int skd_db_set_index(skd_ctx *ctx, skd_db *db, const skd_entry *e);
int skd_db_put_image(skd_ctx *ctx, skd_db *db, const skd_image_row *row);
int skd_db_find_cmp(skd_ctx *ctx, skd_db *db, const skd_entry *before,
                    const skd_entry *after, skd_cmp_kind kind,
                    const char *key, int *found, int *status);
int skd_db_put_cmp(skd_ctx *ctx, skd_db *db, const skd_cmp_row *row);
/* The zone rows of a photo or a comparison (zone_rows.c), inside the
 * transaction of skd_db_put_image / skd_db_put_cmp: the place's earlier
 * zone rows go, the row's zones (if any) come. */
int skd_db_put_image_zones(skd_ctx *ctx, skd_db *db, const skd_image_row *r);
int skd_db_put_cmp_zones(skd_ctx *ctx, skd_db *db, const skd_cmp_row *r);
/* CREATE TABLE text: head, the eight columns of every metric (M_before,
 * M_after, M_change, M_change_pct, M_ci_low, M_ci_high, M_noise_floor,
 * M_verdict), tail. 0 when it does not fit in cap. */
int skd_db_change_table_sql(char *buf, size_t cap, const char *head,
                            const char *tail);
/* Bind those eight values of every metric from parameter first on. */
void skd_db_bind_changes(struct sqlite3_stmt *s, int first,
                         const skd_change *change);
/* The zone tables' CREATE statements (schema 3). */
extern const char skd_db_image_zones_sql[];
int skd_db_cmp_zones_sql(char *buf, size_t cap);

/* Record a run in the runs table. */
int skd_db_put_run(skd_ctx *ctx, skd_db *db, const char *run_id,
                   const char *started, const char *finished,
                   const char *source, const char *settings,
                   const skd_batch_options *opt,
                   const skd_batch_summary *sum);

/* Column prefixes of the per-metric comparison columns, in skd_metric_id
 * order (fixed: they are the database layout). */
extern const char *const skd_db_metric_cols[SKD_METRIC_COUNT];
const char *skd_db_verdict_name(int v);

/* Schema 5's acquisition columns of comparisons (after param_set), in the
 * order skd_db_bind_acquisition binds them. */
typedef struct skd_db_col {
    const char *name, *type;
} skd_db_col;
#define SKD_DB_ACQ_COLS 24
extern const skd_db_col skd_db_acq_cols[SKD_DB_ACQ_COLS];
/* Bind c's acquisition check and replicate counts from parameter first on
 * (SKD_DB_ACQ_COLS values). */
void skd_db_bind_acquisition(struct sqlite3_stmt *s, int first,
                             const skd_comparison *c);
/* Bind M_floor_source and M_reason of every metric from parameter first
 * on (2 * SKD_METRIC_COUNT values). */
void skd_db_bind_reasons(struct sqlite3_stmt *s, int first,
                         const skd_change *change);

/* ---- the driver --------------------------------------------------------- */

/* What the per-item functions get: the file bytes already read (so the key
 * and the analysis see the same bytes). */
typedef struct skd_image_job {
    const char *path;
    const void *data;
    size_t size;
    const void *mask_data; /* NULL: no mask */
    size_t mask_size;
    /* Each photo is analysed once: when keep is not NULL the analyse
     * function may leave a handle there (its decoded photo and analysis,
     * released with ops->release) for the comparisons of the same series;
     * a comparison gets them in kept (NULL: none, then it decodes and
     * analyses what it needs). */
    void **keep;
    void *kept;
    /* A comparison's zone figures go here when the run measures zones
     * (SKD_OPT_BATCH_ZONES; set on the after photo's job, else NULL). */
    skd_zone_comparison *zones;
    /* The photo's white reference (the manifest's white_ref), or NULL. */
    const skd_roi *white_ref;
    /* The photo's landmarks file (JSON, as analyze --landmarks): its face
     * instead of dlib's when the run measures zones; NULL: none. */
    const void *landmarks_data;
    size_t landmarks_size;
} skd_image_job;

typedef struct skd_image_result {
    uint32_t width, height;
    double px_per_mm;
    int scale_assumed;
    skd_metrics metrics;
    skd_image_zones zones; /* filled when the run measures zones */
    skd_exclusion exclusion; /* what the analysis left out */
    int has_exclusion;       /* 0: the analyser did not say (stored NULL) */
} skd_image_result;

/* The worker's ctx carries the options (scale set per item). On failure
 * return the status with the message on ctx. */
typedef int (*skd_analyze_fn)(void *opaque, skd_ctx *ctx,
                              const skd_image_job *job, skd_image_result *out);
/* Fill the scalar members of out (pointers stay NULL). */
typedef int (*skd_compare_fn)(void *opaque, skd_ctx *ctx,
                              const skd_image_job *before,
                              const skd_image_job *after, skd_comparison *out);
/* The same for sessions with replicates (skd_compare_sessions): n_before
 * and n_after photos, the first of each first. */
typedef int (*skd_sessions_fn)(void *opaque, skd_ctx *ctx,
                               const skd_image_job *before, size_t n_before,
                               const skd_image_job *after, size_t n_after,
                               skd_comparison *out);

typedef struct skd_batch_ops {
    skd_analyze_fn analyze;
    skd_compare_fn compare;
    void *opaque;
    /* Frees a handle analyze left in job->keep; NULL when it keeps none. */
    void (*release)(void *opaque, skd_ctx *ctx, void *kept);
    /* Sessions with replicates; NULL: their first photos are compared. */
    skd_sessions_fn compare_sessions;
} skd_batch_ops;

/* One run, shared by its worker threads. */
typedef struct skd_batch_state {
    skd_ctx *main;
    const skd_batch_options *opt;
    const skd_batch_ops *ops;
    skd_plan *plan;
    skd_db db;
    char cmp_params[SKD_HEX_LEN];
    pthread_mutex_t lock; /* guards everything below and the database */
    size_t next, total; /* series handed out, of total */
    const size_t *series;      /* first entry of series i; [total]: n */
    const size_t *series_pairs; /* first pair of series i; [total]: n_pairs */
    skd_batch_counts *images, *comparisons;
    double t0;
    int fatal; /* a database error: stop */
    char fatal_msg[1024];
} skd_batch_state;

double skd_monotonic_s(void);
/* One series (a patient's view over its sessions), in session order: each
 * photo, then the comparisons it is the after photo of, with the analyses
 * kept in memory while a later comparison needs them (items.c). */
void skd_batch_series_item(skd_batch_state *b, skd_ctx *w, size_t series);

/* skd_batch_run with injectable per-item functions (tests). */
int skd_batch_run_ops(skd_ctx *ctx, const skd_batch_options *opt,
                      const skd_batch_ops *ops, skd_batch_summary *summary);
/* The real ones: decode, skd_analyze, skd_compare. */
extern const skd_batch_ops skd_batch_default_ops;

/* Read a whole regular file (FIFOs, directories and devices are refused
 * without blocking). *data owned by caller (skd_dealloc). */
int skd_store_read_file(skd_ctx *ctx, const char *path, size_t max_size,
                  void **data, size_t *size);

/* Read a whole regular file (FIFOs, directories and devices are refused
 * without blocking); messages name the file as `name`. */
int skd_store_read_named(skd_ctx *ctx, const char *path, const char *name,
                        size_t max_size, void **data, size_t *size);

/* Canonical text of the settings that change results; these texts are
 * hashed into the keys, so a changed setting means recomputation. */
void skd_image_settings(const skd_ctx *tmpl, char *buf, size_t cap);
void skd_cmp_settings(const skd_ctx *tmpl, char *buf, size_t cap);
/* Parameter hash of one photo: settings, its scale, its mask and its white
 * reference (NULL or w == 0: none). */
void skd_image_params_hash(const skd_ctx *tmpl, double scale, int assumed,
                           const char *mask_sha256, const skd_roi *white_ref,
                           char out[SKD_HEX_LEN]);
/* sha256 of "a:b" or "a:b:c" (c may be NULL): keys made of keys. */
void skd_key_of(const char *a, const char *b, const char *c,
                char out[SKD_HEX_LEN]);

#endif
