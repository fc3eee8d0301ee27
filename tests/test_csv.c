/* test_csv.c — RFC 4180 edge cases, each with the answer worked by hand. */
#include "check.h"
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Scans every record of s; writes "f1|f2|...;" per record into out. */
static hs__csv_result scan_all(const char *s, char *out, size_t outsz, uint64_t *lines) {
    const char *p = s, *end = s + strlen(s);
    size_t k = 0;
    *lines = 0;
    out[0] = 0;
    while (p < end) {
        hs__field f[16];
        size_t nf;
        uint64_t nl;
        const char *re;
        hs__csv_result r;
        p = hs__csv_record(p, end, f, 16, &nf, &nl, &re, &r);
        if (r) return r;
        *lines += nl;
        for (size_t i = 0; i < nf && i < 16; i++) {
            char buf[256];
            hs__csv_unescape(&f[i], buf);
            k += (size_t)snprintf(out + k, outsz - k, "%s%s", i ? "|" : "", buf);
        }
        k += (size_t)snprintf(out + k, outsz - k, ";");
    }
    return HS__CSV_OK;
}

static void expect(const char *in, const char *want, uint64_t want_lines) {
    char out[1024];
    uint64_t lines;
    hs__csv_result r = scan_all(in, out, sizeof out, &lines);
    CHECK_MSG(r == HS__CSV_OK, "error %d on [%s]", (int)r, in);
    CHECK_MSG(strcmp(out, want) == 0, "[%s] -> [%s], want [%s]", in, out, want);
    CHECK_MSG(lines == want_lines, "[%s]: %llu line ends, want %llu", in, (unsigned long long)lines,
              (unsigned long long)want_lines);
}

static void expect_error(const char *in, hs__csv_result want) {
    char out[1024];
    uint64_t lines;
    CHECK_MSG(scan_all(in, out, sizeof out, &lines) == want, "[%s] not error %d", in, (int)want);
}

/* A police.uk-like CSV through the public reader: returns status and the
 * summary. */
static hs_status read_text(const char *text, hs_read_summary *sum, char *err, size_t errsz,
                           hs_incidents **keep) {
    hs_ctx *ctx;
    hs_ctx_create(&ctx);
    hs_incidents *inc;
    hs_incidents_create(ctx, &inc);
    hs_read_options o = hs_test_xy("type", NULL);
    hs_status st = hs_incidents_read_csv_buffer(ctx, "t.csv", text, strlen(text), &o, inc);
    snprintf(err, errsz, "%s", hs_ctx_last_error(ctx));
    hs_incidents_summary(inc, UINT32_MAX, sum);
    if (keep)
        *keep = inc;
    else
        hs_incidents_destroy(inc);
    hs_ctx_destroy(ctx);
    return st;
}

/* hs__put_deg against printf's "%.7f" on 600,000 values: uniform lon/lat,
 * exact ties of the 7th decimal and their neighbours, zeros and signs, and
 * the out-of-range values printf handles. */
static void put_deg_is_printf(void) {
    char *got = NULL, want[64];
    size_t glen = 0, bad = 0;
    FILE *f = open_memstream(&got, &glen);
    uint64_t r = 3;
    for (int i = 0; i < 600000 && bad < 5; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        double u = (double)(r >> 11) / 9007199254740992.0, v;
        switch (i % 6) {
        case 0: v = -180 + 360 * u; break;
        case 1: v = -90 + 180 * u; break;
        case 2: v = ((double)(int64_t)(u * 3.6e9) - 1.8e9 + 0.5) / 1e7; break; /* a tie */
        case 3:
            v = nextafter(((double)(int64_t)(u * 1e9) + 0.5) / 1e7, i % 4 ? 1e300 : -1e300);
            break;
        case 4: v = (i % 8 ? 1 : -1) * u * 1e-7; break;
        default: v = i % 5 ? -0.0 : (i % 7 ? 1e30 * u : NAN); break;
        }
        fflush(f);
        size_t at = glen;
        hs__put_deg(f, v);
        fflush(f);
        snprintf(want, sizeof want, "%.7f", v);
        if (glen - at != strlen(want) || memcmp(got + at, want, glen - at) != 0) {
            bad++;
            CHECK_MSG(0, "put_deg(%.17g) = %.*s, printf %s", v, (int)(glen - at), got + at, want);
        }
    }
    fclose(f);
    free(got);
}

