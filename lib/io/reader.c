/* reader.c — incident CSVs into the incidents table.
 *
 * A file is mapped once and its body split into one chunk per worker thread
 * at line ends. Each worker scans its chunk (csv.c), turns rows into
 * incidents or rejects, and projects its points with its own PROJ context.
 * A split may fall inside a quoted field that spans lines; that is caught
 * afterwards: chunk k is valid only if chunk k-1 stopped exactly where k
 * began, and otherwise k is parsed again from where k-1 stopped. Chunks are
 * then appended in order, so the table, line numbers, category ids and
 * every sum are the same for any thread count.
 *
 * Each row gets one outcome, tested in this order: empty row, field count,
 * no location, bad number, outside the CRS's area of use, bad/no date, bad
 * weight, crime-type filter, date-range filter, and (after projection)
 * outside area when PROJ cannot transform the point. */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* data.police.uk street-level columns, in publication order. */
static const char *const police_cols[12] = {"Crime ID",
                                            "Month",
                                            "Reported by",
                                            "Falls within",
                                            "Longitude",
                                            "Latitude",
                                            "Location",
                                            "LSOA code",
                                            "LSOA name",
                                            "Crime type",
                                            "Last outcome category",
                                            "Context"};

#define PARALLEL_MIN_BYTES (4u << 20)
/* Bytes of CSV per thread and window: big enough that thread start-up and
 * the boundary checks are noise, small enough that a window's parsed
 * columns (about 60 bytes a row) stay in the low hundreds of MB. A variable
 * so that tests can make windows tiny and cross every boundary case. */
size_t hs__reader_window_bytes = (size_t)64 << 20;
#define WINDOW_BYTES hs__reader_window_bytes

typedef struct plan {
    const char *name; /* for messages */
    const char *base; /* start of the file, for offsets */
    const char *end;  /* end of the file */
    size_t nfields;   /* header fields */
    int cx, cy, cdate, ccat, cweight, clabel;
    bool lonlat;
    hs__xentry *xe; /* src -> working CRS, cached on the context */
    bool need_xform;
    bool have_area;
    double area[4];
    bool have_from, have_to;
    int64_t from, to_end;               /* [from, to_end) */
    int64_t plausible_lo, plausible_hi; /* [1900-01-01, 1 January of the year after next) */
    bool day_bound;                     /* a period bound given as YYYY-MM-DD */
    bool have_cmp, have_cfrom, have_cto;
    int64_t cfrom, cto_end;
    const hs_read_options *opts;
    const hs_ctx *ctx; /* for its allocation hook only: chunks run on workers */
    bool count_only;   /* hs_incidents_check_csv: rejects counted, not kept */
    bool snapped;      /* data.police.uk: points repeat (project_distinct) */
} plan;

typedef struct chunk {
    const plan *pl;
    const char *begin, *limit, *stop;
    uint64_t lines; /* line ends consumed from begin to stop */
    hs__cols col;   /* line: relative to the chunk's first line */
    uint64_t *len;  /* record length, for the rejects of projection */
    hs__strtab cats, labels;
    uint8_t *cat_pass;
    size_t cat_pass_cap;
    hs_reject *rej;
    size_t nrej, rejcap;
    uint64_t rows, rejected[HS_REJECT_COUNT_];
    hs_status status;
    uint64_t err_line; /* relative */
    char err[512];
    hs__field *fields;
    char *scratch;
    size_t scratch_cap;
    int slot;          /* transform slot: 0 on the calling thread, k on worker k */
    struct pcache *pc; /* the file's projected map points (shared); NULL: none */
} chunk;

void hs_read_options_init(hs_read_options *opts) {
    if (opts) memset(opts, 0, sizeof *opts);
}

static void chunk_free(chunk *c) {
    hs__cols_free(&c->col);
    free(c->len);
    hs__strtab_free(&c->cats);
    hs__strtab_free(&c->labels);
    free(c->cat_pass);
    free(c->rej);
    free(c->fields);
    free(c->scratch);
}

static void chunk_reset(chunk *c) {
    const plan *pl = c->pl;
    const char *b = c->begin, *l = c->limit;
    chunk_free(c);
    memset(c, 0, sizeof *c);
    c->pl = pl;
    c->begin = b;
    c->limit = l;
}

static bool chunk_grow(chunk *c) {
    if (!hs__cols_reserve(c->pl->ctx, &c->col, c->col.cap + 1)) return false;
    uint64_t *l = hs__realloc(c->pl->ctx, c->len, c->col.cap * sizeof *l);
    if (l) c->len = l;
    return l != NULL;
}

static bool add_reject_at(chunk *c, uint64_t line, hs_reject_reason r, uint64_t off, uint64_t len) {
    if (c->pl->count_only) {
        c->rejected[r]++;
        return true;
    }
    if (!hs__grow(c->pl->ctx, (void **)&c->rej, &c->rejcap, c->nrej + 1, sizeof *c->rej))
        return false;
    hs_reject *j = &c->rej[c->nrej++];
    j->file = 0;
    j->line = line;
    j->reason = r;
    j->offset = off;
    j->length = len;
    c->rejected[r]++;
    return true;
}

static bool add_reject(chunk *c, uint64_t line, hs_reject_reason r, const char *rec,
                       const char *rec_end) {
    return add_reject_at(c, line, r, (uint64_t)(rec - c->pl->base), (uint64_t)(rec_end - rec));
}

static bool blank(const hs__field *f) {
    for (size_t i = 0; i < f->len; i++)
        if (f->s[i] != ' ' && f->s[i] != '\t') return false;
    return true;
}

/* The field's text, unescaped and trimmed (into the chunk's scratch when
 * escaped); false when out of memory. */
static bool field_text(chunk *c, const hs__field *f, const char **s, size_t *len) {
    *s = f->s;
    *len = f->len;
    if (f->escaped) {
        if (!hs__grow(c->pl->ctx, (void **)&c->scratch, &c->scratch_cap, f->len + 1, 1))
            return false;
        *len = hs__csv_unescape(f, c->scratch);
        *s = c->scratch;
    }
    while (*len && (**s == ' ' || **s == '\t'))
        (*s)++, (*len)--;
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
    return true;
}

