/* cli.c — the hotspot command over the public API only: argv to a job's
 * settings (table-driven: the library's own table, hs_setting_get), one
 * call (hs_job_run), the library's messages to stderr, ^C to a stop. */
#include "cli.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const prog = "hotspot";

static const char *const exit_codes =
    "exit codes: 0 success, 1 bad data or files, 2 bad command line, 3 out of memory,\n"
    "130 interrupted\n";

static void usage_main(FILE *f) {
    fprintf(f, "usage: hotspot COMMAND [options] INPUT...\n"
               "       hotspot --version | --help\n\n"
               "Turns geocoded crime incidents (data.police.uk street-level CSVs, or any\n"
               "CSV with named columns) into hotspot layers and ward tables.\n\ncommands:\n");
    for (const hs_cli_command *c = hs_cli_commands; c->cmd != HS_COMMAND_COUNT_; c++)
        fprintf(f, "  %-12s %s\n", hs_command_name(c->cmd), c->summary);
    fprintf(f, "\n'hotspot COMMAND --help' lists a command's options.\n%s", exit_codes);
}

static void usage_option(FILE *f, const char *shortopt, const char *name, const char *value,
                         const char *help) {
    char lhs[64];
    snprintf(lhs, sizeof lhs, "%s%s--%s%s%s", shortopt ? shortopt : "", shortopt ? ", " : "", name,
             value ? " " : "", value ? value : "");
    fprintf(f, "  %-30s %s\n", lhs, help);
}

static void usage_cmd(FILE *f, const hs_cli_command *c) {
    fprintf(f, "%s\noptions:\n", c->usage);
    hs_setting s;
    for (size_t i = 0; hs_setting_get(i, &s) == HS_OK; i++)
        if (s.commands & (1u << c->cmd))
            usage_option(f, strcmp(s.name, "output") ? NULL : "-o", s.name, s.value, s.help);
    if (c->cmd == HS_COMMAND_REPORT)
        usage_option(f, NULL, "config", "FILE",
                     "settings as 'name = value' lines (option names without --); the command "
                     "line wins");
    usage_option(f, "-q", "quiet", NULL, "no summary on stderr");
    usage_option(f, "-h", "help", NULL, "this help");
    fprintf(f, "\n%s", exit_codes);
}

/* ---- messages and signals ------------------------------------------------ */

typedef struct cli {
    FILE *out, *err;
    bool quiet, help, tty;
    /* Progress on stderr: 0 none, 1 one line redrawn (a terminal), 2 a line
     * each tenth (HOTSPOT_PROGRESS=1 without a terminal, for logs). */
    int progress, pct;
    char stage[32];
    double shown_at; /* when the redrawn line was last drawn; 0: none on screen */
} cli;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Takes the redrawn progress line off the terminal before other text. */
static void progress_clear(cli *c) {
    if (c->shown_at > 0) fputs("\r\033[K", c->err);
    c->shown_at = 0;
}

/* Warnings always; counts unless --quiet; stages only at a terminal. */
static void on_log(void *user, hs_log_level level, const char *msg) {
    cli *c = user;
    if (level != HS_LOG_RESULT) progress_clear(c);
    if (level == HS_LOG_RESULT)
        fprintf(c->out, "%s\n", msg);
    else if (level == HS_LOG_WARNING)
        fprintf(c->err, "%s: warning: %s\n", prog, msg);
    else if (!c->quiet && (level == HS_LOG_INFO || c->tty))
        fprintf(c->err, "%s: %s\n", prog, msg);
}

/* SIGINT / SIGTERM set a flag that the library's progress callback
 * returns, so the running job stops at its next stage and unwinds: its
 * staged files are removed and nothing half-written is renamed into place.
 * The handler then restores the default action, so a second ^C kills at
 * once. SIGXFSZ (ulimit -f) is ignored so a write past the limit fails
 * with EFBIG, reported like a full disk. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig) {
    interrupted = 1;
    signal(sig, SIG_DFL);
}

/* The library reports each stage's done/total (bytes read, rows of the
 * density, cells); shown at most five times a second, or each tenth. */
