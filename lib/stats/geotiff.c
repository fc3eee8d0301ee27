/* geotiff.c — GeoTIFF output through libtiff and libgeotiff (the only file
 * including their headers): Float32, deflate with the floating-point
 * predictor, georeferenced by GeoTIFF keys (projected CRS by EPSG code,
 * pixel-is-area, tie point at the top-left corner, pixel scale), nodata and
 * metadata in GDAL's tags (42113, 42112) so GDAL and QGIS read them.
 * Written to a temporary name and renamed. */
#include "stats.h"

#include <errno.h>
#include <geotiff.h>
#include <geotiffio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tiffio.h>
#include <unistd.h>
#include <xtiffio.h>

#define TAG_GDAL_METADATA 42112
#define TAG_GDAL_NODATA 42113

static TIFFExtendProc parent_extender;
static const TIFFFieldInfo gdal_fields[] = {
    {TAG_GDAL_METADATA, -1, -1, TIFF_ASCII, FIELD_CUSTOM, 1, 0, "GDALMetadata"},
    {TAG_GDAL_NODATA, -1, -1, TIFF_ASCII, FIELD_CUSTOM, 1, 0, "GDALNoDataValue"}};

static void extender(TIFF *t) {
    TIFFMergeFieldInfo(t, gdal_fields, sizeof gdal_fields / sizeof *gdal_fields);
    if (parent_extender) parent_extender(t);
}

static void register_tags(void) {
    parent_extender = TIFFSetTagExtender(extender);
}

static _Thread_local char tiff_msg[256];
static void tiff_error(const char *module, const char *fmt, va_list ap) {
    (void)module;
    vsnprintf(tiff_msg, sizeof tiff_msg, fmt, ap);
}

hs_status hs__geotiff_write(hs_ctx *ctx, const hs_raster *r, int epsg, const char *metadata_xml,
                            const char *path) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_tags);
    TIFFSetErrorHandler(tiff_error);
    TIFFSetWarningHandler(NULL);
    int fd;
    size_t id;
    hs_status st0 = hs__output_create(ctx, path, 0, &fd, &id);
    if (st0) return st0;
    tiff_msg[0] = 0;
    /* libtiff writes through the staged descriptor and closes it. */
    TIFF *t = XTIFFFdOpen(fd, hs__output_tmp(ctx, id), "w");
    hs_status st = HS_OK;
    if (!t) {
        close(fd);
        st = hs__error(ctx, HS_EIO, "%s: cannot write: %s", path, tiff_msg);
        goto fail;
    }
    uint32_t rows_per_strip = (uint32_t)(r->width ? 65536 / (r->width * 4) : 1);
    if (rows_per_strip < 1) rows_per_strip = 1;
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, (uint32_t)r->width);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, (uint32_t)r->height);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 32);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_IEEEFP);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(t, TIFFTAG_PREDICTOR, PREDICTOR_FLOATINGPOINT);
    /* Level 1: a third of the time of the default for a few % more bytes
     * (density surfaces are mostly smooth or nodata). */
    TIFFSetField(t, TIFFTAG_ZIPQUALITY, 1);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, rows_per_strip);
    double scale[3] = {r->px, r->px, 0}, tie[6] = {0, 0, 0, r->x_min, r->y_max, 0};
    TIFFSetField(t, TIFFTAG_GEOPIXELSCALE, 3, scale);
    TIFFSetField(t, TIFFTAG_GEOTIEPOINTS, 6, tie);
    char nodata[32];
    snprintf(nodata, sizeof nodata, "%.9g", (double)r->nodata);
    TIFFSetField(t, TAG_GDAL_NODATA, nodata);
    if (metadata_xml) TIFFSetField(t, TAG_GDAL_METADATA, metadata_xml);
    GTIF *g = GTIFNew(t);
    if (!g) {
        st = hs__error(ctx, HS_ENOMEM, "out of memory");
        goto fail;
    }
    GTIFKeySet(g, GTModelTypeGeoKey, TYPE_SHORT, 1, ModelTypeProjected);
    GTIFKeySet(g, GTRasterTypeGeoKey, TYPE_SHORT, 1, RasterPixelIsArea);
    GTIFKeySet(g, ProjectedCSTypeGeoKey, TYPE_SHORT, 1, epsg);
    GTIFWriteKeys(g);
    GTIFFree(g);
    /* libtiff's predictor rewrites the buffer it is given: pass a copy of
     * each row, never the raster itself. */
    float *row = hs__malloc(ctx, (r->width ? r->width : 1) * sizeof *row);
    if (!row) st = hs__error(ctx, HS_ENOMEM, "out of memory");
    /* errno names the cause (ENOSPC, EFBIG); libtiff's text says where. */
    for (size_t y = 0; y < r->height && !st; y++) {
        memcpy(row, r->v + y * r->width, r->width * sizeof *row);
        errno = 0;
        if (TIFFWriteScanline(t, row, (uint32_t)y, 0) < 0)
            st = hs__error(ctx, HS_EIO, "%s: write failed: %s (libtiff: %s)", path,
                           strerror(errno ? errno : EIO), tiff_msg);
    }
    free(row);
    errno = 0;
    if (!st && !TIFFFlush(t))
        st = hs__error(ctx, HS_EIO, "%s: write failed: %s (libtiff: %s)", path,
                       strerror(errno ? errno : EIO), tiff_msg);
    if (!st) st = hs__progress(ctx, "write", 1, 1);
    XTIFFClose(t);
    t = NULL;
    if (!st) return hs__output_finish(ctx, id, true);
fail:
    if (t) XTIFFClose(t);
    hs__output_finish(ctx, id, false);
    return st;
}
