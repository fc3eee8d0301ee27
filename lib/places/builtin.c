/* builtin.c — boundary layers compiled into the library, so the command
 * and programs work out of the box. The bytes are generated at configure
 * time from shapefiles/ (see CMakeLists.txt). */
#include "places.h"

#include <string.h>

extern const unsigned char hs__gravesham_shp[], hs__gravesham_shx[], hs__gravesham_dbf[],
    hs__gravesham_prj[], hs__gravesham_cpg[];
extern const size_t hs__gravesham_shp_size, hs__gravesham_shx_size, hs__gravesham_dbf_size;

hs_status hs_units_read_builtin(hs_ctx *ctx, const char *name, hs_units *units) {
    if (!ctx || !name || !units) return HS_EINVAL;
    if (strcmp(name, "gravesham-wards-2013") != 0)
        return hs__error(ctx, HS_EINVAL, "no built-in layer '%s' (built in: gravesham-wards-2013)",
                         name);
    hs_shapefile_buffers b = {hs__gravesham_shp,
                              hs__gravesham_shx,
                              hs__gravesham_dbf,
                              hs__gravesham_shp_size,
                              hs__gravesham_shx_size,
                              hs__gravesham_dbf_size,
                              (const char *)hs__gravesham_prj,
                              (const char *)hs__gravesham_cpg};
    return hs_units_read_shapefile_buffers(ctx, "gravesham-wards-2013 (built in)", &b, NULL, units);
}
