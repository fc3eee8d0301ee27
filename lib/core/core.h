/*
 * core.h — internal header of lib/core/; never installed. Internal names use the
 * hs__ prefix.
 *
 * The bottom layer: the context's fields, allocation through its hook,
 * errors and the log, names of enums, numbers and dates, string interning,
 * mapped inputs, staged outputs and atomic files. Depends on nothing of
 * lib/.
 */
#ifndef HS_CORE_H
#define HS_CORE_H

#include "hotspot.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define HS__ERRLEN 1024

/* Bounds of settings, in one place: the options' checks and the job
 * settings (hs_setting_get) both use these. */
#define HS__PATROL_MAX_DAYS 3660
#define HS__PATROL_MAX_VISITS 48
#define HS__PATROL_MAX_MINUTES 240
#define HS__MAX_TOP 1000000
/* The most cells a grid with its empty cells may have by default
 * (hs_grid_options.max_cells, --max-cells). */
#define HS__MAX_CELLS 5000000

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

/* Runs fn(arg, k, nparts) for k = 0 .. nparts - 1, each on its own thread
 * (k = 0 on the caller's) and returns when all have. Parts must split the
 * work by k alone, so the result is the same for any nparts a caller
 * would accept (parallel.c). */
void hs__parallel(int nparts, void (*fn)(void *arg, int part, int nparts), void *arg);

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

/* ---- strtab.c: string interning ---------------------------------------- */

typedef struct hs__strtab {
    char **names;    /* by id, owned */
    uint64_t *slots; /* open addressing: hash's top 32 bits, then id + 1; 0 = empty */
    size_t count, cap, nslots;
} hs__strtab;

/* Id of name (len bytes), adding it when new; UINT32_MAX on no memory. */
uint32_t hs__strtab_intern(const hs_ctx *ctx, hs__strtab *t, const char *name, size_t len,
                           bool *added);
void hs__strtab_free(hs__strtab *t);

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
