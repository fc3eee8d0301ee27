/* common.c — steps several commands share: reading the incidents and the
 * polygon layers (saying what was read), laying out the places, locating
 * incidents in them. */
#include "jobs.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *base_name(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* " (no location 136, filtered out: crime type 8432)" */
void hs__job_reasons(const hs_read_summary *s, char *buf, size_t size) {
    size_t o = 0;
    buf[0] = 0;
    for (int r = 0; r < HS_REJECT_COUNT_ && o < size; r++) {
        if (!s->rejected[r]) continue;
        o += (size_t)snprintf(buf + o, size - o, "%s%s %" PRIu64, o ? ", " : " (",
                              hs_reject_reason_string((hs_reject_reason)r), s->rejected[r]);
    }
    if (o && o + 1 < size) strcat(buf, ")");
}

static void say_read(hs_ctx *ctx, const hs_incidents *inc) {
    hs_read_summary all, s;
    char why[512];
    size_t nf = hs_incidents_file_count(inc);
    for (uint32_t f = 0; nf > 1 && f < nf; f++) {
        hs_incidents_summary(inc, f, &s);
        hs__job_reasons(&s, why, sizeof why);
        hs__log(ctx, HS_LOG_INFO,
                "%s: %" PRIu64 " rows read, %" PRIu64 " used, %" PRIu64 " rejected%s",
                base_name(hs_incidents_file_name(inc, f)), s.rows_read, s.rows_used,
                s.rows_read - s.rows_used, why);
    }
    hs_incidents_summary(inc, UINT32_MAX, &all);
    hs__job_reasons(&all, why, sizeof why);
    hs__log(ctx, HS_LOG_INFO,
            "%zu file%s, %" PRIu64 " rows read: %" PRIu64 " used, %" PRIu64 " rejected%s", nf,
            nf == 1 ? "" : "s", all.rows_read, all.rows_used, all.rows_read - all.rows_used, why);
}

hs_read_options hs__job_read_options(const hs_job *job) {
    hs_read_options ro = job->ro;
    ro.crime_types = job->types;
    ro.crime_type_count = job->ntypes;
    return ro;
}

/* Data quality: a month with far fewer incidents than the others (a file
 * missing rows, as Kent's December 2018) misleads every comparison over it.
 * Rule: with 3 or more months between the first and last dated incident,
 * a month below 60 % of the median month is flagged (an empty month
 * inside the span too). */
void hs__job_check_months(hs_ctx *ctx, const hs_incidents *inc) {
    hs__months m;
    /* A check only: out of memory or over a century, it stays silent. */
    if (hs__months_count(ctx, inc, 1200, &m) != HS_OK) return;
    for (size_t k = 0; k < m.n; k++)
        if (hs__months_short(&m, k))
            hs__log(ctx, HS_LOG_WARNING,
                    "%04lld-%02lld has %" PRIu64 " incidents against a median of %.0f a month "
                    "(%.0f%%): a missing or partial file? Comparisons over it will mislead",
                    (long long)((m.first + (int64_t)k) / 12),
                    (long long)((m.first + (int64_t)k) % 12 + 1), m.count[k], m.median,
                    100 * (double)m.count[k] / m.median);
    hs__months_free(&m);
}

/* A table given to the job (hs_job_set_incidents): a copy, with the job's
 * crime types and periods applied as the reader would, each row left out
 * a reject with the reader's reason. */
