/* map.c — the report's two maps, as inline SVG at the page's full width:
 * the wards shaded by count (or rate) with their names, and the density
 * with the top hotspots numbered by rank, beside an inset at the scale of
 * the top hotspots (the town centre). North up, working CRS.
 *
 * Every label is placed, not just drawn: its box (from Helvetica's advance
 * widths, which Arial and Liberation Sans share, plus a margin) is kept
 * clear of every label placed before it, of the map furniture and of the
 * frame. Ward names go at each ward's pole of inaccessibility (GEOS
 * MaximumInscribedCircle), on one line or two; a ward whose name fits
 * nowhere gets a number, listed under the map. Hotspot numbers are tried
 * on rings of 16 positions around their cell, nearest first, away from
 * the other top cells, with a leader line when set apart (Imhof's rules:
 * never over a symbol, as close as the map allows). Deterministic. */
#include "share.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HS__PI 3.14159265358979323846

static const char *const ramp5[5] = {"#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"};

/* Helvetica advance widths, 1/1000 em, ASCII 32..126 (Adobe's AFM). */
static const uint16_t adv[95] = {
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333,  278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,  611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278,  556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,  500, 334, 260, 334, 584};

/* Width in pixels of n bytes of UTF-8 text at font size fs, 8 % over
 * (Helvetica Neue and hinting run a little wider). */
static double text_w(const char *s, size_t n, double fs) {
    double w = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 32 && c < 127)
            w += adv[c - 32];
        else if ((c & 0xC0) != 0x80)
            w += 667; /* a non-ASCII letter: as wide as a capital */
    }
    return w * fs / 1000 * 1.08;
}

/* ---- placing --------------------------------------------------------------- */

typedef struct box {
    double x0, y0, x1, y1;
} box;

typedef struct placer {
    box *b;
    size_t n, cap;
} placer;

