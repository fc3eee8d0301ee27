/* shapefile.c — ESRI Shapefiles through shapelib (the only file including
 * shapefil.h): polygon layers in, with their .prj and .cpg, DBF text
 * converted to UTF-8; polygon layers out (.shp/.shx/.dbf + .prj + .cpg),
 * written under temporary names and renamed into place. */
#include "io.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <shapefil.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* shapelib reports problems through a hook without user data. */
static _Thread_local char shp_msg[256];
static void shp_error(const char *m) {
    snprintf(shp_msg, sizeof shp_msg, "%s", m);
}

static void hooks(SAHooks *h) {
    SASetupDefaultHooks(h);
    h->Error = shp_error;
}

/* Writing: shapelib does not check its writes (nor the header rewrites in
 * SHPClose/DBFClose), so the hooks keep the first failure's errno (ENOSPC,
 * EFBIG) for hs__shpw_commit to refuse the file. A writer stays on the
 * thread that opened it. */
static _Thread_local int shp_werr;
static SAHooks shp_default;
static pthread_once_t shp_default_once = PTHREAD_ONCE_INIT;
static void shp_default_init(void) {
    SASetupDefaultHooks(&shp_default);
}
static SAOffset write_hook(void *p, SAOffset size, SAOffset nmemb, SAFile f) {
    errno = 0;
    SAOffset r = shp_default.FWrite(p, size, nmemb, f);
    if (r < nmemb && !shp_werr) shp_werr = errno ? errno : EIO;
    return r;
}
static SAOffset seek_hook(SAFile f, SAOffset off, int whence) {
    errno = 0; /* a seek flushes stdio's buffer: the write error shows here */
    SAOffset r = shp_default.FSeek(f, off, whence);
    if (r != 0 && !shp_werr) shp_werr = errno ? errno : EIO;
    return r;
}
static int flush_hook(SAFile f) {
    errno = 0;
    int r = shp_default.FFlush(f);
    if (r != 0 && !shp_werr) shp_werr = errno ? errno : EIO;
    return r;
}
static int close_hook(SAFile f) {
    errno = 0;
    int r = shp_default.FClose(f);
    if (r != 0 && !shp_werr) shp_werr = errno ? errno : EIO;
    return r;
}
static void write_hooks(SAHooks *h) {
    pthread_once(&shp_default_once, shp_default_init);
    hooks(h);
    h->FWrite = write_hook;
    h->FFlush = flush_hook;
    h->FSeek = seek_hook;
    h->FClose = close_hook;
    shp_werr = 0;
}

/* In-memory files: shapelib asks for "<base>.shp" etc.; the hooks serve the
 * buffers of the current read (one per thread). */
typedef struct memfile {
    const unsigned char *data;
    size_t len, pos;
} memfile;
static _Thread_local const hs_shapefile_buffers *mem_set;

static SAFile mem_open(const char *name, const char *access) {
    if (!mem_set || access[0] != 'r') return NULL;
    const void *d = NULL;
    size_t n = 0;
    if (hs__has_ext(name, ".shp"))
        d = mem_set->shp, n = mem_set->shp_size;
    else if (hs__has_ext(name, ".shx"))
        d = mem_set->shx, n = mem_set->shx_size;
    else if (hs__has_ext(name, ".dbf"))
        d = mem_set->dbf, n = mem_set->dbf_size;
    if (!d) return NULL;
    memfile *m = hs__calloc(NULL, 1, sizeof *m);
    if (!m) return NULL;
    m->data = d;
    m->len = n;
    return (SAFile)m;
}

static SAOffset mem_read(void *p, SAOffset size, SAOffset nmemb, SAFile f) {
    memfile *m = (memfile *)f;
    if (size == 0) return 0;
    size_t avail = m->pos < m->len ? m->len - m->pos : 0, want = size * nmemb;
    size_t items = (want <= avail ? want : avail) / size;
    memcpy(p, m->data + m->pos, items * size);
    m->pos += items * size;
    return items;
}

static SAOffset mem_write(void *p, SAOffset size, SAOffset nmemb, SAFile f) {
    (void)p, (void)size, (void)nmemb, (void)f;
    return 0;
}

static SAOffset mem_seek(SAFile f, SAOffset off, int whence) {
    memfile *m = (memfile *)f;
    size_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->len : 0;
    m->pos = base + off;
    return 0;
}

