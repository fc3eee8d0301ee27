/* hotspots.c — ranking equal-sized places for hotspot patrols (the Home
 * Office "Grip" approach): units ranked by harm (or count), ties by code,
 * with Getis-Ord Gi* on the same values, optionally only the significantly
 * hot ones and at least a given distance apart (greedy, in rank order);
 * each with its share, cumulative share, share of area and PAI
 * (Chainey 2008: share of incidents / share of area), ward, top crime types
 * and time profile; and the concentration of counts and harm over all
 * units. */
#include "analysis.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void hs_hotspot_options_init(hs_hotspot_options *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->top = 20;
    o->self = 1;
    o->fdr = 1;
}

void hs_hotspots_destroy(hs_hotspots *h) {
    if (!h) return;
    free((void *)h->unit_of_copy);
    free(h->count);
    free(h->harm);
    free(h->z);
    free(h->p);
    free(h->bin);
    for (size_t i = 0; i < h->nsel; i++)
        free(h->ward[i]), free(h->ward_name[i]);
    free(h->ward);
    free(h->ward_name);
    free(h->sel);
    free(h->first);
    free(h->list);
    free(h);
}

/* qsort has no context argument: the comparator's, one per thread. */
static _Thread_local const hs_units *sort_units;
static _Thread_local const double *sort_harm;

static int cmp_rank(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (sort_harm[x] != sort_harm[y]) return sort_harm[x] > sort_harm[y] ? -1 : 1;
    int c = strcmp(sort_units->code[x], sort_units->code[y]);
    return c ? c : (x > y) - (x < y);
}

