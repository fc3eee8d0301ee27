/* bench_parse.c — reader throughput through the public API: parse only
 * (coordinates read as x/y in the working CRS, no reprojection) and parse +
 * PROJ, on 1 and 2 threads; prints the median of R runs in MB/s.
 * usage: bench_parse FILE [RUNS] */
#include "hotspot.h"
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

static double run(const char *path, int threads, int project, int runs) {
    double t[32];
    for (int r = 0; r < runs; r++) {
        hs_ctx *ctx;
        hs_incidents *inc;
        hs_ctx_create(&ctx);
        hs_ctx_set_threads(ctx, threads);
        hs_incidents_create(ctx, &inc);
        hs_read_options o;
        hs_read_options_init(&o);
        if (!project) {
            o.x_column = "Longitude";
            o.y_column = "Latitude";
        }
        double t0 = bench_now();
        if (hs_incidents_read_csv(ctx, path, &o, inc) != HS_OK) {
            fprintf(stderr, "%s\n", hs_ctx_last_error(ctx));
            exit(1);
        }
        t[r] = bench_now() - t0;
        hs_incidents_destroy(inc);
        hs_ctx_destroy(ctx);
    }
    qsort(t, (size_t)runs, sizeof *t, bench_cmp);
    return t[runs / 2];
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (runs < 1 || runs > 31) runs = 5;
    struct stat sb;
    stat(argv[1], &sb);
    double mb = (double)sb.st_size / 1e6;
    printf("| reader | threads | median s | MB/s |\n|---|---|---|---|\n");
    for (int project = 0; project <= 1; project++)
        for (int th = 1; th <= 2; th++) {
            double s = run(argv[1], th, project, runs);
            printf("| %s | %d | %.3f | %.0f |\n",
                   project ? "parse + PROJ to EPSG:27700" : "parse only", th, s, mb / s);
        }
    return 0;
}
