/* units.c — units of analysis: polygons (wards, LSOAs) read from
 * shapefiles, or the cells of a grid, with one notion for both: code, name,
 * geometry in the working CRS, area and neighbours. Hotspot statistics run
 * on either.
 *
 * A layer whose .prj names another CRS is reprojected vertex by vertex with
 * PROJ before its polygons are built. Neighbours are queen contiguity:
 * polygons within a snapping tolerance of each other (generalised ONS
 * outlines share few exact vertices), grid cells sharing an edge or a
 * corner. */
#include "places.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void hs_layer_options_init(hs_layer_options *o) {
    if (o) memset(o, 0, sizeof *o);
}

hs_status hs_units_create(hs_ctx *ctx, hs_units **out) {
    if (!ctx || !out) return HS_EINVAL;
    *out = NULL;
    hs_units *u = hs__calloc(ctx, 1, sizeof *u);
    if (!u || !(u->crs = hs__strdup(ctx, ctx->crs)) || !(u->geos = hs__geos_new())) {
        hs_units_destroy(u);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    *out = u;
    return HS_OK;
}

void hs_units_destroy(hs_units *u) {
    if (!u) return;
    for (size_t i = 0; i < u->n; i++) {
        hs__geom_free(u->geos, u->g[i]);
        free(u->code[i]);
        free(u->name[i]);
    }
    free(u->g);
    free(u->code);
    free(u->name);
    free(u->layer);
    free(u->record);
    free(u->area);
    free(u->cx);
    free(u->cy);
    free(u->row);
    free(u->col);
    for (size_t i = 0; i < u->nlayers; i++)
        free(u->layers[i]);
    free(u->layers);
    for (size_t i = 0; i < u->nnotes; i++)
        free((char *)u->notes[i].text);
    free(u->notes);
    free(u->nb_start);
    free(u->nb);
    free(u->crs);
    hs__geos_free(u->geos);
    free(u);
}

static bool reserve(const hs_ctx *ctx, hs_units *u, size_t need) {
    if (need <= u->cap) return true;
    size_t cap = u->cap ? u->cap : 64;
    while (cap < need)
        cap *= 2;
#define GROW(f)                                                                                    \
    do {                                                                                           \
        void *p = hs__realloc(ctx, u->f, cap * sizeof *u->f);                                      \
        if (!p) return false;                                                                      \
        u->f = p;                                                                                  \
    } while (0)
    GROW(g);
    GROW(code);
    GROW(name);
    GROW(layer);
    GROW(record);
    GROW(area);
    GROW(cx);
    GROW(cy);
    GROW(row);
    GROW(col);
#undef GROW
    u->cap = cap;
    return true;
}

static bool add_note(const hs_ctx *ctx, hs_units *u, uint32_t layer, uint64_t record,
                     const char *text) {
    if (!hs__grow(ctx, (void **)&u->notes, &u->notecap, u->nnotes + 1, sizeof *u->notes))
        return false;
    char *t = hs__strdup(ctx, text);
    if (!t) return false;
    u->notes[u->nnotes].layer = layer;
    u->notes[u->nnotes].record = record;
    u->notes[u->nnotes].text = t;
    u->nnotes++;
    return true;
}

static uint32_t add_layer(const hs_ctx *ctx, hs_units *u, const char *name) {
    char **l = hs__realloc(ctx, u->layers, (u->nlayers + 1) * sizeof *l);
    if (!l) return UINT32_MAX;
    u->layers = l;
    if (!(l[u->nlayers] = hs__strdup(ctx, name))) return UINT32_MAX;
    return (uint32_t)u->nlayers++;
}

/* Drops cached neighbours: the set of units changed. */
static void forget_neighbours(hs_units *u) {
    free(u->nb_start);
    free(u->nb);
    u->nb_start = NULL;
    u->nb = NULL;
}

static hs_status read_layer(hs_ctx *ctx, hs__poly_layer *L, const char *label, hs_units *u) {
    hs_status st = HS_OK;
    if (u->is_grid)
        return hs__error(ctx, HS_EINVAL,
                         "%s: these units are grid cells; polygons go in another set", label);
    if (L->prj) {
        if (!hs__crs_same(ctx->proj, L->prj, u->crs)) {
            hs__xentry *xe = hs__ctx_xform(ctx, L->prj, u->crs);
            if (!xe)
                return hs__error(ctx, HS_ECRS, "%s: the .prj cannot be used: %s", label,
                                 hs_ctx_last_error(ctx));
            hs__xform_run(xe->main, L->x, L->y, L->npts);
            for (size_t i = 0; i < L->npts; i++)
                if (!isfinite(L->x[i]) || !isfinite(L->y[i]) || fabs(L->x[i]) > 1e15)
                    return hs__error(ctx, HS_ECRS,
                                     "%s: a vertex cannot be projected to the working CRS %s",
                                     label, u->crs);
        }
    }
    uint32_t lay = add_layer(ctx, u, label);
    void *geos = hs__ctx_geos(ctx);
    if (lay == UINT32_MAX || !geos || !reserve(ctx, u, u->n + L->nrec))
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    if (!L->prj) {
        char t[200];
        hs__format(t, sizeof t, "no .prj: taken to be in the working CRS %s", u->crs);
        if (!add_note(ctx, u, lay, 0, t)) return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < L->nnotes; k++)
        if (!add_note(ctx, u, lay, L->notes[k].record + 1, L->notes[k].text))
            return hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t r = 0; r < L->nrec && !st; r++) {
        size_t i = u->n;
        char note[200];
        note[0] = 0;
        hs__geom *g = NULL;
        if (L->nring[r]) {
            g = hs__geom_from_rings(geos, L->x, L->y, L->rstart + L->ring0[r],
                                    L->rlen + L->ring0[r], L->nring[r], note, sizeof note);
            if (!g && !note[0]) hs__format(note, sizeof note, "no polygon could be built");
        }
        if (note[0] && !add_note(ctx, u, lay, r + 1, note)) st = HS_ENOMEM;
        u->g[i] = g;
        u->code[i] = L->code[r];
        u->name[i] = L->name[r];
        L->code[r] = L->name[r] = NULL;
        u->layer[i] = lay;
        u->record[i] = r + 1;
        u->area[i] = g ? hs__geom_area(geos, g) : 0;
        u->cx[i] = u->cy[i] = 0;
        if (g) hs__geom_centroid(geos, g, &u->cx[i], &u->cy[i]);
        u->row[i] = u->col[i] = 0;
        u->n++;
    }
    forget_neighbours(u);
    if (st) return hs__error(ctx, st, "out of memory");
    return HS_OK;
}

