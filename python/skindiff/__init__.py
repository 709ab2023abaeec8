"""skindiff for Python: measure skin in photographs with libskindiff.

    import skindiff
    r = skindiff.analyze("cheek.jpg", px_per_mm=25)
    r["texture"]["sa"], r.pores["density_per_cm2"]
    c = skindiff.compare("before.jpg", "after.jpg", px_per_mm=25)
    c["metrics"]["sa"]["verdict"]
    c = skindiff.compare(["b1.jpg", "b2.jpg"], ["a1.jpg", "a2.jpg"])  # replicates
    df = skindiff.read_store("skindiff.db", table="series")

analyze() returns the record of one image of `skindiff analyze --json`,
compare() the record of `skindiff compare --json` (one photo or a list of
photos per session, as --before/--after), with the same keys and
figures. A binding over the C library with ctypes (no compiled extension):
the library is SKINDIFF_LIBRARY, else build/libskindiff.so of the source
checkout this package sits in, else the system's libskindiff. Each thread
uses its own library context; the GIL is released while the library works,
so threads analyse photos in parallel.
"""
import ctypes
import math
import os
import threading

from . import _lib
from ._errors import (AlignError, BusyError, CorruptError, DatabaseError,
                      Error, FileError, FormatError, InternalError,
                      InvalidArgumentError, LimitError, NoRegionError,
                      OutOfMemoryError, UnsupportedError, WhiteRefError,
                      error_for)
from ._store import read_store

__all__ = [
    "analyze", "compare", "read_store", "Record", "OPTIONS", "library_version",
    "Error", "OutOfMemoryError", "InvalidArgumentError", "FileError",
    "FormatError", "CorruptError", "UnsupportedError", "LimitError",
    "NoRegionError", "AlignError", "DatabaseError", "BusyError",
    "InternalError", "WhiteRefError",
]
__version__ = "0.3.0"

_LIB = _lib.load()

# Library options (enum skd_option in skindiff.h) by keyword.
OPTIONS = {
    "px_per_mm": 1,
    "max_pixels": 2,
    "threads": 3,
    "pore_threshold": 4,
    "red_delta": 5,
    "assume_aligned": 6,
    "bootstrap_n": 7,
    "seed": 8,
    "tile_mm": 9,
    "floor_sa": 10,
    "floor_pores": 11,
    "floor_a_mean": 12,
    "floor_erythema": 13,
    "floor_red_area": 14,
    "min_confidence": 15,
    "fft_measure": 16,
    "white_ref_method": 20,
    "floor_a_uncal": 25,
    "floor_ei_uncal": 26,
    "max_residual": 27,
    "max_tile_shift": 28,
    "max_exposure_pct": 29,
    "max_light_b": 30,
    "max_sharpness_pct": 31,
    "min_pores": 32,
    "acquisition_check": 33,
    "align_roi_x": 34,
    "align_roi_y": 35,
    "align_roi_w": 36,
    "align_roi_h": 37,
    "floor_source": 38,
    "max_light_ref": 39,
    "skin": 17,
}
# The CLI's spellings of the same options (compare --floor-a, --bootstrap).
_ALIASES = {"floor_a": "floor_a_mean", "floor_ei": "floor_erythema",
            "bootstrap": "bootstrap_n"}

_WARNINGS = ((1, "scale_assumed"), (2, "low_resolution"), (4, "overexposed"))


def library_version():
    """Version of the loaded libskindiff, e.g. "0.3.0"."""
    return _LIB.skd_version_string().decode()


