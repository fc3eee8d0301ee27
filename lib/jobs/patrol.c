/* patrol.c — the patrol command: a randomised, reproducible plan for the
 * sites of a hotspots CSV (hs_patrol_plan_write), and their geofences. */
#include "jobs.h"

hs_status hs__run_patrol(hs_ctx *ctx, const hs_job *job) {
    hs_patrol_site *sites = NULL;
    size_t n = 0;
    hs_units *u = NULL;
    hs_status st = hs_patrol_sites_read(ctx, job->inputs[0], &sites, &n);
    if (!st) st = hs_patrol_plan_write(ctx, sites, n, &job->po, job->output);
    if (!st && job->geofences && job->units_shp) {
        st = hs_units_create(ctx, &u);
        if (!st) st = hs_units_read(ctx, job->units_shp, NULL, u);
    }
    if (!st && job->geofences) st = hs_patrol_geofences_write(ctx, sites, n, u, job->geofences);
    if (!st) {
        hs__log(ctx, HS_LOG_INFO,
                "%zu hotspots, %d days, %d visits of %d minutes a patrolled day%s; seed %llu", n,
                job->po.days, job->po.visits_per_day, job->po.minutes,
                job->po.half ? ", half patrolled each day (balanced control days)" : "",
                (unsigned long long)job->po.seed);
        hs__log(ctx, HS_LOG_INFO, "wrote %s%s%s", job->output, job->geofences ? " and " : "",
                job->geofences ? job->geofences : "");
    }
    hs_units_destroy(u);
    hs_patrol_sites_free(sites, n);
    return st;
}
