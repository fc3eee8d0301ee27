/* locate.c — which unit each incident lies in.
 *
 * A lookup grid is laid over the units' extent, about one cell per four
 * incidents (between 2^10 and 2^20 cells). Only cells that hold incidents
 * are classified, each with one GEOS prepared-geometry test of the cell's
 * box: wholly inside one unit's interior, wholly outside every unit, or
 * mixed. Incidents in the first two kinds get their answer from the cell;
 * only those in mixed cells (along boundaries) are tested one by one
 * (STRtree candidates, prepared contains/intersects). Both steps are split
 * across the context's threads, each with its own GEOS handle and prepared
 * geometries; every answer depends only on the geometry, so the result is
 * the same for any thread count. The per-point rule is in geom.c. */
#include "places.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { UNSEEN = 0xFFFFFFFFu, NEEDED = 0xFFFFFFFEu, MIXED = 0xFFFFFFFDu, NONE = 0xFFFFFFFCu };

typedef struct job {
    const hs_units *u;
    const double *x, *y;
    uint32_t *unit_of;
    uint32_t *cell;        /* per lookup cell: unit, NONE, MIXED */
    const uint32_t *mixed; /* lookup cells cut by a boundary: classified by GEOS */
    size_t mixed_lo, mixed_hi, pt_lo, pt_hi;
    double box[4], cw, ch;
    size_t nx, ny;
    int phase;
    bool failed;
} job;

static inline size_t cell_of(const job *j, double x, double y) {
    if (!(x >= j->box[0] && x <= j->box[2] && y >= j->box[1] && y <= j->box[3])) return SIZE_MAX;
    size_t cx = (size_t)((x - j->box[0]) / j->cw), cy = (size_t)((y - j->box[1]) / j->ch);
    if (cx >= j->nx) cx = j->nx - 1;
    if (cy >= j->ny) cy = j->ny - 1;
    return cy * j->nx + cx;
}

static void *run(void *arg) {
    job *j = arg;
    hs__locator *L = hs__locator_create(j->u->geos, j->u->g, j->u->n);
    if (!L) {
        j->failed = true;
        return NULL;
    }
    if (j->phase == 0) {
        for (size_t k = j->mixed_lo; k < j->mixed_hi; k++) {
            size_t c = j->mixed[k], cx = c % j->nx, cy = c / j->nx;
            /* Grown by a hair, so that every point cell_of() puts in the
             * cell lies in the box despite rounding in the division. */
            double e = 1e-9 * (j->cw + j->ch) + 1e-9;
            double b[4] = {j->box[0] + (double)cx * j->cw - e, j->box[1] + (double)cy * j->ch - e,
                           j->box[0] + (double)(cx + 1) * j->cw + e,
                           j->box[1] + (double)(cy + 1) * j->ch + e};
            uint32_t unit = 0;
            int r = hs__locator_box(L, b, &unit);
            j->cell[c] = r == HS__BOX_INSIDE ? unit : r == HS__BOX_OUTSIDE ? NONE : MIXED;
        }
    } else {
        const double *x = j->x, *y = j->y;
        for (size_t i = j->pt_lo; i < j->pt_hi; i++) {
            size_t c = cell_of(j, x[i], y[i]);
            uint32_t s = c == SIZE_MAX ? NONE : j->cell[c];
            j->unit_of[i] = s == MIXED  ? hs__locator_point(L, x[i], y[i])
                            : s == NONE ? HS_NO_UNIT
                                        : s;
        }
    }
    hs__locator_destroy(L);
    return NULL;
}

static void job_part(void *arg, int k, int np) {
    (void)np;
    run(&((job *)arg)[k]);
}

/* Runs phase on nt threads over [0, n) (cells to classify or points). */
static bool in_threads(job *base, int phase, size_t n, int nt) {
    job jobs[HS__MAX_THREADS];
    for (int t = 0; t < nt; t++) {
        jobs[t] = *base;
        jobs[t].phase = phase;
        size_t lo = n * (size_t)t / (size_t)nt, hi = n * (size_t)(t + 1) / (size_t)nt;
        if (phase == 0) {
            jobs[t].mixed_lo = lo;
            jobs[t].mixed_hi = hi;
        } else {
            jobs[t].pt_lo = lo;
            jobs[t].pt_hi = hi;
        }
    }
    hs__parallel(nt, job_part, jobs);
    bool ok = true;
    for (int t = 0; t < nt; t++)
        ok = ok && !jobs[t].failed;
    return ok;
}

