/* geojson.c — writing a polygonal geometry as RFC 7946 GeoJSON: WGS84
 * lon/lat with 7 decimals (about 1 cm), exterior rings counter-clockwise and
 * holes clockwise (section 3.1.6), Polygon or MultiPolygon, "null" for none. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

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

bool hs__geojson_geometry(FILE *f, void *geos, const hs__geom *g, hs__xform *to_wgs84) {
    rings R = {0};
    bool ok = true;
    if (!g) {
        fputs("null", f);
        return true;
    }
    if (hs__geom_visit_rings(geos, g, collect, &R) != 0) {
        ok = false;
        fputs("null", f);
    } else if (R.nr == 0) {
        fputs("null", f);
    } else {
        hs__xform_run(to_wgs84, R.x, R.y, R.n);
        bool multi = R.poly[R.nr - 1] > 0;
        fputs(multi ? "{\"type\":\"MultiPolygon\",\"coordinates\":["
                    : "{\"type\":\"Polygon\",\"coordinates\":",
              f);
        for (size_t k = 0; k < R.nr; k++) {
            bool first = k == 0 || R.poly[k] != R.poly[k - 1];
            if (first)
                fputs(k ? "],[" : "[", f);
            else
                fputc(',', f);
            size_t a = (size_t)R.start[k], m = (size_t)(R.start[k + 1] - R.start[k]);
            bool ccw = hs__ring_area2(R.x + a, R.y + a, m) > 0, rev = first ? !ccw : ccw;
            fputc('[', f);
            for (size_t q = 0; q < m; q++) {
                size_t p = rev ? a + m - 1 - q : a + q;
                fprintf(f, "%s[%.7f,%.7f]", q ? "," : "", R.x[p], R.y[p]);
            }
            fputc(']', f);
        }
        fputs(multi ? "]]}" : "]}", f);
    }
    free(R.x);
    free(R.y);
    free(R.start);
    free(R.poly);
    return ok;
}
