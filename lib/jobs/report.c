/* report.c — the report command: the whole job from one read of the
 * incidents, in one folder: ward table, grid, density, Gi* hotspots, patrol
 * plan, rejects, a QGIS project opening the layers styled, and the HTML
 * page for the board. Grid, density and hotspots cover the study area:
 * the incidents inside the wards, in the main period. */
#include "jobs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { F_WARDS, F_WCSV, F_GRID, F_KDE, F_HOT, F_HCSV, F_PATROL, F_REJ, F_QGS, F_HTML, F_COUNT };
static const char *const file_names[F_COUNT] = {
    "wards.geojson", "wards.csv",  "grid.geojson", "density.tif", "hotspots.geojson",
    "hotspots.csv",  "patrol.csv", "rejects.csv",  "project.qgs", "report.html"};

typedef struct report {
    hs_ctx *ctx;
    const hs_job *job;
    char path[F_COUNT][4096];
    int stage;
    hs_units *wards, *cells;
    hs_incidents *inc;
    hs_tally *t;
    hs_grid *grid, *hgrid;
    hs_raster *r;
    hs_hotspots *h;
    hs_patrol_site *sites;
    size_t nsites, nin;
    uint32_t *unit_of, *cell_of;
    double box[4];
    bool bw_floored;              /* the area rule's bandwidth raised to the cell size */
    char period[48], cperiod[48]; /* "2024-03..2024-04", or "" */
} report;

