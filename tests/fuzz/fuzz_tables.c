/* fuzz_tables.c — libFuzzer target for the two-column tables (harm weights
 * category,weight and populations code,population): the bytes go through
 * the same reader as hs_incidents_apply_harm and hs_tally_set_population,
 * from memory. Keys are interned as the real callers do. */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static hs_ctx *ctx;

static hs_status row(void *ud, const char *key, size_t klen, double v, uint64_t line) {
    hs__strtab *t = ud;
    bool added;
    if (strlen(key) != klen) abort(); /* NUL bytes are refused before */
    if (!(v >= 0) || line == 0) abort();
    return hs__strtab_intern(ctx, t, key, klen, &added) == UINT32_MAX ? HS_ENOMEM : HS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!ctx && hs_ctx_create(&ctx) != HS_OK) return 0;
    static const char *const cols[2][2] = {{"category", "weight"}, {"code", "population"}};
    for (int k = 0; k < 2; k++) {
        hs__strtab t = {0};
        hs_status st = hs__csv_pairs_buffer(ctx, "fuzz.csv", (const char *)data, size, cols[k][0],
                                            cols[k][1], row, &t);
        if (st && !*hs_ctx_last_error(ctx)) abort(); /* every failure says why */
        hs__strtab_free(&t);
    }
    return 0;
}

#ifndef HS_LIBFUZZER
#include "replay.h"
HS_FUZZ_REPLAY_MAIN("fuzz_tables", ctx)
#endif
