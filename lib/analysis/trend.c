/* trend.c — emerging hotspots: Gi* per period and a Mann-Kendall trend per
 * unit, classified into ArcGIS Pro's Emerging Hot Spot Analysis categories
 * (rules and thresholds in docs/methods.md; the classifier is in
 * evaluate.c). Unlike ArcGIS's space-time cube, neighbours are spatial only
 * (the unit's own neighbours within the same period), so each period's Gi*
 * is the ordinary one of getisord.c. */
#include "analysis.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct hs_trend {
    const hs_units *u;
    hs_period period;
    size_t n, np;
    char (*label)[48];
    double *v, *z, *p;
    hs_trend_unit *unit;
    uint64_t undated;
    hs__place_cols pc; /* hs_trend_set_place_names */
};

hs_status hs_trend_set_place_names(hs_ctx *ctx, hs_trend *t, const hs_place_name *names) {
    if (!ctx || !t || (!names && t->n)) return HS_EINVAL;
    return hs__place_cols_set(ctx, &t->pc, names, t->n);
}

void hs_trend_destroy(hs_trend *t) {
    if (!t) return;
    hs__place_cols_free(&t->pc);
    free(t->label);
    free(t->v);
    free(t->z);
    free(t->p);
    free(t->unit);
    free(t);
}

/* Period index of a month index (year * 12 + month - 1). */
static int64_t period_of(int64_t m, hs_period per) {
    int64_t y = m >= 0 ? m / 12 : (m - 11) / 12;
    return per == HS_PERIOD_MONTH ? m : per == HS_PERIOD_QUARTER ? y * 4 + (m - y * 12) / 3 : y;
}

static void period_label(int64_t k, hs_period per, char out[48]) {
    int64_t d = per == HS_PERIOD_MONTH ? 12 : per == HS_PERIOD_QUARTER ? 4 : 1;
    int64_t y = k >= 0 ? k / d : (k - d + 1) / d, r = k - y * d;
    if (per == HS_PERIOD_MONTH)
        snprintf(out, 48, "%04" PRId64 "-%02d", y, (int)r + 1);
    else if (per == HS_PERIOD_QUARTER)
        snprintf(out, 48, "%04" PRId64 "-Q%d", y, (int)r + 1);
    else
        snprintf(out, 48, "%04" PRId64, y);
}

void hs_trend_options_init(hs_trend_options *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->period = HS_PERIOD_AUTO;
    o->alpha = 0.10;
    o->fdr = 1;
}

