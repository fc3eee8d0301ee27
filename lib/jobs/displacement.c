/* displacement.c — the displacement command: the weighted displacement
 * quotient of a treated area (hs_displacement_compute). */
#include "jobs.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The treated places: the cells of a hotspots CSV rebuilt from their ids,
 * or the polygons of a boundary file (.shp, .geojson, .gpkg). */
static hs_status treated_units(hs_ctx *ctx, const char *path, hs_units **out) {
    size_t n = strlen(path);
    if (!(n >= 4 && !strcasecmp(path + n - 4, ".csv"))) {
        hs_status st = hs_units_create(ctx, out);
        return st ? st : hs_units_read(ctx, path, NULL, *out);
    }
    hs_patrol_site *sites = NULL;
    size_t ns = 0;
    const char **ids = NULL;
    hs_status st = hs_patrol_sites_read(ctx, path, &sites, &ns);
    if (!st) st = hs_patrol_sites_check(ctx, sites, ns);
    if (!st && !(ids = hs__malloc(ctx, (ns + 1) * sizeof *ids)))
        st = hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; !st && i < ns; i++)
        ids[i] = sites[i].id;
    if (!st) st = hs_units_from_cell_ids(ctx, ids, ns, out);
    free(ids);
    hs_patrol_sites_free(sites, ns);
    return st;
}

hs_status hs__run_displacement(hs_ctx *ctx, const hs_job *job) {
    hs_incidents *inc = NULL;
    hs_units *treated = NULL, *control = NULL, *area = NULL;
    hs_displacement d;
    hs_status st = hs__job_read(ctx, job, &inc);
    if (!st) st = hs__job_study_area(ctx, job, inc, &area);
    if (!st) st = treated_units(ctx, job->treated, &treated);
    /* The control area: --control, else the study area, else the built-in
     * wards (announced). */
    if (!st && !job->control && area) {
        control = area;
        area = NULL;
    } else if (!st) {
        st = hs_units_create(ctx, &control);
        if (!st)
            st = job->control ? hs_units_read(ctx, job->control, NULL, control)
                              : hs_units_read_builtin(ctx, "gravesham-wards-2013", control);
        if (!st && !job->control)
            hs__log(ctx, HS_LOG_INFO,
                    "no --control or --study-area given: the control area is the built-in "
                    "Gravesham wards (2013)");
    }
    hs_displacement_options o;
    hs_displacement_options_init(&o);
    o.treated = treated, o.control = control, o.buffer_m = job->buffer_m;
    o.before_from = job->to.compare_from, o.before_to = job->to.compare_to;
    o.after_from = job->to.from, o.after_to = job->to.to;
    if (!st) st = hs_displacement_compute(ctx, inc, &o, &d);
    if (!st) st = hs_displacement_write(ctx, &d, job->output);
    if (!st && job->rejects) st = hs_incidents_write_rejects(ctx, inc, NULL, job->rejects);
    if (!st) {
        hs__log(ctx, HS_LOG_INFO, "treated %.0f -> %.0f, buffer %.0f -> %.0f, control %.0f -> %.0f",
                d.a0, d.a1, d.b0, d.b1, d.c0, d.c1);
        hs__log(ctx, HS_LOG_INFO, "success measure %.4g, WDQ %.4g: %s; net effect %.1f incidents",
                d.wdq.success, d.wdq.wdq, hs_displacement_reading(&d), d.wdq.net_effect);
        hs__log(ctx, HS_LOG_INFO, "wrote %s", job->output);
    }
    hs_units_destroy(control);
    hs_units_destroy(area);
    hs_units_destroy(treated);
    hs_incidents_destroy(inc);
    return st;
}
