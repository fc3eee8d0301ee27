/*
 * geo.h — internal header of lib/geo/; never installed. Internal names use the
 * hs__ prefix.
 *
 * Coordinates and geometry: the context (it owns a PROJ context and a GEOS
 * handle), crs.c (the only file that includes proj.h) and geom.c (the only
 * file that includes geos_c.h). Uses core.
 */
#ifndef HS_GEO_H
#define HS_GEO_H

#include "../core/core.h"

/* ---- crs.c: the only file that includes proj.h ------------------------- */

/* A coordinate transformation with its own PROJ context, so each worker
 * thread can hold one. Axis order is normalised to x/east, y/north (lon,
 * lat for geographic CRSs). */
typedef struct hs__xform hs__xform;

/* A cached transformation src -> dst: creating one reads PROJ's database
 * (milliseconds), so the context keeps the last few, with one transform per
 * worker thread (each on its own PROJ context, made by that worker). */
struct hs__xentry {
    char *src, *dst;
    hs__xform *main;                    /* on the context's PROJ context */
    hs__xform *worker[HS__MAX_THREADS]; /* slot k belongs to worker k */
    bool same;                          /* src and dst are one CRS */
    bool have_area;
    double area[4]; /* dst's area of use in src coordinates (W, S, E, N) */
};

/* The cached entry for src -> dst, made if needed; NULL with the context's
 * error set (HS_ECRS) when PROJ cannot make it. Owned by ctx. */
hs__xentry *hs__ctx_xform(hs_ctx *ctx, const char *src, const char *dst);
/* The transform for worker slot k (0: the caller's thread, the main one);
 * made on first use by the thread that will use it. */
hs__xform *hs__xentry_worker(hs__xentry *e, int k, char *err, size_t errsize);
void hs__ctx_xcache_free(hs_ctx *ctx);
/* ESRI WKT1 of a CRS (owned; NULL when it has none) for .prj files. */
hs_status hs__crs_wkt_esri(hs_ctx *ctx, const char *crs, char **out);
/* WKT2:2019 of a CRS (owned; NULL when PROJ has none), for QGIS projects. */
hs_status hs__crs_wkt2(hs_ctx *ctx, const char *crs, char **out);

/* Checks that crs is a projected CRS with metre axes (message in err). */
hs_status hs__crs_check_metric(hs_ctx *ctx, const char *crs);
/* proj_ctx: a PJ_CONTEXT* to use, or NULL to create one owned by the
 * transform (for worker threads). */
hs__xform *hs__xform_create(void *proj_ctx, const char *src, const char *dst, char *err,
                            size_t errsize);
void hs__xform_destroy(hs__xform *xf);
/* Transforms n points in place; points PROJ cannot transform become
 * HUGE_VAL. Returns false on a PROJ failure of the whole batch. */
bool hs__xform_run(hs__xform *xf, double *x, double *y, size_t n);
/* Area of use of dst as a box in src coordinates (west, south, east,
 * north). Returns false when the CRS has no area of use. */
bool hs__xform_area_in_src(hs__xform *xf, const char *dst, double box[4]);
/* True when a and b name the same CRS. */
bool hs__crs_same(void *proj_ctx, const char *a, const char *b);

/* ---- geom.c: the only file that includes geos_c.h ---------------------- */

/* A GEOS geometry (Polygon or MultiPolygon), opaque outside geom.c. */
typedef struct hs__geom hs__geom;
typedef struct hs__locator hs__locator;

void *hs__geos_new(void); /* a GEOS handle; one per thread */
/* The context's GEOS handle (made on first use); NULL when out of memory. */
void *hs__ctx_geos(hs_ctx *ctx);
void hs__geos_free(void *geos);
void hs__geom_free(void *geos, hs__geom *g);
hs__geom *hs__geom_clone(void *geos, const hs__geom *g);
double hs__geom_area(void *geos, const hs__geom *g);
bool hs__geom_centroid(void *geos, const hs__geom *g, double *x, double *y);
bool hs__geom_bounds(void *geos, const hs__geom *g, double box[4]);
/* Polygon(s) from shapefile rings (clockwise = outer); repaired with
 * MakeValid when invalid, the reason in note (empty when none). NULL when
 * nothing polygonal is left. */
