/* getisord.c — Getis-Ord local G with binary weights, analytical z-scores.
 *
 * Gi* (Getis & Ord 1992; Ord & Getis 1995), w_ij = 1 for j in N(i) or j = i:
 *   xbar = sum x / n,   s = sqrt(sum x^2 / n - xbar^2),
 *   W_i = sum_j w_ij,   S1_i = sum_j w_ij^2 (= W_i for binary weights),
 *   z_i = (sum_j w_ij x_j - xbar W_i) / (s sqrt((n S1_i - W_i^2) / (n - 1))).
 * Gi excludes i everywhere: xbar_i and s_i are taken over the n - 1 other
 * units and n becomes n - 1:
 *   z_i = (sum_{j in N(i)} x_j - xbar_i W_i)
 *         / (s_i sqrt(((n - 1) S1_i - W_i^2) / (n - 2))).
 * These are R spdep's localG and PySAL esda's G_Local (binary) statistics.
 * p-values are two-sided normal; the Benjamini-Hochberg step-up procedure
 * controls the false discovery rate over the many units tested. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

hs_status hs_getis_ord_moments(const double *x, size_t n, const uint32_t *nb_start,
                               const uint32_t *nb, int self, size_t n_all, double sx, double sxx,
                               double *z) {
    if (!x || !nb_start || (!nb && n && nb_start[n]) || !z) return HS_EINVAL;
    if (n_all < 3) {
        for (size_t i = 0; i < n; i++)
            z[i] = NAN;
        return HS_OK;
    }
    double dn = (double)n_all;
    for (size_t i = 0; i < n; i++) {
        double lag = self ? x[i] : 0, W = self ? 1 : 0;
        for (uint32_t k = nb_start[i]; k < nb_start[i + 1]; k++) {
            if (nb[k] >= n) return HS_EINVAL;
            if (nb[k] == i) continue;
            lag += x[nb[k]];
            W += 1;
        }
        double m, mean, var;
        if (self) {
            m = dn;
            mean = sx / dn;
            var = sxx / dn - mean * mean;
        } else {
            m = dn - 1;
            mean = (sx - x[i]) / m;
            var = (sxx - x[i] * x[i]) / m - mean * mean;
        }
        double denom2 = var * (m * W - W * W) / (m - 1);
        z[i] = W > 0 && denom2 > 0 ? (lag - mean * W) / sqrt(denom2) : NAN;
    }
    return HS_OK;
}

hs_status hs_getis_ord(const double *x, size_t n, const uint32_t *nb_start, const uint32_t *nb,
                       int self, double *z) {
    if (!x || !nb_start || (!nb && n && nb_start[n]) || !z) return HS_EINVAL;
    /* Sums in a fixed order (reproducible to the bit). */
    double sx = 0, sxx = 0;
    for (size_t i = 0; i < n; i++)
        sx += x[i], sxx += x[i] * x[i];
    return hs_getis_ord_moments(x, n, nb_start, nb, self, n, sx, sxx, z);
}

void hs_p_two_sided(const double *z, size_t n, double *p) {
    for (size_t i = 0; i < n; i++)
        p[i] = isnan(z[i]) ? NAN : erfc(fabs(z[i]) / sqrt(2.0));
}

typedef struct pi {
    double p;
    size_t i;
} pi;

static int cmp_pi(const void *a, const void *b) {
    const pi *x = a, *y = b;
    if (x->p != y->p) return x->p < y->p ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

hs_status hs_fdr_bh(const double *p, size_t n, double *q) {
    if ((!p || !q) && n) return HS_EINVAL;
    pi *s = hs__malloc(NULL, (n ? n : 1) * sizeof *s);
    if (!s) return HS_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(p[i])) s[m++] = (pi){p[i], i};
    qsort(s, m, sizeof *s, cmp_pi);
    /* q_(k) = min over j >= k of p_(j) m / j, capped at 1 (step-up). */
    double run = 1;
    for (size_t k = m; k-- > 0;) {
        double v = s[k].p * (double)m / (double)(k + 1);
        if (v < run) run = v;
        s[k].p = run;
    }
    for (size_t i = 0; i < n; i++)
        if (isnan(p[i])) q[i] = NAN;
    for (size_t k = 0; k < m; k++)
        q[s[k].i] = s[k].p;
    free(s);
    return HS_OK;
}

int hs_gi_bin(double z, double p) {
    if (isnan(z) || isnan(p)) return 0;
    int level = p < 0.01 ? 3 : p < 0.05 ? 2 : p < 0.10 ? 1 : 0;
    return z > 0 ? level : -level;
}

hs_status hs_units_getis_ord(hs_ctx *ctx, const hs_units *u, const double *values, int self,
                             int fdr, double *z, double *p, int *bin) {
    if (!ctx || !u || !values || !z || !p || !bin) return HS_EINVAL;
    if (!u->nb_start)
        return hs__error(ctx, HS_EINVAL,
                         "build the units' neighbours first (hs_units_build_neighbours)");
    hs_status st = hs__progress(ctx, "Gi*", 0, u->n);
    if (st) return st;
    st = hs_getis_ord(values, u->n, u->nb_start, u->nb, self, z);
    if (st) return hs__error(ctx, st, "bad neighbour lists");
    hs_p_two_sided(z, u->n, p);
    if (fdr && (st = hs_fdr_bh(p, u->n, p))) return hs__error(ctx, st, "out of memory");
    for (size_t i = 0; i < u->n; i++)
        bin[i] = hs_gi_bin(z[i], p[i]);
    return HS_OK;
}