static bool overlaps(box a, box b) {
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/* Inside frame (2 px in) and clear of everything placed. */
static bool clear(const placer *p, box frame, box b) {
    if (b.x0 < frame.x0 + 2 || b.y0 < frame.y0 + 2 || b.x1 > frame.x1 - 2 || b.y1 > frame.y1 - 2)
        return false;
    for (size_t i = 0; i < p->n; i++)
        if (overlaps(p->b[i], b)) return false;
    return true;
}

static bool keep(const hs_ctx *ctx, placer *p, box b) {
    if (!hs__grow(ctx, (void **)&p->b, &p->cap, p->n + 1, sizeof *p->b)) return false;
    p->b[p->n++] = b;
    return true;
}

/* ---- views ----------------------------------------------------------------- */

typedef struct view {
    double x0, y1, s; /* world left, top; pixels per metre */
    double w, h;      /* pixels */
} view;

/* world box into at most w x h pixels, aspect kept. */
static view fit(const double b[4], double w, double h) {
    view v = {b[0], b[3], w / (b[2] - b[0]), w, 0};
    v.h = (b[3] - b[1]) * v.s;
    if (v.h > h) {
        v.s = h / (b[3] - b[1]);
        v.w = (b[2] - b[0]) * v.s;
        v.h = h;
    }
    return v;
}

typedef struct box_acc {
    double b[4];
} box_acc;

static int grow_box(void *ud, int poly, int ring, const double *x, const double *y, size_t n) {
    (void)poly, (void)ring;
    box_acc *a = ud;
    for (size_t i = 0; i < n; i++) {
        a->b[0] = fmin(a->b[0], x[i]), a->b[1] = fmin(a->b[1], y[i]);
        a->b[2] = fmax(a->b[2], x[i]), a->b[3] = fmax(a->b[3], y[i]);
    }
    return 0;
}

/* The area drawn: the wards' box, else the density's, else the hotspots'. */
static bool world_box(const hs_report *r, const hs_units *wards, const hs_units *cells,
                      double out[4]) {
    box_acc a = {{INFINITY, INFINITY, -INFINITY, -INFINITY}};
    for (size_t i = 0; wards && i < wards->n; i++)
        if (wards->g[i]) hs__geom_visit_rings(wards->geos, wards->g[i], grow_box, &a);
    if (!(a.b[2] > a.b[0]) && r->density) {
        const hs_raster *d = r->density;
        a.b[0] = d->x_min, a.b[2] = d->x_min + (double)d->width * d->px;
        a.b[3] = d->y_max, a.b[1] = d->y_max - (double)d->height * d->px;
    }
    for (size_t j = 0; !(a.b[2] > a.b[0]) && cells && j < r->hotspots->nsel; j++) {
        uint32_t k = r->hotspots->sel[j].unit;
        if (cells->g[k]) hs__geom_visit_rings(cells->geos, cells->g[k], grow_box, &a);
    }
    if (!(a.b[2] > a.b[0]) || !(a.b[3] > a.b[1])) return false;
    memcpy(out, a.b, sizeof a.b);
    return true;
}

typedef struct path_out {
    FILE *f;
    const view *v;
    double tol; /* px: points closer than this to the last drawn are dropped */
} path_out;

static int put_ring(void *ud, int poly, int ring, const double *x, const double *y, size_t n) {
    (void)poly, (void)ring;
    path_out *p = ud;
    const view *v = p->v;
    double lx = NAN, ly = NAN;
    for (size_t i = 0; i < n; i++) {
        double px = (x[i] - v->x0) * v->s, py = (v->y1 - y[i]) * v->s;
        if (i && i + 1 < n && fabs(px - lx) < p->tol && fabs(py - ly) < p->tol) continue;
        fprintf(p->f, "%c%.2f %.2f", i ? 'L' : 'M', px, py);
        lx = px, ly = py;
    }
    fputc('Z', p->f);
    return 0;
}

static void unit_path(FILE *f, const hs_units *u, size_t i, const view *v, double tol) {
    path_out p = {f, v, tol};
    if (u->g[i]) hs__geom_visit_rings(u->geos, u->g[i], put_ring, &p);
}

/* vector-effect is not inherited: each path gets path_attrs. */
static void unit_group(FILE *f, const hs_units *u, const view *v, double tol, const char *attrs,
                       const char *path_attrs) {
    fprintf(f, "<g %s>", attrs);
    for (size_t i = 0; i < u->n; i++) {
        fprintf(f, "<path %s d=\"", path_attrs);
        unit_path(f, u, i, v, tol);
        fputs("\"/>", f);
    }
    fputs("</g>\n", f);
}

static double nice_length(double max_m) {
    double p = pow(10, floor(log10(max_m)));
    return max_m / p >= 5 ? 5 * p : max_m / p >= 2 ? 2 * p : p;
}

/* A scale bar at the panel's bottom left (ox, oy its top left), its box
 * kept clear of labels. */
static bool scale_bar(const hs_ctx *ctx, FILE *f, placer *pl, double ox, double oy, const view *v) {
    double len = nice_length(v->w / v->s / 4);
    char t[32];
    if (len >= 1000)
        snprintf(t, sizeof t, "%g km", len / 1000);
    else
        snprintf(t, sizeof t, "%g m", len);
    double x = ox + 8, y = oy + v->h - 10;
    fprintf(f,
            "<g font-size=\"10\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"4\" "
            "fill=\"#222\"/><text x=\"%.1f\" y=\"%.1f\">%s</text></g>\n",
            x, y, len * v->s, x, y - 4, t);
    box b = {x - 2, y - 16, x + fmax(len * v->s, text_w(t, strlen(t), 10)) + 2, y + 6};
    return keep(ctx, pl, b);
}

static bool north_arrow(const hs_ctx *ctx, FILE *f, placer *pl, double x, double y) {
    fprintf(f,
            "<g font-size=\"11\" text-anchor=\"middle\"><path d=\"M%.1f %.1f l6 14 h-12z\" "
            "fill=\"#222\"/><text x=\"%.1f\" y=\"%.1f\">N</text></g>\n",
            x, y + 16, x, y + 12);
    return keep(ctx, pl, (box){x - 9, y, x + 9, y + 32});
}

/* ---- map 1: the wards --------------------------------------------------- */

static hs_status ward_fills(hs_ctx *ctx, FILE *f, const hs_report *r, const hs_units *wards,
                            const view *v, bool rate, double breaks[6], size_t *nclass) {
    double *cnt = hs__malloc(ctx, (wards->n ? wards->n : 1) * sizeof *cnt);
    if (!cnt) return hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; i < wards->n; i++) {
        hs_tally_row row;
        hs_tally_row_get(r->wards, i, &row);
        cnt[i] = !rate ? (double)row.count : isnan(row.rate_per_1000) ? 0 : row.rate_per_1000;
    }
    *nclass = hs__style_breaks(ctx, cnt, wards->n, breaks);
    if (!*nclass) {
        free(cnt);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < wards->n; i++) {
        size_t c = 0;
        while (c + 1 < *nclass && cnt[i] > breaks[c + 1])
            c++;
        size_t col = *nclass == 1 ? 4 : c * 4 / (*nclass - 1);
        fprintf(f, "<path fill=\"%s\" stroke=\"#555\" stroke-width=\"0.6\" d=\"", ramp5[col]);
        unit_path(f, wards, i, v, 0.4);
        fputs("\"><title>", f);
        hs__put_xml(f, wards->name[i]);
        fprintf(f, rate ? ": %.1f per 1,000</title></path>\n" : ": %.0f</title></path>\n", cnt[i]);
    }
    free(cnt);
    return HS_OK;
}

