/* check.c — the check command: each file read as the other commands would,
 * rows read, used and rejected by reason, keeping nothing
 * (hs_incidents_check_csv): one result line a file, and a total. */
#include "jobs.h"

#include <inttypes.h>
#include <string.h>

static void say(hs_ctx *ctx, const char *name, const hs_read_summary *s) {
    uint64_t rej = 0;
    char why[512];
    for (int r = 0; r < HS_REJECT_COUNT_; r++)
        rej += s->rejected[r];
    hs__job_reasons(s, why, sizeof why);
    hs__log(ctx, HS_LOG_RESULT,
            "%s: %" PRIu64 " rows read: %" PRIu64 " used, %" PRIu64 " rejected%s", name,
            s->rows_read, s->rows_used, rej, why);
}

hs_status hs__run_check(hs_ctx *ctx, const hs_job *job) {
    hs_read_options ro = hs__job_read_options(job);
    hs_read_summary all;
    memset(&all, 0, sizeof all);
    for (size_t i = 0; i < job->ninputs; i++) {
        hs_read_summary s;
        hs_status st = hs_incidents_check_csv(ctx, job->inputs[i], &ro, &s);
        if (st) return st;
        say(ctx, job->inputs[i], &s);
        all.rows_read += s.rows_read;
        all.rows_used += s.rows_used;
        for (int r = 0; r < HS_REJECT_COUNT_; r++)
            all.rejected[r] += s.rejected[r];
    }
    if (job->ninputs > 1) say(ctx, "total", &all);
    return HS_OK;
}
