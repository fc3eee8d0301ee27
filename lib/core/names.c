/* names.c — the names of the public enums, one table each, read both ways:
 * by the command line, settings files, bindings and the pages we write. */
#include "core.h"

#include <string.h>

static const char *name_of(const char *const *names, size_t n, int v) {
    return v >= 0 && (size_t)v < n ? names[v] : "unknown";
}

static hs_status from_name(const char *const *names, size_t n, const char *name, int *out) {
    for (size_t i = 0; name && i < n; i++)
        if (names[i] && strcmp(names[i], name) == 0) {
            *out = (int)i;
            return HS_OK;
        }
    return HS_EINVAL;
}

#define HS__NAMES(T, table, name_fn, from_fn)                                                      \
    const char *name_fn(T v) {                                                                     \
        return name_of(table, sizeof table / sizeof *table, (int)v);                               \
    }                                                                                              \
    hs_status from_fn(const char *name, T *out) {                                                  \
        int v = 0;                                                                                 \
        if (!out || from_name(table, sizeof table / sizeof *table, name, &v)) return HS_EINVAL;    \
        *out = (T)v;                                                                               \
        return HS_OK;                                                                              \
    }

static const char *const kernels[HS_KERNEL_COUNT_] = {"quartic", "epanechnikov", "triweight",
                                                      "uniform", "triangular",   "gaussian"};
HS__NAMES(hs_kernel, kernels, hs_kernel_name, hs_kernel_from_name)

/* The index is the enum's value: HS_BW_GIVEN (0) has no rule name. */
static const char *const bw_rules[] = {NULL, "thumb", "scott", "silverman", "area"};
HS__NAMES(hs_bandwidth_rule, bw_rules, hs_bandwidth_rule_short_name, hs_bandwidth_rule_from_name)

static const char *const kde_units[] = {"raw", "density", "count"};
HS__NAMES(hs_kde_units, kde_units, hs_kde_units_name, hs_kde_units_from_name)

static const char *const shapes[] = {"square", "hex"};
HS__NAMES(hs_grid_shape, shapes, hs_grid_shape_name, hs_grid_shape_from_name)

static const char *const periods[] = {"auto", "month", "quarter", "year"};
HS__NAMES(hs_period, periods, hs_period_name, hs_period_from_name)

static const char *const ops[] = {"ratio", "difference", "log-ratio"};
HS__NAMES(hs_raster_op, ops, hs_raster_op_name, hs_raster_op_from_name)

static const char *const kde_grids[] = {"snapped", "qgis"};
hs_status hs_kde_grid_from_name(const char *name, hs_kde_grid *out) {
    int v = 0;
    if (!out || from_name(kde_grids, 2, name, &v)) return HS_EINVAL;
    *out = (hs_kde_grid)v;
    return HS_OK;
}

#define HS__TABLE(t)                                                                               \
    { t, sizeof t / sizeof *t }
const hs__names hs__kernel_names = HS__TABLE(kernels), hs__bw_rule_names = HS__TABLE(bw_rules),
                hs__kde_units_names = HS__TABLE(kde_units), hs__shape_names = HS__TABLE(shapes),
                hs__period_names = HS__TABLE(periods), hs__op_names = HS__TABLE(ops),
                hs__kde_grid_names = HS__TABLE(kde_grids);
