/* patrol.c — randomised hotspot patrol schedules, as in the Home Office
 * "Grip" pilots: short visible visits (about 15 minutes: Koper 1995 found
 * the residual deterrence of a stop grows to about 15 minutes and falls off
 * after) at unpredictable times, repeated, to the top places; and, for
 * evaluation, control days on which a hotspot is not patrolled.
 *
 * Design: with --half, days are taken in pairs; on the first day of a pair a
 * random half of the hotspots is patrolled and on the second day the other
 * half, so every day patrols half the hotspots and every hotspot has as many
 * patrol days as control days (one more of either when the days are odd).
 * Visit start times are drawn from each hotspot's busiest hours (weighted by
 * its incidents per hour of day) when the data have times, else uniformly in
 * a window (default 12:00-24:00, when violence is most often recorded). The
 * generator is splitmix64 seeded by --seed: the same seed gives the same
 * plan. */
#include "analysis.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void hs_patrol_options_init(hs_patrol_options *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->days = 28;
    o->visits_per_day = 2;
    o->minutes = 15;
    o->seed = 1;
    o->window_start_h = 12;
    o->window_end_h = 24;
}

static uint64_t next(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n) without modulo bias. */
static uint64_t below(uint64_t *s, uint64_t n) {
    uint64_t lim = UINT64_MAX - UINT64_MAX % n, r;
    do
        r = next(s);
    while (r >= lim);
    return r % n;
}

void hs_patrol_sites_free(hs_patrol_site *sites, size_t n) {
    for (size_t i = 0; sites && i < n; i++)
        free(sites[i].id), free(sites[i].location);
    free(sites);
}

/* The hotspots CSV: rank, id, lon, lat found in the header, hours if any. */
typedef struct site_reader {
    hs_ctx *ctx;
    const char *path;
    int crank, cid, clon, clat, chours, cloc;
    hs_patrol_site *s;
    size_t n, cap;
} site_reader;

static hs_status site_header(site_reader *R, const hs__field *fl, size_t nf) {
    char buf[64];
    for (size_t k = 0; k < nf; k++) {
        if (fl[k].len >= sizeof buf) continue;
        hs__csv_unescape(&fl[k], buf);
        int *c = !strcmp(buf, "rank")       ? &R->crank
                 : !strcmp(buf, "id")       ? &R->cid
                 : !strcmp(buf, "lon")      ? &R->clon
                 : !strcmp(buf, "lat")      ? &R->clat
                 : !strcmp(buf, "hours")    ? &R->chours
                 : !strcmp(buf, "location") ? &R->cloc
                                            : NULL;
        if (c) *c = (int)k;
    }
    if (R->crank < 0 || R->cid < 0 || R->clon < 0 || R->clat < 0)
        return hs__error(
            R->ctx, HS_EPARSE,
            "%s:1: not a hotspots CSV of 'hotspot hotspots' (needs rank, id, lon, lat)", R->path);
    return HS_OK;
}

static hs_status site_row(void *ud, uint64_t line, const hs__field *fl, size_t nf) {
    site_reader *R = ud;
    if (line == 1) return site_header(R, fl, nf);
    char buf[1024];
    if (!hs__grow(R->ctx, (void **)&R->s, &R->cap, R->n + 1, sizeof *R->s))
        return hs__error(R->ctx, HS_ENOMEM, "out of memory");
    hs_patrol_site *t = &R->s[R->n];
    memset(t, 0, sizeof *t);
    double rank;
    if (fl[R->cid].len >= sizeof buf ||
        !hs__parse_double(fl[R->crank].s, fl[R->crank].len, &rank) ||
        !hs__parse_double(fl[R->clon].s, fl[R->clon].len, &t->lon) ||
        !hs__parse_double(fl[R->clat].s, fl[R->clat].len, &t->lat))
        return hs__error(R->ctx, HS_EPARSE, "%s:%llu: bad rank, id, lon or lat", R->path,
                         (unsigned long long)line);
    t->rank = (uint32_t)rank;
    hs__csv_unescape(&fl[R->cid], buf);
    if (!(t->id = hs__strdup(R->ctx, buf))) return hs__error(R->ctx, HS_ENOMEM, "out of memory");
    R->n++;
    if (R->cloc >= 0 && fl[R->cloc].len > 0 && fl[R->cloc].len < sizeof buf) {
        hs__csv_unescape(&fl[R->cloc], buf);
        if (!(t->location = hs__strdup(R->ctx, buf)))
            return hs__error(R->ctx, HS_ENOMEM, "out of memory");
    }
    if (R->chours >= 0 && fl[R->chours].len < sizeof buf) {
        hs__csv_unescape(&fl[R->chours], buf);
        char *q = buf;
        int h = 0;
        for (; h < 24 && *q; h++) {
            char *e;
            t->hours[h] = strtoull(q, &e, 10);
            q = *e == ';' ? e + 1 : e;
        }
        t->has_hours = h == 24;
    }
    return HS_OK;
}