/* Where a layer comes from: a file of any format, shapefile buffers, or
 * one file's bytes. */
typedef struct source {
    const char *path;
    const hs_shapefile_buffers *shp;
    hs_layer_format format;
    const void *data;
    size_t size;
    bool shp_only;
} source;

static hs_status read_source(hs_ctx *ctx, const source *src, const hs_layer_options *opts,
                             hs_units *u) {
    hs__poly_layer L;
    hs__poly_want w = {opts ? opts->code_field : NULL, opts ? opts->name_field : NULL,
                       opts ? opts->layer : NULL};
    const char *path = src->path;
    hs_status st = src->shp || src->shp_only ? hs__shp_read(ctx, path, src->shp, &w, &L)
                   : src->format == HS_LAYER_GEOJSON
                       ? hs__geojson_read(ctx, path, src->data, src->size, &w, &L)
                   : src->format == HS_LAYER_GEOPACKAGE
                       ? hs__gpkg_read(ctx, path, src->data, src->size, &w, &L)
                       : hs__poly_read(ctx, path, &w, &L);
    if (st) return st;
    size_t n0 = u->n;
    st = read_layer(ctx, &L, path, u);
    hs__poly_free(&L);
    /* Overlapping polygons (or one layer given twice): an incident in the
     * overlap is counted once, in the polygon read first (methods.md). Say
     * so rather than let it pass unannounced. 1 m2 allows for the slivers
     * of generalised boundaries. */
    size_t nov = 0, oa = 0, ob = 0;
    double area = 0;
    if (!st) st = hs__geom_overlaps(u->geos, u->g, u->n, 1.0, &nov, &oa, &ob, &area);
    if (st == HS_ENOMEM) st = hs__error(ctx, HS_ENOMEM, "out of memory");
    if (!st && nov) {
        char t[400];
        hs__format(t, sizeof t,
                   "%zu pair%s of polygons overlap (e.g. %s and %s, %.0f m2%s): an incident in "
                   "an overlap is counted once, in the polygon read first",
                   nov, nov == 1 ? "" : "s", u->code[oa] ? u->code[oa] : "?",
                   u->code[ob] ? u->code[ob] : "?", area,
                   u->code[oa] && u->code[ob] && !strcmp(u->code[oa], u->code[ob])
                       ? "; the same layer given twice?"
                       : "");
        if (!add_note(ctx, u, u->nlayers ? (uint32_t)(u->nlayers - 1) : 0, 0, t))
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    if (st) {
        while (u->n > n0) {
            u->n--;
            hs__geom_free(u->geos, u->g[u->n]);
            free(u->code[u->n]);
            free(u->name[u->n]);
        }
    }
    return st;
}

hs_status hs_units_read_shapefile(hs_ctx *ctx, const char *path, const hs_layer_options *opts,
                                  hs_units *u) {
    if (!ctx || !path || !u) return HS_EINVAL;
    source src = {path, NULL, 0, NULL, 0, true};
    return read_source(ctx, &src, opts, u);
}

hs_status hs_units_read(hs_ctx *ctx, const char *path, const hs_layer_options *opts, hs_units *u) {
    if (!ctx || !path || !u) return HS_EINVAL;
    source src = {path, NULL, 0, NULL, 0, false};
    return read_source(ctx, &src, opts, u);
}

hs_status hs_units_read_buffer(hs_ctx *ctx, const char *name, hs_layer_format format,
                               const void *data, size_t size, const hs_layer_options *opts,
                               hs_units *u) {
    if (!ctx || !name || !u || (!data && size) ||
        (format != HS_LAYER_GEOJSON && format != HS_LAYER_GEOPACKAGE))
        return HS_EINVAL;
    source src = {name, NULL, format, data ? data : "", size, false};
    return read_source(ctx, &src, opts, u);
}

hs_status hs_units_read_shapefile_buffers(hs_ctx *ctx, const char *name,
                                          const hs_shapefile_buffers *b,
                                          const hs_layer_options *opts, hs_units *u) {
    if (!ctx || !name || !b || !u) return HS_EINVAL;
    source src = {name, b, 0, NULL, 0, false};
    return read_source(ctx, &src, opts, u);
}

hs_status hs_units_from_grid(hs_ctx *ctx, const hs_grid *grid, hs_units **out) {
    if (!ctx || !grid || !out) return HS_EINVAL;
    hs_status st = hs_units_create(ctx, out);
    if (st) return st;
    hs_units *u = *out;
    size_t n = hs_grid_cell_count(grid);
    u->is_grid = true;
    hs__grid_params(grid, &u->grid_shape, &u->grid_cs, &u->grid_ox, &u->grid_oy);
    free(u->crs);
    u->crs = hs__strdup(ctx, hs__grid_crs(grid));
    void *geos = hs__ctx_geos(ctx);
    if (!u->crs || !geos || add_layer(ctx, u, "grid") == UINT32_MAX || !reserve(ctx, u, n))
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        hs_cell c;
        double xy[14];
        size_t np;
        char id[96];
        if (!(i & 0xFFFF) && (st = hs__progress(ctx, "cells", i, n))) {
            hs_units_destroy(u);
            *out = NULL;
            return st;
        }
        hs_grid_cell(grid, i, &c);
        hs_grid_cell_ring(grid, i, xy, &np);
        hs_grid_cell_id(grid, i, id, sizeof id);
        u->g[i] = hs__geom_from_ring(geos, xy, np);
        u->code[i] = hs__strdup(ctx, id);
        u->name[i] = hs__strdup(ctx, "");
        u->n = i + 1;
        if (!u->g[i] || !u->code[i] || !u->name[i]) goto nomem;
        u->layer[i] = 0;
        u->record[i] = 0;
        u->area[i] = hs__geom_area(geos, u->g[i]);
        u->cx[i] = c.cx;
        u->cy[i] = c.cy;
        u->row[i] = c.row;
        u->col[i] = c.col;
    }
    return HS_OK;
nomem:
    hs_units_destroy(u);
    *out = NULL;
    return hs__error(ctx, HS_ENOMEM, "out of memory");
}

