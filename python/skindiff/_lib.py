"""Finding libskindiff and binding its C API with ctypes.

The Structure classes below mirror include/skindiff.h field by field; a test
(tests/python/test_layout.py) compares every size and offset with the C
compiler's, so a change of the header is caught rather than misread.
"""
import ctypes
import ctypes.util
import os
from pathlib import Path

c_double_p = ctypes.POINTER(ctypes.c_double)


class SkdImageInfo(ctypes.Structure):
    _fields_ = [
        ("format", ctypes.c_int),
        ("stored_width", ctypes.c_uint32),
        ("stored_height", ctypes.c_uint32),
        ("width", ctypes.c_uint32),
        ("height", ctypes.c_uint32),
        ("bit_depth", ctypes.c_int),
        ("channels", ctypes.c_int),
        ("colour_type", ctypes.c_char * 16),
        ("coding", ctypes.c_char * 16),
        ("exif_orientation", ctypes.c_int),
        ("has_icc", ctypes.c_int),
        ("colour_kind", ctypes.c_int),
        ("colour_source", ctypes.c_char * 128),
    ]


class SkdImage(ctypes.Structure):
    _fields_ = [
        ("width", ctypes.c_uint32),
        ("height", ctypes.c_uint32),
        ("rgb", ctypes.POINTER(ctypes.c_uint16)),
        ("info", SkdImageInfo),
        ("icc", ctypes.POINTER(ctypes.c_uint8)),
        ("icc_size", ctypes.c_size_t),
    ]


class SkdRoi(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint32) for n in ("x", "y", "w", "h")]


class SkdRegionSpec(ctypes.Structure):
    _fields_ = [("mask", ctypes.POINTER(SkdImage)), ("roi", SkdRoi),
                ("white_ref", SkdRoi),
                ("landmarks", ctypes.c_void_p)]  # const skd_point *


class SkdColourInfo(ctypes.Structure):
    _fields_ = [
        ("source", ctypes.c_char * 128),
        ("white_ref", ctypes.c_int),
        ("white_ref_roi", SkdRoi),
        ("adaptation", (ctypes.c_double * 3) * 3),
        ("gains", ctypes.c_double * 3),
        ("patch_lab", ctypes.c_double * 3),
        ("patch_cv", ctypes.c_double),
        ("white_ref_method", ctypes.c_int),
        ("patch_chroma_sd", ctypes.c_double),
    ]


class SkdPore(ctypes.Structure):
    _fields_ = [(n, ctypes.c_float) for n in ("x", "y", "radius", "strength")]


class SkdMetrics(ctypes.Structure):
    _fields_ = [
        ("sa", ctypes.c_double),
        ("sq", ctypes.c_double),
        ("ssk", ctypes.c_double),
        ("sku", ctypes.c_double),
        ("pore_count", ctypes.c_uint32),
        ("pore_density_per_cm2", ctypes.c_double),
        ("pore_mean_diameter_mm", ctypes.c_double),
        ("pore_area_fraction", ctypes.c_double),
        ("a_mean", ctypes.c_double),
        ("a_median", ctypes.c_double),
        ("erythema_index", ctypes.c_double),
        ("red_area_fraction", ctypes.c_double),
        ("area_cm2", ctypes.c_double),
        ("region_pixels", ctypes.c_uint64),
    ]


class SkdExclusion(ctypes.Structure):
    _fields_ = [(n, ctypes.c_double)
                for n in ("region", "skin", "not_skin", "highlight", "too_dark",
                          "outside_roi_mask", "margin", "clipped")] + [
        ("skin_map", ctypes.c_int)]


class SkdAnalysis(ctypes.Structure):
    _fields_ = [
        ("width", ctypes.c_uint32),
        ("height", ctypes.c_uint32),
        ("px_per_mm", ctypes.c_double),
        ("scale_assumed", ctypes.c_int),
        ("warnings", ctypes.c_uint),
        ("metrics", SkdMetrics),
        ("n_pores", ctypes.c_size_t),
        ("pores", ctypes.POINTER(SkdPore)),
        ("region", ctypes.POINTER(ctypes.c_uint8)),
        ("red_area", ctypes.POINTER(ctypes.c_uint8)),
        ("texture", ctypes.POINTER(ctypes.c_float)),
        ("a_star", ctypes.POINTER(ctypes.c_float)),
        ("colour", SkdColourInfo),
        ("exclusion", SkdExclusion),
        ("cause", ctypes.POINTER(ctypes.c_uint8)),
        ("band_px_per_mm", ctypes.c_double),
        ("band_fine_mm", ctypes.c_double),
        ("band_pore_min_mm", ctypes.c_double),
        ("red_near", ctypes.POINTER(ctypes.c_uint8)),
    ]


