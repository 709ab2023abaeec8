/* skindiff synth: render synthetic skin photos with known ground truth (a
 * before photo, optionally a treated after photo through a second camera)
 * and write the truth as JSON. */
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static void help(void)
{
    printf(
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
        "smooths texture and colour a little.\n"
        "\n"
        "Photo (defaults in brackets):\n"
        "  --width N, --height N   size in pixels [1200 x 900]\n"
        "  --px-per-mm S           scale of the before photo, px/mm [20]\n"
        "  --offset X,Y            skin point (mm) at the before photo's centre [0,0]\n"
        "  --seed N                the skin (waves, pores, patches) and noise [1]\n"
        "  --noise S               sensor noise: Gaussian, S 8-bit levels of\n"
        "                          sRGB per channel, before rounding [1.5]\n"
        "  --exposure E            multiplies linear RGB (2 = one stop over);\n"
        "                          clipped pixels are counted in the truth [1]\n"
        "  --quality Q             JPEG quality 1-100 [92]; PNG is lossless\n"
        "\n"
        "Skin:\n"
        "  --L L, --a A, --b B     base colour, CIELAB D65 [62, 14, 16]\n"
        "  --relief R              RMS of the relief in l, percent contrast: 256\n"
        "                          plane waves, wavelengths 0.15-0.8 mm [4]\n"
        "  --pore-density D        expected pores per cm^2 [60]\n"
        "  --pore-diameter MIN,MAX pore diameters in mm, uniform [0.12,0.4]\n"
        "  --pore-depth MIN,MAX    fraction darker at a pore's centre, uniform;\n"
        "                          depth d is a dip A = -100 ln(1-d) in l and a\n"
        "                          LoG strength D = A/2 (detected at D >= 10)\n"
        "                          [0.28,0.45]\n"
        "  --red-patches N         Gaussian blobs raising a*, centres in the\n"
        "                          before frame [6]\n"
        "  --red-delta A           a* increase at a patch centre [6]\n"
        "  --red-radius R          patch radius (Gaussian sigma), mm [2.5]\n"
        "\n"
        "Treatment (the after photo; same skin, same pores):\n"
        "  --keep-pores F          fraction of pores still there, 0-1 [1]\n"
        "  --pore-depth-scale F    multiplies every pore's dip A in l [1]\n"
        "  --relief-scale F        multiplies the relief [1]\n"
        "  --delta-a D             change of the base a* [0]\n"
        "  --red-scale F           multiplies the patches' a* increase [1]\n"
        "  --after-seed N          sensor noise of the after photo [2]\n"
        "Second camera (after pixel p_a shows before pixel\n"
        "  p_b = S R(theta) (p_a - c) + c + (DX, DY), c the image centre,\n"
        "  R(theta) = [[cos, -sin], [sin, cos]] on (x, y) with y down):\n"
        "  --shift DX,DY           pixels [0,0]\n"
        "  --rotate DEG            theta, degrees [0]\n"
        "  --scale S               S > 1: the after photo sees more skin, at\n"
        "                          px-per-mm / S [1]\n"
        "\n"
        "Output:\n"
        "  --truth FILE            ground truth JSON (\"-\": standard output)\n"
        "  -q, --quiet             no summary line\n"
        "  -h, --help              this help\n"
        "\n"
        "The truth holds, per photo: each pore (centre in that photo's pixels,\n"
        "diameter, depth, A, strength), the pore count and density in the\n"
        "frame, the relief RMS, the expected texture Sa/Sq of the noiseless\n"
        "photo, a* mean/median and red-area fraction, clipped pixels, and the\n"
        "camera. See README.md, \"skindiff synth\", for every field.\n"
        "\n"
        "Examples:\n"
        "  skindiff synth skin.png --truth skin.json\n"
        "  skindiff synth before.jpg --after after.jpg --truth truth.json \\\n"
        "      --keep-pores 0.7 --relief-scale 0.8 --delta-a -2 \\\n"
        "      --shift 25,-10 --rotate 3 --scale 1.02\n"
        "\n"
        "Every file is written whole or not at all. Exit status: 0 done,\n"
        "2 usage error, 5 an output could not be written.\n");
}

