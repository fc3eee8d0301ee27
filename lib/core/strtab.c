/* strtab.c — string interning (ids in order of first appearance) with an
 * open-addressing hash (linear probing, load <= 1/2). Each slot
 * keeps the hash's top 32 bits beside the id, so a probe compares text only
 * when they match (the reader interns two texts a row: crime type and
 * Location). */
#include "core.h"

#include <stdlib.h>
#include <string.h>

/* Eight bytes a step (multiply and xor-shift, after splitmix64's
 * finaliser): the reader hashes two texts a row, and FNV's byte-at-a-time
 * chain of multiplies was a tenth of a police.uk read. Ids do not depend on
 * the hash, only on first appearance. */
static uint64_t text_hash(const char *s, size_t n) {
    uint64_t h = UINT64_C(0x9E3779B97F4A7C15) ^ n;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * UINT64_C(0xBF58476D1CE4E5B9);
        h ^= h >> 31;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * UINT64_C(0x94D049BB133111EB);
    h ^= h >> 29;
    h *= UINT64_C(0xBF58476D1CE4E5B9);
    return h ^ (h >> 32);
}

static uint64_t slot_of(uint64_t h, size_t id) {
    return (h >> 32) << 32 | (uint64_t)(id + 1);
}

static bool rehash(const hs_ctx *ctx, hs__strtab *t, size_t nslots) {
    uint64_t *slots = hs__calloc(ctx, nslots, sizeof *slots);
    if (!slots) return false;
    for (size_t id = 0; id < t->count; id++) {
        uint64_t h = text_hash(t->names[id], strlen(t->names[id]));
        size_t i = h & (nslots - 1);
        while (slots[i])
            i = (i + 1) & (nslots - 1);
        slots[i] = slot_of(h, id);
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return true;
}

uint32_t hs__strtab_intern(const hs_ctx *ctx, hs__strtab *t, const char *name, size_t len,
                           bool *added) {
    if (added) *added = false;
    if (t->nslots == 0 && !rehash(ctx, t, 64)) return UINT32_MAX;
    uint64_t h = text_hash(name, len);
    size_t i = h & (t->nslots - 1);
    for (; t->slots[i]; i = (i + 1) & (t->nslots - 1)) {
        if (t->slots[i] >> 32 != h >> 32) continue;
        uint32_t id = (uint32_t)t->slots[i] - 1;
        const char *s = t->names[id];
        if (strncmp(s, name, len) == 0 && s[len] == 0) return id;
    }
    if (t->count >= UINT32_MAX - 1) return UINT32_MAX;
    if ((t->count + 1) * 2 > t->nslots) {
        if (!rehash(ctx, t, t->nslots * 2)) return UINT32_MAX;
        return hs__strtab_intern(ctx, t, name, len, added);
    }
    if (!hs__grow(ctx, (void **)&t->names, &t->cap, t->count + 1, sizeof *t->names))
        return UINT32_MAX;
    char *copy = hs__malloc(ctx, len + 1);
    if (!copy) return UINT32_MAX;
    memcpy(copy, name, len);
    copy[len] = 0;
    t->names[t->count] = copy;
    t->slots[i] = slot_of(h, t->count);
    if (added) *added = true;
    return (uint32_t)t->count++;
}

void hs__strtab_free(hs__strtab *t) {
    for (size_t i = 0; i < t->count; i++)
        free(t->names[i]);
    free(t->names);
    free(t->slots);
    memset(t, 0, sizeof *t);
}
