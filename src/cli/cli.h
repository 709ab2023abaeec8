/* The skindiff command-line tool: a thin client of the public API. */
#ifndef SKD_CLI_H
#define SKD_CLI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "skindiff.h"

/* Exit codes (documented in README.md, "Exit status"). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_SOME_FAILED = 1, /* some inputs failed; the rest are done */
    CLI_EXIT_USAGE = 2,       /* bad command line */
    CLI_EXIT_INPUT = 3,       /* an input could not be read or decoded */
    CLI_EXIT_ALIGN = 4,       /* compare: the photos cannot be aligned */
    CLI_EXIT_OUTPUT = 5,      /* an output file could not be written */
    CLI_EXIT_DB = 6,          /* results database error or busy */
    CLI_EXIT_NOMEM = 7,       /* out of memory */
    CLI_EXIT_INTERNAL = 70    /* a bug */
};

/* Exit code for a library status. */
int cli_exit_for_status(int status);

/* "skindiff: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error: message plus a hint to run --help; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Report a failure: "skindiff: error: <message>", with the status's name
 * in brackets where it adds something (damaged data, limits). */
void cli_error_status(const char *msg, int status);
/* The same for a failed library call, with the context's message; returns
 * the exit code. */
int cli_fail_status(skd_ctx *ctx, int status);

/* FFTW wisdom as a cache (--fft-wisdom): a missing file is the first run
 * and an unreadable one costs planning time, not figures, so neither stops
 * the work; both only warn. */
void cli_wisdom_load(skd_ctx *ctx, const char *path);
void cli_wisdom_save(skd_ctx *ctx, const char *path);
/* The planning effort for --fft-wisdom (measured) and --fft-patient. */
int cli_wisdom_effort(skd_ctx *ctx, const char *wisdom, int patient,
                      const char *cmd);

/* Growable text buffer for outputs, written at the end to stdout or,
 * atomically, to a file. */
typedef struct cli_buf {
    char *data;
    size_t len, cap;
    int failed; /* an allocation failed */
} cli_buf;

