#!/usr/bin/python3
"""Reference implementation of docs/measurements.md in numpy/scipy.

An independent second implementation of the measurements, written from the
contract and the documented choices of the C library, used to check the
library's figures (tests/cli/test_reference.sh) and as the speed baseline of
the benchmark (scripts/bench).

Everything is computed in double precision. Two filter methods:
  spatial  (default) separable scipy.ndimage.correlate1d, mode='reflect'
           (half-sample symmetric "dcba|abcd", as the C engine pads);
  fft      scipy.fft on the same mirror-padded sizes as the C engine.
Both use the band-limited kernels that the C engine's transfer functions
define: a Gaussian of sigma s is exp(-2 pi^2 s^2 f^2) for |f| <= 1/2 cycle
per pixel, so its spatial kernel is h[n] = int_{-1/2}^{1/2} g(f) cos(2 pi f n) df
(not the sampled Gaussian of scipy.ndimage.gaussian_filter, which differs by
several percent below sigma = 1 px, where the smallest pore scale sits).

Usage: skindiff_ref.py IMAGE... [--px-per-mm S] [--pore-threshold T]
       [--red-delta D] [--roi X,Y,W,H] [--mask M.png] [--method spatial|fft]
Prints the same JSON fields as `skindiff analyze --json`, plus per-stage
"timings_s" (CPU seconds of the process; numpy and scipy run these on one
thread). Images: PNG (8-bit, or 16-bit grey) through PIL; JPEG through
libjpeg-turbo's djpeg (ISLOW DCT, fancy upsampling: the library's defaults).
EXIF orientation is not applied (test images carry none).
"""
import argparse
import json
import math
import subprocess
import sys
import time

import numpy as np
from scipy import fft as sfft
from scipy import ndimage

# The contract's constants (src/metrics/metrics.h).
MASK_HIGH_SAMPLE = 240 * 257
MASK_MIN_Y = 0.01
MASK_GROW_MM = 0.25
FILL_SIGMA_MM = 1.0
REGION_MIN_WEIGHT = 0.9
FILL_MIN_WEIGHT = 1e-3
RED_BACKGROUND_SIGMA_MM = 2.0
TEXTURE_FINE_MM = 0.05
TEXTURE_COARSE_MM = 1.0
PORE_SCALES = 7
PORE_R_MIN_MM = 0.05
PORE_R_MAX_MM = 0.25
PORE_MIN_ROUNDNESS = 0.5
LOW_RES_PX_PER_MM = 10.0
Y_FLOOR = 1e-6
WHITE_X, WHITE_Y = 0.95047, 1.0


# ---- decoding ---------------------------------------------------------------

def read_pnm(data):
    """Binary PPM/PGM (P5/P6) bytes -> HxWxC array (uint8 or uint16)."""
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pos += 1
    magic, w, h, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    c = 3 if magic == b"P6" else 1
    dt = np.dtype(">u2") if maxval > 255 else np.uint8
    a = np.frombuffer(data, dtype=dt, count=w * h * c, offset=pos)
    return a.reshape(h, w, c).astype(np.uint16 if maxval > 255 else np.uint8)