SKD_LANDMARK_COUNT = 68
SKD_ZONE_COUNT = 6


class SkdPoint(ctypes.Structure):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_double)]


class SkdZones(ctypes.Structure):
    _fields_ = [
        ("width", ctypes.c_uint32),
        ("height", ctypes.c_uint32),
        ("source", ctypes.c_int),
        ("faces_found", ctypes.c_uint32),
        ("face_box", ctypes.c_double * 4),
        ("has_landmarks", ctypes.c_int),
        ("landmarks", SkdPoint * SKD_LANDMARK_COUNT),
        ("labels", ctypes.POINTER(ctypes.c_uint8)),
        ("zone_pixels", ctypes.c_uint64 * SKD_ZONE_COUNT),
    ]


class SkdTransform(ctypes.Structure):
    _fields_ = [(n, ctypes.c_double)
                for n in ("dx", "dy", "rotation_deg", "scale", "confidence")]


class SkdChange(ctypes.Structure):
    _fields_ = [
        ("before", ctypes.c_double),
        ("after", ctypes.c_double),
        ("change", ctypes.c_double),
        ("change_pct", ctypes.c_double),
        ("ci_low", ctypes.c_double),
        ("ci_high", ctypes.c_double),
        ("noise_floor", ctypes.c_double),
        ("verdict", ctypes.c_int),
        ("reason", ctypes.c_char * 160),
        ("floor_source", ctypes.c_char_p),
    ]


class SkdAcquisition(ctypes.Structure):
    _fields_ = [
        ("exposure_pct", ctypes.c_double),
        ("dL", ctypes.c_double),
        ("da", ctypes.c_double),
        ("db", ctypes.c_double),
        ("colour_calibrated", ctypes.c_int),
        ("neutral_dL", ctypes.c_double),
        ("neutral_da", ctypes.c_double),
        ("neutral_db", ctypes.c_double),
        ("sharpness_before", ctypes.c_double),
        ("sharpness_after", ctypes.c_double),
        ("sharpness_ratio", ctypes.c_double),
        ("region_share_before", ctypes.c_double),
        ("region_share_after", ctypes.c_double),
        ("residual_median_px", ctypes.c_double),
        ("residual_max_px", ctypes.c_double),
        ("tiles_measured", ctypes.c_uint32),
        ("tiles_dropped", ctypes.c_uint32),
        ("flags", ctypes.c_uint),
        ("scale", ctypes.c_double),
        ("tone_slope", ctypes.c_double),
        ("tone_spread", ctypes.c_double),
        ("resolution_ratio", ctypes.c_double),
        ("pores_unresolved", ctypes.c_double),
        ("white_ref_gain", ctypes.c_double),
    ]


SKD_METRIC_COUNT = 9
# The results database's PRAGMA user_version this package reads
# (SKD_DB_SCHEMA_VERSION of include/skindiff_batch.h; test_layout checks it).
SKD_DB_SCHEMA_VERSION = 6


class SkdZoneChange(ctypes.Structure):
    _fields_ = [
        ("measured", ctypes.c_int),
        ("area_cm2", ctypes.c_double),
        ("tiles_used", ctypes.c_uint32),
        ("change", SkdChange * SKD_METRIC_COUNT),
    ]


class SkdReplicates(ctypes.Structure):
    _fields_ = [
        ("n_before", ctypes.c_uint32),
        ("n_after", ctypes.c_uint32),
        ("df", ctypes.c_uint32 * SKD_METRIC_COUNT),
        ("sd", ctypes.c_double * SKD_METRIC_COUNT),
        ("floor", ctypes.c_double * SKD_METRIC_COUNT),
        ("pair_change", ctypes.c_double * SKD_METRIC_COUNT),
        ("pair_ci_low", ctypes.c_double * SKD_METRIC_COUNT),
        ("pair_ci_high", ctypes.c_double * SKD_METRIC_COUNT),
    ]


