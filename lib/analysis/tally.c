/* tally.c — the ward table: incidents per unit for a period, share, rank,
 * density, rate per 1,000 residents, change against a second period, and
 * counts per crime type; written as GeoJSON, CSV or Shapefile.
 *
 * share_pct = 100 * count / (incidents in all units, this period)
 * rank      = 1 + number of units with more incidents (competition ranking:
 *             ties share the better rank)
 * per_km2   = count / (area in km^2)
 * rate_per_1000 = 1000 * count / population
 * change    = count - count_compare;  change_pct = 100 * change / count_compare */
#include "analysis.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct hs_tally {
    const hs_units *u;
    const hs_incidents *inc;
    size_t n, ncat;
    uint64_t *count, *ccount, *types;
    double *weight, *pop;
    uint32_t *rank;
    bool compare, by_type, has_pop;
    double share;       /* the period's share of both periods' time; NAN unknown */
    double days, cdays; /* the periods' lengths in days; NAN unknown */
    hs_tally_summary sum;
    hs__place_cols pc; /* hs_tally_set_place_names */
};

hs_status hs_tally_set_place_names(hs_ctx *ctx, hs_tally *t, const hs_place_name *names) {
    if (!ctx || !t || (!names && t->n)) return HS_EINVAL;
    return hs__place_cols_set(ctx, &t->pc, names, t->n);
}

void hs_tally_options_init(hs_tally_options *o) {
    if (o) memset(o, 0, sizeof *o);
}

void hs_tally_destroy(hs_tally *t) {
    if (!t) return;
    hs__place_cols_free(&t->pc);
    free(t->count);
    free(t->ccount);
    free(t->types);
    free(t->weight);
    free(t->pop);
    free(t->rank);
    free(t);
}

typedef struct range {
    bool any, from, to;
    int64_t a, b; /* [a, b) */
} range;

static hs_status make_range(hs_ctx *ctx, const char *from, const char *to, const char *what,
                            range *r) {
    int64_t ignore;
    memset(r, 0, sizeof *r);
    r->from = from != NULL;
    r->to = to != NULL;
    r->any = r->from || r->to;
    if ((from && !hs__parse_bound(from, &r->a, &ignore)) ||
        (to && !hs__parse_bound(to, &ignore, &r->b)))
        return hs__error(ctx, HS_EINVAL, "%s: expected YYYY-MM or YYYY-MM-DD bounds, a real date",
                         what);
    return HS_OK;
}

static bool in_range(const range *r, int64_t t, uint8_t prec) {
    if (!r->any) return true;
    if (prec == HS_TIME_NONE) return false;
    return (!r->from || t >= r->a) && (!r->to || t < r->b);
}

static int cmp_desc(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x < y) - (x > y);
}

