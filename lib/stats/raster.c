/* raster.c — density rasters: statistics, comparisons of two surfaces,
 * output (GeoTIFF through geotiff.c, ESRI ASCII grid), the QGIS style and
 * the JSON sidecar that state the method, and hotspot outlines. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void hs_raster_destroy(hs_raster *r) {
    if (!r) return;
    free(r->crs);
    free(r->v);
    free(r->what);
    free(r);
}

const float *hs_raster_values(const hs_raster *r) {
    return r ? r->v : NULL;
}

hs_status hs_raster_info_get(const hs_raster *r, hs_raster_info *o) {
    if (!r || !o) return HS_EINVAL;
    memset(o, 0, sizeof *o);
    o->width = r->width;
    o->height = r->height;
    o->x_min = r->x_min;
    o->y_max = r->y_max;
    o->pixel_size_m = r->px;
    o->nodata = r->nodata;
    o->kernel = r->kernel;
    o->bandwidth_m = r->bandwidth;
    o->rule = r->rule;
    o->units = r->units;
    o->incidents = r->incidents;
    o->min = INFINITY;
    o->max = -INFINITY;
    for (size_t i = 0; i < r->width * r->height; i++) {
        float v = r->v[i];
        if (v == r->nodata) continue;
        o->data_pixels++;
        o->sum += v;
        if (v < o->min) o->min = v;
        if (v > o->max) o->max = v;
    }
    if (!o->data_pixels) o->min = o->max = 0;
    return HS_OK;
}

hs_status hs_raster_compare(hs_ctx *ctx, const hs_raster *a, const hs_raster *b, hs_raster_op op,
                            hs_raster **out) {
    if (!ctx || !a || !b || !out) return HS_EINVAL;
    *out = NULL;
    if (a->width != b->width || a->height != b->height || a->x_min != b->x_min ||
        a->y_max != b->y_max || a->px != b->px)
        return hs__error(ctx, HS_EINVAL,
                         "the two surfaces are not on the same grid: give one "
                         "--extent and --pixel-size");
    static const char *const names[] = {"ratio", "difference", "log-ratio"};
    if ((unsigned)op > HS_RASTER_LOG_RATIO) return hs__error(ctx, HS_EINVAL, "unknown comparison");
    hs_raster *r = hs__calloc(ctx, 1, sizeof *r);
    size_t n = a->width * a->height;
    if (!r || !(r->v = hs__malloc(ctx, n * sizeof *r->v)) || !(r->crs = hs__strdup(ctx, a->crs)) ||
        !(r->what = hs__strdup(ctx, names[op]))) {
        hs_raster_destroy(r);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    r->width = a->width;
    r->height = a->height;
    r->x_min = a->x_min;
    r->y_max = a->y_max;
    r->px = a->px;
    r->nodata = a->nodata;
    r->kernel = a->kernel;
    r->bandwidth = a->bandwidth;
    r->rule = a->rule;
    r->units = a->units;
    r->incidents = a->incidents;
    r->binned = a->binned || b->binned;
    r->edge = a->edge || b->edge;
    /* The floor: kernel tails far from any incident hold densities a
     * million times below the peaks, where a ratio is noise (5e8 in a
     * tail). A pixel is compared only where a density reaches 1 % of the
     * higher surface's maximum: for a difference, either; for a ratio or
     * log-ratio, both (the other is nodata: "too few to compare"). */
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; i++) {
        if (a->v[i] != a->nodata && a->v[i] > ma) ma = a->v[i];
        if (b->v[i] != b->nodata && b->v[i] > mb) mb = b->v[i];
    }
    double floor_v = 0.01 * fmax(ma, mb);
    for (size_t i = 0; i < n; i++) {
        double x = a->v[i] == a->nodata ? 0 : a->v[i], y = b->v[i] == b->nodata ? 0 : b->v[i];
        bool xs = x >= floor_v && x > 0, ys = y >= floor_v && y > 0;
        double v = NAN;
        if (op == HS_RASTER_DIFFERENCE)
            v = xs || ys ? x - y : NAN;
        else if (op == HS_RASTER_RATIO)
            v = xs && ys ? x / y : NAN;
        else
            v = xs && ys ? log(x / y) : NAN;
        r->v[i] = isnan(v) ? r->nodata : (float)v;
    }
    *out = r;
    return HS_OK;
}

