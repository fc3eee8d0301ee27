/* evaluate.c — did hotspots hold and did patrols work: Mann-Kendall
 * trends, the test of change between two counts, ArcGIS's emerging hot spot
 * categories, capture measures (hit rate, PAI, PEI, RRI) and the weighted
 * displacement quotient. Formulas and sources in docs/methods.md. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Mann (1945), Kendall (1975): S = sum_{i<j} sign(x_j - x_i),
 * Var(S) = [n(n-1)(2n+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18 over groups of
 * tied values, z = (S - sign(S)) / sqrt(Var(S)); tau-b = S / sqrt((n0 - n1)
 * n0), n0 = n(n-1)/2, n1 = sum t_g(t_g-1)/2 (time has no ties). */
hs_status hs_mann_kendall_compute(const double *x, size_t n, hs_mann_kendall *o) {
    if (!o || (n && !x)) return HS_EINVAL;
    memset(o, 0, sizeof *o);
    if (n < 2) {
        o->tau = o->z = o->p = NAN;
        return HS_OK;
    }
    double s = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            s += (x[j] > x[i]) - (x[j] < x[i]);
    double *v = hs__malloc(NULL, n * sizeof *v);
    if (!v) return HS_ENOMEM;
    memcpy(v, x, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_double);
    double dn = (double)n, ties = 0, n1 = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && v[b] == v[a])
            b++;
        double t = (double)(b - a);
        ties += t * (t - 1) * (2 * t + 5);
        n1 += t * (t - 1) / 2;
        a = b;
    }
    free(v);
    double n0 = dn * (dn - 1) / 2;
    o->s = s;
    o->var_s = (dn * (dn - 1) * (2 * dn + 5) - ties) / 18;
    o->tau = n0 - n1 > 0 ? s / sqrt((n0 - n1) * n0) : NAN;
    o->z = o->var_s > 0 ? (s > 0 ? s - 1 : s < 0 ? s + 1 : 0) / sqrt(o->var_s) : 0;
    o->p = o->var_s > 0 ? erfc(fabs(o->z) / sqrt(2.0)) : 1;
    return HS_OK;
}

/* log of the binomial probability mass. */
static double log_dbinom(uint64_t k, uint64_t n, double p) {
    if (p <= 0) return k == 0 ? 0 : -INFINITY;
    if (p >= 1) return k == n ? 0 : -INFINITY;
    return lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1) +
           (double)k * log(p) + (double)(n - k) * log1p(-p);
}

/* Exact two-sided binomial test as R's binom.test: the sum of the
 * probabilities of all outcomes no more likely than the one observed
 * (with R's relative tolerance 1 + 1e-7). */
double hs_change_p(uint64_t before, uint64_t after, double share) {
    uint64_t n = before + after;
    if (n == 0 || !(share > 0 && share < 1)) return NAN;
    double d = log_dbinom(after, n, share) + log1p(1e-7), p = 0;
    for (uint64_t k = 0; k <= n; k++) {
        double l = log_dbinom(k, n, share);
        if (l <= d) p += exp(l);
    }
    return p > 1 ? 1 : p;
}

const char *hs_emerging_name(hs_emerging e) {
    static const char *const names[HS_EMERGING_COUNT_] = {"no pattern",
                                                          "new hot spot",
                                                          "consecutive hot spot",
                                                          "intensifying hot spot",
                                                          "persistent hot spot",
                                                          "diminishing hot spot",
                                                          "sporadic hot spot",
                                                          "oscillating hot spot",
                                                          "historical hot spot",
                                                          "new cold spot",
                                                          "consecutive cold spot",
                                                          "intensifying cold spot",
                                                          "persistent cold spot",
                                                          "diminishing cold spot",
                                                          "sporadic cold spot",
                                                          "oscillating cold spot",
                                                          "historical cold spot"};
    return (unsigned)e < HS_EMERGING_COUNT_ ? names[e] : "unknown";
}

/* One side (sign +1 hot, -1 cold) of ArcGIS's rules. */
static hs_emerging side(const double *z, const double *p, size_t t, double alpha, int sign) {
    size_t sig = 0, last_run = 0, opp = 0;
    bool final = false;
    for (size_t i = 0; i < t; i++) {
        bool s = p[i] < alpha && z[i] * sign > 0, o = p[i] < alpha && z[i] * sign < 0;
        sig += s;
        opp += o;
        if (i == t - 1) final = s;
    }
    for (size_t i = t; i-- > 0 && p[i] < alpha && z[i] * sign > 0;)
        last_run++;
    bool mostly = (double)sig >= 0.9 * (double)t;
    int base = sign > 0 ? HS_EMERGING_NEW_HOT : HS_EMERGING_NEW_COLD;
    if (final) {
        if (sig == 1) return (hs_emerging)base; /* new */
        if (last_run == sig && last_run >= 2 && !mostly) return (hs_emerging)(base + 1);
        if (mostly) {
            hs_mann_kendall mk;
            hs_mann_kendall_compute(z, t, &mk);
            /* For cold spots "intensifying" means z falling (colder). */
            double trend = mk.p < 0.05 ? mk.s * sign : 0;
            return (hs_emerging)(base + (trend > 0 ? 2 : trend < 0 ? 4 : 3));
        }
        return (hs_emerging)(base + (opp ? 6 : 5)); /* oscillating : sporadic */
    }
    if (mostly) return (hs_emerging)(base + 7); /* historical */
    return HS_EMERGING_NONE;
}

