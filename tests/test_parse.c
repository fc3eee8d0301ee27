/* test_parse.c — numbers against glibc's strtod (correctly rounded) and
 * dates against timegm, both independent of our code. */
#include "check.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void check_num(const char *s) {
    double got = 0, want = strtod(s, NULL);
    bool ok = hs__parse_double(s, strlen(s), &got);
    CHECK_MSG(ok, "'%s' not parsed", s);
    CHECK_MSG(ok && memcmp(&got, &want, sizeof got) == 0, "'%s': %.17g vs strtod %.17g", s, got,
              want);
}

void test_parse(void) {
    /* Random decimals in the shapes real files have, and long ones that
     * leave the fast path. */
    char buf[64];
    for (int i = 0; i < 200000; i++) {
        uint64_t r = next();
        int ip = (int)(r % 1000000), dec = (int)((r >> 20) % 12);
        uint64_t frac = next() % 1000000000000ull;
        snprintf(buf, sizeof buf, "%s%d.%0*llu", (r >> 60) & 1 ? "-" : "", ip, dec ? dec : 1,
                 (unsigned long long)(frac % (dec ? (uint64_t)pow(10, dec) : 10)));
        check_num(buf);
    }
    const char *good[] = {"0",
                          "-0",
                          "1",
                          "0.1",
                          ".5",
                          "5.",
                          "+3",
                          "51.438526",
                          "0.343215",
                          "-0.000001",
                          "1e5",
                          "1E-5",
                          "123456789012345678901234567890",
                          "0.30000000000000004",
                          "1e308",
                          "4.9e-324",
                          "2.2250738585072014e-308",
                          "9007199254740993",
                          "  12.5 ",
                          "562959.003",
                          "1e22",
                          "1e23"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        check_num(good[i]);
    const char *bad[] = {"",      " ",  "nan", "NaN", "inf", "-inf", "1e309", "0x10", "1,5",
                         "1.2.3", "e5", "1e",  "1e+", "--1", "12a",  "+",     ".",    "1 2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double v;
        CHECK_MSG(!hs__parse_double(bad[i], strlen(bad[i]), &v), "'%s' accepted", bad[i]);
    }

    /* Dates: every day 1900..2100 against timegm. */
    for (int y = 1900; y <= 2100; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++) {
                struct tm tm = {0};
                tm.tm_year = y - 1900;
                tm.tm_mon = m - 1;
                tm.tm_mday = d;
                time_t want = timegm(&tm);
                bool real = tm.tm_mday == d; /* timegm normalised 31 Feb */
                snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
                int64_t t;
                hs_time_precision p;
                bool ok = hs__parse_date(buf, strlen(buf), &t, &p);
                CHECK_MSG(ok == real, "%s accepted=%d", buf, ok);
                if (ok && real) {
                    CHECK_MSG(t == (int64_t)want && p == HS_TIME_DAY, "%s", buf);
                    if (d == 1) {
                        struct tm nx = {0};
                        nx.tm_year = y - 1900;
                        nx.tm_mon = m;
                        nx.tm_mday = 1;
                        CHECK_MSG(hs__period_end(t, HS_TIME_MONTH) == (int64_t)timegm(&nx),
                                  "end of month %s", buf);
                    }
                }
            }
    struct {
        const char *s;
        int64_t t;
        hs_time_precision p;
    } ok[] = {{"2024-01", 1704067200, HS_TIME_MONTH},
              {"2024-01-15T13:45", 1704067200 + 14 * 86400 + 13 * 3600 + 45 * 60, HS_TIME_MINUTE},
              {"2024-01-15 13:45:07", 1704067200 + 14 * 86400 + 49507, HS_TIME_SECOND},
              {"2024-01-15T13:45:07.250Z", 1704067200 + 14 * 86400 + 49507, HS_TIME_SECOND},
              {"2024-01-15T13:45:07+01:00", 1704067200 + 14 * 86400 + 49507, HS_TIME_SECOND},
              {"2019-01-01T01:30:00", 1546306200, HS_TIME_SECOND},
              {"2024-02-29", 1709164800, HS_TIME_DAY}};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        int64_t t;
        hs_time_precision p;
        CHECK_MSG(hs__parse_date(ok[i].s, strlen(ok[i].s), &t, &p) && t == ok[i].t && p == ok[i].p,
                  "%s", ok[i].s);
    }
    const char *bad_dates[] = {"2024-13", "2024-00",          "31/02/2024",    "2023-02-29",
                               "2024-1",  "2024-01-32",       "2024-04-31",    "2024/01/01",
                               "24-01",   "2024-01-01T25:00", "2024-01-01T10", "2024-01-01X",
                               "",        "January 2024"};
    for (size_t i = 0; i < sizeof bad_dates / sizeof *bad_dates; i++) {
        int64_t t;
        hs_time_precision p;
        CHECK_MSG(!hs__parse_date(bad_dates[i], strlen(bad_dates[i]), &t, &p), "'%s' accepted",
                  bad_dates[i]);
    }
}
