/* cli.c — the hotspot command over the public API only. */
#include "cli.h"

#include "hotspot.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <signal.h>
#include <time.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum cmd {
    C_GRID = 1,
    C_WARDS = 2,
    C_KDE = 4,
    C_HOT = 8,
    C_PATROL = 16,
    C_CHANGE = 32,
    C_EVAL = 64,
    C_DISP = 128,
    C_TREND = 256,
    C_ALL = 495,   /* the commands that analyse incidents (not patrol, not check) */
    C_CHECK = 512, /* reads and counts only */
    C_REPORT = 1024
};

enum opt_id {
    O_HELP = 1,
    O_OUTPUT,
    O_CELL,
    O_SHAPE,
    O_ORIGIN,
    O_CRS,
    O_XCOL,
    O_YCOL,
    O_INCRS,
    O_LONCOL,
    O_LATCOL,
    O_DATECOL,
    O_CATCOL,
    O_WCOL,
    O_TYPE,
    O_FROM,
    O_TO,
    O_REJECTS,
    O_THREADS,
    O_QUIET,
    O_WARDS,
    O_CODEF,
    O_NAMEF,
    O_POP,
    O_COMPARE,
    O_BYTYPE,
    O_KERNEL,
    O_BW,
    O_BWRULE,
    O_BWADJ,
    O_PIXEL,
    O_UNITS,
    O_GRIDMODE,
    O_EXTENT,
    O_MASK,
    O_EDGE,
    O_VERSUS,
    O_CMPOP,
    O_CONTOURS,
    O_CONTOUT,
    O_GCUT,
    O_BINNED,
    O_UNITS_SHP,
    O_HARM,
    O_TOP,
    O_SIGNIF,
    O_MINSEP,
    O_NOSELF,
    O_FDR,
    O_ALL,
    O_SNAP,
    O_NBDIST,
    O_SUMMARY,
    O_DAYS,
    O_VISITS,
    O_MINUTES,
    O_HALF,
    O_SEED,
    O_START,
    O_WINDOW,
    O_GEOFENCES,
    O_BEFORE,
    O_AFTER,
    O_HOTSPOTS,
    O_CURVE,
    O_TREATED,
    O_BUFFER,
    O_CONTROL,
    O_PERIOD,
    O_ALPHA,
    O_CONFIG,
    O_TITLE,
    O_OVERWRITE
};

typedef struct opt_def {
    const char *name;
    char short_name;
    const char *arg; /* NULL: a flag */
    int id;
    int cmds;
    const char *help;
} opt_def;

static const opt_def opts[] = {
    {"output", 'o', "FOLDER", O_OUTPUT, C_REPORT,
     "the folder for the report, the QGIS project and every layer (made if missing)"},
    {"config", 0, "FILE", O_CONFIG, C_REPORT,
     "settings as 'name = value' lines (option names without --); the command line wins"},
    {"title", 0, "TEXT", O_TITLE, C_REPORT, "the report's heading"},
    {"output", 'o', "FILE", O_OUTPUT, C_GRID,
     "output layer: .geojson (WGS84) or .csv (working CRS)"},
    {"output", 'o', "FILE", O_OUTPUT, C_WARDS, "output table: .geojson, .csv or .shp"},
    {"wards", 0, "FILE.shp", O_WARDS, C_WARDS | C_REPORT,
     "polygon layer (wards, LSOAs); repeat for more layers (default: the built-in Gravesham "
     "wards 2013)"},
    {"code-field", 0, "NAME", O_CODEF, C_WARDS | C_HOT | C_CHANGE | C_REPORT,
     "DBF field of the codes (default: WDyyCD, LSOAyyCD, ...)"},
    {"name-field", 0, "NAME", O_NAMEF, C_WARDS | C_HOT | C_CHANGE | C_REPORT,
     "DBF field of the names (default: WDyyNM, LSOAyyNM, ...)"},
    {"population", 0, "FILE", O_POP, C_WARDS | C_REPORT, "CSV code,population: adds rate_per_1000"},
    {"compare", 0, "FROM..TO", O_COMPARE, C_WARDS | C_REPORT,
     "a second period (e.g. last year): adds count_compare, change, change_pct"},
    {"by-type", 0, NULL, O_BYTYPE, C_WARDS | C_REPORT, "adds a count per crime type"},
    {"output", 'o', "FILE", O_OUTPUT, C_KDE,
     "output raster: .tif (GeoTIFF, with .qml style and .json sidecar) or .asc (with .prj)"},
    {"kernel", 0, "NAME", O_KERNEL, C_KDE | C_REPORT,
     "quartic (default), epanechnikov, triweight, uniform, triangular, gaussian"},
    {"bandwidth", 0, "M", O_BW, C_KDE | C_REPORT,
     "kernel radius in metres (gaussian: sigma); default: --bandwidth-rule"},
    {"bandwidth-rule", 0, "RULE", O_BWRULE, C_KDE | C_REPORT,
     "thumb (sfhotspot, both axes; default), scott (spatstat), silverman (ArcGIS)"},
    {"bandwidth-adjust", 0, "F", O_BWADJ, C_KDE | C_REPORT, "multiply the bandwidth by F"},
    {"pixel-size", 0, "M", O_PIXEL, C_KDE | C_REPORT,
     "pixel size in metres (default: shorter side of the extent / 250, rounded down)"},
    {"units", 0, "U", O_UNITS, C_KDE,
     "raw (kernel sums, default), density (incidents per km2), count (per pixel)"},
    {"grid", 0, "MODE", O_GRIDMODE, C_KDE,
     "snapped (edges at multiples of the pixel size, default) or qgis (QGIS Heatmap's grid)"},
    {"extent", 0, "E", O_EXTENT, C_KDE,
     "data (points grown by the reach, default), FILE.shp (its box) or XMIN,YMIN,XMAX,YMAX"},
    {"mask", 0, "FILE.shp", O_MASK, C_KDE, "study area: pixels outside it are nodata"},
    {"edge-correction", 0, NULL, O_EDGE, C_KDE,
     "with --mask: divide by the kernel mass inside the area (spatstat's uniform correction)"},
    {"versus", 0, "FILE", O_VERSUS, C_KDE,
     "a second set of incidents (repeatable) on the same grid and bandwidth"},
    {"compare", 0, "OP", O_CMPOP, C_KDE, "with --versus: ratio (default), difference, log-ratio"},
    {"contours", 0, "LIST", O_CONTOURS, C_KDE,
     "hotspot outlines: the top P% of the area, e.g. 1,5 (GeoJSON polygons)"},
    {"contours-output", 0, "FILE", O_CONTOUT, C_KDE,
     "where the outlines go (default: OUT with _contours.geojson)"},
    {"gaussian-cutoff", 0, "S", O_GCUT, C_KDE, "truncate the gaussian at S sigmas (default 4)"},
    {"binned", 0, NULL, O_BINNED, C_KDE,
     "APPROXIMATE: move incidents to their pixel's centre first (faster for many incidents)"},
    {"output", 'o', "FILE", O_OUTPUT, C_HOT,
     "the hotspots: .geojson (polygons, with a .qml style) or .csv"},
    {"units", 0, "FILE.shp", O_UNITS_SHP, C_HOT,
     "rank these polygons (e.g. LSOAs) instead of grid cells"},
    {"harm", 0, "FILE", O_HARM, C_HOT | C_REPORT,
     "CSV category,weight: rank by harm instead of counts"},
    {"top", 0, "N", O_TOP, C_HOT | C_REPORT, "how many hotspots (default 20)"},
    {"significant", 0, NULL, O_SIGNIF, C_HOT | C_REPORT,
     "only units hot at 95% (Gi* class 2 or 3)"},
    {"min-separation", 0, "M", O_MINSEP, C_HOT | C_REPORT,
     "at least M metres between chosen centroids"},
    {"no-self", 0, NULL, O_NOSELF, C_HOT | C_REPORT,
     "Gi instead of Gi* (a unit is not its own neighbour)"},
    {"fdr", 0, "on|off", O_FDR, C_HOT | C_TREND | C_REPORT,
     "Benjamini-Hochberg correction of the p-values (default on)"},
    {"all", 0, NULL, O_ALL, C_HOT, "write every unit in rank order"},
    {"snap", 0, "M", O_SNAP, C_HOT | C_TREND | C_REPORT,
     "polygon neighbours within M metres (default 1)"},
    {"neighbour-distance", 0, "M", O_NBDIST, C_HOT | C_TREND,
     "neighbours: centroids within M metres"},
    {"summary", 0, "FILE.json", O_SUMMARY, C_HOT,
     "concentration: top 1/5/10% shares, Gini, generalised Gini, curve"},
    {"wards", 0, "FILE.shp", O_WARDS, C_HOT, "name the ward of each hotspot"},
    {"cell-size", 0, "M", O_CELL, C_GRID | C_HOT | C_CHANGE | C_EVAL | C_TREND | C_REPORT,
     "cell size in metres (default 150; hex: width across flats)"},
    {"shape", 0, "square|hex", O_SHAPE, C_GRID | C_HOT | C_CHANGE | C_EVAL | C_TREND | C_REPORT,
     "cell shape (default square)"},
    {"origin", 0, "X,Y", O_ORIGIN, C_GRID,
     "grid origin in the working CRS (default 0,0: edges at multiples of the cell size)"},
    {"crs", 0, "CRS", O_CRS, C_ALL | C_REPORT | C_CHECK | C_PATROL,
     "working CRS, projected in metres (default EPSG:27700)"},
    {"x-column", 0, "NAME", O_XCOL, C_ALL | C_REPORT | C_CHECK, "easting column (with --y-column)"},
    {"y-column", 0, "NAME", O_YCOL, C_ALL | C_REPORT | C_CHECK, "northing column"},
    {"input-crs", 0, "CRS", O_INCRS, C_ALL | C_REPORT | C_CHECK,
     "CRS of --x-column/--y-column (default: the working CRS)"},
    {"lon-column", 0, "NAME", O_LONCOL, C_ALL | C_REPORT | C_CHECK,
     "longitude column, WGS84 (with --lat-column)"},
    {"lat-column", 0, "NAME", O_LATCOL, C_ALL | C_REPORT | C_CHECK, "latitude column, WGS84"},
    {"date-column", 0, "NAME", O_DATECOL, C_ALL | C_REPORT | C_CHECK,
     "date column, ISO 8601 (police.uk: Month)"},
    {"category-column", 0, "NAME", O_CATCOL, C_ALL | C_REPORT | C_CHECK,
     "crime type column (police.uk: Crime type)"},
    {"weight-column", 0, "NAME", O_WCOL, C_ALL | C_REPORT | C_CHECK,
     "weight (e.g. harm) column; default weight 1"},
    {"crime-type", 0, "LIST", O_TYPE, C_ALL | C_REPORT | C_CHECK,
     "keep only these crime types (comma list)"},
    {"from", 0, "DATE", O_FROM, C_ALL | C_REPORT | C_CHECK,
     "keep dates from YYYY-MM or YYYY-MM-DD (inclusive)"},
    {"to", 0, "DATE", O_TO, C_ALL | C_REPORT | C_CHECK,
     "keep dates to YYYY-MM or YYYY-MM-DD (inclusive)"},
    {"rejects", 0, "FILE", O_REJECTS, C_ALL, "write every rejected row (file,line,reason,record)"},
    {"threads", 0, "N", O_THREADS, C_ALL | C_REPORT | C_CHECK,
     "worker threads (default: all cores)"},
    {"output", 'o', "FILE", O_OUTPUT, C_PATROL, "the schedule, CSV"},
    {"output", 'o', "FILE", O_OUTPUT, C_CHANGE, "per unit: .geojson, .csv or .shp"},
    {"output", 'o', "FILE", O_OUTPUT, C_EVAL | C_DISP, "the measures, CSV (measure,value)"},
    {"treated", 0, "FILE", O_TREATED, C_DISP,
     "the treated places: a hotspots CSV (grid cells) or a polygon .shp"},
    {"buffer", 0, "M", O_BUFFER, C_DISP, "width of the buffer ring around them (metres)"},
    {"control", 0, "FILE.shp", O_CONTROL, C_DISP,
     "the control area (default: the shipped Gravesham wards; what lies beyond the buffer "
     "counts)"},
    {"hotspots", 0, "FILE.csv", O_HOTSPOTS, C_EVAL, "the places chosen ('hotspot hotspots' CSV)"},
    {"curve", 0, "FILE.csv", O_CURVE, C_EVAL,
     "capture curve: share of area against share of incidents"},
    {"before", 0, "FROM..TO", O_BEFORE, C_CHANGE | C_EVAL | C_DISP,
     "the earlier period (change: compared; evaluate: the period chosen on, for RRI and the "
     "curve)"},
    {"after", 0, "FROM..TO", O_AFTER, C_CHANGE | C_EVAL | C_DISP,
     "the later period (evaluate: the period measured)"},
    {"output", 'o', "FILE", O_OUTPUT, C_TREND,
     "one row per unit with incidents or a category: .geojson (polygons) or .csv"},
    {"period", 0, "month|quarter|year|auto", O_PERIOD, C_TREND,
     "the time step (default auto: the coarsest giving 8 or more periods)"},
    {"alpha", 0, "A", O_ALPHA, C_TREND, "a period is hot or cold when Gi* p < A (default 0.10)"},
    {"units", 0, "FILE.shp", O_UNITS_SHP, C_CHANGE | C_EVAL | C_TREND,
     "polygons (e.g. LSOAs) instead of grid cells"},
    {"days", 0, "D", O_DAYS, C_PATROL | C_REPORT, "days in the plan (default 28)"},
    {"visits", 0, "V", O_VISITS, C_PATROL | C_REPORT,
     "visits a day to each patrolled hotspot (default 2)"},
    {"minutes", 0, "M", O_MINUTES, C_PATROL | C_REPORT,
     "minutes a visit (default 15, the Koper curve)"},
    {"half", 0, NULL, O_HALF, C_PATROL | C_REPORT,
     "patrol a random half each day, the rest are control days (balanced)"},
    {"seed", 0, "S", O_SEED, C_PATROL | C_REPORT,
     "random seed: the same seed gives the same plan (default 1)"},
    {"start", 0, "DATE", O_START, C_PATROL | C_REPORT,
     "first day, YYYY-MM-DD (default: day numbers only)"},
    {"window", 0, "H1-H2", O_WINDOW, C_PATROL | C_REPORT,
     "hours for visits when the data have no times (default 12-24)"},
    {"geofences", 0, "FILE", O_GEOFENCES, C_PATROL, "the hotspots' outlines as GeoJSON, for GPS"},
    {"units", 0, "FILE.shp", O_UNITS_SHP, C_PATROL, "polygons whose codes are the hotspot ids"},
    {"quiet", 'q', NULL, O_QUIET, C_ALL | C_REPORT | C_CHECK | C_PATROL, "no summary on stderr"},
    {"overwrite", 0, NULL, O_OVERWRITE, C_ALL | C_REPORT | C_PATROL,
     "replace styles and sidecars (.qml, .json) that hotspot did not write"},
    {"help", 'h', NULL, O_HELP, C_ALL | C_REPORT | C_CHECK | C_PATROL, "this help"},
    {NULL, 0, NULL, 0, 0, NULL}};