hs_status hs_trend_compute(hs_ctx *ctx, const hs_units *u, const hs_incidents *inc,
                           const uint32_t *unit_of, const hs_trend_options *opts, hs_trend **out) {
    if (!ctx || !u || !inc || !out || (!unit_of && inc->col.n)) return HS_EINVAL;
    *out = NULL;
    hs_trend_options o = {HS_PERIOD_AUTO, 0.10, 0};
    if (opts) o = *opts;
    if (!(o.alpha > 0)) o.alpha = 0.10;
    if (o.alpha >= 1) return hs__error(ctx, HS_EINVAL, "trend: alpha must be below 1");
    if (o.period < HS_PERIOD_AUTO || o.period > HS_PERIOD_YEAR)
        return hs__error(ctx, HS_EINVAL, "trend: unknown period");
    if (!u->nb_start)
        return hs__error(ctx, HS_EINVAL,
                         "build the units' neighbours first (hs_units_build_neighbours)");
    const hs__cols *c = &inc->col;
    int64_t m0 = INT64_MAX, m1 = INT64_MIN;
    uint64_t undated = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->prec[i] == HS_TIME_NONE) {
            undated++;
            continue;
        }
        int64_t m = hs__month_index(c->t[i]);
        if (m < m0) m0 = m;
        if (m > m1) m1 = m;
    }
    if (m0 > m1) return hs__error(ctx, HS_ENODATA, "trend: no dated incidents");
    if (o.period == HS_PERIOD_AUTO) {
        /* Mann-Kendall needs about 8 or more points to say anything (its
         * smallest two-sided p with n = 7 is 0.003 only without ties), so
         * take the coarsest period that still gives 8. */
        o.period = period_of(m1, HS_PERIOD_YEAR) - period_of(m0, HS_PERIOD_YEAR) + 1 >= 8
                       ? HS_PERIOD_YEAR
                   : period_of(m1, HS_PERIOD_QUARTER) - period_of(m0, HS_PERIOD_QUARTER) + 1 >= 8
                       ? HS_PERIOD_QUARTER
                       : HS_PERIOD_MONTH;
    }
    int64_t k0 = period_of(m0, o.period), k1 = period_of(m1, o.period);
    if (k1 - k0 + 1 > 100000) return hs__error(ctx, HS_EINVAL, "trend: too many periods");
    size_t np = (size_t)(k1 - k0 + 1), n = u->n;
    /* Three doubles per unit and period: refuse up front what would not fit,
     * rather than grow for minutes and fail (a stray date once made 8.5 GB). */
    double need_gb = 24.0 * (double)n * (double)np / 1e9;
    char t_lo[48], t_hi[48];
    period_label(k0, o.period, t_lo);
    period_label(k1, o.period, t_hi);
    if (need_gb > HS__MAX_WORK_GB)
        return hs__error(ctx, HS_EINVAL,
                         "trend: %zu units x %zu periods (%s to %s) would need %.1f GB: narrow "
                         "--from/--to, take a coarser --period or a larger --cell-size",
                         n, np, t_lo, t_hi, need_gb);
    hs_trend *t = hs__calloc(ctx, 1, sizeof *t);
    size_t cells = n && np ? n * np : 1;
    double *col = NULL, *zc = NULL, *pc = NULL, *zs = NULL, *ps = NULL;
    int *bin = NULL;
    hs_status st = HS_OK;
    if (!t) return hs__error(ctx, HS_ENOMEM, "out of memory");
    t->u = u, t->period = o.period, t->n = n, t->np = np, t->undated = undated;
    t->label = hs__calloc(ctx, np, sizeof *t->label);
    t->v = hs__calloc(ctx, cells, sizeof *t->v);
    t->z = hs__malloc(ctx, cells * sizeof *t->z);
    t->p = hs__malloc(ctx, cells * sizeof *t->p);
    t->unit = hs__calloc(ctx, n ? n : 1, sizeof *t->unit);
    col = hs__malloc(ctx, (n ? n : 1) * sizeof *col);
    zc = hs__malloc(ctx, (n ? n : 1) * sizeof *zc);
    pc = hs__malloc(ctx, (n ? n : 1) * sizeof *pc);
    bin = hs__malloc(ctx, (n ? n : 1) * sizeof *bin);
    zs = hs__malloc(ctx, np * sizeof *zs);
    ps = hs__malloc(ctx, np * sizeof *ps);
    if (!t->label || !t->v || !t->z || !t->p || !t->unit || !col || !zc || !pc || !bin || !zs ||
        !ps) {
        st = hs__error(ctx, HS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < np; k++)
        period_label(k0 + (int64_t)k, o.period, t->label[k]);
    for (size_t i = 0; i < c->n; i++) {
        if (c->prec[i] == HS_TIME_NONE || unit_of[i] >= n) continue;
        size_t k = (size_t)(period_of(hs__month_index(c->t[i]), o.period) - k0);
        t->v[(size_t)unit_of[i] * np + k] += c->w[i];
    }
    /* Gi* period by period: the values of one period are a strided column. */
    for (size_t k = 0; k < np && !st; k++) {
        if ((st = hs__progress(ctx, "trend", k, np))) break;
        for (size_t i = 0; i < n; i++)
            col[i] = t->v[i * np + k];
        st = hs_units_getis_ord(ctx, u, col, 1, o.fdr, zc, pc, bin);
        for (size_t i = 0; i < n && !st; i++)
            t->z[i * np + k] = zc[i], t->p[i * np + k] = pc[i];
    }
    for (size_t i = 0; i < n && !st; i++) {
        hs_trend_unit *r = &t->unit[i];
        /* A period where Gi* is undefined (no incidents anywhere, or equal
         * values everywhere) says nothing: z 0, p 1. */
        for (size_t k = 0; k < np; k++) {
            double z = t->z[i * np + k], p = t->p[i * np + k];
            zs[k] = isnan(z) ? 0 : z;
            ps[k] = isnan(p) ? 1 : p;
            r->total += t->v[i * np + k];
            r->hot_periods += ps[k] < o.alpha && zs[k] > 0;
            r->cold_periods += ps[k] < o.alpha && zs[k] < 0;
        }
        r->category = hs_emerging_classify(zs, ps, np, o.alpha);
        if (hs_mann_kendall_compute(zs, np, &r->trend) != HS_OK)
            r->trend = (hs_mann_kendall){0, 0, NAN, NAN, NAN};
        r->z_last = t->z[i * np + np - 1];
        r->p_last = t->p[i * np + np - 1];
    }
done:
    free(col), free(zc), free(pc), free(bin), free(zs), free(ps);
    if (st) {
        hs_trend_destroy(t);
        return st;
    }
    *out = t;
    return HS_OK;
}