hs__geom *hs__geom_from_rings(void *geos, const double *x, const double *y, const size_t *start,
                              const size_t *len, size_t nrings, char *note, size_t notesize);
/* A polygon from one closed ring of n interleaved x,y points. */
hs__geom *hs__geom_from_ring(void *geos, const double *xy, size_t n);
/* Calls fn for every ring: polygon index, ring index (0 = exterior). A
 * non-zero return stops the walk and is returned. */
typedef int (*hs__ring_fn)(void *ud, int poly, int ring, const double *x, const double *y,
                           size_t n);
int hs__geom_visit_rings(void *geos, const hs__geom *g, hs__ring_fn fn, void *ud);
/* Reads WKB (ISO or extended, through GEOS's reader) and visits its rings
 * as hs__geom_visit_rings does (none when empty). -2 with the reason in
 * note when it is unreadable or not a Polygon/MultiPolygon; -1 when out of
 * memory; else what fn returned. */
int hs__wkb_visit_rings(void *geos, const unsigned char *wkb, size_t n, hs__ring_fn fn, void *ud,
                        char *note, size_t notesize);
/* Where to put a polygon's label: the centre of its largest inscribed
 * circle (GEOS MaximumInscribedCircle, the pole of inaccessibility, to
 * tol metres) and that circle's radius. false when empty. */
bool hs__geom_label_point(void *geos, const hs__geom *g, double tol, double *x, double *y,
                          double *radius);
/* Twice the signed area of a closed ring (> 0: counter-clockwise). */
double hs__ring_area2(const double *x, const double *y, size_t n);

/* A point locator over n geometries (NULL entries allowed), with its own
 * GEOS handle, clones, prepared geometries and STRtree: one per thread. */
hs__locator *hs__locator_create(void *geos, hs__geom *const *geoms, size_t n);
void hs__locator_destroy(hs__locator *L);
/* The geometry a point belongs to (rule in geom.c), or UINT32_MAX. */
uint32_t hs__locator_point(hs__locator *L, double x, double y);
enum { HS__BOX_OUTSIDE = 0, HS__BOX_INSIDE = 1, HS__BOX_MIXED = 2 };
/* Area of the box covered by the geometries (which must not overlap), and
 * the centroid of the covered part. */
double hs__locator_box_area(hs__locator *L, const double box[4], double *cx, double *cy);
/* Whether every point of the box gets the same answer: OUTSIDE (none),
 * INSIDE (*unit), or MIXED (test each point). */
int hs__locator_box(hs__locator *L, const double box[4], uint32_t *unit);
/* Union of the geometries; buffer; difference a - b (NULL when empty). */
hs__geom *hs__geom_union(void *geos, hs__geom *const *g, size_t n);
hs__geom *hs__geom_buffer(void *geos, const hs__geom *g, double d);
/* g's polygons one by one into out (at most max; owned; g is consumed),
 * or g itself when it is one polygon or has more parts than max. */
size_t hs__geom_explode(void *geos, hs__geom *g, hs__geom **out, size_t max);
/* The part of g inside box (owned; NULL when none or out of memory). */
hs__geom *hs__geom_clip_rect(void *geos, const hs__geom *g, const double box[4]);
hs__geom *hs__geom_difference(void *geos, const hs__geom *a, const hs__geom *b);
/* Pairs (i < j) of geometries within tol of each other (queen contiguity
 * with snapping); *pairs is malloc'd, 2 entries a pair. */
/* Pairs of polygons whose shared interior is larger than min_area (m2):
 * how many, and the first (by index) with its area. */
hs_status hs__geom_overlaps(void *geos, hs__geom *const *geoms, size_t n, double min_area,
                            size_t *count, size_t *first_a, size_t *first_b, double *first_area);
hs_status hs__geom_touching(void *geos, hs__geom *const *geoms, size_t n, double tol,
                            uint32_t **pairs, size_t *npairs);

/* crs.c: the EPSG code of a CRS, 0 when it has none. */
int hs__crs_epsg(hs_ctx *ctx, const char *crs);
/* geom.c: the union of the pixels flagged on (rows from the top), as one
 * polygonal geometry (NULL when none). */
hs__geom *hs__geom_union_pixels(void *geos, const uint8_t *on, size_t width, size_t height,
                                double x_min, double y_max, double px);

#endif
