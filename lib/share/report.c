/* report.c — the board-ready HTML report: one self-contained page (inline
 * SVG and CSS, the density as a base64 PNG; no scripts, no network), laid
 * out for A4. Drawn from the same objects the layers were written from, so
 * the page and the layers agree. Deterministic: no dates or random ids. */
#include "share.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Thousands separators: boards read 28,173 faster than 28173. */
static void put_count(FILE *f, uint64_t v) {
    char b[32];
    int n = snprintf(b, sizeof b, "%" PRIu64, v);
    for (int i = 0; i < n; i++) {
        fputc(b[i], f);
        if ((n - i - 1) % 3 == 0 && i < n - 1) fputc(',', f);
    }
}

/* A p-value as a board reads it: "< 0.001", else three decimals (APA
 * style); never 8.08e-07. */
static void put_p(FILE *f, double p) {
    if (p < 0.001)
        fputs("</td><td class=n>&lt; 0.001</td>", f);
    else
        fprintf(f, "</td><td class=n>%.3f</td>", p);
}

/* ---- tables --------------------------------------------------------------- */

static void ward_table(FILE *f, const hs_report *r) {
    const hs_units *u = hs__tally_units(r->wards);
    bool cmp = hs__tally_has_compare(r->wards), pop = hs__tally_has_population(r->wards);
    fputs("<table><thead><tr><th>Rank</th><th>Ward</th><th>Code</th><th class=n>Incidents</th>"
          "<th class=n>Share</th><th class=n>Per km&#178;</th>",
          f);
    if (pop) fputs("<th class=n>Per 1,000 residents</th>", f);
    if (cmp) {
        fputs("<th class=n>", f);
        hs__put_xml(f, r->compare_period ? r->compare_period : "Compare period");
        fputs("</th><th class=n>Change</th><th class=n>p</th>", f);
    }
    fputs("</tr></thead><tbody>\n", f);
    for (uint32_t rank = 1; rank <= u->n; rank++)
        for (size_t i = 0; i < u->n; i++) {
            hs_tally_row row;
            hs_tally_row_get(r->wards, i, &row);
            if (row.rank != rank) continue;
            fprintf(f, "<tr><td>%u</td><td>", row.rank);
            hs__put_xml(f, u->name[i]);
            fputs("</td><td>", f);
            hs__put_xml(f, u->code[i]);
            fputs("</td><td class=n>", f);
            put_count(f, row.count);
            fprintf(f, "</td><td class=n>%.1f%%</td><td class=n>%.1f</td>", row.share_pct,
                    row.per_km2);
            if (pop) {
                if (isnan(row.rate_per_1000))
                    fputs("<td class=n>&#8211;</td>", f);
                else
                    fprintf(f, "<td class=n>%.1f</td>", row.rate_per_1000);
            }
            if (cmp) {
                fputs("<td class=n>", f);
                put_count(f, row.count_compare);
                fprintf(f, "</td><td class=n>%+" PRId64, row.change);
                if (isfinite(row.change_pct)) fprintf(f, " (%+.0f%%)", row.change_pct);
                if (isnan(row.change_p))
                    fputs("</td><td class=n>&#8211;</td>", f);
                else
                    put_p(f, row.change_p);
            }
            fputs("</tr>\n", f);
        }
    fputs("</tbody></table>\n", f);
    hs_tally_summary ts;
    hs_tally_summary_get(r->wards, &ts);
    /* The comparison is named, with both lengths: a change in counts over
     * periods of unequal length is a change per day (hs_tally_row). */
    if (cmp && !isnan(ts.days)) {
        fputs("<p class=note>Incidents in ", f);
        hs__put_xml(f, r->period ? r->period : "this period");
        fprintf(f, " (%.0f days) against ", ts.days);
        hs__put_xml(f, r->compare_period ? r->compare_period : "the compare period");
        fprintf(f,
                " (%.0f days). The change in %% is per day%s; p is the exact binomial test of "
                "the counts given the periods' lengths.</p>\n",
                ts.days_compare,
                ts.days != ts.days_compare ? " (the periods differ in length)" : "");
    }
}

/* Time profile of each chosen hotspot: weekday x hour when the data have
 * times, else months (data.police.uk has months only). */
