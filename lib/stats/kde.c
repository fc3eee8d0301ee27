/* kde.c — exact kernel density on a pixel grid.
 *
 * Every incident adds weight x K(d) to every pixel whose centre lies within
 * the kernel's reach, d being the true distance from the incident to the
 * centre (no binning). The work is organised for memory traffic:
 *  - incidents are merged where they share a location (police.uk snaps
 *    crimes to map points) and sorted by pixel row, then column, so that
 *    consecutive incidents touch the same few hundred kilobytes of rows;
 *  - the grid is cut into bands of rows that threads take one at a time
 *    (clustered incidents make equal shares unequal work); a thread visits
 *    only the incidents whose reach meets its band (a contiguous run of the
 *    sorted list) and writes only its own rows, so no two threads touch the
 *    same pixel and every pixel sums its incidents in the same order
 *    whatever the number of threads (byte-identical output);
 *  - within a row the column range is solved from the circle, and the inner
 *    loop is a branch-free polynomial in q = d^2/h^2 that the compiler
 *    vectorises.
 * Sums are kept in double and stored as Float32. */
#include "stats.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define KDE_PI 3.14159265358979323846

void hs_kde_options_init(hs_kde_options *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->kernel = HS_KERNEL_QUARTIC;
    o->rule = HS_BW_RULE_OF_THUMB;
    o->bandwidth_adjust = 1;
    o->units = HS_KDE_RAW;
}

/* Reach in units of the bandwidth: 1 for the compact kernels, the cutoff
 * (in sigmas) for the gaussian. */
static double reach_factor(const hs_kde_options *o) {
    if (o->kernel != HS_KERNEL_GAUSSIAN) return 1;
    return o->gaussian_cutoff > 0 ? o->gaussian_cutoff : 4;
}

/* Normalising constant so the kernel integrates to 1 over the plane, per
 * unit area (h in metres: per m^2). Polynomial kernels (1-u^2)^p on the
 * disc integrate to pi h^2 / (p + 1); the cone 1-u to pi h^2 / 3. */
double hs__kernel_norm(hs_kernel k, double h, double cutoff) {
    double a = KDE_PI * h * h;
    switch (k) {
    case HS_KERNEL_QUARTIC: return 3 / a;
    case HS_KERNEL_EPANECHNIKOV: return 2 / a;
    case HS_KERNEL_TRIWEIGHT: return 4 / a;
    case HS_KERNEL_UNIFORM: return 1 / a;
    case HS_KERNEL_TRIANGULAR: return 3 / a;
    default: return 1 / (2 * a * (1 - exp(-cutoff * cutoff / 2)));
    }
}

/* Raw kernel of q = d^2 / h^2 (0 beyond the reach). */
double hs__kernel_raw(hs_kernel k, double q, double qmax) {
    if (q > qmax) return 0;
    switch (k) {
    case HS_KERNEL_QUARTIC: return (1 - q) * (1 - q);
    case HS_KERNEL_EPANECHNIKOV: return 1 - q;
    case HS_KERNEL_TRIWEIGHT: return (1 - q) * (1 - q) * (1 - q);
    case HS_KERNEL_UNIFORM: return 1;
    case HS_KERNEL_TRIANGULAR: return 1 - sqrt(q);
    default: return exp(-q / 2);
    }
}

/* ---- incidents prepared for the sums ------------------------------------ */

typedef struct pts {
    size_t n;
    double *x, *y, *w;
    int64_t *row; /* sorted key */
} pts;

static void pts_free(pts *p) {
    free(p->x);
    free(p->y);
    free(p->w);
    free(p->row);
    memset(p, 0, sizeof *p);
}

/* A location inside one pixel cell, for the sort within the cell. */
typedef struct loc {
    double x, y;
    size_t i;
} loc;

