/* geom.c — everything that touches GEOS (the only file including geos_c.h),
 * always through the re-entrant _r API on an explicit handle.
 *
 * Polygons from shapefile rings follow the ESRI rule: clockwise rings are
 * outer rings, counter-clockwise rings are holes of the smallest outer ring
 * holding them. Invalid results (self-intersections, crossing rings) are
 * repaired with GEOSMakeValid and only their polygonal part kept.
 *
 * Point location (hs__locator) uses an STRtree over the polygons' envelopes
 * and prepared geometries. Rule for a point: it belongs to the first
 * polygon (in the order given) whose interior holds it; failing that, to the
 * first polygon whose boundary holds it; failing that, to none. */
#include "geo.h"

#include <geos_c.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void geos_message(const char *msg, void *userdata) {
    char *buf = userdata;
    if (buf) snprintf(buf, 256, "%s", msg);
}

typedef struct handle {
    GEOSContextHandle_t h;
    char msg[256];
} handle;

void *hs__geos_new(void) {
    handle *hd = hs__calloc(NULL, 1, sizeof *hd);
    if (!hd) return NULL;
    hd->h = GEOS_init_r();
    if (!hd->h) {
        free(hd);
        return NULL;
    }
    GEOSContext_setErrorMessageHandler_r(hd->h, geos_message, hd->msg);
    GEOSContext_setNoticeMessageHandler_r(hd->h, NULL, NULL);
    return hd;
}

void hs__geos_free(void *geos) {
    handle *hd = geos;
    if (!hd) return;
    GEOS_finish_r(hd->h);
    free(hd);
}

#define H(g) (((handle *)(g))->h)

void hs__geom_free(void *geos, hs__geom *g) {
    if (g) GEOSGeom_destroy_r(H(geos), (GEOSGeometry *)g);
}

bool hs__geom_centroid(void *geos, const hs__geom *g, double *x, double *y) {
    if (!g) return false;
    GEOSGeometry *c = GEOSGetCentroid_r(H(geos), (const GEOSGeometry *)g);
    bool ok = c && GEOSGeomGetX_r(H(geos), c, x) && GEOSGeomGetY_r(H(geos), c, y);
    if (c) GEOSGeom_destroy_r(H(geos), c);
    return ok;
}

hs__geom *hs__geom_clone(void *geos, const hs__geom *g) {
    return g ? (hs__geom *)GEOSGeom_clone_r(H(geos), (const GEOSGeometry *)g) : NULL;
}

double hs__geom_area(void *geos, const hs__geom *g) {
    double a = 0;
    if (g) GEOSArea_r(H(geos), (const GEOSGeometry *)g, &a);
    return a;
}

bool hs__geom_bounds(void *geos, const hs__geom *g, double box[4]) {
    if (!g || GEOSisEmpty_r(H(geos), (const GEOSGeometry *)g)) return false;
    GEOSGeom_getXMin_r(H(geos), (const GEOSGeometry *)g, &box[0]);
    GEOSGeom_getYMin_r(H(geos), (const GEOSGeometry *)g, &box[1]);
    GEOSGeom_getXMax_r(H(geos), (const GEOSGeometry *)g, &box[2]);
    GEOSGeom_getYMax_r(H(geos), (const GEOSGeometry *)g, &box[3]);
    return true;
}

/* Twice the signed area (shoelace): > 0 counter-clockwise. */
static double ring_area2(const double *x, const double *y, size_t n) {
    double a = 0;
    for (size_t i = 0; i + 1 < n; i++)
        a += x[i] * y[i + 1] - x[i + 1] * y[i];
    return a;
}

/* Even-odd test of a point against one ring (only used to match holes to
 * their outer rings). */
static bool ring_holds(const double *x, const double *y, size_t n, double px, double py) {
    bool in = false;
    for (size_t i = 0, j = n - 1; i < n; j = i++)
        if ((y[i] > py) != (y[j] > py) && px < (x[j] - x[i]) * (py - y[i]) / (y[j] - y[i]) + x[i])
            in = !in;
    return in;
}

