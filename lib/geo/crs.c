/* crs.c — everything that touches PROJ (the only file including proj.h).
 *
 * Transformations are built with proj_create_crs_to_crs and normalised with
 * proj_normalize_for_visualization so that coordinates are always x/east,
 * y/north (lon, lat for EPSG:4326), whatever the CRS's axis order. PROJ picks
 * the most accurate operation available per point (for WGS84 -> British
 * National Grid on a stock Debian: the 7-parameter Helmert "OSGB36 to WGS 84
 * (6)", 2 m accuracy, the same as cs2cs). */
#include "geo.h"

#include <math.h>
#include <proj.h>
#include <stdlib.h>
#include <string.h>

struct hs__xform {
    PJ_CONTEXT *ctx;
    bool own_ctx;
    PJ *pj;
    char *src;
};

void *hs__crs_ctx_new(void) {
    PJ_CONTEXT *c = proj_context_create();
    if (c) proj_log_level(c, PJ_LOG_NONE);
    return c;
}

void hs__crs_ctx_free(void *proj) {
    if (proj) proj_context_destroy((PJ_CONTEXT *)proj);
}

static const char *proj_msg(PJ_CONTEXT *c) {
    int e = proj_context_errno(c);
    const char *m = e ? proj_context_errno_string(c, e) : NULL;
    /* PROJ reports a code it does not know as "Unknown error (code 4096)"
     * (PROJ_ERR_OTHER): say what the user can act on. */
    if (!m || !strncmp(m, "Unknown error", 13))
        return "PROJ does not know this CRS (check the EPSG code or the PROJ string)";
    return m;
}

hs_status hs__crs_check_metric(hs_ctx *ctx, const char *crs) {
    PJ_CONTEXT *c = ctx->proj;
    PJ *pj = proj_create(c, crs);
    if (!pj) return hs__error(ctx, HS_ECRS, "CRS '%s': %s", crs, proj_msg(c));
    hs_status st = HS_OK;
    PJ *horiz = NULL;
    PJ_TYPE type = proj_get_type(pj);
    if (type == PJ_TYPE_COMPOUND_CRS) {
        horiz = proj_crs_get_sub_crs(c, pj, 0);
        type = horiz ? proj_get_type(horiz) : PJ_TYPE_UNKNOWN;
    } else if (type == PJ_TYPE_BOUND_CRS) {
        /* A projected CRS with its datum shift attached (a PROJ string with
         * +towgs84, as QGIS writes for BNG): its axes are its source's. */
        horiz = proj_get_source_crs(c, pj);
        type = horiz ? proj_get_type(horiz) : PJ_TYPE_UNKNOWN;
    }
    if (type != PJ_TYPE_PROJECTED_CRS) {
        st = hs__error(ctx, HS_ECRS,
                       "CRS '%s' is not a projected CRS: the working CRS must "
                       "have metre axes (e.g. EPSG:27700)",
                       crs);
    } else {
        PJ *cs = proj_crs_get_coordinate_system(c, horiz ? horiz : pj);
        double factor = 0;
        const char *unit = NULL;
        if (!cs || !proj_cs_get_axis_info(c, cs, 0, NULL, NULL, NULL, &factor, &unit, NULL, NULL) ||
            fabs(factor - 1.0) > 1e-12)
            st = hs__error(ctx, HS_ECRS,
                           "CRS '%s' has axes in %s, not metres: choose a "
                           "metric working CRS",
                           crs, unit ? unit : "unknown units");
        proj_destroy(cs);
    }
    proj_destroy(horiz);
    proj_destroy(pj);
    return st;
}

bool hs__crs_same(void *proj_ctx, const char *a, const char *b) {
    if (strcmp(a, b) == 0) return true;
    PJ_CONTEXT *c = proj_ctx;
    PJ *pa = proj_create(c, a), *pb = proj_create(c, b);
    bool same = pa && pb && proj_is_equivalent_to_with_ctx(c, pa, pb, PJ_COMP_EQUIVALENT);
    proj_destroy(pa);
    proj_destroy(pb);
    return same;
}

