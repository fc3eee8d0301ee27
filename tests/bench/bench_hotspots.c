/* bench_hotspots.c — Gi* over a county: N incidents (x,y CSV) on 100 m
 * cells of their bounding box (empty cells included), through the public
 * API: grid counts, cells as units, 8-neighbour contiguity, Gi* with FDR;
 * and the whole ranking (locate, Gi*, top 20). Medians of R runs.
 * usage: bench_hotspots POINTS.csv [RUNS] */
#include "hotspot.h"
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (runs < 1 || runs > 31) runs = 5;
    hs_ctx *ctx;
    hs_incidents *inc;
    hs_ctx_create(&ctx);
    hs_incidents_create(ctx, &inc);
    hs_read_options ro;
    hs_read_options_init(&ro);
    ro.x_column = "x";
    ro.y_column = "y";
    if (hs_incidents_read_csv(ctx, argv[1], &ro, inc)) {
        fprintf(stderr, "%s\n", hs_ctx_last_error(ctx));
        return 1;
    }
    double tg[32], tu[32], tz[32], tall[32];
    size_t cells = 0, hot = 0;
    for (int r = 0; r < runs; r++) {
        hs_grid_options go;
        hs_grid_options_init(&go);
        go.cell_size_m = 100;
        go.include_empty = 1;
        hs_grid *g;
        hs_units *u;
        double t0 = bench_now();
        hs_grid_count(ctx, inc, &go, &g);
        double t1 = bench_now();
        hs_units_from_grid(ctx, g, &u);
        hs_units_build_neighbours(ctx, u, 0);
        double t2 = bench_now();
        size_t n = hs_grid_cell_count(g);
        double *v = malloc(n * sizeof *v), *z = malloc(n * sizeof *z), *p = malloc(n * sizeof *p);
        int *bin = malloc(n * sizeof *bin);
        for (size_t i = 0; i < n; i++) {
            hs_cell c;
            hs_grid_cell(g, i, &c);
            v[i] = (double)c.count;
        }
        hs_units_getis_ord(ctx, u, v, 1, 1, z, p, bin);
        double t3 = bench_now();
        uint32_t *of = malloc(hs_incidents_count(inc) * sizeof *of);
        hs_grid_locate(ctx, g, inc, of);
        hs_hotspots *h;
        hs_hotspots_compute(ctx, u, inc, of, NULL, NULL, &h);
        double t4 = bench_now();
        tg[r] = t1 - t0, tu[r] = t2 - t1, tz[r] = t3 - t2, tall[r] = (t3 - t0) + (t4 - t3);
        cells = n;
        hot = 0;
        for (size_t i = 0; i < n; i++)
            hot += bin[i] == 3;
        hs_hotspots_destroy(h);
        free(of), free(v), free(z), free(p), free(bin);
        hs_units_destroy(u);
        hs_grid_destroy(g);
    }
    qsort(tg, (size_t)runs, sizeof *tg, bench_cmp);
    qsort(tu, (size_t)runs, sizeof *tu, bench_cmp);
    qsort(tz, (size_t)runs, sizeof *tz, bench_cmp);
    qsort(tall, (size_t)runs, sizeof *tall, bench_cmp);
    printf(
        "| %zu incidents, %zu cells of 100 m (%zu hot at 99%% after FDR) | median s |\n|---|---|\n",
        hs_incidents_count(inc), cells, hot);
    printf("| grid counts with empty cells | %.3f |\n", tg[runs / 2]);
    printf("| cells as units (GEOS polygons) + 8-neighbour lists | %.3f |\n", tu[runs / 2]);
    printf("| Gi* + p + Benjamini-Hochberg + classes | %.4f |\n", tz[runs / 2]);
    printf("| all of it + hs_grid_locate + ranking (hs_hotspots_compute) | %.3f |\n",
           tall[runs / 2]);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
    return 0;
}