static int progress(void *user, const char *stage, uint64_t done, uint64_t total) {
    cli *c = user;
    if (!c->progress || c->quiet || total == 0) return interrupted;
    int pct = done >= total ? 100 : (int)(100.0 * (double)done / (double)total);
    bool fresh = strncmp(stage, c->stage, sizeof c->stage - 1) != 0;
    if (c->progress == 1) {
        double t = now_s();
        if (fresh || t - c->shown_at >= 0.2) {
            fprintf(c->err, "\r%s: %s %d%%\033[K", prog, stage, pct);
            fflush(c->err);
            c->shown_at = t;
        }
    } else if (fresh || pct / 10 != c->pct / 10) {
        fprintf(c->err, "%s: %s %d%%\n", prog, stage, pct);
    }
    snprintf(c->stage, sizeof c->stage, "%s", stage);
    c->pct = pct;
    return interrupted;
}

typedef struct saved_signals {
    struct sigaction intr, term, xfsz;
} saved_signals;

static void signals_catch(saved_signals *s) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    interrupted = 0;
    sigaction(SIGINT, &sa, &s->intr);
    sigaction(SIGTERM, &sa, &s->term);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGXFSZ, &sa, &s->xfsz);
}

static void signals_restore(const saved_signals *s) {
    sigaction(SIGINT, &s->intr, NULL);
    sigaction(SIGTERM, &s->term, NULL);
    sigaction(SIGXFSZ, &s->xfsz, NULL);
}

/* ---- the command line ------------------------------------------------------ */

static int usage_error(cli *c, const char *what, const char *opt, const char *cmd) {
    fprintf(c->err, "%s: %s '%s' (see 'hotspot %s --help')\n", prog, what, opt, cmd);
    return HS_EXIT_USAGE;
}

/* --config FILE (report): read before the command line, which then wins. */
static hs_status settings_file(hs_ctx *ctx, hs_job *job, int argc, char **argv) {
    hs_status st = HS_OK;
    for (int i = 0; i < argc && !st; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            st = hs_job_read_settings(ctx, job, argv[++i]);
        else if (strncmp(argv[i], "--config=", 9) == 0)
            st = hs_job_read_settings(ctx, job, argv[i] + 9);
    }
    return st;
}

/* The name of option s and its value: "--name=value", "--name value", "-o
 * value". NULL name: not an option of this command. */
static const char *option(hs_command cmd, const char *s, char *name, size_t size,
                          const char **value, bool *takes) {
    const char *eq = strchr(s, '=');
    size_t len = s[1] == '-' ? (eq ? (size_t)(eq - s - 2) : strlen(s + 2)) : 0;
    if (s[1] != '-') { /* -o, -q, -h */
        const char *l = !strcmp(s, "-o")   ? "output"
                        : !strcmp(s, "-q") ? "quiet"
                        : !strcmp(s, "-h") ? "help"
                                           : NULL;
        if (!l) return NULL;
        snprintf(name, size, "%s", l);
    } else if (len >= size) {
        return NULL;
    } else {
        memcpy(name, s + 2, len);
        name[len] = 0;
    }
    *value = s[1] == '-' && eq ? eq + 1 : NULL;
    *takes = false;
    if (!strcmp(name, "quiet") || !strcmp(name, "help")) return name;
    if (!strcmp(name, "config") && cmd == HS_COMMAND_REPORT) return *takes = true, name;
    hs_setting st;
    for (size_t i = 0; hs_setting_get(i, &st) == HS_OK; i++)
        if ((st.commands & (1u << cmd)) && !strcmp(st.name, name))
            return *takes = st.value != NULL, name;
    return NULL;
}

