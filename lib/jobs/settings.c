/* settings.c — every setting of every command, in one table: its name,
 * value, commands, help, where it goes in the job and its bounds. The
 * command line, settings files and bindings all set jobs through it. */
#include "jobs.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define B(c) (1u << HS_COMMAND_##c)
#define GRID B(GRID)
#define WARDS B(WARDS)
#define KDE B(KDE)
#define HOT B(HOTSPOTS)
#define PATROL B(PATROL)
#define CHANGE B(CHANGE)
#define EVAL B(EVALUATE)
#define DISP B(DISPLACEMENT)
#define TREND B(TREND)
#define CHECK B(CHECK)
#define REPORT B(REPORT)
/* The commands that analyse incidents (not patrol, not check). */
#define ANALYSE (GRID | WARDS | KDE | HOT | CHANGE | EVAL | DISP | TREND)
#define READERS (ANALYSE | REPORT | CHECK)

enum kind { K_STR, K_ON, K_OFF, K_NUM, K_INT, K_SIZE, K_U64, K_ENUM, K_FN };

typedef struct def def;
typedef hs_status (*set_fn)(hs_ctx *ctx, hs_job *job, const def *d, char *value);

struct def {
    const char *name, *arg;
    unsigned cmds;
    const char *help;
    enum kind kind;
    size_t off;         /* the field in hs_job */
    double min, max;    /* K_NUM, K_INT, K_SIZE, K_U64 */
    int open_min;       /* K_NUM: 1: min itself is refused; 2: max too */
    const char *what;   /* K_NUM: "a number of metres", ... */
    const hs__names *e; /* K_ENUM */
    set_fn fn;          /* K_FN */
};

#define F(field) offsetof(hs_job, field)
#define STR(n, a, c, field, h)                                                                     \
    { n, a, c, h, K_STR, F(field), 0, 0, 0, NULL, NULL, NULL }
#define ON(n, c, field, h)                                                                         \
    { n, NULL, c, h, K_ON, F(field), 0, 0, 0, NULL, NULL, NULL }
#define OFF(n, c, field, h)                                                                        \
    { n, NULL, c, h, K_OFF, F(field), 0, 0, 0, NULL, NULL, NULL }
#define NUM(n, a, c, field, lo, hi, open, what, h)                                                 \
    { n, a, c, h, K_NUM, F(field), lo, hi, open, what, NULL, NULL }
#define INT(n, a, c, k, field, lo, hi, h)                                                          \
    { n, a, c, h, k, F(field), lo, hi, 0, NULL, NULL, NULL }
#define ENUM(n, a, c, field, names, h)                                                             \
    { n, a, c, h, K_ENUM, F(field), 0, 0, 0, NULL, &names, NULL }
#define FN(n, a, c, f, h)                                                                          \
    { n, a, c, h, K_FN, 0, 0, 0, 0, NULL, NULL, f }

static hs_status set_period(hs_ctx *, hs_job *, const def *, char *);
static hs_status set_range(hs_ctx *, hs_job *, const def *, char *);
static hs_status set_types(hs_ctx *, hs_job *, const def *, char *);
static hs_status set_layer(hs_ctx *, hs_job *, const def *, char *);
static hs_status set_extent(hs_ctx *, hs_job *, const def *, char *);
static hs_status set_origin(hs_ctx *, hs_job *, const def *, char *);
static hs_status set_window(hs_ctx *, hs_job *, const def *, char *);
static hs_status set_contours(hs_ctx *, hs_job *, const def *, char *);
static hs_status set_op(hs_ctx *, hs_job *, const def *, char *);
static hs_status set_fdr(hs_ctx *, hs_job *, const def *, char *);