class SkdZoneComparison(ctypes.Structure):
    _fields_ = [
        ("source", ctypes.c_int),
        ("zone", SkdZoneChange * SKD_ZONE_COUNT),
        ("has_residual", ctypes.c_int),
        ("landmark_residual_px", ctypes.c_double),
        ("landmark_residual_mm", ctypes.c_double),
        ("residual_large", ctypes.c_int),
        ("replicates", SkdReplicates * SKD_ZONE_COUNT),
    ]


class SkdComparison(ctypes.Structure):
    _fields_ = [
        ("transform", SkdTransform),
        ("common_area_cm2", ctypes.c_double),
        ("px_per_mm", ctypes.c_double),
        ("scale_assumed", ctypes.c_int),
        ("tiles_x", ctypes.c_uint32),
        ("tiles_y", ctypes.c_uint32),
        ("tile_px", ctypes.c_double),
        ("tiles_used", ctypes.c_uint32),
        ("change", SkdChange * SKD_METRIC_COUNT),
        ("tile_change", ctypes.POINTER(ctypes.c_float)),
        ("before", ctypes.POINTER(SkdAnalysis)),
        ("after", ctypes.POINTER(SkdAnalysis)),
        ("common_before", ctypes.POINTER(ctypes.c_uint8)),
        ("common_after", ctypes.POINTER(ctypes.c_uint8)),
        ("acquisition", SkdAcquisition),
        ("tile_residual", ctypes.POINTER(ctypes.c_float)),
        ("replicates", SkdReplicates),
    ]


class SkdSessionPhoto(ctypes.Structure):
    _fields_ = [
        ("image", ctypes.POINTER(SkdImage)),
        ("spec", ctypes.POINTER(SkdRegionSpec)),
        ("analysis", ctypes.POINTER(SkdAnalysis)),
    ]


# Every Structure bound here, by its C name (the layout test walks this).
STRUCTS = {
    "skd_image_info": SkdImageInfo,
    "skd_image": SkdImage,
    "skd_roi": SkdRoi,
    "skd_region_spec": SkdRegionSpec,
    "skd_colour_info": SkdColourInfo,
    "skd_pore": SkdPore,
    "skd_metrics": SkdMetrics,
    "skd_analysis": SkdAnalysis,
    "skd_point": SkdPoint,
    "skd_zones": SkdZones,
    "skd_exclusion": SkdExclusion,
    "skd_transform": SkdTransform,
    "skd_change": SkdChange,
    "skd_acquisition": SkdAcquisition,
    "skd_comparison": SkdComparison,
    "skd_replicates": SkdReplicates,
    "skd_zone_change": SkdZoneChange,
    "skd_zone_comparison": SkdZoneComparison,
    "skd_session_photo": SkdSessionPhoto,
}

_ctx_p = ctypes.c_void_p
_img_p = ctypes.POINTER(SkdImage)
_spec_p = ctypes.POINTER(SkdRegionSpec)
_an_p = ctypes.POINTER(SkdAnalysis)
_cmp_p = ctypes.POINTER(SkdComparison)
_sess_p = ctypes.POINTER(SkdSessionPhoto)
_zones_p = ctypes.POINTER(SkdZones)

