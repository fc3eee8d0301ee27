#!/usr/bin/env bash
# Boundary files in any format (issue 15, point 8): the Gravesham wards as a
# Shapefile, as GeoJSON with a "crs" member (British National Grid), as RFC
# 7946 GeoJSON (lon/lat, 7 decimals) and as a GeoPackage — all three written
# by GDAL's ogr2ogr from the shapefile, an independent writer — give the
# same ward table; a real third-party GeoJSON (sfhotspot's Memphis
# precincts, RFC 7946 with a CRS84 member) counts the robberies as a
# brute-force point-in-polygon count in Python does; bad files are refused
# with the file and the feature or line. Usage: run.sh HOTSPOT DATA WORKDIR
set -u
hs=$(realpath "$1") data=$(realpath "$2") work=$3
export HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
fail=0
kent=$data/police-uk-kent g=$data/boundaries/gravesham-wards-2013
for f in gravesham_wards_2013.shp gravesham_wards_2013_bng.geojson gravesham_wards_2013.gpkg \
  gravesham_wards_2013_rfc7946.geojson "gravesham_wards_2013.gpkg|layername=gravesham_wards"; do
  out=$(echo "$f" | tr '.|=' '___').csv
  "$hs" wards "$kent"/*.csv -q --wards "$g/$f" -o "$out" || { echo "FAIL: wards $f"; fail=1; }
done
# Same bytes from the shapefile, the BNG GeoJSON and the GeoPackage (same
# coordinates); RFC 7946 rounds to 1e-7 degrees (about 1 cm): same counts,
# areas within 0.01 %.
for o in gravesham_wards_2013_bng_geojson.csv gravesham_wards_2013_gpkg.csv \
  gravesham_wards_2013_gpkg_layername_gravesham_wards.csv; do
  cmp -s gravesham_wards_2013_shp.csv "$o" || { echo "FAIL: $o differs from the shapefile's table"; fail=1; }
done
python3 - gravesham_wards_2013_shp.csv gravesham_wards_2013_rfc7946_geojson.csv <<'PY' || fail=1
import csv, sys
a = list(csv.DictReader(open(sys.argv[1])))
b = list(csv.DictReader(open(sys.argv[2])))
assert len(a) == len(b) == 18, (len(a), len(b))
for x, y in zip(a, b):
    assert (x['code'], x['name'], x['count']) == (y['code'], y['name'], y['count']), (x, y)
    ax, ay = float(x['area_km2']), float(y['area_km2'])
    assert abs(ax - ay) <= 1e-4 * ax + 0.005, (x['code'], ax, ay)
print(f"gravesham wards: shp, BNG GeoJSON, GeoPackage identical; RFC 7946 same counts "
      f"({sum(int(r['count']) for r in a)} incidents in 18 wards)")
PY
# The same hotspots with a GeoPackage study area as with the shapefile.
"$hs" hotspots "$kent"/*.csv -q --study-area "$g/gravesham_wards_2013.shp" -o h_shp.csv || fail=1
"$hs" hotspots "$kent"/*.csv -q --study-area "$g/gravesham_wards_2013.gpkg" -o h_gpkg.csv || fail=1
cmp -s h_shp.csv h_gpkg.csv || { echo "FAIL: hotspots with a GeoPackage study area differ"; fail=1; }

# A study area (issue 15): hotspots with --wards keep to the wards; every
# incident left out is in --rejects as "outside the study area", and a
# brute-force even-odd test over the RFC 7946 copy (lon/lat, like the
# police.uk rows) agrees on which are out.
V="Violence and sexual offences"
"$hs" hotspots "$kent"/*.csv -q --crime-type "$V" --wards "$g/gravesham_wards_2013.gpkg" \
  --rejects rej.csv -o hw.csv || fail=1
python3 - "$g/gravesham_wards_2013_rfc7946.geojson" rej.csv "$kent" <<'PY' || fail=1
import csv, glob, os, sys
sys.path.insert(0, os.environ['HERE'])
from evenodd import inside, polygons
rings = [r for _, r in polygons(sys.argv[1], 'WD13CD')]
def in_wards(x, y):
    return any(inside(r, x, y) for r in rings)
out = set()
for r in csv.DictReader(open(sys.argv[2])):
    if r['reason'] == 'outside the study area':
        out.add((r['file'].rsplit('/', 1)[-1], int(r['line'])))
want_out = set()
for f in sorted(glob.glob(sys.argv[3] + '/*.csv')):
    name = f.rsplit('/', 1)[-1]
    with open(f, newline='') as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            if row['Crime type'] != 'Violence and sexual offences' or not row['Longitude']:
                continue
            if not in_wards(float(row['Longitude']), float(row['Latitude'])):
                want_out.add((name, i))
assert out == want_out, (len(out), len(want_out), sorted(out ^ want_out)[:5])
print(f"study area: {len(out)} violent incidents outside the wards, listed line by line as a "
      f"brute-force test finds them")
PY
# Displacement: the study area is the default control area.
"$hs" hotspots "$kent"/2024-0[12]*.csv -q --crime-type "$V" --wards "$g/gravesham_wards_2013.shp" --top 5 -o jf.csv || fail=1
for how in "--control $g/gravesham_wards_2013.shp" "--study-area $g/gravesham_wards_2013_bng.geojson"; do
  "$hs" displacement "$kent"/*.csv -q --crime-type "$V" --treated jf.csv --buffer 300 $how \
    --before 2024-01..2024-02 --after 2024-03..2024-04 -o "wdq_${how%% *}.csv" || fail=1
done
cmp -s wdq_--control.csv wdq_--study-area.csv || { echo "FAIL: displacement --study-area"; fail=1; }

# Memphis precincts (GeoJSON from sfhotspot, no code field but "precinct").
m=$data/fixtures/sfhotspot-memphis
"$hs" wards "$m/memphis_robberies.csv" -q --crs EPSG:2843 --x-column x_epsg2843 --y-column y_epsg2843 \
  --date-column date --wards "$m/memphis_precincts.geojson" --code-field precinct -o precincts.csv || fail=1
python3 - "$m/memphis_precincts.geojson" "$m/memphis_robberies.csv" precincts.csv <<'PY' || fail=1
import csv, os, sys
# Even-odd ray casting in lon/lat (the robberies' own longitude/latitude
# columns).
sys.path.insert(0, os.environ['HERE'])
from evenodd import inside, polygons
polys = polygons(sys.argv[1], 'precinct')
want = {}
for r in csv.DictReader(open(sys.argv[2])):
    x, y = float(r['longitude']), float(r['latitude'])
    for name, rings in polys:
        if inside(rings, x, y):
            want[name] = want.get(name, 0) + 1
            break
got = {r['code']: int(r['count']) for r in csv.DictReader(open(sys.argv[3]))}
# The robberies' lon/lat are rounded to 3 decimals (about 100 m), their
# x/y are not: a point near a precinct line could fall either side (none
# does in this data set; 1 % allowed).
diff = sum(abs(got.get(k, 0) - want.get(k, 0)) for k in set(got) | set(want))
total = sum(want.values())
assert len(got) == 9 and diff <= 0.01 * total, (got, want)
print(f"memphis precincts: 9 polygons, {sum(got.values())} robberies placed; "
      f"brute force on rounded lon/lat differs by {diff} of {total}")
PY

# Bad files: refused, naming the file and where.
printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Point","coordinates":[0,51]}}]}' >pt.geojson
printf '{"type":"FeatureCollection",\n"features":[\n{"type":"Feature","properties":{"code":"A"},\n"geometry":null},\n]}' >comma.geojson
printf 'x' >w.txt
cp "$g/gravesham_wards_2013.gpkg" two.gpkg
python3 - two.gpkg <<'PY' || fail=1
import sqlite3, sys
# A second polygon layer, as QGIS's "Save as" into an existing GeoPackage adds.
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE copy AS SELECT * FROM gravesham_wards")
c.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('copy', 'features', 'copy', 27700)")
c.execute("INSERT INTO gpkg_geometry_columns VALUES ('copy', 'geom', 'POLYGON', 27700, 0, 0)")
c.commit()
PY
while IFS='|' read -r file want; do
  "$hs" wards "$kent/2024-01-kent-street.csv" -q --wards "$file" -o bad.csv 2>bad.err
  rc=$?
  if [ "$rc" = 0 ] || ! grep -qF -- "$want" bad.err || [ -e bad.csv ]; then
    echo "FAIL: $file: rc $rc, wanted '$want', got: $(cat bad.err)"; fail=1
  fi
done <<'EOF2'
pt.geojson|pt.geojson: feature 1: holds a Point geometry, not polygons
comma.geojson|comma.geojson: line 5, column 1: not valid JSON
w.txt|w.txt: not a Shapefile (.shp), GeoJSON (.geojson, .json) or GeoPackage (.gpkg)
two.gpkg|two.gpkg: 2 polygon layers (copy (POLYGON), gravesham_wards (POLYGON)): name one as two.gpkg|layername=NAME
EOF2
"$hs" wards "$kent/2024-01-kent-street.csv" -q --wards "two.gpkg|layername=copy" -o two.csv || fail=1
[ "$(wc -l <two.csv)" = 19 ] || { echo "FAIL: layer 'copy' of two.gpkg"; fail=1; }
if [ "$fail" = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $fail
