#!/usr/bin/python3
"""Skin-like test photos for the reference test and the benchmark.

Not the ground-truth generator (that is `skindiff synth`): a quick numpy image
with the features every stage of the analysis has to handle: band-limited
relief in log-luminance, round dark pores of 0.1-0.4 mm, elongated dark
creases (which the roundness test must reject), red patches, specular
highlights and a dark shadow band (which the mask must exclude and the fill
must bridge), and sensor noise.

Usage: make_skin.py WIDTH HEIGHT OUT [--px-per-mm S] [--seed N] [--shift DX,DY]
OUT ending in .png is written with PIL; anything else as binary PPM (pipe it
to cjpeg for a JPEG).
"""
import argparse
import math
import sys

import numpy as np
from scipy import fft as sfft


def srgb_encode(v):
    v = np.clip(v, 0.0, 1.0)
    return np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055)


def band_noise(h, w, s, lo_mm, hi_mm, rms, rng):
    """Gaussian noise with power between wavelengths hi_mm and lo_mm."""
    n = rng.standard_normal((h, w)).astype(np.float32)
    spec = sfft.rfft2(n)
    fy = np.fft.fftfreq(h)[:, None] * s  # cycles per mm
    fx = np.fft.rfftfreq(w)[None, :] * s
    f2 = fx * fx + fy * fy
    band = (np.exp(-f2 * (math.pi * lo_mm) ** 2) - np.exp(-f2 * (math.pi * hi_mm) ** 2))
    out = sfft.irfft2(spec * band.astype(np.float32), s=(h, w))
    return out * (rms / (out.std() + 1e-12))


def stamp(plane, x, y, r, fn):
    """plane += fn(dx, dy) on the box of half-size r around (x, y)."""
    h, w = plane.shape
    x0, x1 = max(int(x - r), 0), min(int(x + r) + 1, w)
    y0, y1 = max(int(y - r), 0), min(int(y + r) + 1, h)
    if x0 >= x1 or y0 >= y1:
        return
    yy, xx = np.mgrid[y0:y1, x0:x1]
    plane[y0:y1, x0:x1] += fn(xx - x, yy - y)


def make(w, h, s, seed):
    rng = np.random.default_rng(seed)
    # log-luminance relief (percent contrast), 0.1-2 mm
    ell = band_noise(h, w, s, 0.1, 2.0, 3.0, rng)
    # slow lighting gradient: multiplicative, so additive in l
    ell += (np.linspace(-15, 10, w, dtype=np.float32)[None, :] +
            np.linspace(-5, 5, h, dtype=np.float32)[:, None])
    area_cm2 = w * h / (s * s) / 100.0
    # pores: Gaussian dips in l, diameter 0.1-0.4 mm, 15-45 % contrast
    for _ in range(int(60 * area_cm2)):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        sig = rng.uniform(0.05, 0.2) * s / math.sqrt(2.0)
        depth = rng.uniform(15, 45)
        stamp(ell, x, y, 4 * sig + 1,
              lambda dx, dy: -depth * np.exp(-(dx * dx + dy * dy) / (2 * sig * sig)))
    # creases: long thin dark lines (not round)
    for _ in range(int(3 * area_cm2) + 1):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        th, ln, wd = rng.uniform(0, math.pi), rng.uniform(2, 6) * s, 0.06 * s
        c, si = math.cos(th), math.sin(th)
        stamp(ell, x, y, ln / 2 + 3 * wd,
              lambda dx, dy: -25 * np.exp(-((-si * dx + c * dy) ** 2) / (2 * wd * wd)) *
              (np.abs(c * dx + si * dy) < ln / 2))
    # a* offset: red patches
    da = np.zeros((h, w), np.float32)
    for _ in range(int(0.5 * area_cm2) + 2):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        rad = rng.uniform(1.5, 4) * s
        amp = rng.uniform(6, 14)
        stamp(da, x, y, 3 * rad,
              lambda dx, dy: amp * np.exp(-(dx * dx + dy * dy) / (2 * rad * rad)))
    Y = 0.25 * np.exp(ell / 100.0)
    # dark shadow band at the bottom (Y < 0.01 there)
    Y[int(0.93 * h):, :] *= 0.02
    # skin chromaticity: linear RGB ratios of a light skin, redness shifts R/G
    red = np.exp(da / 60.0)
    r = Y * 1.45 * red
    g = Y * 0.88 / red ** 0.45
    b = Y * 0.70
    # specular highlights: saturate
    for _ in range(int(0.2 * area_cm2) + 2):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        rad = rng.uniform(0.3, 1.2) * s
        spot = np.zeros((h, w), np.float32)
        stamp(spot, x, y, 3 * rad,
              lambda dx, dy: 3.0 * np.exp(-(dx * dx + dy * dy) / (2 * rad * rad)))
        r += spot
        g += spot
        b += spot
    rgb = np.stack([r, g, b], axis=2)
    out = srgb_encode(rgb) * 255.0 + rng.normal(0, 1.5, rgb.shape)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("width", type=int)
    ap.add_argument("height", type=int)
    ap.add_argument("out")
    ap.add_argument("--px-per-mm", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shift", default="0,0",
                    help="DX,DY: the same skin seen DX, DY pixels further on "
                         "(a second session for compare; make both with the same seed)")
    o = ap.parse_args(argv)
    dx, dy = (int(v) for v in o.shift.split(","))
    # Render the union of both views, so the two share every feature.
    pad = 64
    if abs(dx) > pad or abs(dy) > pad:
        ap.error("--shift: at most %d pixels each way" % pad)
    big = make(o.width + 2 * pad, o.height + 2 * pad, o.px_per_mm, o.seed)
    img = np.ascontiguousarray(big[pad + dy:pad + dy + o.height, pad + dx:pad + dx + o.width])
    if o.out.endswith(".png"):
        from PIL import Image
        Image.fromarray(img, "RGB").save(o.out)
    else:
        with (sys.stdout.buffer if o.out == "-" else open(o.out, "wb")) as f:
            f.write(b"P6\n%d %d\n255\n" % (o.width, o.height))
            f.write(img.tobytes())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
