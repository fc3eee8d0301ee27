/* test_kde.c — kernel density against peers and oracles:
 *  - QGIS 3.22 Heatmap rasters (shared fixtures) on QGIS's grid: juvenile to
 *    float32 precision; Gravesham within QGIS's documented vertical defect
 *    and, exactly, against a brute-force double sum written here;
 *  - spatstat 3.0 exact intensities at the redwood points and on its
 *    lattice, with and without the uniform edge correction;
 *  - sfhotspot 1.0's kde column at the Memphis cell centroids;
 *  - closed forms: integrals, bandwidth rules, comparisons, outlines;
 *  - the incidents' order and merging: packed radix keys against the
 *    qsort of wide records, on 1 to 3 threads, and a brute-force sum;
 *  - GeoTIFF strips compressed in parallel against libtiff's own codec. */
#include "check.h"
#include "shp_util.h"

#include "hotspot.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

/* Test hooks (lib/stats/kde.c, lib/stats/geotiff.c). */
extern bool hs__kde_force_wide_keys, hs__geotiff_libtiff_codec;

#define QGIS HS_TEST_DATA "/fixtures/qgis-kde"
#define REDWOOD HS_TEST_DATA "/fixtures/spatstat-redwood"
#define MEMPHIS HS_TEST_DATA "/fixtures/sfhotspot-memphis"
#define FIXTURE HS_TEST_DATA "/fixtures/gravesham_violence_2024-01_to_04_bng.csv"

static hs_incidents *read_xy(hs_ctx *ctx, const char *path, const char *xc, const char *yc) {
    hs_incidents *inc;
    hs_incidents_create(ctx, &inc);
    hs_read_options o;
    hs_read_options_init(&o);
    o.x_column = xc;
    o.y_column = yc;
    CHECK_MSG(hs_incidents_read_csv(ctx, path, &o, inc) == HS_OK, "%s: %s", path,
              hs_ctx_last_error(ctx));
    return inc;
}

/* A QGIS fixture raster as a dense array (NAN = nodata). */
static double *read_qgis(const char *path, size_t w, size_t h) {
    double *v = malloc(w * h * sizeof *v);
    for (size_t i = 0; i < w * h; i++)
        v[i] = NAN;
    FILE *f = fopen(path, "r");
    CHECK_MSG(f != NULL, "%s", path);
    char line[256];
    if (f && fgets(line, sizeof line, f)) {
        size_t r, c;
        double cx, cy, val;
        while (fscanf(f, "%zu,%zu,%lf,%lf,%lf", &r, &c, &cx, &cy, &val) == 5)
            if (r < h && c < w) v[r * w + c] = val;
        fclose(f);
    }
    return v;
}

static void vs_qgis(const char *points, const char *xc, const char *yc, const char *fixture,
                    hs_kernel k, double r, double px, double tol_of_max, bool oracle) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc = read_xy(ctx, points, xc, yc);
    hs_kde_options o;
    hs_kde_options_init(&o);
    o.kernel = k;
    o.bandwidth_m = r;
    o.pixel_size_m = px;
    o.grid = HS_KDE_GRID_QGIS;
    hs_raster *R;
    CHECK(hs_kde_compute(ctx, inc, &o, &R) == HS_OK);
    hs_raster_info in;
    hs_raster_info_get(R, &in);
    double *q = read_qgis(fixture, in.width, in.height);
    const float *v = hs_raster_values(R);
    double worst = 0, max = in.max, worst_oracle = 0;
    size_t both = 0;
    const double *x = hs_incidents_x(inc), *y = hs_incidents_y(inc);
    for (size_t row = 0; row < in.height; row++)
        for (size_t c = 0; c < in.width; c++) {
            size_t i = row * in.width + c;
            double ours = v[i] == in.nodata ? 0 : v[i], theirs = isnan(q[i]) ? 0 : q[i];
            both += v[i] != in.nodata && !isnan(q[i]);
            worst = fmax(worst, fabs(ours - theirs));
            if (oracle && (row % 3 == 0)) {
                /* Brute force: every point, every pixel centre, in double. */
                double cx = in.x_min + ((double)c + 0.5) * px,
                       cy = in.y_max - ((double)row + 0.5) * px;
                double s = 0;
                for (size_t p = 0; p < hs_incidents_count(inc); p++) {
                    double u2 = ((x[p] - cx) * (x[p] - cx) + (y[p] - cy) * (y[p] - cy)) / (r * r);
                    if (u2 <= 1) s += k == HS_KERNEL_QUARTIC ? (1 - u2) * (1 - u2) : 1 - u2;
                }
                worst_oracle = fmax(worst_oracle, fabs(ours - s) / fmax(1, s));
            }
        }
    CHECK_MSG(worst <= tol_of_max * max, "%s: worst %g on max %g (tol %g)", fixture, worst, max,
              tol_of_max * max);
    if (oracle) CHECK_MSG(worst_oracle < 1e-6, "%s: oracle %g", fixture, worst_oracle);
    printf("%s: %zu x %zu, max %.6g, worst difference from QGIS %.3g (%.2g of max)%s\n", fixture,
           in.width, in.height, max, worst, worst / max, oracle ? ", oracle exact" : "");
    free(q);
    hs_raster_destroy(R);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

