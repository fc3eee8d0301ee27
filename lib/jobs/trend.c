/* trend.c — the trend command: Gi* per period, Mann-Kendall, emerging
 * hot spot categories (hs_trend_compute). */
#include "jobs.h"

#include <inttypes.h>
#include <stdlib.h>

static void say(hs_ctx *ctx, const hs_job *job, const hs_units *u, const hs_trend *t,
                const hs_incidents *inc, const uint32_t *unit_of) {
    size_t np = hs_trend_period_count(t), n = hs_units_count(u);
    size_t by[HS_EMERGING_COUNT_] = {0};
    hs_trend_unit r;
    for (size_t i = 0; i < n; i++)
        if (hs_trend_unit_get(t, i, &r) == HS_OK) by[r.category]++;
    hs_period per = hs_trend_period(t);
    hs__log(ctx, HS_LOG_INFO, "%zu units (%s), %zu %s %s..%s%s", n,
            job->units_shp ? job->units_shp : "grid cells", np,
            per == HS_PERIOD_MONTH     ? "months"
            : per == HS_PERIOD_QUARTER ? "quarters"
                                       : "years",
            hs_trend_period_label(t, 0), hs_trend_period_label(t, np - 1),
            np < 10 ? " (fewer than 10: trends and 'mostly' categories are weak)" : "");
    hs__job_say_outside(ctx, job, inc, unit_of, n);
    if (hs_trend_undated(t))
        hs__log(ctx, HS_LOG_INFO, "%" PRIu64 " incidents have no date and are not counted",
                hs_trend_undated(t));
    for (int e = 1; e < HS_EMERGING_COUNT_; e++)
        if (by[e])
            hs__log(ctx, HS_LOG_INFO, "  %-24s %zu", hs_emerging_name((hs_emerging)e), by[e]);
    hs__log(ctx, HS_LOG_INFO, "wrote %s", job->output);
}

hs_status hs__run_trend(hs_ctx *ctx, const hs_job *job) {
    hs_incidents *inc = NULL;
    hs_units *u = NULL, *area = NULL;
    hs_grid *grid = NULL;
    hs_trend *t = NULL;
    uint32_t *unit_of = NULL;
    hs_status st = hs__job_read(ctx, job, &inc);
    if (!st) st = hs__job_study_area(ctx, job, inc, &area);
    if (!st) st = hs__job_ranked_places(ctx, job, inc, area, &grid, &u, &unit_of);
    if (!st) st = hs_trend_compute(ctx, u, inc, unit_of, &job->tro, &t);
    if (!st) st = hs__job_name_places(ctx, job, u, inc, unit_of, NULL, t);
    if (!st) st = hs_trend_write(ctx, t, job->output);
    if (!st && job->rejects) st = hs_incidents_write_rejects(ctx, inc, unit_of, job->rejects);
    if (!st) say(ctx, job, u, t, inc, unit_of);
    hs_trend_destroy(t);
    free(unit_of);
    hs_units_destroy(u);
    hs_units_destroy(area);
    hs_grid_destroy(grid);
    hs_incidents_destroy(inc);
    return st;
}
