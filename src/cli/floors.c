/* --floors FILE: the noise floors `skindiff repeatability` measured, set
 * as the library's floor options (compare and batch). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The number after "key": within the "floors" object of text. */
static int floor_value(const char *floors, const char *key, double *v)
{
    char pat[64];
    const char *p;
    char *end;
    snprintf(pat, sizeof pat, "\"%s\":", key);
    p = strstr(floors, pat);
    if (!p)
        return 0;
    *v = strtod(p + strlen(pat), &end);
    return end != p + strlen(pat) && *v >= 0;
}

int cli_floors_load(skd_ctx *ctx, const char *path)
{
    static const struct {
        const char *key;
        skd_option opt[2];
    } map[] = {
        {"sa_pct", {SKD_OPT_FLOOR_SA, SKD_OPT_FLOOR_SA}},
        {"pores_pct", {SKD_OPT_FLOOR_PORES, SKD_OPT_FLOOR_PORES}},
        /* measured on the clinic's own shots, white balance drift included:
         * the same floor with or without white references */
        {"a", {SKD_OPT_FLOOR_A_MEAN, SKD_OPT_FLOOR_A_UNCAL}},
        {"erythema", {SKD_OPT_FLOOR_ERYTHEMA, SKD_OPT_FLOOR_EI_UNCAL}},
        {"red_area_points", {SKD_OPT_FLOOR_RED_AREA, SKD_OPT_FLOOR_RED_AREA}},
    };
    char text[65536];
    const char *floors;
    size_t n;
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error("%s: cannot open the floors file", path);
        return CLI_EXIT_INPUT;
    }
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    floors = strstr(text, "\"floors\"");
    if (!floors || !strstr(text, "skindiff floors")) {
        cli_error("%s: not a floors file (made by skindiff repeatability)", path);
        return CLI_EXIT_INPUT;
    }
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        double v;
        if (!floor_value(floors, map[i].key, &v)) {
            cli_error("%s: no floor \"%s\"", path, map[i].key);
            return CLI_EXIT_INPUT;
        }
        skd_ctx_set(ctx, map[i].opt[0], v);
        skd_ctx_set(ctx, map[i].opt[1], v);
    }
    skd_ctx_set(ctx, SKD_OPT_FLOOR_SOURCE, 1);
    return -1;
}
