/*
 * hotspot.h — libhotspot, the one public header.
 *
 * libhotspot turns geocoded crime incidents into grid counts (and, in later
 * modules, ward tables, kernel density and hotspot statistics).
 *
 * Conventions (as in PROJ, GEOS and h3):
 *  - Every fallible call returns an hs_status; HS_OK is 0. On failure the
 *    context holds a one-line message (hs_ctx_last_error) naming the file,
 *    line or record and the problem.
 *  - Inputs first, outputs last. Every *_create has a *_destroy that accepts
 *    NULL.
 *  - Ownership is stated on every function: "borrowed" pointers stay owned by
 *    the object they came from and live as long as it does; "owned" results
 *    must be released by the caller with the named *_destroy.
 *  - An hs_ctx is used by one thread at a time. Objects created with a
 *    context may be read (const calls) from any thread, but written only
 *    with that context.
 *  - Lengths are metres in the working CRS; names carry their unit
 *    (cell_size_m).
 */
#ifndef HOTSPOT_H
#define HOTSPOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(HS_SHARED_BUILD)
#define HS_API __declspec(dllexport)
#elif defined(__GNUC__)
#define HS_API __attribute__((visibility("default")))
#else
#define HS_API
#endif

#define HS_VERSION_MAJOR 0
#define HS_VERSION_MINOR 1
#define HS_VERSION_PATCH 0
#define HS_VERSION_STRING "0.1.0"

/** Library version string of the linked library, e.g. "0.1.0". */
HS_API const char *hs_version(void);

/* ------------------------------------------------------------------------ */
/* Status codes                                                             */
/* ------------------------------------------------------------------------ */

typedef enum hs_status {
    HS_OK = 0,
    HS_EINVAL = 1,    /**< invalid argument (NULL, out of range, bad option) */
    HS_ENOMEM = 2,    /**< out of memory */
    HS_EIO = 3,       /**< a file could not be opened, read or written */
    HS_EPARSE = 4,    /**< a file is malformed (message has FILE:LINE) */
    HS_ECRS = 5,      /**< a CRS is unknown, not metric, or cannot be used */
    HS_ERANGE = 6,    /**< a value is outside what can be represented */
    HS_EFORMAT = 7,   /**< unsupported output format / extension */
    HS_ENODATA = 8,   /**< nothing to work on (e.g. no incidents used) */
    HS_ECANCELED = 9, /**< stopped by the progress callback (hs_ctx_set_progress) */
    HS_STATUS_COUNT_ = 10
} hs_status;

/** Static text for a status ("invalid argument", ...). Never NULL. */
HS_API const char *hs_status_string(hs_status status);

/* ------------------------------------------------------------------------ */
/* Context                                                                  */
/* ------------------------------------------------------------------------ */

/** Opaque per-thread context. Owns the PROJ context, the GEOS handle, the
 *  working CRS, the thread count and the last error. */
typedef struct hs_ctx hs_ctx;

/**
 * Creates a context with the working CRS EPSG:27700 (British National Grid)
 * and as many worker threads as there are cores (at most 64).
 * out: owned; release with hs_ctx_destroy.
 */
HS_API hs_status hs_ctx_create(hs_ctx **out);
/** Releases a context. NULL is accepted. */
HS_API void hs_ctx_destroy(hs_ctx *ctx);

/** The last error's message; borrowed, valid until the next call on ctx.
 *  "" when no error happened yet. */
HS_API const char *hs_ctx_last_error(const hs_ctx *ctx);

/**
 * Sets the working CRS (any string PROJ understands: "EPSG:27700",
 * "EPSG:32630", WKT, PROJJSON). It must be projected with metre axes.
 * Incident tables read afterwards use it.
 */
HS_API hs_status hs_ctx_set_crs(hs_ctx *ctx, const char *crs);
/** The working CRS as given; borrowed. */
HS_API const char *hs_ctx_crs(const hs_ctx *ctx);

/**
 * Number of worker threads used for large inputs (1..64; 0 = number of
 * cores). Results are identical for every thread count.
 */
HS_API hs_status hs_ctx_set_threads(hs_ctx *ctx, int threads);

/**
 * Progress callback: called on the calling thread between the stages of
 * long calls ("read", "kde", "write", ...) with what is done of a total (0
 * when unknown). Returning non-zero stops the call at that point: it
 * returns HS_ECANCELED, frees what it made and leaves no output file (not
 * even a temporary one). A CLI's SIGINT handler sets a flag this returns.
 */
typedef int (*hs_progress_fn)(void *user, const char *stage, uint64_t done, uint64_t total);
/** Sets (or, with NULL, clears) the progress callback; user is passed back. */
HS_API hs_status hs_ctx_set_progress(hs_ctx *ctx, hs_progress_fn fn, void *user);

/**
 * Messages: warnings (something the caller should know: a crime type that
 * matched no row, a bandwidth wider than the data), information (what a
 * job read, counted and wrote) and stages (a job's steps, for a terminal).
 * One line each, without a trailing newline, prefix or level word; the
 * callback runs on the calling thread. With no callback the library says
 * nothing (as PROJ's proj_log_func, errors still come back as statuses and
 * hs_ctx_last_error).
 */
typedef enum hs_log_level {
    HS_LOG_WARNING = 1, /**< the result may mislead if this is not read */
    HS_LOG_INFO = 2,    /**< counts and the files written */
    HS_LOG_STAGE = 3,   /**< "[k/n] step": progress of a long job */
    HS_LOG_RESULT = 4   /**< the answer of a job that writes no file (check) */
} hs_log_level;
typedef void (*hs_log_fn)(void *user, hs_log_level level, const char *message);
/** Sets (or, with NULL, clears) the message callback; user is passed back. */
HS_API hs_status hs_ctx_set_log(hs_ctx *ctx, hs_log_fn fn, void *user);

/**
 * Allocation hook: asked before every allocation libhotspot makes for its
 * own data (not those inside GEOS, PROJ, shapelib or libtiff) with its size
 * in bytes; returning 0 makes that allocation fail as if malloc had
 * returned NULL, and the call then returns HS_ENOMEM having freed what it
 * made. For memory caps and for testing out-of-memory paths. It may be
 * called from the context's worker threads at once: it must be thread-safe.
 */
typedef int (*hs_alloc_hook)(void *user, size_t bytes);
/** Sets (or, with NULL, clears) the allocation hook; user is passed back. */
HS_API hs_status hs_ctx_set_alloc_hook(hs_ctx *ctx, hs_alloc_hook hook, void *user);

/**
 * Outputs. Every file libhotspot writes is created new (O_CREAT|O_EXCL,
 * never through a link) in a private staging folder (".hotspot-XXXXXX",
 * mode 0700) inside its target's folder, and renamed over the target only
 * when complete. A target is refused (HS_EIO, with the reason) when it is
 * an input of the run (same file: every CSV, shapefile part and table the
 * context read, and those given to hs_ctx_add_input), not a regular file
 * (a device, FIFO, folder or symbolic link), or a style or sidecar (.qml,
 * .json) that libhotspot did not write, unless hs_ctx_set_overwrite. A
 * replaced file keeps its mode; rejects are created 0600.
 *
 * A job: between hs_ctx_outputs_begin and hs_ctx_outputs_commit, finished
 * files wait staged and all are renamed into place at the commit, after
 * every target is checked again; hs_ctx_outputs_abort, or destroying the
 * context, removes them, leaving every target as it was. Outside a job,
 * each file is renamed into place as soon as it is complete.
 */
HS_API hs_status hs_ctx_outputs_begin(hs_ctx *ctx);
/** Renames every staged file into place; on a failed check, none. */
HS_API hs_status hs_ctx_outputs_commit(hs_ctx *ctx);
/** Removes every staged file of the job. NULL is accepted. */
HS_API void hs_ctx_outputs_abort(hs_ctx *ctx);
/** Whether path could be written (the checks above, and that its folder
 *  exists and is writable): to refuse a job before any work is done. */
HS_API hs_status hs_ctx_output_check(hs_ctx *ctx, const char *path);
/** Protects a file the caller reads itself (a config file, say) as an input. */
HS_API hs_status hs_ctx_add_input(hs_ctx *ctx, const char *path);
/** Allows replacing styles and sidecars libhotspot did not write (0: refuse, the default). */
HS_API hs_status hs_ctx_set_overwrite(hs_ctx *ctx, int overwrite);

/** A text output of the caller's own (a report of its own, say), made as the
 *  library's are. */
typedef struct hs_output hs_output;
/** Opens path for writing: *f is the stream to write to (owned by *out). */
HS_API hs_status hs_output_open(hs_ctx *ctx, const char *path, hs_output **out, FILE **f);
/** keep non-zero: completes the file (renamed into place now, or at the
 *  job's commit); zero: removes it. Frees o. NULL is accepted. */
HS_API hs_status hs_output_close(hs_ctx *ctx, hs_output *o, int keep);

/* ------------------------------------------------------------------------ */
/* Incidents                                                                */
/* ------------------------------------------------------------------------ */

/** How much of an incident's date is known. */
typedef enum hs_time_precision {
    HS_TIME_NONE = 0,   /**< no date */
    HS_TIME_MONTH = 1,  /**< year and month (data.police.uk) */
    HS_TIME_DAY = 2,    /**< a calendar day */
    HS_TIME_MINUTE = 3, /**< date and time to the minute */
    HS_TIME_SECOND = 4  /**< date and time to the second */
} hs_time_precision;

