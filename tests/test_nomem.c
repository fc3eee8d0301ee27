/* test_nomem.c — allocation failure injection through the context's hook
 * (hs_ctx_set_alloc_hook), in the manner of SQLite's malloc tests: run a
 * whole pipeline once to count its allocations, then again failing the
 * k-th one, for every k. Each run must return HS_OK (the allocation was
 * optional) or HS_ENOMEM with a message, and leave no output file or
 * temporary behind; ASan and Valgrind (CI) catch leaks and bad frees on
 * the unwinding paths. Also the progress callback's HS_ECANCELED. */
#include "check.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct fail_plan {
    atomic_long seen; /* allocations asked for */
    long fail_at;     /* fail this one (0-based); -1 = none */
    bool fail_after;  /* and every later one */
    atomic_long failed;
} fail_plan;

static int hook(void *user, size_t bytes) {
    (void)bytes;
    fail_plan *p = user;
    long k = atomic_fetch_add(&p->seen, 1);
    bool fail = p->fail_at >= 0 && (k == p->fail_at || (p->fail_after && k > p->fail_at));
    if (fail) atomic_fetch_add(&p->failed, 1);
    return !fail;
}

static char outdir[512];
/* wards.csv, grid.geojson, wards.shp/.shx/.dbf/.prj/.cpg, hot.csv, kde.tif
 * (+ .qml, .json sidecars?) and rejects.csv: counted on the first run. */
static size_t NFILES;

static size_t files_in(const char *dir) {
    DIR *d = opendir(dir);
    size_t n = 0;
    if (!d) return 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

/* FNV-1a over every file's name and bytes, in name order (scandir); with
 * per, each file's hash too (to name the file that differs). */
static uint64_t dir_hash_per(const char *dir, uint64_t *per) {
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort);
    uint64_t h = 1469598103934665603ull;
    char p[1024];
    for (int i = 0; i < n; i++) {
        if (list[i]->d_name[0] != '.') {
            for (const char *c = list[i]->d_name; *c; c++)
                h = (h ^ (unsigned char)*c) * 1099511628211ull;
            snprintf(p, sizeof p, "%s/%s", dir, list[i]->d_name);
            FILE *f = fopen(p, "rb");
            for (int ch; f && (ch = fgetc(f)) != EOF;)
                h = (h ^ (unsigned)ch) * 1099511628211ull;
            if (f) fclose(f);
            if (per) per[i] = h;
        }
        free(list[i]);
    }
    free(list);
    return h;
}

static uint64_t dir_hash(const char *dir) {
    return dir_hash_per(dir, NULL);
}

static void empty_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    char p[1024];
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
}

/* Read a CSV (police.uk, 2 threads) and the wards, count a grid, locate,
 * tally, rank hotspots with Gi*, compute a KDE, and write each result. */
