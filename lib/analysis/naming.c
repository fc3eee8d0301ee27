/* naming.c — what names a place for a briefing, whatever the place (a
 * hotspot, a grid cell of a change or trend table, a ward): the most common
 * place text of its incidents (police.uk's Location, "On or near High
 * Street") with that text's share; the share at its busiest single point
 * (police.uk snaps incidents to anonymised map points, so a place whose
 * incidents mostly share one point is that point, not an area); and the
 * ward holding its centre. Counts are exact: runs of sorted copies. */
#include "analysis.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_xy(const void *a, const void *b) {
    const double *p = a, *q = b;
    if (p[0] != q[0]) return p[0] < q[0] ? -1 : 1;
    return (p[1] > q[1]) - (p[1] < q[1]);
}

hs_status hs__place_text(const hs_incidents *inc, const size_t *list, size_t n, uint32_t *label,
                         double *label_pct, double *one_point_pct) {
    const hs__cols *c = &inc->col;
    *label = HS_NO_LABEL;
    *label_pct = *one_point_pct = 0;
    if (!n) return HS_OK;
    uint32_t *lab = hs__malloc(NULL, n * sizeof *lab);
    double *xy = hs__malloc(NULL, 2 * n * sizeof *xy);
    if (!lab || !xy) {
        free(lab), free(xy);
        return HS_ENOMEM;
    }
    for (size_t k = 0; k < n; k++) {
        lab[k] = c->label[list[k]];
        xy[2 * k] = c->x[list[k]], xy[2 * k + 1] = c->y[list[k]];
    }
    qsort(lab, n, sizeof *lab, cmp_u32);
    qsort(xy, n, 2 * sizeof *xy, cmp_xy);
    size_t best = 0, bestpt = 0;
    for (size_t a = 0, b; a < n; a = b) {
        for (b = a; b < n && lab[b] == lab[a]; b++) {
        }
        if (lab[a] != HS_NO_LABEL && b - a > best) best = b - a;
    }
    /* Ties go to the text of the place's incident read first. */
    for (size_t k = 0; k < n && best && *label == HS_NO_LABEL; k++) {
        uint32_t l = c->label[list[k]];
        size_t lo = 0, hi = n, m = 0;
        while (lo < hi) /* first position of l in the sorted ids */
            if (lab[m = lo + (hi - lo) / 2] < l)
                lo = m + 1;
            else
                hi = m;
        size_t run = 0;
        while (lo + run < n && lab[lo + run] == l)
            run++;
        if (l != HS_NO_LABEL && run == best) *label = l;
    }
    for (size_t a = 0, b; a < n; a = b) {
        for (b = a; b < n && xy[2 * b] == xy[2 * a] && xy[2 * b + 1] == xy[2 * a + 1]; b++) {
        }
        if (b - a > bestpt) bestpt = b - a;
    }
    *label_pct = 100.0 * (double)best / (double)n;
    *one_point_pct = 100.0 * (double)bestpt / (double)n;
    free(lab), free(xy);
    return HS_OK;
}

hs_status hs__wards_of(hs_ctx *ctx, const hs_units *wards, const hs_units *u, const size_t *units,
                       size_t m, const hs_incidents *inc, const uint32_t *unit_of, uint32_t *out) {
    double *x = hs__malloc(ctx, (m ? m : 1) * sizeof *x),
           *y = hs__malloc(ctx, (m ? m : 1) * sizeof *y);
    uint32_t *iw = NULL;
    size_t *pos = NULL, ni = inc ? inc->col.n : 0;
    hs_status st = x && y ? HS_OK : hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t j = 0; !st && j < m; j++)
        x[j] = u->cx[units[j]], y[j] = u->cy[units[j]];
    if (!st) st = hs__units_locate_xy(ctx, wards, x, y, m, out);
    /* A centre outside every ward (a cell on the borough's edge, kept for
     * its incidents): the ward holding most of its incidents instead, ties
     * to the ward read first. One pass locates every incident. */
    bool need = false;
    for (size_t j = 0; !st && j < m; j++)
        need = need || out[j] == HS_NO_UNIT;
    if (!st && need && ni) {
        iw = hs__malloc(ctx, ni * sizeof *iw);
        pos = hs__malloc(ctx, (u->n + 1) * sizeof *pos);
        st = iw && pos ? hs__units_locate_xy(ctx, wards, inc->col.x, inc->col.y, ni, iw)
                       : hs__error(ctx, HS_ENOMEM, "out of memory");
        for (size_t k = 0; !st && k <= u->n; k++)
            pos[k] = SIZE_MAX;
        for (size_t j = 0; !st && j < m; j++)
            if (out[j] == HS_NO_UNIT) pos[units[j]] = j;
        /* (place, ward) pairs of the incidents concerned, sorted: the
         * longest run per place, the lowest ward index on ties. */
        uint64_t *pair = NULL;
        size_t np = 0;
        for (size_t i = 0; !st && i < ni; i++)
            np += unit_of[i] < u->n && pos[unit_of[i]] != SIZE_MAX && iw[i] != HS_NO_UNIT;
        if (!st && !(pair = hs__malloc(ctx, (np ? np : 1) * sizeof *pair)))
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
        np = 0;
        for (size_t i = 0; !st && i < ni; i++)
            if (unit_of[i] < u->n && pos[unit_of[i]] != SIZE_MAX && iw[i] != HS_NO_UNIT)
                pair[np++] = (uint64_t)pos[unit_of[i]] << 32 | iw[i];
        if (!st) qsort(pair, np, sizeof *pair, cmp_u64);
        for (size_t a = 0, b, best = 0; !st && a < np; a = b) {
            for (b = a; b < np && pair[b] == pair[a]; b++) {
            }
            size_t j = (size_t)(pair[a] >> 32);
            if (a == 0 || (pair[a - 1] >> 32) != j) best = 0;
            if (b - a > best) best = b - a, out[j] = (uint32_t)(pair[a] & 0xFFFFFFFFu);
        }
        free(pair);
    }
    free(x), free(y), free(iw), free(pos);
    return st;
}

