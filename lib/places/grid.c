/* grid.c — counting incidents on square or hexagonal grids.
 *
 * Cells are addressed by integer (row, col) from the origin (by default
 * (0, 0) of the working CRS, so grids of different runs line up). Each
 * point gets a 64-bit key ordered by (row, col); the (key, weight) pairs are
 * sorted with a stable LSD radix sort (11-bit digits, passes whose digit is
 * constant are skipped), and runs of equal keys become cells. Stability
 * keeps every cell's weights summed in file order, so sums are reproducible
 * to the bit. Memory is O(points), whatever the extent: no dense raster. */
#include "places.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct hs_grid {
    hs_grid_shape shape;
    double cs, ox, oy;
    size_t n;
    int64_t *row, *col;
    uint64_t *count;
    double *weight;
    char *crs;
};

static bool locate(const hs_grid *g, double x, double y, int64_t *row, int64_t *col);

typedef struct kw {
    uint64_t key;
    double w;
} kw;

#define HEX_SQRT3 1.7320508075688772935

void hs_grid_options_init(hs_grid_options *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->cell_size_m = 150;
    o->shape = HS_GRID_SQUARE;
    o->max_cells = HS__MAX_CELLS;
}

/* Pointy-topped hexagons, width across flats w, side s = w / sqrt(3); rows
 * are 1.5 s apart and odd rows are shifted east by w / 2. */
static void hex_centre(const hs_grid *g, int64_t row, int64_t col, double *cx, double *cy) {
    double s = g->cs / HEX_SQRT3;
    *cx = g->ox + ((double)col + ((row & 1) ? 0.5 : 0.0)) * g->cs;
    *cy = g->oy + (double)row * 1.5 * s;
}

bool hs__grid_cell_of(int shape, double cs, double ox, double oy, double x, double y, int64_t *row,
                      int64_t *col) {
    hs_grid g = {0};
    g.shape = (hs_grid_shape)shape;
    g.cs = cs;
    g.ox = ox;
    g.oy = oy;
    return locate(&g, x, y, row, col);
}

bool hs__grid_cells_box(int shape, double cs, double ox, double oy, const double *x,
                        const double *y, size_t n, int64_t box[4], size_t *bad) {
    box[0] = box[2] = INT64_MAX, box[1] = box[3] = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        int64_t r = 0, c = 0;
        if (!hs__grid_cell_of(shape, cs, ox, oy, x[i], y[i], &r, &c)) {
            *bad = i;
            return false;
        }
        box[0] = r < box[0] ? r : box[0], box[1] = r > box[1] ? r : box[1];
        box[2] = c < box[2] ? c : box[2], box[3] = c > box[3] ? c : box[3];
    }
    return true;
}

/* The cell arrays for cells cells (at least one, so a NULL means no memory). */
static bool cells_alloc(const hs_ctx *ctx, hs_grid *g, size_t cells) {
    size_t k = cells ? cells : 1;
    g->row = hs__malloc(ctx, k * sizeof *g->row);
    g->col = hs__malloc(ctx, k * sizeof *g->col);
    g->count = hs__malloc(ctx, k * sizeof *g->count);
    g->weight = hs__malloc(ctx, k * sizeof *g->weight);
    return g->row && g->col && g->count && g->weight;
}

static bool locate(const hs_grid *g, double x, double y, int64_t *row, int64_t *col) {
    const double lim = 2147483000.0;
    if (g->shape == HS_GRID_SQUARE) {
        double u = (x - g->ox) / g->cs, v = (y - g->oy) / g->cs;
        if (!(fabs(u) < lim && fabs(v) < lim)) return false;
        int64_t c = (int64_t)floor(u), r = (int64_t)floor(v);
        /* Make the cell agree with the bounds we report, computed the same
         * way: x_min <= x < x_max even where x / cs rounds across an edge. */
        if (x < g->ox + (double)c * g->cs)
            c--;
        else if (x >= g->ox + (double)(c + 1) * g->cs)
            c++;
        if (y < g->oy + (double)r * g->cs)
            r--;
        else if (y >= g->oy + (double)(r + 1) * g->cs)
            r++;
        *row = r;
        *col = c;
        return true;
    }
    double dy = 1.5 * g->cs / HEX_SQRT3;
    double v = (y - g->oy) / dy, u = (x - g->ox) / g->cs;
    if (!(fabs(u) < lim && fabs(v) < lim)) return false;
    /* The nearest centre is in the row below or above the point (rows are
     * 1.5 s apart, a hexagon spans 2 s): take the nearer of the two
     * candidates; ties go to the smaller (row, col). */
    int64_t r0 = (int64_t)floor(v);
    double best = INFINITY;
    for (int64_t r = r0; r <= r0 + 1; r++) {
        double off = (r & 1) ? 0.5 : 0.0;
        int64_t c = (int64_t)ceil(u - off - 0.5);
        for (int64_t cc = c - 1; cc <= c; cc++) {
            double cx, cy;
            hex_centre(g, r, cc, &cx, &cy);
            double d = (x - cx) * (x - cx) + (y - cy) * (y - cy);
            if (d < best) {
                best = d;
                *row = r;
                *col = cc;
            }
        }
    }
    return true;
}