static GEOSGeometry *make_ring(GEOSContextHandle_t h, const double *x, const double *y, size_t n) {
    GEOSCoordSequence *s = GEOSCoordSeq_copyFromArrays_r(h, x, y, NULL, NULL, (unsigned)n);
    return s ? GEOSGeom_createLinearRing_r(h, s) : NULL;
}

/* Keeps the polygonal part of g (consumed) as one Polygon/MultiPolygon;
 * NULL when none is left. */
static GEOSGeometry *polygonal_part(GEOSContextHandle_t h, GEOSGeometry *g) {
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON) return g;
    if (t != GEOS_GEOMETRYCOLLECTION) {
        GEOSGeom_destroy_r(h, g);
        return NULL;
    }
    int n = GEOSGetNumGeometries_r(h, g), total = 0;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
        int pt = GEOSGeomTypeId_r(h, p);
        total += pt == GEOS_POLYGON        ? 1
                 : pt == GEOS_MULTIPOLYGON ? GEOSGetNumGeometries_r(h, p)
                                           : 0;
    }
    GEOSGeometry **polys = hs__calloc(NULL, (size_t)total + 1, sizeof *polys);
    int k = 0;
    for (int i = 0; polys && i < n; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
        int pt = GEOSGeomTypeId_r(h, p);
        if (pt == GEOS_POLYGON) {
            polys[k++] = GEOSGeom_clone_r(h, p);
        } else if (pt == GEOS_MULTIPOLYGON) {
            for (int j = 0; j < GEOSGetNumGeometries_r(h, p); j++)
                polys[k++] = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, p, j));
        }
    }
    GEOSGeom_destroy_r(h, g);
    GEOSGeometry *out = NULL;
    if (polys && k == 1)
        out = polys[0];
    else if (polys && k > 1)
        out = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, (unsigned)k);
    free(polys);
    return out;
}

hs__geom *hs__geom_from_rings(void *geos, const double *x, const double *y, const size_t *start,
                              const size_t *len, size_t nrings, char *note, size_t notesize) {
    GEOSContextHandle_t h = H(geos);
    note[0] = 0;
    size_t nouter = 0;
    double *area = hs__calloc(NULL, nrings + 1, sizeof *area);
    int *owner = hs__calloc(NULL, nrings + 1, sizeof *owner);
    GEOSGeometry **holes = hs__calloc(NULL, nrings + 1, sizeof *holes);
    GEOSGeometry **polys = hs__calloc(NULL, nrings + 1, sizeof *polys);
    GEOSGeometry *out = NULL;
    if (!area || !owner || !holes || !polys) goto done;
    for (size_t r = 0; r < nrings; r++) {
        area[r] = ring_area2(x + start[r], y + start[r], len[r]);
        if (area[r] < 0) nouter++;
    }
    /* Files written with the opposite orientation: take every ring as an
     * outer ring rather than losing them all. */
    bool all_outer = nouter == 0;
    for (size_t r = 0; r < nrings; r++) {
        owner[r] = -1;
        if (all_outer || area[r] < 0 || area[r] == 0) continue;
        double best = INFINITY;
        for (size_t o = 0; o < nrings; o++) {
            if (!(area[o] < 0)) continue;
            if (ring_holds(x + start[o], y + start[o], len[o], x[start[r]], y[start[r]]) &&
                -area[o] < best) {
                best = -area[o];
                owner[r] = (int)o;
            }
        }
        if (owner[r] < 0 && !note[0])
            hs__format(note, notesize,
                       "a hole outside every outer ring was taken as an outer ring");
    }
    size_t np = 0;
    for (size_t o = 0; o < nrings; o++) {
        bool is_outer = all_outer || area[o] < 0 || (area[o] > 0 && owner[o] < 0);
        if (!is_outer) continue;
        GEOSGeometry *sh = make_ring(h, x + start[o], y + start[o], len[o]);
        if (!sh) continue;
        size_t nh = 0;
        for (size_t r = 0; r < nrings; r++) {
            if (owner[r] != (int)o) continue;
            GEOSGeometry *hr = make_ring(h, x + start[r], y + start[r], len[r]);
            if (hr) holes[nh++] = hr;
        }
        polys[np] = GEOSGeom_createPolygon_r(h, sh, holes, (unsigned)nh);
        if (polys[np]) np++;
    }
    if (np == 0) goto done;
    out =
        np == 1 ? polys[0] : GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, (unsigned)np);
    if (out && GEOSisValid_r(h, out) != 1) {
        char *why = GEOSisValidReason_r(h, out);
        hs__format(note, notesize, "%s; repaired with GEOS MakeValid", why ? why : "invalid");
        if (why) GEOSFree_r(h, why);
        GEOSGeometry *fixed = GEOSMakeValid_r(h, out);
        GEOSGeom_destroy_r(h, out);
        out = fixed ? polygonal_part(h, fixed) : NULL;
    }