/* Category id in the chunk's table; the filter verdict is cached per id. */
static bool chunk_category(chunk *c, const hs__field *f, uint32_t *id) {
    const char *s;
    size_t len;
    if (!field_text(c, f, &s, &len)) return false;
    bool added;
    uint32_t k = hs__strtab_intern(c->pl->ctx, &c->cats, s, len, &added);
    if (k == UINT32_MAX) return false;
    if (added) {
        if (!hs__grow(c->pl->ctx, (void **)&c->cat_pass, &c->cat_pass_cap, k + 1, 1)) return false;
        const hs_read_options *o = c->pl->opts;
        bool pass = o->crime_type_count == 0;
        for (size_t i = 0; i < o->crime_type_count && !pass; i++)
            pass = strcasecmp(o->crime_types[i], c->cats.names[k]) == 0;
        c->cat_pass[k] = pass;
    }
    *id = k;
    return true;
}

/* The place text's id in the chunk's table (HS_NO_LABEL when blank). */
static bool chunk_label(chunk *c, const hs__field *f, uint32_t *id) {
    const char *s;
    size_t len;
    *id = HS_NO_LABEL;
    if (!field_text(c, f, &s, &len)) return false;
    if (!len) return true;
    *id = hs__strtab_intern(c->pl->ctx, &c->labels, s, len, NULL);
    return *id != UINT32_MAX;
}

/* Returns false only when out of memory. */
static bool process_row(chunk *c, const hs__field *f, size_t nf, uint64_t line, const char *rec,
                        const char *rec_end) {
    const plan *pl = c->pl;
    c->rows++;
    if (nf == 1 && f[0].len == 0 && !f[0].quoted)
        return add_reject(c, line, HS_REJECT_EMPTY_ROW, rec, rec_end);
    if (nf != pl->nfields) return add_reject(c, line, HS_REJECT_FIELD_COUNT, rec, rec_end);
    const hs__field *fx = &f[pl->cx], *fy = &f[pl->cy];
    if (blank(fx) || blank(fy)) return add_reject(c, line, HS_REJECT_NO_LOCATION, rec, rec_end);
    double x, y;
    if (!hs__parse_double(fx->s, fx->len, &x) || !hs__parse_double(fy->s, fy->len, &y))
        return add_reject(c, line, HS_REJECT_BAD_NUMBER, rec, rec_end);
    /* Latitude and longitude swapped (outside the area of use, inside it
     * swapped) gets its own reason, so the summary says what to fix. */
    bool in_area = !pl->have_area ||
                   (x >= pl->area[0] && y >= pl->area[1] && x <= pl->area[2] && y <= pl->area[3]);
    if (pl->lonlat && (x < -180 || x > 180 || y < -90 || y > 90 || !in_area)) {
        bool swapped = pl->have_area && y >= pl->area[0] && x >= pl->area[1] && y <= pl->area[2] &&
                       x <= pl->area[3];
        return add_reject(c, line, swapped ? HS_REJECT_SWAPPED : HS_REJECT_OUTSIDE_AREA, rec,
                          rec_end);
    }
    if (!in_area) return add_reject(c, line, HS_REJECT_OUTSIDE_AREA, rec, rec_end);
    int64_t t = 0;
    hs_time_precision prec = HS_TIME_NONE;
    if (pl->cdate >= 0) {
        const hs__field *fd = &f[pl->cdate];
        if (blank(fd)) {
            if (pl->have_from || pl->have_to || pl->have_cmp)
                return add_reject(c, line, HS_REJECT_NO_DATE, rec, rec_end);
        } else if (fd->escaped || !hs__parse_date(fd->s, fd->len, &t, &prec)) {
            return add_reject(c, line, HS_REJECT_BAD_DATE, rec, rec_end);
        } else if (pl->day_bound && prec == HS_TIME_MONTH) {
            /* A day bound on month-only data would silently move to the
             * next whole month (methods.md): refuse instead. */
            c->status = HS_EPARSE;
            c->err_line = line;
            hs__format(c->err, sizeof c->err,
                       "this row's date has only a month (%.*s), but a period bound is a day "
                       "within a month: give months (YYYY-MM) for month-only data",
                       (int)(fd->len < 16 ? fd->len : 16), fd->s);
            return false;
        } else if (t < pl->plausible_lo || t >= pl->plausible_hi) {
            /* One typo (0024-01) would otherwise stretch every per-period
             * analysis over two thousand years. */
            return add_reject(c, line, HS_REJECT_IMPLAUSIBLE_DATE, rec, rec_end);
        }
    }
    double w = 1.0;
    if (pl->cweight >= 0) {
        const hs__field *fw = &f[pl->cweight];
        if (!hs__parse_double(fw->s, fw->len, &w) || !(w >= 0 && w <= HS__MAX_WEIGHT))
            return add_reject(c, line, HS_REJECT_BAD_WEIGHT, rec, rec_end);
    }
    uint32_t cat = HS_NO_CATEGORY;
    if (pl->ccat >= 0) {
        if (!chunk_category(c, &f[pl->ccat], &cat)) return false;
        if (!c->cat_pass[cat]) return add_reject(c, line, HS_REJECT_CRIME_TYPE, rec, rec_end);
    }
    bool in_main = !(pl->have_from && t < pl->from) && !(pl->have_to && t >= pl->to_end);
    bool in_cmp =
        pl->have_cmp && !(pl->have_cfrom && t < pl->cfrom) && !(pl->have_cto && t >= pl->cto_end);
    if (!in_main && !in_cmp) return add_reject(c, line, HS_REJECT_DATE_RANGE, rec, rec_end);
    uint32_t label = HS_NO_LABEL;
    if (pl->clabel >= 0 && !pl->count_only && !chunk_label(c, &f[pl->clabel], &label)) return false;
    if (c->col.n == c->col.cap && !chunk_grow(c)) return false;
    size_t i = c->col.n++;
    c->col.x[i] = x;
    c->col.y[i] = y;
    c->col.w[i] = w;
    c->col.t[i] = t;
    c->col.prec[i] = (uint8_t)prec;
    c->col.cat[i] = cat;
    c->col.label[i] = label;
    c->col.line[i] = line;
    c->col.file[i] = 0;
    c->col.off[i] = (uint64_t)(rec - pl->base);
    c->len[i] = (uint64_t)(rec_end - rec);
    return true;
}

