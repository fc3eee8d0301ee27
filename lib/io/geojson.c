/* geojson.c — GeoJSON polygon layers through json-c (the only file
 * including it). RFC 7946: a FeatureCollection (or one Feature) of
 * Polygon/MultiPolygon geometries in lon/lat (OGC:CRS84), outer rings
 * counter-clockwise; the 2008 GeoJSON spec allowed a "crs" member naming
 * another CRS (ogr2ogr still writes one for British National Grid), and it
 * is honoured. Properties give the code and name (numbers are formatted as
 * text, null is empty). Rings are rewound to the layer model's winding
 * whatever the file's, as QGIS and GDAL read them. */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* json-c keeps every value as an object of ~70 bytes: a GeoJSON's
 * coordinates cost ~10 times the file in memory; 1 GB of text is the
 * most this reader takes (GeoPackage has no such limit). */
#define HS__GEOJSON_MAX_BYTES (1024u << 20)

static hs_status load(hs_ctx *ctx, const char *path, char **data, size_t *len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return hs__error(ctx, HS_EIO, "%s: %s", path, strerror(errno));
    struct stat sb;
    hs_status st = HS_OK;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        st = hs__error(ctx, HS_EIO, "%s: not a regular file", path);
    if (!st) st = hs__input_note_fd(ctx, fd);
    if (!st)
        st = hs__read_fd(ctx, path, fd, HS__GEOJSON_MAX_BYTES,
                         "too large for GeoJSON (at most 1024 MB): use a GeoPackage", data, len);
    close(fd);
    return st;
}

/* Line and column of byte off. */
static void where(const char *d, size_t off, size_t *line, size_t *col) {
    *line = 1;
    size_t last = 0;
    for (size_t i = 0; i < off; i++)
        if (d[i] == '\n') ++*line, last = i + 1;
    *col = off - last + 1;
}

static const char *type_of(json_object *o) {
    json_object *t;
    if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "type", &t) ||
        !json_object_is_type(t, json_type_string))
        return NULL;
    return json_object_get_string(t);
}

/* The CRS a 2008 "crs" member names ("urn:ogc:def:crs:EPSG::27700",
 * "EPSG:27700"); RFC 7946 files have none and are OGC:CRS84. */
static hs_status crs_of(hs_ctx *ctx, const char *path, json_object *root, char **prj) {
    json_object *c, *p, *n;
    if (!json_object_object_get_ex(root, "crs", &c) || json_object_is_type(c, json_type_null)) {
        *prj = hs__strdup(ctx, "OGC:CRS84");
    } else if (json_object_object_get_ex(c, "properties", &p) &&
               json_object_object_get_ex(p, "name", &n) &&
               json_object_is_type(n, json_type_string)) {
        *prj = hs__strdup(ctx, json_object_get_string(n));
    } else {
        return hs__error(ctx, HS_EPARSE,
                         "%s: the \"crs\" member has no properties.name (a linked CRS is not "
                         "read): give the CRS by name, or write RFC 7946 lon/lat",
                         path);
    }
    return *prj ? HS_OK : hs__error(ctx, HS_ENOMEM, "out of memory");
}

/* One ring: an array of positions [x, y(, z...)]. */
static hs_status read_ring(hs_ctx *ctx, const char *path, size_t rec, json_object *ring, int role,
                           hs__poly_layer *L) {
    if (!json_object_is_type(ring, json_type_array))
        return hs__error(ctx, HS_EPARSE, "%s: feature %zu: a ring is not an array of positions",
                         path, rec + 1);
    size_t n = json_object_array_length(ring);
    double *x = hs__malloc(ctx, (n ? n : 1) * sizeof *x),
           *y = hs__malloc(ctx, (n ? n : 1) * sizeof *y);
    hs_status st = x && y ? HS_OK : hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && !st; i++) {
        json_object *pos = json_object_array_get_idx(ring, i);
        json_object *a =
            json_object_is_type(pos, json_type_array) && json_object_array_length(pos) >= 2
                ? json_object_array_get_idx(pos, 0)
                : NULL;
        json_object *b = a ? json_object_array_get_idx(pos, 1) : NULL;
        if (!a || !b ||
            !(json_object_is_type(a, json_type_double) || json_object_is_type(a, json_type_int)) ||
            !(json_object_is_type(b, json_type_double) || json_object_is_type(b, json_type_int)))
            st = hs__error(ctx, HS_EPARSE,
                           "%s: feature %zu: position %zu of a ring is not [x, y] numbers", path,
                           rec + 1, i + 1);
        else
            x[i] = json_object_get_double(a), y[i] = json_object_get_double(b);
    }
    if (!st) st = hs__poly_add_ring(ctx, L, rec, x, y, n, role);
    if (st == HS_ENOMEM) hs__error(ctx, st, "out of memory");
    free(x);
    free(y);
    return st;
}

