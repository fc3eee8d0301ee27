/* context.c — the per-thread context: working CRS, PROJ context (through
 * crs.c), thread count and the last error. */
#include "geo.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void hs__crs_ctx_free(void *proj);
void *hs__crs_ctx_new(void);

hs_status hs_ctx_create(hs_ctx **out) {
    if (!out) return HS_EINVAL;
    *out = NULL;
    hs_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return HS_ENOMEM;
    ctx->proj = hs__crs_ctx_new();
    ctx->crs = hs__strdup(ctx, "EPSG:27700");
    if (!ctx->proj || !ctx->crs) {
        hs_ctx_destroy(ctx);
        return HS_ENOMEM;
    }
    hs_ctx_set_threads(ctx, 0);
    *out = ctx;
    return HS_OK;
}

void hs_ctx_destroy(hs_ctx *ctx) {
    if (!ctx) return;
    hs__outputs_free(ctx);    /* removes what a job left staged */
    hs__ctx_xcache_free(ctx); /* before the PROJ context they use */
    hs__crs_ctx_free(ctx->proj);
    hs__geos_free(ctx->geos);
    free(ctx->crs);
    free(ctx);
}

const char *hs_ctx_last_error(const hs_ctx *ctx) {
    return ctx ? ctx->err : "";
}

const char *hs_ctx_crs(const hs_ctx *ctx) {
    return ctx ? ctx->crs : NULL;
}

hs_status hs_ctx_set_crs(hs_ctx *ctx, const char *crs) {
    if (!ctx) return HS_EINVAL;
    if (!crs || !*crs) return hs__error(ctx, HS_EINVAL, "empty CRS");
    hs_status st = hs__crs_check_metric(ctx, crs);
    if (st) return st;
    char *c = hs__strdup(ctx, crs);
    if (!c) return hs__error(ctx, HS_ENOMEM, "out of memory");
    free(ctx->crs);
    ctx->crs = c;
    return HS_OK;
}

hs_status hs_ctx_set_threads(hs_ctx *ctx, int threads) {
    if (!ctx) return HS_EINVAL;
    if (threads < 0 || threads > 64)
        return hs__error(ctx, HS_EINVAL, "threads must be 0..64, not %d", threads);
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n < 1 ? 1 : n > HS__MAX_THREADS ? HS__MAX_THREADS : (int)n;
    }
    ctx->threads = threads;
    return HS_OK;
}

void *hs__ctx_geos(hs_ctx *ctx) {
    if (!ctx->geos) ctx->geos = hs__geos_new();
    return ctx->geos;
}

hs_status hs_ctx_set_progress(hs_ctx *ctx, hs_progress_fn fn, void *user) {
    if (!ctx) return HS_EINVAL;
    ctx->progress = fn;
    ctx->progress_user = user;
    return HS_OK;
}

hs_status hs_ctx_set_alloc_hook(hs_ctx *ctx, hs_alloc_hook hook, void *user) {
    if (!ctx) return HS_EINVAL;
    ctx->alloc_hook = hook;
    ctx->alloc_user = user;
    return HS_OK;
}
