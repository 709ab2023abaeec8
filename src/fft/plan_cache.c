/* FFTW plans cached per context and padded size. FFTW's planner is not
 * thread-safe, so every planner call (and wisdom I/O) holds one process-wide
 * lock; executing a plan on new arrays is thread-safe and needs no lock. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "../io/io.h"
#include "fft.h"

static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

/* A band of the complex inverse's columns: its columns' pass (in place),
 * run after the rows' pass over every row. */
typedef struct c2c_band {
    size_t c0, nc;
    fftwf_plan cols;
} c2c_band;

/* Out-of-place plans for the raw API, in-place ones (rows padded to
 * pw/2+1 complex) for the filter engine, and the out-of-place complex
 * inverse of the pore bank, whole or as a rows' pass and bands of
 * columns; each is made on first use. */
typedef struct plan_entry {
    size_t pw, ph;
    fftwf_plan r2c, c2r;
    fftwf_plan r2c_ip, c2r_ip;
    fftwf_plan c2c_inv;
    fftwf_plan c2c_rows;
    c2c_band *band;
    size_t nbands, capbands;
} plan_entry;

enum { OUT_OF_PLACE = 0, IN_PLACE = 1, COMPLEX_INVERSE = 2 };

/* 1-D out-of-place plans (the low-pass engine's rows and columns). */
typedef struct plan_1d_entry {
    size_t n;
    skd_fft_plans_1d p;
} plan_1d_entry;

struct skd_fft_cache {
    plan_entry *entries;
    size_t n, cap;
    plan_1d_entry *e1d;
    size_t n1d, cap1d;
};

/* Buffers come from the context allocator (so allocation-failure tests see
 * them), aligned to 64 bytes, which covers every SIMD alignment FFTW uses. */
void *skd_fft_alloc(skd_ctx *ctx, size_t bytes)
{
    unsigned char *raw, *p;
    if (bytes > SIZE_MAX - 64) {
        skd_fail(ctx, SKD_E_NOMEM, "FFT buffer size overflows");
        return NULL;
    }
    raw = skd_malloc(ctx, bytes + 64);
    if (!raw)
        return NULL;
    p = (unsigned char *)(((uintptr_t)raw + 64) & ~(uintptr_t)63);
    memcpy(p - sizeof raw, &raw, sizeof raw);
    return p;
}

void skd_fft_dealloc(skd_ctx *ctx, void *p)
{
    unsigned char *raw;
    if (!p)
        return;
    memcpy(&raw, (unsigned char *)p - sizeof raw, sizeof raw);
    skd_dealloc(ctx, raw);
}

/* SKD_OPT_FFT_MEASURE: 0 estimates (no timing, the same plan on every
 * run), 1 measures, 2 tries more algorithms still (FFTW_PATIENT: minutes
 * of planning for large sizes, so with wisdom). */
static unsigned planner_flags(const skd_ctx *ctx)
{
    double level = skd_opt(ctx, SKD_OPT_FFT_MEASURE);
    return level >= 2 ? FFTW_PATIENT : level >= 1 ? FFTW_MEASURE : FFTW_ESTIMATE;
}

static int too_large(skd_ctx *ctx, const plan_entry *e)
{
    return skd_fail(ctx, SKD_E_LIMIT, "FFT size %zux%zu too large", e->pw,
                    e->ph);
}

static int not_planned(skd_ctx *ctx, const plan_entry *e)
{
    return skd_fail(ctx, SKD_E_INTERNAL, "FFTW could not plan %zux%zu", e->pw,
                    e->ph);
}

/* The end of planning p on scratch buffers (out may be NULL): they are
 * freed, and a plan FFTW did not make is a failure. */
static int planned(skd_ctx *ctx, const plan_entry *e, fftwf_plan p,
                   fftwf_complex *in, fftwf_complex *out)
{
    skd_fft_dealloc(ctx, in);
    skd_fft_dealloc(ctx, out);
    return p ? SKD_OK : not_planned(ctx, e);
}

