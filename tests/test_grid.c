/* test_grid.c — grid counts against sfhotspot 1.0.0's `n` (shared
 * fixtures), and against brute-force oracles: every point tested against
 * every reported cell (squares), and the nearest of all hex centres. */
#include "check.h"

#include "hotspot.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct fcell {
    long col, row;
    double xmin, ymin;
    long n;
} fcell;

static fcell *read_fixture(const char *path, size_t *nout) {
    FILE *f = fopen(path, "r");
    CHECK_MSG(f != NULL, "cannot open %s", path);
    if (!f) return NULL;
    char line[1024];
    fgets(line, sizeof line, f); /* cell,col,row,xmin,ymin,xmax,ymax,cx,cy,n,... */
    size_t n = 0, cap = 1024;
    fcell *c = malloc(cap * sizeof *c);
    while (fgets(line, sizeof line, f)) {
        long id;
        double xmax, ymax, cx, cy;
        if (n == cap) c = realloc(c, (cap *= 2) * sizeof *c);
        if (sscanf(line, "%ld,%ld,%ld,%lf,%lf,%lf,%lf,%lf,%lf,%ld", &id, &c[n].col, &c[n].row,
                   &c[n].xmin, &c[n].ymin, &xmax, &ymax, &cx, &cy, &c[n].n) == 10)
            n++;
    }
    fclose(f);
    *nout = n;
    return c;
}

static hs_incidents *memphis(hs_ctx *ctx) {
    char path[512];
    snprintf(path, sizeof path, "%s/fixtures/sfhotspot-memphis/memphis_robberies.csv",
             HS_TEST_DATA);
    hs_incidents *inc;
    hs_ctx_set_crs(ctx, "EPSG:2843");
    hs_incidents_create(ctx, &inc);
    hs_read_options o;
    hs_read_options_init(&o);
    o.x_column = "x_epsg2843";
    o.y_column = "y_epsg2843";
    CHECK(hs_incidents_read_csv(ctx, path, &o, inc) == HS_OK);
    return inc;
}

static void vs_sfhotspot(const char *file, double cs) {
    char path[512];
    snprintf(path, sizeof path, "%s/fixtures/sfhotspot-memphis/%s", HS_TEST_DATA, file);
    size_t nf;
    fcell *fc = read_fixture(path, &nf);
    if (!fc) return;
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc = memphis(ctx);
    /* sfhotspot's origin, recovered from any fixture cell. */
    hs_grid_options go;
    hs_grid_options_init(&go);
    go.cell_size_m = cs;
    go.origin_x = fc[0].xmin - (double)fc[0].col * cs;
    go.origin_y = fc[0].ymin - (double)fc[0].row * cs;
    hs_grid *g;
    CHECK(hs_grid_count(ctx, inc, &go, &g) == HS_OK);
    size_t nonempty = 0, matched = 0;
    long total = 0;
    for (size_t i = 0; i < nf; i++) {
        total += fc[i].n;
        if (fc[i].n == 0) continue;
        nonempty++;
        for (size_t k = 0; k < hs_grid_cell_count(g); k++) {
            hs_cell c;
            hs_grid_cell(g, k, &c);
            if (c.col == fc[i].col && c.row == fc[i].row) {
                CHECK_MSG((long)c.count == fc[i].n, "cell %ld,%ld: %llu vs sfhotspot %ld",
                          fc[i].col, fc[i].row, (unsigned long long)c.count, fc[i].n);
                CHECK_NEAR(c.x_min, fc[i].xmin, 1e-6);
                matched++;
            }
        }
    }
    CHECK(total == 2245);
    CHECK_MSG(matched == nonempty && hs_grid_cell_count(g) == nonempty,
              "%s: %zu matched, %zu non-empty, %zu ours", file, matched, nonempty,
              hs_grid_cell_count(g));
    printf("sfhotspot %s: %zu non-empty cells, all counts equal\n", file, nonempty);
    hs_grid_destroy(g);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
    free(fc);
}

/* Random points with weights, some exactly on cell edges and corners. */
static hs_incidents *random_points(hs_ctx *ctx, size_t n, double cs) {
    size_t cap = n * 48 + 64, k = 0;
    char *s = malloc(cap);
    k += (size_t)snprintf(s, cap, "x,y,w\n");
    uint64_t r = 7;
    for (size_t i = 0; i < n; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        double x = 560000 + (double)(r >> 44) / 1048576.0 * 3000;
        double y = 170000 + (double)((r >> 20) & 0xfffff) / 1048576.0 * 3000;
        if (i % 10 == 0) x = 560000 + cs * (double)((r >> 8) % 20); /* on a vertical edge */
        if (i % 15 == 0) y = 170000 + cs * (double)((r >> 3) % 20); /* on a horizontal edge */
        k += (size_t)snprintf(s + k, cap - k, "%.6f,%.6f,%.3f\n", x, y, (double)(r % 97) / 8);
    }
    hs_incidents *inc;
    hs_incidents_create(ctx, &inc);
    hs_read_options o = hs_test_xy(NULL, "w");
    CHECK(hs_incidents_read_csv_buffer(ctx, "rand.csv", s, k, &o, inc) == HS_OK);
    free(s);
    return inc;
}

