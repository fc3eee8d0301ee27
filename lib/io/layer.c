/* layer.c — one model of a vector layer (fields, then per row its values
 * and a polygon) and one set of writers for every layer the library makes
 * (grid, ward table, hotspots, trend, change, geofences, outlines): GeoJSON
 * (RFC 7946: WGS84 lon/lat with 7 decimals, about 1 cm; exterior rings
 * counter-clockwise, holes clockwise, section 3.1.6; no "crs" member), CSV
 * (RFC 4180 quoting; no geometry) and ESRI Shapefile (.shp/.shx/.dbf with
 * .prj and .cpg, through shapefile.c). Numbers are printed once, by the
 * layer, so the three formats carry the same digits. */
#include "io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the rings of a polygonal geometry ---------------------------------- */

typedef struct rings {
    double *x, *y;
    size_t n, cap;
    int *start, *poly;
    size_t nr, capr;
} rings;

static int collect(void *ud, int poly, int ring, const double *x, const double *y, size_t n) {
    rings *R = ud;
    (void)ring;
    if (!hs__grow(NULL, (void **)&R->x, &R->cap, R->n + n, sizeof *R->x)) return -1;
    double *ny = hs__realloc(NULL, R->y, R->cap * sizeof *ny);
    if (!ny) return -1;
    R->y = ny;
    if (!hs__grow(NULL, (void **)&R->start, &R->capr, R->nr + 2, sizeof *R->start)) return -1;
    int *np = hs__realloc(NULL, R->poly, R->capr * sizeof *np);
    if (!np) return -1;
    R->poly = np;
    memcpy(R->x + R->n, x, n * sizeof *x);
    memcpy(R->y + R->n, y, n * sizeof *y);
    R->start[R->nr] = (int)R->n;
    R->poly[R->nr++] = poly;
    R->n += n;
    R->start[R->nr] = (int)R->n;
    return 0;
}

static void rings_free(rings *R) {
    free(R->x);
    free(R->y);
    free(R->start);
    free(R->poly);
}

/* Row i's rings in the layer's CRS: a GEOS geometry's, or the one ring the
 * layer gives. false: out of memory. */
static bool row_rings(const hs__layer *L, size_t i, rings *R) {
    const hs__geom *g = NULL;
    double xy[2 * HS__LAYER_RING_MAX];
    size_t n = 0;
    R->n = R->nr = 0;
    L->shape(L->user, i, &g, xy, &n);
    if (g) return hs__geom_visit_rings(L->geos, g, collect, R) == 0;
    if (!n) return true;
    double x[HS__LAYER_RING_MAX], y[HS__LAYER_RING_MAX];
    for (size_t k = 0; k < n; k++)
        x[k] = xy[2 * k], y[k] = xy[2 * k + 1];
    return collect(R, 0, 0, x, y, n) == 0;
}

/* ---- GeoJSON -------------------------------------------------------------- */

/* printf's "%.7f" for a longitude or latitude, without printf (a 241,553-
 * cell grid writes 2.4M of them: printf was a third of writing it). The
 * value times 1e7 is within 2^-22 of the exact product for |v| < 2^24, so
 * unless its fraction is within 1e-3 of a tie the rounding is the exact
 * decimal rounding printf does; near a tie, and past 2^24, printf decides.
 * The same bytes either way (golden files). */
void hs__put_deg(FILE *f, double v) {
    double a = fabs(v) * 1e7;
    double fl = floor(a), frac = a - fl;
    if (!(fabs(v) < 16777216.0) || fabs(frac - 0.5) < 1e-3) {
        fprintf(f, "%.7f", v);
        return;
    }
    uint64_t q = (uint64_t)fl + (frac > 0.5);
    char buf[40], *e = buf + sizeof buf, *p = e;
    for (int d = 0; d < 7; d++, q /= 10)
        *--p = (char)('0' + q % 10);
    *--p = '.';
    do
        *--p = (char)('0' + q % 10);
    while (q /= 10);
    if (signbit(v)) *--p = '-';
    fwrite(p, 1, (size_t)(e - p), f);
}