static int make_plans(skd_ctx *ctx, plan_entry *e, int inplace)
{
    size_t nr, nc;
    float *re;
    fftwf_complex *co;
    fftwf_plan *fwd = inplace ? &e->r2c_ip : &e->r2c;
    fftwf_plan *inv = inplace ? &e->c2r_ip : &e->c2r;
    unsigned flags = planner_flags(ctx);
    if (!skd_mul3_size(e->pw, e->ph, sizeof(float), &nr) ||
        !skd_mul3_size(e->pw / 2 + 1, e->ph, sizeof(fftwf_complex), &nc) ||
        e->pw > INT32_MAX || e->ph > INT32_MAX)
        return too_large(ctx, e);
    co = skd_fft_alloc(ctx, nc);
    re = inplace ? (float *)co : skd_fft_alloc(ctx, nr);
    if (!re || !co) {
        if (!inplace)
            skd_fft_dealloc(ctx, re);
        skd_fft_dealloc(ctx, co);
        return SKD_E_NOMEM;
    }
    pthread_mutex_lock(&planner_lock);
    *fwd = fftwf_plan_dft_r2c_2d((int)e->ph, (int)e->pw, re, co, flags);
    *inv = fftwf_plan_dft_c2r_2d((int)e->ph, (int)e->pw, co, re, flags);
    pthread_mutex_unlock(&planner_lock);
    if (!inplace)
        skd_fft_dealloc(ctx, re);
    skd_fft_dealloc(ctx, co);
    return *fwd && *inv ? SKD_OK : not_planned(ctx, e);
}

static void destroy_plans(plan_entry *e)
{
    pthread_mutex_lock(&planner_lock);
    if (e->r2c)
        fftwf_destroy_plan(e->r2c);
    if (e->c2r)
        fftwf_destroy_plan(e->c2r);
    if (e->r2c_ip)
        fftwf_destroy_plan(e->r2c_ip);
    if (e->c2r_ip)
        fftwf_destroy_plan(e->c2r_ip);
    if (e->c2c_inv)
        fftwf_destroy_plan(e->c2c_inv);
    if (e->c2c_rows)
        fftwf_destroy_plan(e->c2c_rows);
    for (size_t i = 0; i < e->nbands; i++)
        fftwf_destroy_plan(e->band[i].cols);
    pthread_mutex_unlock(&planner_lock);
}

static void free_entry(skd_ctx *ctx, plan_entry *e)
{
    destroy_plans(e);
    skd_dealloc(ctx, e->band);
}

size_t skd_fft_c2c_row(size_t pw)
{
    return pw + 4;
}

/* Two buffers (the second only when out is not NULL) of the complex
 * inverse's layout for planning it, or a failure that says why. */
static int c2c_buffers(skd_ctx *ctx, const plan_entry *e, fftwf_complex **in,
                       fftwf_complex **out)
{
    size_t rs = skd_fft_c2c_row(e->pw), bytes;
    if (!skd_mul3_size(rs, e->ph, sizeof(fftwf_complex), &bytes) ||
        rs > INT32_MAX || e->ph > INT32_MAX)
        return too_large(ctx, e);
    *in = skd_fft_alloc(ctx, bytes);
    if (*in && out && !(*out = skd_fft_alloc(ctx, bytes))) {
        skd_fft_dealloc(ctx, *in);
        *in = NULL;
    }
    return *in ? SKD_OK : SKD_E_NOMEM;
}

/* Rows a little longer than pw: with power-of-two rows the column passes
 * of a complex transform hit one cache set, and FFTW's estimated plans for
 * 384 or 512 points run 4 to 10 times slower than with the padding. Out
 * of place: FFTW_ESTIMATE's in-place plan buffers the row pass as well as
 * the column pass (a copy of the plane each way); out of place the rows
 * go straight from one buffer to the other, with the same codelets, so
 * the same numbers, about 20% sooner at 320 x 320. */
static int make_c2c_plan(skd_ctx *ctx, plan_entry *e)
{
    unsigned flags = planner_flags(ctx);
    fftwf_complex *in, *out = NULL;
    int n[2], embed[2];
    int st = c2c_buffers(ctx, e, &in, &out);
    if (st != SKD_OK)
        return st;
    n[0] = embed[0] = (int)e->ph;
    n[1] = (int)e->pw;
    embed[1] = (int)skd_fft_c2c_row(e->pw);
    pthread_mutex_lock(&planner_lock);
    e->c2c_inv = fftwf_plan_many_dft(2, n, 1, in, embed, 1, 0, out, embed, 1,
                                     0, FFTW_BACKWARD, flags);
    pthread_mutex_unlock(&planner_lock);
    return planned(ctx, e, e->c2c_inv, in, out);
}