hs_period hs_trend_period(const hs_trend *t) {
    return t ? t->period : HS_PERIOD_AUTO;
}
size_t hs_trend_period_count(const hs_trend *t) {
    return t ? t->np : 0;
}
const char *hs_trend_period_label(const hs_trend *t, size_t k) {
    return t && k < t->np ? t->label[k] : NULL;
}
uint64_t hs_trend_undated(const hs_trend *t) {
    return t ? t->undated : 0;
}
hs_status hs_trend_unit_get(const hs_trend *t, size_t i, hs_trend_unit *out) {
    if (!t || !out || i >= t->n) return HS_EINVAL;
    *out = t->unit[i];
    return HS_OK;
}
const double *hs_trend_values(const hs_trend *t) {
    return t ? t->v : NULL;
}
const double *hs_trend_z(const hs_trend *t) {
    return t ? t->z : NULL;
}
const double *hs_trend_p(const hs_trend *t) {
    return t ? t->p : NULL;
}

/* A number, or the format's empty value when undefined. */
/* The trend as a layer: units with incidents or a category; centroids in
 * the working CRS in CSV and DBF; one count column a period. */
enum { TF_PERIODS = 12 };
static const hs__lfield trend_fields[TF_PERIODS] = {
    {"id", "id", 'C', 40, 0, HS__IN_ALL},
    {"x", "x", 'F', 16, 3, HS__IN_CSV | HS__IN_SHP},
    {"y", "y", 'F', 16, 3, HS__IN_CSV | HS__IN_SHP},
    {"category", "category", 'C', 40, 0, HS__IN_ALL},
    {"hot_periods", "hot_per", 'N', 6, 0, HS__IN_ALL},
    {"cold_periods", "cold_per", 'N', 6, 0, HS__IN_ALL},
    {"total", "total", 'F', 19, 6, HS__IN_ALL},
    {"trend_tau", "trend_tau", 'F', 12, 6, HS__IN_ALL},
    {"trend_z", "trend_z", 'F', 14, 6, HS__IN_ALL},
    {"trend_p", "trend_p", 'F', 19, 12, HS__IN_ALL},
    {"z_last", "z_last", 'F', 14, 6, HS__IN_ALL},
    {"p_last", "p_last", 'F', 19, 12, HS__IN_ALL}};

static const char *num(char *buf, double v, const char *fmt) {
    if (isnan(v)) return NULL;
    snprintf(buf, 64, fmt, v);
    return buf;
}