static hs_status given_table(hs_ctx *ctx, const hs_job *job, hs_incidents **out) {
    hs_status st = hs_incidents_copy(ctx, job->given, out);
    size_t n = st ? 0 : hs_incidents_count(*out);
    uint8_t *keep = st ? NULL : hs__malloc(ctx, n + 1), *in = keep ? hs__malloc(ctx, n + 1) : NULL;
    if (!st && (!keep || !in)) st = hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; !st && i < n; i++) {
        hs_incident e;
        hs_incidents_get(*out, i, &e);
        const char *cat =
            e.category == HS_NO_CATEGORY ? "" : hs_incidents_category_name(*out, e.category);
        bool ok = job->ntypes == 0;
        for (size_t t = 0; !ok && t < job->ntypes; t++)
            ok = strcasecmp(cat, job->types[t]) == 0;
        keep[i] = ok;
    }
    if (!st) st = hs_incidents_reject(ctx, *out, keep, HS_REJECT_CRIME_TYPE);
    const hs_read_options *ro = &job->ro;
    if (!st && (ro->from || ro->to || ro->compare_from || ro->compare_to)) {
        n = hs_incidents_count(*out);
        st = hs_incidents_in_period(ctx, *out, ro->from, ro->to, keep);
        if (!st && (ro->compare_from || ro->compare_to))
            st = hs_incidents_in_period(ctx, *out, ro->compare_from, ro->compare_to, in);
        for (size_t i = 0; !st && i < n; i++)
            keep[i] = keep[i] || ((ro->compare_from || ro->compare_to) && in[i]);
        if (!st) st = hs_incidents_reject(ctx, *out, keep, HS_REJECT_DATE_RANGE);
    }
    free(keep), free(in);
    if (st) {
        hs_incidents_destroy(*out);
        *out = NULL;
    }
    return st;
}

hs_status hs__job_read(hs_ctx *ctx, const hs_job *job, hs_incidents **out) {
    hs_read_options ro = hs__job_read_options(job);
    /* Commands that name no place keep no place text: interning a Location
     * a row is a sixth of a police.uk read. */
    bool names =
        job->cmd != HS_COMMAND_GRID && job->cmd != HS_COMMAND_KDE && job->cmd != HS_COMMAND_WARDS;
    if (!names && !ro.label_column) ro.label_column = "";
    hs_status st = job->given ? given_table(ctx, job, out) : hs_incidents_create(ctx, out);
    for (size_t i = 0; !job->given && i < job->ninputs && !st; i++)
        st = hs_incidents_read_csv(ctx, job->inputs[i], &ro, *out);
    if (st) return st;
    say_read(ctx, *out);
    hs__job_check_months(ctx, *out);
    /* Degrees given as projected x/y: every point within 180 m x 90 m of the
     * CRS's origin (off the Scilly Isles for British National Grid). */
    size_t n = hs_incidents_count(*out);
    const double *x = hs_incidents_x(*out), *y = hs_incidents_y(*out);
    bool degrees = ro.x_column && n > 0;
    for (size_t i = 0; i < n && degrees; i++)
        degrees = fabs(x[i]) <= 180 && fabs(y[i]) <= 90;
    if (degrees)
        hs__log(ctx, HS_LOG_WARNING,
                "every x,y lies within 180 m of the CRS origin: are these degrees? (use "
                "--lon-column and --lat-column for longitude and latitude)");
    for (size_t t = 0; t < job->ntypes; t++) {
        bool seen = false;
        for (uint32_t c = 0; c < hs_incidents_category_count(*out) && !seen; c++)
            seen = strcasecmp(hs_incidents_category_name(*out, c), job->types[t]) == 0;
        if (!seen) hs__log(ctx, HS_LOG_WARNING, "--crime-type '%s' matched no row", job->types[t]);
    }
    return HS_OK;
}

static void say_notes(hs_ctx *ctx, const hs_units *u) {
    for (size_t i = 0; i < hs_units_note_count(u); i++) {
        hs_unit_note n;
        hs_units_note_get(u, i, &n);
        if (n.record)
            hs__log(ctx, HS_LOG_INFO, "%s: record %" PRIu64 ": %s", hs_units_layer_name(u, n.layer),
                    n.record, n.text);
        else
            hs__log(ctx, HS_LOG_INFO, "%s: %s", hs_units_layer_name(u, n.layer), n.text);
    }
}

hs_status hs__job_units(hs_ctx *ctx, const char *path, const hs_layer_options *opts,
                        hs_units **out) {
    hs_status st = hs_units_create(ctx, out);
    if (!st)
        st = path ? hs_units_read(ctx, path, opts, *out)
                  : hs_units_read_builtin(ctx, "gravesham-wards-2013", *out);
    if (!st) say_notes(ctx, *out);
    return st;
}

