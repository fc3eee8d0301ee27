/* evaluation.c — did the hotspots hold, and did patrols work: places
 * chosen on one period measured on another (hit rate, PAI, PEI, RRI by
 * hs_capture_compute; the capture curve) and the displacement reading, as
 * data; writing is separate. */
#include "analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct rankrow {
    double key, after, area;
    size_t i;
} rankrow;

/* Descending on the key, ties in unit order (a stable, total order: the
 * same curve on every platform). */
static int cmp_rank(const void *x, const void *y) {
    const rankrow *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? 1 : -1;
    return (a->i > b->i) - (a->i < b->i);
}

static hs_status curve_fill(hs_ctx *ctx, const double *after, const double *before,
                            const double *area, size_t n, double *curve) {
    rankrow *r = hs__malloc(ctx, (n + 1) * sizeof *r);
    if (!r) return hs__error(ctx, HS_ENOMEM, "out of memory");
    double N = 0, A = 0, cn = 0, ca = 0;
    for (size_t i = 0; i < n; i++) {
        r[i] = (rankrow){before ? before[i] : after[i], after[i], area[i], i};
        N += after[i], A += area[i];
    }
    qsort(r, n, sizeof *r, cmp_rank);
    curve[0] = curve[1] = 0;
    for (size_t i = 0; i < n; i++) {
        cn += r[i].after, ca += r[i].area;
        curve[2 * (i + 1)] = A > 0 ? 100 * ca / A : 0;
        curve[2 * (i + 1) + 1] = N > 0 ? 100 * cn / N : 0;
    }
    free(r);
    return HS_OK;
}

/* Per unit: incidents in the measured period and in the period chosen on,
 * area, chosen or not. */
static hs_status unit_columns(hs_ctx *ctx, const hs_units *u, const hs_incidents *inc,
                              const uint32_t *unit_of, const hs_tally_options *periods,
                              const char *const *ids, size_t nids, double *after, double *before,
                              double *area, int *chosen, hs_tally_summary *sum) {
    hs_tally *t = NULL;
    hs_status st = hs_tally_compute(ctx, u, inc, unit_of, periods, &t);
    if (!st) hs_tally_summary_get(t, sum);
    for (size_t i = 0; !st && i < hs_units_count(u); i++) {
        hs_tally_row r;
        hs_unit un;
        hs_tally_row_get(t, i, &r);
        hs_units_get(u, i, &un);
        after[i] = (double)r.count;
        before[i] = (double)r.count_compare;
        area[i] = un.area_m2;
        chosen[i] = 0;
        for (size_t k = 0; k < nids && !chosen[i]; k++)
            chosen[i] = !strcmp(ids[k], un.code);
    }
    hs_tally_destroy(t);
    return st;
}

hs_status hs_evaluate(hs_ctx *ctx, const hs_units *u, const hs_incidents *inc,
                      const uint32_t *unit_of, const hs_tally_options *periods,
                      const char *const *ids, size_t nids, hs_evaluation *out, double *curve) {
    if (!ctx || !u || !inc || !periods || !out || (nids && !ids)) return HS_EINVAL;
    size_t n = hs_units_count(u);
    double *after = hs__calloc(ctx, n + 1, sizeof *after),
           *before = hs__calloc(ctx, n + 1, sizeof *before),
           *area = hs__calloc(ctx, n + 1, sizeof *area);
    int *chosen = hs__calloc(ctx, n + 1, sizeof *chosen);
    hs_tally_summary sum;
    memset(&sum, 0, sizeof sum);
    hs_status st = after && before && area && chosen
                       ? unit_columns(ctx, u, inc, unit_of, periods, ids, nids, after, before, area,
                                      chosen, &sum)
                       : hs__error(ctx, HS_ENOMEM, "out of memory");
    memset(out, 0, sizeof *out);
    if (periods->from || periods->to)
        snprintf(out->period, sizeof out->period, "%.20s..%.20s",
                 periods->from ? periods->from : "", periods->to ? periods->to : "");
    if (periods->compare_from || periods->compare_to)
        snprintf(out->chosen_period, sizeof out->chosen_period, "%.20s..%.20s",
                 periods->compare_from ? periods->compare_from : "",
                 periods->compare_to ? periods->compare_to : "");
    out->days = st ? NAN : sum.days;
    out->days_before = st ? NAN : sum.days_compare;
    out->units = n;
    out->has_before = periods->compare_from != NULL;
    double A = 0, ain = 0;
    for (size_t i = 0; !st && i < n; i++) {
        out->hotspots += chosen[i] != 0;
        out->incidents += after[i], A += area[i];
        if (chosen[i]) out->incidents_in_hotspots += after[i], ain += area[i];
    }
    out->study_area_km2 = A / 1e6, out->hotspot_area_km2 = ain / 1e6;
    out->hotspots_missing = nids > out->hotspots ? nids - out->hotspots : 0;
    if (!st)
        st = hs_capture_compute(after, out->has_before ? before : NULL, area, chosen, n,
                                &out->capture);
    if (!st && curve) st = curve_fill(ctx, after, out->has_before ? before : NULL, area, n, curve);
    free(after), free(before), free(area), free(chosen);
    return st;
}

