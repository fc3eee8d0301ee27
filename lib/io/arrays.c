/* arrays.c — incidents from arrays (numpy, R vectors, a database cursor):
 * the same table and the same accounting as a CSV read, without text. Each
 * call is one more "file" of the summaries, its rows numbered from 1. A
 * row is rejected, with the CSV reader's reasons, when a coordinate is NaN
 * (no location), infinite (bad number), cannot be put in the working CRS
 * (outside its area of use), or its weight is not in [0, 1e12]. */
#include "io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool reject(const hs_ctx *ctx, hs_incidents *inc, uint32_t file, size_t row,
                   hs_reject_reason why) {
    if (!hs__incidents_reserve_rejects(ctx, inc, inc->nrej + 1)) return false;
    inc->rej[inc->nrej++] = (hs_reject){file, row + 1, why, 0, 0};
    inc->sums[file].rejected[why]++;
    return true;
}

/* The table ids of names[0..n) (owned; NULL when none or out of memory). */
static uint32_t *intern(const hs_ctx *ctx, hs__strtab *t, const char *const *names, size_t n) {
    if (!names || !n) return NULL;
    uint32_t *id = hs__malloc(ctx, n * sizeof *id);
    for (size_t k = 0; id && k < n; k++) {
        const char *s = names[k] ? names[k] : "";
        if ((id[k] = hs__strtab_intern(ctx, t, s, strlen(s), NULL)) == UINT32_MAX) {
            free(id);
            id = NULL;
        }
    }
    return id;
}

hs_status hs_incidents_add_arrays(hs_ctx *ctx, hs_incidents *inc, const char *name,
                                  const hs_incident_arrays *a) {
    if (!ctx || !inc || !name || !a || (a->n && (!a->x || !a->y)) ||
        (a->category && !a->categories && a->category_count) ||
        (a->label && !a->labels && a->label_count) ||
        (a->time_s && (a->precision <= HS_TIME_NONE || a->precision > HS_TIME_SECOND)))
        return HS_EINVAL;
    size_t n0 = inc->col.n, r0 = inc->nrej, f0 = inc->nfiles;
    uint32_t file = hs__incidents_add_file(ctx, inc, name, false);
    if (file == UINT32_MAX) return hs__error(ctx, HS_ENOMEM, "out of memory");
    hs__xentry *xe = NULL;
    if (a->crs && !hs__crs_same(ctx->proj, a->crs, inc->crs) &&
        !(xe = hs__ctx_xform(ctx, a->crs, inc->crs))) {
        hs__incidents_truncate(inc, n0, r0, f0);
        return hs__error(ctx, HS_ECRS, "%s: %s", name, hs_ctx_last_error(ctx));
    }
    /* Category and place names are interned once; rows give their index. */
    uint32_t *cat = intern(ctx, &inc->cats, a->category ? a->categories : NULL, a->category_count);
    uint32_t *lab = intern(ctx, &inc->labels, a->label ? a->labels : NULL, a->label_count);
    if ((a->category && a->category_count && !cat) || (a->label && a->label_count && !lab)) {
        free(cat), free(lab);
        hs__incidents_truncate(inc, n0, r0, f0);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    hs_status st = hs__cols_reserve(ctx, &inc->col, n0 + a->n)
                       ? HS_OK
                       : hs__error(ctx, HS_ENOMEM, "out of memory");
    hs__cols *c = &inc->col;
    for (size_t i = 0; !st && i < a->n; i++) {
        if ((i & 0xFFFFF) == 0 && (st = hs__progress(ctx, "arrays", i, a->n))) break;
        double x = a->x[i], y = a->y[i], w = a->weight ? a->weight[i] : 1;
        hs_reject_reason why = HS_REJECT_COUNT_;
        if (isnan(x) || isnan(y))
            why = HS_REJECT_NO_LOCATION;
        else if (!isfinite(x) || !isfinite(y))
            why = HS_REJECT_BAD_NUMBER;
        else if (!(w >= 0 && w <= 1e12))
            why = HS_REJECT_BAD_WEIGHT;
        else if (xe && (!hs__xform_run(xe->main, &x, &y, 1) || !isfinite(x) || !isfinite(y)))
            why = HS_REJECT_OUTSIDE_AREA;
        inc->sums[file].rows_read++;
        if (why != HS_REJECT_COUNT_) {
            if (!reject(ctx, inc, file, i, why)) st = hs__error(ctx, HS_ENOMEM, "out of memory");
            continue;
        }
        size_t k = c->n++;
        c->x[k] = x, c->y[k] = y, c->w[k] = w;
        bool dated = a->time_s && a->time_s[i] != INT64_MIN;
        c->t[k] = dated ? a->time_s[i] : 0;
        c->prec[k] = (uint8_t)(dated ? a->precision : HS_TIME_NONE);
        uint32_t ci = a->category ? a->category[i] : UINT32_MAX;
        c->cat[k] = cat && ci < a->category_count ? cat[ci] : HS_NO_CATEGORY;
        uint32_t li = a->label ? a->label[i] : UINT32_MAX;
        c->label[k] = lab && li < a->label_count ? lab[li] : HS_NO_LABEL;
        c->file[k] = file;
        c->line[k] = i + 1;
        c->off[k] = 0;
        inc->sums[file].rows_used++;
    }
    free(cat), free(lab);
    if (st) hs__incidents_truncate(inc, n0, r0, f0);
    return st;
}