class Record(dict):
    """A JSON record of the CLI: dict access (r["texture"]["sa"]) and
    attribute access to the top-level keys (r.texture). Extra attributes
    that are not part of the CLI's record (the planes of analyze) are
    attributes only, so dict(r) is exactly the CLI's record."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class _Context:
    """One skd_ctx; created once per thread (the library's rule)."""

    def __init__(self):
        self.ptr = _LIB.skd_ctx_create()
        if not self.ptr:
            raise OutOfMemoryError(1, "out of memory", "cannot create a context")
        self.free = _LIB.skd_ctx_free
        self.defaults = {n: self.get(n) for n in OPTIONS.values()}

    def __del__(self):
        if getattr(self, "ptr", None):
            self.free(self.ptr)
            self.ptr = None

    def fail(self, status):
        name = _LIB.skd_strerror(status).decode()
        message = (_LIB.skd_ctx_message(self.ptr) or b"").decode(
            "utf-8", "replace")
        return error_for(status, name, message)

    def check(self, status):
        if status != 0:
            raise self.fail(status)

    def get(self, number):
        v = ctypes.c_double()
        self.check(_LIB.skd_ctx_get(self.ptr, number, ctypes.byref(v)))
        return v.value

    def configure(self, options):
        """Every option back to its default, then the given ones."""
        for number, value in self.defaults.items():
            self.check(_LIB.skd_ctx_set(self.ptr, number, value))
        for name, value in options.items():
            number = OPTIONS[_ALIASES.get(name, name)]
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise InvalidArgumentError(
                    2, "invalid argument",
                    f"{name}: {value!r} is not a number") from None
            self.check(_LIB.skd_ctx_set(self.ptr, number, value))

    def load(self, path):
        img = ctypes.POINTER(_lib.SkdImage)()
        self.check(_LIB.skd_image_load(self.ptr, os.fsencode(path),
                                       ctypes.byref(img)))
        return img


_local = threading.local()


def _context():
    ctx = getattr(_local, "ctx", None)
    if ctx is None:
        ctx = _local.ctx = _Context()
    return ctx


def _split_options(options, allowed_extra):
    lib_opts, extra = {}, {}
    for k, v in options.items():
        if k in allowed_extra:
            extra[k] = v
        elif _ALIASES.get(k, k) in OPTIONS:
            if v is not None:
                lib_opts[k] = v
        else:
            known = sorted(set(OPTIONS) | set(_ALIASES) | set(allowed_extra))
            raise TypeError(f"unknown option {k!r}; known: {', '.join(known)}")
    return lib_opts, extra


def _configured_context(options, px_per_mm):
    """A context with the library's options of options and the scale."""
    lib_opts, _ = _split_options(options, ())
    if px_per_mm is not None:
        lib_opts["px_per_mm"] = px_per_mm
    ctx = _context()
    ctx.configure(lib_opts)
    return ctx


def _one_zone_source(face, landmarks, zones):
    """face, landmarks and zones are alternatives."""
    if bool(face) + (landmarks is not None) + (zones is not None) > 1:
        raise InvalidArgumentError(2, "invalid argument",
                                   "face, landmarks and zones are "
                                   "alternatives: give one")


def _num(v):
    """A figure as the CLI's JSON writes it: null when not finite."""
    return v if math.isfinite(v) else None


def _roi(roi, name="roi"):
    r = _lib.SkdRoi()
    if roi is not None:
        if len(roi) != 4 or any(int(v) < 0 for v in roi):
            raise InvalidArgumentError(2, "invalid argument",
                                       f"{name}: {roi!r} is not (x, y, w, h)")
        r.x, r.y, r.w, r.h = (int(v) for v in roi)
    return r


def _warnings(bits):
    return [name for bit, name in _WARNINGS if bits & bit]


def _exclusion(e):
    """The region's shares of the frame by cause (cli_json_exclusion)."""
    return {"skin_map": "auto" if e.skin_map else "off",
            "fraction": _num(e.region), "skin_fraction": _num(e.skin),
            "clipped_fraction": _num(e.clipped),
            "excluded": {"not_skin": _num(e.not_skin),
                         "highlight": _num(e.highlight),
                         "too_dark": _num(e.too_dark),
                         "outside_roi_mask": _num(e.outside_roi_mask),
                         "margin": _num(e.margin)}}


def _figures(m, e=None):
    """region, texture, pores and redness of skd_metrics m, as the CLI's
    JSON writes them (json_figures in src/cli/cmd_analyze.c); with e (an
    skd_exclusion) the region's shares of the frame by cause too."""
    region = {"pixels": m.region_pixels, "area_cm2": _num(m.area_cm2)}
    if e is not None:
        region.update(_exclusion(e))
    return {
        "region": region,
        "texture": {"sa": _num(m.sa), "sq": _num(m.sq), "ssk": _num(m.ssk),
                    "sku": _num(m.sku), "unit": "% contrast"},
        "pores": {"count": m.pore_count,
                  "density_per_cm2": _num(m.pore_density_per_cm2),
                  "mean_diameter_mm": _num(m.pore_mean_diameter_mm),
                  "area_fraction": _num(m.pore_area_fraction)},
        "redness": {"a_mean": _num(m.a_mean), "a_median": _num(m.a_median),
                    "erythema_index": _num(m.erythema_index),
                    "red_area_fraction": _num(m.red_area_fraction)},
    }


def _image_record(path, a):
    """One entry of `analyze --json` "images" (src/cli/cmd_analyze.c)."""
    return Record(
        file=os.fspath(path),
        status="ok",
        width=a.width,
        height=a.height,
        px_per_mm=_num(a.px_per_mm),
        scale_source="assumed" if a.scale_assumed else "given",
        warnings=_warnings(a.warnings),
        **_figures(a.metrics, a.exclusion),
        colour=_colour_record(a.colour),
    )


_ZONE_SOURCES = {1: "dlib", 2: "landmarks", 3: "labels"}
# skd_zone_change_note's buffer: "160 hold every note" (include/skindiff.h)
_ZONE_NOTE_CAP = 160


def _zones_of(ctx, img, face, landmarks, zones):
    """The skd_zones of a photo from one of the three routes."""
    z = ctypes.POINTER(_lib.SkdZones)()
    if face:
        ctx.check(_LIB.skd_zones_detect(ctx.ptr, img, ctypes.byref(z)))
    elif landmarks is not None:
        pts = (_lib.SkdPoint * _lib.SKD_LANDMARK_COUNT)()
        ctx.check(_LIB.skd_landmarks_load_json(ctx.ptr, os.fsencode(landmarks),
                                               pts))
        ctx.check(_LIB.skd_zones_from_landmarks(
            ctx.ptr, img.contents.width, img.contents.height, pts,
            ctypes.byref(z)))
    else:
        lab = ctx.load(zones)
        try:
            ctx.check(_LIB.skd_zones_from_labels(ctx.ptr, lab, ctypes.byref(z)))
        finally:
            _LIB.skd_image_free(lab)
    return z


def _add_zones(ctx, rec, an, img, z):
    """"zone_source", "faces_found", "zone_note" and "zones" of the CLI's
    record (json_zones in src/cli/cmd_analyze.c)."""
    zs = z.contents
    rec["zone_source"] = _ZONE_SOURCES.get(zs.source, "none")
    rec["faces_found"] = zs.faces_found
    if zs.source == 0:
        rec["zone_note"] = "no face found: measured as one region"
    out = {}
    for i in range(_lib.SKD_ZONE_COUNT):
        if i != 0 and zs.source == 0:
            continue
        m = _lib.SkdMetrics()
        st = _LIB.skd_zone_metrics(ctx.ptr, an, img, z, i, ctypes.byref(m))
        name = _LIB.skd_zone_name(i).decode()
        if st == 8:  # SKD_E_NO_REGION
            out[name] = {"status": "empty",
                         "note": "no measured pixel in this zone"}
        else:
            ctx.check(st)
            if i != 0 and _LIB.skd_zone_too_small(ctypes.byref(m)):
                out[name] = {"status": "too_small",
                             "area_cm2": _num(m.area_cm2),
                             "note": "too small: under %.4f cm2 of measured "
                                     "skin" % (math.pi / 100)}
            else:
                out[name] = {"status": "ok", **_figures(m)}
    rec["zones"] = out


def _colour_record(c):
    """"colour" of `analyze --json`: the colour source and the white
    reference's correction (docs/colour.md)."""
    wr = None
    if c.white_ref:
        r = c.white_ref_roi
        wr = {"roi": [r.x, r.y, r.w, r.h],
              "patch_lab": [_num(v) for v in c.patch_lab],
              "gains_rgb": [_num(v) for v in c.gains],
              "patch_cv": _num(c.patch_cv),
              "adaptation": [[_num(v) for v in row] for row in c.adaptation]}
    return {"colour_source": c.source.decode("ascii", "replace"),
            "white_ref": wr}


PORE_DTYPE = [("x", "<f4"), ("y", "<f4"), ("radius", "<f4"),
              ("strength", "<f4")]


def _planes(rec, a):
    """Copies of the analysis planes as numpy arrays (the C ones are freed)."""
    import numpy as np
    shape = (a.height, a.width)

    def plane(ptr, ctype, dtype):
        if not ptr or a.width == 0 or a.height == 0:
            return np.zeros(shape, dtype)
        buf = ctypes.cast(ptr, ctypes.POINTER(ctype * (a.width * a.height)))
        return np.frombuffer(buf.contents, dtype).reshape(shape).copy()

    rec.texture_plane = plane(a.texture, ctypes.c_float, np.float32)
    rec.a_star_plane = plane(a.a_star, ctypes.c_float, np.float32)
    rec.region_mask = plane(a.region, ctypes.c_uint8, np.uint8).astype(bool)
    rec.red_area_mask = plane(a.red_area, ctypes.c_uint8, np.uint8).astype(bool)
    rec.cause_plane = plane(a.cause, ctypes.c_uint8, np.uint8)
    pores = np.zeros(a.n_pores, PORE_DTYPE)
    if a.n_pores:
        buf = ctypes.cast(a.pores, ctypes.POINTER(_lib.SkdPore * a.n_pores))
        pores[...] = np.frombuffer(buf.contents, PORE_DTYPE)
    rec.pore_list = pores


def analyze(path, px_per_mm=None, *, mask=None, roi=None, white_ref=None,
            face=False, landmarks=None, zones=None, planes=False, **options):
    """Measure one photo: the record of one image of `skindiff analyze
    --json` (file, status, width, height, px_per_mm, scale_source, warnings,
    region, texture, pores, redness).

    mask: path of a mask image (non-zero = measure); roi: (x, y, w, h) in
    pixels; white_ref: (x, y, w, h) of a grey card (docs/colour.md). Other keywords are library options (skindiff.OPTIONS:
    pore_threshold, red_delta, threads, max_pixels, ...). planes=True also
    sets numpy arrays of the photo's size as attributes: texture_plane and
    a_star_plane (float32, 0 outside the analysis window), region_mask and
    red_area_mask (bool), cause_plane (uint8: why each pixel is not in the
    region: 0 in it, 1 not skin, 2 highlight, 3 too dark, 4 outside the
    ROI/mask, 5 margin), and pore_list (structured: x, y, radius in pixels,
    strength in % contrast). Facial zones, as the CLI's --face, --landmarks
    and --zones (one of them; docs/zones.md): face=True finds the face with
    dlib, landmarks is a landmarks JSON file, zones a label image; the record
    then has zone_source, faces_found and zones (figures per zone), and
    planes=True adds zone_labels (uint8, 0 = no zone). Raises a
    skindiff.Error subclass on failure.
    """
    _one_zone_source(face, landmarks, zones)
    ctx = _configured_context(options, px_per_mm)
    img = mask_img = None
    an = ctypes.POINTER(_lib.SkdAnalysis)()
    z = ctypes.POINTER(_lib.SkdZones)()
    try:
        img = ctx.load(path)
        spec = _lib.SkdRegionSpec(roi=_roi(roi), white_ref=_roi(white_ref))
        if mask is not None:
            mask_img = ctx.load(mask)
            spec.mask = mask_img
        if face or landmarks is not None or zones is not None:
            # the face first: the skin map keeps the skin connected to it
            # (docs/skin-map.md), as the CLI does
            z = _zones_of(ctx, img, face, landmarks, zones)
            if z.contents.has_landmarks:
                spec.landmarks = ctypes.addressof(z.contents.landmarks)
        ctx.check(_LIB.skd_analyze(ctx.ptr, img, ctypes.byref(spec),
                                   ctypes.byref(an)))
        rec = _image_record(path, an.contents)
        if z:
            _add_zones(ctx, rec, an, img, z)
        if planes:
            _planes(rec, an.contents)
            if z and z.contents.labels:
                import numpy as np
                n = z.contents.width * z.contents.height
                buf = ctypes.cast(z.contents.labels,
                                  ctypes.POINTER(ctypes.c_uint8 * n))
                rec.zone_labels = np.frombuffer(buf.contents, np.uint8).reshape(
                    z.contents.height, z.contents.width).copy()
        return rec
    finally:
        _LIB.skd_zones_free(z)
        _LIB.skd_analysis_free(an)
        _LIB.skd_image_free(img)
        _LIB.skd_image_free(mask_img)


def _photo_record(path, mask, roi, a, source):
    """"before"/"after" of `compare --json` (src/cli/cmd_compare.c)."""
    roi_list = list(roi) if roi is not None and roi[2] and roi[3] else None
    return {
        "path": os.fspath(path),
        "file_bytes": os.path.getsize(path),
        "width": a.width,
        "height": a.height,
        "px_per_mm": _num(a.px_per_mm),
        "scale_source": source,
        "mask": os.fspath(mask) if mask is not None else None,
        "roi": roi_list,
        "region_cm2": _num(a.metrics.area_cm2),
        "region": _exclusion(a.exclusion),
        "pores_found": a.n_pores,
        # compare's JSON names these two warnings only (json_photo)
        "warnings": _warnings(a.warnings & 3),
    }


_CHANGE_FIELDS = ("before", "after", "change", "change_pct", "ci_low",
                  "ci_high", "noise_floor")


def _has_replicates(r):
    return any(r.df[i] > 0 for i in range(_lib.SKD_METRIC_COUNT))


def _floors_source(ctx, c):
    """Which floors judged the verdicts, in words (floors_source in
    src/cli/cmd_compare.c)."""
    calibrated = c.acquisition.colour_calibrated
    if _has_replicates(c.replicates):
        return ("replicates" if calibrated else
                "replicates; a* and EI at least the uncalibrated colour floors")
    if ctx.get(OPTIONS["floor_source"]) == 1:
        return "floors file"
    return ("booth defaults" if calibrated else
            "booth defaults; a* and EI uncalibrated colour")


def _comparison_record(ctx, befores, afters, mask_before, mask_after, roi,
                       scale_given, c):
    """The record of `compare --json`; befores and afters: each session's
    photos, the first ones compared pairwise."""
    before, after = befores[0], afters[0]

    def opt(name):
        return ctx.get(OPTIONS[name])

    source = "given" if scale_given else "assumed"
    aligned = opt("assume_aligned") != 0
    t = c.transform
    metrics = {}
    for i in range(_lib.SKD_METRIC_COUNT):
        ch = c.change[i]
        entry = {"label": _LIB.skd_metric_label(i).decode(),
                 "unit": _LIB.skd_metric_unit(i).decode()}
        entry.update(_change_record(ch))
        metrics[_LIB.skd_metric_key(i).decode()] = entry
    q = c.acquisition
    acquisition = {"colour_calibrated": bool(q.colour_calibrated)}
    acquisition.update((f, _num(getattr(q, f))) for f in (
        "exposure_pct", "dL", "da", "db", "neutral_dL", "neutral_da",
        "neutral_db", "sharpness_before", "sharpness_after", "sharpness_ratio",
        "region_share_before", "region_share_after", "residual_median_px",
        "residual_max_px", "tone_slope", "tone_spread", "resolution_ratio",
        "pores_unresolved", "white_ref_gain"))
    acquisition["tiles_measured"] = q.tiles_measured
    acquisition["tiles_dropped"] = q.tiles_dropped
    acquisition["limits_exceeded"] = [
        _LIB.skd_acquisition_limit_name(1 << k).decode() for k in range(32)
        if q.flags & (1 << k) and _LIB.skd_acquisition_limit_name(1 << k)]
    r = c.replicates
    replicates = {"before": [os.fsdecode(p) for p in befores],
                  "after": [os.fsdecode(p) for p in afters], "metrics": {
        _LIB.skd_metric_key(i).decode(): {
            "df": r.df[i], "sd": _num(r.sd[i]),
            "sd_unit": "% of the figure" if i <= 4 else
            _LIB.skd_metric_unit(i).decode(),
            "floor": _num(r.floor[i]),
            "pair_change": _num(r.pair_change[i]),
            "pair_ci_low": _num(r.pair_ci_low[i]),
            "pair_ci_high": _num(r.pair_ci_high[i])}
        for i in range(_lib.SKD_METRIC_COUNT)}}
    notes = []
    if c.tiles_used < 2:
        notes.append("fewer than 2 tiles covered in both photos: no interval, "
                     "every verdict is no significant change")
    if c.scale_assumed:
        notes.append("scale assumed: 20 px/mm")
    return Record(
        schema_version=1,
        tool="skindiff",
        version=library_version(),
        command="compare",
        parameters={
            "px_per_mm": _num(c.px_per_mm), "scale_source": source,
            "assume_aligned": aligned,
            "min_confidence": opt("min_confidence"),
            "tile_mm": opt("tile_mm"),
            "bootstrap_n": int(opt("bootstrap_n")), "seed": int(opt("seed")),
            "pore_threshold": opt("pore_threshold"),
            "red_delta": opt("red_delta"),
            "floors": {"sa_pct": opt("floor_sa"),
                       "pores_pct": opt("floor_pores"),
                       "a": opt("floor_a_mean"),
                       "erythema": opt("floor_erythema"),
                       "red_area_points": opt("floor_red_area"),
                       "a_uncalibrated": opt("floor_a_uncal"),
                       "erythema_uncalibrated": opt("floor_ei_uncal"),
                       "source": _floors_source(ctx, c)},
            "threads": int(opt("threads")),
        },
        before=_photo_record(before, mask_before, roi, c.before.contents,
                             source),
        after=_photo_record(after, mask_after, None, c.after.contents, source),
        transform={"dx": _num(t.dx), "dy": _num(t.dy),
                   "rotation_deg": _num(t.rotation_deg),
                   "scale": _num(t.scale), "confidence": _num(t.confidence),
                   "assumed_aligned": aligned},
        common_area_cm2=_num(c.common_area_cm2),
        tiles={"tile_mm": opt("tile_mm"), "tile_px": _num(c.tile_px),
               "x": c.tiles_x, "y": c.tiles_y, "used": c.tiles_used},
        metrics=metrics,
        acquisition=acquisition,
        common_band=_common_band(c.before.contents),
        replicates=replicates,
        notes=notes,
    )


def _common_band(a):
    """"common_band" of `compare --json`: null when both photos were
    measured in their own band (docs/comparing.md, Different resolutions)."""
    if not a.band_px_per_mm > 0:
        return None
    return {"px_per_mm": _num(a.band_px_per_mm),
            "texture_fine_mm": _num(a.band_fine_mm),
            "pore_radius_min_mm": _num(a.band_pore_min_mm)}


def _zone_note(zc, z):
    """What a zone's figures need said, in the library's words
    (skd_zone_change_note, as compare and batch say it); None when
    nothing."""
    buf = ctypes.create_string_buffer(_ZONE_NOTE_CAP)
    note = _LIB.skd_zone_change_note(zc, z, buf, len(buf))
    return None if note is None else note.decode()


def _zone_replicates(r):
    """A zone's replicates (json_zone_replicates in cli/compare_zones.c):
    the photos that made its means and, per metric, its spread and the
    first photos' own zone change; None without replicates."""
    if r.n_before + r.n_after <= 2:
        return None
    return {"n_before": r.n_before, "n_after": r.n_after, "metrics": {
        _LIB.skd_metric_key(m).decode(): {
            "df": r.df[m], "sd": _num(r.sd[m]), "floor": _num(r.floor[m]),
            "pair_change": _num(r.pair_change[m]),
            "pair_ci_low": _num(r.pair_ci_low[m]),
            "pair_ci_high": _num(r.pair_ci_high[m])}
        for m in range(_lib.SKD_METRIC_COUNT)}}


def _change_record(ch):
    out = {f: _num(getattr(ch, f)) for f in _CHANGE_FIELDS}
    out["verdict"] = _LIB.skd_verdict_name(ch.verdict).decode()
    out["reason"] = ch.reason.decode()
    out["floor_source"] = (ch.floor_source or b"").decode()
    return out


def _add_compare_zones(rec, zc):
    """"zone_source", "landmark_residual" and "zones" of `skindiff compare
    --json` with zones (cli_compare_zones_json): per zone its common skin
    (area_cm2), tiles, note and, when measured, every metric's change,
    interval and verdict. With no face, "whole" only."""
    rec["zone_source"] = _ZONE_SOURCES.get(zc.source, "none")
    rec["landmark_residual"] = ({
        "px": _num(zc.landmark_residual_px),
        "mm": _num(zc.landmark_residual_mm),
        "large": bool(zc.residual_large)} if zc.has_residual else None)
    zones = {}
    for z in range(_lib.SKD_ZONE_COUNT):
        if z != 0 and zc.source == 0:
            continue
        ch = zc.zone[z]
        entry = {"area_cm2": _num(ch.area_cm2), "tiles_used": ch.tiles_used,
                 "note": _zone_note(zc, z)}
        if ch.measured:
            entry["metrics"] = {_LIB.skd_metric_key(m).decode():
                                _change_record(ch.change[m])
                                for m in range(_lib.SKD_METRIC_COUNT)}
            entry["replicates"] = _zone_replicates(zc.replicates[z])
        zones[_LIB.skd_zone_name(z).decode()] = entry
    rec["zones"] = zones


_PATH_TYPES = (str, bytes, os.PathLike)


def _session(photos, name):
    """A session's photos as a list: one path, or a sequence of paths of
    the same view (replicates)."""
    if isinstance(photos, _PATH_TYPES):
        return [photos]
    try:
        out = list(photos)
    except TypeError:
        out = [photos]
    if not out:
        raise InvalidArgumentError(2, "invalid argument",
                                   f"{name}: no photo (a path or a non-empty "
                                   "list of paths)")
    for p in out:
        if not isinstance(p, _PATH_TYPES):
            raise InvalidArgumentError(2, "invalid argument",
                                       f"{name}: {p!r} is not a path")
    return out


def _session_array(ctx, paths, first, first_spec, face, imgs, found, specs):
    """One session's skd_session_photo array: the first photo (loaded, with
    its spec), then each other photo loaded here (into imgs) and, with
    face, given its own face (zones into found, spec into specs; the
    caller frees and keeps them): a face for the first photo and none for
    the others would make the spread a change of method, not
    photo-to-photo noise (the CLI's compare --face does the same)."""
    arr = (_lib.SkdSessionPhoto * len(paths))()
    arr[0].image, arr[0].spec = first, ctypes.pointer(first_spec)
    for j, p in enumerate(paths[1:], 1):
        img = ctx.load(p)
        imgs.append(img)
        arr[j].image = img
        if face:
            z = _zones_of(ctx, img, True, None, None)
            found.append(z)
            spec = _lib.SkdRegionSpec()
            specs.append(spec)
            if z.contents.has_landmarks:
                spec.landmarks = ctypes.addressof(z.contents.landmarks)
            arr[j].spec = ctypes.pointer(spec)
    return arr


def compare(before, after, px_per_mm=None, *, mask_before=None,
            mask_after=None, roi=None, white_ref_before=None,
            white_ref_after=None, align_roi=None, face=False, landmarks=None,
            zones=None, landmarks_after=None, **options):
    """Compare two sessions' photos of the same skin: the record of
    `skindiff compare --json` (parameters, before, after, transform,
    common_area_cm2, tiles, metrics with change, 95% interval, noise floor
    and verdict, replicates, notes).

    before and after are each a photo's path or a list of paths: several
    photos of the same view per session (replicates, taken minutes apart),
    as the CLI's --before A --before B --after C --after D. The first
    photos are compared (alignment, common region, tiles, acquisition
    check: the record's before, after, transform and acquisition are
    theirs); every other photo is compared with its own session's first.
    Then each metric's before and after are the sessions' mean figures,
    the change is theirs, the interval comes from the photos' pooled
    spread and the floor from it too (floor_source "replicates"; a* and EI
    keep at least the uncalibrated colour floors without white
    references). record["replicates"] lists the photos and, per metric,
    df, sd, floor and the first photos' own change (pair_change,
    pair_ci_low, pair_ci_high); docs/comparing.md, "Replicates". A single
    path, or one photo each, is the plain pairwise comparison.

    px_per_mm is the first before photo's scale; roi (x, y, w, h) is in
    the first before photo; masks are image paths and apply to the first
    photos only (the others are measured over their whole skin, as the
    CLI does). white_ref_before and white_ref_after are (x, y, w, h) of a
    grey card in the first before and after photo (with both the colour
    is calibrated; docs/colour.md), as --white-ref-before and
    --white-ref-after; align_roi (x, y, w, h) of the first before photo
    restricts the alignment to it (--align-roi, for faces that move).
    Other keywords are library options (skindiff.OPTIONS; the
    CLI's floor_a, floor_ei and bootstrap are accepted too). Raises
    skindiff.AlignError when the photos, or a replicate and its session's
    first photo, cannot be aligned (assume_aligned=True skips
    registration).

    Facial zones, as the CLI's --face, --landmarks and --zones (one of them;
    docs/zones.md): the first before photo's zones, mapped onto every other
    photo through the alignments; the record then has zone_source,
    landmark_residual (the first after photo's landmarks against the
    mapped before ones: face=True finds them with dlib, or landmarks_after
    gives a file) and zones, the zone table: per zone area_cm2, tiles_used,
    note, metrics (change, interval and verdict of every figure) and, with
    replicates, the zone's own replicates (n_before, n_after: the photos
    that showed the zone; per metric df, sd, floor, pair_*): each zone's
    figures are then the sessions' means of the zone, its interval and
    floor from the zone's own spread, and the note says when a zone was
    missing or too small in some photos ("sessions' means over 2 of 3
    before ... photos"). With face=True every photo's own face is found
    (its skin map keeps the skin connected to it)."""
    befores = _session(before, "before")
    afters = _session(after, "after")
    _one_zone_source(face, landmarks, zones)
    if landmarks_after is not None and landmarks is None and zones is None:
        raise InvalidArgumentError(2, "invalid argument",
                                   "landmarks_after goes with landmarks or "
                                   "zones (with face=True dlib finds both)")
    if align_roi is not None:
        r = _roi(align_roi, "align_roi")
        if r.w and r.h:
            options = dict(options, align_roi_x=r.x, align_roi_y=r.y,
                           align_roi_w=r.w, align_roi_h=r.h)
    ctx = _configured_context(options, px_per_mm)
    if face:
        _LIB.skd_face_preload(ctx.ptr)
    imgs, found, specs = [], [], []
    zb = za = None
    c = ctypes.POINTER(_lib.SkdComparison)()
    try:
        b = ctx.load(befores[0])
        imgs.append(b)
        a = ctx.load(afters[0])
        imgs.append(a)
        sb = _lib.SkdRegionSpec(
            roi=_roi(roi), white_ref=_roi(white_ref_before, "white_ref_before"))
        sa = _lib.SkdRegionSpec(
            white_ref=_roi(white_ref_after, "white_ref_after"))
        for spec, m in ((sb, mask_before), (sa, mask_after)):
            if m is not None:
                spec.mask = ctx.load(m)
                imgs.append(spec.mask)
        # Each photo's face before the comparison: its skin map keeps the
        # skin connected to it, as the CLI's compare --face.
        if face or landmarks is not None or zones is not None:
            zb = _zones_of(ctx, b, face, landmarks, zones)
            if face or landmarks_after is not None:
                za = _zones_of(ctx, a, face, landmarks_after, None)
            for spec, z in ((sb, zb), (sa, za)):
                if z is not None and z.contents.has_landmarks:
                    spec.landmarks = ctypes.addressof(z.contents.landmarks)
        sessions = [_session_array(ctx, paths, img, spec, face, imgs, found,
                                   specs)
                    for paths, img, spec in ((befores, b, sb),
                                             (afters, a, sa))]
        nb, na = len(befores), len(afters)
        zc = None
        if zb is not None:
            zc = _lib.SkdZoneComparison()
            ctx.check(_LIB.skd_compare_sessions_zones(
                ctx.ptr, sessions[0], nb, sessions[1], na, zb, za,
                ctypes.byref(c), ctypes.byref(zc)))
        elif nb == 1 and na == 1:
            ctx.check(_LIB.skd_compare(ctx.ptr, b, ctypes.byref(sb), a,
                                       ctypes.byref(sa), ctypes.byref(c)))
        else:
            ctx.check(_LIB.skd_compare_sessions(
                ctx.ptr, sessions[0], nb, sessions[1], na, ctypes.byref(c)))
        rec = _comparison_record(ctx, befores, afters, mask_before,
                                 mask_after, roi, px_per_mm is not None,
                                 c.contents)
        if zc is not None:
            _add_compare_zones(rec, zc)
        return rec
    finally:
        for z in [zb, za] + found:
            if z is not None:
                _LIB.skd_zones_free(z)
        _LIB.skd_comparison_free(c)
        for img in imgs:
            _LIB.skd_image_free(img)
