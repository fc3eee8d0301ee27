/* test_cli.c — the command in process: exit codes, messages, atomic
 * outputs, same bytes for any thread count. */
#include "check.h"

#include "cli.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char errbuf[8192];

static int run(const char *a0, ...) {
    char *argv[40];
    int argc = 0;
    argv[argc++] = "hotspot";
    va_list ap;
    va_start(ap, a0);
    for (const char *a = a0; a; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    FILE *out = tmpfile(), *err = tmpfile();
    int rc = hs_cli_run(argc, argv, out, err);
    rewind(err);
    size_t n = fread(errbuf, 1, sizeof errbuf - 1, err);
    errbuf[n] = 0;
    fclose(out);
    fclose(err);
    return rc;
}

static bool only_file_is(const char *dir, const char *name) {
    DIR *d = opendir(dir);
    bool ok = true;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        n++;
        if (!name || strcmp(e->d_name, name) != 0) ok = false;
        if (!ok) fprintf(stderr, "only_file_is %s: also %s\n", dir, e->d_name);
    }
    closedir(d);
    return ok && n == (name ? 1 : 0);
}

/* grid: same bytes for any thread count; usage and data errors. */
static void cli_grid(const char *dir, const char *k1) {
    char bad[512], out1[600], out2[600], nodir[600];
    snprintf(out1, sizeof out1, "%s/a.geojson", dir);
    snprintf(out2, sizeof out2, "%s/b.geojson", dir);
    snprintf(nodir, sizeof nodir, "%s/missing/x.geojson", dir);

    CHECK(run("grid", k1, "-o", out1, "--threads", "1", NULL) == HS_EXIT_OK);
    CHECK_MSG(strstr(errbuf, "14466 rows read: 14330 used, 136 rejected (no location 136)"), "%s",
              errbuf);
    CHECK(run("grid", k1, "-o", out2, "--threads", "2", "-q", NULL) == HS_EXIT_OK);
    CHECK(errbuf[0] == 0);
    size_t l1, l2;
    char *b1 = hs_test_slurp(out1, &l1), *b2 = hs_test_slurp(out2, &l2);
    CHECK(b1 && b2 && l1 == l2 && memcmp(b1, b2, l1) == 0); /* same bytes */
    free(b1);
    free(b2);
    unlink(out2);
    char bq[700]; /* its style: the same for both thread counts too */
    snprintf(bq, sizeof bq, "%s/b.qml", dir);
    char *q1 = NULL, *q2 = hs_test_slurp(bq, &l2);
    snprintf(bq + strlen(bq) - 5, 6, "a.qml");
    q1 = hs_test_slurp(bq, &l1);
    CHECK(q1 && q2 && l1 == l2 && memcmp(q1, q2, l1) == 0);
    free(q1), free(q2);
    snprintf(bq + strlen(bq) - 5, 6, "b.qml");
    unlink(bq);

    /* Usage errors: exit 2, nothing written. */
    CHECK(run("grid", k1, NULL) == HS_EXIT_USAGE && strstr(errbuf, "no output"));
    CHECK(run("grid", "-o", out2, NULL) == HS_EXIT_USAGE && strstr(errbuf, "no input files"));
    CHECK(run("grid", k1, "-o", out2, "--cell-size", "0", NULL) == HS_EXIT_USAGE &&
          strstr(errbuf, "--cell-size must be a positive number"));
    CHECK(run("grid", k1, "-o", out2, "--cell-size", "abc", NULL) == HS_EXIT_USAGE);
    CHECK(run("grid", k1, "-o", out2, "--shape", "circle", NULL) == HS_EXIT_USAGE);
    CHECK(run("grid", k1, "-o", out2, "--bogus", NULL) == HS_EXIT_USAGE &&
          strstr(errbuf, "unknown option '--bogus'"));
    CHECK(run("grid", k1, "-o", out2, "--cell-size", NULL) == HS_EXIT_USAGE &&
          strstr(errbuf, "needs a value"));
    CHECK(run("frobnicate", NULL) == HS_EXIT_USAGE && strstr(errbuf, "unknown command"));
    CHECK(run("grid", k1, "-o", out2, "--crs", "EPSG:4326", NULL) == HS_EXIT_DATA &&
          strstr(errbuf, "not a projected CRS"));
    CHECK(run("grid", k1, "-o", out2, "--from", "2024-13", NULL) == HS_EXIT_USAGE);

    /* Data errors: exit 1, "hotspot: FILE:LINE: problem", no output. */
    snprintf(bad, sizeof bad, "%s/bad.csv", dir);
    FILE *f = fopen(bad, "w");
    fputs("x,y\n1,2\n\"3,4\n", f);
    fclose(f);
    CHECK(run("grid", bad, "--x-column", "x", "--y-column", "y", "-o", out2, NULL) == HS_EXIT_DATA);
    char want[700];
    snprintf(want, sizeof want, "hotspot: %s:3: quoted field is never closed", bad);
    CHECK_MSG(strstr(errbuf, want) != NULL, "%s", errbuf);
    CHECK(run("grid", bad, "-o", out2, NULL) == HS_EXIT_DATA &&
          strstr(errbuf, ":1: not a data.police.uk street-level CSV"));
    CHECK(run("grid", k1, "-o", nodir, NULL) == HS_EXIT_DATA &&
          strstr(errbuf, "cannot write into"));
    CHECK(run("grid", k1, "-o", out2, "--crime-type", "Violence", "-q", NULL) == HS_EXIT_OK &&
          strstr(errbuf, "--crime-type 'Violence' matched no row"));
    unlink(out2);
    CHECK(run("grid", k1, "-o", "x.kml", NULL) == HS_EXIT_DATA &&
          strstr(errbuf, "unknown output format"));
    unlink(bad);
}

