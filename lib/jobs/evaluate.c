/* evaluate.c — the evaluate command: hit rate, PAI, PEI and RRI of the
 * places of a hotspots CSV on another period (hs_evaluate). */
#include "jobs.h"

#include <math.h>
#include <stdlib.h>

static void say(hs_ctx *ctx, const hs_job *job, const hs_evaluation *e) {
    char rri[32] = "";
    if (e->has_before) snprintf(rri, sizeof rri, ", RRI %.2f", e->capture.rri);
    char d1[32] = "", d0[32] = "";
    if (!isnan(e->days)) snprintf(d1, sizeof d1, " (%.0f days)", e->days);
    if (!isnan(e->days_before)) snprintf(d0, sizeof d0, " (%.0f days)", e->days_before);
    if (e->period[0] || e->chosen_period[0])
        hs__log(ctx, HS_LOG_INFO, "measured on %s%s; chosen on %s%s",
                e->period[0] ? e->period : "all", d1,
                e->chosen_period[0] ? e->chosen_period : "(not given)", d0);
    hs__log(ctx, HS_LOG_INFO, "%zu hotspots on %zu units: hit rate %.1f%%, PAI %.2f, PEI %.2f%s",
            e->hotspots, e->units, e->capture.hit_rate_pct, e->capture.pai, e->capture.pei, rri);
    hs__log(ctx, HS_LOG_INFO, "wrote %s%s%s", job->output, job->curve ? " and " : "",
            job->curve ? job->curve : "");
}

hs_status hs__run_evaluate(hs_ctx *ctx, const hs_job *job) {
    hs_incidents *inc = NULL;
    hs_units *u = NULL, *area = NULL;
    hs_grid *grid = NULL;
    hs_patrol_site *sites = NULL;
    size_t nsites = 0;
    uint32_t *unit_of = NULL;
    const char **ids = NULL;
    double *curve = NULL;
    hs_evaluation e;
    hs_status st = hs_patrol_sites_read(ctx, job->hotspots, &sites, &nsites);
    if (!st) st = hs__job_read(ctx, job, &inc);
    /* The study area: as hotspot hotspots lays it (the empty cells too). */
    if (!st) st = hs__job_study_area(ctx, job, inc, &area);
    if (!st) st = hs__job_places(ctx, job, inc, true, area, &grid, &u);
    if (!st) st = hs__job_locate(ctx, grid, u, inc, &unit_of);
    if (!st) {
        ids = hs__malloc(ctx, (nsites + 1) * sizeof *ids);
        curve = job->curve ? hs__malloc(ctx, 2 * (hs_units_count(u) + 1) * sizeof *curve) : NULL;
        if (!ids || (job->curve && !curve)) st = hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; !st && i < nsites; i++)
        ids[i] = sites[i].id;
    if (!st) st = hs_evaluate(ctx, u, inc, unit_of, &job->to, ids, nsites, &e, curve);
    if (!st && e.hotspots_missing)
        hs__log(ctx, HS_LOG_WARNING,
                "%zu of the %zu hotspots are not among these units (other cell size or layer?)",
                e.hotspots_missing, nsites);
    if (!st) st = hs_evaluation_write(ctx, &e, job->output);
    if (!st && job->curve) st = hs_capture_curve_write(ctx, curve, e.units, job->curve);
    if (!st && job->rejects) st = hs_incidents_write_rejects(ctx, inc, unit_of, job->rejects);
    if (!st) say(ctx, job, &e);
    free(curve);
    free(ids);
    free(unit_of);
    hs_units_destroy(u);
    hs_units_destroy(area);
    hs_grid_destroy(grid);
    hs_patrol_sites_free(sites, nsites);
    hs_incidents_destroy(inc);
    return st;
}
