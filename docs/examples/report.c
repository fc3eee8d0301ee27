/* report.c — the whole report from C: what 'hotspot report' does, as one
 * library call (a job), with the library's messages printed as they come.
 *
 *   report FOLDER INPUT.csv...
 *
 * gives the same files, byte for byte, as
 *
 *   hotspot report INPUT.csv... --crime-type "Violence and sexual offences" \
 *       --title "Violence in Gravesham" -o FOLDER
 */
#include <hotspot.h>

#include <stdio.h>

static void say(void *user, hs_log_level level, const char *message) {
    (void)user;
    if (level == HS_LOG_WARNING || level == HS_LOG_INFO)
        fprintf(stderr, "%s%s\n", level == HS_LOG_WARNING ? "warning: " : "", message);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: report FOLDER INPUT.csv...\n");
        return 2;
    }
    hs_ctx *ctx = NULL;
    hs_job *job = NULL;
    hs_status st = hs_ctx_create(&ctx);
    if (!st) st = hs_ctx_set_log(ctx, say, NULL);
    if (!st) st = hs_job_create(ctx, HS_COMMAND_REPORT, &job);
    for (int i = 2; i < argc && !st; i++)
        st = hs_job_add_input(ctx, job, argv[i]);
    /* Settings by name: the command's long options, with their bounds. */
    if (!st) st = hs_job_set(ctx, job, "crime-type", "Violence and sexual offences");
    if (!st) st = hs_job_set(ctx, job, "title", "Violence in Gravesham");
    if (!st) st = hs_job_set(ctx, job, "output", argv[1]);
    if (!st) st = hs_job_run(ctx, job);
    if (st) fprintf(stderr, "report: %s\n", ctx ? hs_ctx_last_error(ctx) : hs_status_string(st));
    hs_job_destroy(job);
    hs_ctx_destroy(ctx);
    return st ? 1 : 0;
}