done:
    free(area);
    free(owner);
    free(holes);
    free(polys);
    return (hs__geom *)out;
}

hs__geom *hs__geom_from_ring(void *geos, const double *xy, size_t n) {
    GEOSContextHandle_t h = H(geos);
    GEOSCoordSequence *s = GEOSCoordSeq_copyFromBuffer_r(h, xy, (unsigned)n, 0, 0);
    GEOSGeometry *r = s ? GEOSGeom_createLinearRing_r(h, s) : NULL;
    return r ? (hs__geom *)GEOSGeom_createPolygon_r(h, r, NULL, 0) : NULL;
}

int hs__geom_visit_rings(void *geos, const hs__geom *g, hs__ring_fn fn, void *ud) {
    GEOSContextHandle_t h = H(geos);
    if (!g) return 0;
    const GEOSGeometry *gg = (const GEOSGeometry *)g;
    int npoly = GEOSGeomTypeId_r(h, gg) == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(h, gg);
    for (int p = 0; p < npoly; p++) {
        const GEOSGeometry *poly = npoly == 1 && GEOSGeomTypeId_r(h, gg) == GEOS_POLYGON
                                       ? gg
                                       : GEOSGetGeometryN_r(h, gg, p);
        int nh = GEOSGetNumInteriorRings_r(h, poly);
        for (int r = -1; r < nh; r++) {
            const GEOSGeometry *ring =
                r < 0 ? GEOSGetExteriorRing_r(h, poly) : GEOSGetInteriorRingN_r(h, poly, r);
            const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, ring);
            unsigned int n = 0;
            GEOSCoordSeq_getSize_r(h, s, &n);
            double *x = hs__malloc(NULL, (n ? n : 1) * sizeof *x),
                   *y = hs__malloc(NULL, (n ? n : 1) * sizeof *y);
            if (!x || !y) {
                free(x);
                free(y);
                return -1;
            }
            GEOSCoordSeq_copyToArrays_r(h, s, x, y, NULL, NULL);
            int rc = fn(ud, p, r + 1, x, y, n);
            free(x);
            free(y);
            if (rc) return rc;
        }
    }
    return 0;
}

bool hs__geom_label_point(void *geos, const hs__geom *g, double tol, double *x, double *y,
                          double *radius) {
    GEOSContextHandle_t h = H(geos);
    if (!g || GEOSisEmpty_r(h, (const GEOSGeometry *)g) == 1) return false;
    GEOSGeometry *mic = GEOSMaximumInscribedCircle_r(h, (const GEOSGeometry *)g, tol);
    if (!mic) return false;
    const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, mic);
    double x1 = 0, y1 = 0;
    bool ok = s && GEOSCoordSeq_getXY_r(h, s, 0, x, y) && GEOSCoordSeq_getXY_r(h, s, 1, &x1, &y1);
    if (ok) *radius = hypot(x1 - *x, y1 - *y);
    GEOSGeom_destroy_r(h, mic);
    return ok;
}