static SAOffset mem_tell(SAFile f) {
    return ((memfile *)f)->pos;
}
static int mem_flush(SAFile f) {
    return (void)f, 0;
}
static int mem_close(SAFile f) {
    free(f);
    return 0;
}
static int mem_remove(const char *name) {
    return (void)name, -1;
}

static void mem_hooks(SAHooks *h) {
    hooks(h);
    h->FOpen = mem_open;
    h->FRead = mem_read;
    h->FWrite = mem_write;
    h->FSeek = mem_seek;
    h->FTell = mem_tell;
    h->FFlush = mem_flush;
    h->FClose = mem_close;
    h->Remove = mem_remove;
}

/* "wards.shp" -> "wards" (owned). */
static char *base_of(const hs_ctx *ctx, const char *path) {
    char *b = hs__strdup(ctx, path);
    if (!b) return NULL;
    size_t n = strlen(b);
    if (n > 4 && (hs__has_ext(b, ".shp") || hs__has_ext(b, ".shx") || hs__has_ext(b, ".dbf")))
        b[n - 4] = 0;
    return b;
}

static char *sibling(const hs_ctx *ctx, const char *base, const char *ext) {
    size_t n = strlen(base);
    char *p = hs__malloc(ctx, n + strlen(ext) + 1);
    if (p) {
        memcpy(p, base, n);
        strcpy(p + n, ext);
    }
    return p;
}