/* spatstat: sigma per axis; quartic h = 2 sqrt 2 sigma, epanechnikov
 * h = sqrt 6 sigma, gaussian h = sigma (cut at 12 sigmas: exact). */
static void vs_spatstat_points(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc = read_xy(ctx, REDWOOD "/redwood_points.csv", "x", "y");
    size_t n = hs_incidents_count(inc);
    CHECK(n == 62);
    double *px = malloc(n * sizeof *px), *py = malloc(n * sizeof *py), *v = malloc(n * sizeof *v);
    memcpy(px, hs_incidents_x(inc), n * sizeof *px);
    memcpy(py, hs_incidents_y(inc), n * sizeof *py);
    const double sigma = 0.05;
    struct {
        hs_kernel k;
        double h;
        int col_self;
    } ks[] = {{HS_KERNEL_GAUSSIAN, sigma, 3},
              {HS_KERNEL_QUARTIC, 2 * sqrt(2.0) * sigma, 5},
              {HS_KERNEL_EPANECHNIKOV, sqrt(6.0) * sigma, 7}};
    FILE *f = fopen(REDWOOD "/redwood_expected_at_points_sigma0.05.csv", "r");
    char line[1024];
    double exp_[62][13];
    size_t k = 0;
    if (f && fgets(line, sizeof line, f))
        while (k < 62 && fgets(line, sizeof line, f)) {
            char *p = line;
            for (int c = 0; c < 13; c++) {
                exp_[k][c] = strtod(p, &p);
                if (*p == ',') p++;
            }
            k++;
        }
    if (f) fclose(f);
    CHECK(k == 62);
    double worst = 0;
    for (size_t j = 0; j < 3; j++) {
        hs_kde_options o;
        hs_kde_options_init(&o);
        o.kernel = ks[j].k;
        o.bandwidth_m = ks[j].h;
        o.units = HS_KDE_DENSITY;
        o.gaussian_cutoff = 12;
        CHECK(hs_kde_at(ctx, inc, &o, px, py, n, v) == HS_OK);
        /* Density is per km^2, spatstat's per unit^2 (here the working
         * CRS's metre): divide by 1e6. Leave-one-out = self - K(0). */
        o.units = HS_KDE_DENSITY;
        double k0;
        hs_incidents *one;
        hs_incidents_create(ctx, &one);
        const char *t = "x,y\n0,0\n";
        hs_read_options ro = hs_test_xy(NULL, NULL);
        CHECK(hs_incidents_read_csv_buffer(ctx, "o.csv", t, strlen(t), &ro, one) == HS_OK);
        double zero = 0;
        CHECK(hs_kde_at(ctx, one, &o, &zero, &zero, 1, &k0) == HS_OK);
        hs_incidents_destroy(one);
        for (size_t i = 0; i < n; i++) {
            double self = v[i] / 1e6, loo = (v[i] - k0) / 1e6;
            double e1 = exp_[i][ks[j].col_self], e2 = exp_[i][ks[j].col_self + 1];
            worst = fmax(worst, fmax(fabs(self - e1) / e1, fabs(loo - e2) / fmax(e2, 1e-300)));
        }
    }
    CHECK_MSG(worst < 1e-9, "spatstat at points: worst relative %g", worst);
    printf("spatstat redwood at points: gaussian, quartic, epanechnikov, self and leave-one-out, "
           "worst relative %.2g\n",
           worst);
    free(px);
    free(py);
    free(v);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

/* The lattice: exact gaussian sums, and the edge-corrected surface over the
 * window [0,1] x [-1,0] given as a mask polygon. */
static void vs_spatstat_lattice(const char *tmp) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc = read_xy(ctx, REDWOOD "/redwood_points.csv", "x", "y");
    FILE *f = fopen(REDWOOD "/redwood_expected_lattice_sigma0.05.csv", "r");
    char line[256];
    double lx[121], ly[121], noedge[121], edge[121], v[121];
    size_t n = 0;
    if (f && fgets(line, sizeof line, f))
        while (n < 121 && fscanf(f, "%lf,%lf,%lf,%lf", &lx[n], &ly[n], &noedge[n], &edge[n]) == 4)
            n++;
    if (f) fclose(f);
    CHECK(n == 121);
    hs_kde_options o;
    hs_kde_options_init(&o);
    o.kernel = HS_KERNEL_GAUSSIAN;
    o.bandwidth_m = 0.05;
    o.units = HS_KDE_DENSITY;
    o.gaussian_cutoff = 12;
    CHECK(hs_kde_at(ctx, inc, &o, lx, ly, n, v) == HS_OK);
    double worst = 0;
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs(v[i] / 1e6 - noedge[i]) / fmax(noedge[i], 1e-3));
    CHECK_MSG(worst < 1e-9, "lattice without edge correction: worst %g", worst);

    /* Edge correction on a 0.01 grid whose pixel centres fall on the
     * lattice; compared at the interior lattice points (on the window's
     * edge a pixel is half outside, which the pixel grid cannot resolve). */
    char base[600];
    snprintf(base, sizeof base, "%s/window", tmp);
    static const double wx[] = {0, 0, 1, 1, 0}, wy[] = {-1, 0, 0, -1, -1};
    static const int part0[] = {0};
    shp_rec win = {1, 5, part0, wx, wy};
    static const char *fld[] = {"code"}, *val[] = {"W"};
    shp_write(base, 5, &win, 1);
    dbf_write(base, fld, 1, val, 1, 4, 0);
    hs_units *mask;
    hs_units_create(ctx, &mask);
    char shp[700];
    snprintf(shp, sizeof shp, "%s.shp", base);
    CHECK(hs_units_read_shapefile(ctx, shp, NULL, mask) == HS_OK);
    hs_kde_options_init(&o);
    o.kernel = HS_KERNEL_GAUSSIAN;
    o.bandwidth_m = 0.05;
    o.units = HS_KDE_DENSITY;
    o.pixel_size_m = 0.01;
    o.grid = HS_KDE_GRID_EXACT;
    o.has_extent = 1;
    o.extent[0] = -0.005, o.extent[1] = -1.005, o.extent[2] = 1.005, o.extent[3] = 0.005;
    o.mask = mask;
    o.edge_correction = 1;
    o.gaussian_cutoff = 8; /* as spatstat's untruncated kernel to 1e-14 */
    hs_raster *R;
    CHECK_MSG(hs_kde_compute(ctx, inc, &o, &R) == HS_OK, "%s", hs_ctx_last_error(ctx));
    hs_raster_info in;
    hs_raster_info_get(R, &in);
    CHECK(in.width == 101 && in.height == 101);
    const float *rv = hs_raster_values(R);
    /* Every lattice point, edges and corners too, where a tree lies within
     * the kernel's 8 sigmas (elsewhere spatstat's values are below 1e-3). */
    double worst_e = 0;
    size_t compared = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = (size_t)lround(lx[i] / 0.01), r = (size_t)lround(-ly[i] / 0.01);
        if (rv[r * in.width + c] == in.nodata) {
            /* A centre on the window's edge may round an ulp outside it. */
            bool on_edge = lx[i] == 0 || lx[i] == 1 || ly[i] == 0 || ly[i] == -1;
            CHECK(edge[i] < 1e-3 || on_edge);
            continue;
        }
        double ours = rv[r * in.width + c] / 1e6;
        worst_e = fmax(worst_e, fabs(ours - edge[i]) / fmax(edge[i], 0.01));
        compared++;
    }
    CHECK_MSG(worst_e < 1e-3 && compared >= 95,
              "edge-corrected lattice: worst relative %g over %zu", worst_e, compared);
    printf("spatstat redwood lattice: exact to %.2g; edge-corrected (%zu points, 0.01 pixels) to "
           "%.2g relative\n",
           worst, compared, worst_e);
    hs_raster_destroy(R);
    hs_units_destroy(mask);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