/* A Polygon's coordinates: an array of rings, the first the outer. */
static hs_status read_polygon(hs_ctx *ctx, const char *path, size_t rec, json_object *rings,
                              hs__poly_layer *L) {
    if (!json_object_is_type(rings, json_type_array))
        return hs__error(ctx, HS_EPARSE, "%s: feature %zu: polygon coordinates are not an array",
                         path, rec + 1);
    hs_status st = HS_OK;
    size_t n = json_object_array_length(rings);
    for (size_t r = 0; r < n && !st; r++)
        st = read_ring(ctx, path, rec, json_object_array_get_idx(rings, r),
                       r ? HS__RING_HOLE : HS__RING_OUTER, L);
    return st;
}

static hs_status read_geometry(hs_ctx *ctx, const char *path, size_t rec, json_object *g,
                               hs__poly_layer *L) {
    L->ring0[rec] = L->nrings;
    hs_status st = HS_OK;
    const char *t = g ? type_of(g) : NULL;
    json_object *c = NULL;
    if (!g || json_object_is_type(g, json_type_null)) {
        if (!hs__poly_note(ctx, L, rec, "empty geometry")) st = HS_ENOMEM;
    } else if (!t || (strcmp(t, "Polygon") && strcmp(t, "MultiPolygon"))) {
        st = hs__error(ctx, HS_EPARSE, "%s: feature %zu: holds a %s geometry, not polygons", path,
                       rec + 1, t ? t : "malformed");
    } else if (!json_object_object_get_ex(g, "coordinates", &c) ||
               !json_object_is_type(c, json_type_array)) {
        st = hs__error(ctx, HS_EPARSE, "%s: feature %zu: %s without a coordinates array", path,
                       rec + 1, t);
    } else if (!strcmp(t, "Polygon")) {
        st = read_polygon(ctx, path, rec, c, L);
    } else {
        for (size_t p = 0; p < json_object_array_length(c) && !st; p++)
            st = read_polygon(ctx, path, rec, json_object_array_get_idx(c, p), L);
    }
    if (st == HS_ENOMEM) hs__error(ctx, st, "out of memory");
    if (!st && L->nrings == L->ring0[rec] && g && !json_object_is_type(g, json_type_null) &&
        !hs__poly_note(ctx, L, rec, "empty geometry"))
        st = hs__error(ctx, HS_ENOMEM, "out of memory");
    L->nring[rec] = L->nrings - L->ring0[rec];
    return st;
}

/* A property as text: strings as they are, numbers formatted, null or
 * absent as "". */
static char *prop_text(hs_ctx *ctx, json_object *props, const char *key, size_t rec,
                       hs__poly_layer *L) {
    json_object *v;
    if (!key || !props || !json_object_object_get_ex(props, key, &v) ||
        json_object_is_type(v, json_type_null))
        return hs__strdup(ctx, "");
    const char *s = json_object_get_string(v);
    if (!hs__utf8_valid((const unsigned char *)s) &&
        !hs__poly_note(ctx, L, rec, "code or name not valid UTF-8: bad bytes shown as U+FFFD"))
        return NULL;
    return hs__to_utf8(ctx, s, HS__ENC_UTF8);
}

/* The code and name keys, from the first feature's properties. */
static hs_status pick_keys(hs_ctx *ctx, const char *path, json_object *first,
                           const hs__poly_want *w, const char **kc, const char **kn) {
    const char *names[256];
    size_t n = 0;
    json_object *props = NULL;
    if (first && json_object_object_get_ex(first, "properties", &props) &&
        json_object_is_type(props, json_type_object)) {
        json_object_object_foreach(props, key, val) {
            (void)val;
            if (n < 256) names[n++] = key;
        }
    }
    int fc = hs__poly_pick_field(names, n, w->code_field, "CD");
    int fn = hs__poly_pick_field(names, n, w->name_field, "NM");
    if (fc < 0 || (w->name_field && fn < 0))
        return hs__poly_field_error(ctx, path, names, n, w, fc < 0);
    *kc = names[fc];
    *kn = fn >= 0 ? names[fn] : NULL;
    return HS_OK;
}

