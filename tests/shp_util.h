/* shp_util.h — test-only Shapefile writer and reader (see shp_util.c). */
#ifndef HS_SHP_UTIL_H
#define HS_SHP_UTIL_H
#include <math.h>
#include <stdbool.h>

typedef struct shp_rec { /* one record to write */
    int nparts, npts;
    const int *parts;
    const double *x, *y;
} shp_rec;

typedef struct shp_poly { /* one record read: parts[nparts] == npts */
    int nparts, npts;
    int *parts;
    double *x, *y;
} shp_poly;

/* type 5 polygons or 1 points; writes base.shp and base.shx. */
int shp_write(const char *base, int type, const shp_rec *recs, int nrec);
/* Text fields of width characters; vals row by row; ldid: DBF byte 29. */
int dbf_write(const char *base, const char *const *fields, int nfields, const char *const *vals,
              int nrec, int width, unsigned char ldid);
int write_text(const char *base, const char *ext, const char *text);
int shp_read_polygons(const char *path, shp_poly **out);
void shp_free_polygons(shp_poly *p, int n);
bool shp_poly_holds(const shp_poly *p, double x, double y);
double shp_poly_distance(const shp_poly *a, const shp_poly *b);
#endif