static int cmp_loc(const void *a, const void *b) {
    const loc *p = a, *q = b;
    if (p->x != q->x) return p->x < q->x ? -1 : 1;
    if (p->y != q->y) return p->y < q->y ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

/* A cell's locations in (x, y, file order). They arrive in file order, so
 * a stable insertion sort on (x, y) does for the few a cell usually holds,
 * and one location many times over (a police.uk map point) needs none. */
static void sort_cell(loc *c, size_t n) {
    size_t same = 1;
    while (same < n && c[same].x == c[0].x && c[same].y == c[0].y)
        same++;
    if (same == n) return;
    if (n > 24) {
        qsort(c, n, sizeof *c, cmp_loc);
        return;
    }
    for (size_t j = 1; j < n; j++) {
        loc v = c[j];
        size_t k = j;
        while (k > 0 && (c[k - 1].x > v.x || (c[k - 1].x == v.x && c[k - 1].y > v.y))) {
            c[k] = c[k - 1];
            k--;
        }
        c[k] = v;
    }
}

static unsigned bits_for(uint64_t v) {
    unsigned b = 0;
    while (b < 64 && (v >> b))
        b++;
    return b;
}

/* Test hook: when set, prepare takes its 24-byte fallback whatever the
 * sizes (the path a grid of more than ~2^40 cells would take). */
bool hs__kde_force_wide_keys = false;

/* Records for the fallback, a key too wide to share 64 bits with the
 * incident's rank: 24 bytes and qsort. */
typedef struct rkey {
    uint64_t row, col, i;
} rkey;

static int cmp_rkey(const void *a, const void *b) {
    const rkey *p = a, *q = b;
    if (p->row != q->row) return p->row < q->row ? -1 : 1;
    if (p->col != q->col) return p->col < q->col ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

/* Stable LSD radix sort of v[0..m) on bits [lo, lo + nbits): digits of at
 * most 11 bits (2,048 buckets, so the scatter's write streams stay in
 * cache and in the TLB, where 16-bit digits thrash both), every digit's
 * counts taken in one read, a digit all values share skipped. The sorted
 * values end in *v (the buffers may swap). False when out of memory. */
static bool radix_u64(const hs_ctx *ctx, uint64_t **v, uint64_t **tmp, size_t m, unsigned lo,
                      unsigned nbits) {
    if (m < 2 || nbits == 0) return true;
    unsigned passes = (nbits + 10) / 11, dbits = (nbits + passes - 1) / passes;
    size_t nb = (size_t)1 << dbits;
    size_t *count = hs__calloc(ctx, passes * nb, sizeof *count);
    if (!count) return false;
    uint64_t mask = nb - 1;
    for (size_t j = 0; j < m; j++) {
        uint64_t x = (*v)[j] >> lo;
        for (unsigned p = 0; p < passes; p++)
            count[p * nb + ((x >> (p * dbits)) & mask)]++;
    }
    for (unsigned p = 0; p < passes; p++) {
        size_t *c = count + p * nb, sum = 0;
        bool one = false;
        for (size_t d = 0; d < nb; d++) {
            one |= c[d] == m;
            size_t t = c[d];
            c[d] = sum;
            sum += t;
        }
        if (one) continue;
        unsigned sh = lo + p * dbits;
        const uint64_t *src = *v;
        uint64_t *dst = *tmp;
        for (size_t j = 0; j < m; j++) {
            uint64_t x = src[j];
            dst[c[(x >> sh) & mask]++] = x;
        }
        uint64_t *t = *v;
        *v = *tmp, *tmp = t;
    }
    free(count);
    return true;
}

/* The sorted incidents, either form: cell (row, col relative to the
 * minimum) and rank of the j-th. */
typedef struct order {
    const uint64_t *v; /* packed: key << ibits | rank */
    const rkey *wide;  /* else */
    unsigned ibits, cbits;
} order;

static inline void order_at(const order *o, size_t j, uint64_t *row, uint64_t *col, size_t *rank) {
    if (o->v) {
        uint64_t key = o->v[j] >> o->ibits;
        *rank = (size_t)(o->v[j] & ((((uint64_t)1 << o->ibits) - 1)));
        *row = key >> o->cbits;
        *col = key & (((uint64_t)1 << o->cbits) - 1);
    } else {
        *row = o->wide[j].row, *col = o->wide[j].col, *rank = (size_t)o->wide[j].i;
    }
}

/* The sorted incidents' cells merged into locations, in parts of whole
 * cells (prepare). */
typedef struct group_job {
    const order *o;
    const size_t *kept; /* rank to incident, NULL: the same */
    const double *X, *Y, *Wt;
    double x0, ytop, cs;
    bool binned;
    int64_t rmin, cmin;
    size_t m;
    pts *P;
    const hs_ctx *ctx;
    size_t start[HS__MAX_THREADS + 1]; /* part k: ranks start[k] .. start[k + 1] */
    size_t used[HS__MAX_THREADS];      /* locations part k wrote from P + start[k] */
    bool failed[HS__MAX_THREADS];
} group_job;

static void group_part(void *arg, int k, int np) {
    (void)np;
    group_job *G = arg;
    const order *o = G->o;
    const double *X = G->X, *Y = G->Y, *Wt = G->Wt;
    pts *P = G->P;
    loc *cell = NULL;
    size_t cellcap = 0, u = G->start[k], end = G->start[k + 1];
    for (size_t a = G->start[k]; a < end;) {
        uint64_t ra, ca, rb, cb;
        size_t rank;
        order_at(o, a, &ra, &ca, &rank);
        size_t b = a + 1;
        for (; b < end; b++) {
            order_at(o, b, &rb, &cb, &rank);
            if (rb != ra || cb != ca) break;
        }
        int64_t row = (int64_t)ra + G->rmin, col = (int64_t)ca + G->cmin;
        if (!hs__grow(G->ctx, (void **)&cell, &cellcap, b - a, sizeof *cell)) {
            G->failed[k] = true;
            break;
        }
        for (size_t j = a; j < b; j++) {
            /* Random reads over the table: ask for a later incident's
             * coordinates ahead of need. */
            if (j + 16 < end) {
                order_at(o, j + 16, &rb, &cb, &rank);
                size_t f = G->kept ? G->kept[rank] : rank;
                __builtin_prefetch(X + f), __builtin_prefetch(Y + f), __builtin_prefetch(Wt + f);
            }
            order_at(o, j, &rb, &cb, &rank);
            size_t i = G->kept ? G->kept[rank] : rank;
            cell[j - a] = (loc){X[i], Y[i], i};
            if (G->binned) { /* the pixel's centre: one location for the whole cell */
                cell[j - a].x = G->x0 + ((double)col + 0.5) * G->cs;
                cell[j - a].y = G->ytop - ((double)row + 0.5) * G->cs;
            }
        }
        sort_cell(cell, b - a);
        for (size_t j = 0; j < b - a; j++) {
            if (j && cell[j].x == cell[j - 1].x && cell[j].y == cell[j - 1].y) {
                P->w[u - 1] += Wt[cell[j].i];
                continue;
            }
            P->x[u] = cell[j].x;
            P->y[u] = cell[j].y;
            P->w[u] = Wt[cell[j].i];
            P->row[u] = row;
            u++;
        }
        a = b;
    }
    G->used[k] = u - G->start[k];
    free(cell);
}

/* Incidents in order of (row, col, x, y, file order) of a grid of cell
 * size cs anchored at (x0, y_top) (rows downward), merged where they share a
 * location (weights summed in file order). Weights of 0 are dropped.
 *
 * Each incident's cell (row, col) is packed above its rank into one 64-bit
 * word, so sorting the words by the cell bits keeps file order within a
 * cell: 8 bytes an incident, 16 while sorting. A key too wide for that
 * (over ~2^40 cells with 2^24 incidents) takes 24-byte records and qsort.
 * Each cell's run is then sorted by (x, y) and equal locations merged. The
 * row and column are computed once, as floor((ytop - y) / cs) and
 * floor((x - x0) / cs). */
static hs_status prepare(const hs_ctx *ctx, const hs_incidents *inc, double x0, double ytop,
                         double cs, bool binned, pts *P) {
    size_t n = inc->col.n;
    const double *X = inc->col.x, *Y = inc->col.y, *Wt = inc->col.w;
    memset(P, 0, sizeof *P);
    uint64_t *v = NULL, *tmp = NULL;
    rkey *wide = NULL;
    size_t *kept = NULL;
#define ROW_OF(i) ((int64_t)floor((ytop - Y[i]) / cs))
#define COL_OF(i) ((int64_t)floor((X[i] - x0) / cs))
    int64_t rmin = INT64_MAX, cmin = INT64_MAX, rmax = INT64_MIN, cmax = INT64_MIN;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (Wt[i] == 0) continue;
        int64_t r = ROW_OF(i), c = COL_OF(i);
        rmin = r < rmin ? r : rmin, rmax = r > rmax ? r : rmax;
        cmin = c < cmin ? c : cmin, cmax = c > cmax ? c : cmax;
        m++;
    }
    order o = {.ibits = m > 1 ? bits_for((uint64_t)(m - 1)) : 0,
               .cbits = m ? bits_for((uint64_t)(cmax - cmin)) : 0};
    unsigned rbits = m ? bits_for((uint64_t)(rmax - rmin)) : 0;
    if (!hs__kde_force_wide_keys && o.cbits + rbits + o.ibits <= 63) {
        v = hs__malloc(ctx, (m ? m : 1) * sizeof *v);
        tmp = hs__malloc(ctx, (m ? m : 1) * sizeof *tmp);
        if (!v || !tmp) goto nomem;
        for (size_t i = 0, j = 0; i < n; i++) {
            if (Wt[i] == 0) continue;
            uint64_t key = (uint64_t)(ROW_OF(i) - rmin) << o.cbits | (uint64_t)(COL_OF(i) - cmin);
            v[j] = key << o.ibits | j;
            j++;
        }
        if (!radix_u64(ctx, &v, &tmp, m, o.ibits, rbits + o.cbits)) goto nomem;
        free(tmp);
        tmp = NULL;
        o.v = v;
    } else {
        wide = hs__malloc(ctx, (m ? m : 1) * sizeof *wide);
        if (!wide) goto nomem;
        for (size_t i = 0, j = 0; i < n; i++) {
            if (Wt[i] == 0) continue;
            wide[j] = (rkey){(uint64_t)(ROW_OF(i) - rmin), (uint64_t)(COL_OF(i) - cmin), j};
            j++;
        }
        qsort(wide, m, sizeof *wide, cmp_rkey);
        o.wide = wide;
    }
#undef ROW_OF
#undef COL_OF
    /* Ranks back to incidents: kept[j] is the j-th incident of nonzero
     * weight (none needed when no weight is 0, the usual case). */
    if (m < n) {
        kept = hs__malloc(ctx, (m ? m : 1) * sizeof *kept);
        if (!kept) goto nomem;
        for (size_t i = 0, j = 0; i < n; i++)
            if (Wt[i] != 0) kept[j++] = i;
    }
    P->x = hs__malloc(ctx, (m ? m : 1) * sizeof *P->x);
    P->y = hs__malloc(ctx, (m ? m : 1) * sizeof *P->y);
    P->w = hs__malloc(ctx, (m ? m : 1) * sizeof *P->w);
    P->row = hs__malloc(ctx, (m ? m : 1) * sizeof *P->row);
    if (!P->x || !P->y || !P->w || !P->row) goto nomem;
    /* The gather is random over the table, so latency-bound: parts of
     * whole cells on each thread, each written from its first rank on (a
     * part never writes more locations than it has incidents), then closed
     * up in order: the same list for any number of parts. */
    group_job G = {&o, kept, X, Y, Wt, x0, ytop, cs, binned, rmin, cmin, m, P, ctx, {0}, {0}, {0}};
    int np = m >= 200000 && ctx && ctx->threads > 1 ? ctx->threads : 1;
    G.start[np] = m;
    for (int k = 1; k < np; k++) {
        size_t j = m / (size_t)np * (size_t)k;
        if (j < G.start[k - 1]) j = G.start[k - 1];
        uint64_t r0, c0, r1, c1;
        size_t rank;
        while (j > 0 && j < m) {
            order_at(&o, j - 1, &r0, &c0, &rank);
            order_at(&o, j, &r1, &c1, &rank);
            if (r0 != r1 || c0 != c1) break;
            j++;
        }
        G.start[k] = j;
    }
    hs__parallel(np, group_part, &G);
    size_t u = 0;
    for (int k = 0; k < np; k++) {
        if (G.failed[k]) goto nomem;
        size_t s0 = G.start[k], nk = G.used[k];
        if (s0 != u) {
            memmove(P->x + u, P->x + s0, nk * sizeof *P->x);
            memmove(P->y + u, P->y + s0, nk * sizeof *P->y);
            memmove(P->w + u, P->w + s0, nk * sizeof *P->w);
            memmove(P->row + u, P->row + s0, nk * sizeof *P->row);
        }
        u += nk;
    }
    P->n = u;
    free(kept);
    free(v);
    free(wide);
    return HS_OK;
nomem:
    free(kept);
    free(v);
    free(tmp);
    free(wide);
    pts_free(P);
    return HS_ENOMEM;
}

/* ---- the grid ------------------------------------------------------------ */

/* floor and ceil for |v| < 2^62 without a library call (the x86-64
 * baseline has no rounding instruction). */
static inline double ffloor(double v) {
    double t = (double)(int64_t)v;
    return t - (t > v);
}
static inline double fceil(double v) {
    double t = (double)(int64_t)v;
    return t + (t < v);
}

/* The hot loops get an AVX2/FMA clone picked at run time where the CPU has
 * it; the result is the same bits either way (no fast-math). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(HS_NO_CLONES)
#define HS_HOT __attribute__((target_clones("avx2", "default")))
#else
#define HS_HOT
#endif

static double nice_floor(double v) {
    double e = pow(10, floor(log10(v)));
    double m = v / e;
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * e;
}

typedef struct band_job {
    /* Bands of rows handed out one at a time (dynamic balance for clustered
     * incidents); each row is computed whole by one thread. */
    _Atomic size_t *next_band;
    size_t band_rows;
    const pts *P;
    const hs_kde_options *o;
    double x_min, y_max, px, h, inv_h2, qmax, reach;
    size_t width, height, r0, r1;
    double *acc;
    uint8_t *touched;
    const double *xc;
    const hs_ctx *ctx; /* for its allocation hook */
    bool failed;
    atomic_int *stop; /* set when the progress callback says stop */
    hs_ctx *poll;     /* the calling thread's job asks the callback between bands */
} band_job;

