/* check.c — the check command: each file read as the other commands would,
 * rows read, used and rejected by reason, keeping nothing
 * (hs_incidents_check_csv): one result line a file, and a total. */
#include "jobs.h"

#include <inttypes.h>
#include <stdlib.h>
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

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Files of one month each (data.police.uk's): with 3 or more, a file whose
 * rows used fall below 60 % of the median file's is flagged, as the other
 * commands flag a month (common.c). */
static void check_files(hs_ctx *ctx, const hs_job *job, const uint64_t *used) {
    size_t n = job->ninputs;
    uint64_t *s = n >= 3 ? hs__malloc(ctx, n * sizeof *s) : NULL;
    if (!s) return;
    memcpy(s, used, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_u64);
    double median = n % 2 ? (double)s[n / 2] : 0.5 * ((double)s[n / 2 - 1] + (double)s[n / 2]);
    for (size_t i = 0; i < n; i++)
        if ((double)used[i] < 0.6 * median)
            hs__log(ctx, HS_LOG_WARNING,
                    "%s: %" PRIu64 " rows used against a median of %.0f a file (%.0f%%): a "
                    "missing or partial file?",
                    job->inputs[i], used[i], median, 100 * (double)used[i] / median);
    free(s);
}

hs_status hs__run_check(hs_ctx *ctx, const hs_job *job) {
    hs_read_options ro = hs__job_read_options(job);
    hs_read_summary all;
    memset(&all, 0, sizeof all);
    uint64_t *used = hs__calloc(ctx, job->ninputs + 1, sizeof *used);
    if (!used) return hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; i < job->ninputs; i++) {
        hs_read_summary s;
        hs_status st = hs_incidents_check_csv(ctx, job->inputs[i], &ro, &s);
        if (st) {
            free(used);
            return st;
        }
        say(ctx, job->inputs[i], &s);
        used[i] = s.rows_used;
        all.rows_read += s.rows_read;
        all.rows_used += s.rows_used;
        for (int r = 0; r < HS_REJECT_COUNT_; r++)
            all.rejected[r] += s.rejected[r];
    }
    if (job->ninputs > 1) say(ctx, "total", &all);
    check_files(ctx, job, used);
    free(used);
    return HS_OK;
}
