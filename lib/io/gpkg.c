/* gpkg.c — GeoPackage polygon layers through SQLite (the only file
 * including sqlite3.h; PROJ already needs the library). OGC GeoPackage
 * 1.3 (12-128r18): feature tables are listed in gpkg_contents with
 * data_type 'features', their geometry column in gpkg_geometry_columns, and
 * their CRS in gpkg_spatial_ref_sys (organisation + code, else WKT). Each
 * geometry is a GeoPackageBinary blob: an 8-byte header ("GP", version,
 * flags, srs_id), an optional envelope of 0/32/48/64 bytes (flags bits
 * 1-3), then standard WKB, which GEOS's WKB reader decodes (geom.c). */
#include "io.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* SQL identifier quoting: "a""b". */
static char *quote_id(const hs_ctx *ctx, const char *id) {
    size_t n = strlen(id), k = 0;
    char *q = hs__malloc(ctx, 2 * n + 3);
    if (!q) return NULL;
    q[k++] = '"';
    for (const char *c = id; *c; c++) {
        if (*c == '"') q[k++] = '"';
        q[k++] = *c;
    }
    q[k++] = '"';
    q[k] = 0;
    return q;
}

typedef struct gpkg {
    hs_ctx *ctx;
    const char *path;
    sqlite3 *db;
    char *table, *column; /* the layer read */
    long long srs_id;
} gpkg;

static hs_status db_error(gpkg *G, const char *what) {
    return hs__error(G->ctx, HS_EPARSE, "%s: %s: %s", G->path, what, sqlite3_errmsg(G->db));
}

static hs_status open_db(gpkg *G, const void *data, size_t size) {
    int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
    if (!data) {
        struct stat sb;
        if (stat(G->path, &sb) != 0)
            return hs__error(G->ctx, HS_EIO, "%s: %s", G->path, strerror(errno));
        if (!S_ISREG(sb.st_mode))
            return hs__error(G->ctx, HS_EIO, "%s: not a regular file", G->path);
        hs_status st = hs__input_note_path(G->ctx, G->path);
        if (st) return st;
        if (sqlite3_open_v2(G->path, &G->db, flags, NULL) != SQLITE_OK)
            return G->db ? db_error(G, "cannot open")
                         : hs__error(G->ctx, HS_ENOMEM, "out of memory");
        return HS_OK;
    }
    /* An in-memory image: SQLite takes a copy it may free. */
    if (sqlite3_open_v2(":memory:", &G->db, flags | SQLITE_OPEN_MEMORY, NULL) != SQLITE_OK)
        return hs__error(G->ctx, HS_ENOMEM, "out of memory");
    unsigned char *copy = sqlite3_malloc64(size ? size : 1);
    if (!copy) return hs__error(G->ctx, HS_ENOMEM, "out of memory");
    memcpy(copy, data, size);
    if (sqlite3_deserialize(G->db, "main", copy, (sqlite3_int64)size, (sqlite3_int64)size,
                            SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) !=
        SQLITE_OK)
        return db_error(G, "not a database");
    return HS_OK;
}