/* wards: the ward table, its options and errors. */
static void cli_wards(const char *dir, const char *k1) {
    /* wards: the built-in Gravesham wards by default. */
    char w1[600], wshp[600], wbase[600], pop[600];
    snprintf(w1, sizeof w1, "%s/w.csv", dir);
    snprintf(wbase, sizeof wbase, "%s/w", dir);
    snprintf(wshp, sizeof wshp, "%s/w.shp", dir);
    snprintf(pop, sizeof pop, "%s/nopop.csv", dir);
    CHECK(run("wards", k1, "-o", w1, "--crime-type", "Violence and sexual offences", NULL) ==
          HS_EXIT_OK);
    CHECK_MSG(strstr(errbuf, "incidents in 18 polygons") &&
                  strstr(errbuf, "first: E05004974 Pelham"),
              "%s", errbuf);
    /* The built-in wards are never used unsaid; -q keeps the warning. */
    CHECK_MSG(strstr(errbuf, "no --wards given: using the built-in Gravesham wards (2013, 18 "
                             "wards)") &&
                  strstr(errbuf, "warning: ") &&
                  strstr(errbuf, "lie outside the built-in Gravesham wards"),
              "%s", errbuf);
    CHECK(run("wards", k1, "-o", wshp, "--by-type", "--from", "2024-01", "--to", "2024-01",
              "--compare", "2023-01..2023-12", "-q", NULL) == HS_EXIT_OK);
    CHECK_MSG(strstr(errbuf, "lie outside the built-in Gravesham wards") &&
                  !strstr(errbuf, "no --wards given"),
              "%s", errbuf);
    CHECK(run("wards", k1, "-o", w1, "--compare", "2023-01", NULL) == HS_EXIT_USAGE &&
          strstr(errbuf, "--compare must be FROM..TO"));
    CHECK(run("wards", k1, "-o", w1, "--compare", "2023-01..2023-02", NULL) == HS_EXIT_USAGE &&
          strstr(errbuf, "--compare needs --from/--to"));
    CHECK(run("wards", k1, "-o", w1, "--wards", "no-such.shp", NULL) == HS_EXIT_DATA &&
          strstr(errbuf, "hotspot: no-such.shp: No such file or directory"));
    CHECK(run("wards", k1, "-o", w1, "--population", pop, NULL) == HS_EXIT_DATA &&
          strstr(errbuf, "nopop.csv: No such file or directory"));
    CHECK(run("wards", k1, "-o", "w.kml", NULL) == HS_EXIT_DATA &&
          strstr(errbuf, "unknown output format"));
    CHECK(run("wards", k1, "-o", w1, "--cell-size", "5", NULL) == HS_EXIT_USAGE &&
          strstr(errbuf, "unknown option '--cell-size'"));
}

