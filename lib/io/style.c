/* style.c — QGIS layer styles (.qml) for the polygon layers we write (ward
 * tables, grid counts): a graduated fill on a count, in quantile classes.
 * Quantiles, not equal intervals, because crime counts are heavily skewed
 * (a few places hold most incidents: Weisburd 2015's law of concentration),
 * so equal intervals would put nearly every polygon in the first class.
 * The same text is embedded in the QGIS project (project.c). */
#include "io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ColorBrewer YlOrRd, 5 classes (Harrower & Brewer 2003). */
static const char *const ramp5[5] = {"255,255,178", "254,204,92", "253,141,60", "240,59,32",
                                     "189,0,38"};

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

size_t hs__style_breaks(const hs_ctx *ctx, const double *v, size_t n, double breaks[6]) {
    double *s = hs__malloc(ctx, (n ? n : 1) * sizeof *s);
    if (!s) return 0;
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    size_t k = 0;
    breaks[k++] = n ? s[0] : 0;
    /* Upper bounds at the 20/40/60/80/100th percentiles (type 1: an
     * observed value), rounded up to whole counts; repeated ones merged. */
    for (int q = 1; q <= 5; q++) {
        size_t at = n ? (size_t)ceil((double)n * q / 5.0) - 1 : 0;
        double b = n ? ceil(s[at < n ? at : n - 1]) : 1;
        if (b > breaks[k - 1] || (k == 1 && q == 5)) breaks[k++] = b;
    }
    if (k == 1) breaks[k++] = breaks[0] + 1;
    free(s);
    return k - 1; /* classes */
}

void hs__style_graduated(FILE *f, const char *attr, const double *breaks, size_t nclass,
                         const char *outline) {
    fprintf(f,
            " <renderer-v2 type=\"graduatedSymbol\" attr=\"%s\" graduatedMethod=\"GraduatedColor\" "
            "symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n  <ranges>\n",
            attr);
    for (size_t i = 0; i < nclass; i++)
        fprintf(f,
                "   <range render=\"true\" symbol=\"%zu\" lower=\"%.9g\" upper=\"%.9g\" "
                "label=\"%.9g - %.9g\"/>\n",
                i, breaks[i], breaks[i + 1],
                i ? breaks[i] + (breaks[i] == floor(breaks[i])) : breaks[i], breaks[i + 1]);
    fputs("  </ranges>\n  <symbols>\n", f);
    for (size_t i = 0; i < nclass; i++) {
        size_t c = nclass == 1 ? 4 : i * 4 / (nclass - 1);
        fprintf(f,
                "   <symbol type=\"fill\" name=\"%zu\" alpha=\"1\" clip_to_extent=\"1\" "
                "force_rhr=\"0\">\n"
                "    <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
                "     <Option type=\"Map\">\n"
                "      <Option name=\"color\" value=\"%s,255\" type=\"QString\"/>\n"
                "      <Option name=\"outline_color\" value=\"%s\" type=\"QString\"/>\n"
                "      <Option name=\"outline_style\" value=\"solid\" type=\"QString\"/>\n"
                "      <Option name=\"outline_width\" value=\"0.26\" type=\"QString\"/>\n"
                "      <Option name=\"outline_width_unit\" value=\"MM\" type=\"QString\"/>\n"
                "      <Option name=\"style\" value=\"solid\" type=\"QString\"/>\n"
                "     </Option>\n"
                "    </layer>\n"
                "   </symbol>\n",
                i, ramp5[c], outline);
    }
    fputs("  </symbols>\n  <mode name=\"quantile\"/>\n </renderer-v2>\n"
          " <blendMode>0</blendMode>\n <featureBlendMode>0</featureBlendMode>\n"
          " <layerOpacity>1</layerOpacity>\n",
          f);
}

hs_status hs__style_write_graduated(hs_ctx *ctx, const char *layer_path, const char *attr,
                                    const double *v, size_t n, const char *outline) {
    double breaks[6];
    size_t nclass = hs__style_breaks(ctx, v, n, breaks);
    if (!nclass) return hs__error(ctx, HS_ENOMEM, "out of memory");
    size_t len = strlen(layer_path);
    const char *dot = strrchr(layer_path, '.'), *slash = strrchr(layer_path, '/');
    if (dot && (!slash || dot > slash)) len = (size_t)(dot - layer_path);
    char *qml = hs__malloc(ctx, len + 5);
    if (!qml) return hs__error(ctx, HS_ENOMEM, "out of memory");
    memcpy(qml, layer_path, len);
    strcpy(qml + len, ".qml");
    hs__afile af;
    hs_status st = hs__afile_open_flags(ctx, qml, HS__OUT_SIDECAR, &af);
    if (!st) {
        fputs("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
              "<!-- written by libhotspot: replaced when its layer is written again -->\n"
              "<qgis version=\"3.22\" styleCategories=\"Symbology\">\n",
              af.f);
        hs__style_graduated(af.f, attr, breaks, nclass, outline);
        fputs("</qgis>\n", af.f);
        st = hs__afile_commit(ctx, &af);
    }
    free(qml);
    return st;
}

/* Outlines labelled by a name field: the wards over a density. Labels at
 * 1:120,000 and closer (a borough on a screen is about 1:50,000), kept
 * inside their polygon, dropped where they would collide. */
hs_status hs__style_outline_labels(hs_ctx *ctx, const char *field, char **out) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return hs__error(ctx, HS_ENOMEM, "out of memory");
    fputs(" <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" "
          "forceraster=\"0\">\n  <symbols>\n"
          "   <symbol type=\"fill\" name=\"0\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
          "    <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
          "     <Option type=\"Map\">\n"
          "      <Option name=\"color\" value=\"0,0,0,0\" type=\"QString\"/>\n"
          "      <Option name=\"outline_color\" value=\"60,60,60,255\" type=\"QString\"/>\n"
          "      <Option name=\"outline_style\" value=\"solid\" type=\"QString\"/>\n"
          "      <Option name=\"outline_width\" value=\"0.4\" type=\"QString\"/>\n"
          "      <Option name=\"outline_width_unit\" value=\"MM\" type=\"QString\"/>\n"
          "      <Option name=\"style\" value=\"no\" type=\"QString\"/>\n"
          "     </Option>\n    </layer>\n   </symbol>\n  </symbols>\n </renderer-v2>\n"
          " <labeling type=\"simple\">\n  <settings calloutType=\"simple\">\n"
          "   <text-style fieldName=\"",
          f);
    hs__put_xml(f, field);
    fputs("\" fontSize=\"9\" fontItalic=\"1\" textColor=\"40,40,40,255\">\n"
          "    <text-buffer bufferDraw=\"1\" bufferSize=\"1\" bufferColor=\"255,255,255,255\"/>\n"
          "   </text-style>\n"
          "   <text-format wrapChar=\"\" autoWrapLength=\"14\" multilineAlign=\"3\"/>\n"
          "   <placement placement=\"4\" fitInPolygonOnly=\"1\"/>\n"
          /* not an obstacle: a ward covers the map, so would every label */
          "   <rendering scaleVisibility=\"1\" scaleMax=\"120000\" scaleMin=\"1\" "
          "obstacle=\"0\"/>\n"
          "  </settings>\n </labeling>\n <blendMode>0</blendMode>\n"
          " <featureBlendMode>0</featureBlendMode>\n <layerOpacity>1</layerOpacity>\n",
          f);
    if (fclose(f) != 0 || !buf) {
        free(buf);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    *out = buf;
    return HS_OK;
}