static bool radix_sort(const hs_ctx *ctx, kw *a, kw *tmp, size_t n) {
    enum { BITS = 11, B = 1 << BITS, PASSES = (64 + BITS - 1) / BITS };
    size_t(*hist)[B] = hs__calloc(ctx, PASSES, sizeof *hist);
    if (!hist) return false;
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < PASSES; p++)
            hist[p][(a[i].key >> (p * BITS)) & (B - 1)]++;
    kw *src = a, *dst = tmp;
    for (int p = 0; p < PASSES; p++) {
        size_t *h = hist[p];
        if (h[(a[0].key >> (p * BITS)) & (B - 1)] == n) continue;
        size_t sum = 0;
        for (int b = 0; b < B; b++) {
            size_t c = h[b];
            h[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[h[(src[i].key >> (p * BITS)) & (B - 1)]++] = src[i];
        kw *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
    free(hist);
    return true;
}

static uint64_t make_key(int64_t row, int64_t col) {
    return ((uint64_t)(row + 2147483648LL) << 32) | (uint64_t)(col + 2147483648LL);
}

/* Adds the empty cells of the incidents' bounding box: every (row, col)
 * from the lowest to the highest of the counted cells, merged in order. */
/* The rows and columns of the incidents' cells and of the extent's corners
 * (a hexagon's neighbours reach half a cell further: one more each way). */
static void cell_range(const hs_grid *g, const hs_grid_options *o, int64_t *r0, int64_t *r1,
                       int64_t *c0, int64_t *c1) {
    bool any = g->n > 0;
    if (any) *r0 = *r1 = g->row[0], *c0 = *c1 = g->col[0];
    for (size_t i = 0; i < g->n; i++) {
        if (g->row[i] < *r0) *r0 = g->row[i];
        if (g->row[i] > *r1) *r1 = g->row[i];
        if (g->col[i] < *c0) *c0 = g->col[i];
        if (g->col[i] > *c1) *c1 = g->col[i];
    }
    for (int k = 0; o->has_extent && k < 4; k++) {
        int64_t r, c;
        if (!locate(g, o->extent[k & 1 ? 2 : 0], o->extent[k & 2 ? 3 : 1], &r, &c)) continue;
        int64_t pad = g->shape == HS_GRID_HEX;
        if (!any) *r0 = *r1 = r, *c0 = *c1 = c, any = true;
        if (r - pad < *r0) *r0 = r - pad;
        if (r + pad > *r1) *r1 = r + pad;
        if (c - pad < *c0) *c0 = c - pad;
        if (c + pad > *c1) *c1 = c + pad;
    }
}

static hs_status add_empty_cells(hs_ctx *ctx, hs_grid *g, const hs_grid_options *o) {
    int64_t r0 = 0, r1 = -1, c0 = 0, c1 = -1;
    cell_range(g, o, &r0, &r1, &c0, &c1);
    if (r1 < r0) return HS_OK;
    double total = (double)(r1 - r0 + 1) * (double)(c1 - c0 + 1);
    size_t limit = o->max_cells ? o->max_cells : HS__MAX_CELLS;
    if (total > (double)limit)
        return hs__error(ctx, HS_ERANGE,
                         "the grid over %s would hold %.0f cells of %g m (%.0f x %.0f km): more "
                         "than the limit of %zu (--max-cells); give a study area "
                         "(--study-area FILE) or a larger --cell-size",
                         o->has_extent ? "the study area and its incidents" : "the incidents' box",
                         total, g->cs, (double)(c1 - c0 + 1) * g->cs / 1000,
                         (double)(r1 - r0 + 1) * g->cs / 1000, limit);
    size_t m = (size_t)total;
    int64_t *row = hs__malloc(ctx, m * sizeof *row), *col = hs__malloc(ctx, m * sizeof *col);
    uint64_t *count = hs__calloc(ctx, m, sizeof *count);
    double *weight = hs__calloc(ctx, m, sizeof *weight);
    if (!row || !col || !count || !weight) {
        free(row), free(col), free(count), free(weight);
        return hs__error(ctx, HS_ENOMEM, "out of memory for %zu cells", m);
    }
    size_t k = 0, j = 0;
    for (int64_t r = r0; r <= r1; r++)
        for (int64_t c = c0; c <= c1; c++, k++) {
            row[k] = r;
            col[k] = c;
            if (j < g->n && g->row[j] == r && g->col[j] == c) {
                count[k] = g->count[j];
                weight[k] = g->weight[j];
                j++;
            }
        }
    free(g->row), free(g->col), free(g->count), free(g->weight);
    g->row = row, g->col = col, g->count = count, g->weight = weight;
    g->n = m;
    return HS_OK;
}

hs_status hs_grid_count(hs_ctx *ctx, const hs_incidents *inc, const hs_grid_options *opts,
                        hs_grid **out) {
    if (!ctx || !inc || !out) return HS_EINVAL;
    *out = NULL;
    hs_grid_options defaults;
    if (!opts) {
        hs_grid_options_init(&defaults);
        opts = &defaults;
    }
    if (!(opts->cell_size_m > 0) || !isfinite(opts->cell_size_m))
        return hs__error(ctx, HS_EINVAL, "cell size must be a positive number of metres, not %g",
                         opts->cell_size_m);
    if (opts->shape != HS_GRID_SQUARE && opts->shape != HS_GRID_HEX)
        return hs__error(ctx, HS_EINVAL, "unknown grid shape %d", (int)opts->shape);
    if (!isfinite(opts->origin_x) || !isfinite(opts->origin_y))
        return hs__error(ctx, HS_EINVAL, "grid origin must be finite");
    hs_grid *g = hs__calloc(ctx, 1, sizeof *g);
    if (!g) return hs__error(ctx, HS_ENOMEM, "out of memory");
    g->shape = opts->shape;
    g->cs = opts->cell_size_m;
    g->ox = opts->origin_x;
    g->oy = opts->origin_y;
    g->crs = hs__strdup(ctx, inc->crs);
    size_t n = inc->col.n;
    kw *a = NULL, *tmp = NULL;
    hs_status st = HS_OK;
    if (!g->crs) {
        st = hs__error(ctx, HS_ENOMEM, "out of memory for %zu incidents", n);
        goto fail;
    }
    int64_t box[4];
    size_t bad = 0;
    if (!hs__grid_cells_box(g->shape, g->cs, g->ox, g->oy, inc->col.x, inc->col.y, n, box, &bad)) {
        st = hs__error(ctx, HS_ERANGE,
                       "cell size %g m is too small for coordinates like (%.3f, %.3f): "
                       "more than 2^31 cells from the origin",
                       g->cs, inc->col.x[bad], inc->col.y[bad]);
        goto fail;
    }
    int64_t rmin = box[0], rmax = box[1], cmin = box[2], cmax = box[3];
    /* Where the incidents' box holds no more cells than there are incidents
     * (a borough, a force or England at 150 m with millions of rows), they
     * are counted straight into the box, 16 bytes a cell and no sort: the
     * same cells in the same order, each weight summed in file order as the
     * stable sort below sums it. Otherwise a radix sort of (cell, weight). */
    size_t box_w = n ? (size_t)(cmax - cmin + 1) : 0, box_h = n ? (size_t)(rmax - rmin + 1) : 0;
    if (n && box_w <= n && box_h <= n / box_w) {
        size_t nb = box_w * box_h, cells = 0;
        uint64_t *cnt = hs__calloc(ctx, nb, sizeof *cnt);
        double *wsum = hs__calloc(ctx, nb, sizeof *wsum);
        if (!cnt || !wsum) {
            free(cnt);
            free(wsum);
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < n; i++) {
            int64_t r = 0, c = 0;
            locate(g, inc->col.x[i], inc->col.y[i], &r, &c);
            size_t b = (size_t)(r - rmin) * box_w + (size_t)(c - cmin);
            cells += cnt[b] == 0;
            cnt[b]++;
            wsum[b] += inc->col.w[i];
        }
        if (!cells_alloc(ctx, g, cells)) {
            free(cnt);
            free(wsum);
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
            goto fail;
        }
        size_t k = 0;
        for (size_t b = 0; b < nb; b++) {
            if (!cnt[b]) continue;
            g->row[k] = rmin + (int64_t)(b / box_w);
            g->col[k] = cmin + (int64_t)(b % box_w);
            g->count[k] = cnt[b];
            g->weight[k] = wsum[b];
            k++;
        }
        free(cnt);
        free(wsum);
        g->n = cells;
    } else {
        a = hs__malloc(ctx, (n ? n : 1) * sizeof *a);
        tmp = hs__malloc(ctx, (n ? n : 1) * sizeof *tmp);
        if (!a || !tmp) {
            st = hs__error(ctx, HS_ENOMEM, "out of memory for %zu incidents", n);
            goto fail;
        }
        for (size_t i = 0; i < n; i++) {
            int64_t r = 0, c = 0;
            locate(g, inc->col.x[i], inc->col.y[i], &r, &c);
            a[i].key = make_key(r, c);
            a[i].w = inc->col.w[i];
        }
        if (n > 1 && !radix_sort(ctx, a, tmp, n)) {
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
            goto fail;
        }
        size_t cells = 0;
        for (size_t i = 0; i < n; i++)
            cells += i == 0 || a[i].key != a[i - 1].key;
        if (!cells_alloc(ctx, g, cells)) {
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
            goto fail;
        }
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (i == 0 || a[i].key != a[i - 1].key) {
                g->row[k] = (int64_t)(a[i].key >> 32) - 2147483648LL;
                g->col[k] = (int64_t)(a[i].key & 0xffffffffu) - 2147483648LL;
                g->count[k] = 0;
                g->weight[k] = 0;
                k++;
            }
            g->count[k - 1]++;
            g->weight[k - 1] += a[i].w;
        }
        g->n = cells;
    }
    if (opts->include_empty && (n > 0 || opts->has_extent) && (st = add_empty_cells(ctx, g, opts)))
        goto fail;
    free(a);
    free(tmp);
    *out = g;
    return HS_OK;
fail:
    free(a);
    free(tmp);
    hs_grid_destroy(g);
    return st;
}

void hs_grid_destroy(hs_grid *g) {
    if (!g) return;
    free(g->row);
    free(g->col);
    free(g->count);
    free(g->weight);
    free(g->crs);
    free(g);
}

size_t hs_grid_cell_count(const hs_grid *g) {
    return g ? g->n : 0;
}

hs_status hs_grid_cell(const hs_grid *g, size_t i, hs_cell *out) {
    if (!g || !out || i >= g->n) return HS_EINVAL;
    out->row = g->row[i];
    out->col = g->col[i];
    out->count = g->count[i];
    out->weight = g->weight[i];
    if (g->shape == HS_GRID_SQUARE) {
        out->x_min = g->ox + (double)g->col[i] * g->cs;
        out->x_max = g->ox + (double)(g->col[i] + 1) * g->cs;
        out->y_min = g->oy + (double)g->row[i] * g->cs;
        out->y_max = g->oy + (double)(g->row[i] + 1) * g->cs;
        out->cx = 0.5 * (out->x_min + out->x_max);
        out->cy = 0.5 * (out->y_min + out->y_max);
    } else {
        double s = g->cs / HEX_SQRT3;
        hex_centre(g, g->row[i], g->col[i], &out->cx, &out->cy);
        out->x_min = out->cx - 0.5 * g->cs;
        out->x_max = out->cx + 0.5 * g->cs;
        out->y_min = out->cy - s;
        out->y_max = out->cy + s;
    }
    return HS_OK;
}

int hs_grid_cell_id(const hs_grid *g, size_t i, char *buf, size_t size) {
    if (!g || i >= g->n) return -1;
    char cs[32], ox[32], oy[32];
    hs__fmt_double(cs, sizeof cs, g->cs);
    hs__fmt_double(ox, sizeof ox, g->ox);
    hs__fmt_double(oy, sizeof oy, g->oy);
    /* A grid with another origin says it, so the id alone rebuilds the cell. */
    bool origin = g->ox != 0 || g->oy != 0;
    return snprintf(buf, size, "%s%s_%lld_%lld%s%s%s%s", g->shape == HS_GRID_HEX ? "hex" : "sq", cs,
                    (long long)g->col[i], (long long)g->row[i], origin ? "@" : "", origin ? ox : "",
                    origin ? "_" : "", origin ? oy : "");
}

hs_status hs_grid_cell_ring(const hs_grid *g, size_t i, double xy[14], size_t *n) {
    hs_cell c;
    if (!xy || !n || hs_grid_cell(g, i, &c)) return HS_EINVAL;
    if (g->shape == HS_GRID_SQUARE) {
        const double r[10] = {c.x_min, c.y_min, c.x_max, c.y_min, c.x_max,
                              c.y_max, c.x_min, c.y_max, c.x_min, c.y_min};
        memcpy(xy, r, sizeof r);
        *n = 5;
    } else {
        double s = g->cs / HEX_SQRT3, h = 0.5 * g->cs;
        const double r[14] = {c.cx, c.cy - s, c.cx + h, c.cy - 0.5 * s, c.cx + h, c.cy + 0.5 * s,
                              c.cx, c.cy + s, c.cx - h, c.cy + 0.5 * s, c.cx - h, c.cy - 0.5 * s,
                              c.cx, c.cy - s};
        memcpy(xy, r, sizeof r);
        *n = 7;
    }
    return HS_OK;
}

const char *hs__grid_crs(const hs_grid *g) {
    return g->crs;
}

hs_status hs_grid_locate(hs_ctx *ctx, const hs_grid *g, const hs_incidents *inc,
                         uint32_t *unit_of) {
    if (!ctx || !g || !inc || (!unit_of && inc->col.n)) return HS_EINVAL;
    if (g->n >= UINT32_MAX) return hs__error(ctx, HS_ERANGE, "too many cells");
    for (size_t i = 0; i < inc->col.n; i++) {
        int64_t r = 0, c = 0;
        unit_of[i] = HS_NO_UNIT;
        if (!locate(g, inc->col.x[i], inc->col.y[i], &r, &c)) continue;
        size_t lo = 0, hi = g->n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (g->row[mid] < r || (g->row[mid] == r && g->col[mid] < c))
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < g->n && g->row[lo] == r && g->col[lo] == c) unit_of[i] = (uint32_t)lo;
    }
    return HS_OK;
}