typedef struct args {
    int cmd;
    const char *output, *crs, *rejects, *population;
    hs_read_options ro;
    hs_grid_options go;
    hs_layer_options lo;
    hs_tally_options to;
    char **types, **layers, **owned; /* owned: copies of values we cut up */
    size_t ntypes, nlayers, nowned;
    hs_kde_options ko;
    const char *extent_layer, *mask, *contours_out;
    char **versus;
    size_t nversus;
    hs_raster_op cmpop;
    bool have_cmpop;
    double *contours;
    size_t ncontours;
    const char *units_shp, *harm, *summary, *geofences, *hotspots, *curve, *treated, *control;
    double buffer_m;
    hs_hotspot_options ho;
    hs_trend_options tro;
    hs_patrol_options po;
    double snap, nbdist;
    int threads;
    bool quiet, help, overwrite;
    bool made_folder;   /* report: -o did not exist; removed again on failure */
    const char *config; /* report: the --config file */
    char **inputs;
    int ninputs;
    const char *title;
} args;

static const char *prog = "hotspot";

static void usage_main(FILE *f) {
    fprintf(
        f, "usage: hotspot COMMAND [options] INPUT...\n"
           "       hotspot --version | --help\n"
           "\n"
           "Turns geocoded crime incidents (data.police.uk street-level CSVs, or any\n"
           "CSV with named columns) into hotspot layers and ward tables.\n"
           "\n"
           "commands:\n"
           "  grid     count incidents on a square or hexagonal grid\n"
           "  wards    the ward table: counts, share, rank, density, rate, change per polygon\n"
           "  kde      kernel density surface (GeoTIFF styled for QGIS), outlines, comparisons\n"
           "  hotspots rank places by harm with Getis-Ord Gi*: the top N for patrols\n"
           "  patrol   a randomised, reproducible patrol plan for those hotspots\n"
           "  change   per place: before, after, difference and an exact test of it\n"
           "  evaluate hit rate, PAI, PEI and RRI of hotspots on another period\n"
           "  displacement  the weighted displacement quotient of a patrolled area\n"
           "  trend    emerging hotspots: Gi* per month, quarter or year, trend and category\n"
           "  report   the whole job in one pass: ward table, grid, density, Gi* hotspots, patrol\n"
           "           plan, a styled QGIS project and an HTML report, in one folder\n"
           "  check    read files as the commands would and count rows used and rejected, by\n"
           "           reason, keeping nothing (streams files of any size)\n"
           "\n"
           "'hotspot COMMAND --help' lists a command's options.\n"
           "exit codes: 0 success, 1 bad data or files, 2 bad command line, 3 out of memory,\n130 "
           "interrupted\n");
}

static void usage_cmd(FILE *f, int cmd) {
    if (cmd == C_GRID)
        fprintf(f, "usage: hotspot grid [options] INPUT... -o OUT\n\n"
                   "Counts incidents per grid cell (only non-empty cells are written).\n\n");
    else if (cmd == C_HOT)
        fprintf(f, "usage: hotspot hotspots [options] INPUT... -o OUT\n\n"
                   "Ranks equal-sized places (grid cells, or polygons) by harm or count, with "
                   "Getis-Ord Gi*,\nfor hotspot patrols.\n\n");
    else if (cmd == C_CHANGE)
        fprintf(
            f,
            "usage: hotspot change [options] INPUT... --before FROM..TO --after FROM..TO -o OUT\n\n"
            "Counts per grid cell or polygon in two periods, their difference and an exact "
            "test of it.\n\n");
    else if (cmd == C_DISP)
        fprintf(
            f,
            "usage: hotspot displacement [options] INPUT... --treated FILE --buffer M [--control "
            "FILE.shp] --before FROM..TO --after FROM..TO -o WDQ.csv\n\nDid crime fall in the "
            "treated places, and did it move next door? Weighted displacement quotient.\n\n");
    else if (cmd == C_TREND)
        fprintf(f, "usage: hotspot trend [options] INPUT... -o OUT\n\n"
                   "Gi* per period for every grid cell or polygon, a Mann-Kendall trend of it, "
                   "and ArcGIS's\nemerging hot spot categories (new, consecutive, intensifying, "
                   "persistent, ...).\n\n");
    else if (cmd == C_EVAL)
        fprintf(
            f,
            "usage: hotspot evaluate [options] INPUT... --hotspots HOTSPOTS.csv --after FROM..TO "
            "-o MEASURES.csv\n\nHow well places chosen on one period capture another's "
            "incidents: hit rate, PAI, PEI, RRI.\n\n");
    else if (cmd == C_PATROL)
        fprintf(f, "usage: hotspot patrol [options] HOTSPOTS.csv -o PLAN.csv\n\n"
                   "A reproducible randomised patrol schedule for the hotspots of 'hotspot "
                   "hotspots'.\n\n");
    else if (cmd == C_REPORT)
        fprintf(f, "usage: hotspot report [options] INPUT... -o FOLDER\n\n"
                   "Reads the incidents once and writes, in FOLDER: the ward table (wards.geojson, "
                   "wards.csv),\ngrid counts (grid.geojson), the density (density.tif), the top "
                   "hotspots with Gi*\n(hotspots.geojson, hotspots.csv), a patrol plan "
                   "(patrol.csv), the rejected rows\n(rejects.csv), each layer with its QGIS "
                   "style (.qml), a QGIS project opening them\n(project.qgs) and a report for the "
                   "board (report.html). Grid, density and hotspots cover\nthe incidents inside "
                   "the wards (default: the built-in Gravesham wards).\n\n");
    else if (cmd == C_CHECK)
        fprintf(f, "usage: hotspot check [options] INPUT...\n\n"
                   "Reads each file as the other commands would (same columns, filters, CRS and "
                   "reject\nreasons) and prints the rows read, used and rejected by reason, "
                   "keeping nothing:\nmemory stays small whatever the file's size.\n\n");
    else if (cmd == C_KDE)
        fprintf(f, "usage: hotspot kde [options] INPUT... -o OUT.tif\n\n"
                   "Exact kernel density: every incident adds its kernel at its true distance to "
                   "every pixel centre.\n\n");
    else
        fprintf(
            f,
            "usage: hotspot wards [options] INPUT... -o OUT\n\n"
            "Counts incidents per ward (or any polygon: LSOAs, beats), one row per polygon.\n\n");
    fprintf(f, "options:\n");
    for (const opt_def *o = opts; o->name; o++) {
        if (!(o->cmds & cmd)) continue;
        char lhs[64];
        snprintf(lhs, sizeof lhs, "%s%c%s--%s%s%s", o->short_name ? "-" : "",
                 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
                 o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(f, "  %-30s %s\n", o->short_name ? lhs : lhs + 2, o->help);
    }
    fprintf(f, "\nexit codes: 0 success, 1 bad data or files, 2 bad command line, 3 out of "
               "memory,\n130 interrupted\n");
}

static bool parse_number(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v)) return false;
    *out = v;
    return true;
}

static bool push(char ***list, size_t *n, char *s) {
    char **l = realloc(*list, (*n + 1) * sizeof *l);
    if (!l) return false;
    *list = l;
    l[(*n)++] = s;
    return true;
}

/* Splits a comma list in place into *list (pointers into s). */
static bool split_list(char *s, char ***list, size_t *n) {
    char *save = NULL;
    for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t len = strlen(tok);
        while (len && tok[len - 1] == ' ')
            tok[--len] = 0;
        if (*tok && !push(list, n, tok)) return false;
    }
    return true;
}

static int usage_error(FILE *err, const char *fmt, const char *a, const char *b) {
    fprintf(err, "%s: ", prog);
    fprintf(err, fmt, a, b);
    fputc('\n', err);
    return HS_EXIT_USAGE;
}

/* A copy of s that lives as long as a (the caller's argv stays as is). */
static char *keep(args *a, const char *s) {
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (!c) return NULL;
    memcpy(c, s, n);
    if (!push(&a->owned, &a->nowned, c)) {
        free(c);
        return NULL;
    }
    return c;
}

