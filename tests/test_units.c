/* test_units.c — polygons, point location, contiguity and the ward table,
 * against independent references: an even-odd oracle over shapefile bytes
 * read by hand (shp_util.c), geopandas' counts (tests/data/peer), a
 * brute-force boundary distance for contiguity, and closed-form cases. */
#include "check.h"
#include "shp_util.h"

#include "hotspot.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WARDS HS_TEST_DATA "/boundaries/gravesham-wards-2013/gravesham_wards_2013.shp"
#define LSOA HS_TEST_DATA "/boundaries/gravesham-lsoa-2011/gravesham_lsoa_2011.shp"
#define DARTFORD HS_TEST_DATA "/boundaries/dartford-wards-2013/dartford_wards_2013.shp"
#define FIXTURE HS_TEST_DATA "/fixtures/gravesham_violence_2024-01_to_04_bng.csv"

static hs_incidents *fixture_points(hs_ctx *ctx) {
    return hs_test_fixture_bng(ctx);
}

/* Counts per unit: ours, the even-odd oracle, and geopandas. */
static void vs_oracle_and_peer(const char *shp, const char *peer) {
    hs_ctx *ctx;
    hs_units *u;
    hs_ctx_create(&ctx);
    hs_units_create(ctx, &u);
    CHECK_MSG(hs_units_read_shapefile(ctx, shp, NULL, u) == HS_OK, "%s", hs_ctx_last_error(ctx));
    hs_incidents *inc = fixture_points(ctx);
    size_t n = hs_incidents_count(inc), nu = hs_units_count(u);
    uint32_t *of = malloc(n * sizeof *of);
    CHECK(hs_units_locate(ctx, u, inc, of) == HS_OK);
    shp_poly *P;
    int np = shp_read_polygons(shp, &P);
    CHECK((size_t)np == nu);
    long *ours = calloc(nu, sizeof *ours), *oracle = calloc(nu, sizeof *oracle);
    const double *x = hs_incidents_x(inc), *y = hs_incidents_y(inc);
    for (size_t i = 0; i < n; i++) {
        if (of[i] != HS_NO_UNIT) ours[of[i]]++;
        int hits = 0, which = -1;
        for (int k = 0; k < np; k++)
            if (shp_poly_holds(&P[k], x[i], y[i])) hits++, which = k;
        CHECK_MSG(hits == 1, "point %zu in %d polygons by even-odd", i, hits);
        if (hits == 1) {
            oracle[which]++;
            CHECK_MSG(of[i] == (uint32_t)which, "point %zu: unit %u, oracle %d", i, of[i], which);
        }
    }
    FILE *f = fopen(peer, "r");
    CHECK(f != NULL);
    char line[256];
    size_t k = 0;
    if (f && fgets(line, sizeof line, f)) {
        while (fgets(line, sizeof line, f) && k < nu) {
            char code[64];
            long cnt;
            hs_unit un;
            hs_units_get(u, k, &un);
            CHECK(sscanf(line, "%63[^,],%ld", code, &cnt) == 2);
            CHECK_MSG(strcmp(code, un.code) == 0 && cnt == ours[k] && cnt == oracle[k],
                      "%s: ours %ld, oracle %ld, geopandas %s %ld", un.code, ours[k], oracle[k],
                      code, cnt);
            k++;
        }
        fclose(f);
    }
    CHECK(k == nu);
    printf("%s: %zu units, counts equal to the even-odd oracle and geopandas\n", shp, nu);
    shp_free_polygons(P, np);
    free(ours);
    free(oracle);
    free(of);
    hs_incidents_destroy(inc);
    hs_units_destroy(u);
    hs_ctx_destroy(ctx);
}

/* Kent-wide files over two boroughs' wards: every incident in one ward or
 * outside, the sums add up, and each agrees with the oracle. */
