/* csv.c — RFC 4180 record scanner over a memory buffer.
 *
 * Accepts LF and CRLF line ends, quoted fields with doubled quotes and
 * embedded line ends. Lenient where real exports are: a quote inside an
 * unquoted field (12" pipe) and a bare CR are plain text. Strict where
 * data would be lost: an unclosed quote, text after a closing quote, and NUL
 * bytes are errors. Fields point into the buffer (no copies). The scan for
 * a field's end takes 16 bytes a step with SSE2 (x86-64's baseline: one
 * compare per stop byte, a mask, the first set bit), then a table-driven
 * byte loop for the last bytes of the buffer (never reading past it). */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <unistd.h>

/* Bytes that end an unquoted field (or need a look). */
static const uint8_t plain_stop[256] = {[','] = 1, ['\n'] = 1, ['\r'] = 1, [0] = 1};
/* Bytes that need a look inside a quoted field. */
static const uint8_t quoted_stop[256] = {['"'] = 1, ['\n'] = 1, [0] = 1};

#if defined(__SSE2__)
#include <emmintrin.h>
#define HS_CSV_SSE2 1
/* Bytes of v equal to a, b, c or d, as a bit mask. */
static inline int stop_mask(__m128i v, char a, char b, char c, char d) {
    __m128i m =
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(a)), _mm_cmpeq_epi8(v, _mm_set1_epi8(b)));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
    return _mm_movemask_epi8(_mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(d))));
}
#endif

/* The first byte at or after p that ends an unquoted field (end if none). */
static inline const char *skip_plain(const char *p, const char *end) {
#ifdef HS_CSV_SSE2
    for (; end - p >= 16; p += 16) {
        int bits = stop_mask(_mm_loadu_si128((const __m128i *)(const void *)p), ',', '\n', '\r', 0);
        if (bits) return p + __builtin_ctz((unsigned)bits);
    }
#endif
    while (p < end && !plain_stop[(uint8_t)*p])
        p++;
    return p;
}

/* The first byte at or after p that needs a look inside a quoted field. */
static inline const char *skip_quoted(const char *p, const char *end) {
#ifdef HS_CSV_SSE2
    for (; end - p >= 16; p += 16) {
        int bits = stop_mask(_mm_loadu_si128((const __m128i *)(const void *)p), '"', '\n', 0, 0);
        if (bits) return p + __builtin_ctz((unsigned)bits);
    }
#endif
    while (p < end && !quoted_stop[(uint8_t)*p])
        p++;
    return p;
}

static bool at_line_end(const char *p, const char *end) {
    return *p == '\n' || (*p == '\r' && (p + 1 == end || p[1] == '\n'));
}

const char *hs__csv_record(const char *p, const char *end, hs__field *fields, size_t max,
                           size_t *nfields, uint64_t *newlines, const char **rec_end,
                           hs__csv_result *res) {
    size_t nf = 0;
    uint64_t nl = 0;
    *res = HS__CSV_OK;
    for (;;) {
        hs__field f = {0};
        if (p < end && *p == '"') {
            const char *s = ++p;
            bool esc = false;
            for (;;) {
                p = skip_quoted(p, end);
                if (p >= end) {
                    *res = HS__CSV_UNTERMINATED;
                    goto fail;
                }
                if (*p == '\n') {
                    nl++;
                    p++;
                } else if (*p == 0) {
                    *res = HS__CSV_NUL;
                    goto fail;
                } else if (p + 1 < end && p[1] == '"') {
                    esc = true;
                    p += 2;
                } else {
                    break;
                }
            }
            f.s = s;
            f.len = (size_t)(p - s);
            f.quoted = 1;
            f.escaped = esc;
            p++;
            if (p < end && *p != ',' && !at_line_end(p, end)) {
                *res = *p == 0 ? HS__CSV_NUL : HS__CSV_AFTER_QUOTE;
                goto fail;
            }
        } else {
            const char *s = p;
            for (;;) {
                p = skip_plain(p, end);
                if (p < end && *p == '\r' && !at_line_end(p, end)) {
                    p++;
                    continue;
                }
                break;
            }
            if (p < end && *p == 0) {
                *res = HS__CSV_NUL;
                goto fail;
            }
            f.s = s;
            f.len = (size_t)(p - s);
        }
        if (nf < max) fields[nf] = f;
        nf++;
        if (p >= end) {
            *rec_end = end;
            break;
        }
        if (*p == ',') {
            p++;
            continue;
        }
        *rec_end = p;
        /* CRLF, LF, or a CR that ends the buffer. */
        if (*p == '\r') p++;
        if (p < end && *p == '\n') p++;
        nl++;
        break;
    }
    *nfields = nf;
    *newlines = nl;
    return p;
fail:
    *nfields = nf;
    *newlines = nl;
    *rec_end = p;
    return p;
}

