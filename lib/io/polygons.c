/* polygons.c — one model of a polygon layer as read, whatever the format
 * (Shapefile, GeoJSON, GeoPackage): records with a code and a name, and
 * closed rings in the shapefile winding. The readers fill it; units.c
 * builds GEOS polygons from it and reprojects it. Also the code/name field
 * rule (ONS names first) and UTF-8 cleaning the readers share. */
#include "io.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void hs__poly_free(hs__poly_layer *L) {
    if (!L) return;
    for (size_t i = 0; i < L->nrec; i++) {
        if (L->code) free(L->code[i]);
        if (L->name) free(L->name[i]);
    }
    free(L->code);
    free(L->name);
    free(L->ring0);
    free(L->nring);
    free(L->rstart);
    free(L->rlen);
    free(L->x);
    free(L->y);
    free(L->prj);
    free(L->notes);
    memset(L, 0, sizeof *L);
}

hs_status hs__poly_records(hs_ctx *ctx, hs__poly_layer *L, size_t n) {
    L->nrec = n;
    L->code = hs__calloc(ctx, n ? n : 1, sizeof *L->code);
    L->name = hs__calloc(ctx, n ? n : 1, sizeof *L->name);
    L->ring0 = hs__calloc(ctx, n ? n : 1, sizeof *L->ring0);
    L->nring = hs__calloc(ctx, n ? n : 1, sizeof *L->nring);
    if (!L->code || !L->name || !L->ring0 || !L->nring)
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    return HS_OK;
}

bool hs__poly_note(const hs_ctx *ctx, hs__poly_layer *L, size_t rec, const char *text) {
    if (!hs__grow(ctx, (void **)&L->notes, &L->notecap, L->nnotes + 1, sizeof *L->notes))
        return false;
    L->notes[L->nnotes].record = rec;
    snprintf(L->notes[L->nnotes].text, sizeof L->notes[0].text, "%s", text);
    L->nnotes++;
    return true;
}

hs_status hs__poly_add_ring(const hs_ctx *ctx, hs__poly_layer *L, size_t rec, const double *x,
                            const double *y, size_t n, int role) {
    while (n > 1 && x[n - 1] == x[n - 2] && y[n - 1] == y[n - 2] &&
           !(x[0] == x[n - 1] && y[0] == y[n - 1]))
        n--;
    /* No CRS has coordinates near 1e10 (metres or degrees); larger values
     * are corrupt and would overflow areas. */
    for (size_t i = 0; i < n; i++)
        if (!(fabs(x[i]) < 1e10) || !(fabs(y[i]) < 1e10))
            return hs__poly_note(ctx, L, rec,
                                 "ring with a coordinate that is not a number below 1e10 dropped")
                       ? HS_OK
                       : HS_ENOMEM;
    bool closed = n > 0 && x[0] == x[n - 1] && y[0] == y[n - 1];
    size_t m = n + (closed ? 0 : 1);
    if (m < 4)
        return hs__poly_note(ctx, L, rec, "ring with fewer than 3 points dropped") ? HS_OK
                                                                                   : HS_ENOMEM;
    if (!closed &&
        !hs__poly_note(ctx, L, rec, "ring not closed: closed by repeating its first point"))
        return HS_ENOMEM;
    /* x and y grow together; L->cappts is their shared capacity. */
    if (!hs__grow(ctx, (void **)&L->x, &L->cappts, L->npts + m, sizeof *L->x)) return HS_ENOMEM;
    double *ny = hs__realloc(ctx, L->y, L->cappts * sizeof *ny);
    if (!ny) return HS_ENOMEM;
    L->y = ny;
    if (!hs__grow(ctx, (void **)&L->rstart, &L->caprings, L->nrings + 1, sizeof *L->rstart))
        return HS_ENOMEM;
    size_t *nl = hs__realloc(ctx, L->rlen, L->caprings * sizeof *nl);
    if (!nl) return HS_ENOMEM;
    L->rlen = nl;
    double *ox = L->x + L->npts, *oy = L->y + L->npts;
    memcpy(ox, x, n * sizeof *x);
    memcpy(oy, y, n * sizeof *y);
    if (!closed) {
        ox[n] = x[0];
        oy[n] = y[0];
    }
    /* GeoJSON (RFC 7946: outer counter-clockwise) and WKB say which ring
     * is which; the shapefile convention is outer clockwise (area < 0). */
    double a2 = hs__ring_area2(ox, oy, m);
    if ((role == HS__RING_OUTER && a2 > 0) || (role == HS__RING_HOLE && a2 < 0))
        for (size_t i = 0, j = m - 1; i < j; i++, j--) {
            double t = ox[i];
            ox[i] = ox[j], ox[j] = t;
            t = oy[i];
            oy[i] = oy[j], oy[j] = t;
        }
    L->rstart[L->nrings] = L->npts;
    L->rlen[L->nrings] = m;
    L->nrings++;
    L->npts += m;
    return HS_OK;
}

/* ONS-style field names: prefix, two digits, suffix (WD13CD, LSOA11NM). */
static bool ons_field(const char *f, const char *prefix, const char *suffix) {
    size_t p = strlen(prefix);
    if (strncasecmp(f, prefix, p) != 0) return false;
    if (!isdigit((unsigned char)f[p]) || !isdigit((unsigned char)f[p + 1])) return false;
    return strcasecmp(f + p + 2, suffix) == 0;
}

