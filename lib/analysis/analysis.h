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

/* naming.c: the most common place text among incidents list[0..n) (or
 * HS_NO_LABEL), its share and the share at the busiest single point, in
 * percent. HS_ENOMEM without a message. */
hs_status hs__place_text(const hs_incidents *inc, const size_t *list, size_t n, uint32_t *label,
                         double *label_pct, double *one_point_pct);

/* naming.c: the ward of each of units[0..m) of u: the ward holding its
 * centroid, else the ward holding most of its incidents (unit_of), ties to
 * the ward read first; HS_NO_UNIT when none. */
hs_status hs__wards_of(hs_ctx *ctx, const hs_units *wards, const hs_units *u, const size_t *units,
                       size_t m, const hs_incidents *inc, const uint32_t *unit_of, uint32_t *out);
/* naming.c: place columns a table carries (hs_tally_set_place_names,
 * hs_trend_set_place_names), copied per unit. */
typedef struct hs__place_cols {
    bool on, has_wards;
    size_t n;
    char **loc, **wcode, **wname;
    double *loc_pct, *pt_pct;
} hs__place_cols;
hs_status hs__place_cols_set(hs_ctx *ctx, hs__place_cols *pc, const hs_place_name *names, size_t n);
void hs__place_cols_free(hs__place_cols *pc);

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
