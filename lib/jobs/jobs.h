/*
 * jobs.h — internal header of lib/jobs/, the top layer: each hotspot
 * command as one library call (hs_job_run). Jobs use the analysis and I/O
 * layers through the public API and their internal headers; nothing below includes
 * This header.
 */
#ifndef HS_JOBS_H
#define HS_JOBS_H

#include "../share/share.h"

#include <stdbool.h>

struct hs_job {
    hs_command cmd;
    char **owned; /* copies of every string value, freed with the job */
    size_t nowned;
    const char **inputs, **types, **layers, **versus;
    size_t ninputs, ntypes, nlayers, nversus;
    double *contours;
    size_t ncontours;
    const char *output, *crs, *rejects, *population, *title, *harm, *summary, *units_shp,
        *geofences, *hotspots, *curve, *treated, *control, *extent_layer, *mask, *contours_out,
        *settings_file, *study_area;
    hs_read_options ro;
    hs_grid_options go;
    hs_layer_options lo;
    hs_tally_options to;
    hs_kde_options ko;
    hs_hotspot_options ho;
    hs_trend_options tro;
    hs_patrol_options po;
    hs_raster_op cmpop;
    int have_cmpop;
    double buffer_m, snap_m, nbdist_m;
    int threads, overwrite;
    const hs_incidents *given; /* hs_job_set_incidents: read instead of the inputs */
};

/* A copy of s owned by the job. */
char *hs__job_keep(hs_ctx *ctx, hs_job *job, const char *s);
/* Appends s (owned by the job already) to a list of the job. */
hs_status hs__job_push(hs_ctx *ctx, const char ***list, size_t *n, const char *s);
/* The usage checks a command line had: what each command needs. */
hs_status hs__job_validate(hs_ctx *ctx, const hs_job *job);
/* Protects the inputs and checks every output before any work. */
hs_status hs__job_check_files(hs_ctx *ctx, const hs_job *job);

/* ---- common.c: steps shared by the commands ---------------------------- */

/* The read options with the job's crime types attached. */
hs_read_options hs__job_read_options(const hs_job *job);
/* Reads every input into a new table and says what was read; warns of
 * degrees given as metres and of crime types never seen. */
hs_status hs__job_read(hs_ctx *ctx, const hs_job *job, hs_incidents **out);
/* Warns of months far below the others (rule in common.c). */
void hs__job_check_months(hs_ctx *ctx, const hs_incidents *inc);
/* A polygon layer: path (NULL: the built-in Gravesham wards) read with its
 * notes said; opts may be NULL. */
hs_status hs__job_units(hs_ctx *ctx, const char *path, const hs_layer_options *opts,
                        hs_units **out);
/* Every --wards layer (none: the built-in wards); NULL *out when
 * builtin is false and no layer was given. */
hs_status hs__job_wards(hs_ctx *ctx, const hs_job *job, bool builtin, hs_units **out);
/* Names each unit (hs_place_names, with the --wards when given) in the
 * table given: a change tally, or a trend. */
hs_status hs__job_name_places(hs_ctx *ctx, const hs_job *job, const hs_units *u,
                              const hs_incidents *inc, const uint32_t *unit_of, hs_tally *tally,
                              hs_trend *trend);
/* Warns when the built-in wards were used and most incidents lie outside. */
void hs__job_say_builtin_outside(hs_ctx *ctx, const hs_job *job, uint64_t outside, uint64_t all);
/* Each incident's unit: an array of count+1, owned by the caller. */
hs_status hs__job_locate(hs_ctx *ctx, const hs_grid *grid, const hs_units *u,
                         const hs_incidents *inc, uint32_t **out);
/* The places of hotspots, change, evaluate and trend: --units polygons, or
 * grid cells (with the empty ones when empty is set: over the study area
 * when there is one, its cells those whose centre lies in it or that hold
 * an incident). */
hs_status hs__job_places(hs_ctx *ctx, const hs_job *job, const hs_incidents *inc, bool empty,
                         const hs_units *area, hs_grid **grid, hs_units **u);
/* The study area's cells (see hs__job_places). */
hs_status hs__job_study_cells(hs_ctx *ctx, const hs_grid *grid, const hs_units *area,
                              hs_units **out);
/* --study-area: its polygons (NULL *area without one), and the incidents
 * outside it left out of inc, counted in a message. */
hs_status hs__job_study_area(hs_ctx *ctx, const hs_job *job, hs_incidents *inc, hs_units **area);
/* Warns of incidents far from all the others (rule in common.c). */
void hs__job_warn_strays(hs_ctx *ctx, const hs_incidents *inc);
/* Says how many incidents lie outside every unit. */
void hs__job_say_outside(hs_ctx *ctx, const hs_job *job, const hs_incidents *inc,
                         const uint32_t *unit_of, size_t n);
void hs__job_say_concentration(hs_ctx *ctx, const char *what, const hs_concentration *c);
/* --harm applied, with a warning for incidents of types not in the table. */
hs_status hs__job_harm(hs_ctx *ctx, const hs_job *job, hs_incidents *inc);
/* " (no location 136, filtered out: crime type 8432)": rejects by reason. */
void hs__job_reasons(const hs_read_summary *s, char *buf, size_t size);
/* The places of hotspots and trend with their neighbours (--neighbour-distance,
 * or shared edges within --snap), and each incident's place. */
hs_status hs__job_ranked_places(hs_ctx *ctx, const hs_job *job, const hs_incidents *inc,
                                const hs_units *area, hs_grid **grid, hs_units **u,
                                uint32_t **unit_of);

/* ---- one file per command ----------------------------------------------- */
hs_status hs__run_grid(hs_ctx *ctx, const hs_job *job);
hs_status hs__run_wards(hs_ctx *ctx, const hs_job *job);
hs_status hs__run_kde(hs_ctx *ctx, const hs_job *job);
hs_status hs__run_hotspots(hs_ctx *ctx, const hs_job *job);
hs_status hs__run_patrol(hs_ctx *ctx, const hs_job *job);
hs_status hs__run_change(hs_ctx *ctx, const hs_job *job);
hs_status hs__run_evaluate(hs_ctx *ctx, const hs_job *job);
hs_status hs__run_displacement(hs_ctx *ctx, const hs_job *job);
hs_status hs__run_trend(hs_ctx *ctx, const hs_job *job);
hs_status hs__run_check(hs_ctx *ctx, const hs_job *job);
hs_status hs__run_report(hs_ctx *ctx, const hs_job *job);

#endif
