/* One LittleCMS context per skd_ctx: profiles and transforms made for a
 * photo belong to the context of the thread that reads it, and LittleCMS'
 * messages land in that context instead of on stderr. */
#include <stdio.h>

#include <lcms2.h>

#include "core.h"

static void on_cms_error(cmsContext id, cmsUInt32Number code, const char *text)
{
    skd_ctx *ctx = cmsGetContextUserData(id);
    (void)code;
    if (ctx)
        snprintf(ctx->cms_error, sizeof ctx->cms_error, "%s",
                 text ? text : "unknown LittleCMS error");
}

void *skd_cms(skd_ctx *ctx)
{
    cmsContext c;
    if (ctx->cms)
        return ctx->cms;
    c = cmsCreateContext(NULL, ctx);
    if (!c) {
        skd_fail(ctx, SKD_E_NOMEM, "cannot create the LittleCMS context");
        return NULL;
    }
    cmsSetLogErrorHandlerTHR(c, on_cms_error);
    ctx->cms = c;
    return c;
}

void skd_cms_free(skd_ctx *ctx)
{
    if (ctx->cms)
        cmsDeleteContext(ctx->cms);
    ctx->cms = NULL;
}

void *skd_cms_linear_srgb(skd_ctx *ctx)
{
    /* sRGB primaries and D65 white (IEC 61966-2-1), linear: the space the
     * planes are made from (colour/lab.c has the same matrix). */
    static const cmsCIExyY white = {0.3127, 0.3290, 1.0};
    static const cmsCIExyYTRIPLE prim = {
        {0.6400, 0.3300, 1.0}, {0.3000, 0.6000, 1.0}, {0.1500, 0.0600, 1.0}};
    cmsContext c = skd_cms(ctx);
    cmsToneCurve *lin;
    cmsHPROFILE h = NULL;
    if (!c)
        return NULL;
    lin = cmsBuildGamma(c, 1.0);
    if (lin) {
        cmsToneCurve *three[3] = {lin, lin, lin};
        h = cmsCreateRGBProfileTHR(c, &white, &prim, three);
        cmsFreeToneCurve(lin);
    }
    if (!h)
        skd_fail(ctx, SKD_E_NOMEM, "cannot build the linear sRGB profile");
    return h;
}