/** Why a row was not used. Every row read is used or has one reason. */
typedef enum hs_reject_reason {
    HS_REJECT_NO_LOCATION = 0,    /**< empty coordinate ("No Location") */
    HS_REJECT_BAD_NUMBER,         /**< a coordinate is not a finite number */
    HS_REJECT_OUTSIDE_AREA,       /**< outside the working CRS's area of use */
    HS_REJECT_BAD_DATE,           /**< date not ISO 8601 or not a real date */
    HS_REJECT_NO_DATE,            /**< empty date while a date filter is set */
    HS_REJECT_BAD_WEIGHT,         /**< weight empty, not a number, < 0 or > 1e12 */
    HS_REJECT_FIELD_COUNT,        /**< fields differ from the header's */
    HS_REJECT_EMPTY_ROW,          /**< a blank line inside the file */
    HS_REJECT_CRIME_TYPE,         /**< filtered out by the crime types */
    HS_REJECT_DATE_RANGE,         /**< filtered out by --from / --to */
    HS_REJECT_SWAPPED,            /**< lon/lat outside the area of use, but
                                       inside it swapped: columns swapped? */
    HS_REJECT_IMPLAUSIBLE_DATE,   /**< a real date, but before 1900 or after
                                       next year (a typo such as 0024-01) */
    HS_REJECT_OUTSIDE_STUDY_AREA, /**< outside the study area (--study-area) */
    HS_REJECT_COUNT_
} hs_reject_reason;

/** Static short name of a reason ("no location", ...). Never NULL. */
HS_API const char *hs_reject_reason_string(hs_reject_reason reason);

/** One incident, by value. */
typedef struct hs_incident {
    double x, y;   /**< working CRS, metres */
    double weight; /**< 1 unless a weight column was read */
    /** Seconds since 1970-01-01T00:00 of the date as written (no time-zone
     *  shift); the start of the month or day for coarser precisions. */
    int64_t time_s;
    hs_time_precision precision;
    uint32_t category; /**< index for hs_incidents_category_name, or
                            HS_NO_CATEGORY */
    uint32_t file;     /**< index for hs_incidents_file_name */
    uint32_t label;    /**< its place text (hs_incidents_label_name), or HS_NO_LABEL */
    uint64_t line;     /**< 1-based line where the record starts */
} hs_incident;

#define HS_NO_CATEGORY UINT32_MAX
#define HS_NO_LABEL UINT32_MAX

/** A rejected row. */
typedef struct hs_reject {
    uint32_t file;
    uint64_t line;
    hs_reject_reason reason;
    uint64_t offset; /**< byte offset of the record in its file */
    uint64_t length; /**< bytes of the record, without its line end;
                          UINT64_MAX when rejected after reading
                          (hs_incidents_reject) */
} hs_reject;

/** Row accounting of one file, or of all: read = used + sum(rejected). */
typedef struct hs_read_summary {
    uint64_t rows_read;
    uint64_t rows_used;
    uint64_t rejected[HS_REJECT_COUNT_];
} hs_read_summary;

/**
 * How to read a CSV. Zero the struct with hs_read_options_init, then set
 * what you need. All strings are borrowed for the duration of the call.
 *
 * A data.police.uk street-level file is recognised from its header (its 12
 * column names) and needs no column names. Any other CSV names either
 * x_column + y_column (+ input_crs, default: the working CRS) or
 * lon_column + lat_column (EPSG:4326). Column options also override the
 * police.uk defaults.
 */
typedef struct hs_read_options {
    const char *x_column, *y_column;
    const char *input_crs; /**< CRS of x/y; NULL = the working CRS */
    const char *lon_column, *lat_column;
    const char *date_column;     /**< ISO 8601 date or date-time */
    const char *category_column; /**< crime type */
    const char *weight_column;   /**< non-negative number, default 1 */
    /** The place text kept with each incident (police.uk: Location, "On or
     *  near High Street"); NULL: police.uk's Location when present; "":
     *  none (faster, for work that names no place). */
    const char *label_column;
    /** Keep only these categories (exact, case-insensitive); NULL/0 = all. */
    const char *const *crime_types;
    size_t crime_type_count;
    /** Inclusive bounds "YYYY-MM" or "YYYY-MM-DD"; NULL = open. A record
     *  passes when the start of its date lies within [start of from, end of
     *  to]. */
    const char *from, *to;
    /** A second range also kept ("YYYY-MM" or "YYYY-MM-DD"), for
     *  comparisons: a record passes when it is in either range. */
    const char *compare_from, *compare_to;
} hs_read_options;

HS_API void hs_read_options_init(hs_read_options *opts);

/** Opaque incidents table: struct of arrays, in file order. */
typedef struct hs_incidents hs_incidents;

/** out: owned, empty table in ctx's working CRS; hs_incidents_destroy. */
HS_API hs_status hs_incidents_create(hs_ctx *ctx, hs_incidents **out);
HS_API void hs_incidents_destroy(hs_incidents *inc);

/**
 * Reads one CSV file and appends its rows (used ones to the table, rejected
 * ones to the rejects list). On HS_EPARSE/HS_EIO nothing of that file is
 * appended and the message is "FILE:LINE: problem".
 */
HS_API hs_status hs_incidents_read_csv(hs_ctx *ctx, const char *path, const hs_read_options *opts,
                                       hs_incidents *inc);
/**
 * Reads a CSV exactly as hs_incidents_read_csv would (same recognition,
 * filters, projection and reject reasons) but keeps nothing: out gets the
 * rows read, used and rejected by reason. The file is streamed in windows,
 * so memory stays bounded (a few hundred MB) whatever its size or row
 * count: for checking a file before an analysis, and for files too large
 * to hold (counts are 64-bit).
 */
HS_API hs_status hs_incidents_check_csv(hs_ctx *ctx, const char *path, const hs_read_options *opts,
                                        hs_read_summary *out);
/**
 * As hs_incidents_read_csv, from memory; name is used in messages and as
 * the file name. data is borrowed for the call only.
 */
HS_API hs_status hs_incidents_read_csv_buffer(hs_ctx *ctx, const char *name, const char *data,
                                              size_t size, const hs_read_options *opts,
                                              hs_incidents *inc);

/** A copy of src (out: owned): the rows, names, summaries and rejects. */
HS_API hs_status hs_incidents_copy(hs_ctx *ctx, const hs_incidents *src, hs_incidents **out);

/** Incidents as arrays (numpy, R vectors, a database cursor), borrowed
 *  for the call. */
typedef struct hs_incident_arrays {
    size_t n;
    const double *x, *y;  /**< required; in crs (lon/lat CRSs: x is the longitude) */
    const char *crs;      /**< of x, y; NULL: the working CRS */
    const double *weight; /**< NULL: 1 each */
    /** NULL: undated; else seconds since 1970 (as time_s), INT64_MIN for
     *  an undated row (numpy's NaT) */
    const int64_t *time_s;
    hs_time_precision precision; /**< of time_s (HS_TIME_MONTH ... HS_TIME_SECOND) */
    const uint32_t *category;    /**< NULL: none; else an index into categories, or UINT32_MAX */
    const char *const *categories;
    size_t category_count;
    const uint32_t
        *label; /**< NULL: none; else an index into labels (place texts), or UINT32_MAX */
    const char *const *labels;
    size_t label_count;
} hs_incident_arrays;

/**
 * Appends incidents from arrays as one more input named name (its rows
 * numbered from 1 in the summary and rejects). Every row is used or
 * rejected with the CSV reader's reasons: NaN coordinates (no location),
 * infinite ones (bad number), a weight outside [0, 1e12], or no position
 * in the working CRS (outside its area of use). On failure nothing is
 * appended. Type and date filters are not applied (select rows first).
 */
HS_API hs_status hs_incidents_add_arrays(hs_ctx *ctx, hs_incidents *inc, const char *name,
                                         const hs_incident_arrays *arrays);

/**
 * Keeps only the incidents i with keep[i] != 0 (caller-sized, one per
 * incident), in order: e.g. those inside a study area, from
 * hs_units_locate. The read summaries and rejects still describe the files
 * as read.
 */
HS_API hs_status hs_incidents_keep(hs_ctx *ctx, hs_incidents *inc, const uint8_t *keep);
/**
 * out[i] (caller-sized) = 1 when incident i lies in [from, to] ("YYYY-MM"
 * or "YYYY-MM-DD", inclusive; NULL = open), by the rule of the ward table
 * and the reader: the start of its date within the bounds. Undated
 * incidents are in only when both bounds are NULL.
 */
HS_API hs_status hs_incidents_in_period(hs_ctx *ctx, const hs_incidents *inc, const char *from,
                                        const char *to, uint8_t *out);
HS_API size_t hs_incidents_count(const hs_incidents *inc);
/** Copies incident i (i < count) into *out. */
HS_API hs_status hs_incidents_get(const hs_incidents *inc, size_t i, hs_incident *out);
/** Borrowed coordinate arrays of length hs_incidents_count (working CRS). */
HS_API const double *hs_incidents_x(const hs_incidents *inc);
HS_API const double *hs_incidents_y(const hs_incidents *inc);
HS_API const double *hs_incidents_weight(const hs_incidents *inc);
/** The working CRS of the table; borrowed. */
HS_API const char *hs_incidents_crs(const hs_incidents *inc);

HS_API size_t hs_incidents_category_count(const hs_incidents *inc);
/** Borrowed name of a category; NULL when out of range. */
HS_API const char *hs_incidents_category_name(const hs_incidents *inc, uint32_t category);
/** The place texts read (police.uk's Location), interned: ids 0..count-1. */
HS_API size_t hs_incidents_label_count(const hs_incidents *inc);
HS_API const char *hs_incidents_label_name(const hs_incidents *inc, uint32_t label);
HS_API size_t hs_incidents_file_count(const hs_incidents *inc);
/** Borrowed name of a file as given to the reader; NULL when out of range. */
HS_API const char *hs_incidents_file_name(const hs_incidents *inc, uint32_t file);

/** Accounting of one file (file < file_count) or, with file = UINT32_MAX,
 *  of all files. */
HS_API hs_status hs_incidents_summary(const hs_incidents *inc, uint32_t file, hs_read_summary *out);
HS_API size_t hs_incidents_reject_count(const hs_incidents *inc);
HS_API hs_status hs_incidents_reject_get(const hs_incidents *inc, size_t i, hs_reject *out);
/**
 * Writes every rejected row as CSV (file,line,reason,record) where record
 * is the row's text, re-read from its file ("" for buffers), in file and
 * line order. With unit_of (from hs_units_locate; may be NULL) the
 * incidents outside every unit are listed too, as "outside the units".
 * Written to a temporary name and renamed.
 */