/* At 150 m the 5,000 points' box has 400 cells (counted into the dense
 * box); at 10 m it has 90,000, more than the points (the radix sort path). */
static void brute_square_at(double cs) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc = random_points(ctx, 5000, cs);
    hs_grid *g;
    hs_grid_options gs;
    hs_grid_options_init(&gs);
    gs.cell_size_m = cs;
    CHECK(hs_grid_count(ctx, inc, &gs, &g) == HS_OK);
    size_t nc = hs_grid_cell_count(g);
    hs_cell *cells = malloc(nc * sizeof *cells);
    uint64_t *cnt = calloc(nc, sizeof *cnt);
    double *w = calloc(nc, sizeof *w);
    for (size_t k = 0; k < nc; k++) {
        hs_grid_cell(g, k, &cells[k]);
        /* Edges are multiples of the cell size: the grid lines up. */
        CHECK(cells[k].x_min == cs * (double)cells[k].col &&
              cells[k].y_max == cs * (double)(cells[k].row + 1));
    }
    const double *x = hs_incidents_x(inc), *y = hs_incidents_y(inc), *wt = hs_incidents_weight(inc);
    for (size_t i = 0; i < hs_incidents_count(inc); i++) {
        int hits = 0;
        for (size_t k = 0; k < nc; k++)
            if (x[i] >= cells[k].x_min && x[i] < cells[k].x_max && y[i] >= cells[k].y_min &&
                y[i] < cells[k].y_max) {
                hits++;
                cnt[k]++;
                w[k] += wt[i];
            }
        CHECK_MSG(hits == 1, "point %zu (%.6f, %.6f) in %d cells", i, x[i], y[i], hits);
    }
    for (size_t k = 0; k < nc; k++) {
        CHECK(cnt[k] == cells[k].count && cnt[k] > 0);
        CHECK(w[k] == cells[k].weight); /* same order of summation: exact */
        if (k)
            CHECK(cells[k - 1].row < cells[k].row ||
                  (cells[k - 1].row == cells[k].row && cells[k - 1].col < cells[k].col));
    }
    char id[64];
    hs_grid_cell_id(g, 0, id, sizeof id);
    char want[64];
    snprintf(want, sizeof want, "sq%g_%lld_%lld", cs, (long long)cells[0].col,
             (long long)cells[0].row);
    CHECK(strcmp(id, want) == 0);
    /* Ring: closed, counter-clockwise, area = cs^2 (shoelace). */
    double xy[14];
    size_t np;
    CHECK(hs_grid_cell_ring(g, 0, xy, &np) == HS_OK && np == 5);
    double a = 0;
    for (size_t k = 0; k + 1 < np; k++)
        a += xy[2 * k] * xy[2 * k + 3] - xy[2 * k + 2] * xy[2 * k + 1];
    CHECK_NEAR(a / 2, cs * cs, 1e-3);
    CHECK(xy[0] == xy[8] && xy[1] == xy[9]);
    free(cells);
    free(cnt);
    free(w);
    hs_grid_destroy(g);

    /* Bad cell sizes. */
    hs_grid_options go;
    hs_grid_options_init(&go);
    go.cell_size_m = 0;
    CHECK(hs_grid_count(ctx, inc, &go, &g) == HS_EINVAL);
    go.cell_size_m = -5;
    CHECK(hs_grid_count(ctx, inc, &go, &g) == HS_EINVAL);
    go.cell_size_m = 1e-6;
    CHECK(hs_grid_count(ctx, inc, &go, &g) == HS_ERANGE);
    CHECK(strstr(hs_ctx_last_error(ctx), "too small") != NULL);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