void test_csv(void) {
    put_deg_is_printf();
    expect("a,b\n1,2\n", "a|b;1|2;", 2);
    expect("a,b\r\n1,2\r\n", "a|b;1|2;", 2);
    expect("a,b\n1,2", "a|b;1|2;", 1);                             /* no final line end */
    expect("\"a,b\",c\n", "a,b|c;", 1);                            /* quoted comma */
    expect("\"say \"\"hi\"\"\",x\n", "say \"hi\"|x;", 1);          /* doubled quotes */
    expect("\"two\nlines\",x\r\nn,m\r\n", "two\nlines|x;n|m;", 3); /* embedded LF */
    expect("\"two\r\nlines\",x\n", "two\r\nlines|x;", 2);
    expect("a,,c\n", "a||c;", 1);               /* empty field */
    expect("a,b,\n", "a|b|;", 1);               /* trailing empty field */
    expect("12\" pipe,x\n", "12\" pipe|x;", 1); /* lenient inner quote */
    expect("a\rb,c\n", "a\rb|c;", 1);           /* bare CR is text */
    expect("\"\",x\n", "|x;", 1);               /* empty quoted */
    expect("\n", ";", 1);                       /* blank line */
    expect("a,b\r", "a|b;", 1);                 /* CR at the very end (found by fuzzing) */
    expect("a,b\r\r\n1,2", "a|b\r;1|2;", 1);
    expect_error("\"never closed,x\n1,2\n", HS__CSV_UNTERMINATED);
    expect_error("\"ab\"c,x\n", HS__CSV_AFTER_QUOTE);
    {
        const char nul[] = "a,b\n1,\0002\n";
        const char *end = nul + sizeof nul - 1, *re;
        hs__field f[4];
        size_t nf;
        uint64_t nl;
        hs__csv_result r;
        const char *p = hs__csv_record(nul, end, f, 4, &nf, &nl, &re, &r);
        hs__csv_record(p, end, f, 4, &nf, &nl, &re, &r);
        CHECK(r == HS__CSV_NUL);
    }

    /* Through the reader: BOM, CRLF, line numbers after an embedded line
     * end, blank line and field-count rejects, and the errors. */
    hs_read_summary s;
    char err[512];
    hs_incidents *inc;
    const char *t1 = "\xEF\xBB\xBFx,y,type\r\n"
                     "600000,170000,\"Violence, with \"\"injury\"\"\"\r\n"
                     "600001,170001,\"two\r\nlines\"\r\n"
                     "\r\n"
                     "600002,170002\r\n"
                     "600003,170003,Drugs";
    CHECK(read_text(t1, &s, err, sizeof err, &inc) == HS_OK);
    CHECK(s.rows_read == 5 && s.rows_used == 3);
    CHECK(s.rejected[HS_REJECT_EMPTY_ROW] == 1 && s.rejected[HS_REJECT_FIELD_COUNT] == 1);
    hs_incident a;
    CHECK(hs_incidents_get(inc, 0, &a) == HS_OK && a.line == 2 && a.x == 600000);
    CHECK(strcmp(hs_incidents_category_name(inc, a.category), "Violence, with \"injury\"") == 0);
    CHECK(hs_incidents_get(inc, 1, &a) == HS_OK && a.line == 3);
    CHECK(strcmp(hs_incidents_category_name(inc, a.category), "two\r\nlines") == 0);
    CHECK(hs_incidents_get(inc, 2, &a) == HS_OK && a.line == 7 && a.y == 170003);
    hs_reject rj;
    CHECK(hs_incidents_reject_get(inc, 0, &rj) == HS_OK && rj.line == 5 &&
          rj.reason == HS_REJECT_EMPTY_ROW);
    CHECK(hs_incidents_reject_get(inc, 1, &rj) == HS_OK && rj.line == 6 &&
          rj.reason == HS_REJECT_FIELD_COUNT && rj.length == strlen("600002,170002"));
    hs_incidents_destroy(inc);

    CHECK(read_text("x,y,type\n1,2,a\n\"open,3,b\n4,5,c\n", &s, err, sizeof err, NULL) ==
          HS_EPARSE);
    CHECK_MSG(strstr(err, "t.csv:3: quoted field is never closed") != NULL, "%s", err);
    CHECK(read_text("x,y,type\n1,2,a\n\"a\"b,3,c\n", &s, err, sizeof err, NULL) == HS_EPARSE);
    CHECK_MSG(strstr(err, "t.csv:3: text after a closing quote") != NULL, "%s", err);
    CHECK(read_text("", &s, err, sizeof err, NULL) == HS_EPARSE);
    CHECK_MSG(strstr(err, "t.csv:1: empty file") != NULL, "%s", err);
    CHECK(read_text("x,y,type\n", &s, err, sizeof err, NULL) == HS_OK && s.rows_read == 0);
    CHECK(read_text("a,b,c\n1,2,3\n", &s, err, sizeof err, NULL) == HS_EPARSE);
    CHECK_MSG(strstr(err, "t.csv:1: no column 'x'") != NULL, "%s", err);
    /* Failed file leaves the table as it was. */
    CHECK(s.rows_read == 0);
}