static void vs_sfhotspot(const char *file, double h) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_ctx_set_crs(ctx, "EPSG:2843");
    hs_incidents *inc = read_xy(ctx, MEMPHIS "/memphis_robberies.csv", "x_epsg2843", "y_epsg2843");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", MEMPHIS, file);
    FILE *f = fopen(path, "r");
    char line[1024];
    size_t cap = 4096, n = 0;
    double *cx = malloc(cap * sizeof *cx), *cy = malloc(cap * sizeof *cy),
           *kde = malloc(cap * sizeof *kde);
    if (f && fgets(line, sizeof line, f))
        while (n < cap && fgets(line, sizeof line, f)) {
            double a[11];
            char *p = line;
            for (int c = 0; c < 11; c++) {
                a[c] = strtod(p, &p);
                if (*p == ',') p++;
            }
            cx[n] = a[7], cy[n] = a[8], kde[n] = a[10];
            n++;
        }
    if (f) fclose(f);
    double *v = malloc(n * sizeof *v);
    hs_kde_options o;
    hs_kde_options_init(&o);
    o.bandwidth_m = h;
    CHECK(hs_kde_at(ctx, inc, &o, cx, cy, n, v) == HS_OK);
    double worst = 0;
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs(v[i] - kde[i]) / fmax(1, kde[i]));
    CHECK_MSG(worst < 1e-9, "%s: worst %g", file, worst);
    printf("sfhotspot %s: %zu cell centroids, worst relative %.2g\n", file, n, worst);
    free(cx);
    free(cy);
    free(kde);
    free(v);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