/**
 * Drops the incidents whose keep[i] is 0 as hs_incidents_keep does, but
 * accounts for them: each becomes a reject with the given reason (listed
 * by hs_incidents_write_rejects, in file and line order) and its file's
 * summary moves it from used to rejected. For filters applied after
 * reading, such as a study area.
 */
HS_API hs_status hs_incidents_reject(hs_ctx *ctx, hs_incidents *inc, const uint8_t *keep,
                                     hs_reject_reason reason);

HS_API hs_status hs_incidents_write_rejects(hs_ctx *ctx, const hs_incidents *inc,
                                            const uint32_t *unit_of, const char *path);

/* ------------------------------------------------------------------------ */
/* Grids                                                                    */
/* ------------------------------------------------------------------------ */

typedef enum hs_grid_shape {
    HS_GRID_SQUARE = 0,
    /** Pointy-topped hexagons; cell_size_m is the width across flats (the
     *  distance between neighbouring centres), as sf::st_make_grid. */
    HS_GRID_HEX = 1
} hs_grid_shape;

typedef struct hs_grid_options {
    double cell_size_m; /**< > 0; default 150 */
    hs_grid_shape shape;
    /** Grid origin; by default (0, 0) of the working CRS, so cells of
     *  different runs and areas line up (edges at multiples of the size). */
    double origin_x, origin_y;
    /** Also list the empty cells of the incidents' bounding box (hotspot
     *  statistics need the zeros), and of extent when has_extent (a study
     *  area's box: x_min, y_min, x_max, y_max). */
    int include_empty;
    int has_extent;
    double extent[4];
    /** With include_empty: refuse (HS_ERANGE, naming the box) a grid of
     *  more cells than this; default 5 million (a few stray points far
     *  from the rest can otherwise ask for billions). */
    size_t max_cells;
} hs_grid_options;

HS_API void hs_grid_options_init(hs_grid_options *opts);

/** Opaque grid of non-empty cells, sorted by (row, col). */
typedef struct hs_grid hs_grid;

/** One cell, by value. row grows northward, col eastward; both are
 *  counted from the origin, so they are stable across runs. */
typedef struct hs_cell {
    int64_t row, col;
    double x_min, y_min, x_max, y_max; /**< bounding box, working CRS */
    double cx, cy;                     /**< centre */
    uint64_t count;
    double weight; /**< sum of weights, in file order */
} hs_cell;

/**
 * Counts incidents per cell. A square cell is [x_min, x_max) x
 * [y_min, y_max): a point on a shared edge belongs to the cell east/north of
 * it. A hex cell holds the points nearest its centre; a point equidistant
 * from two centres goes to the one with the smaller (row, col).
 * out: owned; hs_grid_destroy.
 */
HS_API hs_status hs_grid_count(hs_ctx *ctx, const hs_incidents *inc, const hs_grid_options *opts,
                               hs_grid **out);
HS_API void hs_grid_destroy(hs_grid *grid);

HS_API size_t hs_grid_cell_count(const hs_grid *grid);
HS_API hs_status hs_grid_cell(const hs_grid *grid, size_t i, hs_cell *out);
/**
 * Stable id of cell i from its position, e.g. "sq150_3753_1157"
 * (shape, size, col, row), with the grid's origin when it is not 0,0
 * ("sq150_3753_1157@25_-40"), so the id alone rebuilds the cell. Writes at most size bytes
 * including the NUL and returns the full length (as snprintf).
 */
HS_API int hs_grid_cell_id(const hs_grid *grid, size_t i, char *buf, size_t size);
/**
 * Ring of cell i in the working CRS, counter-clockwise, closed:
 * 5 points for squares, 7 for hexagons. xy must hold 14 doubles;
 * *n receives the number of points.
 */
HS_API hs_status hs_grid_cell_ring(const hs_grid *grid, size_t i, double xy[14], size_t *n);

/**
 * The cell of each incident, into the caller's array unit_of of
 * hs_incidents_count entries (HS_NO_UNIT when its cell is not in the grid):
 * the same index as hs_units_from_grid's units, without any geometry test.
 */
HS_API hs_status hs_grid_locate(hs_ctx *ctx, const hs_grid *grid, const hs_incidents *inc,
                                uint32_t *unit_of);

/**
 * Vector outputs. Every layer the library writes (grid, ward table,
 * hotspots, change, trend, geofences, outlines) is one model written by one
 * set of writers, chosen by the name's extension: ".geojson"/".json" (RFC
 * 7946: WGS84 lon/lat to 7 decimals, counter-clockwise exterior rings, no
 * "crs" member), ".csv" (attributes only; coordinates in the working CRS
 * where the layer has them) or ".shp" (ESRI Shapefile in the working CRS,
 * with .shx, .dbf, .prj and .cpg (UTF-8); field names cut to 10
 * characters). Map layers get a QGIS ".qml" style beside them. Written to
 * a temporary name and renamed: a failed run leaves no file.
 *
 * The grid: each cell has id,row,col,x_min,y_min,x_max,y_max,count,weight.
 */
HS_API hs_status hs_grid_write(hs_ctx *ctx, const hs_grid *grid, const char *path);

/* ------------------------------------------------------------------------ */
/* Units: polygons (wards, LSOAs) or grid cells                             */
/* ------------------------------------------------------------------------ */

/** Opaque set of units of analysis in the working CRS: each has a code, a
 *  name, a polygon, an area and (once built) neighbours. */
typedef struct hs_units hs_units;

typedef struct hs_layer_options {
    /** DBF fields for the unit's code and name; NULL = detect ONS names
     *  (WDyyCD/WDyyNM, LSOAyyCD/LSOAyyNM, MSOA.., OA.., LAD..), then
     *  "code"/"name". */
    const char *code_field, *name_field;
    /** GeoPackage layer (table) name; NULL = its only polygon layer. */
    const char *layer;
} hs_layer_options;

HS_API void hs_layer_options_init(hs_layer_options *opts);

/** One unit, by value; strings borrowed from the set. */
typedef struct hs_unit {
    const char *code, *name;
    uint32_t layer;  /**< index for hs_units_layer_name */
    uint64_t record; /**< 1-based record in its layer (0 for grid cells) */
    double area_m2;
    double cx, cy; /**< centroid (working CRS); 0, 0 when empty */
    int empty;     /**< no geometry (null shape, or nothing left after repair) */
} hs_unit;

/** A remark about a layer's record: a repair, a dropped ring, an empty
 *  shape, a missing .prj (record 0: the layer as a whole). */
typedef struct hs_unit_note {
    uint32_t layer;
    uint64_t record;
    const char *text;
} hs_unit_note;

/** out: owned, empty set in ctx's working CRS; hs_units_destroy. */
HS_API hs_status hs_units_create(hs_ctx *ctx, hs_units **out);
HS_API void hs_units_destroy(hs_units *units);

/**
 * Appends the polygons of an ESRI Shapefile (.shp with its .shx and .dbf;
 * .prj honoured: the layer is reprojected to the working CRS; .cpg
 * honoured: text converted to UTF-8 from UTF-8, Windows-1252 or Latin-1).
 * Multipart polygons and holes are kept; invalid polygons are repaired with
 * GEOS MakeValid and noted (hs_units_note_get). On failure nothing is
 * appended.
 */
HS_API hs_status hs_units_read_shapefile(hs_ctx *ctx, const char *path,
                                         const hs_layer_options *opts, hs_units *units);

/**
 * Appends the polygons of any boundary file, told apart by extension, else
 * by content: an ESRI Shapefile (as hs_units_read_shapefile); GeoJSON
 * (.geojson, .json: a FeatureCollection of Polygon/MultiPolygon features,
 * RFC 7946 lon/lat, or the CRS its 2008-style "crs" member names); or a
 * GeoPackage (.gpkg: its only polygon layer, or opts->layer, or the layer
 * named QGIS's way, "wards.gpkg|layername=NAME"; the layer's CRS from
 * gpkg_spatial_ref_sys). Codes and names come from the fields as for
 * shapefiles. On failure nothing is appended.
 */
HS_API hs_status hs_units_read(hs_ctx *ctx, const char *path, const hs_layer_options *opts,
                               hs_units *units);

/** Formats hs_units_read_buffer takes. */
typedef enum hs_layer_format {
    HS_LAYER_GEOJSON = 1,   /**< GeoJSON text */
    HS_LAYER_GEOPACKAGE = 2 /**< a GeoPackage (SQLite) database image */
} hs_layer_format;

/** As hs_units_read, from one file held in memory (borrowed for the
 *  call); name labels messages. */
HS_API hs_status hs_units_read_buffer(hs_ctx *ctx, const char *name, hs_layer_format format,
                                      const void *data, size_t size, const hs_layer_options *opts,
                                      hs_units *units);

/** A shapefile held in memory (e.g. from a database or a zip). Buffers are
 *  borrowed for the call; prj and cpg are NUL-terminated text or NULL. */
typedef struct hs_shapefile_buffers {
    const void *shp, *shx, *dbf;
    size_t shp_size, shx_size, dbf_size;
    const char *prj, *cpg;
} hs_shapefile_buffers;

/** As hs_units_read_shapefile, from memory; name labels messages. */
HS_API hs_status hs_units_read_shapefile_buffers(hs_ctx *ctx, const char *name,
                                                 const hs_shapefile_buffers *b,
                                                 const hs_layer_options *opts, hs_units *units);

/** Appends a layer built into the library. name: "gravesham-wards-2013"
 *  (the 18 Gravesham wards, ONS 2013, OGL v3.0). */
HS_API hs_status hs_units_read_builtin(hs_ctx *ctx, const char *name, hs_units *units);

/** Units from the cells of a grid (codes are the cell ids).
 *  out: owned; hs_units_destroy. The grid may be destroyed afterwards. */
