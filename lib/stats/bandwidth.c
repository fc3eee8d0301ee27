/* bandwidth.c — automatic bandwidths for kernel density, each as its
 * source states it (docs/methods.md):
 *  - rule of thumb (sfhotspot's hotspot_kde): per axis
 *    h = 4 x 1.06 x min(sd, IQR / 1.34) x n^(-1/5), sd with n - 1 and the
 *    quartiles of R's default type 7; sfhotspot means the mean of the two
 *    axes (its code, calling mean(a, b), takes only x: we take the mean);
 *  - Scott's rule (Scott 1992; spatstat bw.scott): sigma per axis =
 *    sd x n^(-1/6), isotropic = geometric mean of the two; the kernel's
 *    bandwidth is sigma x its sigma factor (quartic 2 sqrt 2, ...);
 *  - ArcGIS Kernel Density's "spatial variant of Silverman's rule of thumb":
 *    0.9 x min(SD, sqrt(1 / ln 2) x Dm) x n^(-0.2), with SD the standard
 *    distance and Dm the median distance from the mean centre, weighted by
 *    the incidents' weights, and n their sum. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *hs_bandwidth_rule_name(hs_bandwidth_rule r) {
    switch (r) {
    case HS_BW_GIVEN: return "given";
    case HS_BW_RULE_OF_THUMB: return "rule of thumb (sfhotspot, mean of both axes)";
    case HS_BW_SCOTT: return "Scott's rule (spatstat bw.scott, isotropic)";
    case HS_BW_SILVERMAN: return "spatial Silverman (ArcGIS Kernel Density)";
    case HS_BW_AREA: return "area rule (Chainey & Ratcliffe 2005: shorter side / 150 x 5)";
    default: return "unknown";
    }
}

double hs__kernel_sigma_factor(hs_kernel k) {
    /* Per-axis variance of the kernel (1-u^2)^p on a disc of radius h is
     * h^2 / (2 (p + 2)); of the cone 1-u, 3 h^2 / 20. */
    switch (k) {
    case HS_KERNEL_QUARTIC: return sqrt(8.0);
    case HS_KERNEL_EPANECHNIKOV: return sqrt(6.0);
    case HS_KERNEL_TRIWEIGHT: return sqrt(10.0);
    case HS_KERNEL_UNIFORM: return 2.0;
    case HS_KERNEL_TRIANGULAR: return sqrt(20.0 / 3.0);
    default: return 1.0;
    }
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* R's quantile type 7 of sorted v. */
static double quantile7(const double *v, size_t n, double p) {
    double hpos = (double)(n - 1) * p;
    size_t lo = (size_t)floor(hpos);
    if (lo + 1 >= n) return v[n - 1];
    return v[lo] + (hpos - (double)lo) * (v[lo + 1] - v[lo]);
}

static double sd(const double *v, size_t n) {
    double m = 0, s = 0;
    for (size_t i = 0; i < n; i++)
        m += v[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        s += (v[i] - m) * (v[i] - m);
    return sqrt(s / (double)(n - 1));
}

static double thumb_axis(double *v, size_t n) {
    double s = sd(v, n);
    qsort(v, n, sizeof *v, cmp_double);
    double iqr = quantile7(v, n, 0.75) - quantile7(v, n, 0.25);
    return 4 * 1.06 * fmin(s, iqr / 1.34) * pow((double)n, -0.2);
}

typedef struct dw {
    double d, w;
} dw;

static int cmp_dw(const void *a, const void *b) {
    const dw *x = a, *y = b;
    return (x->d > y->d) - (x->d < y->d);
}

double hs__bandwidth_area(const double box[4]) {
    return fmin(box[2] - box[0], box[3] - box[1]) / 150 * 5;
}

hs_status hs_kde_bandwidth(hs_ctx *ctx, const hs_incidents *inc, hs_bandwidth_rule rule,
                           hs_kernel kernel, double *out) {
    if (!ctx || !inc || !out) return HS_EINVAL;
    size_t n = inc->col.n;
    if (n < 2) return hs__error(ctx, HS_ENODATA, "a bandwidth rule needs at least 2 incidents");
    const double *x = inc->col.x, *y = inc->col.y, *w = inc->col.w;
    double h = 0;
    if (rule == HS_BW_RULE_OF_THUMB || rule == HS_BW_SCOTT) {
        double *v = hs__malloc(ctx, n * sizeof *v);
        if (!v) return hs__error(ctx, HS_ENOMEM, "out of memory");
        if (rule == HS_BW_RULE_OF_THUMB) {
            memcpy(v, x, n * sizeof *v);
            double hx = thumb_axis(v, n);
            memcpy(v, y, n * sizeof *v);
            double hy = thumb_axis(v, n);
            h = (hx + hy) / 2;
        } else {
            double f = pow((double)n, -1.0 / 6);
            h = sqrt(sd(x, n) * f * sd(y, n) * f) * hs__kernel_sigma_factor(kernel);
        }
        free(v);
    } else if (rule == HS_BW_SILVERMAN) {
        double sw = 0, mx = 0, my = 0;
        for (size_t i = 0; i < n; i++)
            sw += w[i], mx += w[i] * x[i], my += w[i] * y[i];
        if (!(sw > 0)) return hs__error(ctx, HS_ENODATA, "the incidents' weights sum to 0");
        mx /= sw;
        my /= sw;
        dw *d = hs__malloc(ctx, n * sizeof *d);
        if (!d) return hs__error(ctx, HS_ENOMEM, "out of memory");
        double ss = 0;
        for (size_t i = 0; i < n; i++) {
            double dx = x[i] - mx, dy = y[i] - my;
            d[i].d = sqrt(dx * dx + dy * dy);
            d[i].w = w[i];
            ss += w[i] * (dx * dx + dy * dy);
        }
        double SD = sqrt(ss / sw);
        qsort(d, n, sizeof *d, cmp_dw);
        double acc = 0, Dm = d[n - 1].d;
        for (size_t i = 0; i < n; i++) {
            acc += d[i].w;
            if (acc >= sw / 2) {
                Dm = d[i].d;
                break;
            }
        }
        free(d);
        h = 0.9 * fmin(SD, sqrt(1 / log(2.0)) * Dm) * pow(sw, -0.2);
    } else if (rule == HS_BW_AREA) {
        double b[4] = {x[0], y[0], x[0], y[0]};
        for (size_t i = 1; i < n; i++)
            b[0] = fmin(b[0], x[i]), b[1] = fmin(b[1], y[i]), b[2] = fmax(b[2], x[i]),
            b[3] = fmax(b[3], y[i]);
        h = hs__bandwidth_area(b);
    } else {
        return hs__error(ctx, HS_EINVAL, "no bandwidth rule given");
    }
    if (!(h > 0))
        return hs__error(ctx, HS_ENODATA, "the incidents are all at one place: no bandwidth");
    *out = h;
    return HS_OK;
}