hs_status hs__job_wards(hs_ctx *ctx, const hs_job *job, bool builtin, hs_units **out) {
    *out = NULL;
    if (!job->nlayers && !builtin) return HS_OK;
    const hs_layer_options *lo = builtin ? &job->lo : NULL; /* hotspots: names only */
    hs_status st = hs_units_create(ctx, out);
    for (size_t i = 0; i < job->nlayers && !st; i++)
        st = hs_units_read(ctx, job->layers[i], lo, *out);
    if (!st && !job->nlayers) st = hs_units_read_builtin(ctx, "gravesham-wards-2013", *out);
    if (!st && builtin) say_notes(ctx, *out);
    if (!st && !job->nlayers)
        hs__log(ctx, HS_LOG_INFO,
                "no --wards given: using the built-in Gravesham wards (2013, %zu wards)",
                hs_units_count(*out));
    return st;
}

hs_status hs__job_name_places(hs_ctx *ctx, const hs_job *job, const hs_units *u,
                              const hs_incidents *inc, const uint32_t *unit_of, hs_tally *tally,
                              hs_trend *trend) {
    hs_units *wards = NULL;
    hs_place_name *names = hs__calloc(ctx, hs_units_count(u) + 1, sizeof *names);
    hs_status st =
        names ? hs__job_wards(ctx, job, false, &wards) : hs__error(ctx, HS_ENOMEM, "out of memory");
    if (!st) st = hs_place_names(ctx, u, inc, unit_of, wards, names);
    if (!st && tally) st = hs_tally_set_place_names(ctx, tally, names);
    if (!st && trend) st = hs_trend_set_place_names(ctx, trend, names);
    free(names); /* it borrows from wards: freed first */
    hs_units_destroy(wards);
    return st;
}

void hs__job_say_builtin_outside(hs_ctx *ctx, const hs_job *job, uint64_t outside, uint64_t all) {
    /* Kent data without --wards gives a Gravesham table: say so when most
     * incidents fall outside the built-in wards. */
    if (!job->nlayers && all > 0 && outside * 2 > all)
        hs__log(ctx, HS_LOG_WARNING,
                "%" PRIu64 " of the %" PRIu64 " incidents (%.0f%%) lie outside the built-in "
                "Gravesham wards and are left out: for another area, give its --wards",
                outside, all, 100.0 * (double)outside / (double)all);
}

hs_status hs__job_locate(hs_ctx *ctx, const hs_grid *grid, const hs_units *u,
                         const hs_incidents *inc, uint32_t **out) {
    *out = hs__malloc(ctx, (hs_incidents_count(inc) + 1) * sizeof **out);
    if (!*out) return hs__error(ctx, HS_ENOMEM, "out of memory");
    return grid ? hs_grid_locate(ctx, grid, inc, *out) : hs_units_locate(ctx, u, inc, *out);
}

hs_status hs__job_places(hs_ctx *ctx, const hs_job *job, const hs_incidents *inc, bool empty,
                         const hs_units *area, hs_grid **grid, hs_units **u) {
    if (job->units_shp) return hs__job_units(ctx, job->units_shp, &job->lo, u);
    hs_grid_options go = job->go;
    go.include_empty = empty;
    hs_status st = HS_OK;
    if (empty && area) {
        go.has_extent = 1;
        st = hs_units_bounds(ctx, area, go.extent);
    } else if (empty) {
        hs__job_warn_strays(ctx, inc);
    }
    if (!st) st = hs_grid_count(ctx, inc, &go, grid);
    if (!st && empty && area) {
        /* Cells located by their ids' units, not the grid: grid must not be used. */
        st = hs__job_study_cells(ctx, *grid, area, u);
        hs_grid_destroy(*grid);
        *grid = NULL;
    } else if (!st) {
        st = hs_units_from_grid(ctx, *grid, u);
    }
    return st;
}

void hs__job_say_outside(hs_ctx *ctx, const hs_job *job, const hs_incidents *inc,
                         const uint32_t *unit_of, size_t n) {
    size_t outside = 0, ni = hs_incidents_count(inc);
    for (size_t i = 0; i < ni; i++)
        outside += unit_of[i] >= n;
    if (outside)
        hs__log(ctx, HS_LOG_INFO, "%zu incidents lie outside the units and are not counted%s",
                outside, job->rejects ? " (listed in the rejects file)" : "");
}