static hs_status pipeline(hs_ctx *ctx, const char *csv) {
    hs_incidents *inc = NULL;
    hs_units *wards = NULL, *cells = NULL;
    hs_grid *grid = NULL;
    hs_tally *tally = NULL;
    hs_hotspots *hot = NULL;
    hs_raster *r = NULL;
    uint32_t *of = NULL, *cof = NULL;
    char path[600];
    hs_status st = hs_incidents_create(ctx, &inc);
    if (!st) st = hs_incidents_read_csv(ctx, csv, NULL, inc);
    if (!st) st = hs_units_create(ctx, &wards);
    if (!st) {
        hs_layer_options lo;
        hs_layer_options_init(&lo);
        st = hs_units_read_shapefile(ctx, PROJECT_SHAPEFILES "/gravesham_wards_2013.shp", &lo,
                                     wards);
    }
    size_t n = hs_incidents_count(inc);
    if (!st && !(of = malloc((n ? n : 1) * sizeof *of))) st = HS_ENOMEM;
    if (!st && !(cof = malloc((n ? n : 1) * sizeof *cof))) st = HS_ENOMEM;
    if (!st) st = hs_units_locate(ctx, wards, inc, of);
    if (!st) st = hs_tally_compute(ctx, wards, inc, of, NULL, &tally);
    if (!st)
        snprintf(path, sizeof path, "%s/wards.csv", outdir), st = hs_tally_write(ctx, tally, path);
    if (!st)
        snprintf(path, sizeof path, "%s/wards.shp", outdir), st = hs_tally_write(ctx, tally, path);
    if (!st) st = hs_grid_count(ctx, inc, NULL, &grid);
    if (!st)
        snprintf(path, sizeof path, "%s/grid.geojson", outdir), st = hs_grid_write(ctx, grid, path);
    if (!st) st = hs_units_from_grid(ctx, grid, &cells);
    if (!st) st = hs_units_build_neighbours(ctx, cells, 0);
    if (!st) st = hs_units_locate(ctx, cells, inc, cof);
    if (!st) {
        hs_hotspot_options ho;
        hs_hotspot_options_init(&ho);
        st = hs_hotspots_compute(ctx, cells, inc, cof, wards, &ho, &hot);
    }
    if (!st)
        snprintf(path, sizeof path, "%s/hot.csv", outdir), st = hs_hotspots_write(ctx, hot, path);
    if (!st) {
        hs_kde_options ko;
        hs_kde_options_init(&ko);
        ko.bandwidth_m = 300;
        ko.pixel_size_m = 100;
        st = hs_kde_compute(ctx, inc, &ko, &r);
    }
    if (!st) snprintf(path, sizeof path, "%s/kde.tif", outdir), st = hs_raster_write(ctx, r, path);
    if (!st)
        snprintf(path, sizeof path, "%s/rejects.csv", outdir),
            st = hs_incidents_write_rejects(ctx, inc, of, path);
    if (!st) {
        hs_project_layer layers[] = {{"Wards", "wards.shp", "wards.qml", 0, NULL, "OGL"},
                                     {"Density", "kde.tif", "kde.qml", 1, NULL, "OGL"}};
        snprintf(path, sizeof path, "%s/project.qgs", outdir);
        st = hs_project_write_qgs(ctx, layers, 2, "test", NULL, path);
    }
    if (!st) {
        const char *kv[] = {"a", "b"}, *lic[] = {"OGL"};
        hs_report rep = {"t", "s", inc, tally, r, hot, kv, 1, kv, 1, lic, 1};
        snprintf(path, sizeof path, "%s/report.html", outdir);
        st = hs_report_write_html(ctx, &rep, path);
    }
    hs_raster_destroy(r);
    hs_hotspots_destroy(hot);
    hs_tally_destroy(tally);
    hs_grid_destroy(grid);
    hs_units_destroy(cells);
    hs_units_destroy(wards);
    hs_incidents_destroy(inc);
    free(of);
    free(cof);
    return st;
}

static int cancel_at_stage(void *user, const char *stage, uint64_t done, uint64_t total) {
    (void)done, (void)total;
    return strcmp(stage, (const char *)user) == 0;
}