static bool exists(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Reads a small text file (.prj, .cpg) whole; NULL when absent. Looks for
 * the lower- and upper-case extension. */
static char *read_text(const hs_ctx *ctx, const char *base, const char *ext) {
    char *p = sibling(ctx, base, ext);
    if (!p) return NULL;
    FILE *f = fopen(p, "rb");
    if (!f) {
        for (char *c = p + strlen(base); *c; c++)
            *c = (char)toupper((unsigned char)*c);
        f = fopen(p, "rb");
    }
    free(p);
    if (!f) return NULL;
    char *buf = hs__malloc(ctx, 65536);
    size_t n = buf ? fread(buf, 1, 65535, f) : 0;
    fclose(f);
    if (buf) buf[n] = 0;
    return buf;
}

static int encoding_of(const char *cpg, const char *ldid) {
    if (cpg) {
        char t[64];
        size_t k = 0;
        for (const char *c = cpg; *c && k < sizeof t - 1; c++)
            if (isalnum((unsigned char)*c)) t[k++] = (char)toupper((unsigned char)*c);
        t[k] = 0;
        if (!strcmp(t, "UTF8") || !strcmp(t, "65001")) return HS__ENC_UTF8;
        if (strstr(t, "1252") || !strcmp(t, "ANSI")) return HS__ENC_CP1252;
        if (strstr(t, "88591") || !strcmp(t, "LATIN1") || !strcmp(t, "28591"))
            return HS__ENC_LATIN1;
    }
    /* DBF language driver ids: 0x57 (87) is ANSI = Windows-1252. */
    if (ldid && (!strcmp(ldid, "LDID/87") || !strcmp(ldid, "LDID/3"))) return HS__ENC_CP1252;
    return HS__ENC_GUESS;
}

static const char *type_name(int t) {
    switch (t) {
    case SHPT_POINT:
    case SHPT_POINTZ:
    case SHPT_POINTM: return "Point";
    case SHPT_ARC:
    case SHPT_ARCZ:
    case SHPT_ARCM: return "LineString";
    case SHPT_MULTIPOINT:
    case SHPT_MULTIPOINTZ:
    case SHPT_MULTIPOINTM: return "MultiPoint";
    case SHPT_MULTIPATCH: return "MultiPatch";
    default: return "unknown";
    }
}

/* The parts of one layer being read. */
typedef struct shp_parts {
    char *base, *shp, *shx, *dbf;
    SHPHandle sh;
    DBFHandle db;
    int nent, type;
} shp_parts;

/* Opens the .shp, .shx and .dbf (files, or mem), protecting every part of
 * a file layer from this run's outputs. */
static hs_status open_parts(hs_ctx *ctx, const char *path, const hs_shapefile_buffers *mem,
                            shp_parts *P) {
    P->base = base_of(ctx, path);
    P->shp = P->base ? sibling(ctx, P->base, ".shp") : NULL;
    P->shx = P->base ? sibling(ctx, P->base, ".shx") : NULL;
    P->dbf = P->base ? sibling(ctx, P->base, ".dbf") : NULL;
    if (!P->base || !P->shp || !P->shx || !P->dbf)
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    SAHooks hk;
    if (mem)
        mem_hooks(&hk);
    else
        hooks(&hk);
    mem_set = mem;
    shp_msg[0] = 0;
    if (mem ? !mem->shp : !exists(P->shp))
        return hs__error(ctx, HS_EIO, "%s: %s", P->shp, strerror(ENOENT));
    if (mem ? !mem->shx : !exists(P->shx))
        return hs__error(ctx, HS_EIO, "%s: missing: a shapefile needs its .shx index", P->shx);
    static const char *const all[] = {".shp", ".shx", ".dbf", ".prj", ".cpg",
                                      ".SHP", ".SHX", ".DBF", ".PRJ", ".CPG"};
    hs_status st = HS_OK;
    for (size_t i = 0; !mem && i < 10 && !st; i++) { /* no output may replace a part */
        char *p = sibling(ctx, P->base, all[i]);
        st = p ? hs__input_note_path(ctx, p) : hs__error(ctx, HS_ENOMEM, "out of memory");
        free(p);
    }
    if (st) return st;
    if (!(P->sh = SHPOpenLLEx(P->base, "rb", &hk, 0)))
        return hs__error(ctx, HS_EPARSE, "%s: not a readable shapefile%s%s", P->shp,
                         shp_msg[0] ? ": " : "", shp_msg);
    if (mem ? !mem->dbf : !exists(P->dbf))
        return hs__error(ctx, HS_EIO, "%s: missing: the .dbf holds the polygons' codes and names",
                         P->dbf);
    if (!(P->db = DBFOpenLL(P->base, "rb", &hk)))
        return hs__error(ctx, HS_EPARSE, "%s: not a readable .dbf%s%s", P->dbf,
                         shp_msg[0] ? ": " : "", shp_msg);
    return HS_OK;
}

/* Polygons, some, all indexed by the .shx, one .dbf record each. */
static hs_status check_parts(hs_ctx *ctx, shp_parts *P) {
    SHPGetInfo(P->sh, &P->nent, &P->type, NULL, NULL);
    int type = P->type;
    if (type != SHPT_POLYGON && type != SHPT_POLYGONZ && type != SHPT_POLYGONM)
        return hs__error(ctx, HS_EPARSE, "%s: holds %s shapes (type %d), not polygons", P->shp,
                         type_name(type), type);
    if (P->nent <= 0) return hs__error(ctx, HS_ENODATA, "%s: empty layer: no polygons", P->shp);
    /* shapelib reads the records the .shx indexes: a .shp longer than its
     * last indexed record holds records nobody would see (an out-of-date
     * .shx), so refuse it rather than drop them. */
    uint64_t end = 100;
    for (int i = 0; i < P->nent; i++) {
        uint64_t e = (uint64_t)P->sh->panRecOffset[i] + P->sh->panRecSize[i] + 8;
        if (e > end) end = e;
    }
    if ((uint64_t)P->sh->nFileSize > end)
        return hs__error(ctx, HS_EPARSE,
                         "%s: holds %llu bytes of records its .shx does not index (the .shx "
                         "lists %d): the .shx is out of date",
                         P->shp, (unsigned long long)((uint64_t)P->sh->nFileSize - end), P->nent);
    if (DBFGetRecordCount(P->db) != P->nent)
        return hs__error(ctx, HS_EPARSE, "%s: the .dbf has %d records but the .shp has %d", P->shp,
                         DBFGetRecordCount(P->db), P->nent);
    return HS_OK;
}

/* Record i's code and name, in UTF-8 (a note when the bytes were not). */
static hs_status read_names(hs_ctx *ctx, DBFHandle db, int i, int fc, int fn, int enc,
                            hs__poly_layer *L) {
    const char *c = DBFIsAttributeNULL(db, i, fc) ? "" : DBFReadStringAttribute(db, i, fc);
    L->code[i] = hs__to_utf8(ctx, c ? c : "", enc);
    bool bad = enc == HS__ENC_UTF8 && c && !hs__utf8_valid((const unsigned char *)c);
    const char *nm =
        fn < 0 || DBFIsAttributeNULL(db, i, fn) ? "" : DBFReadStringAttribute(db, i, fn);
    L->name[i] = hs__to_utf8(ctx, nm ? nm : "", enc);
    bad = bad || (enc == HS__ENC_UTF8 && nm && !hs__utf8_valid((const unsigned char *)nm));
    if (bad && !hs__poly_note(ctx, L, (size_t)i,
                              "code or name not valid UTF-8: bad bytes shown as U+FFFD"))
        return HS_ENOMEM;
    if (!L->code[i] || !L->name[i]) return hs__error(ctx, HS_ENOMEM, "out of memory");
    return HS_OK;
}

/* Record i's rings. */
static hs_status read_shape(hs_ctx *ctx, const shp_parts *P, int i, hs__poly_layer *L) {
    hs_status st = HS_OK;
    shp_msg[0] = 0;
    SHPObject *o = SHPReadObject(P->sh, i);
    if (!o)
        return hs__error(ctx, HS_EPARSE,
                         "%s: record %d: cannot be read (truncated or corrupt .shp or .shx)%s%s",
                         P->shp, i + 1, shp_msg[0] ? ": " : "", shp_msg);
    L->ring0[i] = L->nrings;
    if (o->nSHPType == SHPT_NULL || o->nVertices == 0) {
        if (!hs__poly_note(ctx, L, (size_t)i, "empty geometry")) st = HS_ENOMEM;
    } else if (o->nSHPType != P->type) {
        st = hs__error(ctx, HS_EPARSE, "%s: record %d: shape type %d in a layer of type %d", P->shp,
                       i + 1, o->nSHPType, P->type);
    } else {
        for (int p = 0; p < o->nParts && !st; p++) {
            int a = o->panPartStart[p],
                b = p + 1 < o->nParts ? o->panPartStart[p + 1] : o->nVertices;
            if (a < 0 || b > o->nVertices || a > b) {
                st = hs__error(ctx, HS_EPARSE, "%s: record %d: part %d has bad offsets", P->shp,
                               i + 1, p + 1);
                break;
            }
            st = hs__poly_add_ring(ctx, L, (size_t)i, o->padfX + a, o->padfY + a, (size_t)(b - a),
                                   HS__RING_ASIS);
            if (st == HS_ENOMEM) hs__error(ctx, st, "out of memory");
        }
    }
    L->nring[i] = L->nrings - L->ring0[i];
    SHPDestroyObject(o);
    return st;
}

/* The code and name fields (by name, or ONS's WDyyCD/NM, LSOAyyCD/NM, ...). */
static hs_status find_fields(hs_ctx *ctx, const shp_parts *P, const hs__poly_want *w, int *fc,
                             int *fn) {
    char names[256][XBASE_FLDNAME_LEN_READ + 1];
    const char *ptr[256];
    size_t n = 0;
    for (int i = 0; i < DBFGetFieldCount(P->db) && n < 256; i++, n++) {
        DBFGetFieldInfo(P->db, i, names[n], NULL, NULL);
        ptr[n] = names[n];
    }
    *fc = hs__poly_pick_field(ptr, n, w->code_field, "CD");
    *fn = hs__poly_pick_field(ptr, n, w->name_field, "NM");
    if (*fc >= 0 && (!w->name_field || *fn >= 0)) return HS_OK;
    return hs__poly_field_error(ctx, P->dbf, ptr, n, w, *fc < 0);
}

hs_status hs__shp_read(hs_ctx *ctx, const char *path, const hs_shapefile_buffers *mem,
                       const hs__poly_want *w, hs__poly_layer *L) {
    memset(L, 0, sizeof *L);
    L->path = path;
    shp_parts P = {0};
    char *cpg = NULL;
    int fc = -1, fn = -1;
    hs_status st = open_parts(ctx, path, mem, &P);
    if (!st) st = check_parts(ctx, &P);
    if (!st) st = find_fields(ctx, &P, w, &fc, &fn);
    if (!st) {
        L->prj =
            mem ? (mem->prj ? hs__strdup(ctx, mem->prj) : NULL) : read_text(ctx, P.base, ".prj");
        cpg = mem ? (mem->cpg ? hs__strdup(ctx, mem->cpg) : NULL) : read_text(ctx, P.base, ".cpg");
    }
    int enc = st ? HS__ENC_UTF8 : encoding_of(cpg, DBFGetCodePage(P.db));
    L->encoding = enc == HS__ENC_UTF8     ? "UTF-8"
                  : enc == HS__ENC_CP1252 ? "CP1252"
                  : enc == HS__ENC_LATIN1 ? "ISO-8859-1"
                                          : "UTF-8 or CP1252 (guessed)";
    if (!st) st = hs__poly_records(ctx, L, (size_t)P.nent);
    for (int i = 0; !st && i < P.nent; i++) {
        st = read_names(ctx, P.db, i, fc, fn, enc, L);
        if (!st) st = read_shape(ctx, &P, i, L);
    }
    if (st) hs__poly_free(L);
    if (P.sh) SHPClose(P.sh);
    if (P.db) DBFClose(P.db);
    mem_set = NULL;
    free(cpg);
    free(P.base);
    free(P.shp);
    free(P.shx);
    free(P.dbf);
    return st;
}

/* ---- writing -------------------------------------------------------------- */

/* The five parts of a shapefile being written, each a staged output
 * (output.c) opened before shapelib asks for it: shapelib opens its files
 * by name (and reopens the .shp and .shx), so its FOpen hook serves it a
 * duplicate of the staged descriptor instead; nothing is opened by name. */
static const char *const part_ext[5] = {".shp", ".shx", ".dbf", ".prj", ".cpg"};

struct hs__shp_writer {
    hs_ctx *ctx;
    char *base;
    int fd[5];
    size_t id[5];
    bool staged[5];
    SHPHandle sh;
    DBFHandle db;
    size_t nfields;
};

static _Thread_local const hs__shp_writer *w_open;

static SAFile part_open(const char *name, const char *access) {
    size_t n = strlen(name);
    for (int i = 0; w_open && n >= 4 && i < 5; i++) {
        if (!hs__has_ext(name, part_ext[i]) || !w_open->staged[i]) continue;
        int fd = dup(w_open->fd[i]);
        if (fd < 0) return NULL;
        if (lseek(fd, 0, SEEK_SET) != 0 || (strchr(access, 'w') && ftruncate(fd, 0) != 0)) {
            close(fd);
            return NULL;
        }
        FILE *f = fdopen(fd, "r+b");
        if (!f) close(fd);
        return (SAFile)f;
    }
    return NULL; /* never a file by name */
}
static int part_remove(const char *name) {
    (void)name; /* the staged parts are removed by output.c, nothing else */
    return 0;
}

void hs__shpw_abort(hs__shp_writer *w) {
    if (!w) return;
    if (w->sh) SHPClose(w->sh);
    if (w->db) DBFClose(w->db);
    for (int i = 0; i < 5; i++)
        if (w->staged[i]) {
            close(w->fd[i]);
            hs__output_finish(w->ctx, w->id[i], false);
        }
    free(w->base);
    free(w);
}

hs_status hs__shpw_open(hs_ctx *ctx, const char *path, const hs__dbf_field *f, size_t nf,
                        hs__shp_writer **out) {
    *out = NULL;
    hs__shp_writer *w = hs__calloc(ctx, 1, sizeof *w);
    if (!w || !(w->base = base_of(ctx, path))) {
        free(w);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    w->ctx = ctx;
    hs_status st = HS_OK;
    for (int i = 0; i < 5 && !st; i++) {
        char *target = sibling(ctx, w->base, part_ext[i]);
        st = target ? hs__output_create(ctx, target, 0, &w->fd[i], &w->id[i])
                    : hs__error(ctx, HS_ENOMEM, "out of memory");
        w->staged[i] = st == HS_OK;
        free(target);
    }
    if (st) {
        hs__shpw_abort(w);
        return st;
    }
    SAHooks hk;
    write_hooks(&hk);
    hk.FOpen = part_open;
    hk.Remove = part_remove;
    shp_msg[0] = 0;
    w_open = w;
    w->sh = SHPCreateLL("part", SHPT_POLYGON, &hk);
    w->db = DBFCreateLL("part", "UTF-8", &hk);
    w_open = NULL;
    if (!w->sh || !w->db) {
        hs__shpw_abort(w);
        return hs__error(ctx, HS_EIO, "%s: cannot create the shapefile: %s", path,
                         shp_werr ? strerror(shp_werr) : shp_msg);
    }
    for (size_t i = 0; i < nf; i++) {
        DBFFieldType t = f[i].type == 'C' ? FTString : f[i].type == 'N' ? FTInteger : FTDouble;
        if (DBFAddField(w->db, f[i].name, t, f[i].width, f[i].decimals) < 0) {
            hs__shpw_abort(w);
            return hs__error(ctx, HS_EIO, "%s: cannot add field %s", path, f[i].name);
        }
    }
    w->nfields = nf;
    *out = w;
    return HS_OK;
}

hs_status hs__shpw_add(hs_ctx *ctx, hs__shp_writer *w, const double *x, const double *y,
                       const int *part_start, int nparts, int npts, const hs__dbf_value *v) {
    /* A unit with no geometry is written as a null shape. */
    SHPObject *o = nparts > 0 ? SHPCreateObject(SHPT_POLYGON, -1, nparts, part_start, NULL, npts, x,
                                                y, NULL, NULL)
                              : SHPCreateSimpleObject(SHPT_NULL, 0, NULL, NULL, NULL);
    if (!o) return hs__error(ctx, HS_ENOMEM, "out of memory");
    /* Shapefile convention: outer rings clockwise, holes counter-clockwise. */
    if (nparts > 0) SHPRewindObject(w->sh, o);
    int id = SHPWriteObject(w->sh, -1, o);
    SHPDestroyObject(o);
    if (id < 0 || shp_werr)
        return hs__error(ctx, HS_EIO, "%s.shp: write failed: %s", w->base,
                         shp_werr     ? strerror(shp_werr)
                         : shp_msg[0] ? shp_msg
                                      : strerror(EIO));
    bool ok = true;
    for (size_t i = 0; i < w->nfields && ok; i++) {
        if (v[i].null)
            ok = DBFWriteNULLAttribute(w->db, id, (int)i);
        else if (v[i].s)
            ok = DBFWriteStringAttribute(w->db, id, (int)i, v[i].s);
        else if (DBFGetFieldInfo(w->db, (int)i, NULL, NULL, NULL) == FTInteger)
            ok = DBFWriteIntegerAttribute(w->db, id, (int)i, (int)v[i].d);
        else
            ok = DBFWriteDoubleAttribute(w->db, id, (int)i, v[i].d);
    }
    if (!ok) return hs__error(ctx, HS_EIO, "%s.dbf: write failed (value too wide?)", w->base);
    return HS_OK;
}

/* Replaces part i's content with text. */
static hs_status write_part(hs_ctx *ctx, hs__shp_writer *w, int i, const char *text) {
    size_t n = strlen(text), done = 0;
    int e = 0;
    if (lseek(w->fd[i], 0, SEEK_SET) != 0 || ftruncate(w->fd[i], 0) != 0) e = errno;
    while (!e && done < n) {
        ssize_t k = write(w->fd[i], text + done, n - done);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0)
            e = k < 0 ? errno : ENOSPC;
        else
            done += (size_t)k;
    }
    return e ? hs__error(ctx, HS_EIO, "%s%s: write failed: %s", w->base, part_ext[i], strerror(e))
             : HS_OK;
}

hs_status hs__shpw_commit(hs_ctx *ctx, hs__shp_writer *w, const char *prj_wkt) {
    SHPClose(w->sh);
    w->sh = NULL;
    DBFClose(w->db);
    w->db = NULL;
    hs_status st = HS_OK;
    if (shp_werr)
        st = hs__error(ctx, HS_EIO, "%s.shp: write failed: %s", w->base, strerror(shp_werr));
    if (!st && prj_wkt) st = write_part(ctx, w, 3, prj_wkt);
    if (!st) st = write_part(ctx, w, 4, "UTF-8");
    for (int i = 0; i < 5 && !st; i++)
        if (close(w->fd[i]) != 0)
            st = hs__error(ctx, HS_EIO, "%s%s: write failed: %s", w->base, part_ext[i],
                           strerror(errno));
        else
            w->fd[i] = -1;
    if (!st) st = hs__progress(ctx, "write", 1, 1);
    /* Every part is complete before the first is renamed into place (in a
     * job, at its commit). Without a .prj the old one is left alone. */
    for (int i = 0; i < 5; i++) {
        if (!w->staged[i]) continue;
        if (w->fd[i] >= 0) close(w->fd[i]);
        w->staged[i] = false;
        hs_status s = hs__output_finish(ctx, w->id[i], !st && (i != 3 || prj_wkt));
        if (!st) st = s;
    }
    hs__shpw_abort(w);
    return st;
}
