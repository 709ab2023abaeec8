/* What this build reads, for `skindiff --version` and for messages about
 * a format whose library the build was made without. */
#include <lcms2.h>

#include "decode.h"

#define STR2(x) #x
#define STR(x) STR2(x)

#if defined(SKD_HAVE_HEIF)
#define HEIF_PART " HEIF"
#else
#define HEIF_PART ""
#endif
#if defined(SKD_HAVE_TIFF)
#define TIFF_PART " TIFF"
#else
#define TIFF_PART ""
#endif

const char *skd_build_formats(void)
{
    /* LCMS_VERSION is e.g. 2140 */
    return "PNG JPEG" HEIF_PART TIFF_PART "; colour: LittleCMS 2 (" STR(LCMS_VERSION) ")";
}

unsigned skd_build_format_mask(void)
{
    unsigned m = 1u << SKD_FORMAT_PNG | 1u << SKD_FORMAT_JPEG;
#if defined(SKD_HAVE_HEIF)
    m |= 1u << SKD_FORMAT_HEIF;
#endif
#if defined(SKD_HAVE_TIFF)
    m |= 1u << SKD_FORMAT_TIFF;
#endif
    return m;
}

int skd_fail_not_built(skd_ctx *ctx, const char *what, const char *lib,
                       const char *package)
{
    return skd_fail(ctx, SKD_E_FORMAT,
                    "%s: this build cannot read it (it needs %s: install %s "
                    "and rebuild)", what, lib, package);
}
