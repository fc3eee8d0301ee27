/* run.c — hs_job_run: a command's checks, then its work as one output job
 * (every file appears at the end, together, or none does). */
#include "jobs.h"

#include <stdlib.h>
#include <string.h>

/* What each command needs, said before any file is read. */
hs_status hs__job_validate(hs_ctx *ctx, const hs_job *j) {
    const char *name = hs_command_name(j->cmd);
    /* Inclusive bounds of unequal precision compare on their months. */
    if (j->ro.from && j->ro.to) {
        size_t lf = strlen(j->ro.from), lt = strlen(j->ro.to), l = lf < lt ? lf : lt;
        int c = strncmp(j->ro.from, j->ro.to, l);
        if (c > 0 || (c == 0 && lf == lt && strcmp(j->ro.from, j->ro.to) > 0))
            return hs__error(ctx, HS_EINVAL, "--from %s is after --to %s: no date can match",
                             j->ro.from, j->ro.to);
    }
    if (j->ninputs == 0 && !(j->given && j->cmd != HS_COMMAND_PATROL && j->cmd != HS_COMMAND_CHECK))
        return hs__error(ctx, HS_EINVAL, "%s: no input files (see 'hotspot %s --help')", name,
                         name);
    if (!j->output && j->cmd != HS_COMMAND_CHECK) {
        hs_command c = j->cmd;
        return hs__error(ctx, HS_EINVAL, "%s: no output: give -o %s (%s)", name,
                         c == HS_COMMAND_REPORT ? "FOLDER" : "FILE",
                         c == HS_COMMAND_REPORT ? "made if missing"
                         : c == HS_COMMAND_KDE  ? ".tif or .asc"
                         : c == HS_COMMAND_PATROL || c == HS_COMMAND_EVALUATE ||
                                 c == HS_COMMAND_DISPLACEMENT
                             ? ".csv"
                             : ".geojson, .csv or .shp");
    }
    if (j->cmd == HS_COMMAND_DISPLACEMENT &&
        (!j->treated || !(j->buffer_m > 0) || !j->to.from || !j->to.to || !j->to.compare_from ||
         !j->to.compare_to))
        return hs__error(ctx, HS_EINVAL,
                         "displacement needs --treated, --buffer M, --before FROM..TO and "
                         "--after FROM..TO");
    if (j->cmd == HS_COMMAND_EVALUATE && (!j->hotspots || !j->to.from))
        return hs__error(ctx, HS_EINVAL, "evaluate needs --hotspots FILE.csv and --after FROM..TO");
    if (j->cmd == HS_COMMAND_CHANGE && (!j->to.from || !j->to.compare_from))
        return hs__error(ctx, HS_EINVAL, "change needs --before FROM..TO and --after FROM..TO");
    if (j->cmd == HS_COMMAND_PATROL && j->ninputs != 1)
        return hs__error(ctx, HS_EINVAL,
                         "patrol: give one hotspots CSV (from 'hotspot hotspots -o FILE.csv')");
    if (j->have_cmpop && !j->nversus)
        return hs__error(ctx, HS_EINVAL, "--compare needs --versus FILE (the second surface)");
    if (j->study_area && j->units_shp)
        return hs__error(
            ctx, HS_EINVAL,
            "--study-area is for grid cells; with --units the polygons are the places");
    if (j->ko.edge_correction && !j->mask && !j->study_area && j->cmd != HS_COMMAND_REPORT)
        return hs__error(ctx, HS_EINVAL, "--edge-correction needs --mask (the study area)");
    if (j->contours_out && !j->ncontours)
        return hs__error(ctx, HS_EINVAL,
                         "--contours-output needs --contours (e.g. --contours 1,5)");
    if (j->to.compare_from && !j->to.from && !j->to.to)
        return hs__error(ctx, HS_EINVAL,
                         "--compare needs --from/--to for the period it is compared with");
    return HS_OK;
}

/* Before any work: the inputs are protected, and every output named could
 * be written (not an input, not a device or a link, not a style someone
 * else wrote, its folder there), so that a job is refused whole rather
 * than failing after its main output. (report checks its folder's files
 * itself, once it has made the folder.) */
