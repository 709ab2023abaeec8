/* skindiff synth: render synthetic skin photos with known ground truth (a
 * before photo, optionally a treated after photo through a second camera)
 * and write the truth as JSON. */
#include <stddef.h>
#include <string.h>

#include "cli.h"

static const char synth_usage[] =
    "Usage: skindiff synth OUT.{png,jpg} [--after AFTER.{png,jpg}]\n"
    "                      [--truth TRUTH.json] [OPTIONS]\n"
    "\n"
    "Render a photo of synthetic skin whose texture, pores and redness are\n"
    "known exactly, and optionally the same skin after a treatment, seen\n"
    "by a second camera. The ground truth (every pore, expected figures,\n"
    "the camera transform) goes to --truth. Tests of analyze and compare\n"
    "use it; it also shows what each figure means.\n"
    "\n"
    "The skin is continuous fields over skin coordinates in mm; each pixel\n"
    "samples them at its own skin point, so no photo is ever resampled.\n"
    "  l = 100 ln Y (Y: linear luminance) carries the relief and the pores,\n"
    "  a* (CIELAB D65) carries the red patches; L* and b* are constant.\n"
    "The same --seed gives the same relief and pores whatever the size,\n"
    "offset or camera (red patches are placed inside the before frame).\n"
    "Use PNG when the truth must hold to the pixel: JPEG compression\n"
    "smooths texture and colour a little.\n";

static const char synth_tail[] =
    "The truth holds, per photo: each pore (centre in that photo's pixels,\n"
    "diameter, depth, A, strength), the pore count and density in the\n"
    "frame, the relief RMS, the expected texture Sa/Sq of the noiseless\n"
    "photo, a* mean/median and red-area fraction, clipped pixels, and the\n"
    "camera. See docs/cli.md, \"synth\", for every field.\n"
    "\n"
    "Examples:\n"
    "  skindiff synth skin.png --truth skin.json\n"
    "  skindiff synth before.jpg --after after.jpg --truth truth.json \\\n"
    "      --keep-pores 0.7 --relief-scale 0.8 --delta-a -2 \\\n"
    "      --shift 25,-10 --rotate 3 --scale 1.02\n"
    "\n"
    "Every file is written whole or not at all. Exit status: 0 done,\n"
    "2 usage error, 5 an output could not be written.\n";

typedef struct synth_args {
    skd_synth_params p;
    const char *out, *after, *truth;
    uint32_t quality;
    int quiet;
} synth_args;

enum { MARK_TREATMENT = 1 }; /* options that change only the after photo */

#define F(field) .offset = offsetof(synth_args, field)
#define NUM(name, field, m) {name, F(p.field), .mark = m}
#define PAIR(name, first, second, m)                                         \
    {name, F(p.first), .offset2 = offsetof(synth_args, p.second), .mark = m}

static const cli_option synth_options[] = {
    {NULL, .help = "Photo"},
    {"--width", F(p.width)},
    {"--height", F(p.height)},
    NUM("--px-per-mm", px_per_mm, 0),
    PAIR("--offset", offset_x_mm, offset_y_mm, 0),
    {"--seed", F(p.seed), .help = "the skin (waves, pores, patches) and the "
                                  "noise (default 1)"},
    NUM("--noise", noise_sigma, 0),
    PAIR("--white-balance", wb_red, wb_blue, 0),
    NUM("--exposure", exposure, 0),
    {"--quality", F(quality)},
    {NULL, .help = "Skin"},
    NUM("--L", L, 0),
    NUM("--a", a, 0),
    NUM("--b", b, 0),
    NUM("--relief", relief_rms, 0),
    NUM("--pore-density", pore_density_per_cm2, 0),
    PAIR("--pore-diameter", pore_diameter_min_mm, pore_diameter_max_mm, 0),
    PAIR("--pore-depth", pore_depth_min, pore_depth_max, 0),
    {"--red-patches", F(p.red_patches)},
    NUM("--red-patch-delta", red_patch_delta_a, 0),
    NUM("--red-radius", red_patch_radius_mm, 0),
    {NULL, .help = "Treatment (the after photo; same skin, same pores)"},
    NUM("--keep-pores", keep_pores, MARK_TREATMENT),
    NUM("--pore-depth-scale", pore_depth_scale, MARK_TREATMENT),
    NUM("--relief-scale", relief_scale, MARK_TREATMENT),
    NUM("--delta-a", delta_a, MARK_TREATMENT),
    NUM("--red-scale", red_patch_scale, MARK_TREATMENT),
    {"--after-seed", F(p.after_noise_seed), .mark = MARK_TREATMENT},
    {NULL, .help = "Second camera (after pixel p_a shows before pixel "
                   "p_b = S R(theta) (p_a - c) + c + (DX, DY), c the image "
                   "centre, y down)"},
    PAIR("--shift", camera.dx, camera.dy, MARK_TREATMENT),
    NUM("--rotate", camera.rotation_deg, MARK_TREATMENT),
    NUM("--scale", camera.scale, MARK_TREATMENT),
    {NULL, .help = "Output"},
    {"--after", F(after), .help = "also render the skin after the treatment, "
                                  "by the second camera"},
    {"--truth", F(truth)},
    {"--quiet", F(quiet), .value = 1},
};