hs_status hs_hotspots_compute(hs_ctx *ctx, const hs_units *u, const hs_incidents *inc,
                              const uint32_t *unit_of, const hs_units *wards,
                              const hs_hotspot_options *opts, hs_hotspots **out) {
    if (!ctx || !u || !inc || !out || (!unit_of && inc->col.n)) return HS_EINVAL;
    *out = NULL;
    hs_hotspot_options o;
    if (opts)
        o = *opts;
    else
        hs_hotspot_options_init(&o);
    if (!u->nb_start)
        return hs__error(ctx, HS_EINVAL,
                         "build the units' neighbours first (hs_units_build_neighbours)");
    hs_hotspots *h = hs__calloc(ctx, 1, sizeof *h);
    size_t n = u->n, ni = inc->col.n;
    uint32_t *order = NULL;
    hs_status st = HS_OK;
    if (!h) return hs__error(ctx, HS_ENOMEM, "out of memory");
    h->u = u;
    h->inc = inc;
    h->n = n;
    uint32_t *uo = hs__malloc(ctx, (ni ? ni : 1) * sizeof *uo);
    h->unit_of_copy = uo;
    h->count = hs__calloc(ctx, n ? n : 1, sizeof *h->count);
    h->harm = hs__calloc(ctx, n ? n : 1, sizeof *h->harm);
    h->z = hs__malloc(ctx, (n ? n : 1) * sizeof *h->z);
    h->p = hs__malloc(ctx, (n ? n : 1) * sizeof *h->p);
    h->bin = hs__malloc(ctx, (n ? n : 1) * sizeof *h->bin);
    order = hs__malloc(ctx, (n ? n : 1) * sizeof *order);
    h->sel = hs__calloc(ctx, n ? n : 1, sizeof *h->sel);
    h->ward = hs__calloc(ctx, n ? n : 1, sizeof *h->ward);
    h->ward_name = hs__calloc(ctx, n ? n : 1, sizeof *h->ward_name);
    if (!uo || !h->count || !h->harm || !h->z || !h->p || !h->bin || !order || !h->sel ||
        !h->ward || !h->ward_name) {
        st = hs__error(ctx, HS_ENOMEM, "out of memory");
        goto done;
    }
    if (ni) memcpy(uo, unit_of, ni * sizeof *uo);
    for (size_t i = 0; i < ni; i++) {
        if (uo[i] >= n) continue;
        h->count[uo[i]]++;
        h->harm[uo[i]] += inc->col.w[i];
    }
    for (size_t k = 0; k < n; k++) {
        h->total_count += (double)h->count[k];
        h->total_harm += h->harm[k];
        h->total_area += u->area[k];
    }
    if ((st = hs_units_getis_ord(ctx, u, h->harm, o.self, o.fdr, h->z, h->p, h->bin))) goto done;
    if ((st = hs__progress(ctx, "rank", 0, n))) goto done;
    for (size_t k = 0; k < n; k++)
        order[k] = (uint32_t)k;
    sort_units = u;
    sort_harm = h->harm;
    qsort(order, n, sizeof *order, cmp_rank);
    size_t want = o.all ? n : o.top;
    double cum = 0;
    hs__xentry *xe = hs__ctx_xform(ctx, u->crs, "EPSG:4326");
    if (!xe) {
        st = HS_ECRS;
        goto done;
    }
    for (size_t r = 0; r < n && h->nsel < want; r++) {
        uint32_t k = order[r];
        /* A place with no harm is never a top hotspot (o.all lists every unit). */
        if (!o.all && !(h->harm[k] > 0)) break;
        if (o.significant && h->bin[k] < 2) continue;
        if (o.min_separation_m > 0) {
            bool far = true;
            for (size_t j = 0; j < h->nsel && far; j++) {
                double dx = u->cx[k] - h->sel[j].x, dy = u->cy[k] - h->sel[j].y;
                far = sqrt(dx * dx + dy * dy) >= o.min_separation_m;
            }
            if (!far) continue;
        }
        hs_hotspot *s = &h->sel[h->nsel];
        s->unit = k;
        s->rank = (uint32_t)(h->nsel + 1);
        s->count = h->count[k];
        s->harm = h->harm[k];
        s->share_pct = h->total_harm > 0 ? 100 * h->harm[k] / h->total_harm : 0;
        cum += s->share_pct;
        s->cum_share_pct = cum;
        s->area_share_pct = h->total_area > 0 ? 100 * u->area[k] / h->total_area : 0;
        s->pai = s->area_share_pct > 0 ? s->share_pct / s->area_share_pct : NAN;
        s->gistar_z = h->z[k];
        s->gistar_p = h->p[k];
        s->gistar_bin = h->bin[k];
        s->x = s->lon = u->cx[k];
        s->y = s->lat = u->cy[k];
        hs__xform_run(xe->main, &s->lon, &s->lat, 1);
        h->nsel++;
    }
    /* The ward of each chosen hotspot (naming.c's rule). */
    if (wards && h->nsel) {
        size_t *k = hs__malloc(ctx, h->nsel * sizeof *k);
        uint32_t *w = hs__malloc(ctx, h->nsel * sizeof *w);
        if (!k || !w) st = hs__error(ctx, HS_ENOMEM, "out of memory");
        for (size_t j = 0; !st && j < h->nsel; j++)
            k[j] = h->sel[j].unit;
        if (!st) st = hs__wards_of(ctx, wards, u, k, h->nsel, inc, h->unit_of_copy, w);
        for (size_t j = 0; !st && j < h->nsel; j++)
            if (!(h->ward[j] = hs__strdup(ctx, w[j] != HS_NO_UNIT ? wards->code[w[j]] : "")) ||
                !(h->ward_name[j] = hs__strdup(ctx, w[j] != HS_NO_UNIT ? wards->name[w[j]] : "")))
                st = hs__error(ctx, HS_ENOMEM, "out of memory");
        free(k), free(w);
    }
    if (!st) st = hs__hotspots_index(ctx, h);
done:
    free(order);
    if (st) {
        hs_hotspots_destroy(h);
        return st;
    }
    *out = h;
    return HS_OK;
}

size_t hs_hotspots_count(const hs_hotspots *h) {
    return h ? h->nsel : 0;
}

hs_status hs_hotspots_get(const hs_hotspots *h, size_t i, hs_hotspot *out) {
    if (!h || !out || i >= h->nsel) return HS_EINVAL;
    *out = h->sel[i];
    out->ward = h->ward[i] ? h->ward[i] : "";
    out->ward_name = h->ward_name[i] ? h->ward_name[i] : "";
    return HS_OK;
}