/* Applies one option; returns an exit code (0 = fine). */
static int apply(args *a, const opt_def *o, char *val, FILE *err) {
    double d;
    if ((o->id == O_TYPE || o->id == O_COMPARE || o->id == O_CONTOURS || o->id == O_BEFORE ||
         o->id == O_AFTER) &&
        !(val = keep(a, val)))
        return HS_EXIT_NOMEM;
    switch (o->id) {
    case O_HELP: a->help = true; break;
    case O_CONFIG: break; /* read before the command line (with_config) */
    case O_TITLE: a->title = val; break;
    case O_QUIET: a->quiet = true; break;
    case O_OVERWRITE: a->overwrite = true; break;
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
    case O_FROM: a->ro.from = a->to.from = val; break;
    case O_TO: a->ro.to = a->to.to = val; break;
    case O_CODEF: a->lo.code_field = val; break;
    case O_NAMEF: a->lo.name_field = val; break;
    case O_POP: a->population = val; break;
    case O_BYTYPE: a->to.by_type = 1; break;
    case O_WARDS:
        if (!push(&a->layers, &a->nlayers, val)) return HS_EXIT_NOMEM;
        break;
    case O_TYPE:
        if (!split_list(val, &a->types, &a->ntypes)) return HS_EXIT_NOMEM;
        break;
    case O_COMPARE:
    case O_BEFORE:
    case O_AFTER: {
        char *dots = strstr(val, "..");
        if (!dots || dots == val || !dots[2])
            return usage_error(err, "--%s must be FROM..TO (e.g. 2023-01..2023-04), not '%s'",
                               o->name, val);
        *dots = 0;
        if (o->id == O_AFTER) {
            a->ro.from = a->to.from = val;
            a->ro.to = a->to.to = dots + 2;
        } else {
            a->ro.compare_from = a->to.compare_from = val;
            a->ro.compare_to = a->to.compare_to = dots + 2;
        }
        break;
    }
    case O_KERNEL: {
        int k = -1;
        for (int i = 0; i < HS_KERNEL_COUNT_; i++)
            if (strcmp(val, hs_kernel_name((hs_kernel)i)) == 0) k = i;
        if (k < 0)
            return usage_error(err,
                               "--kernel must be quartic, epanechnikov, triweight, uniform, "
                               "triangular or gaussian, not '%s'%s",
                               val, "");
        a->ko.kernel = (hs_kernel)k;
        break;
    }
    case O_BW:
    case O_BWADJ:
    case O_PIXEL:
    case O_GCUT:
        if (!parse_number(val, &d) || d <= 0)
            return usage_error(err, "--%s must be a positive number, not '%s'", o->name, val);
        if (o->id == O_BW)
            a->ko.bandwidth_m = d;
        else if (o->id == O_BWADJ)
            a->ko.bandwidth_adjust = d;
        else if (o->id == O_PIXEL)
            a->ko.pixel_size_m = d;
        else
            a->ko.gaussian_cutoff = d;
        break;
    case O_BWRULE:
        if (!strcmp(val, "thumb"))
            a->ko.rule = HS_BW_RULE_OF_THUMB;
        else if (!strcmp(val, "scott"))
            a->ko.rule = HS_BW_SCOTT;
        else if (!strcmp(val, "silverman"))
            a->ko.rule = HS_BW_SILVERMAN;
        else
            return usage_error(
                err, "--bandwidth-rule must be thumb, scott or silverman, not '%s'%s", val, "");
        break;
    case O_UNITS:
        if (!strcmp(val, "raw"))
            a->ko.units = HS_KDE_RAW;
        else if (!strcmp(val, "density"))
            a->ko.units = HS_KDE_DENSITY;
        else if (!strcmp(val, "count"))
            a->ko.units = HS_KDE_COUNT;
        else
            return usage_error(err, "--units must be raw, density or count, not '%s'%s", val, "");
        break;
    case O_GRIDMODE:
        if (!strcmp(val, "snapped"))
            a->ko.grid = HS_KDE_GRID_SNAPPED;
        else if (!strcmp(val, "qgis"))
            a->ko.grid = HS_KDE_GRID_QGIS;
        else
            return usage_error(err, "--grid must be snapped or qgis, not '%s'%s", val, "");
        break;
    case O_EXTENT: {
        double e[4];
        char *end = val;
        int k = 0;
        if (!strcmp(val, "data")) break;
        for (; k < 4; k++) {
            errno = 0;
            e[k] = strtod(end, &end);
            if (errno || !isfinite(e[k]) || (k < 3 && *end++ != ',')) break;
        }
        if (k == 4 && !*end) {
            memcpy(a->ko.extent, e, sizeof e);
            a->ko.has_extent = 1;
        } else if (strchr(val, ',') == NULL) {
            a->extent_layer = val;
        } else {
            return usage_error(
                err, "--extent must be data, a .shp or XMIN,YMIN,XMAX,YMAX, not '%s'%s", val, "");
        }
        break;
    }
    case O_MASK: a->mask = val; break;
    case O_EDGE: a->ko.edge_correction = 1; break;
    case O_BINNED: a->ko.binned = 1; break;
    case O_UNITS_SHP: a->units_shp = val; break;
    case O_GEOFENCES: a->geofences = val; break;
    case O_HOTSPOTS: a->hotspots = val; break;
    case O_TREATED: a->treated = val; break;
    case O_CONTROL: a->control = val; break;
    case O_PERIOD:
        if (!strcmp(val, "month"))
            a->tro.period = HS_PERIOD_MONTH;
        else if (!strcmp(val, "quarter"))
            a->tro.period = HS_PERIOD_QUARTER;
        else if (!strcmp(val, "year"))
            a->tro.period = HS_PERIOD_YEAR;
        else if (!strcmp(val, "auto"))
            a->tro.period = HS_PERIOD_AUTO;
        else
            return usage_error(err, "--period must be month, quarter, year or auto, not '%s'%s",
                               val, "");
        break;
    case O_ALPHA:
        if (!parse_number(val, &a->tro.alpha) || !(a->tro.alpha > 0) || !(a->tro.alpha < 1))
            return usage_error(err, "--alpha must be a number between 0 and 1, not '%s'%s", val,
                               "");
        break;
    case O_BUFFER:
        if (!parse_number(val, &d) || d <= 0)
            return usage_error(err, "--buffer must be a positive number of metres, not '%s'%s", val,
                               "");
        a->buffer_m = d;
        break;
    case O_CURVE: a->curve = val; break;
    case O_HALF: a->po.half = 1; break;
    case O_START: a->po.start_date = val; break;
    case O_DAYS:
    case O_VISITS:
    case O_MINUTES:
    case O_SEED: {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(val, &end, 10);
        if (*end || end == val || errno || val[0] == '-')
            return usage_error(err, "--%s must be a whole number >= 1, not '%s'", o->name, val);
        if (o->id != O_SEED && (v < 1 || v > 100000))
            return usage_error(err, "--%s must be a whole number from 1 to 100000, not '%s'",
                               o->name, val);
        if (o->id == O_DAYS)
            a->po.days = (int)v;
        else if (o->id == O_VISITS)
            a->po.visits_per_day = (int)v;
        else if (o->id == O_MINUTES)
            a->po.minutes = (int)v;
        else
            a->po.seed = v;
        break;
    }
    case O_WINDOW: {
        int h1, h2;
        char tail;
        if (sscanf(val, "%d-%d%c", &h1, &h2, &tail) != 2 || h1 < 0 || h2 > 24 || h2 <= h1)
            return usage_error(err, "--window must be H1-H2 within 0-24 (e.g. 18-24), not '%s'%s",
                               val, "");
        a->po.window_start_h = h1;
        a->po.window_end_h = h2;
        break;
    }
    case O_HARM: a->harm = val; break;
    case O_SUMMARY: a->summary = val; break;
    case O_SIGNIF: a->ho.significant = 1; break;
    case O_NOSELF: a->ho.self = 0; break;
    case O_ALL: a->ho.all = 1; break;
    case O_FDR:
        if (!strcmp(val, "on"))
            a->ho.fdr = 1;
        else if (!strcmp(val, "off"))
            a->ho.fdr = 0;
        else
            return usage_error(err, "--fdr must be on or off, not '%s'%s", val, "");
        break;
    case O_TOP: {
        char *end;
        long t = strtol(val, &end, 10);
        if (*end || end == val)
            return usage_error(err, "--top must be a whole number >= 1, not '%s'%s", val, "");
        if (t < 1 || t > 1000000)
            return usage_error(err, "--top must be a whole number from 1 to 1000000, not '%s'%s",
                               val, "");
        a->ho.top = (size_t)t;
        break;
    }
    case O_MINSEP:
    case O_SNAP:
    case O_NBDIST:
        if (!parse_number(val, &d) || d < 0 || (o->id == O_NBDIST && d == 0))
            return usage_error(err, "--%s must be a number of metres, not '%s'", o->name, val);
        if (o->id == O_MINSEP)
            a->ho.min_separation_m = d;
        else if (o->id == O_SNAP)
            a->snap = d;
        else
            a->nbdist = d;
        break;
    case O_VERSUS:
        if (!push(&a->versus, &a->nversus, val)) return HS_EXIT_NOMEM;
        break;
    case O_CMPOP:
        a->have_cmpop = true;
        if (!strcmp(val, "ratio"))
            a->cmpop = HS_RASTER_RATIO;
        else if (!strcmp(val, "difference"))
            a->cmpop = HS_RASTER_DIFFERENCE;
        else if (!strcmp(val, "log-ratio"))
            a->cmpop = HS_RASTER_LOG_RATIO;
        else
            return usage_error(err, "--compare must be ratio, difference or log-ratio, not '%s'%s",
                               val, "");
        break;
    case O_CONTOURS: {
        char *save = NULL;
        for (char *tok = strtok_r(val, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            if (!parse_number(tok, &d) || d <= 0 || d > 100)
                return usage_error(
                    err, "--contours takes percentages of the area in (0, 100], not '%s'%s", tok,
                    "");
            double *c = realloc(a->contours, (a->ncontours + 1) * sizeof *c);
            if (!c) return HS_EXIT_NOMEM;
            a->contours = c;
            a->contours[a->ncontours++] = d;
        }
        break;
    }
    case O_CONTOUT: a->contours_out = val; break;
    case O_CELL:
        if (!parse_number(val, &d) || d <= 0)
            return usage_error(err, "--cell-size must be a positive number of metres, not '%s'%s",
                               val, "");
        a->go.cell_size_m = d;
        break;
    case O_SHAPE:
        if (strcmp(val, "square") == 0)
            a->go.shape = HS_GRID_SQUARE;
        else if (strcmp(val, "hex") == 0)
            a->go.shape = HS_GRID_HEX;
        else
            return usage_error(err, "--shape must be square or hex, not '%s'%s", val, "");
        break;
    case O_ORIGIN: {
        char *end, *end2;
        errno = 0;
        double ox = strtod(val, &end),
               oy = end != val && *end == ',' ? strtod(end + 1, &end2) : NAN;
        bool ok = !errno && !isnan(oy) && end2 != end + 1 && !*end2 && isfinite(ox) && isfinite(oy);
        if (!ok) return usage_error(err, "--origin must be X,Y in metres, not '%s'%s", val, "");
        a->go.origin_x = ox;
        a->go.origin_y = oy;
        break;
    }
    case O_THREADS: {
        char *end;
        long t = strtol(val, &end, 10);
        if (*end || end == val || t < 1 || t > 64)
            return usage_error(err, "--threads must be 1..64, not '%s'%s", val, "");
        a->threads = (int)t;
        break;
    }
    default: break;
    }
    return HS_EXIT_OK;
}

static int parse_args(int argc, char **argv, args *a, FILE *err) {
    hs_read_options_init(&a->ro);
    hs_grid_options_init(&a->go);
    hs_layer_options_init(&a->lo);
    hs_tally_options_init(&a->to);
    hs_kde_options_init(&a->ko);
    hs_hotspot_options_init(&a->ho);
    a->tro.alpha = 0.10;
    hs_patrol_options_init(&a->po);
    a->snap = 1;
    const char *cmdname = a->cmd == C_GRID     ? "grid"
                          : a->cmd == C_KDE    ? "kde"
                          : a->cmd == C_HOT    ? "hotspots"
                          : a->cmd == C_PATROL ? "patrol"
                          : a->cmd == C_CHANGE ? "change"
                          : a->cmd == C_EVAL   ? "evaluate"
                          : a->cmd == C_DISP   ? "displacement"
                          : a->cmd == C_TREND  ? "trend"
                          : a->cmd == C_CHECK  ? "check"
                          : a->cmd == C_REPORT ? "report"
                                               : "wards";
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
            for (const opt_def *d = opts; d->name && !o; d++)
                if ((d->cmds & a->cmd) && strlen(d->name) == len &&
                    strncmp(d->name, s + 2, len) == 0)
                    o = d;
            if (o && eq) {
                if (!o->arg) {
                    fprintf(err, "%s: option --%s takes no value\n", prog, o->name);
                    return HS_EXIT_USAGE;
                }
                val = eq + 1;
            }
        } else if (s[2] == 0) {
            for (const opt_def *d = opts; d->name && !o; d++)
                if ((d->cmds & a->cmd) && d->short_name == s[1]) o = d;
        }
        if (!o) {
            fprintf(err, "%s: unknown option '%s' (see 'hotspot %s --help')\n", prog, s, cmdname);
            return HS_EXIT_USAGE;
        }
        if (o->arg && !val) {
            if (i + 1 >= argc) {
                fprintf(err, "%s: option --%s needs a value (%s)\n", prog, o->name, o->arg);
                return HS_EXIT_USAGE;
            }
            val = argv[++i];
        }
        int rc = apply(a, o, val, err);
        if (rc) return rc;
    }
    /* Inclusive bounds of unequal precision compare on their months. */
    if (a->ro.from && a->ro.to) {
        size_t lf = strlen(a->ro.from), lt = strlen(a->ro.to), l = lf < lt ? lf : lt;
        int c = strncmp(a->ro.from, a->ro.to, l);
        if (c > 0 || (c == 0 && lf == lt && strcmp(a->ro.from, a->ro.to) > 0)) {
            fprintf(err, "%s: --from %s is after --to %s: no date can match\n", prog, a->ro.from,
                    a->ro.to);
            return HS_EXIT_USAGE;
        }
    }
    a->ro.crime_types = (const char *const *)a->types;
    a->ro.crime_type_count = a->ntypes;
    if (a->help) return HS_EXIT_OK;
    if (a->ninputs == 0) {
        fprintf(err, "%s: %s: no input files (see 'hotspot %s --help')\n", prog, cmdname, cmdname);
        return HS_EXIT_USAGE;
    }
    if (!a->output && a->cmd != C_CHECK) {
        fprintf(err, "%s: %s: no output: give -o %s (%s)\n", prog, cmdname,
                a->cmd == C_REPORT ? "FOLDER" : "FILE",
                a->cmd == C_REPORT                                         ? "made if missing"
                : a->cmd == C_GRID || a->cmd == C_HOT || a->cmd == C_TREND ? ".geojson or .csv"
                : a->cmd == C_KDE                                          ? ".tif or .asc"
                : a->cmd == C_PATROL                                       ? ".csv"
                                     : ".geojson, .csv or .shp");
        return HS_EXIT_USAGE;
    }
    if (a->cmd == C_DISP && (!a->treated || !(a->buffer_m > 0) || !a->to.from || !a->to.to ||
                             !a->to.compare_from || !a->to.compare_to)) {
        fprintf(err,
                "%s: displacement needs --treated, --buffer M, --before "
                "FROM..TO and --after FROM..TO\n",
                prog);
        return HS_EXIT_USAGE;
    }
    if (a->cmd == C_EVAL && (!a->hotspots || !a->to.from)) {
        fprintf(err, "%s: evaluate needs --hotspots FILE.csv and --after FROM..TO\n", prog);
        return HS_EXIT_USAGE;
    }
    if (a->cmd == C_CHANGE && (!a->to.from || !a->to.compare_from)) {
        fprintf(err, "%s: change needs --before FROM..TO and --after FROM..TO\n", prog);
        return HS_EXIT_USAGE;
    }
    if (a->cmd == C_PATROL && a->ninputs != 1) {
        fprintf(err, "%s: patrol: give one hotspots CSV (from 'hotspot hotspots -o FILE.csv')\n",
                prog);
        return HS_EXIT_USAGE;
    }
    if (a->have_cmpop && !a->nversus) {
        fprintf(err, "%s: --compare needs --versus FILE (the second surface)\n", prog);
        return HS_EXIT_USAGE;
    }
    if (a->ko.edge_correction && !a->mask) {
        fprintf(err, "%s: --edge-correction needs --mask (the study area)\n", prog);
        return HS_EXIT_USAGE;
    }
    if (a->contours_out && !a->ncontours) {
        fprintf(err, "%s: --contours-output needs --contours (e.g. --contours 1,5)\n", prog);
        return HS_EXIT_USAGE;
    }
    if (a->to.compare_from && !a->to.from && !a->to.to) {
        fprintf(err, "%s: --compare needs --from/--to for the period it is compared with\n", prog);
        return HS_EXIT_USAGE;
    }
    return HS_EXIT_OK;
}

