/* status.c — status codes, reject reasons and error messages, from one
 * table each (as libuv's uv_strerror). */
#include "core.h"

#include <stdlib.h>
#include <string.h>

static const char *const status_text[HS_STATUS_COUNT_] = {
    [HS_OK] = "success",
    [HS_EINVAL] = "invalid argument",
    [HS_ENOMEM] = "out of memory",
    [HS_EIO] = "input/output error",
    [HS_EPARSE] = "malformed input",
    [HS_ECRS] = "coordinate reference system error",
    [HS_ERANGE] = "value out of range",
    [HS_EFORMAT] = "unsupported format",
    [HS_ENODATA] = "no data",
    [HS_ECANCELED] = "interrupted",
};

const char *hs_status_string(hs_status status) {
    if ((unsigned)status >= HS_STATUS_COUNT_) return "unknown status";
    return status_text[status];
}

static const char *const reject_text[HS_REJECT_COUNT_] = {
    [HS_REJECT_NO_LOCATION] = "no location",
    [HS_REJECT_BAD_NUMBER] = "bad number",
    [HS_REJECT_OUTSIDE_AREA] = "outside CRS area of use",
    [HS_REJECT_BAD_DATE] = "bad date",
    [HS_REJECT_NO_DATE] = "no date",
    [HS_REJECT_BAD_WEIGHT] = "bad weight",
    [HS_REJECT_FIELD_COUNT] = "wrong number of fields",
    [HS_REJECT_EMPTY_ROW] = "empty row",
    [HS_REJECT_CRIME_TYPE] = "filtered out: crime type",
    [HS_REJECT_DATE_RANGE] = "filtered out: date range",
    [HS_REJECT_SWAPPED] = "outside CRS area of use: longitude and latitude swapped?",
    [HS_REJECT_IMPLAUSIBLE_DATE] = "date before 1900 or after next year",
    [HS_REJECT_OUTSIDE_STUDY_AREA] = "outside the study area",
};

const char *hs_reject_reason_string(hs_reject_reason reason) {
    if ((unsigned)reason >= HS_REJECT_COUNT_) return "unknown reason";
    return reject_text[reason];
}

const char *hs_version(void) {
    return HS_VERSION_STRING;
}

void hs__format(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

hs_status hs__error(hs_ctx *ctx, hs_status status, const char *fmt, ...) {
    if (ctx) {
        /* Through a copy: the arguments may include the previous message
         * (hs_ctx_last_error), which would overlap the destination. */
        char buf[HS__ERRLEN];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        /* A message is one line: a CR or other control byte taken from an
         * input (CR-only line ends, say) is shown as '?', never sent raw. */
        for (char *p = buf; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
        memcpy(ctx->err, buf, sizeof buf);
    }
    return status;
}

hs_status hs_ctx_set_log(hs_ctx *ctx, hs_log_fn fn, void *user) {
    if (!ctx) return HS_EINVAL;
    ctx->log = fn;
    ctx->log_user = user;
    return HS_OK;
}

void hs__log(hs_ctx *ctx, hs_log_level level, const char *fmt, ...) {
    if (!ctx || !ctx->log) return;
    char buf[HS__ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (char *p = buf; *p; p++) /* one line, as hs__error */
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
    ctx->log(ctx->log_user, level, buf);
}

char *hs__strdup(const hs_ctx *ctx, const char *s) {
    size_t n = strlen(s) + 1;
    char *d = hs__malloc(ctx, n);
    if (d) memcpy(d, s, n);
    return d;
}

bool hs__grow(const hs_ctx *ctx, void **ptr, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return true;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem) return false;
        c *= 2;
    }
    void *p = hs__realloc(ctx, *ptr, c * elem);
    if (!p) return false;
    *ptr = p;
    *cap = c;
    return true;
}

/* ---- allocation and progress: through the context's hooks ---------------- */

hs_status hs__progress(hs_ctx *ctx, const char *stage, uint64_t done, uint64_t total) {
    if (ctx && ctx->progress && ctx->progress(ctx->progress_user, stage, done, total))
        return hs__error(ctx, HS_ECANCELED, "interrupted (%s)", stage);
    return HS_OK;
}

static bool allowed(const hs_ctx *ctx, size_t n) {
    return !ctx || !ctx->alloc_hook || ctx->alloc_hook(ctx->alloc_user, n);
}

void *hs__malloc(const hs_ctx *ctx, size_t n) {
    return allowed(ctx, n) ? malloc(n) : NULL;
}

void *hs__calloc(const hs_ctx *ctx, size_t n, size_t size) {
    return allowed(ctx, n * size) ? calloc(n, size) : NULL;
}

void *hs__realloc(const hs_ctx *ctx, void *p, size_t n) {
    return allowed(ctx, n) ? realloc(p, n) : NULL;
}

void *hs__aligned_alloc(const hs_ctx *ctx, size_t align, size_t n) {
    /* C11 aligned_alloc wants a size that is a multiple of the alignment. */
    size_t m = (n + align - 1) / align * align;
    return allowed(ctx, m) ? aligned_alloc(align, m) : NULL;
}