typedef struct ward_label {
    size_t i;
    double area;
} ward_label;

static int by_area_desc(const void *a, const void *b) {
    const ward_label *x = a, *y = b;
    if (x->area != y->area) return x->area < y->area ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}

/* One label: its text split at split (or not, split == 0), centred on
 * cx, cy. */
static box label_box(const char *s, size_t split, double cx, double cy, double fs) {
    size_t n = strlen(s);
    double w = split ? fmax(text_w(s, split, fs), text_w(s + split + 1, n - split - 1, fs))
                     : text_w(s, n, fs);
    double h = (split ? 2 : 1) * fs * 1.2;
    return (box){cx - w / 2 - 1.5, cy - h / 2, cx + w / 2 + 1.5, cy + h / 2};
}

static void put_label(FILE *f, const char *s, size_t split, double cx, double cy, double fs) {
    if (!split) {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", cx, cy + fs * 0.35);
        hs__put_xml(f, s);
        fputs("</text>\n", f);
        return;
    }
    char *a = hs__strdup(NULL, s);
    if (!a) return;
    a[split] = 0;
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\"><tspan x=\"%.1f\">", cx, cy - fs * 0.25, cx);
    hs__put_xml(f, a);
    fprintf(f, "</tspan><tspan x=\"%.1f\" dy=\"%.1f\">", cx, fs * 1.2);
    hs__put_xml(f, a + split + 1);
    fputs("</tspan></text>\n", f);
    free(a);
}

/* The space nearest the middle of s (0 when none). */
static size_t middle_space(const char *s) {
    size_t n = strlen(s), best = 0;
    for (size_t i = 1; i + 1 < n; i++)
        if (s[i] == ' ' &&
            (!best || labs((long)(2 * i) - (long)n) < labs((long)(2 * best) - (long)n)))
            best = i;
    return best;
}

/* Ward names, the largest wards first; numbers for the rest. *numbered
 * lists them in order (owned). */
static hs_status ward_names(hs_ctx *ctx, FILE *f, const hs_units *wards, const view *v, placer *pl,
                            box frame, size_t **numbered, size_t *nnum) {
    const double fs = 9;
    ward_label *order = hs__malloc(ctx, (wards->n ? wards->n : 1) * sizeof *order);
    *numbered = hs__malloc(ctx, (wards->n ? wards->n : 1) * sizeof **numbered);
    *nnum = 0;
    if (!order || !*numbered) {
        free(order);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < wards->n; i++)
        order[i] = (ward_label){i, wards->area[i]};
    qsort(order, wards->n, sizeof *order, by_area_desc);
    fputs("<g font-size=\"9\" text-anchor=\"middle\" fill=\"#111\" stroke=\"#fff\" "
          "stroke-width=\"2.4\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n",
          f);
    hs_status st = HS_OK;
    for (size_t k = 0; k < wards->n && !st; k++) {
        size_t i = order[k].i;
        double x, y, rad;
        if (!hs__geom_label_point(wards->geos, wards->g[i], 1 / v->s, &x, &y, &rad)) continue;
        double cx = (x - v->x0) * v->s, cy = (v->y1 - y) * v->s;
        const char *s = wards->name[i][0] ? wards->name[i] : wards->code[i];
        size_t sp = middle_space(s);
        /* One line, two lines, then nudged up or down by a line. */
        const double dy[3] = {0, -fs * 1.1, fs * 1.1};
        bool done = false;
        for (int t = 0; t < 6 && !done; t++) {
            size_t split = t % 2 ? sp : 0;
            if (t % 2 && !sp) continue;
            box b = label_box(s, split, cx, cy + dy[t / 2], fs);
            if (clear(pl, frame, b)) {
                if (!keep(ctx, pl, b)) st = hs__error(ctx, HS_ENOMEM, "out of memory");
                put_label(f, s, split, cx, cy + dy[t / 2], fs);
                done = true;
            }
        }
        if (done || st) continue;
        char num[24];
        snprintf(num, sizeof num, "%zu", *nnum + 1);
        box b = label_box(num, 0, cx, cy, fs);
        if (clear(pl, frame, b)) {
            if (!keep(ctx, pl, b)) st = hs__error(ctx, HS_ENOMEM, "out of memory");
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\">%s</text>\n", cx,
                    cy + fs * 0.35, num);
            (*numbered)[(*nnum)++] = i;
        }
    }
    fputs("</g>\n", f);
    free(order);
    return st;
}

