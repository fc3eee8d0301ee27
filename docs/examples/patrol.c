/* patrol.c — a patrol plan from C, step by step: read the incidents, count
 * them on 150 m cells, rank the cells with Gi*, and plan 28 days of
 * randomised visits to the top 20.
 *
 *   patrol HOTSPOTS.csv PLAN.csv INPUT.csv...
 *
 * gives the same files, byte for byte, as
 *
 *   hotspot hotspots INPUT.csv... --crime-type "Violence and sexual offences" -o HOTSPOTS.csv
 *   hotspot patrol HOTSPOTS.csv --half --seed 2026 --start 2027-01-04 -o PLAN.csv
 */
#include <hotspot.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: patrol HOTSPOTS.csv PLAN.csv INPUT.csv...\n");
        return 2;
    }
    hs_ctx *ctx = NULL;
    hs_incidents *inc = NULL;
    hs_grid *grid = NULL;
    hs_units *cells = NULL;
    hs_hotspots *h = NULL;
    hs_patrol_site *sites = NULL;
    size_t nsites = 0;
    uint32_t *cell_of = NULL;
    hs_status st = hs_ctx_create(&ctx);

    /* 1. The incidents: violence only (police.uk columns by default). */
    hs_read_options ro;
    hs_read_options_init(&ro);
    const char *types[] = {"Violence and sexual offences"};
    ro.crime_types = types;
    ro.crime_type_count = 1;
    if (!st) st = hs_incidents_create(ctx, &inc);
    for (int i = 3; i < argc && !st; i++)
        st = hs_incidents_read_csv(ctx, argv[i], &ro, inc);

    /* 2. Equal-sized places: 150 m cells over the incidents' box, the empty
     *    ones too (Gi* needs the zeros), each incident located in its cell. */
    hs_grid_options go;
    hs_grid_options_init(&go);
    go.include_empty = 1;
    if (!st) st = hs_grid_count(ctx, inc, &go, &grid);
    if (!st) st = hs_units_from_grid(ctx, grid, &cells);
    if (!st) st = hs_units_build_neighbours(ctx, cells, 0);
    if (!st && !(cell_of = malloc((hs_incidents_count(inc) + 1) * sizeof *cell_of))) st = HS_ENOMEM;
    if (!st) st = hs_grid_locate(ctx, grid, inc, cell_of);

    /* 3. The top 20 by count, with Getis-Ord Gi* (FDR-corrected). */
    hs_hotspot_options ho;
    hs_hotspot_options_init(&ho);
    if (!st) st = hs_hotspots_compute(ctx, cells, inc, cell_of, NULL, &ho, &h);
    if (!st) st = hs_hotspots_write(ctx, h, argv[1]);

    /* 4. The plan: half the places patrolled each day, the rest control. */
    hs_patrol_options po;
    hs_patrol_options_init(&po);
    po.half = 1;
    po.seed = 2026;
    po.start_date = "2027-01-04";
    if (!st) st = hs_patrol_sites_from_hotspots(ctx, h, &sites, &nsites);
    if (!st) st = hs_patrol_plan_write(ctx, sites, nsites, &po, argv[2]);

    if (st)
        fprintf(stderr, "patrol: %s\n", ctx ? hs_ctx_last_error(ctx) : hs_status_string(st));
    else
        printf("%zu places, %d days: %s\n", nsites, po.days, argv[2]);
    hs_patrol_sites_free(sites, nsites);
    hs_hotspots_destroy(h);
    free(cell_of);
    hs_units_destroy(cells);
    hs_grid_destroy(grid);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
    return st ? 1 : 0;
}