void cli_buf_printf(cli_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_buf_vprintf(cli_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void cli_buf_free(cli_buf *b);
/* path NULL or "-": stdout. Returns an exit code. */
int cli_buf_emit(skd_ctx *ctx, const cli_buf *b, const char *path);

/* JSON helpers writing into a cli_buf. Numbers that are not finite are
 * written as null. */
void cli_json_str(cli_buf *b, const char *s);
/* s as a CSV cell (skd_csv_cell: RFC 4180 quoting, and an apostrophe in
 * front of what a spreadsheet would evaluate). Every CSV cell of text the
 * tool writes goes through here. */
void cli_csv_field(cli_buf *b, const char *s);
/* The image format a file name asks for by its extension (any case):
 * CLI_IMAGE_PNG (.png), CLI_IMAGE_JPEG (.jpg, .jpeg), 0 for neither. */
enum { CLI_IMAGE_PNG = 1, CLI_IMAGE_JPEG = 2 };
int cli_image_kind(const char *path);
/* Write img as its name's format (PNG unless JPEG; JPEG at quality). */
int cli_write_image(skd_ctx *ctx, const skd_image *img, const char *path,
                    int quality);
/* The file name after the last '/'. */
const char *cli_base_name(const char *path);
void cli_json_num(cli_buf *b, double v);
/* ",%.6g" of v, or a bare "," (an empty CSV cell) when it is not finite. */
void cli_csv_num(cli_buf *b, double v);
/* The region's shares of the frame by cause (skd_exclusion) as JSON
 * members: skin_map, fraction, skin_fraction, clipped_fraction and
 * excluded {not_skin, highlight, too_dark, outside_roi_mask, margin}. */
void cli_json_exclusion(cli_buf *b, const skd_exclusion *e);

/* Options. Every option is defined once, in the table of options.c (name,
 * one-letter alias, hidden older spelling, kind, range, unit, help), so the
 * same thing has the same name, range and unit in every command. A command
 * lists the options it takes by name, with where each value goes: a field
 * of the command's options struct, or a library option on the context.
 *
 * A value comes as `--name value`, `--name=value` or, after a one-letter
 * alias, `-jVALUE`; an empty value is an error. A number outside its range
 * is refused naming the flag, the range and the unit ("--px-per-mm: 5000 is
 * outside 1..1000 px/mm"). Two flags that set one field to different values
 * (--json and --csv) are a usage error. */
typedef enum cli_kind {
    CLI_FLAG,   /* no value: the int field gets `value`, or library option
                 * `opt` is set to 1 */
    CLI_STRING, /* const char * field, not empty */
    CLI_NUMBER, /* double field or library option, in [lo, hi] */
    CLI_U32,    /* uint32_t field, digits only, in [lo, hi] */
    CLI_U64,    /* uint64_t field, digits only */
    CLI_ROI,    /* skd_roi field from X,Y,W,H */
    CLI_PAIR,   /* "A,B" into the double fields at offset and offset2 */
    CLI_CUSTOM, /* parse(value, opts) fills the fields, 1 when valid */
    CLI_WORD    /* one of the definition's `words`: the int field, or library
                 * option `opt`, gets the word's index */
} cli_kind;

enum {
    CLI_WHOLE = 1, /* numbers: whole numbers only */
    CLI_OUT = 2    /* strings: an output file, whose folder is checked before
                    * any work (cli_check_output) */
};

/* One definition (options.c). */
typedef struct cli_def {
    const char *name;    /* "--jobs" */
    const char *alias;   /* "-j" or NULL */
    const char *old;     /* an older spelling, still accepted, not shown */
    cli_kind kind;
    const char *metavar; /* "N" in "--jobs N"; NULL for flags */
    double lo, hi;       /* numbers: the accepted range when lo < hi */
    int flags;           /* CLI_WHOLE, CLI_OUT */
    const char *unit;    /* "px/mm", "% contrast", ... or NULL */
    const char *help;    /* one line for --help */
    const char *const *words; /* CLI_WORD: the accepted words, NULL-ended */
} cli_def;

/* The definition of the option called name (or alias, or old), NULL when
 * there is none. */
const cli_def *cli_def_find(const char *name);

/* One option of a command: {"--name", where the value goes}. */
typedef struct cli_option {
    const char *name;    /* the definition's name */
    skd_option opt;      /* set this library option (0: the field) */
    size_t offset;       /* of the field in the command's options struct */
    size_t offset2;      /* CLI_PAIR: of the second field */
    int value;           /* CLI_FLAG: what the field gets */
    unsigned mark;       /* or'ed into cli_args.seen when given */
    int (*parse)(const char *value, void *opts); /* CLI_CUSTOM */
    const char *expect;  /* CLI_CUSTOM: what the value should be */
    const char *help;    /* this command's help line, else the definition's */
} cli_option;

typedef struct cli_command {
    const char *name;  /* in messages */
    const char *usage; /* --help before the options: usage, what it does */
    const char *tail;  /* --help after the options; ends with an example */
    const cli_option *options;
    size_t n_options;
} cli_command;

#define CLI_COUNT(table) (sizeof(table) / sizeof *(table))

typedef struct cli_args {
    char **pos;    /* the arguments that are not options, in order; they
                    * are moved to the front of argv (argv + 1) */
    int npos;
    unsigned seen; /* marks of the options given */
} cli_args;

/* Walk argv[1..argc): fill opts (and library options on ctx, which may be
 * NULL when no option sets one), collect the other arguments ("-" is one;
 * so is all after "--"). Returns -1 to go on, or the exit code: CLI_EXIT_OK
 * after -h/--help, CLI_EXIT_USAGE after an error (reported, naming the
 * command and the option). The hidden --help-options prints the command's
 * table with each definition, for the tests. */
int cli_parse(const cli_command *cmd, skd_ctx *ctx, int argc, char **argv,
              void *opts, cli_args *args);

/* Before any work: the folder that will hold the output file `path` (given
 * with `flag`) exists and takes files. "-" (standard output) and an existing
 * file that is not a regular file (a device, a FIFO) pass. Returns -1, or
 * CLI_EXIT_OUTPUT after reporting the problem. */
int cli_check_output(const char *flag, const char *path);

/* The --help text: usage, the options (from the table), the tail. */
void cli_print_help(const cli_command *cmd, FILE *f);

/* File arguments with folders expanded (with recursive set): every photo
 * (.jpg .jpeg .png .heic .heif .tif .tiff) under a folder at any depth,
 * hidden entries skipped, sorted by name. Other arguments are kept as
 * given. Returns -1 to go on, or an exit code (reported). */
typedef struct cli_paths {
    char **path; /* owned; free with cli_paths_free */
    size_t n, cap;
} cli_paths;
int cli_paths_collect(cli_paths *p, char **args, int n, int recursive);
void cli_paths_free(cli_paths *p);

/* Facial zones (zones.c): which route the command line asks for. */
typedef struct cli_zone_request {
    int face;              /* --face: dlib */
    const char *landmarks; /* --landmarks FILE.json */
    const char *labels;    /* --zones Z.png */
    const char *zones_out; /* --zones-out Z.png */
    const char *landmarks_after; /* compare --landmarks-after F.json */
} cli_zone_request;

/* The zones of one photo and their figures ([SKD_ZONE_WHOLE] is the
 * whole region); status[i] is SKD_E_NO_REGION for a zone without a
 * measured pixel. z is NULL when no zones were asked for. */
typedef struct cli_zone_result {
    skd_zones *z;
    skd_metrics m[SKD_ZONE_COUNT];
    int status[SKD_ZONE_COUNT];
} cli_zone_result;

int cli_zones_wanted(const cli_zone_request *q);
/* With --face, starts loading dlib's model now, so that it loads while the
 * photos are decoded and analysed (a failure is reported where the face
 * is looked for). */
void cli_zones_prepare(skd_ctx *ctx, const cli_zone_request *q);
/* Usage checks; -1 to go on, else the exit code. */
int cli_zones_check(const char *cmd, const cli_zone_request *q, int n_images);
/* The zones of img into r (r->z NULL when none are asked for): found
 * before the analysis, so that the skin map keeps the skin connected to
 * the face (docs/skin-map.md). */
int cli_zones_find(skd_ctx *ctx, const cli_zone_request *q,
                   const skd_image *img, cli_zone_result *r);
/* The face's landmarks of r for skd_region_spec, or NULL. */
const skd_point *cli_zones_landmarks(const cli_zone_result *r);
/* The zones' figures over a (the zones found first when r->z is NULL: r
 * zeroed or from cli_zones_find), and --zones-out written. */
int cli_zones_measure(skd_ctx *ctx, const cli_zone_request *q,
                      const skd_image *img, const skd_analysis *a,
                      cli_zone_result *r);
void cli_zones_free(cli_zone_result *r);
/* "dlib", "landmarks", "labels" or "none" (no face found). */
const char *cli_zone_source(skd_zone_source source);
/* Whether zone has figures to show: whole always, others when a face is. */
int cli_zone_present(const cli_zone_result *r, int zone);
/* Warnings for no face and several faces, naming path. */
void cli_zones_warn(const char *path, const cli_zone_result *r);

/* compare with zones (compare_zones.c). The zones of both photos (the
 * after photo's with --face or --landmarks-after, else za->z NULL), found
 * before the comparison so that each photo's skin map uses its own face
 * as analyze --face does; the caller frees both, also on failure. */
int cli_compare_zones_find(skd_ctx *ctx, const cli_zone_request *q,
                           const skd_image *before, const skd_image *after,
                           cli_zone_result *zb, cli_zone_result *za);
/* Their figures over the comparison's analyses, and the warnings the
 * zones' changes zc (skd_compare_sessions_zones) call for; the zone rows
 * of each output below. */
int cli_compare_zones(skd_ctx *ctx, const cli_zone_request *q,
                      const skd_comparison *c, const skd_image *before,
                      const skd_image *after, cli_zone_result *zb,
                      cli_zone_result *za, const skd_zone_comparison *zc);
void cli_compare_zones_table(cli_buf *b, const skd_zone_comparison *zc);
/* Members "zone_source", "landmark_residual" and "zones", each line
 * indented by two spaces and ending ",\n". */
void cli_compare_zones_json(cli_buf *b, const skd_zone_comparison *zc);
/* The zone rows (whole excluded) of compare's CSV: each zone's name in
 * the third column, after the two files, its replicates and note last
 * (cli_compare_csv_row); zones not shown or not measured have none. */
void cli_compare_zones_csv(cli_buf *b, const char *before, const char *after,
                           const skd_zone_comparison *zc);
/* One row of compare's CSV: the files, the zone when zones are shown
 * (NULL: no zone column), then the metric's figures, area and tiles, and
 * last r, the replicates that made the figures (NULL or n 0: one photo
 * each), and note, what the zone needs said (NULL: nothing). */
void cli_compare_csv_row(cli_buf *b, const char *before, const char *after,
                         const char *zone, skd_metric_id m,
                         const skd_change *c, double area_cm2, unsigned tiles,
                         const skd_replicates *r, const char *note);

/* Subcommands. */
int cmd_analyze(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_repeatability(int argc, char **argv);
/* repeatability --manifest (rep_manifest.c): its rows in file order. */
typedef struct cli_rep_shot {
    char *path;       /* resolved against the manifest's folder */
    char *group;
    double px_per_mm; /* 0: none given */
} cli_rep_shot;
typedef struct cli_rep_shots {
    cli_rep_shot *shot;
    size_t n, cap;
} cli_rep_shots;
/* -1 when read, else the exit code (the error was printed). */
int cli_rep_manifest_read(skd_ctx *ctx, const char *path, cli_rep_shots *s);
void cli_rep_manifest_free(cli_rep_shots *s);
/* --floors FILE: the floors of a `skindiff repeatability` file set on ctx
 * (and SKD_OPT_FLOOR_SOURCE = 1). Returns -1, or an exit code after an
 * error message. */
int cli_floors_load(skd_ctx *ctx, const char *path);
int cmd_batch(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_synth(int argc, char **argv);

#endif
