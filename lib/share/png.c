/* png.c — PNG encoding with libpng (the only file that includes png.h), for
 * the density image embedded in the HTML report. No time or text chunks,
 * so the same pixels give the same bytes. */
#include "share.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct sink {
    const hs_ctx *ctx;
    uint8_t *buf;
    size_t len, cap;
    bool failed;
} sink;

static void put(png_structp p, png_bytep data, png_size_t n) {
    sink *s = png_get_io_ptr(p);
    if (s->failed) return;
    if (!hs__grow(s->ctx, (void **)&s->buf, &s->cap, s->len + n, 1)) {
        s->failed = true;
        return;
    }
    memcpy(s->buf + s->len, data, n);
    s->len += n;
}

static void flush(png_structp p) {
    (void)p;
}

static void on_error(png_structp p, png_const_charp msg) {
    (void)msg;
    png_longjmp(p, 1);
}

static void on_warning(png_structp p, png_const_charp msg) {
    (void)p, (void)msg;
}

hs_status hs__png_encode(hs_ctx *ctx, const uint8_t *rgba, size_t w, size_t h, uint8_t **out,
                         size_t *len) {
    *out = NULL;
    *len = 0;
    if (!w || !h || w > 0x7fffffff || h > 0x7fffffff)
        return hs__error(ctx, HS_EINVAL, "PNG: bad size %zu x %zu", w, h);
    sink s = {ctx, NULL, 0, 0, false};
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, on_error, on_warning);
    png_infop info = p ? png_create_info_struct(p) : NULL;
    if (!p || !info) {
        png_destroy_write_struct(&p, NULL);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    /* volatile: read after a longjmp back here. */
    volatile hs_status st = HS_OK;
    if (setjmp(png_jmpbuf(p))) {
        st = s.failed ? HS_ENOMEM : HS_EIO;
    } else {
        png_set_write_fn(p, &s, put, flush);
        png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB_ALPHA,
                     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_set_compression_level(p, 9);
        png_write_info(p, info);
        for (size_t y = 0; y < h; y++)
            png_write_row(p, (png_const_bytep)(rgba + y * w * 4));
        png_write_end(p, info);
        if (s.failed) st = HS_ENOMEM;
    }
    png_destroy_write_struct(&p, &info);
    if (st) {
        free(s.buf);
        return hs__error(ctx, st, st == HS_ENOMEM ? "out of memory" : "PNG encoding failed");
    }
    *out = s.buf;
    *len = s.len;
    return HS_OK;
}