/* kde: the surface, its sidecars, comparisons and refusals. */
static void cli_kde(const char *dir, const char *k1) {
    /* kde: GeoTIFF with its style and sidecar, outlines, comparisons. */
    char kt[600], kbase[600], kout[700];
    snprintf(kt, sizeof kt, "%s/k.tif", dir);
    snprintf(kbase, sizeof kbase, "%s/k", dir);
    CHECK(run("kde", k1, "-o", kt, "--bandwidth", "300", "--pixel-size", "50", "--units", "density",
              "--contours", "1,5", "--versus", k1, "--compare", "difference", NULL) == HS_EXIT_OK);
    CHECK_MSG(strstr(errbuf, "quartic kernel, bandwidth 300 m (given), 50 m pixels") &&
                  strstr(errbuf, "compared with 14330 incidents of --versus") &&
                  strstr(errbuf, "max 0,"),
              "%s", errbuf);
    const char *kexts[] = {".tif", ".qml", ".json", "_contours.geojson"};
    for (int i = 0; i < 4; i++) {
        snprintf(kout, sizeof kout, "%s%s", kbase, kexts[i]);
        CHECK_MSG(access(kout, F_OK) == 0, "%s missing", kout);
        unlink(kout);
    }
    CHECK(run("kde", k1, "-o", kt, "--bandwidth", "100", "--pixel-size", "200", NULL) ==
              HS_EXIT_OK &&
          strstr(errbuf, "warning: the bandwidth (100 m) is smaller than a pixel (200 m)"));
    unlink(kt);
    snprintf(kout, sizeof kout, "%s.qml", kbase);
    unlink(kout);
    snprintf(kout, sizeof kout, "%s.json", kbase);
    unlink(kout);
    CHECK(run("kde", k1, "-o", kt, "--kernel", "cosine", NULL) == HS_EXIT_USAGE &&
          strstr(errbuf, "--kernel must be quartic"));
    CHECK(run("kde", k1, "-o", kt, "--edge-correction", NULL) == HS_EXIT_USAGE &&
          strstr(errbuf, "--edge-correction needs --mask"));
    CHECK(run("kde", k1, "-o", kt, "--compare", "ratio", NULL) == HS_EXIT_USAGE &&
          strstr(errbuf, "--compare needs --versus"));
    CHECK(run("kde", k1, "-o", kt, "--pixel-size", "0.01", "--bandwidth", "100", NULL) ==
              HS_EXIT_DATA &&
          strstr(errbuf, "GB: choose a larger --pixel-size"));
    CHECK(run("kde", k1, "-o", "k.png", "--bandwidth", "100", NULL) == HS_EXIT_DATA &&
          strstr(errbuf, "unknown raster format"));
    CHECK(run("kde", k1, "-o", kt, "--extent", "1,2,3", NULL) == HS_EXIT_USAGE);
}

/* hotspots, the patrol plan from their CSV, and change. */
static void cli_hotspots(const char *dir, const char *k1) {
    /* hotspots: top cells by count with Gi*, GeoJSON + style, summary. */
    char hj[600], hq[600], hs[600];
    snprintf(hj, sizeof hj, "%s/h.geojson", dir);
    snprintf(hq, sizeof hq, "%s/h.qml", dir);
    snprintf(hs, sizeof hs, "%s/h.json", dir);
    CHECK(run("hotspots", k1, "-o", hj, "--top", "5", "--summary", hs, "--crime-type",
              "Violence and sexual offences", NULL) == HS_EXIT_OK);
    CHECK_MSG(strstr(errbuf, "5 hotspots") && strstr(errbuf, "Gini") &&
                  strstr(errbuf, "first: sq150_"),
              "%s", errbuf);
    CHECK(access(hj, F_OK) == 0 && access(hq, F_OK) == 0 && access(hs, F_OK) == 0);
    size_t hl;
    char *ht = hs_test_slurp(hj, &hl);
    CHECK(ht && strstr(ht, "\"rank\":5,") && !strstr(ht, "\"rank\":6,") &&
          strstr(ht, "\"months\":"));
    free(ht);
    unlink(hj), unlink(hq), unlink(hs);
    /* The CSV of hotspots feeds the patrol plan. */
    char hc[600], plan[600], geo[600];
    snprintf(hc, sizeof hc, "%s/h.csv", dir);
    snprintf(plan, sizeof plan, "%s/plan.csv", dir);
    snprintf(geo, sizeof geo, "%s/geo.geojson", dir);
    CHECK(run("hotspots", k1, "-o", hc, "--top", "4", "-q", NULL) == HS_EXIT_OK);
    CHECK(run("patrol", hc, "-o", plan, "--half", "--days", "2", "--geofences", geo, NULL) ==
          HS_EXIT_OK);
    CHECK_MSG(strstr(errbuf, "4 hotspots, 2 days, 2 visits of 15 minutes"), "%s", errbuf);
    CHECK(access(plan, F_OK) == 0 && access(geo, F_OK) == 0);
    CHECK(run("patrol", hc, k1, "-o", plan, NULL) == HS_EXIT_USAGE);
    CHECK(run("patrol", k1, "-o", plan, NULL) == HS_EXIT_DATA &&
          strstr(errbuf, "not a hotspots CSV"));
    CHECK(run("patrol", hc, "-o", plan, "--window", "20-4", NULL) == HS_EXIT_USAGE);
    unlink(hc), unlink(plan), unlink(geo);
    /* change: two periods of the January file are one month each way. */
    char cg[600];
    snprintf(cg, sizeof cg, "%s/chg.csv", dir);
    CHECK(run("change", k1, "--before", "2023-12..2023-12", "--after", "2024-01..2024-01", "-o", cg,
              NULL) == HS_EXIT_OK);
    CHECK_MSG(strstr(errbuf, "14330 incidents after, 0 before"), "%s", errbuf);
    size_t cl;
    char *ct = hs_test_slurp(cg, &cl);
    CHECK(ct && strstr(ct, ",count_compare,change,change_pct,per_30d,per_30d_compare,"
                           "change_per_30d,change_p\n"));
    free(ct);
    unlink(cg);
}

