/* afile.c — output files are written to a temporary name in the same folder
 * and renamed over the target only when complete (rename(2) is atomic on
 * POSIX file systems), so a failed or interrupted run never leaves a half
 * file under the real name. Also the number formatting shared by writers. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

hs_status hs__afile_open(hs_ctx *ctx, const char *path, hs__afile *af) {
    memset(af, 0, sizeof *af);
    size_t n = strlen(path);
    af->path = hs__strdup(path);
    af->tmp = malloc(n + 16);
    if (!af->path || !af->tmp) {
        hs__afile_abort(af);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    memcpy(af->tmp, path, n);
    memcpy(af->tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(af->tmp);
    if (fd < 0) {
        int e = errno;
        free(af->tmp);
        af->tmp = NULL;
        hs__afile_abort(af);
        return hs__error(ctx, HS_EIO, "%s: cannot create: %s", path, strerror(e));
    }
    /* mkstemp makes 0600 files; outputs are for sharing, so honour umask. */
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
    af->f = fdopen(fd, "wb");
    if (!af->f) {
        close(fd);
        hs__afile_abort(af);
        return hs__error(ctx, HS_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    setvbuf(af->f, NULL, _IOFBF, 1 << 20);
    return HS_OK;
}

void hs__afile_abort(hs__afile *af) {
    if (af->f) fclose(af->f);
    if (af->tmp) unlink(af->tmp);
    free(af->tmp);
    free(af->path);
    memset(af, 0, sizeof *af);
}

hs_status hs__afile_commit(hs_ctx *ctx, hs__afile *af) {
    int bad = ferror(af->f);
    int e = bad ? EIO : 0;
    if (fflush(af->f) != 0 && !e) e = errno;
    if (fclose(af->f) != 0 && !e) e = errno;
    af->f = NULL;
    if (bad || e) {
        hs_status st =
            hs__error(ctx, HS_EIO, "%s: write failed: %s", af->path, strerror(e ? e : EIO));
        hs__afile_abort(af);
        return st;
    }
    if (rename(af->tmp, af->path) != 0) {
        hs_status st =
            hs__error(ctx, HS_EIO, "%s: cannot rename into place: %s", af->path, strerror(errno));
        hs__afile_abort(af);
        return st;
    }
    free(af->tmp);
    af->tmp = NULL;
    hs__afile_abort(af);
    return HS_OK;
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