static int status_exit(hs_status st) {
    return st == HS_ENOMEM      ? HS_EXIT_NOMEM
           : st == HS_EINVAL    ? HS_EXIT_USAGE
           : st == HS_ECANCELED ? HS_EXIT_INTERRUPTED
                                : HS_EXIT_DATA;
}

/* SIGINT / SIGTERM set a flag that the library's progress callback
 * returns, so the running call stops at its next stage and unwinds: its
 * temporary files are removed and nothing half-written is renamed into
 * place. The handler then restores the default action, so a second ^C
 * kills at once (and may leave a *.tmp.* file). SIGXFSZ (ulimit -f) is
 * ignored so a write past the limit fails with EFBIG, reported like a full
 * disk, instead of killing the process with its temporary file. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig) {
    interrupted = 1;
    signal(sig, SIG_DFL);
}

static int progress(void *user, const char *stage, uint64_t done, uint64_t total) {
    (void)user, (void)stage, (void)done, (void)total;
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
            prog, nf, nf == 1 ? "" : "s", all.rows_read, all.rows_used,
            all.rows_read - all.rows_used);
    print_reasons(err, &all);
    fputc('\n', err);
}

/* Reads every input into a new table; warns of crime types never seen. */
static hs_status read_inputs(hs_ctx *ctx, const args *a, hs_incidents **inc, FILE *err) {
    hs_status st = hs_incidents_create(ctx, inc);
    for (int i = 0; i < a->ninputs && !st; i++)
        st = hs_incidents_read_csv(ctx, a->inputs[i], &a->ro, *inc);
    if (st) return st;
    if (!a->quiet) print_summary(err, *inc);
    /* Degrees given as projected x/y: every point within 180 m x 90 m of the
     * CRS's origin (off the Scilly Isles for British National Grid). */
    size_t n = hs_incidents_count(*inc);
    const double *x = hs_incidents_x(*inc), *y = hs_incidents_y(*inc);
    bool degrees = a->ro.x_column && n > 0;
    for (size_t i = 0; i < n && degrees; i++)
        degrees = fabs(x[i]) <= 180 && fabs(y[i]) <= 90;
    if (degrees)
        fprintf(err,
                "%s: warning: every x,y lies within 180 m of the CRS origin: are these degrees? "
                "(use --lon-column and --lat-column for longitude and latitude)\n",
                prog);
    for (size_t t = 0; t < a->ntypes; t++) {
        bool seen = false;
        for (uint32_t c = 0; c < hs_incidents_category_count(*inc) && !seen; c++)
            seen = strcasecmp(hs_incidents_category_name(*inc, c), a->types[t]) == 0;
        if (!seen)
            fprintf(err, "%s: warning: --crime-type '%s' matched no row\n", prog, a->types[t]);
    }
    return HS_OK;
}

static hs_status run_grid(hs_ctx *ctx, const args *a, FILE *err) {
    hs_incidents *inc = NULL;
    hs_grid *grid = NULL;
    hs_status st = read_inputs(ctx, a, &inc, err);
    if (!st && a->rejects) st = hs_incidents_write_rejects(ctx, inc, NULL, a->rejects);
    if (!st) st = hs_grid_count(ctx, inc, &a->go, &grid);
    if (!st) st = hs_grid_write(ctx, grid, a->output);
    if (!st && !a->quiet) {
        if (hs_incidents_count(inc) == 0)
            fprintf(err, "%s: warning: no incidents were used: the grid is empty\n", prog);
        fprintf(err, "%s: wrote %zu cells (%zu incidents) to %s\n", prog, hs_grid_cell_count(grid),
                hs_incidents_count(inc), a->output);
        if (a->rejects)
            fprintf(err, "%s: wrote %zu rejected rows to %s\n", prog,
                    hs_incidents_reject_count(inc), a->rejects);
    }
    hs_grid_destroy(grid);
    hs_incidents_destroy(inc);
    return st;
}

static void print_notes(FILE *err, const hs_units *u) {
    for (size_t i = 0; i < hs_units_note_count(u); i++) {
        hs_unit_note n;
        hs_units_note_get(u, i, &n);
        if (n.record)
            fprintf(err, "%s: %s: record %" PRIu64 ": %s\n", prog, hs_units_layer_name(u, n.layer),
                    n.record, n.text);
        else
            fprintf(err, "%s: %s: %s\n", prog, hs_units_layer_name(u, n.layer), n.text);
    }
}

static hs_status run_wards(hs_ctx *ctx, const args *a, FILE *err) {
    hs_units *u = NULL;
    hs_incidents *inc = NULL;
    hs_tally *t = NULL;
    uint32_t *unit_of = NULL;
    hs_status st = hs_units_create(ctx, &u);
    for (size_t i = 0; i < a->nlayers && !st; i++)
        st = hs_units_read_shapefile(ctx, a->layers[i], &a->lo, u);
    if (!st && a->nlayers == 0) st = hs_units_read_builtin(ctx, "gravesham-wards-2013", u);
    if (!st && !a->quiet) print_notes(err, u);
    if (!st) st = read_inputs(ctx, a, &inc, err);
    if (!st) {
        unit_of = malloc((hs_incidents_count(inc) + 1) * sizeof *unit_of);
        if (!unit_of) st = HS_ENOMEM;
    }
    if (!st) st = hs_units_locate(ctx, u, inc, unit_of);
    if (!st) st = hs_tally_compute(ctx, u, inc, unit_of, &a->to, &t);
    size_t unmatched = 0;
    if (!st && a->population) st = hs_tally_set_population(ctx, t, a->population, &unmatched);
    if (!st && a->rejects) st = hs_incidents_write_rejects(ctx, inc, unit_of, a->rejects);
    if (!st) st = hs_tally_write(ctx, t, a->output);
    if (!st && !a->quiet) {
        hs_tally_summary s;
        hs_tally_summary_get(t, &s);
        fprintf(err, "%s: %" PRIu64 " incidents in %zu polygons, %" PRIu64 " outside them", prog,
                s.in_units, hs_units_count(u), s.outside);
        if (a->to.compare_from) fprintf(err, "; %" PRIu64 " in the compare period", s.in_compare);
        if (s.other_period) fprintf(err, "; %" PRIu64 " in neither period", s.other_period);
        fputc('\n', err);
        for (size_t i = 0; i < hs_units_count(u); i++) {
            hs_tally_row r;
            hs_unit un;
            hs_tally_row_get(t, i, &r);
            hs_units_get(u, i, &un);
            if (r.rank == 1 && r.count > 0)
                fprintf(err, "%s: first: %s %s with %" PRIu64 " (%.1f%%)\n", prog, un.code, un.name,
                        r.count, r.share_pct);
        }
        if (a->population && unmatched)
            fprintf(err,
                    "%s: warning: %zu codes of %s and the polygons did not match: their "
                    "rate is left empty\n",
                    prog, unmatched, a->population);
        fprintf(err, "%s: wrote %zu rows to %s\n", prog, hs_units_count(u), a->output);
        if (a->rejects)
            fprintf(err, "%s: wrote the rejected and outside rows to %s\n", prog, a->rejects);
    }
    hs_tally_destroy(t);
    free(unit_of);
    hs_incidents_destroy(inc);
    hs_units_destroy(u);
    return st;
}

/* OUT with its extension replaced by suffix (owned). */
static char *sibling_name(const char *path, const char *suffix) {
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    size_t n = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
    char *p = malloc(n + strlen(suffix) + 1);
    if (p) {
        memcpy(p, path, n);
        strcpy(p + n, suffix);
    }
    return p;
}

/* The box of a polygon layer (kept in *keep). */
static hs_status layer_box(hs_ctx *ctx, const char *path, hs_units **keep, double box[4]) {
    hs_status st = hs_units_create(ctx, keep);
    if (!st) st = hs_units_read_shapefile(ctx, path, NULL, *keep);
    if (!st) st = hs_units_bounds(ctx, *keep, box);
    return st;
}

static bool is_tif(const char *p) {
    size_t n = strlen(p);
    return (n >= 4 && !strcasecmp(p + n - 4, ".tif")) ||
           (n >= 5 && !strcasecmp(p + n - 5, ".tiff"));
}

