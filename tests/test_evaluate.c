/* test_evaluate.c — Mann-Kendall and the change test against R 4.2
 * (cor.test kendall with continuity, binom.test; tests/data/peer), one
 * constructed series per emerging hot spot category, and capture measures
 * and the weighted displacement quotient worked by hand. */
#include "check.h"

#include "hotspot.h"

#include <stdlib.h>
#include <string.h>

static void mann_kendall(void) {
    FILE *f = fopen(HS_TEST_DATA "/peer/mann_kendall_reference.csv", "r");
    char line[512];
    int rows = 0;
    CHECK(f && fgets(line, sizeof line, f));
    while (f && fgets(line, sizeof line, f)) {
        char name[32], vals[256];
        double tau, z, p;
        if (sscanf(line, "%31[^,],%255[^,],%lf,%lf,%lf", name, vals, &tau, &z, &p) != 5) continue;
        double x[64];
        size_t n = 0;
        for (char *q = vals; *q && n < 64;) {
            char *e;
            x[n++] = strtod(q, &e);
            q = *e == ';' ? e + 1 : e;
        }
        hs_mann_kendall mk;
        CHECK(hs_mann_kendall_compute(x, n, &mk) == HS_OK);
        CHECK_MSG(fabs(mk.z - z) < 1e-12 && fabs(mk.p - p) < 1e-12 * fmax(1, p) + 1e-15 &&
                      fabs(mk.tau - tau) < 1e-12,
                  "%s: z %.15g/%.15g p %.15g/%.15g tau %.15g/%.15g", name, mk.z, z, mk.p, p, mk.tau,
                  tau);
        rows++;
    }
    if (f) fclose(f);
    CHECK(rows == 4);
    /* S and its variance by hand for 1, 2, 2, 3: S = 5, ties {2,2}:
     * var = (4*3*13 - 2*1*9) / 18 = 138/18. */
    const double t[4] = {1, 2, 2, 3};
    hs_mann_kendall mk;
    hs_mann_kendall_compute(t, 4, &mk);
    CHECK(mk.s == 5);
    CHECK_NEAR(mk.var_s, 138.0 / 18, 1e-12);
}

static void change_test(void) {
    FILE *f = fopen(HS_TEST_DATA "/peer/binom_reference.csv", "r");
    char line[256];
    int rows = 0;
    CHECK(f && fgets(line, sizeof line, f));
    double b, a, s, p;
    while (f && fscanf(f, "%lf,%lf,%lf,%lf", &b, &a, &s, &p) == 4) {
        double got = hs_change_p((uint64_t)b, (uint64_t)a, s);
        CHECK_MSG(fabs(got - p) < 1e-12 * fmax(p, 1e-300) + 1e-14, "%g %g %g: %.15g vs R %.15g", b,
                  a, s, got, p);
        rows++;
    }
    if (f) fclose(f);
    CHECK(rows == 6);
    CHECK(isnan(hs_change_p(0, 0, 0.5)));
}

/* Ten periods; S = significant (p 0.01), N = not (p 0.5). */
static hs_emerging classify(const char *pattern, const double *zs) {
    double z[16], p[16];
    size_t t = strlen(pattern);
    for (size_t i = 0; i < t; i++) {
        char c = pattern[i];
        z[i] = zs ? zs[i] : c == 'H' ? 3 : c == 'C' ? -3 : 0.5;
        p[i] = c == 'H' || c == 'C' ? 0.01 : 0.5;
    }
    return hs_emerging_classify(z, p, t, 0.10);
}