hs_status hs_hotspots_concentration(const hs_hotspots *h, hs_concentration *counts,
                                    hs_concentration *harm) {
    if (!h) return HS_EINVAL;
    double *v = hs__malloc(NULL, (h->n ? h->n : 1) * sizeof *v);
    if (!v) return HS_ENOMEM;
    for (size_t k = 0; k < h->n; k++)
        v[k] = (double)h->count[k];
    hs_status st =
        counts ? hs_concentration_compute(v, h->n, h->total_count, counts, NULL, NULL) : HS_OK;
    if (!st && harm) st = hs_concentration_compute(h->harm, h->n, h->total_count, harm, NULL, NULL);
    free(v);
    return st;
}

/* ---- writing ---------------------------------------------------------- */

/* "2024-01:12;2024-03:4": the months with incidents, in order. */
static void months_text(const hs_hotspot_profile *pr, char *buf, size_t size) {
    size_t o = 0;
    buf[0] = 0;
    for (size_t j = 0; j < pr->month_count && o + 32 < size; j++) {
        if (!pr->months[j]) continue;
        int64_t m = pr->first_month + (int64_t)j;
        o += (size_t)snprintf(buf + o, size - o, "%s%04lld-%02lld:%" PRIu64, o ? ";" : "",
                              (long long)(m / 12), (long long)(m % 12 + 1), pr->months[j]);
    }
}

static const char hotspot_qml[] =
    "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
    "<!-- written by libhotspot: replaced when its layer is written again -->\n"
    "<qgis version=\"3.22\" styleCategories=\"Symbology|Labeling\">\n"
    " <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" "
    "forceraster=\"0\">\n"
    "  <symbols>\n"
    "   <symbol type=\"fill\" name=\"0\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
    "    <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
    "     <Option type=\"Map\">\n"
    "      <Option name=\"color\" value=\"227,26,28,90\" type=\"QString\"/>\n"
    "      <Option name=\"outline_color\" value=\"189,0,38,255\" type=\"QString\"/>\n"
    "      <Option name=\"outline_style\" value=\"solid\" type=\"QString\"/>\n"
    "      <Option name=\"outline_width\" value=\"0.6\" type=\"QString\"/>\n"
    "      <Option name=\"outline_width_unit\" value=\"MM\" type=\"QString\"/>\n"
    "      <Option name=\"style\" value=\"solid\" type=\"QString\"/>\n"
    "     </Option>\n"
    "    </layer>\n"
    "   </symbol>\n"
    "  </symbols>\n"
    " </renderer-v2>\n"
    " <labeling type=\"simple\">\n"
    "  <settings calloutType=\"simple\">\n"
    /* The rank at every scale up to 1:150,000; the street beside it once
     * zoomed to 1:15,000, where it fits (police.uk's "On or near" cut). */
    "   <text-style isExpression=\"1\" fieldName=\"CASE WHEN @map_scale &lt;= 15000 THEN "
    "concat(&quot;rank&quot;, ' ', regexp_replace(&quot;location&quot;, '^On or near ', '')) "
    "ELSE &quot;rank&quot; END\" fontSize=\"9\" textColor=\"8,48,107,255\" fontWeight=\"75\">\n"
    "    <text-buffer bufferDraw=\"1\" bufferSize=\"1\" bufferColor=\"255,255,255,255\"/>\n"
    "   </text-style>\n"
    "   <placement placement=\"0\" dist=\"0.5\" distUnits=\"MM\"/>\n"
    "   <rendering scaleVisibility=\"1\" scaleMax=\"150000\" scaleMin=\"1\" obstacle=\"1\"/>\n"
    "  </settings>\n"
    " </labeling>\n"
    "</qgis>\n";

/* The chosen hotspots as patrol sites, as hs_patrol_sites_read would read
 * them back from hs_hotspots_write's CSV (lon/lat to 1e-7 degrees). */
