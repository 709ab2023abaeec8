/* skindiff info: what the decoder sees in image files, from their headers
 * only (no pixels are decoded), as text, JSON or CSV. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum info_format { INFO_TEXT, INFO_JSON, INFO_CSV };

static void help(void)
{
    printf(
        "Usage: skindiff info [OPTIONS] IMAGE...\n"
        "\n"
        "Show what the decoder sees in PNG and JPEG files: size, orientation,\n"
        "bit depth, colour type, coding, EXIF orientation and ICC profile.\n"
        "Only headers are read (no pixels are decoded), so it is quick on a\n"
        "whole archive; a file that passes here can still fail to decode if\n"
        "its image data is damaged further in.\n"
        "\n"
        "Options:\n"
        "  --json             a JSON array, one object per file\n"
        "  --csv              CSV with a header row, one row per file\n"
        "  -o, --output FILE  write there (atomically) instead of stdout\n"
        "  --max-pixels N     pixel limit applied to each file (default 100e6)\n"
        "  -h, --help         this help\n"
        "\n"
        "Fields:\n"
        "  width x height     as displayed, after EXIF orientation; \"stored\"\n"
        "                     is the size coded in the file (differs for 5..8)\n"
        "  bit depth          bits per sample in the file (PNG 1..16, JPEG 8)\n"
        "  colour type        grey, grey+alpha, rgb, rgba, palette (PNG);\n"
        "                     grey, ycbcr, rgb, cmyk, ycck (JPEG)\n"
        "  coding             PNG: non-interlaced or adam7; JPEG: baseline,\n"
        "                     extended, progressive, arithmetic, arithmetic-prog\n"
        "  EXIF orientation   1..8 (TIFF tag 0x0112), applied when decoding;\n"
        "                     not shown (0 in JSON/CSV) when the file has none\n"
        "  ICC profile        embedded (reported, not applied: pixels are\n"
        "                     treated as sRGB)\n"
        "\n"
        "Examples:\n"
        "  skindiff info photo.jpg\n"
        "    photo.jpg: JPEG 3024x4032 (stored 4032x3024), 8-bit ycbcr,\n"
        "    progressive, EXIF orientation 6, ICC profile\n"
        "  skindiff info --csv -o inventory.csv archive/*/*/*.jpg\n"
        "\n"
        "A file that cannot be read prints \"FILE: error: MESSAGE\" on stderr\n"
        "(and an \"error\" field in JSON/CSV); the others are still listed.\n"
        "Exit status: 0 all files fine, 1 some failed, 2 usage error.\n");
}

/* "PATH: message" from the library becomes "message". */
static const char *strip_path(const char *msg, const char *path)
{
    size_t n = strlen(path);
    if (!strncmp(msg, path, n) && msg[n] == ':' && msg[n + 1] == ' ')
        return msg + n + 2;
    return msg;
}

static const char *format_name(skd_format f)
{
    return f == SKD_FORMAT_PNG ? "PNG" : f == SKD_FORMAT_JPEG ? "JPEG" : "?";
}

static void text_line(cli_buf *b, const char *path, const skd_image_info *in)
{
    cli_buf_printf(b, "%s: %s %ux%u", path, format_name(in->format),
                   (unsigned)in->width, (unsigned)in->height);
    if (in->width != in->stored_width || in->height != in->stored_height)
        cli_buf_printf(b, " (stored %ux%u)", (unsigned)in->stored_width,
                       (unsigned)in->stored_height);
    cli_buf_printf(b, ", %d-bit %s, %s", in->bit_depth, in->colour_type,
                   in->coding);
    if (in->exif_orientation)
        cli_buf_printf(b, ", EXIF orientation %d", in->exif_orientation);
    if (in->has_icc)
        cli_buf_printf(b, ", ICC profile");
    cli_buf_printf(b, "\n");
}

static void json_object(cli_buf *b, const char *path,
                        const skd_image_info *in, const char *error)
{
    cli_buf_printf(b, "  {\"file\": ");
    cli_json_str(b, path);
    if (error) {
        cli_buf_printf(b, ", \"ok\": false, \"error\": ");
        cli_json_str(b, error);
        cli_buf_printf(b, "}");
        return;
    }
    cli_buf_printf(b, ", \"ok\": true, \"format\": ");
    cli_json_str(b, format_name(in->format));
    cli_buf_printf(b,
                   ", \"width\": %u, \"height\": %u, \"stored_width\": %u, "
                   "\"stored_height\": %u, \"bit_depth\": %d, "
                   "\"channels\": %d, \"colour_type\": ",
                   (unsigned)in->width, (unsigned)in->height,
                   (unsigned)in->stored_width, (unsigned)in->stored_height,
                   in->bit_depth, in->channels);
    cli_json_str(b, in->colour_type);
    cli_buf_printf(b, ", \"coding\": ");
    cli_json_str(b, in->coding);
    cli_buf_printf(b, ", \"exif_orientation\": %d, \"icc_profile\": %s}",
                   in->exif_orientation, in->has_icc ? "true" : "false");
}

