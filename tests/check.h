/* check.h — a minimal test harness: each suite is a function; CHECK records
 * a failure with file:line and carries on. */
#ifndef HS_CHECK_H
#define HS_CHECK_H
#include <math.h>
#include <stdio.h>

extern int hs_test_failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            hs_test_failures++;                                                                    \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            hs_test_failures++;                                                                    \
        }                                                                                          \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                      \
    CHECK_MSG(fabs((double)(a) - (double)(b)) <= (tol), "%.17g vs %.17g (tol %g)", (double)(a),    \
              (double)(b), (double)(tol))

void test_parse(void);
void test_csv(void);
void test_reader(void);
void test_grid(void);
void test_cli(void);
void test_nomem(void);
void test_units(void);
void test_kde(void);
void test_getisord(void);
void test_hotspots(void);
void test_evaluate(void);
int test_cs2cs(const char *cs2cs);
int test_units_ogr(const char *ogr2ogr);

#include "hotspot.h"
/* Read options for a generic CSV with columns x and y (working CRS) and
 * the given category and weight columns (NULL: none). */
hs_read_options hs_test_xy(const char *category, const char *weight);

/* The shared fixture's 1,428 Gravesham violent incidents, by their BNG
 * columns (x_bng, y_bng): owned by the caller. */
hs_incidents *hs_test_fixture_bng(hs_ctx *ctx);

/* Reads a whole file (malloc'd, NUL-terminated) or NULL. */
char *hs_test_slurp(const char *path, size_t *len);

#endif