static int cmp_reject_line(const void *a, const void *b) {
    const hs_reject *x = a, *y = b;
    return (x->line > y->line) - (x->line < y->line);
}

/* Projects each distinct point once per file: data.police.uk snaps incidents to
 * a fixed set of anonymised map points (Kent's 9 months: 133,737 incidents
 * at 28,244 points), and PROJ costs about half a microsecond a point, most
 * of a grid's time. Points are keyed by their exact bits in an open-
 * addressed table; PROJ transforms each point alone, so the result is the
 * same bytes as projecting every row, whichever thread projected it. Used
 * for police.uk files only: a force extract's exact x/y rarely repeat and
 * would pay for the table (14 % more CPU on 1M unsnapped rows).
 *
 * One table for the file, shared by the reading threads (kept per thread,
 * each thread projected every point again: at 10M rows and 2.1M points,
 * 2.3 CPU-s more): hs__reader_pcache_entries points a thread (1M: 41 MB),
 * kept when full (later new points are projected row by row). Lock-free:
 * an entry's place is claimed by an atomic add, its key written, then
 * published into a slot by compare-and-swap; its x, y are marked ready
 * once projected. A row whose point another thread has claimed but not
 * yet projected is projected itself (the same bits), never waited for. */
typedef struct pcache {
    _Atomic uint32_t *slot;    /* open addressing: entry + 1, 0 = empty; set once */
    _Atomic uint8_t *ready;    /* entry's x, y are written */
    double *lon, *lat, *x, *y; /* by entry */
    _Atomic size_t n;          /* entries claimed (may pass max: then full) */
    size_t cap, max;           /* slots (2 max, a power of two), most entries */
} pcache;

static void pcache_free(pcache *pc) {
    if (!pc) return;
    free((void *)pc->slot), free((void *)pc->ready);
    free(pc->lon), free(pc->lat), free(pc->x), free(pc->y);
    memset(pc, 0, sizeof *pc);
}

/* Test hook: entries a reading thread adds to the table (1M). */
size_t hs__reader_pcache_entries = (size_t)1 << 20;

/* The file's table for nthreads readers; false when out of memory (then
 * every row is projected). */
static bool pcache_make(const hs_ctx *ctx, pcache *pc, int nthreads) {
    memset(pc, 0, sizeof *pc);
    size_t per = hs__reader_pcache_entries ? hs__reader_pcache_entries : 1;
    pc->max = per * (size_t)(nthreads > 0 ? nthreads : 1);
    if (pc->max >= UINT32_MAX / 4) return false;
    pc->cap = 1;
    while (pc->cap < 2 * pc->max)
        pc->cap *= 2;
    pc->slot = hs__calloc(ctx, pc->cap, sizeof *pc->slot);
    pc->ready = hs__calloc(ctx, pc->max, sizeof *pc->ready);
    pc->lon = hs__malloc(ctx, pc->max * sizeof(double));
    pc->lat = hs__malloc(ctx, pc->max * sizeof(double));
    pc->x = hs__malloc(ctx, pc->max * sizeof(double));
    pc->y = hs__malloc(ctx, pc->max * sizeof(double));
    atomic_init(&pc->n, 0);
    if (pc->slot && pc->ready && pc->lon && pc->lat && pc->x && pc->y) return true;
    pcache_free(pc);
    return false;
}

/* x, y (n points) projected in place through the table. of[i]: the entry
 * of row i, or max + j for the j-th point projected for its row alone. */
static bool project_distinct(const hs_ctx *ctx, hs__xform *xf, pcache *pc, double *x, double *y,
                             size_t n) {
    if (!pc || !pc->slot || n >= UINT32_MAX / 4) return false;
    uint32_t *of = hs__malloc(ctx, (n ? n : 1) * sizeof *of);
    double *ux = hs__malloc(ctx, (n ? n : 1) * sizeof *ux),
           *uy = hs__malloc(ctx, (n ? n : 1) * sizeof *uy);
    uint32_t *fresh = hs__malloc(ctx, (n ? n : 1) * sizeof *fresh);
    if (!of || !ux || !uy || !fresh) {
        free(of), free(ux), free(uy), free(fresh);
        return false;
    }
    size_t nf = 0, cap = pc->cap, max = pc->max;
    for (size_t i = 0; i < n; i++) {
        uint64_t bx, by;
        memcpy(&bx, &x[i], 8), memcpy(&by, &y[i], 8);
        uint64_t h = (bx * 0x9E3779B97F4A7C15ull) ^ (by * 0xC2B2AE3D27D4EB4Full);
        size_t k = (size_t)(h ^ (h >> 29)) & (cap - 1);
        uint32_t claimed = 0; /* an entry claimed for this row: entry + 1 */
        for (;;) {
            uint32_t u = atomic_load_explicit(&pc->slot[k], memory_order_acquire);
            if (u) {
                if (!memcmp(&pc->lon[u - 1], &x[i], 8) && !memcmp(&pc->lat[u - 1], &y[i], 8)) {
                    of[i] = u - 1; /* an entry claimed here stays unused */
                    break;
                }
                k = (k + 1) & (cap - 1);
                continue;
            }
            if (!claimed) {
                /* Once full, the count is only read: no cache line passed
                 * between the threads for each new point. */
                size_t e = atomic_load_explicit(&pc->n, memory_order_relaxed) >= max
                               ? max
                               : atomic_fetch_add_explicit(&pc->n, 1, memory_order_relaxed);
                if (e >= max) { /* full: this row's point alone */
                    ux[nf] = x[i], uy[nf] = y[i];
                    fresh[nf++] = UINT32_MAX;
                    of[i] = (uint32_t)(max + nf - 1);
                    break;
                }
                pc->lon[e] = x[i], pc->lat[e] = y[i];
                claimed = (uint32_t)e + 1;
            }
            uint32_t expect = 0;
            if (atomic_compare_exchange_strong_explicit(
                    &pc->slot[k], &expect, claimed, memory_order_release, memory_order_acquire)) {
                ux[nf] = x[i], uy[nf] = y[i];
                fresh[nf++] = claimed - 1;
                of[i] = claimed - 1;
                break;
            }
            /* Another thread took the slot first: look at what it put. */
        }
    }
    /* Points PROJ cannot transform come back as HUGE_VAL: the caller
     * rejects them (and the table keeps the HUGE_VAL answer). */
    hs__xform_run(xf, ux, uy, nf);
    for (size_t j = 0; j < nf; j++)
        if (fresh[j] != UINT32_MAX) {
            pc->x[fresh[j]] = ux[j], pc->y[fresh[j]] = uy[j];
            atomic_store_explicit(&pc->ready[fresh[j]], 1, memory_order_release);
        }
    /* Rows whose point another thread is still projecting: projected here. */
    size_t nl = 0;
    for (size_t i = 0; i < n; i++) {
        size_t e = of[i];
        if (e >= max) {
            x[i] = ux[e - max], y[i] = uy[e - max];
        } else if (atomic_load_explicit(&pc->ready[e], memory_order_acquire)) {
            x[i] = pc->x[e], y[i] = pc->y[e];
        } else {
            fresh[nl] = (uint32_t)i;
            ux[nl] = x[i], uy[nl] = y[i];
            nl++;
        }
    }
    hs__xform_run(xf, ux, uy, nl);
    for (size_t j = 0; j < nl; j++)
        x[fresh[j]] = ux[j], y[fresh[j]] = uy[j];
    free(of), free(ux), free(uy), free(fresh);
    return true;
}