/* The complex inverse in two passes, so that the columns' pass can skip
 * the columns nobody reads (the pore bank reads a tile's core and one
 * pixel around it: 286 of 320 columns, 26 of 60 in the last column of
 * tiles). FFTW's estimated 2-D plan is the same two passes, rows first,
 * with the same codelets: the band's columns come out bit for bit the
 * same (test_fft_band), 7-8% sooner on 320 x 320, 35% on 60 x 320. */
static int make_rows_plan(skd_ctx *ctx, plan_entry *e)
{
    int rs = (int)skd_fft_c2c_row(e->pw), n = (int)e->pw;
    fftwf_complex *in, *out = NULL;
    int st = c2c_buffers(ctx, e, &in, &out);
    if (st != SKD_OK)
        return st;
    pthread_mutex_lock(&planner_lock);
    e->c2c_rows = fftwf_plan_many_dft(1, &n, (int)e->ph, in, NULL, 1, rs, out,
                                      NULL, 1, rs, FFTW_BACKWARD,
                                      planner_flags(ctx));
    pthread_mutex_unlock(&planner_lock);
    return planned(ctx, e, e->c2c_rows, in, out);
}

/* Planned at column c0 of a 64-byte aligned buffer, as the buffers it runs
 * on are (skd_fft_alloc), so it sees the same alignment. */
static int make_band_plan(skd_ctx *ctx, plan_entry *e, size_t c0, size_t nc)
{
    int rs = (int)skd_fft_c2c_row(e->pw), n = (int)e->ph;
    fftwf_complex *buf;
    fftwf_plan p;
    int st;
    if (e->nbands == e->capbands) {
        c2c_band *b = skd_array_grow(ctx, e->band, e->nbands, &e->capbands,
                                     sizeof *b, 2);
        if (!b)
            return SKD_E_NOMEM;
        e->band = b;
    }
    if ((st = c2c_buffers(ctx, e, &buf, NULL)) != SKD_OK)
        return st;
    pthread_mutex_lock(&planner_lock);
    p = fftwf_plan_many_dft(1, &n, (int)nc, buf + c0, NULL, rs, 1, buf + c0,
                            NULL, rs, 1, FFTW_BACKWARD, planner_flags(ctx));
    pthread_mutex_unlock(&planner_lock);
    if ((st = planned(ctx, e, p, buf, NULL)) == SKD_OK)
        e->band[e->nbands++] = (c2c_band){c0, nc, p};
    return st;
}

static const c2c_band *find_band(const plan_entry *e, size_t c0, size_t nc)
{
    for (size_t i = 0; i < e->nbands; i++)
        if (e->band[i].c0 == c0 && e->band[i].nc == nc)
            return &e->band[i];
    return NULL;
}

static int ensure_pair(skd_ctx *ctx, plan_entry *e, int kind)
{
    int inplace = kind == IN_PLACE;
    int st;
    if (kind == COMPLEX_INVERSE)
        return e->c2c_inv ? SKD_OK : make_c2c_plan(ctx, e);
    if (inplace ? e->r2c_ip != NULL : e->r2c != NULL)
        return SKD_OK;
    st = make_plans(ctx, e, inplace);
    if (st != SKD_OK) {
        fftwf_plan *fwd = inplace ? &e->r2c_ip : &e->r2c;
        fftwf_plan *inv = inplace ? &e->c2r_ip : &e->c2r;
        pthread_mutex_lock(&planner_lock);
        if (*fwd)
            fftwf_destroy_plan(*fwd);
        if (*inv)
            fftwf_destroy_plan(*inv);
        pthread_mutex_unlock(&planner_lock);
        *fwd = *inv = NULL;
    }
    return st;
}

static int get_cache(skd_ctx *ctx, struct skd_fft_cache **out)
{
    if (!ctx->fft) {
        ctx->fft = skd_calloc(ctx, 1, sizeof *ctx->fft);
        if (!ctx->fft)
            return SKD_E_NOMEM;
    }
    *out = ctx->fft;
    return SKD_OK;
}