static const char *units_name(hs_kde_units u) {
    return u == HS_KDE_DENSITY ? "incidents per km2"
           : u == HS_KDE_COUNT ? "expected incidents per pixel"
                               : "raw kernel sum";
}

/* The method, as one line of text for metadata. */
static void describe(const hs_raster *r, char *buf, size_t size) {
    char bw[40];
    hs__fmt_double(bw, sizeof bw, r->bandwidth);
    hs__format(buf, size, "%s%s%s kernel, bandwidth %s m (%s), %s, pixel %g m, %llu incidents%s%s",
               r->what ? r->what : "", r->what ? " of two surfaces: " : "",
               hs_kernel_name(r->kernel), bw, hs_bandwidth_rule_name(r->rule), units_name(r->units),
               r->px, (unsigned long long)r->incidents,
               r->edge ? ", edge-corrected (uniform, Diggle 1985)" : "",
               r->binned ? ", BINNED: incidents moved to pixel centres (approximate)" : "");
}

static hs_status write_asc(hs_ctx *ctx, const hs_raster *r, const char *path) {
    hs__afile af;
    hs_status st = hs__afile_open(ctx, path, &af);
    if (st) return st;
    char v[40];
    fprintf(af.f, "ncols %zu\nnrows %zu\n", r->width, r->height);
    hs__fmt_double(v, sizeof v, r->x_min);
    fprintf(af.f, "xllcorner %s\n", v);
    hs__fmt_double(v, sizeof v, r->y_max - (double)r->height * r->px);
    fprintf(af.f, "yllcorner %s\n", v);
    hs__fmt_double(v, sizeof v, r->px);
    fprintf(af.f, "cellsize %s\nNODATA_value %.9g\n", v, (double)r->nodata);
    for (size_t y = 0; y < r->height; y++) {
        for (size_t x = 0; x < r->width; x++)
            fprintf(af.f, x ? " %.9g" : "%.9g", (double)r->v[y * r->width + x]);
        fputc('\n', af.f);
    }
    return hs__afile_commit(ctx, &af);
}

static hs_status write_text_file(hs_ctx *ctx, const char *path, unsigned flags, const char *text) {
    hs__afile af;
    hs_status st = hs__afile_open_flags(ctx, path, flags, &af);
    if (st) return st;
    fputs(text, af.f);
    return hs__afile_commit(ctx, &af);
}

void hs__raster_scale(hs_raster *r, double f) {
    size_t n = r->width * r->height;
    for (size_t i = 0; i < n; i++)
        if (r->v[i] != r->nodata) r->v[i] = (float)((double)r->v[i] * f);
}