static void ward_legend(FILE *f, double lx, bool rate, const double *breaks, size_t nclass) {
    double ly = 16;
    fprintf(f, "<g font-size=\"10\">\n<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">%s</text>\n",
            lx, ly, rate ? "Per 1,000 residents" : "Incidents per ward");
    for (size_t c = 0; c < nclass; c++) {
        size_t col = nclass == 1 ? 4 : c * 4 / (nclass - 1);
        ly += 16;
        fprintf(f,
                "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"11\" fill=\"%s\" "
                "stroke=\"#555\" stroke-width=\"0.6\"/><text x=\"%.0f\" y=\"%.0f\">%.0f "
                "&#8211; %.0f</text>\n",
                lx, ly - 9, ramp5[col], lx + 20, ly, c && !rate ? breaks[c] + 1 : breaks[c],
                breaks[c + 1]);
    }
    fputs("</g>\n", f);
}

/* More than this many polygons (LSOAs) are not named: numbers for most of
 * them would only clutter. */
#define HS__MAP_MAX_NAMES 60

hs_status hs__report_ward_map(hs_ctx *ctx, FILE *f, const hs_report *r) {
    const hs_units *wards = r->wards ? hs__tally_units(r->wards) : NULL;
    double wb[4];
    if (!wards || !world_box(r, wards, NULL, wb)) return HS_OK;
    view v = fit(wb, 540, 600);
    box frame = {0, 0, v.w, v.h};
    fprintf(f,
            "<figure><svg class=\"map\" viewBox=\"0 0 700 %.0f\" "
            "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Incidents per "
            "ward\">\n<clipPath id=\"m1c\"><rect width=\"%.1f\" height=\"%.1f\"/></clipPath>\n"
            "<g clip-path=\"url(#m1c)\">\n",
            fmax(v.h, 120), v.w, v.h);
    double breaks[6];
    size_t nclass = 0, *num = NULL, nnum = 0;
    bool rate = hs__tally_has_population(r->wards);
    placer pl = {0};
    hs_status st = ward_fills(ctx, f, r, wards, &v, rate, breaks, &nclass);
    fputs("</g>\n", f);
    fprintf(f, "<rect width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#ccc\"/>\n", v.w, v.h);
    if (!st && (!scale_bar(ctx, f, &pl, 0, 0, &v) || !north_arrow(ctx, f, &pl, v.w - 16, 6)))
        st = hs__error(ctx, HS_ENOMEM, "out of memory");
    bool named = wards->n <= HS__MAP_MAX_NAMES;
    if (!st && named) st = ward_names(ctx, f, wards, &v, &pl, frame, &num, &nnum);
    if (!st) ward_legend(f, v.w + 16, rate, breaks, nclass);
    fputs("</svg>\n<figcaption>", f);
    fputs(rate ? "Incidents per 1,000 residents by ward, in five quantile classes."
               : "Incidents per ward, in five quantile classes.",
          f);
    if (!named)
        fprintf(f, " %zu areas: too many to name on the map; the table lists them.", wards->n);
    for (size_t k = 0; k < nnum; k++) {
        fprintf(f, "%s<b>%zu</b> ", k ? "; " : " Numbered: ", k + 1);
        hs__put_xml(f, wards->name[num[k]][0] ? wards->name[num[k]] : wards->code[num[k]]);
    }
    fputs(nnum ? ".</figcaption></figure>\n" : "</figcaption></figure>\n", f);
    free(num);
    free(pl.b);
    return st;
}

