/* incidents.c — the incidents table shared by every module: a struct of
 * arrays (x, y, weight, time, category, file, line) so that hot loops read
 * only the columns they need, plus the row accounting and the rejects. */
#include "io.h"

#include <fcntl.h>
#include <math.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

hs_status hs_incidents_create(hs_ctx *ctx, hs_incidents **out) {
    if (!ctx || !out) return HS_EINVAL;
    *out = NULL;
    hs_incidents *inc = hs__calloc(ctx, 1, sizeof *inc);
    if (!inc || !(inc->crs = hs__strdup(ctx, ctx->crs))) {
        free(inc);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    *out = inc;
    return HS_OK;
}

void hs_incidents_destroy(hs_incidents *inc) {
    if (!inc) return;
    free(inc->crs);
    hs__cols_free(&inc->col);
    hs__strtab_free(&inc->cats);
    hs__strtab_free(&inc->labels);
    for (size_t i = 0; i < inc->nfiles; i++)
        free(inc->files[i]);
    free(inc->files);
    free(inc->file_on_disk);
    free(inc->sums);
    free(inc->rej);
    free(inc);
}

static bool copy_strtab(const hs_ctx *ctx, const hs__strtab *from, hs__strtab *to) {
    for (size_t i = 0; i < from->count; i++)
        if (hs__strtab_intern(ctx, to, from->names[i], strlen(from->names[i]), NULL) != i)
            return false;
    return true;
}

hs_status hs_incidents_copy(hs_ctx *ctx, const hs_incidents *src, hs_incidents **out) {
    if (!ctx || !src || !out) return HS_EINVAL;
    *out = NULL;
    hs_incidents *c = NULL;
    hs_status st = hs_incidents_create(ctx, &c);
    if (st) return st;
    free(c->crs);
    bool ok = (c->crs = hs__strdup(ctx, src->crs)) && hs__cols_reserve(ctx, &c->col, src->col.n) &&
              copy_strtab(ctx, &src->cats, &c->cats) &&
              copy_strtab(ctx, &src->labels, &c->labels) &&
              hs__incidents_reserve_rejects(ctx, c, src->nrej);
    for (size_t f = 0; ok && f < src->nfiles; f++) {
        ok = hs__incidents_add_file(ctx, c, src->files[f], src->file_on_disk[f]) == f;
        if (ok) c->sums[f] = src->sums[f];
    }
    if (!ok) {
        hs_incidents_destroy(c);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < src->col.n; i++) {
        c->col.n = i + 1;
        hs__cols *to = &c->col;
        const hs__cols *from = &src->col;
        to->x[i] = from->x[i], to->y[i] = from->y[i], to->w[i] = from->w[i];
        to->t[i] = from->t[i], to->prec[i] = from->prec[i], to->cat[i] = from->cat[i];
        to->file[i] = from->file[i], to->label[i] = from->label[i];
        to->line[i] = from->line[i], to->off[i] = from->off[i];
    }
    if (src->nrej) memcpy(c->rej, src->rej, src->nrej * sizeof *c->rej);
    c->nrej = src->nrej;
    *out = c;
    return HS_OK;
}

/* Every column to exactly cap rows (up or down; shrinking a large block is
 * a remap, no copy). */
static bool cols_resize(const hs_ctx *ctx, hs__cols *c, size_t cap) {
    if (cap > SIZE_MAX / sizeof(double)) return false;
#define GROW(f)                                                                                    \
    do {                                                                                           \
        void *p = hs__realloc(ctx, c->f, (cap ? cap : 1) * sizeof *c->f);                          \
        if (!p) return false;                                                                      \
        c->f = p;                                                                                  \
    } while (0)
    GROW(x);
    GROW(y);
    GROW(w);
    GROW(t);
    GROW(prec);
    GROW(cat);
    GROW(label);
    GROW(file);
    GROW(line);
    GROW(off);
#undef GROW
    c->cap = cap;
    return true;
}

/* Doubling while small, then a quarter more: at national scale (61 bytes a
 * row) the slack is at most a quarter of the table, not all of it. */
bool hs__cols_reserve(const hs_ctx *ctx, hs__cols *c, size_t need) {
    if (need <= c->cap) return true;
    size_t cap = c->cap ? c->cap : 4096;
    while (cap < need) {
        if (cap > SIZE_MAX / 2 / sizeof(double)) return false;
        cap += cap < ((size_t)1 << 20) ? cap : cap / 4;
    }
    return cols_resize(ctx, c, cap);
}

bool hs__cols_reserve_exact(const hs_ctx *ctx, hs__cols *c, size_t cap) {
    return cap <= c->cap || cols_resize(ctx, c, cap);
}

void hs__cols_shrink(const hs_ctx *ctx, hs__cols *c) {
    if (c->cap > c->n + 4096) (void)cols_resize(ctx, c, c->n); /* a failed shrink keeps the rows */
}

void hs__cols_free(hs__cols *c) {
    free(c->x);
    free(c->y);
    free(c->w);
    free(c->t);
    free(c->prec);
    free(c->cat);
    free(c->label);
    free(c->file);
    free(c->line);
    free(c->off);
    memset(c, 0, sizeof *c);
}

void hs__cols_move(hs__cols *c, size_t to, size_t from) {
    c->x[to] = c->x[from];
    c->y[to] = c->y[from];
    c->w[to] = c->w[from];
    c->t[to] = c->t[from];
    c->prec[to] = c->prec[from];
    c->cat[to] = c->cat[from];
    c->label[to] = c->label[from];
    c->file[to] = c->file[from];
    c->line[to] = c->line[from];
    c->off[to] = c->off[from];
}

bool hs__incidents_reserve_rejects(const hs_ctx *ctx, hs_incidents *inc, size_t need) {
    return hs__grow(ctx, (void **)&inc->rej, &inc->rejcap, need, sizeof *inc->rej);
}

uint32_t hs__incidents_add_file(const hs_ctx *ctx, hs_incidents *inc, const char *name,
                                bool on_disk) {
    size_t cap = inc->filecap;
    if (inc->nfiles >= UINT32_MAX - 1) return UINT32_MAX;
    if (inc->nfiles + 1 > cap) {
        size_t c = cap ? cap * 2 : 8;
        char **f = hs__realloc(ctx, inc->files, c * sizeof *f);
        if (f) inc->files = f;
        bool *d = hs__realloc(ctx, inc->file_on_disk, c * sizeof *d);
        if (d) inc->file_on_disk = d;
        hs_read_summary *s = hs__realloc(ctx, inc->sums, c * sizeof *s);
        if (s) inc->sums = s;
        if (!f || !d || !s) return UINT32_MAX;
        inc->filecap = c;
    }
    char *copy = hs__strdup(ctx, name);
    if (!copy) return UINT32_MAX;
    inc->files[inc->nfiles] = copy;
    inc->file_on_disk[inc->nfiles] = on_disk;
    memset(&inc->sums[inc->nfiles], 0, sizeof inc->sums[0]);
    return (uint32_t)inc->nfiles++;
}

void hs__incidents_truncate(hs_incidents *inc, size_t n, size_t nrej, size_t nfiles) {
    inc->col.n = n;
    inc->nrej = nrej;
    while (inc->nfiles > nfiles)
        free(inc->files[--inc->nfiles]);
}

size_t hs_incidents_count(const hs_incidents *inc) {
    return inc ? inc->col.n : 0;
}

hs_status hs_incidents_get(const hs_incidents *inc, size_t i, hs_incident *out) {
    if (!inc || !out || i >= inc->col.n) return HS_EINVAL;
    out->x = inc->col.x[i];
    out->y = inc->col.y[i];
    out->weight = inc->col.w[i];
    out->time_s = inc->col.t[i];
    out->precision = (hs_time_precision)inc->col.prec[i];
    out->category = inc->col.cat[i];
    out->label = inc->col.label[i];
    out->file = inc->col.file[i];
    out->line = inc->col.line[i];
    return HS_OK;
}

const double *hs_incidents_x(const hs_incidents *inc) {
    return inc ? inc->col.x : NULL;
}
const double *hs_incidents_y(const hs_incidents *inc) {
    return inc ? inc->col.y : NULL;
}
const double *hs_incidents_weight(const hs_incidents *inc) {
    return inc ? inc->col.w : NULL;
}
const char *hs_incidents_crs(const hs_incidents *inc) {
    return inc ? inc->crs : NULL;
}

size_t hs_incidents_category_count(const hs_incidents *inc) {
    return inc ? inc->cats.count : 0;
}

const char *hs_incidents_category_name(const hs_incidents *inc, uint32_t category) {
    if (!inc || category >= inc->cats.count) return NULL;
    return inc->cats.names[category];
}

size_t hs_incidents_label_count(const hs_incidents *inc) {
    return inc ? inc->labels.count : 0;
}

const char *hs_incidents_label_name(const hs_incidents *inc, uint32_t label) {
    if (!inc || label >= inc->labels.count) return NULL;
    return inc->labels.names[label];
}

size_t hs_incidents_file_count(const hs_incidents *inc) {
    return inc ? inc->nfiles : 0;
}

const char *hs_incidents_file_name(const hs_incidents *inc, uint32_t file) {
    if (!inc || file >= inc->nfiles) return NULL;
    return inc->files[file];
}

hs_status hs_incidents_summary(const hs_incidents *inc, uint32_t file, hs_read_summary *out) {
    if (!inc || !out) return HS_EINVAL;
    if (file != UINT32_MAX) {
        if (file >= inc->nfiles) return HS_EINVAL;
        *out = inc->sums[file];
        return HS_OK;
    }
    memset(out, 0, sizeof *out);
    for (size_t f = 0; f < inc->nfiles; f++) {
        out->rows_read += inc->sums[f].rows_read;
        out->rows_used += inc->sums[f].rows_used;
        for (int r = 0; r < HS_REJECT_COUNT_; r++)
            out->rejected[r] += inc->sums[f].rejected[r];
    }
    return HS_OK;
}

size_t hs_incidents_reject_count(const hs_incidents *inc) {
    return inc ? inc->nrej : 0;
}

hs_status hs_incidents_reject_get(const hs_incidents *inc, size_t i, hs_reject *out) {
    if (!inc || !out || i >= inc->nrej) return HS_EINVAL;
    *out = inc->rej[i];
    return HS_OK;
}

static void put_quoted(FILE *f, const char *s, size_t n) {
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

/* The record at off in a mapped file, up to its line end. */
static size_t record_length(const char *map, size_t maplen, uint64_t off) {
    if (off >= maplen) return 0;
    const char *rec_end;
    size_t nf;
    uint64_t nl;
    hs__csv_result res;
    hs__csv_record(map + off, map + maplen, NULL, 0, &nf, &nl, &rec_end, &res);
    return (size_t)(rec_end - (map + off));
}

hs_status hs_incidents_write_rejects(hs_ctx *ctx, const hs_incidents *inc, const uint32_t *unit_of,
                                     const char *path) {
    if (!ctx || !inc || !path) return HS_EINVAL;
    hs__afile af;
    hs_status st = hs__afile_open_flags(ctx, path, HS__OUT_PRIVATE, &af); /* raw records */
    if (st) return st;
    fputs("file,line,reason,record\n", af.f);
    /* Two streams, each in (file, line) order: the reader's rejects and the
     * incidents outside every unit; merged. Each file is mapped once, when
     * its first row comes up; record text is taken from the bytes the
     * reader saw. */
    uint32_t mapped = UINT32_MAX, shrank = UINT32_MAX;
    hs__map mp = {NULL, 0, -1};
    const char *map = NULL;
    size_t maplen = 0, r = 0, i = 0;
    uint64_t dropped = 0; /* the mapped file's bytes given back */
    const hs__cols *c = &inc->col;
    for (;;) {
        while (unit_of && i < c->n && unit_of[i] != HS_NO_UNIT)
            i++;
        bool have_r = r < inc->nrej, have_i = unit_of && i < c->n;
        if (!have_r && !have_i) break;
        bool take_r = have_r && (!have_i || inc->rej[r].file < c->file[i] ||
                                 (inc->rej[r].file == c->file[i] && inc->rej[r].line < c->line[i]));
        uint32_t file = take_r ? inc->rej[r].file : c->file[i];
        if (file != mapped) {
            if (hs__map_close(&mp)) shrank = file;
            map = NULL;
            maplen = 0;
            dropped = 0;
            mapped = file;
            if (inc->file_on_disk[file]) {
                int fd = open(inc->files[file], O_RDONLY);
                struct stat sb;
                if (fd >= 0 && fstat(fd, &sb) == 0 && sb.st_size > 0 &&
                    hs__map_open(ctx, inc->files[file], fd, (size_t)sb.st_size, &mp) == HS_OK) {
                    map = mp.data;
                    maplen = mp.len;
                }
                if (fd >= 0) close(fd);
            }
        }
        uint64_t line, off, len;
        const char *reason;
        if (take_r) {
            line = inc->rej[r].line;
            off = inc->rej[r].offset;
            len = inc->rej[r].length == HS__REJECT_LENGTH_UNKNOWN
                      ? (map ? record_length(map, maplen, off) : 0)
                      : inc->rej[r].length;
            reason = hs_reject_reason_string(inc->rej[r].reason);
            r++;
        } else {
            line = c->line[i];
            off = c->off[i];
            len = map ? record_length(map, maplen, off) : 0;
            reason = "outside the units";
            i++;
        }
        put_quoted(af.f, inc->files[file], strlen(inc->files[file]));
        fprintf(af.f, ",%llu,%s,", (unsigned long long)line, reason);
        if (map && off + len <= maplen) put_quoted(af.f, map + off, (size_t)len);
        fputc('\n', af.f);
        /* Records come in file order: pages behind this one are done with.
         * Let them go every 64 MB, or the 1 % of rejected rows of a national
         * file would fault the whole file into resident memory. */
        if (map && off >= dropped + ((uint64_t)64 << 20)) {
            uint64_t upto = off & ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1);
            madvise((void *)(map + dropped), (size_t)(upto - dropped), MADV_DONTNEED);
            dropped = upto;
        }
    }
    if (hs__map_close(&mp)) shrank = mapped;
    if (shrank != UINT32_MAX) {
        hs__afile_abort(&af);
        return hs__error(ctx, HS_EIO, "%s: the file shrank after it was read: rejects not written",
                         inc->files[shrank]);
    }
    return hs__afile_commit(ctx, &af);
}

typedef struct harm_ctx {
    hs_ctx *ctx;
    const hs_incidents *inc;
    double *w; /* per category, NAN = not in the table */
    const char *path;
} harm_ctx;

static hs_status harm_row(void *ud, const char *key, size_t klen, double v, uint64_t line) {
    harm_ctx *h = ud;
    for (size_t c = 0; c < h->inc->cats.count; c++) {
        const char *name = h->inc->cats.names[c];
        if (strlen(name) == klen && strncasecmp(name, key, klen) == 0) {
            if (!isnan(h->w[c]))
                return hs__error(h->ctx, HS_EPARSE, "%s:%llu: category '%s' given twice", h->path,
                                 (unsigned long long)line, name);
            h->w[c] = v;
        }
    }
    return HS_OK;
}

hs_status hs_incidents_apply_harm(hs_ctx *ctx, hs_incidents *inc, const char *path,
                                  uint64_t *unmatched) {
    if (!ctx || !inc || !path) return HS_EINVAL;
    size_t nc = inc->cats.count;
    double *w = hs__malloc(ctx, (nc ? nc : 1) * sizeof *w);
    if (!w) return hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t c = 0; c < nc; c++)
        w[c] = NAN;
    harm_ctx h = {ctx, inc, w, path};
    hs_status st = hs__csv_pairs(ctx, path, "category", "weight", harm_row, &h);
    if (!st) {
        uint64_t miss = 0;
        for (size_t i = 0; i < inc->col.n; i++) {
            uint32_t c = inc->col.cat[i];
            double v = c < nc ? w[c] : NAN;
            if (isnan(v)) {
                miss++;
                v = 0;
            }
            inc->col.w[i] = v;
        }
        if (unmatched) *unmatched = miss;
        if (inc->col.n && miss == inc->col.n)
            st = hs__error(
                ctx, HS_ENODATA,
                "%s: none of its categories is a crime type of the incidents (e.g. "
                "'%s'): every incident would weigh 0",
                path, nc ? inc->cats.names[inc->col.cat[0] < nc ? inc->col.cat[0] : 0] : "none");
    }
    free(w);
    return st;
}