hs__xform *hs__xform_create(void *proj_ctx, const char *src, const char *dst, char *err,
                            size_t errsize) {
    hs__xform *xf = hs__calloc(NULL, 1, sizeof *xf);
    if (!xf) {
        hs__format(err, errsize, "out of memory");
        return NULL;
    }
    xf->own_ctx = proj_ctx == NULL;
    xf->ctx = proj_ctx ? proj_ctx : hs__crs_ctx_new();
    xf->src = hs__strdup(NULL, src);
    if (!xf->ctx || !xf->src) {
        hs__format(err, errsize, "out of memory");
        hs__xform_destroy(xf);
        return NULL;
    }
    PJ *raw = proj_create_crs_to_crs(xf->ctx, src, dst, NULL);
    if (!raw) {
        hs__format(err, errsize, "no transformation from '%s' to '%s': %s", src, dst,
                   proj_msg(xf->ctx));
        hs__xform_destroy(xf);
        return NULL;
    }
    xf->pj = proj_normalize_for_visualization(xf->ctx, raw);
    proj_destroy(raw);
    if (!xf->pj) {
        hs__format(err, errsize, "cannot normalise axis order of '%s' -> '%s': %s", src, dst,
                   proj_msg(xf->ctx));
        hs__xform_destroy(xf);
        return NULL;
    }
    return xf;
}

void hs__xform_destroy(hs__xform *xf) {
    if (!xf) return;
    proj_destroy(xf->pj);
    if (xf->own_ctx) hs__crs_ctx_free(xf->ctx);
    free(xf->src);
    free(xf);
}

bool hs__xform_run(hs__xform *xf, double *x, double *y, size_t n) {
    if (n == 0) return true;
    proj_errno_reset(xf->pj);
    size_t done = proj_trans_generic(xf->pj, PJ_FWD, x, sizeof(double), n, y, sizeof(double), n,
                                     NULL, 0, 0, NULL, 0, 0);
    /* Single points that fail come back as HUGE_VAL; callers test for them. */
    return done == n;
}

bool hs__xform_area_in_src(hs__xform *xf, const char *dst, double box[4]) {
    PJ *d = proj_create(xf->ctx, dst);
    double w, s, e, n;
    bool ok = d && proj_get_area_of_use(xf->ctx, d, &w, &s, &e, &n, NULL) && w > -1000;
    if (d && !ok) {
        /* A CRS given without an EPSG code (a PROJ string, WKT without an
         * ID) has no area of use of its own: take that of the EPSG CRS
         * PROJ identifies it as (confidence >= 70: the same definition),
         * so rows far outside it are still rejected. */
        int *conf = NULL;
        PJ *base = proj_get_type(d) == PJ_TYPE_BOUND_CRS ? proj_get_source_crs(xf->ctx, d) : NULL;
        PJ_OBJ_LIST *l = proj_identify(xf->ctx, base ? base : d, "EPSG", NULL, &conf);
        proj_destroy(base);
        if (l && conf && proj_list_get_count(l) > 0 && conf[0] >= 70) {
            PJ *m = proj_list_get(xf->ctx, l, 0);
            const char *auth = m ? proj_get_id_auth_name(m, 0) : NULL;
            const char *code = m ? proj_get_id_code(m, 0) : NULL;
            /* The listed object lacks its usage: take the database's. */
            PJ *full = auth && code ? proj_create_from_database(xf->ctx, auth, code,
                                                                PJ_CATEGORY_CRS, 0, NULL)
                                    : NULL;
            ok = full && proj_get_area_of_use(xf->ctx, full, &w, &s, &e, &n, NULL) && w > -1000;
            proj_destroy(full);
            proj_destroy(m);
        }
        proj_int_list_destroy(conf);
        proj_list_destroy(l);
    }
    proj_destroy(d);
    if (!ok) return false;
    PJ *raw = proj_create_crs_to_crs(xf->ctx, "EPSG:4326", xf->src, NULL);
    PJ *pj = raw ? proj_normalize_for_visualization(xf->ctx, raw) : NULL;
    proj_destroy(raw);
    if (!pj) return false;
    if (e < w) e += 360; /* area crossing the antimeridian */
    ok = proj_trans_bounds(xf->ctx, pj, PJ_FWD, w, s, e, n, &box[0], &box[1], &box[2], &box[3],
                           21) != 0;
    proj_destroy(pj);
    return ok;
}