static void emerging(void) {
    const double up[10] = {2, 2.2, 2.5, 2.9, 3.3, 3.8, 4.2, 4.9, 5.3, 6};
    const double down[10] = {6, 5.3, 4.9, 4.2, 3.8, 3.3, 2.9, 2.5, 2.2, 2};
    const double flat[10] = {3, 4, 3, 4, 3, 4, 3, 4, 3, 4};
    const double cold_up[10] = {-2, -2.2, -2.5, -2.9, -3.3, -3.8, -4.2, -4.9, -5.3, -6};
    CHECK(classify("NNNNNNNNNH", NULL) == HS_EMERGING_NEW_HOT);
    CHECK(classify("NNNNNNNHHH", NULL) == HS_EMERGING_CONSECUTIVE_HOT);
    CHECK(classify("HHHHHHHHHH", up) == HS_EMERGING_INTENSIFYING_HOT);
    CHECK(classify("HHHHHHHHHH", flat) == HS_EMERGING_PERSISTENT_HOT);
    CHECK(classify("HHHHHHHHHH", down) == HS_EMERGING_DIMINISHING_HOT);
    CHECK(classify("NHNNHNNNNH", NULL) == HS_EMERGING_SPORADIC_HOT);
    CHECK(classify("NNHNNCNNNH", NULL) == HS_EMERGING_OSCILLATING_HOT);
    CHECK(classify("HHHHHHHHHN", NULL) == HS_EMERGING_HISTORICAL_HOT);
    CHECK(classify("NNNNNNNNNC", NULL) == HS_EMERGING_NEW_COLD);
    CHECK(classify("NNNNNNNCCC", NULL) == HS_EMERGING_CONSECUTIVE_COLD);
    CHECK(classify("CCCCCCCCCC", cold_up) == HS_EMERGING_INTENSIFYING_COLD);
    CHECK(classify("NCNNCNNNNC", NULL) == HS_EMERGING_SPORADIC_COLD);
    CHECK(classify("NNNNNNNNNN", NULL) == HS_EMERGING_NONE);
    CHECK(classify("NNHNNNNNNN", NULL) == HS_EMERGING_NONE);
    CHECK(!strcmp(hs_emerging_name(HS_EMERGING_OSCILLATING_HOT), "oscillating hot spot"));
}

static void capture_and_wdq(void) {
    /* Five equal units; units 0 and 2 chosen. After: 10 5 3 2 0 (N = 20);
     * before: 8 6 1 1 4 (N0 = 20). n = 13 of 20 on 2/5 of the area. */
    const double after[5] = {10, 5, 3, 2, 0}, before[5] = {8, 6, 1, 1, 4},
                 area[5] = {1, 1, 1, 1, 1};
    const int chosen[5] = {1, 0, 1, 0, 0};
    hs_capture c;
    CHECK(hs_capture_compute(after, before, area, chosen, 5, &c) == HS_OK);
    CHECK_NEAR(c.hit_rate_pct, 65, 1e-12);
    CHECK_NEAR(c.pai, 0.65 / 0.4, 1e-12);
    CHECK_NEAR(c.pei, 13.0 / 15, 1e-12); /* the best 2 units hold 15 */
    CHECK_NEAR(c.rri, (13.0 / 9) / (20.0 / 20), 1e-12);
    /* Treated 100 -> 60, buffer 50 -> 45, control 1000 -> 1000. */
    hs_wdq w;
    CHECK(hs_wdq_compute(100, 60, 50, 45, 1000, 1000, &w) == HS_OK);
    CHECK_NEAR(w.success, -0.04, 1e-15);
    CHECK_NEAR(w.buffer, -0.005, 1e-15);
    CHECK_NEAR(w.wdq, 0.125, 1e-12); /* > 0: diffusion of benefits */
    CHECK_NEAR(w.net_effect, 45, 1e-12);
    /* Displacement: the buffer rose. */
    CHECK(hs_wdq_compute(100, 60, 50, 70, 1000, 1000, &w) == HS_OK && w.wdq < 0);
    CHECK(hs_wdq_compute(1, 1, 1, 1, 0, 5, &w) == HS_EINVAL);
}

/* A treated 100 m cell, its 100 m ring, a 10 km control square:
 * before 10 / 5 / 100, after 4 / 6 / 100. */