static hs_status hotspot_table(hs_ctx *ctx, FILE *f, const hs_report *r) {
    const hs_hotspots *h = r->hotspots;
    const hs_units *u = hs__hotspots_units(h);
    bool by_hour = hs_hotspots_timed(h);
    hs_hotspot_profile *pr = hs__malloc(ctx, sizeof *pr);
    if (!pr) return hs__error(ctx, HS_ENOMEM, "out of memory");
    if (h->nsel && hs_hotspots_profile(h, 0, pr)) {
        free(pr);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    int64_t m0 = h->nsel ? pr->first_month : 0;
    size_t nmonths = h->nsel ? pr->month_count : 0, nbins = by_hour ? 7 * 24 : nmonths;
    fputs("<table><thead><tr><th>Rank</th><th>Place</th><th>Ward</th><th class=n>Incidents</th>"
          "<th class=n>Share</th><th class=n>Cumulative</th><th class=n>PAI</th>"
          "<th class=n>Gi* z</th><th>",
          f);
    fputs(by_hour ? "When (weekday &#215; hour, Mon at top)" : "By month", f);
    fputs("</th></tr></thead><tbody>\n", f);
    for (size_t j = 0; j < h->nsel; j++) {
        const hs_hotspot *s = &h->sel[j];
        if (hs_hotspots_profile(h, j, pr)) {
            free(pr);
            return hs__error(ctx, HS_ENOMEM, "out of memory");
        }
        fprintf(f, "<tr><td>%u</td><td>", s->rank);
        /* Where, in the words a patrol knows: police.uk's Location, with
         * its share, and a note when most incidents sit on one snap point. */
        if (pr->location[0]) {
            hs__put_xml(f, pr->location);
            fprintf(f, " <small>(%.0f%%%s)</small><br>", pr->location_pct,
                    pr->one_point_pct >= 50 ? ", one point" : "");
        }
        fputs("<small>", f);
        hs__put_xml(f, u->code[s->unit]);
        fputs("</small></td><td>", f);
        hs__put_xml(f, h->ward_name[j] && h->ward_name[j][0] ? h->ward_name[j]
                       : h->ward[j]                          ? h->ward[j]
                                                             : "");
        fputs("</td><td class=n>", f);
        put_count(f, s->count);
        fprintf(f,
                "</td><td class=n>%.1f%%</td><td class=n>%.1f%%</td><td class=n>%.0f</td>"
                "<td class=n>%.2f</td><td>",
                s->share_pct, s->cum_share_pct, s->pai, s->gistar_z);
        const uint64_t *bj = by_hour ? &pr->week[0][0] : pr->months;
        uint64_t mx = 0;
        for (size_t b = 0; b < nbins; b++)
            mx = bj[b] > mx ? bj[b] : mx;
        if (nbins) {
            size_t cols = by_hour ? 24 : nbins, rows = by_hour ? 7 : 1;
            double cw = by_hour ? 5 : 14, ch = by_hour ? 3.2 : 10;
            fprintf(f,
                    "<svg class=strip width=\"%.0f\" height=\"%.0f\" "
                    "xmlns=\"http://www.w3.org/2000/svg\">",
                    cols * cw, rows * ch);
            fprintf(f, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#f7fbff\"/>", cols * cw,
                    rows * ch);
            for (size_t b = 0; b < nbins; b++) {
                double t = mx ? (double)bj[b] / (double)mx : 0;
                fprintf(f,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        "fill=\"rgb(%d,%d,%d)\"><title>%" PRIu64 "</title></rect>",
                        (double)(b % cols) * cw, (double)(b / cols) * ch, cw - 0.4, ch - 0.4,
                        (int)lround(247 - t * (247 - 8)), (int)lround(251 - t * (251 - 48)),
                        (int)lround(255 - t * (255 - 107)), bj[b]);
            }
            fputs("</svg>", f);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    if (!by_hour && nmonths)
        fprintf(f,
                "<p class=note>Months from %04lld-%02lld to %04lld-%02lld, left to right, darker "
                "= more. These data give months only, not times of day: patrol hours cannot "
                "be read from them.</p>\n",
                (long long)(m0 / 12), (long long)(m0 % 12 + 1),
                (long long)((m0 + (int64_t)nmonths - 1) / 12),
                (long long)((m0 + (int64_t)nmonths - 1) % 12 + 1));
    free(pr);
    return HS_OK;
}

/* The concentration (Lorenz) curve over every cell, with the equality line. */
static hs_status concentration(hs_ctx *ctx, FILE *f, const hs_report *r) {
    const hs_hotspots *h = r->hotspots;
    size_t n = h->n;
    double *v = hs__malloc(ctx, (n ? n : 1) * sizeof *v);
    double *lx = hs__malloc(ctx, (n + 1) * sizeof *lx), *ly = hs__malloc(ctx, (n + 1) * sizeof *ly);
    hs_concentration cc;
    hs_status st = v && lx && ly ? HS_OK : hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; !st && i < n; i++)
        v[i] = (double)h->count[i];
    if (!st) st = hs_concentration_compute(v, n, h->total_count, &cc, lx, ly);
    if (!st) {
        double W = 300, H = 200;
        fprintf(f,
                "<div class=pair><svg class=curve viewBox=\"-34 -8 %.0f %.0f\" "
                "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
                "aria-label=\"Concentration curve\">\n"
                "<rect width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>\n"
                "<path d=\"M0 %.0fL%.0f 0\" stroke=\"#999\" stroke-dasharray=\"3 3\"/>\n"
                "<polyline fill=\"none\" stroke=\"#bd0026\" stroke-width=\"2\" points=\"",
                W + 44, H + 40, W, H, H, W);
        size_t step = n > 600 ? n / 600 : 1;
        for (size_t i = 0; i <= n; i += (i + step > n && i != n) ? n - i : step)
            fprintf(f, "%.1f,%.1f ", lx[i] * W, H - ly[i] * H);
        fprintf(f,
                "\"/>\n<g font-size=\"10\"><text x=\"%.0f\" y=\"%.0f\" "
                "text-anchor=\"middle\">share of places (cells, most first)</text>"
                "<text transform=\"translate(-22 %.0f) rotate(-90)\" text-anchor=\"middle\">"
                "share of incidents</text><text x=\"0\" y=\"%.0f\">0</text>"
                "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">100%%</text>"
                "<text x=\"-4\" y=\"4\" text-anchor=\"end\">100%%</text></g></svg>\n",
                W / 2, H + 28, H / 2, H + 12, W, H + 12);
        fprintf(f,
                "<div><p>Over <b>%zu</b> cells of equal size, the top <b>1%%</b> hold "
                "<b>%.1f%%</b> of incidents, the top 5%% hold %.1f%% and the top 10%% hold "
                "%.1f%%.</p><p>Gini %.3f",
                cc.units, cc.top_share_pct[0], cc.top_share_pct[1], cc.top_share_pct[2], cc.gini);
        if (cc.gini_generalised != cc.gini)
            fprintf(f, " (generalised for few incidents, Bernasco &amp; Steenbeek 2017: %.3f)",
                    cc.gini_generalised);
        fputs(". The dashed line is what an even spread would give.</p></div></div>\n", f);
    }
    free(v);
    free(lx);
    free(ly);
    return st;
}

/* Incidents per month as bars, a month below 60 % of the median month in
 * red with a note (the rule of the commands' data-quality warning). */
static hs_status monthly(hs_ctx *ctx, FILE *f, const hs_incidents *inc) {
    hs__months mo;
    hs_status st = hs__months_count(ctx, inc, 121, &mo);
    if (st || !mo.n) return st;
    size_t nm = mo.n;
    int64_t m0 = mo.first, m1 = mo.first + (int64_t)nm - 1;
    const uint64_t *cnt = mo.count;
    uint64_t mx = 0;
    for (size_t k = 0; k < nm; k++)
        mx = cnt[k] > mx ? cnt[k] : mx;
    double bw = nm > 24 ? 12 : 28, h = 90;
    size_t low = 0;
    fprintf(f,
            "<figure><svg class=\"strip\" width=\"%.0f\" height=\"%.0f\" "
            "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Incidents per "
            "month\">",
            (double)nm * bw, h + 14);
    for (size_t k = 0; k < nm; k++) {
        int64_t m = m0 + (int64_t)k;
        bool short_month = hs__months_short(&mo, k);
        low += short_month;
        double bh = mx ? h * (double)cnt[k] / (double)mx : 0;
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                "<title>%04lld-%02lld: %" PRIu64 "</title></rect>",
                (double)k * bw + 1, h - bh, bw - 2, bh, short_month ? "#bd0026" : "#6baed6",
                (long long)(m / 12), (long long)(m % 12 + 1), cnt[k]);
        if (nm <= 24 || m % 12 == 0)
            fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"8\">%02lld</text>",
                    (double)k * bw + 1, h + 11, (long long)(m % 12 + 1));
    }
    fprintf(f,
            "</svg><figcaption>Incidents per month, %04lld-%02lld to %04lld-%02lld.%s</figcaption>"
            "</figure>\n",
            (long long)(m0 / 12), (long long)(m0 % 12 + 1), (long long)(m1 / 12),
            (long long)(m1 % 12 + 1),
            low ? " Months in red hold under 60 % of the median month: a missing or partial "
                  "file? Comparisons over them mislead."
                : "");
    hs__months_free(&mo);
    return HS_OK;
}