hs_status hs_units_locate(hs_ctx *ctx, const hs_units *u, const hs_incidents *inc,
                          uint32_t *unit_of) {
    if (!ctx || !u || !inc || (!unit_of && hs_incidents_count(inc))) return HS_EINVAL;
    if (strcmp(u->crs, hs_incidents_crs(inc)) != 0)
        return hs__error(ctx, HS_ECRS, "units are in %s but incidents in %s: use one working CRS",
                         u->crs, hs_incidents_crs(inc));
    return hs__units_locate_xy(ctx, u, hs_incidents_x(inc), hs_incidents_y(inc),
                               hs_incidents_count(inc), unit_of);
}

hs_status hs_units_locate_xy(hs_ctx *ctx, const hs_units *u, const double *x, const double *y,
                             size_t n, uint32_t *unit_of) {
    if (!ctx || !u || (n && (!x || !y || !unit_of))) return HS_EINVAL;
    return hs__units_locate_xy(ctx, u, x, y, n, unit_of);
}

/* Grid cells: the grid's own rule (half-open squares, nearest hexagon
 * centre), by arithmetic and a binary search on the sorted (row, col). */
static void locate_cells(const hs_units *u, const double *x, const double *y, size_t n,
                         uint32_t *unit_of) {
    for (size_t i = 0; i < n; i++) {
        int64_t r = 0, c = 0;
        unit_of[i] = HS_NO_UNIT;
        if (!hs__grid_cell_of(u->grid_shape, u->grid_cs, u->grid_ox, u->grid_oy, x[i], y[i], &r,
                              &c))
            continue;
        size_t k = hs__units_find_cell(u, r, c);
        if (k < u->n) unit_of[i] = (uint32_t)k;
    }
}

hs_status hs__units_locate_xy(hs_ctx *ctx, const hs_units *u, const double *x, const double *y,
                              size_t n, uint32_t *unit_of) {
    if (u->is_grid) {
        locate_cells(u, x, y, n, unit_of);
        return HS_OK;
    }
    job j;
    memset(&j, 0, sizeof j);
    j.u = u;
    j.x = x;
    j.y = y;
    j.unit_of = unit_of;
    bool any = false;
    for (size_t i = 0; i < u->n; i++) {
        double b[4];
        if (!hs__geom_bounds(u->geos, u->g[i], b)) continue;
        if (!any) memcpy(j.box, b, sizeof b);
        j.box[0] = fmin(j.box[0], b[0]);
        j.box[1] = fmin(j.box[1], b[1]);
        j.box[2] = fmax(j.box[2], b[2]);
        j.box[3] = fmax(j.box[3], b[3]);
        any = true;
    }
    if (!any || n == 0) {
        for (size_t i = 0; i < n; i++)
            unit_of[i] = HS_NO_UNIT;
        return HS_OK;
    }
    double w = fmax(j.box[2] - j.box[0], 1e-9), h = fmax(j.box[3] - j.box[1], 1e-9);
    double target = fmin(fmax((double)n / 4, 1024), 1048576);
    j.nx = (size_t)fmax(1, ceil(sqrt(target * w / h)));
    j.ny = (size_t)fmax(1, ceil(target / (double)j.nx));
    j.cw = w / (double)j.nx;
    j.ch = h / (double)j.ny;
    j.cell = hs__malloc(ctx, j.nx * j.ny * sizeof *j.cell);
    uint32_t *mixed = NULL;
    if (!j.cell) return hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t c = 0; c < j.nx * j.ny; c++)
        j.cell[c] = UNSEEN;
    size_t nmixed = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = cell_of(&j, x[i], y[i]);
        if (c != SIZE_MAX && j.cell[c] == UNSEEN) {
            j.cell[c] = NEEDED;
            nmixed++;
        }
    }
    mixed = hs__malloc(ctx, (nmixed ? nmixed : 1) * sizeof *mixed);
    if (!mixed) {
        free(j.cell);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    for (size_t c = 0, k = 0; c < j.nx * j.ny; c++)
        if (j.cell[c] == NEEDED) mixed[k++] = (uint32_t)c;
    j.mixed = mixed;
    /* Each thread clones and prepares every unit: worth it only for large
     * jobs. */
    int nt = n >= 20000 ? ctx->threads : 1;
    bool ok = in_threads(&j, 0, nmixed, nt) && in_threads(&j, 1, n, nt);
    free(mixed);
    free(j.cell);
    if (!ok) return hs__error(ctx, HS_ENOMEM, "out of memory preparing the polygons");
    return HS_OK;
}