hs_emerging hs_emerging_classify(const double *z, const double *p, size_t t, double alpha) {
    if (!z || !p || t == 0) return HS_EMERGING_NONE;
    hs_emerging e = side(z, p, t, alpha, 1);
    return e != HS_EMERGING_NONE ? e : side(z, p, t, alpha, -1);
}

static int cmp_desc(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

hs_status hs_capture_compute(const double *after, const double *before, const double *area,
                             const int *chosen, size_t n, hs_capture *o) {
    if (!o || (n && (!after || !area || !chosen))) return HS_EINVAL;
    double N = 0, A = 0, nin = 0, ain = 0, N0 = 0, nin0 = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        N += after[i];
        A += area[i];
        if (before) N0 += before[i];
        if (!chosen[i]) continue;
        k++;
        nin += after[i];
        ain += area[i];
        if (before) nin0 += before[i];
    }
    double *v = hs__malloc(NULL, (n ? n : 1) * sizeof *v);
    if (!v) return HS_ENOMEM;
    memcpy(v, after, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_desc);
    double best = 0;
    for (size_t i = 0; i < k && i < n; i++)
        best += v[i];
    free(v);
    o->hit_rate_pct = N > 0 ? 100 * nin / N : NAN;
    o->pai = N > 0 && A > 0 && ain > 0 ? (nin / N) / (ain / A) : NAN;
    o->pei = best > 0 ? nin / best : NAN;
    o->rri = before && nin0 > 0 && N0 > 0 && N > 0 ? (nin / nin0) / (N / N0) : NAN;
    return HS_OK;
}

hs_status hs_wdq_compute(double a0, double a1, double b0, double b1, double c0, double c1,
                         hs_wdq *o) {
    if (!o) return HS_EINVAL;
    if (!(c0 > 0 && c1 > 0)) return HS_EINVAL; /* the control area needs crime in both */
    o->success = a1 / c1 - a0 / c0;
    o->buffer = b1 / c1 - b0 / c0;
    o->wdq = o->success != 0 ? o->buffer / o->success : NAN;
    o->net_effect = (a0 * c1 / c0 - a1) + (b0 * c1 / c0 - b1);
    return HS_OK;
}

void hs_displacement_options_init(hs_displacement_options *o) {
    if (o) memset(o, 0, sizeof *o);
}

hs_status hs_displacement_compute(hs_ctx *ctx, const hs_incidents *inc,
                                  const hs_displacement_options *o, hs_displacement *out) {
    if (!ctx || !inc || !o || !o->treated || !o->control || !out) return HS_EINVAL;
    const hs_units *treated = o->treated, *control = o->control;
    double buffer_m = o->buffer_m;
    const char *bf = o->before_from, *bt = o->before_to, *af = o->after_from, *at = o->after_to;
    if (!(buffer_m > 0)) return hs__error(ctx, HS_EINVAL, "the buffer must be > 0 m");
    int64_t b0, b1, a0, a1, ignore;
    if (!hs__parse_bound(bf, &b0, &ignore) || !hs__parse_bound(bt, &ignore, &b1) ||
        !hs__parse_bound(af, &a0, &ignore) || !hs__parse_bound(at, &ignore, &a1))
        return hs__error(ctx, HS_EINVAL, "displacement: periods as YYYY-MM or YYYY-MM-DD bounds");
    void *geos = hs__ctx_geos(ctx);
    if (!geos) return hs__error(ctx, HS_ENOMEM, "out of memory");
    hs__geom *A = hs__geom_union(geos, treated->g, treated->n);
    hs__geom *grown = A ? hs__geom_buffer(geos, A, buffer_m) : NULL;
    hs__geom *B = grown ? hs__geom_difference(geos, grown, A) : NULL;
    hs__geom *all = hs__geom_union(geos, control->g, control->n);
    hs__geom *C = all && grown ? hs__geom_difference(geos, all, grown) : NULL;
    hs_status st = HS_OK;
    memset(out, 0, sizeof *out);
    if (!A || !B || !C) {
        st = hs__error(ctx, HS_ENODATA,
                       "displacement: the treated area, its buffer or the control "
                       "area is empty (does the control area lie beyond the buffer?)");
        goto done;
    }
    hs__geom *three[3] = {A, B, C};
    for (int k = 0; k < 3; k++)
        out->area_km2[k] = hs__geom_area(geos, three[k]) / 1e6;
    hs__locator *L = hs__locator_create(geos, three, 3);
    if (!L) {
        st = hs__error(ctx, HS_ENOMEM, "out of memory");
        goto done;
    }
    double *cnt[3][2] = {{&out->a0, &out->a1}, {&out->b0, &out->b1}, {&out->c0, &out->c1}};
    const hs__cols *c = &inc->col;
    for (size_t i = 0; i < c->n; i++) {
        if (c->prec[i] == HS_TIME_NONE) continue;
        int period = c->t[i] >= b0 && c->t[i] < b1 ? 0 : c->t[i] >= a0 && c->t[i] < a1 ? 1 : -1;
        if (period < 0) continue;
        uint32_t k = hs__locator_point(L, c->x[i], c->y[i]);
        if (k < 3) *cnt[k][period] += c->w[i];
    }
    hs__locator_destroy(L);
    if (hs_wdq_compute(out->a0, out->a1, out->b0, out->b1, out->c0, out->c1, &out->wdq))
        st = hs__error(ctx, HS_ENODATA,
                       "displacement: no incidents in the control area in one period");
done:
    hs__geom_free(geos, A);
    hs__geom_free(geos, grown);
    hs__geom_free(geos, B);
    hs__geom_free(geos, all);
    hs__geom_free(geos, C);
    return st;
}