typedef struct synth_args {
    skd_synth_params p;
    const char *out, *after, *truth;
    int quality, quiet, treated;
} synth_args;

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;
    if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
        return 0;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return 0;
    *out = v;
    return 1;
}

/* "A,B" into two numbers. */
static int parse_pair(const char *s, double *a, double *b)
{
    const char *comma = strchr(s, ',');
    char first[64];
    size_t n;
    if (!comma || (n = (size_t)(comma - s)) == 0 || n >= sizeof first)
        return 0;
    memcpy(first, s, n);
    first[n] = '\0';
    return cli_parse_double(first, a) && cli_parse_double(comma + 1, b);
}

static const char *extension(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    return dot && (!slash || dot > slash) ? dot : "";
}

/* 1 PNG, 2 JPEG, 0 neither. */
static int image_kind(const char *path)
{
    const char *e = extension(path);
    if (!strcasecmp(e, ".png"))
        return 1;
    if (!strcasecmp(e, ".jpg") || !strcasecmp(e, ".jpeg"))
        return 2;
    return 0;
}

/* Options that take a number. */
typedef struct num_opt {
    const char *name;
    size_t offset; /* of a double in skd_synth_params */
    int treatment;
} num_opt;

#define P(field) offsetof(skd_synth_params, field)

static const num_opt num_opts[] = {
    {"--px-per-mm", P(px_per_mm), 0},
    {"--relief", P(relief_rms), 0},
    {"--pore-density", P(pore_density_per_cm2), 0},
    {"--L", P(L), 0},
    {"--a", P(a), 0},
    {"--b", P(b), 0},
    {"--red-delta", P(red_patch_delta_a), 0},
    {"--red-radius", P(red_patch_radius_mm), 0},
    {"--noise", P(noise_sigma), 0},
    {"--exposure", P(exposure), 0},
    {"--keep-pores", P(keep_pores), 1},
    {"--pore-depth-scale", P(pore_depth_scale), 1},
    {"--relief-scale", P(relief_scale), 1},
    {"--delta-a", P(delta_a), 1},
    {"--red-scale", P(red_patch_scale), 1},
    {"--rotate", P(camera.rotation_deg), 1},
    {"--scale", P(camera.scale), 1},
};

/* Options that take "A,B". */
typedef struct pair_opt {
    const char *name;
    size_t first, second;
    int treatment;
} pair_opt;

static const pair_opt pair_opts[] = {
    {"--pore-diameter", P(pore_diameter_min_mm), P(pore_diameter_max_mm), 0},
    {"--pore-depth", P(pore_depth_min), P(pore_depth_max), 0},
    {"--offset", P(offset_x_mm), P(offset_y_mm), 0},
    {"--shift", P(camera.dx), P(camera.dy), 1},
};

static double *field(skd_synth_params *p, size_t offset)
{
    return (double *)(void *)((char *)p + offset);
}

/* One option at argv[*i]: 1 consumed, 0 not a value option, or
 * -exit_code on a bad value. */
