/* test_hotspots.c — concentration (Gini worked examples of Bernasco &
 * Steenbeek's lorenzgini documentation), ranking worked by hand (shares,
 * PAI, harm, minimum separation, ties), and distance-band neighbours against
 * brute force. */
#include "check.h"

#include "hotspot.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void concentration(void) {
    hs_concentration c;
    const double a[10] = {10, 8, 2, 0, 0, 0, 0, 0, 0, 0}; /* 20 crimes, 10 units */
    CHECK(hs_concentration_compute(a, 10, 20, &c, NULL, NULL) == HS_OK);
    CHECK_NEAR(c.gini, 0.78, 1e-12);
    CHECK_NEAR(c.gini_generalised, 0.78, 1e-12);         /* N >= n: the same */
    const double b[10] = {5, 2, 1, 0, 0, 0, 0, 0, 0, 0}; /* 8 crimes */
    double lx[11], ly[11];
    CHECK(hs_concentration_compute(b, 10, 8, &c, lx, ly) == HS_OK);
    CHECK_NEAR(c.gini, 0.8, 1e-12);
    CHECK_NEAR(c.gini_generalised, 0.75, 1e-12);
    CHECK_NEAR(c.top_share_pct[0], 62.5, 1e-12); /* top 1% of 10 units: 1 unit, 5 of 8 */
    CHECK_NEAR(c.top_share_pct[2], 62.5, 1e-12);
    CHECK(lx[0] == 0 && ly[0] == 0 && lx[10] == 1 && ly[10] == 1);
    CHECK_NEAR(ly[1], 0.625, 1e-12);
    CHECK_NEAR(ly[2], 0.875, 1e-12);
    const double d[10] = {10, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(hs_concentration_compute(d, 10, 10, &c, NULL, NULL) == HS_OK);
    CHECK_NEAR(c.gini, 0.9, 1e-12);
    const double e[4] = {1, 1, 1, 1};
    CHECK(hs_concentration_compute(e, 4, 4, &c, NULL, NULL) == HS_OK);
    CHECK_NEAR(c.gini, 0, 1e-12);
}

/* Four 150 m cells in a row (x 0..600, y 0..150): 6 incidents of X in the
 * first, 3 of X in the second, none in the third, 1 of Y in the fourth. */