hs_status hs_patrol_sites_read(hs_ctx *ctx, const char *path, hs_patrol_site **out, size_t *n) {
    if (!ctx || !path || !out || !n) return HS_EINVAL;
    *out = NULL;
    *n = 0;
    char *data;
    size_t len;
    hs_status st = hs__slurp(ctx, path, &data, &len);
    if (st) return st;
    site_reader R = {ctx, path, -1, -1, -1, -1, -1, -1, NULL, 0, 0};
    st = hs__csv_rows(ctx, path, data, len, site_row, &R);
    free(data);
    if (st) {
        hs_patrol_sites_free(R.s, R.n);
        return st;
    }
    *out = R.s;
    *n = R.n;
    return HS_OK;
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static hs_status plan_check(hs_ctx *ctx, const hs_patrol_options *o, int64_t *start) {
    if (o->days < 1 || o->days > HS__PATROL_MAX_DAYS || o->visits_per_day < 1 ||
        o->visits_per_day > HS__PATROL_MAX_VISITS || o->minutes < 1 ||
        o->minutes > HS__PATROL_MAX_MINUTES)
        return hs__error(ctx, HS_EINVAL, "patrol: days 1..%d, visits 1..%d, minutes 1..%d",
                         HS__PATROL_MAX_DAYS, HS__PATROL_MAX_VISITS, HS__PATROL_MAX_MINUTES);
    if (!(o->window_start_h >= 0 && o->window_end_h <= 24 && o->window_end_h > o->window_start_h))
        return hs__error(ctx, HS_EINVAL, "patrol: the window must be within 0-24 hours");
    if (o->visits_per_day * o->minutes > (o->window_end_h - o->window_start_h) * 60)
        return hs__error(ctx, HS_EINVAL,
                         "patrol: %d visits of %d minutes do not fit in the %02d-%02d window "
                         "without overlapping: fewer --visits, shorter --minutes or a wider "
                         "--window",
                         o->visits_per_day, o->minutes, o->window_start_h, o->window_end_h);
    hs_time_precision pr = HS_TIME_NONE;
    *start = 0;
    if (o->start_date &&
        (!hs__parse_date(o->start_date, strlen(o->start_date), start, &pr) || pr != HS_TIME_DAY))
        return hs__error(ctx, HS_EINVAL, "patrol: --start must be a date YYYY-MM-DD, not '%s'",
                         o->start_date);
    return HS_OK;
}

/* Balanced halves: a new random half on even days, its complement on the
 * next. */
static void day_arms(const hs_patrol_options *o, int d, size_t n, uint64_t *rng, uint8_t *on,
                     size_t *perm) {
    if (!o->half) {
        memset(on, 1, n);
    } else if (d % 2 == 0) {
        for (size_t i = 0; i < n; i++)
            perm[i] = i;
        for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
            size_t j = (size_t)below(rng, i), t = perm[i - 1];
            perm[i - 1] = perm[j];
            perm[j] = t;
        }
        memset(on, 0, n);
        for (size_t i = 0; i < n / 2 + (n % 2 && below(rng, 2)); i++)
            on[perm[i]] = 1;
    } else {
        for (size_t i = 0; i < n; i++)
            on[i] = !on[i];
    }
}

/* Day d after start as "YYYY-MM-DD" and its weekday (Howard Hinnant's
 * civil_from_days). */
static void day_date(int64_t start, int d, char date[32], const char **wday) {
    static const char *const wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    int64_t day = start / 86400 + d;
    int64_t z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    unsigned dd = doy - (153 * mp + 2) / 5 + 1, mm = mp < 10 ? mp + 3 : mp - 9;
    long long yy = (long long)yoe + era * 400 + (mm <= 2);
    snprintf(date, 32, "%04lld-%02u-%02u", yy, mm, dd);
    *wday = wd[((day % 7) + 7 + 3) % 7];
}