/* R (in WGS84) as a Polygon or MultiPolygon; "null" for none. */
static void put_geometry(FILE *f, rings *R) {
    if (R->nr == 0) {
        fputs("null", f);
        return;
    }
    bool multi = R->poly[R->nr - 1] > 0;
    fputs(multi ? "{\"type\":\"MultiPolygon\",\"coordinates\":["
                : "{\"type\":\"Polygon\",\"coordinates\":",
          f);
    for (size_t k = 0; k < R->nr; k++) {
        bool first = k == 0 || R->poly[k] != R->poly[k - 1];
        if (first)
            fputs(k ? "],[" : "[", f);
        else
            fputc(',', f);
        size_t a = (size_t)R->start[k], m = (size_t)(R->start[k + 1] - R->start[k]);
        bool ccw = hs__ring_area2(R->x + a, R->y + a, m) > 0, rev = first ? !ccw : ccw;
        fputc('[', f);
        for (size_t q = 0; q < m; q++) {
            size_t p = rev ? a + m - 1 - q : a + q;
            fputs(q ? ",[" : "[", f);
            hs__put_deg(f, R->x[p]);
            fputc(',', f);
            hs__put_deg(f, R->y[p]);
            fputc(']', f);
        }
        fputc(']', f);
    }
    fputs(multi ? "]]}" : "]}", f);
}

static bool lonlat_ok(const rings *R) {
    for (size_t k = 0; k < R->n; k++)
        if (!isfinite(R->x[k]) || !isfinite(R->y[k]) || fabs(R->x[k]) > 180 || fabs(R->y[k]) > 90)
            return false;
    return true;
}

static void put_value(FILE *f, const hs__lfield *fd, const char *v, bool json) {
    if (!v)
        fputs(json ? "null" : "", f);
    else if (fd->type == 'C')
        hs__put_text(f, v, json);
    else
        fputs(v, f);
}

static hs_status write_geojson(hs_ctx *ctx, const hs__layer *L, const char **v, char (*buf)[64],
                               hs__afile *af) {
    hs__xentry *xe = hs__ctx_xform(ctx, L->crs, "EPSG:4326");
    if (!xe) return HS_ECRS;
    FILE *f = af->f;
    rings R = {0};
    hs_status st = HS_OK;
    size_t written = 0;
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
    for (size_t i = 0; i < L->nrows && !st; i++) {
        if (!L->row(L->user, i, v, buf)) continue;
        fputs(written++ ? ",\n{\"type\":\"Feature\",\"properties\":{"
                        : "\n{\"type\":\"Feature\",\"properties\":{",
              f);
        for (size_t k = 0, n = 0; k < L->nfields; k++) {
            if (!(L->fields[k].in & HS__IN_JSON)) continue;
            if (n++) fputc(',', f);
            hs__put_text(f, L->fields[k].name, true);
            fputc(':', f);
            put_value(f, &L->fields[k], v[k], true);
        }
        fputs("},\"geometry\":", f);
        if (!row_rings(L, i, &R)) {
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
            break;
        }
        hs__xform_run(xe->main, R.x, R.y, R.n);
        if (!lonlat_ok(&R))
            st = hs__error(ctx, HS_ECRS, "%s: feature %zu cannot be expressed in WGS84 lon/lat",
                           af->path, i);
        put_geometry(f, &R);
        fputc('}', f);
    }
    fputs("\n]}\n", f);
    rings_free(&R);
    return st;
}

/* ---- CSV ---------------------------------------------------------------- */