int hs__wkb_visit_rings(void *geos, const unsigned char *wkb, size_t n, hs__ring_fn fn, void *ud,
                        char *note, size_t notesize) {
    GEOSContextHandle_t h = H(geos);
    handle *hd = geos;
    note[0] = 0;
    hd->msg[0] = 0;
    GEOSWKBReader *r = GEOSWKBReader_create_r(h);
    if (!r) return -1;
    GEOSGeometry *g = GEOSWKBReader_read_r(h, r, wkb, n);
    GEOSWKBReader_destroy_r(h, r);
    if (!g) {
        hs__format(note, notesize, "unreadable WKB geometry%s%s", hd->msg[0] ? ": " : "", hd->msg);
        return -2;
    }
    int t = GEOSGeomTypeId_r(h, g), rc = 0;
    if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON) {
        char *name = GEOSGeomType_r(h, g);
        hs__format(note, notesize, "holds a %s geometry, not polygons",
                   name ? name : "non-polygon");
        if (name) GEOSFree_r(h, name);
        rc = -2;
    } else if (GEOSisEmpty_r(h, g) != 1) {
        rc = hs__geom_visit_rings(geos, (const hs__geom *)g, fn, ud);
    }
    GEOSGeom_destroy_r(h, g);
    return rc;
}

double hs__ring_area2(const double *x, const double *y, size_t n) {
    return ring_area2(x, y, n);
}

/* ---- point location ------------------------------------------------------ */

struct hs__locator {
    handle *hd;
    size_t n;
    GEOSGeometry **g;                /* clones, owned */
    const GEOSPreparedGeometry **pg; /* owned */
    GEOSSTRtree *tree;
    uint32_t *hits; /* query result scratch */
    size_t nhits, caphits;
};

static void collect(void *item, void *ud) {
    hs__locator *L = ud;
    if (L->nhits == L->caphits) {
        size_t c = L->caphits ? L->caphits * 2 : 16;
        uint32_t *p = hs__realloc(NULL, L->hits, c * sizeof *p);
        if (!p) return;
        L->hits = p;
        L->caphits = c;
    }
    L->hits[L->nhits++] = (uint32_t)(uintptr_t)item - 1;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Candidates whose envelope meets q, in polygon order. */
static void query(hs__locator *L, const GEOSGeometry *q) {
    L->nhits = 0;
    GEOSSTRtree_query_r(L->hd->h, L->tree, q, collect, L);
    if (L->nhits > 1) qsort(L->hits, L->nhits, sizeof *L->hits, cmp_u32);
}

hs__locator *hs__locator_create(void *geos, hs__geom *const *geoms, size_t n) {
    hs__locator *L = hs__calloc(NULL, 1, sizeof *L);
    if (!L) return NULL;
    L->hd = hs__geos_new();
    L->n = n;
    L->g = hs__calloc(NULL, n + 1, sizeof *L->g);
    L->pg = hs__calloc(NULL, n + 1, sizeof *L->pg);
    if (!L->hd || !L->g || !L->pg) goto fail;
    L->tree = GEOSSTRtree_create_r(L->hd->h, 10);
    if (!L->tree) goto fail;
    for (size_t i = 0; i < n; i++) {
        if (!geoms[i]) continue;
        /* Each locator owns clones: GEOS geometries cache their envelope
         * lazily, so threads must not share them. */
        L->g[i] = GEOSGeom_clone_r(L->hd->h, (const GEOSGeometry *)geoms[i]);
        if (!L->g[i]) goto fail;
        L->pg[i] = GEOSPrepare_r(L->hd->h, L->g[i]);
        if (!L->pg[i]) goto fail;
        GEOSSTRtree_insert_r(L->hd->h, L->tree, L->g[i], (void *)(uintptr_t)(i + 1));
    }
    (void)geos;
    return L;
fail:
    hs__locator_destroy(L);
    return NULL;
}

void hs__locator_destroy(hs__locator *L) {
    if (!L) return;
    if (L->hd) {
        GEOSContextHandle_t h = L->hd->h;
        if (L->tree) GEOSSTRtree_destroy_r(h, L->tree);
        for (size_t i = 0; i < L->n; i++) {
            if (L->pg && L->pg[i]) GEOSPreparedGeom_destroy_r(h, L->pg[i]);
            if (L->g && L->g[i]) GEOSGeom_destroy_r(h, L->g[i]);
        }
    }
    free(L->g);
    free(L->pg);
    free(L->hits);
    hs__geos_free(L->hd);
    free(L);
}

int hs__locator_box(hs__locator *L, const double box[4], uint32_t *unit) {
    GEOSContextHandle_t h = L->hd->h;
    GEOSGeometry *q = GEOSGeom_createRectangle_r(h, box[0], box[1], box[2], box[3]);
    if (!q) return HS__BOX_MIXED;
    query(L, q);
    int res = HS__BOX_OUTSIDE;
    for (size_t k = 0; k < L->nhits && res != HS__BOX_INSIDE; k++) {
        uint32_t i = L->hits[k];
        if (GEOSPreparedContainsProperly_r(h, L->pg[i], q) == 1) {
            /* Inside i's interior. An earlier candidate that only meets the
             * box would win points on its boundary: then test points. */
            *unit = i;
            res = res == HS__BOX_MIXED ? HS__BOX_MIXED : HS__BOX_INSIDE;
            if (res == HS__BOX_MIXED) break;
        } else if (GEOSPreparedIntersects_r(h, L->pg[i], q) == 1) {
            res = HS__BOX_MIXED;
        }
    }
    GEOSGeom_destroy_r(h, q);
    return res;
}

uint32_t hs__locator_point(hs__locator *L, double x, double y) {
    GEOSContextHandle_t h = L->hd->h;
    GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, x, y);
    if (!p) return UINT32_MAX;
    query(L, p);
    uint32_t found = UINT32_MAX;
    for (size_t k = 0; k < L->nhits && found == UINT32_MAX; k++)
        if (GEOSPreparedContains_r(h, L->pg[L->hits[k]], p) == 1) found = L->hits[k];
    for (size_t k = 0; k < L->nhits && found == UINT32_MAX; k++)
        if (GEOSPreparedIntersects_r(h, L->pg[L->hits[k]], p) == 1) found = L->hits[k];
    GEOSGeom_destroy_r(h, p);
    return found;
}

