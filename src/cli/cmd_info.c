/* skindiff info: what the decoder sees in image files, from their headers
 * only (no pixels are decoded), as text, JSON or CSV. */
#include <string.h>

#include "cli.h"

enum info_format { INFO_TEXT, INFO_JSON, INFO_CSV };

static const char info_usage[] =
    "Usage: skindiff info [OPTIONS] IMAGE...\n"
    "       skindiff info -r [OPTIONS] FOLDER...\n"
    "\n"
    "Show what the decoder sees in image files (PNG, JPEG, and HEIC/HEIF and\n"
    "TIFF when the build reads them: skindiff --version): size, orientation,\n"
    "bit depth, colour type, coding, EXIF orientation and colour source.\n"
    "Only headers are read (no pixels are decoded), so it is quick on a\n"
    "whole archive; a file that passes here can still fail to decode if\n"
    "its image data is damaged further in.\n";

static const char info_tail[] =
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
    "  colour             where the colour description comes from, applied\n"
    "                     when measuring: \"icc: <profile description>\",\n"
    "                     \"sRGB chunk\", \"gAMA+cHRM\", \"exif: Adobe RGB\",\n"
    "                     \"nclx: ...\" or \"assumed sRGB\" (docs/colour.md)\n"
    "\n"
    "Examples:\n"
    "  skindiff info photo.jpg\n"
    "    photo.jpg: JPEG 3024x4032 (stored 4032x3024), 8-bit ycbcr,\n"
    "    progressive, EXIF orientation 6, colour icc: Display P3\n"
    "  skindiff info --csv -o inventory.csv archive/*/*/*.jpg\n"
    "  skindiff info -r archive          (every photo under archive/)\n"
    "\n"
    "A file that cannot be read prints \"FILE: error: MESSAGE\" on stderr\n"
    "(and an \"error\" field in JSON/CSV); the others are still listed.\n"
    "Exit status: 0 all files fine, 1 some failed, 2 usage error.\n";

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
    switch (f) {
    case SKD_FORMAT_PNG: return "PNG";
    case SKD_FORMAT_JPEG: return "JPEG";
    case SKD_FORMAT_HEIF: return "HEIF";
    case SKD_FORMAT_TIFF: return "TIFF";
    default: return "?";
    }
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
    cli_buf_printf(b, ", colour %s\n", in->colour_source);
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
    cli_buf_printf(b, ", \"exif_orientation\": %d, \"icc_profile\": %s, "
                      "\"colour_source\": ",
                   in->exif_orientation, in->has_icc ? "true" : "false");
    cli_json_str(b, in->colour_source);
    cli_buf_printf(b, "}");
}

static void csv_row(cli_buf *b, const char *path, const skd_image_info *in,
                    const char *error)
{
    cli_csv_field(b, path);
    if (error) {
        cli_buf_printf(b, ",,,,,,,,,,,,,");
        cli_csv_field(b, error);
        cli_buf_printf(b, "\n");
        return;
    }
    cli_buf_printf(b, ",%s,%u,%u,%u,%u,%d,%d,%s,%s,%d,%d,",
                   format_name(in->format), (unsigned)in->width,
                   (unsigned)in->height, (unsigned)in->stored_width,
                   (unsigned)in->stored_height, in->bit_depth, in->channels,
                   in->colour_type, in->coding, in->exif_orientation,
                   in->has_icc);
    cli_csv_field(b, in->colour_source);
    cli_buf_printf(b, ",\n");
}

typedef struct info_args {
    int format; /* enum info_format */
    int recursive;
    const char *output;
} info_args;

#define F(field) .offset = offsetof(info_args, field)

static const cli_option info_options[] = {
    {"--recursive", F(recursive), .value = 1},
    {"--json", F(format), .value = INFO_JSON},
    {"--csv", F(format), .value = INFO_CSV},
    {"--output", F(output)},
    {"--max-pixels", .opt = SKD_OPT_MAX_PIXELS},
};

static const cli_command info_command = {
    "info", info_usage, info_tail, info_options, CLI_COUNT(info_options)};

int cmd_info(int argc, char **argv)
{
    info_args a = {INFO_TEXT, 0, NULL};
    cli_paths files = {0};
    cli_args args;
    int failed = 0, rc;
    skd_ctx *ctx;
    cli_buf b = {0};

    if (!(ctx = skd_ctx_create())) {
        cli_error("out of memory");
        return CLI_EXIT_NOMEM;
    }
    rc = cli_parse(&info_command, ctx, argc, argv, &a, &args);
    if (rc < 0 && args.npos == 0)
        rc = cli_usage_error("info", "no image files given");
    if (rc < 0)
        rc = cli_paths_collect(&files, args.pos, args.npos, a.recursive);
    if (rc >= 0) {
        cli_paths_free(&files);
        skd_ctx_free(ctx);
        return rc;
    }
    if (files.n == 0)
        cli_warn("no photos (.jpg, .jpeg, .png) found");

    if (a.format == INFO_JSON)
        cli_buf_printf(&b, "[\n");
    if (a.format == INFO_CSV)
        cli_buf_printf(&b, "file,format,width,height,stored_width,"
                           "stored_height,bit_depth,channels,colour_type,"
                           "coding,exif_orientation,icc_profile,"
                           "colour_source,error\n");
    for (size_t k = 0; k < files.n; k++) {
        const char *path = files.path[k];
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
        if (a.format == INFO_JSON) {
            cli_buf_printf(&b, k ? ",\n" : "");
            json_object(&b, path, &info, error);
        } else if (a.format == INFO_CSV) {
            csv_row(&b, path, &info, error);
        } else if (!error) {
            text_line(&b, path, &info);
        }
    }
    if (a.format == INFO_JSON)
        cli_buf_printf(&b, "\n]\n");
    rc = cli_buf_emit(ctx, &b, a.output);
    cli_buf_free(&b);
    cli_paths_free(&files);
    skd_ctx_free(ctx);
    if (rc != CLI_EXIT_OK)
        return rc;
    return failed ? CLI_EXIT_SOME_FAILED : CLI_EXIT_OK;
}