hs_status hs_place_names(hs_ctx *ctx, const hs_units *units, const hs_incidents *inc,
                         const uint32_t *unit_of, const hs_units *wards, hs_place_name *out) {
    if (!ctx || !units || !inc || (!unit_of && inc->col.n) || (!out && units->n)) return HS_EINVAL;
    size_t nu = units->n, ni = inc->col.n;
    size_t *first = hs__calloc(ctx, nu + 2, sizeof *first),
           *fill = hs__calloc(ctx, nu + 1, sizeof *fill);
    size_t *list = hs__malloc(ctx, (ni ? ni : 1) * sizeof *list);
    uint32_t *w = wards ? hs__malloc(ctx, (nu ? nu : 1) * sizeof *w) : NULL;
    hs_status st =
        first && fill && list && (!wards || w) ? HS_OK : hs__error(ctx, HS_ENOMEM, "out of memory");
    /* Each unit's incidents, in reading order (a counting sort). */
    for (size_t i = 0; !st && i < ni; i++)
        if (unit_of[i] < nu) first[unit_of[i] + 1]++;
    for (size_t k = 0; !st && k < nu; k++)
        first[k + 1] += first[k];
    for (size_t i = 0; !st && i < ni; i++)
        if (unit_of[i] < nu) list[first[unit_of[i]] + fill[unit_of[i]]++] = i;
    size_t *all = wards ? hs__malloc(ctx, (nu ? nu : 1) * sizeof *all) : NULL;
    if (!st && wards && !all) st = hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t k = 0; !st && all && k < nu; k++)
        all[k] = k;
    if (!st && wards) st = hs__wards_of(ctx, wards, units, all, nu, inc, unit_of, w);
    free(all);
    for (size_t k = 0; !st && k < nu; k++) {
        uint32_t l;
        hs_place_name *p = &out[k];
        if (hs__place_text(inc, list + first[k], first[k + 1] - first[k], &l, &p->location_pct,
                           &p->one_point_pct))
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
        p->location = l != HS_NO_LABEL ? inc->labels.names[l] : "";
        bool in = w && w[k] != HS_NO_UNIT;
        p->ward_code = in ? wards->code[w[k]] : "";
        p->ward_name = in ? wards->name[w[k]] : "";
    }
    free(first), free(fill), free(list), free(w);
    return st;
}

void hs__place_cols_free(hs__place_cols *pc) {
    for (size_t i = 0; i < pc->n; i++) {
        if (pc->loc) free(pc->loc[i]);
        if (pc->wcode) free(pc->wcode[i]);
        if (pc->wname) free(pc->wname[i]);
    }
    free(pc->loc), free(pc->wcode), free(pc->wname), free(pc->loc_pct), free(pc->pt_pct);
    memset(pc, 0, sizeof *pc);
}

hs_status hs__place_cols_set(hs_ctx *ctx, hs__place_cols *pc, const hs_place_name *names,
                             size_t n) {
    hs__place_cols_free(pc);
    size_t m = n ? n : 1;
    pc->n = n;
    pc->loc = hs__calloc(ctx, m, sizeof *pc->loc);
    pc->wcode = hs__calloc(ctx, m, sizeof *pc->wcode);
    pc->wname = hs__calloc(ctx, m, sizeof *pc->wname);
    pc->loc_pct = hs__calloc(ctx, m, sizeof *pc->loc_pct);
    pc->pt_pct = hs__calloc(ctx, m, sizeof *pc->pt_pct);
    bool ok = pc->loc && pc->wcode && pc->wname && pc->loc_pct && pc->pt_pct;
    for (size_t i = 0; ok && i < n; i++) {
        const hs_place_name *p = &names[i];
        ok = (pc->loc[i] = hs__strdup(ctx, p->location ? p->location : "")) &&
             (pc->wcode[i] = hs__strdup(ctx, p->ward_code ? p->ward_code : "")) &&
             (pc->wname[i] = hs__strdup(ctx, p->ward_name ? p->ward_name : ""));
        pc->loc_pct[i] = p->location_pct;
        pc->pt_pct[i] = p->one_point_pct;
        if (ok && pc->wcode[i][0]) pc->has_wards = true;
    }
    if (!ok) {
        hs__place_cols_free(pc);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    pc->on = true;
    return HS_OK;
}