/* Area of the box covered by the geometries (assumed not to overlap), and
 * the centroid of that part (cx, cy; the box's centre when all of it). */
double hs__locator_box_area(hs__locator *L, const double box[4], double *cx, double *cy) {
    GEOSContextHandle_t h = L->hd->h;
    *cx = 0.5 * (box[0] + box[2]);
    *cy = 0.5 * (box[1] + box[3]);
    GEOSGeometry *q = GEOSGeom_createRectangle_r(h, box[0], box[1], box[2], box[3]);
    if (!q) return 0;
    query(L, q);
    double area = 0, sx = 0, sy = 0;
    for (size_t k = 0; k < L->nhits; k++) {
        uint32_t i = L->hits[k];
        if (GEOSPreparedContains_r(h, L->pg[i], q) == 1) {
            area = (box[2] - box[0]) * (box[3] - box[1]);
            sx = *cx * area;
            sy = *cy * area;
            break;
        }
        if (GEOSPreparedIntersects_r(h, L->pg[i], q) != 1) continue;
        GEOSGeometry *x = GEOSIntersection_r(h, q, L->g[i]);
        double a = 0;
        if (x && GEOSArea_r(h, x, &a) && a > 0) {
            GEOSGeometry *c = GEOSGetCentroid_r(h, x);
            double px = 0, py = 0;
            if (c && GEOSGeomGetX_r(h, c, &px) && GEOSGeomGetY_r(h, c, &py)) {
                area += a;
                sx += a * px;
                sy += a * py;
            }
            GEOSGeom_destroy_r(h, c);
        }
        GEOSGeom_destroy_r(h, x);
    }
    GEOSGeom_destroy_r(h, q);
    if (area > 0) {
        *cx = sx / area;
        *cy = sy / area;
    }
    return area;
}

/* ---- contiguity ---------------------------------------------------------- */

/* Queen contiguity with a snapping tolerance: i and j are neighbours when
 * their distance is at most tol (0: they share at least one point). Pairs
 * (i < j) are appended to *pairs. */