static void ranking(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc;
    hs_incidents_create(ctx, &inc);
    const char *t = "x,y,type\n"
                    "500075,200075,X\n500075,200075,X\n500075,200075,X\n"
                    "500075,200075,X\n500075,200075,X\n500075,200075,X\n"
                    "500225,200075,X\n500225,200075,X\n500225,200075,X\n"
                    "500525,200075,Y\n";
    hs_read_options o = hs_test_xy("type", NULL);
    CHECK(hs_incidents_read_csv_buffer(ctx, "r.csv", t, strlen(t), &o, inc) == HS_OK);
    hs_grid_options go;
    hs_grid_options_init(&go);
    go.include_empty = 1;
    hs_grid *g;
    hs_units *u;
    CHECK(hs_grid_count(ctx, inc, &go, &g) == HS_OK && hs_grid_cell_count(g) == 4);
    CHECK(hs_units_from_grid(ctx, g, &u) == HS_OK);
    CHECK(hs_units_build_neighbours(ctx, u, 0) == HS_OK);
    uint32_t of[10], of_grid[10];
    CHECK(hs_units_locate(ctx, u, inc, of) == HS_OK);
    CHECK(hs_grid_locate(ctx, g, inc, of_grid) == HS_OK);
    CHECK(memcmp(of, of_grid, sizeof of) == 0); /* GEOS and the grid agree */
    hs_hotspot_options ho;
    hs_hotspot_options_init(&ho);
    ho.all = 1;
    hs_hotspots *h;
    CHECK(hs_hotspots_compute(ctx, u, inc, of, NULL, &ho, &h) == HS_OK);
    CHECK(hs_hotspots_count(h) == 4);
    hs_hotspot s[4];
    for (int i = 0; i < 4; i++)
        hs_hotspots_get(h, (size_t)i, &s[i]);
    CHECK(s[0].count == 6 && s[1].count == 3 && s[2].count == 1 && s[3].count == 0);
    CHECK(s[0].rank == 1 && s[3].rank == 4);
    CHECK_NEAR(s[0].share_pct, 60, 1e-12);
    CHECK_NEAR(s[1].cum_share_pct, 90, 1e-12);
    CHECK_NEAR(s[2].cum_share_pct, 100, 1e-12);
    CHECK_NEAR(s[0].area_share_pct, 25, 1e-9);
    CHECK_NEAR(s[0].pai, 2.4, 1e-9);
    CHECK_NEAR(s[2].pai, 0.4, 1e-9);
    CHECK_NEAR(s[0].x, 500025, 1e-6); /* cell [499950, 500100): edges at multiples of 150 */
    /* Gi* as the pure function gives, on the four values. */
    double v[4], z[4];
    uint32_t start[5] = {0};
    uint32_t nb[8];
    size_t k = 0;
    for (uint32_t i = 0; i < 4; i++) {
        if (i > 0) nb[k++] = i - 1;
        if (i < 3) nb[k++] = i + 1;
        start[i + 1] = (uint32_t)k;
    }
    v[0] = 6, v[1] = 3, v[2] = 0, v[3] = 1;
    CHECK(hs_getis_ord(v, 4, start, nb, 1, z) == HS_OK);
    CHECK_NEAR(s[0].gistar_z, z[0], 1e-12);
    hs_hotspots_destroy(h);

    /* Minimum separation 200 m: the second cell (150 m away) is skipped. */
    hs_hotspot_options_init(&ho);
    ho.min_separation_m = 200;
    CHECK(hs_hotspots_compute(ctx, u, inc, of, NULL, &ho, &h) == HS_OK);
    CHECK(hs_hotspots_count(h) == 2);
    hs_hotspots_get(h, 1, &s[1]);
    CHECK(s[1].count == 1 && s[1].rank == 2);
    hs_hotspots_destroy(h);

    /* Harm: Y weighs 10, X 1 (Z is not in the data, W is not in the table). */
    char path[] = "/tmp/hs_harm_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("category,weight\nX,1\nY,10\nZ,3\n", f);
    fclose(f);
    uint64_t miss = 99;
    CHECK(hs_incidents_apply_harm(ctx, inc, path, &miss) == HS_OK && miss == 0);
    CHECK(hs_hotspots_compute(ctx, u, inc, of, NULL, NULL, &h) == HS_OK);
    hs_hotspots_get(h, 0, &s[0]);
    hs_hotspots_get(h, 1, &s[1]);
    CHECK(s[0].count == 1 && s[0].harm == 10 && s[1].harm == 6);
    CHECK_NEAR(s[0].share_pct, 100.0 * 10 / 19, 1e-12);
    hs_concentration cc, chm;
    CHECK(hs_hotspots_concentration(h, &cc, &chm) == HS_OK);
    CHECK_NEAR(cc.total, 10, 0);
    CHECK_NEAR(chm.total, 19, 1e-12);
    hs_hotspots_destroy(h);
    f = fopen(path, "w");
    fputs("category,weight\nX,1\n", f);
    fclose(f);
    CHECK(hs_incidents_apply_harm(ctx, inc, path, &miss) == HS_OK && miss == 1);
    f = fopen(path, "w");
    fputs("category,weight\nX,-1\n", f);
    fclose(f);
    CHECK(hs_incidents_apply_harm(ctx, inc, path, &miss) == HS_EPARSE);
    CHECK(strstr(hs_ctx_last_error(ctx), ":2: weight '-1' is not a number from 0 to 1e12"));
    unlink(path);

    /* Ties go to the smaller code: two cells of one incident each. */
    hs_incidents *two;
    hs_incidents_create(ctx, &two);
    const char *t2 = "x,y\n500375,200075\n500075,200075\n";
    hs_read_options o2 = hs_test_xy(NULL, NULL);
    CHECK(hs_incidents_read_csv_buffer(ctx, "t.csv", t2, strlen(t2), &o2, two) == HS_OK);
    uint32_t of2[2];
    CHECK(hs_units_locate(ctx, u, two, of2) == HS_OK);
    CHECK(hs_hotspots_compute(ctx, u, two, of2, NULL, NULL, &h) == HS_OK);
    hs_hotspots_get(h, 0, &s[0]);
    hs_unit un;
    hs_units_get(u, s[0].unit, &un);
    CHECK_MSG(strcmp(un.code, "sq150_3333_1333") == 0, "%s", un.code);
    hs_hotspots_destroy(h);
    hs_incidents_destroy(two);
    hs_units_destroy(u);
    hs_grid_destroy(g);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

/* Brute-force oracle: every unit's neighbours must be exactly the other
 * units whose centroids lie lo_m..hi_m away. Returns the links; *six
 * counts the units with 6 neighbours. */
static size_t check_neighbours_by_distance(const hs_units *u, double lo_m, double hi_m,
                                           size_t *six) {
    size_t n = hs_units_count(u), links = 0;
    *six = 0;
    for (size_t i = 0; i < n; i++) {
        hs_unit a;
        hs_units_get(u, i, &a);
        const uint32_t *ids;
        size_t nn;
        hs_units_neighbours(u, i, &ids, &nn);
        size_t want = 0;
        for (size_t j = 0; j < n; j++) {
            hs_unit b;
            hs_units_get(u, j, &b);
            double d = hypot(a.cx - b.cx, a.cy - b.cy);
            if (i != j && d >= lo_m && d <= hi_m) want++;
        }
        CHECK_MSG(nn == want, "unit %zu: %zu neighbours, %zu by distance", i, nn, want);
        links += nn;
        *six += nn == 6;
    }
    return links;
}

/* Distance-band neighbours of the fixture's cells against all pairs. */
static void distance_band(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc = hs_test_fixture_bng(ctx);
    hs_grid *g;
    hs_units *u;
    hs_grid_options go;
    hs_grid_options_init(&go);
    go.cell_size_m = 250;
    CHECK(hs_grid_count(ctx, inc, &go, &g) == HS_OK);
    CHECK(hs_units_from_grid(ctx, g, &u) == HS_OK);
    CHECK(hs_units_build_neighbours_distance(ctx, u, 600) == HS_OK);
    size_t n = hs_units_count(u), six, links = check_neighbours_by_distance(u, 0, 600, &six);
    printf("distance band 600 m over %zu cells: %zu links, as brute force\n", n, links);
    CHECK(hs_units_build_neighbours_distance(ctx, u, 0) == HS_EINVAL);
    /* The grid's own locator and GEOS agree on every real point (none lies
     * exactly on a cell edge, where their tie rules differ). */
    size_t ni = hs_incidents_count(inc);
    uint32_t *a = malloc(ni * sizeof *a), *b = malloc(ni * sizeof *b);
    CHECK(hs_grid_locate(ctx, g, inc, a) == HS_OK && hs_units_locate(ctx, u, inc, b) == HS_OK);
    CHECK(memcmp(a, b, ni * sizeof *a) == 0);
    free(a);
    free(b);
    hs_units_destroy(u);
    hs_grid_destroy(g);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

/* Patrol plans: same seed same bytes; the dosage asked for; balanced
 * control days; visits in the busiest hours; no overlapping visits. */
static void patrol(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_patrol_site sites[4];
    memset(sites, 0, sizeof sites);
    char ids[4][32];
    /* Each site's id is the 150 m cell holding its lon/lat in BNG (as
     * 'hotspot hotspots' writes them), so that geofences can check it. */
    const char *pts = "lon,lat\n0.300,51.4\n0.301,51.4\n0.302,51.4\n0.303,51.4\n";
    hs_incidents *pinc;
    hs_read_options ro;
    hs_read_options_init(&ro);
    ro.lon_column = "lon";
    ro.lat_column = "lat";
    CHECK(hs_incidents_create(ctx, &pinc) == HS_OK &&
          hs_incidents_read_csv_buffer(ctx, "sites", pts, strlen(pts), &ro, pinc) == HS_OK &&
          hs_incidents_count(pinc) == 4);
    for (int i = 0; i < 4; i++) {
        hs_incident in;
        CHECK(hs_incidents_get(pinc, (size_t)i, &in) == HS_OK);
        snprintf(ids[i], sizeof ids[i], "sq150_%d_%d", (int)floor(in.x / 150),
                 (int)floor(in.y / 150));
        sites[i].id = ids[i];
        sites[i].rank = (uint32_t)i + 1;
        sites[i].lon = 0.3 + i * 0.001;
        sites[i].lat = 51.4;
    }
    hs_incidents_destroy(pinc);
    sites[0].has_hours = 1;
    sites[0].hours[21] = 10; /* every incident at 21:00-21:59 */
    hs_patrol_options o;
    hs_patrol_options_init(&o);
    o.days = 6;
    o.visits_per_day = 3;
    o.minutes = 15;
    o.half = 1;
    o.seed = 42;
    o.start_date = "2026-12-01";
    char a[] = "/tmp/hs_plan_a_XXXXXX", b[] = "/tmp/hs_plan_b_XXXXXX",
         c[] = "/tmp/hs_plan_c_XXXXXX";
    close(mkstemp(a)), close(mkstemp(b)), close(mkstemp(c));
    CHECK(hs_patrol_plan_write(ctx, sites, 4, &o, a) == HS_OK);
    CHECK(hs_patrol_plan_write(ctx, sites, 4, &o, b) == HS_OK);
    o.seed = 43;
    CHECK(hs_patrol_plan_write(ctx, sites, 4, &o, c) == HS_OK);
    size_t la, lb, lc;
    char *ta = hs_test_slurp(a, &la), *tb = hs_test_slurp(b, &lb), *tc = hs_test_slurp(c, &lc);
    CHECK(ta && tb && la == lb && memcmp(ta, tb, la) == 0);
    CHECK(tc && (la != lc || memcmp(ta, tc, la) != 0));
    /* Count per site and day. */
    int patrol_days[4] = {0}, per_day[6] = {0}, visits[6][4] = {{0}};
    int starts[6][4][3];
    char *line = strchr(ta, '\n') + 1;
    while (line && *line) {
        int day, rank, visit = 0, hh = 0, mm = 0;
        char arm[16];
        /* day,date,weekday,rank,id,lon,lat,arm,visit,start,end,minutes */
        char *f[12];
        int nf = 0;
        f[nf++] = line;
        for (char *q = line; *q && *q != '\n' && nf < 12; q++)
            if (*q == ',') f[nf++] = q + 1;
        day = atoi(f[0]);
        rank = atoi(f[3]);
        sscanf(f[7], "%15[a-z]", arm);
        if (!strcmp(arm, "patrol")) {
            visit = atoi(f[8]);
            sscanf(f[9], "%d:%d", &hh, &mm);
            CHECK(visit >= 1 && visit <= 3 && atoi(f[11]) == 15);
            starts[day - 1][rank - 1][visit - 1] = hh * 60 + mm;
            if (rank == 1) CHECK_MSG(hh == 21, "site 1 visit at %02d:%02d", hh, mm);
            if (visit == 1) patrol_days[rank - 1]++, per_day[day - 1]++;
            visits[day - 1][rank - 1]++;
        }
        line = strchr(line, '\n');
        if (line) line++;
    }
    for (int i = 0; i < 4; i++)
        CHECK_MSG(patrol_days[i] == 3, "site %d: %d patrol days", i, patrol_days[i]);
    for (int d = 0; d < 6; d++) {
        CHECK(per_day[d] == 2);
        for (int i = 0; i < 4; i++) {
            CHECK(visits[d][i] == 0 || visits[d][i] == 3);
            for (int v = 1; v < visits[d][i]; v++)
                CHECK(starts[d][i][v] - starts[d][i][v - 1] >= 15);
        }
    }
    CHECK(strstr(ta, "1,2026-12-01,Tue,") != NULL);
    free(ta), free(tb), free(tc);
    /* Geofences from grid ids: 150 m squares. */
    char fences[64];
    snprintf(fences, sizeof fences, "%s.geojson", c);
    CHECK(hs_patrol_geofences_write(ctx, sites, 4, NULL, fences) == HS_OK);
    tc = hs_test_slurp(fences, &lc);
    unlink(fences);
    size_t polys = 0;
    for (char *q = tc; q && (q = strstr(q, "\"Polygon\"")); q++)
        polys++;
    CHECK(polys == 4);
    free(tc);
    /* A site whose lon/lat is not in its cell (hotspots made in another CRS) is refused. */
    sites[2].lat = 79;
    CHECK(hs_patrol_sites_check(ctx, sites, 4) == HS_EINVAL &&
          strstr(hs_ctx_last_error(ctx), "hotspot 3 (") &&
          strstr(hs_ctx_last_error(ctx), "give the --crs the hotspots were made in"));
    CHECK(hs_patrol_geofences_write(ctx, sites, 4, NULL, c) == HS_EINVAL);
    sites[2].lat = 51.4;
    unlink(a), unlink(b), unlink(c);
    o.days = 0;
    CHECK(hs_patrol_plan_write(ctx, sites, 4, &o, a) == HS_EINVAL);
    hs_ctx_destroy(ctx);
}

/* Hexagonal cells touch 6 neighbours: centres one cell width apart. */
static void hex_neighbours(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc = hs_test_fixture_bng(ctx);
    hs_grid_options go;
    hs_grid_options_init(&go);
    go.shape = HS_GRID_HEX;
    go.cell_size_m = 400;
    go.include_empty = 1;
    hs_grid *g;
    hs_units *u;
    CHECK(hs_grid_count(ctx, inc, &go, &g) == HS_OK && hs_units_from_grid(ctx, g, &u) == HS_OK);
    CHECK(hs_units_build_neighbours(ctx, u, 0) == HS_OK);
    size_t six;
    check_neighbours_by_distance(u, 400 - 1e-6, 400 + 1e-6, &six);
    CHECK(six > 0);
    hs_units_destroy(u);
    hs_grid_destroy(g);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

/* One time rule for every output: by weekday x hour when most incidents
 * have a time (the untimed left out of the hours), else by month. Counts
 * worked by hand: 2024-01-01 was a Monday. */
static hs_hotspots *profiled(hs_ctx *ctx, const char *csv, hs_incidents **inc, hs_grid **g,
                             hs_units **u) {
    hs_incidents_create(ctx, inc);
    hs_read_options o = hs_test_xy("type", NULL);
    o.date_column = "date";
    CHECK(hs_incidents_read_csv_buffer(ctx, "p.csv", csv, strlen(csv), &o, *inc) == HS_OK);
    hs_grid_options go;
    hs_grid_options_init(&go);
    CHECK(hs_grid_count(ctx, *inc, &go, g) == HS_OK);
    CHECK(hs_units_from_grid(ctx, *g, u) == HS_OK);
    CHECK(hs_units_build_neighbours(ctx, *u, 0) == HS_OK);
    uint32_t of[8];
    CHECK(hs_grid_locate(ctx, *g, *inc, of) == HS_OK);
    hs_hotspots *h = NULL;
    CHECK(hs_hotspots_compute(ctx, *u, *inc, of, NULL, NULL, &h) == HS_OK);
    return h;
}

static void time_profile(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc;
    hs_grid *g;
    hs_units *u;
    hs_hotspot_profile pr;
    /* 3 of 4 timed: hours, the untimed one left out. */
    hs_hotspots *h = profiled(ctx,
                              "x,y,type,date\n500075,200075,A,2024-01-01T18:30\n"
                              "500075,200075,A,2024-01-02T18:05\n500075,200075,B,2024-01-07T23:59\n"
                              "500075,200075,A,2024-01\n",
                              &inc, &g, &u);
    CHECK(hs_hotspots_timed(h) == 1);
    CHECK(hs_hotspots_profile(h, 0, &pr) == HS_OK);
    CHECK(pr.timed && pr.hours[18] == 2 && pr.hours[23] == 1);
    CHECK(pr.weekdays[0] == 1 && pr.weekdays[1] == 1 && pr.weekdays[6] == 1);
    CHECK(pr.week[0][18] == 1 && pr.week[6][23] == 1);
    CHECK(strcmp(pr.top_types, "A (3); B (1)") == 0);
    hs_hotspots_destroy(h), hs_units_destroy(u), hs_grid_destroy(g), hs_incidents_destroy(inc);
    /* 1 of 3 timed: months from the table's first month. */
    h = profiled(ctx,
                 "x,y,type,date\n500075,200075,A,2024-01\n500075,200075,A,2024-03\n"
                 "500075,200075,A,2024-03-05T10:00\n",
                 &inc, &g, &u);
    CHECK(hs_hotspots_timed(h) == 0);
    CHECK(hs_hotspots_profile(h, 0, &pr) == HS_OK);
    CHECK(!pr.timed && pr.first_month == 2024 * 12 && pr.month_count == 3);
    CHECK(pr.months[0] == 1 && pr.months[1] == 0 && pr.months[2] == 2);
    CHECK(hs_hotspots_profile(h, 1, &pr) == HS_EINVAL);
    hs_hotspots_destroy(h), hs_units_destroy(u), hs_grid_destroy(g), hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

void test_hotspots(void) {
    time_profile();
    hex_neighbours();
    patrol();
    concentration();
    ranking();
    distance_band();
}