void hs__job_say_concentration(hs_ctx *ctx, const char *what, const hs_concentration *c) {
    char gen[48] = "";
    if (c->gini_generalised != c->gini)
        snprintf(gen, sizeof gen, " (generalised %.3f)", c->gini_generalised);
    hs__log(ctx, HS_LOG_INFO,
            "%s: top 1%% of units hold %.1f%%, top 5%% %.1f%%, top 10%% %.1f%%; Gini %.3f%s", what,
            c->top_share_pct[0], c->top_share_pct[1], c->top_share_pct[2], c->gini, gen);
}

hs_status hs__job_harm(hs_ctx *ctx, const hs_job *job, hs_incidents *inc) {
    uint64_t miss = 0;
    hs_status st = hs_incidents_apply_harm(ctx, inc, job->harm, &miss);
    if (!st && miss)
        hs__log(ctx, HS_LOG_WARNING, "%" PRIu64 " incidents are of crime types not in %s: harm 0",
                miss, job->harm);
    return st;
}

/* The cells of the study area: those whose centre lies in it, and those
 * holding an incident (which lies in it: the commands keep only those),
 * so that Gi* and the concentration figures are not diluted by the sea or
 * the next borough, and no incident is lost at the edge. */
hs_status hs__job_study_cells(hs_ctx *ctx, const hs_grid *grid, const hs_units *wards,
                              hs_units **out) {
    size_t n = hs_grid_cell_count(grid), k = 0;
    double *x = hs__malloc(ctx, (n + 1) * sizeof *x), *y = hs__malloc(ctx, (n + 1) * sizeof *y);
    uint32_t *of = hs__malloc(ctx, (n + 1) * sizeof *of);
    char **ids = hs__calloc(ctx, n + 1, sizeof *ids);
    hs_status st = x && y && of && ids ? HS_OK : hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; !st && i < n; i++) {
        hs_cell c;
        hs_grid_cell(grid, i, &c);
        x[i] = c.cx, y[i] = c.cy;
    }
    if (!st) st = hs_units_locate_xy(ctx, wards, x, y, n, of);
    for (size_t i = 0; !st && i < n; i++) {
        hs_cell c;
        hs_grid_cell(grid, i, &c);
        if (of[i] == HS_NO_UNIT && c.count == 0) continue;
        char id[64];
        hs_grid_cell_id(grid, i, id, sizeof id);
        if (!(ids[k++] = hs__strdup(ctx, id))) st = hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    if (!st) st = hs_units_from_cell_ids(ctx, (const char *const *)ids, k, out);
    for (size_t i = 0; ids && i < k; i++)
        free(ids[i]);
    free(ids), free(x), free(y), free(of);
    return st;
}

/* Strays: incidents geocoded far from the rest (a force file's few points
 * in another county). Rule: on a 10 km grid, an incident whose square and
 * its 8 neighbours hold fewer than 5 incidents and under 0.1 % of all is a
 * stray; they are said with how many and where (one of them in lon/lat),
 * since the grid over the incidents' box, PAI and Gi* all stretch to them. */
