/* test_getisord.c — Getis-Ord Gi and Gi* against R spdep (Columbus, queen
 * and distance band), PySAL esda (its published example), and sfhotspot
 * (Memphis cells, 8 neighbours + self); Benjamini-Hochberg against
 * R's p.adjust(method = "BH") (tests/data/peer/bh_reference.csv). */
#include "check.h"

#include "hotspot.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define COLUMBUS HS_TEST_DATA "/fixtures/spdep-localG-columbus"
#define ESDA HS_TEST_DATA "/fixtures/esda-getisord"
#define MEMPHIS HS_TEST_DATA "/fixtures/sfhotspot-memphis"

/* CSR neighbour lists from directed pairs (1-based ids). */
static void csr(const int *from, const int *to, size_t npairs, size_t n, uint32_t *start,
                uint32_t *nb) {
    memset(start, 0, (n + 1) * sizeof *start);
    for (size_t k = 0; k < npairs; k++)
        start[from[k]]++;
    for (size_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    uint32_t *fill = calloc(n, sizeof *fill);
    for (size_t k = 0; k < npairs; k++) {
        size_t i = (size_t)from[k] - 1;
        nb[start[i] + fill[i]++] = (uint32_t)to[k] - 1;
    }
    free(fill);
}

static size_t read_pairs(const char *path, int *from, int *to, size_t max) {
    FILE *f = fopen(path, "r");
    char line[128];
    size_t k = 0;
    CHECK_MSG(f && fgets(line, sizeof line, f), "%s", path);
    while (f && k < max && fscanf(f, "%d,%d", &from[k], &to[k]) == 2)
        k++;
    if (f) fclose(f);
    return k;
}

static void columbus(void) {
    double crime[49], exp_[49][6];
    FILE *f = fopen(COLUMBUS "/expected_localG_columbus.csv", "r");
    char line[512];
    size_t n = 0;
    if (f && fgets(line, sizeof line, f))
        while (n < 49 && fgets(line, sizeof line, f)) {
            double v[10];
            char *p = line;
            for (int c = 0; c < 10; c++) {
                v[c] = strtod(p, &p);
                if (*p == ',') p++;
            }
            crime[n] = v[3];
            exp_[n][0] = v[5], exp_[n][1] = v[6], exp_[n][2] = v[8], exp_[n][3] = v[9];
            n++;
        }
    if (f) fclose(f);
    CHECK(n == 49);
    const char *files[2] = {COLUMBUS "/neighbours_queen.csv", COLUMBUS "/neighbours_dist5.csv"};
    double worst = 0;
    for (int w = 0; w < 2; w++) {
        int from[600], to[600];
        size_t np = read_pairs(files[w], from, to, 600);
        CHECK(np == (w ? 462u : 236u));
        uint32_t start[50], nb[600];
        csr(from, to, np, 49, start, nb);
        double z[49];
        for (int self = 0; self <= 1; self++) {
            CHECK(hs_getis_ord(crime, 49, start, nb, self, z) == HS_OK);
            for (size_t i = 0; i < 49; i++)
                worst = fmax(worst, fabs(z[i] - exp_[i][2 * w + self]));
        }
    }
    CHECK_MSG(worst < 1e-9, "columbus: worst %g", worst);
    printf("spdep Columbus: Gi and Gi*, queen and distance band, worst %.2g\n", worst);
}

/* esda's 6-point example: points, values and the binary-weight z-scores are
 * read from the fixture (printed there to 8 decimals, so 1e-8). */
static void esda(void) {
    double x[6], y[6], v[6], gi[6], gs[6], r1, r2;
    int id;
    FILE *f = fopen(ESDA "/points.csv", "r");
    char line[256];
    CHECK_MSG(f && fgets(line, sizeof line, f), "%s", ESDA "/points.csv");
    for (int i = 0; f && i < 6; i++)
        CHECK(fscanf(f, "%d,%lf,%lf,%lf", &id, &x[i], &y[i], &v[i]) == 4 && id == i + 1);
    if (f) fclose(f);
    f = fopen(ESDA "/expected_local_z.csv", "r");
    CHECK_MSG(f && fgets(line, sizeof line, f), "%s", ESDA "/expected_local_z.csv");
    for (int i = 0; f && i < 6; i++)
        CHECK(fscanf(f, "%d,%lf,%lf,%lf,%lf", &id, &gi[i], &gs[i], &r1, &r2) == 5 && id == i + 1);
    if (f) fclose(f);
    /* Distance band 15, inclusive, by brute force. */
    uint32_t start[7] = {0}, nb[30];
    size_t k = 0;
    for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 6; j++)
            if (i != j && hypot(x[i] - x[j], y[i] - y[j]) <= 15) nb[k++] = (uint32_t)j;
        start[i + 1] = (uint32_t)k;
    }
    CHECK(k == 14);
    double z[6];
    CHECK(hs_getis_ord(v, 6, start, nb, 0, z) == HS_OK);
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(z[i], gi[i], 1e-8);
    CHECK(hs_getis_ord(v, 6, start, nb, 1, z) == HS_OK);
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(z[i], gs[i], 1e-8);
    printf("esda example: Gi and Gi* equal esda's published z to 1e-8\n");
}

