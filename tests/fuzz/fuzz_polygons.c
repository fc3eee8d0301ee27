/* fuzz_polygons.c — libFuzzer target for the GeoJSON and GeoPackage readers
 * (hs_units_read_buffer: json-c, or SQLite's deserialised database and
 * GEOS's WKB reader), then polygon building and queen neighbours. The
 * first byte picks the format ('j' GeoJSON, anything else GeoPackage); the
 * rest is the file. Built without libFuzzer it replays the folders it is
 * given (ctest does). */
#include "hotspot.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static hs_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    if (!ctx && hs_ctx_create(&ctx) != HS_OK) return 0;
    hs_layer_format f = data[0] == 'j' ? HS_LAYER_GEOJSON : HS_LAYER_GEOPACKAGE;
    hs_units *u = NULL;
    if (hs_units_create(ctx, &u) != HS_OK) return 0;
    hs_status st = hs_units_read_buffer(ctx, "fuzz", f, data + 1, size - 1, NULL, u);
    if (st == HS_OK) {
        for (size_t i = 0; i < hs_units_count(u); i++) {
            hs_unit x;
            if (hs_units_get(u, i, &x) != HS_OK || !x.code || !x.name || !(x.area_m2 >= 0)) abort();
        }
        hs_units_build_neighbours(ctx, u, 1.0);
    } else if (hs_units_count(u) != 0 || !hs_ctx_last_error(ctx)[0]) {
        abort(); /* a failed read appends nothing and says why */
    }
    hs_units_destroy(u);
    return 0;
}

#ifndef HS_LIBFUZZER
#include "replay.h"
HS_FUZZ_REPLAY_MAIN("fuzz_polygons", ctx)
#endif