/* argv to the job; an exit code (0: go on). */
static int parse(cli *c, hs_ctx *ctx, hs_job *job, int argc, char **argv) {
    const char *cmdname = hs_command_name(hs_job_command(job));
    bool only_inputs = false;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i], *v = NULL;
        char name[64];
        bool takes;
        hs_status st = HS_OK;
        if (only_inputs || s[0] != '-' || s[1] == 0) {
            st = hs_job_add_input(ctx, job, s);
        } else if (strcmp(s, "--") == 0) {
            only_inputs = true;
        } else if (!option(hs_job_command(job), s, name, sizeof name, &v, &takes)) {
            return usage_error(c, "unknown option", s, cmdname);
        } else if (!takes && v) {
            fprintf(c->err, "%s: option --%s takes no value\n", prog, name);
            return HS_EXIT_USAGE;
        } else if (takes && !v && i + 1 >= argc) {
            fprintf(c->err, "%s: option --%s needs a value\n", prog, name);
            return HS_EXIT_USAGE;
        } else {
            if (takes && !v) v = argv[++i];
            if (!strcmp(name, "quiet"))
                c->quiet = true;
            else if (!strcmp(name, "help"))
                c->help = true;
            else if (strcmp(name, "config"))
                st = hs_job_set(ctx, job, name, v);
        }
        if (st) {
            fprintf(c->err, "%s: %s\n", prog, hs_ctx_last_error(ctx));
            return st == HS_ENOMEM ? HS_EXIT_NOMEM : HS_EXIT_USAGE;
        }
    }
    return HS_EXIT_OK;
}

static int status_exit(hs_status st) {
    return st == HS_ENOMEM      ? HS_EXIT_NOMEM
           : st == HS_EINVAL    ? HS_EXIT_USAGE
           : st == HS_ECANCELED ? HS_EXIT_INTERRUPTED
                                : HS_EXIT_DATA;
}

static int run(const hs_cli_command *cmd, int argc, char **argv, FILE *out, FILE *err) {
    cli c = {out, err, false, false, isatty(fileno(err)) != 0};
    hs_ctx *ctx = NULL;
    hs_job *job = NULL;
    hs_status st = hs_ctx_create(&ctx);
    if (!st) st = hs_job_create(ctx, cmd->cmd, &job);
    if (st) {
        fprintf(err, "%s: %s\n", prog, hs_status_string(st));
        hs_ctx_destroy(ctx);
        return status_exit(st);
    }
    hs_ctx_set_log(ctx, on_log, &c);
    int rc = HS_EXIT_OK;
    if (cmd->cmd == HS_COMMAND_REPORT && (st = settings_file(ctx, job, argc, argv))) {
        fprintf(err, "%s: %s\n", prog, hs_ctx_last_error(ctx));
        rc = st == HS_ENOMEM ? HS_EXIT_NOMEM : HS_EXIT_USAGE;
    }
    if (!rc) rc = parse(&c, ctx, job, argc, argv);
    if (!rc && c.help) usage_cmd(out, cmd);
    if (!rc && !c.help) {
        saved_signals sigs;
        signals_catch(&sigs);
        const char *want = getenv("HOTSPOT_PROGRESS");
        c.progress = want && !strcmp(want, "0") ? 0 : c.tty ? 1 : want && *want ? 2 : 0;
        hs_ctx_set_progress(ctx, progress, &c);
        st = hs_job_run(ctx, job);
        progress_clear(&c);
        signals_restore(&sigs);
        if (st == HS_ECANCELED)
            fprintf(err, "%s: interrupted: no output written\n", prog);
        else if (st)
            fprintf(err, "%s: %s\n", prog,
                    *hs_ctx_last_error(ctx) ? hs_ctx_last_error(ctx) : hs_status_string(st));
        rc = st ? status_exit(st) : HS_EXIT_OK;
    }
    hs_job_destroy(job);
    hs_ctx_destroy(ctx);
    return rc;
}

int hs_cli_run(int argc, char **argv, FILE *out, FILE *err) {
    if (argc < 2) {
        usage_main(err);
        return HS_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        fprintf(out, "hotspot %s (libhotspot %s)\n", HS_VERSION_STRING, hs_version());
        return HS_EXIT_OK;
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage_main(out);
        return HS_EXIT_OK;
    }
    hs_command cmd;
    for (const hs_cli_command *c = hs_cli_commands; c->cmd != HS_COMMAND_COUNT_; c++)
        if (hs_command_from_name(name, &cmd) == HS_OK && c->cmd == cmd)
            return run(c, argc - 2, argv + 2, out, err);
    fprintf(err, "%s: unknown command '%s' (see 'hotspot --help')\n", prog, name);
    return HS_EXIT_USAGE;
}