static const def defs[] = {
    STR("output", "FOLDER", REPORT, output,
        "the folder for the report, the QGIS project and every layer (made if missing)"),
    STR("title", "TEXT", REPORT, title, "the report's heading"),
    STR("output", "FILE", GRID, output,
        "output layer: .geojson (WGS84), .csv or .shp (working CRS)"),
    STR("output", "FILE", WARDS, output, "output table: .geojson, .csv or .shp"),
    FN("wards", "FILE", WARDS | REPORT, set_layer,
       "polygon layer (wards, LSOAs); repeat for more layers (default: the built-in Gravesham "
       "wards 2013)"),
    STR("code-field", "NAME", WARDS | HOT | CHANGE | REPORT, lo.code_field,
        "DBF field of the codes (default: WDyyCD, LSOAyyCD, ...)"),
    STR("name-field", "NAME", WARDS | HOT | CHANGE | REPORT, lo.name_field,
        "DBF field of the names (default: WDyyNM, LSOAyyNM, ...)"),
    STR("population", "FILE", WARDS | REPORT, population,
        "CSV code,population: adds rate_per_1000"),
    FN("compare", "FROM..TO", WARDS | REPORT, set_range,
       "a second period (e.g. last year): adds count_compare, change, change_pct"),
    ON("by-type", WARDS | REPORT, to.by_type, "adds a count per crime type"),
    STR("output", "FILE", KDE, output,
        "output raster: .tif (GeoTIFF, with .qml style and .json sidecar) or .asc (with .prj)"),
    ENUM("kernel", "NAME", KDE | REPORT, ko.kernel, hs__kernel_names,
         "quartic (default), epanechnikov, triweight, uniform, triangular, gaussian"),
    NUM("bandwidth", "M", KDE | REPORT, ko.bandwidth_m, 0, INFINITY, 1, "a positive number",
        "kernel radius in metres (gaussian: sigma); default: --bandwidth-rule"),
    ENUM("bandwidth-rule", "RULE", KDE | REPORT, ko.rule, hs__bw_rule_names,
         "thumb (sfhotspot, both axes; kde's default), scott (spatstat), silverman (ArcGIS), area "
         "(Chainey & Ratcliffe: the area's shorter side / 30; the report's default)"),
    NUM("bandwidth-adjust", "F", KDE | REPORT, ko.bandwidth_adjust, 0, INFINITY, 1,
        "a positive number", "multiply the bandwidth by F"),
    NUM("pixel-size", "M", KDE | REPORT, ko.pixel_size_m, 0, INFINITY, 1, "a positive number",
        "pixel size in metres (default: shorter side of the extent / 250, rounded down)"),
    ENUM("units", "U", KDE, ko.units, hs__kde_units_names,
         "raw (kernel sums, default), density (incidents per km2), count (per pixel)"),
    ENUM("grid", "MODE", KDE, ko.grid, hs__kde_grid_names,
         "snapped (edges at multiples of the pixel size, default) or qgis (QGIS Heatmap's grid)"),
    FN("extent", "E", KDE, set_extent,
       "data (points grown by the reach, default), a polygon FILE (its box) or "
       "XMIN,YMIN,XMAX,YMAX"),
    STR("mask", "FILE", KDE, mask, "study area: pixels outside it are nodata"),
    ON("edge-correction", KDE | REPORT, ko.edge_correction,
       "with --mask: divide by the kernel mass inside the area (spatstat's uniform correction)"),
    FN("versus", "FILE", KDE, set_layer,
       "a second set of incidents (repeatable) on the same grid and bandwidth"),
    FN("compare", "OP", KDE, set_op, "with --versus: ratio (default), difference, log-ratio"),
    FN("contours", "LIST", KDE, set_contours,
       "hotspot outlines: the top P% of the area, e.g. 1,5 (polygons)"),
    STR("contours-output", "FILE", KDE, contours_out,
        "where the outlines go: .geojson or .shp (default: OUT with _contours.geojson)"),
    NUM("gaussian-cutoff", "S", KDE | REPORT, ko.gaussian_cutoff, 0, 100, 1, "a positive number",
        "truncate the gaussian at S sigmas (default 4)"),
    ON("binned", KDE | REPORT, ko.binned,
       "APPROXIMATE: move incidents to their pixel's centre first (faster for many incidents)"),
    STR("output", "FILE", HOT, output,
        "the hotspots: .geojson (polygons, with a .qml style), .csv or .shp"),
    STR("units", "FILE", HOT, units_shp, "rank these polygons (e.g. LSOAs) instead of grid cells"),
    STR("harm", "FILE", HOT | REPORT, harm, "CSV category,weight: rank by harm instead of counts"),
    INT("top", "N", HOT | REPORT, K_SIZE, ho.top, 1, HS__MAX_TOP, "how many hotspots (default 20)"),
    ON("significant", HOT | REPORT, ho.significant, "only units hot at 95% (Gi* class 2 or 3)"),
    NUM("min-separation", "M", HOT | REPORT, ho.min_separation_m, 0, INFINITY, 0,
        "a number of metres", "at least M metres between chosen centroids"),
    OFF("no-self", HOT | REPORT, ho.self, "Gi instead of Gi* (a unit is not its own neighbour)"),
    FN("fdr", "on|off", HOT | TREND | REPORT, set_fdr,
       "Benjamini-Hochberg correction of the p-values (default on)"),
    ON("all", HOT, ho.all, "write every unit in rank order"),
    NUM("snap", "M", HOT | TREND | REPORT, snap_m, 0, INFINITY, 0, "a number of metres",
        "polygon neighbours within M metres (default 1)"),
    NUM("neighbour-distance", "M", HOT | TREND, nbdist_m, 0, INFINITY, 1, "a number of metres",
        "neighbours: centroids within M metres"),
    STR("summary", "FILE.json", HOT, summary,
        "concentration: top 1/5/10% shares, Gini, generalised Gini, curve"),
    FN("wards", "FILE", HOT | CHANGE | TREND, set_layer,
       "polygons naming the ward of each place; repeat for more layers (with grid cells and no "
       "--study-area, also the study area)"),
    NUM("cell-size", "M", GRID | HOT | CHANGE | EVAL | TREND | REPORT, go.cell_size_m, 0, INFINITY,
        1, "a positive number of metres",
        "cell size in metres (default 150; hex: width across flats)"),
    ENUM("shape", "square|hex", GRID | HOT | CHANGE | EVAL | TREND | REPORT, go.shape,
         hs__shape_names, "cell shape (default square)"),
    FN("origin", "X,Y", GRID | REPORT, set_origin,
       "grid origin in the working CRS (default 0,0: edges at multiples of the cell size)"),
    STR("study-area", "FILE", GRID | KDE | HOT | CHANGE | EVAL | TREND | DISP, study_area,
        "the area studied (polygons; hotspots: default the --wards): incidents outside it are "
        "left out (listed in --rejects), cells and pixels cover it whole, and it is "
        "displacement's default control area"),
    INT("max-cells", "N", HOT | EVAL | TREND | REPORT, K_SIZE, go.max_cells, 1, 1000000000,
        "refuse a grid of more cells than this, empty ones included (default 5000000)"),
    STR("crs", "CRS", READERS | PATROL, crs,
        "working CRS, projected in metres (default EPSG:27700)"),
    STR("x-column", "NAME", READERS, ro.x_column, "easting column (with --y-column)"),
    STR("y-column", "NAME", READERS, ro.y_column, "northing column"),
    STR("input-crs", "CRS", READERS, ro.input_crs,
        "CRS of --x-column/--y-column (default: the working CRS)"),
    STR("lon-column", "NAME", READERS, ro.lon_column,
        "longitude column, WGS84 (with --lat-column)"),
    STR("lat-column", "NAME", READERS, ro.lat_column, "latitude column, WGS84"),
    STR("date-column", "NAME", READERS, ro.date_column, "date column, ISO 8601 (police.uk: Month)"),
    STR("category-column", "NAME", READERS, ro.category_column,
        "crime type column (police.uk: Crime type)"),
    STR("weight-column", "NAME", READERS, ro.weight_column,
        "weight (e.g. harm) column; default weight 1"),
    STR("label-column", "NAME", READERS, ro.label_column,
        "place text column kept with each incident (police.uk: Location)"),
    FN("crime-type", "LIST", READERS, set_types, "keep only these crime types (comma list)"),
    FN("from", "DATE", READERS, set_period, "keep dates from YYYY-MM or YYYY-MM-DD (inclusive)"),
    FN("to", "DATE", READERS, set_period, "keep dates to YYYY-MM or YYYY-MM-DD (inclusive)"),
    STR("rejects", "FILE", ANALYSE, rejects, "write every rejected row (file,line,reason,record)"),
    INT("threads", "N", READERS, K_INT, threads, 1, HS__MAX_THREADS,
        "worker threads (default: all cores)"),
    STR("output", "FILE", PATROL, output, "the schedule, CSV"),
    STR("output", "FILE", CHANGE, output, "per unit: .geojson, .csv or .shp"),
    STR("output", "FILE", EVAL | DISP, output, "the measures, CSV (measure,value)"),
    STR("treated", "FILE", DISP, treated,
        "the treated places: a hotspots CSV (grid cells) or polygons (.shp, .geojson, .gpkg)"),
    NUM("buffer", "M", DISP, buffer_m, 0, INFINITY, 1, "a positive number of metres",
        "width of the buffer ring around them (metres)"),
    STR("control", "FILE", DISP, control,
        "the control area (default: the shipped Gravesham wards; what lies beyond the buffer "
        "counts)"),
    STR("hotspots", "FILE.csv", EVAL, hotspots, "the places chosen ('hotspot hotspots' CSV)"),
    STR("curve", "FILE.csv", EVAL, curve,
        "capture curve: share of area against share of incidents"),
    FN("before", "FROM..TO", CHANGE | EVAL | DISP, set_range,
       "the earlier period (change: compared; evaluate: the period chosen on, for RRI and the "
       "curve)"),
    FN("after", "FROM..TO", CHANGE | EVAL | DISP, set_range,
       "the later period (evaluate: the period measured)"),
    STR("output", "FILE", TREND, output,
        "one row per unit with incidents or a category: .geojson, .csv or .shp"),
    ENUM("period", "month|quarter|year|auto", TREND, tro.period, hs__period_names,
         "the time step (default auto: the coarsest giving 8 or more periods)"),
    NUM("alpha", "A", TREND, tro.alpha, 0, 1, 3, "a number between 0 and 1",
        "a period is hot or cold when Gi* p < A (default 0.10)"),
    STR("units", "FILE", CHANGE | EVAL | TREND, units_shp,
        "polygons (e.g. LSOAs) instead of grid cells"),
    INT("days", "D", PATROL | REPORT, K_INT, po.days, 1, HS__PATROL_MAX_DAYS,
        "days in the plan (default 28)"),
    INT("visits", "V", PATROL | REPORT, K_INT, po.visits_per_day, 1, HS__PATROL_MAX_VISITS,
        "visits a day to each patrolled hotspot (default 2)"),
    INT("minutes", "M", PATROL | REPORT, K_INT, po.minutes, 1, HS__PATROL_MAX_MINUTES,
        "minutes a visit (default 15, the Koper curve)"),
    ON("half", PATROL | REPORT, po.half,
       "patrol a random half each day, the rest are control days (balanced)"),
    INT("seed", "S", PATROL | REPORT, K_U64, po.seed, 0, 18446744073709551615.0,
        "random seed: the same seed gives the same plan (default 1)"),
    STR("start", "DATE", PATROL | REPORT, po.start_date,
        "first day, YYYY-MM-DD (default: day numbers only)"),
    FN("window", "H1-H2", PATROL | REPORT, set_window,
       "hours for visits when the data have no times (default 12-24)"),
    STR("geofences", "FILE", PATROL, geofences,
        "the hotspots' outlines: .geojson (for GPS) or .shp"),
    STR("units", "FILE", PATROL, units_shp, "polygons whose codes are the hotspot ids"),
    ON("overwrite", ANALYSE | REPORT | PATROL, overwrite,
       "replace styles and sidecars (.qml, .json) that hotspot did not write"),
};
#define NDEFS (sizeof defs / sizeof *defs)