/* ---- map 2: density and the top hotspots -------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_base64(FILE *f, const uint8_t *d, size_t n) {
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < n ? (uint32_t)d[i + 1] << 8 : 0) |
                     (i + 2 < n ? d[i + 2] : 0);
        fputc(b64[v >> 18 & 63], f);
        fputc(b64[v >> 12 & 63], f);
        fputc(i + 1 < n ? b64[v >> 6 & 63] : '=', f);
        fputc(i + 2 < n ? b64[v & 63] : '=', f);
    }
}

/* The density as RGBA: the QGIS style's yellow-to-red ramp over [0, max],
 * clear at zero and no-data, more opaque as it rises. */
static hs_status density_png(hs_ctx *ctx, const hs_raster *r, uint8_t **png, size_t *len) {
    static const uint8_t heat[6][3] = {{255, 255, 178}, {254, 217, 118}, {254, 178, 76},
                                       {253, 141, 60},  {240, 59, 32},   {189, 0, 38}};
    hs_raster_info in;
    hs_raster_info_get(r, &in);
    size_t w = r->width, h = r->height;
    uint8_t *rgba = hs__calloc(ctx, w * h, 4);
    if (!rgba) return hs__error(ctx, HS_ENOMEM, "out of memory");
    double mx = in.max > 0 ? in.max : 1;
    for (size_t i = 0; i < w * h; i++) {
        float v = r->v[i];
        if (v == r->nodata || !(v > 0)) continue;
        double t = fmin(1, v / mx) * 5;
        int k = (int)fmin(4, floor(t));
        double fr = t - k;
        for (int c = 0; c < 3; c++)
            rgba[i * 4 + c] = (uint8_t)lround(heat[k][c] + fr * (heat[k + 1][c] - heat[k][c]));
        rgba[i * 4 + 3] = (uint8_t)lround(40 + 190 * sqrt(v / mx));
    }
    hs_status st = hs__png_encode(ctx, rgba, w, h, png, len);
    free(rgba);
    return st;
}

static hs_status density_image(hs_ctx *ctx, FILE *f, const hs_raster *d, const view *v) {
    uint8_t *png = NULL;
    size_t len = 0;
    hs_status st = density_png(ctx, d, &png, &len);
    if (st) return st;
    fprintf(f,
            "<image x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
            "preserveAspectRatio=\"none\" href=\"data:image/png;base64,",
            (d->x_min - v->x0) * v->s, (v->y1 - d->y_max) * v->s, (double)d->width * d->px * v->s,
            (double)d->height * d->px * v->s);
    put_base64(f, png, len);
    fputs("\"/>\n", f);
    free(png);
    return HS_OK;
}

/* The drawing both panels show, in the borough view's pixels: a pale
 * ground, the density, ward outlines and the top cells. Strokes keep their
 * width when the inset scales it. */
static hs_status base_drawing(hs_ctx *ctx, FILE *f, const hs_report *r, const hs_units *wards,
                              const hs_units *cells, const view *v, double k) {
    fputs("<defs><g id=\"m2base\">\n", f);
    if (wards) unit_group(f, wards, v, 0.4 / k, "fill=\"#f4f4f0\" stroke=\"none\"", "");
    hs_status st = r->density ? density_image(ctx, f, r->density, v) : HS_OK;
    if (!st && wards)
        unit_group(f, wards, v, 0.4 / k, "fill=\"none\" stroke=\"#444\" stroke-width=\"0.6\"",
                   "vector-effect=\"non-scaling-stroke\"");
    if (!st && cells) {
        const hs_hotspots *h = r->hotspots;
        fputs("<g fill=\"none\" stroke=\"#08306b\" stroke-width=\"1.4\">\n", f);
        for (size_t j = 0; j < h->nsel; j++) {
            fputs("<path vector-effect=\"non-scaling-stroke\" d=\"", f);
            unit_path(f, cells, h->sel[j].unit, v, 0.01);
            fprintf(f, "\"><title>#%u %s: %" PRIu64 "</title></path>\n", h->sel[j].rank,
                    cells->code[h->sel[j].unit], h->sel[j].count);
        }
        fputs("</g>\n", f);
    }
    fputs("</g></defs>\n", f);
    return st;
}

