/* Private file output helpers: atomic replacement of a file. */
#ifndef SKD_IO_H
#define SKD_IO_H

#include <stdio.h>

#include "../core/core.h"

/* An output being written: a temporary file beside the destination. */
typedef struct skd_atomic_file {
    FILE *fp;
    char *tmp_path;  /* owned */
    char *dest_path; /* owned */
} skd_atomic_file;

/* Open a temporary file in the destination's directory. */
int skd_atomic_open(skd_ctx *ctx, const char *path, skd_atomic_file *af);
/* Flush, fsync and rename over the destination; on any error the temporary
 * file is removed and the destination is untouched. Always releases af. */
int skd_atomic_commit(skd_ctx *ctx, skd_atomic_file *af);
/* Remove the temporary file without touching the destination. */
void skd_atomic_abort(skd_ctx *ctx, skd_atomic_file *af);

#endif
