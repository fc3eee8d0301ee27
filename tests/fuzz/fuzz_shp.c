/* fuzz_shp.c — libFuzzer target for the shapefile reader (shapelib behind
 * SAHooks, fed from memory, then polygon building with GEOS). Input framing:
 * 4-byte little-endian .shp length, 4-byte .shx length, the .shp bytes, the
 * .shx bytes, and the rest is the .dbf. Built without libFuzzer it replays
 * the folders it is given (ctest does). */
#include "hotspot.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One context for the whole run, as libFuzzer calls the target many times;
 * the replay main destroys it at the end (fuzz_teardown). */
static hs_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 8) return 0;
    size_t a = le32(data), b = le32(data + 4);
    if (a > size - 8 || b > size - 8 - a) return 0;
    if (!ctx && hs_ctx_create(&ctx) != HS_OK) return 0;
    hs_shapefile_buffers buf = {data + 8, data + 8 + a, data + 8 + a + b, a, b, size - 8 - a - b,
                                NULL,     NULL};
    hs_units *u = NULL;
    if (hs_units_create(ctx, &u) != HS_OK) return 0;
    if (hs_units_read_shapefile_buffers(ctx, "fuzz", &buf, NULL, u) == HS_OK) {
        for (size_t i = 0; i < hs_units_count(u); i++) {
            hs_unit x;
            if (hs_units_get(u, i, &x) != HS_OK || !x.code || !x.name || !(x.area_m2 >= 0)) abort();
        }
        hs_units_build_neighbours(ctx, u, 1.0);
    }
    hs_units_destroy(u);
    return 0;
}

#ifndef HS_LIBFUZZER
#include "replay.h"
HS_FUZZ_REPLAY_MAIN("fuzz_shp", ctx)
#endif
