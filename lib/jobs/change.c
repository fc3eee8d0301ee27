/* change.c — the change command: per place, the count before and after,
 * the difference and an exact binomial test of it (hs_tally_compute). */
#include "jobs.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

static void say(hs_ctx *ctx, const hs_job *job, const hs_units *u, const hs_tally *t) {
    hs_tally_summary s;
    hs_tally_summary_get(t, &s);
    size_t up = 0, down = 0;
    /* Rose or fell by the rate per day, so periods of unequal length
     * compare fairly; the exact test already weighs the days. */
    for (size_t i = 0; i < hs_units_count(u); i++) {
        hs_tally_row r;
        hs_tally_row_get(t, i, &r);
        double d = isnan(r.change_per_30d) ? (double)r.change : r.change_per_30d;
        if (r.change_p < 0.05 && d > 0) up++;
        if (r.change_p < 0.05 && d < 0) down++;
    }
    hs__log(
        ctx, HS_LOG_INFO, "before %s..%s (%.0f days), after %s..%s (%.0f days): compared per day",
        job->to.compare_from, job->to.compare_to, s.days_compare, job->to.from, job->to.to, s.days);
    hs__log(ctx, HS_LOG_INFO,
            "%zu units: %" PRIu64 " incidents after, %" PRIu64 " before; %zu rose and %zu fell "
            "significantly (p < 0.05, exact binomial test)",
            hs_units_count(u), s.in_units, s.in_compare, up, down);
    hs__log(ctx, HS_LOG_INFO, "wrote %s", job->output);
}

hs_status hs__run_change(hs_ctx *ctx, const hs_job *job) {
    hs_incidents *inc = NULL;
    hs_units *u = NULL, *area = NULL;
    hs_grid *grid = NULL;
    hs_tally *t = NULL;
    uint32_t *unit_of = NULL;
    hs_status st = hs__job_read(ctx, job, &inc);
    /* Grid cells with incidents in either period, or the --units polygons. */
    if (!st) st = hs__job_study_area(ctx, job, inc, &area);
    if (!st) st = hs__job_places(ctx, job, inc, false, area, &grid, &u);
    if (!st) st = hs__job_locate(ctx, grid, u, inc, &unit_of);
    if (!st) st = hs_tally_compute(ctx, u, inc, unit_of, &job->to, &t);
    /* Each place named for the briefing: its Location text, the share at
     * one point, its ward. */
    if (!st) st = hs__job_name_places(ctx, job, u, inc, unit_of, t, NULL);
    if (!st) st = hs_tally_write(ctx, t, job->output);
    if (!st && job->rejects) st = hs_incidents_write_rejects(ctx, inc, unit_of, job->rejects);
    if (!st) say(ctx, job, u, t);
    hs_tally_destroy(t);
    free(unit_of);
    hs_units_destroy(u);
    hs_units_destroy(area);
    hs_grid_destroy(grid);
    hs_incidents_destroy(inc);
    return st;
}