/* evaluate, displacement and trend, checked against the counts. */
static void cli_measures(const char *dir, const char *k1) {
    /* evaluate: hotspots of the January file measured on itself: the best
     * possible set, so PEI is 1. */
    char hv[600], ev[600], cv[600];
    snprintf(hv, sizeof hv, "%s/hv.csv", dir);
    snprintf(ev, sizeof ev, "%s/ev.csv", dir);
    snprintf(cv, sizeof cv, "%s/cv.csv", dir);
    size_t cl;
    CHECK(run("hotspots", k1, "-o", hv, "--top", "10", "-q", NULL) == HS_EXIT_OK);
    CHECK(run("evaluate", k1, "--hotspots", hv, "--after", "2024-01..2024-01", "-o", ev, "--curve",
              cv, NULL) == HS_EXIT_OK);
    CHECK_MSG(strstr(errbuf, "10 hotspots on") && strstr(errbuf, "PEI 1.00"), "%s", errbuf);
    char *et = hs_test_slurp(ev, &cl);
    CHECK(et && strstr(et, "measure,value\nhotspots,10\n") && strstr(et, "pei,1.0000\n"));
    free(et);
    /* displacement: the 10 hotspot cells treated, a 300 m ring, the
     * shipped wards as control. The treated count must equal the hotspot
     * file's own January counts (grid tally vs GEOS point-in-polygon on
     * the unioned cells), and the quotient must follow from the counts
     * (Bowers & Johnson 2003). */
    char k2[512], dq[600], gshp[600];
    snprintf(k2, sizeof k2, "%s/police-uk-kent/2024-02-kent-street.csv", HS_TEST_DATA);
    snprintf(dq, sizeof dq, "%s/dq.csv", dir);
    snprintf(gshp, sizeof gshp, "%s/../../shapefiles/gravesham_wards_2013.shp", HS_TEST_DATA);
    CHECK(run("displacement", k1, k2, "--treated", hv, "--buffer", "300", "--control", gshp,
              "--before", "2024-01..2024-01", "--after", "2024-02..2024-02", "-o", dq,
              NULL) == HS_EXIT_OK);
    CHECK_MSG(strstr(errbuf, "WDQ"), "%s", errbuf);
    {
        char *hf = hs_test_slurp(hv, &cl), *dt = hs_test_slurp(dq, &cl);
        double hot = 0, v[8] = {0};
        const char *names[8] = {
            "treated_before,", "treated_after,", "buffer_before,", "buffer_after,",
            "control_before,", "control_after,", "wdq,",           "success_measure,"};
        /* count is the 7th column of the hotspots file */
        for (char *line = hf ? strchr(hf, '\n') : NULL; line && line[1];
             line = strchr(line + 1, '\n')) {
            char *c = line + 1;
            for (int col = 0; col < 6 && c; col++)
                c = strchr(c, ',') ? strchr(c, ',') + 1 : NULL;
            if (c) hot += strtod(c, NULL);
        }
        for (int i = 0; i < 8 && dt; i++) {
            char *p = strstr(dt, names[i]);
            CHECK_MSG(p, "%s missing", names[i]);
            if (p) v[i] = strtod(p + strlen(names[i]), NULL);
        }
        CHECK_MSG(hot > 0 && v[0] == hot, "treated %g, hotspot cells %g", v[0], hot);
        double succ = v[1] / v[5] - v[0] / v[4], buf = v[3] / v[5] - v[2] / v[4];
        CHECK_NEAR(v[7], succ, 1e-5 * fabs(succ));
        CHECK_NEAR(v[6], buf / succ, 1e-5 * fabs(buf / succ));
        free(hf), free(dt);
    }
    unlink(dq);
    /* trend: every located incident lands in one period column, so the
     * columns add up to the rows the reader used (14,330 + 13,843). */
    CHECK(run("trend", k1, k2, "--period", "month", "-o", dq, NULL) == HS_EXIT_OK);
    CHECK_MSG(strstr(errbuf, "2 months 2024-01..2024-02"), "%s", errbuf);
    {
        char *tt = hs_test_slurp(dq, &cl);
        double total = 0;
        CHECK(tt &&
              strstr(tt, ",p_last,name,location,location_pct,one_point_pct,n_2024-01,n_2024-02\n"));
        for (char *line = tt ? strchr(tt, '\n') : NULL; line && line[1];
             line = strchr(line + 1, '\n')) {
            char *eol = strchr(line + 1, '\n');
            /* the last two fields of the row */
            char *p = line + 1, *c1 = NULL, *c2 = NULL;
            for (; p < eol; p++)
                if (*p == ',') c1 = c2, c2 = p;
            if (c1 && c2) total += strtod(c1 + 1, NULL) + strtod(c2 + 1, NULL);
        }
        CHECK_MSG(total == 28173, "trend total %g", total);
        free(tt);
    }
    unlink(dq);
    CHECK(run("trend", k1, "--period", "fortnight", "-o", dq, NULL) == HS_EXIT_USAGE &&
          strstr(errbuf, "--period must be"));
    CHECK(run("displacement", k1, "--treated", hv, "--control", gshp, "-o", dq, NULL) ==
              HS_EXIT_USAGE &&
          strstr(errbuf, "displacement needs"));
    CHECK(access(dq, F_OK) != 0);
    unlink(hv), unlink(ev), unlink(cv);
    char hj[600], cg[600];
    snprintf(hj, sizeof hj, "%s/h.geojson", dir);
    snprintf(cg, sizeof cg, "%s/chg.csv", dir);
    CHECK(run("evaluate", k1, "--after", "2024-01..2024-01", "-o", ev, NULL) == HS_EXIT_USAGE);
    CHECK(run("change", k1, "--after", "2024-01..2024-01", "-o", cg, NULL) == HS_EXIT_USAGE &&
          strstr(errbuf, "change needs --before"));
    CHECK(run("hotspots", k1, "-o", hj, "--fdr", "maybe", NULL) == HS_EXIT_USAGE &&
          strstr(errbuf, "--fdr must be on or off"));
    CHECK(run("hotspots", k1, "-o", hj, "--top", "0", NULL) == HS_EXIT_USAGE);
    CHECK(run("hotspots", k1, "-o", hj, "--harm", "no-such.csv", NULL) == HS_EXIT_DATA &&
          strstr(errbuf, "no-such.csv: No such file"));
}

