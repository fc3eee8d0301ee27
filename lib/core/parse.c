/* parse.c — numbers and ISO 8601 dates from CSV fields.
 *
 * Numbers: a strict decimal grammar ([+-]digits[.digits][(e|E)[+-]digits]),
 * converted with Clinger's fast path (W. D. Clinger, "How to read floating
 * point numbers accurately", PLDI 1990): when the decimal significand fits
 * in 53 bits and |exponent| <= 22, m * 10^e or m / 10^e is one correctly
 * rounded IEEE operation. Everything else goes to strtod, so results are
 * always correctly rounded. NaN, infinities and hex floats are refused.
 *
 * Dates: proleptic Gregorian; days from civil date by H. Hinnant's
 * algorithm ("chrono-Compatible Low-Level Date Algorithms"). */
#include "core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool hs__parse_double(const char *s, size_t len, double *out) {
    const char *p = s, *end = s + len;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (p == end) return false;
    const char *start = p;
    bool neg = false;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    uint64_t m = 0;
    int sig = 0, exp10 = 0, ndig = 0;
    bool exact = true;
    for (; p < end && is_digit(*p); p++, ndig++) {
        if (m == 0 && *p == '0') continue;
        if (sig < 19) {
            m = m * 10 + (uint64_t)(*p - '0');
            sig++;
        } else {
            exact = false;
            exp10++;
        }
    }
    if (p < end && *p == '.') {
        p++;
        for (; p < end && is_digit(*p); p++, ndig++) {
            if (m == 0 && *p == '0') {
                exp10--;
                continue;
            }
            if (sig < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                sig++;
                exp10--;
            } else {
                exact = false;
            }
        }
    }
    if (ndig == 0) return false;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = false;
        if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        if (p == end || !is_digit(*p)) return false;
        int e = 0;
        for (; p < end && is_digit(*p); p++)
            if (e < 100000) e = e * 10 + (*p - '0');
        exp10 += eneg ? -e : e;
    }
    if (p != end) return false;
    double v;
    if (m == 0) {
        v = 0.0;
    } else if (exact && m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        v = (double)m;
        v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
    } else {
        size_t n = (size_t)(end - start);
        char small[64], *buf = n < sizeof small ? small : hs__malloc(NULL, n + 1);
        if (!buf) return false;
        memcpy(buf, start, n);
        buf[n] = '\0';
        char *stop;
        v = strtod(buf, &stop);
        bool whole = stop == buf + n;
        if (buf != small) free(buf);
        if (!whole) return false;
        if (v < 0) v = -v;
    }
    if (!isfinite(v)) return false;
    *out = neg ? -v : v;
    return true;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int64_t hs__month_index(int64_t t) {
    /* civil from days (Hinnant), the inverse of days_from_civil */
    int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    return y * 12 + (int64_t)m - 1;
}

static unsigned days_in_month(int y, int m) {
    static const unsigned dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/* Reads exactly n digits. */
static bool digits(const char **p, const char *end, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (*p >= end || !is_digit(**p)) return false;
        v = v * 10 + (*(*p)++ - '0');
    }
    *out = v;
    return true;
}

bool hs__parse_date(const char *s, size_t len, int64_t *t, hs_time_precision *prec) {
    const char *p = s, *end = s + len;
    while (p < end && *p == ' ')
        p++;
    while (end > p && end[-1] == ' ')
        end--;
    int y, mo, d = 1, hh = 0, mi = 0, ss = 0;
    hs_time_precision pr = HS_TIME_MONTH;
    if (!digits(&p, end, 4, &y) || p >= end || *p++ != '-' || !digits(&p, end, 2, &mo) || mo < 1 ||
        mo > 12)
        return false;
    if (p < end) {
        if (*p++ != '-' || !digits(&p, end, 2, &d) || d < 1 || (unsigned)d > days_in_month(y, mo))
            return false;
        pr = HS_TIME_DAY;
        if (p < end) {
            if (*p != 'T' && *p != ' ') return false;
            p++;
            if (!digits(&p, end, 2, &hh) || hh > 23 || p >= end || *p++ != ':' ||
                !digits(&p, end, 2, &mi) || mi > 59)
                return false;
            pr = HS_TIME_MINUTE;
            if (p < end && *p == ':') {
                p++;
                if (!digits(&p, end, 2, &ss) || ss > 60) return false;
                if (ss == 60) ss = 59; /* leap second: keep it in its minute */
                pr = HS_TIME_SECOND;
                if (p < end && (*p == '.' || *p == ',')) {
                    p++;
                    if (p >= end || !is_digit(*p)) return false;
                    while (p < end && is_digit(*p))
                        p++;
                }
            }
            if (p < end && *p == 'Z') {
                p++;
            } else if (p < end && (*p == '+' || *p == '-')) {
                int oh, om = 0;
                p++;
                if (!digits(&p, end, 2, &oh) || oh > 23) return false;
                if (p < end && *p == ':') p++;
                if (p < end && (!digits(&p, end, 2, &om) || om > 59)) return false;
            }
        }
    }
    if (p != end) return false;
    *t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + hh * 3600 + mi * 60 + ss;
    *prec = pr;
    return true;
}

int64_t hs__period_end(int64_t t, hs_time_precision prec) {
    switch (prec) {
    case HS_TIME_MONTH: {
        /* t is the first of a month: step to the first of the next. */
        int64_t days = t / 86400;
        for (int64_t dd = days + 28; dd <= days + 31; dd++) {
            /* the first day after t whose civil day-of-month is 1 */
            int64_t z = dd + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
            unsigned doe = (unsigned)(z - era * 146097);
            unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
            unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            unsigned mp = (5 * doy + 2) / 153;
            unsigned dday = doy - (153 * mp + 2) / 5 + 1;
            if (dday == 1) return dd * 86400;
        }
        return t + 31 * 86400;
    }
    case HS_TIME_DAY: return t + 86400;
    case HS_TIME_MINUTE: return t + 60;
    default: return t + 1;
    }
}

bool hs__parse_bound(const char *s, int64_t *start, int64_t *end) {
    hs_time_precision pr;
    if (!s || !hs__parse_date(s, strlen(s), start, &pr) || pr > HS_TIME_DAY) return false;
    *end = hs__period_end(*start, pr);
    return true;
}
