/*
 * libskindiff batch API: analyse and compare a whole clinic archive into an
 * SQLite results database, export it, merge shard databases.
 *
 * Same conventions as skindiff.h (status codes, one context per thread, the
 * library never prints). The batch driver creates one context per worker
 * thread with the allocator of the context passed in, so a custom allocator
 * must be thread-safe when jobs > 1.
 */
#ifndef SKINDIFF_BATCH_H
#define SKINDIFF_BATCH_H

#include "skindiff.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the database layout (PRAGMA user_version). Merging refuses
 * databases of another version. */
#define SKD_DB_SCHEMA_VERSION 6

typedef enum skd_batch_phase {
    SKD_PHASE_IMAGES = 1,     /* analysing photos */
    SKD_PHASE_COMPARISONS = 2 /* comparing sessions */
} skd_batch_phase;

/* Progress of a run, passed to the progress callback after every item. */
typedef struct skd_batch_progress {
    skd_batch_phase phase;
    uint64_t total;   /* items of this phase */
    uint64_t done;    /* items finished in this phase, skipped included */
    uint64_t skipped; /* of done: already in the database */
    uint64_t failed;  /* of done: error rows written by this run */
    double elapsed_s; /* seconds since the work started (photos and
                         comparisons run together, series by series) */
} skd_batch_progress;

/* Called from worker threads, one call at a time (under the driver's lock):
 * keep it short. */
typedef void (*skd_batch_progress_fn)(void *opaque,
                                      const skd_batch_progress *p);

typedef struct skd_batch_options {
    /* Input: an archive folder ARCHIVE/<patient>/<session>/<view>.{jpg,
     * jpeg,png}, or a manifest CSV (then archive must be NULL). */
    const char *archive;
    const char *manifest;
    /* Results database; NULL: "skindiff.db" in the current folder
     * ("skindiff.shard-K-of-N.db" with a shard), never inside the archive.
     * Results of other settings are kept side by side in it (per parameter
     * set), never replaced. */
    const char *db_path;
    unsigned jobs;            /* worker threads; 0: online CPUs */
    unsigned shard_k, shard_n; /* 1 <= k <= n; n == 0: no sharding */
    skd_batch_progress_fn progress; /* may be NULL */
    void *progress_opaque;          /* passed to every callback */
    /* Called before any work, once per patient+view, with its sessions in
     * the order used (the first is the baseline): the manifest's
     * session_order where given, else natural order (visit2 < visit10, ISO
     * dates in time order). Strings valid during the call. May be NULL. */
    void (*session_order)(void *opaque, const char *patient,
                          const char *view, const char *const *sessions,
                          size_t n);
    /* Called for every item of this run that is an error row (failed now,
     * or a stored failure skipped), under the driver's lock: item is
     * "patient/session/view" or "patient/view session -> session". May be
     * NULL. */
    void (*failed)(void *opaque, skd_batch_phase phase, const char *item,
                   const char *message);
} skd_batch_options;

/* Counts of one run. "done" items were processed by this run (ok or
 * error), "skipped" ones were already in the database. */
typedef struct skd_batch_counts {
    uint64_t total, done, skipped, failed;
    uint64_t skipped_failed; /* skipped items whose stored row is an error */
} skd_batch_counts;

typedef struct skd_batch_summary {
    skd_batch_counts images, comparisons;
    double elapsed_s;
    char db_path[4096]; /* the database used */
    uint64_t scale_assumed; /* photos measured at the assumed 20 px/mm */
} skd_batch_summary;

/* Run a batch. The options of ctx (scale, thresholds, floors, bootstrap,
 * tile size...) are copied into every worker context. Per-item failures are
 * error rows, not a failed call: the call returns SKD_OK and the summary
 * counts them. Errors: SKD_E_INVALID (bad options, bad manifest rows: the
 * message gives the line), SKD_E_IO (archive or manifest unreadable),
 * SKD_E_BUSY (another run holds DB.lock), SKD_E_DB, SKD_E_NOMEM. */
SKD_API int skd_batch_run(skd_ctx *ctx, const skd_batch_options *opt,
                          skd_batch_summary *summary);

/* Default database path for these options (see db_path above).
 * *out is owned by the caller: skd_free(ctx, *out). */
SKD_API int skd_batch_default_db(skd_ctx *ctx, const skd_batch_options *opt,
                                 char **out);

/* Stable shard of a patient id: 1-based, (first 8 bytes of SHA-256 of the
 * id, big-endian) mod n, plus 1. */