void hs__grid_params(const hs_grid *g, int *shape, double *cs, double *ox, double *oy) {
    *shape = (int)g->shape;
    *cs = g->cs;
    *ox = g->ox;
    *oy = g->oy;
}

/* A cell's ring rebuilt from its id alone (geofences, treated areas):
 * "sq150_3753_1157", or with the grid's origin "sq150_3753_1157@25_-40". */
bool hs__cell_ring_from_id(const char *id, double xy[14], size_t *np) {
    double size, ox = 0, oy = 0;
    long long col, row;
    char shape[8];
    int n = 0, m = 0;
    if (sscanf(id, "%7[a-z]%lf_%lld_%lld%n", shape, &size, &col, &row, &n) != 4 || !(size > 0) ||
        !isfinite(size))
        return false;
    if (id[n] == '@' && (sscanf(id + n + 1, "%lf_%lf%n", &ox, &oy, &m) != 2 || id[n + 1 + m] ||
                         !isfinite(ox) || !isfinite(oy)))
        return false;
    if (id[n] && id[n] != '@') return false;
    if (!strcmp(shape, "sq")) {
        double x0 = ox + (double)col * size, y0 = oy + (double)row * size;
        const double r[10] = {x0, y0, x0 + size, y0, x0 + size, y0 + size, x0, y0 + size, x0, y0};
        memcpy(xy, r, sizeof r);
        *np = 5;
        return true;
    }
    if (!strcmp(shape, "hex")) {
        double sd = size / 1.7320508075688772935, hw = size / 2;
        double cx = ox + ((double)col + ((row & 1) ? 0.5 : 0)) * size,
               cy = oy + (double)row * 1.5 * sd;
        const double r[14] = {cx,          cy - sd,     cx + hw, cy - sd / 2, cx + hw,
                              cy + sd / 2, cx,          cy + sd, cx - hw,     cy + sd / 2,
                              cx - hw,     cy - sd / 2, cx,      cy - sd};
        memcpy(xy, r, sizeof r);
        *np = 7;
        return true;
    }
    return false;
}
