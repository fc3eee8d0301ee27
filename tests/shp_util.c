/* shp_util.c — test-only Shapefile bytes, written and read by hand from the
 * ESRI specification (no shapelib, no GEOS), so the oracles are independent
 * of the code under test. */
#include "shp_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void be32(unsigned char *p, int v) {
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}
static void le32(unsigned char *p, int v) {
    p[3] = (unsigned char)(v >> 24), p[2] = (unsigned char)(v >> 16);
    p[1] = (unsigned char)(v >> 8), p[0] = (unsigned char)v;
}
static void le64d(unsigned char *p, double d) {
    memcpy(p, &d, 8);
}
static int rbe32(const unsigned char *p) {
    return (int)((unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3]);
}
static int rle32(const unsigned char *p) {
    return (int)((unsigned)p[3] << 24 | (unsigned)p[2] << 16 | (unsigned)p[1] << 8 | p[0]);
}
static double rle64d(const unsigned char *p) {
    double d;
    memcpy(&d, p, 8);
    return d;
}

static void header(unsigned char *h, int type, int len_bytes, const double box[4]) {
    memset(h, 0, 100);
    be32(h, 9994);
    be32(h + 24, len_bytes / 2);
    le32(h + 28, 1000);
    le32(h + 32, type);
    for (int i = 0; i < 4; i++)
        le64d(h + 36 + 8 * i, box[i]);
}

int shp_write(const char *base, int type, const shp_rec *recs, int nrec) {
    char p[1024];
    size_t total = 100;
    double box[4] = {1e300, 1e300, -1e300, -1e300};
    for (int r = 0; r < nrec; r++) {
        total += 8 + (type == 1 ? 20 : 44 + 4 * (size_t)recs[r].nparts + 16 * (size_t)recs[r].npts);
        for (int i = 0; i < recs[r].npts; i++) {
            box[0] = recs[r].x[i] < box[0] ? recs[r].x[i] : box[0];
            box[1] = recs[r].y[i] < box[1] ? recs[r].y[i] : box[1];
            box[2] = recs[r].x[i] > box[2] ? recs[r].x[i] : box[2];
            box[3] = recs[r].y[i] > box[3] ? recs[r].y[i] : box[3];
        }
    }
    if (nrec == 0) box[0] = box[1] = box[2] = box[3] = 0;
    unsigned char *b = calloc(1, total), *x = calloc(1, 100 + 8 * (size_t)nrec);
    header(b, type, (int)total, box);
    header(x, type, 100 + 8 * nrec, box);
    size_t off = 100;
    for (int r = 0; r < nrec; r++) {
        const shp_rec *s = &recs[r];
        int clen = type == 1 ? 20 : 44 + 4 * s->nparts + 16 * s->npts;
        be32(x + 100 + 8 * r, (int)off / 2);
        be32(x + 104 + 8 * r, clen / 2);
        be32(b + off, r + 1);
        be32(b + off + 4, clen / 2);
        unsigned char *c = b + off + 8;
        le32(c, type);
        if (type == 1) {
            le64d(c + 4, s->x[0]);
            le64d(c + 12, s->y[0]);
        } else {
            double rb[4] = {1e300, 1e300, -1e300, -1e300};
            for (int i = 0; i < s->npts; i++) {
                rb[0] = s->x[i] < rb[0] ? s->x[i] : rb[0];
                rb[1] = s->y[i] < rb[1] ? s->y[i] : rb[1];
                rb[2] = s->x[i] > rb[2] ? s->x[i] : rb[2];
                rb[3] = s->y[i] > rb[3] ? s->y[i] : rb[3];
            }
            for (int i = 0; i < 4; i++)
                le64d(c + 4 + 8 * i, rb[i]);
            le32(c + 36, s->nparts);
            le32(c + 40, s->npts);
            for (int i = 0; i < s->nparts; i++)
                le32(c + 44 + 4 * i, s->parts[i]);
            unsigned char *pt = c + 44 + 4 * s->nparts;
            for (int i = 0; i < s->npts; i++) {
                le64d(pt + 16 * i, s->x[i]);
                le64d(pt + 16 * i + 8, s->y[i]);
            }
        }
        off += 8 + (size_t)clen;
    }
    snprintf(p, sizeof p, "%s.shp", base);
    FILE *f = fopen(p, "wb");
    if (!f) return -1;
    fwrite(b, 1, total, f);
    fclose(f);
    snprintf(p, sizeof p, "%s.shx", base);
    f = fopen(p, "wb");
    fwrite(x, 1, 100 + 8 * (size_t)nrec, f);
    fclose(f);
    free(b);
    free(x);
    return 0;
}

