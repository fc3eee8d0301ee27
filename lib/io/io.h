/*
 * io.h — internal header of lib/io/; never installed. Internal names use the
 * hs__ prefix.
 *
 * Reading and writing: CSV records and tables, the incident table and its
 * reader, Shapefiles (shapefile.c, the only file that includes shapefil.h),
 * one model of a vector layer and its writers, QGIS styles. Uses geo.
 */
#ifndef HS_IO_H
#define HS_IO_H

#include "../geo/geo.h"

/* reader.c's window per thread (bytes); tests shrink it. */
/* printf's "%.7f" (lon/lat in GeoJSON), faster, the same bytes (layer.c). */
void hs__put_deg(FILE *f, double v);
extern size_t hs__reader_window_bytes;
/* Map points a reading thread adds to the file's shared table of projected
 * points (police.uk); tests make it tiny. */
extern size_t hs__reader_pcache_entries;
/* ---- polygons.c: one model of a polygon layer as read ------------------- */

typedef struct hs__note {
    size_t record; /* 0-based record of the layer */
    char text[160];
} hs__note;

/* A polygon layer as read (Shapefile, GeoJSON or GeoPackage): rings closed,
 * in file coordinates, outer rings clockwise and holes counter-clockwise
 * (the shapefile convention hs__geom_from_rings expects). */
typedef struct hs__poly_layer {
    const char *path;     /* borrowed */
    char *prj;            /* the layer's CRS (WKT, or a PROJ name); NULL when unknown */
    const char *encoding; /* of the text, as found */
    size_t nrec;
    char **code, **name;   /* UTF-8, per record */
    size_t *ring0, *nring; /* per record: first ring, ring count */
    size_t nrings, *rstart, *rlen;
    size_t npts, cappts, caprings;
    double *x, *y;
    hs__note *notes;
    size_t nnotes, notecap;
} hs__poly_layer;

/* What to read: the code and name fields (NULL: detect), and the layer of
 * a GeoPackage (NULL: its only polygon layer). */
typedef struct hs__poly_want {
    const char *code_field, *name_field, *layer;
} hs__poly_want;

enum { HS__RING_ASIS = 0, HS__RING_OUTER = 1, HS__RING_HOLE = 2 };
/* Appends one ring to record rec (closing it, dropping it with a note when
 * it has fewer than 3 points or a coordinate that is not a number below
 * 1e10). role OUTER or HOLE rewinds it to the shapefile convention. */
hs_status hs__poly_add_ring(const hs_ctx *ctx, hs__poly_layer *L, size_t rec, const double *x,
                            const double *y, size_t n, int role);
bool hs__poly_note(const hs_ctx *ctx, hs__poly_layer *L, size_t rec, const char *text);
/* Sizes the per-record arrays for n records. */
hs_status hs__poly_records(hs_ctx *ctx, hs__poly_layer *L, size_t n);
void hs__poly_free(hs__poly_layer *L);
/* The field for a code (suffix "CD") or name ("NM"): want when given
 * (any case), else ONS's WDyyCD, LSOAyyCD, ... then "code"/"name"; -1
 * when none. */
int hs__poly_pick_field(const char *const *names, size_t n, const char *want, const char *suffix);
/* The error for a missing code or name field, listing the fields. */
hs_status hs__poly_field_error(hs_ctx *ctx, const char *path, const char *const *names, size_t n,
                               const hs__poly_want *w, bool no_code);
enum { HS__ENC_UTF8, HS__ENC_CP1252, HS__ENC_LATIN1, HS__ENC_GUESS };
bool hs__utf8_valid(const unsigned char *s);
/* s as UTF-8 (owned); bytes invalid in UTF-8 text become U+FFFD. */
char *hs__to_utf8(const hs_ctx *ctx, const char *s, int enc);

/* Reads any polygon layer: Shapefile, GeoJSON or GeoPackage, by extension
 * ("f.gpkg|layername=x" names a GeoPackage layer, as QGIS writes it), else
 * by its first bytes. */
hs_status hs__poly_read(hs_ctx *ctx, const char *path, const hs__poly_want *w, hs__poly_layer *L);

/* ---- shapefile.c: the only file that includes shapefil.h ---------------- */

/* Reads a polygon shapefile (mem: from buffers). */
hs_status hs__shp_read(hs_ctx *ctx, const char *path, const hs_shapefile_buffers *mem,
                       const hs__poly_want *w, hs__poly_layer *layer);

/* ---- geojson.c: the only file that includes json-c ---------------------- */

/* A GeoJSON FeatureCollection (or Feature) of Polygons/MultiPolygons: from
 * path, or from data (size bytes) when data is not NULL. RFC 7946 files
 * are lon/lat (OGC:CRS84); a "crs" member (GeoJSON 2008) names another. */
