/* bench_wards.c — the point-in-polygon join alone (hs_units_locate),
 * through the public API, on 1 and 2 threads: median of R runs.
 * usage: bench_wards INCIDENTS.csv POLYGONS.shp [RUNS] */
#include "hotspot.h"
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int runs = argc > 3 ? atoi(argv[3]) : 5;
    if (runs < 1 || runs > 31) runs = 5;
    hs_ctx *ctx;
    hs_incidents *inc;
    hs_units *u;
    hs_ctx_create(&ctx);
    hs_incidents_create(ctx, &inc);
    hs_units_create(ctx, &u);
    if (hs_incidents_read_csv(ctx, argv[1], NULL, inc) ||
        hs_units_read_shapefile(ctx, argv[2], NULL, u)) {
        fprintf(stderr, "%s\n", hs_ctx_last_error(ctx));
        return 1;
    }
    size_t n = hs_incidents_count(inc);
    uint32_t *of = malloc(n * sizeof *of);
    printf("| join (hs_units_locate) | threads | median s | points/s |\n|---|---|---|---|\n");
    for (int th = 1; th <= 2; th++) {
        hs_ctx_set_threads(ctx, th);
        double t[32];
        for (int r = 0; r < runs; r++) {
            double t0 = bench_now();
            hs_units_locate(ctx, u, inc, of);
            t[r] = bench_now() - t0;
        }
        qsort(t, (size_t)runs, sizeof *t, bench_cmp);
        printf("| %zu points, %zu polygons | %d | %.4f | %.0f |\n", n, hs_units_count(u), th,
               t[runs / 2], (double)n / t[runs / 2]);
    }
    size_t inside = 0;
    for (size_t i = 0; i < n; i++)
        inside += of[i] != HS_NO_UNIT;
    printf("inside: %zu of %zu\n", inside, n);
    free(of);
    hs_units_destroy(u);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
    return 0;
}
