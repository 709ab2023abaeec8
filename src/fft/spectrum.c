/* Mirror padding and the forward transform. */
#include <math.h>
#include <string.h>

#include "fft.h"

size_t skd_fft_good_size(size_t n)
{
    if (n < 2)
        return 2;
    for (size_t m = n;; m++) {
        size_t r = m;
        while (r % 2 == 0) r /= 2;
        while (r % 3 == 0) r /= 3;
        while (r % 5 == 0) r /= 5;
        while (r % 7 == 0) r /= 7;
        if (r == 1)
            return m;
    }
}

size_t skd_fft_margin(double sigma)
{
    return (size_t)ceil(4.0 * sigma) + 2;
}

void skd_fft_pad_window(const float *plane, size_t w, size_t h, long long x0,
                        long long y0, size_t pw, size_t ph,
                        float *restrict padded)
{
    size_t stride = skd_fft_row_floats(pw);
    /* Columns [in0, in1) of the window lie inside the plane: one copy. */
    long long in0 = x0 < 0 ? -x0 : 0;
    long long in1 = x0 + (long long)pw > (long long)w ? (long long)w - x0
                                                      : (long long)pw;
    if (in1 < in0)
        in1 = in0;
    for (size_t py = 0; py < ph; py++) {
        const float *src = plane + skd_fft_reflect(y0 + (long long)py, h) * w;
        float *dst = padded + py * stride;
        if (in1 > in0)
            memcpy(dst + in0, src + x0 + in0, (size_t)(in1 - in0) * sizeof *dst);
        for (long long px = 0; px < in0; px++)
            dst[px] = src[skd_fft_reflect(x0 + px, w)];
        for (long long px = in1; px < (long long)pw; px++)
            dst[px] = src[skd_fft_reflect(x0 + px, w)];
    }
}

void skd_fft_pad(const float *plane, const skd_spectrum *s,
                 float *restrict padded)
{
    skd_fft_pad_window(plane, s->w, s->h, -(long long)s->ox,
                       -(long long)s->oy, s->pw, s->ph, padded);
}

int skd_fft_geometry(skd_ctx *ctx, size_t w, size_t h, size_t margin,
                     skd_spectrum *s)
{
    size_t ncomplex;
    if (w == 0 || h == 0)
        return skd_fail(ctx, SKD_E_INVALID, "empty plane");
    if (w > SIZE_MAX / 4 - 2 * margin || h > SIZE_MAX / 4 - 2 * margin)
        return skd_fail(ctx, SKD_E_LIMIT, "plane too large for FFT");
    s->w = w;
    s->h = h;
    s->pw = skd_fft_good_size(w + 2 * margin);
    s->ph = skd_fft_good_size(h + 2 * margin);
    s->ox = (s->pw - w) / 2;
    s->oy = (s->ph - h) / 2;
    if (!skd_mul3_size(s->pw / 2 + 1, s->ph, sizeof(fftwf_complex), &ncomplex))
        return skd_fail(ctx, SKD_E_LIMIT, "plane too large for FFT");
    return SKD_OK;
}

size_t skd_fft_row_floats(size_t pw)
{
    return 2 * (pw / 2 + 1);
}

/* The padded plane is written straight into the spectrum's buffer and
 * transformed in place: no second plane-sized buffer. */
int skd_spectrum_forward(skd_ctx *ctx, const float *plane, size_t w, size_t h,
                         size_t margin, skd_spectrum **out)
{
    skd_spectrum *s;
    int st;

    *out = NULL;
    if (!plane)
        return skd_fail(ctx, SKD_E_INVALID, "empty plane");
    s = skd_calloc(ctx, 1, sizeof *s);
    if (!s)
        return SKD_E_NOMEM;
    st = skd_fft_geometry(ctx, w, h, margin, s);
    if (st != SKD_OK) {
        skd_dealloc(ctx, s);
        return st;
    }
    s->data = skd_fft_alloc(ctx, (s->pw / 2 + 1) * s->ph * sizeof(fftwf_complex));
    if (!s->data) {
        skd_spectrum_free(ctx, s);
        return SKD_E_NOMEM;
    }
    skd_fft_pad(plane, s, (float *)s->data);
    st = skd_fft_r2c_inplace(ctx, s->pw, s->ph, (float *)s->data);
    if (st != SKD_OK) {
        skd_spectrum_free(ctx, s);
        return st;
    }
    *out = s;
    return SKD_OK;
}

void skd_spectrum_free(skd_ctx *ctx, skd_spectrum *s)
{
    if (!s)
        return;
    skd_fft_dealloc(ctx, s->data);
    skd_dealloc(ctx, s);
}