HS_API hs_status hs_units_from_grid(hs_ctx *ctx, const hs_grid *grid, hs_units **out);

HS_API size_t hs_units_count(const hs_units *units);
HS_API hs_status hs_units_get(const hs_units *units, size_t i, hs_unit *out);
/** Borrowed name of a layer (the path given, or "grid"). */
HS_API const char *hs_units_layer_name(const hs_units *units, uint32_t layer);
HS_API const char *hs_units_crs(const hs_units *units);
/** Bounding box of all the units (x_min, y_min, x_max, y_max). HS_ENODATA
 *  when none has a geometry. */
HS_API hs_status hs_units_bounds(hs_ctx *ctx, const hs_units *units, double box[4]);
HS_API size_t hs_units_note_count(const hs_units *units);
HS_API hs_status hs_units_note_get(const hs_units *units, size_t i, hs_unit_note *out);

/**
 * Builds queen contiguity: polygons are neighbours when they come within
 * snap_m metres of each other (0: when they share a point); grid cells when
 * they share an edge or a corner (8 squares, 6 hexagons; snap_m unused).
 */
HS_API hs_status hs_units_build_neighbours(hs_ctx *ctx, hs_units *units, double snap_m);
/** Distance-band neighbours: units whose centroids are at most
 *  distance_m apart (inclusive). */
HS_API hs_status hs_units_build_neighbours_distance(hs_ctx *ctx, hs_units *units,
                                                    double distance_m);
/** Neighbours of unit i, ascending; ids borrowed. HS_EINVAL before
 *  hs_units_build_neighbours. */
HS_API hs_status hs_units_neighbours(const hs_units *units, size_t i, const uint32_t **ids,
                                     size_t *n);

#define HS_NO_UNIT UINT32_MAX

/**
 * The unit of each incident, into the caller's array unit_of of
 * hs_incidents_count(incidents) entries (HS_NO_UNIT: outside every unit).
 * Rule: a point belongs to the first unit (in reading order) whose interior
 * holds it; else to the first whose boundary holds it. Units made from a
 * grid follow the grid's own rule instead (hs_grid_count: half-open cells),
 * so both locators agree. Units and incidents must share the working CRS.
 */
HS_API hs_status hs_units_locate(hs_ctx *ctx, const hs_units *units, const hs_incidents *incidents,
                                 uint32_t *unit_of);
/** The same for n points (x, y in the units' CRS), e.g. cell centroids. */
HS_API hs_status hs_units_locate_xy(hs_ctx *ctx, const hs_units *units, const double *x,
                                    const double *y, size_t n, uint32_t *unit_of);

/* ------------------------------------------------------------------------ */
/* Tallies: the ward table                                                  */
/* ------------------------------------------------------------------------ */

typedef struct hs_tally_options {
    /** The period counted ("YYYY-MM" or "YYYY-MM-DD", inclusive); NULL =
     *  every incident. */
    const char *from, *to;
    /** A second period, for count_compare/change; NULL = none. */
    const char *compare_from, *compare_to;
    int by_type; /**< also count per crime type */
} hs_tally_options;

HS_API void hs_tally_options_init(hs_tally_options *opts);

/** Opaque table of counts per unit. Keeps borrowed pointers to the units
 *  and incidents it was computed from: they must outlive it. */
typedef struct hs_tally hs_tally;

/** One row; NAN where a value is undefined (no population, no compare
 *  count, no area). */
typedef struct hs_tally_row {
    uint64_t count;
    double weight;    /**< sum of incident weights */
    double share_pct; /**< of all incidents in the units, this period */
    uint32_t rank;    /**< 1 = most incidents; ties share the best rank */
    double area_km2, per_km2;
    double population, rate_per_1000;
    uint64_t count_compare;
    int64_t change; /**< count - count_compare */
    /** Change in the rate per day, in percent: periods of unequal length
     *  (92 against 59 days) compare by rate, not raw counts; equal to the
     *  change in counts when the periods are as long. NAN when the compare
     *  count is 0. */
    double change_pct;
    /** Incidents per 30 days in each period and their difference; NAN
     *  unless both periods are bounded (hs_tally_summary.days). */
    double per_30d, per_30d_compare, change_per_30d;
    /** Exact two-sided binomial p of the change (hs_change_p, the period's
     *  share of the two periods' days); NAN without both periods bounded. */
    double change_p;
} hs_tally_row;

typedef struct hs_tally_summary {
    uint64_t incidents;        /**< incidents tallied */
    uint64_t in_units;         /**< in a unit, this period */
    uint64_t outside;          /**< in no unit (either period) */
    uint64_t in_compare;       /**< in a unit, compare period */
    uint64_t other_period;     /**< in neither period */
    double days, days_compare; /**< the periods' lengths; NAN when not both bounded */
} hs_tally_summary;

/**
 * What names a place for a briefing (any units: grid cells, hotspots,
 * wards). Strings are borrowed from the incidents and the wards.
 */
typedef struct hs_place_name {
    /** The most common place text of its incidents (police.uk's Location;
     *  "" when none was read) and that text's share of them, percent; ties
     *  go to the text read first. */
    const char *location;
    double location_pct;
    /** The share of its incidents at its busiest single point (identical
     *  coordinates), percent. Over 50: the place is one police.uk snap
     *  point (a station, a venue), not an area. */
    double one_point_pct;
    /** The ward holding the unit's centroid ("" when none or no wards). */
    const char *ward_code, *ward_name;
} hs_place_name;

/**
 * Names every unit from the incidents located in it (unit_of from
 * hs_units_locate) and, when wards is not NULL, the ward holding its
 * centroid. out: caller-sized, hs_units_count(units) entries.
 */
HS_API hs_status hs_place_names(hs_ctx *ctx, const hs_units *units, const hs_incidents *inc,
                                const uint32_t *unit_of, const hs_units *wards, hs_place_name *out);

/**
 * Counts incidents per unit. unit_of: from hs_units_locate (borrowed for
 * the call). out: owned; hs_tally_destroy.
 */
HS_API hs_status hs_tally_compute(hs_ctx *ctx, const hs_units *units, const hs_incidents *incidents,
                                  const uint32_t *unit_of, const hs_tally_options *opts,
                                  hs_tally **out);
HS_API void hs_tally_destroy(hs_tally *tally);

/**
 * Reads residents per unit from a CSV "code,population" (header row with
 * those names, any other columns ignored) and fills population and
 * rate_per_1000 (incidents per 1,000 residents). Codes of the file that
 * match no unit, and units with no population, are counted in *unmatched
 * (may be NULL) and left undefined.
 */
HS_API hs_status hs_tally_set_population(hs_ctx *ctx, hs_tally *tally, const char *path,
                                         size_t *unmatched);

/**
 * Adds the place columns (location, location_pct, one_point_pct, and
 * ward_code, ward_name when any unit has a ward) from hs_place_names, one
 * per unit; the strings are copied.
 */
HS_API hs_status hs_tally_set_place_names(hs_ctx *ctx, hs_tally *tally, const hs_place_name *names);

HS_API hs_status hs_tally_row_get(const hs_tally *tally, size_t unit, hs_tally_row *out);
/** Count of unit in category (by_type tallies; else 0). */
HS_API uint64_t hs_tally_type_count(const hs_tally *tally, size_t unit, uint32_t category);
HS_API hs_status hs_tally_summary_get(const hs_tally *tally, hs_tally_summary *out);

/**
 * Writes the table by extension: ".geojson" (RFC 7946 polygons), ".csv",
 * or ".shp" (shapelib; .prj of the working CRS, .cpg UTF-8; DBF names are
 * shortened to 10 characters as listed in docs/cli.md). Written to
 * temporary names and renamed.
 */
HS_API hs_status hs_tally_write(hs_ctx *ctx, const hs_tally *tally, const char *path);

/* ------------------------------------------------------------------------ */
/* Kernel density                                                           */
/* ------------------------------------------------------------------------ */

/** Kernels. For the first five the bandwidth is the support radius h (zero
 *  beyond it), with u = d/h: quartic (1-u^2)^2, epanechnikov 1-u^2,
 *  triweight (1-u^2)^3, uniform 1, triangular 1-u. For the gaussian the
 *  bandwidth is the standard deviation sigma of each axis, and the kernel
 *  exp(-d^2/(2 sigma^2)) is cut at gaussian_cutoff sigmas (default 4: 0.034%
 *  of the mass is beyond) and renormalised. */
typedef enum hs_kernel {
    HS_KERNEL_QUARTIC = 0,
    HS_KERNEL_EPANECHNIKOV,
    HS_KERNEL_TRIWEIGHT,
    HS_KERNEL_UNIFORM,
    HS_KERNEL_TRIANGULAR,
    HS_KERNEL_GAUSSIAN,
    HS_KERNEL_COUNT_
} hs_kernel;

/** What a pixel holds. */
typedef enum hs_kde_units {
    /** Sum over incidents of weight x the kernel above (unnormalised), as
     *  QGIS "raw" and sfhotspot report. */
    HS_KDE_RAW = 0,
    /** Incidents per km^2: the kernel normalised to integrate to 1, so the
     *  surface integrates to the (weighted) number of incidents. */
    HS_KDE_DENSITY,
    /** Expected incidents per pixel: density x pixel area. */
    HS_KDE_COUNT
} hs_kde_units;

/** How the bandwidth is chosen when none is given (docs/methods.md has
 *  each formula and its source). */
typedef enum hs_bandwidth_rule {
    HS_BW_GIVEN = 0,
    /** sfhotspot's rule of thumb, averaged over the two axes as meant:
     *  mean over x, y of 4 x 1.06 x min(sd, IQR/1.34) x n^(-1/5). */
    HS_BW_RULE_OF_THUMB,
    /** Scott's rule as spatstat bw.scott: sigma = sd x n^(-1/6) per axis,
     *  geometric mean of the two; then h = sigma x the kernel's factor. */
    HS_BW_SCOTT,
    /** ArcGIS Kernel Density's spatial variant of Silverman's rule:
     *  0.9 x min(SD, sqrt(1/ln 2) x Dm) x n^(-0.2). */
    HS_BW_SILVERMAN,
    /** The crime-mapping guidance of Chainey & Ratcliffe (2005): a cell of
     *  the shorter side of the study area's box / 150, and 5 cells as the
     *  bandwidth: h = shorter side / 30. The area's box is the extent
     *  (has_extent), else the mask's, else the incidents'. Unlike the
     *  three rules above it follows the area's size, not the spread of
     *  the points. */
    HS_BW_AREA
} hs_bandwidth_rule;

