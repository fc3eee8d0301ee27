/* kde.c — the kde command: a density surface, optionally compared with a
 * second set of incidents on the same grid and bandwidth, and outlines. */
#include "jobs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A bandwidth below a pixel makes a spotty surface; one wider than the
 * whole cloud of incidents smooths it into one flat hill: nothing is wrong
 * with the file, but the map says nothing about where. */
static void warn_bandwidth(hs_ctx *ctx, const hs_incidents *inc, const hs_raster_info *in) {
    if (in->bandwidth_m < in->pixel_size_m)
        hs__log(ctx, HS_LOG_WARNING,
                "the bandwidth (%.4g m) is smaller than a pixel (%.4g m): the surface will be "
                "spotty; choose a smaller --pixel-size",
                in->bandwidth_m, in->pixel_size_m);
    size_t n = hs_incidents_count(inc);
    const double *x = hs_incidents_x(inc), *y = hs_incidents_y(inc);
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < n; i++) { /* never NaN: comparisons vectorise, fmin/fmax are calls */
        x0 = x[i] < x0 ? x[i] : x0, x1 = x[i] > x1 ? x[i] : x1;
        y0 = y[i] < y0 ? y[i] : y0, y1 = y[i] > y1 ? y[i] : y1;
    }
    if (n > 1 && in->bandwidth_m > fmax(x1 - x0, y1 - y0))
        hs__log(ctx, HS_LOG_WARNING,
                "the bandwidth (%.6g m) is larger than the incidents' extent (%.6g x %.6g m): the "
                "surface will be one flat hill; choose a smaller --bandwidth",
                in->bandwidth_m, x1 - x0, y1 - y0);
}

/* Days from the start of the first dated incident's period to the end of
 * the last's (a month-only date covers its month); NAN when any is undated. */
static double span_days(const hs_incidents *inc) {
    int64_t t0 = INT64_MAX, t1 = INT64_MIN;
    for (size_t i = 0; i < hs_incidents_count(inc); i++) {
        hs_incident e;
        hs_incidents_get(inc, i, &e);
        if (e.precision == HS_TIME_NONE) return NAN;
        int64_t end = hs__period_end(e.time_s, e.precision);
        t0 = e.time_s < t0 ? e.time_s : t0;
        t1 = end > t1 ? end : t1;
    }
    return t0 < t1 ? (double)(t1 - t0) / 86400 : NAN;
}

/* The --versus incidents' surface on the first one's grid and bandwidth,
 * and the comparison of the two, per day when both spans are known (two
 * months against one would otherwise read as a doubling). */
static hs_status versus(hs_ctx *ctx, const hs_job *job, const hs_kde_options *ko,
                        const hs_raster_info *in, const hs_incidents *inc, hs_raster *r,
                        hs_incidents **vs, hs_raster **rc) {
    hs_read_options ro = hs__job_read_options(job);
    hs_raster *rv = NULL;
    hs_status st = hs_incidents_create(ctx, vs);
    for (size_t i = 0; i < job->nversus && !st; i++)
        st = hs_incidents_read_csv(ctx, job->versus[i], &ro, *vs);
    hs_kde_options o = *ko;
    o.bandwidth_m = in->bandwidth_m;
    o.bandwidth_adjust = 1;
    o.pixel_size_m = in->pixel_size_m;
    o.grid = HS_KDE_GRID_EXACT;
    o.has_extent = 1;
    o.extent[0] = in->x_min;
    o.extent[1] = in->y_max - (double)in->height * in->pixel_size_m;
    o.extent[2] = in->x_min + (double)in->width * in->pixel_size_m;
    o.extent[3] = in->y_max;
    if (!st) st = hs_kde_compute(ctx, *vs, &o, &rv);
    double da = span_days(inc), db = st ? NAN : span_days(*vs);
    if (!st && !isnan(da) && !isnan(db)) {
        /* Both per day (the file written is the comparison, not r). */
        hs__raster_scale(r, 1 / da);
        hs__raster_scale(rv, 1 / db);
        hs__log(ctx, HS_LOG_INFO,
                "compared per day: the incidents span %.0f days, those of --versus %.0f", da, db);
    }
    if (!st) st = hs_raster_compare(ctx, r, rv, job->have_cmpop ? job->cmpop : HS_RASTER_RATIO, rc);
    hs_raster_destroy(rv);
    return st;
}