static hs_status run_kde(hs_ctx *ctx, args *a, FILE *err) {
    hs_incidents *inc = NULL, *vs = NULL;
    hs_units *mask = NULL, *ext = NULL;
    hs_raster *r = NULL, *rv = NULL, *rc = NULL;
    char *contours = NULL;
    hs_status st = HS_OK;
    if (a->mask) {
        st = hs_units_create(ctx, &mask);
        if (!st) st = hs_units_read_shapefile(ctx, a->mask, NULL, mask);
        if (!st && !a->quiet) print_notes(err, mask);
        a->ko.mask = mask;
    }
    if (!st && a->extent_layer) {
        st = layer_box(ctx, a->extent_layer, &ext, a->ko.extent);
        a->ko.has_extent = 1;
    }
    if (!st) st = read_inputs(ctx, a, &inc, err);
    if (!st) st = hs_kde_compute(ctx, inc, &a->ko, &r);
    hs_raster_info in;
    if (!st) {
        hs_raster_info_get(r, &in);
        if (in.bandwidth_m < in.pixel_size_m)
            fprintf(err,
                    "%s: warning: the bandwidth (%.4g m) is smaller than a pixel (%.4g m): "
                    "the surface will be spotty; choose a smaller --pixel-size\n",
                    prog, in.bandwidth_m, in.pixel_size_m);
        /* A kernel wider than the whole cloud of incidents smooths it into
         * one flat hill: nothing is wrong with the file, but the map says
         * nothing about where. */
        size_t n = hs_incidents_count(inc);
        const double *x = hs_incidents_x(inc), *y = hs_incidents_y(inc);
        double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            x0 = fmin(x0, x[i]), x1 = fmax(x1, x[i]);
            y0 = fmin(y0, y[i]), y1 = fmax(y1, y[i]);
        }
        if (n > 1 && in.bandwidth_m > fmax(x1 - x0, y1 - y0))
            fprintf(err,
                    "%s: warning: the bandwidth (%.6g m) is larger than the incidents' extent "
                    "(%.6g x %.6g m): the surface will be one flat hill; choose a smaller "
                    "--bandwidth\n",
                    prog, in.bandwidth_m, x1 - x0, y1 - y0);
    }
    for (size_t i = 0; i < a->nversus && !st; i++) {
        if (!vs) st = hs_incidents_create(ctx, &vs);
        if (!st) st = hs_incidents_read_csv(ctx, a->versus[i], &a->ro, vs);
    }
    if (!st && vs) {
        /* The second surface on the first one's grid and bandwidth. */
        hs_kde_options o = a->ko;
        o.bandwidth_m = in.bandwidth_m;
        o.bandwidth_adjust = 1;
        o.pixel_size_m = in.pixel_size_m;
        o.grid = HS_KDE_GRID_EXACT;
        o.has_extent = 1;
        o.extent[0] = in.x_min;
        o.extent[1] = in.y_max - (double)in.height * in.pixel_size_m;
        o.extent[2] = in.x_min + (double)in.width * in.pixel_size_m;
        o.extent[3] = in.y_max;
        st = hs_kde_compute(ctx, vs, &o, &rv);
        if (!st) st = hs_raster_compare(ctx, r, rv, a->cmpop, &rc);
    }
    const hs_raster *final = rc ? rc : r;
    if (!st) st = hs_raster_write(ctx, final, a->output);
    if (!st && a->ncontours) {
        contours = a->contours_out ? NULL : sibling_name(a->output, "_contours.geojson");
        st = hs_raster_contours_write(ctx, final, a->contours, a->ncontours,
                                      a->contours_out ? a->contours_out : contours);
    }
    if (!st && a->rejects) st = hs_incidents_write_rejects(ctx, inc, NULL, a->rejects);
    if (!st && !a->quiet) {
        hs_raster_info fi;
        hs_raster_info_get(final, &fi);
        static const char *units[] = {"raw kernel sums", "incidents per km2",
                                      "incidents per pixel"};
        fprintf(err, "%s: %s kernel, bandwidth %.6g m (%s), %.6g m pixels, %zu x %zu, %s%s\n", prog,
                hs_kernel_name(in.kernel), in.bandwidth_m, hs_bandwidth_rule_name(in.rule),
                in.pixel_size_m, in.width, in.height, units[in.units],
                a->ko.binned ? ", BINNED (approximate: incidents at pixel centres)" : "");
        if (rc)
            fprintf(err, "%s: compared with %llu incidents of --versus\n", prog,
                    (unsigned long long)hs_incidents_count(vs));
        fprintf(err, "%s: %zu pixels with data, max %.6g, sum %.6g\n", prog, fi.data_pixels, fi.max,
                fi.sum);
        fprintf(err, "%s: wrote %s%s\n", prog, a->output,
                is_tif(a->output) ? " (+ .qml style, .json sidecar)" : " (+ .prj)");
        if (a->ncontours)
            fprintf(err, "%s: wrote outlines to %s\n", prog,
                    a->contours_out ? a->contours_out : contours);
    }
    free(contours);
    hs_raster_destroy(rc);
    hs_raster_destroy(rv);
    hs_raster_destroy(r);
    hs_units_destroy(ext);
    hs_units_destroy(mask);
    hs_incidents_destroy(vs);
    hs_incidents_destroy(inc);
    return st;
}

static void print_concentration(FILE *err, const char *what, const hs_concentration *c) {
    fprintf(err, "%s: %s: top 1%% of units hold %.1f%%, top 5%% %.1f%%, top 10%% %.1f%%; Gini %.3f",
            prog, what, c->top_share_pct[0], c->top_share_pct[1], c->top_share_pct[2], c->gini);
    if (c->gini_generalised != c->gini) fprintf(err, " (generalised %.3f)", c->gini_generalised);
    fputc('\n', err);
}

/* Nothing is dropped quietly: incidents outside every unit are said. */
static void print_outside(FILE *err, const args *a, const hs_incidents *inc,
                          const uint32_t *unit_of, size_t n) {
    size_t outside = 0, ni = hs_incidents_count(inc);
    for (size_t i = 0; i < ni; i++)
        outside += unit_of[i] >= n;
    if (outside)
        fprintf(err, "%s: %zu incidents lie outside the units and are not counted%s\n", prog,
                outside, a->rejects ? " (listed in the rejects file)" : "");
}

/* --harm: each incident's weight from its crime type; says how many had
 * a type the table lacks. */
static hs_status apply_harm(hs_ctx *ctx, const args *a, hs_incidents *inc, FILE *err) {
    uint64_t miss = 0;
    hs_status st = hs_incidents_apply_harm(ctx, inc, a->harm, &miss);
    if (!st && miss && !a->quiet)
        fprintf(err, "%s: warning: %" PRIu64 " incidents are of crime types not in %s: harm 0\n",
                prog, miss, a->harm);
    return st;
}

/* The units of hotspots/trend: the polygons of --units, or grid cells over
 * the inputs' box with the empty ones; neighbours built; each incident's
 * unit. */
static hs_status ranked_units(hs_ctx *ctx, args *a, const hs_incidents *inc, hs_grid **grid,
                              hs_units **u, uint32_t **unit_of, FILE *err) {
    hs_status st = HS_OK;
    if (a->units_shp) {
        st = hs_units_create(ctx, u);
        if (!st) st = hs_units_read_shapefile(ctx, a->units_shp, &a->lo, *u);
        if (!st && !a->quiet) print_notes(err, *u);
    } else {
        a->go.include_empty = 1;
        st = hs_grid_count(ctx, inc, &a->go, grid);
        if (!st) st = hs_units_from_grid(ctx, *grid, u);
    }
    if (!st)
        st = a->nbdist > 0 ? hs_units_build_neighbours_distance(ctx, *u, a->nbdist)
                           : hs_units_build_neighbours(ctx, *u, a->units_shp ? a->snap : 0);
    if (!st) {
        *unit_of = malloc((hs_incidents_count(inc) + 1) * sizeof **unit_of);
        st = !*unit_of ? HS_ENOMEM
             : *grid   ? hs_grid_locate(ctx, *grid, inc, *unit_of)
                       : hs_units_locate(ctx, *u, inc, *unit_of);
    }
    return st;
}

static hs_status run_hotspots(hs_ctx *ctx, args *a, FILE *err) {
    hs_incidents *inc = NULL;
    hs_units *u = NULL, *wards = NULL;
    hs_grid *grid = NULL;
    hs_hotspots *h = NULL;
    uint32_t *unit_of = NULL;
    hs_status st = read_inputs(ctx, a, &inc, err);
    if (!st && a->harm) st = apply_harm(ctx, a, inc, err);
    if (!st) st = ranked_units(ctx, a, inc, &grid, &u, &unit_of, err);
    for (size_t i = 0; i < a->nlayers && !st; i++) {
        if (!wards) st = hs_units_create(ctx, &wards);
        if (!st) st = hs_units_read_shapefile(ctx, a->layers[i], NULL, wards);
    }
    if (!st) st = hs_hotspots_compute(ctx, u, inc, unit_of, wards, &a->ho, &h);
    if (!st) st = hs_hotspots_write(ctx, h, a->output);
    if (!st && a->summary) st = hs_hotspots_write_summary(ctx, h, a->summary);
    if (!st && a->rejects) st = hs_incidents_write_rejects(ctx, inc, unit_of, a->rejects);
    if (!st && !a->quiet) {
        hs_concentration cc, chm;
        hs_hotspots_concentration(h, &cc, &chm);
        fprintf(err, "%s: %zu units (%s), %zu hotspots%s\n", prog, hs_units_count(u),
                a->units_shp ? a->units_shp : "grid cells", hs_hotspots_count(h),
                a->ho.significant ? " significantly hot at 95%" : "");
        print_outside(err, a, inc, unit_of, hs_units_count(u));
        print_concentration(err, "incidents", &cc);
        if (a->harm) print_concentration(err, "harm", &chm);
        hs_hotspot top;
        hs_unit un;
        if (hs_hotspots_get(h, 0, &top) == HS_OK && hs_units_get(u, top.unit, &un) == HS_OK)
            fprintf(err,
                    "%s: first: %s with %" PRIu64 " incidents (%.1f%% of the %s, PAI %.1f, "
                    "Gi* z %.2f)\n",
                    prog, un.code, top.count, top.share_pct, a->harm ? "harm" : "incidents",
                    top.pai, top.gistar_z);
        fprintf(err, "%s: wrote %s%s\n", prog, a->output,
                a->summary ? " and the concentration summary" : "");
    }
    hs_hotspots_destroy(h);
    free(unit_of);
    hs_units_destroy(wards);
    hs_units_destroy(u);
    hs_grid_destroy(grid);
    hs_incidents_destroy(inc);
    return st;
}

static hs_status run_change(hs_ctx *ctx, args *a, FILE *err) {
    hs_incidents *inc = NULL;
    hs_units *u = NULL;
    hs_grid *grid = NULL;
    hs_tally *t = NULL;
    uint32_t *unit_of = NULL;
    hs_status st = read_inputs(ctx, a, &inc, err);
    if (!st && a->units_shp) {
        st = hs_units_create(ctx, &u);
        if (!st) st = hs_units_read_shapefile(ctx, a->units_shp, &a->lo, u);
        if (!st && !a->quiet) print_notes(err, u);
    } else if (!st) {
        st = hs_grid_count(ctx, inc, &a->go, &grid); /* cells with incidents in either period */
        if (!st) st = hs_units_from_grid(ctx, grid, &u);
    }
    if (!st) {
        unit_of = malloc((hs_incidents_count(inc) + 1) * sizeof *unit_of);
        st = !unit_of ? HS_ENOMEM
             : grid   ? hs_grid_locate(ctx, grid, inc, unit_of)
                      : hs_units_locate(ctx, u, inc, unit_of);
    }
    if (!st) st = hs_tally_compute(ctx, u, inc, unit_of, &a->to, &t);
    if (!st) st = hs_tally_write(ctx, t, a->output);
    if (!st && a->rejects) st = hs_incidents_write_rejects(ctx, inc, unit_of, a->rejects);
    if (!st && !a->quiet) {
        hs_tally_summary s;
        hs_tally_summary_get(t, &s);
        size_t up = 0, down = 0;
        for (size_t i = 0; i < hs_units_count(u); i++) {
            hs_tally_row r;
            hs_tally_row_get(t, i, &r);
            if (r.change_p < 0.05 && r.change > 0) up++;
            if (r.change_p < 0.05 && r.change < 0) down++;
        }
        fprintf(err,
                "%s: %zu units: %" PRIu64 " incidents after, %" PRIu64 " before; %zu rose and "
                "%zu fell significantly (p < 0.05, exact binomial test)\n",
                prog, hs_units_count(u), s.in_units, s.in_compare, up, down);
        fprintf(err, "%s: wrote %s\n", prog, a->output);
    }
    hs_tally_destroy(t);
    free(unit_of);
    hs_units_destroy(u);
    hs_grid_destroy(grid);
    hs_incidents_destroy(inc);
    return st;
}

static int cmp_curve(const void *x, const void *y) {
    const double *a = x, *b = y; /* {prediction, after, area, index} */
    if (a[0] != b[0]) return a[0] < b[0] ? 1 : -1;
    return (a[3] > b[3]) - (a[3] < b[3]);
}