typedef enum hs_kde_grid {
    /** Pixel edges at multiples of the pixel size (runs line up). */
    HS_KDE_GRID_SNAPPED = 0,
    /** QGIS Heatmap's grid: the points' box grown by h, ceil(w/px)+1
     *  columns and rows, origin at its top-left corner. */
    HS_KDE_GRID_QGIS,
    /** The extent exactly as given: origin at its top-left corner,
     *  ceil(width/px) columns, ceil(height/px) rows. */
    HS_KDE_GRID_EXACT
} hs_kde_grid;

typedef struct hs_kde_options {
    hs_kernel kernel;
    double bandwidth_m;      /**< > 0, or 0 to use rule */
    hs_bandwidth_rule rule;  /**< when bandwidth_m is 0; default rule of thumb */
    double bandwidth_adjust; /**< multiplies the bandwidth; default 1 */
    double pixel_size_m;     /**< > 0, or 0: shorter side of the extent / 250,
                                  rounded down to 1, 2 or 5 x 10^k m */
    hs_kde_units units;
    hs_kde_grid grid;
    /** Explicit extent (x_min, y_min, x_max, y_max, working CRS), used when
     *  has_extent; else the incidents' box grown by the kernel's reach. */
    double extent[4];
    int has_extent;
    /** Study area: pixels whose centre is outside every unit are nodata.
     *  Borrowed for the call; NULL = none. */
    const hs_units *mask;
    /** With a mask: divide each pixel by the share of its kernel's mass
     *  that lies inside the area (spatstat's uniform correction, on the
     *  pixel grid). */
    int edge_correction;
    double gaussian_cutoff; /**< in sigmas; 0 = 4 */
    /** Binned mode (not the default): each incident is moved to the centre
     *  of its pixel first, so all the incidents of a pixel count as one
     *  weighted point. Faster when incidents outnumber pixels; each kernel
     *  is then off by at most half a pixel diagonal (docs/methods.md gives
     *  the bound and the measured error). */
    int binned;
} hs_kde_options;

HS_API void hs_kde_options_init(hs_kde_options *opts);
HS_API const char *hs_kernel_name(hs_kernel kernel);
HS_API const char *hs_bandwidth_rule_name(hs_bandwidth_rule rule);

/**
 * Bandwidth of a rule for these incidents and kernel (metres; for the
 * gaussian, sigma), before bandwidth_adjust.
 */
HS_API hs_status hs_kde_bandwidth(hs_ctx *ctx, const hs_incidents *inc, hs_bandwidth_rule rule,
                                  hs_kernel kernel, double *bandwidth_m);

/** Opaque raster: Float32 pixels, rows from the top, nodata where no
 *  kernel reaches or outside the mask. */
typedef struct hs_raster hs_raster;

typedef struct hs_raster_info {
    size_t width, height;
    double x_min, y_max; /**< top-left corner, working CRS */
    double pixel_size_m;
    float nodata;
    double min, max, sum; /**< over data pixels */
    size_t data_pixels;
    hs_kernel kernel;
    double bandwidth_m;
    hs_bandwidth_rule rule;
    hs_kde_units units;
    uint64_t incidents; /**< incidents that contributed */
} hs_raster_info;

/**
 * Exact kernel density: every incident contributes weight x kernel of its
 * true distance to every pixel centre within reach. Uses the context's
 * threads; the result is byte-identical for any thread count.
 * out: owned; hs_raster_destroy.
 */
HS_API hs_status hs_kde_compute(hs_ctx *ctx, const hs_incidents *inc, const hs_kde_options *opts,
                                hs_raster **out);

/**
 * The same sums at n given locations (no grid, no mask), into the caller's
 * array values, in raw or density units. opts->bandwidth_m must be set.
 */
HS_API hs_status hs_kde_at(hs_ctx *ctx, const hs_incidents *inc, const hs_kde_options *opts,
                           const double *x, const double *y, size_t n, double *values);

HS_API void hs_raster_destroy(hs_raster *r);
HS_API hs_status hs_raster_info_get(const hs_raster *r, hs_raster_info *out);
/** Borrowed pixels, width x height, rows from the top. */
HS_API const float *hs_raster_values(const hs_raster *r);

typedef enum hs_raster_op {
    HS_RASTER_RATIO = 0,  /**< a / b; nodata where b is 0 */
    HS_RASTER_DIFFERENCE, /**< a - b */
    HS_RASTER_LOG_RATIO   /**< ln(a / b); nodata where a or b is 0 */
} hs_raster_op;

/** Pixel by pixel a op b, on the same grid (nodata where either is).
 *  out: owned; hs_raster_destroy. */
HS_API hs_status hs_raster_compare(hs_ctx *ctx, const hs_raster *a, const hs_raster *b,
                                   hs_raster_op op, hs_raster **out);

/**
 * Writes the raster by extension: ".tif" (GeoTIFF, Float32, deflate,
 * georeferenced by GeoTIFF keys, nodata set, the method in its metadata;
 * with a QGIS ".qml" style and a ".json" sidecar beside it) or ".asc" (ESRI
 * ASCII grid with a ".prj"). Written to temporary names and renamed.
 */
HS_API hs_status hs_raster_write(hs_ctx *ctx, const hs_raster *r, const char *path);

/**
 * Hotspot outlines: for each p in top_pct (percent of the data area), the
 * pixels whose value is at or above the level that the top p% of the area
 * reach, merged into polygons; written as a layer (see Vector outputs) with
 * top_pct, level, pixels, area_km2. Atomic.
 */
HS_API hs_status hs_raster_contours_write(hs_ctx *ctx, const hs_raster *r, const double *top_pct,
                                          size_t n, const char *path);

/* ------------------------------------------------------------------------ */
/* Hotspot statistics: Getis-Ord local G                                    */
/* ------------------------------------------------------------------------ */

/**
 * Getis-Ord local statistics with binary weights (Getis & Ord 1992; Ord &
 * Getis 1995), as analytical z-scores, for n units with values x and
 * neighbour lists in compressed form (unit i's neighbours are
 * nb[nb_start[i] .. nb_start[i+1]-1], not including i). self = 1 gives
 * Gi* (i counts as its own neighbour; mean and variance over all n units);
 * self = 0 gives Gi (mean and variance over the n - 1 others). Formulas in
 * docs/methods.md. z[i] is NAN where undefined (no neighbours; constant
 * values). Caller-sized arrays; pure function.
 */
HS_API hs_status hs_getis_ord(const double *x, size_t n, const uint32_t *nb_start,
                              const uint32_t *nb, int self, double *z);

/**
 * hs_getis_ord for a part of a larger set of units (a tile of a grid, with
 * its ring of neighbours), with the mean and variance taken from the whole
 * set: n_all units whose values sum to sum and whose squares sum to sum_sq
 * (gathered first; hotspot.dask sums them exactly, in any order). z[i] is
 * computed for each of the n given units exactly as hs_getis_ord computes it
 * over the whole set when the moments are the same doubles; units whose
 * neighbours are not all among the n (the ring) get a z to throw away.
 */
HS_API hs_status hs_getis_ord_moments(const double *x, size_t n, const uint32_t *nb_start,
                                      const uint32_t *nb, int self, size_t n_all, double sum,
                                      double sum_sq, double *z);

/** Two-sided normal p-values 2 Phi(-|z|) (NAN stays NAN). */
HS_API void hs_p_two_sided(const double *z, size_t n, double *p);

/** Benjamini-Hochberg adjusted p-values (as R's p.adjust(method = "BH")),
 *  over the defined (non-NAN) p; q may be p. */
HS_API hs_status hs_fdr_bh(const double *p, size_t n, double *q);

/** ArcGIS's Gi_Bin: 3, 2, 1 for hot spots at 99, 95, 90% confidence
 *  (p < 0.01, 0.05, 0.10 and z > 0), -3..-1 for cold spots, 0 otherwise. */
HS_API int hs_gi_bin(double z, double p);

/**
 * Gi* (or Gi) over units with their neighbours built
 * (hs_units_build_neighbours). values: one per unit (counts or harm sums).
 * p: two-sided, Benjamini-Hochberg adjusted when fdr. bin: hs_gi_bin of z
 * and that p. Caller-sized arrays of hs_units_count entries.
 */
HS_API hs_status hs_units_getis_ord(hs_ctx *ctx, const hs_units *units, const double *values,
                                    int self, int fdr, double *z, double *p, int *bin);

/* ------------------------------------------------------------------------ */
/* Concentration and hotspot ranking                                        */
/* ------------------------------------------------------------------------ */

/** How concentrated values (counts or harm) are over units. */
typedef struct hs_concentration {
    size_t units;
    double total;
    double top_share_pct[3]; /**< share in the top 1%, 5%, 10% of units
                                  (ceil of the share of units, at least 1) */
    double gini;             /**< standard Gini (Lorenz curve), biased form */
    /** Bernasco & Steenbeek (2017), for counts when events < units:
     *  max(1, n/N) (G - 1) + 1, i.e. against maximal equality given the
     *  data; equal to gini when N >= n. */
    double gini_generalised;
} hs_concentration;

/**
 * Concentration of n values; events = the number of incidents behind them
 * (for the generalised Gini; pass the sum for counts). lorenz_x/lorenz_y:
 * NULL, or caller-sized arrays of n + 1 points of the concentration curve
 * (units sorted from most to least: share of units, cumulative share of
 * the total), from (0, 0) to (1, 1).
 */
