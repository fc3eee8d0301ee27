/* fuzz_csv.c — libFuzzer target for the incident CSV reader (police.uk and
 * generic columns). Built without libFuzzer it is a program that replays
 * every file of the folders it is given, which is how ctest runs it.
 *   clang -fsanitize=fuzzer,address ... (HS_LIBFUZZER defined): fuzzing
 *   fuzz_csv DIR...: replay */
#include "hotspot.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void read_with(hs_ctx *ctx, const uint8_t *data, size_t size, const hs_read_options *o) {
    hs_incidents *inc = NULL;
    if (hs_incidents_create(ctx, &inc) != HS_OK) return;
    if (hs_incidents_read_csv_buffer(ctx, "fuzz.csv", (const char *)data, size, o, inc) == HS_OK) {
        /* The accounting invariant must hold for every input. */
        hs_read_summary s;
        hs_incidents_summary(inc, UINT32_MAX, &s);
        uint64_t rej = 0;
        for (int r = 0; r < HS_REJECT_COUNT_; r++)
            rej += s.rejected[r];
        if (s.rows_read != s.rows_used + rej || s.rows_used != hs_incidents_count(inc) ||
            rej != hs_incidents_reject_count(inc))
            abort();
    }
    hs_incidents_destroy(inc);
}

/* One context for the whole run, as libFuzzer calls the target many times;
 * the replay main destroys it at the end (fuzz_teardown). */
static hs_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!ctx && hs_ctx_create(&ctx) != HS_OK) return 0;
    hs_ctx_set_threads(ctx, 2);
    read_with(ctx, data, size, NULL); /* police.uk recognition */
    hs_read_options o;
    hs_read_options_init(&o);
    o.x_column = "x";
    o.y_column = "y";
    o.date_column = "date";
    o.category_column = "type";
    o.weight_column = "w";
    const char *types[] = {"Drugs"};
    o.crime_types = types;
    o.crime_type_count = 1;
    o.from = "2024-01";
    o.to = "2024-06-15";
    read_with(ctx, data, size, &o);
    return 0;
}

#ifndef HS_LIBFUZZER
#include "replay.h"
HS_FUZZ_REPLAY_MAIN("fuzz_csv", ctx)
#endif
