/* cli.c — the hotspot command over the public API only. */
#include "cli.h"

#include "hotspot.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum opt_id {
    O_HELP = 1, O_OUTPUT, O_CELL, O_SHAPE, O_ORIGIN, O_CRS, O_XCOL, O_YCOL, O_INCRS,
    O_LONCOL, O_LATCOL, O_DATECOL, O_CATCOL, O_WCOL, O_TYPE, O_FROM, O_TO, O_REJECTS,
    O_THREADS, O_QUIET
};

typedef struct opt_def {
    const char *name;
    char short_name;
    const char *arg; /* NULL: a flag */
    int id;
    const char *help;
} opt_def;

static const opt_def grid_opts[] = {
    {"output", 'o', "FILE", O_OUTPUT, "output layer: .geojson (WGS84) or .csv (working CRS)"},
    {"cell-size", 0, "M", O_CELL, "cell size in metres (default 150; hex: width across flats)"},
    {"shape", 0, "square|hex", O_SHAPE, "cell shape (default square)"},
    {"origin", 0, "X,Y", O_ORIGIN, "grid origin in the working CRS (default 0,0: edges at "
                                   "multiples of the cell size)"},
    {"crs", 0, "CRS", O_CRS, "working CRS, projected in metres (default EPSG:27700)"},
    {"x-column", 0, "NAME", O_XCOL, "easting column (with --y-column)"},
    {"y-column", 0, "NAME", O_YCOL, "northing column"},
    {"input-crs", 0, "CRS", O_INCRS, "CRS of --x-column/--y-column (default: the working CRS)"},
    {"lon-column", 0, "NAME", O_LONCOL, "longitude column, WGS84 (with --lat-column)"},
    {"lat-column", 0, "NAME", O_LATCOL, "latitude column, WGS84"},
    {"date-column", 0, "NAME", O_DATECOL, "date column, ISO 8601 (police.uk: Month)"},
    {"category-column", 0, "NAME", O_CATCOL, "crime type column (police.uk: Crime type)"},
    {"weight-column", 0, "NAME", O_WCOL, "weight (e.g. harm) column; default weight 1"},
    {"crime-type", 0, "LIST", O_TYPE, "keep only these crime types (comma list)"},
    {"from", 0, "DATE", O_FROM, "keep dates from YYYY-MM or YYYY-MM-DD (inclusive)"},
    {"to", 0, "DATE", O_TO, "keep dates to YYYY-MM or YYYY-MM-DD (inclusive)"},
    {"rejects", 0, "FILE", O_REJECTS, "write every rejected row (file,line,reason,record)"},
    {"threads", 0, "N", O_THREADS, "worker threads (default: all cores)"},
    {"quiet", 'q', NULL, O_QUIET, "no summary on stderr"},
    {"help", 'h', NULL, O_HELP, "this help"},
    {NULL, 0, NULL, 0, NULL}};

typedef struct grid_args {
    const char *output, *crs, *rejects;
    hs_read_options ro;
    hs_grid_options go;
    char **types;
    size_t ntypes;
    int threads;
    bool quiet, help;
    char **inputs;
    int ninputs;
} grid_args;

static const char *prog = "hotspot";

static void usage_main(FILE *f) {
    fprintf(f,
            "usage: hotspot COMMAND [options] INPUT...\n"
            "       hotspot --version | --help\n"
            "\n"
            "Turns geocoded crime incidents (data.police.uk street-level CSVs, or any\n"
            "CSV with named columns) into hotspot layers.\n"
            "\n"
            "commands:\n"
            "  grid     count incidents on a square or hexagonal grid\n"
            "\n"
            "'hotspot COMMAND --help' lists a command's options.\n"
            "exit codes: 0 success, 1 bad data or files, 2 bad command line, 3 out of memory\n");
}

static void usage_grid(FILE *f) {
    fprintf(f, "usage: hotspot grid [options] INPUT... -o OUT\n\n"
               "Counts incidents per grid cell (only non-empty cells are written).\n\n"
               "options:\n");
    for (const opt_def *o = grid_opts; o->name; o++) {
        char lhs[64];
        snprintf(lhs, sizeof lhs, "%s%c%s--%s%s%s", o->short_name ? "-" : "",
                 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
                 o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(f, "  %-30s %s\n", o->short_name ? lhs : lhs + 2, o->help);
    }
    fprintf(f, "\nexit codes: 0 success, 1 bad data or files, 2 bad command line, 3 out of memory\n");
}

static bool parse_number(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v)) return false;
    *out = v;
    return true;
}

/* Splits a comma list in place into *list (owned array of borrowed
 * pointers into s). */
static bool split_list(char *s, char ***list, size_t *n) {
    char *save = NULL;
    for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') tok++;
        size_t len = strlen(tok);
        while (len && tok[len - 1] == ' ') tok[--len] = 0;
        if (!*tok) continue;
        char **l = realloc(*list, (*n + 1) * sizeof *l);
        if (!l) return false;
        *list = l;
        l[(*n)++] = tok;
    }
    return true;
}