HS_API hs_status hs_concentration_compute(const double *values, size_t n, double events,
                                          hs_concentration *out, double *lorenz_x,
                                          double *lorenz_y);

typedef struct hs_hotspot_options {
    size_t top;              /**< how many hotspots (default 20); 0 with all */
    int all;                 /**< every unit, in rank order */
    int significant;         /**< only units hot at 95% (Gi* bin >= 2) */
    double min_separation_m; /**< between chosen centroids; 0 = none */
    int self;                /**< 1: Gi* (default), 0: Gi */
    int fdr;                 /**< Benjamini-Hochberg on p (default 1) */
} hs_hotspot_options;

HS_API void hs_hotspot_options_init(hs_hotspot_options *opts);

/** Opaque ranked hotspots; keeps borrowed pointers to the units,
 *  incidents and wards it was computed from. */
typedef struct hs_hotspots hs_hotspots;

typedef struct hs_hotspot {
    uint32_t unit, rank;
    uint64_t count;
    double harm;          /**< sum of incident weights (harm) */
    double share_pct;     /**< of the ranking value (harm) over all units */
    double cum_share_pct; /**< of this and every higher-ranked hotspot */
    double area_share_pct;
    double pai; /**< share_pct / area_share_pct */
    double gistar_z, gistar_p;
    int gistar_bin;
    double x, y, lon, lat; /**< centroid */
    const char *ward;      /**< code of the ward holding the centroid, or "" */
    const char *ward_name; /**< that ward's name, or "" */
} hs_hotspot;

/**
 * Ranks units (neighbours built) by harm (the incidents' weights: counts
 * when every weight is 1), ties by code; Gi* on the same values. unit_of:
 * from hs_units_locate. wards: NULL, or polygons to name each hotspot's
 * ward. out: owned; hs_hotspots_destroy.
 */
HS_API hs_status hs_hotspots_compute(hs_ctx *ctx, const hs_units *units, const hs_incidents *inc,
                                     const uint32_t *unit_of, const hs_units *wards,
                                     const hs_hotspot_options *opts, hs_hotspots **out);
HS_API void hs_hotspots_destroy(hs_hotspots *h);
HS_API size_t hs_hotspots_count(const hs_hotspots *h);
HS_API hs_status hs_hotspots_get(const hs_hotspots *h, size_t i, hs_hotspot *out);
/** Concentration of counts and of harm over all units. */
HS_API hs_status hs_hotspots_concentration(const hs_hotspots *h, hs_concentration *counts,
                                           hs_concentration *harm);
/** The longest month axis of a profile (ten years). */
#define HS_PROFILE_MONTHS 120

/**
 * When a hotspot's incidents happened, and what they were. One rule for
 * every output (the hotspots CSV and GeoJSON, the patrol plan's visit
 * hours and the report page): a table is profiled by weekday and hour when
 * more than half its incidents have a time of day (hs_hotspots_timed; the
 * untimed ones are then left out of the hours), else by month (data.police.uk
 * gives months only).
 */
typedef struct hs_hotspot_profile {
    int timed;            /**< hours, weekdays and week hold the profile */
    uint64_t hours[24];   /**< by hour of day */
    uint64_t weekdays[7]; /**< Monday first */
    uint64_t week[7][24]; /**< weekday x hour */
    int64_t first_month;  /**< year * 12 + month - 1 of months[0]: the table's first dated month */
    size_t month_count;   /**< the table's dated span in months; 0 when over HS_PROFILE_MONTHS */
    uint64_t months[HS_PROFILE_MONTHS];
    char top_types[512]; /**< its three most frequent crime types: "Robbery (3); ..." */
    /** Its most common place text (police.uk's Location, "On or near High
     *  Street"; "" when none was read) and that text's share of its
     *  incidents; ties go to the text read first. */
    char location[256];
    double location_pct;
    /** The share of its incidents at its busiest single point (identical
     *  coordinates): police.uk snaps incidents to map points, so a place
     *  whose incidents mostly share one point is that point, not an area. */
    double one_point_pct;
} hs_hotspot_profile;

/** 1 when the hotspots' incidents are profiled by hour (the rule above). */
HS_API int hs_hotspots_timed(const hs_hotspots *h);
/** The profile of the i-th hotspot (rank i + 1). */
HS_API hs_status hs_hotspots_profile(const hs_hotspots *h, size_t i, hs_hotspot_profile *out);

/**
 * Writes the hotspots (see Vector outputs: .geojson, .csv or .shp), with
 * each hotspot's top crime types and time profile (hs_hotspots_profile:
 * hours and weekdays, or months). Atomic.
 */
HS_API hs_status hs_hotspots_write(hs_ctx *ctx, const hs_hotspots *h, const char *path);

/** Writes the concentration of counts and harm over all units as JSON:
 *  top 1/5/10% shares, Gini, generalised Gini, and the concentration curve
 *  at every 1% of units (101 points). Atomic. */
HS_API hs_status hs_hotspots_write_summary(hs_ctx *ctx, const hs_hotspots *h, const char *path);

/**
 * Sets every incident's weight from a harm table: CSV with a header naming
 * "category" and "weight" (e.g. Cambridge Crime Harm Index days). Incidents
 * of categories not in the table get weight 0 and are counted in
 * *unmatched (may be NULL).
 */
HS_API hs_status hs_incidents_apply_harm(hs_ctx *ctx, hs_incidents *inc, const char *path,
                                         uint64_t *unmatched);

/* ------------------------------------------------------------------------ */
/* Change, trends and evaluation (pure functions)                           */
/* ------------------------------------------------------------------------ */

/** Mann-Kendall trend test of a series in time order. */
typedef struct hs_mann_kendall {
    double s;     /**< sum over i < j of sign(x_j - x_i) */
    double var_s; /**< with the tie correction */
    double tau;   /**< Kendall's tau-b against time */
    double z;     /**< with continuity correction: (S -/+ 1) / sqrt(var) */
    double p;     /**< two-sided, normal */
} hs_mann_kendall;

HS_API hs_status hs_mann_kendall_compute(const double *x, size_t n, hs_mann_kendall *out);

/**
 * Is the change from before to after more than chance? Under equal rates,
 * after | before + after ~ Binomial(before + after, share), share = the
 * after period's share of the time (0.5 for equal periods). Returns the
 * exact two-sided p-value as R's binom.test (NAN when both are 0).
 */
HS_API double hs_change_p(uint64_t before, uint64_t after, double share);

typedef enum hs_emerging {
    HS_EMERGING_NONE = 0,
    HS_EMERGING_NEW_HOT,
    HS_EMERGING_CONSECUTIVE_HOT,
    HS_EMERGING_INTENSIFYING_HOT,
    HS_EMERGING_PERSISTENT_HOT,
    HS_EMERGING_DIMINISHING_HOT,
    HS_EMERGING_SPORADIC_HOT,
    HS_EMERGING_OSCILLATING_HOT,
    HS_EMERGING_HISTORICAL_HOT,
    HS_EMERGING_NEW_COLD,
    HS_EMERGING_CONSECUTIVE_COLD,
    HS_EMERGING_INTENSIFYING_COLD,
    HS_EMERGING_PERSISTENT_COLD,
    HS_EMERGING_DIMINISHING_COLD,
    HS_EMERGING_SPORADIC_COLD,
    HS_EMERGING_OSCILLATING_COLD,
    HS_EMERGING_HISTORICAL_COLD,
    HS_EMERGING_COUNT_
} hs_emerging;

/** "new hot spot", ..., "no pattern". */
HS_API const char *hs_emerging_name(hs_emerging e);

/**
 * ArcGIS Emerging Hot Spot Analysis categories for one unit from its Gi*
 * z-scores and p-values over t periods (oldest first): a period is hot
 * (cold) when p < alpha and z > 0 (< 0); trends are Mann-Kendall on z at
 * 0.05. Rules in docs/methods.md.
 */
HS_API hs_emerging hs_emerging_classify(const double *z, const double *p, size_t t, double alpha);

/* ---- Emerging hotspots over periods ----------------------------------- */

typedef enum hs_period {
    HS_PERIOD_AUTO = 0, /**< year if the data span 8 or more years, quarter
                             if 8 or more quarters, else month */
    HS_PERIOD_MONTH,
    HS_PERIOD_QUARTER,
    HS_PERIOD_YEAR
} hs_period;

typedef struct hs_trend_options {
    hs_period period;
    double alpha; /**< a period is hot/cold when Gi* p < alpha; 0: 0.10 */
    int fdr;      /**< Benjamini-Hochberg over the units within each period */
} hs_trend_options;

/** Defaults: period auto, alpha 0.10, FDR on. */
HS_API void hs_trend_options_init(hs_trend_options *opts);

/** One unit's history: Gi* each period, its trend, its category. */
typedef struct hs_trend_unit {
    hs_emerging category;
    uint32_t hot_periods, cold_periods;
    double total;          /**< incidents (weights) over all periods */
    hs_mann_kendall trend; /**< Mann-Kendall on the unit's Gi* z series */
    double z_last, p_last; /**< Gi* in the final period */
} hs_trend_unit;

typedef struct hs_trend hs_trend;

/**
 * Splits the dated incidents into consecutive periods from the first
 * incident's to the last's (empty periods included), sums each unit's
 * weights per period, computes Gi* per period over the units' neighbours
 * (built first: hs_units_build_neighbours*) and classifies every unit
 * (hs_emerging_classify). unit_of: from hs_units_locate or hs_grid_locate.
 * Undated incidents and those outside every unit are not counted
 * (hs_trend_undated tells how many had no date). units is borrowed and
 * must outlive the result; *out is owned by the caller (hs_trend_destroy).
 */
HS_API hs_status hs_trend_compute(hs_ctx *ctx, const hs_units *units, const hs_incidents *inc,
                                  const uint32_t *unit_of, const hs_trend_options *opts,
                                  hs_trend **out);
