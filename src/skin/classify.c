/* The colour test of each cell against the photo's skin model, and the
 * same test on the skin's own colour under a highlight. */
#include <math.h>

#include "skin.h"

#define DEG (180.0 / M_PI)

/* The model's limits, computed once per photo; ra, rb the half sides of
 * the box around the core's ellipse. */
typedef struct limits {
    const skd_skin_model *m;
    double det, l_min, lip_b, core_d2, ra, rb;
    int lips_by_colour;
} limits;

/* 2 for a core cell of colour (L, a, b), 1 for skin, 0 for not skin;
 * red is the cell's mean linear red as the camera saw it. */
static int colour_test(const limits *t, double L, double a, double b, double red)
{
    const skd_skin_model *m = t->m;
    double da = a - m->ma, db = b - m->mb, c = hypot(a, b);
    double h = atan2(b, a) * DEG, d2;
    int lip = t->lips_by_colour && da > 0 && b < t->lip_b && L < m->l_median &&
              red < SKD_SKIN_LIP_RED_MAX, skin;
    /* redder than the model is forgiven up to the allowance: redness
     * is what is measured, so red skin must stay in S */
    da -= da > SKD_SKIN_RED_ALLOWANCE ? SKD_SKIN_RED_ALLOWANCE
          : da > 0                    ? da
                                      : 0;
    d2 = (m->sbb * da * da - 2.0 * m->sab * da * db + m->saa * db * db) / t->det;
    skin = !lip && d2 < SKD_SKIN_D2_MAX && L > t->l_min && L < SKD_SKIN_L_MAX &&
           h > SKD_SKIN_HUE_MIN && h < SKD_SKIN_HUE_MAX && c > SKD_SKIN_C_MIN &&
           c < SKD_SKIN_C_MAX;
    return skin + (skin && d2 <= t->core_d2);
}

/* The CIELAB colour of linear rgb less white of s in every channel (the
 * white of D65, Y = s). */
static void without_white(const double rgb[3], double s, double lab[3])
{
    double d[3] = {rgb[0] - s, rgb[1] - s, rgb[2] - s}, xyz[3];
    skd_linear_to_xyz(d, xyz);
    skd_xyz_to_lab(xyz, lab);
}

/* Whether a* running from a0 to a1 (and b* from b0 to b1) can meet the
 * box around the core (a* above the mean forgiven up to the allowance). */
static int may_meet_core(const limits *t, double a0, double a1, double b0,
                         double b1)
{
    const skd_skin_model *m = t->m;
    return fmax(a0, a1) >= m->ma - t->ra &&
           fmin(a0, a1) <= m->ma + SKD_SKIN_RED_ALLOWANCE + t->ra &&
           fmax(b0, b1) >= m->mb - t->rb && fmin(b0, b1) <= m->mb + t->rb;
}

/* A highlight on skin. Light reflected at the skin's surface keeps the
 * lamp's colour (white in linear RGB where the white balance is right,
 * as the highlight rule of M assumes) and adds it to the skin's diffuse
 * colour: a brightly lit fair cheek is skin plus white, lighter and less
 * chromatic than the model (the dichromatic reflection model). A cell
 * lighter than the skin's median is skin when the colour left after
 * taking away white of up to SPECULAR_MAX of its luminance is the skin's
 * core colour (weight above CORE_WEIGHT: the amount of white is one more
 * free parameter, so what is left must be the skin's typical colour, not
 * the edge of its range, where white hair in warm light lands); more
 * white than that leaves a grey or near-white surface with a faint warm
 * tint (a wall), not skin. */
static int highlight_on_skin(const limits *t, const skd_skin_grid *g, size_t i)
{
    double rgb[3] = {g->red[i], g->green[i], g->blue[i]};
    double y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    double lowest = fmin(rgb[0], fmin(rgb[1], rgb[2]));
    double most = fmin(SKD_SKIN_SPECULAR_MAX * y, lowest), far[3], lab[3];
    if (!(g->L[i] > t->m->l_median))
        return 0;
    /* Taking white away from every channel keeps the differences of the
     * cube roots' arguments, and the cube root is concave: a* and b* move
     * monotonically from the cell's colour to the colour without the most
     * white. When that path's box misses the core's, so does every step
     * (one conversion instead of all of them for a bright wall). */
    without_white(rgb, most, far);
    if (!may_meet_core(t, g->a[i], far[1], g->b[i], far[2]))
        return 0;
    for (int k = 1; k <= SKD_SKIN_SPECULAR_STEPS; k++) {
        const double *c = far;
        if (k < SKD_SKIN_SPECULAR_STEPS) {
            without_white(rgb, most * k / SKD_SKIN_SPECULAR_STEPS, lab);
            c = lab;
        }
        if (colour_test(t, c[0], c[1], c[2], g->red[i]) == 2)
            return 1;
    }
    return 0;
}

void skd_skin_classify(const skd_skin_grid *g, const skd_skin_model *m,
                       int lips_by_colour, uint8_t *s)
{
    size_t n = g->gw * g->gh;
    double core_d2 = -2.0 * log(SKD_SKIN_CORE_WEIGHT);
    limits t = {m, m->saa * m->sbb - m->sab * m->sab,
                SKD_SKIN_DARK_RATIO * m->l_median,
                m->mb - SKD_SKIN_LIP_B_DEFICIT * sqrt(m->sbb), core_d2,
                sqrt(core_d2 * m->saa), sqrt(core_d2 * m->sbb), lips_by_colour};
    for (size_t i = 0; i < n; i++) {
        int v = colour_test(&t, g->L[i], g->a[i], g->b[i], g->red[i]);
        /* a highlight is skin at the edge of its range, never core */
        s[i] = (uint8_t)(v ? v : highlight_on_skin(&t, g, i));
    }
}