size_t hs__csv_unescape(const hs__field *f, char *buf) {
    if (!f->escaped) {
        memcpy(buf, f->s, f->len);
        buf[f->len] = 0;
        return f->len;
    }
    size_t n = 0;
    for (size_t i = 0; i < f->len; i++) {
        buf[n++] = f->s[i];
        if (f->s[i] == '"') i++; /* "" -> " */
    }
    buf[n] = 0;
    return n;
}

hs_status hs__read_fd(hs_ctx *ctx, const char *path, int fd, size_t max, const char *too_big,
                      char **data, size_t *len) {
    *data = NULL;
    *len = 0;
    size_t cap = 0;
    hs_status st = HS_OK;
    for (;;) {
        if (*len == cap && !hs__grow(ctx, (void **)data, &cap, *len + (1 << 20), 1)) {
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
            break;
        }
        ssize_t k = read(fd, *data + *len, cap - *len);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            st = hs__error(ctx, HS_EIO, "%s: cannot read: %s", path, strerror(errno));
            break;
        }
        if (k == 0) break;
        *len += (size_t)k;
        if (*len > max) {
            st = hs__error(ctx, HS_EIO, "%s: %s", path, too_big);
            break;
        }
        if ((st = hs__progress(ctx, "read", 0, 0))) break;
    }
    if (st) {
        free(*data);
        *data = NULL;
        *len = 0;
    }
    return st;
}

hs_status hs__slurp(hs_ctx *ctx, const char *path, char **data, size_t *len) {
    *data = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return hs__error(ctx, HS_EIO, "%s: %s", path, strerror(errno));
    /* Tables (harm, population, hotspots) are regular files of a sane size:
     * a folder (whose "size" is nonsense: found by fuzz_cli, `hotspot
     * patrol /`), a device (/dev/zero) or a pipe would be read without end. */
    struct stat sb;
    hs_status st = HS_OK;
    if (fstat(fd, &sb) != 0 || S_ISDIR(sb.st_mode))
        st = hs__error(ctx, HS_EIO, "%s: is a folder, not a file", path);
    else if (!S_ISREG(sb.st_mode))
        st = hs__error(ctx, HS_EIO, "%s: not a regular file (a table is read from a file)", path);
    else if (sb.st_size > HS__TABLE_MAX_BYTES)
        st = hs__error(ctx, HS_EIO, "%s: %lld MB is too large for a table (at most %d MB)", path,
                       (long long)(sb.st_size >> 20), HS__TABLE_MAX_BYTES >> 20);
    if (!st) st = hs__input_note_fd(ctx, fd);
    /* Read to the end, not to the size asked of the file: it may grow. */
    if (!st)
        st = hs__read_fd(ctx, path, fd, HS__TABLE_MAX_BYTES,
                         "too large for a table (at most 256 MB)", data, len);
    close(fd);
    if (st) return st;
    /* A UTF-8 byte-order mark is not part of the text. */
    if (*len >= 3 && memcmp(*data, "\xEF\xBB\xBF", 3) == 0) {
        memmove(*data, *data + 3, *len - 3);
        *len -= 3;
    }
    return HS_OK;
}

hs_status hs__csv_pairs(hs_ctx *ctx, const char *path, const char *kcol, const char *vcol,
                        hs__pair_fn fn, void *ud) {
    char *data;
    size_t len;
    hs_status st = hs__slurp(ctx, path, &data, &len);
    if (st) return st;
    st = hs__csv_pairs_buffer(ctx, path, data, len, kcol, vcol, fn, ud);
    free(data);
    return st;
}