static int cmp_float_up(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The 2nd and 98th percentiles of the data pixels (unchanged when none or
 * out of memory). */
static void percentiles(const hs_raster *r, double *p2, double *p98) {
    size_t n = r->width * r->height, m = 0;
    float *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return;
    for (size_t i = 0; i < n; i++)
        if (r->v[i] != r->nodata) v[m++] = r->v[i];
    if (m) {
        qsort(v, m, sizeof *v, cmp_float_up);
        *p2 = v[(size_t)(0.02 * (double)(m - 1))];
        *p98 = v[(size_t)(0.98 * (double)(m - 1))];
    }
    free(v);
}

/* A QGIS style: pseudocolour, transparent at the low end, a yellow-to-red
 * heat ramp stretched over the data (for ratios and differences: blue-white-
 * red around the neutral value). */
static hs_status write_qml(hs_ctx *ctx, const hs_raster *r, const hs_raster_info *info,
                           const char *path) {
    hs_raster_info in = *info;
    bool diverging = r->what != NULL;
    double lo = 0, hi = in.max, stop[6];
    if (!(hi > lo)) hi = lo + 1;
    for (int i = 0; i < 6; i++)
        stop[i] = lo + (hi - lo) * i / 5.0;
    if (diverging) {
        /* Centred on no change, white between the two middle stops, and
         * stretched to the 2nd and 98th percentiles of the data pixels so a
         * few extreme pixels do not flatten the rest: a ratio
         * geometrically about 1 (x2 mirrors /2), a difference or log-ratio
         * linearly about 0. */
        static const double at[6] = {-1, -0.5, -0.1, 0.1, 0.5, 1};
        bool ratio = strcmp(r->what, "ratio") == 0;
        double p2 = in.min, p98 = in.max;
        percentiles(r, &p2, &p98);
        double span = ratio ? fmax(fabs(log(fmax(p98, 1e-12))), fabs(log(fmax(p2, 1e-12))))
                            : fmax(fabs(p98), fabs(p2));
        if (!(span > 0) || !isfinite(span)) span = 1;
        for (int i = 0; i < 6; i++)
            stop[i] = ratio ? exp(at[i] * span) : at[i] * span;
        lo = stop[0], hi = stop[5];
    }
    static const char *heat[] = {"#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"};
    static const char *div[] = {"#2166ac", "#67a9cf", "#d1e5f0", "#fddbc7", "#ef8a62", "#b2182b"};
    const char *const *ramp = diverging ? div : heat;
    char buf[4096];
    size_t k = (size_t)snprintf(
        buf, sizeof buf,
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        "<!-- written by libhotspot: replaced when its layer is written again -->\n"
        "<qgis version=\"3.22\" styleCategories=\"Symbology\">\n"
        " <pipe>\n"
        "  <rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" opacity=\"%s\" "
        "alphaBand=\"-1\" classificationMin=\"%.9g\" classificationMax=\"%.9g\" nodataColor=\"\">\n"
        "   <rastershader>\n"
        "    <colorrampshader colorRampType=\"INTERPOLATED\" classificationMode=\"1\" clip=\"0\" "
        "minimumValue=\"%.9g\" maximumValue=\"%.9g\">\n",
        diverging ? "0.75" : "1", lo, hi, lo, hi);
    /* A density starts clear and turns opaque as it rises, so what is
     * under it (wards, streets) shows where little happens; a diverging
     * comparison is opaque throughout, at 0.75. */
    static const int heat_alpha[6] = {0, 70, 130, 180, 220, 245};
    for (int i = 0; i < 6; i++) {
        double v = stop[i];
        int alpha = diverging ? 255 : heat_alpha[i];
        k += (size_t)snprintf(
            buf + k, sizeof buf - k,
            "     <item alpha=\"%d\" value=\"%.9g\" label=\"%.4g\" color=\"%s\"/>\n", alpha, v, v,
            ramp[i]);
    }
    snprintf(buf + k, sizeof buf - k,
             "    </colorrampshader>\n"
             "   </rastershader>\n"
             "  </rasterrenderer>\n"
             "  <brightnesscontrast brightness=\"0\" contrast=\"0\" gamma=\"1\"/>\n"
             "  <huesaturation saturation=\"0\" grayscaleMode=\"0\" colorizeOn=\"0\"/>\n"
             "  <rasterresampler maxOversampling=\"2\"/>\n"
             " </pipe>\n"
             " <blendMode>0</blendMode>\n"
             "</qgis>\n");
    return write_text_file(ctx, path, HS__OUT_SIDECAR, buf);
}

static hs_status write_json(hs_ctx *ctx, const hs_raster *r, const hs_raster_info *info,
                            const char *path) {
    hs_raster_info in = *info;
    char bw[40], x0[40], y1[40], px[40], desc[512];
    hs__fmt_double(bw, sizeof bw, r->bandwidth);
    hs__fmt_double(x0, sizeof x0, r->x_min);
    hs__fmt_double(y1, sizeof y1, r->y_max);
    hs__fmt_double(px, sizeof px, r->px);
    describe(r, desc, sizeof desc);
    char buf[2048];
    snprintf(buf, sizeof buf,
             "{\n  \"generator\": \"libhotspot\",\n  \"description\": \"%s\",\n  \"surface\": "
             "\"%s\",\n  \"kernel\": \"%s\",\n"
             "  \"bandwidth_m\": %s,\n  \"bandwidth_rule\": \"%s\",\n  \"units\": \"%s\",\n"
             "  \"method\": \"%s\",\n  \"pixel_size_m\": %s,\n  \"width\": %zu,\n  \"height\": "
             "%zu,\n  \"x_min\": %s,\n"
             "  \"y_max\": %s,\n  \"crs\": \"%s\",\n  \"nodata\": %.9g,\n  \"incidents\": %llu,\n"
             "  \"data_pixels\": %zu,\n  \"min\": %.9g,\n  \"max\": %.9g,\n  \"sum\": %.17g\n}\n",
             desc, r->what ? r->what : "density", hs_kernel_name(r->kernel), bw,
             hs_bandwidth_rule_name(r->rule), units_name(r->units),
             r->binned
                 ? (r->edge ? "binned, edge-corrected" : "binned: incidents moved to pixel centres")
             : r->edge ? "exact, edge-corrected (uniform, Diggle 1985)"
                       : "exact",
             px, r->width, r->height, x0, y1, r->crs, (double)r->nodata,
             (unsigned long long)r->incidents, in.data_pixels, in.min, in.max, in.sum);
    return write_text_file(ctx, path, HS__OUT_SIDECAR, buf);
}

hs_status hs_raster_write(hs_ctx *ctx, const hs_raster *r, const char *path) {
    if (!ctx || !r || !path) return HS_EINVAL;
    bool tif = hs__has_ext(path, ".tif") || hs__has_ext(path, ".tiff");
    bool asc = hs__has_ext(path, ".asc");
    if (!tif && !asc)
        return hs__error(ctx, HS_EFORMAT, "%s: unknown raster format: use a .tif or .asc name",
                         path);
    hs_status st;
    if (asc) {
        st = write_asc(ctx, r, path);
        char *prj = NULL, *wkt = NULL;
        if (!st && !(prj = hs__path_with_ext(ctx, path, ".prj")))
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
        if (!st) st = hs__crs_wkt_esri(ctx, r->crs, &wkt);
        if (!st && wkt) st = write_text_file(ctx, prj, 0, wkt);
        free(prj);
        free(wkt);
        return st;
    }
    int epsg = hs__crs_epsg(ctx, r->crs);
    if (!epsg)
        return hs__error(ctx, HS_ECRS,
                         "%s: the working CRS %s has no EPSG code for GeoTIFF keys: "
                         "write .asc (with a .prj) instead",
                         path, r->crs);
    char desc[512], xml[1024];
    describe(r, desc, sizeof desc);
    hs__format(xml, sizeof xml,
               "<GDALMetadata><Item name=\"DESCRIPTION\">%s</Item><Item name=\"KERNEL\">%s</Item>"
               "<Item name=\"BANDWIDTH_M\">%.17g</Item><Item name=\"BANDWIDTH_RULE\">%s</Item>"
               "<Item name=\"UNITS\">%s</Item></GDALMetadata>",
               desc, hs_kernel_name(r->kernel), r->bandwidth, hs_bandwidth_rule_name(r->rule),
               units_name(r->units));
    st = hs__geotiff_write(ctx, r, epsg, xml, path);
    char *qml = hs__path_with_ext(ctx, path, ".qml"), *json = hs__path_with_ext(ctx, path, ".json");
    if (!qml || !json) st = st ? st : hs__error(ctx, HS_ENOMEM, "out of memory");
    /* One pass over the pixels for both sidecars. */
    hs_raster_info in;
    if (!st) hs_raster_info_get(r, &in);
    if (!st) st = write_qml(ctx, r, &in, qml);
    if (!st) st = write_json(ctx, r, &in, json);
    free(qml);
    free(json);
    return st;
}

/* ---- outlines -------------------------------------------------------------- */

static int cmp_float_desc(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x < y) - (x > y);
}

