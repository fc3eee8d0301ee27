/*
 * internal.h — shared by lib/ only; never installed. Internal names use the
 * hs__ prefix. Each dependency is confined to one file: PROJ to crs.c.
 */
#ifndef HS_INTERNAL_H
#define HS_INTERNAL_H

#include "hotspot.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#define HS__ERRLEN 1024

/* Bounds of settings, in one place: the options' checks and the job
 * settings (hs_setting_get) both use these. */
#define HS__PATROL_MAX_DAYS 3660
#define HS__PATROL_MAX_VISITS 48
#define HS__PATROL_MAX_MINUTES 240
#define HS__MAX_TOP 1000000

#define HS__XCACHE 4
#define HS__MAX_THREADS 64
typedef struct hs__xentry hs__xentry;
typedef struct hs__outputs hs__outputs;

struct hs_ctx {
    void *proj;                     /* PJ_CONTEXT*, owned; only crs.c looks inside */
    void *geos;                     /* GEOS handle, owned, made on first use (hs__ctx_geos) */
    hs__xentry *xcache[HS__XCACHE]; /* recent transformations, owned */
    int xnext;
    char *crs;   /* working CRS, owned */
    int threads; /* >= 1 */
    hs_progress_fn progress;
    void *progress_user;
    hs_alloc_hook alloc_hook;
    void *alloc_user;
    hs_log_fn log;
    void *log_user;
    hs__outputs *out; /* staged outputs and the run's inputs (output.c), owned */
    char err[HS__ERRLEN];
};

/* Asks the progress callback; HS_ECANCELED (with its message) if it says stop. */
hs_status hs__progress(hs_ctx *ctx, const char *stage, uint64_t done, uint64_t total);

/* The library's allocations, through the context's hook (ctx may be NULL:
 * no hook). Frees are plain free(). */
void *hs__malloc(const hs_ctx *ctx, size_t n);
void *hs__calloc(const hs_ctx *ctx, size_t n, size_t size);
void *hs__realloc(const hs_ctx *ctx, void *p, size_t n);
void *hs__aligned_alloc(const hs_ctx *ctx, size_t align, size_t n);

