/* test_reader.c — the incident reader on real data, against independent
 * references: the shared data README's row totals, a naive line splitter,
 * the BNG coordinates of the shared fixture (PROJ Helmert), and cs2cs. */
#include "check.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *kent[4] = {"2024-01-kent-street.csv", "2024-02-kent-street.csv",
                              "2024-03-kent-street.csv", "2024-04-kent-street.csv"};
static const uint64_t kent_rows[4] = {14466, 13953, 15875, 15727}; /* tests/data/README.md */

static char *kent_path(int i) {
    static char buf[4][512];
    snprintf(buf[i], sizeof buf[i], "%s/police-uk-kent/%s", HS_TEST_DATA, kent[i]);
    return buf[i];
}

/* Naive oracle: police.uk Kent files have no quotes, so a line is a record
 * and fields split on every comma. Returns the lines (1-based) whose
 * Longitude (field 5) is empty, in *noloc, and the count per month of
 * category cat. */
static size_t naive_scan(const char *path, uint64_t **noloc, size_t *nnoloc, const char *cat,
                         size_t *ncat) {
    size_t len;
    char *s = hs_test_slurp(path, &len);
    size_t rows = 0, cap = 0;
    *nnoloc = 0;
    *noloc = NULL;
    *ncat = 0;
    uint64_t line = 0;
    for (char *p = s; p && *p;) {
        char *e = strchr(p, '\n');
        if (!e) e = p + strlen(p);
        line++;
        if (line > 1) {
            rows++;
            char *f[16] = {0};
            int nf = 0;
            f[nf++] = p;
            for (char *q = p; q < e && nf < 16; q++)
                if (*q == ',') f[nf++] = q + 1;
            if (f[5] == f[4] + 1) {
                if (*nnoloc == cap) *noloc = realloc(*noloc, (cap = cap * 2 + 64) * sizeof **noloc);
                (*noloc)[(*nnoloc)++] = line;
            } else if (cat && f[10] && strncmp(f[9], cat, strlen(cat)) == 0 &&
                       f[9][strlen(cat)] == ',') {
                (*ncat)++;
            }
        }
        p = *e ? e + 1 : e;
    }
    free(s);
    return rows;
}