size_t hs_setting_count(void) {
    return NDEFS;
}

hs_status hs_setting_get(size_t i, hs_setting *out) {
    if (i >= NDEFS || !out) return HS_EINVAL;
    const def *d = &defs[i];
    *out = (hs_setting){d->name, d->arg, d->help, d->cmds, 0, 0};
    if (d->kind == K_NUM || d->kind == K_INT || d->kind == K_SIZE || d->kind == K_U64)
        out->min = d->min, out->max = d->max;
    return HS_OK;
}

static hs_status bad(hs_ctx *ctx, const def *d, const char *must, const char *value) {
    return hs__error(ctx, HS_EINVAL, "--%s must be %s, not '%s'", d->name, must, value);
}

static bool parse_number(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v)) return false;
    *out = v;
    return true;
}

/* "a, b or c" from an enum's names. */
static void name_list(const hs__names *e, char *buf, size_t size) {
    size_t o = 0, k = 0, n = 0;
    for (size_t i = 0; i < e->n; i++)
        n += e->v[i] != NULL;
    buf[0] = 0;
    for (size_t i = 0; i < e->n && o < size; i++) {
        if (!e->v[i]) continue;
        k++;
        o += (size_t)snprintf(buf + o, size - o, "%s%s",
                              k == 1   ? ""
                              : k == n ? " or "
                                       : ", ",
                              e->v[i]);
    }
}

