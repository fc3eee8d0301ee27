/*
 * stats.h — internal header of lib/stats/; never installed. Internal names use the
 * hs__ prefix.
 *
 * Statistics on places: Getis-Ord Gi*, concentration, bandwidth rules,
 * kernel density and rasters (geotiff.c, the only file that includes
 * tiffio.h), change, trend and displacement tests. Uses places.
 */
#ifndef HS_STATS_H
#define HS_STATS_H

#include "../places/places.h"

/* ---- kde.c / raster.c ------------------------------------------------------ */

struct hs_raster {
    char *crs;
    size_t width, height;
    double x_min, y_max, px;
    float nodata;
    float *v; /* width x height, rows from the top */
    hs_kernel kernel;
    double bandwidth;
    hs_bandwidth_rule rule;
    hs_kde_units units;
    uint64_t incidents;
    bool binned; /* incidents moved to pixel centres (hs_kde_options.binned) */
    bool edge;   /* edge-corrected (hs_kde_options.edge_correction) */
    char *what;  /* for comparisons: "ratio", ...; NULL for a density */
};

/* Multiplies every data pixel by f (a surface per day). */
void hs__raster_scale(hs_raster *r, double f);
double hs__kernel_norm(hs_kernel k, double h, double cutoff);
double hs__kernel_raw(hs_kernel k, double q, double qmax);
/* Per-axis standard deviation over the kernel's bandwidth (h = sigma x
 * factor): quartic 2 sqrt 2, epanechnikov sqrt 6, ... (docs/methods.md). */
double hs__kernel_sigma_factor(hs_kernel k);
/* bandwidth.c: the area rule (HS_BW_AREA) for a study area's box. */
double hs__bandwidth_area(const double box[4]);

/* geotiff.c: the only file that includes tiffio.h / geotiff.h. */
hs_status hs__geotiff_write(hs_ctx *ctx, const hs_raster *r, int epsg, const char *metadata_xml,
                            const char *path);

#endif
