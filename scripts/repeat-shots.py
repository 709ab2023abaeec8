#!/usr/bin/python3
"""Repeat shots of real skin from single photos, and the false-verdict rate
of `skindiff compare` on them (docs/comparing.md, "Measured on repeat
shots").

Each photo gives pairs: two crops of the same photo a few pixels apart (the
camera moved), the second re-encoded as another shot of the same skin would
be: exposure, white-balance gains, a different tone curve, another JPEG
quality. The skin did not change, so every `improved` or `worsened` verdict
is false. With --change, the after crop also gets small red spots (a real
change the red-area figure must still detect).

With --replicates each session has two shots (the after session's both
re-shot, the before session's second re-shot too), compared with
`--before A --before B --after C --after D`: the replicates' spread replaces
the assumed floors. --skin-off measures the whole crop (`--skin off`):
with the skin map the portraits' faces give too few 5 mm tiles at 10 px/mm
for any interval, and a figure without an interval is never judged.
The summary counts false verdicts over all figures and over the figures
that were judged (an interval from >= 2 tiles, not inconclusive), and per
metric.

With --white-ref a 20% grey card (linear 0.2, 100 px square) is painted into
the scene before the shots, so it goes through each shot's exposure, gains
and tone curve like the skin; both photos name a 60 px patch of it as their
white reference, and a mask (--mask-before/--mask-after) leaves the card
and 16 px around it out of the measured region. Not with --replicates.

Usage: repeat-shots.py SKINDIFF PHOTO_DIR WORK_DIR [--change] [--tone-vary]
                       [--replicates] [--skin-off] [--white-ref]
"""
import json
import os
import random
import subprocess
import sys

import numpy as np
from PIL import Image


def decode(v):
    v = v / 255.0
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def encode(v):
    v = np.clip(v, 0, 1)
    e = np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055)
    return np.clip(np.round(e * 255), 0, 255).astype(np.uint8)


def phone_curve(lin):
    """A phone-like tone curve on linear light (Reinhard, mid-grey kept):
    it compresses highlights, so the contrast of l changes with exposure
    (a plain sRGB encoding would not)."""
    return lin * 1.18 / (lin + 0.18) * 0.5 + lin * 0.5


def shot(rgb8, exposure, gains, gamma):
    """Another exposure and white balance of the same scene (the photo's
    pixels taken as the scene), through the phone's tone curve and a
    further power gamma on linear light (a tone curve that differs)."""
    lin = decode(rgb8.astype(np.float64))
    lin = lin * exposure * np.asarray(gains)[None, None, :]
    return encode(phone_curve(np.clip(lin, 0, 1)) ** gamma)


def red_spots(rgb8, rnd, n=60, sigma=5.0, gain=0.35):
    h, w, _ = rgb8.shape
    lin = decode(rgb8.astype(np.float64))
    yy, xx = np.mgrid[0:h, 0:w]
    bump = np.zeros((h, w))
    for _ in range(n):
        cx, cy = rnd.uniform(0.1, 0.9) * w, rnd.uniform(0.1, 0.9) * h
        x0, x1 = int(max(0, cx - 4 * sigma)), int(min(w, cx + 4 * sigma))
        y0, y1 = int(max(0, cy - 4 * sigma)), int(min(h, cy + 4 * sigma))
        bump[y0:y1, x0:x1] += np.exp(-((xx[y0:y1, x0:x1] - cx) ** 2 +
                                       (yy[y0:y1, x0:x1] - cy) ** 2) / (2 * sigma ** 2))
    lin[..., 0] *= 1 + gain * bump
    lin[..., 1] *= 1 - 0.5 * gain * bump
    return encode(lin)


# The shots: (exposure, R/G/B gains, tone power, JPEG quality). Chosen to
# span what a clinic's repeat shots show: exposure within +-30%, white
# balance within +-3% per channel, tone curves within a power of 0.9-1.1.
def variations(rnd, k, tone_vary):
    out = [(1.0, (1, 1, 1), 1.0, 92)]
    for _ in range(k - 1):
        out.append((rnd.uniform(0.7, 1.3),
                    tuple(1 + rnd.uniform(-0.03, 0.03) for _ in range(3)),
                    rnd.uniform(0.9, 1.1) if tone_vary else 1.0,
                    rnd.choice((80, 88, 95))))
    return out


