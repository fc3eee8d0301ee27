/* bench_kde.c — kernel density phases through the public API: reading,
 * hs_kde_compute (1 and 2 threads), GeoTIFF writing; medians of R runs.
 * usage: bench_kde POINTS.csv XCOL YCOL BANDWIDTH PIXEL XMIN,YMIN,XMAX,YMAX OUT.tif [RUNS] */
#include "hotspot.h"
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc < 8) return 2;
    int runs = argc > 8 ? atoi(argv[8]) : 5;
    if (runs < 1 || runs > 31) runs = 5;
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_read_options ro;
    hs_read_options_init(&ro);
    ro.x_column = argv[2];
    ro.y_column = argv[3];
    hs_kde_options o;
    hs_kde_options_init(&o);
    o.bandwidth_m = atof(argv[4]);
    o.pixel_size_m = atof(argv[5]);
    o.has_extent = sscanf(argv[6], "%lf,%lf,%lf,%lf", &o.extent[0], &o.extent[1], &o.extent[2],
                          &o.extent[3]) == 4;
    double tr[32], tk[2][32], tw[32];
    hs_incidents *inc = NULL;
    for (int r = 0; r < runs; r++) {
        hs_incidents_destroy(inc);
        hs_incidents_create(ctx, &inc);
        double t0 = bench_now();
        if (hs_incidents_read_csv(ctx, argv[1], &ro, inc)) {
            fprintf(stderr, "%s\n", hs_ctx_last_error(ctx));
            return 1;
        }
        tr[r] = bench_now() - t0;
    }
    hs_raster *R = NULL;
    for (int th = 1; th <= 2; th++) {
        hs_ctx_set_threads(ctx, th);
        for (int r = 0; r < runs; r++) {
            hs_raster_destroy(R);
            double t0 = bench_now();
            if (hs_kde_compute(ctx, inc, &o, &R)) {
                fprintf(stderr, "%s\n", hs_ctx_last_error(ctx));
                return 1;
            }
            tk[th - 1][r] = bench_now() - t0;
        }
    }
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now();
        hs_raster_write(ctx, R, argv[7]);
        tw[r] = bench_now() - t0;
    }
    hs_raster_info in;
    hs_raster_info_get(R, &in);
    printf("| %zu incidents, %zu x %zu pixels, quartic h %s m | median s |\n|---|---|\n",
           hs_incidents_count(inc), in.width, in.height, argv[4]);
    printf("| read CSV | %.3f |\n", bench_median(tr, runs));
    printf("| hs_kde_compute, 1 thread | %.3f |\n", bench_median(tk[0], runs));
    printf("| hs_kde_compute, 2 threads | %.3f |\n", bench_median(tk[1], runs));
    printf("| write GeoTIFF (+ .qml, .json) | %.3f |\n", bench_median(tw, runs));
    hs_raster_destroy(R);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
    return 0;
}
