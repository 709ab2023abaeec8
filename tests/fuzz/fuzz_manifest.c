/* Fuzz the batch manifest reader (RFC 4180 CSV: quotes, embedded line
 * breaks, CRLF, BOM, any column order) and the plan built from it (sort,
 * shards, comparison pairs). A bad manifest must be SKD_E_INVALID with a
 * message naming the file and line; a good one a consistent plan. The
 * first byte picks a shard (k of n), the rest is the manifest text. */
#include <math.h>

#include "fuzz_common.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    skd_ctx *ctx;
    skd_plan plan;
    unsigned n, k;
    int st;

    if (size < 1)
        return 0;
    n = data[0] & 7;
    k = n ? 1 + (data[0] >> 3) % n : 0;
    ctx = skd_ctx_create();
    FUZZ_ASSERT(ctx != NULL);
    memset(&plan, 0, sizeof plan);
    st = skd_parse_manifest(ctx, "fuzz.csv", (const char *)data + 1, size - 1,
                            "/archive", &plan);
    if (st == SKD_OK) {
        skd_plan_shard(ctx, &plan, k, n);
        st = skd_plan_finish(ctx, &plan);
    }
    if (st != SKD_OK) {
        const char *msg = skd_ctx_message(ctx);
        FUZZ_ASSERT(st == SKD_E_INVALID || st == SKD_E_NOMEM);
        FUZZ_ASSERT(msg[0] != '\0');
        FUZZ_ASSERT(st != SKD_E_INVALID || strstr(msg, "fuzz.csv") != NULL);
    } else {
        for (size_t i = 0; i < plan.n; i++) {
            const skd_entry *e = &plan.e[i];
            FUZZ_ASSERT(e->patient && e->session && e->view && e->path &&
                        e->rel_path);
            FUZZ_ASSERT(e->px_per_mm == 0 ||
                        (isfinite(e->px_per_mm) && e->px_per_mm > 0));
            if (i > 0) { /* sorted by (patient, view, session order) */
                const skd_entry *d = &plan.e[i - 1];
                int c = strcmp(d->patient, e->patient);
                if (!c)
                    c = strcmp(d->view, e->view);
                if (!c)
                    c = skd_session_cmp(d, e);
                FUZZ_ASSERT(c <= 0);
            }
        }
        for (size_t i = 0; i < plan.n_pairs; i++) {
            const skd_pair *p = &plan.pairs[i];
            FUZZ_ASSERT(p->before < plan.n && p->after < plan.n &&
                        p->before != p->after);
            FUZZ_ASSERT(!strcmp(plan.e[p->before].patient,
                                plan.e[p->after].patient) &&
                        !strcmp(plan.e[p->before].view, plan.e[p->after].view));
            FUZZ_ASSERT(skd_session_cmp(&plan.e[p->before],
                                        &plan.e[p->after]) < 0);
        }
    }
    skd_plan_free(ctx, &plan);
    skd_ctx_free(ctx);
    return 0;
}