hs_status hs_incidents_keep(hs_ctx *ctx, hs_incidents *inc, const uint8_t *keep) {
    if (!ctx || !inc || (!keep && inc->col.n)) return HS_EINVAL;
    size_t k = 0;
    for (size_t i = 0; i < inc->col.n; i++)
        if (keep[i]) {
            if (k != i) hs__cols_move(&inc->col, k, i);
            k++;
        }
    inc->col.n = k;
    return HS_OK;
}

static int by_file_line(const void *a, const void *b) {
    const hs_reject *x = a, *y = b;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

hs_status hs_incidents_reject(hs_ctx *ctx, hs_incidents *inc, const uint8_t *keep,
                              hs_reject_reason reason) {
    if (!ctx || !inc || (!keep && inc->col.n) || (unsigned)reason >= HS_REJECT_COUNT_)
        return HS_EINVAL;
    size_t drop = 0, old = inc->nrej;
    for (size_t i = 0; i < inc->col.n; i++)
        drop += !keep[i];
    if (!drop) return HS_OK;
    if (!hs__incidents_reserve_rejects(ctx, inc, old + drop))
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    const hs__cols *c = &inc->col;
    for (size_t i = 0; i < c->n; i++) {
        if (keep[i]) continue;
        /* The record's length is found when the rejects are written. */
        inc->rej[inc->nrej++] =
            (hs_reject){c->file[i], c->line[i], reason, c->off[i], HS__REJECT_LENGTH_UNKNOWN};
        inc->sums[c->file[i]].rows_used--;
        inc->sums[c->file[i]].rejected[reason]++;
    }
    /* Back into (file, line) order (no two rejects share a line). */
    qsort(inc->rej, inc->nrej, sizeof *inc->rej, by_file_line);
    return hs_incidents_keep(ctx, inc, keep);
}

hs_status hs_incidents_in_period(hs_ctx *ctx, const hs_incidents *inc, const char *from,
                                 const char *to, uint8_t *out) {
    if (!ctx || !inc || (!out && inc->col.n)) return HS_EINVAL;
    int64_t a = INT64_MIN, b = INT64_MAX, ignore;
    if ((from && !hs__parse_bound(from, &a, &ignore)) || (to && !hs__parse_bound(to, &ignore, &b)))
        return hs__error(ctx, HS_EINVAL,
                         "period: expected YYYY-MM or YYYY-MM-DD bounds, a real date");
    /* As the ward table counts a period: the start of the incident's date
     * within [start of from, end of to); undated ones only when unbounded. */
    bool any = from || to;
    for (size_t i = 0; i < inc->col.n; i++)
        out[i] =
            !any || (inc->col.prec[i] != HS_TIME_NONE && inc->col.t[i] >= a && inc->col.t[i] < b);
    return HS_OK;
}