/* A site's visit start times for one day, in minutes, sorted. Every visit
 * lies inside the window ([lo, hi) minutes: the whole day when the site's
 * hours are known) and no two visits to a site overlap. Times are drawn
 * from the busiest hours, redrawn on a clash; if 1000 draws still clash,
 * the day's visits are placed uniformly at random without overlap instead
 * (sorted uniform gaps: slack split at v random points), which always fits
 * since v * minutes <= hi - lo. */
static void visit_times(const hs_patrol_options *o, const hs_patrol_site *s, uint64_t *rng,
                        int *mins) {
    uint64_t total = 0;
    for (int h = 0; h < 24; h++)
        total += s->hours[h];
    bool weighted = s->has_hours && total > 0;
    int lo = weighted ? 0 : o->window_start_h * 60, hi = weighted ? 1440 : o->window_end_h * 60;
    bool fits = true;
    for (int v = 0; v < o->visits_per_day && fits; v++) {
        int attempt = 0;
        for (; attempt < 1000; attempt++) {
            int hour;
            if (weighted) { /* weighted by incidents per hour */
                uint64_t r = below(rng, total), acc = 0;
                for (hour = 0; hour < 23 && (acc += s->hours[hour]) <= r; hour++) {
                }
            } else {
                hour = o->window_start_h +
                       (int)below(rng, (uint64_t)(o->window_end_h - o->window_start_h));
            }
            mins[v] = hour * 60 + (int)below(rng, 60);
            bool clash = mins[v] < lo || mins[v] + o->minutes > hi;
            for (int w = 0; w < v && !clash; w++)
                clash = abs(mins[v] - mins[w]) < o->minutes;
            if (!clash) break;
        }
        fits = attempt < 1000;
    }
    if (!fits) {
        int slack = (hi - lo) - o->visits_per_day * o->minutes;
        for (int v = 0; v < o->visits_per_day; v++)
            mins[v] = (int)below(rng, (uint64_t)slack + 1);
        qsort(mins, (size_t)o->visits_per_day, sizeof *mins, cmp_int);
        for (int v = 0; v < o->visits_per_day; v++)
            mins[v] += lo + v * o->minutes;
    }
    qsort(mins, (size_t)o->visits_per_day, sizeof *mins, cmp_int);
}

hs_status hs_patrol_plan_write(hs_ctx *ctx, const hs_patrol_site *sites, size_t n,
                               const hs_patrol_options *opts, const char *path) {
    if (!ctx || (!sites && n) || !path) return HS_EINVAL;
    hs_patrol_options o;
    if (opts)
        o = *opts;
    else
        hs_patrol_options_init(&o);
    int64_t start = 0;
    hs_status st = plan_check(ctx, &o, &start);
    if (st) return st;
    uint64_t rng = o.seed;
    uint8_t *on = hs__malloc(ctx, n ? n : 1);
    size_t *perm = hs__malloc(ctx, (n ? n : 1) * sizeof *perm);
    int *mins = hs__malloc(ctx, (size_t)o.visits_per_day * sizeof *mins);
    hs__afile af;
    st = !on || !perm || !mins ? hs__error(ctx, HS_ENOMEM, "out of memory")
                               : hs__afile_open(ctx, path, &af);
    if (st) {
        free(on), free(perm), free(mins);
        return st;
    }
    fputs("day,date,weekday,rank,id,lon,lat,arm,visit,start,end,minutes,location\n", af.f);
    for (int d = 0; d < o.days; d++) {
        day_arms(&o, d, n, &rng, on, perm);
        char date[32] = "";
        const char *wday = "";
        if (o.start_date) day_date(start, d, date, &wday);
        for (size_t i = 0; i < n; i++) {
            const hs_patrol_site *s = &sites[i];
            if (!on[i]) {
                fprintf(af.f, "%d,%s,%s,%u,%s,%.7f,%.7f,control,,,,,", d + 1, date, wday, s->rank,
                        s->id, s->lon, s->lat);
                hs__put_text(af.f, s->location ? s->location : "", false);
                fputc('\n', af.f);
                continue;
            }
            visit_times(&o, s, &rng, mins);
            for (int v = 0; v < o.visits_per_day; v++) {
                int a = mins[v], b = a + o.minutes; /* at most 24:00 */
                fprintf(af.f, "%d,%s,%s,%u,%s,%.7f,%.7f,patrol,%d,%02d:%02d,%02d:%02d,%d,", d + 1,
                        date, wday, s->rank, s->id, s->lon, s->lat, v + 1, a / 60, a % 60, b / 60,
                        b % 60, o.minutes);
                hs__put_text(af.f, s->location ? s->location : "", false);
                fputc('\n', af.f);
            }
        }
    }
    free(on), free(perm), free(mins);
    return hs__afile_commit(ctx, &af);
}

