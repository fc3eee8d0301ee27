/* wards.c — the wards command: the ward table (hs_tally_compute). */
#include "jobs.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

static void say(hs_ctx *ctx, const hs_job *job, const hs_units *u, const hs_tally *t,
                size_t unmatched) {
    hs_tally_summary s;
    hs_tally_summary_get(t, &s);
    char cmp[128] = "", other[64] = "";
    if (job->to.compare_from && !isnan(s.days))
        snprintf(cmp, sizeof cmp, "; %" PRIu64 " in the compare period (%.0f days against %.0f)",
                 s.in_compare, s.days_compare, s.days);
    else if (job->to.compare_from)
        snprintf(cmp, sizeof cmp, "; %" PRIu64 " in the compare period", s.in_compare);
    if (s.other_period)
        snprintf(other, sizeof other, "; %" PRIu64 " in neither period", s.other_period);
    hs__log(ctx, HS_LOG_INFO, "%" PRIu64 " incidents in %zu polygons, %" PRIu64 " outside them%s%s",
            s.in_units, hs_units_count(u), s.outside, cmp, other);
    for (size_t i = 0; i < hs_units_count(u); i++) {
        hs_tally_row r;
        hs_unit un;
        hs_tally_row_get(t, i, &r);
        hs_units_get(u, i, &un);
        if (r.rank == 1 && r.count > 0)
            hs__log(ctx, HS_LOG_INFO, "first: %s %s with %" PRIu64 " (%.1f%%)", un.code, un.name,
                    r.count, r.share_pct);
    }
    hs__job_say_builtin_outside(ctx, job, s.outside, s.in_units + s.outside);
    if (job->population && unmatched)
        hs__log(ctx, HS_LOG_WARNING,
                "%zu codes of %s and the polygons did not match: their rate is left empty",
                unmatched, job->population);
    hs__log(ctx, HS_LOG_INFO, "wrote %zu rows to %s", hs_units_count(u), job->output);
    if (job->rejects)
        hs__log(ctx, HS_LOG_INFO, "wrote the rejected and outside rows to %s", job->rejects);
}

hs_status hs__run_wards(hs_ctx *ctx, const hs_job *job) {
    hs_units *u = NULL;
    hs_incidents *inc = NULL;
    hs_tally *t = NULL;
    uint32_t *unit_of = NULL;
    size_t unmatched = 0;
    hs_status st = hs__job_wards(ctx, job, true, &u);
    if (!st) st = hs__job_read(ctx, job, &inc);
    if (!st) st = hs__job_locate(ctx, NULL, u, inc, &unit_of);
    if (!st) st = hs_tally_compute(ctx, u, inc, unit_of, &job->to, &t);
    if (!st && job->population) st = hs_tally_set_population(ctx, t, job->population, &unmatched);
    if (!st && job->rejects) st = hs_incidents_write_rejects(ctx, inc, unit_of, job->rejects);
    if (!st) st = hs_tally_write(ctx, t, job->output);
    if (!st) say(ctx, job, u, t, unmatched);
    hs_tally_destroy(t);
    free(unit_of);
    hs_incidents_destroy(inc);
    hs_units_destroy(u);
    return st;
}
