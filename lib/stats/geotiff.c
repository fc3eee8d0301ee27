/* geotiff.c — GeoTIFF output through libtiff and libgeotiff (the only file
 * including their headers): Float32, deflate with the floating-point
 * predictor, georeferenced by GeoTIFF keys (projected CRS by EPSG code,
 * pixel-is-area, tie point at the top-left corner, pixel scale), nodata and
 * metadata in GDAL's tags (42113, 42112) so GDAL and QGIS read them.
 * Written to a temporary name and renamed.
 *
 * The strips are predicted and compressed here, several at a time on the
 * context's threads, and handed to libtiff raw: deflate is most of a large
 * raster's write and libtiff's codec runs on one thread. The predictor is
 * Adobe's floating-point one (TIFF Technical Note 3: each row's bytes
 * regrouped most significant first, then each byte less the one before),
 * and each strip one zlib stream at the level set in ZIPQUALITY, whose
 * output does not depend on how its input is handed over: the bytes libtiff's
 * own codec writes a scanline at a time (tested against it), except a strip
 * of one row, which libtiff hands whole to libdeflate when built with it
 * (the same pixels; ours are zlib's on every platform). */
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
#include <zlib.h>

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

/* Level 1: a third of the time of the default for a few % more bytes
 * (density surfaces are mostly smooth or nodata). */
#define ZIP_LEVEL 1
/* Strips compressed in one go before they are written: bounds the memory
 * held beyond the raster (a strip is at most ~64 KB, or one row). */
#define STRIP_BATCH 256

/* Test hook: when set, strips go through libtiff's own codec, a scanline
 * at a time (the reference the parallel path is tested against). */
bool hs__geotiff_libtiff_codec = false;

/* Adobe's floating-point predictor on one row of w Float32 samples (TIFF
 * Technical Note 3): bytes regrouped by significance, most significant
 * plane first, then each byte replaced by its difference from the byte
 * before it in that order. */
static void fp_predict(const float *row, size_t w, uint8_t *out) {
    const uint8_t *in = (const uint8_t *)row;
    for (size_t i = 0; i < w; i++) {
        uint32_t v;
        memcpy(&v, in + 4 * i, 4);
        out[i] = (uint8_t)(v >> 24);
        out[w + i] = (uint8_t)(v >> 16);
        out[2 * w + i] = (uint8_t)(v >> 8);
        out[3 * w + i] = (uint8_t)v;
    }
    for (size_t j = 4 * w; j-- > 1;)
        out[j] = (uint8_t)(out[j] - out[j - 1]);
}

typedef struct strip_job {
    const hs_raster *r;
    uint32_t rows_per_strip;
    size_t first, count; /* the batch: strips first .. first + count - 1 */
    uint8_t **data;      /* compressed strip k of the batch, owned */
    size_t *size;
    size_t cap; /* each data[k] holds cap bytes */
    const hs_ctx *ctx;
    bool failed[HS__MAX_THREADS];
} strip_job;

/* Part k of np compresses strips k, k + np, ... of the batch. */
static void strip_part(void *arg, int k, int np) {
    strip_job *S = arg;
    const hs_raster *r = S->r;
    size_t W = r->width, rowbytes = 4 * W;
    uint8_t *raw = hs__malloc(S->ctx, rowbytes * S->rows_per_strip);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (!raw || deflateInit(&z, ZIP_LEVEL) != Z_OK) {
        free(raw);
        S->failed[k] = true;
        return;
    }
    for (size_t b = (size_t)k; b < S->count; b += (size_t)np) {
        size_t strip = S->first + b, y0 = strip * S->rows_per_strip;
        size_t rows = y0 + S->rows_per_strip <= r->height ? S->rows_per_strip : r->height - y0;
        for (size_t y = 0; y < rows; y++)
            fp_predict(r->v + (y0 + y) * W, W, raw + y * rowbytes);
        if (deflateReset(&z) != Z_OK) {
            S->failed[k] = true;
            break;
        }
        z.next_in = raw;
        z.avail_in = (uInt)(rows * rowbytes);
        z.next_out = S->data[b];
        z.avail_out = (uInt)S->cap;
        if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
            S->failed[k] = true;
            break;
        }
        S->size[b] = S->cap - z.avail_out;
    }
    deflateEnd(&z);
    free(raw);
}

/* The raster's strips, in order: compressed in batches on the context's
 * threads, written raw by libtiff. */
static hs_status write_strips(hs_ctx *ctx, TIFF *t, const hs_raster *r, uint32_t rows_per_strip,
                              const char *path) {
    size_t W = r->width, H = r->height, nstrips = (H + rows_per_strip - 1) / rows_per_strip;
    hs_status st = HS_OK;
    if (hs__geotiff_libtiff_codec) {
        /* libtiff's predictor rewrites the buffer it is given: a copy of
         * each row, never the raster itself. */
        float *row = hs__malloc(ctx, (W ? W : 1) * sizeof *row);
        if (!row) return hs__error(ctx, HS_ENOMEM, "out of memory");
        for (size_t y = 0; y < H && !st; y++) {
            memcpy(row, r->v + y * W, W * sizeof *row);
            errno = 0;
            if (TIFFWriteScanline(t, row, (uint32_t)y, 0) < 0)
                st = hs__error(ctx, HS_EIO, "%s: write failed: %s (libtiff: %s)", path,
                               strerror(errno ? errno : EIO), tiff_msg);
        }
        free(row);
        return st;
    }
    size_t batch = nstrips < STRIP_BATCH ? nstrips : STRIP_BATCH;
    strip_job S = {.r = r, .rows_per_strip = rows_per_strip, .ctx = ctx};
    S.cap = compressBound((uLong)(4 * W * rows_per_strip));
    S.data = hs__calloc(ctx, batch ? batch : 1, sizeof *S.data);
    S.size = hs__calloc(ctx, batch ? batch : 1, sizeof *S.size);
    bool ok = S.data && S.size;
    for (size_t b = 0; ok && b < batch; b++)
        ok = (S.data[b] = hs__malloc(ctx, S.cap)) != NULL;
    if (!ok) st = hs__error(ctx, HS_ENOMEM, "out of memory");
    /* Threads only where there is work for them (a strip is ~64 KB). */
    int np = ctx->threads < (int)batch ? ctx->threads : (int)(batch ? batch : 1);
    for (S.first = 0; !st && S.first < nstrips; S.first += batch) {
        S.count = nstrips - S.first < batch ? nstrips - S.first : batch;
        memset(S.failed, 0, sizeof S.failed);
        hs__parallel(np, strip_part, &S);
        for (int k = 0; k < np; k++)
            if (S.failed[k]) st = hs__error(ctx, HS_ENOMEM, "out of memory compressing %s", path);
        for (size_t b = 0; !st && b < S.count; b++) {
            errno = 0;
            if (TIFFWriteRawStrip(t, (uint32_t)(S.first + b), S.data[b], (tmsize_t)S.size[b]) < 0)
                st = hs__error(ctx, HS_EIO, "%s: write failed: %s (libtiff: %s)", path,
                               strerror(errno ? errno : EIO), tiff_msg);
        }
        if (!st) st = hs__progress(ctx, "write", S.first + S.count, nstrips);
    }
    for (size_t b = 0; S.data && b < batch; b++)
        free(S.data[b]);
    free(S.data);
    free(S.size);
    return st;
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
    TIFFSetField(t, TIFFTAG_ZIPQUALITY, ZIP_LEVEL);
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
    if (!st) st = write_strips(ctx, t, r, rows_per_strip, path);
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