# name: (restype, argtypes)
_PROTOTYPES = {
    "skd_version_string": (ctypes.c_char_p, []),
    "skd_version_number": (ctypes.c_uint, []),
    "skd_strerror": (ctypes.c_char_p, [ctypes.c_int]),
    "skd_ctx_create": (_ctx_p, []),
    "skd_ctx_free": (None, [_ctx_p]),
    "skd_ctx_message": (ctypes.c_char_p, [_ctx_p]),
    "skd_ctx_set": (ctypes.c_int, [_ctx_p, ctypes.c_int, ctypes.c_double]),
    "skd_ctx_get": (ctypes.c_int, [_ctx_p, ctypes.c_int, c_double_p]),
    "skd_image_load": (ctypes.c_int, [_ctx_p, ctypes.c_char_p,
                                      ctypes.POINTER(_img_p)]),
    "skd_image_free": (None, [_img_p]),
    "skd_analyze": (ctypes.c_int, [_ctx_p, _img_p, _spec_p,
                                   ctypes.POINTER(_an_p)]),
    "skd_analysis_free": (None, [_an_p]),
    "skd_compare": (ctypes.c_int, [_ctx_p, _img_p, _spec_p, _img_p, _spec_p,
                                   ctypes.POINTER(_cmp_p)]),
    "skd_comparison_free": (None, [_cmp_p]),
    "skd_metric_key": (ctypes.c_char_p, [ctypes.c_int]),
    "skd_metric_label": (ctypes.c_char_p, [ctypes.c_int]),
    "skd_metric_unit": (ctypes.c_char_p, [ctypes.c_int]),
    "skd_verdict_name": (ctypes.c_char_p, [ctypes.c_int]),
    "skd_acquisition_limit_name": (ctypes.c_char_p, [ctypes.c_uint]),
    "skd_export_sql": (ctypes.c_char_p, [ctypes.c_int]),
    "skd_zone_name": (ctypes.c_char_p, [ctypes.c_int]),
    "skd_zones_detect": (ctypes.c_int, [_ctx_p, _img_p,
                                        ctypes.POINTER(ctypes.POINTER(SkdZones))]),
    "skd_landmarks_load_json": (ctypes.c_int, [_ctx_p, ctypes.c_char_p,
                                               ctypes.POINTER(SkdPoint)]),
    "skd_zones_from_landmarks": (ctypes.c_int, [
        _ctx_p, ctypes.c_uint32, ctypes.c_uint32, ctypes.POINTER(SkdPoint),
        ctypes.POINTER(ctypes.POINTER(SkdZones))]),
    "skd_zones_from_labels": (ctypes.c_int, [
        _ctx_p, _img_p, ctypes.POINTER(ctypes.POINTER(SkdZones))]),
    "skd_zones_free": (None, [ctypes.POINTER(SkdZones)]),
    "skd_zone_metrics": (ctypes.c_int, [_ctx_p, _an_p, _img_p,
                                        ctypes.POINTER(SkdZones), ctypes.c_int,
                                        ctypes.POINTER(SkdMetrics)]),
    "skd_zone_too_small": (ctypes.c_int, [ctypes.POINTER(SkdMetrics)]),
    "skd_export_table_name": (ctypes.c_char_p, [ctypes.c_int]),
    "skd_face_preload": (ctypes.c_int, [_ctx_p]),
    "skd_compare_zones": (ctypes.c_int, [
        _ctx_p, _cmp_p, _img_p, _img_p, ctypes.POINTER(SkdZones),
        ctypes.POINTER(SkdZones), ctypes.POINTER(SkdZoneComparison)]),
    "skd_compare_sessions": (ctypes.c_int, [
        _ctx_p, _sess_p, ctypes.c_size_t, _sess_p, ctypes.c_size_t,
        ctypes.POINTER(_cmp_p)]),
    "skd_compare_sessions_zones": (ctypes.c_int, [
        _ctx_p, _sess_p, ctypes.c_size_t, _sess_p, ctypes.c_size_t, _zones_p,
        _zones_p, ctypes.POINTER(_cmp_p), ctypes.POINTER(SkdZoneComparison)]),
    # returns a static string or the caller's buf (c_char_p copies either
    # into bytes before buf can go), NULL when there is nothing to say
    "skd_zone_change_note": (ctypes.c_char_p, [
        ctypes.POINTER(SkdZoneComparison), ctypes.c_int, ctypes.c_char_p,
        ctypes.c_size_t]),
}


def _candidates():
    """Where the library is looked for, in order."""
    env = os.environ.get("SKINDIFF_LIBRARY")
    if env:
        return [env]
    out = []
    # The build tree of a source checkout: python/skindiff/ -> ../../build/.
    repo = Path(__file__).resolve().parent.parent.parent
    for name in ("libskindiff.so", "libskindiff.dylib"):
        p = repo / "build" / name
        if p.exists():
            out.append(str(p))
    found = ctypes.util.find_library("skindiff")
    if found:
        out.append(found)
    out.append("libskindiff.so.0")
    return out


def load():
    """The bound library (a ctypes.CDLL: calls release the GIL)."""
    errors = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            errors.append(f"{path}: {e}")
            continue
        for name, (res, args) in _PROTOTYPES.items():
            fn = getattr(lib, name)
            fn.restype = res
            fn.argtypes = args
        lib.path = path
        return lib
    raise ImportError(
        "skindiff: libskindiff not found; build it (bash scripts/setup.sh) or "
        "set SKINDIFF_LIBRARY to the path of libskindiff.so. Tried: "
        + "; ".join(errors))