/* Projects the chunk's points; points PROJ cannot transform are moved to
 * the rejects as outside the area of use. */
static void chunk_project(chunk *c) {
    const plan *pl = c->pl;
    if (!pl->need_xform || c->col.n == 0) return;
    hs__xform *xf = hs__xentry_worker(pl->xe, c->slot, c->err, sizeof c->err);
    if (!xf) {
        c->status = HS_ECRS;
        return;
    }
    /* Points PROJ cannot transform come back as HUGE_VAL: handled below. */
    if (!pl->snapped || !project_distinct(pl->ctx, xf, c->pc, c->col.x, c->col.y, c->col.n))
        hs__xform_run(xf, c->col.x, c->col.y, c->col.n);
    size_t k = 0;
    bool moved = false;
    for (size_t i = 0; i < c->col.n; i++) {
        if (isfinite(c->col.x[i]) && isfinite(c->col.y[i]) && fabs(c->col.x[i]) < 1e15 &&
            fabs(c->col.y[i]) < 1e15) {
            if (k != i) {
                hs__cols_move(&c->col, k, i);
                c->len[k] = c->len[i];
            }
            k++;
        } else {
            if (!add_reject_at(c, c->col.line[i], HS_REJECT_OUTSIDE_AREA, c->col.off[i],
                               c->len[i])) {
                c->status = HS_ENOMEM;
                hs__format(c->err, sizeof c->err, "out of memory");
                return;
            }
            moved = true;
        }
    }
    c->col.n = k;
    if (moved && c->nrej > 1) qsort(c->rej, c->nrej, sizeof *c->rej, cmp_reject_line);
}

static void chunk_parse(chunk *c) {
    const plan *pl = c->pl;
    if (!c->fields &&
        !(c->fields = hs__malloc(c->pl->ctx, (pl->nfields + 1) * sizeof *c->fields))) {
        c->status = HS_ENOMEM;
        hs__format(c->err, sizeof c->err, "out of memory");
        return;
    }
    const char *p = c->begin;
    uint64_t line = 0;
    while (p < c->limit) {
        const char *rec = p, *rec_end;
        size_t nf;
        uint64_t nl;
        hs__csv_result res;
        p = hs__csv_record(p, pl->end, c->fields, pl->nfields + 1, &nf, &nl, &rec_end, &res);
        if (res != HS__CSV_OK) {
            c->status = HS_EPARSE;
            c->err_line = line + (res == HS__CSV_UNTERMINATED ? 0 : nl);
            hs__format(c->err, sizeof c->err, "%s",
                       res == HS__CSV_UNTERMINATED
                           ? "quoted field is never closed (a '\"' is missing)"
                       : res == HS__CSV_NUL ? "NUL byte: this is not a text CSV file"
                                            : "text after a closing quote (a quote "
                                              "inside a quoted field must be doubled)");
            c->stop = p;
            return;
        }
        if (!process_row(c, c->fields, nf, line, rec, rec_end)) {
            if (!c->status) {
                c->status = HS_ENOMEM;
                hs__format(c->err, sizeof c->err, "out of memory");
            }
            return;
        }
        line += nl;
    }
    c->stop = p;
    c->lines = line;
    chunk_project(c);
}

static void *chunk_thread(void *arg) {
    chunk_parse(arg);
    return NULL;
}

/* Finds column name in the header (exact, then case-insensitive). */
static int find_col(char **names, size_t n, const char *want) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], want) == 0) return (int)i;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(names[i], want) == 0) return (int)i;
    return -1;
}

static hs_status need_col(hs_ctx *ctx, const plan *pl, char **names, size_t n, const char *want,
                          const char *opt, int *out) {
    *out = find_col(names, n, want);
    if (*out >= 0) return HS_OK;
    char list[400];
    size_t k = 0;
    list[0] = 0;
    for (size_t i = 0; i < n && k < sizeof list - 8; i++)
        k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "", names[i]);
    if (k >= sizeof list - 8) strcpy(list + sizeof list - 8, "...");
    return hs__error(ctx, HS_EPARSE, "%s:1: no column '%s' (%s); the columns are: %s", pl->name,
                     want, opt, list);
}

static hs_status parse_bound(hs_ctx *ctx, const char *s, const char *opt, int64_t *start,
                             int64_t *end) {
    if (!hs__parse_bound(s, start, end))
        return hs__error(ctx, HS_EINVAL, "%s '%s': expected YYYY-MM or YYYY-MM-DD, a real date",
                         opt, s);
    return HS_OK;
}