SKD_API unsigned skd_batch_shard_of(const char *patient, unsigned n);

typedef enum skd_export_table {
    SKD_TABLE_IMAGES = 1,      /* one row per photo */
    SKD_TABLE_COMPARISONS = 2, /* one row per comparison, all metrics */
    SKD_TABLE_SERIES = 3,      /* per patient+view+session, vs baseline */
    SKD_TABLE_IMAGES_LONG = 4, /* tidy: one row per photo and figure, with
                                * zone, metric, value and unit */
    SKD_TABLE_COMPARISONS_LONG = 5, /* tidy: one row per comparison and
                                     * metric: before, after, change,
                                     * interval, floor, verdict, unit */
    SKD_TABLE_IMAGE_ZONES = 6, /* one row per photo and zone (whole first,
                                * then each facial zone): the figures of
                                * images, with a zone column */
    SKD_TABLE_COMPARISON_ZONES = 7 /* one row per comparison and zone: the
                                    * metrics of comparisons, zone column */
} skd_export_table;

typedef enum skd_export_format {
    SKD_EXPORT_CSV = 1,
    SKD_EXPORT_NDJSON = 2,
    SKD_EXPORT_CSV_EXCEL = 3 /* CSV after a UTF-8 byte order mark */
} skd_export_format;

/* Receives the export text in pieces; returns 0 on success. */
typedef int (*skd_write_fn)(void *opaque, const void *data, size_t size);

/* Export a table in a fixed order (patient, view, session, kind, keys) with
 * numbers as %.6g, missing values empty (CSV) or null (NDJSON). Columns:
 * identifying ones first, hashes last. CSV text cells are written by
 * skd_csv_cell (a spreadsheet never evaluates them). */
SKD_API int skd_export_write(skd_ctx *ctx, const char *db_path,
                             skd_export_table table, skd_export_format fmt,
                             skd_write_fn write, void *opaque);
/* The same into a file, atomically (temporary file + rename). */
SKD_API int skd_export_file(skd_ctx *ctx, const char *db_path,
                            skd_export_table table, skd_export_format fmt,
                            const char *path);
/* Table name ("images", "comparisons", "series", "images_long",
 * "comparisons_long"), NULL if unknown. */
SKD_API const char *skd_export_table_name(skd_export_table table);

/* The SELECT statement skd_export_write runs for a table (columns and row
 * order of the export), for clients that read the database themselves with
 * full precision (the Python package's read_store). Static string, NULL if
 * the table is unknown. */
SKD_API const char *skd_export_sql(skd_export_table table);

/* A parameter set of a results database: the settings of the runs that
 * made its rows. Results of other settings are stored side by side. */
typedef struct skd_param_set {
    char param_set[65];   /* hash of all the settings (the comparisons') */
    char image_set[65];   /* hash of the settings that change a photo's
                           * figures (the images') */
    char last_run_utc[32]; /* start of the latest run with these settings */
    char settings[1024];   /* the settings, as text */
    uint64_t images, comparisons; /* rows stored with them */
} skd_param_set;

/* The parameter sets of a database, latest first: the first is what the
 * export shows by default. *out is owned by the caller: skd_free(ctx,
 * *out); *n may be 0 (a database without recorded runs). */
SKD_API int skd_param_sets(skd_ctx *ctx, const char *db_path,
                           skd_param_set **out, size_t *n);
/* skd_export_write / skd_export_file for one parameter set (param_set as
 * listed by skd_param_sets; NULL: the latest). */
SKD_API int skd_export_write_set(skd_ctx *ctx, const char *db_path,
                                 skd_export_table table,
                                 skd_export_format fmt, const char *param_set,
                                 skd_write_fn write, void *opaque);
SKD_API int skd_export_file_set(skd_ctx *ctx, const char *db_path,
                                skd_export_table table, skd_export_format fmt,
                                const char *param_set, const char *path);

/* Merge shard databases into out_db (created if missing): rows are copied
 * with INSERT OR IGNORE on their unique keys, in one transaction, so a
 * failure leaves out_db as it was. A new out_db is built as
 * "out_db.merging" and renamed into place when complete, so it never exists
 * half-made.
 * Refuses databases of another schema version (SKD_E_DB) and an out_db
 * locked by a running batch (SKD_E_BUSY). */
SKD_API int skd_merge(skd_ctx *ctx, const char *out_db,
                      const char *const *shards, size_t n_shards);

#ifdef __cplusplus
}
#endif
#endif