/* Records a printf-style message on ctx and returns status. */
hs_status hs__error(hs_ctx *ctx, hs_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The names of a public enum, indexed by its value (names.c). */
typedef struct hs__names {
    const char *const *v;
    size_t n;
} hs__names;
extern const hs__names hs__kernel_names, hs__bw_rule_names, hs__kde_units_names, hs__shape_names,
    hs__period_names, hs__op_names, hs__kde_grid_names;

/* A message to the context's log callback (hs_ctx_set_log), if any. */
void hs__log(hs_ctx *ctx, hs_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Same, into a plain buffer (worker threads have no ctx). */
void hs__format(char *buf, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

char *hs__strdup(const hs_ctx *ctx, const char *s);
/* path with its extension (if any) replaced by ext, e.g. ".qml" (owned). */
char *hs__path_with_ext(const hs_ctx *ctx, const char *path, const char *ext);
/* Grows *ptr (of elem bytes each) so it holds at least need elements. */
bool hs__grow(const hs_ctx *ctx, void **ptr, size_t *cap, size_t need, size_t elem);

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
/* reader.c's window per thread (bytes); tests shrink it. */
extern size_t hs__reader_window_bytes;
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
/* The ring of a grid cell from its id ("sq150_C_R", "hex250_C_R"; default
 * origin); false when id is not a cell id. xy holds 14 doubles. */
bool hs__cell_ring_from_id(const char *id, double xy[14], size_t *np);
/* Pairs (i < j) of geometries within tol of each other (queen contiguity
 * with snapping); *pairs is malloc'd, 2 entries a pair. */
/* Pairs of polygons whose shared interior is larger than min_area (m2):
 * how many, and the first (by index) with its area. */
hs_status hs__geom_overlaps(void *geos, hs__geom *const *geoms, size_t n, double min_area,
                            size_t *count, size_t *first_a, size_t *first_b, double *first_area);
hs_status hs__geom_touching(void *geos, hs__geom *const *geoms, size_t n, double tol,
                            uint32_t **pairs, size_t *npairs);

/* ---- shapefile.c: the only file that includes shapefil.h ---------------- */

typedef struct hs__note {
    size_t record; /* 0-based record of the layer */
    char text[160];
} hs__note;

/* A polygon layer as read: rings (closed) in file coordinates. */
typedef struct hs__shp_layer {
    const char *path;     /* borrowed */
    char *prj;            /* .prj text, NULL when absent */
    const char *encoding; /* of the DBF text, as found */
    size_t nrec;
    char **code, **name;   /* UTF-8, per record */
    size_t *ring0, *nring; /* per record: first ring, ring count */
    size_t nrings, *rstart, *rlen;
    size_t npts;
    double *x, *y;
    hs__note *notes;
    size_t nnotes, notecap;
} hs__shp_layer;

/* Reads a polygon shapefile; code/name fields given or detected (ONS
 * WDyyCD/WDyyNM, LSOAyyCD/LSOAyyNM, ...). */
hs_status hs__shp_read(hs_ctx *ctx, const char *path, const hs_shapefile_buffers *mem,
                       const char *code_field, const char *name_field, hs__shp_layer *layer);
void hs__shp_free(hs__shp_layer *layer);

typedef struct hs__dbf_field {
    const char *name; /* at most 10 characters */
    char type;        /* 'C' text, 'N' integer, 'F' real */
    int width, decimals;
} hs__dbf_field;
typedef struct hs__dbf_value {
    const char *s; /* text, or NULL for a number */
    double d;
    bool null;
} hs__dbf_value;
typedef struct hs__shp_writer hs__shp_writer;

hs_status hs__shpw_open(hs_ctx *ctx, const char *path, const hs__dbf_field *fields, size_t nfields,
                        hs__shp_writer **w);
/* One polygon record: parts are rings (any orientation: rewound to the
 * shapefile convention), with one value per field. */
hs_status hs__shpw_add(hs_ctx *ctx, hs__shp_writer *w, const double *x, const double *y,
                       const int *part_start, int nparts, int npts, const hs__dbf_value *v);
/* Writes .prj (when given) and .cpg (UTF-8) and renames all into place. */
hs_status hs__shpw_commit(hs_ctx *ctx, hs__shp_writer *w, const char *prj_wkt);
void hs__shpw_abort(hs__shp_writer *w);

/* ---- parse.c: numbers and dates ---------------------------------------- */

/* Parses a decimal number (surrounding spaces allowed). Rejects empty
 * text, trailing junk, NaN and infinities. Correctly rounded. */
bool hs__parse_double(const char *s, size_t len, double *out);
/* Parses ISO 8601 "YYYY-MM", "YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM[:SS[.f]]"
 * with an optional "Z" or "+HH:MM" (ignored: times are local as written). */
bool hs__parse_date(const char *s, size_t len, int64_t *t, hs_time_precision *prec);
/* A period bound "YYYY-MM" or "YYYY-MM-DD": its first second and the
 * first second after it. */
bool hs__parse_bound(const char *s, int64_t *start, int64_t *end);
/* Seconds after *t that the period of precision prec ends (exclusive). */
int64_t hs__period_end(int64_t t, hs_time_precision prec);
/* The civil month of a time as year * 12 + (month - 1). */
int64_t hs__month_index(int64_t t);

/* ---- csv.c: RFC 4180 record scanner ------------------------------------ */

typedef struct hs__field {
    const char *s;   /* first byte (after an opening quote) */
    size_t len;      /* bytes (without the closing quote) */
    uint8_t quoted;  /* was quoted */
    uint8_t escaped; /* contains doubled quotes: unescape before use */
} hs__field;

typedef enum hs__csv_result {
    HS__CSV_OK = 0,
    HS__CSV_UNTERMINATED, /* quote opened and never closed */
    HS__CSV_AFTER_QUOTE,  /* text between closing quote and separator */
    HS__CSV_NUL           /* NUL byte */
} hs__csv_result;

/* Scans one record starting at p (p < end). Stores up to max fields and
 * the real field count in *nfields, line ends consumed in *newlines
 * (1 for the terminator, plus embedded ones), the record's text end
 * (before CR/LF) in *rec_end. Returns the start of the next record. */
const char *hs__csv_record(const char *p, const char *end, hs__field *fields, size_t max,
                           size_t *nfields, uint64_t *newlines, const char **rec_end,
                           hs__csv_result *res);
/* Copies a field's text, undoubling quotes when escaped; returns length.
 * buf must hold f->len + 1 bytes. */
size_t hs__csv_unescape(const hs__field *f, char *buf);

/* ---- strtab.c: string interning ---------------------------------------- */

typedef struct hs__strtab {
    char **names;    /* by id, owned */
    uint32_t *slots; /* open addressing: id + 1, 0 = empty */
    size_t count, cap, nslots;
} hs__strtab;

/* Id of name (len bytes), adding it when new; UINT32_MAX on no memory. */
uint32_t hs__strtab_intern(const hs_ctx *ctx, hs__strtab *t, const char *name, size_t len,
                           bool *added);
void hs__strtab_free(hs__strtab *t);

/* ---- incidents.c -------------------------------------------------------- */

/* The incident columns, shared by the table and the reader's chunks. */
typedef struct hs__cols {
    size_t n, cap;
    double *x, *y, *w;
    int64_t *t;
    uint8_t *prec;
    uint32_t *cat, *file;
    uint64_t *line;
    uint64_t *off; /* byte offset of the record in its file */
} hs__cols;

/* Grows every column to hold at least need rows (doubling). */
bool hs__cols_reserve(const hs_ctx *ctx, hs__cols *c, size_t need);
void hs__cols_free(hs__cols *c);
/* Copies row from to row to (compaction). */
void hs__cols_move(hs__cols *c, size_t to, size_t from);

struct hs_incidents {
    char *crs;
    hs__cols col;
    hs__strtab cats;
    char **files;
    bool *file_on_disk; /* false: read from a buffer */
    hs_read_summary *sums;
    size_t nfiles, filecap;
    hs_reject *rej;
    size_t nrej, rejcap;
};

bool hs__incidents_reserve_rejects(const hs_ctx *ctx, hs_incidents *inc, size_t need);
/* Adds a file name; returns its index or UINT32_MAX on no memory. */
uint32_t hs__incidents_add_file(const hs_ctx *ctx, hs_incidents *inc, const char *name,
                                bool on_disk);
/* Drops the last file and everything appended since it was added. */
void hs__incidents_truncate(hs_incidents *inc, size_t n, size_t nrej, size_t nfiles);

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
/* hs_units_locate for bare coordinate arrays. */
hs_status hs__units_locate_xy(hs_ctx *ctx, const hs_units *u, const double *x, const double *y,
                              size_t n, uint32_t *unit_of);

/* ---- kde.c / raster.c ------------------------------------------------------ */

struct hs_raster {
    char *crs;
    size_t width, height;
    double x_min, y_max, px;
    float nodata;
    float *v; /* width x height, rows from the top */
    hs_kernel kernel;
    double bandwidth;
    hs_bandwidth_rule rule;
    hs_kde_units units;
    uint64_t incidents;
    bool binned; /* incidents moved to pixel centres (hs_kde_options.binned) */
    char *what;  /* for comparisons: "ratio", ...; NULL for a density */
};

double hs__kernel_norm(hs_kernel k, double h, double cutoff);
double hs__kernel_raw(hs_kernel k, double q, double qmax);
/* Per-axis standard deviation over the kernel's bandwidth (h = sigma x
 * factor): quartic 2 sqrt 2, epanechnikov sqrt 6, ... (docs/methods.md). */
double hs__kernel_sigma_factor(hs_kernel k);

/* geotiff.c: the only file that includes tiffio.h / geotiff.h. */
hs_status hs__geotiff_write(hs_ctx *ctx, const hs_raster *r, int epsg, const char *metadata_xml,
                            const char *path);
/* crs.c: the EPSG code of a CRS, 0 when it has none. */
int hs__crs_epsg(hs_ctx *ctx, const char *crs);
/* geom.c: the union of the pixels flagged on (rows from the top), as one
 * polygonal geometry (NULL when none). */
hs__geom *hs__geom_union_pixels(void *geos, const uint8_t *on, size_t width, size_t height,
                                double x_min, double y_max, double px);

/* csv.c: a whole (small) file, without its UTF-8 BOM; *data malloc'd. */
/* The largest weight, harm or population taken: sums of millions of them
 * stay finite and exact to well under one unit. */
#define HS__MAX_WEIGHT 1e12
/* The most memory (GB) one step may plan for before it starts: on the
 * 24 GB machines analysts and CI have, a clear refusal beats swapping. */
#define HS__MAX_WORK_GB 8.0
/* The largest kernel bandwidth (m): Great Britain's length. */
#define HS__MAX_BANDWIDTH_M 1e6
/* Tables are regular files of at most this size. */
#define HS__TABLE_MAX_BYTES (256 << 20)
hs_status hs__slurp(hs_ctx *ctx, const char *path, char **data, size_t *len);
/* Reads fd to its end (owned *data); more than max bytes: HS_EIO with
 * "PATH: too_big". Asks the progress callback between reads. */
hs_status hs__read_fd(hs_ctx *ctx, const char *path, int fd, size_t max, const char *too_big,
                      char **data, size_t *len);
/* csv.c: reads a two-column table (header naming kcol and vcol, other
 * columns ignored); calls fn for each row with the key and the number.
 * Messages name the file and line. */
typedef hs_status (*hs__pair_fn)(void *ud, const char *key, size_t klen, double value,
                                 uint64_t line);
hs_status hs__csv_pairs(hs_ctx *ctx, const char *path, const char *kcol, const char *vcol,
                        hs__pair_fn fn, void *ud);
/* The same from memory (the fuzz target's way in); path names it. */
hs_status hs__csv_pairs_buffer(hs_ctx *ctx, const char *path, const char *data, size_t len,
                               const char *kcol, const char *vcol, hs__pair_fn fn, void *ud);

/* ---- layer.c: one model of a vector layer, one set of writers --------- */

enum { HS__IN_JSON = 1, HS__IN_CSV = 2, HS__IN_SHP = 4, HS__IN_ALL = 7 };
#define HS__LAYER_RING_MAX 7 /* a grid cell: a square or a hexagon, closed */

typedef struct hs__lfield {
    const char *name; /* GeoJSON property, CSV column */
    const char *dbf;  /* .dbf field name: at most 10 characters */
    char type;        /* 'C' text, 'N' integer, 'F' real */
    int width, decimals;
    unsigned in; /* the formats that carry it (HS__IN_*) */
} hs__lfield;

typedef struct hs__layer {
    const char *crs; /* of the geometries */
    void *geos;      /* the GEOS handle of the geometries */
    const hs__lfield *fields;
    size_t nfields, nrows;
    void *user;
    /* Row i's values, one per field: a number as it is to be printed, a
     * text, or NULL (no value: null, an empty cell, a DBF null). buf: 64
     * bytes a field to print into. false: the row is left out. */
    bool (*row)(void *user, size_t i, const char **v, char (*buf)[64]);
    /* Row i's polygon: a GEOS geometry (*g), or one ring of *n points in xy
     * (a grid cell); neither: none. */
    void (*shape)(void *user, size_t i, const hs__geom **g, double *xy, size_t *n);
} hs__layer;

/* Writes L by path's extension: .geojson (or .json), .csv or .shp. Atomic. */
hs_status hs__layer_write(hs_ctx *ctx, const hs__layer *L, const char *path);

/* ---- mapfile.c: input files mapped, guarded against SIGBUS --------------- */

typedef struct hs__map {
    const char *data;
    size_t len;
    int slot; /* in the SIGBUS guard's table; -1: unguarded */
} hs__map;
/* Maps len bytes of fd read-only and registers them with the guard. */
hs_status hs__map_open(hs_ctx *ctx, const char *path, int fd, size_t len, hs__map *m);
/* Unmaps; true when the file shrank while mapped (zeros were read). */
bool hs__map_close(hs__map *m);

/* ---- output.c: every output file is made here ---------------------------- */

#define HS__OUT_SIDECAR 1u /* a style or sidecar: kept if someone else wrote it */
#define HS__OUT_PRIVATE 2u /* created 0600 (rejects hold raw records) */
/* Checks target (see output.c), stages a new file for it and opens it
 * read-write: *fd is the caller's to close; *id names it to finish. */
hs_status hs__output_create(hs_ctx *ctx, const char *target, unsigned flags, int *fd, size_t *id);
/* The staged file's path (valid until it is finished). */
const char *hs__output_tmp(const hs_ctx *ctx, size_t id);
/* Where target's content is now: its staged file when this job has
 * finished one for it, else target itself. */
const char *hs__output_current(const hs_ctx *ctx, const char *target);
/* ok: complete (renamed into place now, or at the job's commit); else removed. */
hs_status hs__output_finish(hs_ctx *ctx, size_t id, bool ok);
/* Whether target could be written (the checks of hs__output_create, and
 * that its folder exists and is writable), before any work is done. */
hs_status hs__output_check(hs_ctx *ctx, const char *target, unsigned flags);
/* Remembers a file the run reads, so no output replaces it. */
hs_status hs__input_note_fd(hs_ctx *ctx, int fd);
hs_status hs__input_note_path(hs_ctx *ctx, const char *path);
void hs__outputs_free(hs_ctx *ctx);

/* ---- afile.c: write to a temporary name, then rename -------------------- */

/* style.c: QGIS graduated fill on attr in quantile classes; breaks of
 * nclass classes (returned; 0 = out of memory) into breaks[0..nclass]. */
size_t hs__style_breaks(const hs_ctx *ctx, const double *v, size_t n, double breaks[6]);
void hs__style_graduated(FILE *f, const char *attr, const double *breaks, size_t nclass,
                         const char *outline);
/* Writes LAYER.qml beside layer_path (its extension replaced). */
hs_status hs__style_write_graduated(hs_ctx *ctx, const char *layer_path, const char *attr,
                                    const double *v, size_t n, const char *outline);

/* Ranked hotspots (hotspots.c; read by report.c). */
struct hs_hotspots {
    const hs_units *u;
    const hs_incidents *inc;
    const uint32_t *unit_of_copy; /* owned copy */
    size_t n;                     /* units */
    uint64_t *count;
    double *harm, *z, *p;
    int *bin;
    size_t nsel;
    hs_hotspot *sel; /* chosen, in rank order */
    char **ward;     /* per chosen, owned */
    double total_count, total_harm, total_area;
    size_t *first, *list; /* each unit's incidents (profile.c), owned */
    bool timed;           /* profiled by hour (hs_hotspots_timed) */
    int64_t m0;           /* the first dated month (year * 12 + month - 1) */
    size_t nmonths;       /* the dated span, 0 when over HS_PROFILE_MONTHS */
};
/* Builds h's per-unit incident lists and its time rule (profile.c). */
hs_status hs__hotspots_index(hs_ctx *ctx, hs_hotspots *h);

/* For the report (report.c): what a table or ranking was computed from. */
const hs_units *hs__tally_units(const hs_tally *t);
bool hs__tally_has_compare(const hs_tally *t);
bool hs__tally_has_population(const hs_tally *t);
const hs_units *hs__hotspots_units(const hs_hotspots *h);
/* png.c: RGBA rows (top first) to a PNG in memory (owned). */
hs_status hs__png_encode(hs_ctx *ctx, const uint8_t *rgba, size_t w, size_t h, uint8_t **out,
                         size_t *len);

typedef struct hs__afile_sink hs__afile_sink;
typedef struct hs__afile {
    FILE *f;
    char *path;
    hs_ctx *ctx;          /* the context that staged it */
    size_t id;            /* the staged output (output.c) */
    bool open;            /* id is staged */
    hs__afile_sink *sink; /* the file descriptor and its first error */
} hs__afile;

hs_status hs__afile_open(hs_ctx *ctx, const char *path, hs__afile *af);
/* The same, with HS__OUT_* flags. */
hs_status hs__afile_open_flags(hs_ctx *ctx, const char *path, unsigned flags, hs__afile *af);
/* Flushes, closes and renames; on any failure removes the temporary. */
hs_status hs__afile_commit(hs_ctx *ctx, hs__afile *af);
void hs__afile_abort(hs__afile *af);
/* Shortest text that reads back as the same double ("%.17g" at worst). */
int hs__fmt_double(char *buf, size_t size, double v);
/* As hs__fmt_double, always with a decimal point or exponent ("150.0"), so
 * readers that guess column types (OGR, QGIS) always see a real field. */
int hs__fmt_real(char *buf, size_t size, double v);
/* Case-insensitive test of path's extension (ext with the dot). */
bool hs__has_ext(const char *path, const char *ext);
/* A text field: CSV (RFC 4180, quoted only when needed) or a JSON string
 * (control characters escaped). */
/* Text escaped for XML and HTML (& < > "). */
void hs__put_xml(FILE *f, const char *s);
void hs__put_text(FILE *f, const char *s, bool json);

#endif