hs_status hs__job_check_files(hs_ctx *ctx, const hs_job *j) {
    hs_status st = HS_OK;
    for (size_t i = 0; i < j->ninputs && !st; i++)
        st = hs_ctx_add_input(ctx, j->inputs[i]);
    const char *in[] = {j->population,   j->harm, j->hotspots, j->settings_file, j->units_shp,
                        j->extent_layer, j->mask, j->treated,  j->control,       j->study_area};
    for (size_t i = 0; i < sizeof in / sizeof *in && !st; i++)
        if (in[i]) st = hs_ctx_add_input(ctx, in[i]);
    for (size_t i = 0; i < j->nlayers && !st; i++)
        st = hs_ctx_add_input(ctx, j->layers[i]);
    for (size_t i = 0; i < j->nversus && !st; i++)
        st = hs_ctx_add_input(ctx, j->versus[i]);
    if (j->cmd == HS_COMMAND_REPORT || j->cmd == HS_COMMAND_CHECK) return st;
    const char *out[] = {j->output, j->rejects,   j->summary,
                         j->curve,  j->geofences, j->contours_out};
    for (size_t i = 0; i < sizeof out / sizeof *out && !st; i++)
        if (out[i]) st = hs_ctx_output_check(ctx, out[i]);
    return st;
}

/* The commands: each name and its run, in hs_command order. */
static const struct {
    const char *name;
    hs_status (*run)(hs_ctx *, const hs_job *);
} commands[HS_COMMAND_COUNT_] = {
    {"grid", hs__run_grid},         {"wards", hs__run_wards},
    {"kde", hs__run_kde},           {"hotspots", hs__run_hotspots},
    {"patrol", hs__run_patrol},     {"change", hs__run_change},
    {"evaluate", hs__run_evaluate}, {"displacement", hs__run_displacement},
    {"trend", hs__run_trend},       {"check", hs__run_check},
    {"report", hs__run_report}};

const char *hs_command_name(hs_command cmd) {
    return (unsigned)cmd < HS_COMMAND_COUNT_ ? commands[cmd].name : NULL;
}

hs_status hs_command_from_name(const char *name, hs_command *out) {
    for (int i = 0; name && out && i < HS_COMMAND_COUNT_; i++)
        if (strcmp(commands[i].name, name) == 0) {
            *out = (hs_command)i;
            return HS_OK;
        }
    return HS_EINVAL;
}

hs_status hs_job_run(hs_ctx *ctx, const hs_job *job) {
    if (!ctx || !job) return HS_EINVAL;
    hs_status st = hs__job_validate(ctx, job);
    if (st) return st;
    /* The job's CRS, threads and overwrite hold for this run only. */
    char *crs = hs__strdup(ctx, ctx->crs);
    int threads = ctx->threads, overwrite = 0;
    if (!crs) return hs__error(ctx, HS_ENOMEM, "out of memory");
    st = hs_ctx_outputs_begin(ctx);
    if (!st) st = hs_ctx_set_overwrite(ctx, job->overwrite);
    if (!st) st = hs__job_check_files(ctx, job);
    if (!st && job->crs) st = hs_ctx_set_crs(ctx, job->crs);
    if (!st && job->threads) st = hs_ctx_set_threads(ctx, job->threads);
    if (!st) st = commands[job->cmd].run(ctx, job);
    /* A stop asked for after the last step still stops the job: nothing has
     * replaced any target yet. */
    if (!st) st = hs__progress(ctx, "commit", 1, 1);
    if (!st) st = hs_ctx_outputs_commit(ctx);
    if (st) hs_ctx_outputs_abort(ctx);
    char keep[HS__ERRLEN];
    memcpy(keep, ctx->err, sizeof keep);
    if (strcmp(crs, ctx->crs)) hs_ctx_set_crs(ctx, crs);
    ctx->threads = threads;
    hs_ctx_set_overwrite(ctx, overwrite);
    memcpy(ctx->err, keep, sizeof keep);
    free(crs);
    return st;
}