HS_API void hs_trend_destroy(hs_trend *t);
HS_API hs_period hs_trend_period(const hs_trend *t);
HS_API size_t hs_trend_period_count(const hs_trend *t);
/** "2024-01", "2024-Q1" or "2024"; borrowed; NULL when out of range. */
HS_API const char *hs_trend_period_label(const hs_trend *t, size_t k);
HS_API uint64_t hs_trend_undated(const hs_trend *t);
HS_API hs_status hs_trend_unit_get(const hs_trend *t, size_t i, hs_trend_unit *out);
/** Borrowed units x periods arrays, row-major (unit i, period k at
 *  i * periods + k): weights summed, Gi* z (NAN where undefined), p. */
HS_API const double *hs_trend_values(const hs_trend *t);
HS_API const double *hs_trend_z(const hs_trend *t);
HS_API const double *hs_trend_p(const hs_trend *t);
/**
 * Writes the units with any incident or any category other than no
 * pattern (see Vector outputs; .csv and .shp add the centroid x, y in the
 * working CRS), columns id, category, hot_periods, cold_periods, total, trend_tau,
 * trend_z, trend_p, z_last, p_last and one count per period (n_LABEL).
 * Written to a temporary name and renamed.
 */
HS_API hs_status hs_trend_write(hs_ctx *ctx, const hs_trend *t, const char *path);
/** Adds the units' names and place columns to the trend layer (name,
 *  location, location_pct, one_point_pct, ward_code, ward_name; as
 *  hs_tally_set_place_names); the strings are copied. */
HS_API hs_status hs_trend_set_place_names(hs_ctx *ctx, hs_trend *t, const hs_place_name *names);

/** How well places chosen on one period capture another's incidents. */
typedef struct hs_capture {
    double hit_rate_pct; /**< 100 n / N */
    double pai;          /**< (n / N) / (a / A) (Chainey et al. 2008) */
    double pei;          /**< n / n*: n* the most incidents any choice of the
                              same number of units captures (Hunt 2016) */
    double rri;          /**< (n_after / n_before) / (N_after / N_before)
                              (Levine 2008); NAN without a before period */
} hs_capture;

/**
 * Units' incidents in the evaluation period (after[i]), optionally in the
 * period they were chosen on (before[i], may be NULL), their areas, and
 * which were chosen (chosen[i] != 0). Equal-sized units are assumed for
 * PEI's best set (the units with the most incidents, as many as chosen).
 */
HS_API hs_status hs_capture_compute(const double *after, const double *before, const double *area,
                                    const int *chosen, size_t n, hs_capture *out);

/** Weighted displacement quotient (Bowers & Johnson 2003). */
typedef struct hs_wdq {
    double success;    /**< A1/C1 - A0/C0: negative = crime fell in A */
    double buffer;     /**< B1/C1 - B0/C0 (buffer displacement measure) */
    double wdq;        /**< buffer / success */
    double net_effect; /**< total net effect in incidents:
                            (A0 C1/C0 - A1) + (B0 C1/C0 - B1) */
} hs_wdq;

/** Counts of the treated area (a), buffer (b) and control (c), before (0)
 *  and after (1). */
HS_API hs_status hs_wdq_compute(double a0, double a1, double b0, double b1, double c0, double c1,
                                hs_wdq *out);

/** Units from grid cell ids ("sq150_3753_1157", as hs_grid_cell_id writes
 *  them; default origin), e.g. the hotspots of a CSV. out: owned. */
HS_API hs_status hs_units_from_cell_ids(hs_ctx *ctx, const char *const *ids, size_t n,
                                        hs_units **out);

/** Incidents in the treated area, its buffer ring and the control area,
 *  before and after, and the weighted displacement quotient. */
typedef struct hs_displacement {
    double a0, a1, b0, b1, c0, c1; /**< counts (weights summed) */
    double area_km2[3];            /**< treated, buffer ring, control */
    hs_wdq wdq;
} hs_displacement;

/** What hs_displacement_compute measures. */
typedef struct hs_displacement_options {
    const hs_units *treated; /**< the treated places (their union is A) */
    double buffer_m;         /**< the width of the buffer ring B around A (> 0) */
    const hs_units *control; /**< the control area (its union less A and B is C) */
    /** The two periods (inclusive, YYYY-MM or YYYY-MM-DD). */
    const char *before_from, *before_to, *after_from, *after_to;
} hs_displacement_options;

/** Zeroes opts: no areas, no buffer, no periods (all must be given). */
HS_API void hs_displacement_options_init(hs_displacement_options *opts);

/**
 * Treated area = the union of treated; buffer ring = within buffer_m of
 * it, outside it; control = the union of control minus both (control may
 * be the whole study area). Incidents are counted in the before and after
 * periods.
 */
HS_API hs_status hs_displacement_compute(hs_ctx *ctx, const hs_incidents *inc,
                                         const hs_displacement_options *opts, hs_displacement *out);
/** What the WDQ says, in words (Bowers & Johnson 2003's reading): "diffusion
 *  of benefits into the buffer", ... Static. */
HS_API const char *hs_displacement_reading(const hs_displacement *d);
/** Writes the counts, areas, measures and reading as CSV (measure,value). Atomic. */
HS_API hs_status hs_displacement_write(hs_ctx *ctx, const hs_displacement *d, const char *path);

/** Hotspots chosen on one period, measured on another (hs_evaluate). */
typedef struct hs_evaluation {
    size_t units;                            /**< the study area's units */
    size_t hotspots;                         /**< the chosen ids found among them */
    size_t hotspots_missing;                 /**< chosen ids not among them (another cell size?) */
    double incidents_in_hotspots, incidents; /**< in the measured period */
    double hotspot_area_km2, study_area_km2;
    int has_before;     /**< a period chosen on was given: RRI and the curve use it */
    hs_capture capture; /**< hit rate, PAI, PEI, RRI */
    /** The measured period and the one chosen on ("2024-03..2024-04"; ".."
     *  ends open; "" when not given) and their lengths in days (NAN when
     *  open-ended). RRI is a ratio of ratios over the same two periods, so
     *  their lengths cancel; they are stated so the reader knows what was
     *  compared. */
    char period[48], chosen_period[48];
    double days, days_before;
} hs_evaluation;

/**
 * Evaluates the units whose codes are ids[0..n) (hotspots chosen on
 * periods->compare_from..compare_to, or on anything when that is NULL) on
 * the incidents of periods->from..to. unit_of: each incident's unit
 * (hs_units_locate). curve: NULL, or 2 x (units + 1) doubles the capture
 * curve is written to (share of area %, share of incidents %; from 0,0),
 * the units ranked by the period chosen on (or by the measured one when
 * there is none: the best possible curve), ties in unit order.
 */
HS_API hs_status hs_evaluate(hs_ctx *ctx, const hs_units *units, const hs_incidents *inc,
                             const uint32_t *unit_of, const hs_tally_options *periods,
                             const char *const *ids, size_t n, hs_evaluation *out, double *curve);
/** Writes the measures as CSV (measure,value). Atomic. */
HS_API hs_status hs_evaluation_write(hs_ctx *ctx, const hs_evaluation *e, const char *path);
/** Writes a capture curve of hs_evaluate as CSV (units, share_of_area_pct,
 *  share_of_incidents_pct). Atomic. */
HS_API hs_status hs_capture_curve_write(hs_ctx *ctx, const double *curve, size_t units,
                                        const char *path);

/* ------------------------------------------------------------------------ */
/* Patrol plans                                                             */
/* ------------------------------------------------------------------------ */

/** A hotspot to patrol, as read from a hotspots CSV. */
typedef struct hs_patrol_site {
    uint32_t rank;
    char *id; /**< owned by the array (hs_patrol_sites_free) */
    double lon, lat;
    uint64_t hours[24]; /**< incidents by hour of day, when known */
    int has_hours;
    char *location; /**< its most common place text ("On or near High Street"), or NULL;
                         owned by the array */
} hs_patrol_site;

typedef struct hs_patrol_options {
    int days;                         /**< default 28 */
    int visits_per_day;               /**< per patrolled hotspot; default 2 */
    int minutes;                      /**< per visit; default 15 (Koper curve) */
    int half;                         /**< a random half patrolled each day, balanced */
    uint64_t seed;                    /**< same seed, same plan; default 1 */
    const char *start_date;           /**< "YYYY-MM-DD" for dates; NULL: day numbers */
    int window_start_h, window_end_h; /**< when no hours: default 12-24 */
} hs_patrol_options;

HS_API void hs_patrol_options_init(hs_patrol_options *opts);
/** Reads the CSV written by hs_hotspots_write (rank, id, lon, lat, and
 *  hours when present). out: owned; hs_patrol_sites_free. */
HS_API hs_status hs_patrol_sites_read(hs_ctx *ctx, const char *path, hs_patrol_site **out,
                                      size_t *n);
/** The chosen hotspots of h as sites, exactly as hs_patrol_sites_read reads
 *  them from the CSV hs_hotspots_write makes of h. out: owned. */
HS_API hs_status hs_patrol_sites_from_hotspots(hs_ctx *ctx, const hs_hotspots *h,
                                               hs_patrol_site **out, size_t *n);
HS_API void hs_patrol_sites_free(hs_patrol_site *sites, size_t n);
/** HS_EINVAL, naming the site, when a grid-cell id rebuilt in the working
 *  CRS does not hold that site's lon/lat (the hotspots were made in another
 *  --crs). hs_patrol_geofences_write checks this itself. */
HS_API hs_status hs_patrol_sites_check(hs_ctx *ctx, const hs_patrol_site *sites, size_t n);
/**
 * Writes the schedule as CSV: day, date, weekday, rank, id, lon, lat, arm
 * (patrol or control), visit, start, end, minutes. Visit times are drawn
 * from the site's busiest hours (weighted by its incidents per hour) when
 * known, else uniformly in the window. Atomic; deterministic for a seed.
 */
HS_API hs_status hs_patrol_plan_write(hs_ctx *ctx, const hs_patrol_site *sites, size_t n,
                                      const hs_patrol_options *opts, const char *path);
