/* fuzz_csv.c — libFuzzer target for the incident CSV reader (police.uk and
 * generic columns). Built without libFuzzer it is a program that replays
 * every file of the folders it is given, which is how ctest runs it.
 *   clang -fsanitize=fuzzer,address ... (HS_LIBFUZZER defined): fuzzing
 *   fuzz_csv DIR...: replay */
#include "hotspot.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* reader.c's window per thread (internal): shrunk here so that the input
 * crosses many windows, whose result must equal the one-window read. */
extern size_t hs__reader_window_bytes;

static bool same_tables(const hs_incidents *a, const hs_incidents *b) {
    size_t n = hs_incidents_count(a);
    if (n != hs_incidents_count(b) || hs_incidents_reject_count(a) != hs_incidents_reject_count(b))
        return false;
    for (size_t i = 0; i < n; i++) {
        hs_incident p, q;
        hs_incidents_get(a, i, &p);
        hs_incidents_get(b, i, &q);
        if (memcmp(&p.x, &q.x, sizeof p.x) || memcmp(&p.y, &q.y, sizeof p.y) ||
            memcmp(&p.weight, &q.weight, sizeof p.weight) || p.time_s != q.time_s ||
            p.line != q.line || p.precision != q.precision)
            return false;
    }
    for (size_t i = 0; i < hs_incidents_reject_count(a); i++) {
        hs_reject p, q;
        hs_incidents_reject_get(a, i, &p);
        hs_incidents_reject_get(b, i, &q);
        if (p.line != q.line || p.reason != q.reason || p.offset != q.offset ||
            p.length != q.length)
            return false;
    }
    return true;
}

static void read_with(hs_ctx *ctx, const uint8_t *data, size_t size, const hs_read_options *o) {
    hs_incidents *inc = NULL, *win = NULL;
    if (hs_incidents_create(ctx, &inc) != HS_OK) return;
    hs_status st = hs_incidents_read_csv_buffer(ctx, "fuzz.csv", (const char *)data, size, o, inc);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", hs_ctx_last_error(ctx));
    /* Again in windows of 97 bytes (2 threads each): same status and error
     * message (with its line number), same table. */
    size_t saved = hs__reader_window_bytes;
    hs__reader_window_bytes = 97;
    if (hs_incidents_create(ctx, &win) == HS_OK) {
        hs_status sw =
            hs_incidents_read_csv_buffer(ctx, "fuzz.csv", (const char *)data, size, o, win);
        if (sw != st || (st == HS_OK && !same_tables(inc, win)) ||
            (st != HS_OK && strcmp(msg, hs_ctx_last_error(ctx)) != 0))
            abort();
    }
    hs__reader_window_bytes = saved;
    hs_incidents_destroy(win);
    if (st == HS_OK) {
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
