/* Smallest useful program on the public API: measure one photo.
 *   sample_analyze_one PHOTO [PX_PER_MM] */
#include <stdio.h>
#include <stdlib.h>

#include <skindiff.h>

int main(int argc, char **argv)
{
    skd_ctx *ctx;
    skd_image *img = NULL;
    skd_analysis *a = NULL;
    int st;

    if (argc < 2) {
        fprintf(stderr, "usage: %s PHOTO [PX_PER_MM]\n", argv[0]);
        return 2;
    }
    ctx = skd_ctx_create();
    if (!ctx)
        return 7;
    if (argc > 2)
        skd_ctx_set(ctx, SKD_OPT_PX_PER_MM, atof(argv[2]));
    st = skd_image_load(ctx, argv[1], &img);
    if (st == SKD_OK)
        st = skd_analyze(ctx, img, NULL, &a);
    if (st != SKD_OK) {
        fprintf(stderr, "%s (%s)\n", skd_ctx_message(ctx), skd_strerror(st));
    } else {
        const skd_metrics *m = &a->metrics;
        printf("%s: Sa %.2f %% contrast, %u pores (%.1f /cm2), a* %.2f, EI %.2f\n",
               argv[1], m->sa, m->pore_count, m->pore_density_per_cm2, m->a_mean,
               m->erythema_index);
    }
    skd_analysis_free(a);
    skd_image_free(img);
    skd_ctx_free(ctx);
    return st == SKD_OK ? 0 : 3;
}