hs_status hs_patrol_sites_from_hotspots(hs_ctx *ctx, const hs_hotspots *h, hs_patrol_site **out,
                                        size_t *n) {
    if (!ctx || !h || !out || !n) return HS_EINVAL;
    *out = NULL;
    *n = 0;
    hs_status st = HS_OK;
    hs_patrol_site *s = hs__calloc(ctx, h->nsel ? h->nsel : 1, sizeof *s);
    hs_hotspot_profile *pr = hs__malloc(ctx, sizeof *pr);
    if (!s || !pr) st = hs__error(ctx, HS_ENOMEM, "out of memory");
    size_t k = 0;
    for (; !st && k < h->nsel; k++) {
        const hs_hotspot *c = &h->sel[k];
        char buf[64];
        s[k].rank = c->rank;
        snprintf(buf, sizeof buf, "%.7f", c->lon);
        s[k].lon = strtod(buf, NULL);
        snprintf(buf, sizeof buf, "%.7f", c->lat);
        s[k].lat = strtod(buf, NULL);
        if (!(s[k].id = hs__strdup(ctx, h->u->code[c->unit]))) {
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
            break;
        }
        if (hs_hotspots_profile(h, k, pr) ||
            (pr->location[0] && !(s[k].location = hs__strdup(ctx, pr->location)))) {
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
            k++;
            break;
        }
        if (h->timed) {
            memcpy(s[k].hours, pr->hours, sizeof s[k].hours);
            s[k].has_hours = 1;
        }
    }
    free(pr);
    if (st) {
        hs_patrol_sites_free(s, k);
        return st;
    }
    *out = s;
    *n = h->nsel;
    return HS_OK;
}

/* The hotspots as a layer: hours and weekdays are JSON arrays in GeoJSON
 * and ';' lists in CSV and DBF; months "2024-01:12;2024-02:3". */
enum {
    HF_LOC = 17,
    HF_LOCPCT,
    HF_POINT,
    HF_TYPES,
    HF_HOURS_J,
    HF_WDAY_J,
    HF_HOURS,
    HF_WDAY,
    HF_MONTHS,
    HF_COUNT
};
static const hs__lfield hotspot_fields[HF_COUNT] = {
    {"rank", "rank", 'N', 9, 0, HS__IN_ALL},
    {"id", "id", 'C', 40, 0, HS__IN_ALL},
    {"lon", "lon", 'F', 13, 7, HS__IN_ALL},
    {"lat", "lat", 'F', 12, 7, HS__IN_ALL},
    {"x", "x", 'F', 16, 3, HS__IN_ALL},
    {"y", "y", 'F', 16, 3, HS__IN_ALL},
    {"count", "count", 'N', 12, 0, HS__IN_ALL},
    {"harm", "harm", 'F', 19, 6, HS__IN_ALL},
    {"share_pct", "share_pct", 'F', 12, 4, HS__IN_ALL},
    {"cum_share_pct", "cum_share", 'F', 12, 4, HS__IN_ALL},
    {"area_share_pct", "area_share", 'F', 12, 6, HS__IN_ALL},
    {"pai", "pai", 'F', 16, 4, HS__IN_ALL},
    {"gistar_z", "gistar_z", 'F', 14, 6, HS__IN_ALL},
    {"gistar_p", "gistar_p", 'F', 19, 12, HS__IN_ALL},
    {"gistar_class", "gi_class", 'N', 3, 0, HS__IN_ALL},
    {"ward", "ward", 'C', 40, 0, HS__IN_ALL},
    {"ward_name", "ward_name", 'C', 80, 0, HS__IN_ALL},
    {"location", "location", 'C', 120, 0, HS__IN_ALL},
    {"location_pct", "loc_pct", 'F', 6, 1, HS__IN_ALL},
    {"one_point_pct", "point_pct", 'F', 6, 1, HS__IN_ALL},
    {"top_types", "top_types", 'C', 254, 0, HS__IN_ALL},
    {"hours", "hours", 'J', 0, 0, HS__IN_JSON},
    {"weekdays", "weekdays", 'J', 0, 0, HS__IN_JSON},
    {"hours", "hours", 'C', 200, 0, HS__IN_CSV | HS__IN_SHP},
    {"weekdays", "weekdays", 'C', 80, 0, HS__IN_CSV | HS__IN_SHP},
    {"months", "months", 'C', 254, 0, HS__IN_ALL},
};

