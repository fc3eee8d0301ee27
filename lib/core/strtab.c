/* strtab.c — string interning (ids in order of first appearance) with an
 * open-addressing hash (FNV-1a, linear probing, load <= 1/2). */
#include "core.h"

#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(const char *s, size_t n) {
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * UINT64_C(1099511628211);
    return h;
}

static bool rehash(const hs_ctx *ctx, hs__strtab *t, size_t nslots) {
    uint32_t *slots = hs__calloc(ctx, nslots, sizeof *slots);
    if (!slots) return false;
    for (size_t id = 0; id < t->count; id++) {
        size_t i = fnv1a(t->names[id], strlen(t->names[id])) & (nslots - 1);
        while (slots[i])
            i = (i + 1) & (nslots - 1);
        slots[i] = (uint32_t)id + 1;
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
    size_t i = fnv1a(name, len) & (t->nslots - 1);
    for (; t->slots[i]; i = (i + 1) & (t->nslots - 1)) {
        const char *s = t->names[t->slots[i] - 1];
        if (strncmp(s, name, len) == 0 && s[len] == 0) return t->slots[i] - 1;
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
    t->slots[i] = (uint32_t)t->count + 1;
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