/* The inset's world box around the first top cells, or false when they
 * are spread so wide that enlarging them gains under 1.8 times. */
static bool inset_around(const hs_report *r, const hs_units *cells, size_t top, const view *vb,
                         double iw, double ih, double out[4]) {
    const hs_hotspots *h = r->hotspots;
    box_acc a = {{INFINITY, INFINITY, -INFINITY, -INFINITY}};
    for (size_t j = 0; j < top; j++)
        if (cells->g[h->sel[j].unit])
            hs__geom_visit_rings(cells->geos, cells->g[h->sel[j].unit], grow_box, &a);
    if (!(a.b[2] >= a.b[0])) return false;
    /* 250 m around the cells, at least 1.5 km across, the panel's shape. */
    double cx = (a.b[0] + a.b[2]) / 2, cy = (a.b[1] + a.b[3]) / 2;
    double w = fmax(a.b[2] - a.b[0] + 500, 1500), hh = fmax(a.b[3] - a.b[1] + 500, 1500);
    if (w / hh < iw / ih)
        w = hh * iw / ih;
    else
        hh = w * ih / iw;
    if (iw / w < 1.8 * vb->s) return false;
    out[0] = cx - w / 2, out[1] = cy - hh / 2, out[2] = cx + w / 2, out[3] = cy + hh / 2;
    return true;
}

/* Every top cell when that still enlarges enough, else the first ten. */
static bool inset_box(const hs_report *r, const hs_units *cells, const view *vb, double iw,
                      double ih, double out[4]) {
    size_t n = r->hotspots->nsel;
    return inset_around(r, cells, n, vb, iw, ih, out) ||
           (n > 10 && inset_around(r, cells, 10, vb, iw, ih, out));
}

typedef struct panel {
    double ox, oy; /* top left in the figure */
    view v;        /* world to panel pixels */
    box frame;     /* in figure pixels */
} panel;

/* Half the larger side of unit k's box, in metres (0 when empty). */
static double half_size(const hs_units *u, size_t k) {
    double b[4];
    if (!u->g[k] || !hs__geom_bounds(u->geos, u->g[k], b)) return 0;
    return fmax(b[2] - b[0], b[3] - b[1]) / 2;
}

/* Number labels: each top cell's rank in a circle, placed on rings of 16
 * positions around the cell in the panel that shows it best (the inset
 * when it holds the cell), clear of other labels and of the top cells,
 * with a leader line when set apart. *unshown counts those with no room. */
