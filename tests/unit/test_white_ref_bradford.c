/* The white reference's correction is a Bradford chromatic adaptation to
 * D65 (docs/colour.md), computed here independently of the library: the
 * Bradford cone matrix of Lam (1985), the sRGB (IEC 61966-2-1) primaries
 * with the D65 white, and the patch's mean linear colour decoded here
 * with the sRGB formula. The patch goes to neutral D65 at its own
 * luminance Y:
 *   A = M^-1 B^-1 diag(B w65 Y / B M p) B M
 * on linear sRGB, M the sRGB -> XYZ matrix, p the patch's mean linear RGB,
 * w65 = (0.95047, 1, 1.08883). A plain scaling of X, Y, Z or of R, G, B
 * neutralises the patch too, but moves every other colour differently:
 * for this patch scaling X, Y, Z differs from Bradford by 0.17 in the
 * matrix. */
#include <string.h>

#include "check.h"
#include "lab_paint.h"

#define W 240
#define H 180

static const skd_roi card = {150, 40, 70, 70};
static const skd_roi ref = {160, 50, 50, 50};

static void mul(const double a[3][3], const double b[3][3], double out[3][3])
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            out[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
}

static void mulv(const double a[3][3], const double v[3], double out[3])
{
    for (int i = 0; i < 3; i++)
        out[i] = a[i][0] * v[0] + a[i][1] * v[1] + a[i][2] * v[2];
}

static void invert(const double a[3][3], double inv[3][3])
{
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
                 a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
                 a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
            inv[i][j] = (a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0]) / det;
        }
}

/* The expected adaptation for a patch of mean linear sRGB p. */
static void bradford_expected(const double p[3], double a[3][3])
{
    static const double bradford[3][3] = {
        {0.8951, 0.2664, -0.1614},
        {-0.7502, 1.7135, 0.0367},
        {0.0389, -0.0685, 1.0296}};
    static const double srgb_xyz[3][3] = {
        {0.4124564, 0.3575761, 0.1804375},
        {0.2126729, 0.7151522, 0.0721750},
        {0.0193339, 0.1191920, 0.9503041}};
    static const double w65[3] = {0.95047, 1.0, 1.08883};
    double binv[3][3], minv[3][3], bm[3][3], d[3][3] = {{0}}, t[3][3], u[3][3];
    double xyz[3], cone_p[3], cone_w[3];
    invert(bradford, binv);
    invert(srgb_xyz, minv);
    mulv(srgb_xyz, p, xyz);
    mulv(bradford, xyz, cone_p);
    mulv(bradford, w65, cone_w);
    for (int i = 0; i < 3; i++)
        d[i][i] = cone_w[i] * xyz[1] / cone_p[i];
    mul(bradford, srgb_xyz, bm);
    mul(d, bm, t);
    mul(binv, t, u);
    mul(minv, u, a);
}

int main(void)
{
    skd_ctx *ctx = skd_ctx_create();
    skd_synth_params sp;
    skd_image *img = NULL;
    skd_analysis *an = NULL;
    /* a grey card under warm light: linear 0.30, 0.24, 0.17 */
    const double card_lin[3] = {0.30, 0.24, 0.17};
    uint16_t v[3];
    double p[3] = {0, 0, 0}, want[3][3], worst = 0;
    skd_region_spec spec;
    skd_synth_defaults(&sp, W, H, 20);
    CHECK_STATUS(skd_synth(ctx, &sp, &img, NULL, NULL), SKD_OK);
    if (!img)
        return check_done("test_white_ref_bradford");
    for (int c = 0; c < 3; c++)
        v[c] = (uint16_t)lround(65535 * test_srgb_encode(card_lin[c]));
    for (uint32_t y = card.y; y < card.y + card.h; y++)
        for (uint32_t x = card.x; x < card.x + card.w; x++)
            memcpy(img->rgb + 3 * ((size_t)y * W + x), v, sizeof v);
    /* the patch's mean linear colour, as the 16-bit samples decode */
    for (int c = 0; c < 3; c++)
        p[c] = test_srgb_decode(v[c] / 65535.0);
    bradford_expected(p, want);

    memset(&spec, 0, sizeof spec);
    spec.white_ref = ref;
    skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, 20);
    CHECK_STATUS(skd_analyze(ctx, img, &spec, &an), SKD_OK);
    if (an) {
        CHECK(an->colour.white_ref == 1);
        for (int i = 0; i < 3; i++) {
            REPORT("adaptation row %d: %.6f %.6f %.6f (Bradford %.6f %.6f %.6f)", i,
                   an->colour.adaptation[i][0], an->colour.adaptation[i][1],
                   an->colour.adaptation[i][2], want[i][0], want[i][1], want[i][2]);
            for (int j = 0; j < 3; j++)
                worst = fmax(worst, fabs(an->colour.adaptation[i][j] - want[i][j]));
        }
        REPORT("largest difference from the independent Bradford matrix: %.2e", worst);
        /* measured 3.4e-7 (the library sums float table values) */
        CHECK(worst < 1e-6);
    }
    skd_analysis_free(an);
    skd_image_free(img);
    skd_ctx_free(ctx);
    return check_done("test_white_ref_bradford");
}