size_t hs_units_count(const hs_units *u) {
    return u ? u->n : 0;
}

hs_status hs_units_get(const hs_units *u, size_t i, hs_unit *out) {
    if (!u || !out || i >= u->n) return HS_EINVAL;
    out->code = u->code[i];
    out->name = u->name[i];
    out->layer = u->layer[i];
    out->record = u->record[i];
    out->area_m2 = u->area[i];
    out->cx = u->cx[i];
    out->cy = u->cy[i];
    out->empty = u->g[i] == NULL;
    return HS_OK;
}

const char *hs_units_layer_name(const hs_units *u, uint32_t layer) {
    return u && layer < u->nlayers ? u->layers[layer] : NULL;
}

const char *hs_units_crs(const hs_units *u) {
    return u ? u->crs : NULL;
}

size_t hs_units_note_count(const hs_units *u) {
    return u ? u->nnotes : 0;
}

hs_status hs_units_note_get(const hs_units *u, size_t i, hs_unit_note *out) {
    if (!u || !out || i >= u->nnotes) return HS_EINVAL;
    *out = u->notes[i];
    return HS_OK;
}

static int cmp_pair(const void *a, const void *b) {
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Builds the adjacency lists (CSR) from undirected pairs. */
static hs_status set_neighbours(hs_ctx *ctx, hs_units *u, uint32_t *pairs, size_t np) {
    uint32_t *dir = hs__malloc(ctx, (2 * np + 1) * 2 * sizeof *dir);
    uint32_t *start = hs__calloc(ctx, u->n + 1, sizeof *start),
             *nb = hs__malloc(ctx, (2 * np + 1) * sizeof *nb);
    if (!dir || !start || !nb) {
        free(dir);
        free(start);
        free(nb);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < np; k++) {
        dir[4 * k] = pairs[2 * k];
        dir[4 * k + 1] = pairs[2 * k + 1];
        dir[4 * k + 2] = pairs[2 * k + 1];
        dir[4 * k + 3] = pairs[2 * k];
    }
    qsort(dir, 2 * np, 2 * sizeof *dir, cmp_pair);
    for (size_t k = 0; k < 2 * np; k++) {
        start[dir[2 * k] + 1]++;
        nb[k] = dir[2 * k + 1];
    }
    for (size_t i = 0; i < u->n; i++)
        start[i + 1] += start[i];
    free(dir);
    forget_neighbours(u);
    u->nb_start = start;
    u->nb = nb;
    return HS_OK;
}

hs_status hs_units_build_neighbours(hs_ctx *ctx, hs_units *u, double snap_m) {
    if (!ctx || !u) return HS_EINVAL;
    if (!(snap_m >= 0) || !isfinite(snap_m))
        return hs__error(ctx, HS_EINVAL, "snapping tolerance must be >= 0 m, not %g", snap_m);
    uint32_t *pairs = NULL;
    size_t np = 0;
    hs_status st;
    if (u->is_grid) {
        /* Cells are sorted by (row, col): find each cell's surroundings (8
         * squares, 6 hexagons) by binary search. */
        size_t cap = 0;
        bool hex = u->grid_shape == HS_GRID_HEX;
        for (size_t i = 0; i < u->n; i++) {
            if (!(i & 0xFFFF) && (st = hs__progress(ctx, "neighbours", i, u->n))) {
                free(pairs);
                return st;
            }
            for (int dr = 0; dr <= 1; dr++)
                for (int dc = -1; dc <= 1; dc++) {
                    if (dr == 0 && dc <= 0) continue;
                    /* Hexagons touch 6: in the next row, the two whose
                     * centres are half a cell east and west (odd rows are
                     * shifted east). */
                    if (hex && dr == 1 && dc == ((u->row[i] & 1) ? -1 : 1)) continue;
                    int64_t r = u->row[i] + dr, c = u->col[i] + dc;
                    size_t lo = hs__units_find_cell(u, r, c);
                    if (lo < u->n) {
                        if (!hs__grow(ctx, (void **)&pairs, &cap, 2 * (np + 1), sizeof *pairs)) {
                            free(pairs);
                            return hs__error(ctx, HS_ENOMEM, "out of memory");
                        }
                        pairs[2 * np] = (uint32_t)(i < lo ? i : lo);
                        pairs[2 * np + 1] = (uint32_t)(i < lo ? lo : i);
                        np++;
                    }
                }
        }
    } else {
        st = hs__geom_touching(u->geos, u->g, u->n, snap_m, &pairs, &np);
        if (st) return hs__error(ctx, st, "out of memory");
    }
    if ((st = hs__progress(ctx, "neighbours", u->n, u->n))) {
        free(pairs);
        return st;
    }
    st = set_neighbours(ctx, u, pairs, np);
    free(pairs);
    if (!st) st = hs__progress(ctx, "neighbours", u->n, u->n);
    return st;
}

hs_status hs_units_neighbours(const hs_units *u, size_t i, const uint32_t **ids, size_t *n) {
    if (!u || !ids || !n || i >= u->n || !u->nb_start) return HS_EINVAL;
    *ids = u->nb + u->nb_start[i];
    *n = u->nb_start[i + 1] - u->nb_start[i];
    return HS_OK;
}

hs_status hs_units_bounds(hs_ctx *ctx, const hs_units *u, double box[4]) {
    if (!ctx || !u || !box) return HS_EINVAL;
    bool any = false;
    for (size_t i = 0; i < u->n; i++) {
        double b[4];
        if (!hs__geom_bounds(u->geos, u->g[i], b)) continue;
        if (!any) memcpy(box, b, sizeof b), any = true;
        box[0] = fmin(box[0], b[0]), box[1] = fmin(box[1], b[1]);
        box[2] = fmax(box[2], b[2]), box[3] = fmax(box[3], b[3]);
    }
    return any ? HS_OK : hs__error(ctx, HS_ENODATA, "the units have no geometry");
}

typedef struct bucket {
    int64_t by, bx;
    uint32_t i;
} bucket;

static int cmp_bucket(const void *a, const void *b) {
    const bucket *p = a, *q = b;
    if (p->by != q->by) return p->by < q->by ? -1 : 1;
    if (p->bx != q->bx) return p->bx < q->bx ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

hs_status hs_units_build_neighbours_distance(hs_ctx *ctx, hs_units *u, double d) {
    if (!ctx || !u) return HS_EINVAL;
    if (!(d > 0) || !isfinite(d)) return hs__error(ctx, HS_EINVAL, "distance band must be > 0 m");
    {
        /* The links the band makes, estimated from the centroids' box
         * (uniform density; every pair when d spans the box), refused up
         * front when they would not fit: 16 bytes a link while building. */
        double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
        for (size_t i = 0; i < u->n; i++) {
            x0 = fmin(x0, u->cx[i]), y0 = fmin(y0, u->cy[i]);
            x1 = fmax(x1, u->cx[i]), y1 = fmax(y1, u->cy[i]);
        }
        double n = (double)u->n, area = fmax((x1 - x0) * (y1 - y0), 1.0);
        double per = fmin(n - 1, n * 3.14159265358979 * d * d / area);
        double gb = 16.0 * n * fmax(per, 0) / 1e9;
        if (gb > HS__MAX_WORK_GB)
            return hs__error(ctx, HS_EINVAL,
                             "a distance band of %.6g m links about %.3g pairs of the %zu units "
                             "(%.0f GB): choose a smaller --neighbour-distance",
                             d, n * fmax(per, 0) / 2, u->n, gb);
    }
    /* Centroids in buckets of side d: neighbours are in the 3 x 3 around. */
    bucket *b = hs__malloc(ctx, (u->n ? u->n : 1) * sizeof *b);
    uint32_t *pairs = NULL;
    size_t np = 0, cap = 0;
    if (!b) return hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; i < u->n; i++)
        b[i] = (bucket){(int64_t)floor(u->cy[i] / d), (int64_t)floor(u->cx[i] / d), (uint32_t)i};
    qsort(b, u->n, sizeof *b, cmp_bucket);
    hs_status st = HS_OK;
    for (size_t k = 0; k < u->n && !st; k++) {
        uint32_t i = b[k].i;
        if (!u->g[i]) continue;
        for (int64_t dy = -1; dy <= 1 && !st; dy++) {
            bucket key = {b[k].by + dy, b[k].bx - 1, 0};
            size_t lo = 0, hi = u->n;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (cmp_bucket(&b[mid], &key) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t m = lo; m < u->n && b[m].by == key.by && b[m].bx <= b[k].bx + 1; m++) {
                uint32_t j = b[m].i;
                if (j <= i || !u->g[j]) continue;
                double ex = u->cx[i] - u->cx[j], ey = u->cy[i] - u->cy[j];
                if (ex * ex + ey * ey > d * d) continue;
                if (!hs__grow(ctx, (void **)&pairs, &cap, 2 * (np + 1), sizeof *pairs)) {
                    st = hs__error(ctx, HS_ENOMEM, "out of memory");
                    break;
                }
                pairs[2 * np] = i;
                pairs[2 * np + 1] = j;
                np++;
            }
        }
    }
    free(b);
    if (!st) st = set_neighbours(ctx, u, pairs, np);
    free(pairs);
    return st;
}

hs_status hs_units_from_cell_ids(hs_ctx *ctx, const char *const *ids, size_t n, hs_units **out) {
    if (!ctx || (!ids && n) || !out) return HS_EINVAL;
    hs_status st = hs_units_create(ctx, out);
    if (st) return st;
    hs_units *u = *out;
    void *geos = hs__ctx_geos(ctx);
    if (!geos || add_layer(ctx, u, "cells") == UINT32_MAX || !reserve(ctx, u, n)) goto nomem;
    for (size_t i = 0; i < n; i++) {
        double xy[14];
        size_t np;
        if (!hs__cell_ring_from_id(ids[i], xy, &np)) {
            hs_units_destroy(u);
            *out = NULL;
            return hs__error(ctx, HS_EINVAL, "'%s' is not a grid cell id (like sq150_3753_1157)",
                             ids[i]);
        }
        u->g[i] = hs__geom_from_ring(geos, xy, np);
        u->code[i] = hs__strdup(ctx, ids[i]);
        u->name[i] = hs__strdup(ctx, "");
        u->n = i + 1;
        if (!u->g[i] || !u->code[i] || !u->name[i]) goto nomem;
        u->layer[i] = 0;
        u->record[i] = i + 1;
        u->area[i] = hs__geom_area(geos, u->g[i]);
        hs__geom_centroid(geos, u->g[i], &u->cx[i], &u->cy[i]);
        u->row[i] = u->col[i] = 0;
    }
    return HS_OK;
nomem:
    hs_units_destroy(u);
    *out = NULL;
    return hs__error(ctx, HS_ENOMEM, "out of memory");
}

size_t hs__units_find_cell(const hs_units *u, int64_t r, int64_t c) {
    /* Grid units are kept sorted by (row, col): binary search. */
    size_t lo = 0, hi = u->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (u->row[mid] < r || (u->row[mid] == r && u->col[mid] < c))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < u->n && u->row[lo] == r && u->col[lo] == c ? lo : u->n;
}