int dbf_write(const char *base, const char *const *fields, int nfields, const char *const *vals,
              int nrec, int width, unsigned char ldid) {
    char p[1024];
    snprintf(p, sizeof p, "%s.dbf", base);
    FILE *f = fopen(p, "wb");
    if (!f) return -1;
    unsigned char h[32] = {0};
    h[0] = 3;
    h[1] = 124, h[2] = 1, h[3] = 1;
    h[4] = (unsigned char)nrec, h[5] = (unsigned char)(nrec >> 8);
    int hl = 32 + 32 * nfields + 1, rl = 1 + width * nfields;
    h[8] = (unsigned char)hl, h[9] = (unsigned char)(hl >> 8);
    h[10] = (unsigned char)rl, h[11] = (unsigned char)(rl >> 8);
    h[29] = ldid;
    fwrite(h, 1, 32, f);
    for (int i = 0; i < nfields; i++) {
        unsigned char d[32] = {0};
        strncpy((char *)d, fields[i], 10);
        d[11] = 'C';
        d[16] = (unsigned char)width;
        fwrite(d, 1, 32, f);
    }
    fputc(0x0D, f);
    for (int r = 0; r < nrec; r++) {
        fputc(' ', f);
        for (int i = 0; i < nfields; i++) {
            char cell[256];
            memset(cell, ' ', sizeof cell);
            const char *v = vals[r * nfields + i];
            memcpy(cell, v, strlen(v) < (size_t)width ? strlen(v) : (size_t)width);
            fwrite(cell, 1, (size_t)width, f);
        }
    }
    fputc(0x1A, f);
    fclose(f);
    return 0;
}

int write_text(const char *base, const char *ext, const char *text) {
    char p[1024];
    snprintf(p, sizeof p, "%s%s", base, ext);
    FILE *f = fopen(p, "wb");
    if (!f) return -1;
    fputs(text, f);
    fclose(f);
    return 0;
}

int shp_read_polygons(const char *path, shp_poly **out) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n);
    if (fread(b, 1, (size_t)n, f) != (size_t)n) n = 0;
    fclose(f);
    int cap = 16, k = 0;
    shp_poly *P = calloc((size_t)cap, sizeof *P);
    for (long off = 100; off + 8 <= n;) {
        int clen = rbe32(b + off + 4) * 2;
        const unsigned char *c = b + off + 8;
        if (k == cap) P = realloc(P, (size_t)(cap *= 2) * sizeof *P);
        memset(&P[k], 0, sizeof P[k]);
        if (rle32(c) == 5) {
            P[k].nparts = rle32(c + 36);
            P[k].npts = rle32(c + 40);
            P[k].parts = malloc((size_t)(P[k].nparts + 1) * sizeof(int));
            P[k].x = malloc((size_t)P[k].npts * sizeof(double));
            P[k].y = malloc((size_t)P[k].npts * sizeof(double));
            for (int i = 0; i < P[k].nparts; i++)
                P[k].parts[i] = rle32(c + 44 + 4 * i);
            P[k].parts[P[k].nparts] = P[k].npts;
            const unsigned char *pt = c + 44 + 4 * P[k].nparts;
            for (int i = 0; i < P[k].npts; i++) {
                P[k].x[i] = rle64d(pt + 16 * i);
                P[k].y[i] = rle64d(pt + 16 * i + 8);
            }
        }
        k++;
        off += 8 + clen;
    }
    free(b);
    *out = P;
    return k;
}

void shp_free_polygons(shp_poly *P, int n) {
    for (int i = 0; i < n; i++) {
        free(P[i].parts);
        free(P[i].x);
        free(P[i].y);
    }
    free(P);
}

/* Even-odd over every ring of the record: inside a polygon with holes and
 * parts exactly when an odd number of ring edges cross a ray to the east. */
bool shp_poly_holds(const shp_poly *P, double px, double py) {
    bool in = false;
    for (int r = 0; r < P->nparts; r++)
        for (int i = P->parts[r], j = P->parts[r + 1] - 1; i < P->parts[r + 1]; j = i++)
            if ((P->y[i] > py) != (P->y[j] > py) &&
                px < (P->x[j] - P->x[i]) * (py - P->y[i]) / (P->y[j] - P->y[i]) + P->x[i])
                in = !in;
    return in;
}

static double seg_dist2(double px, double py, double ax, double ay, double bx, double by) {
    double dx = bx - ax, dy = by - ay, l = dx * dx + dy * dy;
    double t = l > 0 ? ((px - ax) * dx + (py - ay) * dy) / l : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double qx = ax + t * dx - px, qy = ay + t * dy - py;
    return qx * qx + qy * qy;
}

/* Smallest distance between the boundaries of two records, by brute force
 * over every vertex of one against every edge of the other. (Two polygons
 * within tol of each other that do not overlap have boundaries within tol;
 * ONS boundaries do not overlap.) */
double shp_poly_distance(const shp_poly *A, const shp_poly *B) {
    double best = 1e300;
    for (int pass = 0; pass < 2; pass++) {
        const shp_poly *P = pass ? B : A, *Q = pass ? A : B;
        for (int i = 0; i < P->npts; i++)
            for (int r = 0; r < Q->nparts; r++)
                for (int k = Q->parts[r]; k + 1 < Q->parts[r + 1]; k++) {
                    double d =
                        seg_dist2(P->x[i], P->y[i], Q->x[k], Q->y[k], Q->x[k + 1], Q->y[k + 1]);
                    if (d < best) best = d;
                }
    }
    return sqrt(best);
}
