/* job.c — the job object: a command, its inputs and settings, and the run
 * that makes every output of it one all-or-nothing set of files. */
#include "jobs.h"

#include <stdlib.h>
#include <string.h>

hs_status hs_job_create(hs_ctx *ctx, hs_command cmd, hs_job **out) {
    if (!ctx || !out || (unsigned)cmd >= HS_COMMAND_COUNT_) return HS_EINVAL;
    hs_job *j = hs__calloc(ctx, 1, sizeof *j);
    if (!j) return hs__error(ctx, HS_ENOMEM, "out of memory");
    j->cmd = cmd;
    hs_read_options_init(&j->ro);
    hs_grid_options_init(&j->go);
    hs_layer_options_init(&j->lo);
    hs_tally_options_init(&j->to);
    hs_kde_options_init(&j->ko);
    /* The report's density follows its study area's size (methods.md):
     * the spread-based rules give 1.4-1.6 km in a borough, one blob. */
    if (cmd == HS_COMMAND_REPORT) j->ko.rule = HS_BW_AREA;
    hs_hotspot_options_init(&j->ho);
    hs_trend_options_init(&j->tro);
    hs_patrol_options_init(&j->po);
    j->snap_m = 1;
    *out = j;
    return HS_OK;
}

void hs_job_destroy(hs_job *job) {
    if (!job) return;
    for (size_t i = 0; i < job->nowned; i++)
        free(job->owned[i]);
    free(job->owned);
    free(job->inputs);
    free(job->types);
    free(job->layers);
    free(job->versus);
    free(job->contours);
    free(job);
}

hs_command hs_job_command(const hs_job *job) {
    return job ? job->cmd : HS_COMMAND_COUNT_;
}

char *hs__job_keep(hs_ctx *ctx, hs_job *job, const char *s) {
    char *c = hs__strdup(ctx, s);
    if (!c) return NULL;
    char **l = hs__realloc(ctx, job->owned, (job->nowned + 1) * sizeof *l);
    if (!l) {
        free(c);
        return NULL;
    }
    job->owned = l;
    l[job->nowned++] = c;
    return c;
}

hs_status hs__job_push(hs_ctx *ctx, const char ***list, size_t *n, const char *s) {
    const char **l = hs__realloc(ctx, (void *)*list, (*n + 1) * sizeof *l);
    if (!l) return hs__error(ctx, HS_ENOMEM, "out of memory");
    *list = l;
    l[(*n)++] = s;
    return HS_OK;
}

hs_status hs_job_set_incidents(hs_ctx *ctx, hs_job *job, const hs_incidents *inc) {
    if (!ctx || !job) return HS_EINVAL;
    job->given = inc;
    return HS_OK;
}

hs_status hs_job_add_input(hs_ctx *ctx, hs_job *job, const char *path) {
    if (!ctx || !job || !path) return HS_EINVAL;
    char *c = hs__job_keep(ctx, job, path);
    if (!c) return hs__error(ctx, HS_ENOMEM, "out of memory");
    return hs__job_push(ctx, &job->inputs, &job->ninputs, c);
}