/* Reads the header, maps the columns and sets up the plan. */
/* The header's column names, trimmed (owned, nf of them). */
static hs_status header_names(hs_ctx *ctx, plan *pl, const char *p, char ***out, size_t *nf,
                              const char **next, uint64_t *nl) {
    hs__field hf[512];
    const char *rec_end;
    hs__csv_result res;
    *next = hs__csv_record(p, pl->end, hf, 512, nf, nl, &rec_end, &res);
    if (res != HS__CSV_OK)
        return hs__error(ctx, HS_EPARSE, "%s:1: header row: %s", pl->name,
                         res == HS__CSV_NUL ? "NUL byte: this is not a text CSV file"
                                            : "malformed quoting");
    if (*nf > 512)
        return hs__error(ctx, HS_EPARSE, "%s:1: header has %zu columns; at most 512 are supported",
                         pl->name, *nf);
    char **names = *out = hs__calloc(ctx, *nf + 1, sizeof *names);
    if (!names) return hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; i < *nf; i++) {
        if (!(names[i] = hs__malloc(ctx, hf[i].len + 1)))
            return hs__error(ctx, HS_ENOMEM, "out of memory");
        size_t n = hs__csv_unescape(&hf[i], names[i]);
        char *s = names[i];
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            s[--n] = 0;
        size_t lead = strspn(s, " \t");
        memmove(s, s + lead, n - lead + 1);
    }
    return HS_OK;
}

/* The columns to read: named ones, or data.police.uk's by default. */
static hs_status plan_columns(hs_ctx *ctx, plan *pl, char **names, size_t nf) {
    const hs_read_options *o = pl->opts;
    bool police = true;
    for (int i = 0; i < 12 && police; i++)
        police = find_col(names, nf, police_cols[i]) >= 0;
    const char *xc = o->x_column, *yc = o->y_column;
    const char *lonc = o->lon_column, *latc = o->lat_column;
    if (!xc != !yc) return hs__error(ctx, HS_EINVAL, "--x-column and --y-column go together");
    if (!lonc != !latc)
        return hs__error(ctx, HS_EINVAL, "--lon-column and --lat-column go together");
    if (xc && lonc)
        return hs__error(
            ctx, HS_EINVAL,
            "give either --x-column/--y-column or --lon-column/--lat-column, not both");
    pl->snapped = police && !xc && !lonc; /* its Longitude/Latitude: snap points */
    if (!xc && !lonc && !police)
        return hs__error(ctx, HS_EPARSE,
                         "%s:1: not a data.police.uk street-level CSV (its 12 columns are not all "
                         "in the header): name the coordinate columns with "
                         "--lon-column/--lat-column or --x-column/--y-column",
                         pl->name);
    if (!xc && !lonc) lonc = "Longitude", latc = "Latitude";
    pl->lonlat = lonc != NULL;
    pl->cdate = pl->ccat = pl->cweight = pl->clabel = -1;
    const char *dc = o->date_column ? o->date_column : police ? "Month" : NULL;
    const char *cc = o->category_column ? o->category_column : police ? "Crime type" : NULL;
    hs_status st = need_col(ctx, pl, names, nf, pl->lonlat ? lonc : xc,
                            pl->lonlat ? "--lon-column" : "--x-column", &pl->cx);
    if (!st)
        st = need_col(ctx, pl, names, nf, pl->lonlat ? latc : yc,
                      pl->lonlat ? "--lat-column" : "--y-column", &pl->cy);
    if (!st && dc) st = need_col(ctx, pl, names, nf, dc, "--date-column", &pl->cdate);
    if (!st && cc) st = need_col(ctx, pl, names, nf, cc, "--category-column", &pl->ccat);
    const char *lc = o->label_column ? o->label_column : police ? "Location" : NULL;
    if (lc && !*lc) lc = NULL; /* "": none */
    if (!st && lc) st = need_col(ctx, pl, names, nf, lc, "--label-column", &pl->clabel);
    if (!st && o->weight_column)
        st = need_col(ctx, pl, names, nf, o->weight_column, "--weight-column", &pl->cweight);
    if (!st && o->crime_type_count && pl->ccat < 0)
        st = hs__error(ctx, HS_EINVAL,
                       "%s: --crime-type needs a category column (--category-column)", pl->name);
    if (!st && (o->from || o->to || o->compare_from || o->compare_to) && pl->cdate < 0)
        st = hs__error(ctx, HS_EINVAL, "%s: --from/--to need a date column (--date-column)",
                       pl->name);
    return st;
}

/* The periods kept, as seconds; whether a bound falls inside a month. */
static hs_status plan_periods(hs_ctx *ctx, plan *pl) {
    const hs_read_options *o = pl->opts;
    int64_t ignore;
    hs_status st = HS_OK;
    if ((o->from && (st = parse_bound(ctx, o->from, "--from", &pl->from, &ignore))) ||
        (o->to && (st = parse_bound(ctx, o->to, "--to", &ignore, &pl->to_end))) ||
        (o->compare_from &&
         (st = parse_bound(ctx, o->compare_from, "--compare", &pl->cfrom, &ignore))) ||
        (o->compare_to &&
         (st = parse_bound(ctx, o->compare_to, "--compare", &ignore, &pl->cto_end))))
        return st;
    if (o->from && o->to && pl->from >= pl->to_end)
        return hs__error(ctx, HS_EINVAL, "--from %s is after --to %s", o->from, o->to);
    if (o->compare_from && o->compare_to && pl->cfrom >= pl->cto_end)
        return hs__error(ctx, HS_EINVAL, "comparison period %s..%s: its start is after its end",
                         o->compare_from, o->compare_to);
    /* A day bound that is not a month's first day (a start) or last day (an
     * end) cannot be applied to month-only rows. */
    const char *b[4] = {o->from, o->to, o->compare_from, o->compare_to};
    for (int i = 0; i < 4; i++) {
        if (!b[i] || strlen(b[i]) <= 7) continue;
        char month[8];
        memcpy(month, b[i], 7);
        month[7] = 0;
        int64_t ds, de, ms, me;
        if (!hs__parse_bound(b[i], &ds, &de) || !hs__parse_bound(month, &ms, &me) ||
            (i % 2 == 0 ? ds != ms : de != me))
            pl->day_bound = true;
    }
    pl->have_from = o->from != NULL;
    pl->have_to = o->to != NULL;
    pl->have_cfrom = o->compare_from != NULL;
    pl->have_cto = o->compare_to != NULL;
    pl->have_cmp = pl->have_cfrom || pl->have_cto;
    return HS_OK;
}