/* The outlines as a layer: one row a level. */
typedef struct outline {
    double top_pct, level, area_km2;
    size_t pixels;
    hs__geom *g;
} outline;

static const hs__lfield outline_fields[] = {{"top_pct", "top_pct", 'F', 12, 4, HS__IN_ALL},
                                            {"level", "level", 'F', 24, 12, HS__IN_ALL},
                                            {"pixels", "pixels", 'N', 12, 0, HS__IN_ALL},
                                            {"area_km2", "area_km2", 'F', 16, 6, HS__IN_ALL}};

static bool outline_row(void *user, size_t k, const char **v, char (*buf)[64]) {
    const outline *o = (const outline *)user + k;
    snprintf(buf[0], 64, "%g", o->top_pct);
    hs__fmt_double(buf[1], 64, o->level);
    snprintf(buf[2], 64, "%zu", o->pixels);
    snprintf(buf[3], 64, "%.6f", o->area_km2);
    for (int q = 0; q < 4; q++)
        v[q] = buf[q];
    return true;
}

static void outline_shape(void *user, size_t k, const hs__geom **g, double *xy, size_t *n) {
    (void)xy, (void)n;
    *g = ((const outline *)user)[k].g;
}

/* Each level: the pixels the top p% of the data pixels reach, as polygons. */
static hs_status outlines(hs_ctx *ctx, const hs_raster *r, const double *top_pct, size_t n,
                          void *geos, outline *o) {
    size_t N = r->width * r->height, m = 0;
    float *sorted = hs__malloc(ctx, (N ? N : 1) * sizeof *sorted);
    uint8_t *on = hs__malloc(ctx, N ? N : 1);
    hs_status st = sorted && on ? HS_OK : hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; !st && i < N; i++)
        if (r->v[i] != r->nodata) sorted[m++] = r->v[i];
    if (!st) qsort(sorted, m, sizeof *sorted, cmp_float_desc);
    for (size_t k = 0; k < n && !st; k++) {
        double p = top_pct[k];
        if (!(p > 0 && p <= 100)) {
            st = hs__error(ctx, HS_EINVAL,
                           "contour levels are percentages of the area in (0, 100], not %g", p);
            break;
        }
        size_t take = (size_t)ceil((double)m * p / 100);
        if (take == 0) take = 1;
        float level = m ? sorted[take - 1] : 0;
        size_t count = 0;
        for (size_t i = 0; i < N; i++) {
            on[i] = r->v[i] != r->nodata && r->v[i] >= level && m;
            count += on[i];
        }
        o[k] = (outline){
            p, (double)level, (double)count * r->px * r->px / 1e6, count,
            hs__geom_union_pixels(geos, on, r->width, r->height, r->x_min, r->y_max, r->px)};
    }
    free(sorted);
    free(on);
    return st;
}

hs_status hs_raster_contours_write(hs_ctx *ctx, const hs_raster *r, const double *top_pct, size_t n,
                                   const char *path) {
    if (!ctx || !r || !path || (n && !top_pct)) return HS_EINVAL;
    void *geos = hs__ctx_geos(ctx);
    outline *o = hs__calloc(ctx, n + 1, sizeof *o);
    hs_status st = geos && o ? HS_OK : hs__error(ctx, HS_ENOMEM, "out of memory");
    if (!st) st = outlines(ctx, r, top_pct, n, geos, o);
    hs__layer L = {r->crs, geos, outline_fields, 4, n, o, outline_row, outline_shape};
    if (!st) st = hs__layer_write(ctx, &L, path);
    for (size_t k = 0; o && k < n; k++)
        hs__geom_free(geos, o[k].g);
    free(o);
    return st;
}