/* The feature layer: the one named, else the only one with polygons. */
static hs_status pick_layer(gpkg *G, const char *want) {
    sqlite3_stmt *q = NULL;
    const char *sql = "SELECT c.table_name, g.column_name, g.geometry_type_name, c.srs_id "
                      "FROM gpkg_contents c JOIN gpkg_geometry_columns g "
                      "ON g.table_name = c.table_name WHERE c.data_type = 'features' "
                      "ORDER BY c.table_name";
    if (sqlite3_prepare_v2(G->db, sql, -1, &q, NULL) != SQLITE_OK) {
        hs_status st = hs__error(G->ctx, HS_EPARSE,
                                 "%s: not a GeoPackage (no gpkg_contents and "
                                 "gpkg_geometry_columns tables): %s",
                                 G->path, sqlite3_errmsg(G->db));
        return st;
    }
    char list[512];
    size_t k = 0, npoly = 0;
    list[0] = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(q, 0),
                   *c = (const char *)sqlite3_column_text(q, 1),
                   *ty = (const char *)sqlite3_column_text(q, 2);
        if (!t || !c) continue;
        bool poly = ty && (!strcasecmp(ty, "POLYGON") || !strcasecmp(ty, "MULTIPOLYGON") ||
                           !strcasecmp(ty, "GEOMETRY"));
        if (k + 80 < sizeof list)
            k += (size_t)snprintf(list + k, sizeof list - k, "%s%s (%s)", k ? ", " : "", t,
                                  ty ? ty : "?");
        bool take = want ? !strcmp(t, want) : poly && ++npoly == 1;
        if (take && !G->table) {
            G->table = hs__strdup(G->ctx, t);
            G->column = hs__strdup(G->ctx, c);
            G->srs_id = sqlite3_column_int64(q, 3);
            if (!G->table || !G->column) {
                sqlite3_finalize(q);
                return hs__error(G->ctx, HS_ENOMEM, "out of memory");
            }
        }
    }
    hs_status st = rc == SQLITE_DONE ? HS_OK : db_error(G, "cannot list its layers");
    sqlite3_finalize(q);
    if (st) return st;
    if (!k)
        return hs__error(G->ctx, HS_ENODATA, "%s: the GeoPackage has no feature layer", G->path);
    if (want && !G->table)
        return hs__error(G->ctx, HS_EINVAL, "%s: no layer '%s'; the layers are: %s", G->path, want,
                         list);
    if (!want && npoly == 0)
        return hs__error(G->ctx, HS_EINVAL, "%s: no polygon layer; the layers are: %s", G->path,
                         list);
    if (!want && npoly > 1)
        return hs__error(G->ctx, HS_EINVAL,
                         "%s: %zu polygon layers (%s): name one as %s|layername=NAME", G->path,
                         npoly, list, G->path);
    return HS_OK;
}

/* The layer's CRS: "EPSG:n" when the organisation is EPSG, else the WKT;
 * NULL when undefined (srs_id 0 or -1, or "undefined"). */
static hs_status layer_crs(gpkg *G, char **prj) {
    *prj = NULL;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(G->db,
                           "SELECT organization, organization_coordsys_id, definition "
                           "FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return db_error(G, "no gpkg_spatial_ref_sys table");
    sqlite3_bind_int64(q, 1, G->srs_id);
    hs_status st = HS_OK;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && G->srs_id > 0) {
        const char *org = (const char *)sqlite3_column_text(q, 0),
                   *def = (const char *)sqlite3_column_text(q, 2);
        long long code = sqlite3_column_int64(q, 1);
        char t[64];
        if (org && !strcasecmp(org, "EPSG") && code > 0) {
            snprintf(t, sizeof t, "EPSG:%lld", code);
            *prj = hs__strdup(G->ctx, t);
        } else if (def && strcasecmp(def, "undefined")) {
            *prj = hs__strdup(G->ctx, def);
        } else {
            rc = SQLITE_DONE;
        }
        if (rc == SQLITE_ROW && !*prj) st = hs__error(G->ctx, HS_ENOMEM, "out of memory");
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        st = db_error(G, "cannot read gpkg_spatial_ref_sys");
    } else if (rc == SQLITE_DONE && G->srs_id > 0) {
        st =
            hs__error(G->ctx, HS_EPARSE, "%s: layer %s: srs_id %lld is not in gpkg_spatial_ref_sys",
                      G->path, G->table, G->srs_id);
    }
    sqlite3_finalize(q);
    return st;
}