/* sfhotspot's cells: neighbours = the 8 surrounding cells present + self. */
static void sfhotspot(void) {
    FILE *f = fopen(MEMPHIS "/expected_memphis_cell1000_bw2500.csv", "r");
    char line[1024];
    size_t n = 0, cap = 1024;
    long *col = malloc(cap * sizeof *col), *row = malloc(cap * sizeof *row);
    double *cnt = malloc(cap * sizeof *cnt), *gz = malloc(cap * sizeof *gz),
           *gp = malloc(cap * sizeof *gp);
    if (f && fgets(line, sizeof line, f))
        while (n < cap && fgets(line, sizeof line, f)) {
            double v[13];
            char *p = line;
            for (int c = 0; c < 13; c++) {
                v[c] = strtod(p, &p);
                if (*p == ',') p++;
            }
            col[n] = (long)v[1], row[n] = (long)v[2], cnt[n] = v[9], gz[n] = v[11], gp[n] = v[12];
            n++;
        }
    if (f) fclose(f);
    CHECK(n == 886);
    uint32_t *start = calloc(n + 1, sizeof *start), *nb = malloc(n * 8 * sizeof *nb);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++)
            if (i != j && labs(col[i] - col[j]) <= 1 && labs(row[i] - row[j]) <= 1)
                nb[k++] = (uint32_t)j;
        start[i + 1] = (uint32_t)k;
    }
    double *z = malloc(n * sizeof *z), *p = malloc(n * sizeof *p);
    CHECK(hs_getis_ord(cnt, n, start, nb, 1, z) == HS_OK);
    hs_p_two_sided(z, n, p);
    double wz = 0, wp = 0;
    for (size_t i = 0; i < n; i++) {
        wz = fmax(wz, fabs(z[i] - gz[i]));
        wp = fmax(wp, fabs(p[i] - gp[i]));
    }
    CHECK_MSG(wz < 1e-9 && wp < 1e-12, "sfhotspot gistar %g, p %g", wz, wp);
    printf("sfhotspot Memphis: Gi* on 886 cells to %.2g, p-values to %.2g\n", wz, wp);
    free(col), free(row), free(cnt), free(gz), free(gp), free(start), free(nb), free(z), free(p);
}

static void fdr_and_bins(void) {
    /* Reference: tests/data/peer/bh_reference.csv (R p.adjust "BH", see README). */
    FILE *f = fopen(HS_TEST_DATA "/peer/bh_reference.csv", "r");
    char line[256];
    double p[32], q[32], got[32];
    size_t n = 0;
    CHECK(f && fgets(line, sizeof line, f));
    while (f && n < 32 && fscanf(f, "%lf,%lf", &p[n], &q[n]) == 2)
        n++;
    if (f) fclose(f);
    CHECK(n == 20);
    CHECK(hs_fdr_bh(p, n, got) == HS_OK);
    for (size_t i = 0; i < n; i++)
        CHECK_NEAR(got[i], q[i], 1e-15);
    double withnan[3] = {0.01, NAN, 0.04}, out[3];
    CHECK(hs_fdr_bh(withnan, 3, out) == HS_OK && isnan(out[1]));
    CHECK_NEAR(out[0], 0.02, 1e-15);
    CHECK_NEAR(out[2], 0.04, 1e-15);
    CHECK(hs_gi_bin(2.7, 0.007) == 3 && hs_gi_bin(2.0, 0.045) == 2 && hs_gi_bin(1.7, 0.09) == 1);
    CHECK(hs_gi_bin(-2.7, 0.007) == -3 && hs_gi_bin(1.0, 0.3) == 0 && hs_gi_bin(NAN, NAN) == 0);
    double zz[2] = {1.959963984540054, -2.5758293035489}, pp[2];
    hs_p_two_sided(zz, 2, pp);
    CHECK_NEAR(pp[0], 0.05, 1e-15);
    CHECK_NEAR(pp[1], 0.01, 1e-14);
}