static hs_status write_csv(const hs__layer *L, const char **v, char (*buf)[64], FILE *f) {
    for (size_t k = 0, n = 0; k < L->nfields; k++)
        if (L->fields[k].in & HS__IN_CSV) {
            if (n++) fputc(',', f);
            hs__put_text(f, L->fields[k].name, false);
        }
    fputc('\n', f);
    for (size_t i = 0; i < L->nrows; i++) {
        if (!L->row(L->user, i, v, buf)) continue;
        for (size_t k = 0, n = 0; k < L->nfields; k++)
            if (L->fields[k].in & HS__IN_CSV) {
                if (n++) fputc(',', f);
                put_value(f, &L->fields[k], v[k], false);
            }
        fputc('\n', f);
    }
    return HS_OK;
}

/* ---- Shapefile -------------------------------------------------------------- */

static hs_status write_shp(hs_ctx *ctx, const hs__layer *L, const char **v, char (*buf)[64],
                           const char *path) {
    hs__dbf_field *fd = hs__calloc(ctx, L->nfields + 1, sizeof *fd);
    hs__dbf_value *dv = hs__calloc(ctx, L->nfields + 1, sizeof *dv);
    hs__shp_writer *w = NULL;
    rings R = {0};
    size_t nf = 0;
    hs_status st = fd && dv ? HS_OK : hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t k = 0; !st && k < L->nfields; k++)
        if (L->fields[k].in & HS__IN_SHP)
            fd[nf++] = (hs__dbf_field){L->fields[k].dbf, L->fields[k].type, L->fields[k].width,
                                       L->fields[k].decimals};
    if (!st) st = hs__shpw_open(ctx, path, fd, nf, &w);
    for (size_t i = 0; !st && i < L->nrows; i++) {
        if (!L->row(L->user, i, v, buf)) continue;
        for (size_t k = 0, q = 0; k < L->nfields; k++)
            if (L->fields[k].in & HS__IN_SHP)
                dv[q++] = L->fields[k].type == 'C'
                              ? (hs__dbf_value){v[k] ? v[k] : "", 0, false}
                              : (hs__dbf_value){NULL, v[k] ? strtod(v[k], NULL) : 0, !v[k]};
        if (!row_rings(L, i, &R)) st = hs__error(ctx, HS_ENOMEM, "out of memory");
        if (!st) st = hs__shpw_add(ctx, w, R.x, R.y, R.start, (int)R.nr, (int)R.n, dv);
    }
    char *wkt = NULL;
    if (!st) st = hs__crs_wkt_esri(ctx, L->crs, &wkt);
    if (!st) {
        st = hs__shpw_commit(ctx, w, wkt);
        w = NULL;
    }
    free(wkt);
    hs__shpw_abort(w);
    rings_free(&R);
    free(fd);
    free(dv);
    return st;
}

hs_status hs__layer_write(hs_ctx *ctx, const hs__layer *L, const char *path) {
    bool json = hs__has_ext(path, ".geojson") || hs__has_ext(path, ".json");
    bool csv = hs__has_ext(path, ".csv"), shp = hs__has_ext(path, ".shp");
    if (!json && !csv && !shp)
        return hs__error(ctx, HS_EFORMAT,
                         "%s: unknown output format: use a .geojson, .csv or .shp name", path);
    const char **v = hs__calloc(ctx, L->nfields + 1, sizeof *v);
    char(*buf)[64] = hs__calloc(ctx, L->nfields + 1, sizeof *buf);
    hs_status st = v && buf ? HS_OK : hs__error(ctx, HS_ENOMEM, "out of memory");
    if (!st && shp) {
        st = write_shp(ctx, L, v, buf, path);
    } else if (!st) {
        hs__afile af;
        st = hs__afile_open(ctx, path, &af);
        if (!st) {
            st = json ? write_geojson(ctx, L, v, buf, &af) : write_csv(L, v, buf, af.f);
            if (st)
                hs__afile_abort(&af);
            else
                st = hs__afile_commit(ctx, &af);
        }
    }
    free(v);
    free(buf);
    return st;
}