void hs__job_warn_strays(hs_ctx *ctx, const hs_incidents *inc) {
    size_t n = hs_incidents_count(inc);
    if (n < 20) return;
    const double *x = hs_incidents_x(inc), *y = hs_incidents_y(inc);
    /* Counted straight into the incidents' box of 10 km squares (two
     * passes, 4 bytes a square: England and Wales is ~15,000 of them), so
     * the check costs ~1 % of a national read, not a grid and a locate. */
    const double cs = 10000;
    int64_t box[4];
    size_t bad;
    if (!hs__grid_cells_box(HS_GRID_SQUARE, cs, 0, 0, x, y, n, box, &bad)) return;
    int64_t rmin = box[0], rmax = box[1], cmin = box[2], cmax = box[3];
    /* A box past 4M squares (points 20,000 km apart) is no geography: left. */
    if ((uint64_t)(rmax - rmin) >= 2048 || (uint64_t)(cmax - cmin) >= 2048) return;
    size_t bw = (size_t)(cmax - cmin + 1), bh = (size_t)(rmax - rmin + 1);
    uint32_t *cnt = hs__calloc(ctx, bw * bh, sizeof *cnt);
    uint8_t *lone = hs__calloc(ctx, bw * bh, 1);
    if (!cnt || !lone) {
        free(cnt), free(lone);
        return; /* a warning only: never fails the job */
    }
#define SQUARE_OF(i, b)                                                                            \
    do {                                                                                           \
        int64_t r_ = 0, c_ = 0;                                                                    \
        hs__grid_cell_of(HS_GRID_SQUARE, cs, 0, 0, x[i], y[i], &r_, &c_);                          \
        b = (size_t)(r_ - rmin) * bw + (size_t)(c_ - cmin);                                        \
    } while (0)
    for (size_t i = 0; i < n; i++) {
        size_t b;
        SQUARE_OF(i, b);
        if (cnt[b] < UINT32_MAX) cnt[b]++;
    }
    uint64_t limit = (uint64_t)fmax(5, 0.001 * (double)n);
    size_t lone_squares = 0;
    for (size_t r = 0; r < bh; r++)
        for (size_t c = 0; c < bw; c++) {
            if (!cnt[r * bw + c]) continue;
            uint64_t near = 0;
            for (size_t rr = r ? r - 1 : 0; rr <= r + 1 && rr < bh; rr++)
                for (size_t cc = c ? c - 1 : 0; cc <= c + 1 && cc < bw; cc++)
                    near += cnt[rr * bw + cc];
            lone[r * bw + c] = near < limit;
            lone_squares += near < limit;
        }
    size_t strays = 0, first = 0;
    /* The incidents again only to name the first stray (usually none). */
    for (size_t i = 0; lone_squares && i < n; i++) {
        size_t b;
        SQUARE_OF(i, b);
        if (lone[b] && !strays++) first = i;
    }
#undef SQUARE_OF
    free(cnt);
    free(lone);
    if (strays) {
        double lon = x[first], lat = y[first];
        hs__xentry *xe = hs__ctx_xform(ctx, hs_incidents_crs(inc), "EPSG:4326");
        if (xe) hs__xform_run(xe->main, &lon, &lat, 1);
        hs_incident e;
        hs_incidents_get(inc, first, &e);
        hs__log(ctx, HS_LOG_WARNING,
                "%zu incident%s far from all the others (e.g. at %.5f, %.5f: %s line %" PRIu64
                "): the grid, PAI and Gi* stretch to cover %s; give --study-area FILE to keep to "
                "your area",
                strays, strays == 1 ? " lies" : "s lie", lon, lat,
                hs_incidents_file_name(inc, e.file), e.line, strays == 1 ? "it" : "them");
    }
}

hs_status hs__job_study_area(hs_ctx *ctx, const hs_job *job, hs_incidents *inc, hs_units **area) {
    *area = NULL;
    /* By default the union of --wards (hotspots), as the report does. */
    bool wards = !job->study_area && job->nlayers && !job->units_shp;
    if (!job->study_area && !wards) return HS_OK;
    size_t n = hs_incidents_count(inc), in = 0;
    uint32_t *of = NULL;
    uint8_t *keep = hs__malloc(ctx, n + 1);
    hs_status st = !keep   ? hs__error(ctx, HS_ENOMEM, "out of memory")
                   : wards ? hs__job_wards(ctx, job, false, area)
                           : hs__job_units(ctx, job->study_area, NULL, area);
    if (!st) st = hs__job_locate(ctx, NULL, *area, inc, &of);
    for (size_t i = 0; !st && i < n; i++)
        in += keep[i] = of[i] != HS_NO_UNIT;
    /* Counted and listed, not dropped silently. */
    if (!st) st = hs_incidents_reject(ctx, inc, keep, HS_REJECT_OUTSIDE_STUDY_AREA);
    if (!st)
        hs__log(ctx, HS_LOG_INFO, "study area %s: %zu incidents inside, %zu outside it left out%s",
                wards ? "(the --wards polygons)" : job->study_area, in, n - in,
                job->rejects && n > in ? " (in the rejects file as \"outside the study area\")"
                                       : "");
    free(keep);
    free(of);
    return st;
}