static hs_status make_plan(hs_ctx *ctx, plan *pl, const char **body, uint64_t *body_line) {
    const char *p = pl->base, *next = NULL;
    if (pl->end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    if (p == pl->end) return hs__error(ctx, HS_EPARSE, "%s:1: empty file: no header row", pl->name);
    char **names = NULL;
    size_t nf = 0;
    uint64_t nl = 0;
    hs_status st = header_names(ctx, pl, p, &names, &nf, &next, &nl);
    if (!st) st = plan_columns(ctx, pl, names, nf);
    if (!st) st = plan_periods(ctx, pl);
    if (!st) {
        pl->nfields = nf;
        *body = next;
        *body_line = 1 + nl;
    }
    for (size_t i = 0; names && i < nf; i++)
        free(names[i]);
    free(names);
    return st;
}

/* Appends a parsed chunk's rows and rejects to inc (file fid; the chunk's
 * lines are relative to base_line). */
static hs_status append_chunk(hs_ctx *ctx, hs_incidents *inc, const chunk *c, uint32_t fid,
                              uint64_t base_line) {
    uint32_t *map = hs__malloc(ctx, (c->cats.count + 1) * sizeof *map);
    uint32_t *lmap = hs__malloc(ctx, (c->labels.count + 1) * sizeof *lmap);
    if (!map || !lmap || !hs__cols_reserve(ctx, &inc->col, inc->col.n + c->col.n) ||
        !hs__incidents_reserve_rejects(ctx, inc, inc->nrej + c->nrej)) {
        free(map);
        free(lmap);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    /* The chunk's place texts in the table's ids, in the chunk's order (so
     * the table's ids do not depend on how the file was split). */
    for (size_t i = 0; i < c->labels.count; i++)
        lmap[i] = UINT32_MAX;
    for (size_t i = 0; i < c->col.n; i++) {
        uint32_t l = c->col.label[i];
        if (l == HS_NO_LABEL || lmap[l] != UINT32_MAX) continue;
        lmap[l] = hs__strtab_intern(ctx, &inc->labels, c->labels.names[l],
                                    strlen(c->labels.names[l]), NULL);
        if (lmap[l] == UINT32_MAX) {
            free(map);
            free(lmap);
            return hs__error(ctx, HS_ENOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < c->cats.count; i++)
        map[i] = UINT32_MAX;
    size_t at = inc->col.n;
    if (c->col.n) {
        memcpy(inc->col.x + at, c->col.x, c->col.n * sizeof *c->col.x);
        memcpy(inc->col.y + at, c->col.y, c->col.n * sizeof *c->col.y);
        memcpy(inc->col.w + at, c->col.w, c->col.n * sizeof *c->col.w);
        memcpy(inc->col.t + at, c->col.t, c->col.n * sizeof *c->col.t);
        memcpy(inc->col.prec + at, c->col.prec, c->col.n * sizeof *c->col.prec);
        memcpy(inc->col.off + at, c->col.off, c->col.n * sizeof *c->col.off);
    }
    for (size_t i = 0; i < c->col.n; i++) {
        uint32_t lc = c->col.cat[i];
        if (lc != HS_NO_CATEGORY && map[lc] == UINT32_MAX) {
            map[lc] = hs__strtab_intern(ctx, &inc->cats, c->cats.names[lc],
                                        strlen(c->cats.names[lc]), NULL);
            if (map[lc] == UINT32_MAX) {
                free(map);
                free(lmap);
                return hs__error(ctx, HS_ENOMEM, "out of memory");
            }
        }
        inc->col.cat[at + i] = lc == HS_NO_CATEGORY ? HS_NO_CATEGORY : map[lc];
        inc->col.label[at + i] =
            c->col.label[i] == HS_NO_LABEL ? HS_NO_LABEL : lmap[c->col.label[i]];
        inc->col.file[at + i] = fid;
        inc->col.line[at + i] = base_line + c->col.line[i];
    }
    free(map);
    free(lmap);
    inc->col.n += c->col.n;
    for (size_t i = 0; i < c->nrej; i++) {
        hs_reject r = c->rej[i];
        r.file = fid;
        r.line += base_line;
        inc->rej[inc->nrej++] = r;
    }
    return HS_OK;
}

/* Reads data into inc; with inc NULL, only counts into *count. */
/* One file being read window by window. */
typedef struct reading {
    hs_ctx *ctx;
    plan *pl;
    const char *name;
    bool on_disk;
    hs_incidents *inc; /* NULL: count only */
    uint32_t fid;
    hs_read_summary *sum;
    chunk *ch;
    pthread_t *tid;
    bool *started;
    int nchunks;
    uint64_t base_line; /* the line the window starts on */
    uintptr_t dropped;  /* mapped pages released up to here */
    pcache *pc;         /* the file's projected map points, shared; NULL: none */
} reading;

/* Splits a window at line ends into one chunk a thread: each chunk parses
 * the records that start in it. */
static void split_window(reading *R, const char *wbeg, size_t wlen) {
    chunk *ch = R->ch;
    for (int k = 0; k < R->nchunks; k++) {
        memset(&ch[k], 0, sizeof ch[k]);
        ch[k].pl = R->pl;
        ch[k].slot = k;
        ch[k].pc = R->pc;
        const char *b = wbeg + wlen / (size_t)R->nchunks * (size_t)k;
        if (k > 0) {
            const char *nlp = memchr(b, '\n', (size_t)(R->pl->end - b));
            b = nlp ? nlp + 1 : R->pl->end;
            if (b < ch[k - 1].begin) b = ch[k - 1].begin;
        }
        ch[k].begin = b;
        if (k > 0) ch[k - 1].limit = b;
        R->started[k] = false;
    }
    ch[R->nchunks - 1].limit = wbeg + wlen;
}

/* Parses the chunks on their threads, then verifies the speculative
 * splits in order, re-parsing a chunk whose start fell inside a record of
 * the previous one; the first chunk's error, with its line. */
static hs_status parse_window(reading *R) {
    chunk *ch = R->ch;
    for (int k = 1; k < R->nchunks; k++)
        R->started[k] = pthread_create(&R->tid[k], NULL, chunk_thread, &ch[k]) == 0;
    chunk_parse(&ch[0]);
    for (int k = 1; k < R->nchunks; k++) {
        if (R->started[k])
            pthread_join(R->tid[k], NULL);
        else
            chunk_parse(&ch[k]);
    }
    for (int k = 1; k < R->nchunks; k++) {
        if (ch[k - 1].status) break;
        if (ch[k].begin != ch[k - 1].stop) {
            ch[k].begin = ch[k - 1].stop;
            chunk_reset(&ch[k]); /* slot 0: now on this thread */
            if (ch[k].begin >= ch[k].limit) {
                ch[k].stop = ch[k].begin;
                continue;
            }
            chunk_parse(&ch[k]);
        }
    }
    uint64_t line = R->base_line;
    for (int k = 0; k < R->nchunks; k++) {
        if (ch[k].status == HS_EPARSE)
            return hs__error(R->ctx, HS_EPARSE, "%s:%llu: %s", R->name,
                             (unsigned long long)(line + ch[k].err_line), ch[k].err);
        if (ch[k].status) return hs__error(R->ctx, ch[k].status, "%s: %s", R->name, ch[k].err);
        line += ch[k].lines;
    }
    return HS_OK;
}

/* The pages of a mapped file behind this window are done with: let them
 * go, so resident memory stays at a window, not the file (they are read
 * again from the file if the rejects need their text). Then the chunks are
 * appended in order (only counted, for hs_incidents_check_csv). */
static hs_status finish_window(reading *R) {
    chunk *ch = R->ch;
    if (R->on_disk) {
        uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
        uintptr_t hi = (uintptr_t)ch[R->nchunks - 1].stop & ~(pg - 1);
        if (hi > R->dropped) madvise((void *)R->dropped, hi - R->dropped, MADV_DONTNEED);
        if (hi > R->dropped) R->dropped = hi;
    }
    hs_status st = HS_OK;
    for (int k = 0; k < R->nchunks && !st; k++) {
        chunk *c = &ch[k];
        if (R->inc) st = append_chunk(R->ctx, R->inc, c, R->fid, R->base_line);
        R->sum->rows_read += c->rows;
        R->sum->rows_used += c->col.n;
        for (int r = 0; r < HS_REJECT_COUNT_; r++)
            R->sum->rejected[r] += c->rejected[r];
        R->base_line += c->lines;
    }
    for (int k = 0; k < R->nchunks; k++)
        chunk_free(&ch[k]);
    R->nchunks = 0;
    return st;
}

/* The plan's fixed parts: the file, the options, the plausible dates
 * (1900 to the end of next year) and the transformation to the working CRS. */
static hs_status plan_init(hs_ctx *ctx, plan *pl, const char *name, const char *data, size_t size,
                           const hs_read_options *opts, hs_incidents *inc) {
    memset(pl, 0, sizeof *pl);
    pl->name = name;
    pl->base = data;
    pl->end = data + size;
    pl->opts = opts;
    pl->ctx = ctx;
    pl->count_only = inc == NULL;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    struct tm next = {0};
    next.tm_year = tm.tm_year + 2; /* 1 January of the year after next */
    next.tm_mday = 1;
    pl->plausible_lo = -2208988800; /* 1900-01-01T00:00 */
    pl->plausible_hi = (int64_t)timegm(&next);
    return HS_OK;
}

static hs_status plan_xform(hs_ctx *ctx, plan *pl, const hs_incidents *inc) {
    const char *dst = inc ? inc->crs : ctx->crs;
    const char *src = pl->lonlat ? "EPSG:4326" : pl->opts->input_crs ? pl->opts->input_crs : dst;
    pl->xe = hs__ctx_xform(ctx, src, dst);
    if (!pl->xe) return hs__error(ctx, HS_ECRS, "%s: %s", pl->name, hs_ctx_last_error(ctx));
    pl->need_xform = pl->lonlat || !pl->xe->same;
    pl->have_area = pl->xe->have_area;
    memcpy(pl->area, pl->xe->area, sizeof pl->area);
    return HS_OK;
}

/* The body is read in windows of WINDOW_BYTES per thread, so memory for
 * the parse stays bounded whatever the file's size (a 5 GB file is
 * streamed, not held twice); the next window starts where the last chunk
 * stopped. */
static hs_status read_buffer(hs_ctx *ctx, const char *name, bool on_disk, const char *data,
                             size_t size, const hs_read_options *opts, hs_incidents *inc,
                             hs_read_summary *count) {
    hs_read_options defaults;
    if (!opts) {
        hs_read_options_init(&defaults);
        opts = &defaults;
    }
    plan pl;
    const char *body = NULL;
    uint64_t body_line = 0;
    hs_status st = plan_init(ctx, &pl, name, data, size, opts, inc);
    if (!st) st = make_plan(ctx, &pl, &body, &body_line);
    if (!st) st = plan_xform(ctx, &pl, inc);
    if (st) return st;
    int nthreads = ctx->threads;
    size_t n0 = inc ? inc->col.n : 0, r0 = inc ? inc->nrej : 0, f0 = inc ? inc->nfiles : 0;
    hs_read_summary local;
    memset(&local, 0, sizeof local);
    reading R = {ctx,
                 &pl,
                 name,
                 on_disk,
                 inc,
                 0,
                 &local,
                 hs__calloc(ctx, (size_t)nthreads, sizeof *R.ch),
                 hs__calloc(ctx, (size_t)nthreads, sizeof *R.tid),
                 hs__calloc(ctx, (size_t)nthreads, sizeof *R.started),
                 0,
                 body_line,
                 (uintptr_t)pl.base,
                 NULL};
    pcache pcache_file;
    if (pl.snapped && pcache_make(ctx, &pcache_file, nthreads)) R.pc = &pcache_file;
    if (!R.ch || !R.tid || !R.started) st = hs__error(ctx, HS_ENOMEM, "out of memory");
    if (!st && inc) {
        R.fid = hs__incidents_add_file(ctx, inc, name, on_disk);
        if (R.fid == UINT32_MAX)
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
        else
            R.sum = &inc->sums[R.fid];
    }
    bool est_done = false;
    for (const char *wbeg = body; !st && wbeg < pl.end;) {
        size_t left = (size_t)(pl.end - wbeg);
        R.nchunks = left >= PARALLEL_MIN_BYTES || WINDOW_BYTES < PARALLEL_MIN_BYTES ? nthreads : 1;
        /* Checking keeps a window's used rows only to project them: smaller
         * windows bound that for files of tiny rows (8 MB of "x,y" rows is
         * 2M rows, 130 MB of columns). */
        size_t win = (inc ? WINDOW_BYTES : WINDOW_BYTES / 8) * (size_t)R.nchunks;
        split_window(&R, wbeg, left < win ? left : win);
        st = parse_window(&R);
        wbeg = R.ch[R.nchunks - 1].stop;
        if (!st) st = hs__progress(ctx, "read", (uint64_t)(wbeg - pl.base), size);
        if (!st) st = finish_window(&R);
        /* After the first window, the table is sized from its rows per byte
         * (+2 %), so a national file is not held in a doubled table; the
         * slack is given back at the end. */
        if (!st && inc && !est_done && wbeg < pl.end && inc->col.n > n0) {
            double per_byte = (double)(inc->col.n - n0) / (double)(wbeg - body);
            size_t est = inc->col.n + (size_t)(per_byte * (double)(pl.end - wbeg) * 1.02) + 4096;
            (void)hs__cols_reserve_exact(ctx, &inc->col, est); /* a hint: growth still works */
            est_done = true;
        }
    }
    if (!st && inc) hs__cols_shrink(ctx, &inc->col);
    if (!st && !inc && count) *count = local;
    if (st && inc) hs__incidents_truncate(inc, n0, r0, f0);
    for (int k = 0; R.ch && k < R.nchunks; k++)
        chunk_free(&R.ch[k]);
    free(R.ch);
    free(R.tid);
    free(R.started);
    pcache_free(R.pc);
    return st;
}

hs_status hs_incidents_read_csv_buffer(hs_ctx *ctx, const char *name, const char *data, size_t size,
                                       const hs_read_options *opts, hs_incidents *inc) {
    if (!ctx || !inc || !name || (!data && size)) return HS_EINVAL;
    return read_buffer(ctx, name, false, data ? data : "", size, opts, inc, NULL);
}

/* A pipe, FIFO or device (/dev/stdin): has no size to map, so it is read
 * to its end into memory, up to a bound (/dev/zero never ends). Takes fd. */
#define STREAM_MAX_BYTES ((size_t)1 << 30)
static hs_status read_stream(hs_ctx *ctx, const char *path, int fd, const hs_read_options *opts,
                             hs_incidents *inc, hs_read_summary *count) {
    char *data;
    size_t len;
    hs_status st =
        hs__read_fd(ctx, path, fd, STREAM_MAX_BYTES,
                    "more than 1 GB from a pipe or device: save it to a file first", &data, &len);
    close(fd);
    if (!st) st = read_buffer(ctx, path, false, data ? data : "", len, opts, inc, count);
    free(data);
    return st;
}

/* Maps a file and reads it (inc) or counts it (count). */
static hs_status read_file(hs_ctx *ctx, const char *path, const hs_read_options *opts,
                           hs_incidents *inc, hs_read_summary *count) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return hs__error(ctx, HS_EIO, "%s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return hs__error(ctx, HS_EIO, "%s: %s", path, strerror(e));
    }
    if (S_ISDIR(sb.st_mode)) {
        close(fd);
        return hs__error(ctx, HS_EIO, "%s: is a folder, not a CSV file", path);
    }
    if (!S_ISREG(sb.st_mode)) return read_stream(ctx, path, fd, opts, inc, count);
    hs_status nst = hs__input_note_fd(ctx, fd); /* no output of the run may replace it */
    if (nst) {
        close(fd);
        return nst;
    }
    if (sb.st_size == 0) {
        close(fd);
        return read_buffer(ctx, path, true, "", 0, opts, inc, count);
    }
    hs__map mp;
    hs_status st = hs__map_open(ctx, path, fd, (size_t)sb.st_size, &mp);
    close(fd);
    if (st) return st;
    madvise((void *)mp.data, mp.len, MADV_SEQUENTIAL | MADV_WILLNEED);
    size_t n0 = inc ? inc->col.n : 0, r0 = inc ? inc->nrej : 0, f0 = inc ? inc->nfiles : 0;
    st = read_buffer(ctx, path, true, mp.data, mp.len, opts, inc, count);
    if (hs__map_close(&mp)) {
        /* Pages past the new end read as zeros: nothing of it is kept. */
        if (!st && inc) hs__incidents_truncate(inc, n0, r0, f0);
        st = hs__error(ctx, HS_EIO,
                       "%s: the file shrank while it was read (another program changed it); "
                       "nothing was used from it",
                       path);
    }
    return st;
}

hs_status hs_incidents_read_csv(hs_ctx *ctx, const char *path, const hs_read_options *opts,
                                hs_incidents *inc) {
    if (!ctx || !inc || !path) return HS_EINVAL;
    return read_file(ctx, path, opts, inc, NULL);
}

hs_status hs_incidents_check_csv(hs_ctx *ctx, const char *path, const hs_read_options *opts,
                                 hs_read_summary *out) {
    if (!ctx || !path || !out) return HS_EINVAL;
    memset(out, 0, sizeof *out);
    return read_file(ctx, path, opts, NULL, out);
}