static bool is_tif(const char *p) {
    size_t n = strlen(p);
    return (n >= 4 && !strcasecmp(p + n - 4, ".tif")) ||
           (n >= 5 && !strcasecmp(p + n - 5, ".tiff"));
}

/* in: the surface's info; final's is read again only when it is another
 * raster (the comparison): a pass over every pixel. */
static void say(hs_ctx *ctx, const hs_job *job, const hs_raster_info *in, const hs_raster *final,
                const hs_incidents *vs, const char *contours) {
    hs_raster_info fi = *in;
    if (vs) hs_raster_info_get(final, &fi);
    static const char *units[] = {"raw kernel sums", "incidents per km2", "incidents per pixel"};
    hs__log(ctx, HS_LOG_INFO, "%s kernel, bandwidth %.6g m (%s), %.6g m pixels, %zu x %zu, %s%s",
            hs_kernel_name(in->kernel), in->bandwidth_m, hs_bandwidth_rule_name(in->rule),
            in->pixel_size_m, in->width, in->height, units[in->units],
            job->ko.binned ? ", BINNED (approximate: incidents at pixel centres)" : "");
    if (vs)
        hs__log(ctx, HS_LOG_INFO, "compared with %zu incidents of --versus",
                hs_incidents_count(vs));
    hs__log(ctx, HS_LOG_INFO, "%zu pixels with data, max %.6g, sum %.6g", fi.data_pixels, fi.max,
            fi.sum);
    hs__log(ctx, HS_LOG_INFO, "wrote %s%s", job->output,
            is_tif(job->output) ? " (+ .qml style, .json sidecar)" : " (+ .prj)");
    if (contours) hs__log(ctx, HS_LOG_INFO, "wrote outlines to %s", contours);
}

hs_status hs__run_kde(hs_ctx *ctx, const hs_job *job) {
    hs_incidents *inc = NULL, *vs = NULL;
    hs_units *mask = NULL, *ext = NULL;
    hs_raster *r = NULL, *rc = NULL;
    char *contours = NULL;
    hs_kde_options ko = job->ko;
    hs_raster_info in;
    hs_status st = HS_OK;
    /* The study area is the mask too: pixels outside it are nodata. */
    const char *mpath = job->mask ? job->mask : job->study_area;
    if (mpath) st = hs__job_units(ctx, mpath, NULL, &mask);
    ko.mask = mask;
    if (!st && job->extent_layer) {
        st = hs_units_create(ctx, &ext);
        if (!st) st = hs_units_read(ctx, job->extent_layer, NULL, ext);
        if (!st) st = hs_units_bounds(ctx, ext, ko.extent);
        ko.has_extent = 1;
    }
    if (!st) st = hs__job_read(ctx, job, &inc);
    hs_units *area = NULL;
    if (!st) st = hs__job_study_area(ctx, job, inc, &area);
    hs_units_destroy(area);
    if (!st && !ko.mask && !ko.has_extent) hs__job_warn_strays(ctx, inc);
    if (!st) st = hs_kde_compute(ctx, inc, &ko, &r);
    if (!st) {
        hs_raster_info_get(r, &in);
        warn_bandwidth(ctx, inc, &in);
    }
    if (!st && job->nversus) st = versus(ctx, job, &ko, &in, inc, r, &vs, &rc);
    const hs_raster *final = rc ? rc : r;
    if (!st) st = hs_raster_write(ctx, final, job->output);
    if (!st && job->ncontours) {
        contours = job->contours_out ? hs__strdup(ctx, job->contours_out)
                                     : hs__path_with_ext(ctx, job->output, "_contours.geojson");
        st = contours
                 ? hs_raster_contours_write(ctx, final, job->contours, job->ncontours, contours)
                 : hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    if (!st && job->rejects) st = hs_incidents_write_rejects(ctx, inc, NULL, job->rejects);
    if (!st) say(ctx, job, &in, final, rc ? vs : NULL, contours);
    free(contours);
    hs_raster_destroy(rc);
    hs_raster_destroy(r);
    hs_units_destroy(ext);
    hs_units_destroy(mask);
    hs_incidents_destroy(vs);
    hs_incidents_destroy(inc);
    return st;
}