static void stage(report *rp, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A step done, with its counts: "[k/9] ...". */
static void stage(report *rp, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    hs__log(rp->ctx, HS_LOG_STAGE, "[%d/9] %s", ++rp->stage, buf);
}

/* The folder (made if missing) and its files' names, every one checked
 * before any work. *made: the folder is new (removed again on failure). */
static hs_status folder(report *rp, bool *made) {
    const char *out = rp->job->output;
    struct stat sb;
    *made = false;
    if (mkdir(out, 0777) == 0)
        *made = true;
    else if (errno != EEXIST)
        return hs__error(rp->ctx, HS_EIO, "%s: cannot make the folder: %s", out, strerror(errno));
    else if (stat(out, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return hs__error(rp->ctx, HS_EIO,
                         "%s: is a file, not a folder (-o names the report's folder)", out);
    hs_status st = HS_OK;
    for (int i = 0; i < F_COUNT && !st; i++) {
        if ((size_t)snprintf(rp->path[i], sizeof rp->path[i], "%s/%s", out, file_names[i]) >=
            sizeof rp->path[i])
            return hs__error(rp->ctx, HS_EINVAL, "%s: the folder's name is too long", out);
        st = hs_ctx_output_check(rp->ctx, rp->path[i]);
    }
    return st;
}

/* The ward table, then the study area: incidents inside the wards and in
 * the main period. */
static hs_status wards_and_study_area(report *rp) {
    hs_ctx *ctx = rp->ctx;
    const hs_job *job = rp->job;
    size_t unmatched = 0, n = hs_incidents_count(rp->inc);
    uint8_t *inside = hs__malloc(ctx, n + 1);
    rp->unit_of = hs__malloc(ctx, (n + 1) * sizeof *rp->unit_of);
    hs_status st = inside && rp->unit_of ? HS_OK : hs__error(ctx, HS_ENOMEM, "out of memory");
    if (!st) st = hs_units_locate(ctx, rp->wards, rp->inc, rp->unit_of);
    if (!st) st = hs_tally_compute(ctx, rp->wards, rp->inc, rp->unit_of, &job->to, &rp->t);
    if (!st && job->population)
        st = hs_tally_set_population(ctx, rp->t, job->population, &unmatched);
    if (!st && unmatched)
        hs__log(ctx, HS_LOG_WARNING,
                "%zu codes of %s and the polygons did not match: their rate is left empty",
                unmatched, job->population);
    if (!st) st = hs_tally_write(ctx, rp->t, rp->path[F_WARDS]);
    if (!st) st = hs_tally_write(ctx, rp->t, rp->path[F_WCSV]);
    if (!st) st = hs_incidents_write_rejects(ctx, rp->inc, NULL, rp->path[F_REJ]);
    if (!st) st = hs_incidents_in_period(ctx, rp->inc, job->to.from, job->to.to, inside);
    for (size_t i = 0; !st && i < n; i++) {
        inside[i] = inside[i] && rp->unit_of[i] != HS_NO_UNIT;
        rp->nin += inside[i];
    }
    if (!st) st = hs_incidents_keep(ctx, rp->inc, inside);
    free(inside);
    if (!st && rp->nin == 0)
        st = hs__error(ctx, HS_ENODATA, "no incident lies inside the wards: nothing to map");
    if (!st) {
        hs_tally_summary ts;
        hs_tally_summary_get(rp->t, &ts);
        stage(rp, "ward table: %" PRIu64 " incidents in the wards, %" PRIu64 " outside",
              ts.in_units, ts.outside);
        hs__job_say_builtin_outside(ctx, job, ts.outside, ts.in_units + ts.outside);
    }
    return st;
}

/* Grid counts, the density over the wards' box masked by them, the Gi*
 * hotspots of the study cells and their patrol plan. */
static hs_status layers(report *rp) {
    hs_ctx *ctx = rp->ctx;
    const hs_job *job = rp->job;
    hs_status st = hs_grid_count(ctx, rp->inc, &job->go, &rp->grid);
    if (!st) st = hs_grid_write(ctx, rp->grid, rp->path[F_GRID]);
    if (!st)
        stage(rp, "grid: %zu cells of %g m", hs_grid_cell_count(rp->grid), job->go.cell_size_m);
    if (!st) st = hs_units_bounds(ctx, rp->wards, rp->box);
    hs_kde_options ko = job->ko;
    if (!ko.has_extent) memcpy(ko.extent, rp->box, sizeof rp->box), ko.has_extent = 1;
    if (!ko.mask) ko.mask = rp->wards;
    /* The area rule, never finer than the hotspot cells: the density then
     * shows the scale the Gi* cells are ranked at, and the two halves of
     * the page agree (a City of London box gives 50 m: raised to 150). */
    if (!st && !(ko.bandwidth_m > 0) && ko.rule == HS_BW_AREA) {
        ko.bandwidth_m = hs__bandwidth_area(ko.extent);
        if (ko.bandwidth_m < job->go.cell_size_m)
            ko.bandwidth_m = job->go.cell_size_m, rp->bw_floored = true;
    }
    if (!st) st = hs_kde_compute(ctx, rp->inc, &ko, &rp->r);
    /* The bandwidth came from the area rule: the sidecar says so. */
    if (!st && !(job->ko.bandwidth_m > 0) && job->ko.rule == HS_BW_AREA) rp->r->rule = HS_BW_AREA;
    if (!st) st = hs_raster_write(ctx, rp->r, rp->path[F_KDE]);
    /* Cells over the whole study area, not only the incidents' box. */
    hs_grid_options go = job->go;
    go.include_empty = 1;
    go.has_extent = 1;
    memcpy(go.extent, rp->box, sizeof rp->box);
    if (!st) {
        hs_raster_info ri;
        hs_raster_info_get(rp->r, &ri);
        stage(rp, "density: %zu x %zu pixels of %g m, bandwidth %.0f m", ri.width, ri.height,
              ri.pixel_size_m, ri.bandwidth_m);
        st = hs_grid_count(ctx, rp->inc, &go, &rp->hgrid);
    }
    if (!st) st = hs__job_study_cells(ctx, rp->hgrid, rp->wards, &rp->cells);
    if (!st) st = hs_units_build_neighbours(ctx, rp->cells, 0);
    if (!st) st = hs__job_locate(ctx, NULL, rp->cells, rp->inc, &rp->cell_of);
    if (!st)
        st = hs_hotspots_compute(ctx, rp->cells, rp->inc, rp->cell_of, rp->wards, &job->ho, &rp->h);
    if (!st) st = hs_hotspots_write(ctx, rp->h, rp->path[F_HOT]);
    if (!st) st = hs_hotspots_write(ctx, rp->h, rp->path[F_HCSV]);
    if (!st) {
        stage(rp, "Gi* hotspots: the top %zu of %zu cells", hs_hotspots_count(rp->h),
              hs_units_count(rp->cells));
        st = hs_patrol_sites_from_hotspots(ctx, rp->h, &rp->sites, &rp->nsites);
    }
    if (!st) st = hs_patrol_plan_write(ctx, rp->sites, rp->nsites, &job->po, rp->path[F_PATROL]);
    if (!st) stage(rp, "patrol plan: %zu places over %d days", rp->nsites, job->po.days);
    return st;
}

static hs_status project(report *rp) {
    static const char *const osdata =
        "Contains OS data (c) Crown copyright and database right; Office for National "
        "Statistics licensed under the Open Government Licence v3.0";
    static const char *const police = "Incidents: data.police.uk, Open Government Licence v3.0 "
                                      "(locations anonymised to snap points)";
    static const char *const osm_url =
        "crs=EPSG:3857&format&type=xyz&url=https://tile.openstreetmap.org/%7Bz%7D/%7Bx%7D/"
        "%7By%7D.png&zmax=19&zmin=0";
    static const char *const osm = "Map data (c) OpenStreetMap contributors, ODbL; tiles: "
                                   "OpenStreetMap Foundation (needs internet)";
    /* Bottom to top. A board's reading first: the density under labelled
     * ward outlines and the numbered hotspots; the choropleth, the grid
     * counts and a street map are there, switched off. */
    char *outline = NULL;
    hs_status st = hs__style_outline_labels(rp->ctx, "name", &outline);
    hs_project_layer layers[] = {
        {"OpenStreetMap (online)", osm_url, NULL, 2, "EPSG:3857", osm, NULL, 1},
        {"Wards: incidents", "wards.geojson", "wards.qml", 0, "EPSG:4326", osdata, NULL, 1},
        {"Grid: incidents per cell", "grid.geojson", "grid.qml", 0, "EPSG:4326", police, NULL, 1},
        {"Kernel density", "density.tif", "density.qml", 1, NULL, police, NULL, 0},
        {"Wards", "wards.geojson", NULL, 0, "EPSG:4326", osdata, outline, 0},
        {"Top hotspots", "hotspots.geojson", "hotspots.qml", 0, "EPSG:4326", police, NULL, 0},
    };
    const char *title = rp->job->title ? rp->job->title : "Hotspot report";
    if (!st) st = hs_project_write_qgs(rp->ctx, layers, 6, title, rp->box, rp->path[F_QGS]);
    free(outline);
    if (!st)
        stage(rp, "QGIS project: hotspots, wards, density; choropleth, grid and street map off");
    return st;
}

/* "2024-01 to 2024-04": the months of the first and last dated incidents. */
static void months(const hs_incidents *inc, char *when, size_t size) {
    int64_t t0 = INT64_MAX, t1 = INT64_MIN;
    for (size_t i = 0; i < hs_incidents_count(inc); i++) {
        hs_incident e;
        hs_incidents_get(inc, i, &e);
        if (e.precision == HS_TIME_NONE) continue;
        t0 = e.time_s < t0 ? e.time_s : t0;
        t1 = e.time_s > t1 ? e.time_s : t1;
    }
    if (t0 > t1) {
        snprintf(when, size, "undated");
        return;
    }
    time_t a0 = (time_t)t0, a1 = (time_t)t1;
    struct tm m0, m1;
    gmtime_r(&a0, &m0);
    gmtime_r(&a1, &m1);
    snprintf(when, size, "%04d-%02d to %04d-%02d", m0.tm_year + 1900, m0.tm_mon + 1,
             m1.tm_year + 1900, m1.tm_mon + 1);
}

static hs_status page(report *rp) {
    const hs_job *job = rp->job;
    char sub[512], ktxt[160], pix[32], cell[32], top[32], bw[32];
    char types[256] = "All crime types", when[64];
    hs_raster_info ri;
    hs_raster_info_get(rp->r, &ri);
    for (size_t i = 0, o = 0; i < job->ntypes && o < sizeof types; i++)
        o += (size_t)snprintf(types + o, sizeof types - o, "%s%s", i ? ", " : "", job->types[i]);
    months(rp->inc, when, sizeof when);
    /* What, when, how many: "Violence and sexual offences; 2024-01 to
     * 2024-04; 1428 incidents in 18 wards". */
    snprintf(sub, sizeof sub, "%s; %s; %zu incidents in %zu wards", types, when, rp->nin,
             hs_units_count(rp->wards));
    bool area = !(job->ko.bandwidth_m > 0) && job->ko.rule == HS_BW_AREA;
    snprintf(ktxt, sizeof ktxt, "%s, %s%s", hs_kernel_name(ri.kernel),
             hs_bandwidth_rule_name(area ? HS_BW_AREA : ri.rule),
             rp->bw_floored ? ", raised to the cell size" : "");
    snprintf(bw, sizeof bw, "%.0f m", ri.bandwidth_m);
    snprintf(pix, sizeof pix, "%.0f m", ri.pixel_size_m);
    snprintf(cell, sizeof cell, "%.0f m %s", job->go.cell_size_m,
             job->go.shape == HS_GRID_HEX ? "hexagons" : "squares");
    snprintf(top, sizeof top, "%zu%s", job->ho.top, job->ho.significant ? " (significant)" : "");
    /* Which boundaries: the built-in ones are never used unsaid. */
    char bounds[256] = "built-in Gravesham wards (2013)";
    for (size_t i = 0, o = 0; i < job->nlayers && o < sizeof bounds; i++) {
        const char *b = strrchr(job->layers[i], '/');
        o += (size_t)snprintf(bounds + o, sizeof bounds - o, "%s%s", i ? ", " : "",
                              b ? b + 1 : job->layers[i]);
    }
    const char *params[] = {"Crime types",
                            types,
                            "Period",
                            when,
                            "Cells",
                            cell,
                            "Kernel (bandwidth rule)",
                            ktxt,
                            "Bandwidth",
                            bw,
                            "Pixel",
                            pix,
                            "Hotspots",
                            top,
                            "Ranked by",
                            job->harm ? job->harm : "counts",
                            "Boundaries",
                            bounds,
                            "Working CRS",
                            hs_ctx_crs(rp->ctx)};
    const char *files[] = {"report.html",
                           "this page",
                           "project.qgs",
                           "QGIS project: wards, density, hotspots",
                           "wards.geojson, wards.csv",
                           "ward table (map layer and table)",
                           "grid.geojson",
                           "incidents per cell",
                           "density.tif",
                           "kernel density (GeoTIFF)",
                           "hotspots.geojson, hotspots.csv",
                           "top hotspots with Gi*",
                           "patrol.csv",
                           "randomised patrol schedule",
                           "rejects.csv",
                           "every rejected row and its reason"};
    const char *lic[] = {
        "Incidents: data.police.uk, Open Government Licence v3.0 (locations are anonymised to "
        "snap points; dates are months).",
        "Boundaries: Office for National Statistics, Open Government Licence v3.0; contains OS "
        "data (c) Crown copyright and database right."};
    const hs_tally_options *to = &job->to;
    if (to->from || to->to)
        snprintf(rp->period, sizeof rp->period, "%.20s..%.20s", to->from ? to->from : "",
                 to->to ? to->to : "");
    if (to->compare_from || to->compare_to)
        snprintf(rp->cperiod, sizeof rp->cperiod, "%.20s..%.20s",
                 to->compare_from ? to->compare_from : "", to->compare_to ? to->compare_to : "");
    hs_report rep = {job->title ? job->title : "Hotspot report",
                     sub,
                     rp->inc,
                     rp->t,
                     rp->r,
                     rp->h,
                     params,
                     10,
                     files,
                     8,
                     lic,
                     2,
                     rp->period[0] ? rp->period : NULL,
                     rp->cperiod[0] ? rp->cperiod : NULL};
    hs_status st = hs_report_write_html(rp->ctx, &rep, rp->path[F_HTML]);
    if (!st) stage(rp, "HTML report");
    return st;
}

static void say(report *rp) {
    hs_tally_summary ts;
    hs_tally_summary_get(rp->t, &ts);
    hs__log(rp->ctx, HS_LOG_INFO, "%" PRIu64 " incidents in %zu wards, %" PRIu64 " outside them",
            ts.in_units, hs_units_count(rp->wards), ts.outside);
    hs_concentration cc;
    hs_hotspots_concentration(rp->h, &cc, NULL);
    hs__job_say_concentration(rp->ctx, "incidents", &cc);
    hs__log(rp->ctx, HS_LOG_INFO,
            "wrote %s/: report.html (open in a browser), project.qgs (open in QGIS), wards, grid, "
            "density, hotspots (+ .qml styles), patrol.csv, rejects.csv",
            rp->job->output);
}

hs_status hs__run_report(hs_ctx *ctx, const hs_job *job) {
    report *rp = hs__calloc(ctx, 1, sizeof *rp);
    if (!rp) return hs__error(ctx, HS_ENOMEM, "out of memory");
    rp->ctx = ctx, rp->job = job;
    bool made = false;
    hs_status st = folder(rp, &made);
    if (!st) st = hs__job_wards(ctx, job, true, &rp->wards);
    if (!st) stage(rp, "wards: %zu polygons", hs_units_count(rp->wards));
    if (!st) st = hs__job_read(ctx, job, &rp->inc);
    if (!st) stage(rp, "incidents read once: %zu", hs_incidents_count(rp->inc));
    if (!st && job->harm) st = hs__job_harm(ctx, job, rp->inc);
    if (!st) st = wards_and_study_area(rp);
    if (!st) st = layers(rp);
    if (!st) st = project(rp);
    if (!st) st = page(rp);
    if (!st) st = hs__progress(ctx, "commit", 1, 1);
    if (!st) st = hs_ctx_outputs_commit(ctx);
    if (!st) say(rp);
    if (st) hs_ctx_outputs_abort(ctx);
    if (st && made) rmdir(job->output); /* only if empty: as it was */
    hs_patrol_sites_free(rp->sites, rp->nsites);
    hs_hotspots_destroy(rp->h);
    hs_raster_destroy(rp->r);
    hs_grid_destroy(rp->hgrid);
    hs_grid_destroy(rp->grid);
    hs_tally_destroy(rp->t);
    hs_units_destroy(rp->cells);
    hs_units_destroy(rp->wards);
    hs_incidents_destroy(rp->inc);
    free(rp->unit_of);
    free(rp->cell_of);
    free(rp);
    return st;
}