hs_status hs__geom_touching(void *geos, hs__geom *const *geoms, size_t n, double tol,
                            uint32_t **pairs, size_t *npairs) {
    hs__locator *L = hs__locator_create(geos, geoms, n);
    if (!L) return HS_ENOMEM;
    GEOSContextHandle_t h = L->hd->h;
    size_t cap = 0;
    *pairs = NULL;
    *npairs = 0;
    hs_status st = HS_OK;
    for (size_t i = 0; i < n && !st; i++) {
        if (!L->g[i]) continue;
        double b[4];
        hs__geom_bounds(L->hd, (hs__geom *)L->g[i], b);
        GEOSGeometry *q =
            GEOSGeom_createRectangle_r(h, b[0] - tol, b[1] - tol, b[2] + tol, b[3] + tol);
        query(L, q);
        GEOSGeom_destroy_r(h, q);
        for (size_t k = 0; k < L->nhits; k++) {
            uint32_t j = L->hits[k];
            if (j <= i) continue;
            int near = tol > 0 ? GEOSPreparedDistanceWithin_r(h, L->pg[i], L->g[j], tol)
                               : GEOSPreparedIntersects_r(h, L->pg[i], L->g[j]);
            if (near != 1) continue;
            if (!hs__grow(NULL, (void **)pairs, &cap, 2 * (*npairs + 1), sizeof **pairs)) {
                st = HS_ENOMEM;
                break;
            }
            (*pairs)[2 * *npairs] = (uint32_t)i;
            (*pairs)[2 * *npairs + 1] = j;
            (*npairs)++;
        }
    }
    hs__locator_destroy(L);
    return st;
}

hs_status hs__geom_overlaps(void *geos, hs__geom *const *geoms, size_t n, double min_area,
                            size_t *count, size_t *first_a, size_t *first_b, double *first_area) {
    *count = 0;
    hs__locator *L = hs__locator_create(geos, geoms, n);
    if (!L) return HS_ENOMEM;
    GEOSContextHandle_t h = L->hd->h;
    hs_status st = HS_OK;
    for (size_t i = 0; i < n && !st; i++) {
        if (!L->g[i]) continue;
        query(L, L->g[i]);
        for (size_t k = 0; k < L->nhits; k++) {
            uint32_t j = L->hits[k];
            if (j <= i || !L->g[j]) continue;
            /* Neighbours only touch; a shared interior means overlap,
             * nesting or the same polygon twice. Prepared predicates first
             * (cheap), the intersection's area only for those. */
            if (GEOSPreparedOverlaps_r(h, L->pg[i], L->g[j]) != 1 &&
                GEOSPreparedContains_r(h, L->pg[i], L->g[j]) != 1 &&
                GEOSPreparedWithin_r(h, L->pg[i], L->g[j]) != 1)
                continue;
            GEOSGeometry *x = GEOSIntersection_r(h, L->g[i], L->g[j]);
            double a = 0;
            if (!x) {
                st = HS_ENOMEM;
                break;
            }
            GEOSArea_r(h, x, &a);
            GEOSGeom_destroy_r(h, x);
            if (a <= min_area) continue;
            if (!(*count)++) *first_a = i, *first_b = j, *first_area = a;
        }
    }
    hs__locator_destroy(L);
    return st;
}

/* ---- pixel outlines ------------------------------------------------------ */