/* A "measure,value" CSV: rows of a name and a number printed with fmt
 * (or a quoted text). */
typedef struct measure {
    const char *name, *fmt;
    double value;
    const char *text;
} measure;

static hs_status measures_write(hs_ctx *ctx, const char *path, const measure *m, size_t n) {
    hs_output *of = NULL;
    FILE *f = NULL;
    hs_status st = hs_output_open(ctx, path, &of, &f);
    if (st) return st;
    fputs("measure,value\n", f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s,", m[i].name);
        if (m[i].text)
            fprintf(f, "\"%s\"", m[i].text);
        else
            fprintf(f, m[i].fmt, m[i].value);
        fputc('\n', f);
    }
    return hs_output_close(ctx, of, 1);
}

hs_status hs_evaluation_write(hs_ctx *ctx, const hs_evaluation *e, const char *path) {
    if (!ctx || !e || !path) return HS_EINVAL;
    const measure m[] = {{"hotspots", "%.0f", (double)e->hotspots, NULL},
                         {"incidents_in_hotspots", "%.0f", e->incidents_in_hotspots, NULL},
                         {"incidents", "%.0f", e->incidents, NULL},
                         {"hotspot_area_km2", "%.6f", e->hotspot_area_km2, NULL},
                         {"study_area_km2", "%.6f", e->study_area_km2, NULL},
                         {"hit_rate_pct", "%.4f", e->capture.hit_rate_pct, NULL},
                         {"pai", "%.4f", e->capture.pai, NULL},
                         {"pei", "%.4f", e->capture.pei, NULL},
                         {"rri", "%.4f", e->capture.rri, NULL}};
    /* Then the periods: what was measured, and what the places were chosen
     * on, with their lengths when bounded. */
    measure p[4];
    size_t np = 0;
    if (e->period[0]) p[np++] = (measure){"period", NULL, 0, e->period};
    if (e->period[0] && !isnan(e->days)) p[np++] = (measure){"period_days", "%.0f", e->days, NULL};
    if (e->chosen_period[0]) p[np++] = (measure){"chosen_on", NULL, 0, e->chosen_period};
    if (e->chosen_period[0] && !isnan(e->days_before))
        p[np++] = (measure){"chosen_on_days", "%.0f", e->days_before, NULL};
    measure all[13];
    size_t n = e->has_before ? 9 : 8;
    memcpy(all, m, n * sizeof *m);
    memcpy(all + n, p, np * sizeof *p);
    return measures_write(ctx, path, all, n + np);
}

const char *hs_displacement_reading(const hs_displacement *d) {
    double w = d->wdq.wdq;
    return !(d->wdq.success < 0) ? "no success in the treated area: WDQ not interpreted"
           : w > 1               ? "diffusion of benefits larger than the direct effect"
           : w > 0               ? "diffusion of benefits into the buffer"
           : w == 0              ? "no displacement, no diffusion"
           : w >= -1             ? "some displacement, smaller than the direct effect"
                                 : "displacement larger than the direct effect";
}

hs_status hs_displacement_write(hs_ctx *ctx, const hs_displacement *d, const char *path) {
    if (!ctx || !d || !path) return HS_EINVAL;
    const measure m[] = {{"treated_before", "%.6g", d->a0, NULL},
                         {"treated_after", "%.6g", d->a1, NULL},
                         {"buffer_before", "%.6g", d->b0, NULL},
                         {"buffer_after", "%.6g", d->b1, NULL},
                         {"control_before", "%.6g", d->c0, NULL},
                         {"control_after", "%.6g", d->c1, NULL},
                         {"treated_km2", "%.6f", d->area_km2[0], NULL},
                         {"buffer_km2", "%.6f", d->area_km2[1], NULL},
                         {"control_km2", "%.6f", d->area_km2[2], NULL},
                         {"success_measure", "%.6g", d->wdq.success, NULL},
                         {"buffer_displacement_measure", "%.6g", d->wdq.buffer, NULL},
                         {"wdq", "%.6g", d->wdq.wdq, NULL},
                         {"total_net_effect", "%.6g", d->wdq.net_effect, NULL},
                         {"reading", NULL, 0, hs_displacement_reading(d)}};
    return measures_write(ctx, path, m, sizeof m / sizeof *m);
}

hs_status hs_capture_curve_write(hs_ctx *ctx, const double *curve, size_t n, const char *path) {
    if (!ctx || !curve || !path) return HS_EINVAL;
    hs_output *of = NULL;
    FILE *f = NULL;
    hs_status st = hs_output_open(ctx, path, &of, &f);
    if (st) return st;
    fputs("units,share_of_area_pct,share_of_incidents_pct\n0,0,0\n", f);
    for (size_t i = 1; i <= n; i++)
        fprintf(f, "%zu,%.6f,%.6f\n", i, curve[2 * i], curve[2 * i + 1]);
    return hs_output_close(ctx, of, 1);
}