static hs_status run_evaluate(hs_ctx *ctx, args *a, FILE *err) {
    hs_incidents *inc = NULL;
    hs_units *u = NULL;
    hs_grid *grid = NULL;
    hs_tally *t = NULL;
    hs_patrol_site *sites = NULL;
    size_t nsites = 0;
    uint32_t *unit_of = NULL;
    double *after = NULL, *before = NULL, *area = NULL, *curve = NULL;
    int *chosen = NULL;
    hs_output *of = NULL, *oc = NULL;
    hs_status st = hs_patrol_sites_read(ctx, a->hotspots, &sites, &nsites);
    if (!st) st = read_inputs(ctx, a, &inc, err);
    if (!st && a->units_shp) {
        st = hs_units_create(ctx, &u);
        if (!st) st = hs_units_read_shapefile(ctx, a->units_shp, &a->lo, u);
    } else if (!st) {
        a->go.include_empty = 1; /* the study area: as hotspot hotspots lays it */
        st = hs_grid_count(ctx, inc, &a->go, &grid);
        if (!st) st = hs_units_from_grid(ctx, grid, &u);
    }
    size_t n = u ? hs_units_count(u) : 0, found = 0;
    if (!st) {
        unit_of = malloc((hs_incidents_count(inc) + 1) * sizeof *unit_of);
        after = calloc(n + 1, sizeof *after), before = calloc(n + 1, sizeof *before);
        area = calloc(n + 1, sizeof *area), chosen = calloc(n + 1, sizeof *chosen);
        curve = calloc(4 * (n + 1), sizeof *curve);
        st = !unit_of || !after || !before || !area || !chosen || !curve ? HS_ENOMEM
             : grid ? hs_grid_locate(ctx, grid, inc, unit_of)
                    : hs_units_locate(ctx, u, inc, unit_of);
    }
    if (!st) st = hs_tally_compute(ctx, u, inc, unit_of, &a->to, &t);
    hs_capture cap;
    if (!st) {
        for (size_t i = 0; i < n; i++) {
            hs_tally_row r;
            hs_unit un;
            hs_tally_row_get(t, i, &r);
            hs_units_get(u, i, &un);
            after[i] = (double)r.count;
            before[i] = (double)r.count_compare;
            area[i] = un.area_m2;
            for (size_t k = 0; k < nsites && !chosen[i]; k++)
                chosen[i] = !strcmp(sites[k].id, un.code);
            found += chosen[i] != 0;
        }
        st = hs_capture_compute(after, a->to.compare_from ? before : NULL, area, chosen, n, &cap);
    }
    if (!st && found < nsites)
        fprintf(err,
                "%s: warning: %zu of the %zu hotspots are not among these units (other cell "
                "size or layer?)\n",
                prog, nsites - found, nsites);
    FILE *f = NULL;
    if (!st) st = hs_output_open(ctx, a->output, &of, &f);
    if (!st) {
        double N = 0, nin = 0, A = 0, ain = 0;
        for (size_t i = 0; i < n; i++) {
            N += after[i], A += area[i];
            if (chosen[i]) nin += after[i], ain += area[i];
        }
        fprintf(f,
                "measure,value\nhotspots,%zu\nincidents_in_hotspots,%.0f\nincidents,%.0f\n"
                "hotspot_area_km2,%.6f\nstudy_area_km2,%.6f\nhit_rate_pct,%.4f\npai,%.4f\n"
                "pei,%.4f\n",
                found, nin, N, ain / 1e6, A / 1e6, cap.hit_rate_pct, cap.pai, cap.pei);
        if (a->to.compare_from) fprintf(f, "rri,%.4f\n", cap.rri);
    }
    if (!st && a->curve) {
        /* Units ranked by the period chosen on (or the measured one when no
         * --before: the best possible curve). */
        for (size_t i = 0; i < n; i++) {
            curve[4 * i] = a->to.compare_from ? before[i] : after[i];
            curve[4 * i + 1] = after[i];
            curve[4 * i + 2] = area[i];
            curve[4 * i + 3] = (double)i;
        }
        qsort(curve, n, 4 * sizeof *curve, cmp_curve);
        double N = 0, A = 0, cn = 0, ca = 0;
        for (size_t i = 0; i < n; i++)
            N += after[i], A += area[i];
        st = hs_output_open(ctx, a->curve, &oc, &f);
        if (!st) {
            fputs("units,share_of_area_pct,share_of_incidents_pct\n0,0,0\n", f);
            for (size_t i = 0; i < n; i++) {
                cn += curve[4 * i + 1], ca += curve[4 * i + 2];
                fprintf(f, "%zu,%.6f,%.6f\n", i + 1, A > 0 ? 100 * ca / A : 0,
                        N > 0 ? 100 * cn / N : 0);
            }
        }
    }
    /* Both are part of the run's job: they replace their targets together. */
    hs_status cst = hs_output_close(ctx, of, !st);
    if (!st) st = cst;
    cst = hs_output_close(ctx, oc, !st);
    if (!st) st = cst;
    if (!st && !a->quiet) {
        fprintf(err, "%s: %zu hotspots on %zu units: hit rate %.1f%%, PAI %.2f, PEI %.2f", prog,
                found, n, cap.hit_rate_pct, cap.pai, cap.pei);
        if (a->to.compare_from) fprintf(err, ", RRI %.2f", cap.rri);
        fprintf(err, "\n%s: wrote %s%s%s\n", prog, a->output, a->curve ? " and " : "",
                a->curve ? a->curve : "");
    }
    free(curve), free(chosen), free(area), free(before), free(after), free(unit_of);
    hs_tally_destroy(t);
    hs_units_destroy(u);
    hs_grid_destroy(grid);
    hs_patrol_sites_free(sites, nsites);
    hs_incidents_destroy(inc);
    return st;
}

static bool ends_with_csv(const char *p) {
    size_t n = strlen(p);
    return n >= 4 && !strcasecmp(p + n - 4, ".csv");
}

static hs_status run_displacement(hs_ctx *ctx, args *a, FILE *err) {
    hs_incidents *inc = NULL;
    hs_units *treated = NULL, *control = NULL;
    hs_patrol_site *sites = NULL;
    size_t nsites = 0;
    hs_displacement dq;
    hs_status st = read_inputs(ctx, a, &inc, err);
    if (!st && ends_with_csv(a->treated)) {
        st = hs_patrol_sites_read(ctx, a->treated, &sites, &nsites);
        if (!st) st = hs_patrol_sites_check(ctx, sites, nsites);
        const char **ids = st ? NULL : malloc((nsites + 1) * sizeof *ids);
        if (!st && !ids) st = HS_ENOMEM;
        for (size_t i = 0; !st && i < nsites; i++)
            ids[i] = sites[i].id;
        if (!st) st = hs_units_from_cell_ids(ctx, ids, nsites, &treated);
        free(ids);
    } else if (!st) {
        st = hs_units_create(ctx, &treated);
        if (!st) st = hs_units_read_shapefile(ctx, a->treated, NULL, treated);
    }
    if (!st) st = hs_units_create(ctx, &control);
    if (!st)
        st = a->control ? hs_units_read_shapefile(ctx, a->control, NULL, control)
                        : hs_units_read_builtin(ctx, "gravesham-wards-2013", control);
    if (!st)
        st = hs_displacement_compute(ctx, inc, treated, a->buffer_m, control, a->to.compare_from,
                                     a->to.compare_to, a->to.from, a->to.to, &dq);
    hs_output *of = NULL;
    FILE *f = NULL;
    if (!st) st = hs_output_open(ctx, a->output, &of, &f);
    const char *reading = "";
    if (!st) {
        double w = dq.wdq.wdq;
        reading = !(dq.wdq.success < 0) ? "no success in the treated area: WDQ not interpreted"
                  : w > 1               ? "diffusion of benefits larger than the direct effect"
                  : w > 0               ? "diffusion of benefits into the buffer"
                  : w == 0              ? "no displacement, no diffusion"
                  : w >= -1             ? "some displacement, smaller than the direct effect"
                                        : "displacement larger than the direct effect";
        fprintf(f,
                "measure,value\ntreated_before,%.6g\ntreated_after,%.6g\nbuffer_before,%.6g\n"
                "buffer_after,%.6g\ncontrol_before,%.6g\ncontrol_after,%.6g\ntreated_km2,%.6f\n"
                "buffer_km2,%.6f\ncontrol_km2,%.6f\nsuccess_measure,%.6g\n"
                "buffer_displacement_measure,%.6g\nwdq,%.6g\ntotal_net_effect,%.6g\n"
                "reading,\"%s\"\n",
                dq.a0, dq.a1, dq.b0, dq.b1, dq.c0, dq.c1, dq.area_km2[0], dq.area_km2[1],
                dq.area_km2[2], dq.wdq.success, dq.wdq.buffer, dq.wdq.wdq, dq.wdq.net_effect,
                reading);
        st = hs_output_close(ctx, of, 1);
    }
    if (!st && !a->quiet) {
        fprintf(err, "%s: treated %.0f -> %.0f, buffer %.0f -> %.0f, control %.0f -> %.0f\n", prog,
                dq.a0, dq.a1, dq.b0, dq.b1, dq.c0, dq.c1);
        fprintf(err, "%s: success measure %.4g, WDQ %.4g: %s; net effect %.1f incidents\n", prog,
                dq.wdq.success, dq.wdq.wdq, reading, dq.wdq.net_effect);
        fprintf(err, "%s: wrote %s\n", prog, a->output);
    }
    hs_units_destroy(control);
    hs_units_destroy(treated);
    hs_patrol_sites_free(sites, nsites);
    hs_incidents_destroy(inc);
    return st;
}

static hs_status run_trend(hs_ctx *ctx, args *a, FILE *err) {
    hs_incidents *inc = NULL;
    hs_units *u = NULL;
    hs_grid *grid = NULL;
    hs_trend *t = NULL;
    uint32_t *unit_of = NULL;
    a->tro.fdr = a->ho.fdr;
    hs_status st = read_inputs(ctx, a, &inc, err);
    if (!st) st = ranked_units(ctx, a, inc, &grid, &u, &unit_of, err);
    if (!st) st = hs_trend_compute(ctx, u, inc, unit_of, &a->tro, &t);
    if (!st) st = hs_trend_write(ctx, t, a->output);
    if (!st && a->rejects) st = hs_incidents_write_rejects(ctx, inc, unit_of, a->rejects);
    if (!st && !a->quiet) {
        size_t np = hs_trend_period_count(t), n = hs_units_count(u);
        size_t by[HS_EMERGING_COUNT_] = {0};
        hs_trend_unit r;
        for (size_t i = 0; i < n; i++)
            if (hs_trend_unit_get(t, i, &r) == HS_OK) by[r.category]++;
        fprintf(err, "%s: %zu units (%s), %zu periods %s..%s%s\n", prog, n,
                a->units_shp ? a->units_shp : "grid cells", np, hs_trend_period_label(t, 0),
                hs_trend_period_label(t, np - 1),
                np < 10 ? " (fewer than 10: trends and 'mostly' categories are weak)" : "");
        print_outside(err, a, inc, unit_of, n);
        if (hs_trend_undated(t))
            fprintf(err, "%s: %" PRIu64 " incidents have no date and are not counted\n", prog,
                    hs_trend_undated(t));
        for (int e = 1; e < HS_EMERGING_COUNT_; e++)
            if (by[e])
                fprintf(err, "%s:   %-24s %zu\n", prog, hs_emerging_name((hs_emerging)e), by[e]);
        fprintf(err, "%s: wrote %s\n", prog, a->output);
    }
    hs_trend_destroy(t);
    free(unit_of);
    hs_units_destroy(u);
    hs_grid_destroy(grid);
    hs_incidents_destroy(inc);
    return st;
}

static hs_status run_patrol(hs_ctx *ctx, args *a, FILE *err) {
    hs_patrol_site *sites = NULL;
    size_t n = 0;
    hs_units *u = NULL;
    hs_status st = hs_patrol_sites_read(ctx, a->inputs[0], &sites, &n);
    if (!st) st = hs_patrol_plan_write(ctx, sites, n, &a->po, a->output);
    if (!st && a->geofences && a->units_shp) {
        st = hs_units_create(ctx, &u);
        if (!st) st = hs_units_read_shapefile(ctx, a->units_shp, NULL, u);
    }
    if (!st && a->geofences) st = hs_patrol_geofences_write(ctx, sites, n, u, a->geofences);
    if (!st && !a->quiet) {
        fprintf(err,
                "%s: %zu hotspots, %d days, %d visits of %d minutes a patrolled day%s; seed %llu\n",
                prog, n, a->po.days, a->po.visits_per_day, a->po.minutes,
                a->po.half ? ", half patrolled each day (balanced control days)" : "",
                (unsigned long long)a->po.seed);
        fprintf(err, "%s: wrote %s%s%s\n", prog, a->output, a->geofences ? " and " : "",
                a->geofences ? a->geofences : "");
    }
    hs_units_destroy(u);
    hs_patrol_sites_free(sites, n);
    return st;
}

/* hotspot check: one line a file on stdout (and a total for several),
 * from hs_incidents_check_csv, which keeps nothing. */
static void print_check(FILE *out, const char *name, const hs_read_summary *s) {
    uint64_t rej = 0;
    for (int r = 0; r < HS_REJECT_COUNT_; r++)
        rej += s->rejected[r];
    fprintf(out, "%s: %" PRIu64 " rows read: %" PRIu64 " used, %" PRIu64 " rejected", name,
            s->rows_read, s->rows_used, rej);
    print_reasons(out, s);
    fputc('\n', out);
}

static hs_status run_check(hs_ctx *ctx, args *a, FILE *out) {
    hs_read_summary all;
    memset(&all, 0, sizeof all);
    for (int i = 0; i < a->ninputs; i++) {
        hs_read_summary s;
        hs_status st = hs_incidents_check_csv(ctx, a->inputs[i], &a->ro, &s);
        if (st) return st;
        print_check(out, a->inputs[i], &s);
        all.rows_read += s.rows_read;
        all.rows_used += s.rows_used;
        for (int r = 0; r < HS_REJECT_COUNT_; r++)
            all.rejected[r] += s.rejected[r];
    }
    if (a->ninputs > 1) print_check(out, "total", &all);
    return HS_OK;
}

/* ---- hotspot report ------------------------------------------------------ */

/* --config FILE: "name = value" lines (option names without --; "input =
 * FILE" for inputs; a bare name or "name = yes" for a switch; # comments)
 * placed before the command line, so the command line wins. */