hs_status hs__geojson_read(hs_ctx *ctx, const char *path, const char *data, size_t size,
                           const hs__poly_want *w, hs__poly_layer *L);

/* ---- gpkg.c: the only file that includes sqlite3.h ---------------------- */

/* A GeoPackage's polygon layer (OGC 12-128r18), geometry through GEOS's
 * WKB reader: from path, or from an in-memory database image. */
hs_status hs__gpkg_read(hs_ctx *ctx, const char *path, const void *data, size_t size,
                        const hs__poly_want *w, hs__poly_layer *L);

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

/* ---- months.c: incidents per month and the short-month rule ----------- */

typedef struct hs__months {
    int64_t first;   /* year * 12 + month - 1 of count[0] */
    size_t n;        /* months from the first dated incident to the last; 0: none */
    uint64_t *count; /* owned */
    double median;
} hs__months;
/* Counts the dated incidents per month; n stays 0 when none is dated or
 * they span max_months or more. */
hs_status hs__months_count(hs_ctx *ctx, const hs_incidents *inc, size_t max_months,
                           hs__months *out);
/* Month k holds under 60 % of the median month (3 or more months). */
bool hs__months_short(const hs__months *m, size_t k);
void hs__months_free(hs__months *m);

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

/* ---- incidents.c -------------------------------------------------------- */

/* The incident columns, shared by the table and the reader's chunks. */
typedef struct hs__cols {
    size_t n, cap;
    double *x, *y, *w;
    int64_t *t;
    uint8_t *prec;
    uint32_t *cat, *file;
    uint32_t *label; /* the place text (police.uk Location), or HS_NO_LABEL */
    uint64_t *line;
    uint64_t *off; /* byte offset of the record in its file */
} hs__cols;

/* Grows every column to hold at least need rows (doubling). */
bool hs__cols_reserve(const hs_ctx *ctx, hs__cols *c, size_t need);
/* Grows every column to at least cap rows, exactly (an estimate known ahead). */
bool hs__cols_reserve_exact(const hs_ctx *ctx, hs__cols *c, size_t cap);
/* Gives back the rows reserved but not used. */
void hs__cols_shrink(const hs_ctx *ctx, hs__cols *c);
void hs__cols_free(hs__cols *c);
/* Copies row from to row to (compaction). */
void hs__cols_move(hs__cols *c, size_t to, size_t from);

struct hs_incidents {
    char *crs;
    hs__cols col;
    hs__strtab cats;
    hs__strtab labels; /* place texts, interned */
    char **files;
    bool *file_on_disk; /* false: read from a buffer */
    hs_read_summary *sums;
    size_t nfiles, filecap;
    hs_reject *rej;
    size_t nrej, rejcap;
};

/* hs_reject.length of a reject made after reading: found on writing. */
#define HS__REJECT_LENGTH_UNKNOWN UINT64_MAX
bool hs__incidents_reserve_rejects(const hs_ctx *ctx, hs_incidents *inc, size_t need);
/* Adds a file name; returns its index or UINT32_MAX on no memory. */
uint32_t hs__incidents_add_file(const hs_ctx *ctx, hs_incidents *inc, const char *name,
                                bool on_disk);
/* Drops the last file and everything appended since it was added. */
void hs__incidents_truncate(hs_incidents *inc, size_t n, size_t nrej, size_t nfiles);

/* csv.c: a whole (small) file, without its UTF-8 BOM; *data malloc'd. */
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
/* A small table's records in order: fn gets the header (line 1) and each
 * row that is not blank, with its line; a malformed record or a row of
 * another field count than the header stops it with a message naming the
 * file and line. At most 64 fields are passed. */
typedef hs_status (*hs__row_fn)(void *ud, uint64_t line, const hs__field *f, size_t nf);
hs_status hs__csv_rows(hs_ctx *ctx, const char *path, const char *data, size_t len, hs__row_fn fn,
                       void *ud);
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

/* style.c: QGIS graduated fill on attr in quantile classes; breaks of
 * nclass classes (returned; 0 = out of memory) into breaks[0..nclass]. */
size_t hs__style_breaks(const hs_ctx *ctx, const double *v, size_t n, double breaks[6]);
void hs__style_graduated(FILE *f, const char *attr, const double *breaks, size_t nclass,
                         const char *outline);
/* Writes LAYER.qml beside layer_path (its extension replaced). */
/* A style body (the elements inside <qgis>): outlines labelled by field,
 * scale-dependent (owned *out). */
hs_status hs__style_outline_labels(hs_ctx *ctx, const char *field, char **out);
hs_status hs__style_write_graduated(hs_ctx *ctx, const char *layer_path, const char *attr,
                                    const double *v, size_t n, const char *outline);

#endif
