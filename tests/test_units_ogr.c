/* test_units_ogr.c — cases whose inputs GDAL's ogr2ogr makes at test time
 * (skipped when it is not installed):
 *  - the Gravesham wards reprojected to WGS84 (EPSG:4326 .prj) are read
 *    back into British National Grid: same areas, same counts;
 *  - queen contiguity of the Columbus polygons against R spdep's
 *    poly2nb(queen = TRUE) (shared fixture, 236 directed links). */
#include "check.h"

#include "hotspot.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WARDS HS_TEST_DATA "/boundaries/gravesham-wards-2013/gravesham_wards_2013.shp"
#define COLUMBUS HS_TEST_DATA "/fixtures/spdep-localG-columbus"

int test_units_ogr(const char *ogr2ogr) {
    char dir[] = "/tmp/hs_ogr_XXXXXX", cmd[2048], p4326[600], pcol[600];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(p4326, sizeof p4326, "%s/wards_4326.shp", dir);
    snprintf(pcol, sizeof pcol, "%s/columbus.shp", dir);
    snprintf(cmd, sizeof cmd, "%s -q -t_srs EPSG:4326 %s %s && %s -q %s %s/columbus.geojson",
             ogr2ogr, p4326, WARDS, ogr2ogr, pcol, COLUMBUS);
    CHECK(system(cmd) == 0);

    hs_ctx *ctx;
    hs_units *a, *b;
    hs_ctx_create(&ctx);
    hs_units_create(ctx, &a);
    hs_units_create(ctx, &b);
    CHECK(hs_units_read_shapefile(ctx, WARDS, NULL, a) == HS_OK);
    CHECK_MSG(hs_units_read_shapefile(ctx, p4326, NULL, b) == HS_OK, "%s", hs_ctx_last_error(ctx));
    double worst = 0;
    for (size_t i = 0; i < hs_units_count(a) && i < hs_units_count(b); i++) {
        hs_unit x, y;
        hs_units_get(a, i, &x);
        hs_units_get(b, i, &y);
        CHECK(!strcmp(x.code, y.code));
        double rel = fabs(x.area_m2 - y.area_m2) / x.area_m2;
        if (rel > worst) worst = rel;
    }
    /* Two Helmert round trips (BNG -> WGS84 by GDAL, back by us). */
    CHECK_MSG(worst < 1e-6, "worst relative area difference %g", worst);
    printf("wards via EPSG:4326 .prj: areas agree to %.2g (relative)\n", worst);
    hs_units_destroy(a);
    hs_units_destroy(b);

    /* Columbus: planar units, no .prj. spdep's poly2nb snaps at
     * sqrt(double epsilon) = 1.49e-8. */
    hs_units *c;
    hs_units_create(ctx, &c);
    hs_layer_options lo;
    hs_layer_options_init(&lo);
    lo.code_field = "POLYID";
    CHECK_MSG(hs_units_read_shapefile(ctx, pcol, &lo, c) == HS_OK, "%s", hs_ctx_last_error(ctx));
    CHECK(hs_units_build_neighbours(ctx, c, 1.4901161193847656e-08) == HS_OK);
    FILE *f = fopen(COLUMBUS "/neighbours_queen.csv", "r");
    char line[128];
    int from, to, links = 0, found = 0;
    CHECK(f && fgets(line, sizeof line, f));
    while (f && fscanf(f, "%d,%d", &from, &to) == 2) {
        links++;
        const uint32_t *ids;
        size_t n;
        /* POLYID k is record k (1-based) in this file. */
        hs_unit un;
        hs_units_get(c, (size_t)from - 1, &un);
        CHECK(atoi(un.code) == from);
        hs_units_neighbours(c, (size_t)from - 1, &ids, &n);
        for (size_t k = 0; k < n; k++)
            found += ids[k] == (uint32_t)to - 1;
    }
    if (f) fclose(f);
    size_t ours = 0;
    for (size_t i = 0; i < hs_units_count(c); i++) {
        const uint32_t *ids;
        size_t n;
        hs_units_neighbours(c, i, &ids, &n);
        ours += n;
    }
    CHECK_MSG(links == 236 && found == 236 && ours == 236, "spdep %d, found %d, ours %zu", links,
              found, ours);
    printf("columbus: %zu queen links, all %d of spdep's\n", ours, links);
    hs_units_destroy(c);
    hs_ctx_destroy(ctx);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return hs_test_failures ? 1 : 0;
}