/* A cell id (sq150_3554_1210) says where the cell is only in the CRS it was
 * made in: rebuilt in another, it lands hundreds of km away (lat 79). So
 * each site's cell must hold the site's own lon/lat, projected into the
 * working CRS (to 1 m: lon/lat are written to 1e-7 degrees). */
hs_status hs_patrol_sites_check(hs_ctx *ctx, const hs_patrol_site *sites, size_t n) {
    if (!ctx || (!sites && n)) return HS_EINVAL;
    hs__xentry *xe = NULL;
    for (size_t i = 0; i < n; i++) {
        double xy[14];
        size_t np;
        if (!hs__cell_ring_from_id(sites[i].id, xy, &np)) continue;
        if (!xe && !(xe = hs__ctx_xform(ctx, "EPSG:4326", ctx->crs))) return HS_ECRS;
        double x = sites[i].lon, y = sites[i].lat,
               box[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
        for (size_t k = 0; k < np; k++) {
            box[0] = fmin(box[0], xy[2 * k]), box[1] = fmin(box[1], xy[2 * k + 1]);
            box[2] = fmax(box[2], xy[2 * k]), box[3] = fmax(box[3], xy[2 * k + 1]);
        }
        if (!hs__xform_run(xe->main, &x, &y, 1) ||
            !(x >= box[0] - 1 && x <= box[2] + 1 && y >= box[1] - 1 && y <= box[3] + 1))
            return hs__error(ctx, HS_EINVAL,
                             "hotspot %u (%s): its cell, rebuilt in the working CRS %s, does not "
                             "hold its lon/lat (%.5f, %.5f): give the --crs the hotspots were "
                             "made in",
                             sites[i].rank, sites[i].id, ctx->crs, sites[i].lon, sites[i].lat);
    }
    return HS_OK;
}

/* The sites' outlines as a layer: rank and id; a grid cell from its id, or
 * the polygon of the units with that code. */
typedef struct fence_layer {
    const hs_patrol_site *sites;
    const hs_units *units;
} fence_layer;

static const hs__lfield fence_fields[] = {{"rank", "rank", 'N', 9, 0, HS__IN_ALL},
                                          {"id", "id", 'C', 80, 0, HS__IN_ALL},
                                          {"location", "location", 'C', 120, 0, HS__IN_ALL}};

static bool fence_row(void *user, size_t i, const char **v, char (*buf)[64]) {
    const fence_layer *fl = user;
    snprintf(buf[0], 64, "%u", fl->sites[i].rank);
    v[0] = buf[0];
    v[1] = fl->sites[i].id;
    v[2] = fl->sites[i].location ? fl->sites[i].location : "";
    return true;
}

static void fence_shape(void *user, size_t i, const hs__geom **g, double *xy, size_t *n) {
    const fence_layer *fl = user;
    const char *id = fl->sites[i].id;
    if (hs__cell_ring_from_id(id, xy, n)) return;
    for (size_t k = 0; fl->units && k < fl->units->n && !*g; k++)
        if (!strcmp(fl->units->code[k], id)) *g = fl->units->g[k];
}

hs_status hs_patrol_geofences_write(hs_ctx *ctx, const hs_patrol_site *sites, size_t n,
                                    const hs_units *units, const char *path) {
    if (!ctx || (!sites && n) || !path) return HS_EINVAL;
    hs_status st = hs_patrol_sites_check(ctx, sites, n);
    if (st) return st;
    void *geos = units ? units->geos : hs__ctx_geos(ctx);
    if (!geos) return hs__error(ctx, HS_ENOMEM, "out of memory");
    fence_layer fl = {sites, units};
    hs__layer L = {ctx->crs, geos, fence_fields, 3, n, &fl, fence_row, fence_shape};
    return hs__layer_write(ctx, &L, path);
}