def load_rgb16(path):
    """The photo as 16-bit sRGB samples, 8-bit files scaled by 257."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head[:3] == b"\xff\xd8\xff":
        out = subprocess.run(["djpeg", "-pnm", path], check=True,
                             stdout=subprocess.PIPE).stdout
        a = read_pnm(out)
    else:
        from PIL import Image
        im = Image.open(path)
        if im.mode in ("I;16", "I;16B", "I"):
            a = np.asarray(im, dtype=np.uint16)[:, :, None]
            a16 = a.astype(np.uint16)
            return np.repeat(a16, 3, axis=2)
        a = np.asarray(im.convert("RGB"))
    if a.shape[2] == 1:
        a = np.repeat(a, 3, axis=2)
    if a.dtype == np.uint8:
        return a.astype(np.uint16) * 257
    return a


# ---- colour -----------------------------------------------------------------

def srgb_decode(v):
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def lab_f(t):
    eps, kappa = 216.0 / 24389.0, 24389.0 / 27.0
    return np.where(t > eps, np.cbrt(t), (kappa * t + 16.0) / 116.0)


def colour_planes(rgb16):
    """Linear RGB, Y (for l and the mask), l, a*, erythema (NaN where R or G is 0)."""
    lut = srgb_decode(np.arange(65536, dtype=np.float64) / 65535.0)
    r, g, b = (lut[rgb16[:, :, c]] for c in range(3))
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    l = 100.0 * np.log(np.maximum(y, Y_FLOOR))
    X = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b
    Yx = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    a_star = 500.0 * (lab_f(X / WHITE_X) - lab_f(Yx / WHITE_Y))
    with np.errstate(divide="ignore", invalid="ignore"):
        ery = np.where((r > 0) & (g > 0), 100.0 * np.log10(r / g), np.nan)
    return y, l, a_star, ery


# ---- mask -------------------------------------------------------------------

def build_mask(rgb16, y, px_per_mm, roi=None, user_mask=None):
    """M: specular (every sample >= 240/255: near-white) or dark (Y < 0.01)
    pixels excluded (one or two clipped samples are coloured skin: kept),
    the exclusion grown to every pixel within 0.25 mm (Euclidean distance
    between pixel centres, <= radius), then narrowed by the mask and ROI."""
    ex = (rgb16 >= MASK_HIGH_SAMPLE).all(axis=2) | (y < MASK_MIN_Y)
    if ex.any():
        radius = MASK_GROW_MM * px_per_mm
        _, idx = ndimage.distance_transform_edt(~ex, return_indices=True)
        yy, xx = np.indices(ex.shape)
        d2 = (idx[0] - yy).astype(np.float64) ** 2 + (idx[1] - xx) ** 2
        ex = d2 <= radius * radius
    m = ~ex
    if user_mask is not None:
        m &= user_mask
    if roi is not None:
        x0, y0, w, h = roi
        r = np.zeros_like(m)
        r[y0:y0 + h, x0:x0 + w] = True
        m &= r
    return m


# ---- filters ----------------------------------------------------------------

_GL = np.polynomial.legendre.leggauss(2048)


def gauss_f(f, s):
    return np.exp(-2.0 * math.pi ** 2 * s * s * f * f)


def d2_f(f, s):
    return -4.0 * math.pi ** 2 * f * f * gauss_f(f, s)


def d1_f(f, s):
    """2 pi f G(f): the first derivative's transfer function over i."""
    return 2.0 * math.pi * f * gauss_f(f, s)


def kernel(fn, s, radius):
    """h[n] = int_{-1/2}^{1/2} fn(f) cos(2 pi f n) df, n = -radius..radius."""
    x, w = _GL
    f, w = (x + 1.0) / 4.0, w / 4.0  # nodes on [0, 1/2]
    n = np.arange(radius + 1)
    half = 2.0 * (np.cos(2.0 * math.pi * np.outer(n, f)) * (w * fn(f, s))).sum(axis=1)
    return np.concatenate([half[:0:-1], half])


def odd_kernel(fn, s, radius):
    """The correlation kernel of d/dx: h[n] = int_{-1/2}^{1/2} fn(f)
    sin(2 pi f n) df (odd), n = -radius..radius, so that correlating with
    it gives the derivative of the convolution with fn's even part."""
    x, w = _GL
    f, w = (x + 1.0) / 4.0, w / 4.0
    n = np.arange(radius + 1)
    half = 2.0 * (np.sin(2.0 * math.pi * np.outer(n, f)) * (w * fn(f, s))).sum(axis=1)
    return np.concatenate([-half[:0:-1], half])