static void bandwidth_rules(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_ctx_set_crs(ctx, "EPSG:2843");
    hs_incidents *inc = read_xy(ctx, MEMPHIS "/memphis_robberies.csv", "x_epsg2843", "y_epsg2843");
    double h;
    CHECK(hs_kde_bandwidth(ctx, inc, HS_BW_RULE_OF_THUMB, HS_KERNEL_QUARTIC, &h) == HS_OK);
    /* sfhotspot README: x 5585.3864877735678, y 5948.2096289676756. */
    CHECK_NEAR(h, (5585.3864877735678 + 5948.2096289676756) / 2, 1e-8);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);

    /* Closed forms on four points at the corners of a 200 m square:
     * sd per axis (n - 1) = sqrt(4 * 100^2 / 3); mean centre in the middle,
     * every distance 100 sqrt 2 = SD = Dm. */
    hs_ctx_create(&ctx);
    hs_incidents *sq;
    hs_incidents_create(ctx, &sq);
    const char *t = "x,y\n500000,200000\n500200,200000\n500000,200200\n500200,200200\n";
    hs_read_options ro = hs_test_xy(NULL, NULL);
    CHECK(hs_incidents_read_csv_buffer(ctx, "sq.csv", t, strlen(t), &ro, sq) == HS_OK);
    double sd = sqrt(40000.0 / 3);
    CHECK(hs_kde_bandwidth(ctx, sq, HS_BW_SCOTT, HS_KERNEL_GAUSSIAN, &h) == HS_OK);
    CHECK_NEAR(h, sd * pow(4, -1.0 / 6), 1e-9);
    CHECK(hs_kde_bandwidth(ctx, sq, HS_BW_SCOTT, HS_KERNEL_QUARTIC, &h) == HS_OK);
    CHECK_NEAR(h, sd * pow(4, -1.0 / 6) * 2 * sqrt(2.0), 1e-9);
    CHECK(hs_kde_bandwidth(ctx, sq, HS_BW_SILVERMAN, HS_KERNEL_QUARTIC, &h) == HS_OK);
    double d = 100 * sqrt(2.0);
    CHECK_NEAR(h, 0.9 * fmin(d, sqrt(1 / log(2.0)) * d) * pow(4, -0.2), 1e-9);
    /* IQR type 7 of {0,0,200,200} is 200; sd 115.47 < 200/1.34. */
    CHECK(hs_kde_bandwidth(ctx, sq, HS_BW_RULE_OF_THUMB, HS_KERNEL_QUARTIC, &h) == HS_OK);
    CHECK_NEAR(h, 4 * 1.06 * sd * pow(4, -0.2), 1e-9);
    hs_incidents_destroy(sq);
    hs_ctx_destroy(ctx);
}

/* Density integrates to the number of incidents; count sums to it; threads
 * give the same bytes; outlines and comparisons. */
static void binned_bound(hs_ctx *ctx, const hs_incidents *inc);
static void kde_errors(hs_ctx *ctx, const hs_incidents *inc);