/* Between bands: whether to stop (the calling thread asks the callback). */
static bool band_stop(band_job *J) {
    if (atomic_load(J->stop)) return true;
    if (J->poll &&
        hs__progress(J->poll, "kde", atomic_load(J->next_band) * J->band_rows, J->height)) {
        atomic_store(J->stop, 1);
        return true;
    }
    return false;
}

/* First sorted incident whose row is >= row. */
static size_t lower_row(const pts *P, int64_t row) {
    size_t lo = 0, hi = P->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (P->row[mid] < row)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void band_direct(band_job *J);

static void *band_run(void *arg) {
    band_job *J = arg;
    while (!band_stop(J)) {
        size_t band = atomic_fetch_add(J->next_band, 1);
        J->r0 = band * J->band_rows;
        J->r1 = J->r0 + J->band_rows < J->height ? J->r0 + J->band_rows : J->height;
        if (J->r0 >= J->height) break;
        band_direct(J);
    }
    return NULL;
}

HS_HOT static void band_direct(band_job *J) {
    const pts *P = J->P;
    int64_t span = (int64_t)ceil(J->reach / J->px) + 1;
    size_t a = lower_row(P, (int64_t)J->r0 - span), b = lower_row(P, (int64_t)J->r1 + span);
    hs_kernel k = J->o->kernel;
    for (size_t i = a; i < b; i++) {
        double x = P->x[i], y = P->y[i], w = P->w[i];
        /* Rows whose centre is within reach: y_max - (r + 0.5) px in
         * [y - reach, y + reach]. */
        double rlo = fceil((J->y_max - (y + J->reach)) / J->px - 0.5);
        double rhi = ffloor((J->y_max - (y - J->reach)) / J->px - 0.5);
        if (rlo < (double)J->r0) rlo = (double)J->r0;
        if (rhi > (double)J->r1 - 1) rhi = (double)J->r1 - 1;
        for (double rr = rlo; rr <= rhi; rr++) {
            size_t r = (size_t)rr;
            double dy = J->y_max - (rr + 0.5) * J->px - y;
            double rem = J->reach * J->reach - dy * dy;
            if (rem < 0) continue;
            double hw = sqrt(rem);
            double clo = fceil((x - hw - J->x_min) / J->px - 0.5) - 1;
            double chi = ffloor((x + hw - J->x_min) / J->px - 0.5) + 1;
            if (clo < 0) clo = 0;
            if (chi > (double)J->width - 1) chi = (double)J->width - 1;
            if (clo > chi) continue;
            size_t c0 = (size_t)clo, c1 = (size_t)chi;
            double *row = J->acc + r * J->width;
            uint8_t *t = J->touched + r * J->width;
            const double *xc = J->xc;
            double qy = dy * dy * J->inv_h2, qmax = J->qmax, ih = J->inv_h2;
            /* One loop per kernel, branch-free, so each vectorises. The
             * column range is widened by one either side; the q <= qmax test
             * decides membership (d <= reach, inclusive, as QGIS). */
            switch (k) {
            case HS_KERNEL_QUARTIC:
                for (size_t c = c0; c <= c1; c++) {
                    double dx = xc[c] - x, q = dx * dx * ih + qy, s = 1 - q;
                    double in = q <= qmax;
                    row[c] += in * w * s * s;
                    t[c] |= (uint8_t)(q <= qmax);
                }
                break;
            case HS_KERNEL_EPANECHNIKOV:
                for (size_t c = c0; c <= c1; c++) {
                    double dx = xc[c] - x, q = dx * dx * ih + qy;
                    double in = q <= qmax;
                    row[c] += in * w * (1 - q);
                    t[c] |= (uint8_t)(q <= qmax);
                }
                break;
            case HS_KERNEL_TRIWEIGHT:
                for (size_t c = c0; c <= c1; c++) {
                    double dx = xc[c] - x, q = dx * dx * ih + qy, s = 1 - q;
                    double in = q <= qmax;
                    row[c] += in * w * s * s * s;
                    t[c] |= (uint8_t)(q <= qmax);
                }
                break;
            case HS_KERNEL_UNIFORM:
                for (size_t c = c0; c <= c1; c++) {
                    double dx = xc[c] - x, q = dx * dx * ih + qy;
                    double in = q <= qmax;
                    row[c] += in * w;
                    t[c] |= (uint8_t)(q <= qmax);
                }
                break;
            case HS_KERNEL_TRIANGULAR:
                for (size_t c = c0; c <= c1; c++) {
                    double dx = xc[c] - x, q = dx * dx * ih + qy;
                    double in = q <= qmax;
                    row[c] += in * w * (1 - sqrt(q));
                    t[c] |= (uint8_t)(q <= qmax);
                }
                break;
            default:
                for (size_t c = c0; c <= c1; c++) {
                    double dx = xc[c] - x, q = dx * dx * ih + qy;
                    if (q <= qmax) {
                        row[c] += w * exp(-q / 2);
                        t[c] = 1;
                    }
                }
                break;
            }
        }
    }
}

/* Polynomial kernels, row by row. Along a row, a point's kernel is a
 * polynomial in the column: with u = (x_c - x) / h and a = 1 - dy^2/h^2,
 * quartic (a - u^2)^2, epanechnikov a - u^2, triweight (a - u^2)^3,
 * uniform 1. Columns are grouped in blocks of B (about 4 bandwidths); in
 * block b, x_c = X_b + j px, so a - u^2 = p0 + p1 j + p2 j^2 with small
 * coefficients. Each point
 * adds its polynomial's coefficients where its interval starts and takes
 * them away after it ends (a difference array per coefficient); one pass of
 * running sums per row then gives every pixel's sum, evaluated by Horner's
 * rule. Per point the work is the rows it reaches, not the pixels: exact,
 * algebraically the same sums, about twenty times fewer operations. An
 * integer difference array counts the points reaching each pixel, so
 * "reached" (data) is exact too. */
enum { POLY_MAX = 8 }; /* 7 coefficients, padded to one 64-byte line */

static int kernel_power(hs_kernel k) {
    return k == HS_KERNEL_QUARTIC        ? 2
           : k == HS_KERNEL_EPANECHNIKOV ? 1
           : k == HS_KERNEL_TRIWEIGHT    ? 3
                                         : 0;
}

/* The columns [c0, c1] whose centres lie within the kernel of an incident
 * at x (qy: its row's part of q), from an estimate inside the raster solved
 * from the circle, checked with the same arithmetic as the direct loop (so
 * "reached" is decided exactly as there). false: none. */
static inline bool exact_columns(const band_job *J, double x, double qy, size_t *c0out,
                                 size_t *c1out) {
    size_t W = J->width, c0 = *c0out, c1 = *c1out;
#define QAT(c) (((J->xc[c] - x) * (J->xc[c] - x)) * J->inv_h2 + qy)
    while (c0 > 0 && QAT(c0 - 1) <= J->qmax)
        c0--;
    while (c0 <= c1 && QAT(c0) > J->qmax)
        c0++;
    while (c1 + 1 < W && QAT(c1 + 1) <= J->qmax)
        c1++;
    while (c1 >= c0 && c1 > 0 && QAT(c1) > J->qmax)
        c1--;
#undef QAT
    *c0out = c0, *c1out = c1;
    return c0 <= c1;
}

/* Adds w (a - u^2)^pw, as a polynomial in the column j with a - u^2 = p0 +
 * p1 j + p2 j^2, to the difference array at add (and takes it off at sub,
 * the end of the run). Straight-line updates per kernel: the difference
 * array is read-modify-written here, the loop's hottest memory. */
static inline void poly_add(int pw, double w, double p0, double p1, double p2, double *add,
                            double *sub) {
    switch (pw) {
    case 0:
        add[0] += w;
        if (sub) sub[0] -= w;
        break;
    case 1: {
        double k0 = w * p0, k1 = w * p1, k2 = w * p2;
        add[0] += k0, add[1] += k1, add[2] += k2;
        if (sub) sub[0] -= k0, sub[1] -= k1, sub[2] -= k2;
        break;
    }
    case 2: {
        double k0 = w * p0 * p0, k1 = w * 2 * p0 * p1, k2 = w * (p1 * p1 + 2 * p0 * p2);
        double k3 = w * 2 * p1 * p2, k4 = w * p2 * p2;
        add[0] += k0, add[1] += k1, add[2] += k2, add[3] += k3, add[4] += k4;
        if (sub) sub[0] -= k0, sub[1] -= k1, sub[2] -= k2, sub[3] -= k3, sub[4] -= k4;
        break;
    }
    default: {
        double k0 = w * p0 * p0 * p0, k1 = w * 3 * p0 * p0 * p1;
        double k2 = w * 3 * p0 * (p1 * p1 + p0 * p2), k3 = w * p1 * (p1 * p1 + 6 * p0 * p2);
        double k4 = w * 3 * p2 * (p1 * p1 + p0 * p2), k5 = w * 3 * p1 * p2 * p2;
        double k6 = w * p2 * p2 * p2;
        add[0] += k0, add[1] += k1, add[2] += k2, add[3] += k3;
        add[4] += k4, add[5] += k5, add[6] += k6;
        if (sub) {
            sub[0] -= k0, sub[1] -= k1, sub[2] -= k2, sub[3] -= k3;
            sub[4] -= k4, sub[5] -= k5, sub[6] -= k6;
        }
        break;
    }
    }
}

/* Row r from its difference arrays: running sums restarted every block,
 * each column's polynomial evaluated by Horner; the arrays left zeroed. */
static inline void poly_row(const band_job *J, size_t r, double *co, int32_t *cnt, int deg,
                            size_t B, size_t phase) {
    size_t W = J->width;
    double *row = J->acc + r * W;
    uint8_t *t = J->touched + r * W;
    double run[POLY_MAX] = {0};
    int32_t reach_n = 0;
    size_t bmask = B - 1; /* B is a power of two: a mask, not a division a pixel */
    for (size_t c = 0; c < W; c++) {
        if (((c + phase) & bmask) == 0) memset(run, 0, sizeof run);
        double *cc = co + c * POLY_MAX;
        for (int e = 0; e <= deg; e++) {
            run[e] += cc[e];
            cc[e] = 0;
        }
        reach_n += cnt[c];
        cnt[c] = 0;
        double j = (double)((c + phase) & bmask), v = run[deg];
        for (int e = deg - 1; e >= 0; e--)
            v = v * j + run[e];
        /* max(0, v) as fmax gives it (NaN and -0 to +0), without the call */
        row[c] = reach_n > 0 && v > 0 ? v : 0;
        t[c] = reach_n > 0;
    }
    memset(co + W * POLY_MAX, 0, POLY_MAX * sizeof *co);
    cnt[W] = 0;
}

enum { RUN_CHUNK = 256 };
typedef struct col_run {
    uint32_t i, c0, c1;
    double qy;
} col_run;

HS_HOT static void *band_run_poly(void *arg) {
    band_job *J = arg;
    const pts *P = J->P;
    size_t W = J->width;
    int pw = kernel_power(J->o->kernel), deg = 2 * pw;
    size_t cobytes = (W + 1) * POLY_MAX * sizeof(double);
    double *co = hs__aligned_alloc(J->ctx, 64, cobytes);
    if (co) memset(co, 0, cobytes);
    int32_t *cnt = hs__calloc(J->ctx, W + 1, sizeof *cnt);
    if (!co || !cnt) {
        free(co);
        free(cnt);
        J->failed = true;
        return NULL;
    }
    col_run runs[RUN_CHUNK];
    double est_lo[RUN_CHUNK], est_hi[RUN_CHUNK], est_qy[RUN_CHUNK], Wm1 = (double)W - 1;
    int64_t span = (int64_t)ceil(J->reach / J->px) + 1;
    double px = J->px, g = px / J->h, ipx = 1 / px, ih = 1 / J->h;
    /* Blocks 4 to 8 bandwidths wide, a power of two of columns: |u| stays
     * below ~9 in a block, so the expanded powers (up to u^6) lose under
     * 1e-10 to cancellation, far below the float raster's 6e-8. Blocks start at multiples of B
     * columns of the whole plane (column 0 at x = 0), not of this raster: a tile of a larger
     * surface whose left edge is on a multiple of 512 pixels adds the same terms in the same order,
     * so it gets the same bytes (hotspot.dask relies on it; pixel centres must be exact in binary,
     * as metre pixels on metre coordinates are). */
    size_t B = 8;
    while (B < 512 && (double)B < 4 / g)
        B *= 2;
    int64_t col0 = (int64_t)llround(J->x_min / px); /* the plane's column of our column 0 */
    size_t phase = (size_t)(((col0 % (int64_t)B) + (int64_t)B) % (int64_t)B);
    while (!band_stop(J)) {
        size_t band = atomic_fetch_add(J->next_band, 1);
        size_t r0 = band * J->band_rows,
               r1 = r0 + J->band_rows < J->height ? r0 + J->band_rows : J->height;
        if (r0 >= J->height) break;
        for (size_t r = r0; r < r1; r++) {
            double yc = J->y_max - ((double)r + 0.5) * px;
            size_t a = lower_row(P, (int64_t)r - span), b = lower_row(P, (int64_t)r + span + 1);
            bool any = false;
            /* Two passes over chunks of points: first every point's column
             * run (independent work the core overlaps: the square root and
             * the exact membership checks), then the scattered additions. */
            for (size_t i0 = a; i0 < b; i0 += RUN_CHUNK) {
                size_t i1 = i0 + RUN_CHUNK < b ? i0 + RUN_CHUNK : b, m = 0;
                /* The column estimate from the circle, branch-free so it
                 * vectorises; then exact membership as the direct loop. */
                size_t n = i1 - i0;
                const double *Y = P->y + i0, *X = P->x + i0;
                for (size_t k = 0; k < n; k++) {
                    double dy = yc - Y[k], hw2 = J->reach * J->reach - dy * dy;
                    double hw = sqrt(hw2 > 0 ? hw2 : 0);
                    /* Clamped to [-1, W] first, so 32-bit conversions
                     * (which vectorise) floor and ceil. */
                    double lo = (X[k] - hw - J->x_min) * ipx - 0.5,
                           hi = (X[k] + hw - J->x_min) * ipx - 0.5;
                    lo = lo < -1 ? -1 : lo > Wm1 + 1 ? Wm1 + 1 : lo;
                    hi = hi < -1 ? -1 : hi > Wm1 + 1 ? Wm1 + 1 : hi;
                    double tl = (double)(int32_t)lo, th = (double)(int32_t)hi;
                    lo = tl + (tl < lo);
                    hi = th - (th > hi);
                    est_lo[k] = lo > 0 ? lo : 0;
                    est_hi[k] = hi < Wm1 ? hi : Wm1;
                    est_qy[k] = dy * dy * J->inv_h2;
                }
                for (size_t k = 0; k < n; k++) {
                    double qy = est_qy[k], x = X[k];
                    if (qy > J->qmax || est_lo[k] > est_hi[k]) continue;
                    size_t c0 = (size_t)est_lo[k], c1 = (size_t)est_hi[k];
                    if (!exact_columns(J, x, qy, &c0, &c1)) continue;
                    runs[m++] = (col_run){(uint32_t)k, (uint32_t)c0, (uint32_t)c1, qy};
                }
                any |= m > 0;
                for (size_t k = 0; k < m; k++) {
                    size_t i = i0 + runs[k].i, c0 = runs[k].c0, c1 = runs[k].c1;
                    double x = P->x[i], w = P->w[i], qy = runs[k].qy;
                    cnt[c0]++;
                    cnt[c1 + 1]--;
                    for (size_t s0 = c0; s0 <= c1;) {
                        /* bstart: the block's first column, before ours for
                         * the first block when the raster starts mid-block. */
                        int64_t bstart = (int64_t)s0 - (int64_t)((s0 + phase) & (B - 1));
                        size_t bend = bstart + (int64_t)B - 1 < (int64_t)c1
                                          ? (size_t)(bstart + (int64_t)B - 1)
                                          : c1;
                        double xb = J->x_min + ((double)bstart + 0.5) * px;
                        double sx = (xb - x) * ih; /* u = sx + g j */
                        double *sub = (int64_t)bend + 1 < bstart + (int64_t)B && bend + 1 < W
                                          ? co + (bend + 1) * POLY_MAX
                                          : NULL;
                        poly_add(pw, w, 1 - qy - sx * sx, -2 * sx * g, -g * g, co + s0 * POLY_MAX,
                                 sub);
                        s0 = bend + 1;
                    }
                }
            }
            if (any) poly_row(J, r, co, cnt, deg, B, phase);
        }
    }
    free(co);
    free(cnt);
    return NULL;
}

/* Extent and pixel size from the options (see hs_kde_options). */
static hs_status lay_grid(hs_ctx *ctx, const hs_incidents *inc, const hs_kde_options *o,
                          double reach, hs_raster *R) {
    double box[4];
    bool have = false;
    if (o->has_extent) {
        memcpy(box, o->extent, sizeof box);
        have = box[2] > box[0] && box[3] > box[1];
        if (!have)
            return hs__error(ctx, HS_EINVAL, "extent must have x_max > x_min and y_max > y_min");
    } else {
        for (size_t i = 0; i < inc->col.n; i++) {
            double x = inc->col.x[i], y = inc->col.y[i];
            if (!have) box[0] = box[2] = x, box[1] = box[3] = y, have = true;
            /* Comparisons, not fmin/fmax (library calls in this loop):
             * coordinates are never NaN. */
            box[0] = x < box[0] ? x : box[0], box[1] = y < box[1] ? y : box[1];
            box[2] = x > box[2] ? x : box[2], box[3] = y > box[3] ? y : box[3];
        }
        if (!have) return hs__error(ctx, HS_ENODATA, "no incidents: nothing to estimate");
        box[0] -= reach, box[1] -= reach, box[2] += reach, box[3] += reach;
    }
    double px = o->pixel_size_m;
    if (px <= 0) px = nice_floor(fmin(box[2] - box[0], box[3] - box[1]) / 250);
    if (!(px > 0) || !isfinite(px)) return hs__error(ctx, HS_EINVAL, "pixel size must be > 0 m");
    R->px = px;
    double w, h;
    if (o->grid == HS_KDE_GRID_QGIS || o->grid == HS_KDE_GRID_EXACT) {
        /* QGIS: cols = ceil(width / px) + 1 from the top-left corner. */
        double extra = o->grid == HS_KDE_GRID_QGIS ? 1 : 0;
        R->x_min = box[0];
        R->y_max = box[3];
        w = fmax(1, ceil((box[2] - box[0]) / px - 1e-9) + extra);
        h = fmax(1, ceil((box[3] - box[1]) / px - 1e-9) + extra);
    } else {
        R->x_min = floor(box[0] / px) * px;
        R->y_max = ceil(box[3] / px) * px;
        w = ceil((box[2] - R->x_min) / px);
        h = ceil((R->y_max - box[1]) / px);
        if (w < 1) w = 1;
        if (h < 1) h = 1;
    }
    /* Bytes a pixel at the peak: the double sum, a touched flag and the
     * float raster (13); a mask adds its centres and answers while they are
     * located (x, y, unit, flag: 21); edge correction its shares and the
     * summed-area table (8). */
    double pixels = w * h, bpp = 13 + (o->mask ? 21 : 0) + (o->edge_correction ? 8 : 0);
    if (!(pixels * bpp <= HS__MAX_WORK_GB * 1e9))
        return hs__error(ctx, HS_ERANGE,
                         "a %.0f x %.0f grid of %g m pixels would need %.1f GB: choose a larger "
                         "--pixel-size or a smaller extent",
                         w, h, px, pixels * bpp / 1e9);
    R->width = (size_t)w;
    R->height = (size_t)h;
    return HS_OK;
}

/* Marks pixels whose centre is in the mask; returns malloc'd flags. */
static uint8_t *mask_flags(hs_ctx *ctx, const hs_raster *R, const hs_units *mask, hs_status *st) {
    size_t n = R->width * R->height;
    double *x = hs__malloc(ctx, n * sizeof *x), *y = hs__malloc(ctx, n * sizeof *y);
    uint32_t *of = hs__malloc(ctx, n * sizeof *of);
    uint8_t *m = hs__malloc(ctx, n);
    if (!x || !y || !of || !m) {
        *st = hs__error(ctx, HS_ENOMEM, "out of memory for the mask");
        free(m);
        m = NULL;
        goto done;
    }
    for (size_t r = 0, i = 0; r < R->height; r++)
        for (size_t c = 0; c < R->width; c++, i++) {
            x[i] = R->x_min + ((double)c + 0.5) * R->px;
            y[i] = R->y_max - ((double)r + 0.5) * R->px;
        }
    *st = hs__units_locate_xy(ctx, mask, x, y, n, of);
    if (*st) {
        free(m);
        m = NULL;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        m[i] = of[i] != HS_NO_UNIT;
done:
    free(x);
    free(y);
    free(of);
    return m;
}

/* A pixel cut by the study area's boundary: the share of its area inside
 * and the centroid of that part (offset from the pixel's centre). */
typedef struct cut {
    size_t i;
    float frac, dx, dy;
} cut;

static int cmp_cut(const void *a, const void *b) {
    size_t x = ((const cut *)a)->i, y = ((const cut *)b)->i;
    return (x > y) - (x < y);
}

/* Share of each pixel's area inside the mask: 1 or 0 from its centre,
 * except along the boundary (a 4-neighbour on the other side), where GEOS
 * intersects the pixel with the polygons; those pixels are also listed in
 * *cuts with the centroid of their inside part. */
static float *mask_fractions(hs_ctx *ctx, const hs_raster *R, const hs_units *mask,
                             const uint8_t *in, cut **cuts, size_t *ncuts, hs_status *st) {
    size_t W = R->width, H = R->height, cap = 0;
    float *f = hs__malloc(ctx, W * H * sizeof *f);
    uint8_t *edge = hs__calloc(ctx, W * H > 0 ? W * H : 1, 1);
    double *ubox = hs__malloc(ctx, (mask->n ? mask->n : 1) * 4 * sizeof *ubox);
    size_t piececap = mask->n + 8192;
    hs__geom **piece = hs__calloc(ctx, piececap, sizeof *piece);
    *cuts = NULL;
    *ncuts = 0;
    *st = HS_OK;
    if (!f || !edge || !ubox || !piece) {
        *st = hs__error(ctx, HS_ENOMEM, "out of memory for the edge correction");
        goto fail;
    }
    for (size_t r = 0; r < H; r++)
        for (size_t c = 0; c < W; c++) {
            size_t i = r * W + c;
            /* Beyond the grid counts as outside. */
            edge[i] =
                (c > 0 ? in[i - 1] != in[i] : in[i]) || (c + 1 < W ? in[i + 1] != in[i] : in[i]) ||
                (r > 0 ? in[i - W] != in[i] : in[i]) || (r + 1 < H ? in[i + W] != in[i] : in[i]);
            f[i] = in[i];
        }
    for (size_t k = 0; k < mask->n; k++)
        if (!mask->g[k] || !hs__geom_bounds(mask->geos, mask->g[k], ubox + 4 * k))
            ubox[4 * k] = INFINITY; /* no geometry: never overlaps */
    /* Edge pixels in blocks of 32 x 32: the mask is first clipped to the
     * block (linear in its vertices), so each pixel meets a small piece
     * rather than a boundary of a million vertices (77 s before). */
    enum { B = 32 };
    for (size_t br = 0; br < H; br += B) {
        if ((*st = hs__progress(ctx, "edge correction", br, 2 * H))) goto fail;
        for (size_t bc = 0; bc < W; bc += B) {
            size_t r1 = br + B < H ? br + B : H, c1 = bc + B < W ? bc + B : W;
            bool any = false;
            for (size_t r = br; r < r1 && !any; r++)
                any = memchr(edge + r * W + bc, 1, c1 - bc) != NULL;
            if (!any) continue;
            double e = R->px * 1e-6;
            double bb[4] = {R->x_min + (double)bc * R->px - e, R->y_max - (double)r1 * R->px - e,
                            R->x_min + (double)c1 * R->px + e, R->y_max - (double)br * R->px + e};
            /* Each clipped piece split into its polygons, so the locator's
             * tree hands a pixel only the parts near it (a mask of 10,000
             * small parts). */
            size_t np = 0;
            for (size_t k = 0; k < mask->n && !*st; k++) {
                const double *u = ubox + 4 * k;
                if (u[0] > bb[2] || u[2] < bb[0] || u[1] > bb[3] || u[3] < bb[1]) continue;
                hs__geom *p = hs__geom_clip_rect(mask->geos, mask->g[k], bb);
                if (!p) continue;
                size_t room = piececap - np;
                if (room < 4096) {
                    hs__geom **grown = hs__realloc(ctx, piece, (piececap + 8192) * sizeof *piece);
                    if (!grown) {
                        hs__geom_free(mask->geos, p);
                        *st = hs__error(ctx, HS_ENOMEM, "out of memory for the edge correction");
                        break;
                    }
                    piece = grown;
                    piececap += 8192;
                    room = piececap - np;
                }
                np += hs__geom_explode(mask->geos, p, piece + np, room);
            }
            hs__locator *L = np && !*st ? hs__locator_create(mask->geos, piece, np) : NULL;
            if (np && !L && !*st)
                *st = hs__error(ctx, HS_ENOMEM, "out of memory for the edge correction");
            for (size_t r = br; r < r1 && L && !*st; r++)
                for (size_t c = bc; c < c1 && !*st; c++) {
                    size_t i = r * W + c;
                    if (!edge[i]) continue;
                    double b[4] = {R->x_min + (double)c * R->px, R->y_max - (double)(r + 1) * R->px,
                                   R->x_min + (double)(c + 1) * R->px,
                                   R->y_max - (double)r * R->px};
                    double cx, cy;
                    f[i] = (float)(hs__locator_box_area(L, b, &cx, &cy) / (R->px * R->px));
                    if (!(f[i] > 0 && f[i] < 1)) continue;
                    if (!hs__grow(ctx, (void **)cuts, &cap, *ncuts + 1, sizeof **cuts)) {
                        *st = hs__error(ctx, HS_ENOMEM, "out of memory for the edge correction");
                        break;
                    }
                    (*cuts)[(*ncuts)++] = (cut){i, f[i], (float)(cx - 0.5 * (b[0] + b[2])),
                                                (float)(cy - 0.5 * (b[1] + b[3]))};
                }
            if (!L) /* no piece: every edge pixel of the block is outside */
                for (size_t r = br; r < r1; r++)
                    for (size_t c = bc; c < c1; c++)
                        if (edge[r * W + c]) f[r * W + c] = 0;
            hs__locator_destroy(L);
            for (size_t k = 0; k < np; k++)
                hs__geom_free(mask->geos, piece[k]);
            if (*st) goto fail;
        }
    }
    /* Blocks are visited row band by row band, so the cuts are not in pixel
     * order: edge_correct looks them up by pixel. */
    qsort(*cuts, *ncuts, sizeof **cuts, cmp_cut);
    free(edge);
    free(ubox);
    free(piece);
    return f;
fail:
    free(f);
    free(edge);
    free(ubox);
    free(piece);
    free(*cuts);
    *cuts = NULL;
    *ncuts = 0;
    return NULL;
}

/* spatstat's uniform edge correction on the pixel grid: each pixel is
 * divided by the share of its kernel's mass that lies in the area. The
 * kernel is integrated over the pixels by the midpoint rule; a pixel cut by
 * the boundary counts with its share of area inside, its kernel taken at
 * the centroid of that part (second order, as the rule elsewhere). Pixels
 * whose whole window lies inside (found with a summed-area table) keep
 * their value. */
static hs_status edge_correct(hs_ctx *ctx, hs_raster *R, double *acc, const uint8_t *in,
                              const float *frac, const cut *cuts, size_t ncuts, hs_kernel k,
                              double h, double qmax, double reach) {
    size_t W = R->width, H = R->height;
    int64_t s = (int64_t)floor(reach / R->px);
    /* sat[(r)(W+1) + c]: pixels not wholly inside in rows < r, cols < c. */
    uint32_t *sat = hs__calloc(ctx, (W + 1) * (H + 1), sizeof *sat);
    double *kw = hs__malloc(ctx, (size_t)(2 * s + 1) * (size_t)(2 * s + 1) * sizeof *kw);
    if (!sat || !kw) {
        free(sat);
        free(kw);
        return hs__error(ctx, HS_ENOMEM, "out of memory for the edge correction");
    }
    for (size_t r = 0; r < H; r++)
        for (size_t c = 0; c < W; c++)
            sat[(r + 1) * (W + 1) + c + 1] = sat[r * (W + 1) + c + 1] + sat[(r + 1) * (W + 1) + c] -
                                             sat[r * (W + 1) + c] + (frac[r * W + c] < 1);
    double total = 0;
    for (int64_t dr = -s; dr <= s; dr++)
        for (int64_t dc = -s; dc <= s; dc++) {
            double q = ((double)(dr * dr + dc * dc)) * R->px * R->px / (h * h);
            double v = hs__kernel_raw(k, q, qmax);
            kw[(dr + s) * (2 * s + 1) + dc + s] = v;
            total += v;
        }
    hs_status st = HS_OK;
    for (int64_t r = 0; r < (int64_t)H && !st; r++) {
        st = hs__progress(ctx, "edge correction", H + (uint64_t)r, 2 * H);
        for (int64_t c = 0; c < (int64_t)W && !st; c++) {
            size_t i = (size_t)r * W + (size_t)c;
            if (!in[i] || acc[i] == 0) continue;
            int64_t r0 = r - s, r1 = r + s + 1, c0 = c - s, c1 = c + s + 1;
            bool clipped = r0 < 0 || c0 < 0 || r1 > (int64_t)H || c1 > (int64_t)W;
            if (!clipped) {
                uint32_t out = sat[r1 * (int64_t)(W + 1) + c1] - sat[r0 * (int64_t)(W + 1) + c1] -
                               sat[r1 * (int64_t)(W + 1) + c0] + sat[r0 * (int64_t)(W + 1) + c0];
                if (out == 0) continue;
            }
            double inside = 0;
            for (int64_t dr = -s; dr <= s; dr++) {
                int64_t rr = r + dr;
                if (rr < 0 || rr >= (int64_t)H) continue;
                const float *fr = frac + (size_t)rr * W;
                const double *kr = kw + (dr + s) * (2 * s + 1) + s;
                int64_t a = c - s < 0 ? -c : -s, b = c + s >= (int64_t)W ? (int64_t)W - 1 - c : s;
                for (int64_t dc = a; dc <= b; dc++)
                    inside += kr[dc] * fr[c + dc];
            }
            /* Cut pixels in the window: move their kernel weight from the
             * pixel's centre to the centroid of the part inside. */
            /* cuts are in pixel order: per row of the window, the ones in
             * its columns are one run, found by binary search. */
            for (int64_t cr = r - s < 0 ? 0 : r - s; cr <= r + s && cr < (int64_t)H; cr++) {
                size_t lo_i = (size_t)cr * W + (size_t)(c - s < 0 ? 0 : c - s);
                size_t hi_i =
                    (size_t)cr * W + (size_t)(c + s >= (int64_t)W ? (int64_t)W - 1 : c + s);
                size_t lo = 0, hi = ncuts;
                while (lo < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (cuts[mid].i < lo_i)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                for (size_t j = lo; j < ncuts && cuts[j].i <= hi_i; j++) {
                    int64_t cc = (int64_t)(cuts[j].i % W);
                    double dx = (double)(cc - c) * R->px + cuts[j].dx;
                    double dy = (double)(r - cr) * R->px + cuts[j].dy;
                    double kc = hs__kernel_raw(k, (dx * dx + dy * dy) / (h * h), qmax);
                    inside += cuts[j].frac * (kc - kw[(cr - r + s) * (2 * s + 1) + (cc - c + s)]);
                }
            }
            if (inside > 0) acc[i] *= total / inside;
        }
    }
    free(sat);
    free(kw);
    return st;
}

static double resolve_bandwidth(hs_ctx *ctx, const hs_incidents *inc, const hs_kde_options *o,
                                hs_bandwidth_rule *rule, hs_status *st) {
    double h = o->bandwidth_m;
    *rule = HS_BW_GIVEN;
    *st = HS_OK;
    if (!(h > 0)) {
        *rule = o->rule == HS_BW_GIVEN ? HS_BW_RULE_OF_THUMB : o->rule;
        double box[4];
        if (*rule == HS_BW_AREA && (o->has_extent || o->mask)) {
            if (o->has_extent)
                memcpy(box, o->extent, sizeof box);
            else if ((*st = hs_units_bounds(ctx, o->mask, box)))
                return 0;
            h = hs__bandwidth_area(box);
        } else {
            *st = hs_kde_bandwidth(ctx, inc, *rule, o->kernel, &h);
        }
        if (*st) return 0;
    }
    double adj = o->bandwidth_adjust > 0 ? o->bandwidth_adjust : 1;
    return h * adj;
}

/* The bandwidth (given or by rule), checked. */
static hs_status kde_bandwidth(hs_ctx *ctx, const hs_incidents *inc, const hs_kde_options *o,
                               double *h, hs_bandwidth_rule *rule) {
    if ((unsigned)o->kernel >= HS_KERNEL_COUNT_)
        return hs__error(ctx, HS_EINVAL, "unknown kernel %d", (int)o->kernel);
    if (o->edge_correction && !o->mask)
        return hs__error(ctx, HS_EINVAL, "edge correction needs a study area (--mask)");
    hs_status st;
    *h = resolve_bandwidth(ctx, inc, o, rule, &st);
    if (st) return st;
    if (!(*h > 0) || !isfinite(*h))
        return hs__error(ctx, HS_EINVAL, "bandwidth must be a positive number of metres");
    /* Beyond 1,000 km (the length of Great Britain) a kernel's values
     * underflow to nothing at every pixel: refuse rather than write an
     * all-nodata surface. */
    if (*h > HS__MAX_BANDWIDTH_M)
        return hs__error(ctx, HS_EINVAL,
                         "bandwidth %.6g m is larger than 1000 km: give a bandwidth in metres "
                         "(e.g. --bandwidth 300)",
                         *h);
    return HS_OK;
}

/* Sums every kernel into acc in bands of rows, one band a thread when the
 * work is large (results do not depend on the thread count: each pixel is
 * summed by one thread, in incident order). */
/* The threads' band jobs and the loop they run (one part a thread). */
typedef struct bands {
    band_job *J;
    void *(*fn)(void *);
} bands;

static void bands_part(void *arg, int k, int np) {
    (void)np;
    bands *B = arg;
    B->fn(&B->J[k]);
}

static hs_status sum_bands(hs_ctx *ctx, const hs_kde_options *o, const hs_raster *R, const pts *P,
                           double h, double qmax, double reach, double *acc, uint8_t *touched,
                           const double *xc) {
    size_t W = R->width, Hh = R->height;
    int nt = P->n * (size_t)(reach / R->px + 1) > 200000 ? ctx->threads : 1;
    if ((size_t)nt > Hh) nt = (int)Hh;
    _Atomic size_t next_band = 0;
    atomic_int stop = 0;
    size_t band_rows = Hh / (size_t)(nt * 16) > 4 ? Hh / (size_t)(nt * 16) : 4;
    band_job J[HS__MAX_THREADS];
    for (int t = 0; t < nt; t++) {
        J[t] = (band_job){&next_band, band_rows,   P,       o,     R->x_min, R->y_max, R->px,
                          h,          1 / (h * h), qmax,    reach, W,        Hh,       0,
                          0,          acc,         touched, xc,    ctx,      false};
        J[t].stop = &stop;
        J[t].poll = t == 0 ? ctx : NULL;
    }
    /* Polynomial kernels row by row when a kernel spans a few pixels; the
     * direct loop otherwise (gaussian, triangular, tiny kernels). */
    bands B = {J, o->kernel <= HS_KERNEL_UNIFORM && reach / R->px >= 3 ? band_run_poly : band_run};
    hs__parallel(nt, bands_part, &B);
    bool failed = false;
    for (int t = 0; t < nt; t++)
        failed = failed || J[t].failed;
    if (failed) return hs__error(ctx, HS_ENOMEM, "out of memory");
    if (atomic_load(&stop)) return hs__error(ctx, HS_ECANCELED, "interrupted");
    return hs__progress(ctx, "kde", W * Hh, W * Hh);
}

/* The sums to Float32 in the raster's units, nodata where no kernel
 * reached or outside the mask: part k of np takes the k-th share. */
typedef struct to_float_job {
    hs_raster *R;
    const double *acc;
    const uint8_t *touched, *in;
    double scale;
    size_t n;
} to_float_job;

static void to_float_part(void *arg, int k, int np) {
    const to_float_job *F = arg;
    size_t i0 = F->n / (size_t)np * (size_t)k,
           i1 = k + 1 == np ? F->n : F->n / (size_t)np * (size_t)(k + 1);
    float *v = F->R->v, nodata = F->R->nodata;
    for (size_t i = i0; i < i1; i++)
        v[i] = F->touched[i] && (!F->in || F->in[i]) ? (float)(F->acc[i] * F->scale) : nodata;
}

/* Outside the mask: nodata; with edge correction, each pixel divided by
 * its kernel's mass inside the area. Then the units' scale. */
static hs_status kde_finish(hs_ctx *ctx, const hs_kde_options *o, hs_raster *R, double *acc,
                            const uint8_t *touched, double h, double qmax, double reach,
                            double rf) {
    hs_status st = HS_OK;
    uint8_t *in = NULL;
    size_t N = R->width * R->height;
    if (o->mask && !(in = mask_flags(ctx, R, o->mask, &st))) return st;
    if (o->mask && o->edge_correction) {
        cut *cuts = NULL;
        size_t ncuts = 0;
        float *frac = mask_fractions(ctx, R, o->mask, in, &cuts, &ncuts, &st);
        if (frac) st = edge_correct(ctx, R, acc, in, frac, cuts, ncuts, o->kernel, h, qmax, reach);
        free(frac);
        free(cuts);
    }
    double scale = o->units == HS_KDE_RAW       ? 1
                   : o->units == HS_KDE_DENSITY ? hs__kernel_norm(o->kernel, h, rf) * 1e6
                                                : hs__kernel_norm(o->kernel, h, rf) * R->px * R->px;
    if (!st) {
        /* A pass over 13 bytes a pixel (hundreds of MB at county scale):
         * shared out, each pixel computed alone. */
        to_float_job F = {R, acc, touched, in, scale, N};
        hs__parallel(N >= (1u << 20) ? ctx->threads : 1, to_float_part, &F);
    }
    free(in);
    return st;
}

hs_status hs_kde_compute(hs_ctx *ctx, const hs_incidents *inc, const hs_kde_options *opts,
                         hs_raster **out) {
    if (!ctx || !inc || !out) return HS_EINVAL;
    *out = NULL;
    hs_kde_options o;
    if (opts)
        o = *opts;
    else
        hs_kde_options_init(&o);
    double h = 0;
    hs_bandwidth_rule rule = HS_BW_GIVEN;
    hs_status st = kde_bandwidth(ctx, inc, &o, &h, &rule);
    if (st) return st;
    double rf = reach_factor(&o), reach = h * rf, qmax = rf * rf;
    if (o.mask && !o.has_extent) {
        /* The grid covers the study area. */
        if ((st = hs_units_bounds(ctx, o.mask, o.extent))) return st;
        o.has_extent = 1;
    }
    hs_raster *R = hs__calloc(ctx, 1, sizeof *R);
    if (!R) return hs__error(ctx, HS_ENOMEM, "out of memory");
    *R = (hs_raster){.crs = hs__strdup(ctx, inc->crs),
                     .kernel = o.kernel,
                     .bandwidth = h,
                     .rule = rule,
                     .units = o.units,
                     .binned = o.binned != 0,
                     .edge = o.edge_correction && o.mask,
                     .nodata = -9999.0f};
    st = R->crs ? lay_grid(ctx, inc, &o, reach, R) : hs__error(ctx, HS_ENOMEM, "out of memory");
    size_t W = R->width, Hh = R->height, N = W * Hh;
    double *acc = st ? NULL : hs__calloc(ctx, N, sizeof *acc);
    uint8_t *touched = st ? NULL : hs__calloc(ctx, N, 1);
    double *xc = st ? NULL : hs__malloc(ctx, W * sizeof *xc);
    if (!st) R->v = hs__malloc(ctx, N * sizeof *R->v);
    pts P;
    memset(&P, 0, sizeof P);
    if (!st && (!acc || !touched || !xc || !R->v ||
                prepare(ctx, inc, R->x_min, R->y_max, R->px, o.binned != 0, &P) != HS_OK))
        st = hs__error(ctx, HS_ENOMEM, "out of memory for a %zu x %zu grid", W, Hh);
    for (size_t c = 0; !st && c < W; c++)
        xc[c] = R->x_min + ((double)c + 0.5) * R->px;
    for (size_t i = 0; !st && i < inc->col.n; i++)
        R->incidents += inc->col.w[i] != 0;
    if (!st) st = sum_bands(ctx, &o, R, &P, h, qmax, reach, acc, touched, xc);
    if (!st) st = kde_finish(ctx, &o, R, acc, touched, h, qmax, reach, rf);
    free(acc);
    free(touched);
    free(xc);
    pts_free(&P);
    if (st) {
        hs_raster_destroy(R);
        return st;
    }
    *out = R;
    return HS_OK;
}

hs_status hs_kde_at(hs_ctx *ctx, const hs_incidents *inc, const hs_kde_options *opts,
                    const double *x, const double *y, size_t n, double *values) {
    if (!ctx || !inc || !opts || (n && (!x || !y || !values))) return HS_EINVAL;
    hs_kde_options o = *opts;
    if ((unsigned)o.kernel >= HS_KERNEL_COUNT_ || !(o.bandwidth_m > 0) ||
        !(o.bandwidth_m <= HS__MAX_BANDWIDTH_M))
        return hs__error(ctx, HS_EINVAL,
                         "hs_kde_at needs a kernel and a bandwidth from 0 to 1000 km");
    if (o.units == HS_KDE_COUNT)
        return hs__error(ctx, HS_EINVAL, "incidents per pixel need pixels: use raw or density");
    double h = o.bandwidth_m * (o.bandwidth_adjust > 0 ? o.bandwidth_adjust : 1);
    double rf = reach_factor(&o), reach = h * rf, qmax = rf * rf;
    /* Incidents bucketed on cells of the reach: each location looks at the
     * 3 x 3 cells around it. */
    pts P;
    if (prepare(ctx, inc, 0, 0, reach, false, &P))
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    int64_t *col = hs__malloc(ctx, (P.n ? P.n : 1) * sizeof *col);
    if (!col) {
        pts_free(&P);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < P.n; i++)
        col[i] = (int64_t)floor(P.x[i] / reach);
    double scale = o.units == HS_KDE_RAW ? 1 : hs__kernel_norm(o.kernel, h, rf) * 1e6;
    for (size_t j = 0; j < n; j++) {
        int64_t r = (int64_t)floor((0 - y[j]) / reach), c = (int64_t)floor(x[j] / reach);
        double sum = 0;
        for (int64_t rr = r - 1; rr <= r + 1; rr++) {
            size_t a = lower_row(&P, rr), b = lower_row(&P, rr + 1);
            for (size_t i = a; i < b; i++) {
                if (col[i] < c - 1 || col[i] > c + 1) continue;
                double dx = P.x[i] - x[j], dy = P.y[i] - y[j];
                sum += P.w[i] * hs__kernel_raw(o.kernel, (dx * dx + dy * dy) / (h * h), qmax);
            }
        }
        values[j] = sum * scale;
    }
    free(col);
    pts_free(&P);
    return HS_OK;
}