static int with_config(args *a, int *argc, char ***argv, char ***cargv, FILE *err) {
    const char *path = NULL;
    for (int i = 0; i < *argc; i++) {
        const char *p = strcmp((*argv)[i], "--config") == 0 && i + 1 < *argc ? (*argv)[i + 1]
                        : strncmp((*argv)[i], "--config=", 9) == 0           ? (*argv)[i] + 9
                                                                             : NULL;
        if (p && path) {
            fprintf(err, "%s: --config given twice ('%s' and '%s'): give one file\n", prog, path,
                    p);
            return HS_EXIT_USAGE;
        }
        if (p) path = p;
    }
    if (!path) return HS_EXIT_OK;
    a->config = path;
    /* A settings file: a regular file of at most 1 MB (not /dev/zero or a
     * pipe, which would never end), any line length, LF, CRLF or CR line
     * ends, a UTF-8 byte-order mark ignored. */
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f || fstat(fileno(f), &sb) != 0) {
        fprintf(err, "%s: %s: %s\n", prog, path, strerror(errno));
        if (f) fclose(f);
        return HS_EXIT_USAGE;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size > (1 << 20)) {
        fprintf(err, "%s: %s: %s\n", prog, path,
                S_ISREG(sb.st_mode) ? "larger than 1 MB: not a settings file"
                                    : "not a regular file (settings are read from a file)");
        fclose(f);
        return HS_EXIT_USAGE;
    }
    char *text = malloc((size_t)sb.st_size + 1);
    size_t tlen = text ? fread(text, 1, (size_t)sb.st_size, f) : 0;
    fclose(f);
    if (!text) return HS_EXIT_NOMEM;
    text[tlen] = 0;
    if (strlen(text) != tlen) {
        fprintf(err, "%s: %s: holds a NUL byte: not a settings file\n", prog, path);
        free(text);
        return HS_EXIT_USAGE;
    }
    char *next = text;
    if (tlen >= 3 && memcmp(next, "\xEF\xBB\xBF", 3) == 0) next += 3;
    char **tok = NULL;
    size_t ntok = 0;
    int rc = HS_EXIT_OK;
    for (unsigned long ln = 1; rc == HS_EXIT_OK && *next; ln++) {
        char *line = next;
        size_t L = strcspn(line, "\r\n");
        next = line + L;
        if (*next == '\r' && next[1] == '\n') *next++ = 0;
        if (*next) *next++ = 0;
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '#' || *s == '\n' || *s == '\r' || *s == 0) continue;
        char *end = s + strlen(s);
        while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
            *--end = 0;
        char *eq = strchr(s, '='), *val = NULL;
        if (eq) {
            val = eq + 1;
            while (*val == ' ' || *val == '\t')
                val++;
            char *k = eq;
            while (k > s && (k[-1] == ' ' || k[-1] == '\t'))
                k--;
            *k = 0;
        }
        if (strcmp(s, "input") == 0) {
            char *v = val && *val ? keep(a, val) : NULL;
            if (!v || !push(&tok, &ntok, v)) rc = v ? HS_EXIT_NOMEM : HS_EXIT_USAGE;
            if (rc == HS_EXIT_USAGE) fprintf(err, "%s:%lu: input needs a file\n", path, ln);
            continue;
        }
        const opt_def *o = NULL;
        for (const opt_def *d = opts; d->name && !o; d++)
            if ((d->cmds & C_REPORT) && strcmp(d->name, s) == 0 && d->id != O_CONFIG) o = d;
        if (!o) {
            fprintf(err,
                    "%s:%lu: unknown setting '%s' (settings are the long options of "
                    "'hotspot report --help', without --)\n",
                    path, ln, s);
            rc = HS_EXIT_USAGE;
            break;
        }
        bool on = true;
        if (!o->arg && val) {
            on = !strcasecmp(val, "yes") || !strcasecmp(val, "true") || !strcasecmp(val, "on") ||
                 !strcmp(val, "1");
            if (!on && strcasecmp(val, "no") && strcasecmp(val, "false") &&
                strcasecmp(val, "off") && strcmp(val, "0")) {
                fprintf(err, "%s:%lu: %s is a switch: yes or no, not '%s'\n", path, ln, s, val);
                rc = HS_EXIT_USAGE;
                break;
            }
        }
        if (o->arg && (!val || !*val)) {
            fprintf(err, "%s:%lu: %s needs a value (%s)\n", path, ln, s, o->arg);
            rc = HS_EXIT_USAGE;
            break;
        }
        if (!on) continue;
        char opt[128];
        snprintf(opt, sizeof opt, "--%s", o->name);
        char *k = keep(a, opt), *v = o->arg ? keep(a, val) : NULL;
        if (!k || (o->arg && !v) || !push(&tok, &ntok, k) || (v && !push(&tok, &ntok, v)))
            rc = HS_EXIT_NOMEM;
    }
    free(text);
    if (rc == HS_EXIT_OK) {
        char **av = calloc(ntok + (size_t)*argc + 1, sizeof *av);
        if (!av) {
            rc = HS_EXIT_NOMEM;
        } else {
            if (ntok) memcpy(av, tok, ntok * sizeof *av); /* tok is NULL when empty */
            memcpy(av + ntok, *argv, (size_t)*argc * sizeof *av);
            *argc += (int)ntok;
            *argv = av;
            *cargv = av;
        }
    }
    free(tok);
    return rc;
}

/* The cells of the study area: those whose centre lies in a ward, and
 * those holding an incident (which lies in a ward: report keeps only those),
 * so that Gi* and the concentration figures are not diluted by the sea or
 * the next borough, and no incident is lost at the edge. */
static hs_status study_cells(hs_ctx *ctx, const hs_grid *grid, const hs_units *wards,
                             hs_units **out) {
    size_t n = hs_grid_cell_count(grid);
    double *x = malloc((n + 1) * sizeof *x), *y = malloc((n + 1) * sizeof *y);
    uint32_t *of = malloc((n + 1) * sizeof *of);
    char **ids = calloc(n + 1, sizeof *ids);
    hs_status st = x && y && of && ids ? HS_OK : HS_ENOMEM;
    for (size_t i = 0; !st && i < n; i++) {
        hs_cell c;
        hs_grid_cell(grid, i, &c);
        x[i] = c.cx, y[i] = c.cy;
    }
    if (!st) st = hs_units_locate_xy(ctx, wards, x, y, n, of);
    size_t k = 0;
    for (size_t i = 0; !st && i < n; i++) {
        hs_cell c;
        hs_grid_cell(grid, i, &c);
        if (of[i] == HS_NO_UNIT && c.count == 0) continue;
        char id[64];
        hs_grid_cell_id(grid, i, id, sizeof id);
        if (!(ids[k++] = strdup(id))) st = HS_ENOMEM;
    }
    if (!st) st = hs_units_from_cell_ids(ctx, (const char *const *)ids, k, out);
    for (size_t i = 0; ids && i < k; i++)
        free(ids[i]);
    free(ids);
    free(x);
    free(y);
    free(of);
    return st;
}

/* Stage lines on stderr for a person at a terminal; nothing when piped. */
typedef struct stages {
    FILE *err;
    bool on;
    int k, n;
} stages;