static int parse_grid_args(int argc, char **argv, grid_args *a, FILE *err) {
    hs_read_options_init(&a->ro);
    hs_grid_options_init(&a->go);
    a->inputs = calloc((size_t)argc + 1, sizeof *a->inputs);
    if (!a->inputs) return HS_EXIT_NOMEM;
    bool only_inputs = false;
    for (int i = 0; i < argc; i++) {
        char *s = argv[i];
        if (only_inputs || s[0] != '-' || s[1] == 0) {
            a->inputs[a->ninputs++] = s;
            continue;
        }
        if (strcmp(s, "--") == 0) {
            only_inputs = true;
            continue;
        }
        const opt_def *o = NULL;
        char *val = NULL;
        if (s[1] == '-') {
            char *eq = strchr(s + 2, '=');
            size_t len = eq ? (size_t)(eq - s - 2) : strlen(s + 2);
            for (const opt_def *d = grid_opts; d->name && !o; d++)
                if (strlen(d->name) == len && strncmp(d->name, s + 2, len) == 0) o = d;
            if (o && eq) {
                if (!o->arg) {
                    fprintf(err, "%s: option --%s takes no value\n", prog, o->name);
                    return HS_EXIT_USAGE;
                }
                val = eq + 1;
            }
        } else if (s[2] == 0) {
            for (const opt_def *d = grid_opts; d->name && !o; d++)
                if (d->short_name == s[1]) o = d;
        }
        if (!o) {
            fprintf(err, "%s: unknown option '%s' (see 'hotspot grid --help')\n", prog, s);
            return HS_EXIT_USAGE;
        }
        if (o->arg && !val) {
            if (i + 1 >= argc) {
                fprintf(err, "%s: option --%s needs a value (%s)\n", prog, o->name, o->arg);
                return HS_EXIT_USAGE;
            }
            val = argv[++i];
        }
        double d;
        switch (o->id) {
        case O_HELP: a->help = true; break;
        case O_QUIET: a->quiet = true; break;
        case O_OUTPUT: a->output = val; break;
        case O_CRS: a->crs = val; break;
        case O_REJECTS: a->rejects = val; break;
        case O_XCOL: a->ro.x_column = val; break;
        case O_YCOL: a->ro.y_column = val; break;
        case O_INCRS: a->ro.input_crs = val; break;
        case O_LONCOL: a->ro.lon_column = val; break;
        case O_LATCOL: a->ro.lat_column = val; break;
        case O_DATECOL: a->ro.date_column = val; break;
        case O_CATCOL: a->ro.category_column = val; break;
        case O_WCOL: a->ro.weight_column = val; break;
        case O_FROM: a->ro.from = val; break;
        case O_TO: a->ro.to = val; break;
        case O_TYPE:
            if (!split_list(val, &a->types, &a->ntypes)) return HS_EXIT_NOMEM;
            break;
        case O_CELL:
            if (!parse_number(val, &d) || d <= 0) {
                fprintf(err, "%s: --cell-size must be a positive number of metres, not '%s'\n",
                        prog, val);
                return HS_EXIT_USAGE;
            }
            a->go.cell_size_m = d;
            break;
        case O_SHAPE:
            if (strcmp(val, "square") == 0) a->go.shape = HS_GRID_SQUARE;
            else if (strcmp(val, "hex") == 0) a->go.shape = HS_GRID_HEX;
            else {
                fprintf(err, "%s: --shape must be square or hex, not '%s'\n", prog, val);
                return HS_EXIT_USAGE;
            }
            break;
        case O_ORIGIN: {
            char *comma = strchr(val, ',');
            double ox, oy;
            if (comma) *comma = 0;
            bool ok = comma && parse_number(val, &ox) && parse_number(comma + 1, &oy);
            if (comma) *comma = ',';
            if (!ok) {
                fprintf(err, "%s: --origin must be X,Y in metres, not '%s'\n", prog, val);
                return HS_EXIT_USAGE;
            }
            a->go.origin_x = ox;
            a->go.origin_y = oy;
            break;
        }
        case O_THREADS: {
            char *end;
            long t = strtol(val, &end, 10);
            if (*end || end == val || t < 1 || t > 64) {
                fprintf(err, "%s: --threads must be 1..64, not '%s'\n", prog, val);
                return HS_EXIT_USAGE;
            }
            a->threads = (int)t;
            break;
        }
        default: break;
        }
    }
    a->ro.crime_types = (const char *const *)a->types;
    a->ro.crime_type_count = a->ntypes;
    if (a->help) return HS_EXIT_OK;
    if (a->ninputs == 0) {
        fprintf(err, "%s: grid: no input files (see 'hotspot grid --help')\n", prog);
        return HS_EXIT_USAGE;
    }
    if (!a->output) {
        fprintf(err, "%s: grid: no output: give -o FILE.geojson or -o FILE.csv\n", prog);
        return HS_EXIT_USAGE;
    }
    return HS_EXIT_OK;
}

