/* concentration.c — how concentrated crime is over places: the share in
 * the top 1/5/10% of units, the concentration (Lorenz) curve, the Gini
 * coefficient, and Bernasco & Steenbeek's generalised Gini for sparse data
 * ("More places than crimes", J. Quant. Criminol. 33, 2017): when there are
 * fewer events N than units n, the curve is compared with maximal equality
 * given the data (N units with one event each), G' = max(1, n/N) (G - 1) + 1.
 * G is the standard (biased) Gini of the sorted values x_(1) <= ... <= x_(n):
 *   G = 2 sum_i i x_(i) / (n sum x) - (n + 1) / n. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_desc(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

hs_status hs_concentration_compute(const double *values, size_t n, double events,
                                   hs_concentration *out, double *lx, double *ly) {
    if (!out || (n && !values)) return HS_EINVAL;
    memset(out, 0, sizeof *out);
    out->units = n;
    if (n == 0) return HS_OK;
    double *v = hs__malloc(NULL, n * sizeof *v);
    if (!v) return HS_ENOMEM;
    memcpy(v, values, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_desc);
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += v[i];
    out->total = total;
    static const double pct[3] = {1, 5, 10};
    for (int k = 0; k < 3; k++) {
        size_t m = (size_t)ceil((double)n * pct[k] / 100);
        if (m < 1) m = 1;
        double s = 0;
        for (size_t i = 0; i < m && i < n; i++)
            s += v[i];
        out->top_share_pct[k] = total > 0 ? 100 * s / total : 0;
    }
    /* Ascending rank i = n - j for the j-th largest. */
    double wsum = 0;
    for (size_t j = 0; j < n; j++)
        wsum += (double)(n - j) * v[j];
    double dn = (double)n;
    out->gini = total > 0 ? 2 * wsum / (dn * total) - (dn + 1) / dn : 0;
    out->gini_generalised =
        total > 0 && events > 0 ? fmax(1, dn / events) * (out->gini - 1) + 1 : out->gini;
    if (lx && ly) {
        double run = 0;
        lx[0] = ly[0] = 0;
        for (size_t j = 0; j < n; j++) {
            run += v[j];
            lx[j + 1] = (double)(j + 1) / dn;
            ly[j + 1] = total > 0 ? run / total : 0;
        }
    }
    free(v);
    return HS_OK;
}