static hs_status set_number(hs_ctx *ctx, const def *d, void *field, const char *v) {
    char must[96];
    double x;
    if (d->kind == K_NUM) {
        if (!parse_number(v, &x) || x < d->min || ((d->open_min & 1) && x == d->min) ||
            x > d->max || ((d->open_min & 2) && x == d->max)) {
            snprintf(must, sizeof must, "%s up to %.15g", d->what, d->max);
            return bad(ctx, d, isinf(d->max) || (d->open_min & 2) ? d->what : must, v);
        }
        *(double *)field = x;
        return HS_OK;
    }
    char *end;
    errno = 0;
    unsigned long long u = strtoull(v, &end, 10);
    snprintf(must, sizeof must, "a whole number from %.0f to %.0f", d->min, d->max);
    if (!*v || *end || errno || v[0] == '-' || v[0] == '+' || v[0] == ' ' || (double)u < d->min ||
        (double)u > d->max)
        return bad(ctx, d, must, v);
    if (d->kind == K_INT) *(int *)field = (int)u;
    if (d->kind == K_SIZE) *(size_t *)field = (size_t)u;
    if (d->kind == K_U64) *(uint64_t *)field = (uint64_t)u;
    return HS_OK;
}

/* Applies one setting; the value is the job's own copy. */
static hs_status apply(hs_ctx *ctx, hs_job *job, const def *d, char *v) {
    void *field = (char *)job + d->off;
    if (d->arg && !v) return hs__error(ctx, HS_EINVAL, "--%s needs a value (%s)", d->name, d->arg);
    if (!d->arg && v)
        return hs__error(ctx, HS_EINVAL, "--%s is a switch: it takes no value", d->name);
    switch (d->kind) {
    case K_STR: *(const char **)field = v; return HS_OK;
    case K_ON: *(int *)field = 1; return HS_OK;
    case K_OFF: *(int *)field = 0; return HS_OK;
    case K_ENUM:
        for (size_t i = 0; i < d->e->n; i++)
            if (d->e->v[i] && strcmp(d->e->v[i], v) == 0) {
                *(int *)field = (int)i;
                return HS_OK;
            }
        char must[160];
        name_list(d->e, must, sizeof must);
        return bad(ctx, d, must, v);
    case K_FN: return d->fn(ctx, job, d, v);
    default: return set_number(ctx, d, field, v);
    }
}