static void kent_accounting(void) {
    hs_ctx *ctx;
    hs_incidents *inc;
    CHECK(hs_ctx_create(&ctx) == HS_OK);
    CHECK(hs_incidents_create(ctx, &inc) == HS_OK);
    for (int i = 0; i < 4; i++)
        CHECK_MSG(hs_incidents_read_csv(ctx, kent_path(i), NULL, inc) == HS_OK, "%s",
                  hs_ctx_last_error(ctx));
    size_t rj = 0;
    uint64_t used = 0;
    for (int i = 0; i < 4; i++) {
        hs_read_summary s;
        CHECK(hs_incidents_summary(inc, (uint32_t)i, &s) == HS_OK);
        uint64_t *noloc;
        size_t nnoloc, ncat;
        size_t rows = naive_scan(kent_path(i), &noloc, &nnoloc, NULL, &ncat);
        CHECK_MSG(s.rows_read == kent_rows[i] && rows == kent_rows[i], "%s: %llu rows", kent[i],
                  (unsigned long long)s.rows_read);
        uint64_t rej = 0;
        for (int r = 0; r < HS_REJECT_COUNT_; r++)
            rej += s.rejected[r];
        CHECK(s.rows_read == s.rows_used + rej);
        CHECK(s.rejected[HS_REJECT_NO_LOCATION] == nnoloc && rej == nnoloc);
        /* Every "No Location" row is a reject with that reason, at its line. */
        for (size_t k = 0; k < nnoloc; k++, rj++) {
            hs_reject r;
            CHECK(hs_incidents_reject_get(inc, rj, &r) == HS_OK);
            CHECK_MSG(r.file == (uint32_t)i && r.line == noloc[k] &&
                          r.reason == HS_REJECT_NO_LOCATION,
                      "%s reject %zu: line %llu vs %llu", kent[i], k, (unsigned long long)r.line,
                      (unsigned long long)noloc[k]);
        }
        used += s.rows_used;
        free(noloc);
    }
    CHECK(hs_incidents_reject_count(inc) == rj);
    CHECK(hs_incidents_count(inc) == used && used == 59420);
    CHECK(hs_incidents_category_count(inc) == 14);
    /* Months are read as month precision. */
    hs_incident a;
    CHECK(hs_incidents_get(inc, 0, &a) == HS_OK && a.precision == HS_TIME_MONTH &&
          a.time_s == 1704067200 && a.line == 2);

    /* The rejects file reproduces each rejected row's line. */
    char rpath[] = "/tmp/hs_rejects_XXXXXX.csv";
    int fd = mkstemps(rpath, 4);
    close(fd);
    CHECK(hs_incidents_write_rejects(ctx, inc, NULL, rpath) == HS_OK);
    size_t len;
    char *txt = hs_test_slurp(rpath, &len);
    CHECK(txt && strncmp(txt, "file,line,reason,record\n", 24) == 0);
    size_t nl = 0;
    for (size_t i = 0; txt && i < len; i++)
        nl += txt[i] == '\n';
    CHECK(nl == rj + 1);
    CHECK(txt && strstr(txt, "2024-01-kent-street.csv\",14332,no location,\"6e97328d") != NULL);
    free(txt);
    unlink(rpath);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

static void kent_filters(void) {
    hs_ctx *ctx;
    hs_incidents *inc;
    hs_ctx_create(&ctx);
    hs_incidents_create(ctx, &inc);
    hs_read_options o;
    hs_read_options_init(&o);
    const char *types[] = {"violence AND sexual offences"}; /* case-insensitive */
    o.crime_types = types;
    o.crime_type_count = 1;
    o.from = "2024-02";
    o.to = "2024-03-31";
    for (int i = 0; i < 4; i++)
        CHECK(hs_incidents_read_csv(ctx, kent_path(i), &o, inc) == HS_OK);
    size_t want = 0;
    for (int i = 1; i <= 2; i++) {
        uint64_t *noloc;
        size_t nn, ncat;
        naive_scan(kent_path(i), &noloc, &nn, "Violence and sexual offences", &ncat);
        want += ncat;
        free(noloc);
    }
    CHECK_MSG(hs_incidents_count(inc) == want, "%zu vs %zu", hs_incidents_count(inc), want);
    hs_read_summary s;
    hs_incidents_summary(inc, 0, &s);
    CHECK(s.rows_used == 0 && s.rejected[HS_REJECT_DATE_RANGE] + s.rejected[HS_REJECT_CRIME_TYPE] +
                                      s.rejected[HS_REJECT_NO_LOCATION] ==
                                  s.rows_read);
    hs_incidents_destroy(inc);

    /* A filter without the column it needs is a usage error. */
    hs_incidents_create(ctx, &inc);
    hs_read_options_init(&o);
    o.x_column = "x";
    o.y_column = "y";
    o.from = "2024-01";
    const char *t = "x,y\n1,2\n";
    CHECK(hs_incidents_read_csv_buffer(ctx, "b.csv", t, strlen(t), &o, inc) == HS_EINVAL);
    CHECK(strstr(hs_ctx_last_error(ctx), "--from/--to need a date column") != NULL);
    o.date_column = "x";
    o.from = "2024-13";
    CHECK(hs_incidents_read_csv_buffer(ctx, "b.csv", t, strlen(t), &o, inc) == HS_EINVAL);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

/* The shared fixture: police.uk rows (quoted, 14 columns) with x_bng/y_bng
 * from PROJ's Helmert transform, printed to 1 mm. */
static void fixture_bng(void) {
    char path[512];
    snprintf(path, sizeof path, "%s/fixtures/gravesham_violence_2024-01_to_04_bng.csv",
             HS_TEST_DATA);
    hs_ctx *ctx;
    hs_incidents *inc, *ref;
    hs_ctx_create(&ctx);
    hs_incidents_create(ctx, &inc);
    hs_incidents_create(ctx, &ref);
    CHECK_MSG(hs_incidents_read_csv(ctx, path, NULL, inc) == HS_OK, "%s", hs_ctx_last_error(ctx));
    hs_read_options o;
    hs_read_options_init(&o);
    o.x_column = "x_bng";
    o.y_column = "y_bng";
    CHECK(hs_incidents_read_csv(ctx, path, &o, ref) == HS_OK);
    CHECK(hs_incidents_count(inc) == 1428 && hs_incidents_count(ref) == 1428);
    double worst = 0;
    for (size_t i = 0; i < hs_incidents_count(inc) && i < hs_incidents_count(ref); i++) {
        double dx = fabs(hs_incidents_x(inc)[i] - hs_incidents_x(ref)[i]);
        double dy = fabs(hs_incidents_y(inc)[i] - hs_incidents_y(ref)[i]);
        if (dx > worst) worst = dx;
        if (dy > worst) worst = dy;
    }
    /* Fixture rounded to 1 mm: within 0.5 mm plus float noise. */
    CHECK_MSG(worst <= 0.0005 + 1e-9, "worst %.6f m", worst);
    printf("fixture_bng: worst difference %.6f m over 1428 points\n", worst);
    hs_incidents_destroy(inc);
    hs_incidents_destroy(ref);
    hs_ctx_destroy(ctx);
}

/* Memphis (sfhotspot fixture): generic columns, date-times, another CRS. */
static void memphis_generic(void) {
    char path[512];
    snprintf(path, sizeof path, "%s/fixtures/sfhotspot-memphis/memphis_robberies.csv",
             HS_TEST_DATA);
    hs_ctx *ctx;
    hs_incidents *inc;
    hs_ctx_create(&ctx);
    CHECK(hs_ctx_set_crs(ctx, "EPSG:2843") == HS_OK);
    hs_incidents_create(ctx, &inc);
    hs_read_options o;
    hs_read_options_init(&o);
    o.x_column = "x_epsg2843";
    o.y_column = "y_epsg2843";
    o.input_crs = "EPSG:2843";
    o.date_column = "date";
    o.category_column = "offense_type";
    CHECK_MSG(hs_incidents_read_csv(ctx, path, &o, inc) == HS_OK, "%s", hs_ctx_last_error(ctx));
    CHECK(hs_incidents_count(inc) == 2245);
    hs_incident a;
    CHECK(hs_incidents_get(inc, 0, &a) == HS_OK && a.precision == HS_TIME_SECOND &&
          a.time_s == 1546306200 && a.x == 240886.237601602);
    /* Memphis in British National Grid: outside its area of use. */
    hs_ctx *uk;
    hs_incidents *bad;
    hs_ctx_create(&uk);
    hs_incidents_create(uk, &bad);
    hs_read_options_init(&o);
    o.lon_column = "longitude";
    o.lat_column = "latitude";
    CHECK(hs_incidents_read_csv(uk, path, &o, bad) == HS_OK);
    hs_read_summary s;
    hs_incidents_summary(bad, 0, &s);
    CHECK(s.rows_used == 0 && s.rejected[HS_REJECT_OUTSIDE_AREA] == 2245);
    hs_incidents_destroy(bad);
    hs_ctx_destroy(uk);
    /* Not metric / unknown CRS. */
    CHECK(hs_ctx_set_crs(ctx, "EPSG:4326") == HS_ECRS);
    CHECK(strstr(hs_ctx_last_error(ctx), "not a projected CRS") != NULL);
    CHECK(hs_ctx_set_crs(ctx, "EPSG:999999") == HS_ECRS);
    CHECK(hs_ctx_set_crs(ctx, "EPSG:2249") == HS_ECRS); /* US survey feet */
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

/* A file large enough to be split across threads, with a quoted field
 * holding many line ends placed across the split point, weights and bad
 * rows: every thread count must give the same table. */
static char *make_big(size_t *len) {
    size_t cap = 12u << 20, n = 0;
    char *s = malloc(cap);
    n += (size_t)sprintf(s, "x,y,type,w,note\n");
    uint64_t r = 42;
    size_t i = 0;
    bool placed = false;
    while (n < cap - 4096) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        double x = 500000 + (double)(r >> 40) / 100.0,
               y = 150000 + (double)((r >> 16) & 0xffffff) / 100.0;
        i++;
        if (!placed && n > cap / 2 - 60000) {
            /* 120 kB of quoted "x,y" lines across the middle, where the
             * 2- and 4-thread splits fall. */
            placed = true;
            n += (size_t)sprintf(s + n, "%.2f,%.2f,A,1,\"", x, y);
            for (int k = 0; k < 30000; k++)
                n += (size_t)sprintf(s + n, "x,y\n");
            n += (size_t)sprintf(s + n, "\"\n");
        } else if (i % 997 == 0) {
            n += (size_t)sprintf(s + n, ",%.2f,B,1,\n", y);
        } else if (i % 1999 == 0) {
            n += (size_t)sprintf(s + n, "%.2f,%.2f,C,-1,\n", x, y);
        } else {
            n += (size_t)sprintf(s + n, "%.2f,%.2f,%c,%.3f,plain\n", x, y, 'A' + (int)(i % 7),
                                 (double)(r % 1000) / 7.0);
        }
    }
    *len = n;
    return s;
}

/* police.uk rows project each map point once, from one table the reading
 * threads share for the whole file and keep when full: against the same rows
 * read with their Longitude/Latitude named (every row projected), the same
 * x and y bits, for thread counts, tiny windows and a tiny table. */
static void snapped_points_cached(void) {
    size_t cap = 4000 * 120, n = 0;
    char *s = malloc(cap);
    n += (size_t)sprintf(s, "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
                            "LSOA code,LSOA name,Crime type,Last outcome category,Context\n");
    uint64_t r = 7;
    for (int i = 0; i < 4000; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        int pt = (int)((r >> 33) % 300); /* 300 map points, ~13 rows each */
        n += (size_t)sprintf(s + n,
                             ",2024-0%d,Kent Police,Kent Police,%.6f,%.6f,On or near X,,,"
                             "Robbery,,\n",
                             1 + i % 9, 0.30 + 0.0007 * (pt % 20), 51.40 + 0.0005 * (pt / 20));
    }
    hs_read_options plain;
    hs_read_options_init(&plain);
    plain.lon_column = "Longitude", plain.lat_column = "Latitude", plain.date_column = "Month";
    hs_ctx *rctx;
    hs_ctx_create(&rctx);
    hs_incidents *ref;
    hs_incidents_create(rctx, &ref);
    CHECK(hs_incidents_read_csv_buffer(rctx, "p.csv", s, n, &plain, ref) == HS_OK);
    size_t saved_window = hs__reader_window_bytes, saved_entries = hs__reader_pcache_entries;
    for (int v = 0; v < 6; v++) {
        hs__reader_window_bytes = v < 3 ? saved_window : 16384;
        hs__reader_pcache_entries = v % 2 ? 64 : saved_entries;
        hs_ctx *ctx;
        hs_ctx_create(&ctx);
        hs_ctx_set_threads(ctx, v % 3 + 1);
        hs_incidents *inc;
        hs_incidents_create(ctx, &inc);
        CHECK(hs_incidents_read_csv_buffer(ctx, "p.csv", s, n, NULL, inc) == HS_OK);
        bool same =
            hs_incidents_count(inc) == hs_incidents_count(ref) && hs_incidents_count(ref) == 4000;
        const double *x = hs_incidents_x(inc), *y = hs_incidents_y(inc);
        const double *rx = hs_incidents_x(ref), *ry = hs_incidents_y(ref);
        for (size_t i = 0; same && i < 4000; i++)
            same = !memcmp(&x[i], &rx[i], 8) && !memcmp(&y[i], &ry[i], 8);
        CHECK_MSG(same, "variant %d: projected points differ from row-by-row projection", v);
        hs_incidents_destroy(inc);
        hs_ctx_destroy(ctx);
    }
    hs__reader_window_bytes = saved_window;
    hs__reader_pcache_entries = saved_entries;
    hs_incidents_destroy(ref);
    hs_ctx_destroy(rctx);
    free(s);
}

static void threads_identical(void) {
    size_t len;
    char *big = make_big(&len);
    hs_incidents *ref = NULL;
    hs_ctx *rctx = NULL;
    /* Every thread count, and windows from the default down to 16 KB: the
     * reader streams windows, and the quoted field with 30000 line ends
     * crosses many of them. The same table must come out each time. */
    static const size_t windows[] = {(size_t)64 << 20, 1 << 20, 65536, 16384};
    size_t saved_window = hs__reader_window_bytes;
    char tmp[] = "/tmp/hs_window_XXXXXX";
    int tfd = mkstemp(tmp);
    CHECK(tfd >= 0 && write(tfd, big, len) == (ssize_t)len);
    close(tfd);
    for (int v = 0; v < 20; v++) {
        int t = v % 5 + 1;
        hs__reader_window_bytes = windows[v / 5];
        hs_ctx *ctx;
        hs_incidents *inc;
        hs_ctx_create(&ctx);
        hs_ctx_set_threads(ctx, t);
        hs_incidents_create(ctx, &inc);
        hs_read_options o = hs_test_xy("type", "w");
        CHECK_MSG(hs_incidents_read_csv_buffer(ctx, "big.csv", big, len, &o, inc) == HS_OK, "%s",
                  hs_ctx_last_error(ctx));
        hs_read_summary s;
        hs_incidents_summary(inc, 0, &s);
        CHECK(s.rows_read ==
              s.rows_used + s.rejected[HS_REJECT_NO_LOCATION] + s.rejected[HS_REJECT_BAD_WEIGHT]);
        CHECK(s.rejected[HS_REJECT_NO_LOCATION] > 0 && s.rejected[HS_REJECT_BAD_WEIGHT] > 0);
        /* Checking (counting only) agrees with reading. */
        hs_read_summary c;
        CHECK_MSG(hs_incidents_check_csv(ctx, tmp, &o, &c) == HS_OK, "%s", hs_ctx_last_error(ctx));
        CHECK_MSG(memcmp(&c, &s, sizeof s) == 0, "threads %d, window %zu: check differs", t,
                  hs__reader_window_bytes);
        if (!ref) {
            ref = inc;
            rctx = ctx;
            continue;
        }
        size_t n = hs_incidents_count(inc);
        CHECK_MSG(n == hs_incidents_count(ref), "threads %d: %zu vs %zu", t, n,
                  hs_incidents_count(ref));
        bool same = n == hs_incidents_count(ref);
        for (size_t i = 0; same && i < n; i++) {
            hs_incident a, b;
            hs_incidents_get(inc, i, &a);
            hs_incidents_get(ref, i, &b);
            same = a.x == b.x && a.y == b.y && a.weight == b.weight && a.time_s == b.time_s &&
                   a.precision == b.precision && a.category == b.category && a.file == b.file &&
                   a.line == b.line;
        }
        CHECK_MSG(same, "threads %d, window %zu: tables differ", t, hs__reader_window_bytes);
        CHECK(hs_incidents_reject_count(inc) == hs_incidents_reject_count(ref));
        for (size_t i = 0; i < hs_incidents_reject_count(inc); i++) {
            hs_reject a, b;
            hs_incidents_reject_get(inc, i, &a);
            hs_incidents_reject_get(ref, i, &b);
            if (a.file != b.file || a.line != b.line || a.reason != b.reason ||
                a.offset != b.offset || a.length != b.length) {
                CHECK_MSG(0, "threads %d: reject %zu differs", t, i);
                break;
            }
        }
        hs_incidents_destroy(inc);
        hs_ctx_destroy(ctx);
    }
    /* The quoted field with 30000 line ends is counted in line numbers: the
     * last row's line is the file's line count. */
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += big[i] == '\n';
    hs_incident last;
    hs_incidents_get(ref, hs_incidents_count(ref) - 1, &last);
    hs_reject lr;
    hs_incidents_reject_get(ref, hs_incidents_reject_count(ref) - 1, &lr);
    CHECK_MSG((last.line > lr.line ? last.line : lr.line) == lines, "last line %llu vs %zu",
              (unsigned long long)last.line, lines);
    hs_incidents_destroy(ref);
    hs_ctx_destroy(rctx);
    free(big);
    unlink(tmp);
    hs__reader_window_bytes = saved_window;
}

/* A working CRS given without an EPSG code still has an area of use (that
 * of the EPSG CRS PROJ identifies it as): a row at the pole and one with
 * lon/lat swapped are rejected, as under the EPSG code itself, and the
 * BNG written as a PROJ string with +towgs84 (a bound CRS) is accepted
 * and gives the same coordinates as EPSG:27700. */
static void crs_without_code(void) {
    const char *csv = "lon,lat\n0.963526,51.243898\n51.258906,0.963316\n0.963526,90.0\n";
    const char *crs[3] = {"+proj=utm +zone=31 +datum=WGS84 +units=m +no_defs +type=crs",
                          "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 "
                          "+y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,"
                          "0.842,-20.489 +units=m +no_defs +type=crs",
                          "EPSG:27700"};
    double x[3] = {0}, y[3] = {0};
    for (int k = 0; k < 3; k++) {
        hs_ctx *ctx;
        hs_incidents *inc;
        hs_ctx_create(&ctx);
        CHECK_MSG(hs_ctx_set_crs(ctx, crs[k]) == HS_OK, "%s: %s", crs[k], hs_ctx_last_error(ctx));
        hs_incidents_create(ctx, &inc);
        hs_read_options o;
        hs_read_options_init(&o);
        o.lon_column = "lon";
        o.lat_column = "lat";
        CHECK(hs_incidents_read_csv_buffer(ctx, "t", csv, strlen(csv), &o, inc) == HS_OK);
        hs_read_summary s;
        hs_incidents_summary(inc, 0, &s);
        CHECK_MSG(s.rows_used == 1 && s.rejected[HS_REJECT_OUTSIDE_AREA] == 1 &&
                      s.rejected[HS_REJECT_SWAPPED] == 1,
                  "%s: %llu used", crs[k], (unsigned long long)s.rows_used);
        if (hs_incidents_count(inc) == 1)
            x[k] = hs_incidents_x(inc)[0], y[k] = hs_incidents_y(inc)[0];
        hs_incidents_destroy(inc);
        hs_ctx_destroy(ctx);
    }
    CHECK_NEAR(x[1], x[2], 1e-6);
    CHECK_NEAR(y[1], y[2], 1e-6);
    printf("CRSs without an EPSG code: pole and swapped rows rejected; BNG as PROJ string = "
           "EPSG:27700\n");
}

/* Incidents from arrays against the CSV reader on the same points (an
 * independent path: text, its own parsing and projection): the same x, y,
 * months, types and places; NaN, infinite and negative-weight rows rejected
 * with their reasons; a copy equal to its source; and a job given the
 * table writes the grid a job reading the CSV writes. */
static void arrays_and_given_tables(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    const char *csv = "lon,lat,month,type,place\n"
                      "0.3681,51.4431,2024-01,Robbery,On or near A\n"
                      "0.3682,51.4432,2024-02,Burglary,On or near B\n"
                      "0.3681,51.4431,2024-02,Robbery,On or near A\n";
    hs_read_options ro;
    hs_read_options_init(&ro);
    ro.lon_column = "lon", ro.lat_column = "lat", ro.date_column = "month";
    ro.category_column = "type", ro.label_column = "place";
    hs_incidents *a, *b, *c;
    hs_incidents_create(ctx, &a);
    hs_incidents_create(ctx, &b);
    CHECK(hs_incidents_read_csv_buffer(ctx, "t.csv", csv, strlen(csv), &ro, a) == HS_OK);
    double x[6] = {0.3681, 0.3682, 0.3681, NAN, INFINITY, 0.3681};
    double y[6] = {51.4431, 51.4432, 51.4431, 51.4, 51.4, 51.4431};
    double w[6] = {1, 1, 1, 1, 1, -2};
    int64_t t[6] = {1704067200, 1706745600, 1706745600, INT64_MIN, 0, 0}; /* 2024-01, 02, 02 */
    uint32_t cat[6] = {0, 1, 0, 0, 0, 0}, lab[6] = {0, 1, 0, 0, 0, 0};
    const char *cats[2] = {"Robbery", "Burglary"}, *labs[2] = {"On or near A", "On or near B"};
    hs_incident_arrays arr = {6,   x,    y, "EPSG:4326", w,    t, HS_TIME_MONTH,
                              cat, cats, 2, lab,         labs, 2};
    CHECK(hs_incidents_add_arrays(ctx, b, "arrays", &arr) == HS_OK);
    CHECK(hs_incidents_count(a) == 3 && hs_incidents_count(b) == 3);
    /* label_column "": no place text kept (the same rows otherwise). */
    hs_read_options none = ro;
    none.label_column = "";
    hs_incidents *nl;
    hs_incidents_create(ctx, &nl);
    CHECK(hs_incidents_read_csv_buffer(ctx, "t.csv", csv, strlen(csv), &none, nl) == HS_OK);
    CHECK(hs_incidents_count(nl) == 3 && hs_incidents_label_count(nl) == 0 &&
          hs_incidents_label_count(a) == 2);
    for (size_t i = 0; i < hs_incidents_count(nl); i++) {
        hs_incident p;
        hs_incidents_get(nl, i, &p);
        CHECK(p.label == HS_NO_LABEL);
    }
    hs_incidents_destroy(nl);
    for (size_t i = 0; i < 3 && hs_incidents_count(b) == 3; i++) {
        hs_incident p, q;
        hs_incidents_get(a, i, &p);
        hs_incidents_get(b, i, &q);
        CHECK(p.x == q.x && p.y == q.y && p.time_s == q.time_s && p.precision == q.precision);
        CHECK(!strcmp(hs_incidents_category_name(a, p.category),
                      hs_incidents_category_name(b, q.category)));
        CHECK(!strcmp(hs_incidents_label_name(a, p.label), hs_incidents_label_name(b, q.label)));
    }
    hs_read_summary s;
    hs_incidents_summary(b, UINT32_MAX, &s);
    CHECK(s.rows_read == 6 && s.rows_used == 3 && s.rejected[HS_REJECT_NO_LOCATION] == 1 &&
          s.rejected[HS_REJECT_BAD_NUMBER] == 1 && s.rejected[HS_REJECT_BAD_WEIGHT] == 1);
    CHECK(hs_incidents_copy(ctx, b, &c) == HS_OK);
    CHECK(hs_incidents_count(c) == 3 && hs_incidents_reject_count(c) == 3);
    CHECK(!memcmp(hs_incidents_x(c), hs_incidents_x(b), 3 * sizeof(double)));
    /* A grid job on the table and one on the CSV file: the same bytes. */
    char dir[] = "/tmp/hs_arrays_XXXXXX", in[64], g1[64], g2[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(in, sizeof in, "%s/t.csv", dir);
    snprintf(g1, sizeof g1, "%s/a.csv", dir);
    snprintf(g2, sizeof g2, "%s/b.csv", dir);
    FILE *f = fopen(in, "w");
    fputs(csv, f);
    fclose(f);
    hs_incidents *fromfile;
    hs_incidents_create(ctx, &fromfile);
    CHECK(hs_incidents_read_csv(ctx, in, &ro, fromfile) == HS_OK);
    for (int k = 0; k < 2; k++) {
        hs_job *job;
        CHECK(hs_job_create(ctx, HS_COMMAND_GRID, &job) == HS_OK);
        if (k == 0) {
            hs_job_add_input(ctx, job, in);
            hs_job_set(ctx, job, "lon-column", "lon");
            hs_job_set(ctx, job, "lat-column", "lat");
            hs_job_set(ctx, job, "date-column", "month");
            hs_job_set(ctx, job, "category-column", "type");
        } else {
            hs_job_set_incidents(ctx, job, fromfile);
        }
        hs_job_set(ctx, job, "crime-type", "Robbery");
        hs_job_set(ctx, job, "output", k ? g2 : g1);
        CHECK_MSG(hs_job_run(ctx, job) == HS_OK, "%s", hs_ctx_last_error(ctx));
        hs_job_destroy(job);
    }
    size_t n1, n2;
    char *s1 = hs_test_slurp(g1, &n1), *s2 = hs_test_slurp(g2, &n2);
    CHECK(s1 && s2 && n1 == n2 && !memcmp(s1, s2, n1) && strstr(s1, ",2,2.0") != NULL);
    free(s1), free(s2);
    unlink(in), unlink(g1), unlink(g2), rmdir(dir);
    hs_incidents_destroy(fromfile);
    hs_incidents_destroy(a);
    hs_incidents_destroy(b);
    hs_incidents_destroy(c);
    hs_ctx_destroy(ctx);
}

void test_reader(void) {
    arrays_and_given_tables();
    snapped_points_cached();
    crs_without_code();
    kent_accounting();
    kent_filters();
    fixture_bng();
    memphis_generic();
    threads_identical();
}

/* PROJ's cs2cs on every distinct location of the Kent January file. */
int test_cs2cs(const char *cs2cs) {
    hs_ctx *ctx;
    hs_incidents *inc;
    hs_ctx_create(&ctx);
    hs_incidents_create(ctx, &inc);
    CHECK(hs_incidents_read_csv(ctx, kent_path(0), NULL, inc) == HS_OK);
    /* Re-read lon/lat as text with the naive splitter, in the same order. */
    size_t len;
    char *s = hs_test_slurp(kent_path(0), &len);
    char in[] = "/tmp/hs_cs2cs_in_XXXXXX", out[] = "/tmp/hs_cs2cs_out_XXXXXX";
    close(mkstemp(in));
    close(mkstemp(out));
    FILE *f = fopen(in, "w");
    size_t n = 0;
    char *p = strchr(s, '\n') + 1;
    while (*p) {
        char *e = strchr(p, '\n');
        char *fld[12];
        int nf = 0;
        fld[nf++] = p;
        for (char *q = p; q < e && nf < 12; q++)
            if (*q == ',') fld[nf++] = q + 1;
        if (fld[5] != fld[4] + 1) {
            /* EPSG:4326 in cs2cs is latitude, longitude. */
            fprintf(f, "%.*s %.*s\n", (int)(fld[6] - fld[5] - 1), fld[5],
                    (int)(fld[5] - fld[4] - 1), fld[4]);
            n++;
        }
        p = e + 1;
    }
    fclose(f);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s -f %%.6f EPSG:4326 EPSG:27700 < %s > %s", cs2cs, in, out);
    CHECK(system(cmd) == 0);
    f = fopen(out, "r");
    double worst = 0, x, y, z;
    size_t k = 0;
    while (f && fscanf(f, "%lf %lf %lf", &x, &y, &z) == 3 && k < hs_incidents_count(inc)) {
        double d = fmax(fabs(x - hs_incidents_x(inc)[k]), fabs(y - hs_incidents_y(inc)[k]));
        if (d > worst) worst = d;
        k++;
    }
    if (f) fclose(f);
    CHECK_MSG(k == n && n == hs_incidents_count(inc), "%zu of %zu", k, n);
    CHECK_MSG(worst < 0.001, "worst %.6f m", worst);
    printf("cs2cs: %zu points, worst difference %.9f m\n", k, worst);
    unlink(in);
    unlink(out);
    free(s);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
    return hs_test_failures ? 1 : 0;
}
