/* Sizes and field offsets of the public structs as the C compiler lays
 * them out, for test_layout.py: the Python package binds these structs
 * with ctypes and must agree byte for byte. Output: one line per entry,
 * "struct field offset", and "struct sizeof size". */
#include <stddef.h>
#include <stdio.h>

#include "skindiff.h"
#include "skindiff_batch.h"

#define SIZE(s) printf(#s " sizeof %zu\n", sizeof(s))
#define OFF(s, f) printf(#s " " #f " %zu\n", offsetof(s, f))

int main(void)
{
    SIZE(skd_image_info);
    OFF(skd_image_info, format);
    OFF(skd_image_info, stored_width);
    OFF(skd_image_info, stored_height);
    OFF(skd_image_info, width);
    OFF(skd_image_info, height);
    OFF(skd_image_info, bit_depth);
    OFF(skd_image_info, channels);
    OFF(skd_image_info, colour_type);
    OFF(skd_image_info, coding);
    OFF(skd_image_info, exif_orientation);
    OFF(skd_image_info, has_icc);
    OFF(skd_image_info, colour_kind);
    OFF(skd_image_info, colour_source);

    SIZE(skd_image);
    OFF(skd_image, width);
    OFF(skd_image, height);
    OFF(skd_image, rgb);
    OFF(skd_image, info);
    OFF(skd_image, icc);
    OFF(skd_image, icc_size);

    SIZE(skd_roi);
    OFF(skd_roi, x);
    OFF(skd_roi, y);
    OFF(skd_roi, w);
    OFF(skd_roi, h);

    SIZE(skd_region_spec);
    OFF(skd_region_spec, mask);
    OFF(skd_region_spec, roi);
    OFF(skd_region_spec, white_ref);
    OFF(skd_region_spec, landmarks);

    SIZE(skd_colour_info);
    OFF(skd_colour_info, source);
    OFF(skd_colour_info, white_ref);
    OFF(skd_colour_info, white_ref_roi);
    OFF(skd_colour_info, adaptation);
    OFF(skd_colour_info, gains);
    OFF(skd_colour_info, patch_lab);
    OFF(skd_colour_info, patch_cv);
    OFF(skd_colour_info, white_ref_method);
    OFF(skd_colour_info, patch_chroma_sd);

    SIZE(skd_pore);
    OFF(skd_pore, x);
    OFF(skd_pore, y);
    OFF(skd_pore, radius);
    OFF(skd_pore, strength);

    SIZE(skd_metrics);
    OFF(skd_metrics, sa);
    OFF(skd_metrics, sq);
    OFF(skd_metrics, ssk);
    OFF(skd_metrics, sku);
    OFF(skd_metrics, pore_count);
    OFF(skd_metrics, pore_density_per_cm2);
    OFF(skd_metrics, pore_mean_diameter_mm);
    OFF(skd_metrics, pore_area_fraction);
    OFF(skd_metrics, a_mean);
    OFF(skd_metrics, a_median);
    OFF(skd_metrics, erythema_index);
    OFF(skd_metrics, red_area_fraction);
    OFF(skd_metrics, area_cm2);
    OFF(skd_metrics, region_pixels);

    SIZE(skd_analysis);
    OFF(skd_analysis, width);
    OFF(skd_analysis, height);
    OFF(skd_analysis, px_per_mm);
    OFF(skd_analysis, scale_assumed);
    OFF(skd_analysis, warnings);
    OFF(skd_analysis, metrics);
    OFF(skd_analysis, n_pores);
    OFF(skd_analysis, pores);
    OFF(skd_analysis, region);
    OFF(skd_analysis, red_area);
    OFF(skd_analysis, texture);
    OFF(skd_analysis, a_star);
    OFF(skd_analysis, colour);
    OFF(skd_analysis, exclusion);
    OFF(skd_analysis, cause);
    OFF(skd_analysis, band_px_per_mm);
    OFF(skd_analysis, band_fine_mm);
    OFF(skd_analysis, band_pore_min_mm);
    OFF(skd_analysis, red_near);

    SIZE(skd_exclusion);
    OFF(skd_exclusion, region);
    OFF(skd_exclusion, skin);
    OFF(skd_exclusion, not_skin);
    OFF(skd_exclusion, highlight);
    OFF(skd_exclusion, too_dark);
    OFF(skd_exclusion, outside_roi_mask);
    OFF(skd_exclusion, margin);
    OFF(skd_exclusion, clipped);
    OFF(skd_exclusion, skin_map);

    SIZE(skd_point);
    OFF(skd_point, x);
    OFF(skd_point, y);

    SIZE(skd_zones);
    OFF(skd_zones, width);
    OFF(skd_zones, height);
    OFF(skd_zones, source);
    OFF(skd_zones, faces_found);
    OFF(skd_zones, face_box);
    OFF(skd_zones, has_landmarks);
    OFF(skd_zones, landmarks);
    OFF(skd_zones, labels);
    OFF(skd_zones, zone_pixels);

    SIZE(skd_zone_change);
    OFF(skd_zone_change, measured);
    OFF(skd_zone_change, area_cm2);
    OFF(skd_zone_change, tiles_used);
    OFF(skd_zone_change, change);

    SIZE(skd_zone_comparison);
    OFF(skd_zone_comparison, source);
    OFF(skd_zone_comparison, zone);
    OFF(skd_zone_comparison, has_residual);
    OFF(skd_zone_comparison, landmark_residual_px);
    OFF(skd_zone_comparison, landmark_residual_mm);
    OFF(skd_zone_comparison, residual_large);
    OFF(skd_zone_comparison, replicates);

    SIZE(skd_transform);
    OFF(skd_transform, dx);
    OFF(skd_transform, dy);
    OFF(skd_transform, rotation_deg);
    OFF(skd_transform, scale);
    OFF(skd_transform, confidence);

    SIZE(skd_change);
    OFF(skd_change, before);
    OFF(skd_change, after);
    OFF(skd_change, change);
    OFF(skd_change, change_pct);
    OFF(skd_change, ci_low);
    OFF(skd_change, ci_high);
    OFF(skd_change, noise_floor);
    OFF(skd_change, verdict);
    OFF(skd_change, reason);
    OFF(skd_change, floor_source);

    SIZE(skd_acquisition);
    OFF(skd_acquisition, exposure_pct);
    OFF(skd_acquisition, dL);
    OFF(skd_acquisition, da);
    OFF(skd_acquisition, db);
    OFF(skd_acquisition, colour_calibrated);
    OFF(skd_acquisition, neutral_dL);
    OFF(skd_acquisition, neutral_da);
    OFF(skd_acquisition, neutral_db);
    OFF(skd_acquisition, sharpness_before);
    OFF(skd_acquisition, sharpness_after);
    OFF(skd_acquisition, sharpness_ratio);
    OFF(skd_acquisition, region_share_before);
    OFF(skd_acquisition, region_share_after);
    OFF(skd_acquisition, residual_median_px);
    OFF(skd_acquisition, residual_max_px);
    OFF(skd_acquisition, tiles_measured);
    OFF(skd_acquisition, tiles_dropped);
    OFF(skd_acquisition, flags);
    OFF(skd_acquisition, scale);
    OFF(skd_acquisition, tone_slope);
    OFF(skd_acquisition, tone_spread);
    OFF(skd_acquisition, resolution_ratio);
    OFF(skd_acquisition, pores_unresolved);
    OFF(skd_acquisition, white_ref_gain);

    SIZE(skd_comparison);
    OFF(skd_comparison, transform);
    OFF(skd_comparison, common_area_cm2);
    OFF(skd_comparison, px_per_mm);
    OFF(skd_comparison, scale_assumed);
    OFF(skd_comparison, tiles_x);
    OFF(skd_comparison, tiles_y);
    OFF(skd_comparison, tile_px);
    OFF(skd_comparison, tiles_used);
    OFF(skd_comparison, change);
    OFF(skd_comparison, tile_change);
    OFF(skd_comparison, before);
    OFF(skd_comparison, after);
    OFF(skd_comparison, common_before);
    OFF(skd_comparison, common_after);
    OFF(skd_comparison, acquisition);
    OFF(skd_comparison, tile_residual);
    OFF(skd_comparison, replicates);

    SIZE(skd_replicates);
    OFF(skd_replicates, n_before);
    OFF(skd_replicates, n_after);
    OFF(skd_replicates, df);
    OFF(skd_replicates, sd);
    OFF(skd_replicates, floor);
    OFF(skd_replicates, pair_change);
    OFF(skd_replicates, pair_ci_low);
    OFF(skd_replicates, pair_ci_high);

    SIZE(skd_session_photo);
    OFF(skd_session_photo, image);
    OFF(skd_session_photo, spec);
    OFF(skd_session_photo, analysis);

    printf("skd_metric_count value %d\n", (int)SKD_METRIC_COUNT);
    printf("skd_db_schema_version value %d\n", SKD_DB_SCHEMA_VERSION);
    return 0;
}
