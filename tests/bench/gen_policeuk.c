/* gen_policeuk.c — writes N synthetic data.police.uk street-level rows
 * (same 12 columns, CRLF, ~213 bytes a row, 1% "No Location") with a fixed
 * seed, so every run benchmarks the same bytes. With POINTS, every
 * incident is snapped to one of that many fixed map points (drawn once, in
 * the same towns), as data.police.uk anonymises locations: N / 4.7 points
 * gives the 4.7 incidents a point measured on the real Kent files (133,737
 * located incidents at 28,244 distinct points over 9 months).
 * usage: gen_policeuk N SEED [POINTS] > file.csv */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t s;
static uint64_t rnd(void) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: gen_policeuk N SEED\n");
        return 2;
    }
    long n = atol(argv[1]), npoints = argc > 3 ? atol(argv[3]) : 0;
    s = (uint64_t)atoll(argv[2]) * 0x9E3779B97F4A7C15ull + 1;
    static const char *types[14] = {"Anti-social behaviour",
                                    "Bicycle theft",
                                    "Burglary",
                                    "Criminal damage and arson",
                                    "Drugs",
                                    "Other theft",
                                    "Possession of weapons",
                                    "Public order",
                                    "Robbery",
                                    "Shoplifting",
                                    "Theft from the person",
                                    "Vehicle crime",
                                    "Violence and sexual offences",
                                    "Other crime"};
    static const char *outcomes[4] = {"Unable to prosecute suspect",
                                      "Investigation complete; no suspect identified",
                                      "Under investigation", "Awaiting court outcome"};
    static char buf[1 << 20];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    fputs("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context\r\n",
          stdout);
    for (long i = 0; i < n; i++) {
        uint64_t r = rnd();
        const char *type = types[r % 14];
        if (r % 14) {
            for (int k = 0; k < 4; k++)
                printf("%016llx", (unsigned long long)rnd());
        }
        printf(",2024-%02d,Kent Police,Kent Police,", (int)(1 + (r >> 8) % 12));
        if ((r >> 16) % 100 == 0) {
            printf(",,No Location,,,");
        } else {
            /* Around eight real Kent towns (Gravesend, Dartford, Maidstone,
             * Canterbury, Tunbridge Wells, Sevenoaks, Sittingbourne,
             * Folkestone), a few km across, densest at the centre. */
            static const double town_lon[8] = {0.370, 0.218, 0.522, 1.080,
                                               0.263, 0.190, 0.733, 1.175};
            static const double town_lat[8] = {51.441, 51.445, 51.272, 51.280,
                                               51.132, 51.272, 51.340, 51.081};
            double u = (double)(rnd() >> 11) / 9007199254740992.0;
            double v = (double)(rnd() >> 11) / 9007199254740992.0;
            int town = (int)((r >> 24) % 8);
            if (npoints > 0) {
                /* The map point: its own seed gives its town and place, so
                 * the set of points is fixed whatever N. */
                uint64_t p = (uint64_t)((double)(rnd() >> 11) / 9007199254740992.0 * npoints);
                uint64_t t = (p + 1) * 0x9E3779B97F4A7C15ull;
                t ^= t >> 31, t *= 0xBF58476D1CE4E5B9ull, t ^= t >> 27;
                town = (int)(t % 8);
                u = (double)((t >> 8) & 0xFFFFF) / 1048576.0;
                v = (double)((t >> 28) & 0xFFFFF) / 1048576.0;
            }
            double lon = town_lon[town] + 0.06 * (u - 0.5) * fabs(u - 0.5) * 4;
            double lat = town_lat[town] + 0.04 * (v - 0.5) * fabs(v - 0.5) * 4;
            static const char *towns[8] = {
                "Gravesham",       "Dartford",  "Maidstone", "Canterbury",
                "Tunbridge Wells", "Sevenoaks", "Swale",     "Folkestone and Hythe"};
            static const char *places[6] = {
                "Supermarket",   "Parking Area",           "Petrol Station",
                "Shopping Area", "Sports/Recreation Area", "Nightclub"};
            printf("%.6f,%.6f,On or near %s %d,E010%05d,%s %03dX,", lon, lat, places[(r >> 32) % 6],
                   (int)((r >> 35) % 5000), (int)((r >> 40) % 99999), towns[town],
                   (int)((r >> 48) % 300));
        }
        printf("%s,%s,\r\n", type, r % 14 ? outcomes[(r >> 56) % 4] : "");
    }
    return 0;
}
