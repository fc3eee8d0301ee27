/* grid.c — the grid command: counts per cell (hs_grid_count). */
#include "jobs.h"

hs_status hs__run_grid(hs_ctx *ctx, const hs_job *job) {
    hs_incidents *inc = NULL;
    hs_grid *grid = NULL;
    hs_units *area = NULL;
    hs_status st = hs__job_read(ctx, job, &inc);
    if (!st) st = hs__job_study_area(ctx, job, inc, &area);
    if (!st && job->rejects) st = hs_incidents_write_rejects(ctx, inc, NULL, job->rejects);
    if (!st) st = hs_grid_count(ctx, inc, &job->go, &grid);
    if (!st) st = hs_grid_write(ctx, grid, job->output);
    if (!st) {
        if (hs_incidents_count(inc) == 0)
            hs__log(ctx, HS_LOG_WARNING, "no incidents were used: the grid is empty");
        hs__log(ctx, HS_LOG_INFO, "wrote %zu cells (%zu incidents) to %s", hs_grid_cell_count(grid),
                hs_incidents_count(inc), job->output);
        if (job->rejects)
            hs__log(ctx, HS_LOG_INFO, "wrote %zu rejected rows to %s",
                    hs_incidents_reject_count(inc), job->rejects);
    }
    hs_grid_destroy(grid);
    hs_units_destroy(area);
    hs_incidents_destroy(inc);
    return st;
}