hs_status hs__csv_rows(hs_ctx *ctx, const char *path, const char *data, size_t len, hs__row_fn fn,
                       void *ud) {
    if (memchr(data, 0, len))
        return hs__error(ctx, HS_EPARSE, "%s: NUL byte: this is not a text CSV file", path);
    const char *p = data, *end = data + len;
    uint64_t line = 1;
    size_t nfields = 0;
    hs_status st = HS_OK;
    while (p < end && !st) {
        hs__field fl[64];
        size_t nf;
        uint64_t nl;
        const char *rec_end;
        hs__csv_result res;
        p = hs__csv_record(p, end, fl, 64, &nf, &nl, &rec_end, &res);
        if (res)
            return hs__error(ctx, HS_EPARSE, "%s:%llu: malformed CSV", path,
                             (unsigned long long)line);
        if (line == 1) nfields = nf;
        bool blank = line > 1 && nf == 1 && fl[0].len == 0;
        if (!blank && nf != nfields)
            return hs__error(ctx, HS_EPARSE, "%s:%llu: expected %zu fields", path,
                             (unsigned long long)line, nfields);
        if (!blank) st = fn(ud, line, fl, nf < 64 ? nf : 64);
        line += nl;
    }
    return st;
}

/* A two-column table: the key and value columns found in the header, then
 * each row's key and number, trimmed. */
typedef struct pairs {
    hs_ctx *ctx;
    const char *path, *kcol, *vcol;
    int ck, cv;
    hs__pair_fn fn;
    void *ud;
} pairs;

static hs_status pair_row(void *ud, uint64_t line, const hs__field *fl, size_t nf) {
    pairs *P = ud;
    char key[256], num[64];
    if (line == 1) {
        for (size_t k = 0; k < nf; k++) {
            if (fl[k].len >= sizeof key) continue;
            hs__csv_unescape(&fl[k], key);
            if (!strcasecmp(key, P->kcol)) P->ck = (int)k;
            if (!strcasecmp(key, P->vcol)) P->cv = (int)k;
        }
        if (P->ck < 0 || P->cv < 0)
            return hs__error(P->ctx, HS_EPARSE, "%s:1: the header must name the columns %s and %s",
                             P->path, P->kcol, P->vcol);
        return HS_OK;
    }
    if (fl[P->ck].len >= sizeof key || fl[P->cv].len >= sizeof num)
        return hs__error(P->ctx, HS_EPARSE, "%s:%llu: a key or value is too long", P->path,
                         (unsigned long long)line);
    size_t kl = hs__csv_unescape(&fl[P->ck], key);
    hs__csv_unescape(&fl[P->cv], num);
    /* Spaces around a key or value are not part of it ("Robbery , 5" from
     * a hand-made table). */
    char *kp = key, *np = num;
    while (*kp == ' ' || *kp == '\t')
        kp++, kl--;
    while (kl && (kp[kl - 1] == ' ' || kp[kl - 1] == '\t'))
        kp[--kl] = 0;
    while (*np == ' ' || *np == '\t')
        np++;
    size_t nl = strlen(np);
    while (nl && (np[nl - 1] == ' ' || np[nl - 1] == '\t'))
        np[--nl] = 0;
    double v;
    if (!hs__parse_double(np, nl, &v) || !(v >= 0 && v <= HS__MAX_WEIGHT))
        return hs__error(P->ctx, HS_EPARSE, "%s:%llu: %s '%s' is not a number from 0 to 1e12",
                         P->path, (unsigned long long)line, P->vcol, np);
    return P->fn(P->ud, kp, kl, v, line);
}

hs_status hs__csv_pairs_buffer(hs_ctx *ctx, const char *path, const char *data, size_t len,
                               const char *kcol, const char *vcol, hs__pair_fn fn, void *ud) {
    pairs P = {ctx, path, kcol, vcol, -1, -1, fn, ud};
    return hs__csv_rows(ctx, path, data, len, pair_row, &P);
}