void test_nomem(void) {
    snprintf(outdir, sizeof outdir, "%s/nomem_out", HS_BIN_DIR);
    mkdir(outdir, 0777);
    empty_dir(outdir);
    /* 300 Kent rows: small enough to run once per allocation. */
    const char *csv = HS_TEST_DATA "/police-uk-kent/2024-01-kent-street.csv";
    char small[600];
    snprintf(small, sizeof small, "%s/../nomem_in.csv", outdir);
    {
        FILE *in = fopen(csv, "rb"), *out = fopen(small, "wb");
        CHECK(in && out);
        char line[4096];
        for (int i = 0; in && out && i < 301 && fgets(line, sizeof line, in); i++)
            fputs(line, out);
        if (in) fclose(in);
        if (out) fclose(out);
    }

    hs_ctx *ctx = NULL;
    CHECK(hs_ctx_create(&ctx) == HS_OK);
    CHECK(hs_ctx_set_threads(ctx, 2) == HS_OK);
    fail_plan plan = {0};
    plan.fail_at = -1;
    CHECK(hs_ctx_set_alloc_hook(ctx, hook, &plan) == HS_OK);
    CHECK(pipeline(ctx, small) == HS_OK);
    long total = atomic_load(&plan.seen);
    CHECK(total > 100);
    NFILES = files_in(outdir);
    uint64_t want = dir_hash(outdir), want_per[64] = {0};
    dir_hash_per(outdir, want_per);
    CHECK(NFILES >= 10);
    printf("nomem: the pipeline makes %ld hooked allocations\n", total);

    /* Fail the k-th allocation (alone, then with every later one). */
    long ok = 0, nomem = 0, other = 0;
    for (int after = 0; after < 2; after++) {
        for (long k = 0; k < total; k++) {
            empty_dir(outdir);
            atomic_store(&plan.seen, 0);
            atomic_store(&plan.failed, 0);
            plan.fail_at = k;
            plan.fail_after = after;
            hs_status st = pipeline(ctx, small);
            if (st == HS_OK) {
                ok++;
                if (files_in(outdir) != NFILES) {
                    fprintf(stderr, "allocation %ld failed (after=%d): HS_OK with %zu files\n", k,
                            after, files_in(outdir));
                    CHECK(0);
                } else if (dir_hash(outdir) != want) {
                    uint64_t per[64] = {0};
                    dir_hash_per(outdir, per);
                    int first = 0;
                    while (first < 64 && per[first] == want_per[first])
                        first++;
                    fprintf(stderr, "allocation %ld failed (after=%d): HS_OK, file %d differs\n", k,
                            after, first);
                    CHECK(0);
                }
            } else if (st == HS_ENOMEM) {
                nomem++;
                CHECK(strstr(hs_ctx_last_error(ctx), "out of memory") != NULL);
                CHECK(atomic_load(&plan.failed) > 0);
            } else {
                other++;
                fprintf(stderr, "allocation %ld failed (after=%d): status %d, %s\n", k, after,
                        (int)st, hs_ctx_last_error(ctx));
            }
            /* Nothing half-written: complete outputs of earlier stages may
             * stay (as a run stopped there would leave them), temporaries
             * never. */
            DIR *d = opendir(outdir);
            for (struct dirent *e; d && (e = readdir(d));)
                if (strstr(e->d_name, ".tmp.") || strstr(e->d_name, "_tmp")) {
                    fprintf(stderr, "allocation %ld: temporary %s left\n", k, e->d_name);
                    CHECK(0);
                }
            if (d) closedir(d);
        }
    }
    printf("nomem: %ld runs with a failed allocation: %ld HS_ENOMEM, %ld recovered (HS_OK), "
           "%ld other\n",
           2 * total, nomem, ok, other);
    CHECK(other == 0);
    CHECK(nomem > 0);
    hs_ctx_set_alloc_hook(ctx, NULL, NULL);

    /* The progress callback stops a call at each stage; no file is left
     * from the stage it stopped in. */
    static const char *const stages[] = {"read", "kde", "write"};
    /* Cancelled at the density, the files of the stages before it stay
     * whole: all but kde.tif (.qml, .json), rejects.csv and the two pages. */
    const size_t left[] = {0, NFILES - 6, 0};
    for (size_t i = 0; i < 3; i++) {
        empty_dir(outdir);
        CHECK(hs_ctx_set_progress(ctx, cancel_at_stage, (void *)stages[i]) == HS_OK);
        hs_status st = pipeline(ctx, small);
        CHECK(st == HS_ECANCELED);
        CHECK(strstr(hs_ctx_last_error(ctx), "interrupted") != NULL);
        CHECK(files_in(outdir) == left[i]);
    }
    CHECK(strcmp(hs_status_string(HS_ECANCELED), "interrupted") == 0);
    hs_ctx_destroy(ctx);
    empty_dir(outdir);
    rmdir(outdir);
    unlink(small);
}