hs_status hs_job_set(hs_ctx *ctx, hs_job *job, const char *name, const char *value) {
    if (!ctx || !job || !name) return HS_EINVAL;
    const def *d = NULL;
    for (size_t i = 0; i < NDEFS && !d; i++)
        if ((defs[i].cmds & (1u << job->cmd)) && strcmp(defs[i].name, name) == 0) d = &defs[i];
    if (!d)
        return hs__error(ctx, HS_EINVAL, "unknown setting '%s' for %s", name,
                         hs_command_name(job->cmd));
    char *v = value ? hs__job_keep(ctx, job, value) : NULL;
    if (value && !v) return hs__error(ctx, HS_ENOMEM, "out of memory");
    return apply(ctx, job, d, v);
}

/* ---- settings that are more than one field ------------------------------ */

static hs_status set_period(hs_ctx *ctx, hs_job *job, const def *d, char *v) {
    (void)ctx;
    if (d->name[0] == 'f')
        job->ro.from = job->to.from = v;
    else
        job->ro.to = job->to.to = v;
    return HS_OK;
}

/* FROM..TO: --compare and --before set the second period, --after the main one. */
static hs_status set_range(hs_ctx *ctx, hs_job *job, const def *d, char *v) {
    char *dots = strstr(v, "..");
    if (!dots || dots == v || !dots[2]) return bad(ctx, d, "FROM..TO (e.g. 2023-01..2023-04)", v);
    *dots = 0;
    if (strcmp(d->name, "after") == 0) {
        job->ro.from = job->to.from = v;
        job->ro.to = job->to.to = dots + 2;
    } else {
        job->ro.compare_from = job->to.compare_from = v;
        job->ro.compare_to = job->to.compare_to = dots + 2;
    }
    return HS_OK;
}

