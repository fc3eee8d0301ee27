#!/usr/bin/env bash
# Opens hotspot's GeoJSON grid with GDAL/OGR, the library QGIS reads vector
# layers with: the driver, geometry type, CRS and field types must be what
# QGIS users get. usage: check_ogr.sh HOTSPOT INPUT WORK_DIR
set -euo pipefail
exe=$1 input=$2 work=$3
mkdir -p "$work"
"$exe" grid "$input" -o "$work/ogr.geojson" -q
info=$(ogrinfo -ro -al -so "$work/ogr.geojson")
fail=0
for want in "using driver \`GeoJSON' successful" "Geometry: Polygon" 'ID\["EPSG",4326\]' \
            "id: String" "row: Integer" "col: Integer" "x_min: Real" "y_min: Real" \
            "x_max: Real" "y_max: Real" "count: Integer" "weight: Real"; do
  if ! grep -Eq "$want" <<<"$info"; then echo "FAIL: ogrinfo lacks: $want"; fail=1; fi
done
# The CSV layer, through OGR's CSV driver, lists the same cells.
"$exe" grid "$input" -o "$work/ogr.csv" -q
n_json=$(grep -o 'Feature Count: [0-9]*' <<<"$info")
n_csv=$(ogrinfo -ro -al -so "$work/ogr.csv" | grep -o 'Feature Count: [0-9]*')
[ "$n_json" = "$n_csv" ] || { echo "FAIL: $n_json vs csv $n_csv"; fail=1; }
# Every vector layer is one model written three ways (lib/layer.c): its
# Shapefile, read by OGR's Shapefile driver, has the GeoJSON's features, the
# same total area (GeoJSON reprojected by OGR/PROJ, within 0.01 %) and the
# same sum of a numeric field.
hs() { "$exe" "$@" -q; }
hs hotspots "$input" -o "$work/hot.csv"
for spec in "grid:count:grid $input" "wards:count:wards $input" "hot:count:hotspots $input" \
            "change:count:change $input --before 2023-12..2023-12 --after 2024-01..2024-01" \
            "trend:total:trend $input --cell-size 500" \
            "fences:rank:patrol $work/hot.csv --geofences" \
            "outlines:pixels:kde $input --bandwidth 500 -o $work/k.tif --contours 1,5 --contours-output"; do
  name=${spec%%:*} rest=${spec#*:}; field=${rest%%:*} cmd=${rest#*:}
  for ext in geojson shp; do
    if [ "$name" = fences ]; then hs $cmd "$work/$name.$ext" -o "$work/plan.csv"
    elif [ "$name" = outlines ]; then hs $cmd "$work/$name.$ext"
    else hs $cmd -o "$work/$name.$ext"; fi
  done
  layer=$name
  a=$(ogrinfo -ro -dialect SQLite -sql "SELECT COUNT(*), SUM(ST_Area(ST_Transform(geometry,27700))), SUM($field) FROM $layer" "$work/$name.geojson" | grep ' = ' | sed 's/.* = //' | tr '\n' ' ')
  b=$(ogrinfo -ro -dialect SQLite -sql "SELECT COUNT(*), SUM(ST_Area(geometry)), SUM($field) FROM $layer" "$work/$name.shp" | grep ' = ' | sed 's/.* = //' | tr '\n' ' ')
  if ! awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
        exit !(x[1] == y[1] && x[1] > 0 && (x[2] - y[2])^2 <= (1e-4 * y[2])^2 && (x[3] - y[3])^2 <= (1e-6 * (y[3] + 1))^2) }'; then
    echo "FAIL: $name: GeoJSON (count, area m2, sum $field) $a vs Shapefile $b"; fail=1
  else
    echo "ok $name: $a"
  fi
done
if [ $fail = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; exit 1; fi
