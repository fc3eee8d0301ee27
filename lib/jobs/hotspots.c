/* hotspots.c — the hotspots command: places ranked by harm or count with
 * Gi* (hs_hotspots_compute), the top N written. */
#include "jobs.h"

#include <inttypes.h>
#include <stdlib.h>

/* Neighbours for Gi*: centroids within a distance, or shared edges (grid
 * cells touch exactly; polygons within --snap metres). */
static hs_status neighbours(hs_ctx *ctx, const hs_job *job, hs_units *u) {
    return job->nbdist_m > 0 ? hs_units_build_neighbours_distance(ctx, u, job->nbdist_m)
                             : hs_units_build_neighbours(ctx, u, job->units_shp ? job->snap_m : 0);
}

/* The units of hotspots and trend: --units polygons, or the grid cells of
 * the incidents' box with the empty ones; neighbours built; each incident's
 * unit. */
hs_status hs__job_ranked_places(hs_ctx *ctx, const hs_job *job, const hs_incidents *inc,
                                const hs_units *area, hs_grid **grid, hs_units **u,
                                uint32_t **unit_of) {
    hs_status st = hs__job_places(ctx, job, inc, true, area, grid, u);
    if (!st) st = neighbours(ctx, job, *u);
    if (!st) st = hs__job_locate(ctx, *grid, *u, inc, unit_of);
    return st;
}

static void say(hs_ctx *ctx, const hs_job *job, const hs_units *u, const hs_hotspots *h,
                const hs_incidents *inc, const uint32_t *unit_of) {
    hs_concentration cc, chm;
    hs_hotspots_concentration(h, &cc, &chm);
    hs__log(ctx, HS_LOG_INFO, "%zu units (%s), %zu hotspots%s", hs_units_count(u),
            job->units_shp ? job->units_shp : "grid cells", hs_hotspots_count(h),
            job->ho.significant ? " significantly hot at 95%" : "");
    hs__job_say_outside(ctx, job, inc, unit_of, hs_units_count(u));
    hs__job_say_concentration(ctx, "incidents", &cc);
    if (job->harm) hs__job_say_concentration(ctx, "harm", &chm);
    hs_hotspot top;
    hs_unit un;
    if (hs_hotspots_get(h, 0, &top) == HS_OK && hs_units_get(u, top.unit, &un) == HS_OK)
        hs__log(ctx, HS_LOG_INFO,
                "first: %s with %" PRIu64 " incidents (%.1f%% of the %s, PAI %.1f, Gi* z %.2f)",
                un.code, top.count, top.share_pct, job->harm ? "harm" : "incidents", top.pai,
                top.gistar_z);
    hs__log(ctx, HS_LOG_INFO, "wrote %s%s", job->output,
            job->summary ? " and the concentration summary" : "");
}

hs_status hs__run_hotspots(hs_ctx *ctx, const hs_job *job) {
    hs_incidents *inc = NULL;
    hs_units *u = NULL, *wards = NULL, *area = NULL;
    hs_grid *grid = NULL;
    hs_hotspots *h = NULL;
    uint32_t *unit_of = NULL;
    hs_status st = hs__job_read(ctx, job, &inc);
    if (!st) st = hs__job_study_area(ctx, job, inc, &area);
    if (!st && job->harm) st = hs__job_harm(ctx, job, inc);
    if (!st) st = hs__job_ranked_places(ctx, job, inc, area, &grid, &u, &unit_of);
    if (!st) st = hs__job_wards(ctx, job, false, &wards);
    if (!st) st = hs_hotspots_compute(ctx, u, inc, unit_of, wards, &job->ho, &h);
    if (!st) st = hs_hotspots_write(ctx, h, job->output);
    if (!st && job->summary) st = hs_hotspots_write_summary(ctx, h, job->summary);
    if (!st && job->rejects) st = hs_incidents_write_rejects(ctx, inc, unit_of, job->rejects);
    if (!st) say(ctx, job, u, h, inc, unit_of);
    hs_hotspots_destroy(h);
    free(unit_of);
    hs_units_destroy(wards);
    hs_units_destroy(u);
    hs_units_destroy(area);
    hs_grid_destroy(grid);
    hs_incidents_destroy(inc);
    return st;
}