static void closed_forms(const char *tmp) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc = read_xy(ctx, FIXTURE, "x_bng", "y_bng");
    size_t n = hs_incidents_count(inc);
    for (int k = 0; k < HS_KERNEL_COUNT_; k++) {
        hs_kde_options o;
        hs_kde_options_init(&o);
        o.kernel = (hs_kernel)k;
        o.bandwidth_m = k == HS_KERNEL_GAUSSIAN ? 100 : 400;
        o.pixel_size_m = 10;
        o.units = HS_KDE_COUNT;
        o.gaussian_cutoff = 6;
        hs_raster *R;
        CHECK(hs_kde_compute(ctx, inc, &o, &R) == HS_OK);
        hs_raster_info in;
        hs_raster_info_get(R, &in);
        /* Midpoint rule error is O((px/h)^2); the cone's kink and the
         * uniform's edge converge more slowly. */
        double tol = k == HS_KERNEL_UNIFORM || k == HS_KERNEL_TRIANGULAR ? 1e-2 : 1e-3;
        CHECK_MSG(fabs(in.sum - (double)n) / (double)n < tol, "%s: sum %g vs %zu",
                  hs_kernel_name((hs_kernel)k), in.sum, n);
        hs_raster_destroy(R);
        o.units = HS_KDE_DENSITY;
        CHECK(hs_kde_compute(ctx, inc, &o, &R) == HS_OK);
        hs_raster_info_get(R, &in);
        CHECK_NEAR(in.sum * 1e-4, (double)n, tol * (double)n); /* per km2 x 0.0001 km2 */
        hs_raster_destroy(R);
    }
    /* Same bytes on 1, 2 and 3 threads: the direct loop (gaussian)... */
    {
        hs_raster *g1 = NULL, *g3 = NULL;
        hs_kde_options o;
        hs_kde_options_init(&o);
        o.kernel = HS_KERNEL_GAUSSIAN;
        o.bandwidth_m = 80;
        o.pixel_size_m = 5;
        hs_ctx_set_threads(ctx, 1);
        CHECK(hs_kde_compute(ctx, inc, &o, &g1) == HS_OK);
        hs_ctx_set_threads(ctx, 3);
        CHECK(hs_kde_compute(ctx, inc, &o, &g3) == HS_OK);
        hs_raster_info a, b;
        hs_raster_info_get(g1, &a);
        hs_raster_info_get(g3, &b);
        CHECK(a.width == b.width &&
              memcmp(hs_raster_values(g1), hs_raster_values(g3), a.width * a.height * 4) == 0);
        hs_raster_destroy(g1);
        hs_raster_destroy(g3);
    }
    /* ... and the row-polynomial path (quartic). */
    hs_raster *ref = NULL;
    for (int t = 1; t <= 3; t++) {
        hs_ctx_set_threads(ctx, t);
        hs_kde_options o;
        hs_kde_options_init(&o);
        o.bandwidth_m = 300;
        o.pixel_size_m = 5;
        hs_raster *R;
        CHECK(hs_kde_compute(ctx, inc, &o, &R) == HS_OK);
        if (!ref) {
            ref = R;
            continue;
        }
        hs_raster_info a, b;
        hs_raster_info_get(R, &a);
        hs_raster_info_get(ref, &b);
        CHECK(a.width == b.width && a.height == b.height &&
              memcmp(hs_raster_values(R), hs_raster_values(ref), a.width * a.height * 4) == 0);
        hs_raster_destroy(R);
    }
    /* A surface against itself: difference 0, ratio 1, log-ratio 0. */
    hs_raster *d;
    CHECK(hs_raster_compare(ctx, ref, ref, HS_RASTER_DIFFERENCE, &d) == HS_OK);
    hs_raster_info di;
    hs_raster_info_get(d, &di);
    CHECK(di.min == 0 && di.max == 0);
    hs_raster_destroy(d);
    CHECK(hs_raster_compare(ctx, ref, ref, HS_RASTER_RATIO, &d) == HS_OK);
    hs_raster_info_get(d, &di);
    CHECK(di.min == 1 && di.max == 1);
    hs_raster_destroy(d);
    /* Outlines: the top 1% and 5% of the data pixels. */
    char p[600];
    snprintf(p, sizeof p, "%s/outlines.geojson", tmp);
    double pct[2] = {1, 5};
    CHECK(hs_raster_contours_write(ctx, ref, pct, 2, p) == HS_OK);
    hs_raster_info ri;
    hs_raster_info_get(ref, &ri);
    size_t len;
    char *txt = hs_test_slurp(p, &len);
    char want[64];
    snprintf(want, sizeof want, "\"pixels\":%zu,", (size_t)ceil(ri.data_pixels * 0.01));
    CHECK_MSG(txt && strstr(txt, "\"top_pct\":1,") && strstr(txt, want), "%s", want);
    free(txt);
    hs_raster_destroy(ref);
    binned_bound(ctx, inc);
    kde_errors(ctx, inc);
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