int hs__poly_pick_field(const char *const *names, size_t n, const char *want, const char *suffix) {
    if (want) {
        for (size_t i = 0; i < n; i++)
            if (strcasecmp(names[i], want) == 0) return (int)i;
        return -1;
    }
    static const char *const prefixes[] = {"WD",  "LSOA",  "MSOA", "OA",
                                           "LAD", "CTYUA", "PFA",  "CSP"};
    for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++)
        for (size_t i = 0; i < n; i++)
            if (ons_field(names[i], prefixes[k], suffix)) return (int)i;
    const char *plain = strcmp(suffix, "CD") == 0 ? "code" : "name";
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(names[i], plain) == 0) return (int)i;
    return -1;
}

hs_status hs__poly_field_error(hs_ctx *ctx, const char *path, const char *const *names, size_t n,
                               const hs__poly_want *w, bool no_code) {
    char list[512];
    size_t k = 0;
    list[0] = 0;
    for (size_t i = 0; i < n && k + 16 < sizeof list; i++)
        k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "", names[i]);
    if (!n) snprintf(list, sizeof list, "(none)");
    const char *which = no_code ? (w->code_field ? w->code_field : "code") : w->name_field;
    return hs__error(ctx, HS_EPARSE,
                     w->code_field || w->name_field
                         ? "%s: no field '%s'; the fields are: %s"
                         : "%s: no %s field found (like WD13CD or LSOA11CD); the fields are: "
                           "%s; name one with --code-field",
                     path, which, list);
}

bool hs__utf8_valid(const unsigned char *s) {
    while (*s) {
        int n = *s < 0x80 ? 0 : (*s >> 5) == 6 ? 1 : (*s >> 4) == 14 ? 2 : (*s >> 3) == 30 ? 3 : -1;
        if (n < 0) return false;
        s++;
        for (int i = 0; i < n; i++, s++)
            if ((*s & 0xC0) != 0x80) return false;
    }
    return true;
}

/* Windows-1252 0x80..0x9F as Unicode (0: undefined, kept as U+FFFD). */
static const uint16_t cp1252[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

char *hs__to_utf8(const hs_ctx *ctx, const char *s, int enc) {
    enum { BAD_UTF8 = 100 };
    if (enc == HS__ENC_GUESS)
        enc = hs__utf8_valid((const unsigned char *)s) ? HS__ENC_UTF8 : HS__ENC_CP1252;
    if (enc == HS__ENC_UTF8) {
        /* Invalid bytes in a file that says UTF-8 become U+FFFD. */
        if (hs__utf8_valid((const unsigned char *)s)) return hs__strdup(ctx, s);
        enc = BAD_UTF8;
    }
    size_t n = strlen(s);
    char *o = hs__malloc(ctx, 3 * n + 1), *q = o;
    if (!o) return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        uint32_t c = *p;
        if (c >= 0x80 && enc == BAD_UTF8)
            c = 0xFFFD;
        else if (c >= 0x80 && c < 0xA0 && enc == HS__ENC_CP1252)
            c = cp1252[c - 0x80] ? cp1252[c - 0x80] : 0xFFFD;
        if (c < 0x80)
            *q++ = (char)c;
        else if (c < 0x800) {
            *q++ = (char)(0xC0 | (c >> 6));
            *q++ = (char)(0x80 | (c & 0x3F));
        } else {
            *q++ = (char)(0xE0 | (c >> 12));
            *q++ = (char)(0x80 | ((c >> 6) & 0x3F));
            *q++ = (char)(0x80 | (c & 0x3F));
        }
    }
    *q = 0;
    return o;
}

/* The format from the first bytes: SQLite's header, or JSON's '{'; '?'
 * for another file, 0 when there is no such file ("wards" for wards.shp). */
static int sniff(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char b[64];
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    if (n >= 16 && memcmp(b, "SQLite format 3", 16) == 0) return 'g';
    size_t i = n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < n && isspace((unsigned char)b[i]))
        i++;
    return i < n && b[i] == '{' ? 'j' : '?';
}

hs_status hs__poly_read(hs_ctx *ctx, const char *path, const hs__poly_want *w, hs__poly_layer *L) {
    memset(L, 0, sizeof *L);
    /* QGIS names a GeoPackage layer "file.gpkg|layername=NAME". */
    const char *bar = strstr(path, "|layername=");
    if (bar) {
        char *file = hs__strdup(ctx, path);
        if (!file) return hs__error(ctx, HS_ENOMEM, "out of memory");
        file[bar - path] = 0;
        hs__poly_want w2 = *w;
        w2.layer = bar + strlen("|layername=");
        hs_status st = hs__gpkg_read(ctx, file, NULL, 0, &w2, L);
        free(file);
        L->path = path;
        return st;
    }
    if (hs__has_ext(path, ".gpkg")) return hs__gpkg_read(ctx, path, NULL, 0, w, L);
    if (hs__has_ext(path, ".geojson") || hs__has_ext(path, ".json"))
        return hs__geojson_read(ctx, path, NULL, 0, w, L);
    if (hs__has_ext(path, ".shp") || hs__has_ext(path, ".shx") || hs__has_ext(path, ".dbf"))
        return hs__shp_read(ctx, path, NULL, w, L);
    switch (sniff(path)) {
    case 'g': return hs__gpkg_read(ctx, path, NULL, 0, w, L);
    case 'j': return hs__geojson_read(ctx, path, NULL, 0, w, L);
    case '?':
        return hs__error(ctx, HS_EPARSE,
                         "%s: not a Shapefile (.shp), GeoJSON (.geojson, .json) or GeoPackage "
                         "(.gpkg)",
                         path);
    default: return hs__shp_read(ctx, path, NULL, w, L); /* "wards" for wards.shp */
    }
}