static int status_exit(hs_status st) {
    return st == HS_ENOMEM ? HS_EXIT_NOMEM : st == HS_EINVAL ? HS_EXIT_USAGE : HS_EXIT_DATA;
}

static const char *base_name(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void print_reasons(FILE *err, const hs_read_summary *s) {
    bool first = true;
    for (int r = 0; r < HS_REJECT_COUNT_; r++) {
        if (!s->rejected[r]) continue;
        fprintf(err, "%s%s %" PRIu64, first ? " (" : ", ",
                hs_reject_reason_string((hs_reject_reason)r), s->rejected[r]);
        first = false;
    }
    if (!first) fputc(')', err);
}

static void print_summary(FILE *err, const hs_incidents *inc) {
    hs_read_summary all;
    hs_incidents_summary(inc, UINT32_MAX, &all);
    size_t nf = hs_incidents_file_count(inc);
    uint64_t rej = all.rows_read - all.rows_used;
    if (nf > 1) {
        for (uint32_t f = 0; f < nf; f++) {
            hs_read_summary s;
            hs_incidents_summary(inc, f, &s);
            fprintf(err, "%s: %s: %" PRIu64 " rows read, %" PRIu64 " used, %" PRIu64 " rejected",
                    prog, base_name(hs_incidents_file_name(inc, f)), s.rows_read, s.rows_used,
                    s.rows_read - s.rows_used);
            print_reasons(err, &s);
            fputc('\n', err);
        }
    }
    fprintf(err, "%s: %zu file%s, %" PRIu64 " rows read: %" PRIu64 " used, %" PRIu64 " rejected",
            prog, nf, nf == 1 ? "" : "s", all.rows_read, all.rows_used, rej);
    print_reasons(err, &all);
    fputc('\n', err);
}

static int cmd_grid(int argc, char **argv, FILE *out, FILE *err) {
    grid_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_grid_args(argc, argv, &a, err);
    if (rc || a.help) {
        if (a.help) usage_grid(out);
        free(a.inputs);
        free(a.types);
        return rc;
    }
    hs_ctx *ctx = NULL;
    hs_incidents *inc = NULL;
    hs_grid *grid = NULL;
    hs_status st = hs_ctx_create(&ctx);
    if (st) {
        fprintf(err, "%s: %s\n", prog, hs_status_string(st));
        rc = status_exit(st);
        goto done;
    }
    if ((a.crs && (st = hs_ctx_set_crs(ctx, a.crs))) ||
        (a.threads && (st = hs_ctx_set_threads(ctx, a.threads))) ||
        (st = hs_incidents_create(ctx, &inc)))
        goto fail;
    for (int i = 0; i < a.ninputs; i++)
        if ((st = hs_incidents_read_csv(ctx, a.inputs[i], &a.ro, inc))) goto fail;
    if (!a.quiet) print_summary(err, inc);
    for (size_t t = 0; t < a.ntypes; t++) {
        bool seen = false;
        for (uint32_t c = 0; c < hs_incidents_category_count(inc) && !seen; c++)
            seen = strcasecmp(hs_incidents_category_name(inc, c), a.types[t]) == 0;
        if (!seen)
            fprintf(err, "%s: warning: --crime-type '%s' matched no row\n", prog, a.types[t]);
    }
    if (a.rejects && (st = hs_incidents_write_rejects(ctx, inc, a.rejects))) goto fail;
    if ((st = hs_grid_count(ctx, inc, &a.go, &grid))) goto fail;
    if ((st = hs_grid_write(ctx, grid, a.output))) goto fail;
    if (!a.quiet) {
        if (hs_incidents_count(inc) == 0)
            fprintf(err, "%s: warning: no incidents were used: the grid is empty\n", prog);
        fprintf(err, "%s: wrote %zu cells (%zu incidents) to %s\n", prog,
                hs_grid_cell_count(grid), hs_incidents_count(inc), a.output);
        if (a.rejects)
            fprintf(err, "%s: wrote %zu rejected rows to %s\n", prog,
                    hs_incidents_reject_count(inc), a.rejects);
    }
    rc = HS_EXIT_OK;
    goto done;
fail:
    fprintf(err, "%s: %s\n", prog, hs_ctx_last_error(ctx));
    rc = status_exit(st);
done:
    hs_grid_destroy(grid);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
    free(a.inputs);
    free(a.types);
    return rc;
}

int hs_cli_run(int argc, char **argv, FILE *out, FILE *err) {
    if (argc < 2) {
        usage_main(err);
        return HS_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        fprintf(out, "hotspot %s (libhotspot %s)\n", HS_VERSION_STRING, hs_version());
        return HS_EXIT_OK;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage_main(out);
        return HS_EXIT_OK;
    }
    if (strcmp(cmd, "grid") == 0) return cmd_grid(argc - 2, argv + 2, out, err);
    fprintf(err, "%s: unknown command '%s' (see 'hotspot --help')\n", prog, cmd);
    return HS_EXIT_USAGE;
}