/* Binned mode: each incident moves at most delta = half a pixel diagonal,
 * so each raw quartic term changes by at most L delta, with L = 8 / (3
 * sqrt 3 h) its steepest slope; a pixel's error is at most L delta N, N the
 * incidents within h + delta of its centre (counted here with a uniform
 * kernel of that radius). */
static void binned_bound(hs_ctx *ctx, const hs_incidents *inc) {
    {
        hs_kde_options eo;
        hs_kde_options_init(&eo);
        eo.bandwidth_m = 400;
        eo.pixel_size_m = 25;
        hs_raster *ex, *bi;
        CHECK(hs_kde_compute(ctx, inc, &eo, &ex) == HS_OK);
        eo.binned = 1;
        CHECK(hs_kde_compute(ctx, inc, &eo, &bi) == HS_OK);
        hs_raster_info xi, bi_in;
        hs_raster_info_get(ex, &xi);
        hs_raster_info_get(bi, &bi_in);
        CHECK(xi.width == bi_in.width && xi.height == bi_in.height);
        size_t np = xi.width * xi.height;
        double *cx = malloc(np * sizeof *cx), *cy = malloc(np * sizeof *cy),
               *cnt = malloc(np * sizeof *cnt);
        for (size_t r = 0, i = 0; r < xi.height; r++)
            for (size_t c = 0; c < xi.width; c++, i++) {
                cx[i] = xi.x_min + ((double)c + 0.5) * 25;
                cy[i] = xi.y_max - ((double)r + 0.5) * 25;
            }
        double delta = 25 * sqrt(2.0) / 2, L = 8 / (3 * sqrt(3.0) * 400);
        hs_kde_options uo;
        hs_kde_options_init(&uo);
        uo.kernel = HS_KERNEL_UNIFORM;
        uo.bandwidth_m = 400 + delta;
        CHECK(hs_kde_at(ctx, inc, &uo, cx, cy, np, cnt) == HS_OK);
        const float *a = hs_raster_values(ex), *b = hs_raster_values(bi);
        size_t over = 0;
        double worst = 0;
        for (size_t i = 0; i < np; i++) {
            double va = a[i] == xi.nodata ? 0 : a[i], vb = b[i] == bi_in.nodata ? 0 : b[i];
            if (fabs(va - vb) > L * delta * cnt[i] + 1e-4) over++;
            worst = fmax(worst, fabs(va - vb));
        }
        CHECK_MSG(over == 0, "%zu pixels beyond the binned error bound", over);
        printf("binned: worst %.3g on max %.4g (%.2f%%); every pixel within L delta N\n", worst,
               xi.max, 100 * worst / xi.max);
        free(cx);
        free(cy);
        free(cnt);
        hs_raster_destroy(ex);
        hs_raster_destroy(bi);
    }
}

/* Errors: a grid too large, edge correction without a mask. */
static void kde_errors(hs_ctx *ctx, const hs_incidents *inc) {
    hs_kde_options o;
    hs_kde_options_init(&o);
    o.bandwidth_m = 100;
    o.pixel_size_m = 0.001;
    hs_raster *R;
    CHECK(hs_kde_compute(ctx, inc, &o, &R) == HS_ERANGE);
    CHECK(strstr(hs_ctx_last_error(ctx), "GB: choose a larger --pixel-size"));
    o.pixel_size_m = 10;
    o.edge_correction = 1;
    CHECK(hs_kde_compute(ctx, inc, &o, &R) == HS_EINVAL);
}

/* 300,000 incidents (enough for the threaded merge) at 6,000 map points with
 * 10 % unsnapped, some of weight 0 and some far outside the grid: the
 * packed radix path and the wide-record qsort path, on 1, 2 and 3 threads,
 * give the same bytes; and pixels match a brute-force sum. */
static void prepare_orders(void) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    size_t n = 300000, np = 6000;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *w = malloc(n * sizeof *w);
    uint64_t s = 12345;
#define RND() ((s = s * 6364136223846793005ull + 1442695040888963407ull) >> 11) * 0x1p-53
    double *px = malloc(np * sizeof *px), *py = malloc(np * sizeof *py);
    for (size_t k = 0; k < np; k++)
        px[k] = 560000 + 8000 * RND(), py[k] = 160000 + 6000 * RND();
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)(RND() * (double)np);
        bool loose = RND() < 0.1;
        x[i] = loose ? 560000 + 8000 * RND() : px[k];
        y[i] = loose ? 160000 + 6000 * RND() : py[k];
        w[i] = RND() < 0.02 ? 0 : 1 + (double)(i % 3);
    }
    x[7] = 9e6, y[7] = -5e6; /* far outside the extent: its own cell */
