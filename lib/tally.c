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
#include "internal.h"

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
    double share; /* the period's share of both periods' time; NAN unknown */
    hs_tally_summary sum;
};

void hs_tally_options_init(hs_tally_options *o) {
    if (o) memset(o, 0, sizeof *o);
}

void hs_tally_destroy(hs_tally *t) {
    if (!t) return;
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
    r->change_pct =
        t->compare && t->ccount[i] ? 100.0 * (double)r->change / (double)t->ccount[i] : NAN;
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
        if (!isnan(t->share)) c[n++] = (col){"change_p", "change_p", 'R', 6};
    }
    return n;
}

/* Value of column k of unit i as text ("" when undefined); numbers only. */
static bool value(const hs_tally *t, const hs_tally_row *r, const col *c, char *buf, size_t size) {
    double v;
    if (!strcmp(c->name, "count"))
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
    else
        v = r->change_pct;
    (void)t;
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

static void put_csv_text(FILE *f, const char *s) {
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void put_json_text(FILE *f, const char *s) {
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static hs_status write_csv(const hs_tally *t, FILE *f) {
    col c[16];
    size_t nc = columns(t, c);
    for (size_t k = 0; k < nc; k++)
        fprintf(f, "%s%s", k ? "," : "", c[k].name);
    for (size_t k = 0; t->by_type && k < t->ncat; k++) {
        fputc(',', f);
        put_csv_text(f, t->inc->cats.names[k]);
    }
    fputc('\n', f);
    for (size_t i = 0; i < t->n; i++) {
        hs_tally_row r;
        hs_tally_row_get(t, i, &r);
        put_csv_text(f, t->u->code[i]);
        fputc(',', f);
        put_csv_text(f, t->u->name[i]);
        for (size_t k = 2; k < nc; k++) {
            char v[64];
            value(t, &r, &c[k], v, sizeof v);
            fprintf(f, ",%s", v);
        }
        for (size_t k = 0; t->by_type && k < t->ncat; k++)
            fprintf(f, ",%" PRIu64, t->types[i * t->ncat + k]);
        fputc('\n', f);
    }
    return HS_OK;
}

static hs_status write_geojson(hs_ctx *ctx, const hs_tally *t, FILE *f) {
    col c[16];
    size_t nc = columns(t, c);
    hs__xentry *xe = hs__ctx_xform(ctx, t->u->crs, "EPSG:4326");
    if (!xe) return HS_ECRS;
    hs_status st = HS_OK;
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
    for (size_t i = 0; i < t->n && !st; i++) {
        hs_tally_row r;
        hs_tally_row_get(t, i, &r);
        fputs(i ? ",\n{\"type\":\"Feature\",\"properties\":{"
                : "\n{\"type\":\"Feature\",\"properties\":{",
              f);
        fputs("\"code\":", f);
        put_json_text(f, t->u->code[i]);
        fputs(",\"name\":", f);
        put_json_text(f, t->u->name[i]);
        for (size_t k = 2; k < nc; k++) {
            char v[64];
            bool def = value(t, &r, &c[k], v, sizeof v);
            fprintf(f, ",\"%s\":%s", c[k].name, def ? v : "null");
        }
        for (size_t k = 0; t->by_type && k < t->ncat; k++) {
            fputc(',', f);
            put_json_text(f, t->inc->cats.names[k]);
            fprintf(f, ":%" PRIu64, t->types[i * t->ncat + k]);
        }
        fputs("},\"geometry\":", f);
        if (!hs__geojson_geometry(f, t->u->geos, t->u->g[i], xe->main))
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
        fputc('}', f);
    }
    fputs("\n]}\n", f);
    return st;
}

/* Rings of one unit, collected for the writers. */
typedef struct rings {
    double *x, *y;
    size_t n, cap;
    int *start, *poly;
    size_t nr, capr;
    bool nomem;
} rings;

static int collect_ring(void *ud, int poly, int ring, const double *x, const double *y, size_t n) {
    rings *R = ud;
    (void)ring;
    if (!hs__grow(NULL, (void **)&R->x, &R->cap, R->n + n, sizeof *R->x)) goto nomem;
    double *ny = hs__realloc(NULL, R->y, R->cap * sizeof *ny);
    if (!ny) goto nomem;
    R->y = ny;
    if (!hs__grow(NULL, (void **)&R->start, &R->capr, R->nr + 2, sizeof *R->start)) goto nomem;
    int *np = hs__realloc(NULL, R->poly, R->capr * sizeof *np);
    if (!np) goto nomem;
    R->poly = np;
    memcpy(R->x + R->n, x, n * sizeof *x);
    memcpy(R->y + R->n, y, n * sizeof *y);
    R->start[R->nr] = (int)R->n;
    R->poly[R->nr] = poly;
    R->nr++;
    R->n += n;
    R->start[R->nr] = (int)R->n;
    return 0;
nomem:
    R->nomem = true;
    return -1;
}

static hs_status write_shp(hs_ctx *ctx, const hs_tally *t, const char *path) {
    col c[16];
    size_t nc = columns(t, c);
    size_t nf = nc + (t->by_type ? t->ncat : 0);
    hs__dbf_field *fd = hs__calloc(ctx, nf, sizeof *fd);
    hs__dbf_value *v = hs__calloc(ctx, nf, sizeof *v);
    char(*tnames)[11] = hs__calloc(ctx, t->ncat + 1, sizeof *tnames);
    char(*vals)[64] = hs__calloc(ctx, nf, sizeof *vals);
    hs__shp_writer *w = NULL;
    rings R = {0};
    hs_status st = HS_OK;
    if (!fd || !v || !tnames || !vals) {
        st = hs__error(ctx, HS_ENOMEM, "out of memory");
        goto done;
    }
    size_t codew = 1, namew = 1;
    for (size_t i = 0; i < t->n; i++) {
        if (strlen(t->u->code[i]) > codew) codew = strlen(t->u->code[i]);
        if (strlen(t->u->name[i]) > namew) namew = strlen(t->u->name[i]);
    }
    for (size_t k = 0; k < nc; k++) {
        fd[k].name = c[k].dbf;
        fd[k].type = c[k].kind == 'S' ? 'C' : c[k].kind == 'I' ? 'N' : 'F';
        fd[k].width = c[k].kind == 'S' ? (int)(k == 0 ? codew : namew) : c[k].kind == 'I' ? 9 : 19;
        fd[k].decimals = c[k].kind == 'R' ? (c[k].decimals >= 0 ? c[k].decimals : 6) : 0;
        if (fd[k].width > 254) fd[k].width = 254;
    }
    for (size_t k = 0; t->by_type && k < t->ncat; k++) {
        dbf_type_name(t->inc->cats.names[k], k, tnames[k]);
        fd[nc + k] = (hs__dbf_field){tnames[k], 'N', 9, 0};
    }
    if ((st = hs__shpw_open(ctx, path, fd, nf, &w))) goto done;
    for (size_t i = 0; i < t->n && !st; i++) {
        hs_tally_row r;
        hs_tally_row_get(t, i, &r);
        v[0] = (hs__dbf_value){t->u->code[i], 0, false};
        v[1] = (hs__dbf_value){t->u->name[i], 0, false};
        for (size_t k = 2; k < nc; k++) {
            bool def = value(t, &r, &c[k], vals[k], sizeof vals[k]);
            v[k] = (hs__dbf_value){NULL, def ? strtod(vals[k], NULL) : 0, !def};
        }
        for (size_t k = 0; t->by_type && k < t->ncat; k++)
            v[nc + k] = (hs__dbf_value){NULL, (double)t->types[i * t->ncat + k], false};
        R.n = R.nr = 0;
        if (t->u->g[i]) hs__geom_visit_rings(t->u->geos, t->u->g[i], collect_ring, &R);
        if (R.nomem) {
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
            break;
        }
        st = hs__shpw_add(ctx, w, R.x, R.y, R.start, (int)R.nr, (int)R.n, v);
    }
    if (!st) {
        char *wkt = NULL;
        st = hs__crs_wkt_esri(ctx, t->u->crs, &wkt);
        if (!st) {
            st = hs__shpw_commit(ctx, w, wkt);
            w = NULL;
        }
        free(wkt);
    }
done:
    hs__shpw_abort(w);
    free(fd);
    free(v);
    free(tnames);
    free(vals);
    free(R.x);
    free(R.y);
    free(R.start);
    free(R.poly);
    return st;
}

hs_status hs_tally_write(hs_ctx *ctx, const hs_tally *t, const char *path) {
    if (!ctx || !t || !path) return HS_EINVAL;
    bool json = hs__has_ext(path, ".geojson") || hs__has_ext(path, ".json");
    bool csv = hs__has_ext(path, ".csv"), shp = hs__has_ext(path, ".shp");
    if (!json && !csv && !shp)
        return hs__error(ctx, HS_EFORMAT,
                         "%s: unknown output format: use a .geojson, .csv or .shp name", path);
    hs_status st;
    if (shp) {
        st = write_shp(ctx, t, path);
    } else {
        hs__afile af;
        st = hs__afile_open(ctx, path, &af);
        if (st) return st;
        st = json ? write_geojson(ctx, t, af.f) : write_csv(t, af.f);
        if (st) {
            hs__afile_abort(&af);
            return st;
        }
        st = hs__afile_commit(ctx, &af);
    }
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
