/* project.c — a QGIS project file (.qgs, QGIS 3.22's XML) that opens the
 * layers we wrote, styled and in order, in the working CRS. Paths are
 * relative to the project's folder (Paths/Absolute false), so the folder
 * can be zipped and sent to a partner. Each layer's .qml is embedded in its
 * <maplayer> (the style elements are the same in both files), so the
 * project does not depend on QGIS finding the .qml beside the data. */
#include "share.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The style elements inside a .qml's root <qgis> element (owned). */
static hs_status style_body(hs_ctx *ctx, const char *folder, const char *qml, char **out) {
    *out = NULL;
    size_t n = strlen(folder) + strlen(qml) + 2;
    char *p = hs__malloc(ctx, n);
    if (!p) return hs__error(ctx, HS_ENOMEM, "out of memory");
    snprintf(p, n, "%s/%s", folder, qml);
    FILE *f = fopen(hs__output_current(ctx, p), "rb"); /* this job's style, if staged */
    if (!f) {
        hs_status st = hs__error(ctx, HS_EIO, "%s: cannot read the style: %s", p, strerror(errno));
        free(p);
        return st;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    char buf[8192];
    size_t k;
    hs_status st = HS_OK;
    while (!st && (k = fread(buf, 1, sizeof buf, f)) > 0) {
        if (!hs__grow(ctx, (void **)&text, &cap, len + k + 1, 1))
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
        else
            memcpy(text + len, buf, k), len += k;
    }
    fclose(f);
    if (!st) {
        text[len] = 0;
        char *open = strstr(text, "<qgis");
        char *body = open ? strchr(open, '>') : NULL;
        char *end = body ? strstr(body, "</qgis>") : NULL;
        if (!end) {
            st = hs__error(ctx, HS_EPARSE, "%s: not a QGIS style (no <qgis> element)", p);
        } else {
            *end = 0;
            memmove(text, body + 1, (size_t)(end - body));
            *out = text;
            text = NULL;
        }
    }
    free(text);
    free(p);
    return st;
}

typedef struct srs {
    char *wkt;
    int epsg;
} srs;

static hs_status srs_of(hs_ctx *ctx, const char *crs, srs *out) {
    hs_status st = hs__crs_wkt2(ctx, crs, &out->wkt);
    out->epsg = st ? 0 : hs__crs_epsg(ctx, crs);
    return st;
}

static void put_srs(FILE *f, const srs *s, const char *indent) {
    fprintf(f, "%s<spatialrefsys>\n%s <wkt>", indent, indent);
    hs__put_xml(f, s->wkt);
    fprintf(f, "</wkt>\n");
    if (s->epsg)
        fprintf(f, "%s <srid>%d</srid>\n%s <authid>EPSG:%d</authid>\n", indent, s->epsg, indent,
                s->epsg);
    fprintf(f, "%s</spatialrefsys>\n", indent);
}

/* QGIS's data provider of a layer: OGR, GDAL, or its "wms" provider for
 * XYZ tiles. */
static const char *provider(const hs_project_layer *L) {
    return L->raster == 2 ? "wms" : L->raster ? "gdal" : "ogr";
}

/* QGIS keeps a layer id only in its own form, NAME_ and a UUID (else it
 * makes a new one and the layer tree loses the layer): a fixed UUID per
 * position keeps the file the same from run to run. */
static void put_id(FILE *f, size_t j) {
    fprintf(f, "hotspot_layer%zu_5a1d3c7e_2b4f_4e6a_9c80_%012zx", j, j + 1);
}

hs_status hs_project_write_qgs(hs_ctx *ctx, const hs_project_layer *layers, size_t n,
                               const char *title, const double extent[4], const char *path) {
    if (!ctx || (!layers && n) || !path) return HS_EINVAL;
    if (!hs__has_ext(path, ".qgs"))
        return hs__error(ctx, HS_EFORMAT, "%s: a QGIS project must be named .qgs", path);
    /* The folder the layer paths are relative to. */
    const char *slash = strrchr(path, '/');
    size_t flen = slash ? (size_t)(slash - path) : 1;
    char *folder = hs__malloc(ctx, flen + 1);
    if (!folder) return hs__error(ctx, HS_ENOMEM, "out of memory");
    memcpy(folder, slash ? path : ".", flen);
    folder[flen] = 0;
    srs work = {NULL, 0};
    hs_status st = srs_of(ctx, ctx->crs, &work);
    char **styles = st ? NULL : hs__calloc(ctx, n ? n : 1, sizeof *styles);
    srs *lsrs = st ? NULL : hs__calloc(ctx, n ? n : 1, sizeof *lsrs);
    if (!st && (!styles || !lsrs)) st = hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && !st; i++) {
        if (layers[i].style)
            st = style_body(ctx, folder, layers[i].style, &styles[i]);
        else if (layers[i].style_xml && !(styles[i] = hs__strdup(ctx, layers[i].style_xml)))
            st = hs__error(ctx, HS_ENOMEM, "out of memory");
        if (!st) st = srs_of(ctx, layers[i].crs ? layers[i].crs : ctx->crs, &lsrs[i]);
    }
    hs__afile af;
    if (!st) st = hs__afile_open(ctx, path, &af);
    if (!st) {
        FILE *f = af.f;
        fputs("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
              "<qgis projectname=\"",
              f);
        hs__put_xml(f, title);
        fputs("\" version=\"3.22.0\">\n <homePath path=\"\"/>\n <title>", f);
        hs__put_xml(f, title);
        fputs("</title>\n <projectCrs>\n", f);
        put_srs(f, &work, "  ");
        fputs(" </projectCrs>\n <layer-tree-group>\n  <customproperties/>\n", f);
        /* The tree lists the top layer first: the reverse of drawing order. */
        for (size_t j = n; j-- > 0;) {
            fputs("  <layer-tree-layer id=\"", f);
            put_id(f, j);
            fputs("\" name=\"", f);
            hs__put_xml(f, layers[j].name);
            fprintf(f, "\" source=\"%s", layers[j].raster == 2 ? "" : "./");
            hs__put_xml(f, layers[j].path);
            fprintf(f,
                    "\" providerKey=\"%s\" checked=\"Qt::%s\" expanded=\"%d\">\n"
                    "   <customproperties/>\n  </layer-tree-layer>\n",
                    provider(&layers[j]), layers[j].hidden ? "Unchecked" : "Checked",
                    !layers[j].hidden);
        }
        fputs(" </layer-tree-group>\n", f);
        if (extent) {
            fprintf(f,
                    " <mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\">\n"
                    "  <units>meters</units>\n  <extent>\n   <xmin>%.3f</xmin>\n"
                    "   <ymin>%.3f</ymin>\n   <xmax>%.3f</xmax>\n   <ymax>%.3f</ymax>\n"
                    "  </extent>\n  <rotation>0</rotation>\n  <destinationsrs>\n",
                    extent[0], extent[1], extent[2], extent[3]);
            put_srs(f, &work, "   ");
            fputs("  </destinationsrs>\n </mapcanvas>\n", f);
        }
        fputs(" <projectlayers>\n", f);
        for (size_t j = 0; j < n; j++) {
            const hs_project_layer *L = &layers[j];
            if (L->raster)
                fputs("  <maplayer type=\"raster\" hasScaleBasedVisibilityFlag=\"0\" "
                      "refreshOnNotifyEnabled=\"0\" autoRefreshEnabled=\"0\">\n",
                      f);
            else
                fputs("  <maplayer type=\"vector\" geometry=\"Polygon\" "
                      "hasScaleBasedVisibilityFlag=\"0\" refreshOnNotifyEnabled=\"0\" "
                      "autoRefreshEnabled=\"0\" readOnly=\"0\" wkbType=\"MultiPolygon\">\n",
                      f);
            fputs("   <id>", f);
            put_id(f, j);
            fprintf(f, "</id>\n   <datasource>%s", L->raster == 2 ? "" : "./");
            hs__put_xml(f, L->path);
            fputs("</datasource>\n   <layername>", f);
            hs__put_xml(f, L->name);
            fputs("</layername>\n   <srs>\n", f);
            put_srs(f, &lsrs[j], "    ");
            fputs("   </srs>\n", f);
            if (L->attribution) {
                fputs("   <attribution href=\"\">", f);
                hs__put_xml(f, L->attribution);
                fputs("</attribution>\n   <abstract>", f);
                hs__put_xml(f, L->attribution);
                fputs("</abstract>\n", f);
            }
            fprintf(f, "   <provider encoding=\"UTF-8\">%s</provider>\n", provider(L));
            if (styles[j]) fputs(styles[j], f);
            fputs("  </maplayer>\n", f);
        }
        fputs(" </projectlayers>\n <layerorder>\n", f);
        for (size_t j = 0; j < n; j++) {
            fputs("  <layer id=\"", f);
            put_id(f, j);
            fputs("\"/>\n", f);
        }
        fputs(" </layerorder>\n <properties>\n  <Paths>\n"
              "   <Absolute type=\"bool\">false</Absolute>\n  </Paths>\n"
              "  <Measurement>\n   <DistanceUnits type=\"QString\">meters</DistanceUnits>\n"
              "   <AreaUnits type=\"QString\">m2</AreaUnits>\n  </Measurement>\n"
              "  <SpatialRefSys>\n   <ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>\n"
              "  </SpatialRefSys>\n"
              " </properties>\n</qgis>\n",
              f);
        st = hs__afile_commit(ctx, &af);
    }
    for (size_t i = 0; styles && i < n; i++)
        free(styles[i]);
    for (size_t i = 0; lsrs && i < n; i++)
        free(lsrs[i].wkt);
    free(styles);
    free(lsrs);
    free(work.wkt);
    free(folder);
    return st;
}
