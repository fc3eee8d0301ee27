/*
 * analysis.h — internal header of lib/analysis/; never installed. Internal names use the
 * hs__ prefix.
 *
 * The analyst's results: the ward table, ranked hotspots and their profiles,
 * emerging-hotspot trends, evaluations and patrol plans. Uses stats.
 */
#ifndef HS_ANALYSIS_H
#define HS_ANALYSIS_H

#include "../stats/stats.h"

/* Ranked hotspots (hotspots.c; read by report.c). */
struct hs_hotspots {
    const hs_units *u;
    const hs_incidents *inc;
    const uint32_t *unit_of_copy; /* owned copy */
    size_t n;                     /* units */
    uint64_t *count;
    double *harm, *z, *p;
    int *bin;
    size_t nsel;
    hs_hotspot *sel;  /* chosen, in rank order */
    char **ward;      /* per chosen: its ward's code, owned */
    char **ward_name; /* and name, owned */
    double total_count, total_harm, total_area;
    size_t *first, *list; /* each unit's incidents (profile.c), owned */
    bool timed;           /* profiled by hour (hs_hotspots_timed) */
    int64_t m0;           /* the first dated month (year * 12 + month - 1) */
    size_t nmonths;       /* the dated span, 0 when over HS_PROFILE_MONTHS */
};
/* Builds h's per-unit incident lists and its time rule (profile.c). */
hs_status hs__hotspots_index(hs_ctx *ctx, hs_hotspots *h);

/* For the report (report.c): what a table or ranking was computed from. */
const hs_units *hs__tally_units(const hs_tally *t);
bool hs__tally_has_compare(const hs_tally *t);
bool hs__tally_has_population(const hs_tally *t);
const hs_units *hs__hotspots_units(const hs_hotspots *h);

#endif