static void cross_border(void) {
    hs_ctx *ctx;
    hs_units *u;
    hs_ctx_create(&ctx);
    hs_units_create(ctx, &u);
    CHECK(hs_units_read_shapefile(ctx, WARDS, NULL, u) == HS_OK);
    CHECK(hs_units_read_shapefile(ctx, DARTFORD, NULL, u) == HS_OK);
    CHECK(hs_units_count(u) == 35);
    hs_incidents *inc;
    hs_incidents_create(ctx, &inc);
    for (int m = 1; m <= 4; m++) {
        char p[512];
        snprintf(p, sizeof p, "%s/police-uk-kent/2024-%02d-kent-street.csv", HS_TEST_DATA, m);
        CHECK(hs_incidents_read_csv(ctx, p, NULL, inc) == HS_OK);
    }
    size_t n = hs_incidents_count(inc);
    uint32_t *of = malloc(n * sizeof *of);
    CHECK(hs_units_locate(ctx, u, inc, of) == HS_OK);
    shp_poly *G, *D;
    int ng = shp_read_polygons(WARDS, &G), nd = shp_read_polygons(DARTFORD, &D);
    const double *x = hs_incidents_x(inc), *y = hs_incidents_y(inc);
    size_t inside = 0, outside = 0, bad = 0;
    for (size_t i = 0; i < n; i++) {
        int hits = 0, which = -1;
        for (int k = 0; k < ng + nd; k++) {
            const shp_poly *P = k < ng ? &G[k] : &D[k - ng];
            if (shp_poly_holds(P, x[i], y[i])) hits++, which = k;
        }
        if (of[i] == HS_NO_UNIT)
            outside++;
        else
            inside++;
        if (hits <= 1 && of[i] != (hits ? (uint32_t)which : HS_NO_UNIT)) bad++;
    }
    CHECK_MSG(bad == 0, "%zu incidents differ from the oracle", bad);
    hs_tally *t;
    CHECK(hs_tally_compute(ctx, u, inc, of, NULL, &t) == HS_OK);
    hs_tally_summary s;
    hs_tally_summary_get(t, &s);
    uint64_t sum = 0;
    for (size_t k = 0; k < hs_units_count(u); k++) {
        hs_tally_row r;
        hs_tally_row_get(t, k, &r);
        sum += r.count;
    }
    CHECK(s.in_units == inside && s.outside == outside && sum == inside && inside + outside == n);
    CHECK(n == 59420);
    printf("cross-border: %zu incidents: %zu in Gravesham or Dartford wards, %zu outside\n", n,
           inside, outside);
    hs_tally_destroy(t);
    shp_free_polygons(G, ng);
    shp_free_polygons(D, nd);
    free(of);
    hs_incidents_destroy(inc);
    hs_units_destroy(u);
    hs_ctx_destroy(ctx);
}

/* Queen contiguity with 1 m snapping against brute-force boundary
 * distances. */
static void contiguity(const char *shp, double snap) {
    hs_ctx *ctx;
    hs_units *u;
    hs_ctx_create(&ctx);
    hs_units_create(ctx, &u);
    CHECK(hs_units_read_shapefile(ctx, shp, NULL, u) == HS_OK);
    CHECK(hs_units_build_neighbours(ctx, u, snap) == HS_OK);
    shp_poly *P;
    int np = shp_read_polygons(shp, &P);
    size_t links = 0, exact = 0;
    for (int a = 0; a < np; a++) {
        const uint32_t *ids;
        size_t nn;
        CHECK(hs_units_neighbours(u, (size_t)a, &ids, &nn) == HS_OK);
        for (int b = 0; b < np; b++) {
            if (a == b) continue;
            double d = shp_poly_distance(&P[a], &P[b]);
            bool want = d <= snap, got = false;
            for (size_t k = 0; k < nn; k++)
                got = got || ids[k] == (uint32_t)b;
            CHECK_MSG(want == got, "%s: %d-%d at %.4f m: ours %d", shp, a, b, d, got);
            links += got;
            exact += d == 0;
        }
    }
    printf("%s: %zu queen links at %g m (%zu with a shared point)\n", shp, links, snap, exact);
    shp_free_polygons(P, np);
    hs_units_destroy(u);
    hs_ctx_destroy(ctx);
}

static char tmpdir[64];

