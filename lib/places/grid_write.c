/* grid_write.c — grid counts as a layer (layer.c: GeoJSON, CSV or
 * Shapefile): cells as rings in the working CRS; vertices shared by
 * neighbouring cells go through the same transformation and print to the
 * same text, so the cells tile. */
#include "places.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const hs__lfield grid_fields[] = {
    {"id", "id", 'C', 40, 0, HS__IN_ALL},        {"row", "row", 'N', 12, 0, HS__IN_ALL},
    {"col", "col", 'N', 12, 0, HS__IN_ALL},      {"x_min", "x_min", 'F', 19, 3, HS__IN_ALL},
    {"y_min", "y_min", 'F', 19, 3, HS__IN_ALL},  {"x_max", "x_max", 'F', 19, 3, HS__IN_ALL},
    {"y_max", "y_max", 'F', 19, 3, HS__IN_ALL},  {"count", "count", 'N', 12, 0, HS__IN_ALL},
    {"weight", "weight", 'F', 19, 6, HS__IN_ALL}};

static bool grid_row(void *user, size_t i, const char **v, char (*buf)[64]) {
    const hs_grid *g = user;
    hs_cell c;
    hs_grid_cell(g, i, &c);
    hs_grid_cell_id(g, i, buf[0], 64);
    snprintf(buf[1], 64, "%" PRId64, c.row);
    snprintf(buf[2], 64, "%" PRId64, c.col);
    hs__fmt_real(buf[3], 64, c.x_min);
    hs__fmt_real(buf[4], 64, c.y_min);
    hs__fmt_real(buf[5], 64, c.x_max);
    hs__fmt_real(buf[6], 64, c.y_max);
    snprintf(buf[7], 64, "%" PRIu64, c.count);
    hs__fmt_real(buf[8], 64, c.weight);
    for (int k = 0; k < 9; k++)
        v[k] = buf[k];
    return true;
}

static void grid_shape(void *user, size_t i, const hs__geom **g, double *xy, size_t *n) {
    (void)g;
    hs_grid_cell_ring(user, i, xy, n);
}

hs_status hs_grid_write(hs_ctx *ctx, const hs_grid *g, const char *path) {
    if (!ctx || !g || !path) return HS_EINVAL;
    bool csv = hs__has_ext(path, ".csv");
    hs__layer L = {hs__grid_crs(g),       hs__ctx_geos(ctx), grid_fields, 9,
                   hs_grid_cell_count(g), (void *)g,         grid_row,    grid_shape};
    hs_status st = hs__layer_write(ctx, &L, path);
    if (!st && !csv) {
        /* The QGIS style beside it: cells shaded by count. */
        size_t n = hs_grid_cell_count(g);
        double *v = hs__malloc(ctx, (n ? n : 1) * sizeof *v);
        if (!v) return hs__error(ctx, HS_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            hs_cell c;
            hs_grid_cell(g, i, &c);
            v[i] = (double)c.count;
        }
        st = hs__style_write_graduated(ctx, path, "count", v, n, "255,255,255,0");
        free(v);
    }
    return st;
}