void test_cli(void) {
    char dir[] = "/tmp/hs_cli_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char k1[512], out1[600], wbase[600];
    snprintf(k1, sizeof k1, "%s/police-uk-kent/2024-01-kent-street.csv", HS_TEST_DATA);
    snprintf(out1, sizeof out1, "%s/a.geojson", dir);
    snprintf(wbase, sizeof wbase, "%s/w", dir);
    cli_grid(dir, k1);
    cli_wards(dir, k1);
    cli_kde(dir, k1);
    cli_hotspots(dir, k1);
    cli_measures(dir, k1);
    /* Only the good outputs are left: no temporaries, no partial files. */
    const char *exts[] = {".csv", ".shp", ".shx", ".dbf", ".prj", ".cpg", ".qml"};
    for (int i = 0; i < 7; i++) {
        char p[700];
        snprintf(p, sizeof p, "%s%s", wbase, exts[i]);
        CHECK_MSG(access(p, F_OK) == 0, "%s missing", p);
        unlink(p);
    }
    char aq[700]; /* the grid's QGIS style */
    snprintf(aq, sizeof aq, "%s/a.qml", dir);
    CHECK(access(aq, F_OK) == 0);
    unlink(aq);
    snprintf(aq, sizeof aq, "%s/b.qml", dir); /* of later b.geojson runs */
    unlink(aq);
    CHECK(only_file_is(dir, "a.geojson"));
    unlink(out1);
    rmdir(dir);
}