/* RFC 4180 field: quoted when it holds a comma, quote or line break. */
static void csv_field(cli_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        cli_buf_printf(b, "%s", s);
        return;
    }
    cli_buf_printf(b, "\"");
    for (; *s; s++) {
        if (*s == '"')
            cli_buf_printf(b, "\"\"");
        else
            cli_buf_printf(b, "%c", *s);
    }
    cli_buf_printf(b, "\"");
}

static void csv_row(cli_buf *b, const char *path, const skd_image_info *in,
                    const char *error)
{
    csv_field(b, path);
    if (error) {
        cli_buf_printf(b, ",,,,,,,,,,,,");
        csv_field(b, error);
        cli_buf_printf(b, "\n");
        return;
    }
    cli_buf_printf(b, ",%s,%u,%u,%u,%u,%d,%d,%s,%s,%d,%d,\n",
                   format_name(in->format), (unsigned)in->width,
                   (unsigned)in->height, (unsigned)in->stored_width,
                   (unsigned)in->stored_height, in->bit_depth, in->channels,
                   in->colour_type, in->coding, in->exif_orientation,
                   in->has_icc);
}

/* Options anywhere before "--"; everything else is a file. Returns -1 to
 * go on, or the exit code (help shown, usage error). */
static int parse_args(int argc, char **argv, enum info_format *fmt,
                      const char **output, double *max_pixels, char **files,
                      int *nfiles)
{
    int only_files = 0;
    const char *v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || !strcmp(a, "-")) {
            files[(*nfiles)++] = argv[i];
        } else if (!strcmp(a, "--")) {
            only_files = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help();
            return CLI_EXIT_OK;
        } else if (!strcmp(a, "--json")) {
            *fmt = INFO_JSON;
        } else if (!strcmp(a, "--csv")) {
            *fmt = INFO_CSV;
        } else if ((v = cli_opt_value(argc, argv, &i, "--output")) ||
                   (v = cli_opt_value(argc, argv, &i, "-o"))) {
            if (!*v)
                return cli_usage_error("info", "%s needs a file name", a);
            *output = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--max-pixels"))) {
            if (!cli_parse_double(v, max_pixels) || *max_pixels < 1)
                return cli_usage_error("info", "--max-pixels: '%s' is not a "
                                       "positive number", v);
        } else {
            return cli_usage_error("info", "unknown option '%s'", a);
        }
    }
    if (*nfiles == 0)
        return cli_usage_error("info", "no image files given");
    return -1;
}

int cmd_info(int argc, char **argv)
{
    enum info_format fmt = INFO_TEXT;
    const char *output = NULL;
    double max_pixels = -1;
    int nfiles = 0, failed = 0, rc;
    char **files;
    skd_ctx *ctx;
    cli_buf b = {0};

    files = calloc((size_t)argc, sizeof *files);
    if (!files) {
        cli_error("out of memory");
        return CLI_EXIT_NOMEM;
    }
    rc = parse_args(argc, argv, &fmt, &output, &max_pixels, files, &nfiles);
    ctx = rc < 0 ? skd_ctx_create() : NULL;
    if (rc < 0 && !ctx) {
        cli_error("out of memory");
        rc = CLI_EXIT_NOMEM;
    }
    if (rc < 0 && max_pixels > 0 &&
        skd_ctx_set(ctx, SKD_OPT_MAX_PIXELS, max_pixels) != SKD_OK)
        rc = cli_usage_error("info", "--max-pixels: %s", skd_ctx_message(ctx));
    if (rc >= 0) {
        skd_ctx_free(ctx);
        free(files);
        return rc;
    }

    if (fmt == INFO_JSON)
        cli_buf_printf(&b, "[\n");
    if (fmt == INFO_CSV)
        cli_buf_printf(&b, "file,format,width,height,stored_width,"
                           "stored_height,bit_depth,channels,colour_type,"
                           "coding,exif_orientation,icc_profile,error\n");
    for (int k = 0; k < nfiles; k++) {
        const char *path = files[k];
        const char *error = NULL;
        skd_image_info info;
        int st = skd_probe_file(ctx, path, &info);
        if (st != SKD_OK) {
            error = strip_path(skd_ctx_message(ctx), path);
            if (!*error)
                error = skd_strerror(st);
            fprintf(stderr, "%s: error: %s\n", path, error);
            failed++;
        }
        if (fmt == INFO_JSON) {
            cli_buf_printf(&b, k ? ",\n" : "");
            json_object(&b, path, &info, error);
        } else if (fmt == INFO_CSV) {
            csv_row(&b, path, &info, error);
        } else if (!error) {
            text_line(&b, path, &info);
        }
    }
    if (fmt == INFO_JSON)
        cli_buf_printf(&b, "\n]\n");
    rc = cli_buf_emit(ctx, &b, output);
    cli_buf_free(&b);
    skd_ctx_free(ctx);
    free(files);
    if (rc != CLI_EXIT_OK)
        return rc;
    return failed ? CLI_EXIT_SOME_FAILED : CLI_EXIT_OK;
}