/* The layer's columns other than the geometry, for the code/name rule. */
static hs_status columns(gpkg *G, const hs__poly_want *w, char **kc, char **kn) {
    char *qt = quote_id(G->ctx, G->table);
    sqlite3_stmt *q = NULL;
    hs_status st = HS_OK;
    if (!qt) return hs__error(G->ctx, HS_ENOMEM, "out of memory");
    char *s = sqlite3_mprintf("PRAGMA table_info(%s)", qt);
    free(qt);
    if (!s) return hs__error(G->ctx, HS_ENOMEM, "out of memory");
    int rc = sqlite3_prepare_v2(G->db, s, -1, &q, NULL);
    sqlite3_free(s);
    if (rc != SQLITE_OK) return db_error(G, "cannot read the layer's columns");
    char *names[256];
    size_t n = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && n < 256) {
        const char *c = (const char *)sqlite3_column_text(q, 1);
        if (!c || !strcmp(c, G->column)) continue;
        if (!(names[n] = hs__strdup(G->ctx, c))) {
            st = hs__error(G->ctx, HS_ENOMEM, "out of memory");
            break;
        }
        n++;
    }
    sqlite3_finalize(q);
    if (!st && rc != SQLITE_DONE && rc != SQLITE_ROW) st = db_error(G, "cannot read its columns");
    if (!st) {
        int fc = hs__poly_pick_field((const char *const *)names, n, w->code_field, "CD");
        int fn = hs__poly_pick_field((const char *const *)names, n, w->name_field, "NM");
        if (fc < 0 || (w->name_field && fn < 0)) {
            char where[600];
            snprintf(where, sizeof where, "%s: layer %s", G->path, G->table);
            st = hs__poly_field_error(G->ctx, where, (const char *const *)names, n, w, fc < 0);
        } else {
            *kc = quote_id(G->ctx, names[fc]);
            *kn = fn >= 0 ? quote_id(G->ctx, names[fn]) : hs__strdup(G->ctx, "''");
            if (!*kc || !*kn) st = hs__error(G->ctx, HS_ENOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    return st;
}

/* The rings of a WKB geometry into record rec. */
typedef struct ring_sink {
    hs_ctx *ctx;
    hs__poly_layer *L;
    size_t rec;
} ring_sink;

static int sink_ring(void *ud, int poly, int ring, const double *x, const double *y, size_t n) {
    (void)poly;
    ring_sink *s = ud;
    return hs__poly_add_ring(s->ctx, s->L, s->rec, x, y, n,
                             ring ? HS__RING_HOLE : HS__RING_OUTER) == HS_OK
               ? 0
               : -1;
}

/* GeoPackageBinary: "GP", version 0, flags; WKB after the envelope. */
static hs_status read_blob(gpkg *G, size_t rec, const unsigned char *b, size_t n,
                           hs__poly_layer *L) {
    char note[300];
    if (!b || n == 0) return hs__poly_note(G->ctx, L, rec, "empty geometry") ? HS_OK : HS_ENOMEM;
    if (n < 8 || b[0] != 'G' || b[1] != 'P')
        return hs__error(G->ctx, HS_EPARSE,
                         "%s: layer %s, feature %zu: the geometry is not GeoPackageBinary (no "
                         "\"GP\" header)",
                         G->path, G->table, rec + 1);
    unsigned flags = b[3], env = (flags >> 1) & 7;
    static const size_t env_bytes[8] = {0, 32, 48, 48, 64, 0, 0, 0};
    if (env > 4 || (flags & 0x20))
        return hs__error(G->ctx, HS_EPARSE, "%s: layer %s, feature %zu: %s GeoPackageBinary header",
                         G->path, G->table, rec + 1, flags & 0x20 ? "an extended" : "a malformed");
    size_t off = 8 + env_bytes[env];
    if (off > n)
        return hs__error(G->ctx, HS_EPARSE, "%s: layer %s, feature %zu: geometry truncated",
                         G->path, G->table, rec + 1);
    if ((flags & 0x10) || off == n) /* the empty-geometry flag */
        return hs__poly_note(G->ctx, L, rec, "empty geometry") ? HS_OK : HS_ENOMEM;
    ring_sink s = {G->ctx, L, rec};
    void *geos = hs__ctx_geos(G->ctx);
    if (!geos) return hs__error(G->ctx, HS_ENOMEM, "out of memory");
    int rc = hs__wkb_visit_rings(geos, b + off, n - off, sink_ring, &s, note, sizeof note);
    if (rc == -2)
        return hs__error(G->ctx, HS_EPARSE, "%s: layer %s, feature %zu: %s", G->path, G->table,
                         rec + 1, note);
    if (rc) return hs__error(G->ctx, HS_ENOMEM, "out of memory");
    if (L->nrings == L->ring0[rec] && !hs__poly_note(G->ctx, L, rec, "empty geometry"))
        return HS_ENOMEM;
    return HS_OK;
}

static hs_status read_rows(gpkg *G, const char *kc, const char *kn, hs__poly_layer *L) {
    char *qt = quote_id(G->ctx, G->table), *qg = quote_id(G->ctx, G->column);
    char *sql = qt && qg ? sqlite3_mprintf("SELECT count(*) FROM %s", qt) : NULL;
    sqlite3_stmt *q = NULL;
    hs_status st = sql ? HS_OK : hs__error(G->ctx, HS_ENOMEM, "out of memory");
    size_t n = 0;
    if (!st && sqlite3_prepare_v2(G->db, sql, -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        n = (size_t)sqlite3_column_int64(q, 0);
    else if (!st)
        st = db_error(G, "cannot count the features");
    sqlite3_finalize(q);
    q = NULL;
    sqlite3_free(sql);
    sql = NULL;
    if (!st && n == 0)
        st = hs__error(G->ctx, HS_ENODATA, "%s: layer %s is empty: no polygons", G->path, G->table);
    if (!st) st = hs__poly_records(G->ctx, L, n);
    /* rowid order is the features' fid order, as QGIS lists them. */
    if (!st) sql = sqlite3_mprintf("SELECT %s, %s, %s FROM %s ORDER BY rowid", kc, kn, qg, qt);
    if (!st && !sql) st = hs__error(G->ctx, HS_ENOMEM, "out of memory");
    if (!st && sqlite3_prepare_v2(G->db, sql, -1, &q, NULL) != SQLITE_OK)
        st = db_error(G, "cannot read the layer");
    size_t i = 0;
    int rc = SQLITE_DONE;
    while (!st && i < n && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (int c = 0; c < 2 && !st; c++) {
            const char *t = (const char *)sqlite3_column_text(q, c);
            if (t && !hs__utf8_valid((const unsigned char *)t) &&
                !hs__poly_note(G->ctx, L, i,
                               "code or name not valid UTF-8: bad bytes shown as U+FFFD"))
                st = hs__error(G->ctx, HS_ENOMEM, "out of memory");
            char *u = hs__to_utf8(G->ctx, t ? t : "", HS__ENC_UTF8);
            if (!u) st = hs__error(G->ctx, HS_ENOMEM, "out of memory");
            if (c == 0)
                L->code[i] = u;
            else
                L->name[i] = u;
        }
        L->ring0[i] = L->nrings;
        if (!st)
            st = read_blob(G, i, sqlite3_column_blob(q, 2), (size_t)sqlite3_column_bytes(q, 2), L);
        if (st == HS_ENOMEM) hs__error(G->ctx, st, "out of memory");
        L->nring[i] = L->nrings - L->ring0[i];
        i++;
    }
    if (!st && rc != SQLITE_ROW && rc != SQLITE_DONE) st = db_error(G, "cannot read the layer");
    if (!st && i < n) L->nrec = i; /* rows went while counting: keep those read */
    sqlite3_finalize(q);
    sqlite3_free(sql);
    free(qt);
    free(qg);
    return st;
}

hs_status hs__gpkg_read(hs_ctx *ctx, const char *path, const void *data, size_t size,
                        const hs__poly_want *w, hs__poly_layer *L) {
    memset(L, 0, sizeof *L);
    L->path = path;
    L->encoding = "UTF-8";
    gpkg G = {ctx, path, NULL, NULL, NULL, 0};
    char *kc = NULL, *kn = NULL;
    hs_status st = open_db(&G, data, size);
    if (!st) st = pick_layer(&G, w->layer);
    if (!st) st = layer_crs(&G, &L->prj);
    if (!st) st = columns(&G, w, &kc, &kn);
    if (!st) st = read_rows(&G, kc, kn, L);
    if (st) {
        hs__poly_free(L);
        L->path = path;
    }
    free(kc);
    free(kn);
    free(G.table);
    free(G.column);
    sqlite3_close(G.db);
    return st;
}