static void displacement(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    const char *tid[] = {"sq100_5000_2000"}, *cid[] = {"sq10000_50_20"};
    hs_units *t, *c;
    CHECK(hs_units_from_cell_ids(ctx, tid, 1, &t) == HS_OK);
    CHECK(hs_units_from_cell_ids(ctx, cid, 1, &c) == HS_OK);
    char csv[8192];
    size_t k = (size_t)snprintf(csv, sizeof csv, "x,y,date\n");
    struct {
        double x, y;
        const char *d;
        int n;
    } rows[] = {{500050, 200050, "2024-01", 10},  {500150, 200050, "2024-01", 5},
                {505000, 205000, "2024-01", 100}, {500050, 200050, "2024-02", 4},
                {500150, 200050, "2024-02", 6},   {505000, 205000, "2024-02", 100},
                {500050, 200050, "2024-03", 50}};
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++)
        for (int i = 0; i < rows[r].n; i++)
            k += (size_t)snprintf(csv + k, sizeof csv - k, "%.0f,%.0f,%s\n", rows[r].x, rows[r].y,
                                  rows[r].d);
    hs_incidents *inc;
    hs_incidents_create(ctx, &inc);
    hs_read_options o = hs_test_xy(NULL, NULL);
    o.date_column = "date";
    CHECK(hs_incidents_read_csv_buffer(ctx, "d.csv", csv, k, &o, inc) == HS_OK);
    hs_displacement d;
    hs_displacement_options dopt = {t, 100, c, "2024-01", "2024-01", "2024-02", "2024-02"};
    CHECK_MSG(hs_displacement_compute(ctx, inc, &dopt, &d) == HS_OK, "%s", hs_ctx_last_error(ctx));
    CHECK(d.a0 == 10 && d.a1 == 4 && d.b0 == 5 && d.b1 == 6 && d.c0 == 100 && d.c1 == 100);
    CHECK_NEAR(d.area_km2[0], 0.01, 1e-12);
    CHECK_NEAR(d.wdq.success, -0.06, 1e-15);
    CHECK_NEAR(d.wdq.buffer, 0.01, 1e-15);
    CHECK_NEAR(d.wdq.wdq, -1.0 / 6, 1e-12);
    CHECK_NEAR(d.wdq.net_effect, 5, 1e-12);
    /* The ring: a 300 m square with rounded corners (GEOS buffer, 16
     * segments a quarter circle) less the 100 m cell. */
    double ring = (300.0 * 300 - 4 * 100.0 * 100 + 3.14159265358979 * 100 * 100 - 100 * 100) / 1e6;
    CHECK_NEAR(d.area_km2[1], ring, 2e-4);
    const char *bad[] = {"not-a-cell"};
    hs_units *x;
    CHECK(hs_units_from_cell_ids(ctx, bad, 1, &x) == HS_EINVAL);
    hs_incidents_destroy(inc);
    hs_units_destroy(t);
    hs_units_destroy(c);
    hs_ctx_destroy(ctx);
}

/* hotspot trend's engine: G x G cells of 100 m, 14 months of incidents.
 * Period sums are checked against the generating counts, and each
 * period's Gi* z against a brute-force Gi* (Ord & Getis 1995, binary
 * queen weights with self) written out here; categories must be those of
 * hs_emerging_classify on the brute-force series. */
#define TG 15
#define TM 14
static double trend_count(int i, int j, int m) {
    int c = TG / 2;
    double v = (i + j + m) % 3 == 0;              /* scattered background */
    if (i == c && j == c) v += 12;                /* hot all along */
    if (i == 1 && j == 1 && m == TM - 1) v += 12; /* new in the final month */
    return v;
}

