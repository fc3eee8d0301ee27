/* Reads a police.uk file and prints the number of 150 m cells. */
#include <hotspot.h>
#include <stdio.h>

int main(int argc, char **argv) {
    hs_ctx *ctx = NULL;
    hs_incidents *inc = NULL;
    hs_grid *g = NULL;
    int rc = 1;
    if (argc < 2 || hs_ctx_create(&ctx) || hs_incidents_create(ctx, &inc)) goto out;
    if (hs_incidents_read_csv(ctx, argv[1], NULL, inc) || hs_grid_count(ctx, inc, NULL, &g)) {
        fprintf(stderr, "%s\n", hs_ctx_last_error(ctx));
        goto out;
    }
    printf("libhotspot %s: %zu incidents in %zu cells\n", hs_version(), hs_incidents_count(inc),
           hs_grid_cell_count(g));
    rc = 0;
out:
    hs_grid_destroy(g);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
    return rc;
}
