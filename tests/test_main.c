/* test_main.c — runs one suite by name: hs_tests SUITE [ARG]. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

int hs_test_failures = 0;

char *hs_test_slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf) buf[n] = 0;
    if (len) *len = (size_t)n;
    fclose(f);
    return buf;
}

hs_read_options hs_test_xy(const char *category, const char *weight) {
    hs_read_options o;
    hs_read_options_init(&o);
    o.x_column = "x";
    o.y_column = "y";
    o.category_column = category;
    o.weight_column = weight;
    return o;
}

hs_incidents *hs_test_fixture_bng(hs_ctx *ctx) {
    hs_incidents *inc = NULL;
    hs_incidents_create(ctx, &inc);
    hs_read_options o;
    hs_read_options_init(&o);
    o.x_column = "x_bng";
    o.y_column = "y_bng";
    if (hs_incidents_read_csv(ctx,
                              HS_TEST_DATA "/fixtures/gravesham_violence_2024-01_to_04_bng.csv", &o,
                              inc) != HS_OK ||
        hs_incidents_count(inc) != 1428) {
        fprintf(stderr, "cannot read the BNG fixture: %s\n", hs_ctx_last_error(ctx));
        hs_test_failures++;
    }
    return inc;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: hs_tests parse|csv|reader|grid|units|cli|cs2cs PATH\n");
        return 2;
    }
    const char *s = argv[1];
    if (!strcmp(s, "parse"))
        test_parse();
    else if (!strcmp(s, "csv"))
        test_csv();
    else if (!strcmp(s, "reader"))
        test_reader();
    else if (!strcmp(s, "grid"))
        test_grid();
    else if (!strcmp(s, "cli"))
        test_cli();
    else if (!strcmp(s, "nomem"))
        test_nomem();
    else if (!strcmp(s, "units"))
        test_units();
    else if (!strcmp(s, "kde"))
        test_kde();
    else if (!strcmp(s, "getisord"))
        test_getisord();
    else if (!strcmp(s, "hotspots"))
        test_hotspots();
    else if (!strcmp(s, "evaluate"))
        test_evaluate();
    else if (!strcmp(s, "cs2cs") && argc > 2)
        return test_cs2cs(argv[2]);
    else if (!strcmp(s, "units_ogr") && argc > 2)
        return test_units_ogr(argv[2]);
    else {
        fprintf(stderr, "unknown suite %s\n", s);
        return 2;
    }
    if (hs_test_failures) fprintf(stderr, "%d check(s) failed\n", hs_test_failures);
    return hs_test_failures ? 1 : 0;
}