/* A comma list, each name trimmed of spaces. */
static hs_status set_types(hs_ctx *ctx, hs_job *job, const def *d, char *v) {
    (void)d;
    char *save = NULL;
    for (char *tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t len = strlen(tok);
        while (len && tok[len - 1] == ' ')
            tok[--len] = 0;
        if (*tok && hs__job_push(ctx, &job->types, &job->ntypes, tok)) return HS_ENOMEM;
    }
    return HS_OK;
}

static hs_status set_layer(hs_ctx *ctx, hs_job *job, const def *d, char *v) {
    return d->name[0] == 'w' ? hs__job_push(ctx, &job->layers, &job->nlayers, v)
                             : hs__job_push(ctx, &job->versus, &job->nversus, v);
}

static hs_status set_extent(hs_ctx *ctx, hs_job *job, const def *d, char *v) {
    double e[4];
    char *end = v;
    int k = 0;
    if (!strcmp(v, "data")) return HS_OK;
    for (; k < 4; k++) {
        errno = 0;
        e[k] = strtod(end, &end);
        if (errno || !isfinite(e[k]) || (k < 3 && *end++ != ',')) break;
    }
    if (k == 4 && !*end) {
        memcpy(job->ko.extent, e, sizeof e);
        job->ko.has_extent = 1;
    } else if (strchr(v, ',') == NULL) {
        job->extent_layer = v;
    } else {
        return bad(ctx, d, "data, a polygon file or XMIN,YMIN,XMAX,YMAX", v);
    }
    return HS_OK;
}

static hs_status set_origin(hs_ctx *ctx, hs_job *job, const def *d, char *v) {
    char *end, *end2 = NULL;
    errno = 0;
    double ox = strtod(v, &end), oy = end != v && *end == ',' ? strtod(end + 1, &end2) : NAN;
    if (errno || isnan(oy) || end2 == end + 1 || *end2 || !isfinite(ox) || !isfinite(oy))
        return bad(ctx, d, "X,Y in metres", v);
    job->go.origin_x = ox;
    job->go.origin_y = oy;
    return HS_OK;
}

static hs_status set_window(hs_ctx *ctx, hs_job *job, const def *d, char *v) {
    int h1, h2;
    char tail;
    if (sscanf(v, "%d-%d%c", &h1, &h2, &tail) != 2 || h1 < 0 || h2 > 24 || h2 <= h1)
        return bad(ctx, d, "H1-H2 within 0-24 (e.g. 18-24)", v);
    job->po.window_start_h = h1;
    job->po.window_end_h = h2;
    return HS_OK;
}

static hs_status set_contours(hs_ctx *ctx, hs_job *job, const def *d, char *v) {
    char *save = NULL;
    double x;
    for (char *tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!parse_number(tok, &x) || x <= 0 || x > 100)
            return bad(ctx, d, "percentages of the area in (0, 100]", tok);
        double *c = hs__realloc(ctx, job->contours, (job->ncontours + 1) * sizeof *c);
        if (!c) return hs__error(ctx, HS_ENOMEM, "out of memory");
        job->contours = c;
        job->contours[job->ncontours++] = x;
    }
    return HS_OK;
}

static hs_status set_op(hs_ctx *ctx, hs_job *job, const def *d, char *v) {
    char must[96];
    name_list(&hs__op_names, must, sizeof must);
    if (hs_raster_op_from_name(v, &job->cmpop)) return bad(ctx, d, must, v);
    job->have_cmpop = 1;
    return HS_OK;
}

static hs_status set_fdr(hs_ctx *ctx, hs_job *job, const def *d, char *v) {
    if (strcmp(v, "on") && strcmp(v, "off")) return bad(ctx, d, "on or off", v);
    job->ho.fdr = job->tro.fdr = strcmp(v, "on") == 0;
    return HS_OK;
}