typedef struct hotspot_layer {
    const hs_hotspots *h;
    hs_hotspot_profile pr;
    char lists[4][512]; /* hours and weekdays, as JSON arrays and as ';' lists */
    char months[512];
} hotspot_layer;

static void counts_text(char *buf, size_t size, const uint64_t *v, int n, char sep) {
    size_t o = 0;
    for (int i = 0; i < n && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%" PRIu64, i ? (char[]){sep, 0} : "", v[i]);
}

static bool hotspot_row(void *user, size_t j, const char **v, char (*buf)[64]) {
    hotspot_layer *hl = user;
    const hs_hotspots *h = hl->h;
    const hs_hotspot *s = &h->sel[j];
    if (hs_hotspots_profile(h, j, &hl->pr)) memset(&hl->pr, 0, sizeof hl->pr);
    snprintf(buf[0], 64, "%u", s->rank);
    snprintf(buf[2], 64, "%.7f", s->lon);
    snprintf(buf[3], 64, "%.7f", s->lat);
    snprintf(buf[4], 64, "%.3f", s->x);
    snprintf(buf[5], 64, "%.3f", s->y);
    snprintf(buf[6], 64, "%" PRIu64, s->count);
    hs__fmt_real(buf[7], 64, s->harm);
    snprintf(buf[8], 64, "%.4f", s->share_pct);
    snprintf(buf[9], 64, "%.4f", s->cum_share_pct);
    snprintf(buf[10], 64, "%.6f", s->area_share_pct);
    snprintf(buf[11], 64, "%.4f", s->pai);
    snprintf(buf[12], 64, "%.6f", s->gistar_z);
    snprintf(buf[13], 64, "%.6g", s->gistar_p);
    snprintf(buf[14], 64, "%d", s->gistar_bin);
    for (int k = 0; k < 15; k++)
        v[k] = buf[k];
    v[1] = h->u->code[s->unit];
    v[11] = isnan(s->pai) ? NULL : buf[11];
    v[12] = isnan(s->gistar_z) ? NULL : buf[12];
    v[13] = isnan(s->gistar_p) ? NULL : buf[13];
    v[15] = h->ward[j] ? h->ward[j] : "";
    v[16] = h->ward_name[j] ? h->ward_name[j] : "";
    snprintf(buf[HF_LOCPCT], 64, "%.1f", hl->pr.location_pct);
    snprintf(buf[HF_POINT], 64, "%.1f", hl->pr.one_point_pct);
    v[HF_LOC] = hl->pr.location;
    v[HF_LOCPCT] = hl->pr.location[0] ? buf[HF_LOCPCT] : NULL;
    v[HF_POINT] = buf[HF_POINT];
    v[HF_TYPES] = hl->pr.top_types;
    bool timed = h->timed;
    counts_text(hl->lists[0] + 1, 510, hl->pr.hours, 24, ',');
    counts_text(hl->lists[1] + 1, 510, hl->pr.weekdays, 7, ',');
    hl->lists[0][0] = hl->lists[1][0] = '[';
    strcat(hl->lists[0], "]"), strcat(hl->lists[1], "]");
    counts_text(hl->lists[2], 512, hl->pr.hours, 24, ';');
    counts_text(hl->lists[3], 512, hl->pr.weekdays, 7, ';');
    months_text(&hl->pr, hl->months, sizeof hl->months);
    for (int k = 0; k < 4; k++)
        v[HF_HOURS_J + k] = timed ? hl->lists[k] : NULL;
    v[HF_MONTHS] = timed ? NULL : hl->months;
    return true;
}

static void hotspot_shape(void *user, size_t j, const hs__geom **g, double *xy, size_t *n) {
    const hotspot_layer *hl = user;
    (void)xy, (void)n;
    *g = hl->h->u->g[hl->h->sel[j].unit];
}

hs_status hs_hotspots_write(hs_ctx *ctx, const hs_hotspots *h, const char *path) {
    if (!ctx || !h || !path) return HS_EINVAL;
    bool json = hs__has_ext(path, ".geojson") || hs__has_ext(path, ".json");
    hotspot_layer *hl = hs__calloc(ctx, 1, sizeof *hl);
    hs__lfield fd[HF_COUNT];
    if (!hl) return hs__error(ctx, HS_ENOMEM, "out of memory");
    hl->h = h;
    /* Only the profile of the table's rule: hours and weekdays, or months. */
    memcpy(fd, hotspot_fields, sizeof fd);
    for (int k = HF_HOURS_J; k < HF_COUNT; k++)
        if ((k == HF_MONTHS) == h->timed) fd[k].in = 0;
    hs__layer L = {h->u->crs, h->u->geos, fd, HF_COUNT, h->nsel, hl, hotspot_row, hotspot_shape};
    hs_status st = hs__layer_write(ctx, &L, path);
    free(hl);
    if (!st && json) {
        /* The QGIS style beside it: red outlines labelled by rank. */
        char *qml = hs__path_with_ext(ctx, path, ".qml");
        if (!qml) return hs__error(ctx, HS_ENOMEM, "out of memory");
        hs__afile q;
        st = hs__afile_open_flags(ctx, qml, HS__OUT_SIDECAR, &q);
        if (!st) {
            fputs(hotspot_qml, q.f);
            st = hs__afile_commit(ctx, &q);
        }
        free(qml);
    }
    return st;
}

hs_status hs_hotspots_write_summary(hs_ctx *ctx, const hs_hotspots *h, const char *path) {
    if (!ctx || !h || !path) return HS_EINVAL;
    size_t n = h->n;
    double *v = hs__malloc(ctx, (n ? n : 1) * sizeof *v),
           *lx = hs__malloc(ctx, (n + 1) * sizeof *lx), *ly = hs__malloc(ctx, (n + 1) * sizeof *ly),
           *hx = hs__malloc(ctx, (n + 1) * sizeof *hx), *hy = hs__malloc(ctx, (n + 1) * sizeof *hy);
    hs_concentration cc, ch;
    hs_status st =
        !v || !lx || !ly || !hx || !hy ? hs__error(ctx, HS_ENOMEM, "out of memory") : HS_OK;
    for (size_t k = 0; !st && k < n; k++)
        v[k] = (double)h->count[k];
    if (!st) st = hs_concentration_compute(v, n, h->total_count, &cc, lx, ly);
    if (!st) st = hs_concentration_compute(h->harm, n, h->total_count, &ch, hx, hy);
    hs__afile af;
    if (!st) st = hs__afile_open(ctx, path, &af);
    if (!st) {
        FILE *f = af.f;
        fprintf(f, "{\n  \"units\": %zu,\n  \"incidents\": %.0f,\n  \"harm\": %.17g,\n", n,
                h->total_count, h->total_harm);
        const hs_concentration *c[2] = {&cc, &ch};
        const double *cy[2] = {ly, hy};
        const char *name[2] = {"count", "harm"};
        for (int k = 0; k < 2; k++) {
            fprintf(f,
                    "  \"%s\": {\"top1_pct_share\": %.4f, \"top5_pct_share\": %.4f, "
                    "\"top10_pct_share\": %.4f, \"gini\": %.6f, \"gini_generalised\": %.6f,\n"
                    "    \"curve_share_of_units\": [",
                    name[k], c[k]->top_share_pct[0], c[k]->top_share_pct[1], c[k]->top_share_pct[2],
                    c[k]->gini, c[k]->gini_generalised);
            for (int q = 0; q <= 100; q++)
                fprintf(f, "%s%.2f", q ? "," : "", q / 100.0);
            fputs("],\n    \"curve_share_of_total\": [", f);
            for (int q = 0; q <= 100; q++) {
                size_t idx = (size_t)llround((double)n * q / 100.0);
                fprintf(f, "%s%.6f", q ? "," : "", n ? cy[k][idx] : 0.0);
            }
            fprintf(f, "]}%s\n", k ? "" : ",");
        }
        fputs("}\n", f);
        st = hs__afile_commit(ctx, &af);
    }
    free(v), free(lx), free(ly), free(hx), free(hy);
    return st;
}

const hs_units *hs__hotspots_units(const hs_hotspots *h) {
    return h->u;
}