static hs_status read_features(hs_ctx *ctx, const char *path, json_object *root,
                               const hs__poly_want *w, hs__poly_layer *L) {
    const char *t = type_of(root);
    json_object *feats = NULL;
    size_t n = 1;
    if (t && !strcmp(t, "FeatureCollection")) {
        if (!json_object_object_get_ex(root, "features", &feats) ||
            !json_object_is_type(feats, json_type_array))
            return hs__error(ctx, HS_EPARSE, "%s: a FeatureCollection without a features array",
                             path);
        n = json_object_array_length(feats);
    } else if (!t || strcmp(t, "Feature")) {
        return hs__error(ctx, HS_EPARSE,
                         "%s: the top level is %s, not a FeatureCollection or Feature: a polygon "
                         "layer needs features with properties for codes and names",
                         path, t ? t : "not a GeoJSON object");
    }
    if (n == 0) return hs__error(ctx, HS_ENODATA, "%s: empty layer: no features", path);
    const char *kc = NULL, *kn = NULL;
    hs_status st =
        pick_keys(ctx, path, feats ? json_object_array_get_idx(feats, 0) : root, w, &kc, &kn);
    if (!st) st = hs__poly_records(ctx, L, n);
    for (size_t i = 0; i < n && !st; i++) {
        json_object *f = feats ? json_object_array_get_idx(feats, i) : root, *props = NULL,
                    *g = NULL;
        const char *ft = type_of(f);
        if (!ft || strcmp(ft, "Feature")) {
            st = hs__error(ctx, HS_EPARSE, "%s: feature %zu: not a Feature object", path, i + 1);
            break;
        }
        json_object_object_get_ex(f, "properties", &props);
        if (props && !json_object_is_type(props, json_type_object)) props = NULL;
        L->code[i] = prop_text(ctx, props, kc, i, L);
        L->name[i] = prop_text(ctx, props, kn, i, L);
        if (!L->code[i] || !L->name[i]) st = hs__error(ctx, HS_ENOMEM, "out of memory");
        if (!st && !json_object_object_get_ex(f, "geometry", &g)) g = NULL;
        if (!st) st = read_geometry(ctx, path, i, g, L);
    }
    return st;
}

hs_status hs__geojson_read(hs_ctx *ctx, const char *path, const char *data, size_t size,
                           const hs__poly_want *w, hs__poly_layer *L) {
    memset(L, 0, sizeof *L);
    L->path = path;
    L->encoding = "UTF-8";
    char *own = NULL;
    hs_status st = HS_OK;
    if (!data) {
        st = load(ctx, path, &own, &size);
        data = own;
    }
    /* A UTF-8 byte-order mark is not part of the text (RFC 8259 allows
     * readers to ignore it). */
    if (!st && size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) data += 3, size -= 3;
    json_object *root = NULL;
    if (!st) {
        if (size > INT32_MAX) size = INT32_MAX; /* json-c takes an int length */
        json_tokener *tok = json_tokener_new_ex(64);
        if (!tok) st = hs__error(ctx, HS_ENOMEM, "out of memory");
        /* Strict: JSON as RFC 8259 has it (no trailing commas, comments or
         * single quotes), as every other GeoJSON reader expects. */
        if (!st) json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        if (!st) root = json_tokener_parse_ex(tok, data, (int)size);
        enum json_tokener_error e = tok ? json_tokener_get_error(tok) : json_tokener_success;
        size_t off = tok ? json_tokener_get_parse_end(tok) : 0;
        if (!st && (e != json_tokener_success || !root)) {
            size_t line, col;
            where(data, off, &line, &col);
            st = hs__error(
                ctx, HS_EPARSE, "%s: line %zu, column %zu: not valid JSON: %s", path, line, col,
                e == json_tokener_continue ? "the text ends early" : json_tokener_error_desc(e));
        }
        while (!st && off < size && strchr(" \t\r\n", data[off]))
            off++;
        if (!st && off < size) {
            size_t line, col;
            where(data, off, &line, &col);
            st = hs__error(ctx, HS_EPARSE, "%s: line %zu, column %zu: text after the JSON value",
                           path, line, col);
        }
        json_tokener_free(tok);
    }
    if (!st) st = crs_of(ctx, path, root, &L->prj);
    if (!st) st = read_features(ctx, path, root, w, L);
    json_object_put(root);
    free(own);
    if (st) {
        hs__poly_free(L);
        L->path = path;
    }
    return st;
}
