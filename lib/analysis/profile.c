/* profile.c — when hotspots' incidents happened and what they were: each
 * chosen place's weekday x hour or month profile and its top crime types,
 * as data for every writer (hotspots CSV/GeoJSON, patrol hours, the page). */
#include "analysis.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The incidents of each unit, in file order (counting sort): unit k's are
 * list[first[k] .. first[k + 1]); the table's time rule and month span. */
hs_status hs__hotspots_index(hs_ctx *ctx, hs_hotspots *h) {
    const hs__cols *c = &h->inc->col;
    size_t ni = c->n, timed = 0, dated = 0;
    h->first = hs__calloc(ctx, h->n + 2, sizeof *h->first);
    h->list = hs__malloc(ctx, (ni ? ni : 1) * sizeof *h->list);
    size_t *fill = hs__calloc(ctx, h->n + 1, sizeof *fill);
    if (!h->first || !h->list || !fill) {
        free(fill);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < ni; i++)
        if (h->unit_of_copy[i] < h->n) h->first[h->unit_of_copy[i] + 1]++;
    for (size_t k = 0; k < h->n; k++)
        h->first[k + 1] += h->first[k];
    for (size_t i = 0; i < ni; i++) {
        uint32_t k = h->unit_of_copy[i];
        if (k < h->n) h->list[h->first[k] + fill[k]++] = i;
    }
    free(fill);
    int64_t m0 = INT64_MAX, m1 = INT64_MIN;
    for (size_t i = 0; i < ni; i++) {
        timed += c->prec[i] >= HS_TIME_MINUTE;
        if (c->prec[i] == HS_TIME_NONE) continue;
        int64_t m = hs__month_index(c->t[i]);
        dated++;
        m0 = m < m0 ? m : m0;
        m1 = m > m1 ? m : m1;
    }
    /* By hour when most incidents have a time of day (a force extract with
     * a few untimed rows still shows its hours). */
    h->timed = timed * 2 > ni;
    h->m0 = dated ? m0 : 0;
    h->nmonths = dated && m1 - m0 < HS_PROFILE_MONTHS ? (size_t)(m1 - m0 + 1) : 0;
    return HS_OK;
}

int hs_hotspots_timed(const hs_hotspots *h) {
    return h && h->timed;
}

static int cmp_u64_desc_idx(const void *a, const void *b) {
    const uint64_t *x = a, *y = b; /* {count, id} */
    if (x[0] != y[0]) return x[0] < y[0] ? 1 : -1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* "Violence and sexual offences (12); Robbery (3)": the three most frequent,
 * ties in category order. */
static hs_status top_types(const hs_hotspots *h, const size_t *list, size_t n, char *buf,
                           size_t size) {
    size_t nc = h->inc->cats.count, o = 0;
    uint64_t(*cat)[2] = hs__calloc(NULL, nc + 1, sizeof *cat);
    if (!cat) return HS_ENOMEM;
    for (size_t li = 0; li < n; li++)
        if (h->inc->col.cat[list[li]] < nc) cat[h->inc->col.cat[list[li]]][0]++;
    for (size_t j = 0; j < nc; j++)
        cat[j][1] = j;
    qsort(cat, nc, sizeof *cat, cmp_u64_desc_idx);
    buf[0] = 0;
    for (size_t j = 0; j < nc && j < 3 && cat[j][0] > 0 && o + 100 < size; j++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s (%" PRIu64 ")", j ? "; " : "",
                              h->inc->cats.names[cat[j][1]], cat[j][0]);
    free(cat);
    return HS_OK;
}

/* The most common place text and the busiest single point (naming.c). */
static hs_status places(const hs_hotspots *h, const size_t *list, size_t n,
                        hs_hotspot_profile *out) {
    uint32_t l;
    hs_status st = hs__place_text(h->inc, list, n, &l, &out->location_pct, &out->one_point_pct);
    if (!st && l != HS_NO_LABEL)
        snprintf(out->location, sizeof out->location, "%s", h->inc->labels.names[l]);
    return st;
}

hs_status hs_hotspots_profile(const hs_hotspots *h, size_t i, hs_hotspot_profile *out) {
    if (!h || !out || i >= h->nsel) return HS_EINVAL;
    const hs__cols *c = &h->inc->col;
    uint32_t k = h->sel[i].unit;
    const size_t *list = h->list + h->first[k];
    size_t n = h->first[k + 1] - h->first[k];
    memset(out, 0, sizeof *out);
    out->timed = h->timed;
    out->first_month = h->m0;
    out->month_count = h->nmonths;
    for (size_t li = 0; li < n; li++) {
        size_t e = list[li];
        if (h->timed && c->prec[e] >= HS_TIME_MINUTE) {
            int64_t s = c->t[e], day = s >= 0 ? s / 86400 : (s - 86399) / 86400;
            size_t hour = (size_t)((s - day * 86400) / 3600);
            size_t wd = (size_t)(((day % 7) + 10) % 7); /* 1970-01-01 was a Thursday; Monday = 0 */
            out->hours[hour]++, out->weekdays[wd]++, out->week[wd][hour]++;
        } else if (!h->timed && c->prec[e] != HS_TIME_NONE && h->nmonths) {
            out->months[hs__month_index(c->t[e]) - h->m0]++;
        }
    }
    hs_status st = places(h, list, n, out);
    return st ? st : top_types(h, list, n, out->top_types, sizeof out->top_types);
}