/* On units: grid cells of the fixture with 8 neighbours. */
static void on_units(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc = hs_test_fixture_bng(ctx);
    hs_grid *g;
    hs_units *u;
    CHECK(hs_grid_count(ctx, inc, NULL, &g) == HS_OK);
    CHECK(hs_units_from_grid(ctx, g, &u) == HS_OK);
    size_t n = hs_units_count(u);
    double *v = malloc(n * sizeof *v), *z = malloc(n * sizeof *z), *p = malloc(n * sizeof *p);
    int *bin = malloc(n * sizeof *bin);
    for (size_t i = 0; i < n; i++) {
        hs_cell c;
        hs_grid_cell(g, i, &c);
        v[i] = (double)c.count;
    }
    CHECK(hs_units_getis_ord(ctx, u, v, 1, 1, z, p, bin) == HS_EINVAL); /* no neighbours yet */
    CHECK(hs_units_build_neighbours(ctx, u, 0) == HS_OK);
    CHECK(hs_units_getis_ord(ctx, u, v, 1, 1, z, p, bin) == HS_OK);
    /* The same through the pure function and the units' own lists. */
    uint32_t *start = calloc(n + 1, sizeof *start), *nb = malloc(n * 8 * sizeof *nb);
    for (size_t i = 0; i < n; i++) {
        const uint32_t *ids;
        size_t nn;
        hs_units_neighbours(u, i, &ids, &nn);
        memcpy(nb + start[i], ids, nn * sizeof *ids);
        start[i + 1] = start[i] + (uint32_t)nn;
    }
    double *z2 = malloc(n * sizeof *z2);
    CHECK(hs_getis_ord(v, n, start, nb, 1, z2) == HS_OK);
    size_t hot = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(z[i] == z2[i] || (isnan(z[i]) && isnan(z2[i])));
        hot += bin[i] == 3;
    }
    printf("Gravesham 150 m cells: %zu units, %zu hot at 99%% after FDR\n", n, hot);
    free(v), free(z), free(p), free(bin), free(start), free(nb), free(z2);
    hs_units_destroy(u);
    hs_grid_destroy(g);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

/* Queen neighbours of the cells of columns [c0, c1) of an h-row grid, in
 * the order of the offsets, indices local to those columns. */
static size_t queen(int h, int c0, int c1, uint32_t *start, uint32_t *nb) {
    size_t k = 0, i = 0;
    int w = c1 - c0;
    for (int r = 0; r < h; r++)
        for (int c = c0; c < c1; c++, i++) {
            start[i] = (uint32_t)k;
            for (int dr = -1; dr <= 1; dr++)
                for (int dc = -1; dc <= 1; dc++)
                    if ((dr || dc) && r + dr >= 0 && r + dr < h && c + dc >= c0 && c + dc < c1)
                        nb[k++] = (uint32_t)((r + dr) * w + (c + dc - c0));
        }
    start[i] = (uint32_t)k;
    return i;
}

/* A tile of columns with its ring of one column, given the whole grid's
 * moments, gives the whole grid's z for its own cells, to the bit (Gi* and
 * Gi): what hotspot.dask.gistar relies on. */
static void tile_moments(void) {
    enum { H = 9, W = 12 };
    double x[H * W], full[H * W], tile[H * 6], z[H * 6];
    uint32_t st[H * W + 1], nb[H * W * 8], ts[H * 6 + 1], tn[H * 6 * 8];
    uint64_t r = 5;
    double sx = 0, sxx = 0;
    for (int i = 0; i < H * W; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = (double)(r >> 40) / 4096.0; /* not integers: the sums' order matters */
        sx += x[i], sxx += x[i] * x[i];
    }
    queen(H, 0, W, st, nb);
    for (int self = 0; self <= 1; self++) {
        CHECK(hs_getis_ord(x, H * W, st, nb, self, full) == HS_OK);
        /* Own columns 4..7, ring 3 and 8. */
        for (int rr = 0; rr < H; rr++)
            for (int c = 3; c < 9; c++)
                tile[rr * 6 + (c - 3)] = x[rr * W + c];
        size_t n = queen(H, 3, 9, ts, tn);
        CHECK(hs_getis_ord_moments(tile, n, ts, tn, self, H * W, sx, sxx, z) == HS_OK);
        bool same = true;
        for (int rr = 0; rr < H; rr++)
            for (int c = 4; c < 8; c++)
                same = same && !memcmp(&z[rr * 6 + (c - 3)], &full[rr * W + c], sizeof(double));
        CHECK_MSG(same, "self %d: a tile's z differs from the whole grid's", self);
    }
}

void test_getisord(void) {
    columbus();
    esda();
    sfhotspot();
    fdr_and_bins();
    on_units();
    tile_moments();
}
