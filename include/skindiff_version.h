/* skindiff version: the one place it is written. CMake reads these lines. */
#ifndef SKINDIFF_VERSION_H
#define SKINDIFF_VERSION_H

#define SKD_VERSION_MAJOR 0
#define SKD_VERSION_MINOR 3
#define SKD_VERSION_PATCH 0

#define SKD_VERSION_NUMBER \
    (SKD_VERSION_MAJOR * 10000 + SKD_VERSION_MINOR * 100 + SKD_VERSION_PATCH)

#define SKD_STRINGIFY_(x) #x
#define SKD_STRINGIFY(x) SKD_STRINGIFY_(x)
#define SKD_VERSION_STRING                                                     \
    SKD_STRINGIFY(SKD_VERSION_MAJOR) "." SKD_STRINGIFY(SKD_VERSION_MINOR) "." \
        SKD_STRINGIFY(SKD_VERSION_PATCH)

#endif