static void brute_hex(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    const double w = 200, s = w / sqrt(3.0);
    hs_incidents *inc = random_points(ctx, 3000, w);
    hs_grid_options go;
    hs_grid_options_init(&go);
    go.shape = HS_GRID_HEX;
    go.cell_size_m = w;
    hs_grid *g;
    CHECK(hs_grid_count(ctx, inc, &go, &g) == HS_OK);
    const double *x = hs_incidents_x(inc), *y = hs_incidents_y(inc);
    /* Oracle: nearest centre over a wide window of the lattice (centres at
     * ((col + row%2/2) w, 1.5 s row)); ties to the smaller (row, col). */
    size_t nc = hs_grid_cell_count(g);
    uint64_t *cnt = calloc(nc, sizeof *cnt);
    for (size_t i = 0; i < hs_incidents_count(inc); i++) {
        long r0 = (long)(y[i] / (1.5 * s)), c0 = (long)(x[i] / w);
        long br = 0, bc = 0;
        double best = INFINITY;
        for (long r = r0 - 3; r <= r0 + 3; r++)
            for (long c = c0 - 3; c <= c0 + 3; c++) {
                double cx = (c + (r % 2 ? 0.5 : 0.0)) * w, cy = r * 1.5 * s;
                double d = (x[i] - cx) * (x[i] - cx) + (y[i] - cy) * (y[i] - cy);
                if (d < best) {
                    best = d;
                    br = r;
                    bc = c;
                }
            }
        bool found = false;
        for (size_t k = 0; k < nc; k++) {
            hs_cell c;
            hs_grid_cell(g, k, &c);
            if (c.row == br && c.col == bc) {
                cnt[k]++;
                found = true;
            }
        }
        CHECK_MSG(found, "point %zu: nearest hex %ld,%ld not in grid", i, br, bc);
    }
    uint64_t total = 0;
    for (size_t k = 0; k < nc; k++) {
        hs_cell c;
        hs_grid_cell(g, k, &c);
        CHECK_MSG(cnt[k] == c.count, "hex %lld,%lld: %llu vs oracle %llu", (long long)c.row,
                  (long long)c.col, (unsigned long long)c.count, (unsigned long long)cnt[k]);
        total += c.count;
    }
    CHECK(total == hs_incidents_count(inc));
    double xy[14];
    size_t np;
    CHECK(hs_grid_cell_ring(g, 0, xy, &np) == HS_OK && np == 7);
    double a = 0;
    for (size_t k = 0; k + 1 < np; k++)
        a += xy[2 * k] * xy[2 * k + 3] - xy[2 * k + 2] * xy[2 * k + 1];
    CHECK_NEAR(a / 2, sqrt(3.0) / 2 * w * w, 1e-3);
    char id[64];
    hs_grid_cell_id(g, 0, id, sizeof id);
    CHECK(strncmp(id, "hex200_", 7) == 0);
    free(cnt);
    hs_grid_destroy(g);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

/* A cell id alone rebuilds its cell, whatever the grid's origin: every
 * ring from hs_units_from_cell_ids equals the grid's own, to 1e-6 m. */
static void ids_rebuild_cells(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc = random_points(ctx, 400, 300);
    for (int shape = 0; shape < 2; shape++)
        for (int o = 0; o < 2; o++) {
            hs_grid_options go;
            hs_grid_options_init(&go);
            go.shape = shape ? HS_GRID_HEX : HS_GRID_SQUARE;
            go.cell_size_m = 170;
            go.origin_x = o ? 25.5 : 0, go.origin_y = o ? -40 : 0;
            hs_grid *g;
            CHECK(hs_grid_count(ctx, inc, &go, &g) == HS_OK);
            size_t n = hs_grid_cell_count(g);
            char(*ids)[80] = calloc(n, sizeof *ids);
            const char **p = calloc(n, sizeof *p);
            for (size_t i = 0; i < n; i++) {
                hs_grid_cell_id(g, i, ids[i], sizeof ids[i]);
                p[i] = ids[i];
            }
            CHECK((strchr(ids[0], '@') != NULL) == (o == 1));
            hs_units *u;
            CHECK(hs_units_from_cell_ids(ctx, p, n, &u) == HS_OK);
            for (size_t i = 0; i < n; i++) {
                hs_unit un;
                hs_cell c;
                hs_units_get(u, i, &un);
                hs_grid_cell(g, i, &c);
                CHECK_MSG(fabs(un.cx - c.cx) < 1e-6 && fabs(un.cy - c.cy) < 1e-6, "%s", ids[i]);
                double area = shape ? 170 * 170 * sqrt(3.0) / 2 : 170 * 170;
                CHECK(fabs(un.area_m2 - area) < 1e-6 * area);
            }
            hs_units_destroy(u);
            free(ids), free(p);
            hs_grid_destroy(g);
        }
    const char *bad[] = {"sq150_1_2x", "sq150_1_2@3", "sq150_1_2@3_4_5"};
    hs_units *u = NULL;
    for (int k = 0; k < 3; k++)
        CHECK_MSG(hs_units_from_cell_ids(ctx, bad + k, 1, &u) != HS_OK, "%s", bad[k]);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

void test_grid(void) {
    ids_rebuild_cells();
    vs_sfhotspot("expected_memphis_cell1000_bw2500.csv", 1000);
    vs_sfhotspot("expected_memphis_defaults_kde.csv", 500);
    brute_square_at(150);
    brute_square_at(10);
    brute_hex();
}