/* The cached plans for pw x ph, planning them on first use. */
static int get_plans(skd_ctx *ctx, size_t pw, size_t ph, int kind,
                     plan_entry **out)
{
    struct skd_fft_cache *c;
    int st = get_cache(ctx, &c);
    if (st != SKD_OK)
        return st;
    for (size_t i = 0; i < c->n; i++)
        if (c->entries[i].pw == pw && c->entries[i].ph == ph) {
            *out = &c->entries[i];
            return ensure_pair(ctx, *out, kind);
        }
    if (c->n == c->cap) {
        plan_entry *e = skd_array_grow(ctx, c->entries, c->n, &c->cap,
                                       sizeof *e, 8);
        if (!e)
            return SKD_E_NOMEM;
        c->entries = e;
    }
    plan_entry *e = &c->entries[c->n];
    memset(e, 0, sizeof *e);
    e->pw = pw;
    e->ph = ph;
    st = ensure_pair(ctx, e, kind);
    if (st != SKD_OK)
        return st;
    c->n++;
    *out = e;
    return SKD_OK;
}

static void destroy_plans_1d(skd_fft_plans_1d *p)
{
    pthread_mutex_lock(&planner_lock);
    if (p->r2c)
        fftwf_destroy_plan(p->r2c);
    if (p->c2r)
        fftwf_destroy_plan(p->c2r);
    pthread_mutex_unlock(&planner_lock);
    memset(p, 0, sizeof *p);
}

/* Planned on scratch arrays from skd_fft_alloc, as aligned as every buffer
 * they will be executed on. */
static int make_plans_1d(skd_ctx *ctx, size_t n, skd_fft_plans_1d *p)
{
    unsigned flags = planner_flags(ctx);
    float *re;
    fftwf_complex *co;
    if (n == 0 || n > INT32_MAX)
        return skd_fail(ctx, SKD_E_LIMIT, "FFT length %zu out of range", n);
    re = skd_fft_alloc(ctx, n * sizeof *re);
    co = skd_fft_alloc(ctx, (n / 2 + 1) * sizeof *co);
    if (re && co) {
        pthread_mutex_lock(&planner_lock);
        p->r2c = fftwf_plan_dft_r2c_1d((int)n, re, co, flags);
        p->c2r = fftwf_plan_dft_c2r_1d((int)n, co, re, flags);
        pthread_mutex_unlock(&planner_lock);
    }
    skd_fft_dealloc(ctx, re);
    skd_fft_dealloc(ctx, co);
    if (!re || !co)
        return SKD_E_NOMEM;
    if (!p->r2c || !p->c2r) {
        destroy_plans_1d(p);
        return skd_fail(ctx, SKD_E_INTERNAL, "FFTW could not plan length %zu", n);
    }
    return SKD_OK;
}

int skd_fft_prepare_1d(skd_ctx *ctx, size_t n, skd_fft_plans_1d *out)
{
    struct skd_fft_cache *c;
    plan_1d_entry *e;
    int st = get_cache(ctx, &c);
    memset(out, 0, sizeof *out);
    if (st != SKD_OK)
        return st;
    for (size_t i = 0; i < c->n1d; i++)
        if (c->e1d[i].n == n) {
            *out = c->e1d[i].p;
            return SKD_OK;
        }
    if (c->n1d == c->cap1d) {
        plan_1d_entry *grown = skd_array_grow(ctx, c->e1d, c->n1d, &c->cap1d,
                                              sizeof *grown, 4);
        if (!grown)
            return SKD_E_NOMEM;
        c->e1d = grown;
    }
    e = &c->e1d[c->n1d];
    memset(e, 0, sizeof *e);
    e->n = n;
    if ((st = make_plans_1d(ctx, n, &e->p)) != SKD_OK)
        return st;
    c->n1d++;
    *out = e->p;
    return SKD_OK;
}

int skd_fft_prepare_inplace(skd_ctx *ctx, size_t pw, size_t ph)
{
    plan_entry *e;
    return get_plans(ctx, pw, ph, IN_PLACE, &e);
}

int skd_fft_prepare_c2c(skd_ctx *ctx, size_t pw, size_t ph)
{
    plan_entry *e;
    return get_plans(ctx, pw, ph, COMPLEX_INVERSE, &e);
}

int skd_fft_c2c_inverse(skd_ctx *ctx, size_t pw, size_t ph, fftwf_complex *in,
                        fftwf_complex *out)
{
    plan_entry *e;
    int st = get_plans(ctx, pw, ph, COMPLEX_INVERSE, &e);
    if (st == SKD_OK)
        fftwf_execute_dft(e->c2c_inv, in, out);
    return st;
}