static hs_status rank_labels(hs_ctx *ctx, FILE *f, const hs_report *r, const hs_units *cells,
                             const panel *pb, const panel *pi, placer *pl, size_t *unshown) {
    const hs_hotspots *h = r->hotspots;
    const double rad = 7.5;
    *unshown = 0;
    /* The cells in the inset are obstacles there: a number never hides a
     * hotspot. */
    for (size_t j = 0; pi && j < h->nsel; j++) {
        uint32_t k = h->sel[j].unit;
        double px = pi->ox + (cells->cx[k] - pi->v.x0) * pi->v.s,
               py = pi->oy + (pi->v.y1 - cells->cy[k]) * pi->v.s,
               hc = half_size(cells, k) * pi->v.s;
        box b = {px - hc, py - hc, px + hc, py + hc};
        if (overlaps(b, pi->frame) && !keep(ctx, pl, b))
            return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    fputs("<g font-size=\"9\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#08306b\">\n", f);
    for (size_t j = 0; j < h->nsel; j++) {
        uint32_t k = h->sel[j].unit;
        const panel *p = pb;
        double wx = cells->cx[k], wy = cells->cy[k];
        if (pi && wx > pi->v.x0 && wx < pi->v.x0 + pi->v.w / pi->v.s && wy < pi->v.y1 &&
            wy > pi->v.y1 - pi->v.h / pi->v.s)
            p = pi;
        double px = p->ox + (wx - p->v.x0) * p->v.s, py = p->oy + (p->v.y1 - wy) * p->v.s;
        double rc = half_size(cells, k) * p->v.s;
        bool done = false;
        for (int ring = 0; ring < 6 && !done; ring++) {
            double d = rc + rad + 2 + ring * ring * 6 + ring * 6;
            for (int a = 0; a < 16 && !done; a++) {
                double th = HS__PI / 4 - a * HS__PI / 8;
                double lx = px + d * cos(th), ly = py - d * sin(th);
                box b = {lx - rad, ly - rad, lx + rad, ly + rad};
                if (!clear(pl, p->frame, b)) continue;
                if (!keep(ctx, pl, b)) return hs__error(ctx, HS_ENOMEM, "out of memory");
                if (ring > 0) /* a leader from the cell's edge to the circle */
                    fprintf(f,
                            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                            "stroke=\"#08306b\" stroke-width=\"0.8\"/>",
                            px + rc * cos(th), py - rc * sin(th), lx - rad * cos(th),
                            ly + rad * sin(th));
                fprintf(f,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"#fff\" "
                        "stroke=\"#08306b\" stroke-width=\"1\"/><text x=\"%.1f\" "
                        "y=\"%.1f\">%u</text>\n",
                        lx, ly, rad, lx, ly + 3.2, h->sel[j].rank);
                done = true;
            }
        }
        if (!done) ++*unshown;
    }
    fputs("</g>\n", f);
    return HS_OK;
}

/* Ward names in the inset, for orientation: at the pole of each ward's
 * part inside it, where they fit after the numbers; grey, so they read
 * as background. */
static hs_status inset_ward_names(hs_ctx *ctx, FILE *f, const hs_units *wards, const panel *pi,
                                  placer *pl) {
    const double fs = 9;
    double ib[4] = {pi->v.x0, pi->v.y1 - pi->v.h / pi->v.s, pi->v.x0 + pi->v.w / pi->v.s, pi->v.y1};
    fputs("<g font-size=\"9\" font-style=\"italic\" text-anchor=\"middle\" fill=\"#555\" "
          "stroke=\"#fff\" stroke-width=\"2.4\" stroke-linejoin=\"round\" "
          "paint-order=\"stroke\">\n",
          f);
    hs_status st = HS_OK;
    for (size_t i = 0; i < wards->n && !st; i++) {
        hs__geom *part = wards->g[i] ? hs__geom_clip_rect(wards->geos, wards->g[i], ib) : NULL;
        double x, y, rad;
        bool ok = part && hs__geom_label_point(wards->geos, part, 1 / pi->v.s, &x, &y, &rad);
        hs__geom_free(wards->geos, part);
        if (!ok || rad * pi->v.s < fs) continue; /* a sliver of a ward at the edge */
        double cx = pi->ox + (x - pi->v.x0) * pi->v.s, cy = pi->oy + (pi->v.y1 - y) * pi->v.s;
        const char *nm = wards->name[i][0] ? wards->name[i] : wards->code[i];
        size_t sp = middle_space(nm);
        for (int t = 0; t < 2; t++) {
            size_t split = t ? sp : 0;
            if (t && !sp) break;
            box b = label_box(nm, split, cx, cy, fs);
            if (!clear(pl, pi->frame, b)) continue;
            if (!keep(ctx, pl, b)) st = hs__error(ctx, HS_ENOMEM, "out of memory");
            put_label(f, nm, split, cx, cy, fs);
            break;
        }
    }
    fputs("</g>\n", f);
    return st;
}

/* The legend row under the panels; items placed left to right. */
static void density_legend(FILE *f, double y, size_t top, bool inset, bool density) {
    double x = 4;
    fputs("<g font-size=\"10\">\n", f);
    if (density) {
        fprintf(f,
                "<defs><linearGradient id=\"m2heat\"><stop offset=\"0\" stop-color=\"#ffffb2\"/>"
                "<stop offset=\"0.5\" stop-color=\"#fd8d3c\"/><stop offset=\"1\" "
                "stop-color=\"#bd0026\"/></linearGradient></defs>\n"
                "<text x=\"%.0f\" y=\"%.0f\">Density: low</text>"
                "<rect x=\"%.0f\" y=\"%.0f\" width=\"90\" height=\"10\" fill=\"url(#m2heat)\"/>"
                "<text x=\"%.0f\" y=\"%.0f\">high</text>\n",
                x, y + 9, x + 70, y, x + 166, y + 9);
        x += 210;
    }
    if (top) {
        fprintf(f,
                "<rect x=\"%.0f\" y=\"%.0f\" width=\"11\" height=\"11\" fill=\"none\" "
                "stroke=\"#08306b\" stroke-width=\"1.4\"/><text x=\"%.0f\" y=\"%.0f\">Top %zu "
                "hotspot cells, numbered by rank</text>\n",
                x, y, x + 16, y + 9, top);
        x += 230;
    }
    if (inset)
        fprintf(f,
                "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"11\" fill=\"none\" "
                "stroke=\"#222\" stroke-dasharray=\"3 2\"/><text x=\"%.0f\" y=\"%.0f\">"
                "enlarged on the right</text>\n",
                x, y, x + 19, y + 9);
    fputs("</g>\n", f);
}

hs_status hs__report_density_map(hs_ctx *ctx, FILE *f, const hs_report *r) {
    const hs_units *wards = r->wards ? hs__tally_units(r->wards) : NULL;
    const hs_units *cells = r->hotspots ? hs__hotspots_units(r->hotspots) : NULL;
    double wb[4], ib[4];
    if (!world_box(r, wards, cells, wb) || (!r->density && !cells)) return HS_OK;
    panel pb = {0, 0, fit(wb, 340, 460), {0}}, pi = {0};
    bool inset = cells && r->hotspots->nsel && inset_box(r, cells, &pb.v, 340, pb.v.h, ib);
    if (!inset) pb.v = fit(wb, 700, 560);
    pb.frame = (box){0, 0, pb.v.w, pb.v.h};
    double k = 1;
    if (inset) {
        pi.ox = 360, pi.v = fit(ib, 340, pb.v.h);
        pi.frame = (box){pi.ox, 0, pi.ox + pi.v.w, pi.v.h};
        k = pi.v.s / pb.v.s;
    }
    double fh = pb.v.h + 30;
    fprintf(f,
            "<figure><svg class=\"map\" viewBox=\"0 0 700 %.0f\" "
            "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Density and top "
            "hotspots\">\n",
            fh);
    hs_status st = base_drawing(ctx, f, r, wards, cells, &pb.v, k);
    if (st) return st;
    fprintf(f,
            "<clipPath id=\"m2c1\"><rect width=\"%.1f\" height=\"%.1f\"/></clipPath>\n"
            "<g clip-path=\"url(#m2c1)\"><use href=\"#m2base\"/></g>\n"
            "<rect width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#ccc\"/>\n",
            pb.v.w, pb.v.h, pb.v.w, pb.v.h);
    if (inset) {
        double bx = (ib[0] - pb.v.x0) * pb.v.s, by = (pb.v.y1 - ib[3]) * pb.v.s;
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                "stroke=\"#222\" stroke-dasharray=\"3 2\"/>\n"
                "<g transform=\"translate(%.1f 0)\"><clipPath id=\"m2c2\"><rect "
                "width=\"%.1f\" height=\"%.1f\"/></clipPath><g clip-path=\"url(#m2c2)\">"
                "<g transform=\"scale(%.6f) translate(%.3f %.3f)\"><use href=\"#m2base\"/></g>"
                "</g><rect width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#222\"/></g>\n",
                bx, by, pi.v.w / k, pi.v.h / k, pi.ox, pi.v.w, pi.v.h, k, -bx, -by, pi.v.w, pi.v.h);
    }
    placer pl = {0};
    bool ok = scale_bar(ctx, f, &pl, 0, 0, &pb.v) && north_arrow(ctx, f, &pl, pb.v.w - 16, 6) &&
              (!inset || scale_bar(ctx, f, &pl, pi.ox, 0, &pi.v));
    size_t unshown = 0;
    if (!ok) st = hs__error(ctx, HS_ENOMEM, "out of memory");
    if (!st && cells) st = rank_labels(ctx, f, r, cells, &pb, inset ? &pi : NULL, &pl, &unshown);
    if (!st && inset && wards) st = inset_ward_names(ctx, f, wards, &pi, &pl);
    free(pl.b);
    if (st) return st;
    density_legend(f, pb.v.h + 12, cells ? r->hotspots->nsel : 0, inset, r->density != NULL);
    fputs("</svg>\n<figcaption>Kernel density of incidents (darker red = more)", f);
    if (cells) fprintf(f, ", with the top %zu hotspot cells numbered by rank", r->hotspots->nsel);
    if (inset) fprintf(f, "; right: the dashed area enlarged %.1f times", k);
    if (unshown) fprintf(f, " (%zu numbers had no room: see the table)", unshown);
    fputs(".</figcaption></figure>\n", f);
    return HS_OK;
}
