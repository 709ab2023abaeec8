/* The after photo resampled into the before frame (display only): the
 * identity reproduces it exactly, the true transform reproduces the before
 * photo up to interpolation error, and everything outside is black. */
#include <stdio.h>

#include "check.h"
#include "register/register.h"
#include "test_register_field.h"

/* Mean |difference| (16-bit units) over pixels at least `margin` px inside
 * both the before frame and the mapped after photo. */
static double mean_abs_diff(const skd_image *before, const uint16_t *warped,
                            const skd_image *after, const skd_transform *t,
                            double margin)
{
    skd_sim s = skd_sim_from_transform(t, before->width, before->height,
                                       after->width, after->height);
    skd_sim inv = skd_sim_inverse(&s);
    double sum = 0;
    size_t n = 0;
    for (uint32_t y = 0; y < before->height; y++)
        for (uint32_t x = 0; x < before->width; x++) {
            double px, py;
            skd_sim_apply(&inv, x, y, &px, &py);
            if (px < margin || py < margin || px > after->width - 1 - margin ||
                py > after->height - 1 - margin)
                continue;
            for (int c = 0; c < 3; c++) {
                size_t i = ((size_t)y * before->width + x) * 3 + (size_t)c;
                sum += fabs((double)warped[i] - before->rgb[i]);
                n++;
            }
        }
    return n ? sum / (double)n : -1.0;
}

int main(void)
{
    const uint32_t W = 400, H = 300;
    field f;
    shot sb = field_shot(W, H, W, H), sa = field_shot(360, 320, W, H);
    skd_image *b, *a;
    uint16_t *out = malloc((size_t)W * H * 3 * sizeof *out);
    uint16_t *same = malloc((size_t)360 * 320 * 3 * sizeof *same);
    skd_transform id = {0, 0, 0, 1, 0}, truth = {-31.5, 17.25, 7.5, 1.06, 0}, off;
    double good, bad;
    size_t outside = 0, outside_black = 0, inside = 0, inside_lit = 0;

    field_make(&f, 9, W, H, 100, 300);
    sa.camera = truth;
    b = field_render(&f, &sb);
    a = field_render(&f, &sa);
    CHECK(b && a && out && same);
    if (!b || !a || !out || !same)
        return check_done("test_register_warp");

    /* Identity onto a same-sized frame: every sample unchanged. */
    skd_reg_warp_rgb(a, &id, a->width, a->height, same);
    CHECK(memcmp(same, a->rgb, (size_t)a->width * a->height * 3 * sizeof *same) == 0);

    /* The true transform puts the after photo back onto the before. */
    skd_reg_warp_rgb(a, &truth, W, H, out);
    good = mean_abs_diff(b, out, a, &truth, 2.0);
    off = truth;
    off.dx += 1.0;
    skd_reg_warp_rgb(a, &off, W, H, out);
    bad = mean_abs_diff(b, out, a, &off, 2.0);
    REPORT("mean |warped - before|: %.1f (16-bit units) with the truth, %.1f one "
           "pixel off", good, bad);
    CHECK(good >= 0 && good < bad / 4.0);

    /* Outside the after photo: black; inside: skin, never black. */
    skd_reg_warp_rgb(a, &truth, W, H, out);
    {
        skd_sim s = skd_sim_from_transform(&truth, W, H, a->width, a->height);
        skd_sim inv = skd_sim_inverse(&s);
        for (uint32_t y = 0; y < H; y++)
            for (uint32_t x = 0; x < W; x++) {
                const uint16_t *p = out + ((size_t)y * W + x) * 3;
                double px, py;
                int black = p[0] == 0 && p[1] == 0 && p[2] == 0;
                skd_sim_apply(&inv, x, y, &px, &py);
                if (px < -1 || py < -1 || px > a->width || py > a->height) {
                    outside++;
                    outside_black += black;
                } else if (px > 0 && py > 0 && px < a->width - 1 && py < a->height - 1) {
                    inside++;
                    inside_lit += !black;
                }
            }
    }
    CHECK(outside > 1000 && outside_black == outside);
    CHECK(inside > 1000 && inside_lit == inside);
    REPORT("%zu pixels outside the after photo (all black), %zu inside (none black)",
           outside, inside);

    free(out);
    free(same);
    field_image_free(a);
    field_image_free(b);
    return check_done("test_register_warp");
}
