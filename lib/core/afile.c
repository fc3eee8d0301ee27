/* afile.c — a buffered stream onto a staged output (output.c: created
 * new in a private folder beside the target, renamed over it only when
 * complete), so a failed or interrupted run never leaves a half file under
 * the real name. Also the number formatting shared by writers. */
#if defined(__linux__)
#define _GNU_SOURCE /* fopencookie (glibc, musl) */
#endif
#include "core.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The stream writes through these (fopencookie on Linux, funopen on the
 * BSDs and macOS), so the first write error's errno (ENOSPC, EFBIG, EIO) is
 * kept: stdio itself only sets a flag, and a later fflush often has nothing
 * left to fail on. Elsewhere a plain fdopen stream: its errno is the one the
 * final fflush or fclose sees. */
struct hs__afile_sink {
    int fd;
    int err;
};

static ssize_t sink_write(void *cookie, const char *buf, size_t n) {
    hs__afile_sink *k = cookie;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(k->fd, buf + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (!k->err) k->err = w < 0 ? errno : ENOSPC;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)done;
}

#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
static int sink_write_bsd(void *cookie, const char *buf, int n) {
    return (int)sink_write(cookie, buf, (size_t)n);
}
#endif

static int sink_close(void *cookie) {
    hs__afile_sink *k = cookie;
    int r = close(k->fd);
    if (r != 0 && !k->err) k->err = errno;
    k->fd = -1;
    return r;
}

static FILE *sink_stream(hs__afile_sink *k) {
#if defined(__linux__)
    return fopencookie(k, "wb", (cookie_io_functions_t){NULL, sink_write, NULL, sink_close});
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
    return funopen(k, NULL, sink_write_bsd, NULL, sink_close);
#else
    FILE *f = fdopen(k->fd, "wb");
    if (f) k->fd = -1; /* the stream closes it */
    return f;
#endif
}

hs_status hs__afile_open_flags(hs_ctx *ctx, const char *path, unsigned flags, hs__afile *af) {
    memset(af, 0, sizeof *af);
    af->ctx = ctx;
    af->path = hs__strdup(ctx, path);
    af->sink = hs__calloc(ctx, 1, sizeof *af->sink);
    if (!af->path || !af->sink) {
        hs__afile_abort(af);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    int fd;
    hs_status st = hs__output_create(ctx, path, flags, &fd, &af->id);
    if (st) {
        hs__afile_abort(af);
        return st;
    }
    af->open = true; /* only a file that exists is ever removed */
    af->sink->fd = fd;
    af->f = sink_stream(af->sink);
    if (!af->f) {
        close(fd);
        hs__afile_abort(af);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    setvbuf(af->f, NULL, _IOFBF, 1 << 20);
    return HS_OK;
}

hs_status hs__afile_open(hs_ctx *ctx, const char *path, hs__afile *af) {
    return hs__afile_open_flags(ctx, path, 0, af);
}

void hs__afile_abort(hs__afile *af) {
    if (af->f) fclose(af->f);
    free(af->sink);
    if (af->open) hs__output_finish(af->ctx, af->id, false);
    free(af->path);
    memset(af, 0, sizeof *af);
}

hs_status hs__afile_commit(hs_ctx *ctx, hs__afile *af) {
    hs_status cancel = hs__progress(ctx, "write", 1, 1);
    if (cancel) {
        hs__afile_abort(af);
        return cancel;
    }
    errno = 0;
    int e = fflush(af->f) != 0 || ferror(af->f) ? (errno ? errno : EIO) : 0;
    if (fclose(af->f) != 0 && !e) e = errno ? errno : EIO;
    af->f = NULL;
    if (af->sink->err) e = af->sink->err; /* the cause, when the sink saw it */
    if (e) {
        hs_status st =
            hs__error(ctx, HS_EIO, "%s: write failed: %s", af->path, strerror(e ? e : EIO));
        hs__afile_abort(af);
        return st;
    }
    af->open = false;
    hs_status st = hs__output_finish(ctx, af->id, true);
    hs__afile_abort(af);
    return st;
}

struct hs_output {
    hs__afile af;
};

hs_status hs_output_open(hs_ctx *ctx, const char *path, hs_output **out, FILE **f) {
    if (!ctx || !path || !out || !f) return HS_EINVAL;
    *out = NULL;
    *f = NULL;
    hs_output *o = hs__calloc(ctx, 1, sizeof *o);
    if (!o) return hs__error(ctx, HS_ENOMEM, "out of memory");
    hs_status st = hs__afile_open(ctx, path, &o->af);
    if (st) {
        free(o);
        return st;
    }
    *out = o;
    *f = o->af.f;
    return HS_OK;
}

hs_status hs_output_close(hs_ctx *ctx, hs_output *o, int keep) {
    if (!o) return HS_OK;
    hs_status st = HS_OK;
    if (keep && ctx)
        st = hs__afile_commit(ctx, &o->af);
    else
        hs__afile_abort(&o->af);
    free(o);
    return st;
}

int hs__fmt_double(char *buf, size_t size, double v) {
    if (v == 0) return snprintf(buf, size, "0");
    for (int prec = 15; prec <= 17; prec++) {
        int n = snprintf(buf, size, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v) return n;
    }
    return 0;
}

int hs__fmt_real(char *buf, size_t size, double v) {
    int n = hs__fmt_double(buf, size, v);
    if (n > 0 && (size_t)n + 2 < size && !strpbrk(buf, ".eEn")) {
        memcpy(buf + n, ".0", 3);
        n += 2;
    }
    return n;
}

bool hs__has_ext(const char *path, const char *ext) {
    size_t n = strlen(path), m = strlen(ext);
    if (n < m) return false;
    for (size_t i = 0; i < m; i++)
        if (tolower((unsigned char)path[n - m + i]) != tolower((unsigned char)ext[i])) return false;
    return true;
}

void hs__put_text(FILE *f, const char *s, bool json) {
    bool q = json || strpbrk(s, ",\"\r\n");
    if (q) fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"')
            fputs(json ? "\\\"" : "\"\"", f);
        else if (json && ch == '\\')
            fputs("\\\\", f);
        else if (json && ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    if (q) fputc('"', f);
}

void hs__put_xml(FILE *f, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}