#undef RND
    hs_incidents *inc;
    hs_incidents_create(ctx, &inc);
    hs_incident_arrays a = {.n = n, .x = x, .y = y, .weight = w};
    CHECK(hs_incidents_add_arrays(ctx, inc, "synthetic", &a) == HS_OK);
    hs_kde_options o;
    hs_kde_options_init(&o);
    o.bandwidth_m = 200;
    o.pixel_size_m = 20;
    o.has_extent = 1;
    o.extent[0] = 559000, o.extent[1] = 159000, o.extent[2] = 569000, o.extent[3] = 167000;
    hs_raster *ref = NULL;
    for (int wide = 0; wide < 2; wide++)
        for (int t = 1; t <= 3; t++) {
            hs__kde_force_wide_keys = wide;
            hs_ctx_set_threads(ctx, t);
            hs_raster *R = NULL;
            CHECK(hs_kde_compute(ctx, inc, &o, &R) == HS_OK);
            if (!R) continue;
            if (!ref) {
                ref = R;
                continue;
            }
            hs_raster_info ia, ib;
            hs_raster_info_get(R, &ia);
            hs_raster_info_get(ref, &ib);
            CHECK_MSG(
                ia.width == ib.width && ia.height == ib.height &&
                    !memcmp(hs_raster_values(R), hs_raster_values(ref), ia.width * ia.height * 4),
                "wide %d, %d threads", wide, t);
            hs_raster_destroy(R);
        }
    hs__kde_force_wide_keys = false;
    /* A brute-force sum at 400 pixels spread over the grid. */
    hs_raster_info in;
    hs_raster_info_get(ref, &in);
    const float *v = hs_raster_values(ref);
    double worst = 0;
    for (size_t i = 0; i < in.width * in.height; i += in.width * in.height / 400 + 1) {
        double cx = in.x_min + ((double)(i % in.width) + 0.5) * 20,
               cy = in.y_max - ((double)(i / in.width) + 0.5) * 20, sum = 0;
        for (size_t j = 0; j < n; j++) {
            double q = ((x[j] - cx) * (x[j] - cx) + (y[j] - cy) * (y[j] - cy)) / (200.0 * 200);
            if (q <= 1) sum += w[j] * (1 - q) * (1 - q);
        }
        double got = v[i] == in.nodata ? 0 : v[i];
        worst = fmax(worst, fabs(got - sum) / fmax(1, sum));
    }
    CHECK_MSG(worst < 1e-6, "worst relative error %g against the brute-force sum", worst);
    hs_raster_destroy(ref);
    hs_incidents_destroy(inc);
    free(x), free(y), free(w), free(px), free(py);
    hs_ctx_destroy(ctx);
}

/* Every strip of a TIFF, raw (compressed) and decoded. */
typedef struct tiff_dump {
    uint32_t w, h, rps, nstrips;
    uint8_t **raw;
    tmsize_t *rawn;
    float *pix;
} tiff_dump;

static bool tiff_read(const char *path, tiff_dump *d) {
    memset(d, 0, sizeof *d);
    TIFF *t = TIFFOpen(path, "r");
    if (!t) return false;
    TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &d->w);
    TIFFGetField(t, TIFFTAG_IMAGELENGTH, &d->h);
    TIFFGetField(t, TIFFTAG_ROWSPERSTRIP, &d->rps);
    d->nstrips = TIFFNumberOfStrips(t);
    d->raw = calloc(d->nstrips, sizeof *d->raw);
    d->rawn = calloc(d->nstrips, sizeof *d->rawn);
    uint64_t *bc = NULL;
    TIFFGetField(t, TIFFTAG_STRIPBYTECOUNTS, &bc);
    for (uint32_t k = 0; k < d->nstrips; k++) {
        d->raw[k] = malloc(bc[k] ? bc[k] : 1);
        d->rawn[k] = TIFFReadRawStrip(t, k, d->raw[k], (tmsize_t)bc[k]);
    }
    d->pix = malloc((size_t)d->w * d->h * sizeof *d->pix);
    bool ok = true;
    for (uint32_t r = 0; r < d->h && ok; r++)
        ok = TIFFReadScanline(t, d->pix + (size_t)r * d->w, r, 0) >= 0;
    TIFFClose(t);
    return ok;
}