static const cli_command synth_command = {
    "synth", synth_usage, synth_tail, synth_options, CLI_COUNT(synth_options)};

/* Returns -1 to go on, or the exit code (help shown, usage error). */
static int parse_args(int argc, char **argv, synth_args *a)
{
    cli_args args;
    int rc;
    skd_synth_defaults(&a->p, 1200, 900, 20);
    a->quality = 92;
    if ((rc = cli_parse(&synth_command, NULL, argc, argv, a, &args)) >= 0)
        return rc;
    if (args.npos > 1)
        return cli_usage_error("synth", "more than one output image "
                               "('%s' and '%s')", args.pos[0], args.pos[1]);
    if (args.npos == 0)
        return cli_usage_error("synth", "no output image given");
    a->out = args.pos[0];
    if (!cli_image_kind(a->out))
        return cli_usage_error("synth", "%s: the name must end in .png, .jpg "
                               "or .jpeg", a->out);
    if (a->after && !cli_image_kind(a->after))
        return cli_usage_error("synth", "%s: the name must end in .png, .jpg "
                               "or .jpeg", a->after);
    if ((args.seen & MARK_TREATMENT) && !a->after)
        cli_warn("treatment and camera options change only the after photo; "
                 "no --after given");
    /* The outputs' folders, before any work (--after is not an output in
     * the table: compare reads photos with it). */
    if ((rc = cli_check_output("output image", a->out)) >= 0 ||
        (rc = cli_check_output("--after", a->after)) >= 0)
        return rc;
    return cli_check_output("--truth", a->truth);
}

static int write_image(skd_ctx *ctx, const skd_image *img, const char *path,
                       int quality)
{
    int st = cli_write_image(ctx, img, path, quality);
    if (st != SKD_OK) {
        cli_fail_status(ctx, st);
        return CLI_EXIT_OUTPUT;
    }
    return CLI_EXIT_OK;
}

/* "before.png: 1200x900 px at 20 px/mm (60.0 x 45.0 mm)". */
static void summary(const char *path, const skd_synth_params *p, double scale)
{
    printf("%s: %ux%u px at %g px/mm (%.1f x %.1f mm)\n", path,
           (unsigned)p->width, (unsigned)p->height, p->px_per_mm / scale,
           p->width * scale / p->px_per_mm, p->height * scale / p->px_per_mm);
}

int cmd_synth(int argc, char **argv)
{
    synth_args a;
    skd_ctx *ctx;
    skd_image *before = NULL, *after = NULL;
    char *truth = NULL;
    int rc, st;

    memset(&a, 0, sizeof a);
    rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    ctx = skd_ctx_create();
    if (!ctx) {
        cli_error("out of memory");
        return CLI_EXIT_NOMEM;
    }
    st = skd_synth(ctx, &a.p, &before, a.after ? &after : NULL,
                   a.truth ? &truth : NULL);
    if (st != SKD_OK) {
        rc = cli_fail_status(ctx, st);
        skd_ctx_free(ctx);
        return rc;
    }
    rc = write_image(ctx, before, a.out, a.quality);
    if (rc == CLI_EXIT_OK && after)
        rc = write_image(ctx, after, a.after, a.quality);
    if (rc == CLI_EXIT_OK && truth) {
        cli_buf b = {truth, strlen(truth), strlen(truth) + 1, 0};
        rc = cli_buf_emit(ctx, &b, a.truth);
    }
    if (rc == CLI_EXIT_OK && !a.quiet && !(a.truth && !strcmp(a.truth, "-"))) {
        summary(a.out, &a.p, 1);
        if (after)
            summary(a.after, &a.p, a.p.camera.scale);
        if (truth)
            printf("%s: ground truth\n", a.truth);
    }
    skd_image_free(before);
    skd_image_free(after);
    skd_free(ctx, truth);
    skd_ctx_free(ctx);
    return rc;
}