static void xentry_free(hs__xentry *e) {
    if (!e) return;
    hs__xform_destroy(e->main);
    for (int k = 0; k < HS__MAX_THREADS; k++)
        hs__xform_destroy(e->worker[k]);
    free(e->src);
    free(e->dst);
    free(e);
}

void hs__ctx_xcache_free(hs_ctx *ctx) {
    for (int i = 0; i < HS__XCACHE; i++) {
        xentry_free(ctx->xcache[i]);
        ctx->xcache[i] = NULL;
    }
}

hs__xentry *hs__ctx_xform(hs_ctx *ctx, const char *src, const char *dst) {
    for (int i = 0; i < HS__XCACHE; i++) {
        hs__xentry *e = ctx->xcache[i];
        if (e && strcmp(e->src, src) == 0 && strcmp(e->dst, dst) == 0) return e;
    }
    hs__xentry *e = hs__calloc(ctx, 1, sizeof *e);
    if (!e || !(e->src = hs__strdup(ctx, src)) || !(e->dst = hs__strdup(ctx, dst))) {
        xentry_free(e);
        hs__error(ctx, HS_ENOMEM, "out of memory");
        return NULL;
    }
    char err[512];
    e->main = hs__xform_create(ctx->proj, src, dst, err, sizeof err);
    if (!e->main) {
        xentry_free(e);
        hs__error(ctx, HS_ECRS, "%s", err);
        return NULL;
    }
    e->same = hs__crs_same(ctx->proj, src, dst);
    e->have_area = hs__xform_area_in_src(e->main, dst, e->area);
    xentry_free(ctx->xcache[ctx->xnext]);
    ctx->xcache[ctx->xnext] = e;
    ctx->xnext = (ctx->xnext + 1) % HS__XCACHE;
    return e;
}

hs__xform *hs__xentry_worker(hs__xentry *e, int k, char *err, size_t errsize) {
    if (k <= 0) return e->main;
    if (!e->worker[k]) e->worker[k] = hs__xform_create(NULL, e->src, e->dst, err, errsize);
    return e->worker[k];
}

hs_status hs__crs_wkt_esri(hs_ctx *ctx, const char *crs, char **out) {
    PJ *pj = proj_create(ctx->proj, crs);
    const char *w = pj ? proj_as_wkt(ctx->proj, pj, PJ_WKT1_ESRI, NULL) : NULL;
    *out = w ? hs__strdup(ctx, w) : NULL;
    proj_destroy(pj);
    return w && !*out ? hs__error(ctx, HS_ENOMEM, "out of memory") : HS_OK;
}

hs_status hs__crs_wkt2(hs_ctx *ctx, const char *crs, char **out) {
    PJ *pj = proj_create(ctx->proj, crs);
    const char *const opts[] = {"MULTILINE=NO", NULL};
    const char *w = pj ? proj_as_wkt(ctx->proj, pj, PJ_WKT2_2019, opts) : NULL;
    *out = w ? hs__strdup(ctx, w) : NULL;
    proj_destroy(pj);
    return w && !*out ? hs__error(ctx, HS_ENOMEM, "out of memory") : HS_OK;
}

int hs__crs_epsg(hs_ctx *ctx, const char *crs) {
    PJ *pj = proj_create(ctx->proj, crs);
    int code = 0;
    if (pj) {
        const char *auth = proj_get_id_auth_name(pj, 0), *id = proj_get_id_code(pj, 0);
        if (auth && id && strcmp(auth, "EPSG") == 0) code = atoi(id);
        if (!code) {
            /* WKT without an ID: ask PROJ which EPSG CRS it is (certain match only). */
            int *conf = NULL;
            PJ_OBJ_LIST *l = proj_identify(ctx->proj, pj, "EPSG", NULL, &conf);
            if (l && proj_list_get_count(l) > 0 && conf && conf[0] == 100) {
                PJ *m = proj_list_get(ctx->proj, l, 0);
                const char *mid = m ? proj_get_id_code(m, 0) : NULL;
                if (mid) code = atoi(mid);
                proj_destroy(m);
            }
            proj_int_list_destroy(conf);
            proj_list_destroy(l);
        }
        proj_destroy(pj);
    }
    return code;
}