static void tiff_free(tiff_dump *d) {
    for (uint32_t k = 0; k < d->nstrips; k++)
        free(d->raw[k]);
    free(d->raw), free(d->rawn), free(d->pix);
}

/* The strips compressed here, on 1 and 3 threads, against libtiff's codec
 * a scanline at a time: the same pixels through libtiff's decoder, and
 * the same bytes for every strip libtiff fed to zlib in pieces (all but a
 * one-row strip, which libtiff hands whole to libdeflate when it is built
 * with it). Widths give 2 rows a strip with a one-row last strip, and one
 * row a strip. */
static void tiff_strips(const char *tmp) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc = read_xy(ctx, FIXTURE, "x_bng", "y_bng");
    double px[2] = {1.9, 1};
    for (int k = 0; k < 2; k++) {
        hs_kde_options o;
        hs_kde_options_init(&o);
        o.bandwidth_m = 300;
        o.pixel_size_m = px[k];
        o.has_extent = 1;
        /* A band across Gravesham: 7,897 x 21 pixels (2 rows a strip),
         * then 17,000 x 40 (one row a strip). */
        o.extent[0] = 560000, o.extent[1] = 170000, o.extent[2] = 575001, o.extent[3] = 170037;
        if (k == 1) o.extent[0] = 557000, o.extent[2] = 574000, o.extent[3] = 170040;
        hs_raster *R = NULL;
        CHECK(hs_kde_compute(ctx, inc, &o, &R) == HS_OK);
        if (!R) continue;
        char pa[600], pb[600];
        snprintf(pa, sizeof pa, "%s/strips_lib.tif", tmp);
        hs__geotiff_libtiff_codec = true;
        CHECK(hs_raster_write(ctx, R, pa) == HS_OK);
        hs__geotiff_libtiff_codec = false;
        tiff_dump A, B;
        CHECK(tiff_read(pa, &A));
        for (int t = 1; t <= 3; t += 2) {
            hs_ctx_set_threads(ctx, t);
            snprintf(pb, sizeof pb, "%s/strips_par%d.tif", tmp, t);
            CHECK(hs_raster_write(ctx, R, pb) == HS_OK);
            CHECK(tiff_read(pb, &B));
            CHECK(A.w == B.w && A.h == B.h && A.rps == B.rps && A.nstrips == B.nstrips);
            CHECK(!memcmp(A.pix, B.pix, (size_t)A.w * A.h * sizeof *A.pix));
            size_t same = 0, whole = 0;
            for (uint32_t s = 0; s < A.nstrips && s < B.nstrips; s++) {
                uint32_t rows = (s + 1) * A.rps <= A.h ? A.rps : A.h - s * A.rps;
                if (rows == 1) continue;
                whole++;
                same += A.rawn[s] == B.rawn[s] && !memcmp(A.raw[s], B.raw[s], (size_t)A.rawn[s]);
            }
            CHECK_MSG(same == whole, "%zu of %zu strips differ (%u x %u, %u rows a strip)",
                      whole - same, whole, A.w, A.h, A.rps);
            if (k == 0) CHECK(A.rps == 2 && A.h % 2 == 1 && whole == A.nstrips - 1);
            if (k == 1) CHECK(A.rps == 1);
            tiff_free(&B);
        }
        tiff_free(&A);
        hs_raster_destroy(R);
    }
    hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
}

void test_kde(void) {
    char tmp[] = "/tmp/hs_kde_XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    vs_qgis(QGIS "/juvenile_points.csv", "X", "Y", QGIS "/juvenile_quartic_raw_r10_px1.csv",
            HS_KERNEL_QUARTIC, 10, 1, 2e-6, false);
    vs_qgis(FIXTURE, "x_bng", "y_bng", QGIS "/gravesham_violence_quartic_raw_r500_px50.csv",
            HS_KERNEL_QUARTIC, 500, 50, 0.017, true);
    vs_qgis(FIXTURE, "x_bng", "y_bng", QGIS "/gravesham_violence_epanechnikov_raw_r500_px50.csv",
            HS_KERNEL_EPANECHNIKOV, 500, 50, 0.017, true);
    vs_spatstat_points();
    vs_spatstat_lattice(tmp);
    vs_sfhotspot("expected_memphis_cell1000_bw2500.csv", 2500);
    vs_sfhotspot("expected_memphis_defaults_kde.csv", 5585.3864877735678);
    bandwidth_rules();
    closed_forms(tmp);
    prepare_orders();
    tiff_strips(tmp);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
}