/* A stage done, with its counts. */
static void stage(stages *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void stage(stages *s, const char *fmt, ...) {
    s->k++;
    if (!s->on) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(s->err, "%s: [%d/%d] ", prog, s->k, s->n);
    vfprintf(s->err, fmt, ap);
    fputc('\n', s->err);
    va_end(ap);
}

static char *in_folder(args *a, const char *name) {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", a->output, name);
    return keep(a, buf);
}

static hs_status run_report(hs_ctx *ctx, args *a, FILE *err) {
    if (mkdir(a->output, 0777) == 0)
        a->made_folder = true;
    else if (errno != EEXIST) {
        fprintf(err, "%s: %s: cannot make the folder: %s\n", prog, a->output, strerror(errno));
        return HS_EIO;
    } else {
        struct stat sb;
        if (stat(a->output, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            fprintf(err, "%s: %s: is a file, not a folder (-o names the report's folder)\n", prog,
                    a->output);
            return HS_EIO;
        }
    }
    stages sg = {err, !a->quiet && isatty(fileno(err)), 0, 9};
    hs_units *wards = NULL, *cells = NULL;
    hs_incidents *inc = NULL;
    hs_tally *t = NULL;
    hs_grid *grid = NULL, *hgrid = NULL;
    hs_raster *r = NULL;
    hs_hotspots *h = NULL;
    hs_patrol_site *sites = NULL;
    size_t nsites = 0;
    uint32_t *unit_of = NULL, *cell_of = NULL;
    uint8_t *inside = NULL;
    char *p_wards = in_folder(a, "wards.geojson"), *p_wcsv = in_folder(a, "wards.csv"),
         *p_grid = in_folder(a, "grid.geojson"), *p_kde = in_folder(a, "density.tif"),
         *p_hot = in_folder(a, "hotspots.geojson"), *p_hcsv = in_folder(a, "hotspots.csv"),
         *p_patrol = in_folder(a, "patrol.csv"), *p_rej = in_folder(a, "rejects.csv"),
         *p_qgs = in_folder(a, "project.qgs"), *p_html = in_folder(a, "report.html");
    if (!p_wards || !p_wcsv || !p_grid || !p_kde || !p_hot || !p_hcsv || !p_patrol || !p_rej ||
        !p_qgs || !p_html)
        return HS_ENOMEM;
    /* An input named like one of the report's files, in its folder, is refused
     * before any work. */
    const char *const every[] = {p_wards, p_wcsv,   p_grid, p_kde, p_hot,
                                 p_hcsv,  p_patrol, p_rej,  p_qgs, p_html};
    hs_status st0 = HS_OK;
    for (size_t i = 0; i < sizeof every / sizeof *every && !st0; i++)
        st0 = hs_ctx_output_check(ctx, every[i]);
    if (st0) return st0;

    hs_status st = hs_units_create(ctx, &wards);
    for (size_t i = 0; i < a->nlayers && !st; i++)
        st = hs_units_read_shapefile(ctx, a->layers[i], &a->lo, wards);
    if (!st && a->nlayers == 0) st = hs_units_read_builtin(ctx, "gravesham-wards-2013", wards);
    if (!st && !a->quiet) print_notes(err, wards);
    if (!st) stage(&sg, "wards: %zu polygons", hs_units_count(wards));
    if (!st) st = read_inputs(ctx, a, &inc, err);
    if (!st) stage(&sg, "incidents read once: %zu", hs_incidents_count(inc));
    if (!st && a->harm) st = apply_harm(ctx, a, inc, err);
    size_t n = inc ? hs_incidents_count(inc) : 0, nin = 0;
    if (!st) {
        unit_of = malloc((n + 1) * sizeof *unit_of);
        inside = malloc(n + 1);
        if (!unit_of || !inside) st = HS_ENOMEM;
    }
    if (!st) st = hs_units_locate(ctx, wards, inc, unit_of);
    if (!st) st = hs_tally_compute(ctx, wards, inc, unit_of, &a->to, &t);
    size_t unmatched = 0;
    if (!st && a->population) st = hs_tally_set_population(ctx, t, a->population, &unmatched);
    if (!st) st = hs_tally_write(ctx, t, p_wards);
    if (!st) st = hs_tally_write(ctx, t, p_wcsv);
    if (!st) st = hs_incidents_write_rejects(ctx, inc, NULL, p_rej);
    /* The study area is the wards: the grid, the density and the hotspots
     * cover the incidents inside them (and in the main period). */
    if (!st) st = hs_incidents_in_period(ctx, inc, a->to.from, a->to.to, inside);
    for (size_t i = 0; !st && i < n; i++) {
        inside[i] = inside[i] && unit_of[i] != HS_NO_UNIT;
        nin += inside[i];
    }
    if (!st) st = hs_incidents_keep(ctx, inc, inside);
    if (!st && nin == 0) {
        fprintf(err, "%s: no incident lies inside the wards: nothing to map\n", prog);
        st = HS_ENODATA;
    }
    if (!st) {
        hs_tally_summary ts;
        hs_tally_summary_get(t, &ts);
        stage(&sg, "ward table: %" PRIu64 " incidents in the wards, %" PRIu64 " outside",
              ts.in_units, ts.outside);
        st = hs_grid_count(ctx, inc, &a->go, &grid);
    }
    if (!st) st = hs_grid_write(ctx, grid, p_grid);
    if (!st) stage(&sg, "grid: %zu cells of %g m", hs_grid_cell_count(grid), a->go.cell_size_m);
    double box[4];
    if (!st) st = hs_units_bounds(ctx, wards, box);
    if (!st) {
        if (!a->ko.has_extent) {
            memcpy(a->ko.extent, box, sizeof box);
            a->ko.has_extent = 1;
        }
        if (!a->ko.mask) a->ko.mask = wards;
        st = hs_kde_compute(ctx, inc, &a->ko, &r);
    }
    if (!st) st = hs_raster_write(ctx, r, p_kde);
    if (!st) {
        hs_raster_info ri;
        hs_raster_info_get(r, &ri);
        stage(&sg, "density: %zu x %zu pixels of %g m, bandwidth %.0f m", ri.width, ri.height,
              ri.pixel_size_m, ri.bandwidth_m);
        a->go.include_empty = 1;
        st = hs_grid_count(ctx, inc, &a->go, &hgrid);
    }
    if (!st) st = study_cells(ctx, hgrid, wards, &cells);
    if (!st) st = hs_units_build_neighbours(ctx, cells, 0);
    if (!st) {
        cell_of = malloc((hs_incidents_count(inc) + 1) * sizeof *cell_of);
        st = cell_of ? hs_units_locate(ctx, cells, inc, cell_of) : HS_ENOMEM;
    }
    if (!st) st = hs_hotspots_compute(ctx, cells, inc, cell_of, wards, &a->ho, &h);
    if (!st) st = hs_hotspots_write(ctx, h, p_hot);
    if (!st) st = hs_hotspots_write(ctx, h, p_hcsv);
    if (!st) {
        stage(&sg, "Gi* hotspots: the top %zu of %zu cells", hs_hotspots_count(h),
              hs_units_count(cells));
        st = hs_patrol_sites_from_hotspots(ctx, h, &sites, &nsites);
    }
    if (!st) st = hs_patrol_plan_write(ctx, sites, nsites, &a->po, p_patrol);
    if (!st) {
        stage(&sg, "patrol plan: %zu places over %d days", nsites, a->po.days);
        static const char *const osdata =
            "Contains OS data (c) Crown copyright and database right; Office for National "
            "Statistics licensed under the Open Government Licence v3.0";
        static const char *const police =
            "Incidents: data.police.uk, Open Government Licence v3.0 (locations anonymised "
            "to snap points)";
        hs_project_layer layers[] = {
            {"Wards: incidents", "wards.geojson", "wards.qml", 0, "EPSG:4326", osdata},
            {"Kernel density", "density.tif", "density.qml", 1, NULL, police},
            {"Top hotspots", "hotspots.geojson", "hotspots.qml", 0, "EPSG:4326", police},
        };
        st = hs_project_write_qgs(ctx, layers, 3, a->title ? a->title : "Hotspot report", box,
                                  p_qgs);
    }
    if (!st) {
        stage(&sg, "QGIS project: wards, density, hotspots");
        char sub[512], ktxt[64], pix[32], cell[32], top[32], bw[32];
        hs_raster_info ri;
        hs_raster_info_get(r, &ri);
        hs_read_summary rs;
        hs_incidents_summary(inc, UINT32_MAX, &rs);
        /* What, when, how many: "Violence and sexual offences; 2024-01 to
         * 2024-04; 1428 incidents in 18 wards". */
        char types[256] = "All crime types", when[64] = "undated";
        for (size_t i = 0, o = 0; i < a->ntypes && o < sizeof types; i++)
            o += (size_t)snprintf(types + o, sizeof types - o, "%s%s", i ? ", " : "", a->types[i]);
        int64_t t0 = INT64_MAX, t1 = INT64_MIN;
        for (size_t i = 0; i < hs_incidents_count(inc); i++) {
            hs_incident e;
            hs_incidents_get(inc, i, &e);
            if (e.precision == HS_TIME_NONE) continue;
            t0 = e.time_s < t0 ? e.time_s : t0;
            t1 = e.time_s > t1 ? e.time_s : t1;
        }
        if (t0 <= t1) {
            time_t a0 = (time_t)t0, a1 = (time_t)t1;
            struct tm m0, m1;
            gmtime_r(&a0, &m0);
            gmtime_r(&a1, &m1);
            snprintf(when, sizeof when, "%04d-%02d to %04d-%02d", m0.tm_year + 1900, m0.tm_mon + 1,
                     m1.tm_year + 1900, m1.tm_mon + 1);
        }
        snprintf(sub, sizeof sub, "%s; %s; %zu incidents in %zu wards", types, when, nin,
                 hs_units_count(wards));
        snprintf(ktxt, sizeof ktxt, "%s, %s", hs_kernel_name(ri.kernel),
                 hs_bandwidth_rule_name(ri.rule));
        snprintf(bw, sizeof bw, "%.0f m", ri.bandwidth_m);
        snprintf(pix, sizeof pix, "%.0f m", ri.pixel_size_m);
        snprintf(cell, sizeof cell, "%.0f m %s", a->go.cell_size_m,
                 a->go.shape == HS_GRID_HEX ? "hexagons" : "squares");
        snprintf(top, sizeof top, "%zu%s", a->ho.top, a->ho.significant ? " (significant)" : "");
        const char *params[] = {"Crime types",
                                types,
                                "Period",
                                when,
                                "Cells",
                                cell,
                                "Kernel (bandwidth rule)",
                                ktxt,
                                "Bandwidth",
                                bw,
                                "Pixel",
                                pix,
                                "Hotspots",
                                top,
                                "Ranked by",
                                a->harm ? a->harm : "counts",
                                "Working CRS",
                                hs_ctx_crs(ctx)};
        const char *files[] = {"report.html",
                               "this page",
                               "project.qgs",
                               "QGIS project: wards, density, hotspots",
                               "wards.geojson, wards.csv",
                               "ward table (map layer and table)",
                               "grid.geojson",
                               "incidents per cell",
                               "density.tif",
                               "kernel density (GeoTIFF)",
                               "hotspots.geojson, hotspots.csv",
                               "top hotspots with Gi*",
                               "patrol.csv",
                               "randomised patrol schedule",
                               "rejects.csv",
                               "every rejected row and its reason"};
        const char *lic[] = {
            "Incidents: data.police.uk, Open Government Licence v3.0 (locations are anonymised "
            "to snap points; dates are months).",
            "Boundaries: Office for National Statistics, Open Government Licence v3.0; contains "
            "OS data (c) Crown copyright and database right."};
        hs_report rep = {
            a->title ? a->title : "Hotspot report", sub, inc, t, r, h, params, 9, files, 8, lic, 2};
        st = hs_report_write_html(ctx, &rep, p_html);
        if (!st) stage(&sg, "HTML report");
    }
    if (!st && !a->quiet) {
        hs_tally_summary ts;
        hs_tally_summary_get(t, &ts);
        fprintf(err, "%s: %" PRIu64 " incidents in %zu wards, %" PRIu64 " outside them\n", prog,
                ts.in_units, hs_units_count(wards), ts.outside);
        hs_concentration cc;
        hs_hotspots_concentration(h, &cc, NULL);
        print_concentration(err, "incidents", &cc);
        fprintf(err,
                "%s: wrote %s/: report.html (open in a browser), project.qgs (open in QGIS), "
                "wards, grid, density, hotspots (+ .qml styles), patrol.csv, rejects.csv\n",
                prog, a->output);
    }
    hs_patrol_sites_free(sites, nsites);
    hs_hotspots_destroy(h);
    hs_raster_destroy(r);
    hs_grid_destroy(hgrid);
    hs_grid_destroy(grid);
    hs_tally_destroy(t);
    hs_units_destroy(cells);
    hs_units_destroy(wards);
    hs_incidents_destroy(inc);
    free(unit_of);
    free(cell_of);
    free(inside);
    return st;
}

/* Before any work: the inputs are protected, and every output named on the
 * command line could be written (not an input, not a device or a link, not
 * a style someone else wrote, its folder there), so that a job is refused
 * whole rather than failing after its main output. */
static hs_status check_outputs(hs_ctx *ctx, args *a) {
    hs_status st = HS_OK;
    for (int i = 0; i < a->ninputs && !st; i++)
        st = hs_ctx_add_input(ctx, a->inputs[i]);
    const char *in[] = {a->population,   a->harm, a->hotspots, a->config, a->units_shp,
                        a->extent_layer, a->mask, a->treated,  a->control};
    for (size_t i = 0; i < sizeof in / sizeof *in && !st; i++)
        if (in[i]) st = hs_ctx_add_input(ctx, in[i]);
    for (size_t i = 0; i < a->nlayers && !st; i++)
        st = hs_ctx_add_input(ctx, a->layers[i]);
    for (size_t i = 0; i < a->nversus && !st; i++)
        st = hs_ctx_add_input(ctx, a->versus[i]);
    if (a->cmd == C_REPORT || a->cmd == C_CHECK) return st;
    const char *out[] = {a->output, a->rejects,   a->summary,
                         a->curve,  a->geofences, a->contours_out};
    for (size_t i = 0; i < sizeof out / sizeof *out && !st; i++)
        if (out[i]) st = hs_ctx_output_check(ctx, out[i]);
    return st;
}

static int run(int cmd, int argc, char **argv, FILE *out, FILE *err) {
    args a;
    memset(&a, 0, sizeof a);
    a.cmd = cmd;
    char **cargv = NULL;
    int rc = cmd == C_REPORT ? with_config(&a, &argc, &argv, &cargv, err) : 0;
    if (!rc) rc = parse_args(argc, argv, &a, err);
    if (rc || a.help) {
        if (a.help) usage_cmd(out, cmd);
        goto done;
    }
    hs_ctx *ctx = NULL;
    hs_status st = hs_ctx_create(&ctx);
    if (st) {
        fprintf(err, "%s: %s\n", prog, hs_status_string(st));
        rc = status_exit(st);
        goto done;
    }
    saved_signals sigs;
    signals_catch(&sigs);
    hs_ctx_set_progress(ctx, progress, NULL);
    /* Every file of the run appears at the end, together, or none does. */
    st = hs_ctx_outputs_begin(ctx);
    if (!st) st = hs_ctx_set_overwrite(ctx, a.overwrite);
    if (!st) st = check_outputs(ctx, &a);
    if (!st && a.crs) st = hs_ctx_set_crs(ctx, a.crs);
    if (!st && a.threads) st = hs_ctx_set_threads(ctx, a.threads);
    if (!st)
        st = cmd == C_GRID     ? run_grid(ctx, &a, err)
             : cmd == C_KDE    ? run_kde(ctx, &a, err)
             : cmd == C_HOT    ? run_hotspots(ctx, &a, err)
             : cmd == C_PATROL ? run_patrol(ctx, &a, err)
             : cmd == C_CHANGE ? run_change(ctx, &a, err)
             : cmd == C_EVAL   ? run_evaluate(ctx, &a, err)
             : cmd == C_DISP   ? run_displacement(ctx, &a, err)
             : cmd == C_TREND  ? run_trend(ctx, &a, err)
             : cmd == C_CHECK  ? run_check(ctx, &a, out)
             : cmd == C_REPORT ? run_report(ctx, &a, err)
                               : run_wards(ctx, &a, err);
    /* A signal after the last library call still stops the job: nothing
     * has replaced any target yet. */
    if (interrupted) st = HS_ECANCELED;
    if (!st) st = hs_ctx_outputs_commit(ctx);
    if (st) hs_ctx_outputs_abort(ctx);
    if (st && a.made_folder) rmdir(a.output); /* only if empty: as it was */
    signals_restore(&sigs);
    if (st == HS_ECANCELED) {
        fprintf(err, "%s: interrupted: no output written\n", prog);
        rc = HS_EXIT_INTERRUPTED;
    } else if (st) {
        const char *m = hs_ctx_last_error(ctx);
        fprintf(err, "%s: %s\n", prog, *m ? m : hs_status_string(st));
        rc = status_exit(st);
    }
    hs_ctx_destroy(ctx);
done:
    free(cargv);
    free(a.inputs);
    free(a.types);
    free(a.layers);
    free(a.versus);
    free(a.contours);
    for (size_t i = 0; i < a.nowned; i++)
        free(a.owned[i]);
    free(a.owned);
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
    if (strcmp(cmd, "grid") == 0) return run(C_GRID, argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "wards") == 0) return run(C_WARDS, argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "kde") == 0) return run(C_KDE, argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "hotspots") == 0) return run(C_HOT, argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "patrol") == 0) return run(C_PATROL, argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "change") == 0) return run(C_CHANGE, argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "evaluate") == 0) return run(C_EVAL, argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "displacement") == 0) return run(C_DISP, argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "trend") == 0) return run(C_TREND, argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "check") == 0) return run(C_CHECK, argc - 2, argv + 2, out, err);
    if (strcmp(cmd, "report") == 0) return run(C_REPORT, argc - 2, argv + 2, out, err);
    fprintf(err, "%s: unknown command '%s' (see 'hotspot --help')\n", prog, cmd);
    return HS_EXIT_USAGE;
}