static void trend(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    const char *ids[TG * TG];
    char idbuf[TG * TG][32];
    for (int i = 0; i < TG; i++)
        for (int j = 0; j < TG; j++) {
            snprintf(idbuf[i * TG + j], 32, "sq100_%d_%d", 5000 + j, 2000 + i);
            ids[i * TG + j] = idbuf[i * TG + j];
        }
    hs_units *u;
    CHECK(hs_units_from_cell_ids(ctx, ids, TG * TG, &u) == HS_OK);
    CHECK(hs_units_build_neighbours(ctx, u, 0) == HS_OK);
    size_t cap = 1 << 20, k = 0;
    char *csv = malloc(cap);
    k += (size_t)snprintf(csv + k, cap - k, "x,y,date\n");
    for (int m = 0; m < TM; m++)
        for (int i = 0; i < TG; i++)
            for (int j = 0; j < TG; j++)
                for (int r = 0; r < (int)trend_count(i, j, m); r++)
                    k += (size_t)snprintf(csv + k, cap - k, "%d,%d,%04d-%02d\n",
                                          500000 + 100 * j + 10 + r, 200000 + 100 * i + 50,
                                          2023 + m / 12, m % 12 + 1);
    k += (size_t)snprintf(csv + k, cap - k, "500050,200050,\n"); /* undated */
    hs_incidents *inc;
    hs_incidents_create(ctx, &inc);
    hs_read_options o = hs_test_xy(NULL, NULL);
    o.date_column = "date";
    CHECK(hs_incidents_read_csv_buffer(ctx, "t.csv", csv, k, &o, inc) == HS_OK);
    size_t ni = hs_incidents_count(inc);
    uint32_t *uo = malloc(ni * sizeof *uo);
    CHECK(hs_units_locate(ctx, u, inc, uo) == HS_OK);
    hs_trend_options to = {HS_PERIOD_AUTO, 0.10, 0};
    hs_trend *t;
    CHECK_MSG(hs_trend_compute(ctx, u, inc, uo, &to, &t) == HS_OK, "%s", hs_ctx_last_error(ctx));
    /* 14 months span 5 quarters: auto keeps months. */
    CHECK(hs_trend_period(t) == HS_PERIOD_MONTH && hs_trend_period_count(t) == TM);
    CHECK(!strcmp(hs_trend_period_label(t, 0), "2023-01") &&
          !strcmp(hs_trend_period_label(t, TM - 1), "2024-02"));
    CHECK(hs_trend_undated(t) == 1);
    const double *v = hs_trend_values(t), *z = hs_trend_z(t);
    int n = TG * TG, bad_v = 0, bad_z = 0, bad_c = 0;
    double zs[TG * TG][TM], ps[TG * TG][TM];
    for (int m = 0; m < TM; m++) {
        double x[TG * TG], sum = 0, sq = 0;
        for (int q = 0; q < n; q++) {
            x[q] = trend_count(q / TG, q % TG, m);
            sum += x[q], sq += x[q] * x[q];
            bad_v += v[q * TM + m] != x[q];
        }
        double mean = sum / n, s = sqrt(sq / n - mean * mean);
        for (int q = 0; q < n; q++) {
            int i = q / TG, j = q % TG;
            double w = 0, lx = 0;
            for (int di = -1; di <= 1; di++)
                for (int dj = -1; dj <= 1; dj++)
                    if (i + di >= 0 && i + di < TG && j + dj >= 0 && j + dj < TG)
                        w++, lx += x[(i + di) * TG + j + dj];
            zs[q][m] = (lx - mean * w) / (s * sqrt((n * w - w * w) / (n - 1)));
            ps[q][m] = erfc(fabs(zs[q][m]) / sqrt(2));
            bad_z += !(fabs(z[q * TM + m] - zs[q][m]) < 1e-9);
        }
    }
    for (int q = 0; q < n; q++) {
        hs_trend_unit r;
        CHECK(hs_trend_unit_get(t, (size_t)q, &r) == HS_OK);
        bad_c += r.category != hs_emerging_classify(zs[q], ps[q], TM, 0.10);
    }
    CHECK_MSG(!bad_v && !bad_z && !bad_c, "%d values, %d z, %d categories differ", bad_v, bad_z,
              bad_c);
    hs_trend_unit r;
    hs_trend_unit_get(t, (TG / 2) * TG + TG / 2, &r);
    CHECK_MSG(r.category == HS_EMERGING_PERSISTENT_HOT, "centre: %s", hs_emerging_name(r.category));
    hs_trend_unit_get(t, 1 * TG + 1, &r);
    CHECK_MSG(r.category == HS_EMERGING_NEW_HOT, "new: %s", hs_emerging_name(r.category));
    hs_trend_destroy(t);
    /* Quarters: 2023-Q1..2024-Q1, the month sums added up. */
    to.period = HS_PERIOD_QUARTER;
    CHECK(hs_trend_compute(ctx, u, inc, uo, &to, &t) == HS_OK);
    CHECK(hs_trend_period_count(t) == 5 && !strcmp(hs_trend_period_label(t, 4), "2024-Q1"));
    v = hs_trend_values(t);
    double qsum = 0;
    for (int m = 0; m < 3; m++)
        qsum += trend_count(TG / 2, TG / 2, m);
    CHECK(v[((TG / 2) * TG + TG / 2) * 5] == qsum);
    hs_trend_destroy(t);
    to.period = HS_PERIOD_YEAR;
    CHECK(hs_trend_compute(ctx, u, inc, uo, &to, &t) == HS_OK);
    CHECK(hs_trend_period_count(t) == 2 && !strcmp(hs_trend_period_label(t, 1), "2024"));
    hs_trend_destroy(t);
    free(uo);
    free(csv);
    hs_incidents_destroy(inc);
    hs_units_destroy(u);
    hs_ctx_destroy(ctx);
}

void test_evaluate(void) {
    displacement();
    trend();
    mann_kendall();
    change_test();
    emerging();
    capture_and_wdq();
}