static int parse_value_option(int argc, char **argv, int *i, synth_args *a)
{
    const char *v, *opt = argv[*i];
    uint64_t u;
    for (size_t k = 0; k < sizeof num_opts / sizeof num_opts[0]; k++)
        if ((v = cli_opt_value(argc, argv, i, num_opts[k].name))) {
            if (!cli_parse_double(v, field(&a->p, num_opts[k].offset)))
                return -cli_usage_error("synth", "%s: '%s' is not a number",
                                        num_opts[k].name, v);
            a->treated |= num_opts[k].treatment;
            return 1;
        }
    for (size_t k = 0; k < sizeof pair_opts / sizeof pair_opts[0]; k++)
        if ((v = cli_opt_value(argc, argv, i, pair_opts[k].name))) {
            if (!parse_pair(v, field(&a->p, pair_opts[k].first),
                            field(&a->p, pair_opts[k].second)))
                return -cli_usage_error("synth", "%s: '%s' is not two numbers "
                                        "A,B", pair_opts[k].name, v);
            a->treated |= pair_opts[k].treatment;
            return 1;
        }
    if ((v = cli_opt_value(argc, argv, i, "--width")) ||
        (v = cli_opt_value(argc, argv, i, "--height"))) {
        if (!parse_u64(v, UINT32_MAX, &u) || u == 0)
            return -cli_usage_error("synth", "%s: '%s' is not a positive "
                                    "whole number of pixels", opt, v);
        if (!strncmp(opt, "--width", 7))
            a->p.width = (uint32_t)u;
        else
            a->p.height = (uint32_t)u;
        return 1;
    }
    if ((v = cli_opt_value(argc, argv, i, "--red-patches"))) {
        if (!parse_u64(v, UINT32_MAX, &u))
            return -cli_usage_error("synth", "--red-patches: '%s' is not a "
                                    "whole number", v);
        a->p.red_patches = (uint32_t)u;
        return 1;
    }
    if ((v = cli_opt_value(argc, argv, i, "--seed"))) {
        if (!parse_u64(v, UINT64_MAX, &a->p.seed))
            return -cli_usage_error("synth", "--seed: '%s' is not a whole "
                                    "number", v);
        return 1;
    }
    if ((v = cli_opt_value(argc, argv, i, "--after-seed"))) {
        if (!parse_u64(v, UINT64_MAX, &a->p.after_noise_seed))
            return -cli_usage_error("synth", "--after-seed: '%s' is not a "
                                    "whole number", v);
        a->treated = 1;
        return 1;
    }
    if ((v = cli_opt_value(argc, argv, i, "--quality"))) {
        if (!parse_u64(v, 100, &u) || u < 1)
            return -cli_usage_error("synth", "--quality: '%s' is not 1-100", v);
        a->quality = (int)u;
        return 1;
    }
    return 0;
}

/* Returns -1 to go on, or the exit code (help shown, usage error). */
static int parse_args(int argc, char **argv, synth_args *a)
{
    const char *v;
    skd_synth_defaults(&a->p, 1200, 900, 20);
    a->quality = 92;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        int r;
        if (opt[0] != '-' || !opt[1]) {
            if (a->out)
                return cli_usage_error("synth", "more than one output image "
                                       "('%s' and '%s')", a->out, opt);
            a->out = opt;
        } else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            help();
            return CLI_EXIT_OK;
        } else if (!strcmp(opt, "-q") || !strcmp(opt, "--quiet")) {
            a->quiet = 1;
        } else if ((v = cli_opt_value(argc, argv, &i, "--after"))) {
            a->after = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--truth"))) {
            a->truth = v;
        } else if ((r = parse_value_option(argc, argv, &i, a)) != 0) {
            if (r < 0)
                return -r;
        } else {
            return cli_usage_error("synth", "unknown option '%s'", opt);
        }
    }
    if (!a->out)
        return cli_usage_error("synth", "no output image given");
    if (!image_kind(a->out))
        return cli_usage_error("synth", "%s: the name must end in .png, .jpg "
                               "or .jpeg", a->out);
    if (a->after && !image_kind(a->after))
        return cli_usage_error("synth", "%s: the name must end in .png, .jpg "
                               "or .jpeg", a->after);
    if ((a->after && !*a->after) || (a->truth && !*a->truth))
        return cli_usage_error("synth", "--after and --truth need a file name");
    if (a->treated && !a->after)
        cli_warn("treatment and camera options change only the after photo; "
                 "no --after given");
    return -1;
}

static int write_image(skd_ctx *ctx, const skd_image *img, const char *path,
                       int quality)
{
    int st = image_kind(path) == 1 ? skd_image_write_png(ctx, img, path)
                                   : skd_image_write_jpeg(ctx, img, path, quality);
    if (st != SKD_OK) {
        cli_fail_status(ctx, st);
        return CLI_EXIT_OUTPUT;
    }
    return CLI_EXIT_OK;
}

/* "before.png: 1200x900 px, 60.0 x 45.0 mm, 1598 pores (59.2/cm^2)". */
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
