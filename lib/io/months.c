/* months.c — a data-quality check: incidents per calendar month between
 * the first and the last dated incident, and the short-month rule. A month
 * holding under 60 % of the median month (with 3 or more months) is short:
 * a missing or partial file (Kent's December 2018 file has about half its
 * usual rows), which misleads every comparison over it. One rule for the
 * commands' warning and the report's chart (docs/methods.md). */
#include "io.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

hs_status hs__months_count(hs_ctx *ctx, const hs_incidents *inc, size_t max_months,
                           hs__months *out) {
    memset(out, 0, sizeof *out);
    const hs__cols *c = &inc->col;
    int64_t m0 = INT64_MAX, m1 = INT64_MIN;
    for (size_t i = 0; i < c->n; i++)
        if (c->prec[i] != HS_TIME_NONE) {
            int64_t m = hs__month_index(c->t[i]);
            m0 = m < m0 ? m : m0, m1 = m > m1 ? m : m1;
        }
    if (m0 > m1 || (uint64_t)(m1 - m0) >= max_months) return HS_OK; /* none, or too long */
    size_t nm = (size_t)(m1 - m0 + 1);
    uint64_t *cnt = hs__calloc(ctx, 2 * nm, sizeof *cnt), *s = cnt ? cnt + nm : NULL;
    if (!cnt) return hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->n; i++)
        if (c->prec[i] != HS_TIME_NONE) cnt[hs__month_index(c->t[i]) - m0]++;
    memcpy(s, cnt, nm * sizeof *s);
    qsort(s, nm, sizeof *s, cmp_u64);
    out->first = m0;
    out->n = nm;
    out->count = cnt;
    out->median = nm % 2 ? (double)s[nm / 2] : 0.5 * ((double)s[nm / 2 - 1] + (double)s[nm / 2]);
    return HS_OK;
}

bool hs__months_short(const hs__months *m, size_t k) {
    return m->n >= 3 && k < m->n && (double)m->count[k] < 0.6 * m->median;
}

void hs__months_free(hs__months *m) {
    free(m->count);
    memset(m, 0, sizeof *m);
}
