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

#define HS__XCACHE 4
#define HS__MAX_THREADS 64
typedef struct hs__xentry hs__xentry;

struct hs_ctx {
    void *proj;  /* PJ_CONTEXT*, owned; only crs.c looks inside */
    hs__xentry *xcache[HS__XCACHE]; /* recent transformations, owned */
    int xnext;
    char *crs;   /* working CRS, owned */
    int threads; /* >= 1 */
    char err[HS__ERRLEN];
};

/* Records a printf-style message on ctx and returns status. */
hs_status hs__error(hs_ctx *ctx, hs_status status, const char *fmt, ...)
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

char *hs__strdup(const char *s);
/* Grows *ptr (of elem bytes each) so it holds at least need elements. */
bool hs__grow(void **ptr, size_t *cap, size_t need, size_t elem);

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
    hs__xform *main;                      /* on the context's PROJ context */
    hs__xform *worker[HS__MAX_THREADS];   /* slot k belongs to worker k */
    bool same;                            /* src and dst are one CRS */
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

/* Checks that crs is a projected CRS with metre axes (message in err). */
hs_status hs__crs_check_metric(hs_ctx *ctx, const char *crs);
/* proj_ctx: a PJ_CONTEXT* to use, or NULL to create one owned by the
 * transform (for worker threads). */
hs__xform *hs__xform_create(void *proj_ctx, const char *src, const char *dst,
                            char *err, size_t errsize);
void hs__xform_destroy(hs__xform *xf);
/* Transforms n points in place; points PROJ cannot transform become
 * HUGE_VAL. Returns false on a PROJ failure of the whole batch. */
bool hs__xform_run(hs__xform *xf, double *x, double *y, size_t n);
/* Area of use of dst as a box in src coordinates (west, south, east,
 * north). Returns false when the CRS has no area of use. */
bool hs__xform_area_in_src(hs__xform *xf, const char *dst, double box[4]);
/* True when a and b name the same CRS. */
bool hs__crs_same(void *proj_ctx, const char *a, const char *b);

/* ---- parse.c: numbers and dates ---------------------------------------- */

/* Parses a decimal number (surrounding spaces allowed). Rejects empty
 * text, trailing junk, NaN and infinities. Correctly rounded. */
bool hs__parse_double(const char *s, size_t len, double *out);
/* Parses ISO 8601 "YYYY-MM", "YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM[:SS[.f]]"
 * with an optional "Z" or "+HH:MM" (ignored: times are local as written). */
bool hs__parse_date(const char *s, size_t len, int64_t *t,
                    hs_time_precision *prec);
/* Seconds after *t that the period of precision prec ends (exclusive). */
int64_t hs__period_end(int64_t t, hs_time_precision prec);

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
const char *hs__csv_record(const char *p, const char *end, hs__field *fields,
                           size_t max, size_t *nfields, uint64_t *newlines,
                           const char **rec_end, hs__csv_result *res);
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
uint32_t hs__strtab_intern(hs__strtab *t, const char *name, size_t len,
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
} hs__cols;

/* Grows every column to hold at least need rows (doubling). */
bool hs__cols_reserve(hs__cols *c, size_t need);
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

bool hs__incidents_reserve_rejects(hs_incidents *inc, size_t need);
/* Adds a file name; returns its index or UINT32_MAX on no memory. */
uint32_t hs__incidents_add_file(hs_incidents *inc, const char *name,
                                bool on_disk);
/* Drops the last file and everything appended since it was added. */
void hs__incidents_truncate(hs_incidents *inc, size_t n, size_t nrej,
                            size_t nfiles);

/* ---- afile.c: write to a temporary name, then rename -------------------- */

typedef struct hs__afile {
    FILE *f;
    char *path, *tmp;
} hs__afile;

hs_status hs__afile_open(hs_ctx *ctx, const char *path, hs__afile *af);
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

#endif
