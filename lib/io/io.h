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
extern size_t hs__reader_window_bytes;
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
hs_status hs__style_write_graduated(hs_ctx *ctx, const char *layer_path, const char *attr,
                                    const double *v, size_t n, const char *outline);

#endif
