/* commands.c — the hotspot commands: the library command each runs (its
 * name is the library's, hs_command_name), one line for 'hotspot --help'
 * and the text of 'hotspot NAME --help'.
 * Each maps its options to one call, hs_job_run; the options themselves
 * are the library's settings (hs_setting_get). */
#include "cli.h"

const hs_cli_command hs_cli_commands[] = {
    {HS_COMMAND_GRID, "count incidents on a square or hexagonal grid",
     "usage: hotspot grid [options] INPUT... -o OUT\n\n"
     "Counts incidents per grid cell (only non-empty cells are written).\n"},
    {HS_COMMAND_WARDS, "the ward table: counts, share, rank, density, rate, change per polygon",
     "usage: hotspot wards [options] INPUT... -o OUT\n\n"
     "Counts incidents per ward (or any polygon: LSOAs, beats), one row per polygon.\n"},
    {HS_COMMAND_KDE, "kernel density surface (GeoTIFF styled for QGIS), outlines, comparisons",
     "usage: hotspot kde [options] INPUT... -o OUT.tif\n\n"
     "Exact kernel density: every incident adds its kernel at its true distance to every "
     "pixel centre.\n"},
    {HS_COMMAND_HOTSPOTS, "rank places by harm with Getis-Ord Gi*: the top N for patrols",
     "usage: hotspot hotspots [options] INPUT... -o OUT\n\n"
     "Ranks equal-sized places (grid cells, or polygons) by harm or count, with Getis-Ord Gi*,\n"
     "for hotspot patrols.\n"},
    {HS_COMMAND_PATROL, "a randomised, reproducible patrol plan for those hotspots",
     "usage: hotspot patrol [options] HOTSPOTS.csv -o PLAN.csv\n\n"
     "A reproducible randomised patrol schedule for the hotspots of 'hotspot hotspots'.\n"},
    {HS_COMMAND_CHANGE, "per place: before, after, difference and an exact test of it",
     "usage: hotspot change [options] INPUT... --before FROM..TO --after FROM..TO -o OUT\n\n"
     "Counts per grid cell or polygon in two periods, their difference and an exact test of "
     "it.\n"},
    {HS_COMMAND_EVALUATE, "hit rate, PAI, PEI and RRI of hotspots on another period",
     "usage: hotspot evaluate [options] INPUT... --hotspots HOTSPOTS.csv --after FROM..TO -o "
     "MEASURES.csv\n\n"
     "How well places chosen on one period capture another's incidents: hit rate, PAI, PEI, "
     "RRI.\n"},
    {HS_COMMAND_DISPLACEMENT, "the weighted displacement quotient of a patrolled area",
     "usage: hotspot displacement [options] INPUT... --treated FILE --buffer M [--control "
     "FILE.shp] --before FROM..TO --after FROM..TO -o WDQ.csv\n\n"
     "Did crime fall in the treated places, and did it move next door? Weighted displacement "
     "quotient.\n"},
    {HS_COMMAND_TREND, "emerging hotspots: Gi* per month, quarter or year, trend and category",
     "usage: hotspot trend [options] INPUT... -o OUT\n\n"
     "Gi* per period for every grid cell or polygon, a Mann-Kendall trend of it, and ArcGIS's\n"
     "emerging hot spot categories (new, consecutive, intensifying, persistent, ...).\n"},
    {HS_COMMAND_REPORT,
     "the whole job in one pass: ward table, grid, density, Gi* hotspots, patrol\n"
     "               plan, a styled QGIS project and an HTML report, in one folder",
     "usage: hotspot report [options] INPUT... -o FOLDER\n\n"
     "Reads the incidents once and writes, in FOLDER: the ward table (wards.geojson, "
     "wards.csv),\ngrid counts (grid.geojson), the density (density.tif), the top hotspots with "
     "Gi*\n(hotspots.geojson, hotspots.csv), a patrol plan (patrol.csv), the rejected rows\n"
     "(rejects.csv), each layer with its QGIS style (.qml), a QGIS project opening them\n"
     "(project.qgs) and a report for the board (report.html). Grid, density and hotspots "
     "cover\nthe incidents inside the wards (default: the built-in Gravesham wards).\n"},
    {HS_COMMAND_CHECK,
     "read files as the commands would and count rows used and rejected, by\n"
     "               reason, keeping nothing (streams files of any size)",
     "usage: hotspot check [options] INPUT...\n\n"
     "Reads each file as the other commands would (same columns, filters, CRS and reject\n"
     "reasons) and prints the rows read, used and rejected by reason, keeping nothing:\n"
     "memory stays small whatever the file's size.\n"},
    {HS_COMMAND_COUNT_, NULL, NULL}};