static char *tpath(const char *name) {
    static char buf[8][600];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

/* Expects reading base.shp to fail with st and a message holding want. */
static void expect_fail(const char *base, hs_status st, const char *want) {
    hs_ctx *ctx;
    hs_units *u;
    hs_ctx_create(&ctx);
    hs_units_create(ctx, &u);
    char p[700];
    snprintf(p, sizeof p, "%s.shp", base);
    hs_status got = hs_units_read_shapefile(ctx, p, NULL, u);
    CHECK_MSG(got == st && strstr(hs_ctx_last_error(ctx), want), "%s: status %d '%s', want %d '%s'",
              base, got, hs_ctx_last_error(ctx), st, want);
    CHECK(hs_units_count(u) == 0);
    hs_units_destroy(u);
    hs_ctx_destroy(ctx);
}

static void copy_file(const char *from, const char *to, long cut) {
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    fseek(a, 0, SEEK_END);
    long n = ftell(a) - cut;
    fseek(a, 0, SEEK_SET);
    for (long i = 0; i < n; i++)
        fputc(fgetc(a), b);
    fclose(a);
    fclose(b);
}

static const double sq_x[] = {0, 0, 100, 100, 0}, sq_y[] = {0, 100, 100, 0, 0};
static const int part0[] = {0};

static void bad_shapefiles(void) {
    static const char *f1[] = {"WD13CD", "WD13NM"};
    static const char *v2[] = {"E1", "One", "E2", "Two"};
    shp_rec sq = {1, 5, part0, sq_x, sq_y};
    shp_rec two[2] = {sq, sq};
    /* Missing .dbf, missing .shx, truncated .shp, fewer .dbf records. */
    shp_write(tpath("nodbf"), 5, two, 2);
    expect_fail(tpath("nodbf"), HS_EIO, "nodbf.dbf: missing");
    shp_write(tpath("noshx"), 5, two, 2);
    dbf_write(tpath("noshx"), f1, 2, v2, 2, 20, 0);
    unlink(tpath("noshx.shx"));
    expect_fail(tpath("noshx"), HS_EIO, "noshx.shx: missing");
    shp_write(tpath("trunc"), 5, two, 2);
    dbf_write(tpath("trunc"), f1, 2, v2, 2, 20, 0);
    copy_file(tpath("trunc.shp"), tpath("cut.shp"), 60);
    copy_file(tpath("trunc.shx"), tpath("cut.shx"), 0);
    copy_file(tpath("trunc.dbf"), tpath("cut.dbf"), 0);
    expect_fail(tpath("cut"), HS_EPARSE, "record 2: cannot be read");
    dbf_write(tpath("trunc"), f1, 2, v2, 1, 20, 0);
    expect_fail(tpath("trunc"), HS_EPARSE, "the .dbf has 1 records but the .shp has 2");
    /* Points, not polygons; an empty layer; no code field. */
    shp_rec pt = {0, 1, NULL, sq_x + 2, sq_y + 2};
    shp_write(tpath("points"), 1, &pt, 1);
    dbf_write(tpath("points"), f1, 2, v2, 1, 20, 0);
    expect_fail(tpath("points"), HS_EPARSE, "holds Point shapes");
    shp_write(tpath("empty"), 5, NULL, 0);
    dbf_write(tpath("empty"), f1, 2, v2, 0, 20, 0);
    expect_fail(tpath("empty"), HS_ENODATA, "empty layer");
    static const char *f2[] = {"FOO", "BAR"};
    shp_write(tpath("nocode"), 5, two, 2);
    dbf_write(tpath("nocode"), f2, 2, v2, 2, 20, 0);
    expect_fail(tpath("nocode"), HS_EPARSE,
                "no code field found (like WD13CD or LSOA11CD); the fields are: FOO, BAR");
    write_text(tpath("nocode"), ".prj", "this is not a CRS");
    /* A bad .prj is reported, not ignored. */
    dbf_write(tpath("nocode"), f1, 2, v2, 2, 20, 0);
    expect_fail(tpath("nocode"), HS_ECRS, ".prj cannot be used");

    /* Repairs: a bow-tie, an unclosed triangle, a 2-point ring. */
    static const double bx[] = {0, 100, 100, 0, 0}, by[] = {0, 100, 0, 100, 0};
    static const double tx[] = {0, 50, 100}, ty[] = {0, 80, 0};
    static const double lx[] = {0, 50}, ly[] = {0, 50};
    shp_rec fix[3] = {{1, 5, part0, bx, by}, {1, 3, part0, tx, ty}, {1, 2, part0, lx, ly}};
    static const char *v3[] = {"B", "Bow", "T", "Tri", "L", "Line"};
    shp_write(tpath("fix"), 5, fix, 3);
    dbf_write(tpath("fix"), f1, 2, v3, 3, 20, 0);
    hs_ctx *ctx;
    hs_units *u;
    hs_ctx_create(&ctx);
    hs_units_create(ctx, &u);
    CHECK_MSG(hs_units_read_shapefile(ctx, tpath("fix.shp"), NULL, u) == HS_OK, "%s",
              hs_ctx_last_error(ctx));
    CHECK(hs_units_count(u) == 3);
    bool bow = false, tri = false, line = false, noprj = false;
    for (size_t i = 0; i < hs_units_note_count(u); i++) {
        hs_unit_note nt;
        hs_units_note_get(u, i, &nt);
        bow = bow || (nt.record == 1 && strstr(nt.text, "Self-intersection") &&
                      strstr(nt.text, "MakeValid"));
        tri = tri || (nt.record == 2 && strstr(nt.text, "not closed"));
        line = line || (nt.record == 3 && strstr(nt.text, "fewer than 3 points"));
        noprj = noprj || (nt.record == 0 && strstr(nt.text, "no .prj"));
    }
    CHECK(bow && tri && line && noprj);
    hs_unit a;
    hs_units_get(u, 0, &a);
    CHECK_NEAR(a.area_m2, 5000, 1e-6); /* two triangles of the bow-tie */
    hs_units_get(u, 1, &a);
    CHECK_NEAR(a.area_m2, 4000, 1e-6);
    hs_units_get(u, 2, &a);
    CHECK(a.empty && a.area_m2 == 0);
    hs_units_destroy(u);

    /* Multipart: two squares in one record (an island ward); points in
     * either part belong to it, a point between them to none. */
    static const double mx[] = {500000, 500000, 500100, 500100, 500000,
                                500300, 500300, 500400, 500400, 500300};
    static const double my[] = {200000, 200100, 200100, 200000, 200000,
                                200000, 200100, 200100, 200000, 200000};
    static const int mparts[] = {0, 5};
    shp_rec multi = {2, 10, mparts, mx, my};
    static const char *vm[] = {"M", "Multi"};
    shp_write(tpath("multi"), 5, &multi, 1);
    dbf_write(tpath("multi"), f1, 2, vm, 1, 20, 0);
    hs_units_create(ctx, &u);
    CHECK(hs_units_read_shapefile(ctx, tpath("multi.shp"), NULL, u) == HS_OK);
    hs_units_get(u, 0, &a);
    CHECK_NEAR(a.area_m2, 20000, 1e-6);
    hs_incidents *inc;
    hs_incidents_create(ctx, &inc);
    const char *pts = "x,y\n500050,200050\n500350,200050\n500200,200050\n";
    hs_read_options o = hs_test_xy(NULL, NULL);
    CHECK(hs_incidents_read_csv_buffer(ctx, "m.csv", pts, strlen(pts), &o, inc) == HS_OK);
    uint32_t of[3];
    CHECK(hs_units_locate(ctx, u, inc, of) == HS_OK);
    CHECK(of[0] == 0 && of[1] == 0 && of[2] == HS_NO_UNIT);
    CHECK(hs_tally_write(ctx, NULL, tpath("x.csv")) == HS_EINVAL);
    hs_tally *t;
    CHECK(hs_tally_compute(ctx, u, inc, of, NULL, &t) == HS_OK);
    CHECK(hs_tally_write(ctx, t, tpath("multi.geojson")) == HS_OK);
    size_t len;
    char *txt = hs_test_slurp(tpath("multi.geojson"), &len);
    CHECK(txt && strstr(txt, "\"count\":2,") &&
          strstr(txt, "{\"type\":\"MultiPolygon\",\"coordinates\":[[[["));
    free(txt);
    hs_tally_destroy(t);
    hs_incidents_destroy(inc);
    hs_units_destroy(u);
    hs_ctx_destroy(ctx);
}

/* DBF text in the encodings ONS and councils use, to UTF-8. */
static void encodings(void) {
    static const char *f1[] = {"WD13CD", "WD13NM"};
    shp_rec sq = {1, 5, part0, sq_x, sq_y};
    struct {
        const char *name, *bytes, *cpg;
        unsigned char ldid;
    } cases[] = {{"cp1252", "Caf\xe9 \x96 St", "1252", 0},
                 {"ldid", "Caf\xe9 \x96 St", NULL, 87},
                 {"utf8", "Caf\xc3\xa9 \xe2\x80\x93 St", "UTF-8", 0},
                 {"guess", "Caf\xe9 \x96 St", NULL, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *vals[] = {"E1", cases[i].bytes};
        shp_write(tpath(cases[i].name), 5, &sq, 1);
        dbf_write(tpath(cases[i].name), f1, 2, vals, 1, 20, cases[i].ldid);
        if (cases[i].cpg) write_text(tpath(cases[i].name), ".cpg", cases[i].cpg);
        hs_ctx *ctx;
        hs_units *u;
        hs_ctx_create(&ctx);
        hs_units_create(ctx, &u);
        char p[700];
        snprintf(p, sizeof p, "%s.shp", tpath(cases[i].name));
        CHECK(hs_units_read_shapefile(ctx, p, NULL, u) == HS_OK);
        hs_unit a;
        hs_units_get(u, 0, &a);
        CHECK_MSG(strcmp(a.name, "Caf\xc3\xa9 \xe2\x80\x93 St") == 0, "%s: '%s'", cases[i].name,
                  a.name);
        hs_units_destroy(u);
        hs_ctx_destroy(ctx);
    }
}

/* Signed areas of the rings of the feature whose code is code, read from
 * GeoJSON text; returns the number of rings. */
static int geojson_rings(const char *txt, const char *code, double *area, int max) {
    char key[64];
    snprintf(key, sizeof key, "\"code\":\"%s\"", code);
    const char *p = strstr(txt, key);
    p = p ? strstr(p, "\"coordinates\":[") : NULL;
    if (!p) return 0;
    p += strlen("\"coordinates\":[");
    int n = 0;
    while (*p == '[' && n < max) { /* a ring */
        p++;
        double a = 0, x0 = 0, y0 = 0, px = 0, py = 0;
        int k = 0;
        double x, y;
        int used;
        while (sscanf(p, "[%lf,%lf]%n", &x, &y, &used) == 2) {
            if (k++)
                a += px * y - x * py;
            else
                x0 = x, y0 = y;
            px = x, py = y;
            p += used;
            if (*p == ',') p++;
        }
        (void)x0, (void)y0;
        area[n++] = a;
        if (*p == ']') p++;
        if (*p == ',') p++;
    }
    return n;
}

/* The ward table on a layout worked by hand (BNG coordinates shifted to
 * 500000, 200000):
 *   A = [0,100]x[0,100], B = [100,200]x[0,100],
 *   C = [0,200]x[100,200] with a hole [50,150]x[120,180]. */
static void tally_writers(hs_ctx *ctx, const hs_tally *t, const hs_incidents *inc,
                          const uint32_t *of, double ox, double oy);

static void tally_closed_form(void) {
    static const double ox = 500000, oy = 200000;
    double ax[5], ay[5], bx[5], by[5], cx[10], cy[10];
    const double A[10] = {0, 0, 0, 100, 100, 100, 100, 0, 0, 0};
    for (int i = 0; i < 5; i++) {
        ax[i] = ox + A[2 * i], ay[i] = oy + A[2 * i + 1];
        bx[i] = ax[i] + 100, by[i] = ay[i];
    }
    const double C[20] = {0,  100, 0,   200, 200, 200, 200, 100, 0,  100, /* outer, clockwise */
                          50, 120, 150, 120, 150, 180, 50,  180, 50, 120 /* hole, ccw */};
    for (int i = 0; i < 10; i++)
        cx[i] = ox + C[2 * i], cy[i] = oy + C[2 * i + 1];
    static const int cparts[] = {0, 5};
    shp_rec recs[3] = {{1, 5, part0, ax, ay}, {1, 5, part0, bx, by}, {2, 10, cparts, cx, cy}};
    static const char *f1[] = {"WD13CD", "WD13NM"};
    static const char *v[] = {"A", "Aye", "B", "Bee", "C", "Sea"};
    shp_write(tpath("abc"), 5, recs, 3);
    dbf_write(tpath("abc"), f1, 2, v, 3, 10, 0);
    write_text(tpath("abc"), ".prj",
               "PROJCS[\"British_National_Grid\",GEOGCS[\"GCS_OSGB_1936\",DATUM[\"D_OSGB_1936\","
               "SPHEROID[\"Airy_1830\",6377563.396,299.3249646]],PRIMEM[\"Greenwich\",0.0],"
               "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
               "PARAMETER[\"False_Easting\",400000.0],PARAMETER[\"False_Northing\",-100000.0],"
               "PARAMETER[\"Central_Meridian\",-2.0],PARAMETER[\"Scale_Factor\",0.9996012717],"
               "PARAMETER[\"Latitude_Of_Origin\",49.0],UNIT[\"Meter\",1.0]]");
    const char *csv = "x,y,date,type,w\n"
                      "500050,200050,2024-02,X,1\n"  /* A */
                      "500010,200010,2024-03,X,2\n"  /* A */
                      "500090,200090,2024-02,Y,3\n"  /* A */
                      "500050,200050,2023-02,X,1\n"  /* A, compare */
                      "500150,200050,2024-02,X,1\n"  /* B */
                      "500150,200050,2023-02,X,1\n"  /* B, compare */
                      "500160,200060,2023-05,Y,1\n"  /* B, compare */
                      "500100,200020,2024-02,Y,1\n"  /* edge A|B: A (first) */
                      "500100,200100,2024-06,Y,1\n"  /* corner of A, B, C: A */
                      "500100,200150,2024-02,X,1\n"  /* C's hole: outside */
                      "500020,200150,2024-02,X,1\n"  /* C */
                      "500180,200190,2024-02,X,1\n"  /* C */
                      "500300,200050,2024-02,X,1\n"  /* outside */
                      "500050,200050,2022-01,X,1\n"; /* neither period */
    hs_ctx *ctx;
    hs_units *u;
    hs_incidents *inc;
    hs_ctx_create(&ctx);
    hs_units_create(ctx, &u);
    CHECK_MSG(hs_units_read_shapefile(ctx, tpath("abc.shp"), NULL, u) == HS_OK, "%s",
              hs_ctx_last_error(ctx));
    CHECK(hs_units_note_count(u) == 0);
    hs_incidents_create(ctx, &inc);
    hs_read_options o = hs_test_xy("type", "w");
    o.date_column = "date";
    CHECK(hs_incidents_read_csv_buffer(ctx, "abc.csv", csv, strlen(csv), &o, inc) == HS_OK);
    uint32_t of[16];
    CHECK(hs_units_locate(ctx, u, inc, of) == HS_OK);
    const uint32_t want_of[] = {0, 0, 0, 0, 1, 1, 1, 0, 0, HS_NO_UNIT, 2, 2, HS_NO_UNIT, 0};
    for (int i = 0; i < 14; i++)
        CHECK_MSG(of[i] == want_of[i], "incident %d in %u", i, of[i]);
    hs_tally_options to;
    hs_tally_options_init(&to);
    to.from = "2024-01";
    to.to = "2024-12";
    to.compare_from = "2023-01";
    to.compare_to = "2023-12";
    to.by_type = 1;
    hs_tally *t;
    CHECK(hs_tally_compute(ctx, u, inc, of, &to, &t) == HS_OK);
    char pop[700];
    snprintf(pop, sizeof pop, "%s", tpath("pop.csv"));
    FILE *f = fopen(pop, "w");
    fputs("code,population\nA,1000\nB,500\nZ,42\n", f);
    fclose(f);
    size_t unmatched = 0;
    CHECK(hs_tally_set_population(ctx, t, pop, &unmatched) == HS_OK && unmatched == 2);
    hs_tally_row a, b, c;
    hs_tally_row_get(t, 0, &a);
    hs_tally_row_get(t, 1, &b);
    hs_tally_row_get(t, 2, &c);
    CHECK(a.count == 5 && b.count == 1 && c.count == 2);
    CHECK(a.weight == 1 + 2 + 3 + 1 + 1 && b.weight == 1);
    CHECK(a.rank == 1 && c.rank == 2 && b.rank == 3);
    CHECK_NEAR(a.share_pct, 62.5, 1e-12);
    CHECK_NEAR(a.area_km2, 0.01, 1e-12);
    CHECK_NEAR(c.area_km2, (200.0 * 100 - 100 * 60) / 1e6, 1e-12);
    CHECK_NEAR(a.per_km2, 500, 1e-9);
    CHECK_NEAR(a.rate_per_1000, 5.0, 1e-12);
    CHECK_NEAR(b.rate_per_1000, 2.0, 1e-12);
    CHECK(isnan(c.rate_per_1000) && isnan(c.population));
    CHECK(a.count_compare == 1 && a.change == 4 && b.count_compare == 2 && b.change == -1);
    /* By rate per day: 2024 has 366 days, 2023 365. */
    CHECK_NEAR(a.change_pct, 100 * (5.0 / 366 - 1.0 / 365) / (1.0 / 365), 1e-9);
    CHECK_NEAR(b.change_pct, 100 * (1.0 / 366 - 2.0 / 365) / (2.0 / 365), 1e-9);
    CHECK_NEAR(a.per_30d, 30 * 5.0 / 366, 1e-12);
    CHECK_NEAR(a.per_30d_compare, 30 * 1.0 / 365, 1e-12);
    CHECK_NEAR(a.change_per_30d, 30 * 5.0 / 366 - 30 * 1.0 / 365, 1e-12);
    CHECK(c.count_compare == 0 && isnan(c.change_pct));
    uint32_t X = 0, Y = 1; /* categories in order of first appearance */
    CHECK(!strcmp(hs_incidents_category_name(inc, X), "X"));
    CHECK(hs_tally_type_count(t, 0, X) == 2 && hs_tally_type_count(t, 0, Y) == 3);
    hs_tally_summary s;
    hs_tally_summary_get(t, &s);
    CHECK(s.in_units == 8 && s.outside == 2 && s.in_compare == 3 && s.other_period == 1);
    /* Ties share the better rank. */
    hs_tally_options_init(&to);
    to.from = "2023-01";
    to.to = "2023-12";
    hs_tally *t2;
    CHECK(hs_tally_compute(ctx, u, inc, of, &to, &t2) == HS_OK);
    hs_tally_row_get(t2, 0, &a);
    hs_tally_row_get(t2, 1, &b);
    hs_tally_row_get(t2, 2, &c);
    CHECK(b.rank == 1 && a.rank == 2 && c.rank == 3 && a.count == 1 && b.count == 2);
    hs_tally_destroy(t2);

    tally_writers(ctx, t, inc, of, ox, oy);
    hs_tally_destroy(t);
    hs_incidents_destroy(inc);
    hs_units_destroy(u);
    hs_ctx_destroy(ctx);
}

/* Writers: the .shp reads back (hand-written reader) with the same
 * polygons; the CSV has the hand-worked values. */
static void tally_writers(hs_ctx *ctx, const hs_tally *t, const hs_incidents *inc,
                          const uint32_t *of, double ox, double oy) {
    CHECK(hs_tally_write(ctx, t, tpath("out.shp")) == HS_OK);
    shp_poly *P;
    int np = shp_read_polygons(tpath("out.shp"), &P);
    CHECK(np == 3 && P[2].nparts == 2);
    CHECK(np == 3 && shp_poly_holds(&P[2], ox + 20, oy + 150) &&
          !shp_poly_holds(&P[2], ox + 100, oy + 150));
    shp_free_polygons(P, np);
    struct stat sb;
    CHECK(stat(tpath("out.prj"), &sb) == 0 && stat(tpath("out.cpg"), &sb) == 0 &&
          stat(tpath("out.dbf"), &sb) == 0);
    CHECK(hs_tally_write(ctx, t, tpath("out.csv")) == HS_OK);
    size_t len;
    char *txt = hs_test_slurp(tpath("out.csv"), &len);
    CHECK(txt && strstr(txt, "code,name,count,weight,share_pct,rank,area_km2,per_km2,population,"
                             "rate_per_1000,count_compare,change,change_pct,per_30d,"
                             "per_30d_compare,change_per_30d,change_p,X,Y\n"));
    /* 2024 has 366 days, 2023 365: A went from 1 to 5. */
    double share = 366.0 / 731, pa = hs_change_p(1, 5, share), pc = hs_change_p(0, 2, share);
    hs_tally_row ra;
    hs_tally_row_get(t, 0, &ra);
    CHECK_NEAR(ra.change_p, pa, 0);
    char want_a[128], want_c[128];
    snprintf(want_a, sizeof want_a,
             "A,Aye,5,8.0,62.50,1,0.0100,500.00,1000.0,5.00,1,4,398.6,0.41,0.08,0.33,%.6f,2,3\n",
             pa);
    snprintf(want_c, sizeof want_c,
             "C,Sea,2,2.0,25.00,2,0.0140,142.86,,,0,2,,0.16,0.00,0.16,%.6f,2,0\n", pc);
    CHECK_MSG(txt && strstr(txt, want_a), "%s", want_a);
    CHECK_MSG(txt && strstr(txt, want_c), "%s", want_c);
    free(txt);
    CHECK(hs_tally_write(ctx, t, tpath("out.kml")) == HS_EFORMAT);
    /* GeoJSON, RFC 7946: exterior counter-clockwise, hole clockwise. */
    CHECK(hs_tally_write(ctx, t, tpath("out.geojson")) == HS_OK);
    txt = hs_test_slurp(tpath("out.geojson"), &len);
    double ar[4];
    CHECK(txt && geojson_rings(txt, "C", ar, 4) == 2 && ar[0] > 0 && ar[1] < 0);
    CHECK(txt && geojson_rings(txt, "A", ar, 4) == 1 && ar[0] > 0);
    free(txt);
    /* Rejects list the incidents outside every unit, in line order. */
    CHECK(hs_incidents_write_rejects(ctx, inc, of, tpath("rej.csv")) == HS_OK);
    txt = hs_test_slurp(tpath("rej.csv"), &len);
    CHECK(txt &&
          strstr(txt, "\"abc.csv\",11,outside the units,\n\"abc.csv\",14,outside the units,\n"));
    free(txt);
}

/* Grid cells as units: neighbours are the surrounding cells present. */
static void grid_units(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc = fixture_points(ctx);
    hs_grid *g;
    CHECK(hs_grid_count(ctx, inc, NULL, &g) == HS_OK);
    hs_units *u;
    CHECK(hs_units_from_grid(ctx, g, &u) == HS_OK);
    CHECK(hs_units_build_neighbours(ctx, u, 0) == HS_OK);
    size_t n = hs_units_count(u), links = 0;
    for (size_t i = 0; i < n; i++) {
        hs_cell a;
        hs_grid_cell(g, i, &a);
        const uint32_t *ids;
        size_t nn;
        hs_units_neighbours(u, i, &ids, &nn);
        size_t want = 0;
        for (size_t j = 0; j < n; j++) {
            hs_cell b;
            hs_grid_cell(g, j, &b);
            if (i != j && llabs(a.row - b.row) <= 1 && llabs(a.col - b.col) <= 1) {
                want++;
                bool got = false;
                for (size_t k = 0; k < nn; k++)
                    got = got || ids[k] == j;
                CHECK(got);
            }
        }
        CHECK(nn == want);
        links += nn;
        hs_unit un;
        hs_units_get(u, i, &un);
        CHECK_NEAR(un.area_m2, 150.0 * 150.0, 1e-6);
    }
    /* Locating the same incidents in the cells gives the grid's counts. */
    uint32_t *of = malloc(hs_incidents_count(inc) * sizeof *of);
    CHECK(hs_units_locate(ctx, u, inc, of) == HS_OK);
    uint64_t *cnt = calloc(n, sizeof *cnt);
    for (size_t i = 0; i < hs_incidents_count(inc); i++)
        if (of[i] != HS_NO_UNIT) cnt[of[i]]++;
    for (size_t i = 0; i < n; i++) {
        hs_cell a;
        hs_grid_cell(g, i, &a);
        CHECK(cnt[i] == a.count);
    }
    printf("grid units: %zu cells, %zu neighbour links\n", n, links);
    free(cnt);
    free(of);
    hs_units_destroy(u);
    hs_grid_destroy(g);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

static void builtin(void) {
    hs_ctx *ctx;
    hs_units *a, *b;
    hs_ctx_create(&ctx);
    hs_units_create(ctx, &a);
    hs_units_create(ctx, &b);
    CHECK(hs_units_read_builtin(ctx, "gravesham-wards-2013", a) == HS_OK);
    CHECK(hs_units_read_shapefile(ctx, WARDS, NULL, b) == HS_OK);
    CHECK(hs_units_count(a) == 18 && hs_units_count(b) == 18);
    for (size_t i = 0; i < 18; i++) {
        hs_unit x, y;
        hs_units_get(a, i, &x);
        hs_units_get(b, i, &y);
        CHECK(!strcmp(x.code, y.code) && !strcmp(x.name, y.name) && x.area_m2 == y.area_m2);
    }
    CHECK(hs_units_read_builtin(ctx, "atlantis", a) == HS_EINVAL);
    hs_units_destroy(a);
    hs_units_destroy(b);
    hs_ctx_destroy(ctx);
}

/* GeoJSON and GeoPackage: the same wards as the shapefile (ogr2ogr's
 * copies), and a square with a square hole in RFC 7946 winding (outer
 * counter-clockwise, hole clockwise) and in the opposite winding: area
 * 100 - 4 m2 either way (closed form), the hole being a hole. */
static void other_formats(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_ctx_set_crs(ctx, "EPSG:27700");
    static const char *const files[] = {
        HS_TEST_DATA "/boundaries/gravesham-wards-2013/gravesham_wards_2013_bng.geojson",
        HS_TEST_DATA "/boundaries/gravesham-wards-2013/gravesham_wards_2013.gpkg"};
    hs_units *a;
    hs_units_create(ctx, &a);
    CHECK(hs_units_read_shapefile(ctx, WARDS, NULL, a) == HS_OK);
    for (int f = 0; f < 2; f++) {
        hs_units *b;
        hs_units_create(ctx, &b);
        CHECK_MSG(hs_units_read(ctx, files[f], NULL, b) == HS_OK, "%s", hs_ctx_last_error(ctx));
        CHECK(hs_units_count(b) == 18);
        for (size_t i = 0; i < 18 && i < hs_units_count(b); i++) {
            hs_unit x, y;
            hs_units_get(a, i, &x);
            hs_units_get(b, i, &y);
            CHECK_MSG(!strcmp(x.code, y.code) && !strcmp(x.name, y.name) &&
                          fabs(x.area_m2 - y.area_m2) < 1e-6 * x.area_m2,
                      "%s: %s %s %.3f vs %s %s %.3f", files[f], x.code, x.name, x.area_m2, y.code,
                      y.name, y.area_m2);
        }
        hs_units_destroy(b);
    }
    hs_units_destroy(a);
    const char *ccw = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
                      "{\"name\":\"EPSG:27700\"}},\"features\":[{\"type\":\"Feature\","
                      "\"properties\":{\"code\":\"sq\",\"name\":7},\"geometry\":{\"type\":"
                      "\"Polygon\",\"coordinates\":[[[0,0],[10,0],[10,10],[0,10],[0,0]],"
                      "[[4,4],[4,6],[6,6],[6,4],[4,4]]]}}]}";
    const char *cw = "{\"type\":\"Feature\",\"crs\":{\"type\":\"name\",\"properties\":"
                     "{\"name\":\"EPSG:27700\"}},\"properties\":{\"code\":\"sq\",\"name\":null},"
                     "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[0,10],"
                     "[10,10],[10,0],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]]}}";
    const char *txt[2] = {ccw, cw};
    for (int k = 0; k < 2; k++) {
        hs_units *u;
        hs_units_create(ctx, &u);
        CHECK_MSG(hs_units_read_buffer(ctx, "sq.geojson", HS_LAYER_GEOJSON, txt[k], strlen(txt[k]),
                                       NULL, u) == HS_OK,
                  "%s", hs_ctx_last_error(ctx));
        hs_unit x;
        CHECK(hs_units_count(u) == 1 && hs_units_get(u, 0, &x) == HS_OK);
        CHECK_MSG(fabs(x.area_m2 - 96) < 1e-9, "winding %d: area %.6f, want 96", k, x.area_m2);
        CHECK(!strcmp(x.code, "sq") && !strcmp(x.name, k ? "" : "7"));
        hs_units_destroy(u);
    }
    /* A failed read appends nothing and names the feature. */
    hs_units *u;
    hs_units_create(ctx, &u);
    const char *bad = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                      "\"properties\":{\"code\":\"a\"},\"geometry\":null},{\"type\":\"Feature\","
                      "\"properties\":{\"code\":\"b\"},\"geometry\":{\"type\":\"LineString\","
                      "\"coordinates\":[[0,0],[1,1]]}}]}";
    CHECK(hs_units_read_buffer(ctx, "l.geojson", HS_LAYER_GEOJSON, bad, strlen(bad), NULL, u) ==
          HS_EPARSE);
    CHECK_MSG(strstr(hs_ctx_last_error(ctx), "l.geojson: feature 2: holds a LineString") != NULL,
              "%s", hs_ctx_last_error(ctx));
    CHECK(hs_units_count(u) == 0);
    CHECK(hs_units_read_buffer(ctx, "x.gpkg", HS_LAYER_GEOPACKAGE, "not sqlite", 10, NULL, u) ==
          HS_EPARSE);
    CHECK(hs_units_count(u) == 0);
    hs_units_destroy(u);
    hs_ctx_destroy(ctx);
}

void test_units(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hs_units_XXXXXX");
    CHECK(mkdtemp(tmpdir) != NULL);
    vs_oracle_and_peer(WARDS, HS_TEST_DATA "/peer/gravesham_violence_wards_geopandas.csv");
    vs_oracle_and_peer(LSOA, HS_TEST_DATA "/peer/gravesham_violence_lsoa_geopandas.csv");
    cross_border();
    contiguity(WARDS, 1.0);
    contiguity(LSOA, 1.0);
    bad_shapefiles();
    encodings();
    tally_closed_form();
    grid_units();
    builtin();
    other_formats();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (!hs_test_failures && system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
}