int skd_fft_prepare_c2c_band(skd_ctx *ctx, size_t pw, size_t ph, size_t c0,
                             size_t nc)
{
    plan_entry *e;
    int st;
    if (nc == 0 || c0 > pw || nc > pw - c0)
        return skd_fail(ctx, SKD_E_INTERNAL, "columns %zu..%zu of %zu", c0,
                        c0 + nc, pw);
    st = get_plans(ctx, pw, ph, COMPLEX_INVERSE, &e);
    if (st == SKD_OK && !e->c2c_rows)
        st = make_rows_plan(ctx, e);
    if (st == SKD_OK && !find_band(e, c0, nc))
        st = make_band_plan(ctx, e, c0, nc);
    return st;
}

int skd_fft_c2c_inverse_band(skd_ctx *ctx, size_t pw, size_t ph, size_t c0,
                             size_t nc, fftwf_complex *in, fftwf_complex *out)
{
    plan_entry *e;
    const c2c_band *b;
    int st = get_plans(ctx, pw, ph, COMPLEX_INVERSE, &e);
    if (st != SKD_OK)
        return st;
    if (!e->c2c_rows || !(b = find_band(e, c0, nc)))
        return skd_fail(ctx, SKD_E_INTERNAL, "columns %zu..%zu of %zux%zu "
                        "not prepared", c0, c0 + nc, pw, ph);
    fftwf_execute_dft(e->c2c_rows, in, out);
    fftwf_execute_dft(b->cols, out + c0, out + c0);
    return SKD_OK;
}

int skd_fft_r2c_inplace(skd_ctx *ctx, size_t pw, size_t ph, float *buf)
{
    plan_entry *e;
    int st = get_plans(ctx, pw, ph, IN_PLACE, &e);
    if (st == SKD_OK)
        fftwf_execute_dft_r2c(e->r2c_ip, buf, (fftwf_complex *)buf);
    return st;
}

int skd_fft_c2r_inplace(skd_ctx *ctx, size_t pw, size_t ph, fftwf_complex *buf)
{
    plan_entry *e;
    int st = get_plans(ctx, pw, ph, IN_PLACE, &e);
    if (st == SKD_OK)
        fftwf_execute_dft_c2r(e->c2r_ip, buf, (float *)buf);
    return st;
}

int skd_fft_r2c(skd_ctx *ctx, size_t pw, size_t ph, float *in,
                fftwf_complex *out)
{
    plan_entry *e;
    int st = get_plans(ctx, pw, ph, OUT_OF_PLACE, &e);
    if (st == SKD_OK)
        fftwf_execute_dft_r2c(e->r2c, in, out);
    return st;
}

int skd_fft_c2r(skd_ctx *ctx, size_t pw, size_t ph, fftwf_complex *in,
                float *out)
{
    plan_entry *e;
    int st = get_plans(ctx, pw, ph, OUT_OF_PLACE, &e);
    if (st == SKD_OK)
        fftwf_execute_dft_c2r(e->c2r, in, out);
    return st;
}

void skd_fft_cache_free(skd_ctx *ctx)
{
    struct skd_fft_cache *c = ctx->fft;
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free_entry(ctx, &c->entries[i]);
    for (size_t i = 0; i < c->n1d; i++)
        destroy_plans_1d(&c->e1d[i].p);
    skd_dealloc(ctx, c->entries);
    skd_dealloc(ctx, c->e1d);
    skd_dealloc(ctx, c);
    ctx->fft = NULL;
}

int skd_fft_wisdom_load(skd_ctx *ctx, const char *path)
{
    int ok;
    pthread_mutex_lock(&planner_lock);
    ok = fftwf_import_wisdom_from_filename(path);
    pthread_mutex_unlock(&planner_lock);
    return ok ? SKD_OK
              : skd_fail(ctx, SKD_E_IO, "%s: cannot read FFTW wisdom", path);
}

/* Written atomically: a run that stops half-way, or two runs saving at
 * once, never leave a truncated wisdom file for the next load. */
int skd_fft_wisdom_save(skd_ctx *ctx, const char *path)
{
    skd_atomic_file af;
    int st = skd_atomic_open(ctx, path, &af);
    if (st != SKD_OK)
        return st;
    pthread_mutex_lock(&planner_lock);
    fftwf_export_wisdom_to_file(af.fp);
    pthread_mutex_unlock(&planner_lock);
    return skd_atomic_commit(ctx, &af);
}

int skd_wisdom_load(skd_ctx *ctx, const char *path)
{
    return skd_fft_wisdom_load(ctx, path);
}

int skd_wisdom_save(skd_ctx *ctx, const char *path)
{
    return skd_fft_wisdom_save(ctx, path);
}