static void rejects(FILE *f, const hs_incidents *inc) {
    hs_read_summary s;
    hs_incidents_summary(inc, UINT32_MAX, &s);
    fputs("<table class=narrow><thead><tr><th>File</th><th class=n>Rows read</th>"
          "<th class=n>Used</th><th class=n>Rejected</th></tr></thead><tbody>\n",
          f);
    for (uint32_t k = 0; k < inc->nfiles; k++) {
        hs_read_summary fs;
        hs_incidents_summary(inc, k, &fs);
        const char *name = inc->files[k], *sl = strrchr(name, '/');
        fputs("<tr><td>", f);
        hs__put_xml(f, sl ? sl + 1 : name);
        fputs("</td><td class=n>", f);
        put_count(f, fs.rows_read);
        fputs("</td><td class=n>", f);
        put_count(f, fs.rows_used);
        fputs("</td><td class=n>", f);
        put_count(f, fs.rows_read - fs.rows_used);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    bool any = false;
    for (int k = 0; k < HS_REJECT_COUNT_; k++)
        if (s.rejected[k]) {
            if (!any)
                fputs("<table class=narrow><thead><tr><th>Rejected because</th>"
                      "<th class=n>Rows</th></tr></thead><tbody>\n",
                      f);
            any = true;
            fputs("<tr><td>", f);
            hs__put_xml(f, hs_reject_reason_string((hs_reject_reason)k));
            fputs("</td><td class=n>", f);
            put_count(f, s.rejected[k]);
            fputs("</td></tr>\n", f);
        }
    if (any)
        fputs("</tbody></table>\n", f);
    else
        fputs("<p>No row was rejected.</p>\n", f);
}

static void pairs(FILE *f, const char *const *kv, size_t n, const char *h1, const char *h2) {
    fprintf(f, "<table class=narrow><thead><tr><th>%s</th><th>%s</th></tr></thead><tbody>\n", h1,
            h2);
    for (size_t i = 0; i < n; i++) {
        fputs("<tr><td>", f);
        hs__put_xml(f, kv[2 * i]);
        fputs("</td><td>", f);
        hs__put_xml(f, kv[2 * i + 1]);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static const char css[] =
    "@page{size:A4;margin:14mm 12mm}"
    "body{font-family:'Helvetica Neue',Arial,'Liberation Sans',sans-serif;color:#1a1a1a;"
    "max-width:190mm;margin:0 auto;padding:10px;font-size:10.5pt;line-height:1.35}"
    "h1{font-size:19pt;margin:0 0 2px}h2{font-size:13pt;margin:18px 0 6px;border-bottom:2px solid "
    "#bd0026;padding-bottom:2px}.sub{color:#555;margin:0 0 10px}"
    "section{break-inside:avoid;page-break-inside:avoid}"
    ".keys{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0}"
    ".key{border:1px solid #ddd;border-left:4px solid #bd0026;padding:5px 9px;min-width:120px}"
    ".key b{display:block;font-size:15pt}"
    "table{border-collapse:collapse;width:100%;font-size:9pt;margin:4px 0 8px}"
    "table.narrow{width:auto;min-width:50%}"
    "th,td{border-bottom:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:middle}"
    "th{background:#f3f3f3}.n{text-align:right;font-variant-numeric:tabular-nums}"
    "figure{margin:0 0 12px}figcaption{font-size:8.5pt;color:#555}"
    "section.maps{break-inside:auto;page-break-inside:auto}"
    "figure{break-inside:avoid;page-break-inside:avoid}"
    "svg.map{width:100%;height:auto;display:block;font-family:inherit}svg.strip{display:block}"
    ".pair{display:flex;gap:16px;align-items:center}.pair svg{width:55%;flex:none}"
    ".note{color:#555;font-size:9pt}footer{margin-top:16px;color:#555;font-size:8.5pt}"
    "@media print{body{padding:0}h2{break-after:avoid}}";

hs_status hs_report_write_html(hs_ctx *ctx, const hs_report *r, const char *path) {
    if (!ctx || !r || !r->incidents || !path) return HS_EINVAL;
    hs__afile af;
    hs_status st = hs__afile_open(ctx, path, &af);
    if (st) return st;
    FILE *f = af.f;
    fputs("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "img-src data:; style-src 'unsafe-inline'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    hs__put_xml(f, r->title ? r->title : "Hotspot report");
    fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>", css);
    hs__put_xml(f, r->title ? r->title : "Hotspot report");
    fputs("</h1>\n<p class=sub>", f);
    hs__put_xml(f, r->subtitle);
    fputs("</p>\n", f);

    /* Key figures. */
    hs_read_summary s;
    hs_incidents_summary(r->incidents, UINT32_MAX, &s);
    fputs("<div class=keys>", f);
    fputs("<div class=key>Incidents read<b>", f);
    put_count(f, s.rows_used);
    fputs("</b>of ", f);
    put_count(f, s.rows_read);
    fputs(" rows read</div>", f);
    if (r->wards) {
        hs_tally_summary ts;
        hs_tally_summary_get(r->wards, &ts);
        const hs_units *u = hs__tally_units(r->wards);
        fputs("<div class=key>In the wards<b>", f);
        put_count(f, ts.in_units);
        fprintf(f, "</b>%zu wards</div>", u->n);
        for (size_t i = 0; i < u->n; i++) {
            hs_tally_row row;
            hs_tally_row_get(r->wards, i, &row);
            if (row.rank == 1 && row.count) {
                fputs("<div class=key>Leading ward<b>", f);
                hs__put_xml(f, u->name[i]);
                fprintf(f, "</b>%.1f%% of incidents</div>", row.share_pct);
                break;
            }
        }
    }
    if (r->hotspots && r->hotspots->nsel) {
        const hs_hotspots *h = r->hotspots;
        double area = 0;
        for (size_t j = 0; j < h->nsel; j++)
            area += h->sel[j].area_share_pct;
        fprintf(f,
                "<div class=key>Top %zu places<b>%.1f%%</b>of incidents on %.2f%% of the "
                "area</div>",
                h->nsel, h->sel[h->nsel - 1].cum_share_pct, area);
    }
    fputs("</div>\n", f);

    fputs("<section class=maps><h2>Where</h2>\n", f);
    st = hs__report_ward_map(ctx, f, r);
    if (!st) st = hs__report_density_map(ctx, f, r);
    fputs("</section>\n", f);
    if (!st && r->wards) {
        fputs("<section><h2>Wards</h2>\n", f);
        ward_table(f, r);
        fputs("</section>\n", f);
    }
    if (!st && r->hotspots) {
        fputs("<section><h2>Top hotspots</h2>\n<p class=note>Equal-sized cells ranked by "
              "incidents (or harm); PAI = share of incidents / share of area; Gi* z over 1.96 "
              "is a significant hot spot (Getis &amp; Ord 1992).</p>\n",
              f);
        st = hotspot_table(ctx, f, r);
        fputs("</section>\n", f);
        if (!st) {
            fputs("<section><h2>How concentrated</h2>\n", f);
            st = concentration(ctx, f, r);
            fputs("</section>\n", f);
        }
    }
    if (!st) {
        fputs("<section><h2>What was read and rejected</h2>\n", f);
        st = monthly(ctx, f, r->incidents);
        rejects(f, r->incidents);
        if (r->wards) {
            hs_tally_summary ts;
            hs_tally_summary_get(r->wards, &ts);
            fputs("<p>", f);
            put_count(f, ts.outside);
            fputs(" incidents read lie outside every ward and are not in the tables or maps", f);
            if (ts.other_period) {
                fputs("; ", f);
                put_count(f, ts.other_period);
                fputs(" lie outside the periods", f);
            }
            fputs(".</p>\n", f);
        }
        fputs("</section>\n", f);
        if (r->parameter_count) {
            fputs("<section><h2>Parameters</h2>\n", f);
            pairs(f, r->parameters, r->parameter_count, "Setting", "Value");
            fputs("</section>\n", f);
        }
        if (r->file_count) {
            fputs("<section><h2>Files</h2>\n", f);
            pairs(f, r->files, r->file_count, "File", "What it holds");
            fputs("</section>\n", f);
        }
        fputs("<footer>", f);
        for (size_t i = 0; i < r->licence_count; i++) {
            hs__put_xml(f, r->licences[i]);
            fputs("<br>\n", f);
        }
        fprintf(f, "Made with libhotspot %s.</footer>\n</body></html>\n", hs_version());
    }
    if (st) {
        hs__afile_abort(&af);
        return st;
    }
    return hs__afile_commit(ctx, &af);
}