def spatial_radius(s):
    # Out to 6 sigma: the C engine's transfer function is the whole Gaussian
    # (its tails beyond the 4-sigma margin still see mirrored data), and a
    # 4-sigma cut loses 1e-4 of G*M, which moves the 0.9 region edge. At least
    # 32 taps: below 1 px the band-limited kernel's tails (from the cut at 1/2
    # cycle per pixel) decay only as 1/n^2 and a 16-tap cut changes pores.
    return max(int(math.ceil(6.0 * s)) + 2, 32)


def sep(plane, kx, ky):
    """Separable correlation: ky along y (axis 0), kx along x (axis 1)."""
    t = ndimage.correlate1d(plane, ky, axis=0, mode="reflect")
    return ndimage.correlate1d(t, kx, axis=1, mode="reflect")


def good_size(n):
    m = max(n, 2)
    while True:
        r = m
        for p in (2, 3, 5, 7):
            while r % p == 0:
                r //= p
        if r == 1:
            return m
        m += 1


class Spectrum:
    """The C engine's mirror-padded forward transform (src/fft/spectrum.c)."""

    def __init__(self, plane, margin):
        h, w = plane.shape
        self.h, self.w = h, w
        self.pw, self.ph = good_size(w + 2 * margin), good_size(h + 2 * margin)
        self.ox, self.oy = (self.pw - w) // 2, (self.ph - h) // 2
        ys = reflect_index(np.arange(self.ph) - self.oy, h)
        xs = reflect_index(np.arange(self.pw) - self.ox, w)
        self.data = sfft.rfft2(plane[np.ix_(ys, xs)])
        self.fx = np.fft.rfftfreq(self.pw)
        self.fy_signed = np.fft.fftfreq(self.ph)
        # The C engine counts bin n/2 as +1/2: same magnitude, even factors.
        self.fy = np.abs(self.fy_signed)

    def apply(self, terms, odd=False):
        """terms: list of (fx_fn, fy_fn, sigma, scale); odd: the factors are
        odd in f (the mixed derivative), so y takes the signed frequency
        and the Nyquist bins, where an odd factor has no real response,
        are dropped."""
        tf = 0.0
        fy = self.fy_signed if odd else self.fy
        for fxn, fyn, s, scale in terms:
            tf = tf + scale * np.outer(fyn(fy, s), fxn(self.fx, s))
        if odd:
            tf = np.array(tf, dtype=np.float64)
            if self.ph % 2 == 0:
                tf[self.ph // 2, :] = 0.0
            if self.pw % 2 == 0:
                tf[:, -1] = 0.0
        out = sfft.irfft2(self.data * tf, s=(self.ph, self.pw))
        return out[self.oy:self.oy + self.h, self.ox:self.ox + self.w]


def reflect_index(i, n):
    r = np.mod(i, 2 * n)
    return np.where(r < n, r, 2 * n - 1 - r)


def margin_for(sigma):
    return int(math.ceil(4.0 * sigma)) + 2


class Filters:
    """G_s, DoG, s^2 lap(G_s) and the pore bank, by either method."""

    def __init__(self, method):
        self.method = method

    def gauss(self, plane, s):
        if self.method == "fft":
            return Spectrum(plane, margin_for(s)).apply([(gauss_f, gauss_f, s, 1.0)])
        g = kernel(gauss_f, s, spatial_radius(s))
        return sep(plane, g, g)

    def texture(self, plane, s1, s2, spec=None):
        if self.method == "fft":
            return spec.apply([(gauss_f, gauss_f, s1, 1.0), (gauss_f, gauss_f, s2, -1.0)])
        g1 = kernel(gauss_f, s1, spatial_radius(s1))
        g2 = kernel(gauss_f, s2, spatial_radius(s2))
        return sep(plane, g1, g1) - sep(plane, g2, g2)

    def pore_scale(self, plane, s, spec=None):
        """(D_k, (Lxx, Lyy, Lxy)) at sigma s: the exact Hessian of L_k =
        G_s * l from the continuous derivative transfer functions, so that
        s^2 (Lxx + Lyy) = D_k."""
        if self.method == "fft":
            lxx = spec.apply([(d2_f, gauss_f, s, 1.0)])
            lyy = spec.apply([(gauss_f, d2_f, s, 1.0)])
            # (i 2 pi fx)(i 2 pi fy) G(fx) G(fy) = -(2 pi fx G)(2 pi fy G)
            lxy = spec.apply([(d1_f, d1_f, s, -1.0)], odd=True)
            return s * s * (lxx + lyy), (lxx, lyy, lxy)
        rad = spatial_radius(s)
        g, d2, d1 = kernel(gauss_f, s, rad), kernel(d2_f, s, rad), odd_kernel(d1_f, s, rad)
        gy = ndimage.correlate1d(plane, g, axis=0, mode="reflect")
        d2y = ndimage.correlate1d(plane, d2, axis=0, mode="reflect")
        d1y = ndimage.correlate1d(plane, d1, axis=0, mode="reflect")
        lxx = ndimage.correlate1d(gy, d2, axis=1, mode="reflect")
        lyy = ndimage.correlate1d(d2y, g, axis=1, mode="reflect")
        lxy = ndimage.correlate1d(d1y, d1, axis=1, mode="reflect")
        return s * s * (lxx + lyy), (lxx, lyy, lxy)


# ---- fill and region --------------------------------------------------------

def fill(l, m, sigma, filters):
    """Fill l outside M with (G*(l M))/(G*M); R = M and G*M >= 0.9."""
    if not m.any():
        raise ValueError("no measurable skin: region empty after masking")
    mean = l[m].mean()
    lm = filters.gauss(np.where(m, l, 0.0), sigma)
    gm = filters.gauss(m.astype(np.float64), sigma)
    with np.errstate(divide="ignore", invalid="ignore"):
        filled = np.where(gm > FILL_MIN_WEIGHT, lm / gm, mean)
    lf = np.where(m, l, filled)
    region = m & (gm >= REGION_MIN_WEIGHT)
    if not region.any():
        raise ValueError("no measurable skin: region empty after masking")
    return lf, region


# ---- pores ------------------------------------------------------------------

def pore_radius_mm(k):
    return PORE_R_MIN_MM * (PORE_R_MAX_MM / PORE_R_MIN_MM) ** (k / (PORE_SCALES - 1.0))


# The 26 neighbours with the tie rule: strictly above the ones earlier in
# (k, y, x) order, at least equal to the later ones.
NEIGHBOURS = [(dk, dy, dx, dk < 0 or (dk == 0 and (dy < 0 or (dy == 0 and dx < 0))))
              for dk in (-1, 0, 1) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
              if (dk, dy, dx) != (0, 0, 0)]


def scale_candidates(planes, hess, k, tau, region):
    """Local maxima of D at scale k (planes = D_{k-1}, D_k, D_{k+1}, None
    where missing), D >= tau, centre in R, round exact Hessian of L_k."""
    d = planes[1]
    h, w = d.shape
    ys, xs = np.nonzero((d >= tau) & region)
    v = d[ys, xs]
    keep = np.ones(len(ys), dtype=bool)
    for dk, dy, dx, earlier in NEIGHBOURS:
        p = planes[dk + 1]
        if p is None:
            continue
        yy, xx = ys + dy, xs + dx
        inside = (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
        q = p[np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)]
        ok = (v > q) if earlier else (v >= q)
        keep &= ok | ~inside
    ys, xs, v = ys[keep], xs[keep], v[keep]
    round_ = is_round(hess, ys, xs)
    return [(float(v[i]), k, int(ys[i]), int(xs[i])) for i in np.nonzero(round_)[0]]


def is_round(hess, ys, xs):
    """The exact Hessian of L_k (hess = Lxx, Lyy, Lxy planes) at the
    candidates: both eigenvalues > 0, smaller / larger >= 0.5."""
    lxx, lyy, lxy = (p[ys, xs] for p in hess)
    mean, half = (lxx + lyy) / 2.0, (lxx - lyy) / 2.0
    disc = np.sqrt(half * half + lxy * lxy)
    lmax, lmin = mean + disc, mean - disc
    return (lmin > 0) & (lmin >= PORE_MIN_ROUNDNESS * lmax)


def suppress(cands, radius_px):
    """Strongest first (ties by k, y, x); a candidate closer than the larger
    radius to a kept pore is dropped."""
    cands.sort(key=lambda c: (-c[0], c[1], c[2], c[3]))
    cell = max(int(math.ceil(radius_px[-1])), 1)
    grid, kept = {}, []
    for d, k, y, x in cands:
        r = radius_px[k]
        cx, cy = x // cell, y // cell
        close = False
        for gy in (cy - 1, cy, cy + 1):
            for gx in (cx - 1, cx, cx + 1):
                for (kx, ky, kr) in grid.get((gx, gy), ()):
                    rr = max(kr, r)
                    if (kx - x) ** 2 + (ky - y) ** 2 < rr * rr:
                        close = True
                        break
                if close:
                    break
            if close:
                break
        if close:
            continue
        grid.setdefault((cx, cy), []).append((x, y, r))
        kept.append((x, y, r, d))
    return kept


# ---- the whole analysis -----------------------------------------------------

def analyze(rgb16, px_per_mm, tau=10.0, red_delta=5.0, roi=None, user_mask=None,
            method="spatial"):
    t = {}
    t0 = time.process_time()
    filters = Filters(method)
    y, l, a_star, ery = colour_planes(rgb16)
    t["colour"] = time.process_time() - t0

    t0 = time.process_time()
    m = build_mask(rgb16, y, px_per_mm, roi, user_mask)
    t["mask"] = time.process_time() - t0

    t0 = time.process_time()
    lf, region = fill(l, m, FILL_SIGMA_MM * px_per_mm, filters)
    t["fill"] = time.process_time() - t0

    t0 = time.process_time()
    spec = Spectrum(lf, margin_for(TEXTURE_COARSE_MM * px_per_mm)) if method == "fft" else None
    texture = filters.texture(lf, TEXTURE_FINE_MM * px_per_mm,
                              TEXTURE_COARSE_MM * px_per_mm, spec)
    t["texture"] = time.process_time() - t0

    t0 = time.process_time()
    radius = [pore_radius_mm(k) * px_per_mm for k in range(PORE_SCALES)]
    # The C stores radii as float; compare distances with the same values.
    radius = [float(np.float32(r)) for r in radius]
    sigma = [pore_radius_mm(k) * px_per_mm / math.sqrt(2.0) for k in range(PORE_SCALES)]
    bank = [filters.pore_scale(lf, s, spec) for s in sigma]
    t["pore_filters"] = time.process_time() - t0

    t0 = time.process_time()
    cands = []
    for k in range(PORE_SCALES):
        planes = (bank[k - 1][0] if k > 0 else None, bank[k][0],
                  bank[k + 1][0] if k + 1 < PORE_SCALES else None)
        cands += scale_candidates(planes, bank[k][1], k, tau, region)
    pores = suppress(cands, radius)
    t["detection"] = time.process_time() - t0

    t0 = time.process_time()
    red = red_area(a_star, m, region, RED_BACKGROUND_SIGMA_MM * px_per_mm,
                   red_delta, filters)
    fig = figures(texture, a_star, ery, region, red, pores, px_per_mm)
    t["statistics"] = time.process_time() - t0
    return fig, pores, t


def red_area(a_star, m, region, sigma, red_delta, filters):
    """Pixels of R whose a* exceeds its local background, the
    mask-normalised mean (G*(a* M))/(G*M) at sigma, by at least red_delta."""
    gam = filters.gauss(np.where(m, a_star, 0.0), sigma)
    gm = filters.gauss(m.astype(np.float64), sigma)
    with np.errstate(divide="ignore", invalid="ignore"):
        bg = gam / gm
    return region & (gm > FILL_MIN_WEIGHT) & ((a_star - bg) >= red_delta)


def figures(texture, a_star, ery, region, red, pores, px_per_mm):
    n = int(region.sum())
    area_cm2 = n / (px_per_mm * px_per_mm) / 100.0
    tt = texture[region]
    tt = tt - tt.mean()
    sa = np.abs(tt).mean()
    sq = math.sqrt((tt * tt).mean())
    ssk = (tt ** 3).mean() / sq ** 3 if sq > 0 else 0.0
    sku = (tt ** 4).mean() / sq ** 4 if sq > 0 else 0.0
    a = a_star[region]
    e = ery[region]
    e = e[~np.isnan(e)]
    a_median = float(np.median(a))
    count = len(pores)
    diam = [2.0 * p[2] / px_per_mm for p in pores]
    return {
        "region": {"pixels": n, "area_cm2": area_cm2},
        "texture": {"sa": float(sa), "sq": sq, "ssk": float(ssk), "sku": float(sku),
                    "unit": "% contrast"},
        "pores": {"count": count,
                  "density_per_cm2": count / area_cm2,
                  "mean_diameter_mm": float(np.mean(diam)) if count else 0.0,
                  "area_fraction": sum(math.pi * p[2] * p[2] for p in pores) / n},
        "redness": {"a_mean": float(a.mean()), "a_median": a_median,
                    "erythema_index": float(e.mean()) if len(e) else None,
                    "red_area_fraction": float(red[region].mean())},
    }


def parse_roi(s):
    v = [int(x) for x in s.split(",")]
    if len(v) != 4 or v[2] <= 0 or v[3] <= 0:
        raise argparse.ArgumentTypeError("--roi needs X,Y,W,H")
    return v


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("images", nargs="+")
    ap.add_argument("--px-per-mm", type=float, default=0.0)
    ap.add_argument("--pore-threshold", type=float, default=10.0)
    ap.add_argument("--red-delta", type=float, default=5.0)
    ap.add_argument("--roi", type=parse_roi)
    ap.add_argument("--mask")
    ap.add_argument("--method", choices=("spatial", "fft"), default="spatial")
    ap.add_argument("--pores-out", help="write the pore list (x y radius strength) here")
    o = ap.parse_args(argv)
    assumed = not o.px_per_mm > 0
    s = 20.0 if assumed else o.px_per_mm
    user_mask = None
    if o.mask:
        user_mask = (load_rgb16(o.mask) != 0).any(axis=2)
    images = []
    for path in o.images:
        t0 = time.process_time()
        rgb16 = load_rgb16(path)
        t_decode = time.process_time() - t0
        fig, pores, t = analyze(rgb16, s, o.pore_threshold, o.red_delta, o.roi,
                                user_mask, o.method)
        t = {"decode": t_decode, **t}
        t["total"] = sum(t.values())
        warnings = (["scale_assumed"] if assumed else []) + \
                   (["low_resolution"] if s < LOW_RES_PX_PER_MM else [])
        images.append({"file": path, "status": "ok", "width": rgb16.shape[1],
                       "height": rgb16.shape[0], "px_per_mm": s,
                       "scale_source": "assumed" if assumed else "given",
                       "warnings": warnings, **fig, "timings_s": t})
        if o.pores_out:
            with open(o.pores_out, "w") as f:
                for x, y, r, d in pores:
                    f.write(f"{x} {y} {r:.6g} {d:.6g}\n")
    doc = {"schema_version": 1, "tool": "skindiff_ref", "command": "analyze",
           "parameters": {"px_per_mm": s, "scale_source": "assumed" if assumed else "given",
                          "pore_threshold": o.pore_threshold, "red_delta": o.red_delta,
                          "method": o.method},
           "images": images}
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