static bool trend_row(void *user, size_t i, const char **v, char (*buf)[64]) {
    const hs_trend *t = user;
    const hs_trend_unit *r = &t->unit[i];
    if (!(r->total > 0) && r->category == HS_EMERGING_NONE) return false;
    v[0] = t->u->code[i];
    v[1] = num(buf[1], t->u->cx[i], "%.3f");
    v[2] = num(buf[2], t->u->cy[i], "%.3f");
    v[3] = hs_emerging_name(r->category);
    v[4] = num(buf[4], r->hot_periods, "%.0f");
    v[5] = num(buf[5], r->cold_periods, "%.0f");
    hs__fmt_double(buf[6], 64, r->total);
    v[6] = buf[6];
    v[7] = num(buf[7], r->trend.tau, "%.6f");
    v[8] = num(buf[8], r->trend.z, "%.6f");
    v[9] = num(buf[9], r->trend.p, "%.6g");
    v[10] = num(buf[10], r->z_last, "%.6f");
    v[11] = num(buf[11], r->p_last, "%.6g");
    size_t f = TF_PERIODS;
    if (t->pc.on) { /* the place columns (place_fields) */
        v[f++] = t->u->name[i];
        v[f++] = t->pc.loc[i];
        v[f] = num(buf[f], t->pc.loc_pct[i], "%.1f"), f++;
        v[f] = num(buf[f], t->pc.pt_pct[i], "%.1f"), f++;
        if (t->pc.has_wards) v[f++] = t->pc.wcode[i], v[f++] = t->pc.wname[i];
    }
    for (size_t k = 0; k < t->np; k++, f++) {
        hs__fmt_double(buf[f], 64, t->v[i * t->np + k]);
        v[f] = buf[f];
    }
    return true;
}

static void trend_shape(void *user, size_t i, const hs__geom **g, double *xy, size_t *n) {
    (void)xy, (void)n;
    *g = ((const hs_trend *)user)->u->g[i];
}

/* The unit's name, its place text and ward (hs_trend_set_place_names). */
static const hs__lfield place_fields[6] = {{"name", "name", 'C', 80, 0, HS__IN_ALL},
                                           {"location", "location", 'C', 120, 0, HS__IN_ALL},
                                           {"location_pct", "loc_pct", 'F', 6, 1, HS__IN_ALL},
                                           {"one_point_pct", "one_pt_pct", 'F', 6, 1, HS__IN_ALL},
                                           {"ward_code", "ward_code", 'C', 16, 0, HS__IN_ALL},
                                           {"ward_name", "ward_name", 'C', 80, 0, HS__IN_ALL}};

hs_status hs_trend_write(hs_ctx *ctx, const hs_trend *t, const char *path) {
    if (!ctx || !t || !path) return HS_EINVAL;
    size_t npl = t->pc.on ? (t->pc.has_wards ? 6 : 4) : 0, f0 = TF_PERIODS + npl;
    hs__lfield *fd = hs__calloc(ctx, f0 + t->np, sizeof *fd);
    char(*names)[2][24] = hs__calloc(ctx, t->np + 1, sizeof *names);
    if (!fd || !names) {
        free(fd);
        free(names);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    memcpy(fd, trend_fields, sizeof trend_fields);
    memcpy(fd + TF_PERIODS, place_fields, npl * sizeof *fd);
    for (size_t k = 0; k < t->np; k++) {
        snprintf(names[k][0], sizeof names[k][0], "n_%s", t->label[k]);
        snprintf(names[k][1], 11, "n_%s", t->label[k]); /* n_2024-01, n_2024Q1 */
        fd[f0 + k] = (hs__lfield){names[k][0], names[k][1], 'F', 19, 6, HS__IN_ALL};
    }
    hs__layer L = {t->u->crs, t->u->geos, fd, f0 + t->np, t->n, (void *)t, trend_row, trend_shape};
    hs_status st = hs__layer_write(ctx, &L, path);
    free(fd);
    free(names);
    return st;
}