hs_status hs_tally_compute(hs_ctx *ctx, const hs_units *u, const hs_incidents *inc,
                           const uint32_t *unit_of, const hs_tally_options *opts, hs_tally **out) {
    if (!ctx || !u || !inc || !out || (!unit_of && inc->col.n)) return HS_EINVAL;
    *out = NULL;
    hs_tally_options defaults;
    if (!opts) {
        hs_tally_options_init(&defaults);
        opts = &defaults;
    }
    range main, cmp;
    hs_status st = make_range(ctx, opts->from, opts->to, "period", &main);
    if (!st) st = make_range(ctx, opts->compare_from, opts->compare_to, "compare period", &cmp);
    if (st) return st;
    hs_tally *t = hs__calloc(ctx, 1, sizeof *t);
    if (!t) return hs__error(ctx, HS_ENOMEM, "out of memory");
    t->u = u;
    t->inc = inc;
    t->n = u->n;
    t->compare = cmp.any;
    t->share = main.from && main.to && cmp.from && cmp.to
                   ? (double)(main.b - main.a) / (double)((main.b - main.a) + (cmp.b - cmp.a))
                   : NAN;
    bool both = main.from && main.to && cmp.from && cmp.to;
    t->days = both ? (double)(main.b - main.a) / 86400 : NAN;
    t->cdays = both ? (double)(cmp.b - cmp.a) / 86400 : NAN;
    t->by_type = opts->by_type != 0;
    t->ncat = inc->cats.count;
    size_t n1 = t->n ? t->n : 1;
    t->count = hs__calloc(ctx, n1, sizeof *t->count);
    t->ccount = hs__calloc(ctx, n1, sizeof *t->ccount);
    t->weight = hs__calloc(ctx, n1, sizeof *t->weight);
    t->pop = hs__malloc(ctx, n1 * sizeof *t->pop);
    t->rank = hs__calloc(ctx, n1, sizeof *t->rank);
    t->types = t->by_type ? hs__calloc(ctx, n1 * (t->ncat ? t->ncat : 1), sizeof *t->types) : NULL;
    uint64_t *sorted = hs__malloc(ctx, n1 * sizeof *sorted);
    if (!t->count || !t->ccount || !t->weight || !t->pop || !t->rank || !sorted ||
        (t->by_type && !t->types)) {
        free(sorted);
        hs_tally_destroy(t);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < t->n; i++)
        t->pop[i] = NAN;
    const hs__cols *c = &inc->col;
    t->sum.incidents = c->n;
    for (size_t i = 0; i < c->n; i++) {
        bool a = in_range(&main, c->t[i], c->prec[i]);
        bool b = cmp.any && in_range(&cmp, c->t[i], c->prec[i]);
        uint32_t k = unit_of[i];
        if (!a && !b) {
            t->sum.other_period++;
        } else if (k == HS_NO_UNIT || k >= t->n) {
            t->sum.outside++;
        } else {
            if (a) {
                t->count[k]++;
                t->weight[k] += c->w[i];
                t->sum.in_units++;
                if (t->by_type && c->cat[i] != HS_NO_CATEGORY) t->types[k * t->ncat + c->cat[i]]++;
            }
            if (b) {
                t->ccount[k]++;
                t->sum.in_compare++;
            }
        }
    }
    /* Competition ranking: rank = 1 + units with a larger count. */
    memcpy(sorted, t->count, t->n * sizeof *sorted);
    qsort(sorted, t->n, sizeof *sorted, cmp_desc);
    for (size_t i = 0; i < t->n; i++) {
        size_t lo = 0, hi = t->n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (sorted[mid] > t->count[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        t->rank[i] = (uint32_t)lo + 1;
    }
    free(sorted);
    *out = t;
    return HS_OK;
}

hs_status hs_tally_row_get(const hs_tally *t, size_t i, hs_tally_row *r) {
    if (!t || !r || i >= t->n) return HS_EINVAL;
    r->count = t->count[i];
    r->weight = t->weight[i];
    r->share_pct = t->sum.in_units ? 100.0 * (double)t->count[i] / (double)t->sum.in_units : NAN;
    r->rank = t->rank[i];
    r->area_km2 = t->u->area[i] / 1e6;
    r->per_km2 = r->area_km2 > 0 ? (double)t->count[i] / r->area_km2 : NAN;
    r->population = t->pop[i];
    r->rate_per_1000 = t->pop[i] > 0 ? 1000.0 * (double)t->count[i] / t->pop[i] : NAN;
    r->count_compare = t->compare ? t->ccount[i] : 0;
    r->change = t->compare ? (int64_t)t->count[i] - (int64_t)t->ccount[i] : 0;
    /* By rate when the periods differ in length (Oct-Dec's 92 days against
     * Jan-Feb's 59 would otherwise show a rise per day as a fall). */
    double c1 = (double)t->count[i], c0 = (double)t->ccount[i];
    bool unequal = !isnan(t->days) && t->days != t->cdays;
    r->change_pct = !t->compare || !t->ccount[i] ? NAN
                    : unequal ? 100.0 * (c1 / t->days - c0 / t->cdays) / (c0 / t->cdays)
                              : 100.0 * (double)r->change / c0;
    r->per_30d = isnan(t->days) ? NAN : 30 * c1 / t->days;
    r->per_30d_compare = isnan(t->days) ? NAN : 30 * c0 / t->cdays;
    r->change_per_30d = r->per_30d - r->per_30d_compare;
    r->change_p =
        t->compare && !isnan(t->share) ? hs_change_p(t->ccount[i], t->count[i], t->share) : NAN;
    return HS_OK;
}

uint64_t hs_tally_type_count(const hs_tally *t, size_t unit, uint32_t category) {
    if (!t || !t->by_type || unit >= t->n || category >= t->ncat) return 0;
    return t->types[unit * t->ncat + category];
}

hs_status hs_tally_summary_get(const hs_tally *t, hs_tally_summary *out) {
    if (!t || !out) return HS_EINVAL;
    *out = t->sum;
    out->days = t->days;
    out->days_compare = t->cdays;
    return HS_OK;
}

typedef struct pop_ctx {
    hs_ctx *ctx;
    const char *path;
    hs__strtab *codes;
    size_t nunits, extra;
    double *pop;
} pop_ctx;

static hs_status pop_row(void *ud, const char *key, size_t klen, double v, uint64_t line) {
    pop_ctx *c = ud;
    bool added;
    uint32_t id = hs__strtab_intern(c->ctx, c->codes, key, klen, &added);
    if (id == UINT32_MAX) return hs__error(c->ctx, HS_ENOMEM, "out of memory");
    if (id >= c->nunits) {
        c->extra += added; /* a code no unit has */
        return HS_OK;
    }
    if (!isnan(c->pop[id]))
        return hs__error(c->ctx, HS_EPARSE, "%s:%llu: code '%s' given twice", c->path,
                         (unsigned long long)line, key);
    c->pop[id] = v;
    return HS_OK;
}

hs_status hs_tally_set_population(hs_ctx *ctx, hs_tally *t, const char *path, size_t *unmatched) {
    if (!ctx || !t || !path) return HS_EINVAL;
    hs__strtab codes = {0};
    double *pop = hs__malloc(ctx, (t->n ? t->n : 1) * sizeof *pop);
    hs_status st = HS_OK;
    if (!pop) return hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; i < t->n && !st; i++) {
        pop[i] = NAN;
        if (hs__strtab_intern(ctx, &codes, t->u->code[i], strlen(t->u->code[i]), NULL) ==
            UINT32_MAX)
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    /* Ids below nunits are unit codes; codes only in the file come after. */
    pop_ctx pc = {ctx, path, &codes, codes.count, 0, pop};
    if (!st) st = hs__csv_pairs(ctx, path, "code", "population", pop_row, &pc);
    if (!st) {
        /* Units sharing a code (unlikely) take the same population. */
        size_t missing = 0;
        for (size_t i = 0; i < t->n; i++) {
            uint32_t id =
                hs__strtab_intern(ctx, &codes, t->u->code[i], strlen(t->u->code[i]), NULL);
            t->pop[i] = pop[id];
            missing += isnan(pop[id]);
        }
        t->has_pop = true;
        if (unmatched) *unmatched = missing + pc.extra;
    }
    hs__strtab_free(&codes);
    free(pop);
    return st;
}

/* ---- writers ------------------------------------------------------------- */

/* Short DBF names for police.uk's 14 crime types. */
static const char *const type_short[][2] = {{"Anti-social behaviour", "asb"},
                                            {"Bicycle theft", "bike_theft"},
                                            {"Burglary", "burglary"},
                                            {"Criminal damage and arson", "damage_ars"},
                                            {"Drugs", "drugs"},
                                            {"Other theft", "oth_theft"},
                                            {"Possession of weapons", "weapons"},
                                            {"Public order", "pub_order"},
                                            {"Robbery", "robbery"},
                                            {"Shoplifting", "shoplift"},
                                            {"Theft from the person", "theft_pers"},
                                            {"Vehicle crime", "vehicle"},
                                            {"Violence and sexual offences", "violence"},
                                            {"Other crime", "oth_crime"}};

static void dbf_type_name(const char *cat, size_t k, char out[11]) {
    for (size_t i = 0; i < sizeof type_short / sizeof *type_short; i++)
        if (!strcasecmp(cat, type_short[i][0])) {
            snprintf(out, 11, "%s", type_short[i][1]);
            return;
        }
    snprintf(out, 11, "type_%u", (unsigned)((k + 1) % 100000));
}

typedef struct col {
    const char *name, *dbf;
    char kind; /* 'S' text, 'I' integer, 'R' real */
    int decimals;
} col;

/* The columns in order; by-type columns follow. */
static size_t columns(const hs_tally *t, col *c) {
    size_t n = 0;
    c[n++] = (col){"code", "code", 'S', 0};
    c[n++] = (col){"name", "name", 'S', 0};
    if (t->pc.on) {
        c[n++] = (col){"location", "location", 'S', 0};
        c[n++] = (col){"location_pct", "loc_pct", 'R', 1};
        c[n++] = (col){"one_point_pct", "one_pt_pct", 'R', 1};
        if (t->pc.has_wards) {
            c[n++] = (col){"ward_code", "ward_code", 'S', 0};
            c[n++] = (col){"ward_name", "ward_name", 'S', 0};
        }
    }
    c[n++] = (col){"count", "count", 'I', 0};
    c[n++] = (col){"weight", "weight", 'R', -1};
    c[n++] = (col){"share_pct", "share_pct", 'R', 2};
    c[n++] = (col){"rank", "rank", 'I', 0};
    c[n++] = (col){"area_km2", "area_km2", 'R', 4};
    c[n++] = (col){"per_km2", "per_km2", 'R', 2};
    if (t->has_pop) {
        c[n++] = (col){"population", "population", 'R', -1};
        c[n++] = (col){"rate_per_1000", "rate_1000", 'R', 2};
    }
    if (t->compare) {
        c[n++] = (col){"count_compare", "count_cmp", 'I', 0};
        c[n++] = (col){"change", "change", 'I', 0};
        c[n++] = (col){"change_pct", "change_pct", 'R', 1};
        if (!isnan(t->days)) {
            c[n++] = (col){"per_30d", "per_30d", 'R', 2};
            c[n++] = (col){"per_30d_compare", "per30d_cmp", 'R', 2};
            c[n++] = (col){"change_per_30d", "chg_30d", 'R', 2};
        }
        if (!isnan(t->share)) c[n++] = (col){"change_p", "change_p", 'R', 6};
    }
    return n;
}

/* Value of column k of unit i as text ("" when undefined); numbers only. */
static bool value(const hs_tally *t, size_t i, const hs_tally_row *r, const col *c, char *buf,
                  size_t size) {
    double v;
    if (!strcmp(c->name, "location_pct"))
        v = t->pc.loc_pct[i];
    else if (!strcmp(c->name, "one_point_pct"))
        v = t->pc.pt_pct[i];
    else if (!strcmp(c->name, "count"))
        v = (double)r->count;
    else if (!strcmp(c->name, "weight"))
        v = r->weight;
    else if (!strcmp(c->name, "share_pct"))
        v = r->share_pct;
    else if (!strcmp(c->name, "rank"))
        v = r->rank;
    else if (!strcmp(c->name, "area_km2"))
        v = r->area_km2;
    else if (!strcmp(c->name, "per_km2"))
        v = r->per_km2;
    else if (!strcmp(c->name, "population"))
        v = r->population;
    else if (!strcmp(c->name, "rate_per_1000"))
        v = r->rate_per_1000;
    else if (!strcmp(c->name, "count_compare"))
        v = (double)r->count_compare;
    else if (!strcmp(c->name, "change"))
        v = (double)r->change;
    else if (!strcmp(c->name, "change_p"))
        v = r->change_p;
    else if (!strcmp(c->name, "per_30d"))
        v = r->per_30d;
    else if (!strcmp(c->name, "per_30d_compare"))
        v = r->per_30d_compare;
    else if (!strcmp(c->name, "change_per_30d"))
        v = r->change_per_30d;
    else
        v = r->change_pct;
    if (isnan(v)) {
        buf[0] = 0;
        return false;
    }
    if (c->kind == 'I')
        snprintf(buf, size, "%.0f", v);
    else if (c->decimals >= 0)
        snprintf(buf, size, "%.*f", c->decimals, v);
    else
        hs__fmt_real(buf, size, v);
    return true;
}

/* A text column of unit i. */
static const char *text(const hs_tally *t, const col *c, size_t i) {
    if (!strcmp(c->name, "code")) return t->u->code[i];
    if (!strcmp(c->name, "location")) return t->pc.loc[i];
    if (!strcmp(c->name, "ward_code")) return t->pc.wcode[i];
    if (!strcmp(c->name, "ward_name")) return t->pc.wname[i];
    return t->u->name[i];
}

/* The ward table as a layer: its columns, then one per crime type. */
typedef struct tally_layer {
    const hs_tally *t;
    col c[32];
    size_t nc;
} tally_layer;

static bool tally_row(void *user, size_t i, const char **v, char (*buf)[64]) {
    const tally_layer *tl = user;
    const hs_tally *t = tl->t;
    hs_tally_row r;
    hs_tally_row_get(t, i, &r);
    for (size_t k = 0; k < tl->nc; k++)
        v[k] = tl->c[k].kind == 'S'                                ? text(t, &tl->c[k], i)
               : value(t, i, &r, &tl->c[k], buf[k], sizeof buf[k]) ? buf[k]
                                                                   : NULL;
    for (size_t k = 0; t->by_type && k < t->ncat; k++) {
        snprintf(buf[tl->nc + k], sizeof buf[0], "%" PRIu64, t->types[i * t->ncat + k]);
        v[tl->nc + k] = buf[tl->nc + k];
    }
    return true;
}

static void tally_shape(void *user, size_t i, const hs__geom **g, double *xy, size_t *n) {
    const tally_layer *tl = user;
    (void)xy, (void)n;
    *g = tl->t->u->g[i];
}

static hs_status write_layer(hs_ctx *ctx, const hs_tally *t, const char *path) {
    tally_layer tl = {t, {{0}}, 0};
    tl.nc = columns(t, tl.c);
    size_t nf = tl.nc + (t->by_type ? t->ncat : 0);
    hs__lfield *fd = hs__calloc(ctx, nf, sizeof *fd);
    char(*tnames)[11] = hs__calloc(ctx, t->ncat + 1, sizeof *tnames);
    if (!fd || !tnames) {
        free(fd);
        free(tnames);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < tl.nc; k++) {
        const col *c = &tl.c[k];
        size_t tw = 1; /* a text column is as wide as its longest value */
        for (size_t i = 0; c->kind == 'S' && i < t->n; i++)
            if (strlen(text(t, c, i)) > tw) tw = strlen(text(t, c, i));
        int w = c->kind == 'S' ? (int)(tw > 254 ? 254 : tw) : c->kind == 'I' ? 9 : 19;
        fd[k] = (hs__lfield){c->name,
                             c->dbf,
                             c->kind == 'S'   ? 'C'
                             : c->kind == 'I' ? 'N'
                                              : 'F',
                             w > 254 ? 254 : w,
                             c->kind == 'R' ? (c->decimals >= 0 ? c->decimals : 6) : 0,
                             HS__IN_ALL};
    }
    for (size_t k = 0; t->by_type && k < t->ncat; k++) {
        dbf_type_name(t->inc->cats.names[k], k, tnames[k]);
        fd[tl.nc + k] = (hs__lfield){t->inc->cats.names[k], tnames[k], 'N', 9, 0, HS__IN_ALL};
    }
    hs__layer L = {t->u->crs, t->u->geos, fd, nf, t->n, &tl, tally_row, tally_shape};
    hs_status st = hs__layer_write(ctx, &L, path);
    free(fd);
    free(tnames);
    return st;
}

hs_status hs_tally_write(hs_ctx *ctx, const hs_tally *t, const char *path) {
    if (!ctx || !t || !path) return HS_EINVAL;
    bool csv = hs__has_ext(path, ".csv"), shp = hs__has_ext(path, ".shp");
    hs_status st = write_layer(ctx, t, path);
    if (!st && !csv) {
        /* The QGIS style beside a map layer: wards shaded by count, or by
         * rate when populations are known (the DBF's field is shorter). */
        double *v = hs__malloc(ctx, (t->n ? t->n : 1) * sizeof *v);
        if (!v) return hs__error(ctx, HS_ENOMEM, "out of memory");
        for (size_t i = 0; i < t->n; i++) {
            double rate = t->pop[i] > 0 ? 1000.0 * (double)t->count[i] / t->pop[i] : 0;
            v[i] = t->has_pop ? rate : (double)t->count[i];
        }
        const char *attr = !t->has_pop ? "count" : shp ? "rate_1000" : "rate_per_1000";
        st = hs__style_write_graduated(ctx, path, attr, v, t->n, "80,80,80,255");
        free(v);
    }
    return st;
}

const hs_units *hs__tally_units(const hs_tally *t) {
    return t->u;
}

bool hs__tally_has_compare(const hs_tally *t) {
    return t->compare;
}

bool hs__tally_has_population(const hs_tally *t) {
    return t->has_pop;
}
