/* evaluate.c — did the hotspots hold? Places chosen on January-February,
 * measured on March-April: hit rate, PAI, PEI, RRI and the capture curve,
 * as data, then written.
 *
 *   evaluate HOTSPOTS.csv MEASURES.csv CURVE.csv INPUT.csv...
 *
 * gives the same files, byte for byte, as
 *
 *   hotspot evaluate INPUT.csv... --hotspots HOTSPOTS.csv --before 2024-01..2024-02 \
 *       --after 2024-03..2024-04 -o MEASURES.csv --curve CURVE.csv
 */
#include <hotspot.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: evaluate HOTSPOTS.csv MEASURES.csv CURVE.csv INPUT.csv...\n");
        return 2;
    }
    hs_ctx *ctx = NULL;
    hs_incidents *inc = NULL;
    hs_grid *grid = NULL;
    hs_units *cells = NULL;
    hs_patrol_site *sites = NULL;
    size_t nsites = 0;
    uint32_t *cell_of = NULL;
    const char **ids = NULL;
    double *curve = NULL;
    hs_status st = hs_ctx_create(&ctx);

    /* The places chosen: the ids of a hotspots CSV. */
    if (!st) st = hs_patrol_sites_read(ctx, argv[1], &sites, &nsites);
    if (!st && !(ids = malloc((nsites + 1) * sizeof *ids))) st = HS_ENOMEM;
    for (size_t i = 0; !st && i < nsites; i++)
        ids[i] = sites[i].id;

    /* Both periods read (the measured one and the one chosen on). */
    hs_tally_options periods;
    hs_tally_options_init(&periods);
    periods.compare_from = "2024-01", periods.compare_to = "2024-02";
    periods.from = "2024-03", periods.to = "2024-04";
    hs_read_options ro;
    hs_read_options_init(&ro);
    ro.from = periods.from, ro.to = periods.to;
    ro.compare_from = periods.compare_from, ro.compare_to = periods.compare_to;
    if (!st) st = hs_incidents_create(ctx, &inc);
    for (int i = 4; i < argc && !st; i++)
        st = hs_incidents_read_csv(ctx, argv[i], &ro, inc);

    /* The study area as 'hotspot hotspots' lays it: 150 m cells over the
     * incidents' box, the empty ones too. */
    hs_grid_options go;
    hs_grid_options_init(&go);
    go.include_empty = 1;
    if (!st) st = hs_grid_count(ctx, inc, &go, &grid);
    if (!st) st = hs_units_from_grid(ctx, grid, &cells);
    if (!st && !(cell_of = malloc((hs_incidents_count(inc) + 1) * sizeof *cell_of))) st = HS_ENOMEM;
    if (!st) st = hs_grid_locate(ctx, grid, inc, cell_of);

    /* The measures and the curve, as data. */
    hs_evaluation e;
    size_t n = cells ? hs_units_count(cells) : 0;
    if (!st && !(curve = malloc(2 * (n + 1) * sizeof *curve))) st = HS_ENOMEM;
    if (!st) st = hs_evaluate(ctx, cells, inc, cell_of, &periods, ids, nsites, &e, curve);
    if (!st)
        printf("%zu hotspots: hit rate %.1f%%, PAI %.1f, PEI %.2f, RRI %.2f\n", e.hotspots,
               e.capture.hit_rate_pct, e.capture.pai, e.capture.pei, e.capture.rri);
    if (!st) st = hs_evaluation_write(ctx, &e, argv[2]);
    if (!st) st = hs_capture_curve_write(ctx, curve, e.units, argv[3]);

    if (st) fprintf(stderr, "evaluate: %s\n", ctx ? hs_ctx_last_error(ctx) : hs_status_string(st));
    free(curve);
    free(ids);
    free(cell_of);
    hs_units_destroy(cells);
    hs_grid_destroy(grid);
    hs_patrol_sites_free(sites, nsites);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
    return st ? 1 : 0;
}
