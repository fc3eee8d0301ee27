/*
 * share.h — internal header of lib/share/; never installed. Internal names use the
 * hs__ prefix.
 *
 * Sharing results: the QGIS project and the HTML report. Uses analysis.
 */
#ifndef HS_SHARE_H
#define HS_SHARE_H

#include "../analysis/analysis.h"

/* png.c: RGBA rows (top first) to a PNG in memory (owned). */
hs_status hs__png_encode(hs_ctx *ctx, const uint8_t *rgba, size_t w, size_t h, uint8_t **out,
                         size_t *len);

/* map.c: the report's maps as inline SVG figures (nothing when there is
 * nothing to draw). */
hs_status hs__report_ward_map(hs_ctx *ctx, FILE *f, const hs_report *r);
hs_status hs__report_density_map(hs_ctx *ctx, FILE *f, const hs_report *r);

#endif
