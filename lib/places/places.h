/*
 * places.h — internal header of lib/places/; never installed. Internal names use the
 * hs__ prefix.
 *
 * The places incidents are counted in: polygon units, the built-in wards,
 * grids, and locating incidents in them. Uses io.
 */
#ifndef HS_PLACES_H
#define HS_PLACES_H

#include "../io/io.h"

/* The ring of a grid cell from its id ("sq150_C_R", "hex250_C_R"; default
 * origin); false when id is not a cell id. xy holds 14 doubles. */
bool hs__cell_ring_from_id(const char *id, double xy[14], size_t *np);
/* ---- units.c ------------------------------------------------------------ */

struct hs_units {
    char *crs;
    void *geos; /* a handle of the set's own, to free its geometries: any
                   handle may free GEOS geometries, and the set may outlive
                   the context that built them */
    size_t n, cap;
    hs__geom **g;
    char **code, **name;
    uint32_t *layer;
    uint64_t *record;
    double *area;
    double *cx, *cy;    /* centroids */
    int64_t *row, *col; /* grid cells */
    bool is_grid;
    int grid_shape; /* of the grid the cells came from */
    double grid_cs, grid_ox, grid_oy;
    char **layers;
    size_t nlayers;
    hs_unit_note *notes; /* text owned */
    size_t nnotes, notecap;
    uint32_t *nb_start, *nb; /* neighbours (CSR), NULL until built */
};

/* The grid unit at (row, col), or u->n when there is none (units.c). */
size_t hs__units_find_cell(const hs_units *u, int64_t r, int64_t c);
const char *hs__grid_crs(const hs_grid *g);
void hs__grid_params(const hs_grid *g, int *shape, double *cs, double *ox, double *oy);
/* The cell (row, col) of a point, by the grid's rule (grid.c). */
bool hs__grid_cell_of(int shape, double cs, double ox, double oy, double x, double y, int64_t *row,
                      int64_t *col);
/* The box of the cells of n points: box = {row min, row max, col min, col
 * max}; false, with *bad the first point more than 2^31 cells away. */
bool hs__grid_cells_box(int shape, double cs, double ox, double oy, const double *x,
                        const double *y, size_t n, int64_t box[4], size_t *bad);
/* hs_units_locate for bare coordinate arrays. */
hs_status hs__units_locate_xy(hs_ctx *ctx, const hs_units *u, const double *x, const double *y,
                              size_t n, uint32_t *unit_of);

#endif
