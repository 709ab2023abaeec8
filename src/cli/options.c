/* Every option of every command, defined once: the same name, range and
 * unit wherever it appears. A command's table (cmd_*.c) lists the names it
 * takes and where each value goes; parse.c walks argv with it.
 *
 * To add an option: one line here (keep the groups), one entry in the
 * command's table. Ranges of library options must lie inside the library's
 * (test_cli_options.sh checks). Units are written one way: mm, cm², px/mm,
 * % contrast, a*, EI, percentage points. */
#include <math.h>
#include <string.h>

#include "cli.h"

#define SEED_MAX 9007199254740992.0 /* 2^53: exact in a double */

static const char *const skin_words[] = {"off", "auto", NULL};

static const cli_def defs[] = {
    /* Inputs and outputs */
    {"--output", "-o", NULL, CLI_STRING, "FILE", .flags = CLI_OUT, .help =
     "write the output to FILE (atomically) instead of standard output"},
    {"--json", NULL, NULL, CLI_FLAG, .help = "JSON for scripts"},
    {"--csv", NULL, NULL, CLI_FLAG, .help = "CSV for spreadsheets"},
    {"--ndjson", NULL, NULL, CLI_FLAG, .help = "newline-delimited JSON"},
    {"--excel", NULL, NULL, CLI_FLAG, .help =
     "CSV starts with a UTF-8 byte order mark, so Excel reads it as UTF-8"},
    {"--long", NULL, NULL, CLI_FLAG, .help =
     "tidy rows: one figure per row (patient, session, view, zone, metric, "
     "value, unit, ...)"},
    {"--quiet", "-q", NULL, CLI_FLAG, .help = "no progress or summary line"},
    {"--recursive", "-r", NULL, CLI_FLAG, .help =
     "arguments may be folders: every photo in them, at any depth"},
    {"--mask", NULL, NULL, CLI_STRING, "M.png", .help =
     "measure only where the mask is non-zero (same size as the photo)"},
    {"--mask-before", NULL, NULL, CLI_STRING, "M.png", .help =
     "mask of the before photo (non-zero = measure)"},
    {"--mask-after", NULL, NULL, CLI_STRING, "M.png", .help =
     "mask of the after photo (non-zero = measure)"},
    {"--roi", NULL, NULL, CLI_ROI, "X,Y,W,H", .unit = "px", .help =
     "measure only this rectangle"},
    {"--overlay", NULL, NULL, CLI_STRING, "OUT.png", .flags = CLI_OUT, .help =
     "picture of what was counted: pores circled, red areas tinted, what "
     "was not measured darkened (.png or .jpg)"},
    {"--region-out", NULL, NULL, CLI_STRING, "R.png", .flags = CLI_OUT, .help =
     "write the region measured, R: 255 where measured, 0 elsewhere (one "
     "IMAGE only)"},
    {"--overlay-dir", NULL, NULL, CLI_STRING, "DIR", .help =
     "an overlay for every photo, named after its path"},
    {"--report", NULL, NULL, CLI_STRING, "FILE.html", .flags = CLI_OUT, .help =
     "also write a self-contained HTML report"},
    {"--title", NULL, NULL, CLI_STRING, "TEXT", .help = "the report's title"},
    {"--patient", NULL, NULL, CLI_STRING, "NAME", .help =
     "patient name or number, shown on the report"},
    {"--site", NULL, NULL, CLI_STRING, "TEXT", .help =
     "treated site (\"left cheek\"), shown on the report"},
    {"--manifest", NULL, NULL, CLI_STRING, "FILE.csv", .help =
     "CSV: patient,session,view,path[,px_per_mm][,mask][,white_ref]"
     "[,replicate][,session_order][,landmarks] (paths relative to the "
     "manifest's folder; white_ref \"X,Y,W,H\" of a white card in that "
     "photo; landmarks a face file for --face)"},
    {"--db", NULL, NULL, CLI_STRING, "FILE", .help = "results database"},
    {"--params", NULL, NULL, CLI_STRING, "HASH", .help =
     "export the results of this parameter set (a prefix of its hash is "
     "enough; default: the latest)"},
    {"--table", NULL, NULL, CLI_CUSTOM, "NAME", .help =
     "images, comparisons or series"},
    {"--out-dir", NULL, NULL, CLI_STRING, "DIR", .help =
     "write every table to DIR"},
    {"--shard", NULL, NULL, CLI_CUSTOM, "K/N", .help =
     "only the patients of shard K of N (1 <= K <= N)"},

    /* Colour (docs/colour.md) */
    {"--white-ref", NULL, NULL, CLI_ROI, "X,Y,W,H", .unit = "px", .help =
     "a neutral patch (grey card) in the photo: colour is adapted (Bradford) "
     "so the patch is neutral before anything is measured; the correction "
     "is reported. A patch that is clipped, too dark (L* < 15), too small "
     "(< 400 px) or not uniform is refused"},
    {"--white-ref-gains", NULL, NULL, CLI_FLAG, .help =
     "correct with per-channel gains on linear RGB (a camera's white "
     "balance) instead of Bradford adaptation (a change of the light's "
     "colour)"},

    /* Scale and measurement */
    {"--px-per-mm", NULL, NULL, CLI_NUMBER, "X", 1, 1000, .unit = "px/mm",
     .help = "scale of the photo; without it 20 px/mm is assumed (and said "
             "so). Below 10 px/mm pores are unreliable"},
    {"--pore-threshold", NULL, NULL, CLI_NUMBER, "T", 0.01, 1000,
     .unit = "% contrast", .help = "pore detection threshold (default 10)"},
    {"--red-delta", NULL, NULL, CLI_NUMBER, "D", 0.01, 100, .unit = "a*",
     .help = "a* above the local (2 mm) background that counts as red area "
             "(default 5)"},
    {"--max-pixels", NULL, NULL, CLI_NUMBER, "N", 1, 1e12, CLI_WHOLE,
     .unit = "pixels", .help = "refuse larger photos (default 100000000)"},

    {"--skin", NULL, NULL, CLI_WORD, "auto|off", .words = skin_words,
     .help = "measure only skin: the skin map leaves out background, "
             "clothing, hair, eyes, lips and deep shadows (auto, the "
             "default); off measures the whole frame (docs/skin-map.md)"},

    /* Facial zones (docs/zones.md) */
    {"--face", NULL, NULL, CLI_FLAG, .help =
     "find the face (dlib's landmarks; see --version) and give the figures "
     "per facial zone too: forehead, nose, left_cheek, right_cheek, chin "
     "(the subject's left and right), outlined in the overlay. No face: one "
     "region"},
    {"--landmarks", NULL, NULL, CLI_STRING, "F.json", .help =
     "the face's 68 landmarks from a file instead of dlib (format in "
     "docs/zones.md; one IMAGE)"},
    {"--zones", NULL, NULL, CLI_STRING, "Z.png", .help =
     "zones from a label image instead: 0 none, 1 forehead, 2 nose, "
     "3 left_cheek, 4 right_cheek, 5 chin (one IMAGE)"},
    {"--landmarks-after", NULL, NULL, CLI_STRING, "F.json", .help =
     "the after photo's landmarks: checked against the alignment (with "
     "--face dlib finds them)"},
    {"--zones-out", NULL, NULL, CLI_STRING, "Z.png", .flags = CLI_OUT, .help =
     "write the zones measured as such a label image"},

    /* Comparison */
    {"--assume-aligned", NULL, NULL, CLI_FLAG, .help =
     "the photos are already aligned: skip registration"},
    {"--min-confidence", NULL, NULL, CLI_NUMBER, "C", 0, 1, .help =
     "registration confidence needed (default 0.3)"},
    {"--tile-mm", NULL, NULL, CLI_NUMBER, "T", 0.5, 100, .unit = "mm",
     .help = "tile side for the interval (default 5)"},
    {"--bootstrap", NULL, NULL, CLI_NUMBER, "N", 100, 1e6, CLI_WHOLE,
     .unit = "resamples", .help = "bootstrap resamples (default 2000)"},
    {"--seed", NULL, NULL, CLI_U64, "S", 0, SEED_MAX, .help =
     "random seed: the same seed gives the same output (default 1)"},
    {"--floor-sa", NULL, NULL, CLI_NUMBER, "P", 0, 100, .unit = "%",
     .help = "noise floor of Sa and Sq, % of before (default 3)"},
    {"--floor-pores", NULL, NULL, CLI_NUMBER, "P", 0, 100, .unit = "%",
     .help = "noise floor of the pore figures, % of before (default 5)"},
    {"--floor-a-mean", NULL, "--floor-a", CLI_NUMBER, "A", 0, 100,
     .unit = "a*", .help = "noise floor of a* mean and median (default 0.5)"},
    {"--floor-erythema", NULL, "--floor-ei", CLI_NUMBER, "E", 0, 100,
     .unit = "EI", .help = "noise floor of the erythema index (default 1.0)"},
    {"--floor-red-area", NULL, NULL, CLI_NUMBER, "P", 0, 100,
     .unit = "percentage points",
     .help = "noise floor of the red-area fraction (default 0.5)"},

    /* Same skin, different day (docs/comparing.md): the library's ranges */
    {"--before", NULL, NULL, CLI_STRING, "PHOTO", .help =
     "a photo of the before session instead of BEFORE; repeat it for "
     "replicates (several shots of the same view): their spread gives the "
     "noise floors"},
    {"--floors", NULL, NULL, CLI_STRING, "FILE", .help =
     "noise floors measured by 'skindiff repeatability'"},
    {"--white-ref-before", NULL, NULL, CLI_ROI, "X,Y,W,H", .unit = "px",
     .help = "a neutral patch in the before photo (see --white-ref)"},
    {"--white-ref-after", NULL, NULL, CLI_ROI, "X,Y,W,H", .unit = "px",
     .help = "a neutral patch in the after photo"},
    {"--align-roi", NULL, NULL, CLI_ROI, "X,Y,W,H", .unit = "px", .help =
     "align on this rectangle of the before photo only (faces move)"},
    {"--max-residual", NULL, NULL, CLI_NUMBER, "PX", 0.01, 1000, .unit = "px", .help =
     "median per-tile registration residual above which the alignment is "
     "refused (default 1)"},
    {"--max-tile-shift", NULL, NULL, CLI_NUMBER, "PX", 0.01, 1000, .unit = "px", .help =
     "tiles whose local shift is larger are left out of the interval "
     "(default 2)"},
    {"--max-exposure", NULL, NULL, CLI_NUMBER, "P", 0.01, 1000, .unit = "%", .help =
     "exposure change above which texture and pore verdicts are "
     "inconclusive (default 20)"},
    {"--max-light-b", NULL, NULL, CLI_NUMBER, "B", 0.01, 100, .unit = "b*", .help =
     "b* change of the skin, without white references, above which a* "
     "and EI verdicts are inconclusive (default 1.5)"},
    {"--max-sharpness", NULL, NULL, CLI_NUMBER, "P", 0.01, 1000, .unit = "%", .help =
     "sharpness change above which texture and pore verdicts are "
     "inconclusive (default 25)"},
    {"--max-light-ref", NULL, NULL, CLI_NUMBER, "D", 0.01, 100,
     .unit = "a*/b*", .help =
     "a* or b* change of the white references above which a* and EI "
     "verdicts are inconclusive (default 0.5)"},
    {"--min-pores", NULL, NULL, CLI_NUMBER, "N", 0, 1e9, CLI_WHOLE,
     .unit = "pores",
     .help = "pores needed in each photo for a pore verdict (default 30)"},
    {"--acquisition-check", NULL, NULL, CLI_NUMBER, "N", 0, 1, CLI_WHOLE,
     .help = "1: act on the acquisition check (default); 0: report it, never act "
     "on it"},
    {"--floor-a-uncal", NULL, NULL, CLI_NUMBER, "A", 0, 100, .unit = "a*", .help =
     "a* floor without a white reference in both photos (default 2.0)"},
    {"--floor-ei-uncal", NULL, NULL, CLI_NUMBER, "E", 0, 100, .unit = "EI", .help =
     "erythema-index floor without a white reference in both photos "
     "(default 3.0)"},

    /* Speed */
    {"--threads", NULL, NULL, CLI_NUMBER, "N", 1, 256, CLI_WHOLE,
     .unit = "threads", .help =
     "threads inside one analysis (default 1); figures do not depend on it"},
    {"--jobs", "-j", NULL, CLI_NUMBER, "N", 1, 256, CLI_WHOLE,
     .unit = "threads", .help = "worker threads (default: online CPUs)"},
    {"--fft-wisdom", NULL, NULL, CLI_STRING, "FILE", .help =
     "plan FFTs with FFTW_MEASURE and keep the plans in FILE (loaded when "
     "it exists, saved after the run); figures may differ in the last "
     "digits from a run without it"},
    {"--fft-patient", NULL, NULL, CLI_FLAG, .help =
     "with --fft-wisdom: FFTW_PATIENT planning (about a minute once per "
     "photo size, then about 15% faster)"},
    {"--exact", NULL, NULL, CLI_FLAG, .help =
     "every filter at full rate: the wide Gaussians are not run on a "
     "decimated grid (slower; Sa and Sq differ by under 0.2%, the pore "
     "count by under 0.5%, the other figures not at all)"},

    /* synth: the photo, the skin, the treatment, the second camera */
    {"--after", NULL, NULL, CLI_STRING, "PHOTO", .help =
     "a photo of the after session instead of AFTER; repeat it for "
     "replicates"},
    {"--truth", NULL, NULL, CLI_STRING, "FILE", .help =
     "ground truth JSON (\"-\": standard output)"},
    {"--width", NULL, NULL, CLI_U32, "N", 1, 1e6, .unit = "px",
     .help = "photo width (default 1200)"},
    {"--height", NULL, NULL, CLI_U32, "N", 1, 1e6, .unit = "px",
     .help = "photo height (default 900)"},
    {"--offset", NULL, NULL, CLI_PAIR, "X,Y", .unit = "mm", .help =
     "skin point at the before photo's centre (default 0,0)"},
    {"--noise", NULL, NULL, CLI_NUMBER, "S", 0, 255, .unit = "8-bit levels",
     .help = "Gaussian sensor noise per sRGB channel (default 1.5)"},
    {"--exposure", NULL, NULL, CLI_NUMBER, "E", 0.001, 1000, .help =
     "multiplies linear RGB (2 = one stop over; default 1)"},
    {"--quality", NULL, NULL, CLI_U32, "Q", 1, 100, .help =
     "JPEG quality (default 92); PNG is lossless"},
    {"--L", NULL, NULL, CLI_NUMBER, "L", 1, 100, .unit = "L*",
     .help = "base lightness, CIELAB D65 (default 62)"},
    {"--a", NULL, NULL, CLI_NUMBER, "A", -128, 127, .unit = "a*",
     .help = "base a* (default 14)"},
    {"--b", NULL, NULL, CLI_NUMBER, "B", -128, 127, .unit = "b*",
     .help = "base b* (default 16)"},
    {"--relief", NULL, NULL, CLI_NUMBER, "R", 0, 30, .unit = "% contrast",
     .help = "RMS of the relief: 256 plane waves, 0.15-0.8 mm (default 4)"},
    {"--pore-density", NULL, NULL, CLI_NUMBER, "D", 0, 10000,
     .unit = "pores/cm²", .help = "expected pores (default 60)"},
    {"--pore-diameter", NULL, NULL, CLI_PAIR, "MIN,MAX", .unit = "mm",
     .help = "pore diameters, uniform (default 0.12,0.4)"},
    {"--pore-depth", NULL, NULL, CLI_PAIR, "MIN,MAX", .help =
     "fraction darker at a pore's centre, uniform; depth d is a dip "
     "A = -100 ln(1-d) in l and a LoG strength A/2 (default 0.28,0.45)"},
    {"--red-patches", NULL, NULL, CLI_U32, "N", 0, 1000, .help =
     "Gaussian blobs raising a*, centres in the before frame (default 6)"},
    {"--red-patch-delta", NULL, "--red-delta", CLI_NUMBER, "A", -100, 100,
     .unit = "a*", .help = "a* increase at a patch centre (default 6)"},
    {"--red-radius", NULL, NULL, CLI_NUMBER, "R", 0.01, 1000, .unit = "mm",
     .help = "patch radius, Gaussian sigma (default 2.5)"},
    {"--keep-pores", NULL, NULL, CLI_NUMBER, "F", 0, 1, .help =
     "fraction of pores still there (default 1)"},
    {"--pore-depth-scale", NULL, NULL, CLI_NUMBER, "F", 0, 10, .help =
     "multiplies every pore's dip in l (default 1)"},
    {"--relief-scale", NULL, NULL, CLI_NUMBER, "F", 0, 100, .help =
     "multiplies the relief (default 1)"},
    {"--delta-a", NULL, NULL, CLI_NUMBER, "D", -100, 100, .unit = "a*",
     .help = "change of the base a* (default 0)"},
    {"--red-scale", NULL, NULL, CLI_NUMBER, "F", 0, 100, .help =
     "multiplies the patches' a* increase (default 1)"},
    {"--after-seed", NULL, NULL, CLI_U64, "N", .help =
     "sensor noise of the after photo (default 2)"},
    {"--shift", NULL, NULL, CLI_PAIR, "DX,DY", .unit = "px", .help =
     "second camera's shift (default 0,0)"},
    {"--rotate", NULL, NULL, CLI_NUMBER, "DEG", -36000, 36000, .unit = "degrees",
     .help = "second camera's rotation (default 0)"},
    {"--white-balance", NULL, NULL, CLI_PAIR, "R,B", .help =
     "gains of linear red and blue against green (the camera's white "
     "balance; default 1,1)"},
    {"--scale", NULL, NULL, CLI_NUMBER, "S", 0.1, 10, .help =
     "second camera's zoom: S > 1 sees more skin, at px-per-mm / S "
     "(default 1)"},
};

const cli_def *cli_def_find(const char *name)
{
    for (size_t i = 0; i < CLI_COUNT(defs); i++)
        if (!strcmp(defs[i].name, name))
            return &defs[i];
    return NULL;
}
