"""The red threshold floor's photo pair (docs/comparing.md, "Red area: the
threshold's floor"): flat skin painted in CIELAB, 8-bit PNGs of 640x480 at
20 px/mm whose a* excess over its background is uniform in [-6, 6] per 2x2
px cell, so 8.3% of it is red and the threshold sits in the bulk; the after
photo is the same skin with its colour contrast 2% higher.
red_threshold_pair.py DIR writes DIR/before.png and DIR/after.png (used by
tests/cli/test_compare_red_threshold.sh and
tests/python/test_compare_red_threshold.py)."""
import sys
from pathlib import Path

import numpy as np
from PIL import Image

W, H = 640, 480


def cells(seed, lo, hi):
    r = np.random.default_rng(seed)
    return r.uniform(lo, hi, size=(H // 2, W // 2)).repeat(2, 0).repeat(2, 1)


def lab_to_srgb8(L, a, b):
    fy = (L + 16) / 116
    f = [fy + a / 500, fy, fy - b / 200]
    wp = (0.95047, 1.0, 1.08883)
    xyz = [w * np.where(t > 6 / 29, t ** 3, 3 * (6 / 29) ** 2 * (t - 4 / 29))
           for w, t in zip(wp, f)]
    m = np.array([[3.2404542, -1.5371385, -0.4985314],
                  [-0.9692660, 1.8760108, 0.0415560],
                  [0.0556434, -0.2040259, 1.0572252]])
    rgb = np.tensordot(m, np.stack(xyz), axes=1).clip(0, 1)
    enc = np.where(rgb <= 0.0031308, 12.92 * rgb,
                   1.055 * rgb ** (1 / 2.4) - 0.055)
    return (255 * enc + 0.5).astype(np.uint8).transpose(1, 2, 0)


def paint(out):
    # lightness texture (6 px blocks, the same in both photos) for the
    # tiles' residual shifts; the a* excess per 2x2 cell
    L = 59 + 6 * np.random.default_rng(5).uniform(
        size=(H // 6 + 1, W // 6 + 1)).repeat(6, 0).repeat(6, 1)[:H, :W]
    e = cells(1, -6, 6)
    for name, gain in (("before.png", 1.0), ("after.png", 1.02)):
        Image.fromarray(lab_to_srgb8(L, 14 + gain * e, 16.0 + 0 * L)).save(
            Path(out) / name)


if __name__ == "__main__":
    paint(sys.argv[1] if len(sys.argv) > 1 else ".")
