/* grid_write.c — grid layers as files QGIS opens: GeoJSON (RFC 7946) and
 * CSV. GeoJSON coordinates are WGS84 lon/lat with 7 decimals (about 1 cm),
 * rings counter-clockwise (the right-hand rule of RFC 7946 section 3.1.6)
 * and no "crs" member; vertices shared by neighbouring cells go through the
 * same transformation and print to the same text, so the cells tile. */
#include "internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void put_props(FILE *f, const hs_grid *g, size_t i, const hs_cell *c, bool json) {
    char id[96], v[6][40];
    hs_grid_cell_id(g, i, id, sizeof id);
    hs__fmt_real(v[0], sizeof v[0], c->x_min);
    hs__fmt_real(v[1], sizeof v[1], c->y_min);
    hs__fmt_real(v[2], sizeof v[2], c->x_max);
    hs__fmt_real(v[3], sizeof v[3], c->y_max);
    hs__fmt_real(v[4], sizeof v[4], c->weight);
    if (json)
        fprintf(f,
                "\"id\":\"%s\",\"row\":%" PRId64 ",\"col\":%" PRId64
                ",\"x_min\":%s,\"y_min\":%s,\"x_max\":%s,\"y_max\":%s,"
                "\"count\":%" PRIu64 ",\"weight\":%s",
                id, c->row, c->col, v[0], v[1], v[2], v[3], c->count, v[4]);
    else
        fprintf(f, "%s,%" PRId64 ",%" PRId64 ",%s,%s,%s,%s,%" PRIu64 ",%s\n", id, c->row, c->col,
                v[0], v[1], v[2], v[3], c->count, v[4]);
}

static hs_status write_csv(hs_ctx *ctx, const hs_grid *g, hs__afile *af) {
    (void)ctx;
    fputs("id,row,col,x_min,y_min,x_max,y_max,count,weight\n", af->f);
    for (size_t i = 0; i < hs_grid_cell_count(g); i++) {
        hs_cell c;
        hs_grid_cell(g, i, &c);
        put_props(af->f, g, i, &c, false);
    }
    return HS_OK;
}

static hs_status write_geojson(hs_ctx *ctx, const hs_grid *g, hs__afile *af) {
    size_t n = hs_grid_cell_count(g);
    double *x = hs__malloc(ctx, (n ? n : 1) * 7 * sizeof *x),
           *y = hs__malloc(ctx, (n ? n : 1) * 7 * sizeof *y);
    size_t *np = hs__malloc(ctx, (n ? n : 1) * sizeof *np);
    if (!x || !y || !np) {
        free(x);
        free(y);
        free(np);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        double r[14];
        hs_grid_cell_ring(g, i, r, &np[i]);
        for (size_t k = 0; k < np[i]; k++) {
            x[i * 7 + k] = r[2 * k];
            y[i * 7 + k] = r[2 * k + 1];
        }
        for (size_t k = np[i]; k < 7; k++) {
            x[i * 7 + k] = x[i * 7];
            y[i * 7 + k] = y[i * 7];
        }
    }
    hs__xentry *xe = hs__ctx_xform(ctx, hs__grid_crs(g), "EPSG:4326");
    if (!xe) {
        free(x);
        free(y);
        free(np);
        return HS_ECRS;
    }
    hs__xform_run(xe->main, x, y, n * 7);
    hs_status st = HS_OK;
    FILE *f = af->f;
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
    for (size_t i = 0; i < n && !st; i++) {
        hs_cell c;
        hs_grid_cell(g, i, &c);
        fputs(i ? ",\n{\"type\":\"Feature\",\"properties\":{"
                : "\n{\"type\":\"Feature\",\"properties\":{",
              f);
        put_props(f, g, i, &c, true);
        fputs("},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[", f);
        for (size_t k = 0; k < np[i]; k++) {
            double lon = x[i * 7 + k], lat = y[i * 7 + k];
            if (!isfinite(lon) || !isfinite(lat) || fabs(lon) > 180 || fabs(lat) > 90) {
                st = hs__error(ctx, HS_ECRS, "%s: cell %zu cannot be expressed in WGS84 lon/lat",
                               af->path, i);
                break;
            }
            fprintf(f, "%s[%.7f,%.7f]", k ? "," : "", lon, lat);
        }
        fputs("]]}}", f);
    }
    fputs("\n]}\n", f);
    free(x);
    free(y);
    free(np);
    return st;
}

hs_status hs_grid_write(hs_ctx *ctx, const hs_grid *g, const char *path) {
    if (!ctx || !g || !path) return HS_EINVAL;
    bool json = hs__has_ext(path, ".geojson") || hs__has_ext(path, ".json");
    if (!json && !hs__has_ext(path, ".csv"))
        return hs__error(ctx, HS_EFORMAT, "%s: unknown output format: use a .geojson or .csv name",
                         path);
    hs__afile af;
    hs_status st = hs__afile_open(ctx, path, &af);
    if (st) return st;
    st = json ? write_geojson(ctx, g, &af) : write_csv(ctx, g, &af);
    if (st) {
        hs__afile_abort(&af);
        return st;
    }
    st = hs__afile_commit(ctx, &af);
    if (!st && json) {
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