def compare(binary, before, after, extra):
    """before, after: lists of photos (more than one: replicates)."""
    if len(before) == 1 and len(after) == 1:
        photos = [before[0], after[0]]
    else:
        photos = sum((["--before", p] for p in before), []) + \
            sum((["--after", p] for p in after), [])
    r = subprocess.run([binary, "compare"] + photos + ["--json", "--px-per-mm", "10"] + extra,
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip().splitlines()[0] if r.stderr else str(r.returncode)
    return json.loads(r.stdout), None


CARD = (30, 100)  # the card's offset and side in the unshifted crop, px
REF = (50, 60)    # the white reference's offset and side, inside the card
CARD_MARGIN = 16  # px around the card left out of the measured region


def paint_card(img, x0, y0):
    out = img.copy()
    c0, side = CARD
    out[y0 + c0:y0 + c0 + side, x0 + c0:x0 + c0 + side] = encode(np.full(3, 0.2))
    return out


def card_args(work, tag, shape, dx, dy):
    """White reference and mask of a crop shifted by (dx, dy)."""
    h, w = shape[:2]
    c0, side = CARD
    m = np.full((h, w), 255, np.uint8)
    m[max(0, c0 - dy - CARD_MARGIN):c0 - dy + side + CARD_MARGIN,
      max(0, c0 - dx - CARD_MARGIN):c0 - dx + side + CARD_MARGIN] = 0
    path = os.path.join(work, "%s-mask.png" % tag)
    Image.fromarray(m).save(path)
    r0, rs = REF
    return "%d,%d,%d,%d" % (r0 - dx, r0 - dy, rs, rs), path


def save(img, path, quality):
    Image.fromarray(img).save(path, quality=quality)
    return path


def main():
    binary, photos, work = sys.argv[1:4]
    change = "--change" in sys.argv
    tone_vary = "--tone-vary" in sys.argv
    replicates = "--replicates" in sys.argv
    common = ["--skin", "off"] if "--skin-off" in sys.argv else []
    white_ref = "--white-ref" in sys.argv
    if white_ref and replicates:
        sys.exit("--white-ref does not go with --replicates")
    os.makedirs(work, exist_ok=True)
    rnd = random.Random(5)
    # false, inconclusive, figures, judged figures, false among judged
    stats = {"on": [0, 0, 0, 0], "off": [0, 0, 0, 0]}
    per_metric = {"on": {}, "off": {}}
    detected = {"on": 0, "off": 0}
    pairs = 0
    refused = []
    rows = []
    for name in sorted(os.listdir(photos)):
        if not name.lower().endswith((".jpg", ".jpeg", ".png")):
            continue
        img = np.asarray(Image.open(os.path.join(photos, name)).convert("RGB"))
        h, w, _ = img.shape
        cw, ch = min(w, 900) - 40, min(h, 900) - 40
        x0, y0 = (w - cw) // 2, (h - ch) // 2
        if white_ref:
            img = paint_card(img, x0, y0)

        def crop(dx, dy):
            return img[y0 + dy:y0 + dy + ch, x0 + dx:x0 + dx + cw]
        for k, (e, g, gam, q) in enumerate(variations(rnd, 6, tone_vary)):
            dx, dy = rnd.randint(-12, 12), rnd.randint(-12, 12)
            a = shot(crop(0, 0), 1.0, (1, 1, 1), 1.0)
            b = shot(crop(dx, dy), e, g, gam)
            if change:
                b = red_spots(b, rnd)
            before = [save(a, os.path.join(work, "%s-%d-a.jpg" % (name, k)), 92)]
            after = [save(b, os.path.join(work, "%s-%d-b.jpg" % (name, k)), q)]
            if replicates:
                # one more shot per session, each with its own variation
                for session, base in ((before, None), (after, b)):
                    e2, g2, gam2, q2 = variations(rnd, 2, tone_vary)[1]
                    ddx, ddy = rnd.randint(-12, 12), rnd.randint(-12, 12)
                    r = shot(crop(ddx, ddy), e2 * (e if base is not None else 1.0),
                             g2, gam2 * (gam if base is not None else 1.0))
                    if change and base is not None:
                        r = red_spots(r, rnd)
                    tag = "a2" if base is None else "b2"
                    session.append(save(r, os.path.join(
                        work, "%s-%d-%s.jpg" % (name, k, tag)), q2))
            pairs += 1
            refs = []
            if white_ref:
                rb, mb = card_args(work, "%s-%d-a" % (name, k), a.shape, 0, 0)
                ra, ma = card_args(work, "%s-%d-b" % (name, k), b.shape, dx, dy)
                refs = ["--white-ref-before", rb, "--white-ref-after", ra,
                        "--mask-before", mb, "--mask-after", ma]
            for mode, extra in (("on", []), ("off", ["--acquisition-check", "0"])):
                j, err = compare(binary, before, after, common + refs + extra)
                if j is None:
                    if mode == "on":
                        refused.append("%s-%d: %s" % (name, k, err))
                    continue
                st = stats[mode]
                for key, m in j["metrics"].items():
                    st[2] += 1
                    false = m["verdict"] in ("improved", "worsened") and not (
                        change and key == "red_area")
                    if false:
                        st[0] += 1
                        per_metric[mode][key] = per_metric[mode].get(key, 0) + 1
                    if m["verdict"] == "inconclusive":
                        st[1] += 1
                    elif j["tiles"]["used"] >= 2:
                        st[3] += 1
                if change and j["metrics"]["red_area"]["verdict"] == "worsened":
                    detected[mode] += 1
                if mode == "on":
                    acq = j["acquisition"]
                    rows.append("%-24s tiles %3d exp %+5.1f%% db %+5.2f tone %.3f "
                                "sharp %.2f resid %.2f Sa %+5.1f%% floor %.3f "
                                "pores %+5.1f%% | %s" % (
                        "%s-%d" % (name, k), j["tiles"]["used"], acq["exposure_pct"],
                        acq["db"], acq["tone_slope"] or 0, acq["sharpness_ratio"],
                        acq["residual_median_px"] or -1,
                        j["metrics"]["sa"]["change_pct"] or 0,
                        j["metrics"]["sa"]["noise_floor"] or 0,
                        j["metrics"]["pore_density"]["change_pct"] or 0,
                        " ".join("%s:%s" % (kk, mm["verdict"][:4])
                                 for kk, mm in j["metrics"].items())))
    for r in rows:
        print(r)
    for r in refused:
        print("refused:", r)
    for mode in ("on", "off"):
        f, i, n, judged = stats[mode]
        print("acquisition check %-3s: %d pairs (%d refused), %d figures, %d false "
              "verdicts (%.1f%%), %d inconclusive; %d judged, %.1f%% of them false%s" % (
                  mode, pairs, len(refused), n, f, 100.0 * f / max(n, 1), i, judged,
                  100.0 * f / max(judged, 1),
                  ", red-area change detected in %d" % detected[mode] if change else ""))
        print("  false verdicts per metric:", ", ".join(
            "%s %d" % kv for kv in sorted(per_metric[mode].items())) or "none")


if __name__ == "__main__":
    main()