hs__geom *hs__geom_union_pixels(void *geos, const uint8_t *on, size_t width, size_t height,
                                double x_min, double y_max, double px) {
    GEOSContextHandle_t h = H(geos);
    /* One rectangle per run of flagged pixels in a row, then GEOS's
     * cascaded union; the edges lie on the pixel lattice, so the outline
     * is exact. */
    size_t cap = 64, n = 0;
    GEOSGeometry **boxes = hs__malloc(NULL, cap * sizeof *boxes);
    if (!boxes) return NULL;
    for (size_t r = 0; r < height; r++) {
        for (size_t c = 0; c < width;) {
            if (!on[r * width + c]) {
                c++;
                continue;
            }
            size_t c1 = c;
            while (c1 < width && on[r * width + c1])
                c1++;
            if (n == cap) {
                GEOSGeometry **b = hs__realloc(NULL, boxes, (cap *= 2) * sizeof *b);
                if (!b) goto fail;
                boxes = b;
            }
            boxes[n] =
                GEOSGeom_createRectangle_r(h, x_min + (double)c * px, y_max - (double)(r + 1) * px,
                                           x_min + (double)c1 * px, y_max - (double)r * px);
            if (!boxes[n]) goto fail;
            n++;
            c = c1;
        }
    }
    if (n == 0) {
        free(boxes);
        return NULL;
    }
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, boxes, (unsigned)n);
    free(boxes);
    if (!coll) return NULL;
    GEOSGeometry *u = GEOSUnaryUnion_r(h, coll);
    GEOSGeom_destroy_r(h, coll);
    return u ? (hs__geom *)polygonal_part(h, u) : NULL;
fail:
    for (size_t i = 0; i < n; i++)
        GEOSGeom_destroy_r(h, boxes[i]);
    free(boxes);
    return NULL;
}

/* ---- areas for displacement ---------------------------------------------- */

hs__geom *hs__geom_union(void *geos, hs__geom *const *g, size_t n) {
    GEOSContextHandle_t h = H(geos);
    GEOSGeometry **parts = hs__malloc(NULL, (n ? n : 1) * sizeof *parts);
    size_t k = 0;
    if (!parts) return NULL;
    for (size_t i = 0; i < n; i++)
        if (g[i]) {
            parts[k] = GEOSGeom_clone_r(h, (const GEOSGeometry *)g[i]);
            if (!parts[k]) break;
            k++;
        }
    GEOSGeometry *coll =
        k ? GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)k) : NULL;
    free(parts);
    if (!coll) return NULL;
    GEOSGeometry *u = GEOSUnaryUnion_r(h, coll);
    GEOSGeom_destroy_r(h, coll);
    return u ? (hs__geom *)polygonal_part(h, u) : NULL;
}

hs__geom *hs__geom_buffer(void *geos, const hs__geom *g, double d) {
    GEOSGeometry *b = g ? GEOSBuffer_r(H(geos), (const GEOSGeometry *)g, d, 16) : NULL;
    return b ? (hs__geom *)polygonal_part(H(geos), b) : NULL;
}

hs__geom *hs__geom_clip_rect(void *geos, const hs__geom *g, const double box[4]) {
    if (!g) return NULL;
    /* GEOS's rectangle intersection (Hölttä's algorithm): linear in the
     * vertices, no overlay noding. */
    GEOSGeometry *c =
        GEOSClipByRect_r(H(geos), (const GEOSGeometry *)g, box[0], box[1], box[2], box[3]);
    return c ? (hs__geom *)polygonal_part(H(geos), c) : NULL;
}

size_t hs__geom_explode(void *geos, hs__geom *g, hs__geom **out, size_t max) {
    if (!g) return 0;
    GEOSContextHandle_t h = H(geos);
    GEOSGeometry *m = (GEOSGeometry *)g;
    int n = GEOSGetNumGeometries_r(h, m);
    if (n <= 1 || (size_t)n > max) {
        out[0] = g;
        return 1;
    }
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(h, m, i);
        GEOSGeometry *c = p ? GEOSGeom_clone_r(h, p) : NULL;
        if (!c) { /* out of memory: keep the whole, drop the copies */
            for (size_t j = 0; j < k; j++)
                GEOSGeom_destroy_r(h, (GEOSGeometry *)out[j]);
            out[0] = g;
            return 1;
        }
        out[k++] = (hs__geom *)c;
    }
    GEOSGeom_destroy_r(h, m);
    return k;
}

hs__geom *hs__geom_difference(void *geos, const hs__geom *a, const hs__geom *b) {
    if (!a) return NULL;
    if (!b) return hs__geom_clone(geos, a);
    GEOSGeometry *d = GEOSDifference_r(H(geos), (const GEOSGeometry *)a, (const GEOSGeometry *)b);
    return d ? (hs__geom *)polygonal_part(H(geos), d) : NULL;
}