/** Writes the sites' outlines as a layer (GeoJSON for GPS geofencing, or
 *  .shp; see Vector outputs): grid cells
 *  rebuilt from their ids (default origin), other ids looked up among
 *  units (may be NULL). Atomic. */
HS_API hs_status hs_patrol_geofences_write(hs_ctx *ctx, const hs_patrol_site *sites, size_t n,
                                           const hs_units *units, const char *path);

/* ------------------------------------------------------------------------ */
/* Sharing: QGIS project and HTML report                                    */
/* ------------------------------------------------------------------------ */

/** A layer of a QGIS project: its file and style, relative to the project's
 *  folder. */
typedef struct hs_project_layer {
    const char *name;  /**< shown in QGIS's layers panel */
    const char *path;  /**< the data (.geojson, .shp, .tif), or an XYZ tile URL */
    const char *style; /**< its .qml, embedded in the project; NULL: style_xml */
    /** 0: a vector layer (ogr); 1: a GeoTIFF (gdal); 2: XYZ web tiles (path
     *  is the URL template, {z}/{x}/{y}; drawn only when online). */
    int raster;
    const char *crs;         /**< the file's CRS; NULL: the working CRS (GeoJSON: "EPSG:4326") */
    const char *attribution; /**< the data's licence line; NULL: none */
    const char *style_xml;   /**< a style given inline (the elements inside <qgis>); NULL: none */
    int hidden;              /**< 1: in the project but switched off */
} hs_project_layer;

/**
 * Writes a QGIS 3 project (.qgs) opening layers[0..n) styled, drawn in that
 * order (layers[0] at the bottom), in the context's working CRS, with
 * relative paths (the folder can be moved or zipped). extent: the initial
 * view (x_min, y_min, x_max, y_max) or NULL. Atomic.
 */
HS_API hs_status hs_project_write_qgs(hs_ctx *ctx, const hs_project_layer *layers, size_t n,
                                      const char *title, const double extent[4], const char *path);

/** What goes in the HTML report (every pointer borrowed for the call). */
typedef struct hs_report {
    const char *title, *subtitle;
    const hs_incidents *incidents; /**< required: what was read and rejected */
    const hs_tally *wards;         /**< the ward table and map; NULL: none */
    const hs_raster *density;      /**< drawn under the hotspots; NULL: none */
    const hs_hotspots *hotspots;   /**< top places, time profiles; NULL: none */
    /** Name, value pairs: the parameters used (2 x parameter_count). */
    const char *const *parameters;
    size_t parameter_count;
    /** File, what it is pairs: the outputs written (2 x file_count). */
    const char *const *files;
    size_t file_count;
    const char *const *licences; /**< the data's attribution lines */
    size_t licence_count;
    /** The ward table's periods as given ("2024-03..2024-04"), named with
     *  their lengths beside a comparison; NULL: not named. */
    const char *period, *compare_period;
} hs_report;

/**
 * Writes one self-contained HTML page (no scripts, fonts or images from
 * the network; the map is inline SVG with the density as an embedded PNG):
 * summary, map (wards shaded by count, density, hotspots), ward table, top
 * hotspots with their time profiles, concentration curve, rejects by
 * reason, parameters, outputs and licences. Laid out for A4 when printed.
 * Atomic; the same inputs give the same bytes.
 */
HS_API hs_status hs_report_write_html(hs_ctx *ctx, const hs_report *report, const char *path);

/* ------------------------------------------------------------------------ */
/* Jobs: each hotspot command as one call                                   */
/* ------------------------------------------------------------------------ */

/**
 * A job is everything one `hotspot` command does, as GDAL's gdal_utils.h
 * makes each utility one call: create a job for a command, give it inputs
 * and settings by name (the command's long options, without "--", with
 * the same values and bounds), and run it. The run reads the inputs,
 * computes, writes every output as one all-or-nothing set of files (see
 * Outputs) and says what it did through the context's log. The `hotspot`
 * tool is this and nothing more, so a program linking libhotspot can do
 * all it does.
 *
 *     hs_job *job = NULL;
 *     hs_job_create(ctx, HS_COMMAND_REPORT, &job);
 *     hs_job_add_input(ctx, job, "2024-01-kent-street.csv");
 *     hs_job_set(ctx, job, "crime-type", "Violence and sexual offences");
 *     hs_job_set(ctx, job, "output", "out");
 *     hs_status st = hs_job_run(ctx, job);
 *     hs_job_destroy(job);
 */
typedef enum hs_command {
    HS_COMMAND_GRID,         /**< counts per grid cell */
    HS_COMMAND_WARDS,        /**< the ward table */
    HS_COMMAND_KDE,          /**< kernel density surface */
    HS_COMMAND_HOTSPOTS,     /**< Gi* hotspots, top N */
    HS_COMMAND_PATROL,       /**< a randomised patrol plan */
    HS_COMMAND_CHANGE,       /**< before/after per place */
    HS_COMMAND_EVALUATE,     /**< hit rate, PAI, PEI, RRI, capture curve */
    HS_COMMAND_DISPLACEMENT, /**< weighted displacement quotient */
    HS_COMMAND_TREND,        /**< emerging hotspots */
    HS_COMMAND_CHECK,        /**< rows read, used and rejected */
    HS_COMMAND_REPORT,       /**< the whole job: tables, layers, QGIS project, HTML page */
    HS_COMMAND_COUNT_
} hs_command;

/** The command's name ("grid", "report", ...); NULL when out of range. */
HS_API const char *hs_command_name(hs_command cmd);
/** HS_EINVAL when name is no command. */
HS_API hs_status hs_command_from_name(const char *name, hs_command *out);

typedef struct hs_job hs_job;

/** A new job for cmd with the library's defaults. out: owned (hs_job_destroy). */
HS_API hs_status hs_job_create(hs_ctx *ctx, hs_command cmd, hs_job **out);
/** NULL is accepted. */
HS_API void hs_job_destroy(hs_job *job);
/** The command job runs (HS_COMMAND_COUNT_ for NULL). */
HS_API hs_command hs_job_command(const hs_job *job);
/** Adds an input (a CSV of incidents; patrol: the hotspots CSV). Copied. */
/**
 * Gives the job an incidents table (borrowed until hs_job_run returns) to
 * use instead of reading input files: the job works on a copy, with its
 * crime types and periods applied as the reader would apply them (rows
 * left out become rejects). For callers that read the incidents once, or
 * made them from arrays (hs_incidents_add_arrays).
 */
HS_API hs_status hs_job_set_incidents(hs_ctx *ctx, hs_job *job, const hs_incidents *inc);
HS_API hs_status hs_job_add_input(hs_ctx *ctx, hs_job *job, const char *path);
/**
 * Sets one setting by name: a long option of the command without "--"
 * ("cell-size", "kernel", "before", ...). value is copied; NULL for a
 * switch ("edge-correction"). Repeatable settings ("wards", "versus",
 * "crime-type") add to the list. HS_EINVAL, with a message naming the
 * setting, the value and what it must be, when the name is not a setting
 * of this command or the value is out of its bounds (hs_setting_get).
 */
HS_API hs_status hs_job_set(hs_ctx *ctx, hs_job *job, const char *name, const char *value);
/**
 * Reads settings from a file of "name = value" lines (# comments; "input =
 * FILE" adds an input; a bare name or "name = yes" turns a switch on, "no"
 * leaves it off), a regular file of at most 1 MB, LF, CRLF or CR, a UTF-8
 * byte-order mark ignored. Settings given after this call are added to or
 * replace these, so a command line read after a file wins.
 */
HS_API hs_status hs_job_read_settings(hs_ctx *ctx, hs_job *job, const char *path);
/** Runs the job: see hs_command. The job is not changed and may be run again. */
HS_API hs_status hs_job_run(hs_ctx *ctx, const hs_job *job);

/** A setting's description, for help texts and bindings. */
typedef struct hs_setting {
    const char *name;  /**< the long option without "--" */
    const char *value; /**< what its value looks like ("M", "FILE.shp"); NULL: a switch */
    const char *help;  /**< one line, with the default */
    unsigned commands; /**< bit (1u << cmd) set for each command that takes it */
    double min, max;   /**< bounds of a number (both 0: not a number) */
} hs_setting;
/** The number of settings (a name may appear twice, for other commands). */
HS_API size_t hs_setting_count(void);
HS_API hs_status hs_setting_get(size_t i, hs_setting *out);

/* ------------------------------------------------------------------------ */
/* Enum names: one table each, for command lines, settings files and pages  */
/* ------------------------------------------------------------------------ */

/** hs_kernel_from_name("quartic") and so on: HS_EINVAL for an unknown name. */
HS_API hs_status hs_kernel_from_name(const char *name, hs_kernel *out);
/** "thumb", "scott", "silverman" (hs_bandwidth_rule_name gives the long form). */
HS_API hs_status hs_bandwidth_rule_from_name(const char *name, hs_bandwidth_rule *out);
HS_API const char *hs_bandwidth_rule_short_name(hs_bandwidth_rule rule);
/** "raw", "density", "count". */
HS_API hs_status hs_kde_units_from_name(const char *name, hs_kde_units *out);
HS_API const char *hs_kde_units_name(hs_kde_units units);
/** "square", "hex". */
HS_API hs_status hs_grid_shape_from_name(const char *name, hs_grid_shape *out);
HS_API const char *hs_grid_shape_name(hs_grid_shape shape);
/** "month", "quarter", "year", "auto". */
HS_API hs_status hs_period_from_name(const char *name, hs_period *out);
HS_API const char *hs_period_name(hs_period period);
/** "snapped", "qgis" ("exact" is for a grid given whole, not a name). */
HS_API hs_status hs_kde_grid_from_name(const char *name, hs_kde_grid *out);
/** "ratio", "difference", "log-ratio". */
HS_API hs_status hs_raster_op_from_name(const char *name, hs_raster_op *out);
HS_API const char *hs_raster_op_name(hs_raster_op op);

#ifdef __cplusplus
}
#endif
#endif /* HOTSPOT_H */
